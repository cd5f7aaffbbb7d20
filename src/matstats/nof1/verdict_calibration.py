"""Operating characteristics of the personal-trial verdict in real use, by simulation.

The whole verdict rule (:func:`matstats.nof1.verdict.verdict_fit`) is applied to simulated
trials of every way the site tells people to test a mat, vectorised, with period means drawn
from their exact joint normal distribution (:func:`simulate_period_means`):
:func:`verdict_calibration` (null trials), :func:`provisional_alpha_table` (the simulation
that chose :data:`matstats.nof1.verdict.PROVISIONAL_ALPHA`), :func:`verdict_power` (the chance
of a 'benefit' verdict) and :func:`series_calibration` (a clinic series).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from matstats._core import checks as _checks
from matstats.literature import NOF1_DEFAULTS, NOF1_EXPECTATION_BIAS
from matstats.nof1._bayes import posterior_t
from matstats.nof1._cycle_cov import period_mean_cov
from matstats.nof1.design import DESIGNS
from matstats.nof1.verdict import (
    DIRECTIONAL_LABELS,
    MIN_DIRECTION_CYCLES,
    paired_fit,
    verdict_fit,
)

__all__ = ["provisional_alpha_table", "series_calibration", "verdict_calibration",
           "verdict_power"]

#: The rows of the calibration table: (design, comparator, cycles, rho, trend, looks).
#: ``looks`` is ``"end"`` (the verdict read once, after all cycles) or ``"every"`` (read after
#: every cycle from 2 on, stopping at the first directional claim; provisional before the
#: last). The open ("no_mat") rows carry the expectation bias of
#: ``literature.NOF1_EXPECTATION_BIAS`` (0.5 points) on the mat periods; trend is points/day.
CALIBRATION_SETTINGS = (
    *[("paired_random", "sham", c, 0.4, 0.0, "end") for c in (2, 3, 4, 6, 8, 12)],
    *[("paired_random", "sham", 6, r, 0.0, "end") for r in (0.0, 0.7)],
    *[("paired_random", "no_mat", c, 0.4, 0.0, "end") for c in (2, 4, 6, 10, 12)],
    *[("abab", "sham", c, 0.4, 0.05, "end") for c in (4, 6, 8)],
    ("abab", "no_mat", 6, 0.4, 0.05, "end"),
    *[("paired_random", "sham", c, 0.4, 0.05, "end") for c in (4, 8)],
    *[("alternating", "sham", c, 0.7, 0.0, "end") for c in (4, 6, 8)],
    ("alternating", "sham", 6, 0.4, 0.05, "end"),
    *[("paired_random", "sham", 6, r, 0.0, "every") for r in (0.0, 0.4, 0.7)],
    ("paired_random", "no_mat", 6, 0.4, 0.0, "every"),
    ("abab", "sham", 6, 0.4, 0.05, "every"),
    ("paired_random", "sham", 12, 0.4, 0.0, "every"),
)
#: Columns of :func:`verdict_calibration`.
CALIBRATION_COLUMNS = ("design", "comparator", "cycles", "rho", "trend", "looks",
                       "expectation_bias", "n_trials", "direction_rate", "direction_rate_se",
                       "benefit_rate", "coverage", "coverage_se")


def simulate_period_means(cycles: int, n_trials: int, *, design: str = "paired_random",
                          effect: float = 0.0, sd: float = NOF1_DEFAULTS["sd"],
                          rho: float = NOF1_DEFAULTS["rho"], trend: float = 0.0,
                          expectation: float = 0.0,
                          period_days: int = NOF1_DEFAULTS["period_days"],
                          washout_days: int = NOF1_DEFAULTS["washout_days"], rng=None):
    """Period means of many simulated trials, from their exact joint normal distribution
    under the daily model of :func:`matstats.nof1.simulate` (``trend`` in points/day;
    ``effect`` and ``expectation`` added on mat days), without missing days.

    Returns
    -------
    (means, times, mat) : arrays
        ``means`` and ``mat`` of shape (n_trials, 2 x cycles) (period means of the non-washout
        days in time order; True for mat periods), ``times`` of shape (2 x cycles,) (mean
        0-based day of each period's non-washout days).

    Examples
    --------
    >>> m, t, x = simulate_period_means(3, 4, design="abab", rng=1)
    >>> m.shape, t.tolist()[:2], x[0].tolist()
    ((4, 6), [3.5, 10.5], [True, False, True, False, True, False])
    """
    cycles = _checks.integer("cycles", cycles, 2, 50)
    n_trials = _checks.integer("n_trials", n_trials, 1)
    _checks.size_limit("n_trials x periods", n_trials * 2 * cycles, what="period means")
    _checks.one_of("design", design, DESIGNS)
    period_days = _checks.integer("period_days", period_days, 1)
    washout_days = _checks.integer("washout_days", washout_days, 0, period_days - 1)
    sd = _checks.positive("sd", sd)
    rho = _checks.in_range("rho", rho, -0.99, 0.99)
    gen = _checks.rng(rng)
    L = np.linalg.cholesky(period_mean_cov(2 * cycles, period_days, washout_days, sd, rho))
    noise = gen.standard_normal((n_trials, 2 * cycles)) @ L.T
    if design == "paired_random":
        mat_first = gen.random((n_trials, cycles)) < 0.5
    elif design == "abab":
        mat_first = np.ones((n_trials, cycles), dtype=bool)
    else:
        mat_first = np.broadcast_to(np.arange(cycles) % 2 == 0, (n_trials, cycles))
    mat = np.empty((n_trials, 2 * cycles), dtype=bool)
    mat[:, 0::2], mat[:, 1::2] = mat_first, ~mat_first
    times = np.arange(2 * cycles) * period_days + (washout_days + period_days - 1) / 2.0
    means = noise + trend * times + (effect + expectation) * mat
    return means, times, mat


def _rate(k: float, n: int) -> tuple[float, float]:
    p = k / n
    return p, math.sqrt(p * (1.0 - p) / n)


def _judge(cycles, n_trials, comparator, looks, *, bias, gen, **model):
    """Simulate trials (:func:`simulate_period_means` with ``model``; the expectation bias on
    mat periods for ``"no_mat"``) and judge them at ``looks`` (:data:`CALIBRATION_SETTINGS`):
    per trial, whether a direction was claimed, whether it was a benefit, and whether the
    interval quoted at the look where the trial stopped contains 0."""
    open_ = comparator == "no_mat"
    means, times, mat = simulate_period_means(cycles, n_trials, rng=gen, **model,
                                              expectation=-bias.mean if open_ else 0.0)
    first = 2 if looks == "every" else cycles
    claimed = np.zeros(n_trials, dtype=bool)
    benefit = np.zeros(n_trials, dtype=bool)
    covered = np.zeros(n_trials, dtype=bool)
    for k in range(first, cycles + 1):
        active = ~claimed
        if not active.any():
            break
        r = verdict_fit(means[active, :2 * k], times[:2 * k], mat[active, :2 * k],
                        n_cycles=k, planned_cycles=cycles, open_comparison=open_, bias=bias,
                        quantiles=False, at=0.0)
        a = (1.0 - r["level"]) / 2.0
        cov = (r["cdf_at"] > a) & (r["cdf_at"] < 1.0 - a)
        dec = np.isin(r["label"], DIRECTIONAL_LABELS)
        idx = np.flatnonzero(active)
        stop = dec | (k == cycles)
        covered[idx[stop]] = cov[stop]
        benefit[idx[dec]] = np.isin(r["label"][dec], DIRECTIONAL_LABELS[:2])
        claimed[idx[dec]] = True
    return claimed, benefit, covered


def verdict_calibration(settings=CALIBRATION_SETTINGS, *, n_trials: int = 40_000,
                        bias=NOF1_EXPECTATION_BIAS, rng=None) -> pd.DataFrame:
    """False-claim rate and interval coverage of the verdict rule with no true effect.

    Each setting is simulated with ``n_trials`` null trials (:func:`simulate_period_means`,
    sd and period lengths of ``literature.NOF1_DEFAULTS``) and judged by
    :func:`matstats.nof1.verdict.verdict_fit` exactly as :func:`matstats.nof1.analyze`
    judges a diary, at the looks of the setting (:data:`CALIBRATION_SETTINGS`).

    Parameters
    ----------
    settings : sequence of tuples
        (design, comparator, cycles, rho, trend, looks); default :data:`CALIBRATION_SETTINGS`.
    n_trials : int
        Simulated trials per setting.
    bias : literature.Prior
        Expectation bias of the open rows: its mean is the true bias of the simulation and the
        prior is the one the verdict uses.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    pandas.DataFrame
        One row per setting with :data:`CALIBRATION_COLUMNS`: the setting,
        ``expectation_bias`` (true bias on mat periods, points of apparent benefit),
        ``n_trials``, ``direction_rate`` (share of trials with a directional verdict at any
        look, i.e. a false claim) and its Monte Carlo SE ``direction_rate_se``,
        ``benefit_rate`` (the part claiming a benefit), ``coverage`` (share whose quoted
        interval, at the look where the trial stopped, contains the true effect 0) and
        ``coverage_se``.

    Examples
    --------
    >>> tab = verdict_calibration([("abab", "sham", 6, 0.4, 0.05, "end")], n_trials=2000,
    ...                           rng=1)
    >>> bool(tab["direction_rate"].iloc[0] < 0.08)
    True
    """
    n_trials = _checks.integer("n_trials", n_trials, 1)
    gen = _checks.rng(rng)
    rows = []
    for design, comparator, cycles, rho, trend, looks in settings:
        _checks.one_of("comparator", comparator, ("sham", "no_mat"))
        _checks.one_of("looks", looks, ("end", "every"))
        claimed, benefit, covered = _judge(int(cycles), n_trials, comparator, looks, bias=bias,
                                           gen=gen, design=design, rho=float(rho),
                                           trend=float(trend))
        rows.append((design, comparator, int(cycles), float(rho), float(trend), looks,
                     bias.mean if comparator == "no_mat" else 0.0, n_trials,
                     *_rate(claimed.sum(), n_trials), benefit.mean(),
                     *_rate(covered.sum(), n_trials)))
    return pd.DataFrame(rows, columns=list(CALIBRATION_COLUMNS))


def provisional_alpha_table(alphas=(0.001, 0.002, 0.003, 0.005, 0.01), *,
                            planned=(6, 12), rho=(0.0, 0.4, 0.7), n_trials: int = 40_000,
                            rng=None) -> pd.DataFrame:
    """How the provisional threshold was chosen: the false-claim rate of a person who checks
    after every cycle and stops at the first claim, for candidate provisional sizes.

    Paired-random null trials (:func:`simulate_period_means`); the verdict after the last
    planned cycle uses the usual 95% rule, every earlier one (3 cycles or more; 2 give no
    direction) the candidate two-sided size alpha.

    Returns
    -------
    pandas.DataFrame
        One row per planned x rho x alpha: ``planned``, ``rho``, ``alpha_provisional``,
        ``final_only`` (rate of the last look alone), ``rate`` (any look), ``rate_se``
        (Monte Carlo SE), ``n_trials``.

    Examples
    --------
    >>> t = provisional_alpha_table((0.001,), planned=(6,), rho=(0.4,), n_trials=2000, rng=1)
    >>> bool(t["rate"].iloc[0] >= t["final_only"].iloc[0])
    True
    """
    n_trials = _checks.integer("n_trials", n_trials, 1)
    gen = _checks.rng(rng)
    rows = []
    for P in planned:
        P = _checks.integer("planned", P, MIN_DIRECTION_CYCLES, 50)
        for r in np.atleast_1d(rho).tolist():
            means, _, mat = simulate_period_means(P, n_trials, rho=r, rng=gen)
            pb = {}
            for k in range(MIN_DIRECTION_CYCLES, P + 1):
                est, s2, df = paired_fit(means[:, :2 * k], mat[:, :2 * k])
                pb[k] = posterior_t(est, s2, df, prior_mean=0.0, prior_sd=2.0, mcid=0.0,
                                    quantiles=False)["p_below0"]
            final = (pb[P] > 0.975) | (pb[P] < 0.025)
            for a in alphas:
                anyk = final.copy()
                for k in range(MIN_DIRECTION_CYCLES, P):
                    anyk |= (pb[k] > 1 - a / 2) | (pb[k] < a / 2)
                rate, se = _rate(anyk.sum(), n_trials)
                rows.append(dict(planned=P, rho=r, alpha_provisional=a,
                                 final_only=final.mean(), rate=rate, rate_se=se,
                                 n_trials=n_trials))
    return pd.DataFrame(rows)



#: Settings of the clinic-series calibration: (tau, pool).
SERIES_SETTINGS = ((0.0, "bayes"), (0.4, "bayes"), (0.0, "reml"), (0.4, "reml"))


def series_calibration(settings=SERIES_SETTINGS, *, n_series: int = 1000, persons=(6, 12),
                       cycles=(3, 8), level: float = 0.95, rng=None) -> pd.DataFrame:
    """Person verdicts and the new-person prediction interval of clinic series with no
    average effect: each has a random number of persons (uniform on ``persons``) with unequal
    cycles (each uniform on ``cycles``) and person effects N(0, tau^2)
    (:func:`matstats.nof1.simulate_series`), analysed by :func:`matstats.nof1.analyze_series`
    with ``pool``.

    Returns
    -------
    pandas.DataFrame
        One row per setting: ``tau``, ``pool``, ``n_series``, ``n_persons`` (persons in all
        series), ``wrong_rate`` (share of persons whose directional verdict, better or worse
        on the mat, has the wrong sign of their true effect; with tau 0 every directional
        verdict is wrong) and its Monte Carlo SE ``wrong_rate_se``, ``pi_coverage`` (share of
        series whose ``level`` prediction interval contains a new person's effect) and
        ``pi_coverage_se``, ``disagree`` (persons whose P(benefit) and interval disagree:
        P(benefit) > 1 - a with the interval's lower benefit bound <= 0, or the reverse).

    Examples
    --------
    >>> t = series_calibration([(0.4, "bayes")], n_series=5, rng=1)
    >>> int(t["disagree"].iloc[0])
    0
    """
    from matstats.nof1.series_analysis import analyze_series
    from matstats.nof1.series_sim import simulate_series

    n_series = _checks.integer("n_series", n_series, 1)
    gen = _checks.rng(rng)
    a = (1.0 - _checks.level(level)) / 2.0
    rows = []
    for tau, pool in settings:
        wrong = total = cover = disagree = 0
        for _ in range(n_series):
            k = int(gen.integers(persons[0], persons[1] + 1))
            cyc = gen.integers(cycles[0], cycles[1] + 1, size=k)
            sim = simulate_series(k, cyc, 1, effect=0.0, tau=float(tau), rng=gen)
            res = analyze_series(sim, level=level, pool=pool)
            p = res.persons
            true = sim.person_effect[0]
            v = p["verdict"].to_numpy()
            better = np.isin(v, ("benefit", "important_benefit"))
            worse = v == "worse_on_mat"
            wrong += int((better & (true >= 0)).sum() + (worse & (true <= 0)).sum())
            total += k
            new = float(gen.normal(0.0, tau)) if tau > 0 else 0.0
            cover += int(res.pi_low <= new <= res.pi_high)
            pb = p["prob_benefit"].to_numpy()
            lo_b = -p["shrunken_ci_high"].to_numpy()  # benefit scale, lower is better
            disagree += int(((pb > 1 - a) != (lo_b > 0)).sum())
        w, wse = _rate(wrong, total)
        c, cse = _rate(cover, n_series)
        rows.append(dict(tau=float(tau), pool=pool, n_series=n_series, n_persons=total,
                         wrong_rate=w, wrong_rate_se=wse, pi_coverage=c, pi_coverage_se=cse,
                         disagree=disagree))
    return pd.DataFrame(rows)


def verdict_power(effect, cycles, *, comparator: str = "sham", design: str = "paired_random",
                  sd: float = NOF1_DEFAULTS["sd"], rho: float = NOF1_DEFAULTS["rho"],
                  trend: float = 0.0, period_days: int = NOF1_DEFAULTS["period_days"],
                  washout_days: int = NOF1_DEFAULTS["washout_days"], n_trials: int = 4000,
                  bias=NOF1_EXPECTATION_BIAS, rng=None) -> pd.DataFrame:
    """Share of trials whose verdict (:func:`matstats.nof1.verdict.verdict_fit`, as a diary
    gets it) finds a benefit: the power all planning advice quotes (``matstats nof1 power``,
    ``matstats nof1 plan``).

    Parameters
    ----------
    effect : float or sequence of float
        True mat effect, points (negative = lower score on the mat).
    cycles : int or sequence of int
        Planned cycles (the verdict is read once, after all of them).
    comparator : {"sham", "no_mat"}
        ``"no_mat"`` adds the expectation bias ``bias.mean`` on mat periods and judges the
        benefit beyond it.
    design, sd, rho, trend, period_days, washout_days
        Order and daily model, as :func:`simulate_period_means`.
    n_trials, bias, rng
        As in :func:`verdict_calibration` (trials per effect x cycles).

    Returns
    -------
    pandas.DataFrame
        One row per effect x cycles: ``effect``, ``cycles``, ``comparator``, ``design``,
        ``power`` (share with ``"benefit_likely"`` or ``"small_benefit_likely"``),
        ``power_se`` (Monte Carlo SE), ``n_trials``.

    Examples
    --------
    >>> t = verdict_power(-2.0, [4, 8], n_trials=500, rng=1)
    >>> bool(t["power"].iloc[1] > t["power"].iloc[0])
    True
    """
    _checks.one_of("comparator", comparator, ("sham", "no_mat"))
    n_trials = _checks.integer("n_trials", n_trials, 1)
    gen = _checks.rng(rng)
    rows = []
    for eff in _checks.vector("effect", effect).tolist():
        for c in np.atleast_1d(cycles).tolist():
            c = _checks.integer("cycles", c, 2, 50)
            _, benefit, _ = _judge(c, n_trials, comparator, "end", bias=bias, gen=gen,
                                   design=design, effect=eff, sd=sd, rho=rho, trend=trend,
                                   period_days=period_days, washout_days=washout_days)
            p, se = _rate(benefit.sum(), n_trials)
            rows.append(dict(effect=float(eff), cycles=c, comparator=comparator, design=design,
                             power=p, power_se=se, n_trials=n_trials))
    return pd.DataFrame(rows)
