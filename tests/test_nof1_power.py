"""Tests for matstats.nof1 power: the closed form against the planning table computed
independently by the project's methods researcher (values copied below as the reference), simulated power
against the noncentral t, and parameter checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import nof1
from matstats.nof1.calibration import rejections

# The methods researcher's planning table: cycles needed for 80% power (two-sided alpha 0.05, sd 1.2),
# AR(1) noise, exact variance of the mean cycle difference, noncentral t with n - 1 df.
# The table reproduces with a fixed mat-first order in every cycle ("abab").
A5 = {
    (7, 0): [[15, 6, 4, 4], [22, 8, 5, 4], [27, 9, 5, 4], [27, 9, 6, 4]],
    (7, 2): [[21, 7, 5, 4], [31, 10, 6, 5], [39, 12, 7, 5], [41, 12, 7, 5]],
    (14, 3): [[11, 5, 4, 3], [17, 6, 4, 4], [24, 8, 5, 4], [34, 10, 6, 5]],
}


@pytest.mark.parametrize("period_days,washout_days", list(A5))
def test_cycles_needed_reproduces_methods_notes_table(period_days, washout_days):
    for rho, row in zip((0.0, 0.3, 0.5, 0.7), A5[(period_days, washout_days)]):
        got = [nof1.cycles_needed_closed_form(d, period_days=period_days,
                                              washout_days=washout_days, sd=1.2, rho=rho,
                                              design="abab")
               for d in (0.5, 1.0, 1.5, 2.0)]
        assert got == row, (rho, got, row)


def test_single_cycle_difference_sd_matches_methods_notes():
    # methods notes A5: SD of one cycle difference, m = 7, no washout: 0.64, 0.81, 0.94, 1.05
    s = nof1.schedule(1, period_days=7, washout_days=0, design="abab")
    for rho, sd_d in ((0.0, 0.64), (0.3, 0.81), (0.5, 0.94), (0.7, 1.05)):
        v = nof1.cycle_difference_variance(s, sd=1.2, rho=rho)
        assert math.sqrt(v) == pytest.approx(sd_d, abs=0.005)


def test_cycle_difference_variance_closed_form_rho0():
    # iid days: Var(D) = 2 sd^2 / (m - w) per cycle, divided by n for the mean
    s = nof1.schedule(5, period_days=7, washout_days=2, rng=0)
    assert nof1.cycle_difference_variance(s, sd=1.2, rho=0.0) == pytest.approx(
        2 * 1.44 / 5 / 5, rel=1e-12)


def test_closed_form_rho0_is_the_noncentral_t():
    # rho = 0: cycle differences are iid N(delta, 2 sd^2 / 6), so the paired t has an
    # exact noncentral t distribution (order irrelevant)
    n, delta = 6, 1.0
    ncp = delta / math.sqrt(2 * 1.44 / 6 / n)
    tc = stats.t.ppf(0.975, n - 1)
    exact = stats.nct.sf(tc, n - 1, ncp) + stats.nct.cdf(-tc, n - 1, ncp)
    for design in ("abab", "paired_random"):
        assert nof1.power_closed_form(-delta, cycles=n, rho=0.0, design=design) == \
            pytest.approx(exact, abs=1e-10)


def test_simulated_power_matches_closed_form():
    # rho = 0: the closed form is exact; Monte Carlo SE sqrt(p (1 - p) / 4000), 3.5 SE.
    n_sims = 4000
    cf = nof1.power_closed_form(-1.0, cycles=5, rho=0.0, design="abab")
    sim = nof1.power(-1.0, cycles=5, rho=0.0, design="abab", n_sims=n_sims, rng=3)
    assert sim == pytest.approx(cf, abs=3.5 * math.sqrt(cf * (1 - cf) / n_sims))
    # rho = 0.4, random order: the closed form ignores the correlation between cycles in
    # the t statistic's denominator, so allow 0.02 on top of 3.5 SE (8000-trial runs
    # differ from it by < 0.01).
    cf = nof1.power_closed_form(-1.0, cycles=6, rho=0.4)
    sim = nof1.power(-1.0, cycles=6, rho=0.4, n_sims=n_sims, rng=4)
    assert sim == pytest.approx(cf, abs=3.5 * math.sqrt(cf * (1 - cf) / n_sims) + 0.02)


def test_power_same_seed_same_value_and_null_gives_alpha():
    a = nof1.power(-0.5, cycles=4, n_sims=500, rng=9)
    b = nof1.power(-0.5, cycles=4, n_sims=500, rng=9)
    assert a == b
    # effect 0: power is the type I error, 0.05 within 3.5 binomial SE
    p0 = nof1.power(0.0, cycles=6, rho=0.0, n_sims=4000, rng=10)
    assert p0 == pytest.approx(0.05, abs=3.5 * math.sqrt(0.05 * 0.95 / 4000))


def test_power_curve_and_cycles_needed():
    pc = nof1.power_curve([-1.0, -2.0], [3, 4, 6, 8], methods=("cycle_t", "randomization"),
                          n_sims=400, rng=5)
    curve = pc.to_frame()
    assert list(curve.columns) == ["effect", "cycles", "method", "power", "power_se", "n_sims",
                                   "power_closed_form", "calibrated", "type1_error",
                                   "type1_error_se", "min_pval", "reachable"]
    assert len(curve) == 2 * 4 * 2
    # randomization cannot reach p < 0.05 with fewer than 6 cycles (min p = 2 / 2^n)
    r = curve[(curve["method"] == "randomization") & (curve["cycles"] < 6)]
    assert (r["power"] == 0).all() and not r["reachable"].any()
    np.testing.assert_allclose(r["min_pval"], 2.0 / 2.0 ** r["cycles"])
    assert curve.loc[curve["method"] != "cycle_t", "power_closed_form"].isna().all()
    need = pc.cycles_needed
    for _, row in need.iterrows():
        g = curve[(curve["effect"] == row["effect"]) & (curve["method"] == row["method"])]
        hit = g.loc[g["power"] >= 0.8, "cycles"]
        expected = hit.min() if len(hit) else pd.NA
        assert (row["cycles_needed"] is pd.NA and expected is pd.NA) or \
            row["cycles_needed"] == expected


def test_rejections_rules():
    res = pd.DataFrame({"cycle_t_pval": [0.01, 0.2, np.nan],
                        "bayes_p_benefit": [0.99, 0.5, 0.01]})
    assert rejections(res, "cycle_t").tolist() == [True, False, False]
    assert rejections(res, "bayes").tolist() == [True, False, True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cycles": 1},
        {"alpha": 0.0},
        {"alpha": 1.5},
        {"n_sims": 0},
        {"method": "anova"},
        {"design": "crossover"},
        {"rho": 1.0},
        {"sd": -1.0},
        {"flares": 0.3},
    ],
)
def test_bad_power_parameters_raise_value_error(kwargs):
    args = {"cycles": 4, "n_sims": 10}
    args.update(kwargs)
    with pytest.raises(ValueError):
        nof1.power(-1.0, **args)


def test_bad_closed_form_parameters_raise_value_error():
    with pytest.raises(ValueError):
        nof1.power_closed_form(-1.0, cycles=1)
    with pytest.raises(ValueError):
        nof1.cycles_needed_closed_form(-1.0, target=1.0)
    with pytest.raises(ValueError):
        nof1.power_curve([-1.0], [], n_sims=10)


def test_day_t_size_approx_and_simulation_agree():
    s = nof1.schedule(6, rng=1)
    tab = nof1.day_t_size_approx(s, rho=[0.0, 0.4])
    assert tab["size_approx"].iloc[0] == pytest.approx(0.05, abs=1e-12)  # iid: nominal
    assert tab["variance_ratio"].iloc[0] == pytest.approx(1.0, rel=1e-12)
    res = nof1.simulate_and_analyze(s, 4000, effect=0.0, rho=0.4, methods=("day_t",), rng=6)
    rate = rejections(res, "day_t").mean()
    size = tab["size_approx"].iloc[1]
    # normal approximation (ignores the SD's small-sample bias): 3 SE + 0.02
    assert rate == pytest.approx(size, abs=3 * math.sqrt(size * (1 - size) / 4000) + 0.02)


def test_randomization_calibration_under_autocorrelation():
    s = nof1.schedule(6, rng=2)
    res = nof1.simulate_and_analyze(s, 4000, effect=0.0, rho=0.6, methods=("randomization",),
                                    rng=8)
    cal = nof1.randomization_calibration(res, 6, levels=4)
    assert cal["p_level"].tolist() == [1 / 32, 2 / 32, 3 / 32, 4 / 32]
    # exact test: observed share within 3.5 binomial SE of k / 32
    assert (np.abs(cal["share_at_or_below"] - cal["p_level"]) < 3.5 * cal["share_se"]).all()


def test_operating_characteristics_grid_and_reproducibility():
    a = nof1.operating_characteristics(rho=[0.0, 0.4], effect=[0.0, -1.0], n_trials=300,
                                       methods=("cycle_t", "day_t"), rng=3)
    b = nof1.operating_characteristics(rho=[0.0, 0.4], effect=[0.0, -1.0], n_trials=300,
                                       methods=("cycle_t", "day_t"), rng=3)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 2 * 2 * 2
    assert list(a.columns[:6]) == ["cycles", "effect", "rho", "sd", "expectation", "method"]
    # the mean estimate tracks the true effect: SE = sd_estimate / sqrt(300), 4 SE
    g = a[a["effect"] == -1.0]
    assert (np.abs(g["mean_estimate"] + 1.0) < 4 * g["sd_estimate"] / math.sqrt(300)).all()
    # rejection_rates on a frame with a missing p counts it as not analysed
    res = pd.DataFrame({"cycle_t_estimate": [0.1, np.nan], "cycle_t_se": [0.1, np.nan],
                        "cycle_t_pval": [0.01, np.nan]})
    r = nof1.rejection_rates(res, methods=["cycle_t"])
    assert r.loc[0, "rate"] == 0.5 and r.loc[0, "n_not_analysed"] == 1


def test_power_curve_ranks_only_calibrated_methods():
    pc = nof1.power_curve([-2.0], [2, 6], methods=("cycle_t", "bayes", "day_t"), n_sims=300,
                          rng=3)
    c = pc.curve.set_index(["cycles", "method"])
    # day_t is shown beside its type I error at the same settings (about 15% at rho 0.4)
    for n in (2, 6):
        assert not c.at[(n, "day_t"), "calibrated"]
        assert c.at[(n, "day_t"), "type1_error"] > 0.08  # 5% + > 4 binomial SE at n = 300
    assert np.isnan(c.at[(6, "cycle_t"), "type1_error"])
    # bayes with 2 cycles (1 df) is not calibrated; from 3 cycles on it is
    assert not c.at[(2, "bayes"), "calibrated"] and c.at[(6, "bayes"), "calibrated"]
    need = pc.cycles_needed.set_index("method")
    assert pd.isna(need.at["day_t", "cycles_needed"]) and pd.isna(need.at["day_t", "rank"])
    assert need.at["cycle_t", "rank"] == 1


def test_min_pval():
    assert nof1.min_pval("randomization", 6) == 2 / 64
    assert nof1.min_pval("randomization", 14) == pytest.approx(1 / 10000)
    assert nof1.min_pval("gls_ar1", 2) == 0.0
    with pytest.raises(ValueError, match="cycles must be >= 1"):
        nof1.min_pval("randomization", 0)


def test_bayes_calibration_small_run():
    # 64 orders x 100 null trials per rho. The full >= 200k run is in notebook 03. Tolerance:
    # 4 binomial SE of a 5% rate at n = 6400 is 0.011; the paired power difference has SE
    # about 0.004 at n = 3200, so |power - cycle_t power| < 0.05 holds with a wide margin.
    tab = nof1.bayes_calibration(rho=(0.0, 0.7), n_null=6400, n_effect=3200, rng=12)
    assert (tab["n_null"] == 6400).all() and (tab["n_orders"] == 64).all()
    assert (tab["direction_rate"] < 0.05 + 0.011).all()
    assert (tab["coverage_null"] > 0.95 - 0.011).all()
    assert (tab["coverage_effect"] > 0.95 - 0.016).all()
    assert (tab["power_diff"].abs() < 0.05).all()
    np.testing.assert_allclose(tab["coverage_null"], 1 - tab["direction_rate"])


def test_bayes_calibration_agrees_with_simulate_path():
    # the calibration draws the cycle differences from their exact AR(1) covariance; the
    # same rates from simulate() + analyze_many over random orders agree within MC error
    direct = nof1.bayes_calibration(rho=(0.7,), n_null=12800, n_effect=64, rng=5)
    oc = nof1.operating_characteristics(rho=0.7, effect=0.0, methods=("bayes",),
                                        n_trials=6400, n_schedules=64, rng=6)
    se = math.sqrt(0.05 * 0.95 * (1 / 12800 + 1 / 6400))
    assert abs(direct["direction_rate"].iloc[0] - oc["rate"].iloc[0]) < 4 * se
