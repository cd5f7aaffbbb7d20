"""Tests of the Bayesian stage two of the series analysis (``pool="bayes"``).

References: the closed-form equal-effect (fixed-effect) pool for a tight heterogeneity prior,
the REML path for a large series (k = 400), and a Monte Carlo calibration of P(benefit) at
tau = 0 with a stated tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from matstats.meta import bayesmeta as bm
from matstats import literature
from matstats.nof1 import analyze_series, simulate_series
from matstats.nof1._series_bayes import bayes_pooler
from matstats.nof1.series_analysis import POOLERS, _pool_reml


def test_bayes_is_registered_and_runs_through_analyze_series():
    assert "bayes" in POOLERS
    sim = simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3)
    a, b = analyze_series(sim), analyze_series(sim, pool="bayes")
    assert b.pool == "bayes" and b.k == a.k
    assert b.model.tau_prior is literature.NOF1_TAU_PRIOR
    assert b.estimate == pytest.approx(a.estimate, abs=0.1 * a.se)
    p = b.persons
    assert ((p["shrunken_ci_low"] < p["shrunken"]) & (p["shrunken"] < p["shrunken_ci_high"])).all()
    assert ((p["prob_mcid"] <= p["prob_benefit"]) & (p["prob_benefit"] <= 1)).all()
    # the person probabilities are the exact shrinkage posteriors
    assert np.allclose(p["prob_benefit"], b.model.shrinkage_cdf(0.0), atol=1e-12)


def test_tight_prior_gives_the_equal_effect_pool_of_the_reml_path():
    rng = np.random.default_rng(2)
    v = rng.uniform(0.1, 0.4, 8)
    d = rng.normal(-1.0, np.sqrt(v))
    reml = _pool_reml(d, v, 0.95)
    assert reml["tau2"] == 0.0              # this seed: REML finds no heterogeneity
    out = bayes_pooler(bm.HalfNormal(1e-9))(d, v, 0.95)
    w = 1 / v
    assert out["estimate"] == pytest.approx(reml["estimate"], abs=1e-9)
    assert out["estimate"] == pytest.approx((w * d).sum() / w.sum(), abs=1e-9)
    assert out["se"] == pytest.approx(1 / math.sqrt(w.sum()), rel=1e-6)
    assert np.allclose(out["shrunken"], reml["shrunken"], atol=1e-6)   # all at the mean


def test_large_k_agrees_with_reml():
    rng = np.random.default_rng(5)
    k = 400
    v = rng.uniform(0.1, 0.5, k)
    d = rng.normal(-1.0, np.sqrt(v + 0.64))
    a = _pool_reml(d, v, 0.95)
    b = POOLERS["bayes"](d, v, 0.95)
    assert b["estimate"] == pytest.approx(a["estimate"], abs=0.02 * a["se"])
    assert b["se"] == pytest.approx(a["se"], rel=0.02)
    for key in ("ci_low", "ci_high", "pi_low", "pi_high"):
        assert b[key] == pytest.approx(a[key], abs=0.1 * a["se"])
    assert b["tau2"] == pytest.approx(a["tau2"], rel=0.02)
    assert np.max(np.abs(b["shrunken"] - a["shrunken"])) < 0.01
    assert np.allclose(b["shrunken_se"], a["shrunken_se"], rtol=0.03)


@pytest.mark.slow  # 800 Bayesian poolings: about 15 s of CPU (make slow / make test)
def test_prob_benefit_is_calibrated_at_tau_zero():
    # 800 series of 6 persons with no heterogeneity (tau = 0), average effect drawn from
    # N(0, 0.5^2), known v = 0.25. Person 1's P(benefit) = P(theta_1 < 0 | data) is binned;
    # in each bin the share of series whose true effect is a benefit must match the mean
    # probability within 3.5 binomial SEs plus 0.03 (the half-normal(1) tau prior spreads
    # the person effects a little although the truth is tau = 0: probabilities slightly
    # too close to 0.5).
    rng = np.random.default_rng(11)
    pool = POOLERS["bayes"]
    k, reps = 6, 800
    v = np.full(k, 0.25)
    probs, truth = np.empty(reps), np.empty(reps, dtype=bool)
    for r in range(reps):
        mu0 = rng.normal(0.0, 0.5)
        out = pool(rng.normal(mu0, np.sqrt(v)), v, 0.95)
        probs[r], truth[r] = out["prob_below"](0.0)[0], mu0 < 0
    bins = np.digitize(probs, [0.2, 0.4, 0.6, 0.8])
    for i in range(5):
        sel = bins == i
        if sel.sum() < 30:
            continue
        p = probs[sel].mean()
        tol = 3.5 * math.sqrt(p * (1 - p) / sel.sum()) + 0.03
        assert truth[sel].mean() == pytest.approx(p, abs=tol), i
    assert probs.mean() == pytest.approx(truth.mean(), abs=0.05)


def test_tau_prior_given_as_literature_object_or_name():
    # issue 17 item 3: the series pooling takes a prior object or a name, same numbers
    sim = simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3)
    default = analyze_series(sim, pool="bayes")
    given = analyze_series(sim, pool="bayes", tau_prior=literature.NOF1_TAU_PRIOR)
    named = analyze_series(sim, pool="bayes", tau_prior="nof1_half_normal_1.0")
    for res in (given, named):
        assert res.model.tau_prior is literature.NOF1_TAU_PRIOR
        pd.testing.assert_frame_equal(res.to_frame(), default.to_frame(), check_exact=True)
        pd.testing.assert_frame_equal(res.persons, default.persons, check_exact=True)
    jn = analyze_series(sim, pool="bayes", tau_prior="jeffreys")
    jo = bayes_pooler(bm.Jeffreys())(*_stage_one(sim), 0.95)
    assert jn.estimate == jo["estimate"] and jn.tau2 == jo["tau2"]
    assert jn.tau2 != default.tau2        # a different prior: not the default in disguise
    with pytest.raises(ValueError, match="tau_prior is a prior of pool='bayes'"):
        analyze_series(sim, pool="reml", tau_prior="jeffreys")


def _stage_one(sim):
    # the person means and their variances s^2 / n_i (stage one), as the poolers receive them
    p = analyze_series(sim).persons
    return p["estimate"].to_numpy(), p["se"].to_numpy() ** 2


def test_bad_pool_name():
    sim = simulate_series(4, 4, effect=-1.0, tau=0.5, rng=1)
    with pytest.raises(ValueError, match="pool"):
        analyze_series(sim, pool="stan")
    with pytest.raises(ValueError, match="tau_prior"):
        bayes_pooler("wide")
