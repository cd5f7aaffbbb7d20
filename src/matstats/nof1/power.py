"""Power and number of cycles for a personal n-of-1 mat trial.

The decision rules and calibration checks (:func:`rejections`, :func:`rejection_rates`,
:func:`operating_characteristics`, :func:`day_t_size_approx`,
:func:`randomization_calibration`, :func:`bayes_calibration`) live in
:mod:`matstats.nof1.calibration`, the exact AR(1) variance :func:`cycle_difference_variance`
in :mod:`matstats.nof1._cycle_cov`; both are re-exported here.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.power import ttest_power

from matstats.literature import NOF1_DEFAULTS
from matstats._core import checks as _checks
from matstats.nof1._cycle_cov import _first_minus_second_cov, cycle_difference_variance
from matstats.nof1.analysis import _check_methods, simulate_and_analyze
from matstats.nof1.calibration import _scenario, rejections
from matstats.nof1.design import DESIGNS, MAX_CYCLES, schedule
from matstats.nof1.simulate import CHUNK_SIZE, check_settings

__all__ = [
    "power",
    "power_curve",
    "PowerCurve",
    "power_closed_form",
    "cycles_needed_closed_form",
    "cycle_difference_variance",
    "is_calibrated",
    "min_pval",
    "CALIBRATED_METHODS",
    "UNCALIBRATED_METHODS",
]

#: Methods whose type I error holds at the nominal level under the AR(1) model (checked in
#: notebook 03 and by :func:`bayes_calibration`); only these are ranked by
#: :func:`power_curve`.
CALIBRATED_METHODS = ("cycle_t", "gls_ar1", "randomization", "bayes")
#: Methods shown for comparison only: the naive day-level t test ignores autocorrelation.
UNCALIBRATED_METHODS = ("day_t",)


def is_calibrated(method: str, cycles: int) -> bool:
    """Whether ``method`` holds its level with ``cycles`` cycles (AR(1) model, rho 0-0.7).

    ``day_t`` never does. ``bayes`` does from 3 cycles on; with 2 cycles (1 df) the
    N(0, 2^2) prior dominates the very wide t likelihood and it decides a direction in
    about 6% of null trials (:func:`bayes_calibration`, cycles=2), so it is treated as
    uncalibrated there.
    """
    return method in CALIBRATED_METHODS and not (method == "bayes" and cycles < 3)


def min_pval(method: str, cycles: int, *, max_exact_cycles: int = 12,
             n_permutations: int = 9999) -> float:
    """Smallest p-value ``method`` can return with ``cycles`` cycles (0 when unbounded).

    The exact two-sided sign-flip test cannot go below 2 / 2^cycles (the observed
    allocation and its mirror image); its Monte Carlo version not below
    1 / (n_permutations + 1). The other methods have no floor above 0.

    Examples
    --------
    >>> min_pval("randomization", 5), min_pval("cycle_t", 5)
    (0.0625, 0.0)
    """
    method = _check_methods(method)[0]
    cycles = _checks.integer("cycles", cycles, 1)
    if method != "randomization":
        return 0.0
    if cycles <= _checks.integer("max_exact_cycles", max_exact_cycles, 1, 20):
        return 2.0 / 2**cycles
    return 1.0 / (_checks.integer("n_permutations", n_permutations, 1) + 1.0)


def power_closed_form(
    effect: float,
    *,
    cycles: int,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    alpha: float = 0.05,
    design: str = "paired_random",
) -> float:
    """Noncentral-t power of the ``cycle_t`` analysis (closed form).

    Power = P(|T| > t_{1-alpha/2, n-1}) with T ~ noncentral t(n - 1, ncp),
    ncp = |effect| / sqrt(Var(d_bar)) and Var(d_bar) exact under AR(1)
    (:func:`cycle_difference_variance`). Exact when rho = 0 (cycle
    differences are then iid normal); an approximation otherwise, because
    correlation between cycles is not reflected in the t statistic's
    denominator. For ``"paired_random"`` the power is averaged over all
    equally likely orders (enumerated up to 16 cycles; above that over 4096
    orders drawn with a fixed seed, 0).

    Returns
    -------
    float
        Power in [0, 1].
    """
    cycles = _checks.integer("cycles", cycles, 2)
    a = _checks.alpha(alpha)
    p = check_settings(effect=effect, sd=sd, rho=rho, trend=0, expectation=0,
                      expectation_half_life=None, carryover=0, carryover_half_life=None,
                      missing=0, mnar=0, mean=0)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    if design != "paired_random":
        sched = schedule(cycles, period_days=period_days, washout_days=washout_days, design=design)
        v = cycle_difference_variance(sched, sd=p["sd"], rho=p["rho"])
        return float(ttest_power(abs(p["effect"]) / math.sqrt(v), 1, a, df=cycles - 1))
    # every order is s_j = +1 (mat first) / -1 per cycle; d_bar = (1/n) sum_j s_j F_j where
    # F_j = first-period mean - second-period mean of cycle j, so Var = s' K s / n^2
    K = _first_minus_second_cov(cycles, period_days, washout_days, p["sd"], p["rho"])
    if cycles <= 16:
        pats = np.array(list(itertools.product((1.0, -1.0), repeat=cycles - 1)))
        s = np.column_stack([np.ones(len(pats)), pats])
    else:
        s = np.where(np.random.default_rng(0).random((4096, cycles)) < 0.5, -1.0, 1.0)
    v = np.einsum("kj,jl,kl->k", s, K, s) / cycles**2
    return float(np.mean(ttest_power(abs(p["effect"]) / np.sqrt(v), 1, a, df=cycles - 1)))


def cycles_needed_closed_form(
    effect: float,
    *,
    target: float = 0.8,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    alpha: float = 0.05,
    design: str = "paired_random",
    max_cycles: int = 100,
) -> int | None:
    """Smallest number of cycles whose closed-form ``cycle_t`` power reaches ``target``.

    Returns
    -------
    int or None
        None if ``max_cycles`` cycles are not enough (or ``effect`` is 0).
    """
    t = float(target)
    if not 0 < t < 1:
        raise ValueError(f"target must lie in (0, 1), got {target!r}")
    max_cycles = _checks.integer("max_cycles", max_cycles, 2)
    for n in range(2, max_cycles + 1):
        pw = power_closed_form(effect, cycles=n, period_days=period_days,
                               washout_days=washout_days, sd=sd, rho=rho, alpha=alpha,
                               design=design)
        if pw >= t:
            return n
    return None


def _simulate_power(effect, *, cycles, period_days, washout_days, sd, rho, methods, alpha,
                    n_sims, gen, design, n_schedules, scenario):
    """Rejection counts per method, averaging over random orders for paired_random."""
    if design == "paired_random":
        k = min(n_schedules, n_sims)
    else:
        k = 1
    sizes = [n_sims // k + (1 if i < n_sims % k else 0) for i in range(k)]
    counts = dict.fromkeys(methods, 0)
    for size in sizes:
        sched = schedule(cycles, period_days=period_days, washout_days=washout_days,
                         design=design, rng=gen)
        res = simulate_and_analyze(sched, size, effect=effect, sd=sd, rho=rho, methods=methods,
                                   rng=gen, chunk_size=CHUNK_SIZE, **scenario)
        for m in methods:
            counts[m] += int(rejections(res, m, alpha).sum())
    return counts


def power(
    effect: float,
    *,
    cycles: int,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    method: str = "cycle_t",
    alpha: float = 0.05,
    n_sims: int = 10000,
    rng=None,
    design: str = "paired_random",
    n_schedules: int = 16,
    **scenario,
) -> float:
    """Simulated power of one analysis method.

    Trials are simulated with :func:`matstats.nof1.simulate` and analysed with
    :func:`matstats.nof1.analyze_many`; power is the share of trials in which
    ``method`` declares an effect (:func:`rejections`). With
    ``design="paired_random"`` the trials are split evenly over
    ``n_schedules`` random orders drawn from ``rng``.

    Parameters
    ----------
    effect : float
        True mat effect (points; negative = less pain).
    cycles, period_days, washout_days, design
        Schedule, see :func:`matstats.nof1.schedule`.
    sd, rho : float
        Daily noise SD and lag-1 autocorrelation.
    method : str
        One of ``cycle_t``, ``gls_ar1``, ``randomization``, ``bayes``, ``day_t``.
    alpha : float
        Two-sided significance level.
    n_sims : int
        Number of simulated trials (Monte Carlo SE = sqrt(p (1 - p) / n_sims)).
    rng : None, int or numpy.random.Generator
        Seed or generator.
    n_schedules : int
        Number of random orders for ``"paired_random"``.
    **scenario
        Further :func:`matstats.nof1.simulate` arguments: ``trend``,
        ``expectation``, ``expectation_half_life``, ``carryover``,
        ``carryover_half_life``, ``missing``, ``mnar``, ``mean``, ``rating_scale``.

    Returns
    -------
    float
        Estimated power.
    """
    method = _check_methods(method)
    if len(method) != 1:
        raise ValueError("power takes a single method")
    cycles = _checks.integer("cycles", cycles, 2, MAX_CYCLES)
    n_sims = _checks.integer("n_sims", n_sims, 1)
    _checks.size_limit("n_sims", n_sims * 2 * cycles * _checks.integer("period_days", period_days,
                                                                       1), what="simulated days")
    n_schedules = _checks.integer("n_schedules", n_schedules, 1)
    a = _checks.alpha(alpha)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    gen = _checks.rng(rng)
    counts = _simulate_power(effect, cycles=cycles, period_days=period_days,
                             washout_days=washout_days, sd=sd, rho=rho, methods=method,
                             alpha=a, n_sims=n_sims, gen=gen, design=design,
                             n_schedules=n_schedules, scenario=_scenario(scenario))
    return counts[method[0]] / n_sims


@dataclass(frozen=True)
class PowerCurve:
    """Power over a grid of effects and cycles, and the cycles needed.

    Attributes
    ----------
    curve : pandas.DataFrame
        Columns ``effect``, ``cycles``, ``method``, ``power``, ``power_se``
        (binomial Monte Carlo SE), ``n_sims``, ``power_closed_form`` (noncentral-t
        power, ``cycle_t`` rows only, NaN otherwise), ``calibrated`` (method in
        :data:`CALIBRATED_METHODS` and :func:`is_calibrated` at that number of cycles),
        ``type1_error`` and ``type1_error_se`` (the simulated rejection rate with no
        effect at the same settings, for uncalibrated rows only, NaN otherwise), ``min_pval`` (:func:`min_pval`) and ``reachable``
        (``min_pval < alpha``: False means the method cannot declare an effect at all
        with that many cycles, so its power 0 is a floor, not a finding).
    cycles_needed : pandas.DataFrame
        Columns ``effect``, ``method``, ``target``, ``cycles_needed`` (smallest
        simulated cycles with power >= target, <NA> if none in the grid or if the
        method is not calibrated), ``cycles_needed_closed_form`` (``cycle_t`` only,
        <NA> otherwise or if not reached within the grid), ``calibrated`` and ``rank``
        (1 = fewest cycles among the calibrated methods for that effect; <NA> for
        uncalibrated methods and those that do not reach the target).
    """

    curve: pd.DataFrame
    cycles_needed: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy power curve (``curve``)."""
        return self.curve.copy()


def power_curve(
    effects,
    cycles,
    *,
    methods=("cycle_t",),
    target: float = 0.8,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    alpha: float = 0.05,
    n_sims: int = 2000,
    rng=None,
    design: str = "paired_random",
    n_schedules: int = 16,
    progress: bool = False,
    **scenario,
) -> PowerCurve:
    """Power of each method over a grid of effects and numbers of cycles.

    All methods are applied to the same simulated trials in each grid cell.
    Parameters are those of :func:`power`; ``effects`` and ``cycles`` are
    sequences, ``target`` the power that defines ``cycles_needed``.

    Returns
    -------
    PowerCurve
        ``.curve`` (tidy: one row per effect x cycles x method) and
        ``.cycles_needed`` (one row per effect x method); see :class:`PowerCurve`.
    """
    methods = _check_methods(methods)
    effects = _checks.vector("effects", effects).tolist()
    cyc = [_checks.integer("cycles", c, 2, MAX_CYCLES) for c in np.atleast_1d(cycles).tolist()]
    if not effects or not cyc:
        raise ValueError("effects and cycles must be non-empty")
    t = _checks.unit_interval("target", target, open_low=True, open_high=True)
    n_sims = _checks.integer("n_sims", n_sims, 1)
    _checks.size_limit("n_sims", n_sims * 2 * max(cyc) * _checks.integer(
        "period_days", period_days, 1), what="simulated days")
    n_schedules = _checks.integer("n_schedules", n_schedules, 1)
    a = _checks.alpha(alpha)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    scenario = _scenario(scenario)
    gen = _checks.rng(rng)
    grid = list(itertools.product(effects, sorted(set(cyc))))
    [check_settings(effect=e, sd=sd, rho=rho, **scenario) for e in effects]  # before the bar
    if progress:
        from tqdm.auto import tqdm

        grid = tqdm(grid, unit="cell")
    sim = {"period_days": period_days, "washout_days": washout_days, "sd": sd, "rho": rho,
           "alpha": a, "n_sims": n_sims, "gen": gen, "design": design,
           "n_schedules": n_schedules, "scenario": scenario}
    rows = []
    null_cache: dict = {}
    for eff, n in grid:
        rows += _power_cell(eff, n, methods, sim, null_cache)
    curve = pd.DataFrame(rows)
    return PowerCurve(curve=curve, cycles_needed=_cycles_needed(curve, t))


def _power_cell(eff, n, methods, sim: dict, null_cache: dict) -> list[dict]:
    """Rows of the power curve for one grid cell: effect ``eff`` with ``n`` cycles.

    ``sim`` holds the keyword arguments of :func:`_simulate_power` other than the effect,
    cycles and methods; ``null_cache`` keeps the no-effect runs of the uncalibrated methods
    (one per number of cycles, shared by all effects).
    """
    a, n_sims, scenario = sim["alpha"], sim["n_sims"], sim["scenario"]
    counts = _simulate_power(eff, cycles=n, methods=methods, **sim)
    cf = (power_closed_form(eff, cycles=n, period_days=sim["period_days"],
                            washout_days=sim["washout_days"], sd=sim["sd"], rho=sim["rho"],
                            alpha=a, design=sim["design"])
          if "cycle_t" in methods and not scenario else math.nan)
    unc = tuple(m for m in methods if not is_calibrated(m, n))
    if unc and (0.0, n) not in null_cache:
        null_cache[(0.0, n)] = _simulate_power(0.0, cycles=n, methods=unc, **sim)
    rows = []
    for m in methods:
        pw = counts[m] / n_sims
        t1 = null_cache[(0.0, n)][m] / n_sims if m in unc else math.nan
        floor = min_pval(m, n)
        rows.append({
            "effect": eff, "cycles": n, "method": m, "power": pw,
            "power_se": math.sqrt(pw * (1 - pw) / n_sims), "n_sims": n_sims,
            "power_closed_form": cf if m == "cycle_t" else math.nan,
            "calibrated": is_calibrated(m, n),
            "type1_error": t1,
            "type1_error_se": math.sqrt(t1 * (1 - t1) / n_sims) if m in unc else math.nan,
            "min_pval": floor, "reachable": floor < a,
        })
    return rows


def _cycles_needed(curve: pd.DataFrame, t: float) -> pd.DataFrame:
    """The ``cycles_needed`` table of :class:`PowerCurve` for target power ``t``."""
    need = []
    for (eff, m), g in curve.groupby(["effect", "method"], sort=False):
        g = g.sort_values("cycles")
        hit = g.loc[(g["power"] >= t) & g["calibrated"], "cycles"]
        hit_cf = g.loc[g["power_closed_form"] >= t, "cycles"]
        cal = m in CALIBRATED_METHODS
        need.append({
            "effect": eff, "method": m, "target": t,
            "cycles_needed": int(hit.iloc[0]) if len(hit) and cal else pd.NA,
            "cycles_needed_closed_form": int(hit_cf.iloc[0]) if len(hit_cf) else pd.NA,
            "calibrated": cal,
        })
    need = pd.DataFrame(need)
    for c in ("cycles_needed", "cycles_needed_closed_form"):
        need[c] = need[c].astype("Int64")
    need["rank"] = (need.groupby("effect")["cycles_needed"]
                    .rank(method="min").astype("Int64"))
    return need
