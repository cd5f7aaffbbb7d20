"""Schedules (calendars) for a personal mat-versus-comparator n-of-1 trial."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from matstats._core import checks as _checks

#: Longest schedule, in days (2 x cycles x period_days): about 27,000 years, far beyond any
#: trial, small enough to be laid out in memory.
MAX_SCHEDULE_DAYS = 10_000_000
#: Most cycles an analysed trial may have: 500 weekly cycles are about 19 years of daily
#: ratings. The analyses hold a (days x cycles) indicator matrix, so memory grows with the
#: square of the number of cycles; 500 keeps it below about 60 MB.
MAX_CYCLES = 500

__all__ = ["schedule", "plan_calendar", "min_randomization_pval"]

#: Designs understood by :func:`schedule`.
DESIGNS = ("paired_random", "abab", "alternating")


def schedule(
    cycles: int,
    *,
    period_days: int = 7,
    washout_days: int = 1,
    design: str = "paired_random",
    rng=None,
) -> pd.DataFrame:
    """Lay out an n-of-1 trial day by day.

    A cycle is one mat period and one comparator ("control") period; ``design`` orders them:
    ``"paired_random"`` (default), a fair coin from ``rng`` decides AB (mat first) or BA for
    each cycle independently (Senn's paired-cycle / AHRQ block-pair design); ``"abab"``, mat
    first in every cycle (confounded with a linear trend, kept as a sensitivity scenario);
    ``"alternating"``, odd cycles mat first, even cycles control first (AB BA AB BA ...). The
    first ``washout_days`` days of every period are analytic washout: simulated and recorded
    but dropped from the analyses.

    Parameters
    ----------
    cycles : int
        Number of cycles, 1 to ``MAX_CYCLES`` (500); the schedule may hold at most
        ``MAX_SCHEDULE_DAYS`` (10 million) days, 2 x cycles x period_days.
    period_days : int, default 7
        Days per period (>= 1).
    washout_days : int, default 1
        Washout days at the start of each period (0 <= washout_days < period_days).
    design : {"paired_random", "abab", "alternating"}
        Ordering scheme, see above.
    rng : None, int or numpy.random.Generator
        Seed or generator of the random order (``"paired_random"`` only).

    Returns
    -------
    pandas.DataFrame
        One row per day, in time order: ``day``, ``cycle``, ``period`` (over the whole trial,
        1 .. 2 * cycles), ``day_in_period`` (all 1-based ints), ``condition`` (``"mat"`` or
        ``"control"``), ``washout`` (True for the analytic washout days).

    Examples
    --------
    >>> s = schedule(2, period_days=3, washout_days=1, design="abab")
    >>> s["condition"].tolist()
    ['mat', 'mat', 'mat', 'control', 'control', 'control', 'mat', 'mat', 'mat', 'control', 'control', 'control']
    """
    cycles = _checks.integer("cycles", cycles, 1, MAX_CYCLES)
    period_days = _checks.integer("period_days", period_days, 1)
    _checks.size_limit("cycles x period_days", 2 * cycles * period_days,
                       limit=MAX_SCHEDULE_DAYS, what="days")
    washout_days = _checks.integer("washout_days", washout_days, 0)
    if washout_days >= period_days:
        raise ValueError(
            f"washout_days ({washout_days}) must be smaller than period_days ({period_days})"
        )
    _checks.one_of("design", design, DESIGNS)

    if design == "paired_random":
        gen = _checks.rng(rng)
        mat_first = gen.integers(0, 2, size=cycles).astype(bool)
    elif design == "abab":
        mat_first = np.ones(cycles, dtype=bool)
    else:  # alternating
        mat_first = np.arange(cycles) % 2 == 0

    # condition of each period in time order: (cycles, 2) -> flattened
    period_mat = np.column_stack([mat_first, ~mat_first]).ravel()
    period_condition = np.where(period_mat, "mat", "control")

    n_periods = 2 * cycles
    n_days = n_periods * period_days
    period = np.repeat(np.arange(1, n_periods + 1), period_days)
    day_in_period = np.tile(np.arange(1, period_days + 1), n_periods)
    return pd.DataFrame(
        {
            "day": np.arange(1, n_days + 1),
            "cycle": (period + 1) // 2,
            "period": period,
            "day_in_period": day_in_period,
            "condition": np.repeat(period_condition, period_days).astype(object),
            "washout": day_in_period <= washout_days,
        }
    )


def plan_calendar(
    cycles: int,
    *,
    period_days: int = 7,
    washout_days: int = 1,
    design: str = "paired_random",
    start_date: date | None = None,
    rng=None,
) -> pd.DataFrame:
    """The schedule of :func:`schedule` as a dated diary template.

    A plan must be analysable: ``cycles`` below 2 raise ``ValueError``. Plans with fewer
    than 6 cycles, or a fixed order, are allowed; :func:`matstats.narrative.nof1.plan_notes`
    says what they cannot show.

    Parameters
    ----------
    cycles, period_days, washout_days, design, rng
        As for :func:`schedule`.
    start_date : datetime.date, optional
        Date of day 1 (default: today).

    Returns
    -------
    DataFrame
        The columns of :func:`schedule` after ``date`` (ISO string) and ``weekday`` (``Mon``
        ... ``Sun``), then ``design`` and empty ``score`` and ``blinding_guess`` columns to
        fill in; then the table (or its CSV) is a diary for :func:`matstats.nof1.analyze`.

    Examples
    --------
    >>> from datetime import date
    >>> cal = plan_calendar(2, period_days=3, design="abab", start_date=date(2026, 1, 5))
    >>> cal[["date", "weekday", "condition"]].iloc[0].tolist()
    ['2026-01-05', 'Mon', 'mat']
    """
    cycles = _checks.integer("cycles", cycles, 1)
    if cycles < 2:
        raise ValueError(f"cycles must be >= 2 for a plan that can be analysed (every analysis "
                         f"needs at least two cycle differences), got {cycles!r}")
    sched = schedule(cycles, period_days=period_days, washout_days=washout_days, design=design,
                     rng=rng)
    if start_date is not None and not isinstance(start_date, date):
        raise ValueError(f"start_date must be a datetime.date, got {start_date!r}")
    start = date.today() if start_date is None else start_date
    if (date.max - start).days < len(sched) - 1:
        raise ValueError(f"cycles={cycles!r}: {len(sched)} days from {start} run past the last "
                         f"representable date {date.max}; use fewer cycles or shorter periods")
    dates = [start + timedelta(days=int(d) - 1) for d in sched["day"]]
    out = sched.assign(design=design, score="", blinding_guess="")
    out.insert(0, "weekday", [d.strftime("%a") for d in dates])
    out.insert(0, "date", [d.isoformat() for d in dates])
    return out


def min_randomization_pval(cycles: int) -> float:
    """Smallest two-sided p-value the exact sign-flip randomization test of a paired random
    plan can reach: 2 / 2^cycles (the observed allocation and its mirror image).

    Examples
    --------
    >>> min_randomization_pval(6)
    0.03125
    """
    return 2.0 / 2 ** _checks.integer("cycles", cycles, 1)


def _validate_schedule(sched: pd.DataFrame) -> dict:
    """Check a schedule frame and return its arrays (internal).

    Accepts any frame with the columns of :func:`schedule` (``day_in_period`` is
    optional). Raises ``ValueError`` for a malformed schedule.
    """
    if not isinstance(sched, pd.DataFrame):
        raise ValueError(f"schedule must be a pandas DataFrame, got {type(sched).__name__}")
    needed = ("cycle", "period", "condition", "washout")
    missing = [c for c in needed if c not in sched.columns]
    if missing:
        raise ValueError(f"schedule lacks column(s) {missing}")
    if len(sched) < 2:
        raise ValueError("schedule must have at least 2 days")
    cond = sched["condition"].astype(str).to_numpy()
    bad = sorted(set(cond) - {"mat", "control"})
    if bad:
        raise ValueError(f"schedule condition must be 'mat' or 'control', found {bad}")
    cycle = np.asarray(sched["cycle"], dtype=np.int64)
    period = np.asarray(sched["period"], dtype=np.int64)
    washout = np.asarray(sched["washout"], dtype=bool)
    if np.any(np.diff(period) < 0) or np.any(np.diff(cycle) < 0):
        raise ValueError("schedule must be sorted in time order (period and cycle non-decreasing)")
    cycles = np.unique(cycle)
    if cycles.size > MAX_CYCLES:
        raise ValueError(f"schedule has {cycles.size} cycles; at most MAX_CYCLES = {MAX_CYCLES} "
                         "can be analysed (about 19 years of weekly cycles)")
    per_cond = pd.Series(cond).groupby(period).nunique()
    if (per_cond > 1).any():
        raise ValueError("each period of the schedule must have a single condition")
    if "day_in_period" in sched.columns:
        day_in_period = np.asarray(sched["day_in_period"], dtype=np.int64)
    else:
        day_in_period = pd.Series(period).groupby(period).cumcount().to_numpy() + 1
    return {
        "n_days": len(sched),
        "cycles": cycles,
        "cycle_index": np.searchsorted(cycles, cycle),
        "period": period,
        "day_in_period": day_in_period,
        "mat": cond == "mat",
        "washout": washout,
    }
