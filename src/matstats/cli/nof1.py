"""``matstats nof1 ...``: plan a personal mat trial, analyse its diary, size it.

``plan`` writes the schedule as a CSV diary template (:func:`matstats.nof1.plan_calendar`;
without ``--seed`` every run draws a fresh order), ``analyze`` prints the report of a filled-in
diary (:func:`matstats.narrative.nof1.diary_summary`), ``power`` the chance of a 'benefit'
verdict by cycles (:func:`matstats.nof1.verdict_calibration.verdict_power`); ``series`` is
:mod:`matstats.cli.series`. The options are in each command's ``--help``.
"""

from __future__ import annotations

import sys

import pandas as pd

from matstats.cli._args import add_options, output_file, parse_cycles
from matstats.cli.series import register_series
from matstats.plots import save_png  # cheap: the plot modules load on first use

__all__ = ["register_cli"]


def register_cli(subparsers) -> None:
    """Add the ``nof1`` command (with ``plan``, ``analyze``, ``power``) to ``subparsers``."""
    p = subparsers.add_parser(
        "nof1",
        help="plan, analyse and size a personal (n-of-1) mat trial",
        description="Plan, analyse and size a personal randomized mat trial (n-of-1).",
    )
    sub = p.add_subparsers(dest="nof1_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    _add_plan(sub)
    _add_analyze(sub)
    _add_power(sub)

    register_series(sub)


def _add_plan(sub) -> None:
    """The ``nof1 plan`` sub-command."""
    pp = sub.add_parser("plan", help="write a trial schedule as a CSV calendar")
    pp.add_argument("--cycles", type=int, required=True, help="number of cycles (mat + control)")
    add_options(pp, "--period-days", "--washout-days", "--design", "--start-date")
    pp.add_argument("--seed", type=int, default=None,
                    help="seed for the random order, only to reproduce a plan already drawn "
                    "(default: fresh randomness, a new order every run)")
    pp.add_argument("--out", default="-", help="output CSV path (default: standard output)")
    pp.add_argument("--figure", default=None, help="also write a calendar figure (PNG) here")
    pp.set_defaults(func=_cmd_plan)
    pp.epilog = ("Plans need at least 2 cycles; every plan is written with a note on the "
                 "chance of a 'benefit' verdict and on what it cannot show.")


def _add_analyze(sub) -> None:
    """The ``nof1 analyze`` sub-command."""
    pa = sub.add_parser("analyze", help="analyse a filled-in diary CSV and print the verdict")
    pa.add_argument("diary", help="diary CSV: date, condition, score [, cycle, washout, ...]")
    add_options(pa, "--scale", "--mcid", "--higher-is-better")
    pa.add_argument("--comparator", choices=("no_mat", "sham"), default="no_mat",
                    help="what the control periods were: no mat (unblinded) or a blunt sham mat")
    pa.add_argument("--washout-days", type=int, default=1,
                    help="days dropped at the start of each period if the diary has no washout "
                    "column (default 1)")
    pa.add_argument("--period-days", type=int, default=None,
                    help="period length, only needed without a cycle column")
    pa.add_argument("--design", default=None, choices=("paired_random", "abab", "alternating"),
                    help="how the order within cycles was decided (default: the diary's design "
                    "column, else unknown); the randomization test is reported only for "
                    "paired_random")
    pa.add_argument("--planned-cycles", type=int, default=None,
                    help="cycles the trial was planned to have (default: the cycles in the "
                    "diary); fewer rated cycles make the verdict provisional")
    pa.add_argument("--figure", default=None, help="also write the diary figure (PNG) here")
    pa.set_defaults(func=_cmd_analyze)


def _add_power(sub) -> None:
    """The ``nof1 power`` sub-command."""
    pw = sub.add_parser("power", help="chance of a 'benefit' verdict over numbers of cycles")
    pw.add_argument("--effect", type=float, nargs="+", required=True,
                    help="true mat effect(s): mat minus control in score points, negative = "
                    "less pain on the mat, e.g. -1 -2")
    pw.add_argument("--cycles", type=parse_cycles, default=parse_cycles("2-12"),
                    help="cycle counts: 2-12, 4,6,8 or 6 (default 2-12)")
    pw.add_argument("--comparator", nargs="+", choices=("sham", "no_mat"),
                    default=["sham", "no_mat"],
                    help="what the control periods will be (default: both, sham no_mat)")
    add_options(pw, "--design", "--period-days", "--washout-days", "--sd", "--rho")
    pw.add_argument("--n-sims", type=int, default=2000,
                    help="simulated trials per grid point (default 2000)")
    pw.add_argument("--target", type=float, default=0.8,
                    help="chance to reach for the cycles-needed line (default 0.8)")
    pw.add_argument("--seed", type=int, default=None, help="seed (default: fresh randomness)")
    pw.set_defaults(func=_cmd_power)


# --------------------------------------------------------------------------------------------


def _cmd_plan(args) -> int:
    from matstats.narrative.nof1 import plan_notes
    from matstats.nof1 import plan_calendar

    output_file(args.out, "--out")
    output_file(args.figure, "--figure")
    cal = plan_calendar(
        args.cycles,
        period_days=args.period_days,
        washout_days=args.washout_days,
        design=args.design,
        start_date=args.start_date,
        rng=args.seed,
    )
    text = cal.to_csv(index=False, lineterminator="\n")
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        n_mat = int((cal["condition"] == "mat").sum())
        print(
            f"wrote {args.out}: {len(cal)} days ({cal['date'].iloc[0]} to {cal['date'].iloc[-1]}), "
            f"{args.cycles} cycles, {n_mat} mat days; fill in 'score' each day "
            f"(and 'blinding_guess' if you use a sham mat)"
        )
    for note in plan_notes(args.cycles, args.design, rng=args.seed):
        print(f"note: {note}", file=sys.stderr)
    if args.figure:
        save_png(args.figure, "plot_schedule_calendar", cal,
                     title=f"Trial calendar: {args.cycles} cycles")
        print(f"wrote {args.figure}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


def _cmd_analyze(args) -> int:
    from matstats.narrative.nof1 import diary_summary
    from matstats.nof1 import analyze

    output_file(args.figure, "--figure")
    res = analyze(
        args.diary,
        scale=tuple(args.scale),
        mcid=args.mcid,
        comparator=args.comparator,
        washout_days=args.washout_days,
        period_days=args.period_days,
        lower_is_better=not args.higher_is_better,
        design=args.design,
        planned_cycles=args.planned_cycles,
    )
    print(diary_summary(res))
    if args.figure:
        save_png(args.figure, "plot_diary", res)
        print(f"\nwrote {args.figure}")
    return 0


def _cmd_power(args) -> int:
    import numpy as np

    from matstats._core import checks
    from matstats.nof1.verdict_calibration import verdict_power

    target = checks.unit_interval("--target", args.target, open_low=True, open_high=True)
    gen = np.random.default_rng(args.seed)
    res = pd.concat([verdict_power(args.effect, args.cycles, comparator=c, design=args.design,
                                   sd=args.sd, rho=args.rho, period_days=args.period_days,
                                   washout_days=args.washout_days, n_trials=args.n_sims,
                                   rng=gen) for c in dict.fromkeys(args.comparator)],
                    ignore_index=True)
    print(power_report(res, target=target, sd=args.sd, rho=args.rho,
                       period_days=args.period_days, washout_days=args.washout_days))
    return 0


_COMPARED = {"sham": "Against a sham mat (blinded)",
             "no_mat": "Against no mat (open: only the benefit beyond expectation counts)"}


def power_report(res, *, target, sd, rho, period_days, washout_days) -> str:
    """The text printed by ``matstats nof1 power`` for a
    :func:`~matstats.nof1.verdict_calibration.verdict_power` table."""
    out = [f"Chance of a 'benefit' verdict (the rule 'matstats nof1 analyze' applies), "
           f"{int(res['n_trials'].iloc[0])} simulated trials per point (Monte Carlo SE at most "
           f"{res['power_se'].max():.3f}); design {res['design'].iloc[0]}, SD {sd:g}, rho "
           f"{rho:g}, {period_days}-day periods, {washout_days} washout day(s). Effects are mat "
           "minus control in score points: negative = less pain on the mat; for an effect of 0 "
           "or more the share is a false 'benefit' verdict."]
    need = []
    for comp, g in res.groupby("comparator", sort=False):
        table = g.pivot(index="cycles", columns="effect", values="power")
        table.columns = [f"effect {e:+g}" for e in table.columns]
        table.insert(0, "days", [2 * c * period_days for c in table.index])
        out += ["", f"{_COMPARED[comp]}:", table.to_string(float_format=lambda v: f"{v:.3f}")]
        for eff, ge in g.groupby("effect", sort=False):
            hit = ge.loc[ge["power"] >= target, "cycles"]
            need.append(f"  effect {eff:+g}, {comp}: " + (
                f"{int(hit.min())} cycles ({int(hit.min()) * 2 * period_days} days)" if len(hit)
                else "not reached within the cycles simulated"))
    return "\n".join(out + ["", f"Cycles needed for a {target:.0%} chance of a 'benefit' "
                                 "verdict:"] + need)
