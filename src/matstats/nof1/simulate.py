"""Vectorised simulation of daily ratings in n-of-1 trials (stationary AR(1) noise)."""

from __future__ import annotations

import math

import numpy as np

from matstats.literature import NOF1_DEFAULTS
from matstats._core import checks as _checks
from matstats.nof1.design import _validate_schedule

__all__ = ["simulate", "mean_profile", "CHUNK_SIZE"]

#: Trials are drawn in blocks of this many; the block size is part of the
#: definition of the random stream (same seed + same block size -> same numbers).
CHUNK_SIZE = 8192


#: |effect|, |trend|, |expectation|, |mean| and sd may be at most this large: ratings then
#: stay finite (and their squares too) whatever the schedule length.
MAX_ABS_PARAMETER = 1e9


#: Defaults of the model settings of :func:`simulate` after ``effect``, ``sd`` and ``rho``.
_SCENARIO = dict(trend=0.0, expectation=0.0, expectation_half_life=None, carryover=0.0,
                 carryover_half_life=1.0, missing=0.0, mnar=0.0, mean=5.5)
_MODEL_KEYWORDS = ("effect", "sd", "rho", *_SCENARIO)


def check_settings(*, effect: float = 0.0, sd: float = NOF1_DEFAULTS["sd"],
                   rho: float = NOF1_DEFAULTS["rho"], **scenario) -> dict:
    """The model settings of :func:`simulate` (the keywords after the schedule; defaults as
    there) checked, without simulating: a caller can refuse bad settings before any output."""
    unknown = sorted(set(scenario) - set(_SCENARIO))
    if unknown:
        raise ValueError(f"unknown simulation setting(s) {unknown}; allowed: {sorted(_SCENARIO)}")
    p = {"effect": effect, "sd": sd, "rho": rho, **_SCENARIO, **scenario}
    for name in ("effect", "sd", "rho", "trend", "expectation", "carryover", "missing", "mnar",
                 "mean"):
        if name in ("carryover", "missing"):
            p[name] = _checks.in_range(name, p[name], 0, 1, open_high=name == "missing")
        elif name in ("rho", "mnar"):
            p[name] = _checks.finite(name, p[name])
        else:
            p[name] = _checks.in_range(name, p[name], -MAX_ABS_PARAMETER, MAX_ABS_PARAMETER)
    if p["sd"] <= 0:
        raise ValueError(f"sd must be > 0, got {sd!r}")
    if not -1 < p["rho"] < 1:
        raise ValueError(f"rho must lie strictly between -1 and 1, got {rho!r}")
    for name in ("expectation_half_life", "carryover_half_life"):
        hl = p[name]
        if hl is not None:
            p[name] = _checks.finite(name, hl)
            if p[name] <= 0:
                raise ValueError(f"{name} must be > 0 (or None for no decay), got {hl!r}")
    return p


def mean_profile(sched, *, effect: float, **scenario) -> np.ndarray:
    """Expected daily rating (without noise) for a schedule; ``effect`` and the model
    keywords ``scenario`` (``trend``, ``expectation``, ``carryover``, ``mean``, ...) as
    :func:`simulate` (its noise and missingness settings are checked but change nothing here).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_days,)``, the noise-free rating of each day.

    Examples
    --------
    >>> from matstats.nof1 import schedule
    >>> mean_profile(schedule(2, period_days=2, design="abab"), effect=-1.0).tolist()
    [4.5, 4.5, 5.5, 5.5, 4.5, 4.5, 5.5, 5.5]
    """
    info = _validate_schedule(sched)
    return _mean_profile(info, check_settings(effect=effect, **scenario))


def _mean_profile(info: dict, p: dict) -> np.ndarray:
    n_days = info["n_days"]
    mat = info["mat"].astype(float)
    t = np.arange(n_days, dtype=float)
    mu = p["mean"] + p["trend"] * t + p["effect"] * mat
    if p["expectation"] != 0.0:
        cyc = info["cycle_index"].astype(float)  # 0-based cycle
        hl = p["expectation_half_life"]
        decay = np.ones(n_days) if hl is None else 2.0 ** (-cyc / hl)
        mu = mu + p["expectation"] * mat * decay
    if p["carryover"] != 0.0 and p["effect"] != 0.0:
        period = info["period"]
        # condition of the previous period, for each day
        starts = np.flatnonzero(np.r_[True, np.diff(period) != 0])
        period_mat = info["mat"][starts]
        prev_mat = np.r_[False, period_mat[:-1]]
        day_prev_mat = prev_mat[np.searchsorted(starts, np.arange(n_days), side="right") - 1]
        hl = p["carryover_half_life"]
        d = info["day_in_period"].astype(float) - 1.0
        kernel = np.ones(n_days) if hl is None else 2.0 ** (-d / hl)
        carry = np.where(day_prev_mat & ~info["mat"], p["carryover"] * p["effect"] * kernel, 0.0)
        mu = mu + carry
    return mu


def _ar1_inplace(z: np.ndarray, rho: float, sd: float) -> np.ndarray:
    """Turn iid N(0, 1) draws of shape (n_days, chunk) into stationary AR(1) noise.

    Time is the leading axis so that every step of the recursion reads and
    writes one contiguous row of ``chunk`` trials. Marginal SD is ``sd``:
    e_0 = sd * z_0 and e_t = rho * e_{t-1} + sd * sqrt(1 - rho^2) * z_t.
    """
    z[0] *= sd
    if z.shape[0] > 1:
        z[1:] *= sd * math.sqrt(1.0 - rho * rho)
        if rho != 0.0:
            tmp = np.empty_like(z[0])
            for t in range(1, z.shape[0]):
                np.multiply(z[t - 1], rho, out=tmp)
                z[t] += tmp
    return z


def _draw_chunk(gen, mu: np.ndarray, p: dict, rating_scale: bool, buf: np.ndarray) -> np.ndarray:
    """Draw trials into ``buf``, shape (n_days, n) (time leading)."""
    gen.standard_normal(out=buf)
    _ar1_inplace(buf, p["rho"], p["sd"])
    buf += mu[:, None]
    if p["missing"] > 0.0 or p["mnar"] != 0.0:
        u = gen.random(buf.shape)
        prob = p["missing"]  # no day is missing when missing is 0, whatever mnar
        if p["mnar"] != 0.0 and p["missing"] != 0.0:
            logit0 = math.log(p["missing"] / (1.0 - p["missing"]))
            prob = 1.0 / (1.0 + np.exp(-(logit0 + p["mnar"] * (buf - p["mean"]))))
        buf[u < prob] = np.nan
    if rating_scale:
        np.rint(buf, out=buf)
        np.clip(buf, 0.0, 10.0, out=buf)
    return buf


def _iter_chunks(sched, n_trials, params, *, rating_scale, rng, chunk_size):
    """Yield (start, stop, y_chunk) with y_chunk of shape (n_days, stop - start)."""
    info = _validate_schedule(sched)
    n_trials = _checks.integer("n_trials", n_trials, 1)
    chunk_size = _checks.integer("chunk_size", chunk_size, 1)
    mu = _mean_profile(info, params)
    gen = _checks.rng(rng)
    buf = np.empty((info["n_days"], min(chunk_size, n_trials)))
    for start in range(0, n_trials, chunk_size):
        stop = min(start + chunk_size, n_trials)
        b = buf if stop - start == buf.shape[1] else np.empty((info["n_days"], stop - start))
        yield start, stop, _draw_chunk(gen, mu, params, rating_scale, b)


def simulate(
    schedule,
    n_trials: int,
    *,
    effect: float,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    trend: float = 0.0,
    expectation: float = 0.0,
    expectation_half_life: float | None = None,
    carryover: float = 0.0,
    carryover_half_life: float | None = 1.0,
    missing: float = 0.0,
    mnar: float = 0.0,
    mean: float = 5.5,
    rating_scale: bool = False,
    rng=None,
    chunk_size: int = CHUNK_SIZE,
) -> np.ndarray:
    """Simulate daily ratings for many replicate trials of one schedule.

    Model, for day t = 0, 1, ... with mat indicator
    X_t and 0-based cycle c(t)::

        Y_t = mean + trend * t + effect * X_t
              + expectation * X_t * 2 ** (-c(t) / expectation_half_life)
              + carry_t + e_t,
        e_t = rho * e_{t-1} + a_t,  a_t ~ N(0, sd^2 (1 - rho^2)),  e_0 ~ N(0, sd^2)

    so the noise is a stationary AR(1) process with marginal SD ``sd``.
    ``carry_t = carryover * effect * 2 ** (-(d - 1) / carryover_half_life)`` on
    day d (1-based) of a control period that follows a mat period, else 0.

    Parameters
    ----------
    schedule : pandas.DataFrame
        Output of :func:`matstats.nof1.schedule`.
    n_trials : int
        Number of replicate trials.
    effect : float
        True mat effect in rating points on mat days (negative = less pain).
    sd, rho : float, default 1.2, 0.4
        Marginal within-person SD and lag-1 autocorrelation (in (-1, 1)) of the daily noise
        (``literature.NOF1_DEFAULTS``).
    trend : float, default 0.0
        Linear drift in points per day.
    expectation : float, default 0.0
        Expectation (placebo) bias on mat days when the comparator is not a credible sham,
        signed as ``effect`` (-0.5 for an apparent 0.5-point benefit,
        ``literature.NOF1_EXPECTATION_BIAS``).
    expectation_half_life : float or None, default None
        Half-life of the expectation bias in cycles; None = constant.
    carryover : float, default 0.0
        Fraction of ``effect`` carried into a control period that follows a mat period, in
        [0, 1].
    carryover_half_life : float or None, default 1.0
        Half-life of the carryover in days; None = constant over the period.
    missing : float, default 0.0
        Probability a day is missing; completely at random unless ``mnar`` is set.
    mnar : float, default 0.0
        Missing not at random: the log-odds of missingness rise by ``mnar`` per point the
        (latent) rating lies above ``mean``; ``missing`` is then the probability at the mean.
    mean : float, default 5.5
        Mean rating on comparator days at day 0 (an assumption: mid-scale pain).
    rating_scale : bool, default False
        Round to integers and clip to the 0-10 rating scale.
    rng : None, int or numpy.random.Generator
        Seed or generator, normalised with ``numpy.random.default_rng``.
    chunk_size : int, default CHUNK_SIZE
        Trials drawn per block (bounds memory; part of the random stream's definition).

    Limits: ``n_trials x n_days <= matstats._core.checks.MAX_ELEMENTS`` (2**27); ``|effect|``,
    ``|trend|``, ``|expectation|``, ``|mean|`` and ``sd`` at most ``MAX_ABS_PARAMETER``
    (1e9), else a ValueError names the parameter and the limit.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_trials, n_days)``, NaN where a day is missing; stored time-major (Fortran
        order), which the analyses use without copying.

    Examples
    --------
    >>> from matstats.nof1 import schedule
    >>> simulate(schedule(6), 100, effect=-1.0, rng=1).shape
    (100, 84)
    """
    params = check_settings(
        effect=effect, sd=sd, rho=rho, trend=trend, expectation=expectation,
        expectation_half_life=expectation_half_life, carryover=carryover,
        carryover_half_life=carryover_half_life, missing=missing, mnar=mnar, mean=mean,
    )
    info = _validate_schedule(schedule)
    n_trials = _checks.integer("n_trials", n_trials, 1)
    _checks.size_limit("n_trials x days", n_trials * info["n_days"], what="simulated ratings")
    out = np.empty((info["n_days"], int(n_trials)))
    for start, stop, y in _iter_chunks(
        schedule, int(n_trials), params, rating_scale=rating_scale, rng=rng, chunk_size=chunk_size
    ):
        out[:, start:stop] = y
    return out.T
