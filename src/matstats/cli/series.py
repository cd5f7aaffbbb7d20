"""``matstats nof1 series ...``: plan and analyse a series of personal mat trials.

``plan`` tabulates, over persons x cycles, the chance of the series' and the persons' verdicts
(:func:`matstats.nof1.plan_series`) beside a parallel trial, marks the smallest design
reaching ``--target`` and can write its diary templates; ``analyze`` reads a folder of diaries
or one long CSV and prints :func:`matstats.narrative.series.series_summary`. The options are
in each command's ``--help``.
"""

from __future__ import annotations

from pathlib import Path

from matstats.cli._args import add_options, output_dir, output_file, parse_cycles
from matstats.literature import NRS_SD
from matstats.plots import save_png

__all__ = ["register_series"]


def register_series(nof1_subparsers) -> None:
    """Add ``series plan`` and ``series analyze`` to the ``nof1`` sub-parsers."""
    p = nof1_subparsers.add_parser(
        "series", help="plan and analyse a series of n-of-1 mat trials (several persons)",
        description="A series of personal mat trials: average effect, variation between "
        "persons, and each person's own effect.")
    sub = p.add_subparsers(dest="series_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])

    pp = sub.add_parser("plan", help="chance of a verdict over persons x cycles")
    pp.add_argument("--persons", type=parse_cycles, required=True,
                    help="persons: 10, 6,10,20 or 6-20")
    pp.add_argument("--cycles", type=parse_cycles, required=True,
                    help="cycles per person: 6, 4,6,8 or 4-8")
    pp.add_argument("--effect", type=float, required=True,
                    help="average mat effect in points (negative = less pain)")
    pp.add_argument("--tau", type=float, required=True,
                    help="SD of the effect between persons (points)")
    add_options(pp, "--sd", "--rho", "--period-days", "--washout-days", "--mcid", "--design",
                "--start-date")
    pp.add_argument("--between-sd", type=float, default=NRS_SD,
                    help=f"between-person SD of the mean score, for the parallel trial "
                    f"(default {NRS_SD:g})")
    pp.add_argument("--alpha", type=float, default=0.05,
                    help="1 - level of the analysis' intervals (default 0.05)")
    pp.add_argument("--target", type=float, default=0.8,
                    help="power to reach; the smallest design reaching it is marked * "
                    "(default 0.8)")
    pp.add_argument("--n-sims", type=int, default=1000,
                    help="simulated series per design (default 1000)")
    pp.add_argument("--seed", type=int, default=None,
                    help="seed for the simulation and the templates' orders, only to reproduce a "
                    "plan (default: fresh randomness, a new order every run)")
    pp.add_argument("--out-dir", default=None,
                    help="write one diary template per person of the marked design here")
    pp.add_argument("--figure", default=None, help="write the power plot (PNG) here")
    pp.set_defaults(func=_cmd_plan)

    pa = sub.add_parser("analyze", help="analyse a folder of diaries or a long CSV")
    pa.add_argument("path", help="folder of diary CSVs (one per person) or a CSV with 'person'")
    add_options(pa, "--scale", "--mcid", "--washout-days", "--higher-is-better")
    pa.add_argument("--level", type=float, default=0.95,
                    help="confidence level of the intervals (default 0.95)")
    pa.add_argument("--period-days", type=int, default=None,
                    help="days per period when the diaries have no cycle column")
    pa.add_argument("--figure", default=None, help="write the forest plot (PNG) here")
    pa.set_defaults(func=_cmd_analyze)


def _cmd_plan(args) -> int:
    import numpy as np

    from matstats.narrative.nof1 import _series_plan_sentence
    from matstats.nof1.series_plan import plan_series, series_templates, smallest_design

    if args.out_dir:
        output_dir(args.out_dir, "--out-dir")
    output_file(args.figure, "--figure")
    gen = np.random.default_rng(args.seed)
    plan = plan_series(args.persons, args.cycles, effect=args.effect, tau=args.tau, sd=args.sd,
                       rho=args.rho, period_days=args.period_days,
                       washout_days=args.washout_days, between_sd=args.between_sd,
                       alpha=args.alpha, mcid=args.mcid, n_sims=args.n_sims, rng=gen)
    best = smallest_design(plan, target=args.target)
    cols = ["persons", "cycles", "person_days", "power", "power_se", "person_benefit",
            "person_wrong", "rct_power", "rct_participants_same_power"]
    shown = plan[cols].copy()
    shown.insert(0, "", ["*" if i == best else "" for i in plan.index])
    print(f"Series plan ({args.n_sims} simulated series per design, judged as 'series analyze' "
          f"judges them): effect {args.effect:+g}, tau {args.tau:g}, SD {args.sd:g}, rho "
          f"{args.rho:g}, {args.period_days}-day periods, {1 - args.alpha:.0%} intervals, MCID "
          f"{args.mcid:g}.")
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print("power: chance that the group verdict claims an average benefit (power_se: Monte "
          "Carlo SE); person_benefit: share of persons whose verdict claims a benefit; "
          "person_wrong: share whose verdict claims the wrong direction for them; rct_*: "
          "parallel-group trial with the same person-days per participant as one n-of-1 trial.")
    print(_series_plan_sentence(plan, best, target=args.target))
    chosen = plan.loc[best if best is not None else plan.index[0]]
    persons, cycles = int(chosen["persons"]), int(chosen["cycles"])
    if args.out_dir:
        out = Path(args.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        tpl = series_templates(persons, cycles, period_days=args.period_days,
                               washout_days=args.washout_days, design=args.design,
                               start_date=args.start_date, rng=gen)
        for label, frame in tpl.items():
            frame.to_csv(out / f"{label}.csv", index=False, lineterminator="\n")
        which = "the marked design" if best is not None else "no design is marked: the first"
        print(f"wrote {len(tpl)} diary templates to {out}/ ({persons} persons x {cycles} "
              f"cycles, {which}); fill in 'score' each day")
    if args.figure:
        save_png(args.figure, "plot_series_plan", plan)
        print(f"wrote {args.figure}")
    return 0


def _cmd_analyze(args) -> int:
    from matstats.narrative.series import series_summary
    from matstats.nof1.series_analysis import analyze_series
    from matstats.nof1.series_io import read_series

    data = read_series(args.path, scale=tuple(args.scale), washout_days=args.washout_days,
                       period_days=args.period_days)
    res = analyze_series(data, level=args.level, mcid=args.mcid,
                         lower_is_better=not args.higher_is_better)
    n_ex = len(data.excluded_days)
    print(f"Read {len(data.persons)} diaries from {data.source}: {int(data.persons['n_days'].sum())}"
          f" days, {n_ex} days not used in period means (washout or not rated).")
    print(series_summary(res))
    if args.figure:
        save_png(args.figure, "plot_series_forest", res)
        print(f"wrote {args.figure}")
    return 0
