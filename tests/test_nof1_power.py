"""Tests for matstats.nof1 power: the closed form against the planning table computed
independently by the project's methods researcher (values copied below as the reference), simulated power
against the noncentral t, the promise of the verdict power that planning advice quotes, and
parameter checks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import nof1
from matstats.nof1.calibration import rejections


@pytest.fixture
def main_cli():
    from matstats.cli import main

    return main

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
    sim = nof1.operating_characteristics(cycles=5, effect=-1.0, rho=0.0, design="abab",
                                         methods=("cycle_t",), n_trials=n_sims, rng=3)
    assert sim["rate"].iloc[0] == pytest.approx(cf, abs=3.5 * math.sqrt(cf * (1 - cf) / n_sims))
    # rho = 0.4, random order: the closed form ignores the correlation between cycles in
    # the t statistic's denominator, so allow 0.02 on top of 3.5 SE (8000-trial runs
    # differ from it by < 0.01).
    cf = nof1.power_closed_form(-1.0, cycles=6, rho=0.4)
    sim = nof1.operating_characteristics(cycles=6, effect=-1.0, rho=0.4, methods=("cycle_t",),
                                         n_trials=n_sims, rng=4)
    assert sim["rate"].iloc[0] == pytest.approx(
        cf, abs=3.5 * math.sqrt(cf * (1 - cf) / n_sims) + 0.02)


def _day_level_verdicts(cycles, n, *, effect, comparator, design, rng):
    """Verdict labels of ``n`` trials simulated day by day (:func:`nof1.simulate`, a fresh
    schedule per 50 trials), period means of the non-washout days, judged by verdict_fit as
    :func:`nof1.analyze` judges a diary."""
    from matstats.literature import NOF1_EXPECTATION_BIAS
    from matstats.nof1.verdict import verdict_fit

    gen = np.random.default_rng(rng)
    open_ = comparator == "no_mat"
    labels = []
    for start in range(0, n, 50):
        sched = nof1.schedule(cycles, design=design, rng=gen)
        y = nof1.simulate(sched, min(50, n - start), effect=effect, rng=gen,
                          expectation=-NOF1_EXPECTATION_BIAS.mean if open_ else 0.0)
        used = sched[~sched["washout"]]
        per = used.groupby("period", sort=True)
        means = np.column_stack([y[:, g.index].mean(axis=1) for _, g in per])
        times = np.array([(g["day"] - 1).mean() for _, g in per])
        mat = np.array([g["condition"].iloc[0] == "mat" for _, g in per])
        r = verdict_fit(means, times, mat, n_cycles=cycles, planned_cycles=cycles,
                        open_comparison=open_, quantiles=False)
        labels.append(r["label"])
    return np.concatenate(labels)


@pytest.mark.parametrize("effect,comparator,design", [
    (-2.0, "sham", "paired_random"), (-1.5, "no_mat", "paired_random"), (-2.0, "sham", "abab")])
def test_cycles_recommended_reach_the_promised_verdict_rate(main_cli, capsys, effect, comparator,
                                                            design):
    # `matstats nof1 power` recommends the fewest cycles whose verdict power reaches 80%;
    # re-simulated day by day at that length, the verdict finds a benefit as often as it
    # promised (4 combined Monte Carlo SEs)
    from matstats.nof1.verdict_calibration import verdict_power

    args = ["nof1", "power", "--effect", str(effect), "--cycles", "3-12", "--comparator",
            comparator, "--design", design, "--n-sims", "2000", "--seed", "11"]
    assert main_cli(args) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines()
                if ln.strip().startswith(f"effect {effect:+g}, {comparator}:"))
    need = int(line.split(":")[1].split()[0])
    grid = verdict_power(effect, range(3, 13), comparator=comparator, design=design,
                         n_trials=2000, rng=np.random.default_rng(11))
    assert need == grid.loc[grid["power"] >= 0.8, "cycles"].min()
    promised = grid.set_index("cycles").loc[need]
    n = 2000
    got = np.isin(_day_level_verdicts(need, n, effect=effect, comparator=comparator,
                                      design=design, rng=12),
                  ("benefit_likely", "small_benefit_likely")).mean()
    se = math.sqrt(promised["power_se"] ** 2 + got * (1 - got) / n)
    assert abs(got - promised["power"]) <= 4 * se, (need, got, promised["power"])


@pytest.mark.slow
def test_promised_verdict_rate_holds_for_analyze_itself():
    # the same promise through nof1.analyze, the function a person runs on a diary
    from datetime import date

    from matstats.nof1.verdict_calibration import verdict_power

    grid = verdict_power(-2.0, range(3, 9), comparator="no_mat", n_trials=2000, rng=13)
    need = int(grid.loc[grid["power"] >= 0.8, "cycles"].min())
    promised = grid.set_index("cycles").loc[need]
    gen = np.random.default_rng(14)
    n = 200
    hits = 0
    for _ in range(n):
        cal = nof1.plan_calendar(need, start_date=date(2026, 1, 5), rng=gen)
        y = nof1.simulate(cal, 1, effect=-2.0, expectation=-0.5, rng=gen)[0]
        res = nof1.analyze(cal.assign(score=y), comparator="no_mat", scale=(-50, 50))
        hits += res.verdict.label in ("benefit_likely", "small_benefit_likely")
    se = math.sqrt(promised["power_se"] ** 2 + promised["power"] * (1 - promised["power"]) / n)
    assert abs(hits / n - promised["power"]) <= 4 * se, (need, hits / n, promised["power"])


def test_rejections_rules():
    res = pd.DataFrame({"cycle_t_pval": [0.01, 0.2, np.nan],
                        "bayes_p_benefit": [0.99, 0.5, 0.01]})
    assert rejections(res, "cycle_t").tolist() == [True, False, False]
    assert rejections(res, "bayes").tolist() == [True, False, True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cycles": 1},
        {"n_trials": 0},
        {"comparator": "placebo"},
        {"design": "crossover"},
        {"rho": 1.0},
        {"sd": -1.0},
        {"effect": "a"},
    ],
)
def test_bad_verdict_power_parameters_raise_value_error(kwargs):
    from matstats.nof1.verdict_calibration import verdict_power

    args = {"effect": -1.0, "cycles": 4, "n_trials": 10}
    args.update(kwargs)
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        verdict_power(**args)


def test_bad_closed_form_parameters_raise_value_error():
    with pytest.raises(ValueError):
        nof1.power_closed_form(-1.0, cycles=1)
    with pytest.raises(ValueError, match="target"):
        nof1.cycles_needed_closed_form(-1.0, target=1.0)


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
