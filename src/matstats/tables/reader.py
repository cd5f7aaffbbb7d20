"""Reader tables: one HTML formatter for every table a reader sees (notebooks and the site).

:func:`reader_table` turns a DataFrame into an HTML table that a person can read:

* missing values (None, NaN, ``pd.NA``, empty text) show as an em dash;
* counts show as integers (integer columns, and float columns holding only whole
  numbers), other numbers rounded per column (``digits``), ``-0.00`` never shown;
* booleans as "yes"/"no"; no pandas reprs (a Series is shown as a two-column table);
* study ids (in id columns and inside text) become citation links
  (:func:`matstats.evidence.citations.study_link_html`);
* ``verdict`` and ``grade`` come first and show as labelled badges;
* a named index or a MultiIndex becomes ordinary columns, column MultiIndexes are
  joined into one header;
* text is never cut: the table has the CSS class ``ms-table`` (the site's stylesheet
  wraps text and turns rows into cards on phones);
* a table with more than :data:`MAX_COLUMNS` columns is a stack of cards (``ms-cards
  ms-flow``: one per row, "column: value" pairs flowing like text), so it fits its column;
* a number or a date is never broken across lines: a cell holding only a number or a date
  has the class ``ms-numcell``, and numbers and dates inside text are wrapped in
  ``<span class="ms-nb">`` (both ``white-space: nowrap`` in the site's stylesheet).

The result is a :class:`ReaderTable`; Jupyter shows its HTML, ``str()`` gives the HTML and
``ReaderTable.html`` too. In a notebook: ``reader_table(df)`` as a cell's last line.
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from matstats._core import cells as _cells
from matstats import vocab
from matstats.evidence import citations
from matstats.evidence.data_io import load_claims, load_studies

__all__ = ["DASH", "ReaderTable", "format_value", "nobreak_numbers", "reader_table",
           "use_reader_tables"]

DASH = "\u2014"
#: columns holding study ids (a single id or a ``;``-separated list)
STUDY_COLUMNS = ("study_id", "study_ids", "found_studies", "found_figure_source")
#: columns shown first, in this order, when present
LEAD_COLUMNS = ("verdict", "grade")
#: label columns whose underscores read better as spaces
_LABEL_COLUMNS = {"verdict", "grade", "claim_kind", "claimed_design", "found_design", "design",
                  "control", "found_control", "blinding", "population_type", "device", "rung",
                  "control_class", "stage", "analysis", "claimed_control", "evidence_status",
                  "result_direction", "link_status", "rule"}


#: a number (sign, decimals, thousands separators, percent), a range ("368-372", "0.28-0.42")
#: or an ISO date (with a time part),
#: not part of an identifier ("T1.1", "hohmann2012") nor of an HTML entity ("&#39;")
_NUMBER = re.compile(
    r"(?<![\w.,&#\u2212\u2013-])[-\u2212+]?\d+(?:[.,]\d+)*(?:[-\u2013]\d+(?:[.,]\d+)*)*"
    r"(?:[ T]\d{2}:\d{2}(?::\d{2})?)?%?(?![\w])")
#: a table with more columns than this is shown as one card per row at every width (a
#: dozen columns do not fit a 740 px text column without breaking their numbers)
MAX_COLUMNS = 9
_TAG = re.compile(r"(<[^>]*>)")


@functools.lru_cache(maxsize=1)
def _data_slugs() -> frozenset:
    """Outcome measures and contrasts of the bundled studies (snake_case slugs shown as words)."""
    st, claimed = load_studies(), load_claims()["claimed_outcome_measure"].dropna()
    return (frozenset(st["outcome_measure"]) | frozenset(st["contrast"].dropna())
            | {m for ms in claimed for m in str(ms).split(";")})


def nobreak_numbers(html_text: str) -> str:
    """Wrap every number and date in the text parts of ``html_text`` in a no-break span.

    Tags and attributes are left alone; single digits are not wrapped (nothing to break).

    >>> nobreak_numbers('g = 0.75 (CI 0.11 to 1.39) on <a href="x2">2026-01-05</a>, 5 days')
    'g = <span class="ms-nb">0.75</span> (CI <span class="ms-nb">0.11</span> to <span class="ms-nb">1.39</span>) on <a href="x2"><span class="ms-nb">2026-01-05</span></a>, 5 days'
    """
    def wrap(part: str) -> str:
        if part.startswith("<"):
            return part
        return _NUMBER.sub(lambda m: m.group(0) if len(m.group(0)) < 2
                           else f'<span class="ms-nb">{m.group(0)}</span>', part)
    return "".join(wrap(p) for p in _TAG.split(html_text))


def format_value(value, digits: int = 2, *, integer: bool = False) -> str:
    """One cell as reader text (not escaped).

    >>> format_value(float("nan")), format_value(20.0, integer=True), format_value(-0.0001, 3)
    ('—', '20', '0.000')
    >>> format_value(True), format_value(0.123456, 2)
    ('yes', '0.12')
    """
    if _cells.is_missing(value):
        return DASH
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        x = float(value)
        if math.isinf(x):
            return "infinite" if x > 0 else "minus infinite"
        if integer and x.is_integer():
            return str(int(x))
        text = f"{x:.{digits}f}"
        return text[1:] if re.fullmatch(r"-0\.?0*", text) else text
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(format_value(v, digits) for v in value) or DASH
    if isinstance(value, (pd.Series, pd.DataFrame)):
        raise TypeError("a table cell holds a pandas object; pass its values instead")
    return str(value)


def _finite(col: pd.Series) -> np.ndarray:
    """The finite values of a float column."""
    vals = col.dropna().to_numpy(dtype=float)
    return vals[np.isfinite(vals)]


def _whole_numbers(col: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(col.dtype):
        return False
    if pd.api.types.is_integer_dtype(col.dtype):
        return True
    if not pd.api.types.is_float_dtype(col.dtype):
        return False
    vals = _finite(col)
    return len(vals) > 0 and bool(np.all(vals == np.round(vals))) and bool(np.all(np.abs(vals) < 1e15))


def _decimals(col: pd.Series, most: int = 4) -> int:
    """Decimals a float column needs (at most ``most``; at least 1 for non-whole numbers)."""
    if not pd.api.types.is_float_dtype(col.dtype):
        return 2
    vals = _finite(col)
    if not len(vals):
        return 2
    rounded = np.round(vals, most)
    for d in range(most + 1):
        if np.allclose(np.round(rounded, d), rounded, rtol=0, atol=10.0 ** -(most + 2)):
            return max(d, 1) if not np.all(rounded == np.round(rounded)) else d
    return most


def _flatten(df: pd.DataFrame | pd.Series) -> pd.DataFrame:
    if isinstance(df, pd.Series):
        df = df.to_frame(df.name if df.name is not None else "value")
    df = df.copy()
    if isinstance(df.columns, pd.MultiIndex):
        df.columns = [" · ".join(str(x) for x in tup if str(x) != "") for tup in df.columns]
    named = any(n is not None for n in df.index.names)
    if isinstance(df.index, pd.MultiIndex) or named:
        names = [n if n is not None else f"level_{i}" for i, n in enumerate(df.index.names)]
        df.index = df.index.set_names(names)
        df = df.reset_index()
    elif not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index(names="" if "index" in df.columns else "index")
    df.columns = [str(c) for c in df.columns]
    return df


class ReaderTable:
    """An HTML table for readers (see :func:`reader_table`)."""

    def __init__(self, html_text: str, n_rows: int, n_cols: int, caption: str = ""):
        self.html = html_text
        self.n_rows, self.n_cols, self.caption = n_rows, n_cols, caption

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        what = f" {self.caption}" if self.caption else ""
        return f"<reader table{what}: {self.n_rows} rows x {self.n_cols} columns>"


def _headers(frame: pd.DataFrame, columns, lead, *, joined: bool) -> dict[str, str]:
    """Column -> header of a reader table: ``lead`` columns first, snake_case read as words
    (joined MultiIndex labels stay as they are); a column not in ``frame`` is a ValueError."""
    if columns is None:
        headers = {c: c if joined else c.replace("_", " ") for c in frame.columns}
    elif isinstance(columns, Mapping):
        headers = dict(columns)
    else:
        headers = {c: c.replace("_", " ") for c in columns}
    missing = [c for c in headers if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    order = [c for c in lead if c in headers] + [c for c in headers if c not in lead]
    return {c: headers[c] for c in order}


def _td_class(value, col: str, html_columns) -> str:
    """The cell's CSS classes: its column, and ``ms-numcell`` for a number or a numeric string."""
    cls = "ms-col-" + re.sub(r"[^A-Za-z0-9_-]+", "-", col)
    if col in html_columns or _cells.is_missing(value) or isinstance(value, (bool, np.bool_)):
        return cls
    if isinstance(value, (numbers.Real, pd.Timestamp)) or (
            isinstance(value, str) and _NUMBER.fullmatch(value.strip())):
        return cls + " ms-numcell"
    return cls


def reader_table(
    df: pd.DataFrame | pd.Series,
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    digits: int | Mapping[str, int] | None = None,
    caption: str = "",
    bib: dict | None = None,
    bib_href: str | None = None,
    lead: Sequence[str] = LEAD_COLUMNS,
    css: str = "",
    row_id: tuple[str, str] | None = None,
    html_columns: Sequence[str] = (),
) -> ReaderTable:
    """A DataFrame as a readable HTML table.

    Parameters
    ----------
    df : pandas.DataFrame or pandas.Series
        The table (a Series becomes a two-column table: index and values).
    columns : sequence or mapping, optional
        Columns to show, in order; a mapping also renames them (column -> header).
        Default: every column, with underscores shown as spaces.
    digits : int, mapping or None
        Decimals for non-integer numbers; a mapping gives them per column. Default (None):
        per column, as many decimals (at most 4) as its values need after rounding to 4,
        so a table rounded beforehand keeps its rounding and every column is consistent.
    caption : str
        Table caption (plain text; study ids in it become links).
    bib : dict, optional
        Bibliography (:func:`matstats.evidence.citations.bibliography`; default: the bundled data's).
    bib_href : str, optional
        URL of the bibliography page, for "[ref]" links (the site passes it).
    lead : sequence of str
        Columns moved to the front when present (verdict and grade).
    css : str
        Extra CSS classes of the ``<table>``.
    row_id : (column, prefix), optional
        Give each row the HTML id ``prefix + value`` of that column (a link target).
    html_columns : sequence of str
        Columns whose values are trusted HTML, inserted as they are.

    Returns
    -------
    ReaderTable
        ``.html`` is ``<div class="ms-table-wrap"><table class="ms-table ...">...``.

    Examples
    --------
    >>> t = reader_table(pd.DataFrame({"study_id": ["hohmann2012_neck"], "n": [20.0],
    ...                                "g": [float("nan")]}))
    >>> "NaN" in t.html, ">20<" in t.html, "\u2014" in t.html, "https://" in t.html
    (False, True, True, True)
    """
    bib = citations.bibliography() if bib is None else bib
    frame = _flatten(df)
    headers = _headers(frame, columns, lead,
                       joined=isinstance(getattr(df, "columns", None), pd.MultiIndex))
    whole = {c: _whole_numbers(frame[c]) for c in headers}
    auto = {c: _decimals(frame[c]) for c in headers}
    places = ({c: digits.get(c, auto[c]) for c in headers} if isinstance(digits, Mapping)
              else auto if digits is None else dict.fromkeys(headers, digits))

    def cell(value, col: str) -> str:
        if col in html_columns and not _cells.is_missing(value):
            return str(value)
        if col in STUDY_COLUMNS and not _cells.is_missing(value):
            ids = [s.strip() for s in re.split(r"[;,]", str(value)) if s.strip()]
            known = [s for s in ids if s in bib]
            if known and len(known) == len(ids):
                return nobreak_numbers(", ".join(
                    citations.study_link_html(s, bib, bib_href=bib_href) for s in ids))
        text = format_value(value, places[col], integer=whole[col])
        if text == DASH:
            return DASH
        if col in _LABEL_COLUMNS and isinstance(value, str):
            text = ", ".join(vocab._word(col, v) for v in text.split(";"))
        elif isinstance(value, str):
            text = vocab._code_words(text, _data_slugs())
        if col in ("verdict", "grade") and isinstance(value, str):
            cls = re.sub(r"[^a-z]+", "-", value.lower()).strip("-")
            return f'<span class="ms-badge ms-{col}-{cls}">{html.escape(text)}</span>'
        if isinstance(value, str):
            return nobreak_numbers(citations.linkify(
                text.replace(";", "; ") if col in STUDY_COLUMNS else text, bib, bib_href=bib_href))
        return nobreak_numbers(html.escape(text))

    # a header may break after "_" or "·" ("mean_estimate · cycle_t"), never inside a word
    head = "".join('<th scope="col">' + re.sub(r"([_\u00b7])", r"\1<wbr>", html.escape(h)) + "</th>"
                   for h in headers.values())
    body = []
    ids = ([f' id="{html.escape(row_id[1] + str(v), quote=True)}"' for v in frame[row_id[0]]]
           if row_id else [""] * len(frame))
    for rid, row in zip(ids, frame[list(headers)].itertuples(index=False, name=None)):
        tds = "".join(
            f'<td class="{_td_class(v, c, html_columns)}" '
            f'data-label="{html.escape(h, quote=True)}">{cell(v, c)}</td>'
            for (c, h), v in zip(headers.items(), row)
        )
        body.append(f"<tr{rid}>{tds}</tr>")
    cap = (f"<caption>{citations.linkify(caption, bib, bib_href=bib_href)}</caption>"
           if caption else "")
    if len(headers) > MAX_COLUMNS and "ms-cards" not in css.split():
        css = f"{css} ms-cards ms-flow".strip()
    text = (f'<div class="ms-table-wrap"><table class="ms-table{" " + css if css else ""}">{cap}'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
    return ReaderTable(text, len(frame), len(headers), caption)


def use_reader_tables(shell=None, **kwargs) -> bool:
    """Show every DataFrame and Series of an IPython session as a :func:`reader_table`.

    Registers an HTML formatter for ``pandas.DataFrame`` and ``pandas.Series`` (the plain
    text form is unchanged). ``kwargs`` go to :func:`reader_table`. Returns False outside
    IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is optional
            return False
        shell = get_ipython()
    if shell is None:
        return False
    fmt = shell.display_formatter.formatters["text/html"]
    fmt.for_type(pd.DataFrame, lambda df: reader_table(df, **kwargs).html)
    fmt.for_type(pd.Series, lambda s: reader_table(s, **kwargs).html)
    return True
