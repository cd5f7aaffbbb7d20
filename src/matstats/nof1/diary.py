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

__all__ = [
    "DiaryResult",
    "analyze",
    "blinding_index",
    "build_calendar",
    "example_diary_path",
    "make_verdict",
    "read_diary",
    "summarize_blinding",
    "summarize_cycles",
    "summarize_periods",
]

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


def example_diary_path() -> Path:
    """Path of the shipped synthetic example diary ``data/examples/diary_example.csv``.

    The diary is simulated (seed and parameters in ``data/examples/README.md``); it holds no
    real person's data.
    """
    from importlib import resources

    return Path(str(resources.files("matstats") / "data" / "examples" / "diary_example.csv"))


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
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
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
            if raw != "":
                cycle = _parse_int(raw, file=name, line=line, column="cycle")

        washout: bool | None = None
        if "washout" in idx:
            raw = cells[idx["washout"]]
            if raw == "":
                pass
            elif raw.lower() in _TRUE:
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

    # cycle and washout: a column is used when filled on every row, ignored when empty on every
    # row (e.g. a frame from read_diary without them); a partly filled one is an error
    for pos, col in ((4, "cycle"), (5, "washout")):
        filled = [r[pos] is not None for r in records]
        if any(filled) and not all(filled):
            first = next(r for r, f in zip(records, filled, strict=True) if not f)
            raise DataError(
                f"{col} is empty here but filled on other rows; fill it on every row or on none",
                file=name,
                line=first[0],
                column=col,
                value="",
            )
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
    period_days: int | None = None,
) -> pd.DataFrame:
    """Expand validated diary entries to one row per calendar day with periods and cycles.

    Parameters
    ----------
    entries : DataFrame
        Output of :func:`read_diary`.
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

    Notes
    -----
    A day missing from the diary takes the condition of the day before it (so a gap at the
    switch between two periods is counted in the earlier period); its score is NaN. Without a
    ``cycle`` column, runs of one condition are cut into periods of ``period_days`` days and
    consecutive periods are paired into cycles (periods 1-2 = cycle 1, ...).
    """
    if not isinstance(washout_days, (int, np.integer)) or isinstance(washout_days, bool):
        raise ValueError(f"washout_days must be an integer >= 0, got {washout_days!r}")
    if washout_days < 0:
        raise ValueError(f"washout_days must be an integer >= 0, got {washout_days!r}")
    if period_days is not None and (
        isinstance(period_days, bool)
        or not isinstance(period_days, (int, np.integer))
        or period_days < 1
    ):
        raise ValueError(f"period_days must be a positive integer or None, got {period_days!r}")
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
        cur["day"] = k + 1
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
        # Without cycles, a run of one condition may hold two periods (AB then BA). Period
        # length = period_days if given, else the shortest run; longer runs must be multiples.
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
                raise DataError(
                    f"this {run[0]['condition']!r} run lasts {len(run)} days, not a multiple of "
                    f"the period length {length} days, so the periods cannot be told apart; "
                    "add a 'cycle' column (as written by 'matstats nof1 plan') or pass period_days",
                    file=name,
                    line=run[0]["line"],
                    column="condition",
                    value=run[0]["condition"],
                )
            for k, r in enumerate(run):
                r["period"] = period + 1 + k // length
            period += len(run) // length
        n_periods = period
        for r in rows:
            r["cycle"] = (r["period"] + 1) // 2
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
                raise DataError(
                    f"cycle {c} (periods of {length} days paired in calendar order; {where} "
                    f"{have!r}) lacks a {missing!r} period; finish the cycle, add a 'cycle' "
                    "column, or remove these days",
                    file=name,
                    line=first_of[c]["line"],
                    column="condition",
                    value=have,
                )

    start_of: dict[int, int] = {}
    for r in rows:
        start_of.setdefault(r["period"], r["day"])
        r["day_in_period"] = r["day"] - start_of[r["period"]] + 1
        if not has_washout:
            r["washout"] = r["day_in_period"] <= washout_days

    cal = pd.DataFrame(
        rows,
        columns=[
            "day", "date", "line", "cycle", "period", "day_in_period", "condition", "washout",
            "score", "blinding_guess",
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
        ``first_day``, ``last_day`` (1-based day numbers), ``n_days`` (calendar days),
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


# --------------------------------------------------------------------------------------------
# result, verdict, analyze
# --------------------------------------------------------------------------------------------

METHOD_COLUMNS = (
    "method", "estimate", "ci_low", "ci_high", "se", "p_value", "prob_benefit", "prob_mcid",
    "n_used", "note",
)


@dataclass(frozen=True, eq=False)
class DiaryResult:
    """Everything :func:`analyze` found in one diary.

    Attributes
    ----------
    methods : DataFrame
        One row per method, columns ``method``, ``estimate`` (mat minus control, score
        points), ``ci_low``, ``ci_high`` (95% interval where the method defines one, else NaN),
        ``se`` (standard error; posterior SD for ``bayes``), ``p_value`` (two-sided), ``prob_benefit`` and ``prob_mcid`` (posterior
        probabilities that the mat is better / better by at least ``mcid``; ``bayes`` only),
        ``n_used`` (cycles for cycle-level methods, days for day-level ones) and ``note``.
    days : DataFrame
        The calendar (see :func:`build_calendar`).
    periods : DataFrame
        See :func:`summarize_periods`.
    cycles : DataFrame
        See :func:`summarize_cycles`.
    excluded : DataFrame
        Every calendar day left out of the period means: ``day``, ``date``, ``line``
        (``<NA>`` for a day with no diary row), ``reason``.
    blinding : DataFrame
        See :func:`summarize_blinding` (no rows without guesses).
    raw : Series
        The single row returned by :func:`matstats.nof1.analyze_many` for this diary (run on
        the negated score when ``lower_is_better`` is False), with full precision.
    verdict : str
        Plain-language verdict with its caveats.
    verdict_label : str
        ``"benefit_likely"``, ``"small_benefit_likely"``, ``"no_meaningful_benefit"``,
        ``"worse_on_mat"`` or ``"unclear"``.
    mcid, comparator, lower_is_better, scale, source
        The settings used and the diary's name.
    """

    methods: pd.DataFrame
    days: pd.DataFrame
    periods: pd.DataFrame
    cycles: pd.DataFrame
    excluded: pd.DataFrame
    blinding: pd.DataFrame
    raw: pd.Series
    verdict: str
    verdict_label: str
    mcid: float
    comparator: str
    lower_is_better: bool
    scale: tuple[float, float]
    source: str = field(default=DATAFRAME_NAME)

    def to_frame(self) -> pd.DataFrame:
        """The method table (a copy of :attr:`methods`)."""
        return self.methods.copy()

    @property
    def primary(self) -> pd.Series:
        """The ``cycle_t`` row of :attr:`methods`, the basis of the verdict."""
        return self.methods.set_index("method").loc["cycle_t"]

    def figure(self, *, figsize: tuple[float, float] = (10.0, 7.0)):
        """Daily scores shaded by condition with period means, and the cycle differences.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matstats.plots.nof1 import plot_diary

        p = self.primary
        return plot_diary(
            self.days,
            self.periods,
            self.cycles,
            estimate=float(p["estimate"]),
            ci_low=float(p["ci_low"]),
            ci_high=float(p["ci_high"]),
            mcid=self.mcid,
            lower_is_better=self.lower_is_better,
            scale=self.scale,
            figsize=figsize,
        )

    def summary(self) -> str:
        """A printable report: the data used, the method table and the verdict."""
        n_rated = int(self.days["score"].notna().sum())
        head = (
            f"Diary {self.source}: {len(self.days)} days "
            f"({self.days['date'].iloc[0]} to {self.days['date'].iloc[-1]}), "
            f"{len(self.cycles)} cycles, {n_rated} days rated, "
            f"{len(self.excluded)} days not used in the period means "
            f"({_reason_counts(self.excluded)})."
        )
        table = self.methods.drop(columns=["note"]).to_string(
            index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"
        )
        notes = "\n".join(
            f"  {m}: {n}" for m, n in zip(self.methods["method"], self.methods["note"]) if n
        )
        parts = [head, "", "Estimates: mat minus control, in score points.", table]
        if notes:
            parts += ["", "Notes:", notes]
        if len(self.blinding):
            b = self.blinding
            parts += ["", "Blinding (Bang index per arm; 0 = guessing, 1 = always right):",
                      b.to_string(index=False, float_format=lambda v: f"{v:.2f}")]
        parts += ["", "Verdict: " + self.verdict]
        return "\n".join(parts)


def _reason_counts(excluded: pd.DataFrame) -> str:
    if not len(excluded):
        return "none"
    counts = excluded["reason"].value_counts(sort=False)
    return ", ".join(f"{r}: {n}" for r, n in counts.items())


def _excluded_days(cal: pd.DataFrame) -> pd.DataFrame:
    reasons = []
    for r in cal.itertuples(index=False):
        if pd.isna(r.line):
            reasons.append((r.day, r.date, r.line, "no diary row"))
        elif math.isnan(r.score):
            reasons.append((r.day, r.date, r.line, "score empty"))
        elif r.washout:
            reasons.append((r.day, r.date, r.line, "washout day"))
    out = pd.DataFrame(reasons, columns=["day", "date", "line", "reason"])
    out["line"] = out["line"].astype("Int64")
    return out


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _pct(p: float) -> str:
    if p > 0.99:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{p:.0%}"


def make_verdict(
    estimate: float,
    ci_low: float,
    ci_high: float,
    *,
    n_cycles: int,
    mcid: float = 2.0,
    lower_is_better: bool = True,
    comparator: str = "no_mat",
    prob_benefit: float = math.nan,
    prob_mcid: float = math.nan,
    p_randomization: float = math.nan,
    min_p_randomization: float = math.nan,
    p_day_t: float = math.nan,
    p_cycle_t: float = math.nan,
    alpha: float = 0.05,
    bang_bi_mat: float = math.nan,
) -> tuple[str, str]:
    """Plain-language verdict from the primary (cycle-level) estimate and its 95% CI.

    Rules, on the benefit scale ``b`` (``-estimate`` when lower is better), with the CI
    ``[b_lo, b_hi]``:

    - ``b_lo > 0`` (the interval excludes no effect): ``benefit_likely`` when the estimate
      reaches ``mcid``, else ``small_benefit_likely``;
    - ``b_hi < 0``: ``worse_on_mat``;
    - ``b_hi < mcid`` (the interval rules out a benefit as large as the MCID):
      ``no_meaningful_benefit``;
    - otherwise ``unclear``.

    Returns
    -------
    (label, text) : tuple of str
    """
    if comparator not in ("no_mat", "sham"):
        raise ValueError(f"comparator must be 'no_mat' or 'sham', got {comparator!r}")
    sign = -1.0 if lower_is_better else 1.0
    b = sign * estimate
    lo, hi = sorted((sign * ci_low, sign * ci_high))
    better = "lower" if lower_is_better else "higher"
    sentences = []
    if not (math.isfinite(b) and math.isfinite(lo) and math.isfinite(hi)):
        label = "unclear"
        sentences.append(
            f"Unclear: with {n_cycles} usable cycle(s) no interval can be computed; run more "
            "cycles (at least 3, and 6 for the randomization test to be able to reach p < 0.05)."
        )
    elif lo > 0:
        if b >= mcid:
            label = "benefit_likely"
            sentences.append(
                f"Benefit likely: your scores were {b:.1f} points {better} on the mat "
                f"(95% CI {lo:.1f} to {hi:.1f}), at least the {mcid:g}-point difference "
                "that people usually notice."
            )
        else:
            label = "small_benefit_likely"
            sentences.append(
                f"A benefit is likely but small: your scores were {b:.1f} points {better} on the "
                f"mat (95% CI {lo:.1f} to {hi:.1f}), less than the {mcid:g}-point difference "
                "that people usually notice."
            )
    elif hi < 0:
        label = "worse_on_mat"
        sentences.append(
            f"Worse on the mat: your scores were {-b:.1f} points {'higher' if lower_is_better else 'lower'} "
            f"on mat periods (95% CI {-hi:.1f} to {-lo:.1f})."
        )
    elif hi < mcid:
        label = "no_meaningful_benefit"
        sentences.append(
            f"No meaningful benefit: the difference was {b:.1f} points in the mat's favour "
            f"(95% CI {lo:.1f} to {hi:.1f}); the interval rules out the {mcid:g}-point benefit "
            "that people usually notice."
        )
    else:
        label = "unclear"
        sentences.append(
            f"Unclear: the difference was {b:.1f} points in the mat's favour (95% CI {lo:.1f} to "
            f"{hi:.1f}), which includes both no effect and a {mcid:g}-point benefit; more cycles "
            "would narrow it."
        )
    if math.isfinite(prob_benefit):
        sentences.append(
            f"Posterior probability that the mat helps at all: {_pct(prob_benefit)}; "
            f"that it helps by {mcid:g} points or more: {_pct(prob_mcid)}."
        )
    if math.isfinite(p_randomization):
        s = f"Randomization test {_fmt_p(p_randomization)}"
        if math.isfinite(min_p_randomization) and min_p_randomization > alpha:
            s += (f" (with {n_cycles} cycles it cannot go below {min_p_randomization:.3f}, so it "
                  f"can never reach {alpha:g})")
        sentences.append(s + ".")
    if (
        math.isfinite(p_day_t)
        and math.isfinite(p_cycle_t)
        and (p_day_t < alpha) != (p_cycle_t < alpha)
    ):
        sentences.append(
            f"The naive day-by-day t test gives {_fmt_p(p_day_t)}; it treats correlated days as "
            "independent and overstates certainty, so it is shown for comparison only."
        )
    if comparator == "no_mat":
        shifted = lo - UNBLINDED_BIAS_POINTS
        s = (
            "Caveat: your control periods were without a mat, so you knew when you were on it. "
            f"Expectation alone typically moves such ratings by about {UNBLINDED_BIAS_POINTS:g} "
            "point in the treatment's favour, and this diary cannot separate that from a real effect"
        )
        if label in ("benefit_likely", "small_benefit_likely") and shifted <= 0:
            s += (f"; a {UNBLINDED_BIAS_POINTS:g}-point expectation bias would explain the lower "
                  "end of the interval")
        sentences.append(s + ". A blunt 'sham' mat as the comparator avoids this.")
    else:
        s = ("The comparator was a sham mat, which protects against expectation bias only if you "
             "could not tell the mats apart")
        if math.isfinite(bang_bi_mat):
            s += (f"; your guesses give a blinding index of {bang_bi_mat:.2f} on mat periods "
                  "(0 = guessing, 1 = always right)")
        sentences.append(s + ".")
    return label, " ".join(sentences)


def _method_table(
    row: pd.Series, *, sign: float, mcid: float, alpha_ci: float = 0.05, max_exact_cycles: int
) -> pd.DataFrame:
    """Reshape one row of ``analyze_many`` output into one row per method (see DiaryResult)."""
    from scipy import stats

    q = 1.0 - alpha_ci / 2.0
    n_cyc = int(row["n_cycles_used"])
    n_days = int(row["n_days_used"])
    nan = math.nan

    def flip(est, lo, hi):
        # back to the diary's own scale when the analysis ran on -score
        return (sign * est, *sorted((sign * lo, sign * hi)))

    def t_ci(est, se, df):
        if not (df >= 1 and math.isfinite(est) and math.isfinite(se)):
            return nan, nan
        h = float(stats.t.ppf(q, df)) * se
        return est - h, est + h

    rows = []
    est, se = float(row["cycle_t_estimate"]), float(row["cycle_t_se"])
    lo, hi = t_ci(est, se, n_cyc - 1)
    rows.append(("cycle_t", *flip(est, lo, hi), se, float(row["cycle_t_p"]), nan, nan, n_cyc,
                 f"paired t on {n_cyc} cycle differences of period means, df {n_cyc - 1}; "
                 "primary analysis"))

    est, se = float(row["randomization_estimate"]), nan
    exact = n_cyc <= max_exact_cycles
    rows.append(("randomization", sign * est, nan, nan, se, float(row["randomization_p"]), nan,
                 nan, n_cyc,
                 f"sign-flip test, {'exact over all 2^' + str(n_cyc) if exact else 'Monte Carlo'}"
                 f" allocations; smallest possible p {2.0 / 2**n_cyc:.3f}" if exact else
                 "sign-flip test, Monte Carlo allocations"))

    est, se = float(row["gls_ar1_estimate"]), float(row["gls_ar1_se"])
    # residual df of the t test analyze_many used (older versions: GLSAR, n - 1 - 3)
    df_gls = float(row["gls_ar1_df"]) if "gls_ar1_df" in row.index else n_days - 4.0
    lo, hi = t_ci(est, se, df_gls)
    rows.append(("gls_ar1", *flip(est, lo, hi), se, float(row["gls_ar1_p"]), nan, nan, n_days,
                 f"day-level regression (intercept, linear trend, mat) with AR(1) errors, "
                 f"estimated rho {float(row['gls_ar1_rho']):.2f}, t interval df {df_gls:g}"))

    est, sd = float(row["bayes_estimate"]), float(row["bayes_sd"])
    z = float(stats.norm.ppf(q))
    rows.append(("bayes", *flip(est, est - z * sd, est + z * sd), sd, nan,
                 float(row["bayes_p_benefit"]), float(row["bayes_p_mcid"]), n_cyc,
                 "normal prior N(0, 2^2) on the effect, cycle differences with plug-in SD; "
                 "posterior mean, 95% credible interval; prob_mcid = P(benefit >= "
                 f"{mcid:g} points)"))

    est, se = float(row["day_t_estimate"]), float(row["day_t_se"])
    lo, hi = t_ci(est, se, n_days - 2)
    rows.append(("day_t", *flip(est, lo, hi), se, float(row["day_t_p"]), nan, nan, n_days,
                 "naive day-level two-sample t test; ignores autocorrelation, overstates "
                 "certainty; for comparison only"))
    out = pd.DataFrame(rows, columns=list(METHOD_COLUMNS))
    return out


def analyze(
    diary: str | Path | pd.DataFrame,
    *,
    scale: tuple[float, float] = (0.0, 10.0),
    mcid: float = 2.0,
    comparator: str = "no_mat",
    washout_days: int = 1,
    period_days: int | None = None,
    lower_is_better: bool = True,
    prior_sd: float = 2.0,
    max_exact_cycles: int = 12,
    rng=None,
) -> DiaryResult:
    """Analyse one person's mat trial diary with every n-of-1 method and give a verdict.

    Parameters
    ----------
    diary : str, Path or DataFrame
        The diary: columns ``date``, ``condition`` (``mat``/``control``), ``score`` and
        optionally ``cycle``, ``washout``, ``blinding_guess`` (see the module docstring).
    scale : (float, float), default (0, 10)
        Possible scores; a score outside raises :class:`matstats.DataError`.
    mcid : float, default 2.0
        Minimal clinically important difference in score points (methods notes: 2 points on
        a 0-10 pain scale, Farrar 2001).
    comparator : {"no_mat", "sham"}, default "no_mat"
        What the control periods were; ``"no_mat"`` adds the unblinded-comparator caveat.
    washout_days : int, default 1
        Days at the start of each period dropped from the analyses when the diary has no
        ``washout`` column (methods notes: 1).
    period_days : int, optional
        Period length, only used without a ``cycle`` column (see :func:`build_calendar`).
    lower_is_better : bool, default True
        True for pain or stress scores; False for e.g. sleep quality (the analysis then runs on
        the negated score so that the Bayesian probabilities are probabilities of benefit;
        estimates are reported on the original scale).
    prior_sd : float, default 2.0
        SD of the normal prior N(0, prior_sd^2) of the ``bayes`` method.
    max_exact_cycles : int, default 12
        Up to this many cycles the randomization test enumerates every allocation.
    rng : None, int or numpy.random.Generator
        Only used by a Monte Carlo randomization test (more than ``max_exact_cycles`` cycles).

    Returns
    -------
    DiaryResult
        ``.to_frame()`` gives one row per method (``cycle_t``, ``randomization``,
        ``gls_ar1``, ``bayes``, ``day_t``) with columns ``method``, ``estimate``, ``ci_low``,
        ``ci_high``, ``se``, ``p_value``, ``prob_benefit``, ``prob_mcid``, ``n_used``,
        ``note``; ``.verdict`` the plain-language verdict; ``.figure()`` the diary figure;
        ``.excluded`` every day not used, with its reason.

    Raises
    ------
    matstats.DataError
        Any fault in the diary (file, line, column and value in the message), or fewer than two
        cycles with usable days in both periods.
    ValueError
        Bad parameters.

    Notes
    -----
    The methods are those of :func:`matstats.nof1.analyze_many` run on the single series (the
    calendar from the first to the last date, with NaN on unrated days). Confidence intervals
    (95%): ``cycle_t`` mean difference +- t(0.975, cycles - 1) x SE; ``gls_ar1`` and ``day_t``
    t intervals with the residual df; ``bayes`` the normal posterior's central 95% interval;
    ``randomization`` has none. The verdict uses ``cycle_t`` (see :func:`make_verdict`).
    """
    from matstats.nof1.analysis import analyze_many

    lo_hi = _check_scale(scale)
    if not (isinstance(mcid, (int, float)) and math.isfinite(mcid) and mcid > 0):
        raise ValueError(f"mcid must be a positive number, got {mcid!r}")
    if comparator not in ("no_mat", "sham"):
        raise ValueError(f"comparator must be 'no_mat' or 'sham', got {comparator!r}")
    entries = read_diary(diary, scale=lo_hi)
    name = entries.attrs["source"]
    cal = build_calendar(entries, washout_days=washout_days, period_days=period_days)
    periods = summarize_periods(cal)
    cycles = summarize_cycles(periods)
    usable = int(cycles["difference"].notna().sum())
    if usable < 2:
        raise DataError(
            f"only {usable} cycle(s) have rated non-washout days in both periods; at least 2 "
            "are needed for any analysis",
            file=name,
            column="score",
        )
    y = cal["score"].to_numpy(dtype=float)[None, :]
    if not lower_is_better:
        y = -y
    sched = cal[["day", "cycle", "period", "day_in_period", "condition", "washout"]]
    raw = analyze_many(
        sched, y, mcid=float(mcid), prior_sd=prior_sd, max_exact_cycles=max_exact_cycles, rng=rng
    ).iloc[0]
    methods = _method_table(raw, sign=1.0 if lower_is_better else -1.0, mcid=float(mcid),
                            max_exact_cycles=max_exact_cycles)
    blinding = summarize_blinding(cal)
    m = methods.set_index("method")
    bi_mat = (
        float(blinding.loc[blinding["condition"] == "mat", "bang_bi"].iloc[0])
        if len(blinding) else math.nan
    )
    n_cyc = int(raw["n_cycles_used"])
    label, text = make_verdict(
        float(m.at["cycle_t", "estimate"]),
        float(m.at["cycle_t", "ci_low"]),
        float(m.at["cycle_t", "ci_high"]),
        n_cycles=n_cyc,
        mcid=float(mcid),
        lower_is_better=lower_is_better,
        comparator=comparator,
        prob_benefit=float(m.at["bayes", "prob_benefit"]),
        prob_mcid=float(m.at["bayes", "prob_mcid"]),
        p_randomization=float(m.at["randomization", "p_value"]),
        min_p_randomization=2.0 / 2**n_cyc if n_cyc <= max_exact_cycles else math.nan,
        p_day_t=float(m.at["day_t", "p_value"]),
        p_cycle_t=float(m.at["cycle_t", "p_value"]),
        bang_bi_mat=bi_mat,
    )
    return DiaryResult(
        methods=methods,
        days=cal,
        periods=periods,
        cycles=cycles,
        excluded=_excluded_days(cal),
        blinding=blinding,
        raw=raw,
        verdict=text,
        verdict_label=label,
        mcid=float(mcid),
        comparator=comparator,
        lower_is_better=lower_is_better,
        scale=lo_hi,
        source=name,
    )
