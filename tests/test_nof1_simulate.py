"""Tests for matstats.nof1.simulate: AR(1) moments against closed forms, the mean
profile against the model formula (methods notes section A3), missingness rates,
reproducibility and parameter checks. Monte Carlo tolerances are stated per test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from matstats import nof1

N = 4000


@pytest.fixture(scope="module")
def sched():
    return nof1.schedule(6, period_days=7, washout_days=1, rng=1)


def test_shape_and_same_seed_same_numbers(sched):
    a = nof1.simulate(sched, 50, effect=-1.0, missing=0.2, rng=123)
    b = nof1.simulate(sched, 50, effect=-1.0, missing=0.2, rng=np.random.default_rng(123))
    assert a.shape == (50, len(sched))
    np.testing.assert_array_equal(a, b)  # NaN positions included
    c = nof1.simulate(sched, 50, effect=-1.0, missing=0.2, rng=124)
    assert not np.array_equal(a, c, equal_nan=True)


def test_first_block_does_not_depend_on_trial_count(sched):
    # Different block sizes give different streams but the same distribution;
    # a block size that divides the trial count keeps the first block identical.
    a = nof1.simulate(sched, 20, effect=0.0, rng=5, chunk_size=10)
    b = nof1.simulate(sched, 10, effect=0.0, rng=5, chunk_size=10)
    np.testing.assert_array_equal(a[:10], b)


@pytest.mark.parametrize("rho", [0.0, 0.4, 0.7])
def test_ar1_marginal_sd_and_autocorrelation(sched, rho):
    sd = 1.2
    y = nof1.simulate(sched, N, effect=0.0, sd=sd, rho=rho, rng=7)
    e = y - 5.5
    # stationarity: the variance is sd^2 on the first and on the last day.
    # SE of a sample variance of normals: sd^2 sqrt(2 / (N - 1)); tolerance 4 SE.
    tol = 4 * sd**2 * math.sqrt(2 / (N - 1))
    for day in (0, 41, e.shape[1] - 1):
        assert e[:, day].var(ddof=1) == pytest.approx(sd**2, abs=tol)
    # lag-k correlation of an AR(1) is rho^k. SE of a correlation ~ (1 - r^2) / sqrt(N); 4 SE.
    for day, k in ((0, 1), (30, 1), (30, 3)):
        r = np.corrcoef(e[:, day], e[:, day + k])[0, 1]
        assert r == pytest.approx(rho**k, abs=4 * (1 - rho ** (2 * k)) / math.sqrt(N) + 1e-3)


def test_mean_profile_matches_model_formula(sched):
    # methods notes A3: Y_t = mean + trend t + effect X_t + expectation X_t 2^(-c/h) + carry_t
    mean, trend, effect, expct, h = 5.0, 0.01, -1.0, -0.5, 4.0
    mu = nof1.mean_profile(sched, effect=effect, trend=trend, expectation=expct,
                           expectation_half_life=h, carryover=0.2, carryover_half_life=1.0,
                           mean=mean)
    mat = (sched["condition"] == "mat").to_numpy()
    t = np.arange(len(sched))
    c0 = sched["cycle"].to_numpy() - 1
    expected = mean + trend * t + effect * mat + expct * mat * 2.0 ** (-c0 / h)
    # carryover: control period right after a mat period, 0.2 * effect halving daily
    prev = sched.groupby("period")["condition"].first().shift(1)
    after_mat = (sched["period"].map(prev) == "mat").to_numpy() & ~mat
    d = sched["day_in_period"].to_numpy() - 1
    expected = expected + np.where(after_mat, 0.2 * effect * 0.5**d, 0.0)
    np.testing.assert_allclose(mu, expected, rtol=0, atol=1e-12)
    # and the simulated daily means scatter around it: SE = sd / sqrt(N), 4.5 SE
    y = nof1.simulate(sched, N, effect=effect, trend=trend, expectation=expct,
                      expectation_half_life=h, carryover=0.2, mean=mean, rng=11)
    assert np.max(np.abs(y.mean(axis=0) - mu)) < 4.5 * 1.2 / math.sqrt(N)


def test_mcar_missing_rate(sched):
    y = nof1.simulate(sched, 1000, effect=0.0, missing=0.2, rng=3)
    n = y.size
    # binomial SE sqrt(p (1 - p) / n); tolerance 4 SE
    assert np.isnan(y).mean() == pytest.approx(0.2, abs=4 * math.sqrt(0.16 / n))


def test_mnar_observed_mean_matches_integral(sched):
    # MNAR: logit P(missing) = logit(0.2) + 1.0 * (y - 5.5), rho = 0 so days are iid.
    # Independent reference: E[Y | observed] by numerical integration over Y ~ N(5.5, 1.2^2).
    y = nof1.simulate(sched, 2000, effect=0.0, rho=0.0, missing=0.2, mnar=1.0, rng=9)
    a = math.log(0.2 / 0.8)

    def p_obs(v):
        return 1 - 1 / (1 + math.exp(-(a + (v - 5.5))))

    dens = stats.norm(5.5, 1.2).pdf
    num = integrate.quad(lambda v: v * p_obs(v) * dens(v), -10, 20)[0]
    den = integrate.quad(lambda v: p_obs(v) * dens(v), -10, 20)[0]
    obs = y[~np.isnan(y)]
    # SE of a mean of ~ 2000 * 84 * den draws: sd / sqrt(n); 5 SE
    assert obs.mean() == pytest.approx(num / den, abs=5 * 1.2 / math.sqrt(obs.size))
    assert np.isnan(y).mean() == pytest.approx(1 - den, abs=0.01)


def test_rating_scale_rounds_and_clips(sched):
    y = nof1.simulate(sched, 200, effect=-1.0, sd=3.0, rating_scale=True, rng=2)
    assert np.all(y == np.round(y))
    assert y.min() == 0.0 and y.max() == 10.0  # with sd 3 both ends are reached


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rho": 1.0},
        {"rho": -1.5},
        {"sd": 0.0},
        {"missing": 1.0},
        {"missing": -0.1},
        {"carryover": 1.5},
        {"effect": float("nan")},
        {"effect": "big"},
        {"expectation_half_life": 0.0},
        {"carryover_half_life": -1.0},
        {"n_trials": 0},
        {"n_trials": 2.5},
        {"chunk_size": 0},
    ],
)
def test_bad_parameters_raise_value_error(sched, kwargs):
    args = {"n_trials": 5, "effect": -1.0}
    args.update(kwargs)
    n = args.pop("n_trials")
    with pytest.raises(ValueError):
        nof1.simulate(sched, n, **args)


def test_bad_schedule_raises_value_error(sched):
    with pytest.raises(ValueError):
        nof1.simulate(sched.to_numpy(), 5, effect=0.0)
    bad = sched.copy()
    bad.loc[3, "condition"] = "sham"
    with pytest.raises(ValueError):
        nof1.simulate(bad, 5, effect=0.0)
    with pytest.raises(ValueError):
        nof1.simulate(sched.drop(columns="washout"), 5, effect=0.0)
