"""Benchmark: simulate + analyse n-of-1 trials, vectorised vs a per-trial loop.

Run from the repository root:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_nof1.py

Workload (issue 5, item 8): 6 cycles x 2 periods x 7 days (1 washout day per
period), analyses cycle_t, randomization (exact, 2^6 allocations) and gls_ar1.

Prints, as medians over ``--repeats`` interleaved runs:

* vectorised time for ``--n-trials`` trials (matstats.nof1.simulate_and_analyze);
* the floor: drawing the same trials' standard normals alone with
  numpy.random.Generator (same block size);
* the per-trial loop a user would write (numpy + scipy.signal.lfilter to
  simulate; scipy.stats.ttest_1samp, scipy.stats.permutation_test and
  statsmodels GLS + scipy.optimize per trial), timed on ``--subsample`` trials and
  scaled to ``--n-trials``;
* the largest absolute differences between the two on the subsample (same data);
* peak traced memory (tracemalloc) of the vectorised run for ``--memory-trials``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
import statsmodels.api as sm  # noqa: E402
from scipy import optimize, signal, stats  # noqa: E402

from matstats import nof1  # noqa: E402
from matstats.nof1.simulate import CHUNK_SIZE  # noqa: E402

METHODS = ("cycle_t", "randomization", "gls_ar1")
SCENARIO = dict(effect=-1.0, sd=1.2, rho=0.4)


# --- the per-trial loop a user would write --------------------------------------------------
def user_simulate_one(gen, mu, sd, rho):
    """One trial: stationary AR(1) noise via scipy.signal.lfilter."""
    z = gen.standard_normal(mu.size)
    z[0] /= np.sqrt(1 - rho**2)
    e = signal.lfilter([1.0], [1.0, -rho], z) * sd * np.sqrt(1 - rho**2)
    return mu + e


def user_gls_ar1(y, X, day):
    """REML AR(1) GLS with statsmodels GLS, rho by bounded Brent + root polish."""
    n, p = X.shape
    lag = np.abs(day[:, None] - day[None, :])

    def neg_reml(r):
        R = r**lag
        fit = sm.GLS(y, X, sigma=R).fit()
        _, logdet_r = np.linalg.slogdet(R)
        _, logdet_a = np.linalg.slogdet(fit.model.wexog.T @ fit.model.wexog)
        return 0.5 * ((n - p) * np.log(fit.ssr) + logdet_a + logdet_r)

    r = optimize.minimize_scalar(neg_reml, bounds=(-0.99, 0.99), method="bounded",
                                 options={"xatol": 1e-10}).x
    # function values only resolve rho to ~1e-8; polish on the derivative
    h = 1e-5

    def d_neg(x):
        return (neg_reml(x + h) - neg_reml(x - h)) / (2 * h)

    lo, hi = max(r - 0.01, -0.99), min(r + 0.01, 0.99)
    if d_neg(lo) < 0 < d_neg(hi):
        r = optimize.brentq(d_neg, lo, hi, xtol=1e-14)
    # small-sample correction at rho_hat (central differences, step 1e-3):
    # SE^2 = Phi + (d beta/d rho)^2 V_rho, Satterthwaite df, V_rho = 1 / curvature
    h2 = 1e-3
    fits = [sm.GLS(y, X, sigma=(r + k * h2) ** lag).fit() for k in (-1, 0, 1)]
    phi = [f.bse[-1] ** 2 for f in fits]
    beta = [f.params[-1] for f in fits]
    curv = (neg_reml(r + h2) - 2 * neg_reml(r) + neg_reml(r - h2)) / h2**2
    v_rho = 1 / curv if curv > 0 else 0.0
    se2 = phi[1] + ((beta[2] - beta[0]) / (2 * h2)) ** 2 * v_rho
    var_phi = 2 * phi[1] ** 2 / (n - p) + ((phi[2] - phi[0]) / (2 * h2)) ** 2 * v_rho
    df = min(2 * se2**2 / var_phi, n - p)
    t = beta[1] / np.sqrt(se2)
    return beta[1], np.sqrt(se2), 2 * stats.t.sf(abs(t), df), r


def user_analyze_one(y, sched, X, day, kept):
    """cycle_t, randomization and gls_ar1 for one trial."""
    mat = (sched["condition"] == "mat").to_numpy()
    cyc = sched["cycle"].to_numpy()
    wash = sched["washout"].to_numpy()
    d = np.array([
        y[(cyc == c) & mat & ~wash].mean() - y[(cyc == c) & ~mat & ~wash].mean()
        for c in np.unique(cyc)
    ])
    tt = stats.ttest_1samp(d, 0.0)
    perm = stats.permutation_test((d,), lambda x, axis: np.sum(x, axis=axis),
                                  permutation_type="samples", n_resamples=np.inf,
                                  alternative="two-sided")
    gls = user_gls_ar1(y[kept], X, day)
    return (d.mean(), tt.pvalue, perm.pvalue, *gls)


def run_reference(sched, y_sub, gen):
    D = nof1.gls_design(sched)
    kept, X, day = D.index.to_numpy(), D.to_numpy(), D["day"].to_numpy()
    mu = nof1.mean_profile(sched, effect=SCENARIO["effect"])
    out = []
    t0 = time.perf_counter()
    for i in range(y_sub.shape[0]):
        user_simulate_one(gen, mu, SCENARIO["sd"], SCENARIO["rho"])  # timed, not compared
        out.append(user_analyze_one(np.ascontiguousarray(y_sub[i]), sched, X, day, kept))
    return time.perf_counter() - t0, np.array(out)


# --- vectorised and floor --------------------------------------------------------------------
def run_vectorised(sched, n, seed, chunk, methods=METHODS):
    t0 = time.perf_counter()
    res = nof1.simulate_and_analyze(sched, n, methods=methods, rng=seed, chunk_size=chunk,
                                    **SCENARIO)
    return time.perf_counter() - t0, res


def run_floor(n_days, n, seed, chunk):
    gen = np.random.default_rng(seed)
    buf = np.empty((n_days, min(chunk, n)))
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        gen.standard_normal(out=buf if m == buf.shape[1] else np.empty((n_days, m)))
    return time.perf_counter() - t0


def peak_memory(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-trials", type=int, default=100_000)
    ap.add_argument("--subsample", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--memory-trials", type=int, default=1_000_000)
    ap.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    ap.add_argument("--seed", type=int, default=20261120)
    args = ap.parse_args(argv)

    sched = nof1.schedule(6, period_days=7, washout_days=1, rng=args.seed)
    n_days = len(sched)
    N = args.n_trials
    print(f"workload: {N} trials x {n_days} days (6 cycles x 2 periods x 7 days), "
          f"methods {', '.join(METHODS)}; block size {args.chunk_size}; "
          f"threads OMP={os.environ.get('OMP_NUM_THREADS')} "
          f"OPENBLAS={os.environ.get('OPENBLAS_NUM_THREADS')}")

    # correctness on a subsample: identical data through both paths
    y_sub = nof1.simulate(sched, args.subsample, rng=args.seed + 1, **SCENARIO)
    vec = nof1.analyze_many(sched, y_sub, methods=METHODS)
    cols = ["cycle_t_estimate", "cycle_t_pval", "randomization_pval", "gls_ar1_estimate",
            "gls_ar1_se", "gls_ar1_pval", "gls_ar1_rho"]
    mine = vec[cols].to_numpy()

    t_vec, t_floor, t_ref_per_trial, t_nogls = [], [], [], []
    ref = None
    for rep in range(args.repeats):
        t_floor.append(run_floor(n_days, N, args.seed + rep, args.chunk_size))
        t, _ = run_vectorised(sched, N, args.seed + rep, args.chunk_size)
        t_vec.append(t)
        t, _ = run_vectorised(sched, N, args.seed + rep, args.chunk_size,
                              methods=("cycle_t", "randomization"))
        t_nogls.append(t)
        if rep < 3:  # the loop is slow; three timings of the subsample suffice
            t, ref = run_reference(sched, y_sub, np.random.default_rng(args.seed + rep))
            t_ref_per_trial.append(t / args.subsample)
    diff = np.abs(mine - ref).max(axis=0)

    tv, tf = statistics.median(t_vec), statistics.median(t_floor)
    tr = statistics.median(t_ref_per_trial) * N
    print("\nmax |vectorised - loop| on the subsample (same data):")
    for c, d in zip(cols, diff):
        print(f"  {c:<18} {d:.2e}")
    ok = bool(np.all(diff < 1e-8))
    print(f"  all < 1e-8: {ok}")
    print(f"\ntimes (median of {args.repeats}; loop: median of {len(t_ref_per_trial)} runs on "
          f"{args.subsample} trials, scaled to {N}):")
    print(f"  vectorised simulate + analyse : {tv:8.3f} s   (runs: "
          + ", ".join(f"{t:.3f}" for t in t_vec) + ")")
    print(f"  floor (normals only)          : {tf:8.3f} s   (runs: "
          + ", ".join(f"{t:.3f}" for t in t_floor) + ")")
    print(f"  per-trial loop (scaled)       : {tr:8.1f} s   ({tr / N * 1e3:.2f} ms per trial)")
    tn = statistics.median(t_nogls)
    print(f"  breakdown: without gls_ar1    : {tn:8.3f} s   ({tn / tf:.2f}x the floor)")
    print(f"\nspeed-up vs per-trial loop : {tr / tv:10.0f}x   (target >= 300x)")
    ratios = [v / f for v, f in zip(t_vec, t_floor)]
    print(f"ratio to floor             : {tv / tf:10.2f}x   (target <= 3x; per-run ratios "
          + ", ".join(f"{r:.2f}" for r in ratios) + ")")

    if args.memory_trials:
        peak = peak_memory(lambda: run_vectorised(sched, args.memory_trials, args.seed,
                                                  args.chunk_size))
        print(f"\npeak traced memory, simulate_and_analyze of {args.memory_trials} trials: "
              f"{peak:.0f} MiB (target <= ~1 GB)")
        peak2 = peak_memory(lambda: nof1.analyze_many(
            sched, nof1.simulate(sched, args.memory_trials, rng=args.seed, **SCENARIO),
            methods=METHODS))
        print(f"peak traced memory, simulate() then analyze_many() of {args.memory_trials} "
              f"trials (stores all ratings): {peak2:.0f} MiB")


if __name__ == "__main__":
    main()
