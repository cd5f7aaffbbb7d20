"""Tests for the headline answer to "does a mat beat a sham?" (issue 18).

Independent references: every posterior probability of the sensitivity grid recomputed by
one-dimensional adaptive quadrature over tau (scipy.integrate.quad) from the conjugate normal
formulas and the tau priors' densities written out here with scipy.stats; the type M
exaggeration ratio by quadrature of |b| over the significance region and by Monte Carlo;
the assurance by quadrature of the normal-approximation power over the posterior density;
the share prior's SD from its stated 95% range (0.28-0.42: 0.07 / 1.96).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from matstats import literature
from matstats.ladder import answer as LA
from matstats.ladder import bayes as LB
from matstats.ladder.trial_size import exaggeration_ratio
from matstats.narrative import ladder as N

Z = stats.norm.isf(0.025)


# ------------------------------------------------------------------ independent posterior
def _tau_logpdf(name: str):
    """log density of tau under each ladder prior, written out independently (on log tau)."""
    if name == "half_normal_0.5":
        return lambda t: stats.halfnorm.logpdf(t, scale=0.5)
    if name == "half_normal_1.0":
        return lambda t: stats.halfnorm.logpdf(t, scale=1.0)
    if name == "half_cauchy_0.5":
        return lambda t: stats.halfcauchy.logpdf(t, scale=0.5)
    if name == "rhodes_pain_nonpharm":
        # log(tau^2) = -3.02 + 2.27 T_5  =>  f(tau) = f_T((2 log tau + 3.02) / 2.27) / 2.27 * 2 / tau
        return lambda t: (stats.t.logpdf((2 * math.log(t) + 3.02) / 2.27, 5) - math.log(2.27)
                          + math.log(2 / t))
    raise KeyError(name)


def _deflated(y: float, se: float, effect: float) -> float:
    # exaggeration ratio by quadrature of |b| over the significance region
    f = stats.norm(effect, se)
    c = Z * se
    num = (integrate.quad(lambda b: b * f.pdf(b), c, np.inf, epsabs=1e-14)[0]
           + integrate.quad(lambda b: -b * f.pdf(b), -np.inf, -c, epsabs=1e-14)[0])
    power = f.sf(c) + f.cdf(-c)
    return y / (num / power / effect) if abs(y) > c else y


def _prob_new_trial(y, se, open_prior, tau_name, off_mean, off_sd, threshold):
    """P(theta_new - offset > threshold | y) for one study, by quadrature over log tau."""
    if open_prior.plausible_effect is not None:
        y = _deflated(y, se, open_prior.plausible_effect)
    mu0 = open_prior.mu_pair

    def cond(tau):
        v = se**2 + tau**2
        if mu0 is None:                       # flat prior on mu: mu | y, tau ~ N(y, v)
            m, var, loglik = y, v, 0.0
        else:
            m0, s0 = mu0
            prec = 1 / v + 1 / s0**2
            m, var = (y / v + m0 / s0**2) / prec, 1 / prec
            loglik = stats.norm.logpdf(y, m0, math.sqrt(v + s0**2))
        p = stats.norm.sf(threshold, m - off_mean, math.sqrt(var + tau**2 + off_sd**2))
        return p, loglik

    if tau_name == "tau_zero":
        return cond(0.0)[0]
    logpdf = _tau_logpdf(tau_name)

    def w(u, with_p):
        t = math.exp(u)
        p, ll = cond(t)
        return math.exp(logpdf(t) + ll + u) * (p if with_p else 1.0)

    lims = dict(a=-25.0, b=60.0, epsabs=1e-14, epsrel=1e-12, limit=400, points=[-3, -1, 0, 3, 8])
    num = integrate.quad(lambda u: w(u, True), **lims)[0]
    den = integrate.quad(lambda u: w(u, False), **lims)[0]
    return num / den


@pytest.fixture(scope="module")
def grid():
    return LA.sham_sensitivity(g_inputs=LA.pilot_g_inputs())


def _worst_error(grid) -> float:
    ops = {p.name: p for p in literature.OPEN_EFFECT_PRIORS}
    worst = 0.0
    for r in grid.itertuples():
        for col, thr in (("prob_beats_sham", 0.0), ("prob_beats_sham_by_mid", r.mid)):
            ref = _prob_new_trial(r.g, r.g_se, ops[r.open_prior], r.tau_prior, r.offset_mean,
                                  r.offset_sd, thr)
            worst = max(worst, abs(getattr(r, col) - ref))
    return worst


def test_default_input_grid_matches_independent_quadrature():
    # the 45 cells of the default input (fast); the whole grid is checked by the slow test
    tab = LA.pilot_g_inputs().iloc[:1]
    assert _worst_error(LA.sham_sensitivity(g_inputs=tab)) < 1e-6


@pytest.mark.slow
def test_every_grid_probability_matches_independent_quadrature(grid):
    assert _worst_error(grid) < 1e-6
    # the grid is the full product, and one cell is the default
    assert len(grid) == 8 * 3 * 5 * 3
    assert grid["is_default"].sum() == 1
    d = grid[grid["is_default"]].iloc[0]
    assert (d["open_prior"], d["tau_prior"], d["offset_prior"]) == (
        "sceptical", "half_normal_0.5", "physical_sham_vs_none")


def test_share_prior_sd_is_the_half_range_over_1_96():
    # 0.28-0.42 treated as a 95% interval: SD = 0.07 / 1.96 (the bug was 0.07 / (2 x 1.96))
    sp = literature.SHARE_PRIOR
    assert sp.sd == pytest.approx(0.07 / stats.norm.ppf(0.975), rel=1e-12)
    assert sp.mean == pytest.approx(0.35) and sp.unit == "share"
    # not among the offsets that answer "does it beat a sham?"
    assert all(p.unit == "sd" for p in literature.OFFSET_PRIORS)
    post = LB.sham_posterior([0.75], sei=[0.33], offsets=[literature.OFFSET_PRIORS[0], sp])
    fr = post.to_frame()
    share = fr[fr["offset_prior"] == sp.name]
    assert set(share["question"]) == {"size_if_specific_effect_exists"}
    assert share["prob_beats_sham"].isna().all()
    # a positive share cannot change the sign: P(open x share > 0) = P(open > 0)
    assert post.prob(0.0, offset=sp.name) == pytest.approx(
        1 - post.open_fit.cdf("theta", 0.0), abs=1e-6)


def test_offsets_are_predictive_for_a_new_kind_of_sham():
    tau = literature.SHAM_EFFECT_TAU
    assert tau == pytest.approx(math.exp(-3.02 / 2))
    hs = literature.OFFSET_PRIORS[0]
    se = (0.33 - 0.10) / (2 * stats.norm.ppf(0.975))
    assert hs.name == "physical_sham_vs_none"
    assert hs.sd == pytest.approx(math.hypot(se, tau), rel=1e-12)


@pytest.mark.parametrize("effect, se", [(0.55, 0.33), (0.2, 0.33), (0.9, 0.2)])
def test_exaggeration_ratio_closed_form(effect, se):
    ref = _deflated(1.0, se, effect)   # y / ratio with y = 1 significant only if 1 > z se
    ratio = exaggeration_ratio(effect, se)
    assert 1.0 / ratio == pytest.approx(ref, rel=1e-9)
    draws = np.random.default_rng(3).normal(effect, se, 1_000_000)
    sig = np.abs(draws) > Z * se
    assert ratio == pytest.approx(np.abs(draws[sig]).mean() / effect, rel=0.01)


def test_assurance_equals_quadrature_of_power_over_the_posterior():
    post = LB.sham_posterior([0.75], sei=[0.33])
    lo, hi = post.quantile([1e-9, 1 - 1e-9])
    for n in (20, 96, 400):
        a = math.sqrt(n / 2)
        ref = integrate.quad(lambda d: stats.norm.cdf(a * d - Z) * post.pdf(d), lo, hi,
                             epsabs=1e-12, limit=400)[0]
        assert post.assurance(n) == pytest.approx(ref, abs=1e-7)
    # it never exceeds P(true effect > 0), so 80% is unreachable when that is below 80%
    assert post.assurance(1e6) < post.prob(0.0)
    assert post.prob(0.0) < 0.8 and math.isinf(post.n_for_assurance(0.8))
    # reachable target: the smallest n
    n = post.n_for_assurance(0.5)
    assert post.assurance(n) >= 0.5 > post.assurance(n - 1)


def test_pilot_g_inputs_reproduce_the_data_row_and_the_issue_numbers():
    from matstats.evidence.study_effects import study_effect_sizes

    tab = LA.pilot_g_inputs()
    st = LB.open_control_studies(study_effect_sizes())
    assert tab.loc[0, "yi"] == pytest.approx(st.loc[0, "yi"], abs=1e-12)
    assert tab.loc[0, "vi"] == pytest.approx(st.loc[0, "vi"], abs=1e-12)
    g = tab.set_index("g_input")["yi"]
    assert g["p=0.021, 18/17, t_endpoint"] == pytest.approx(0.80, abs=0.005)
    assert g["p=0.04, 20/20, t_endpoint"] == pytest.approx(0.66, abs=0.005)
    assert g["p=0.021, 20/20, ancova_r0.5"] == pytest.approx(
        g["p=0.021, 20/20, t_endpoint"] * math.sqrt(0.75), rel=1e-12)


def test_answer_sentence_carries_default_range_and_assurance():
    ans = LA.sham_answer(g_inputs=LA.pilot_g_inputs(), n_per_arm=[60, 250])
    text = N.sham_answer_sentence(ans)
    lo, hi = ans.grid_range
    assert f"{ans.default['prob_beats_sham']:.0%}" in text
    assert f"{ans.prob_under('flat'):.0%}" in text
    assert f"from {lo:.0%} to {hi:.0%}" in text
    assert f"{ans.assurance['assurance'].min():.0%}" in text
    assert "would find" not in text and "true effect is better than a sham's" in text
    assert ans.default["open_prior"] == literature.OPEN_EFFECT_PRIOR.name == "sceptical"
    # the between-group MID, not the 2-point individual threshold
    assert ans.default["mid"] == pytest.approx(1 / 2.2)
    assert list(ans.exceedance["threshold"]) == pytest.approx([0.2, 1 / 2.2, 0.5])
