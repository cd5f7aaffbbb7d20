"""Plan a series of n-of-1 trials: persons x cycles, judged by the rule the analysis applies.

Every design of the grid is simulated and analysed exactly as
:func:`matstats.nof1.analyze_series` analyses a real series (its default ``pool="bayes"``,
vectorised by :func:`matstats.nof1.analyze_series_many`), so the power a plan quotes is the
chance that the series' own verdict claims the benefit, and the person columns are the chances
of the person verdicts it prints. Model: person i's true effect ``theta_i ~ N(effect, tau^2)``;
a cycle difference ``D_ij = theta_i + s_ij F_ij`` with ``s_ij`` the coin of cycle j (+1 mat
first) and ``F_i`` the first-minus-second period means of stationary AR(1) days, drawn from
their exact joint normal distribution (:func:`matstats.nof1._cycle_cov._first_minus_second_cov`;
the day-level simulator :func:`matstats.nof1.simulate_series` gives the same distribution for
complete diaries).

Parallel-group comparison (closed form): each participant rates ``rct_days`` days (first
``washout_days`` dropped) in one arm; the difference of arm means has variance
``(2 sigma_b^2 + tau^2 + 2 v_L) / (N / 2)`` (``sigma_b`` the between-person SD, ``v_L`` the
variance of a mean of L AR(1) days); power from the noncentral t on N - 2 df.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from statsmodels.stats.power import ttest_power

from matstats._core import checks as _checks
from matstats.literature import MCID_NRS, NOF1_DEFAULTS, NRS_SD
from matstats.nof1 import cycle_difference_variance, plan_calendar, schedule
from matstats.nof1._cycle_cov import _first_minus_second_cov, period_mean_cov

__all__ = ["plan_series", "smallest_design", "series_templates"]

#: Columns of :func:`plan_series`.
_PLAN_COLUMNS = (
    "persons", "cycles", "person_days", "sigma2_cycle", "power", "power_se", "person_benefit",
    "person_wrong", "n_sims", "rct_participants", "rct_power", "rct_participants_same_power",
    "rct_person_days_same_power",
)


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


def _simulate_verdicts(P, n, *, effect, tau, sd, rho, period_days, washout_days, alpha, mcid,
                       lower_is_better, n_sims, gen) -> dict:
    """Group and person verdict rates of ``n_sims`` simulated series (the analysis default)."""
    from matstats.nof1.series_analysis import analyze_series_many

    L = np.linalg.cholesky(_first_minus_second_cov(n, period_days, washout_days, sd, rho))
    theta = effect + tau * gen.standard_normal((n_sims, P))
    coin = np.where(gen.random((n_sims, P, n)) < 0.5, 1.0, -1.0)
    D = theta[..., None] + coin * (gen.standard_normal((n_sims, P, n)) @ L.T)
    out, per = analyze_series_many(D, level=1.0 - alpha, mcid=mcid,
                                   lower_is_better=lower_is_better, persons=True)
    sign = 1.0 if lower_is_better else -1.0
    group = np.maximum(sign * out["ci_low"], sign * out["ci_high"]).to_numpy() < 0
    better = np.isin(per["verdict"], ("benefit", "important_benefit"))
    b = sign * theta  # benefit scale: negative = better on the mat
    wrong = (better & (b >= 0)) | ((per["verdict"] == "worse_on_mat") & (b <= 0))
    power = float(group.mean())
    return {"power": power, "power_se": math.sqrt(power * (1 - power) / n_sims),
            "person_benefit": float(better.mean()), "person_wrong": float(wrong.mean())}


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
    n_sims: int = 1000,
    rng=None,
) -> pd.DataFrame:
    """Chance of each verdict of a series over persons x cycles, by simulation.

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
        1 - level of the analysis' intervals.
    mcid, lower_is_better
        As in :func:`matstats.nof1.analyze_series`.
    rct_days : int, optional
        Days each parallel-trial participant rates (default: the length of one person's
        n-of-1 trial, 2 x cycles x period_days, so the parallel trial has as many
        participants as the series has persons).
    n_sims : int, default 1000
        Simulated series per design (Monte Carlo SE of a power p: sqrt(p (1 - p) / n_sims)).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per (persons, cycles), columns

        - ``persons``, ``cycles``, ``person_days`` (total diary days of the series);
        - ``sigma2_cycle`` : variance of one cycle difference;
        - ``power``, ``power_se`` : share of simulated series whose group verdict
          (:func:`matstats.nof1.series_analysis.group_verdict_label`) claims an average benefit
          (the whole ``1 - alpha`` interval on the benefit side), and its Monte Carlo SE;
        - ``person_benefit`` : share of persons whose verdict claims a benefit (``benefit`` or
          ``important_benefit``); ``person_wrong`` : share of persons whose directional
          verdict has the wrong sign of their own true effect;
        - ``n_sims``;
        - ``rct_participants``, ``rct_power`` : a parallel trial with the same person-days;
        - ``rct_participants_same_power``, ``rct_person_days_same_power`` : what a
          parallel trial needs for the series' power.

    Examples
    --------
    >>> plan = plan_series([6, 12], [4, 8], effect=-1.0, tau=0.5, n_sims=400, rng=1)
    >>> plan[["persons", "cycles"]].values.tolist()
    [[6, 4], [6, 8], [12, 4], [12, 8]]
    >>> bool(plan["power"].iloc[3] > plan["power"].iloc[0] > plan["rct_power"].iloc[0])
    True
    """
    ps = [_checks.integer("persons", p, 2) for p in np.atleast_1d(persons).tolist()]
    cs = [_checks.integer("cycles", c, 2) for c in np.atleast_1d(cycles).tolist()]
    effect = _checks.finite("effect", effect)
    tau = _checks.positive("tau", tau, allow_zero=True)
    alpha = _checks.alpha(alpha)
    mcid = _checks.positive("mcid", mcid, allow_zero=True)
    sigma_b = _checks.positive("between_sd", between_sd, allow_zero=True)
    n_sims = _checks.integer("n_sims", n_sims, 10)
    _checks.size_limit("n_sims", n_sims * max(ps) * max(cs), what="simulated cycles")
    gen = _checks.rng(rng)
    s2c = cycle_difference_variance(schedule(1, period_days=period_days,
                                             washout_days=washout_days, design="abab"),
                                    sd=sd, rho=rho)
    rows = []
    for P in ps:
        for n in cs:
            rd = 2 * n * period_days if rct_days is None else _checks.integer(
                "rct_days", rct_days, washout_days + 1)
            v_l = float(period_mean_cov(1, rd - washout_days, 0, sd, rho)[0, 0])
            row = {"persons": P, "cycles": n, "person_days": P * 2 * n * period_days,
                   "sigma2_cycle": s2c, "n_sims": n_sims}
            row.update(_simulate_verdicts(P, n, effect=effect, tau=tau, sd=sd, rho=rho,
                                          period_days=period_days, washout_days=washout_days,
                                          alpha=alpha, mcid=mcid,
                                          lower_is_better=lower_is_better, n_sims=n_sims,
                                          gen=gen))
            n_rct = max(4, int(2 * (row["person_days"] // (2 * rd))))
            need = _rct_needed(effect, tau * tau, sigma_b, v_l, row["power"], alpha)
            row.update(rct_participants=n_rct,
                       rct_power=_rct(effect, tau * tau, sigma_b, v_l, n_rct, alpha),
                       rct_participants_same_power=need, rct_person_days_same_power=need * rd)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(_PLAN_COLUMNS))


def smallest_design(plan: pd.DataFrame, *, target: float = 0.8,
                    column: str = "power") -> int | None:
    """The smallest design of a :func:`plan_series` table that reaches ``target``: fewest
    diary days in all (``person_days``), then fewer persons (recruiting is the harder part),
    then fewer cycles.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`plan_series`.
    target : float, default 0.8
        Value of ``column`` to reach (in (0, 1)).
    column : str, default "power"
        A probability column of the plan, e.g. ``power`` or ``person_benefit``.

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
    """Diary templates for every person of a series: :func:`matstats.nof1.plan_calendar` for
    each, drawn from one generator in person order (each its own random order).

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
