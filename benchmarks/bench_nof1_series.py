"""Benchmark: two-stage analysis of many series of n-of-1 trials, vectorised vs loops.

Run from the repository root:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_nof1_series.py

Workload (issue 13): ``--n-series`` (10,000) series of 20 persons x 6 cycles x 2 periods x 7
days (1 washout day), effect -1, tau 0.5, SD 1.2, rho 0.4. Prints, medians over
``--repeats`` interleaved runs, all in the same process:

* ``simulate_series`` for all series, and ``analyze_series_many`` (two-stage, REML +
  Hartung-Knapp, BLUPs, P(benefit >= MCID)) on them;
* the loop calling the per-series two-stage analysis ``analyze_series`` (which pools with
  ``matstats.meta.meta_analysis``) on ``--loop-subsample`` series, scaled to ``--n-series``;
* statsmodels ``MixedLM`` fitted per series as a user would (``smf.mixedlm("score ~ mat +
  day", groups=person, re_formula="~mat").fit(reml=True)``, default optimiser) on
  ``--mixedlm-subsample`` series, scaled;
* the largest absolute differences between vectorised and per-series results (same data).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402

from matstats.nof1 import analyze_series, analyze_series_many, simulate_series  # noqa: E402

SCENARIO = dict(effect=-1.0, tau=0.5, sd=1.2, rho=0.4)
COLUMNS = ("estimate", "se", "ci_low", "ci_high", "pval", "tau2", "tau2_ci_low",
           "tau2_ci_high", "pi_low", "pi_high")


def user_mixedlm(days: pd.DataFrame) -> float:
    """What a user would write: one MixedLM per series, default settings."""
    use = days.loc[~days["washout"] & days["score"].notna()].copy()
    use["mat"] = (use["condition"] == "mat").astype(float)
    use["day"] = use["day"] - 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("score ~ mat + day", use, groups=use["person"],
                          re_formula="~mat").fit(reml=True)
    return float(fit.fe_params["mat"])


def one_run(args, seed: int) -> dict:
    t0 = time.perf_counter()
    sim = simulate_series(args.persons, args.cycles, args.n_series, rng=seed, **SCENARIO)
    t1 = time.perf_counter()
    out, per = analyze_series_many(sim, persons=True)
    t2 = time.perf_counter()
    loop = [analyze_series(sim, series=s) for s in range(args.loop_subsample)]
    t3 = time.perf_counter()
    mix = [user_mixedlm(sim.to_frame(s)) for s in range(args.mixedlm_subsample)]
    t4 = time.perf_counter()
    diff = 0.0
    for s, r in enumerate(loop):
        diff = max(diff, max(abs(out.at[s, c] - getattr(r, c)) for c in COLUMNS))
        keep = ~np.isnan(per["shrunken"][s])
        diff = max(diff, float(np.max(np.abs(per["shrunken"][s][keep]
                                             - r.persons["shrunken"].to_numpy()))))
    scale_loop = args.n_series / args.loop_subsample
    scale_mix = args.n_series / args.mixedlm_subsample
    lmm_gap = max(abs(m - out.at[s, "estimate"]) for s, m in enumerate(mix))
    return {"simulate": t1 - t0, "analyze": t2 - t1, "loop": (t3 - t2) * scale_loop,
            "mixedlm": (t4 - t3) * scale_mix, "max_abs_diff": diff,
            "mixedlm_vs_two_stage_estimate": lmm_gap}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-series", type=int, default=10_000)
    ap.add_argument("--persons", type=int, default=20)
    ap.add_argument("--cycles", type=int, default=6)
    ap.add_argument("--loop-subsample", type=int, default=200)
    ap.add_argument("--mixedlm-subsample", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    runs = [one_run(args, seed) for seed in range(args.repeats)]

    def med(key):
        return statistics.median(r[key] for r in runs)

    sim, ana, loop, mix = med("simulate"), med("analyze"), med("loop"), med("mixedlm")
    print(f"workload: {args.n_series} series x {args.persons} persons x {args.cycles} cycles, "
          f"{SCENARIO}; medians of {args.repeats} runs")
    print(f"simulate_series:                      {sim:8.3f} s")
    print(f"analyze_series_many (two-stage):      {ana:8.3f} s")
    print(f"simulate + analyse, vectorised:       {sim + ana:8.3f} s")
    print(f"loop of analyze_series, scaled:       {loop:8.1f} s "
          f"({loop / args.n_series * 1e3:.2f} ms/series, {args.loop_subsample} timed)")
    print(f"MixedLM per series, scaled:           {mix:8.1f} s "
          f"({mix / args.n_series * 1e3:.0f} ms/series, {args.mixedlm_subsample} timed)")
    print(f"speed-up vs per-series loop:          {loop / ana:8.0f} x  (target >= 100x)")
    print(f"speed-up vs MixedLM per series:       {mix / ana:8.0f} x  (target >= 1000x)")
    print(f"  same, counting the simulation too:  {loop / (sim + ana):8.0f} x / "
          f"{mix / (sim + ana):.0f} x")
    print("per-run ratios (loop, MixedLM): "
          + ", ".join(f"{r['loop'] / r['analyze']:.0f}x/{r['mixedlm'] / r['analyze']:.0f}x"
                      for r in runs))
    print(f"max abs difference vectorised vs per-series (estimates, CIs, p, tau2 and CI, PI, "
          f"BLUPs): {max(r['max_abs_diff'] for r in runs):.1e}")
    print(f"max |MixedLM mat estimate - two-stage estimate| (different models): "
          f"{max(r['mixedlm_vs_two_stage_estimate'] for r in runs):.3f}")


if __name__ == "__main__":
    main()
