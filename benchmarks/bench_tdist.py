"""Benchmark: the n-of-1 two-sided t p-value (``matstats.nof1._tdist.t_two_sided``) against
its library baseline ``2 * scipy.special.stdtr(df, -|t|)``, measured in the same run.

Run from the repository root:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_tdist.py

Workload: ``--n`` (1,000,000) t statistics drawn from N(0, 2^2), one shared integer df, as in
``simulate_and_analyze`` (one schedule, every trial the same df); for each df the script
prints the median time of both over ``--repeats`` interleaved runs, the ratio
baseline / home-made (> 1: the home-made version is faster) and the largest absolute
difference of the p-values. The home-made series is kept only while the ratio stays well
above 1 (issue 17 item 4).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from scipy import special  # noqa: E402

from matstats.nof1._tdist import t_two_sided  # noqa: E402


def _time(f, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    t = np.random.default_rng(0).normal(0.0, 2.0, args.n)
    print(f"{'df':>4} {'home-made s':>12} {'stdtr s':>10} {'ratio':>6} {'max |diff|':>11}")
    for df in (1, 2, 5, 11, 23, 60, 200):
        own, lib = [], []
        for _ in range(args.repeats):   # interleaved: both see the same machine load
            own += _time(lambda: t_two_sided(t, df), 1)
            lib += _time(lambda: 2.0 * special.stdtr(df, -np.abs(t)), 1)
        a, b = statistics.median(own), statistics.median(lib)
        diff = float(np.max(np.abs(t_two_sided(t, df) - 2.0 * special.stdtr(df, -np.abs(t)))))
        print(f"{df:>4} {a:>12.4f} {b:>10.4f} {b / a:>6.2f} {diff:>11.2e}")


if __name__ == "__main__":
    main()
