"""Operating characteristics and calibration of the n-of-1 analysis methods: decision rules,
rejection rates over simulated trials, the size of the naive day-level t test, and the
calibration of the randomization test and of the Bayesian analysis."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from matstats.literature import NOF1_DEFAULTS, NOF1_EFFECT_PRIOR
from matstats._core import checks as _checks
from matstats.nof1._bayes import posterior
from matstats.nof1._cycle_cov import _first_minus_second_cov, cycle_difference_variance
from matstats.nof1.analysis import METHODS, _check_methods, simulate_and_analyze
from matstats.nof1.design import DESIGNS, _validate_schedule, schedule
from matstats.nof1.simulate import check_settings

__all__ = [
    "rejection_rates",
    "operating_characteristics",
    "day_t_size_approx",
    "randomization_calibration",
    "bayes_calibration",
]


def rejections(results: pd.DataFrame, method: str, alpha: float = 0.05) -> np.ndarray:
    """Does ``method`` declare an effect in each trial (rules: :func:`rejection_rates`)?"""
    method = _check_methods(method)[0]
    a = _checks.alpha(alpha)
    if method == "bayes":
        pb = results["bayes_p_benefit"].to_numpy()
        return (pb > 1 - a / 2) | (pb < a / 2)
    return results[f"{method}_pval"].to_numpy() < a


def rejection_rates(results: pd.DataFrame, *, methods=None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of trials in which each method declares an effect, with its Monte Carlo SE.

    ``cycle_t``, ``gls_ar1``, ``randomization`` and ``day_t`` declare an effect when their
    two-sided p < ``alpha``; ``bayes`` when it decides a direction, P(benefit) > 1 - alpha/2 or
    < alpha/2 (its equal-tailed (1 - alpha) credible interval excludes 0; calibrated, see
    :func:`bayes_calibration`). A trial the method could not analyse (NaN) counts as not
    declaring one.

    Parameters
    ----------
    results : DataFrame
        Output of :func:`matstats.nof1.analyze_many` (or ``simulate_and_analyze``).
    methods : sequence of str, optional
        Methods to summarise; default: every method present in ``results``.
    alpha : float
        Two-sided level.

    Returns
    -------
    pandas.DataFrame
        One row per method: ``method``, ``rate`` (share rejecting), ``rate_se``
        (binomial SE sqrt(rate (1 - rate) / n_trials)), ``mean_estimate`` and
        ``sd_estimate`` (of the method's effect estimate over analysed trials),
        ``n_trials``, ``n_not_analysed``.

    Examples
    --------
    >>> from matstats.nof1 import analyze_many, schedule, simulate
    >>> sched = schedule(6, design="alternating")
    >>> res = analyze_many(sched, simulate(sched, 200, effect=-2.0, rng=1), methods="cycle_t")
    >>> float(rejection_rates(res)["rate"].iloc[0]) > 0.8
    True
    """
    if methods is None:
        methods = [m for m in METHODS if f"{m}_estimate" in results.columns]
    methods = _check_methods(methods)
    a = _checks.alpha(alpha)
    rows = []
    n = len(results)
    for m in methods:
        rej = rejections(results, m, a)
        est = results[f"{m}_estimate"].to_numpy(dtype=float)
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
        ``expectation``, then the columns of :func:`rejection_rates`. With ``effect`` 0 and
        no bias the rate is the type I error; otherwise it is the power (or, with an
        expectation bias and no effect, the rate of false "benefit" findings).
    """
    methods = _check_methods(methods)
    n_trials = _checks.integer("n_trials", n_trials, 1)
    _checks.size_limit("n_trials", n_trials * len(_checks.vector("effect", effect)),
                       what="simulated trials")
    n_schedules = _checks.integer("n_schedules", n_schedules, 1)
    a = _checks.alpha(alpha)
    _checks.one_of("design", design, DESIGNS)
    check_settings(**{k: v for k, v in scenario.items() if k != "rating_scale"})
    gen = _checks.rng(rng)
    axes = {
        "cycles": [_checks.integer("cycles", c, 2, whole_float=True)
                   for c in np.atleast_1d(cycles)],
        **{k: [float(v) for v in np.atleast_1d(x)] for k, x in
           (("effect", effect), ("rho", rho), ("sd", sd), ("expectation", expectation))},
    }
    out = []
    for n_cyc, eff, r, s_, ex in itertools.product(*axes.values()):
        k = min(n_schedules, n_trials) if design == "paired_random" else 1
        sizes = [n_trials // k + (1 if i < n_trials % k else 0) for i in range(k)]
        parts = [simulate_and_analyze(schedule(n_cyc, period_days=period_days,
                                               washout_days=washout_days, design=design, rng=gen),
                                      size, effect=eff, sd=s_, rho=r, expectation=ex,
                                      methods=methods, rng=gen, **scenario) for size in sizes]
        tab = rejection_rates(pd.concat(parts, ignore_index=True), methods=methods, alpha=a)
        for col, v in reversed(list(zip(axes, (n_cyc, eff, r, s_, ex)))):
            tab.insert(0, col, v)
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
    sd: float = NOF1_DEFAULTS["sd"],
    prior_mean: float = 0.0,
    prior_sd: float = NOF1_EFFECT_PRIOR.sd,
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
        p = check_settings(effect=eff, sd=sd, rho=r)
        L = np.linalg.cholesky(_first_minus_second_cov(cycles, period_days, washout_days,
                                                       p["sd"], p["rho"]))
        out = {}
        for tag, delta, n in (("null", 0.0, n_null), ("effect", eff, n_effect)):
            per = -(-n // n_ord)
            counts = dict.fromkeys(("dir", "cover", "t", "both"), 0)
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
                for k, hit in (("dir", dec), ("cover", cov), ("t", trej), ("both", dec != trej)):
                    counts[k] += int(hit.sum())
            out[tag] = counts | {"n": per * n_ord}
        row = {"rho": float(r), "cycles": cycles, "n_orders": n_ord, "n_null": out["null"]["n"]}

        def rate(name, tag, k, se=True):
            x = row[name] = out[tag][k] / out[tag]["n"]
            if se:
                row[f"{name}_se"] = math.sqrt(x * (1 - x) / out[tag]["n"])

        rate("direction_rate", "null", "dir")
        rate("cycle_t_size", "null", "t")
        rate("coverage_null", "null", "cover")
        ne = row["n_effect"] = out["effect"]["n"]
        row["effect"] = eff
        rate("power", "effect", "dir")
        rate("cycle_t_power", "effect", "t", se=False)
        row["power_diff"] = row["power"] - row["cycle_t_power"]
        # paired difference of two indicators: Var = (P(discordant) - diff^2) / n
        disc = out["effect"]["both"] / ne
        row["power_diff_se"] = math.sqrt(max(disc - row["power_diff"] ** 2, 0.0) / ne)
        rate("coverage_effect", "effect", "cover")
        rows.append(row)
    return pd.DataFrame(rows)

