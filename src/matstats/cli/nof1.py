"""``matstats nof1 ...``: plan a personal mat trial, analyse its diary, size it.

Commands
--------
``matstats nof1 plan --cycles N [--period-days 7] [--washout-days 1] [--design paired_random]
[--seed S] [--start-date YYYY-MM-DD] [--out schedule.csv] [--figure calendar.png]``
    Write the day-by-day schedule as a CSV calendar (:func:`matstats.nof1.plan_calendar`, a
    diary template: fill in ``score``). Without ``--seed`` every run draws a fresh order (the
    coin flips are yours); ``--seed`` only reproduces a plan already drawn.
``matstats nof1 analyze diary.csv [--scale 0 10] [--mcid 2] [--comparator no_mat|sham] ...``
    Print every method's result and the verdict (:func:`matstats.nof1.analyze`,
    :func:`matstats.narrative.nof1.diary_summary`); exit 1 with the data error on bad input.
``matstats nof1 power --effect E [E ...] --cycles 2-12 [--rho 0.4] [--n-sims 2000] ...``
    Print the simulated power curve (:func:`matstats.nof1.power.power_curve`, with a tqdm
    progress bar on stderr unless ``--no-progress``) and, for the calibrated methods only,
    the smallest number of cycles reaching ``--target``. ``day_t`` is printed beside its
    simulated type I error with a warning; cycle counts at which a method cannot reach
    ``--alpha`` at all (the randomization test's smallest p is 2/2^cycles) are marked.

Sign convention everywhere: an effect is mat minus control in score points, so with a pain
score a negative effect means less pain on the mat.
"""

from __future__ import annotations

import sys

import pandas as pd

from matstats.cli._args import iso_date, output_file, parse_cycles
from matstats.cli.series import register_series
from matstats.literature import NOF1_DEFAULTS as _D
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
    pp.add_argument("--period-days", type=int, default=_D["period_days"],
                    help=f"days per period (default {_D['period_days']})")
    pp.add_argument("--washout-days", type=int, default=1,
                    help="days at the start of each period not analysed (default 1)")
    pp.add_argument("--design", default="paired_random",
                    choices=("paired_random", "abab", "alternating"),
                    help="order within cycles (default paired_random: a coin per cycle)")
    pp.add_argument("--seed", type=int, default=None,
                    help="seed for the random order, only to reproduce a plan already drawn "
                    "(default: fresh randomness, a new order every run)")
    pp.add_argument("--start-date", type=iso_date, default=None,
                    help="date of day 1, YYYY-MM-DD (default: today)")
    pp.add_argument("--out", default="-", help="output CSV path (default: standard output)")
    pp.add_argument("--figure", default=None, help="also write a calendar figure (PNG) here")
    pp.set_defaults(func=_cmd_plan)
    pp.epilog = ("Plans need at least 2 cycles; fewer than 6, or a fixed order, are written "
                 "with a note on what they cannot show.")


def _add_analyze(sub) -> None:
    """The ``nof1 analyze`` sub-command."""
    pa = sub.add_parser("analyze", help="analyse a filled-in diary CSV and print the verdict")
    pa.add_argument("diary", help="diary CSV: date, condition, score [, cycle, washout, ...]")
    pa.add_argument("--scale", type=float, nargs=2, default=(0.0, 10.0), metavar=("LOW", "HIGH"),
                    help="score scale (default 0 10)")
    pa.add_argument("--mcid", type=float, default=_D["mcid"],
                    help="smallest difference that matters, in score points (default 2)")
    pa.add_argument("--comparator", choices=("no_mat", "sham"), default="no_mat",
                    help="what the control periods were: no mat (unblinded) or a blunt sham mat")
    pa.add_argument("--washout-days", type=int, default=1,
                    help="days dropped at the start of each period if the diary has no washout "
                    "column (default 1)")
    pa.add_argument("--period-days", type=int, default=None,
                    help="period length, only needed without a cycle column")
    pa.add_argument("--higher-is-better", action="store_true",
                    help="a higher score is better (e.g. sleep quality); default: lower is better")
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
    pw = sub.add_parser("power", help="simulated power over numbers of cycles")
    pw.add_argument("--effect", type=float, nargs="+", required=True,
                    help="true mat effect(s): mat minus control in score points, negative = "
                    "less pain on the mat, e.g. -1 -2")
    pw.add_argument("--cycles", type=parse_cycles, default=parse_cycles("2-12"),
                    help="cycle counts: 2-12, 4,6,8 or 6 (default 2-12)")
    pw.add_argument("--period-days", type=int, default=_D["period_days"],
                    help=f"days per period (default {_D['period_days']})")
    pw.add_argument("--washout-days", type=int, default=1,
                    help="days at the start of each period not analysed (default 1)")
    pw.add_argument("--sd", type=float, default=_D["sd"],
                    help=f"within-person SD in points (default {_D['sd']:g})")
    pw.add_argument("--rho", type=float, default=_D["rho"],
                    help=f"lag-1 autocorrelation (default {_D['rho']:g})")
    pw.add_argument("--method", nargs="+", default=["cycle_t", "bayes", "randomization"],
                    choices=("cycle_t", "gls_ar1", "randomization", "bayes", "day_t"),
                    help="analysis method(s) (default cycle_t bayes randomization); day_t is "
                    "not calibrated and is shown only beside its type I error")
    pw.add_argument("--alpha", type=float, default=0.05,
                    help="two-sided level; bayes decides when P(benefit) is outside "
                    "[alpha/2, 1 - alpha/2] (default 0.05)")
    pw.add_argument("--n-sims", type=int, default=2000,
                    help="simulated trials per grid point (default 2000)")
    pw.add_argument("--target", type=float, default=0.8,
                    help="power to reach for the cycles-needed line (default 0.8)")
    pw.add_argument("--seed", type=int, default=None, help="seed (default: fresh randomness)")
    pw.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
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
    for note in plan_notes(args.cycles, args.design):
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


def _tqdm_available() -> bool:
    try:
        import tqdm  # noqa: F401  (a dev extra; without it, run without a bar)
    except ImportError:
        return False
    return True


def _cmd_power(args) -> int:
    from matstats.nof1.power import power_curve

    if args.cycles[0] < 2:
        raise ValueError("--cycles must be >= 2 (a t test needs two cycle differences)")
    res = power_curve(
        args.effect,
        args.cycles,
        methods=tuple(args.method),
        target=args.target,
        period_days=args.period_days,
        washout_days=args.washout_days,
        sd=args.sd,
        rho=args.rho,
        alpha=args.alpha,
        n_sims=args.n_sims,
        rng=args.seed,
        progress=not args.no_progress and _tqdm_available(),
    )
    print(power_report(res, alpha=args.alpha, sd=args.sd, rho=args.rho,
                       period_days=args.period_days, washout_days=args.washout_days,
                       n_sims=args.n_sims))
    return 0


def _effect_words(e: float) -> str:
    if e < 0:
        return f"effect {e:g}: {abs(e):g} point(s) lower (less pain) on the mat"
    if e > 0:
        return (f"effect +{e:g}: {e:g} point(s) higher on the mat, i.e. more pain if the score is "
                f"pain (power is the same as for {-e:g})")
    return "effect 0: no difference (the power is the rate of false findings)"


def power_report(res, *, alpha, sd, rho, period_days, washout_days, n_sims) -> str:
    """The text printed by ``matstats nof1 power`` for a :class:`~matstats.nof1.PowerCurve`."""
    from matstats.narrative.nof1 import fmt_pval

    curve = res.curve
    out = [
        f"Simulated power (two-sided alpha {alpha:g}, SD {sd:g}, rho {rho:g}, {period_days}-day "
        f"periods, {washout_days} washout day(s), {n_sims} simulated trials per point). Effects "
        "are mat minus control in score points: negative = less pain on the mat.",
    ]
    for eff, g in curve.groupby("effect", sort=False):
        out += ["", _effect_words(float(eff))]
        table = {}
        for row in g.itertuples(index=False):
            if not row.reachable:
                cell = f"cannot reach p<{alpha:g} (min p {fmt_pval(row.min_pval)})"
            elif not row.calibrated:
                cell = f"{row.power:.3f} (type I error {row.type1_error:.3f})"
            else:
                cell = f"{row.power:.3f}"
            table.setdefault(row.cycles, {})[row.method] = cell
            if row.method == "cycle_t" and pd.notna(row.power_closed_form):
                table[row.cycles]["cycle_t closed form"] = f"{row.power_closed_form:.3f}"
        frame = pd.DataFrame.from_dict(table, orient="index")
        frame.index.name = "cycles"
        frame.insert(0, "days", [2 * c * period_days for c in frame.index])
        out.append(frame.to_string())
    unc = curve[~curve["calibrated"]]
    for m, g in unc.groupby("method", sort=False):
        cyc = sorted(g["cycles"].unique())
        where = "" if m == "day_t" else f" with {', '.join(map(str, cyc))} cycle(s)"
        out += ["", f"Warning: {m} is not calibrated{where}: with no effect at all it still "
                f"declared one in up to {g['type1_error'].max():.0%} of the simulated trials "
                f"(nominal {alpha:.0%}), so its power there is not comparable and is not "
                "ranked."]
    out += ["", f"Cycles needed for power {res.cycles_needed['target'].iloc[0]:.0%} "
            "(calibrated methods only, fewest first):"]
    for eff, g in res.cycles_needed[res.cycles_needed["calibrated"]].groupby("effect",
                                                                             sort=False):
        g = g.sort_values(["rank", "method"], na_position="last")
        for row in g.itertuples(index=False):
            if pd.isna(row.cycles_needed):
                out.append(f"  effect {row.effect:g}, {row.method}: not reached within the "
                           "cycles simulated")
            else:
                out.append(f"  effect {row.effect:g}, {row.method}: {row.cycles_needed} cycles "
                           f"({row.cycles_needed * 2 * period_days} days)")
    return "\n".join(out)
