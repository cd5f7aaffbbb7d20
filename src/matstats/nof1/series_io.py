"""Read a series of n-of-1 diaries: a folder of diary CSVs or one long CSV with ``person``.

Each diary goes through the single-diary reader and calendar, so the rules and the
:class:`matstats.DataError` messages are the same (in a long CSV the line is the line of the
long file). Nothing is dropped silently: every exclusion is listed with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matstats._core.errors import DataError
from matstats.nof1.calendar import build_calendar
from matstats.nof1.diary import _excluded_days, _summarize_cycles, _summarize_periods
from matstats.nof1.diary_io import (DATAFRAME_NAME, _found, _source_rows, check_row_width,
                                    column_key, read_diary)

__all__ = ["SeriesData", "read_series", "write_series_diaries"]


@dataclass(frozen=True, eq=False)
class SeriesData:
    """A validated series of diaries (:func:`read_series`).

    Attributes
    ----------
    days : pandas.DataFrame
        The calendars of every person stacked: ``person``, ``file`` and the columns of
        :func:`matstats.nof1.build_calendar`.
    cycles : pandas.DataFrame
        ``person`` and the columns of :attr:`matstats.nof1.DiaryResult.cycles` (mat minus
        control mean of the rated non-washout days).
    persons : pandas.DataFrame
        One row per person: ``person``, ``file``, ``first_date``, ``last_date``, ``n_days``,
        ``n_rated``, ``n_used`` (rated non-washout days), ``n_cycles``, ``n_cycles_used``.
    excluded : pandas.DataFrame
        Cycles and persons that cannot enter the analysis: ``person``, ``cycle``
        (``<NA>`` for a whole person), ``reason``.
    excluded_days : pandas.DataFrame
        Every calendar day not used in a period mean: ``person`` and the columns of
        :attr:`matstats.nof1.DiaryResult.excluded`.
    source : str
        Folder or file read.
    """

    days: pd.DataFrame = field(repr=False)
    cycles: pd.DataFrame = field(repr=False)
    persons: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    excluded_days: pd.DataFrame = field(repr=False)
    source: str

    def to_frame(self) -> pd.DataFrame:
        """The cycle table (a copy of :attr:`cycles`), the input of the two-stage analysis."""
        return self.cycles.copy()


def _remap(exc: DataError, name: str, lines: list[int], person: str) -> DataError:
    """Re-address an error raised on a person's sub-table to the long file's line."""
    full = str(exc)  # its bare message, without the 'file ..., line ...: ' prefix
    prefix = str(DataError("", file=exc.file, line=exc.line, column=exc.column,
                           value=exc.value))
    message = full[len(prefix):] if prefix and full.startswith(prefix) else full
    line = exc.line
    if line is not None and 2 <= line < len(lines) + 2:
        line = lines[line - 2]
    return DataError(f"{message} (person {person!r})", file=name, line=line,
                     column=exc.column, value=exc.value)


def _split_long(source, person_column: str) -> list[tuple[str, str, pd.DataFrame, list[int]]]:
    """(person, file, sub-table of strings, original lines) for every person of a long table."""
    table = _source_rows(source, what="series")
    name, rows = table.name, table.rows
    cols = [column_key(h) for h in table.header]
    pc = column_key(person_column)
    if pc not in cols:
        raise DataError(f"missing required column {person_column!r} (columns found: "
                        f"{_found(cols)}); add a {person_column} "
                        "column naming whose diary each row is, or give a folder with one diary "
                        "file per person", file=name, line=1, column=person_column)
    if not rows:
        raise DataError("series has a header but no data rows; add one row per person and day",
                        file=name, line=2)
    ip = cols.index(pc)
    keep = [i for i in range(len(cols)) if i != ip]
    by: dict[str, list[tuple[int, list[str]]]] = {}
    for line, cells in rows:
        check_row_width(line, cells, cols, table)
        cells = [c.strip() for c in cells] + [""] * (len(cols) - len(cells))
        person = cells[ip]
        if person == "":
            raise DataError(f"{person_column} is empty; every row needs a person label",
                            file=name, line=line, column=person_column, value="")
        by.setdefault(person, []).append((line, [cells[i] for i in keep]))
    out = []
    for person, prow in by.items():
        frame = pd.DataFrame([c for _, c in prow], columns=[cols[i] for i in keep], dtype=object)
        out.append((person, name, frame, [ln for ln, _ in prow]))
    return out


def _one_person(person, name, diary, lines, scale, washout_days, period_days):
    """Calendar, cycles and bookkeeping of one person; errors name the right file and line."""
    try:
        entries = read_diary(diary, scale=scale)
        if lines is not None:
            entries["line"] = [lines[ln - 2] for ln in entries["line"]]
        entries.attrs["source"] = name
        cal = build_calendar(entries, washout_days=washout_days, period_days=period_days)
    except DataError as exc:
        if lines is None:
            raise
        raise _remap(exc, name, lines, person) from None
    cyc = _summarize_cycles(_summarize_periods(cal))
    cal.insert(0, "file", name)
    cal.insert(0, "person", person)
    cyc.insert(0, "person", person)
    return cal, cyc


def read_series(
    source,
    *,
    scale: tuple[float, float] = (0.0, 10.0),
    washout_days: int = 1,
    period_days: int | None = None,
    person_column: str = "person",
) -> SeriesData:
    """Read and validate a series of n-of-1 diaries.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        A folder of diary CSVs (one per person, e.g. written by ``matstats nof1 plan`` and
        filled in; the person is the file name without ``.csv``; files in sorted order), or
        one long CSV / DataFrame with a ``person`` column and the diary columns.
    scale : (float, float), default (0, 10)
        Possible scores.
    washout_days : int, default 1
        Washout days per period when a diary has no ``washout`` column.
    period_days : int, optional
        Period length, only needed for diaries without a ``cycle`` column.
    person_column : str, default "person"
        Name of the person column of a long table.

    Returns
    -------
    SeriesData

    Raises
    ------
    matstats.DataError
        Missing folder/file, a folder without CSV files, a missing ``person`` column or
        label, and every fault of the single-diary reader (naming the person in a long table).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [("A", f"2026-01-{d:02d}", "mat" if d <= 2 else "control", 3.0 + d % 2)
    ...         for d in range(1, 5)]
    >>> rows += [("A", f"2026-01-{d:02d}", "mat" if d <= 6 else "control", 4.0 + d % 3)
    ...          for d in range(5, 9)]
    >>> long = pd.DataFrame(rows, columns=["person", "date", "condition", "score"])
    >>> data = read_series(long, washout_days=0, period_days=2)
    >>> data.cycles["difference"].tolist()
    [0.0, -0.5]
    """
    if isinstance(source, pd.DataFrame):
        parts = _split_long(source, person_column)
        src = DATAFRAME_NAME
    else:
        path = Path(source)
        src = str(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"
                           and p.is_file())
            if not files:
                raise DataError("folder holds no diary CSV files (*.csv)", file=src)
            parts = [(p.stem, str(p), p, None) for p in files]
        elif path.is_file():
            parts = _split_long(path, person_column)
        else:
            raise DataError("no such file or folder", file=src)
    cals, cycs, persons = [], [], []
    for person, name, diary, lines in parts:
        cal, cyc = _one_person(person, name, diary, lines, scale, washout_days, period_days)
        cals.append(cal)
        cycs.append(cyc)
        used = ~cal["washout"] & cal["score"].notna()
        persons.append({
            "person": person, "file": name, "first_date": cal["date"].iloc[0],
            "last_date": cal["date"].iloc[-1], "n_days": len(cal),
            "n_rated": int(cal["score"].notna().sum()), "n_used": int(used.sum()),
            "n_cycles": len(cyc), "n_cycles_used": int(cyc["difference"].notna().sum()),
        })
    days = pd.concat(cals, ignore_index=True)
    cycles = pd.concat(cycs, ignore_index=True)
    return SeriesData(days=days, cycles=cycles, persons=pd.DataFrame(persons),
                      excluded=_excluded(cycles), excluded_days=_excluded_days(days, ("person",)),
                      source=src)


def _excluded(cycles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for person, g in cycles.groupby("person", sort=False):
        bad = g["difference"].isna()
        if bad.all():
            rows.append((person, pd.NA, "no usable cycle (no cycle has rated non-washout days "
                         "in both periods)"))
        rows += [(person, int(c), "no rated non-washout day in the mat or the control period")
                 for c in g.loc[bad, "cycle"]]
    out = pd.DataFrame(rows, columns=["person", "cycle", "reason"])
    out["cycle"] = out["cycle"].astype("Int64")
    return out


def write_series_diaries(sim, folder, *, series: int = 0, start_date=None) -> list[Path]:
    """Write every person of a simulated series as a diary CSV (``P01.csv``, ...).

    The files have the format of ``matstats nof1 plan`` with the scores filled in (empty on
    missing days), so :func:`read_series` and ``matstats nof1 series analyze`` read them.

    Returns
    -------
    list of pathlib.Path
        The files written, in person order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kw = {} if start_date is None else {"start_date": start_date}
    out = []
    for person, frame in sim.diaries(series, **kw).items():
        p = folder / f"{person}.csv"
        frame.to_csv(p, index=False, lineterminator="\n")
        out.append(p)
    return out
