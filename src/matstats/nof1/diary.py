"""Analyse one person's n-of-1 diary: validation, derived periods, every method, a verdict.

A diary is a table with one row per day and the columns

``date``
    ISO date ``YYYY-MM-DD``; every date at most once.
``condition``
    ``mat`` or ``control`` (the comparator: ideally a blunt "sham" mat); case-insensitive.
``score``
    the day's rating on the scale (default 0-10, lower = better, e.g. pain). An empty cell
    means the day was not rated; it is kept in the calendar and listed as excluded.

and the optional columns ``cycle`` (positive integer pairing one mat and one control period),
``period`` (ignored: periods are always re-derived), ``washout`` (true/false: days to drop from
the period means), ``blinding_guess`` (``mat``, ``control`` or ``dont_know``: which mat the person
thinks they used) and ``day`` (ignored). Other columns are ignored. The CSV written by
``matstats nof1 plan`` is a valid diary once the scores are filled in.

Faults raise :class:`matstats.DataError` naming the file (``"<DataFrame>"`` for a DataFrame
input), the 1-based line (the header is line 1; a DataFrame's first row is line 2), the column
and the value.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from datetime import date as _date
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from matstats._errors import DataError

__all__ = ["DiaryResult", "analyze", "read_diary", "blinding_index"]

DATAFRAME_NAME = "<DataFrame>"
REQUIRED_COLUMNS = ("date", "condition", "score")
OPTIONAL_COLUMNS = ("cycle", "period", "washout", "blinding_guess", "day")
_CONDITIONS = ("mat", "control")
_GUESSES = ("mat", "control", "dont_know")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
METHOD_ORDER = ("cycle_t", "randomization", "gls_ar1", "bayes", "day_t")

# Expected bias from an unblinded (no-mat) comparator, NRS points: methods-notes.md section 0,
# "Expectation bias in unblinded periods", default 0.5 (range 0-1.2).
UNBLINDED_BIAS_POINTS = 0.5


# --------------------------------------------------------------------------------------------
# reading and validation
# --------------------------------------------------------------------------------------------


def _rows_from_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line, cells) for every non-blank data row of a CSV file."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("diary file not found", file=name) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"diary file is not UTF-8 text ({exc.reason})", file=name) from None
    if not text.strip():
        raise DataError("diary file is empty (no header line)", file=name, line=1)
    reader = csv.reader(text.splitlines(keepends=True))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    for cells in reader:
        if header is None:
            header = cells
            start = reader.line_num + 1
            continue
        if not cells or all(not c.strip() for c in cells):
            start = reader.line_num + 1
            continue
        rows.append((start, cells))
        start = reader.line_num + 1
    if header is None:  # pragma: no cover - text is not blank, so a first row exists
        raise DataError("diary file is empty (no header line)", file=name, line=1)
    return header, rows


def _rows_from_frame(df: pd.DataFrame) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header = [str(c) for c in df.columns]
    rows = []
    for i, values in enumerate(df.itertuples(index=False, name=None)):
        cells = []
        for v in values:
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
                cells.append("")
            elif isinstance(v, pd.Timestamp):
                cells.append(v.strftime("%Y-%m-%d") if v == v.normalize() else str(v))
            elif isinstance(v, _date):
                cells.append(v.isoformat())
            elif isinstance(v, (bool, np.bool_)):
                cells.append("true" if v else "false")
            else:
                cells.append(str(v))
        rows.append((i + 2, cells))
    return header, rows


def _parse_int(text: str, *, file: str, line: int, column: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise DataError("not a number", file=file, line=line, column=column, value=text) from None
    if not math.isfinite(value) or value != int(value) or value < 1:
        raise DataError(
            "must be a positive whole number", file=file, line=line, column=column, value=text
        )
    return int(value)


def read_diary(
    diary: str | Path | pd.DataFrame,
    *,
    scale: tuple[float, float] = (0.0, 10.0),
) -> pd.DataFrame:
    """Read and validate a diary, one row per diary line, sorted by date.

    Parameters
    ----------
    diary : str, Path or DataFrame
        CSV file or table with the columns described in the module docstring.
    scale : (float, float)
        Lowest and highest possible score; scores outside raise ``DataError``.

    Returns
    -------
    DataFrame
        One row per diary line, sorted by date, with columns ``line`` (1-based line in the
        source), ``date`` (``datetime.date``), ``condition`` (``"mat"``/``"control"``),
        ``score`` (float, NaN when not rated), ``cycle`` (int or ``<NA>`` when the column is
        absent), ``washout`` (bool or ``<NA>`` when absent) and ``blinding_guess`` (str, empty
        when absent or not given).

    Raises
    ------
    matstats.DataError
        Empty file, missing column, bad date, unknown condition, non-numeric or off-scale score,
        bad cycle/washout/blinding_guess value, duplicate date.
    ValueError
        Bad ``scale``.
    """
    lo, hi = _check_scale(scale)
    if isinstance(diary, pd.DataFrame):
        name = DATAFRAME_NAME
        header, rows = _rows_from_frame(diary)
    elif isinstance(diary, (str, Path)):
        path = Path(diary)
        name = str(path)
        header, rows = _rows_from_csv(path)
    else:
        raise ValueError(
            f"diary must be a path or a pandas DataFrame, got {type(diary).__name__}"
        )

    cols = [h.strip().lower() for h in header]
    for required in REQUIRED_COLUMNS:
        if required not in cols:
            raise DataError(
                f"missing required column {required!r} (columns found: {', '.join(cols) or 'none'})",
                file=name,
                line=1,
                column=required,
            )
    for c in set(cols):
        if c and cols.count(c) > 1:
            raise DataError("column appears more than once", file=name, line=1, column=c)
    if not rows:
        raise DataError("diary has a header but no data rows", file=name, line=2)
    idx = {c: cols.index(c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in cols}

    records = []
    seen: dict[_date, int] = {}
    for line, cells in rows:
        if len(cells) > len(cols):
            raise DataError(
                f"row has {len(cells)} cells but the header has {len(cols)} columns",
                file=name,
                line=line,
            )
        cells = [c.strip() for c in cells] + [""] * (len(cols) - len(cells))

        raw = cells[idx["date"]]
        if not _ISO_DATE.match(raw):
            raise DataError(
                "not a date in the form YYYY-MM-DD", file=name, line=line, column="date", value=raw
            )
        try:
            day = _date.fromisoformat(raw)
        except ValueError:
            raise DataError(
                "not a valid calendar date", file=name, line=line, column="date", value=raw
            ) from None
        if day in seen:
            raise DataError(
                f"duplicate day: the same date is already on line {seen[day]}",
                file=name,
                line=line,
                column="date",
                value=raw,
            )
        seen[day] = line

        raw = cells[idx["condition"]]
        condition = raw.lower()
        if condition not in _CONDITIONS:
            raise DataError(
                f"unknown condition; must be one of {', '.join(_CONDITIONS)}",
                file=name,
                line=line,
                column="condition",
                value=raw,
            )

        raw = cells[idx["score"]]
        if raw == "":
            score = math.nan
        else:
            try:
                score = float(raw)
            except ValueError:
                raise DataError(
                    "score is not a number", file=name, line=line, column="score", value=raw
                ) from None
            if not math.isfinite(score):
                raise DataError(
                    "score is not a finite number", file=name, line=line, column="score", value=raw
                )
            if score < lo or score > hi:
                raise DataError(
                    f"score off the scale {lo:g}-{hi:g}",
                    file=name,
                    line=line,
                    column="score",
                    value=raw,
                )

        cycle: int | None = None
        if "cycle" in idx:
            raw = cells[idx["cycle"]]
            if raw == "":
                raise DataError(
                    "cycle is empty (the column is present, so every row needs one)",
                    file=name,
                    line=line,
                    column="cycle",
                    value=raw,
                )
            cycle = _parse_int(raw, file=name, line=line, column="cycle")

        washout: bool | None = None
        if "washout" in idx:
            raw = cells[idx["washout"]]
            if raw.lower() in _TRUE:
                washout = True
            elif raw.lower() in _FALSE:
                washout = False
            else:
                raise DataError(
                    "washout must be true or false", file=name, line=line, column="washout",
                    value=raw,
                )

        guess = ""
        if "blinding_guess" in idx:
            raw = cells[idx["blinding_guess"]]
            guess = raw.lower().replace("'", "").replace(" ", "_").replace("-", "_")
            if guess in ("dk", "dont_know", "do_not_know", "unsure"):
                guess = "dont_know"
            if guess and guess not in _GUESSES:
                raise DataError(
                    f"blinding_guess must be one of {', '.join(_GUESSES)} or empty",
                    file=name,
                    line=line,
                    column="blinding_guess",
                    value=raw,
                )
        records.append((line, day, condition, score, cycle, washout, guess))

    out = pd.DataFrame(
        records,
        columns=["line", "date", "condition", "score", "cycle", "washout", "blinding_guess"],
    )
    out["score"] = out["score"].astype(float)
    out["cycle"] = out["cycle"].astype("Int64")
    out["washout"] = out["washout"].astype("boolean")
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    out.attrs["source"] = name
    return out


def _check_scale(scale) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a pair (low, high), got {scale!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"scale must satisfy low < high (finite), got {scale!r}")
    return lo, hi


# --------------------------------------------------------------------------------------------
# calendar: periods, cycles, washout
# --------------------------------------------------------------------------------------------


def build_calendar(
    entries: pd.DataFrame,
    *,
    washout_days: int = 1,
) -> pd.DataFrame:
    """Expand validated diary entries to one row per calendar day with periods and cycles.

    Parameters
    ----------
    entries : DataFrame
        Output of :func:`read_diary`.
    washout_days : int
        Days at the start of each period dropped from the analysis when the diary has no
        ``washout`` column.

    Returns
    -------
    DataFrame
        One row per calendar day from the first to the last diary date, columns ``day``
        (0-based day number), ``date``, ``line`` (diary line, ``<NA>`` for a day with no diary
        row), ``cycle`` (1-based), ``period`` (1-based, counted over the whole diary),
        ``condition``, ``washout`` (bool), ``score`` (NaN when not rated) and ``blinding_guess``.

    Notes
    -----
    A day missing from the diary takes the condition of the day before it (so a gap at the
    switch between two periods is counted in the earlier period); its score is NaN. Without a
    ``cycle`` column, consecutive periods are paired into cycles (periods 1-2 = cycle 1, ...).
    """
    if not isinstance(washout_days, (int, np.integer)) or isinstance(washout_days, bool):
        raise ValueError(f"washout_days must be an integer >= 0, got {washout_days!r}")
    if washout_days < 0:
        raise ValueError(f"washout_days must be an integer >= 0, got {washout_days!r}")
    name = entries.attrs.get("source", DATAFRAME_NAME)
    has_cycle = bool(entries["cycle"].notna().any())
    has_washout = bool(entries["washout"].notna().any())

    first = entries["date"].iloc[0]
    n_days = (entries["date"].iloc[-1] - first).days + 1
    by_day = {(d - first).days: i for i, d in enumerate(entries["date"])}
    rows = []
    prev = None
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
        else:  # day 0 is always a diary row, so prev is set here
            cur = {
                "line": None,
                "condition": prev["condition"],
                "score": math.nan,
                "cycle": prev["cycle"],
                "washout": False if has_washout else None,
                "blinding_guess": "",
            }
        cur["day"] = k
        cur["date"] = first + timedelta(days=k)
        rows.append(cur)
        prev = cur

    # periods: runs of the same condition (and, if given, the same cycle)
    period = 0
    last_key = None
    for r in rows:
        key = (r["cycle"], r["condition"])
        if key != last_key:
            period += 1
            last_key = key
        r["period"] = period

    if has_cycle:
        # every cycle: a contiguous block with exactly one mat and one control period
        cycle_first: dict[int, dict] = {}
        cycle_periods: dict[int, list[tuple[int, str, dict]]] = {}
        closed: set[int] = set()
        current = None
        for r in rows:
            c = r["cycle"]
            if c != current:
                if c in closed or (c in cycle_first):
                    raise DataError(
                        f"cycle {c} resumes after another cycle; a cycle's days must be consecutive",
                        file=name,
                        line=r["line"],
                        column="cycle",
                        value=str(c),
                    )
                if current is not None:
                    closed.add(current)
                current = c
                cycle_first[c] = r
            plist = cycle_periods.setdefault(c, [])
            if not plist or plist[-1][0] != r["period"]:
                plist.append((r["period"], r["condition"], r))
        for c, plist in cycle_periods.items():
            conds = [p[1] for p in plist]
            if len(plist) == 1:
                missing = "control" if conds[0] == "mat" else "mat"
                raise DataError(
                    f"cycle {c} lacks a {missing!r} period (every cycle needs one mat and one "
                    "control period)",
                    file=name,
                    line=cycle_first[c]["line"],
                    column="cycle",
                    value=str(c),
                )
            if len(plist) > 2:
                raise DataError(
                    f"cycle {c} switches condition more than once ({' -> '.join(conds)}); "
                    "a cycle is one mat and one control period",
                    file=name,
                    line=plist[2][2]["line"],
                    column="condition",
                    value=plist[2][1],
                )
        # renumber cycles 1..n in calendar order
        order = {c: j + 1 for j, c in enumerate(cycle_periods)}
        for r in rows:
            r["cycle"] = order[r["cycle"]]
    else:
        n_periods = period
        if n_periods % 2 == 1:
            lone = next(r for r in rows if r["period"] == n_periods)
            missing = "control" if lone["condition"] == "mat" else "mat"
            raise DataError(
                f"the last period (period {n_periods}, {lone['condition']}) has no {missing!r} "
                "period to pair with, so its cycle lacks one condition; finish the cycle, add a "
                "'cycle' column, or remove these days",
                file=name,
                line=lone["line"],
                column="condition",
                value=lone["condition"],
            )
        for r in rows:
            r["cycle"] = (r["period"] + 1) // 2

    if not has_washout:
        start_of: dict[int, int] = {}
        for r in rows:
            start_of.setdefault(r["period"], r["day"])
            r["washout"] = (r["day"] - start_of[r["period"]]) < washout_days

    cal = pd.DataFrame(
        rows,
        columns=[
            "day", "date", "line", "cycle", "period", "condition", "washout", "score",
            "blinding_guess",
        ],
    )
    cal["line"] = cal["line"].astype("Int64")
    cal["washout"] = cal["washout"].astype(bool)
    cal["score"] = cal["score"].astype(float)
    return cal


# --------------------------------------------------------------------------------------------
# summaries: periods, cycles, blinding
# --------------------------------------------------------------------------------------------


def summarize_periods(cal: pd.DataFrame) -> pd.DataFrame:
    """Per-period means of the rated, non-washout days.

    Returns
    -------
    DataFrame
        One row per period: ``cycle``, ``period``, ``condition``, ``start_date``, ``end_date``,
        ``first_day``, ``last_day`` (0-based day numbers), ``n_days`` (calendar days),
        ``n_rated`` (days with a score), ``n_used`` (rated days outside the washout) and
        ``mean`` (mean of the used days, NaN when there are none).
    """
    out = []
    for p, g in cal.groupby("period", sort=True):
        used = g.loc[~g["washout"] & g["score"].notna(), "score"]
        out.append(
            {
                "cycle": int(g["cycle"].iloc[0]),
                "period": int(p),
                "condition": g["condition"].iloc[0],
                "start_date": g["date"].iloc[0],
                "end_date": g["date"].iloc[-1],
                "first_day": int(g["day"].iloc[0]),
                "last_day": int(g["day"].iloc[-1]),
                "n_days": len(g),
                "n_rated": int(g["score"].notna().sum()),
                "n_used": len(used),
                "mean": float(used.mean()) if len(used) else math.nan,
            }
        )
    return pd.DataFrame(out)


def summarize_cycles(periods: pd.DataFrame) -> pd.DataFrame:
    """Mat minus control difference of period means, one row per cycle.

    Returns
    -------
    DataFrame
        ``cycle``, ``order`` (``"mat-control"`` or ``"control-mat"``), ``mat_mean``,
        ``control_mean`` and ``difference`` (= ``mat_mean - control_mean``; negative = lower
        score on the mat; NaN when either period has no usable day).
    """
    out = []
    for c, g in periods.groupby("cycle", sort=True):
        mat = g.loc[g["condition"] == "mat", "mean"].iloc[0]
        ctl = g.loc[g["condition"] == "control", "mean"].iloc[0]
        out.append(
            {
                "cycle": int(c),
                "order": "-".join(g.sort_values("period")["condition"]),
                "mat_mean": float(mat),
                "control_mean": float(ctl),
                "difference": float(mat - ctl),
            }
        )
    return pd.DataFrame(out)


def blinding_index(correct: int, incorrect: int, dont_know: int) -> float:
    """Bang et al. (2004) blinding index for one arm: ``(correct - incorrect) / n``.

    Parameters
    ----------
    correct, incorrect, dont_know : int
        Numbers of guesses (here: periods) that named the right condition, the wrong one, or
        "don't know".

    Returns
    -------
    float
        Index in [-1, 1]: 0 is what random guessing gives, +1 means every guess was right
        (unblinded), negative values mean systematic wrong guesses. NaN when ``n == 0``.

    Notes
    -----
    Bang H, Ni L, Davis CE. Control Clin Trials 2004;25:143-56; formula as implemented in the R
    package ``BI`` (see ``methods-notes.md`` section B6, worked example 60/20/20 -> 0.40).
    """
    counts = (correct, incorrect, dont_know)
    for v in counts:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"counts must be non-negative integers, got {counts!r}")
    n = correct + incorrect + dont_know
    return (correct - incorrect) / n if n else math.nan


def summarize_blinding(cal: pd.DataFrame) -> pd.DataFrame:
    """Blinding guesses per period and the Bang index per arm.

    The guess of a period is its last non-empty ``blinding_guess``; periods without one are
    not counted (their number is reported as ``n_no_guess``).

    Returns
    -------
    DataFrame
        One row per arm (``condition`` ``mat`` and ``control``): ``n_periods``, ``n_correct``,
        ``n_incorrect``, ``n_dont_know``, ``n_no_guess`` and ``bang_bi``. Empty (no rows) when
        the diary has no guesses at all.
    """
    cols = ["condition", "n_periods", "n_correct", "n_incorrect", "n_dont_know", "n_no_guess",
            "bang_bi"]
    if not (cal["blinding_guess"] != "").any():
        return pd.DataFrame(columns=cols)
    per = []
    for _, g in cal.groupby("period", sort=True):
        guesses = [x for x in g["blinding_guess"] if x]
        per.append((g["condition"].iloc[0], guesses[-1] if guesses else ""))
    out = []
    for arm in _CONDITIONS:
        gs = [guess for cond, guess in per if cond == arm]
        n_c = sum(guess == arm for guess in gs)
        n_dk = sum(guess == "dont_know" for guess in gs)
        n_none = sum(guess == "" for guess in gs)
        n_i = len(gs) - n_c - n_dk - n_none
        out.append([arm, len(gs), n_c, n_i, n_dk, n_none, blinding_index(n_c, n_i, n_dk)])
    return pd.DataFrame(out, columns=cols)
