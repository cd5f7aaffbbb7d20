"""Read and validate one person's n-of-1 diary (a CSV file or a DataFrame).

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
thinks they used), ``day`` (ignored) and ``design`` (the design the plan was drawn with:
``paired_random``, ``abab`` or ``alternating``, the same on every row; written by
``matstats nof1 plan``). Other columns are ignored. The CSV written by
``matstats nof1 plan`` (:func:`matstats.nof1.plan_calendar`) is a valid diary once the scores
are filled in.

Faults raise :class:`matstats.DataError` naming the file (``"<DataFrame>"`` for a DataFrame
input), the 1-based line (the header is line 1; a DataFrame's first row is line 2), the column
and the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date as _date
from pathlib import Path

import numpy as np
import pandas as pd

from matstats._core import cells as _cells
from matstats._core import csvfile as _csvfile
from matstats._core.errors import DataError

__all__ = ["DATAFRAME_NAME", "example_diary_path", "read_diary"]

DATAFRAME_NAME = "<DataFrame>"
REQUIRED_COLUMNS = ("date", "condition", "score")
OPTIONAL_COLUMNS = ("cycle", "period", "washout", "blinding_guess", "day", "design")
#: Values of the optional ``design`` column (the designs of :func:`matstats.nof1.schedule`).
DIARY_DESIGNS = ("paired_random", "abab", "alternating")
CONDITIONS = ("mat", "control")
GUESSES = ("mat", "control", "dont_know")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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
    from importlib import resources

    return Path(str(resources.files("matstats") / "data" / "examples" / "diary_example.csv"))


def check_scale(scale) -> tuple[float, float]:
    """``scale`` as a finite pair ``(low, high)`` with ``low < high`` (ValueError otherwise)."""
    try:
        lo, hi = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale must be a pair (low, high), got {scale!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"scale must satisfy low < high (finite), got {scale!r}")
    return lo, hi


# --------------------------------------------------------------------------------------------
# raw rows from a file or a frame
# --------------------------------------------------------------------------------------------


def _rows_from_csv(path: Path, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based line, cells) for every non-blank data row of a CSV file.

    A diary cell never holds a line break, so a quote left open (which would swallow the
    following lines and their days) is a :class:`DataError` naming the line it opens on.
    """
    name = str(path)
    text = _csvfile.read_text(path, name, what=f"{what} file")
    if not text.strip():
        raise DataError(f"{what} file is empty (no header line)", file=name, line=1)
    header, rows = _csvfile.read_rows(text, name, multiline_cells=False)
    kept = [(line, cells) for line, cells in rows if cells and any(c.strip() for c in cells)]
    return header or [], kept


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


def _rows_from_frame(df: pd.DataFrame) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header = [str(c) for c in df.columns]
    rows = [(i + 2, [_frame_cell(v) for v in values])
            for i, values in enumerate(df.itertuples(index=False, name=None))]
    return header, rows


def _source_rows(diary, what: str = "diary") -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """Name, header and data rows of a diary (or a long ``what`` table of diaries) given as
    a path or a DataFrame."""
    if isinstance(diary, pd.DataFrame):
        return (DATAFRAME_NAME, *_rows_from_frame(diary))
    if isinstance(diary, (str, Path)):
        path = Path(diary)
        return (str(path), *_rows_from_csv(path, what))
    raise ValueError(f"{what} must be a path or a pandas DataFrame, got {type(diary).__name__}")


def _column_index(header: list[str], rows: list, name: str) -> dict[str, int]:
    """Position of every known column; faults in the header raise DataError."""
    cols = [h.strip().lower() for h in header]
    for required in REQUIRED_COLUMNS:
        if required not in cols:
            raise DataError(
                f"missing required column {required!r} "
                f"(columns found: {', '.join(cols) or 'none'})",
                file=name, line=1, column=required,
            )
    for c in set(cols):
        if c and cols.count(c) > 1:
            raise DataError("column appears more than once", file=name, line=1, column=c)
    if not rows:
        raise DataError("diary has a header but no data rows", file=name, line=2)
    idx = {c: cols.index(c) for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in cols}
    idx["_n"] = len(cols)
    idx["_header"] = cols  # type: ignore[assignment]
    return idx


# --------------------------------------------------------------------------------------------
# one parser per column: (raw text, scale) -> value, or the fault message
# --------------------------------------------------------------------------------------------


class _Fault(Exception):
    """A bad cell; the caller adds file, line, column and value."""


def _date_cell(raw: str, scale) -> _date:
    if not _ISO_DATE.match(raw):
        raise _Fault("not a date in the form YYYY-MM-DD")
    try:
        return _date.fromisoformat(raw)
    except ValueError:
        raise _Fault("not a valid calendar date") from None


def _condition_cell(raw: str, scale) -> str:
    condition = raw.lower()
    if condition not in CONDITIONS:
        raise _Fault(f"unknown condition; must be one of {', '.join(CONDITIONS)}")
    return condition


def _score_cell(raw: str, scale) -> float:
    if raw == "":
        return math.nan
    try:
        score = float(raw)
    except ValueError:
        raise _Fault("score is not a number") from None
    if not math.isfinite(score):
        raise _Fault("score is not a finite number")
    lo, hi = scale
    if score < lo or score > hi:
        raise _Fault(f"score off the scale {lo:g}-{hi:g}")
    return score


def _cycle_cell(raw: str, scale) -> int | None:
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _Fault("not a number") from None
    # beyond 2**53 a float no longer tells whole numbers apart (and int64 overflows later)
    if not math.isfinite(value) or value != int(value) or value < 1 or value > 2**53:
        raise _Fault("must be a positive whole number")
    return int(value)


def _washout_cell(raw: str, scale) -> bool | None:
    if raw == "":
        return None
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise _Fault("washout must be true or false")


def _guess_cell(raw: str, scale) -> str:
    guess = raw.lower().replace("'", "").replace(" ", "_").replace("-", "_")
    if guess in _DONT_KNOW:
        guess = "dont_know"
    if guess and guess not in GUESSES:
        raise _Fault(f"blinding_guess must be one of {', '.join(GUESSES)} or empty")
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


def _parse_row(line: int, cells: list[str], idx: dict, scale, name: str,
               seen: dict[_date, int]) -> tuple:
    """One diary row as (line, date, condition, score, cycle, washout, blinding_guess).

    ``seen`` maps the dates of the rows before to their lines (a repeated date is a fault).
    """
    if len(cells) > idx["_n"]:
        raise DataError(f"row has {len(cells)} cells but the header has {idx['_n']} columns",
                        file=name, line=line)
    if len(cells) < idx["_n"]:
        raise DataError(
            f"row has {len(cells)} cells but the header has {idx['_n']} columns: a truncated "
            "row? (an empty cell is still written with its comma, e.g. '2026-03-29,6,mat,')",
            file=name, line=line, column=idx["_header"][len(cells)], value=",".join(cells))
    cells = [c.strip() for c in cells] + [""] * (idx["_n"] - len(cells))
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
                raise DataError(f"duplicate day: the same date is already on line {seen[out[1]]}",
                                file=name, line=line, column="date", value=raw)
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
    name, header, rows = _source_rows(diary)
    idx = _column_index(header, rows, name)
    seen: dict[_date, int] = {}
    records = [_parse_row(line, cells, idx, lo_hi, name, seen) for line, cells in rows]
    _check_filled_everywhere(records, name)
    design = _design(rows, idx, name)
    out = pd.DataFrame(records, columns=ENTRY_COLUMNS)
    out["score"] = out["score"].astype(float)
    out["cycle"] = out["cycle"].astype("Int64")
    out["washout"] = out["washout"].astype("boolean")
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    out.attrs["source"] = name
    out.attrs["design"] = design
    return out


def _design(rows, idx: dict, name: str) -> str | None:
    """The ``design`` column: one value of DIARY_DESIGNS on every row, or empty everywhere."""
    if "design" not in idx:
        return None
    values = []
    for line, cells in rows:
        raw = cells[idx["design"]].strip().lower() if idx["design"] < len(cells) else ""
        if raw and raw not in DIARY_DESIGNS:
            raise DataError(f"design must be one of {', '.join(DIARY_DESIGNS)} or empty",
                            file=name, line=line, column="design", value=raw)
        values.append((line, raw))
    found = {v for _, v in values if v}
    if len(found) > 1:
        line, raw = next((ln, v) for ln, v in values if v and v != values[0][1])
        raise DataError("design differs between rows; a trial has one design",
                        file=name, line=line, column="design", value=raw)
    return found.pop() if found else None
