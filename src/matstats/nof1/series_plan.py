"""Plan a series of n-of-1 trials: persons x cycles, by closed-form variance components.

Normal-normal model of Senn (2019): person i's true effect ``theta_i ~ N(mu, tau^2)``; a
cycle difference ``D_ij = theta_i + e_ij`` with within-cycle variance ``sigma_c^2`` (the
variance of one mat-minus-control difference of period means under stationary AR(1) days,
:func:`matstats.nof1.cycle_difference_variance` of a one-cycle schedule). With ``n`` cycles
each, the person means ``d_i`` have variance ``tau^2 + sigma_c^2 / n``. Correlation between
the cycles of one person (AR(1) across period boundaries) averages out over the random
orders and is ignored: exact when rho = 0, an approximation otherwise (the Monte Carlo check
shows how close).

Closed forms (equal cycles per person; :func:`plan_series`)
    * Average effect: with equal local variances the REML + Hartung-Knapp test is exactly the
      one-sample t test of the ``d_i`` on P - 1 df, so its power is the noncentral-t power with
      ``ncp = |mu| / sqrt((tau^2 + sigma_c^2 / n) / P)``.
    * tau^2: REML equals ``max(0, s_d^2 - s_w^2 / n)`` (``s_d^2`` the sample variance of the
      ``d_i``, ``s_w^2`` the pooled within variance, independent scaled chi-squares on P - 1
      and P (n - 1) df): the untruncated estimator has SD
      ``sqrt(2 a^2 / (P - 1) + 2 b^2 / (P (n - 1)))`` with ``a = tau^2 + b``,
      ``b = sigma_c^2 / n``, and P(tau^2 estimate = 0) = P(F(P-1, P(n-1)) < b / a).
    * Individual verdicts: with known components the shrunken estimate is
      ``Z = mu + lambda (d_i - mu)``, ``lambda = tau^2 / (tau^2 + b)``; (theta_i, Z) are
      bivariate normal with correlation ``sqrt(lambda)``; a verdict "benefit beyond c" is
      right when theta_i and Z fall on the same side of c (orthant probabilities).
    * Parallel-group trial with the same total burden (person-days): each participant rates
      ``rct_days`` days (first ``washout_days`` dropped) in one arm; the difference of arm
      means has variance ``(2 sigma_b^2 + tau^2 + 2 v_L) / (N / 2)`` (``sigma_b`` the
      between-person SD, ``v_L`` the variance of a mean of L AR(1) days); power from the
      noncentral t on N - 2 df.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import ttest_power

from matstats._core import checks as _checks
from matstats.literature import MCID_NRS, NOF1_DEFAULTS, NRS_SD
from matstats.nof1 import cycle_difference_variance, plan_calendar, schedule

__all__ = ["plan_series", "check_series_plan", "cycle_variance", "smallest_design",
           "series_templates", "PLAN_COLUMNS"]

#: Columns of :func:`plan_series`.
PLAN_COLUMNS = (
    "persons", "cycles", "person_days", "sigma2_cycle", "se_average", "power", "tau2_sd",
    "prob_tau2_zero", "prob_right_benefit", "prob_right_mcid", "prob_right_benefit_raw",
    "prob_right_mcid_raw", "rct_participants", "rct_power", "rct_participants_same_power",
    "rct_person_days_same_power",
)


def cycle_variance(*, sd: float, rho: float, period_days: int, washout_days: int) -> float:
    """Variance of one cycle difference of period means (AR(1) days), points squared."""
    sched = schedule(1, period_days=period_days, washout_days=washout_days, design="abab")
    return cycle_difference_variance(sched, sd=sd, rho=rho)


def _mean_days_variance(days: int, sd: float, rho: float) -> float:
    lag = np.abs(np.subtract.outer(np.arange(days), np.arange(days)))
    return float(sd * sd * np.sum(rho ** lag) / days**2)


def _same_side(mu: float, tau2: float, var_z: float, cov: float, c: float) -> float:
    """P(theta and Z on the same side of c): theta ~ N(mu, tau2), Z ~ N(mu, var_z)."""
    if tau2 <= 0 or var_z <= 0:
        if tau2 <= 0 and var_z <= 0:
            return 1.0
        s = math.sqrt(max(tau2, var_z))
        p_below = stats.norm.cdf((c - mu) / s)
        return float(p_below if mu < c else 1.0 - p_below)
    r = min(1.0, cov / math.sqrt(tau2 * var_z))
    a, b = (c - mu) / math.sqrt(tau2), (c - mu) / math.sqrt(var_z)
    if r >= 1.0 - 1e-12:
        return 1.0
    both_below = stats.multivariate_normal(mean=[0, 0], cov=[[1, r], [r, 1]]).cdf([a, b])
    pa, pb = stats.norm.cdf(a), stats.norm.cdf(b)
    return float(both_below + (1.0 - pa - pb + both_below))


def _rct(effect, tau2, sigma_b, v_l, n, alpha):
    var = (2 * sigma_b**2 + tau2 + 2 * v_l) / (n / 2)
    return float(ttest_power(abs(effect) / math.sqrt(var), 1, alpha, df=n - 2))


def _rct_needed(effect, tau2, sigma_b, v_l, target, alpha) -> int:
    """Smallest even N (>= 4) whose parallel-trial power reaches ``target`` (bisection)."""
    lo, hi = 2, 4
    while _rct(effect, tau2, sigma_b, v_l, 2 * hi, alpha) < target:
        lo, hi = hi, 2 * hi
        if hi > 10**7:
            return -1
    while hi - lo > 1:  # power(2 lo) < target <= power(2 hi)
        mid = (lo + hi) // 2
        if _rct(effect, tau2, sigma_b, v_l, 2 * mid, alpha) < target:
            lo = mid
        else:
            hi = mid
    return 2 * hi


def _one_plan(P, n, effect, tau, s2c, alpha, mcid, sign, sigma_b, v_l, rct_days, pdays):
    tau2 = tau * tau
    b = s2c / n
    a = tau2 + b
    power = float(ttest_power(abs(effect) / math.sqrt(a / P), 1, alpha, df=P - 1))
    dfw = P * (n - 1)
    tau2_sd = math.sqrt(2 * a * a / (P - 1) + (2 * b * b / dfw if dfw > 0 else math.inf))
    p0 = float(stats.f.cdf(b / a, P - 1, dfw)) if dfw > 0 else math.nan
    lam = tau2 / a
    mu = sign * effect  # on the benefit-negative scale
    right = {}
    for name, c in (("benefit", 0.0), ("mcid", -mcid)):
        right[name] = _same_side(mu, tau2, lam * tau2, lam * tau2, c)
        right[name + "_raw"] = _same_side(mu, tau2, a, tau2, c)
    person_days = P * 2 * n * pdays
    n_rct = max(4, int(2 * (person_days // (2 * rct_days))))
    rct_power = _rct(effect, tau2, sigma_b, v_l, n_rct, alpha)
    need = _rct_needed(effect, tau2, sigma_b, v_l, power, alpha)
    return {
        "persons": P, "cycles": n, "person_days": person_days, "sigma2_cycle": s2c,
        "se_average": math.sqrt(a / P), "power": power, "tau2_sd": tau2_sd,
        "prob_tau2_zero": p0, "prob_right_benefit": right["benefit"],
        "prob_right_mcid": right["mcid"], "prob_right_benefit_raw": right["benefit_raw"],
        "prob_right_mcid_raw": right["mcid_raw"], "rct_participants": n_rct,
        "rct_power": rct_power, "rct_participants_same_power": need,
        "rct_person_days_same_power": need * rct_days,
    }


def plan_series(
    persons,
    cycles,
    *,
    effect: float,
    tau: float,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    period_days: int = NOF1_DEFAULTS["period_days"],
    washout_days: int = NOF1_DEFAULTS["washout_days"],
    between_sd: float = NRS_SD,
    alpha: float = 0.05,
    mcid: float = MCID_NRS,
    lower_is_better: bool = True,
    rct_days: int | None = None,
) -> pd.DataFrame:
    """Closed-form operating characteristics of a series over persons x cycles.

    Parameters
    ----------
    persons : int or sequence of int
        Persons per series (>= 2).
    cycles : int or sequence of int
        Cycles per person (>= 2).
    effect : float
        Average effect, mat minus control (points; negative = less pain).
    tau : float
        SD of the person effects (points, >= 0).
    sd, rho, period_days, washout_days
        Daily noise and calendar, as in :func:`matstats.nof1.simulate`.
    between_sd : float, default ``literature.NRS_SD`` (2.2)
        Between-person SD of the mean score (enters only the parallel-trial comparison).
    alpha : float, default 0.05
        Two-sided test size.
    mcid : float, default 2
        Minimal clinically important difference (points).
    lower_is_better : bool, default True
        Benefit = lower score.
    rct_days : int, optional
        Days each parallel-trial participant rates (default: the length of one person's
        n-of-1 trial, 2 x cycles x period_days, so the parallel trial has as many
        participants as the series has persons).

    Returns
    -------
    pandas.DataFrame
        One row per (persons, cycles), columns

        - ``persons``, ``cycles``, ``person_days`` (total diary days of the series);
        - ``sigma2_cycle`` : variance of one cycle difference;
        - ``se_average``, ``power`` : SE and power of the average-effect test;
        - ``tau2_sd`` : SD of the (untruncated) tau^2 estimate; ``prob_tau2_zero`` :
          P(tau^2 estimated as 0);
        - ``prob_right_benefit``, ``prob_right_mcid`` : P(a person's shrunken verdict
          "benefit" / "benefit >= MCID" is right); ``..._raw`` the same for the person's own
          (unshrunken) estimate;
        - ``rct_participants``, ``rct_power`` : a parallel trial with the same person-days;
        - ``rct_participants_same_power``, ``rct_person_days_same_power`` : what a
          parallel trial needs for the series' power.

    Examples
    --------
    >>> plan = plan_series([10, 20], [4, 6], effect=-1.0, tau=0.5)
    >>> plan[["persons", "cycles"]].values.tolist()
    [[10, 4], [10, 6], [20, 4], [20, 6]]
    >>> bool((plan["power"] > plan["rct_power"]).all())
    True
    """
    ps = [_checks.integer("persons", p, 2) for p in np.atleast_1d(persons).tolist()]
    cs = [_checks.integer("cycles", c, 2) for c in np.atleast_1d(cycles).tolist()]
    effect = _checks.finite("effect", effect)
    tau = _checks.positive("tau", tau, allow_zero=True)
    alpha = _checks.alpha(alpha)
    mcid = _checks.positive("mcid", mcid, allow_zero=True)
    sigma_b = _checks.positive("between_sd", between_sd, allow_zero=True)
    s2c = cycle_variance(sd=sd, rho=rho, period_days=period_days, washout_days=washout_days)
    sign = 1.0 if lower_is_better else -1.0
    rows = []
    for P in ps:
        for n in cs:
            rd = 2 * n * period_days if rct_days is None else _checks.integer(
                "rct_days", rct_days, washout_days + 1)
            v_l = _mean_days_variance(rd - washout_days, sd, rho)
            rows.append(_one_plan(P, n, effect, tau, s2c, alpha, mcid, sign, sigma_b, v_l, rd,
                                  period_days))
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def smallest_design(plan: pd.DataFrame, *, target: float = 0.8,
                    column: str = "power") -> int | None:
    """The smallest design of a :func:`plan_series` table that reaches ``target``.

    Smallest = fewest diary days in all (``person_days``); among designs with as many, the
    one with fewer persons (recruiting is the harder part), then fewer cycles.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`plan_series`.
    target : float, default 0.8
        Value of ``column`` to reach (in (0, 1)).
    column : str, default "power"
        A probability column of the plan, e.g. ``power`` or ``prob_right_mcid``.

    Returns
    -------
    int or None
        Index label of the row, or None when no design of the table reaches ``target``.

    Examples
    --------
    >>> plan = plan_series([4, 8, 12], [4, 6, 8], effect=-1.0, tau=0.5)
    >>> row = plan.loc[smallest_design(plan, target=0.8)]
    >>> int(row["persons"]), int(row["cycles"]), bool(row["power"] >= 0.8)
    (8, 4, True)
    """
    target = _checks.unit_interval("target", target, open_low=True, open_high=True)
    if column not in plan.columns:
        raise ValueError(f"column must be a column of the plan ({', '.join(plan.columns)}), "
                         f"got {column!r}")
    ok = plan[plan[column] >= target]
    if ok.empty:
        return None
    return ok.sort_values(["person_days", "persons", "cycles"], kind="stable").index[0]


def series_templates(persons: int, cycles: int, *, period_days: int = 7,
                     washout_days: int = 1, design: str = "paired_random",
                     start_date=None, rng=None) -> dict[str, pd.DataFrame]:
    """Diary templates for every person of a series, each with its own random order.

    Each is :func:`matstats.nof1.plan_calendar` (the ``matstats nof1 plan`` format, with its
    ``design`` column), drawn from one generator in person order.

    Returns
    -------
    dict
        Person label (``P01``, ...) -> the person's calendar DataFrame.

    Examples
    --------
    >>> from datetime import date
    >>> tpl = series_templates(2, 2, period_days=2, start_date=date(2026, 1, 5), rng=1)
    >>> list(tpl), tpl["P01"]["design"].iloc[0], len(tpl["P02"])
    (['P01', 'P02'], 'paired_random', 8)
    """
    from matstats.nof1.series_sim import person_labels

    persons = _checks.integer("persons", persons, 1)
    gen = _checks.rng(rng)
    return {label: plan_calendar(cycles, period_days=period_days, washout_days=washout_days,
                                 design=design, start_date=start_date, rng=gen)
            for label in person_labels(persons)}


def check_series_plan(
    persons: int,
    cycles: int,
    *,
    effect: float,
    tau: float,
    n_sims: int = 2000,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    period_days: int = NOF1_DEFAULTS["period_days"],
    washout_days: int = NOF1_DEFAULTS["washout_days"],
    alpha: float = 0.05,
    mcid: float = MCID_NRS,
    lower_is_better: bool = True,
    rng=None,
) -> pd.DataFrame:
    """Monte Carlo check of :func:`plan_series` for one (persons, cycles) design.

    Simulates ``n_sims`` series (:func:`matstats.nof1.simulate_series`), analyses them with
    :func:`matstats.nof1.analyze_series_many` and compares with the closed forms.

    Returns
    -------
    pandas.DataFrame
        One row per quantity: ``quantity`` (``power``, ``tau2_sd``, ``prob_tau2_zero``,
        ``prob_right_benefit``, ``prob_right_mcid``), ``closed_form``, ``monte_carlo``,
        ``mc_se`` (Monte Carlo standard error; for ``tau2_sd`` the normal-theory SE of an SD),
        ``n_sims``. ``prob_right_*`` in the simulation use estimated variance components, so
        they fall short of the closed form (known components) by the price of estimating
        them.
    """
    from matstats.nof1.series_analysis import analyze_series_many, pooled_within
    from matstats.nof1.series_sim import simulate_series

    n_sims = _checks.integer("n_sims", n_sims, 10)
    plan = plan_series(persons, cycles, effect=effect, tau=tau, sd=sd, rho=rho,
                       period_days=period_days, washout_days=washout_days, alpha=alpha,
                       mcid=mcid, lower_is_better=lower_is_better).iloc[0]
    sim = simulate_series(persons, cycles, n_sims, effect=effect, tau=tau, sd=sd, rho=rho,
                          period_days=period_days, washout_days=washout_days, rng=rng)
    D = sim.cycle_differences()
    res, per = analyze_series_many(D, level=1 - alpha, mcid=mcid,
                                   lower_is_better=lower_is_better, persons=True)
    st = pooled_within(D)
    raw_tau2 = st["d"].var(axis=1, ddof=1) - st["sigma2_within"] / cycles
    sign = 1.0 if lower_is_better else -1.0
    theta = sign * sim.person_effect
    z = sign * per["shrunken"]
    rows = []

    def add(q, mc, se):
        rows.append({"quantity": q, "closed_form": float(plan[q]), "monte_carlo": float(mc),
                     "mc_se": float(se), "n_sims": n_sims})

    rej = (res["pval"] < alpha).to_numpy()
    add("power", rej.mean(), math.sqrt(rej.mean() * (1 - rej.mean()) / n_sims))
    s = raw_tau2.std(ddof=1)
    add("tau2_sd", s, s / math.sqrt(2 * (n_sims - 1)))
    zero = (res["tau2"] == 0).to_numpy()
    add("prob_tau2_zero", zero.mean(), math.sqrt(zero.mean() * (1 - zero.mean()) / n_sims))
    for name, c in (("prob_right_benefit", 0.0), ("prob_right_mcid", -mcid)):
        ok = ((theta < c) == (z < c)).mean(axis=1)
        add(name, ok.mean(), ok.std(ddof=1) / math.sqrt(n_sims))
    return pd.DataFrame(rows)
