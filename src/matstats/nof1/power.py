"""Power and number of cycles for a personal n-of-1 mat trial."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import signal, stats

from matstats import _checks
from matstats.nof1.analysis import METHODS, _check_methods, simulate_and_analyze
from matstats.nof1.design import DESIGNS, MAX_CYCLES, _validate_schedule, schedule
from matstats.nof1.simulate import CHUNK_SIZE, _check_params, check_settings

__all__ = [
    "power",
    "power_curve",
    "PowerCurve",
    "power_closed_form",
    "cycles_needed_closed_form",
    "cycle_difference_variance",
    "rejections",
    "rejection_rates",
    "operating_characteristics",
    "day_t_size_approx",
    "randomization_calibration",
    "bayes_calibration",
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


_SCENARIO_KEYS = (
    "trend", "expectation", "expectation_half_life", "carryover", "carryover_half_life",
    "missing", "mnar", "mean", "rating_scale",
)


def rejections(results: pd.DataFrame, method: str, alpha: float = 0.05) -> np.ndarray:
    """Decision of each analysed trial: does ``method`` declare an effect?

    ``cycle_t``, ``gls_ar1``, ``randomization`` and ``day_t`` reject when their
    two-sided p < ``alpha``. ``bayes`` "rejects" (decides a direction) when
    P(benefit) > 1 - alpha/2 or < alpha/2, i.e. when its equal-tailed (1 - alpha)
    credible interval excludes 0; with the cycle SD integrated out this rule is
    calibrated (:func:`bayes_calibration`). A trial the method could not analyse (NaN)
    counts as not rejecting.

    Returns
    -------
    numpy.ndarray
        Boolean array, one entry per row of ``results``.
    """
    method = _check_methods(method)[0]
    a = _checks.alpha(alpha)
    if method == "bayes":
        pb = results["bayes_p_benefit"].to_numpy()
        return (pb > 1 - a / 2) | (pb < a / 2)
    return results[f"{method}_pval"].to_numpy() < a


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


def cycle_difference_variance(sched, *, sd: float = 1.2, rho: float = 0.4) -> float:
    """Exact variance of the mean cycle difference under stationary AR(1) noise.

    d_bar = (1/n) sum_j (mean of mat period_j - mean of control period_j), over
    non-washout days, is a linear form c'e of the daily noise e with
    Cov(e_s, e_t) = sd^2 rho^|s - t|; the variance is c' Sigma c, computed over
    the whole series (so correlations between cycles are included). This is
    the methods-notes section A5 calculation.

    Returns
    -------
    float
        Var(d_bar) in squared rating points.
    """
    info = _validate_schedule(sched)
    p = _check_params(effect=0, sd=sd, rho=rho, trend=0, expectation=0, expectation_half_life=None,
                      carryover=0, carryover_half_life=None, missing=0, mnar=0, mean=0)
    c = _contrast(info)
    return float(_quad_ar1(c[:, None], p["sd"], p["rho"])[0])


def _contrast(info: dict) -> np.ndarray:
    kept = ~info["washout"]
    n_cyc = info["cycles"].size
    c = np.zeros(info["n_days"])
    for j in range(n_cyc):
        for is_mat, sign in ((True, 1.0), (False, -1.0)):
            sel = kept & (info["cycle_index"] == j) & (info["mat"] == is_mat)
            k = sel.sum()
            if k == 0:
                raise ValueError(f"cycle {j + 1} has no non-washout {'mat' if is_mat else 'control'} day")
            c[sel] = sign / (n_cyc * k)
    return c


def _quad_ar1(C: np.ndarray, sd: float, rho: float) -> np.ndarray:
    """diag(C' Sigma C) for Sigma_st = sd^2 rho^|s-t|; C has shape (T, k).

    Sigma C is computed in O(T) with two first-order filters:
    (Sigma c)_t = sd^2 (f_t + b_t - c_t), f_t = c_t + rho f_{t-1}, b_t = c_t + rho b_{t+1}.
    """
    if rho == 0:
        return (sd * sd) * np.einsum("tk,tk->k", C, C)
    f = signal.lfilter([1.0], [1.0, -rho], C, axis=0)
    b = signal.lfilter([1.0], [1.0, -rho], C[::-1], axis=0)[::-1]
    return (sd * sd) * np.einsum("tk,tk->k", C, f + b - C)


def _nct_power(ncp, df, alpha):
    tc = stats.t.ppf(1 - alpha / 2, df)
    return stats.nct.sf(tc, df, ncp) + stats.nct.cdf(-tc, df, ncp)


def power_closed_form(
    effect: float,
    *,
    cycles: int,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = 1.2,
    rho: float = 0.4,
    alpha: float = 0.05,
    design: str = "paired_random",
) -> float:
    """Noncentral-t power of the ``cycle_t`` analysis (methods notes section A5).

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
    p = _check_params(effect=effect, sd=sd, rho=rho, trend=0, expectation=0,
                      expectation_half_life=None, carryover=0, carryover_half_life=None,
                      missing=0, mnar=0, mean=0)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    if design != "paired_random":
        sched = schedule(cycles, period_days=period_days, washout_days=washout_days, design=design)
        v = cycle_difference_variance(sched, sd=p["sd"], rho=p["rho"])
        return float(_nct_power(abs(p["effect"]) / math.sqrt(v), cycles - 1, a))
    # every order is s_j = +1 (mat first) / -1 per cycle; d_bar = (1/n) sum_j s_j F_j where
    # F_j = first-period mean - second-period mean of cycle j, so Var = s' K s / n^2
    K = _first_minus_second_cov(cycles, period_days, washout_days, p["sd"], p["rho"])
    if cycles <= 16:
        pats = np.array(list(itertools.product((1.0, -1.0), repeat=cycles - 1)))
        s = np.column_stack([np.ones(len(pats)), pats])
    else:
        s = np.where(np.random.default_rng(0).random((4096, cycles)) < 0.5, -1.0, 1.0)
    v = np.einsum("kj,jl,kl->k", s, K, s) / cycles**2
    return float(np.mean(_nct_power(abs(p["effect"]) / np.sqrt(v), cycles - 1, a)))


def _first_minus_second_cov(cycles, period_days, washout_days, sd, rho) -> np.ndarray:
    """Exact covariance (cycles x cycles) of F_j = first-period mean - second-period mean
    of the non-washout days of cycle j under stationary AR(1) noise."""
    base = schedule(cycles, period_days=period_days, washout_days=washout_days, design="abab")
    info = _validate_schedule(base)
    kept = ~info["washout"]
    F = np.zeros((info["n_days"], cycles))
    k = period_days - washout_days
    for j in range(cycles):
        F[kept & (info["cycle_index"] == j) & info["mat"], j] = 1.0 / k
        F[kept & (info["cycle_index"] == j) & ~info["mat"], j] = -1.0 / k
    if rho == 0:
        SF = (sd**2) * F
    else:
        fw = signal.lfilter([1.0], [1.0, -rho], F, axis=0)
        bw = signal.lfilter([1.0], [1.0, -rho], F[::-1], axis=0)[::-1]
        SF = (sd**2) * (fw + bw - F)
    return F.T @ SF


def cycles_needed_closed_form(
    effect: float,
    *,
    target: float = 0.8,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = 1.2,
    rho: float = 0.4,
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


def _scenario(kwargs: dict) -> dict:
    bad = sorted(set(kwargs) - set(_SCENARIO_KEYS))
    if bad:
        raise ValueError(f"unknown scenario argument(s) {bad}; allowed: {_SCENARIO_KEYS}")
    return kwargs


def power(
    effect: float,
    *,
    cycles: int,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = 1.2,
    rho: float = 0.4,
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
    sd: float = 1.2,
    rho: float = 0.4,
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
    rows = []
    null_cache: dict = {}
    for eff, n in grid:
        counts = _simulate_power(eff, cycles=n, period_days=period_days,
                                 washout_days=washout_days, sd=sd, rho=rho, methods=methods,
                                 alpha=a, n_sims=n_sims, gen=gen, design=design,
                                 n_schedules=n_schedules, scenario=scenario)
        cf = (power_closed_form(eff, cycles=n, period_days=period_days,
                                washout_days=washout_days, sd=sd, rho=rho, alpha=a,
                                design=design)
              if "cycle_t" in methods and not scenario else math.nan)
        unc = tuple(m for m in methods if not is_calibrated(m, n))
        if unc and (0.0, n) not in null_cache:
            null_cache[(0.0, n)] = _simulate_power(
                0.0, cycles=n, period_days=period_days, washout_days=washout_days, sd=sd,
                rho=rho, methods=unc, alpha=a, n_sims=n_sims, gen=gen, design=design,
                n_schedules=n_schedules, scenario=scenario)
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
    curve = pd.DataFrame(rows)
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
    return PowerCurve(curve=curve, cycles_needed=need)


_ESTIMATE_COLUMN = {
    "cycle_t": "cycle_t_estimate",
    "gls_ar1": "gls_ar1_estimate",
    "randomization": "randomization_estimate",
    "bayes": "bayes_estimate",
    "day_t": "day_t_estimate",
}


def rejection_rates(results: pd.DataFrame, *, methods=None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of trials in which each method declares an effect, with its Monte Carlo SE.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`matstats.nof1.analyze_many` (or ``simulate_and_analyze``).
    methods : sequence of str, optional
        Methods to summarise; default: every method present in ``results``.
    alpha : float
        Two-sided level (decision rules in :func:`rejections`).

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``rate`` (share rejecting), ``rate_se``
        (binomial SE sqrt(rate (1 - rate) / n_trials)), ``mean_estimate`` and
        ``sd_estimate`` (of the method's effect estimate over analysed trials),
        ``n_trials``, ``n_not_analysed`` (trials the method could not analyse; they
        count as not rejecting).
    """
    if methods is None:
        methods = [m for m in METHODS if _ESTIMATE_COLUMN[m] in results.columns]
    methods = _check_methods(methods)
    a = _checks.alpha(alpha)
    rows = []
    n = len(results)
    for m in methods:
        rej = rejections(results, m, a)
        est = results[_ESTIMATE_COLUMN[m]].to_numpy(dtype=float)
        ok = np.isfinite(est)
        rate = float(rej.mean()) if n else math.nan
        rows.append({
            "method": m, "rate": rate,
            "rate_se": math.sqrt(rate * (1 - rate) / n) if n else math.nan,
            "mean_estimate": float(est[ok].mean()) if ok.any() else math.nan,
            "sd_estimate": float(est[ok].std(ddof=1)) if ok.sum() > 1 else math.nan,
            "n_trials": n, "n_not_analysed": int((~ok).sum()),
        })
    return pd.DataFrame(rows)


def operating_characteristics(
    *,
    cycles=6,
    effect=0.0,
    rho=0.4,
    sd=1.2,
    expectation=0.0,
    period_days: int = 7,
    washout_days: int = 1,
    design: str = "paired_random",
    methods=METHODS,
    alpha: float = 0.05,
    n_trials: int = 4000,
    n_schedules: int = 8,
    rng=None,
    **scenario,
) -> pd.DataFrame:
    """Rejection rates and estimate summaries of each method over a grid of settings.

    ``cycles``, ``effect``, ``rho``, ``sd`` and ``expectation`` may each be a
    scalar or a sequence; every combination is simulated with ``n_trials``
    trials (split over ``n_schedules`` random orders for ``"paired_random"``)
    and analysed by every method in ``methods``. Other keyword arguments are
    fixed :func:`matstats.nof1.simulate` settings (``trend``, ``carryover``,
    ``missing``, ``expectation_half_life``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per setting x method: ``cycles``, ``effect``, ``rho``, ``sd``,
        ``expectation``, then the columns of :func:`rejection_rates` (``method``,
        ``rate``, ``rate_se``, ``mean_estimate``, ``sd_estimate``, ``n_trials``,
        ``n_not_analysed``). With ``effect`` 0 and no bias the rate is the type I
        error; otherwise it is the power (or, with an expectation bias and no
        effect, the rate of false "benefit" findings).
    """
    methods = _check_methods(methods)
    n_trials = _checks.integer("n_trials", n_trials, 1)
    _checks.size_limit("n_trials", n_trials * len(_checks.vector("effect", effect)),
                       what="simulated trials")
    n_schedules = _checks.integer("n_schedules", n_schedules, 1)
    a = _checks.alpha(alpha)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    scenario = _scenario(scenario)
    gen = _checks.rng(rng)
    axes = {
        "cycles": [_checks.integer("cycles", c, 2, whole_float=True)
                   for c in np.atleast_1d(cycles)],
        "effect": [float(v) for v in np.atleast_1d(effect)],
        "rho": [float(v) for v in np.atleast_1d(rho)],
        "sd": [float(v) for v in np.atleast_1d(sd)],
        "expectation": [float(v) for v in np.atleast_1d(expectation)],
    }
    out = []
    for n_cyc, eff, r, s_, ex in itertools.product(*axes.values()):
        k = min(n_schedules, n_trials) if design == "paired_random" else 1
        sizes = [n_trials // k + (1 if i < n_trials % k else 0) for i in range(k)]
        parts = []
        for size in sizes:
            sched = schedule(n_cyc, period_days=period_days, washout_days=washout_days,
                             design=design, rng=gen)
            parts.append(simulate_and_analyze(sched, size, effect=eff, sd=s_, rho=r,
                                              expectation=ex, methods=methods, rng=gen,
                                              **scenario))
        res = pd.concat(parts, ignore_index=True)
        tab = rejection_rates(res, methods=methods, alpha=a)
        tab.insert(0, "expectation", ex)
        tab.insert(0, "sd", s_)
        tab.insert(0, "rho", r)
        tab.insert(0, "effect", eff)
        tab.insert(0, "cycles", n_cyc)
        out.append(tab)
    return pd.concat(out, ignore_index=True)


def day_t_size_approx(sched, *, rho: float, alpha: float = 0.05) -> pd.DataFrame:
    """Large-sample type I error of the naive day-level t test under AR(1) noise.

    With equal numbers of analysed days per period the day-level difference of
    means equals the mean cycle difference, whose true variance is
    :func:`cycle_difference_variance`; the naive test assumes independent days,
    variance sd^2 (1/n_mat + 1/n_control). Its size is then about
    2 Phi(-z_{1 - alpha/2} sqrt(V_iid / V_true)) (normal approximation; it ignores
    the small downward bias of the day-level SD under autocorrelation).

    Returns
    -------
    pandas.DataFrame
        One row per rho: ``rho``, ``variance_ratio`` (V_true / V_iid, the variance
        inflation the day-level test ignores), ``size_approx``.
    """
    info = _validate_schedule(sched)
    a = _checks.alpha(alpha)
    kept = ~info["washout"]
    n_m = float(np.sum(kept & info["mat"]))
    n_c = float(np.sum(kept & ~info["mat"]))
    rows = []
    for r in np.atleast_1d(rho):
        v_true = cycle_difference_variance(sched, sd=1.0, rho=float(r))
        ratio = v_true / (1 / n_m + 1 / n_c)
        z = stats.norm.ppf(1 - a / 2)
        rows.append({"rho": float(r), "variance_ratio": ratio,
                     "size_approx": float(2 * stats.norm.sf(z / math.sqrt(ratio)))})
    return pd.DataFrame(rows)


def randomization_calibration(results: pd.DataFrame, cycles: int, *, levels: int = 6) -> pd.DataFrame:
    """Null distribution of the exact sign-flip p-values on their grid.

    With n cycles the exact two-sided p-value takes values k / 2^(n-1); under the
    null hypothesis P(p <= k / 2^(n-1)) = k / 2^(n-1) exactly, whatever the
    autocorrelation.

    Parameters
    ----------
    results : DataFrame
        ``analyze_many`` output (column ``randomization_pval``) for null trials.
    cycles : int
        Cycles per trial (all trials used every cycle).
    levels : int
        Number of grid points k = 1 .. levels to report.

    Returns
    -------
    pandas.DataFrame
        ``k``, ``p_level`` (k / 2^(n-1)), ``share_at_or_below`` (observed share of
        trials with p <= p_level), ``share_se`` (binomial SE at the exact share),
        ``n_trials``.
    """
    cycles = _checks.integer("cycles", cycles, 2)
    levels = _checks.integer("levels", levels, 1)
    p = results["randomization_pval"].to_numpy(dtype=float)
    p = p[np.isfinite(p)]
    total = 2 ** (cycles - 1)
    rows = []
    for k in range(1, min(levels, total) + 1):
        lvl = k / total
        rows.append({"k": k, "p_level": lvl,
                     "share_at_or_below": float(np.mean(p <= lvl + 1e-12)),
                     "share_se": math.sqrt(lvl * (1 - lvl) / p.size), "n_trials": p.size})
    return pd.DataFrame(rows)


def bayes_calibration(
    *,
    cycles: int = 6,
    rho=(0.0, 0.4, 0.7),
    effect: float = -1.0,
    n_null: int = 200_000,
    n_effect: int = 64_000,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = 1.2,
    prior_mean: float = 0.0,
    prior_sd: float = 2.0,
    alpha: float = 0.05,
    rng=None,
) -> pd.DataFrame:
    """Frequentist calibration of the ``bayes`` analysis against ``cycle_t``.

    For each ``rho`` the trials are spread evenly over every order the
    ``"paired_random"`` design can draw (all 2^cycles orders up to 12 cycles, else
    4096 random orders), so the rates are those of the randomized design. The cycle
    differences are drawn from their exact joint normal distribution under stationary
    AR(1) daily noise (the covariance of :func:`power_closed_form`, correlation between
    cycles included), which is what :func:`matstats.nof1.simulate` followed by the
    period means produces without missing days.

    Reported, with binomial Monte Carlo SEs:

    - ``direction_rate``: share of null trials in which the analysis decides a
      direction, P(benefit) < alpha/2 or > 1 - alpha/2 (target: at most about alpha);
      ``cycle_t_size``: the t test's type I error on the same trials;
    - ``coverage_null`` / ``coverage_effect``: share of equal-tailed (1 - alpha)
      credible intervals containing the true effect (0 / ``effect``);
    - ``power`` and ``cycle_t_power`` at ``effect`` on the same trials, and
      ``power_diff`` = power - cycle_t_power with the SE of the paired difference.

    Returns
    -------
    pandas.DataFrame
        One row per rho.
    """
    from matstats.nof1._bayes import posterior

    cycles = _checks.integer("cycles", cycles, 2, 20)
    n_null = _checks.integer("n_null", n_null, 1)
    n_effect = _checks.integer("n_effect", n_effect, 1)
    a = _checks.alpha(alpha)
    eff = _checks.finite("effect", effect)
    gen = _checks.rng(rng)
    if cycles <= 12:
        orders = np.array(list(itertools.product((1.0, -1.0), repeat=cycles)))
    else:
        orders = np.where(gen.random((4096, cycles)) < 0.5, -1.0, 1.0)
    n_ord = len(orders)
    tcrit = float(stats.t.ppf(1 - a / 2, cycles - 1))
    rows = []
    for r in np.atleast_1d(rho).tolist():
        p = _check_params(effect=eff, sd=sd, rho=r, trend=0, expectation=0,
                          expectation_half_life=None, carryover=0, carryover_half_life=None,
                          missing=0, mnar=0, mean=0)
        L = np.linalg.cholesky(_first_minus_second_cov(cycles, period_days, washout_days,
                                                       p["sd"], p["rho"]))
        out = {}
        for tag, delta, n in (("null", 0.0, n_null), ("effect", eff, n_effect)):
            per = -(-n // n_ord)
            stats_ = {"dir": 0, "cover": 0, "t": 0, "both": 0, "n": 0}
            for s in orders:
                F = L @ gen.standard_normal((cycles, per))
                D = s[:, None] * F + delta  # mat minus control, (cycles, trials)
                dbar = D.mean(axis=0)
                ss = ((D - dbar) ** 2).sum(axis=0)
                post = posterior(dbar, ss, cycles, prior_mean=prior_mean, prior_sd=prior_sd,
                                 mcid=0.0, quantiles=False, at=delta)
                pb = post["p_below0"]
                dec = (pb < a / 2) | (pb > 1 - a / 2)
                cov = (post["cdf_at"] > a / 2) & (post["cdf_at"] < 1 - a / 2)
                trej = np.abs(dbar) > tcrit * np.sqrt(ss / (cycles - 1) / cycles)
                stats_["dir"] += int(dec.sum())
                stats_["cover"] += int(cov.sum())
                stats_["t"] += int(trej.sum())
                stats_["both"] += int((dec != trej).sum())
                stats_["n"] += per
            out[tag] = stats_
        nn, ne = out["null"]["n"], out["effect"]["n"]

        def rate(k, m):
            return k / m, math.sqrt(k / m * (1 - k / m) / m)

        row = {"rho": float(r), "cycles": cycles, "n_orders": n_ord, "n_null": nn}
        row["direction_rate"], row["direction_rate_se"] = rate(out["null"]["dir"], nn)
        row["cycle_t_size"], row["cycle_t_size_se"] = rate(out["null"]["t"], nn)
        row["coverage_null"], row["coverage_null_se"] = rate(out["null"]["cover"], nn)
        row["n_effect"] = ne
        row["effect"] = eff
        row["power"], row["power_se"] = rate(out["effect"]["dir"], ne)
        row["cycle_t_power"], _ = rate(out["effect"]["t"], ne)
        row["power_diff"] = row["power"] - row["cycle_t_power"]
        # paired difference of two indicators: Var = (P(discordant) - diff^2) / n
        disc = out["effect"]["both"] / ne
        row["power_diff_se"] = math.sqrt(max(disc - row["power_diff"] ** 2, 0.0) / ne)
        row["coverage_effect"], row["coverage_effect_se"] = rate(out["effect"]["cover"], ne)
        rows.append(row)
    return pd.DataFrame(rows)
