"""Tests for matstats.nof1.analyze_many against independent references: statsmodels
GLS with a dense AR(1) correlation matrix and scipy's optimiser (gls_ar1), scipy's t
tests (cycle_t, day_t), brute-force enumeration in exact rational arithmetic
(randomization), numerical integration of the posterior (bayes); plus null
calibration with binomial Monte Carlo tolerances."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, stats

from matstats import nof1
from matstats.nof1.calibration import rejections


@pytest.fixture(scope="module")
def sched():
    return nof1.schedule(6, period_days=7, washout_days=1, rng=1)


# ---------------------------------------------------------------------------------------
# independent reference implementations (one trial at a time)
# ---------------------------------------------------------------------------------------
def ref_gls_ar1(y, X, day):
    """REML AR(1) GLS: statsmodels GLS with sigma = rho^|day_i - day_j|, rho by scipy."""
    ok = ~np.isnan(y)
    y, X, day = y[ok], X[ok], day[ok]
    n, p = X.shape
    lag = np.abs(day[:, None] - day[None, :])

    def neg_reml(r):
        R = r**lag
        fit = sm.GLS(y, X, sigma=R).fit()
        a = fit.model.wexog.T @ fit.model.wexog
        return 0.5 * ((n - p) * np.log(fit.ssr) + np.linalg.slogdet(a)[1]
                      + np.linalg.slogdet(R)[1])

    r = optimize.minimize_scalar(neg_reml, bounds=(-0.99, 0.99), method="bounded",
                                 options={"xatol": 1e-10}).x
    h = 1e-5  # polish on the derivative: function values resolve rho only to ~1e-8

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
    return beta[1], np.sqrt(se2), 2 * stats.t.sf(abs(t), df), r, df


def ref_cycle_differences(sched, y):
    df = sched.assign(y=y)
    df = df[~df["washout"]].dropna(subset=["y"])
    m = df.groupby(["cycle", "condition"])["y"].mean().unstack()
    m = m.dropna()
    return (m["mat"] - m["control"]).to_numpy()


@pytest.mark.parametrize("missing", [0.0, 0.25])
@pytest.mark.parametrize("washout", [0, 1, 2])
def test_gls_ar1_matches_statsmodels_reference(missing, washout):
    s = nof1.schedule(4, period_days=7, washout_days=washout, rng=4)
    y = nof1.simulate(s, 8, effect=-1.0, rho=0.5, missing=missing, rng=10 + washout)
    res = nof1.analyze_many(s, y, methods="gls_ar1")
    D = nof1.gls_design(s)
    X, day = D.to_numpy(), D["day"].to_numpy()
    for i in range(y.shape[0]):
        est, se, p, rho, df = ref_gls_ar1(y[i, D.index], X, day)
        row = res.iloc[i]
        # tolerance 1e-7: both sides locate rho to ~1e-9 (derivative root)
        assert row["gls_ar1_estimate"] == pytest.approx(est, abs=1e-7)
        assert row["gls_ar1_se"] == pytest.approx(se, abs=1e-7)
        assert row["gls_ar1_pval"] == pytest.approx(p, abs=1e-7)
        assert row["gls_ar1_rho"] == pytest.approx(rho, abs=1e-6)
        assert row["gls_ar1_df"] == pytest.approx(df, rel=1e-6)


def test_cycle_t_day_t_and_bookkeeping_match_scipy(sched):
    y = nof1.simulate(sched, 30, effect=-0.8, rho=0.3, missing=0.15, rng=21)
    res = nof1.analyze_many(sched, y)
    keep = ~sched["washout"].to_numpy()
    mat = (sched["condition"] == "mat").to_numpy()
    for i in range(y.shape[0]):
        d = ref_cycle_differences(sched, y[i])
        row = res.iloc[i]
        assert row["n_cycles_used"] == d.size
        assert row["n_cycles_dropped"] == 6 - d.size
        assert row["n_days_used"] == np.sum(keep & ~np.isnan(y[i]))
        tt = stats.ttest_1samp(d, 0.0)
        assert row["cycle_t_estimate"] == pytest.approx(d.mean(), abs=1e-12)
        assert row["cycle_t_pval"] == pytest.approx(tt.pvalue, abs=1e-10)
        assert row["cycle_t_se"] == pytest.approx(stats.sem(d), abs=1e-12)
        a = y[i][keep & mat]
        b = y[i][keep & ~mat]
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        dt = stats.ttest_ind(a, b, equal_var=True)
        assert row["day_t_estimate"] == pytest.approx(a.mean() - b.mean(), abs=1e-12)
        assert row["day_t_pval"] == pytest.approx(dt.pvalue, abs=1e-10)


def test_cycle_lacking_a_condition_is_dropped_and_counted(sched):
    y = nof1.simulate(sched, 3, effect=0.0, rng=2)
    cyc = sched["cycle"].to_numpy()
    mat = (sched["condition"] == "mat").to_numpy()
    wash = sched["washout"].to_numpy()
    y[0, (cyc == 2) & mat & ~wash] = np.nan  # cycle 2: no analysable mat day (washout kept)
    y[1, cyc >= 2] = np.nan  # only cycle 1 left: too few cycles
    res = nof1.analyze_many(sched, y)
    assert res["n_cycles_dropped"].tolist() == [1, 5, 0]
    d = ref_cycle_differences(sched, y[0])
    assert d.size == 5
    assert res.loc[0, "cycle_t_estimate"] == pytest.approx(d.mean(), abs=1e-12)
    for col in ("cycle_t_pval", "randomization_pval", "bayes_p_benefit"):
        assert np.isnan(res.loc[1, col]) and np.isfinite(res.loc[0, col])


def brute_force_sign_flip_p(d):
    """Exact two-sided sign-flip p in rational arithmetic."""
    obs = abs(sum(d))
    hits = sum(abs(sum(s * x for s, x in zip(signs, d))) >= obs
               for signs in itertools.product((1, -1), repeat=len(d)))
    return Fraction(hits, 2 ** len(d))


def test_randomization_p_is_exact_on_its_grid():
    # 0-10 ratings, no washout, 6-day periods: period means are multiples of 1/6 and ties
    # between allocations are common, so exact rational arithmetic is the reference.
    s = nof1.schedule(7, period_days=6, washout_days=0, rng=3)
    y = nof1.simulate(s, 40, effect=-0.7, sd=1.5, rating_scale=True, rng=8)
    res = nof1.analyze_many(s, y, methods="randomization")
    for i in range(y.shape[0]):
        df = s.assign(y=[Fraction(int(v)) for v in y[i]])
        means = df.groupby(["cycle", "condition"])["y"].apply(lambda v: sum(v) / len(v))
        d = [means[(c, "mat")] - means[(c, "control")] for c in range(1, 8)]
        exact = brute_force_sign_flip_p(d)
        p = res.loc[i, "randomization_pval"]
        assert p * 2**7 == pytest.approx(round(p * 2**7), abs=1e-9)  # on the 1/2^n grid
        assert p == float(exact)


def test_randomization_monte_carlo_above_the_exact_size(sched):
    y = nof1.simulate(sched, 200, effect=-0.6, rng=5)
    exact = nof1.analyze_many(sched, y, methods="randomization")["randomization_pval"]
    mc = nof1.analyze_many(sched, y, methods="randomization", max_exact_cycles=5,
                           n_permutations=4000, rng=1)["randomization_pval"]
    mc2 = nof1.analyze_many(sched, y, methods="randomization", max_exact_cycles=5,
                            n_permutations=4000, rng=1)["randomization_pval"]
    pd.testing.assert_series_equal(mc, mc2)  # same rng -> same answer
    # binomial SE of a Monte Carlo p with 4000 draws <= 0.5 / sqrt(4000); 4 SE
    assert np.max(np.abs(mc - exact)) < 4 * 0.5 / math.sqrt(4000) + 1 / 4001
    assert (mc > 0).all()


def ref_t_normal_posterior(d, prior_sd=2.0, lo=-15.0, hi=15.0, n_grid=600001):
    """Posterior of delta on a fine grid: Student t likelihood of the paired t test (the
    cycle SD integrated out under the Jeffreys prior 1/sigma) times the N(0, prior_sd^2)
    prior. Independent of the library's quadrature over sigma."""
    n = d.size
    ss = np.sum((d - d.mean()) ** 2)
    grid = np.linspace(lo, hi, n_grid)
    logp = -n / 2 * np.log1p(n * (grid - d.mean()) ** 2 / ss) + stats.norm.logpdf(grid, 0,
                                                                                    prior_sd)
    w = np.exp(logp - logp.max())
    w /= w.sum()
    cdf = np.cumsum(w) - w / 2  # trapezoid-consistent: P(delta < grid[i])
    return grid, w, cdf


@pytest.mark.parametrize("prior_sd", [2.0, 0.5, 1e4])
def test_bayes_matches_numerical_posterior(sched, prior_sd):
    y = nof1.simulate(sched, 3, effect=-1.5, rho=0.2, rng=31)
    res = nof1.analyze_many(sched, y, methods="bayes", prior_mean=0.0, prior_sd=prior_sd,
                            mcid=2.0)
    for i in range(3):
        d = ref_cycle_differences(sched, y[i])
        grid, w, cdf = ref_t_normal_posterior(d, prior_sd)
        mean = np.sum(w * grid)
        # grid step 5e-5: tolerances are a few grid steps
        assert res.loc[i, "bayes_estimate"] == pytest.approx(np.interp(0.5, cdf, grid),
                                                             abs=2e-4)
        assert res.loc[i, "bayes_sd"] == pytest.approx(
            math.sqrt(np.sum(w * (grid - mean) ** 2)), abs=1e-4)
        assert res.loc[i, "bayes_p_benefit"] == pytest.approx(np.interp(0.0, grid, cdf), abs=1e-4)
        assert res.loc[i, "bayes_p_mcid"] == pytest.approx(np.interp(-2.0, grid, cdf), abs=1e-4)
        assert res.loc[i, "bayes_ci_low"] == pytest.approx(np.interp(0.025, cdf, grid),
                                                           abs=2e-4)
        assert res.loc[i, "bayes_ci_high"] == pytest.approx(np.interp(0.975, cdf, grid),
                                                            abs=2e-4)


def test_bayes_with_a_vague_prior_is_the_paired_t_test(sched):
    # flat-prior limit: the posterior is the t distribution of cycle_t, so the credible
    # interval is the t interval and P(benefit) is the one-sided t p-value
    y = nof1.simulate(sched, 50, effect=-0.8, rng=4)
    res = nof1.analyze_many(sched, y, methods=("cycle_t", "bayes"), prior_sd=1e6)
    df = sched["cycle"].nunique() - 1
    h = stats.t.ppf(0.975, df) * res["cycle_t_se"]
    np.testing.assert_allclose(res["bayes_ci_low"], res["cycle_t_estimate"] - h, atol=1e-6)
    np.testing.assert_allclose(res["bayes_ci_high"], res["cycle_t_estimate"] + h, atol=1e-6)
    t = res["cycle_t_estimate"] / res["cycle_t_se"]
    np.testing.assert_allclose(res["bayes_p_benefit"], stats.t.sf(t, df), atol=1e-7)


def test_bayes_quadrature_handles_prior_data_conflict():
    # two cycles, a huge difference with a tiny spread: the t likelihood's heavy tail and the
    # prior pull apart (bimodal posterior); the quadrature grid follows the conflict
    from matstats.nof1._bayes import posterior

    for dbar, sd, n in [(20.0, 0.01, 2), (8.0, 0.5, 3), (-5.0, 10.0, 4), (0.05, 0.5, 12)]:
        d = dbar + sd * np.array([-1.0, 1.0] * (n // 2) + [0.0] * (n % 2))
        d = d - d.mean() + dbar
        grid, w, cdf = ref_t_normal_posterior(d, 2.0, lo=-80, hi=80, n_grid=1600001)
        ss = np.sum((d - dbar) ** 2)
        r = posterior(dbar, ss, n, prior_mean=0.0, prior_sd=2.0, mcid=2.0)
        assert float(r["p_below0"]) == pytest.approx(np.interp(0.0, grid, cdf), abs=1e-4)
        assert float(r["mean"]) == pytest.approx(np.sum(w * grid), abs=1e-3)
        assert float(r["low"]) == pytest.approx(np.interp(0.025, cdf, grid), abs=1e-3)


def test_fused_pipeline_equals_simulate_then_analyze(sched):
    a = nof1.simulate_and_analyze(sched, 300, effect=-1.0, missing=0.1, rng=77,
                                  chunk_size=128)
    y = nof1.simulate(sched, 300, effect=-1.0, missing=0.1, rng=77, chunk_size=128)
    b = nof1.analyze_many(sched, y, chunk_size=128)
    pd.testing.assert_frame_equal(a, b)


def test_complete_and_missing_paths_agree(sched):
    # one trial with a single missing washout day is analysed on the per-trial path,
    # but its analysed days are complete: every result must equal the shared-design path
    y = nof1.simulate(sched, 40, effect=-1.0, rng=13)
    fast = nof1.analyze_many(sched, y)
    y2 = y.copy()
    y2[:, 0] = np.nan  # day 1 is a washout day in this schedule
    assert sched["washout"].iloc[0]
    y2[:, 9] = np.nan
    y3 = np.vstack([y, y2])
    both = nof1.analyze_many(sched, y3)
    pd.testing.assert_frame_equal(both.iloc[:40].reset_index(drop=True), fast)


@pytest.mark.parametrize("rho", [0.0, 0.4])
def test_null_calibration(rho):
    # 4000 null trials, 6 paired cycles. Binomial SE at alpha 0.05: sqrt(0.05 * 0.95 / 4000)
    # = 0.0034; we accept |rate - target| < 3 SE (two-sided 99.7% band).
    n = 4000
    s = nof1.schedule(6, rng=2026)
    res = nof1.simulate_and_analyze(s, n, effect=0.0, rho=rho, rng=int(rho * 10) + 100)
    rate = {m: rejections(res, m).mean() for m in nof1.METHODS}
    se = math.sqrt(0.05 * 0.95 / n)
    assert abs(rate["cycle_t"] - 0.05) < 3 * se
    assert abs(rate["gls_ar1"] - 0.05) < 3 * se
    # the sign-flip test is exact: with 6 cycles p = k / 32, so its size at 0.05 is
    # P(p <= 1/32) = 2 / 64 = 0.03125
    size = 2 / 64
    assert abs(rate["randomization"] - size) < 3 * math.sqrt(size * (1 - size) / n)
    if rho == 0.4:  # the naive day-level test is anti-conservative under autocorrelation
        assert rate["day_t"] > 0.05 + 5 * se
    else:
        assert abs(rate["day_t"] - 0.05) < 3 * se


@pytest.mark.parametrize(
    "kwargs",
    [
        {"methods": ["cycle_t", "anova"]},
        {"methods": []},
        {"prior_sd": 0.0},
        {"mcid": -1.0},
        {"max_exact_cycles": 0},
        {"max_exact_cycles": 21},
        {"n_permutations": 0},
        {"chunk_size": 0},
    ],
)
def test_bad_parameters_raise_value_error(sched, kwargs):
    y = nof1.simulate(sched, 3, effect=0.0, rng=1)
    with pytest.raises(ValueError):
        nof1.analyze_many(sched, y, **kwargs)


def test_bad_data_raise_value_error(sched):
    y = nof1.simulate(sched, 3, effect=0.0, rng=1)
    with pytest.raises(ValueError):
        nof1.analyze_many(sched, y[:, :-1])
    y[0, 5] = np.inf
    with pytest.raises(ValueError):
        nof1.analyze_many(sched, y)
    one = nof1.analyze_many(sched, nof1.simulate(sched, 1, effect=0.0, rng=1)[0])
    assert len(one) == 1
