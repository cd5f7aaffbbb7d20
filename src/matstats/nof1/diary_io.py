"""Read and validate one person's n-of-1 diary (a CSV file or a DataFrame).

A diary is a table with one row per day and the columns

``date``
    ISO date ``YYYY-MM-DD`` (a midnight time part, as spreadsheets write it, is accepted:
    ``2026-01-05 00:00:00``); every date at most once. Day-first or month-first dates
    (``05/01/2026``) are refused with the fix, since they cannot be told apart.
``condition``
    ``mat`` or ``control`` (the comparator: ideally a blunt "sham" mat); case-insensitive.
``score``
    the day's rating on the scale (default 0-10, lower = better, e.g. pain), with a decimal
    point or a decimal comma (``4,5``). A day that was not rated is an empty cell or one of
    :data:`matstats.vocab.MISSED_DAY_WORDS` (``n/a``, ``NA``, ``-``, ...); it is kept in the
    calendar and listed as excluded.

and the optional columns ``cycle`` (positive integer pairing one mat and one control period),
``period`` (ignored: periods are always re-derived), ``washout`` (true/false: days to drop from
the period means), ``blinding_guess`` (``mat``, ``control`` or ``dont_know``: which mat the person
thinks they used), ``day`` (ignored) and ``design`` (the design the plan was drawn with:
``paired_random``, ``abab`` or ``alternating``, the same on every row; written by
``matstats nof1 plan``). Other columns are ignored. The CSV written by
``matstats nof1 plan`` (:func:`matstats.nof1.plan_calendar`) is a valid diary once the scores
are filled in.

A CSV file may be separated by commas, semicolons or tabs (found from the header line), start
with a byte-order mark, and be UTF-8 or UTF-16 text, as spreadsheets save it. Column names are
case-insensitive (``Blinding guess`` = ``blinding_guess``). A decimal comma is read where it
cannot be a separator: in a semicolon- or tab-separated file, or quoted (``"4,5"``) in a
comma-separated one; unquoted in a comma-separated file it splits the row, and the error says
so.

Faults raise :class:`matstats.DataError` naming the file (``"<DataFrame>"`` for a DataFrame
input), the 1-based line (the header is line 1; a DataFrame's first row is line 2), the column
and the value, and saying how to fix the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path

import numpy as np
import pandas as pd

from matstats._core import bundled as _bundled
from matstats._core import cells as _cells
from matstats._core import csvfile as _csvfile
from matstats._core.errors import DataError
from matstats.nof1.design import DESIGNS as DIARY_DESIGNS
from matstats.vocab import MISSED_DAY_WORDS

__all__ = ["example_diary_path", "read_diary"]

DATAFRAME_NAME = "<DataFrame>"
REQUIRED_COLUMNS = ("date", "condition", "score")
OPTIONAL_COLUMNS = ("cycle", "period", "washout", "blinding_guess", "day", "design")
CONDITIONS = ("mat", "control")
GUESSES = ("mat", "control", "dont_know")
#: ISO date, optionally with a time part (midnight is accepted: a spreadsheet's date cell)
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
#: day/month/year or month/day/year: refused, the two cannot be told apart
_DMY = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
#: a whole number that is not a plausible year-first date: a spreadsheet's serial date
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
_INT = re.compile(r"[-+]?\d+")
_DIGITS = re.compile(r"\d+")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_DONT_KNOW = ("dk", "dont_know", "do_not_know", "unsure")
ENTRY_COLUMNS = ["line", "date", "condition", "score", "cycle", "washout", "blinding_guess"]


def example_diary_path() -> Path:
    """Path of the shipped synthetic example diary ``data/examples/diary_example.csv``.

    The diary is simulated (seed and parameters in ``data/examples/README.md``); it holds no
    real person's data.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> example_diary_path().name
    'diary_example.csv'
    """
    return Path(str(_bundled.data_dir() / "examples" / "diary_example.csv"))


def check_scale(scale) -> tuple[float, float]:
    """``scale`` as a finite pair ``(low, high)`` with ``low < high`` (ValueError otherwise)."""
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a pair (low, high), got {scale!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"scale must satisfy low < high (finite), got {scale!r}")
    return lo, hi


@dataclass(frozen=True)
class RawTable:
    """A diary (or a long table of diaries) as text cells: the file name, the header cells,
    the (1-based line, cells) of every non-blank data row, the separator (None for a frame)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    separator: str | None = None


def _rows_from_csv(path: Path, what: str) -> RawTable:
    """Every non-blank data row of a CSV file, its separator sniffed from the header line.

    A diary cell never holds a line break, so a quote left open (which would swallow the
    following lines and their days) is a :class:`DataError` naming the line it opens on.
    """
    name = str(path)
    text = _csvfile.read_text(path, name, what=f"{what} file")
    if not text.strip():
        raise DataError(f"{what} file is empty (no header line); the first line must name the "
                        "columns, e.g. date,condition,score", file=name, line=1)
    sep = _csvfile.sniff_separator(text)
    header, rows = _csvfile.read_rows(text, name, multiline_cells=False, separator=sep)
    kept = [(line, cells) for line, cells in rows if cells and any(c.strip() for c in cells)]
    return RawTable(name, header or [], kept, sep)


def _frame_cell(v: object) -> str:
    """One DataFrame value as the text a CSV cell would hold."""
    if _cells.is_missing(v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v == v.normalize() else str(v)
    if isinstance(v, _date):
        return v.isoformat()
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    return str(v)


def _rows_from_frame(df: pd.DataFrame) -> RawTable:
    header = [str(c) for c in df.columns]
    rows = [(i + 2, [_frame_cell(v) for v in values])
            for i, values in enumerate(df.itertuples(index=False, name=None))]
    return RawTable(DATAFRAME_NAME, header, rows)


def _source_rows(diary, what: str = "diary") -> RawTable:
    """The raw table of a diary (or a long ``what`` table of diaries) given as a path or a
    DataFrame."""
    if isinstance(diary, pd.DataFrame):
        return _rows_from_frame(diary)
    if isinstance(diary, (str, Path)):
        return _rows_from_csv(Path(diary), what)
    raise ValueError(f"{what} must be a path or a pandas DataFrame, got {type(diary).__name__}")


def column_key(header_cell: str) -> str:
    """A header cell as a column name: byte-order mark and spaces stripped, lower case,
    inner spaces and hyphens as underscores (``" Blinding guess"`` -> ``blinding_guess``)."""
    return re.sub(r"[\s\-]+", "_", header_cell.replace("\ufeff", "").strip().lower())


def _found(cols: list[str]) -> str:
    return ", ".join(repr(c) for c in cols) or "none"


def _column_index(table: RawTable) -> dict[str, int]:
    """Position of every known column; faults in the header raise DataError."""
    name, rows = table.name, table.rows
    cols = [column_key(h) for h in table.header]
    for required in REQUIRED_COLUMNS:
        if required not in cols:
            raise DataError(
                f"missing required column {required!r} (columns found: {_found(cols)}); the "
                "first line must name the columns date, condition and score, separated by "
                "commas, semicolons or tabs",
                file=name, line=1, column=required,
            )
    for c in set(cols):
        if c and cols.count(c) > 1:
            raise DataError("column appears more than once; rename or delete one of them",
                            file=name, line=1, column=c)
    if not rows:
        raise DataError("diary has a header but no data rows; add one row per day",
                        file=name, line=2)
    idx = {c: cols.index(c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in cols}
    idx["_n"] = len(cols)
    idx["_header"] = cols  # type: ignore[assignment]
    return idx


def check_row_width(line: int, cells: list[str], cols: list[str], table: RawTable) -> None:
    """A row with more cells than the header has columns is a DataError saying why.

    In a comma-separated file the likely cause is a number written with a decimal comma
    (``4,5`` unquoted becomes the two cells ``4`` and ``5``, looked for first in the score and
    cycle columns): the message says so and how to fix it.
    """
    n = len(cols)
    if len(cells) <= n:
        return
    if table.separator == ",":
        first = [cols.index(c) for c in ("score", "cycle") if c in cols]
        order = first + list(range(len(cells) - 1))
        for i in order:
            a, b = cells[i].strip(), cells[i + 1].strip()
            if _INT.fullmatch(a) and _DIGITS.fullmatch(b):
                raise DataError(
                    f"row has {len(cells)} cells but the header has {n} columns: '{a},{b}' "
                    "looks like a number with a decimal comma, which a comma-separated file "
                    f"splits in two; write {a}.{b}, or put it in quotes (\"{a},{b}\"), or save "
                    "the file with semicolons as separators",
                    file=table.name, line=line, column=cols[i] if i < n else f"#{i + 1}",
                    value=f"{a},{b}")
    sep = _csvfile.SEPARATORS.get(table.separator or ",", "comma")
    raise DataError(
        f"row has {len(cells)} cells but the header has {n} columns ({sep}-separated); "
        "delete the extra cells or name their column in the header line",
        file=table.name, line=line, value=(table.separator or ",").join(cells))


class _Fault(Exception):
    """A bad cell; the caller adds file, line, column and value. One parser per column:
    (raw text, scale) -> value, or this fault with its message."""


def _date_cell(raw: str, scale) -> _date:
    m = _ISO_DATE.fullmatch(raw)
    if m is None:
        raise _Fault(_date_fix(raw))
    if m.group(2) is not None and any(int(g or 0) for g in m.group(2, 3, 4)):
        raise _Fault("the date has a time of day, but a diary has one row per day: keep only "
                     f"the date, {m.group(1)}")
    try:
        return _date.fromisoformat(m.group(1))
    except ValueError:
        raise _Fault("not a valid calendar date; correct it (YYYY-MM-DD)") from None


def _date_fix(raw: str) -> str:
    """What is wrong with a date cell that is not YYYY-MM-DD, and how to fix it."""
    fix = ("write dates as YYYY-MM-DD (in a spreadsheet: format the date column as "
           "YYYY-MM-DD before saving)")
    m = _DMY.fullmatch(raw)
    if m is not None:
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        year += 2000 if year < 100 else 0
        readings = []
        for day, month in ((a, b), (b, a)):
            try:
                readings.append(_date(year, month, day))
            except ValueError:
                pass
        readings = list(dict.fromkeys(readings))
        if len(readings) == 2:
            d1, d2 = readings
            return (f"ambiguous date: {raw} can be {d1.day} {d1:%B} or {d2.day} {d2:%B} "
                    f"{year}; {fix}, e.g. {d1.isoformat()} or {d2.isoformat()}")
        if len(readings) == 1:
            return f"not a date in the form YYYY-MM-DD; {fix}, e.g. {readings[0].isoformat()}"
    if _SERIAL.fullmatch(raw):
        return ("a number where a date should be (a spreadsheet's date serial number?); "
                f"{fix}")
    if raw == "":
        return "the date is empty; every row needs its date, YYYY-MM-DD"
    return f"not a date in the form YYYY-MM-DD; {fix}"


def _condition_cell(raw: str, scale) -> str:
    condition = raw.lower()
    if condition not in CONDITIONS:
        raise _Fault(f"unknown condition; must be one of {', '.join(CONDITIONS)} (a sham mat "
                     "counts as control)")
    return condition


def _score_cell(raw: str, scale) -> float:
    if raw.lower() in MISSED_DAY_WORDS:
        return math.nan
    lo, hi = scale
    try:
        score = _cells.decimal(raw)
    except ValueError:
        raise _Fault(f"score is not a number; write a number from {lo:g} to {hi:g}, or leave "
                     "the cell empty (or write n/a) for a day you did not rate") from None
    if not math.isfinite(score):
        raise _Fault("score is not a finite number; write a number, or leave the cell empty "
                     "for a day you did not rate")
    if score < lo or score > hi:
        example = "0 100" if 0 <= score <= 100 else "LOW HIGH"
        raise _Fault(f"score off the scale {lo:g}-{hi:g}; if your diary uses another scale, "
                     f"say which: --scale {example} on the command line, "
                     f"scale=({example.replace(' ', ', ')}) in Python")
    return score


def _cycle_cell(raw: str, scale) -> int | None:
    if raw == "":
        return None
    try:
        value = _cells.decimal(raw)
    except ValueError:
        raise _Fault("cycle is not a number; write the cycle's number (1, 2, ...) as in "
                     "your plan") from None
    # beyond 2**53 a float no longer tells whole numbers apart (and int64 overflows later)
    if not math.isfinite(value) or value != int(value) or value < 1 or value > 2**53:
        raise _Fault("cycle must be a positive whole number (1, 2, ...), as in your plan")
    return int(value)


def _washout_cell(raw: str, scale) -> bool | None:
    if raw == "":
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise _Fault("washout must be true or false (or leave the column empty on every row)")


def _guess_cell(raw: str, scale) -> str:
    guess = raw.lower().replace("'", "").replace(" ", "_").replace("-", "_")
    if guess in _DONT_KNOW:
        guess = "dont_know"
    if guess and guess not in GUESSES:
        raise _Fault(f"blinding_guess must be one of {', '.join(GUESSES)} or empty (which mat "
                     "you think you used)")
    return guess


#: column -> (parser, value when the column is absent), in the order of ENTRY_COLUMNS[1:]
_PARSERS: dict[str, tuple[Callable, object]] = {
    "date": (_date_cell, None),
    "condition": (_condition_cell, None),
    "score": (_score_cell, None),
    "cycle": (_cycle_cell, None),
    "washout": (_washout_cell, None),
    "blinding_guess": (_guess_cell, ""),
}


def _parse_row(line: int, cells: list[str], idx: dict, scale, table: RawTable,
               seen: dict[_date, int]) -> tuple:
    """One diary row as (line, date, condition, score, cycle, washout, blinding_guess).

    ``seen`` maps the dates of the rows before to their lines (a repeated date is a fault).
    """
    name = table.name
    check_row_width(line, cells, idx["_header"], table)
    if len(cells) < idx["_n"]:
        sep = table.separator or ","
        raise DataError(
            f"row has {len(cells)} cells but the header has {idx['_n']} columns: a truncated "
            f"row? Write every cell, an empty one too, with its separator "
            f"({_csvfile.SEPARATORS[sep]}), e.g. '2026-03-29{sep}6{sep}mat{sep}'",
            file=name, line=line, column=idx["_header"][len(cells)], value=sep.join(cells))
    cells = [c.strip() for c in cells]
    out: list[object] = [line]
    for col, (parse, absent) in _PARSERS.items():
        if col not in idx:
            out.append(absent)
            continue
        raw = cells[idx[col]]
        try:
            out.append(parse(raw, scale))
        except _Fault as fault:
            raise DataError(str(fault), file=name, line=line, column=col, value=raw) from None
        if col == "date":
            if out[1] in seen:
                raise DataError(f"duplicate day: the same date is already on line {seen[out[1]]}; "
                                "keep one row per day", file=name, line=line, column="date",
                                value=raw)
            seen[out[1]] = line
    return tuple(out)


def _check_filled_everywhere(records: list[tuple], name: str) -> None:
    """cycle and washout: used when filled on every row, ignored when empty on every row
    (e.g. a frame from read_diary without them); a partly filled one is an error."""
    for pos, col in ((4, "cycle"), (5, "washout")):
        filled = [r[pos] is not None for r in records]
        if any(filled) and not all(filled):
            first = next(r for r, f in zip(records, filled, strict=True) if not f)
            raise DataError(
                f"{col} is empty here but filled on other rows; fill it on every row or on none",
                file=name, line=first[0], column=col, value="",
            )


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
        when absent or not given). ``attrs["source"]`` is the file name (``"<DataFrame>"``
        for a frame), ``attrs["design"]`` the ``design`` column's value (None without one).

    Raises
    ------
    matstats.DataError
        Empty file, missing column, bad date, unknown condition, non-numeric or off-scale score,
        bad cycle/washout/blinding_guess value, duplicate date.
    ValueError
        Bad ``scale``.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"date": ["2026-01-02", "2026-01-01"], "condition": ["mat", "control"],
    ...                   "score": [3, ""]})
    >>> read_diary(d)[["line", "condition", "score"]].to_dict("list")
    {'line': [3, 2], 'condition': ['control', 'mat'], 'score': [nan, 3.0]}
    """
    lo_hi = check_scale(scale)
    table = _source_rows(diary)
    name, rows = table.name, table.rows
    idx = _column_index(table)
    seen: dict[_date, int] = {}
    records = [_parse_row(line, cells, idx, lo_hi, table, seen) for line, cells in rows]
    _check_filled_everywhere(records, name)
    design = _design(rows, idx, name)
    out = pd.DataFrame(records, columns=ENTRY_COLUMNS).astype(
        {"score": float, "cycle": "Int64", "washout": "boolean"})
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    out.attrs.update(source=name, design=design)
    return out


def _design(rows, idx: dict, name: str) -> str | None:
    """The ``design`` column: one value of DIARY_DESIGNS on every row, or empty everywhere."""
    if "design" not in idx:
        return None
    values = []
    for line, cells in rows:
        raw = cells[idx["design"]].strip().lower() if idx["design"] < len(cells) else ""
        if raw and raw not in DIARY_DESIGNS:
            raise DataError(f"design must be one of {', '.join(DIARY_DESIGNS)} or empty (as "
                        "written by matstats nof1 plan)",
                            file=name, line=line, column="design", value=raw)
        values.append((line, raw))
    found = {v for _, v in values if v}
    if len(found) > 1:
        line, raw = next((ln, v) for ln, v in values if v and v != values[0][1])
        raise DataError("design differs between rows; a trial has one design: write the "
                        "same value on every row",
                        file=name, line=line, column="design", value=raw)
    return found.pop() if found else None
