"""Tests for matstats.ladder.bayes: the posterior of the mat-vs-sham effect.

Independent references: closed forms (a known tau gives the conjugate normal posterior of mu;
minus an independent normal offset it is normal with the variances summed), one-dimensional
scipy.integrate.quad for the product with a normal share, and Monte Carlo draws with a
stated tolerance for the ratio form and a uniform offset.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from matstats.meta import bayesmeta as bm
from matstats.ladder import answer as LA
from matstats.ladder import bayes as LB
from matstats import literature
from matstats.literature import Prior
from matstats.narrative import ladder as N

Y = np.array([0.9, 0.4, 0.65])
SE = np.array([0.3, 0.25, 0.4])
DIFF = Prior("diff", "normal", (0.3, 0.08), "sd", "test")
RATIO = Prior("ratio", "normal", (0.4, 0.25), "share", "test: crosses 0")


def _conjugate(y, se, tau, mu_prior=None):
    w = 1 / (se**2 + tau**2)
    prec, num = w.sum(), (w * y).sum()
    if mu_prior is not None:
        prec += 1 / mu_prior[1] ** 2
        num += mu_prior[0] / mu_prior[1] ** 2
    return num / prec, 1 / prec


@pytest.mark.parametrize("tau", [0.0, 0.35])
@pytest.mark.parametrize("mu_prior", [None, (0.2, 0.5)])
def test_known_tau_normal_offset_is_normal_with_summed_variances(tau, mu_prior):
    post = LB.sham_posterior(Y, sei=SE, tau_prior=bm.KnownTau(tau), offsets=[DIFF],
                             open_prior="flat" if mu_prior is None else mu_prior, mid=0.5,
                             level=0.9)
    m, v = _conjugate(Y, SE, tau, mu_prior)
    frame = post.to_frame().set_index("target")
    for target, var in (("average", v), ("new_trial", v + tau**2)):
        ref = stats.norm(m - DIFF.mean, math.sqrt(var + DIFF.sd**2))
        r = frame.loc[target]
        assert r["median"] == pytest.approx(ref.median(), abs=1e-10)
        assert r["ci_low"] == pytest.approx(ref.ppf(0.05), abs=1e-9)
        assert r["ci_high"] == pytest.approx(ref.ppf(0.95), abs=1e-9)
        assert r["prob_beats_sham"] == pytest.approx(ref.sf(0.0), abs=1e-12)
        assert r["prob_beats_sham_by_mid"] == pytest.approx(ref.sf(0.5), abs=1e-12)
        assert post.pdf(0.1, target=target) == pytest.approx(ref.pdf(0.1), rel=1e-10)


def test_ratio_known_tau_matches_direct_quadrature():
    # X ~ N(m, v) (tau known), S ~ N(0.4, 0.25^2): P(X S > t) = int P(X S > t | S = s) dN(s)
    post = LB.sham_posterior(Y, sei=SE, tau_prior=bm.KnownTau(0.2), offsets=[RATIO],
                             open_prior="flat")
    m, v = _conjugate(Y, SE, 0.2)
    x = stats.norm(m, math.sqrt(v + 0.04))          # new-trial open effect
    share = stats.norm(*RATIO.params)

    def sf(t):
        def f(s):
            if s == 0:
                return float(t < 0)
            return (x.sf(t / s) if s > 0 else x.cdf(t / s)) * share.pdf(s)
        lo, hi = RATIO.mean - 12 * RATIO.sd, RATIO.mean + 12 * RATIO.sd
        return sum(integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
                   for a, b in ((lo, 0.0), (0.0, hi)))

    for t in (-0.3, 0.0, 0.2, 0.6):
        assert post.prob(t) == pytest.approx(sf(t), abs=1e-9)


def test_ratio_and_uniform_offset_match_monte_carlo():
    # Monte Carlo from the open posterior (a normal mixture over tau: pick a node by its
    # weight, draw the normal) and the offset; tolerance 5 binomial SEs at n = 400 000
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=bm.HalfNormal(0.5))
    unif = Prior("unif", "uniform", (0.1, 0.5), "sd", "test")
    post = LB.sham_posterior(Y, sei=SE, tau_prior=bm.HalfNormal(0.5), offsets=[RATIO, unif],
                             open_prior="flat")
    rng = np.random.default_rng(7)
    n = 400_000
    m, s, w = fit.mixture("theta")
    j = rng.choice(m.size, size=n, p=w / w.sum())
    open_draws = rng.normal(m[j], s[j])
    draws = {"ratio": open_draws * rng.normal(*RATIO.params, size=n),
             "unif": open_draws - rng.uniform(0.1, 0.5, size=n)}
    for name, d in draws.items():
        for t in (-0.5, 0.0, 0.3, 1.0):
            p = float(np.mean(d > t))
            tol = 5 * math.sqrt(p * (1 - p) / n) + 1e-4
            assert post.prob(t, offset=name) == pytest.approx(p, abs=tol)
        q_mc = np.quantile(d, [0.1, 0.5, 0.9])
        q = post.quantile([0.1, 0.5, 0.9], offset=name)
        assert np.allclose(q, q_mc, atol=0.01)


def test_quadrature_of_a_normal_difference_equals_the_closed_form():
    # implementation cross-check: the quadrature path with a uniform offset of width -> 0
    # against the closed-form path with a fixed offset
    tiny = Prior("u", "uniform", (0.3 - 1e-9, 0.3 + 1e-9), "sd", "test")
    fixed = Prior("f", "fixed", (0.3,), "sd", "test")
    a = LB.sham_posterior(Y, sei=SE, offsets=[tiny]).to_frame()
    b = LB.sham_posterior(Y, sei=SE, offsets=[fixed]).to_frame()
    for c in ("median", "ci_low", "ci_high", "prob_beats_sham", "prob_beats_sham_by_mid"):
        assert np.allclose(a[c], b[c], atol=1e-8)


def test_frame_columns_defaults_and_k1():
    post = LB.sham_posterior([0.75], sei=[0.33], open_prior="flat")
    frame = post.to_frame()
    assert list(frame.columns) == LB.FRAME_COLUMNS
    assert set(frame["tau_from"]) == {"prior"}          # k = 1: tau is its prior
    assert len(frame) == 2 * len(literature.OFFSET_PRIORS)
    assert set(frame["tau_prior"]) == {literature.LADDER_TAU_PRIOR.name}
    # k = 1 with a flat mu prior: tau's posterior is its prior (median 0.5 * 0.674)
    assert frame["tau_median"].iloc[0] == pytest.approx(0.5 * stats.halfnorm.median(), 1e-6)
    # the new-trial prediction is wider than the average, which is wider than tau = 0
    nt, av = (frame[frame["target"] == t].reset_index() for t in ("new_trial", "average"))
    assert ((nt["ci_high"] - nt["ci_low"]) > (av["ci_high"] - av["ci_low"])).all()
    assert (frame["prob_beats_sham_by_mid"] < frame["prob_beats_sham"]).all()


def test_sensitivity_table_priors_by_offsets():
    tab = LA.sham_sensitivity([0.75], sei=[0.33])
    assert len(tab) == (len(literature.OPEN_EFFECT_PRIORS) * len(literature.LADDER_TAU_PRIORS)
                        * len(literature.OFFSET_PRIORS))
    assert "rhodes_pain_nonpharm" in set(tab["tau_prior"])
    assert set(tab["target"]) == {"new_trial"}
    rhodes = literature.LADDER_TAU_PRIORS[3]
    assert (rhodes.location, rhodes.scale) == (-3.02 / 2, 2.27 / 2)


def test_literature_priors_and_names_are_accepted_as_they_are():
    # issue 17 item 3: a literature prior goes straight into bayes_meta and is stored as given
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=literature.LADDER_TAU_PRIOR)
    assert fit.tau_prior is literature.LADDER_TAU_PRIOR
    ref = bm.bayes_meta(Y, sei=SE, tau_prior=bm.HalfNormal(0.5))
    pd.testing.assert_frame_equal(fit.to_frame(), ref.to_frame(), check_exact=True)
    # a name works wherever a prior does: the same numbers as the object
    a = LB.sham_posterior(Y, sei=SE, tau_prior="jeffreys").to_frame()
    b = LB.sham_posterior(Y, sei=SE, tau_prior=bm.Jeffreys()).to_frame()
    assert set(a["tau_prior"]) == {"jeffreys"}
    pd.testing.assert_frame_equal(a.drop(columns="tau_prior"), b.drop(columns="tau_prior"),
                                  check_exact=True)
    c = LB.sham_posterior(Y, sei=SE, tau_prior="half_cauchy_0.5")
    assert c.tau_prior is literature.LADDER_TAU_PRIORS[2]
    assert c.open_fit.tau_prior is c.tau_prior
    d = LB.sham_posterior(Y, sei=SE, tau_prior=bm.HalfCauchy(0.5)).to_frame()
    pd.testing.assert_frame_equal(c.to_frame().drop(columns="tau_prior"),
                                  d.drop(columns="tau_prior"), check_exact=True)
    tab = LA.sham_sensitivity(Y, sei=SE, tau_priors=["rhodes", literature.LADDER_TAU_PRIOR],
                              open_priors=["sceptical"])
    assert list(tab["tau_prior"].unique()) == ["rhodes", "half_normal_0.5"]
    e = LB.sham_posterior(Y, sei=SE, tau_prior=literature.rhodes_prior()).to_frame()
    n_off = len(literature.OFFSET_PRIORS)
    pd.testing.assert_frame_equal(tab.iloc[:n_off][LB.FRAME_COLUMNS].reset_index(drop=True),
                                  e[e["target"] == "new_trial"].reset_index(drop=True),
                                  check_exact=True)


def test_compare_answers_frequentist_equals_tau_zero_for_differences():
    cmp = LB.compare_sham_answers([0.75], sei=[0.33])
    diff = cmp[cmp["form"] == "difference"].set_index(["offset_prior", "answer"])
    for name in diff.index.get_level_values(0).unique():
        f, z = diff.loc[(name, "frequentist")], diff.loc[(name, "bayes_tau_zero")]
        for c in ("center", "ci_low", "ci_high", "prob_beats_sham", "prob_beats_sham_by_mid"):
            assert f[c] == pytest.approx(z[c], abs=1e-9)
        assert diff.loc[(name, "bayes_new_trial"), "width_ratio"] > 1
    # k = 2: the frequentist pool is REML
    cmp2 = LB.compare_sham_answers([0.75, 0.8], sei=[0.33, 0.3])
    assert cmp2["heterogeneity"].iloc[0].startswith("REML tau")


def test_real_data_open_control_rung():
    from matstats.evidence.study_effects import study_effect_sizes

    st = LB.open_control_studies(study_effect_sizes())
    post = LB.sham_posterior(st["yi"], st["vi"], slab=st["study_id"])
    assert post.study_ids == ("hohmann2012_neck",)
    assert 0.5 < post.prob(0.0) < 1.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(mid=-1.0), "mid"),
    (dict(open_prior="wide"), "open_prior"),
    (dict(open_prior=(0.0, -1.0)), "open_prior"),
    (dict(level=1.5), "level"),
    (dict(offsets=[]), "offsets"),
    (dict(offsets=["x"]), "offsets"),
    (dict(tau_prior="wide"), "tau_prior"),
    (dict(tau_prior=bm.Uniform()), "tau_prior"),          # improper with k = 1
    (dict(yi=[np.nan]), "yi"),
    (dict(sei=[-0.3]), "sei"),
])
def test_bad_input_names_the_parameter(kwargs, match):
    args = dict(yi=[0.75], sei=[0.33])
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        LB.sham_posterior(args.pop("yi"), **args)


def test_bad_accessor_input():
    post = LB.sham_posterior([0.75], sei=[0.33])
    with pytest.raises(ValueError, match="target"):
        post.cdf(0.0, target="trial")
    with pytest.raises(ValueError, match="offset"):
        post.prob(0.0, offset="nope")
    with pytest.raises(ValueError, match="q must"):
        post.quantile(1.0)
    with pytest.raises(ValueError, match="greater_than"):
        post.prob("0")
    with pytest.raises(ValueError, match="target"):
        LA.sham_sensitivity([0.75], sei=[0.33], target="x")
    with pytest.raises(ValueError, match="tau_priors"):
        LA.sham_sensitivity([0.75], sei=[0.33], tau_priors=[])
    with pytest.raises(ValueError, match="tau_prior must be a TauPrior.*'jeffreys'"):
        LA.sham_sensitivity([0.75], sei=[0.33], tau_priors=["gamma"])
    with pytest.raises(ValueError, match="n_per_arm"):
        post.assurance([1])
    with pytest.raises(ValueError, match="assurance"):
        post.n_for_assurance(1.0)


def test_sentences_take_their_numbers_from_the_result():
    post = LB.sham_posterior([0.75], sei=[0.33])
    text = N.sham_posterior_sentences(post)
    frame = post.to_frame()
    r = frame[frame["target"] == "new_trial"]
    assert f"{r['prob_beats_sham'].min():.0%}" in text
    assert f"{r['prob_beats_sham'].max():.0%}" in text
    assert "k = 1" in text and "inference" in text
    cmp = LB.compare_sham_answers([0.75], sei=[0.33])
    why = N.sham_comparison_sentences(cmp)
    ratio = cmp.loc[cmp["answer"] == "bayes_new_trial", "width_ratio"]
    assert f"{ratio.min():.1f}" in why and "equals" in why
    tab = LA.sham_sensitivity([0.75], sei=[0.33])
    sens = N.sham_sensitivity_sentence(tab)
    assert f"{tab['prob_beats_sham'].min():.0%}" in sens


@pytest.mark.parametrize("entry", ["sham_sensitivity", "sham_answer", "compare_sham_answers"])
@pytest.mark.parametrize("kwargs, match", [
    (dict(sei=[-0.33]), r"sei must be > 0; got \[-0.33\] at positions \[0\]"),
    (dict(vi=[0.0]), r"vi must be > 0; got \[0.0\] at positions \[0\]"),
])
def test_sham_entry_points_refuse_nonpositive_variances(entry, kwargs, match):
    # a negative standard error used to be squared silently into a valid variance
    fn = getattr(LA, entry, None) or getattr(LB, entry)
    extra = dict(n_per_arm=[100]) if entry == "sham_answer" else {}
    with pytest.raises(ValueError, match=match):
        fn([0.75], **kwargs, **extra)
