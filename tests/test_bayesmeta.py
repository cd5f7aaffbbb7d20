"""matstats.meta.bayesmeta against R bayesmeta 3.4, closed-form limits, and bad input.

Reference values: ``tests/data/bayesmeta_reference.json``, written by
``validation/bayesmeta/run_bayesmeta.R`` (see ``validation/bayesmeta/README.md``). R computes
tau's posterior by adaptive quadrature (rel.tol 1.5e-11): those quantities, the marginal
likelihood and BF(tau = 0) are compared at ``TOL_TAU``. R's posterior of mu/theta/theta_i is
a discrete mixture (DIRECT, delta = 1e-5) good to ~1e-5: compared at ``TOL_MIX`` (``TOL_JUMP``
for the uniform prior, whose jump DIRECT does not resolve). matstats itself is checked against
closed forms and plain adaptive quadrature at 1e-9 to 1e-12 below. A difference is accepted
when ``|py - r| <= tol * max(1, |r|)``.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

import matstats.meta.bayesmeta as bm
from matstats import literature

REF_PATH = Path(__file__).parent / "data" / "bayesmeta_reference.json"
TOL_TAU = 1e-9     # tau marginal: summaries, quantiles, CDF, density; marginal likelihood
TOL_MODE = 1e-7    # modes (R optimize at tol 1e-12, Brent's limit ~ sqrt(machine eps))
TOL_MIX = 3e-5     # anything involving the mixture over tau in R (mu, theta, shrinkage)
# R's DIRECT grid has no bin edge at the jump of the uniform(0, 2) prior, so its mixture is
# off by up to ~5e-4 there; test_uniform_prior_against_direct_integration checks matstats
# against plain quadrature for that case instead
TOL_JUMP = 1e-3

EXPECTED_CASES = {
    "bcg/half_normal/flat", "bcg/half_cauchy/normal",
    "crins/half_normal/normal", "crins/turner/normal", "crins/jeffreys/flat",
    "crins/uniform/normal",
    "k1/half_normal/normal", "k1/exponential/normal", "k1/half_t/normal", "k1/lomax/normal",
    "k2/half_normal/normal", "k2/half_t/flat", "k2/uniform/normal", "k2/turner/normal",
    "k2/overall_jeffreys/normal", "k2/exponential/flat",
    "k4smd/half_normal/flat", "k4smd/jeffreys/flat", "k4smd/lomax/flat", "k4smd/half_t/normal",
}


def _load_reference() -> dict:
    # no skip: the suite must fail when the reference file is missing
    assert REF_PATH.exists(), f"{REF_PATH} is missing; see validation/bayesmeta/README.md"
    with REF_PATH.open() as fh:
        return json.load(fh)


REF = _load_reference()
CASES = {c["id"]: c for c in REF["cases"]}


def _prior(spec: dict) -> literature.TauPrior:
    fam = spec["family"]
    if fam == "half_normal":
        return bm.HalfNormal(spec["scale"])
    if fam == "half_cauchy":
        return bm.HalfCauchy(spec["scale"])
    if fam == "half_student_t":
        return bm.HalfStudentT(spec["scale"], spec["df"])
    if fam == "exponential":
        return bm.Exponential(spec["scale"])
    if fam == "lomax":
        return bm.Lomax(spec["shape"], spec["scale"])
    if fam == "uniform":
        return bm.Uniform(spec["upper"])
    if fam == "jeffreys":
        return bm.Jeffreys()
    if fam == "overall_jeffreys":
        return bm.Jeffreys(overall=True)
    if fam == "turner":
        return literature.turner_prior("pain", "non-pharmacological vs placebo/control")
    if fam == "rhodes":
        return literature.rhodes_prior(
            "general physical health, adverse event, pain, quality of life / functioning",
            "non-pharmacological (any)")
    raise AssertionError(f"unknown prior family in the reference: {fam}")


def _fit(case: dict) -> bm.BayesMetaFit:
    d = REF["datasets"][case["dataset"]]
    mp = case["mu_prior"]
    return bm.bayes_meta(d["yi"], sei=d["sei"], tau_prior=_prior(case["prior"]),
                         mu_prior=None if mp is None else (mp["mean"], mp["sd"]))


def _close(py, r, tol, what):
    py, r = np.asarray(py, dtype=float), np.asarray(r, dtype=float)
    assert py.shape == r.shape, what
    err = np.abs(py - r) / np.maximum(1.0, np.abs(r))
    assert np.all(err <= tol), f"{what}: max scaled difference {err.max():.3g} > {tol:g}"


@pytest.fixture(scope="module")
def fits():
    return {cid: _fit(c) for cid, c in CASES.items()}


# ----------------------------------------------------------------------- the reference file
def test_reference_grid_is_complete():
    assert set(CASES) == EXPECTED_CASES
    assert len(REF["cases"]) == len(EXPECTED_CASES)
    ks = {len(d["yi"]) for d in REF["datasets"].values()}
    assert {1, 2} <= ks and len(REF["datasets"]) >= 5
    used = {c["dataset"] for c in REF["cases"]}
    assert used == set(REF["datasets"])
    assert len({c["prior"]["family"] for c in REF["cases"]}) >= 4
    assert any(c["mu_prior"] is None for c in REF["cases"])
    assert sum(c.get("marginal_likelihood") is not None for c in REF["cases"]) >= 5


def test_reference_versions_and_settings_are_pinned():
    assert REF["versions"] == {"R": "4.2.2", "bayesmeta": "3.4", "metafor": "3.8.1",
                               "forestplot": "3.1.6", "jsonlite": "1.8.4"}
    assert REF["settings"]["delta"] == pytest.approx(1e-5)
    assert REF["settings"]["level"] == pytest.approx(0.95)


def test_empirical_prior_parameters_match_bayesmeta():
    for c in REF["cases"]:
        spec, prior = c["prior"], _prior(c["prior"])
        if spec["family"] == "turner":
            assert (prior.meanlog, prior.sdlog) == pytest.approx((spec["meanlog"], spec["sdlog"]))
        if spec["family"] == "rhodes":
            assert (prior.location, prior.scale, prior.df) == pytest.approx(
                (spec["location"], spec["scale"], spec["df"]))


# ----------------------------------------------------------------------- agreement with R
def _tol_mix(case):
    return TOL_JUMP if case["prior"]["family"] == "uniform" else TOL_MIX


def _theta_sd(case):
    # R's sd of theta sums over its DIRECT support, which stops at the 1 - 1e-12 quantile of
    # tau and so misses part of E[tau^2] when tau has a polynomial tail (up to 1e-4 here);
    # var(theta) = var(mu) + E[tau^2] gives it from R's tau moments (adaptive quadrature)
    s = {p: case[p]["summary"] for p in ("tau", "mu")}
    return math.sqrt(s["mu"]["sd"] ** 2 + s["tau"]["sd"] ** 2 + s["tau"]["mean"] ** 2)


@pytest.mark.parametrize("cid", sorted(EXPECTED_CASES))
def test_summary_matches_r(cid, fits):
    case, fit = CASES[cid], fits[cid]
    summ = fit.to_frame().set_index("param")
    for param in bm.PARAMS:
        ref = dict(case[param]["summary"])
        if param == "theta":
            ref["sd"] = _theta_sd(case)
        tol = TOL_TAU if param == "tau" else _tol_mix(case)
        for col in ("median", "mean", "sd", "ci_low", "ci_high", "hpd_low", "hpd_high"):
            _close(summ.loc[param, col], ref[col], tol, f"{cid} {param} {col}")
        _close(summ.loc[param, "mode"], ref["mode"], max(tol, TOL_MODE), f"{cid} {param} mode")


@pytest.mark.parametrize("cid", sorted(EXPECTED_CASES))
def test_distribution_functions_match_r(cid, fits):
    case, fit = CASES[cid], fits[cid]
    for param in bm.PARAMS:
        ref = case[param]
        tol = TOL_TAU if param == "tau" else _tol_mix(case)
        _close(fit.quantile(param, ref["probs"]), ref["quantiles"], tol, f"{cid} {param} q")
        _close(fit.cdf(param, ref["x"]), ref["cdf"], tol, f"{cid} {param} cdf")
        _close(fit.pdf(param, ref["x"]), ref["pdf"], tol, f"{cid} {param} pdf")
    _close(fit.prob("mu", greater_than=0), case["prob_mu_gt_0"], _tol_mix(case),
           f"{cid} P(mu>0)")
    _close(fit.prob("theta", greater_than=0), case["prob_theta_gt_0"], _tol_mix(case),
           f"{cid} P(theta>0)")
    _close(fit.prob("tau", greater_than=0.3), case["prob_tau_gt_0.3"], TOL_TAU,
           f"{cid} P(tau>0.3)")


@pytest.mark.parametrize("cid", sorted(EXPECTED_CASES))
def test_evidence_matches_r(cid, fits):
    case, fit = CASES[cid], fits[cid]
    if case.get("marginal_likelihood") is None:
        with pytest.raises(ValueError, match="proper"):
            fit.marginal_likelihood
        with pytest.raises(ValueError, match="proper"):
            fit.bayes_factor
        return
    _close(fit.marginal_likelihood, case["marginal_likelihood"], TOL_TAU, f"{cid} ML")
    bf = fit.bayes_factor
    _close(bf["tau_0"], case["bayes_factor"]["tau_0"], TOL_TAU, f"{cid} BF tau=0")
    _close(bf["mu_0"], case["bayes_factor"]["mu_0"], _tol_mix(case), f"{cid} BF mu=0")


@pytest.mark.parametrize("cid", sorted(EXPECTED_CASES))
def test_shrinkage_matches_r(cid, fits):
    case, fit = CASES[cid], fits[cid]
    sh = fit.shrinkage()
    assert list(sh.columns) == ["study", "yi", "sei", "mean", "sd", "median", "ci_low",
                                "ci_high", "level"]
    for col in ("mean", "sd", "median", "ci_low", "ci_high"):
        _close(sh[col].to_numpy(), case["shrinkage"][col], _tol_mix(case),
               f"{cid} shrinkage {col}")


# ----------------------------------------------------------------------- closed-form limits
Y = np.array([0.61, 0.12, 0.35, 0.95, -0.2])
SE = np.array([0.28, 0.19, 0.33, 0.41, 0.5])


def _normal_summary(mean, sd, level=0.95):
    z = stats.norm.ppf(0.5 + level / 2)
    return dict(mode=mean, median=mean, mean=mean, sd=sd, ci_low=mean - z * sd,
                ci_high=mean + z * sd, hpd_low=mean - z * sd, hpd_high=mean + z * sd)


@pytest.mark.parametrize("tau", [0.0, 0.3])
@pytest.mark.parametrize("mu_prior", [None, (0.2, 0.5)])
def test_known_tau_gives_conjugate_normal_posterior(tau, mu_prior):
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=bm.KnownTau(tau), mu_prior=mu_prior)
    w = 1.0 / (SE**2 + tau**2)
    prec, wsum = w.sum(), (w * Y).sum()
    if mu_prior is not None:
        prec += 1.0 / mu_prior[1] ** 2
        wsum += mu_prior[0] / mu_prior[1] ** 2
    mean, sd = wsum / prec, math.sqrt(1.0 / prec)
    summ = fit.to_frame().set_index("param")
    for col, val in _normal_summary(mean, sd).items():
        assert summ.loc["mu", col] == pytest.approx(val, abs=1e-12), col
    sd_pred = math.sqrt(sd**2 + tau**2)
    for col, val in _normal_summary(mean, sd_pred).items():
        assert summ.loc["theta", col] == pytest.approx(val, abs=1e-12), col
    assert summ.loc["tau"].drop("level").tolist() == [tau] * 3 + [0.0] + [tau] * 4
    assert fit.prob("mu", greater_than=0.1) == pytest.approx(stats.norm.sf(0.1, mean, sd),
                                                             abs=1e-15)
    # shrinkage: theta_i | y is normal with the textbook mean and variance
    b = SE**2 / (SE**2 + tau**2)
    sh = fit.shrinkage()
    np.testing.assert_allclose(sh["mean"], (1 - b) * Y + b * mean, atol=1e-13)
    var = SE**2 * tau**2 / (SE**2 + tau**2) + b**2 * sd**2
    np.testing.assert_allclose(sh["sd"], np.sqrt(var), atol=1e-13)
    np.testing.assert_allclose(sh["ci_high"], sh["mean"] + 1.959963984540054 * sh["sd"],
                               atol=1e-11)
    if mu_prior is not None:
        # marginal likelihood: y ~ N(m0 1, diag(se^2 + tau^2) + sd0^2 1 1')
        cov = np.diag(SE**2 + tau**2) + mu_prior[1] ** 2
        ml = stats.multivariate_normal(np.full(Y.size, mu_prior[0]), cov).pdf(Y)
        assert fit.marginal_likelihood == pytest.approx(ml, rel=1e-12)


def test_tau_prior_concentrated_at_zero_approaches_fixed_effect():
    fe = bm.bayes_meta(Y, sei=SE, tau_prior=bm.KnownTau(0.0)).to_frame().set_index("param")
    tight = bm.bayes_meta(Y, sei=SE, tau_prior=bm.HalfNormal(1e-7)).to_frame().set_index("param")
    for col in ("median", "mean", "sd", "ci_low", "ci_high", "hpd_low", "hpd_high"):
        assert tight.loc["mu", col] == pytest.approx(fe.loc["mu", col], abs=1e-9), col


def test_marginal_likelihood_against_direct_integration():
    prior = bm.HalfCauchy(0.3)
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=prior, mu_prior=(0.0, 1.0))

    def integrand(t):
        cov = np.diag(SE**2 + t**2) + 1.0
        return (stats.multivariate_normal(np.zeros(Y.size), cov).pdf(Y)
                * 2 / (math.pi * 0.3 * (1 + (t / 0.3) ** 2)))

    ml, _ = integrate.quad(integrand, 0, np.inf, epsabs=0, epsrel=1e-12, limit=200)
    assert fit.marginal_likelihood == pytest.approx(ml, rel=1e-9)
    # Bayes factor for mu = 0 by direct integration of p(y | mu = 0, tau) p(tau)
    l0, _ = integrate.quad(
        lambda t: stats.multivariate_normal(np.zeros(Y.size), np.diag(SE**2 + t**2)).pdf(Y)
        * 2 / (math.pi * 0.3 * (1 + (t / 0.3) ** 2)), 0, np.inf, epsabs=0, epsrel=1e-12,
        limit=200)
    assert fit.bayes_factor["mu_0"] == pytest.approx(l0 / ml, rel=1e-8)


def test_rhodes_prior_against_direct_integration():
    # R bayesmeta's integrate() stops on log-t priors, so this prior is checked here against
    # plain adaptive quadrature over log(tau) (the log-t tails are heavy at both ends)
    prior = literature.rhodes_prior()
    fit = bm.bayes_meta(Y[:3], sei=SE[:3], tau_prior=prior, mu_prior=(0.0, 1.0))
    model = fit._model

    def dens_u(u):
        t = math.exp(u)
        return math.exp(float(model.log_kernel(np.array([t]))[0]) + u)

    pts = [-10, -5, -2, 0, 2, 5]
    quad = dict(epsabs=0, epsrel=1e-13, limit=2000, points=pts)
    z = integrate.quad(dens_u, -300, 300, **quad)[0]
    assert fit.marginal_likelihood == pytest.approx(z, rel=1e-9)
    for x in (0.05, 0.3, 1.0):
        cdf = integrate.quad(dens_u, -300, math.log(x), epsabs=0, epsrel=1e-13, limit=2000,
                             points=[p for p in pts if p < math.log(x)])[0] / z
        assert fit.cdf("tau", x) == pytest.approx(cdf, abs=1e-10)

    def mu_cdf_integrand(u, x):
        t = math.exp(u)
        _, m, v = model.loglik(np.array([t]))
        return dens_u(u) * stats.norm.cdf(x, m[0], math.sqrt(v[0]))

    for x in (0.0, 0.3):
        val = integrate.quad(mu_cdf_integrand, -300, 300, args=(x,), **quad)[0] / z
        assert fit.cdf("mu", x) == pytest.approx(val, abs=1e-10)


def test_uniform_prior_against_direct_integration():
    d = REF["datasets"]["crins"]
    fit = bm.bayes_meta(d["yi"], sei=d["sei"], tau_prior=bm.Uniform(2.0), mu_prior=(0.0, 4.0))
    model = fit._model
    kw = dict(epsabs=0, epsrel=1e-13, limit=500)

    def dens(t):
        return math.exp(float(model.log_kernel(np.array([t]))[0]) - fit._rule.log_z)

    def cond(t):
        _, m, v = model.loglik(np.array([t]))
        return m[0], v[0]

    assert integrate.quad(dens, 0, 2, **kw)[0] == pytest.approx(1.0, abs=1e-12)
    mean = integrate.quad(lambda t: dens(t) * cond(t)[0], 0, 2, **kw)[0]
    second = integrate.quad(lambda t: dens(t) * (cond(t)[0] ** 2 + cond(t)[1]), 0, 2, **kw)[0]
    summ = fit.to_frame().set_index("param")
    assert summ.loc["mu", "mean"] == pytest.approx(mean, abs=1e-11)
    assert summ.loc["mu", "sd"] == pytest.approx(math.sqrt(second - mean**2), abs=1e-11)
    q = summ.loc["mu", "ci_low"]
    mass = integrate.quad(lambda t: dens(t) * stats.norm.cdf(q, *cond(t)[:1],
                                                             math.sqrt(cond(t)[1])), 0, 2, **kw)
    assert mass[0] == pytest.approx(0.025, abs=1e-11)


def test_distribution_functions_are_consistent():
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=literature.rhodes_prior(), mu_prior=None)
    for param in bm.PARAMS:
        q = fit.quantile(param, [0.05, 0.5, 0.95])
        np.testing.assert_allclose(fit.cdf(param, q), [0.05, 0.5, 0.95], atol=1e-12)
        lo, hi = fit.quantile(param, [0.2, 0.7])
        mass, _ = integrate.quad(lambda x: fit.pdf(param, x), lo, hi, epsabs=1e-13)
        assert mass == pytest.approx(0.5, abs=1e-9)
    # shortest interval: equal density at both ends and the stated mass
    s = fit.to_frame().set_index("param")
    for param in ("mu", "theta"):
        a, b = s.loc[param, "hpd_low"], s.loc[param, "hpd_high"]
        assert fit.pdf(param, a) == pytest.approx(fit.pdf(param, b), rel=1e-8)
        assert fit.cdf(param, b) - fit.cdf(param, a) == pytest.approx(0.95, abs=1e-12)
        assert b - a <= s.loc[param, "ci_high"] - s.loc[param, "ci_low"]
    assert fit.prob("mu", greater_than=0.1, less_than=0.5) == pytest.approx(
        fit.cdf("mu", 0.5) - fit.cdf("mu", 0.1), abs=1e-14)
    assert isinstance(fit.cdf("mu", 0.0), float)
    assert fit.quantile("mu", [0.0, 1.0]).tolist() == [-np.inf, np.inf]


def test_joint_density_integrates_to_marginals():
    fit = bm.bayes_meta(Y, sei=SE, tau_prior=bm.HalfNormal(0.5), mu_prior=(0, 4))
    for t in (0.05, 0.4):
        val, _ = integrate.quad(lambda m: float(fit.joint_pdf(t, m)), -10, 10, epsabs=1e-13)
        assert val == pytest.approx(fit.pdf("tau", t), rel=1e-9)


# ----------------------------------------------------------------------- API and bad input
def test_k1_works_with_a_proper_prior_and_data_frame_input():
    df = pd.DataFrame({"g": [0.42], "v": [0.21**2], "name": ["solo"]})
    fit = bm.bayes_meta("g", "v", data=df, slab="name", tau_prior=bm.HalfNormal(0.5))
    summ = fit.to_frame()
    assert list(summ.columns) == bm.SUMMARY_COLUMNS
    assert list(summ["param"]) == ["tau", "mu", "theta"]
    assert np.isfinite(summ.drop(columns="param").to_numpy(float)).all()
    # flat mu prior, k = 1: tau's posterior is its prior
    assert fit.cdf("tau", 0.5) == pytest.approx(stats.halfnorm.cdf(0.5, scale=0.5), abs=1e-12)
    assert fit.shrinkage()["study"].tolist() == ["solo"]


@pytest.mark.parametrize("kwargs, match", [
    (dict(tau_prior=bm.Uniform()), "improper"),
    (dict(tau_prior="uniform", mu_prior=(0, 1), yi=[0.1], sei=[0.2]), "improper"),
    (dict(tau_prior=bm.Jeffreys(), yi=[0.1], sei=[0.2]), "improper"),
    (dict(tau_prior="gamma"), r"tau_prior must be .* names \['uniform', 'jeffreys'.*got 'gamma'"),
    (dict(tau_prior=0.5), "tau_prior must be a TauPrior"),
    (dict(tau_prior=bm.HalfNormal(0.5), mu_prior=(0, -1)), "mu_prior"),
    (dict(tau_prior=bm.HalfNormal(0.5), mu_prior=5), "mu_prior"),
    (dict(tau_prior=bm.HalfNormal(0.5), level=95), "level"),
    (dict(tau_prior=bm.HalfNormal(0.5), yi=[0.1, np.nan], sei=[0.2, 0.2]),
     r"yi must be finite; got \[nan\] at positions \[1\]"),
    (dict(tau_prior=bm.HalfNormal(0.5), yi=[0.1, 0.2], sei=[0.2, 0.0]), "sei must be > 0"),
    (dict(tau_prior=bm.HalfNormal(0.5), yi=[0.1, 0.2], sei=[0.2]), "different lengths"),
    (dict(tau_prior=bm.HalfNormal(0.5), yi=[], sei=[]), "empty"),
])
def test_bad_input_raises(kwargs, match):
    args = dict(yi=[0.1, 0.5], sei=[0.2, 0.3])
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        bm.bayes_meta(**args)


def test_vi_and_sei_are_exclusive():
    with pytest.raises(ValueError, match="exactly one of vi"):
        bm.bayes_meta([0.1], [0.04], sei=[0.2], tau_prior=bm.HalfNormal(0.5))
    with pytest.raises(ValueError, match="exactly one of vi"):
        bm.bayes_meta([0.1], tau_prior=bm.HalfNormal(0.5))


@pytest.mark.parametrize("make, match", [
    (lambda: bm.HalfNormal(-1), "HalfNormal scale must be > 0, got -1"),
    (lambda: bm.HalfCauchy(float("nan")), "HalfCauchy scale"),
    (lambda: bm.HalfStudentT(0.5, 0), "HalfStudentT df"),
    (lambda: bm.Lomax(shape=-2, scale=1), "Lomax shape"),
    (lambda: bm.Exponential("a"), "Exponential scale"),
    (lambda: bm.Uniform(0), "Uniform upper"),
    (lambda: bm.LogNormal(float("inf"), 1), "LogNormal meanlog"),
    (lambda: bm.KnownTau(-0.1), "KnownTau value"),
    (lambda: bm.Jeffreys(overall="yes"), "Jeffreys overall"),
    (lambda: literature.turner_prior("pain", "drug vs drug"), "comparison must be one of"),
    (lambda: literature.rhodes_prior("pain", "non-pharmacological (any)"), "outcome must be one of"),
])
def test_invalid_priors_raise(make, match):
    with pytest.raises(ValueError, match=match.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_accessor_validation_and_frozen_result():
    fit = bm.bayes_meta([0.1, 0.5], sei=[0.2, 0.3], tau_prior=bm.HalfNormal(0.5))
    with pytest.raises(ValueError, match="param must be one of"):
        fit.pdf("sigma", 0.1)
    with pytest.raises(ValueError, match="q must lie in"):
        fit.quantile("mu", 1.5)
    with pytest.raises(ValueError, match="greater_than and/or less_than"):
        fit.prob("mu")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.level = 0.9
    with pytest.raises(ValueError):
        fit.yi[0] = 1.0
    known = bm.bayes_meta([0.1, 0.5], sei=[0.2, 0.3], tau_prior=bm.KnownTau(0.1))
    with pytest.raises(ValueError, match="point-mass"):
        known.pdf("tau", 0.1)
    assert known.cdf("tau", [0.05, 0.1]).tolist() == [0.0, 1.0]


def test_heavy_tails_report_missing_moments():
    # uniform(0, inf) prior, flat mu, k = 3: proper posterior, but E[tau] = inf
    with pytest.warns(RuntimeWarning, match="do not exist"):
        fit = bm.bayes_meta([0.1, 0.5, 0.9], sei=[0.2, 0.3, 0.25], tau_prior="uniform")
    s = fit.to_frame().set_index("param")
    assert s.loc["tau", "mean"] == np.inf and s.loc["tau", "sd"] == np.inf
    assert np.isnan(s.loc["theta", "mean"]) and s.loc["theta", "sd"] == np.inf
    assert np.isfinite(s.loc["tau", ["median", "ci_low", "ci_high", "hpd_low"]].astype(float)).all()


def test_prior_tables_have_sources():
    t, r = literature.turner_table(), literature.rhodes_table()
    assert len(t) == 16 * 5 + 1 and len(r) == 3 * 8 * 3 + 1
    assert t["source"].str.contains("Turner et al. 2015").all()
    assert r["source"].str.contains("Rhodes et al. 2015").all()
    p = literature.turner_prior()
    assert (p.meanlog, p.sdlog) == (-1.28, 0.87) and "Turner" in p.source
    p = literature.rhodes_prior()
    assert (p.location, p.scale, p.df) == (-1.72, 1.295, 5.0) and "Rhodes" in p.source


def test_docstring_examples():
    result = doctest.testmod(bm, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
