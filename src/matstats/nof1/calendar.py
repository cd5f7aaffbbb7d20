"""A diary's calendar: one row per day with its period, cycle and washout flag, the bridge
between what a person wrote down (:func:`matstats.nof1.read_diary`) and the schedule that
:func:`matstats.nof1.analyze_many` analyses (:func:`build_calendar`)."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd

from matstats._core import checks as _checks
from matstats._core.errors import DataError
from matstats.nof1.diary_io import DATAFRAME_NAME

__all__ = ["build_calendar"]

_COLUMNS = [
    "day", "date", "line", "cycle", "period", "day_in_period", "condition", "washout",
    "score", "blinding_guess",
]


def build_calendar(
    entries: pd.DataFrame,
    *,
    washout_days: int = 1,
    period_days: int | None = None,
) -> pd.DataFrame:
    """Expand validated diary entries to one row per calendar day with periods and cycles.

    Parameters
    ----------
    entries : DataFrame
        Output of :func:`matstats.nof1.read_diary`.
    washout_days : int
        Days at the start of each period dropped from the analysis when the diary has no
        ``washout`` column.
    period_days : int, optional
        Period length, used only without a ``cycle`` column to split a run of one condition
        that spans two periods (e.g. control at the end of one cycle and the start of the
        next). Default: the length of the shortest run.

    Returns
    -------
    DataFrame
        One row per calendar day from the first to the last diary date, columns ``day``
        (1-based day of the trial), ``date``, ``line`` (diary line, ``<NA>`` for a day with no
        diary row), ``cycle`` (1-based), ``period`` (1-based, counted over the whole diary),
        ``day_in_period`` (1-based), ``condition``, ``washout`` (bool), ``score`` (NaN when not
        rated) and ``blinding_guess``. The first six columns form a schedule as returned by
        :func:`matstats.nof1.schedule`.

    Raises
    ------
    matstats.DataError
        A cycle without both conditions, a cycle that switches condition twice or resumes
        after another cycle, or (without a ``cycle`` column) runs whose lengths do not fit one
        period length.

    Notes
    -----
    A day missing from the diary takes the condition of the day before it (so a gap at the
    switch between two periods is counted in the earlier period); its score is NaN. Without a
    ``cycle`` column, runs of one condition are cut into periods of ``period_days`` days and
    consecutive periods are paired into cycles (periods 1-2 = cycle 1, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> from matstats.nof1 import read_diary
    >>> d = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=4).strftime("%Y-%m-%d"),
    ...                   "condition": ["mat", "mat", "control", "control"],
    ...                   "score": [3, 4, 5, 6]})
    >>> build_calendar(read_diary(d))[["cycle", "period", "washout"]].to_dict("list")
    {'cycle': [1, 1, 1, 1], 'period': [1, 1, 2, 2], 'washout': [True, False, True, False]}
    """
    washout_days = _checks.integer("washout_days", washout_days, 0)
    if period_days is not None:
        period_days = _checks.integer("period_days", period_days, 1)
    name = entries.attrs.get("source", DATAFRAME_NAME)
    has_cycle = bool(entries["cycle"].notna().any())
    has_washout = bool(entries["washout"].notna().any())
    rows = _expand_days(entries, has_cycle=has_cycle, has_washout=has_washout)
    _number_runs(rows)
    if has_cycle:
        _check_given_cycles(rows, name)
    else:
        _derive_cycles(rows, period_days, name)
    _days_in_period(rows, washout_days=None if has_washout else washout_days)
    _check_both_conditions_analysed(rows, name)
    return pd.DataFrame(rows, columns=_COLUMNS).astype(
        {"line": "Int64", "washout": bool, "score": float})


def _expand_days(entries: pd.DataFrame, *, has_cycle: bool, has_washout: bool) -> list[dict]:
    """One dict per calendar day; a day without a diary row copies the day before."""
    first = entries["date"].iloc[0]
    n_days = (entries["date"].iloc[-1] - first).days + 1
    by_day = {(d - first).days: i for i, d in enumerate(entries["date"])}
    rows: list[dict] = []
    for k in range(n_days):
        i = by_day.get(k)
        if i is not None:
            e = entries.iloc[i]
            cur = {
                "line": int(e["line"]),
                "condition": e["condition"],
                "score": float(e["score"]),
                "cycle": int(e["cycle"]) if has_cycle else None,
                "washout": bool(e["washout"]) if has_washout else None,
                "blinding_guess": e["blinding_guess"],
            }
        else:  # day 0 is always a diary row, so there is a day before
            cur = {**rows[-1], "line": None, "score": math.nan, "blinding_guess": "",
                   "washout": False if has_washout else None}
        cur["day"] = k + 1
        cur["date"] = first + timedelta(days=k)
        rows.append(cur)
    return rows


def _number_runs(rows: list[dict]) -> None:
    """Provisional periods: runs of the same condition (and, if given, the same cycle)."""
    period = 0
    last_key = None
    for r in rows:
        key = (r["cycle"], r["condition"])
        if key != last_key:
            period += 1
            last_key = key
        r["period"] = period


def _fault(message: str, name: str, row: dict, column: str, value: object) -> DataError:
    return DataError(message, file=name, line=row["line"], column=column, value=str(value))


def _check_given_cycles(rows: list[dict], name: str) -> None:
    """Every given cycle is a contiguous block with exactly one mat and one control period;
    cycles are renumbered 1..n in calendar order."""
    cycle_periods: dict[int, list[tuple[int, str, dict]]] = {}  # (period, condition, first row)
    current = None
    for r in rows:
        c = r["cycle"]
        if c != current and c in cycle_periods:
            raise _fault(f"cycle {c} resumes after another cycle; a cycle's days must be "
                         "consecutive: correct the cycle column", name, r, "cycle", c)
        current = c
        plist = cycle_periods.setdefault(c, [])
        if not plist or plist[-1][0] != r["period"]:
            plist.append((r["period"], r["condition"], r))
    for c, plist in cycle_periods.items():
        conds = [p[1] for p in plist]
        if len(plist) == 1:
            missing = "control" if conds[0] == "mat" else "mat"
            raise _fault(f"cycle {c} lacks a {missing!r} period (every cycle needs one mat and "
                         "one control period): add its days or correct the cycle column",
                         name, plist[0][2], "cycle", c)
        if len(plist) > 2:
            raise _fault(f"cycle {c} switches condition more than once ({' -> '.join(conds)}); "
                         "a cycle is one mat and one control period: correct the condition or the cycle",
                         name, plist[2][2], "condition", plist[2][1])
    order = {c: j + 1 for j, c in enumerate(cycle_periods)}
    for r in rows:
        r["cycle"] = order[r["cycle"]]


def _derive_cycles(rows: list[dict], period_days: int | None, name: str) -> None:
    """Without cycles, a run of one condition may hold two periods (AB then BA).

    Period length = ``period_days`` if given, else the shortest run; longer runs must be
    multiples. Consecutive periods are paired into cycles.
    """
    runs: list[list[dict]] = []
    for r in rows:
        if runs and runs[-1][0]["period"] == r["period"]:
            runs[-1].append(r)
        else:
            runs.append([r])
    length = period_days if period_days is not None else min(len(run) for run in runs)
    period = 0
    for run in runs:
        if len(run) % length:
            raise _fault(
                f"this {run[0]['condition']!r} run lasts {len(run)} days, not a multiple of "
                f"the period length {length} days, so the periods cannot be told apart; "
                "add a 'cycle' column (as written by 'matstats nof1 plan') or pass period_days",
                name, run[0], "condition", run[0]["condition"])
        for k, r in enumerate(run):
            r["period"] = period + 1 + k // length
        period += len(run) // length
    for r in rows:
        r["cycle"] = (r["period"] + 1) // 2
    _check_derived_cycles(rows, n_periods=period, length=length, name=name)


def _check_derived_cycles(rows: list[dict], *, n_periods: int, length: int, name: str) -> None:
    first_of: dict[int, dict] = {}
    conds_of: dict[int, set] = {}
    for r in rows:
        first_of.setdefault(r["cycle"], r)
        conds_of.setdefault(r["cycle"], set()).add(r["condition"])
    for c, conds in conds_of.items():
        if len(conds) < 2:
            (have,) = conds
            missing = "control" if have == "mat" else "mat"
            where = "the last period" if c == (n_periods + 1) // 2 else "two periods"
            raise _fault(
                f"cycle {c} (periods of {length} days paired in calendar order; {where} "
                f"{have!r}) lacks a {missing!r} period; finish the cycle, add a 'cycle' "
                "column, or remove these days",
                name, first_of[c], "condition", have)


def _check_both_conditions_analysed(rows: list[dict], name: str) -> None:
    """Every cycle needs a non-washout day of each condition (e.g. deleting the first days
    of a period can leave only the washout day of it)."""
    first_of: dict[int, dict] = {}
    kept: dict[int, set] = {}
    for r in rows:
        first_of.setdefault(r["cycle"], r)
        kept.setdefault(r["cycle"], set())
        if not r["washout"]:
            kept[r["cycle"]].add(r["condition"])
    for c, conds in kept.items():
        lacking = sorted({"mat", "control"} - conds)
        if lacking:
            raise _fault(
                f"cycle {c} has no {' or '.join(map(repr, lacking))} day outside the washout "
                "(days missing from the diary take the condition of the day before); add the "
                "missing days or remove the cycle",
                name, first_of[c], "condition", first_of[c]["condition"])


def check_scores_vary(cal: pd.DataFrame, name: str) -> None:
    """Refuse a diary whose analysed scores are all equal: no test, interval or verdict can
    be computed from data without variation (DataError naming the score and its lines)."""
    kept = cal[~cal["washout"] & cal["score"].notna()]
    if len(kept) and kept["score"].nunique() == 1:
        first = kept.iloc[0]
        raise DataError(
            f"every analysed (non-washout, rated) score is {first['score']:g}: with no variation "
            "there is nothing to test and no interval to give (mat and control look identical "
            "on this diary); a verdict needs scores that vary",
            file=name, line=None if pd.isna(first["line"]) else int(first["line"]),
            column="score", value=float(first["score"]))


def _days_in_period(rows: list[dict], *, washout_days: int | None) -> None:
    """``day_in_period``; the first ``washout_days`` of a period are washout (None: as given)."""
    start_of: dict[int, int] = {}
    for r in rows:
        start_of.setdefault(r["period"], r["day"])
        r["day_in_period"] = r["day"] - start_of[r["period"]] + 1
        if washout_days is not None:
            r["washout"] = r["day_in_period"] <= washout_days
