"""Tests for the generic analyses of matstats.sensitivity against published worked examples,
closed forms, Monte Carlo and invariants. Each reference value names its source; tests that
re-derive a formula are labelled implementation cross-checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import literature
from matstats import sensitivity as sens

# ---------------------------------------------------------------------------------------
# E-values
# ---------------------------------------------------------------------------------------


def test_evalue_published_breastfeeding_example():
    # VanderWeele & Ding, Ann Intern Med 2017;167:268-74: RR 3.9 (1.8-8.7) -> E 7.26, CI 3.0
    e = sens.evalue(3.9, 1.8, 8.7)
    assert e.evalue_point == pytest.approx(7.26, abs=0.005)
    assert e.evalue_ci == pytest.approx(3.0, abs=0.005)


def test_evalue_published_protective_example_takes_inverse():
    # VanderWeele & Ding 2017 (and EValue docs example evalues.RR(0.80, 0.71, 0.91)):
    # RR 0.80 (0.71-0.91) -> E 1.81, CI (upper limit 0.91) 1.43
    e = sens.evalue(0.80, 0.71, 0.91)
    assert e.evalue_point == pytest.approx(1.81, abs=0.005)
    assert e.evalue_ci == pytest.approx(1.43, abs=0.005)
    # symmetry: 1/RR has the same point E-value (EValue docs)
    assert sens.evalue(1 / 0.80).evalue_point == pytest.approx(e.evalue_point, rel=1e-12)


def test_evalue_smd_methods_notes_worked_values():
    # methods notes B7 (R EValue::evalues.MD formula): d 0.5, se 0.25 -> RR 1.58, lower 1.01,
    # E(CI) 1.11; point E-values for a list of d.
    e = sens.evalue(0.5, measure="SMD", se=0.25)
    assert e.rr == pytest.approx(1.58, abs=0.005)
    assert e.rr_ci_low == pytest.approx(1.01, abs=0.005)
    assert e.evalue_ci == pytest.approx(1.11, abs=0.005)
    table = {0.15: 1.56, 0.20: 1.69, 0.23: 1.77, 0.28: 1.90, 0.37: 2.15, 0.50: 2.53,
             0.56: 2.72, 0.80: 3.56, 1.00: 4.40}
    for d, ev in table.items():
        assert sens.evalue(d, measure="SMD").evalue_point == pytest.approx(ev, abs=0.006), d


def test_evalue_or_and_hr_conversions_closed_form():
    # Implementation cross-check (re-derives the conversion formulas): VanderWeele, Epidemiology 2017;28:e58: common-outcome OR -> sqrt(OR);
    # common-outcome HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)); rare: used as RR.
    def e(rr):
        rr = 1 / rr if rr < 1 else rr
        return rr + math.sqrt(rr * (rr - 1))

    o = sens.evalue(0.86, 0.75, 0.99, measure="OR", rare=False)
    assert o.evalue_point == pytest.approx(e(math.sqrt(0.86)), rel=1e-12)
    assert o.evalue_ci == pytest.approx(e(math.sqrt(0.99)), rel=1e-12)
    assert sens.evalue(2.0, measure="OR", rare=True).evalue_point == pytest.approx(e(2.0))

    def hr2rr(h):
        return (1 - 0.5 ** math.sqrt(h)) / (1 - 0.5 ** math.sqrt(1 / h))

    h = sens.evalue(0.56, 0.46, 0.69, measure="HR", rare=False)
    assert h.rr == pytest.approx(hr2rr(0.56), rel=1e-12)
    assert h.evalue_ci == pytest.approx(e(hr2rr(0.69)), rel=1e-12)
    # the conversion maps HR 1 to RR 1 and is monotone
    assert hr2rr(1.0) == pytest.approx(1.0)
    assert sens.evalue(1.5, measure="HR", rare=True).evalue_point == pytest.approx(e(1.5))


def test_evalue_ci_crossing_null_is_one_and_nonnull_true():
    assert sens.evalue(1.5, 0.9, 2.5).evalue_ci == 1.0
    assert sens.evalue(0.7, 0.4, 1.2).evalue_ci == 1.0
    assert sens.evalue(0.2, measure="SMD", se=0.2).evalue_ci == 1.0
    # non-null true: formula applied to RR / true (methods notes B7; EValue threshold())
    t = sens.evalue(3.0, 2.0, 4.0, true=1.5)
    assert t.evalue_point == pytest.approx(2.0 + math.sqrt(2.0 * 1.0))
    assert t.evalue_ci == pytest.approx(sens.evalue(2.0 / 1.5).evalue_point)
    assert sens.evalue(1.2, 1.0, 1.4, true=1.3).evalue_ci == 1.0  # CI contains true


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(estimate=-1.0),
        dict(estimate=2.0, ci_low=2.5, ci_high=3.0),
        dict(estimate=2.0, ci_low=3.0, ci_high=1.0),
        dict(estimate=2.0, measure="XX"),
        dict(estimate=2.0, measure="OR"),
        dict(estimate=0.3, measure="SMD", se=-0.1),
        dict(estimate=2.0, se=0.1),
    ],
)
def test_evalue_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        sens.evalue(**kwargs)


# ---------------------------------------------------------------------------------------
# Blinding indices
# ---------------------------------------------------------------------------------------


def test_bang_closed_form():
    # methods notes B6: 60 correct, 20 incorrect, 20 DK -> Bang BI = 0.40;
    # SE = sqrt([p1(1-p1) + p2(1-p2) + 2 p1 p2]/n) with p1 = .6, p2 = .2 (treatment arm)
    out = sens.blinding_index([[60, 20], [20, 60], [20, 20]], "bang")
    assert list(out["arm"]) == ["treatment", "control"]
    assert out["estimate"].tolist() == pytest.approx([0.40, 0.40])
    se = math.sqrt((0.6 * 0.4 + 0.2 * 0.8 + 2 * 0.6 * 0.2) / 100)
    assert out["se"].tolist() == pytest.approx([se, se])
    assert out.loc[0, "ci_low"] == pytest.approx(0.40 - 1.959964 * se, abs=1e-6)
    # SE equals the multinomial SD of (share correct - share incorrect): independent check
    rng = np.random.default_rng(3)
    draws = rng.multinomial(100, [0.6, 0.2, 0.2], size=200_000)
    assert ((draws[:, 0] - draws[:, 1]) / 100).std() == pytest.approx(se, rel=0.01)


def test_bang_wishful_thinking_pattern_and_dk():
    # everyone in both arms guesses "treatment": BI_trt = +1, BI_control = -1
    out = sens.blinding_index(np.array([[10, 10], [0, 0], [0, 0]]), "bang")
    assert out["estimate"].tolist() == pytest.approx([1.0, -1.0])
    # all "don't know": Bang 0 in each arm
    out = sens.blinding_index([[0, 0], [0, 0], [7, 9]], "bang")
    assert out["estimate"].tolist() == pytest.approx([0.0, 0.0])


def _james_numeric(arr):
    # implementation cross-check: James 1996 point estimate re-derived; its SE is checked
    # independently below (numerical delta method and Monte Carlo)
    w = np.array([[0.0, 0.5], [0.5, 0.0]])
    p = arr / arr.sum()
    pdk = p[2].sum()
    row = p[:2].sum(axis=1)
    colk = p.sum(axis=0) - p[2]
    pdo = np.sum(w * p[:2]) / (1 - pdk)
    pde = np.sum(w * np.outer(row, colk)) / (1 - pdk) ** 2
    return (1 + pdk + (1 - pdk) * (pdo - pde) / pde) / 2


def test_james_closed_forms():
    # methods notes B6 / James 1996: all DK -> 1 with SE 0
    out = sens.blinding_index([[0, 0], [0, 0], [12, 8]], "james")
    assert out.loc[0, "estimate"] == 1.0 and out.loc[0, "se"] == 0.0
    # complete unblinding (every guess correct, no DK) -> 0
    assert sens.blinding_index([[30, 0], [0, 30], [0, 0]], "james").loc[0, "estimate"] == (
        pytest.approx(0.0, abs=1e-12)
    )
    # guesses independent of arm (random guessing), no DK -> 0.5 (kappa 0)
    assert sens.blinding_index([[25, 25], [25, 25], [0, 0]], "james").loc[0, "estimate"] == (
        pytest.approx(0.5)
    )


def test_james_se_matches_delta_method_and_monte_carlo():
    # The closed-form variance (James 1996) must agree with an independent numerical
    # delta-method variance under the multinomial model, and with simulation.
    arr = np.array([[40.0, 18.0], [15.0, 35.0], [25.0, 27.0]])
    out = sens.blinding_index(arr, "james")
    n = arr.sum()
    p = (arr / n).ravel()
    h = 1e-6
    grad = np.empty(6)
    for k in range(6):
        up, dn = p.copy(), p.copy()
        up[k] += h
        dn[k] -= h
        grad[k] = (_james_numeric(up.reshape(3, 2) * n) - _james_numeric(dn.reshape(3, 2) * n)) / (
            2 * h
        )
    cov = (np.diag(p) - np.outer(p, p)) / n
    se_delta = math.sqrt(grad @ cov @ grad)
    assert out.loc[0, "estimate"] == pytest.approx(_james_numeric(arr), rel=1e-12)
    assert out.loc[0, "se"] == pytest.approx(se_delta, rel=1e-3)
    rng = np.random.default_rng(11)
    sims = rng.multinomial(int(n), p, size=20_000).reshape(-1, 3, 2).astype(float)
    vals = np.array([_james_numeric(s) for s in sims])
    assert vals.std() == pytest.approx(out.loc[0, "se"], rel=0.03)


@pytest.mark.parametrize(
    "table,method",
    [
        ([[1, 2], [3, 4]], "bang"),
        ([[1, -2], [3, 4], [0, 0]], "bang"),
        ([[1, 2], [3, 4], [0, 0]], "guess"),
        ([[1.5, 2], [3, 4], [0, 0]], "james"),
        ([[0, 2], [0, 4], [0, 0]], "bang"),
    ],
)
def test_blinding_bad_parameters(table, method):
    with pytest.raises(ValueError):
        sens.blinding_index(table, method)


# ---------------------------------------------------------------------------------------
# Regression to the mean
# ---------------------------------------------------------------------------------------


def test_rtm_methods_notes_worked_numbers():
    # methods notes B4: baseline 8, mean 5 -> 1.8/1.2/0.6 for r 0.4/0.6/0.8 (closed form);
    # Barnett 2005 group, mu 5, sigma 2, pain >= 7 -> 1.83/1.22/0.61; 7-day mean 0.46/0.24/0.10
    ind = sens.regression_to_mean(mean=5, r=[0.4, 0.6, 0.8], baseline=8)
    assert ind["expected_rtm"].tolist() == pytest.approx([1.8, 1.2, 0.6])
    assert ind["expected_change"].tolist() == pytest.approx([-1.8, -1.2, -0.6])
    grp = sens.regression_to_mean(mean=5, r=[0.4, 0.6, 0.8], threshold=7, sd=2)
    assert grp["expected_rtm"].tolist() == pytest.approx([1.83, 1.22, 0.61], abs=0.005)
    wk = sens.regression_to_mean(mean=5, r=[0.4, 0.6, 0.8], threshold=7, sd=2, n_baseline=7)
    assert wk["expected_rtm"].tolist() == pytest.approx([0.46, 0.24, 0.10], abs=0.005)
    # r = 1: no regression; below-threshold selection regresses upward by symmetry
    assert sens.regression_to_mean(mean=5, r=1, threshold=7, sd=2)["expected_rtm"].iloc[0] == 0
    below = sens.regression_to_mean(mean=5, r=0.4, threshold=3, sd=2, selection="below")
    assert below["expected_change"].iloc[0] == pytest.approx(1.830, abs=0.001)


def test_rtm_group_formula_monte_carlo():
    # Simulate Barnett's model: true level ~ N(5, r sigma^2), day noise ~ N(0, (1-r) sigma^2),
    # baseline = mean of m days, follow-up = one new day; select baseline >= 7.
    rng = np.random.default_rng(2024)
    n, r, sigma = 400_000, 0.6, 2.0
    for m in (1, 7):
        true = rng.normal(5, math.sqrt(r) * sigma, n)
        base = true + rng.normal(0, math.sqrt((1 - r) / m) * sigma, n)
        follow = true + rng.normal(0, math.sqrt(1 - r) * sigma, n)
        sel = base >= 7
        mc = float(np.mean(base[sel] - follow[sel]))
        formula = sens.regression_to_mean(mean=5, r=r, threshold=7, sd=sigma, n_baseline=m)
        # tolerance ~ 4 Monte Carlo SEs
        se_mc = np.std(base[sel] - follow[sel]) / math.sqrt(sel.sum())
        assert formula["expected_rtm"].iloc[0] == pytest.approx(mc, abs=4 * se_mc)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(mean=5, r=1.2, baseline=8),
        dict(mean=5, r=-0.1, baseline=8),
        dict(mean=5, r=0.5, threshold=7),
        dict(mean=5, r=0.5, threshold=7, sd=-2),
        dict(mean=5, r=0.5),
        dict(mean=5, r=0.5, threshold=7, sd=2, n_baseline=0),
        dict(mean=5, r=0.5, threshold=7, sd=2, selection="up"),
    ],
)
def test_rtm_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        sens.regression_to_mean(**kwargs)


# ---------------------------------------------------------------------------------------
# Decomposition
# ---------------------------------------------------------------------------------------


def test_decomposition_reproducible_and_consistent():
    a = sens.decompose_improvement(3.0, mean=5, baseline=8, rng=7, n_draws=5000)
    b = sens.decompose_improvement(3.0, mean=5, baseline=8, rng=7, n_draws=5000)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    d = a.draws
    # components add up to the observed change in every draw
    np.testing.assert_allclose(d.sum(axis=1), 3.0, rtol=1e-12)
    assert a.p_exceeds_mcid == pytest.approx(np.mean(d["specific"] > 2.0))
    assert list(a.summary["component"]) == ["natural_history", "rtm", "placebo", "specific"]
    assert all(a.summary["source"].str.len() > 0)


def test_decomposition_matches_closed_form_with_fixed_priors():
    # with fixed priors the remainder is deterministic:
    # rtm = (1-0.7)(8-5) = 0.9; nh = max(0.49*3 - 0.9, 0) = 0.57; placebo = 0.37*2.2 = 0.814
    fixed = {
        "natural_history_share": literature.Prior("nh", "fixed", (0.49,), "share", "test"),
        "placebo_sd": literature.Prior("pl", "fixed", (0.37,), "sd", "test"),
        "reliability_r": literature.Prior("r", "fixed", (0.7,), "r", "test"),
    }
    out = sens.decompose_improvement(3.0, mean=5, baseline=8, priors=fixed, rng=1, n_draws=200)
    assert out.draws["specific"].iloc[0] == pytest.approx(3.0 - 0.9 - 0.57 - 0.814)
    assert out.p_exceeds_mcid == 0.0 and out.p_positive == 1.0
    # and the 2-D grid gives the same number at the same point
    g = sens.decomposition_grid(3.0, placebo_sd=[0.37], r=[0.7], mean=5, baseline=8,
                                natural_history_share=0.49)
    assert g["specific"].iloc[0] == pytest.approx(3.0 - 0.9 - 0.57 - 0.814)


def test_decomposition_without_baseline_notes_rtm():
    out = sens.decompose_improvement(2.0, rng=0, n_draws=1000)
    assert (out.draws["rtm"] == 0).all()
    assert any("regression to the mean" in n for n in out.notes)
    # dropping the placebo prior raises the remainder
    no_pl = sens.decompose_improvement(2.0, rng=0, n_draws=1000, priors={"placebo_sd": None})
    assert no_pl.draws["specific"].mean() > out.draws["specific"].mean()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(observed=2.0, sd=-1),
        dict(observed=2.0, mcid=-1),
        dict(observed=2.0, n_draws=5),
        dict(observed=2.0, baseline=8),
        dict(observed=2.0, priors={"unknown": None}),
    ],
)
def test_decomposition_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        sens.decompose_improvement(**kwargs)


def test_prior_validation():
    with pytest.raises(ValueError):
        literature.Prior("x", "normal", (0.4, -0.1), "sd", "s")
    with pytest.raises(ValueError):
        literature.Prior("x", "beta", (1.2, 0.1), "share", "s")
    with pytest.raises(ValueError):
        literature.Prior("x", "gamma", (1.0, 1.0), "sd", "s")
    # normal priors fitted to a 95% CI reproduce the CI: Hrobjartsson 2014 0.56 (0.41-0.71)
    p = literature.sensitivity_priors()["unblinding_sd_hrobjartsson"]
    assert stats.norm.ppf([0.025, 0.975], *p.params) == pytest.approx([0.41, 0.71])


# ---------------------------------------------------------------------------------------
# Tipping points
# ---------------------------------------------------------------------------------------


def test_tipping_point_closed_form():
    # methods notes B8.1: b_null = d, b_sig = d - 1.96 s, b_mcid = d - mcid
    tp = sens.tipping_point(0.76, 0.33, sd=2.2, mcid=0.5)
    got = dict(zip(tp["target"], tp["bias_sd"], strict=True))
    assert got["null"] == pytest.approx(0.76)
    assert got["non_significance"] == pytest.approx(0.76 - 1.959964 * 0.33, abs=1e-6)
    assert got["below_mcid"] == pytest.approx(0.26)
    assert tp["bias_units"].tolist() == pytest.approx([b * 2.2 for b in tp["bias_sd"]])
    # P(bias > b*) under the default N(0.4, 0.25^2) prior
    assert tp["p_bias_exceeds"].iloc[0] == pytest.approx(stats.norm.sf(0.76, 0.4, 0.25))
    # at the tipping bias the adjusted CI touches zero
    adj = sens.bias_adjust(0.76, 0.33, got["non_significance"])
    assert adj["ci_low"].iloc[0] == pytest.approx(0.0, abs=1e-9)


def test_bias_invariants():
    bias = np.linspace(0, 2, 41)
    out = sens.bias_adjust(0.6, 0.2, bias)
    # zero bias returns the unadjusted result
    assert out["estimate"].iloc[0] == 0.6
    assert out["pval"].iloc[0] == pytest.approx(2 * stats.norm.sf(3.0))
    # more bias never makes the result more significant (for benefit)
    assert np.all(np.diff(out["p_benefit"]) >= 0)
    assert np.all(np.diff(out["z"]) <= 0)
    sig = out["significant"].to_numpy()
    assert not np.any(~sig[:-1] & sig[1:])  # never switches back on
    grid = sens.tipping_point_grid(0.6, 0.2, [0, 0.1, 0.3], [0, 0.2], mcid=0.3)
    assert grid.loc[(grid.bias_a == 0) & (grid.bias_b == 0), "estimate"].iloc[0] == 0.6
    piv = grid.pivot(index="bias_a", columns="bias_b", values="p_benefit").to_numpy()
    assert np.all(np.diff(piv, axis=0) >= 0) and np.all(np.diff(piv, axis=1) >= 0)
    # bias uncertainty only widens the interval
    wide = sens.bias_adjust(0.6, 0.2, 0.0, bias_sd=0.25)
    assert wide["ci_high"].iloc[0] - wide["ci_low"].iloc[0] > (
        out["ci_high"].iloc[0] - out["ci_low"].iloc[0]
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: sens.tipping_point(0.5, -0.1),
        lambda: sens.tipping_point(0.5, 0.2, sd=-1),
        lambda: sens.tipping_point(0.5, 0.2, alpha=1.5),
        lambda: sens.bias_adjust(0.5, 0.2, 0.1, bias_sd=-0.1),
        lambda: sens.tipping_point_grid(0.5, 0.2, [], [0.1]),
    ],
)
def test_tipping_bad_parameters(call):
    with pytest.raises(ValueError):
        call()


def test_tipping_point_refuses_an_overflowing_bias():
    # found by the property suite: -1e308 - 1.96 x 1e308 is -inf; a clear error, never an inf
    with pytest.raises(ValueError, match="non_significance tipping bias overflows"):
        sens.tipping_point(-1e308, 1e308)
    with pytest.raises(ValueError, match="null tipping bias overflows"):
        sens.tipping_point(1e300, 0.2, sd=1e10)


# ---------------------------------------------------------------------------------------
# Survey bounds
# ---------------------------------------------------------------------------------------


def test_survey_bounds_98_of_126_of_200():
    # methods notes B8.4: worst case p_r * q, best p_r q + 1 - q, q* = p0 / p_r
    sb = sens.survey_bounds(percent=98, respondents=126, users=200)
    assert sb.responders == 123 and sb.responders_derived  # round(0.98 * 126)
    p, q = 123 / 126, 126 / 200
    assert sb.worst_case == pytest.approx(p * q)
    assert sb.best_case == pytest.approx(p * q + 1 - q)
    tab = sb.to_frame()
    assert tab["selection_tipping_q"].tolist() == pytest.approx((tab["p0"] / p).tolist())
    # exact CI against statsmodels' independent implementation
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(123, 126, alpha=0.05, method="beta")
    assert (sb.ci_low, sb.ci_high) == pytest.approx((lo, hi), rel=1e-9)
    w = sens.survey_bounds(responders=123, respondents=126, users=200, method="wilson")
    lo, hi = proportion_confint(123, 126, alpha=0.05, method="wilson")
    assert (w.ci_low, w.ci_high) == pytest.approx((lo, hi), rel=1e-9)
    # benchmarks carry sources
    assert tab["source"].str.len().min() > 10


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(respondents=126, users=200, percent=101),
        dict(respondents=126, users=200, percent=-1),
        dict(respondents=126, users=200, responders=130),
        dict(respondents=126, users=100, responders=100),
        dict(respondents=126, users=200),
        dict(respondents=126, users=200, responders=100, method="exact-ish"),
    ],
)
def test_survey_bad_parameters(kwargs):
    with pytest.raises(ValueError):
        sens.survey_bounds(**kwargs)


# ---------------------------------------------------------------------------------------
# Bias-adjusted pooled effect
# ---------------------------------------------------------------------------------------


def test_bias_adjusted_effect_turner_model():
    pooled = pd.DataFrame({"control": ["waitlist", "sham"], "estimate": [0.9, 0.2],
                           "se": [0.25, 0.3]})
    out = sens.bias_adjusted_effect(pooled, mcid=0.5)
    # Turner et al. 2009: d_adj ~ N(d - mu_b, s^2 + sigma_b^2); prior N(0.4, 0.25^2)
    se_adj = math.sqrt(0.25**2 + 0.25**2)
    assert out.loc[0, "estimate_adj"] == pytest.approx(0.5)
    assert out.loc[0, "se_adj"] == pytest.approx(se_adj)
    assert out.loc[0, "p_true_gt_mcid"] == pytest.approx(0.5)
    assert out.loc[0, "p_true_gt_0"] == pytest.approx(stats.norm.sf(0, 0.5, se_adj))
    # sham row unadjusted
    assert out.loc[1, "estimate_adj"] == 0.2 and out.loc[1, "se_adj"] == 0.3
    with pytest.raises(ValueError):
        sens.bias_adjusted_effect(pooled.assign(se=[0.0, 0.3]))


# ---------------------------------------------------------------------------------------
# Plots (smoke: they return a Figure of the requested size and reject bad input)
# ---------------------------------------------------------------------------------------


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    from matstats.plots import sensitivity as sp

    dec = sens.decompose_improvement(3.0, mean=5, baseline=8, rng=1, n_draws=500)
    fig = sp.plot_decomposition([dec], ["x"], figsize=(5, 3))
    assert tuple(fig.get_size_inches()) == (5, 3)
    grid = sens.tipping_point_grid(0.7, 0.3, [0, 0.5, 1.0], [0, 0.5])
    sp.plot_tipping_heatmap(grid, value="estimate")
    sp.plot_tipping_curve(sens.bias_adjust(0.7, 0.3, [0, 0.5, 1.0]), mcid=0.5, prior_mean=0.4)
    sp.plot_survey_bounds(sens.survey_bounds(responders=123, respondents=126, users=200).to_frame())
    with pytest.raises(ValueError):
        sp.plot_decomposition([dec], ["a", "b"])
    with pytest.raises(ValueError):
        sp.plot_tipping_heatmap(grid, value="nope")
    plt.close("all")


# ---------------------------------------------------------------------------------------
# One spelling, one blinding index, old names for one release
# ---------------------------------------------------------------------------------------


def test_blinding_index_one_arm_counts_match_the_table_form():
    # Bang 2004 worked example (60 correct, 20 incorrect, 20 don't know) -> 0.40; the nof1
    # diary calls the same function with one arm's counts.
    one = sens.blinding_index([60, 20, 20])
    both = sens.blinding_index([[60, 20], [20, 60], [20, 20]])
    assert one["arm"].tolist() == ["arm"]
    assert one.loc[0, "estimate"] == pytest.approx(0.40)
    assert one.loc[0, "se"] == pytest.approx(both.loc[0, "se"])
    with pytest.raises(ValueError, match="method"):
        sens.blinding_index([60, 20, 20], "james")
    with pytest.raises(ValueError, match="at least one answer"):
        sens.blinding_index([0, 0, 0])


def test_level_sets_the_interval_width():
    new = sens.blinding_index([[60, 20], [20, 60], [20, 20]], level=0.9)
    z90 = stats.norm.ppf(0.95)
    assert new.loc[0, "ci_high"] == pytest.approx(0.4 + z90 * new.loc[0, "se"])
    # Clopper-Pearson 90% for 123/126: the 5% lower tail of Beta(123, 4)
    sb = sens.survey_bounds(responders=123, respondents=126, level=0.9)
    assert sb.ci_low == pytest.approx(stats.beta.ppf(0.05, 123, 4), rel=1e-9)
    with pytest.raises(ValueError, match="level"):
        sens.blinding_index([[60, 20], [20, 60], [20, 20]], level=1.5)


def test_bad_rng_and_keyword_values_name_the_parameter():
    with pytest.raises(ValueError, match="rng"):
        sens.decompose_improvement(2.0, rng="seed")
    with pytest.raises(ValueError, match="n_draws"):
        sens.decompose_improvement(2.0, n_draws=50)
    with pytest.raises(ValueError, match="measure"):
        sens.evalue(2.0, measure="XX")
    with pytest.raises(ValueError, match="alpha"):
        sens.bias_adjust(0.5, 0.2, 0.1, alpha=0)


def test_plots_draw_on_a_given_axes():
    import matplotlib.pyplot as plt

    from matstats.plots import sensitivity as sp

    fig, axes = plt.subplots(2, 2)
    dec = sens.decompose_improvement(3.0, mean=5, baseline=8, rng=1, n_draws=500)
    assert sp.plot_decomposition([dec], ["x"], ax=axes[0, 0]) is fig
    assert sp.plot_tipping_curve(sens.bias_adjust(0.7, 0.3, [0, 1.0]), ax=axes[0, 1]) is fig
    grid = sens.tipping_point_grid(0.7, 0.3, [0, 0.5], [0, 0.5])
    assert sp.plot_tipping_heatmap(grid, ax=axes[1, 0]) is fig
    table = sens.survey_bounds(responders=123, respondents=126, users=200).to_frame()
    assert sp.plot_survey_bounds(table, ax=axes[1, 1]) is fig
    plt.close("all")
