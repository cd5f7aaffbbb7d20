"""Simulate a series of personal (n-of-1) mat trials: many persons, many replicate series
(:func:`simulate_series`: the single-trial model of :func:`matstats.nof1.simulate` with a
random intercept and a random treatment effect per person)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from matstats._core import checks as _checks
from matstats.literature import NOF1_DEFAULTS, NRS_SD
from matstats.nof1 import schedule, simulate
from matstats.nof1.design import DESIGNS
from matstats.nof1.simulate import check_settings

__all__ = ["SeriesSimulation", "simulate_series"]


@dataclass(frozen=True, eq=False)
class SeriesSimulation:
    """Simulated ratings of ``n_series`` replicate series of ``n_persons`` n-of-1 trials.

    Attributes
    ----------
    y : numpy.ndarray
        Daily ratings, shape ``(n_series, n_persons, max_days)``; NaN on missing days and on
        the days after a person's last cycle (padding).
    mat_first : numpy.ndarray
        bool, shape ``(n_series, n_persons, max_cycles)``: True when the mat period comes
        first in that cycle (False on padded cycles).
    cycles : numpy.ndarray
        int, shape ``(n_persons,)``: cycles of each person.
    person_effect : numpy.ndarray
        True treatment effect of every person (mat minus control, points),
        shape ``(n_series, n_persons)``.
    person_mean : numpy.ndarray
        True comparator-day mean at day 0 of every person, shape ``(n_series, n_persons)``.
    period_days, washout_days : int
    params : dict
        Every simulation setting (for the record).
    """

    y: np.ndarray = field(repr=False)
    mat_first: np.ndarray = field(repr=False)
    cycles: np.ndarray
    person_effect: np.ndarray = field(repr=False)
    person_mean: np.ndarray = field(repr=False)
    period_days: int
    washout_days: int
    params: dict = field(repr=False)

    @property
    def n_series(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_persons(self) -> int:
        return int(self.y.shape[1])

    def cycle_differences(self, series: int | None = None) -> np.ndarray:
        """Mat minus control difference of period means, per cycle.

        Period means use the rated non-washout days; a cycle whose mat or control period
        has none (and every padded cycle) is NaN.

        Parameters
        ----------
        series : int, optional
            Only this replicate; default all.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_series, n_persons, max_cycles)``, or ``(n_persons, max_cycles)`` for
            one ``series``.
        """
        if series is not None:
            k = _checks.integer("series", series, 0, self.n_series - 1)
            one = replace(self, y=self.y[k:k + 1], mat_first=self.mat_first[k:k + 1])
            return one.cycle_differences()[0]
        s, p, _ = self.y.shape
        j = self.mat_first.shape[2]
        pd_ = self.period_days
        y = self.y.reshape(s, p, j, 2, pd_)[..., self.washout_days:]
        obs = ~np.isnan(y)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(obs, y, 0.0).sum(axis=-1) / obs.sum(axis=-1)
        diff = means[..., 0] - means[..., 1]
        return np.where(self.mat_first, diff, -diff)

    def to_frame(self, series: int = 0) -> pd.DataFrame:
        """Day-level long table of one series.

        Parameters
        ----------
        series : int, default 0

        Returns
        -------
        pandas.DataFrame
            One row per person-day (padding left out, missing days kept with NaN), columns
            ``person`` (str, ``"P01"``, ...), ``day`` (1-based day of the person's trial),
            ``cycle``, ``period`` (1-based), ``day_in_period``, ``condition`` (``"mat"`` or
            ``"control"``), ``washout`` (bool), ``score`` (float, NaN when missing).

        Examples
        --------
        >>> sim = simulate_series(3, 2, effect=-1.0, tau=0.5, rng=1)
        >>> sim.to_frame().groupby("person").size().tolist()
        [28, 28, 28]
        """
        k = _checks.integer("series", series, 0, self.n_series - 1)
        pd_ = self.period_days
        frames = []
        for i in range(self.n_persons):
            c = int(self.cycles[i])
            n = 2 * c * pd_
            day = np.arange(n)
            period = day // pd_
            mat = self.mat_first[k, i, period // 2] == (period % 2 == 0)
            frames.append(pd.DataFrame({
                "person": person_labels(self.n_persons)[i],
                "day": day + 1,
                "cycle": period // 2 + 1,
                "period": period + 1,
                "day_in_period": day % pd_ + 1,
                "condition": np.where(mat, "mat", "control").astype(object),
                "washout": (day % pd_) < self.washout_days,
                "score": self.y[k, i, :n],
            }))
        return pd.concat(frames, ignore_index=True)

    def diaries(self, series: int = 0, *, start_date: date = date(2026, 1, 5)) -> dict:
        """Every person's trial as a dated diary in the ``matstats nof1 plan`` CSV format:
        person label -> DataFrame with columns ``date`` (ISO string), ``weekday``, ``day``,
        ``cycle``, ``period``, ``day_in_period``, ``condition``, ``washout``, ``score``
        (empty string on a missing day) and ``blinding_guess`` (empty)."""
        days = self.to_frame(series)
        out = {}
        for person, g in days.groupby("person", sort=True):
            dates = [start_date + timedelta(days=int(d) - 1) for d in g["day"]]
            frame = pd.DataFrame({"date": [d.isoformat() for d in dates],
                                  "weekday": [d.strftime("%a") for d in dates]})
            for col in ("day", "cycle", "period", "day_in_period", "condition", "washout"):
                frame[col] = g[col].to_numpy()
            frame["score"] = [("" if np.isnan(v) else f"{v:g}") for v in g["score"]]
            frame["blinding_guess"] = ""
            out[person] = frame
        return out


def person_labels(n: int) -> list[str]:
    """Labels ``P01``, ``P02``, ... (zero-padded to the width of ``n``)."""
    width = max(2, len(str(n)))
    return [f"P{i + 1:0{width}d}" for i in range(n)]


def _cycles_vector(cycles, persons: int) -> np.ndarray:
    if np.ndim(cycles) == 0:
        c = _checks.integer("cycles", cycles, 1)
        return np.full(persons, c, dtype=np.int64)
    arr = list(np.asarray(cycles).ravel())
    if len(arr) != persons:
        raise ValueError(f"cycles must be one integer or {persons} integers (one per person), "
                         f"got {len(arr)}")
    return np.array([_checks.integer("cycles", v, 1) for v in arr], dtype=np.int64)


def _order(design: str, gen, shape: tuple[int, int, int], cycles: np.ndarray) -> np.ndarray:
    """mat_first of every (series, person, cycle); False on padded cycles."""
    s, p, j = shape
    if design == "paired_random":
        mf = gen.integers(0, 2, size=shape).astype(bool)
    elif design == "abab":
        mf = np.ones(shape, dtype=bool)
    else:
        mf = np.broadcast_to(np.arange(j) % 2 == 0, shape).copy()
    return mf & (np.arange(j)[None, None, :] < cycles[None, :, None])


def _mean_profiles(mf, eff, mean_i, cycles, pd_, p) -> np.ndarray:
    """Noise-free daily rating of every (series, person, day): the single-trial formula."""
    s, n_p, j = mf.shape
    day = np.arange(2 * j * pd_)
    period = day // pd_
    cyc = period // 2
    first = (period % 2) == 0
    mat = np.where(first[None, None, :], mf[:, :, cyc], ~mf[:, :, cyc])  # (S, P, D)
    mat &= (cyc[None, None, :] < cycles[None, :, None])
    mu = mean_i[:, :, None] + p["trend"] * day[None, None, :] + eff[:, :, None] * mat
    if p["expectation"] != 0.0:
        hl = p["expectation_half_life"]
        decay = np.ones(day.size) if hl is None else 2.0 ** (-cyc / hl)
        mu += p["expectation"] * mat * decay[None, None, :]
    if p["carryover"] != 0.0:
        # control period directly after a mat period: carryover * effect_i * kernel(day)
        per_mat = np.stack([mf, ~mf], axis=-1).reshape(s, n_p, 2 * j)  # condition per period
        prev = np.zeros_like(per_mat)
        prev[:, :, 1:] = per_mat[:, :, :-1]
        after = (prev & ~per_mat)[:, :, period]
        hl = p["carryover_half_life"]
        d = (day % pd_).astype(float)
        kernel = np.ones(day.size) if hl is None else 2.0 ** (-d / hl)
        mu += np.where(after, p["carryover"] * eff[:, :, None] * kernel[None, None, :], 0.0)
    return mu


def simulate_series(
    persons: int,
    cycles,
    n_series: int = 1,
    *,
    effect: float,
    tau: float = 0.0,
    between_sd: float = NRS_SD,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    period_days: int = NOF1_DEFAULTS["period_days"],
    washout_days: int = NOF1_DEFAULTS["washout_days"],
    design: str = "paired_random",
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
) -> SeriesSimulation:
    """Simulate ``n_series`` replicate series of ``persons`` n-of-1 mat trials.

    Every person follows the model of :func:`matstats.nof1.simulate` with their own
    treatment effect ``effect + tau * u`` and comparator mean ``mean + between_sd * v``
    (u, v independent standard normals) and their own random order of each cycle.

    Parameters
    ----------
    persons : int
        Persons per series (>= 1).
    cycles : int or sequence of int
        Cycles per person: one number for everyone or one per person.
    n_series : int, default 1
        Replicate series.
    effect : float
        Average treatment effect, mat minus control, in points (negative = less pain).
    tau : float, default 0.0
        SD of the person treatment effects (treatment-by-person interaction), points.
    between_sd : float, default ``literature.NRS_SD`` (2.2)
        SD of the person means.
    sd, rho, period_days, washout_days, design, trend, expectation, expectation_half_life,
    carryover, carryover_half_life, missing, mnar, mean, rating_scale
        As in :func:`matstats.nof1.simulate` and :func:`matstats.nof1.schedule`; ``mnar``
        is relative to each person's own ``mean_i``; ``carryover`` scales each person's own
        effect.
    rng : None, int or numpy.random.Generator
        Draw order: person effects, person means, cycle orders, then the daily noise (one
        :func:`matstats.nof1.simulate` call per distinct number of cycles, ascending), then
        the missingness uniforms.

    Returns
    -------
    SeriesSimulation

    Examples
    --------
    >>> sim = simulate_series(20, 6, n_series=100, effect=-1.0, tau=0.5, rng=1)
    >>> sim.y.shape
    (100, 20, 84)
    >>> sim.cycle_differences().shape
    (100, 20, 6)
    """
    persons = _checks.integer("persons", persons, 1)
    n_series = _checks.integer("n_series", n_series, 1)
    cyc = _cycles_vector(cycles, persons)
    period_days = _checks.integer("period_days", period_days, 1)
    washout_days = _checks.integer("washout_days", washout_days, 0, period_days - 1)
    _checks.one_of("design", design, DESIGNS)
    tau = _checks.positive("tau", tau, allow_zero=True)
    between_sd = _checks.positive("between_sd", between_sd, allow_zero=True)
    p = check_settings(effect=effect, trend=trend, expectation=expectation,
                       expectation_half_life=expectation_half_life, carryover=carryover,
                       carryover_half_life=carryover_half_life, missing=missing, mnar=mnar,
                       mean=mean)
    del p["sd"], p["rho"]  # checked by simulate
    jmax = int(cyc.max())
    n_days = 2 * jmax * period_days
    _checks.size_limit("n_series x persons x days", float(n_series) * persons * n_days)
    gen = _checks.rng(rng)

    eff = p["effect"] + tau * gen.standard_normal((n_series, persons))
    mean_i = p["mean"] + between_sd * gen.standard_normal((n_series, persons))
    mf = _order(design, gen, (n_series, persons, jmax), cyc)
    y = _mean_profiles(mf, eff, mean_i, cyc, period_days, p)
    for c in np.unique(cyc):
        idx = np.flatnonzero(cyc == c)
        sched = schedule(int(c), period_days=period_days, washout_days=washout_days,
                         design="abab")
        noise = simulate(sched, n_series * idx.size, effect=0.0, sd=sd, rho=rho, mean=0.0,
                         rng=gen)
        nd = 2 * int(c) * period_days
        y[:, idx, :nd] += noise.reshape(n_series, idx.size, nd)
        y[:, idx, nd:] = np.nan
    _missing_and_scale(y, mean_i, p, rating_scale, gen)
    params = dict(p, tau=tau, between_sd=between_sd, sd=sd, rho=rho, design=design,
                  rating_scale=bool(rating_scale))
    return SeriesSimulation(y=y, mat_first=mf, cycles=cyc, person_effect=eff,
                            person_mean=mean_i, period_days=period_days,
                            washout_days=washout_days, params=params)


def _missing_and_scale(y, mean_i, p, rating_scale, gen) -> None:
    """Missing days (MCAR or MNAR on the latent rating) and rounding, in place (as
    :func:`matstats.nof1.simulate`, with each person's own mean)."""
    if p["missing"] > 0.0 or p["mnar"] != 0.0:
        u = gen.random(y.shape)
        prob = p["missing"]  # no day is missing when missing is 0, whatever mnar
        if p["mnar"] != 0.0 and p["missing"] > 0.0:
            logit0 = np.log(p["missing"] / (1.0 - p["missing"]))
            prob = 1.0 / (1.0 + np.exp(-(logit0 + p["mnar"] * (y - mean_i[:, :, None]))))
        y[u < prob] = np.nan
    if rating_scale:
        np.rint(y, out=y)
        np.clip(y, 0.0, 10.0, out=y)
