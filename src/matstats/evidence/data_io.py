"""Validated loaders of the bundled studies, claims and articles tables.

The column schema lives in ``data/schema.json`` (documented for humans in
``data/README.md``) and is enforced here. Every fault in a data file raises
:class:`matstats.DataError` naming the file, the 1-based line (the header is
line 1), the column and the offending value. Nothing is dropped or coerced
silently: cells are read as text with the :mod:`csv` module and converted by
our own rules.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd

from matstats._core import csvfile as _csvfile
from matstats._core.bundled import default_path, load_schema  # public here too
from matstats._core.cells import LIST_SEPARATOR, split_list  # split_list: public here too
from matstats._core.errors import DataError

__all__ = [
    "load_studies",
    "load_claims",
    "load_articles",
    "load_schema",
    "split_list",
    "default_path",
]

_INTEGER_RE = re.compile(r"^[+-]?[0-9]+$")
_SLUG_RE = re.compile(r"^[a-z0-9_]+$")


# ---------------------------------------------------------------------------
# reading and checking one table against its schema
# ---------------------------------------------------------------------------
def _err(file: str, line: int, column: str, value: object, msg: str) -> DataError:
    """The DataError of one cell (``value`` None: no value shown)."""
    return DataError(msg, file=file, line=line, column=column, value=value)


def _check_header(file: str, header: list[str], fields: list[dict]) -> None:
    names = [f["name"] for f in fields]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            raise _err(file, 1, col, col, "duplicate column in header")
        seen.add(col)
    missing = [n for n in names if n not in seen]
    if missing:
        raise _err(file, 1, missing[0], None, f"missing required column(s): {', '.join(missing)}")
    extra = [c for c in header if c not in names]
    if extra:
        raise _err(file, 1, extra[0], extra[0],
                   f"unexpected column(s) not in the schema: {', '.join(extra)}")


def _convert(cell: str, spec: dict, file: str, line: int) -> object:
    """Convert one non-empty cell by its schema field spec, or raise DataError."""
    name, kind = spec["name"], spec["type"]

    def fail(msg: str) -> DataError:
        return _err(file, line, name, cell, msg)

    if kind != "verbatim" and cell != cell.strip():
        raise fail("leading or trailing whitespace")
    value: object = cell  # labels, slugs, lists and strings stay text
    if kind == "integer":
        if not _INTEGER_RE.match(cell):
            raise fail("not an integer")
        value = int(cell)
        if not -(2**63) <= value < 2**63:
            raise fail("integer beyond the 64-bit range (|value| < 9223372036854775808)")
    elif kind == "number":
        try:
            value = float(cell)
        except ValueError:
            raise fail("not a number") from None
        if not math.isfinite(value):
            raise fail("number must be finite")
    elif kind == "label":
        if cell not in spec["enum"]:
            raise fail(f"unknown label; allowed: {', '.join(spec['enum'])}")
    elif kind == "slug":
        if not _SLUG_RE.match(cell):
            raise fail("not a slug (lower-case letters, digits and '_' only)")
    elif kind == "list":
        items = cell.split(LIST_SEPARATOR)
        pattern = spec.get("item_pattern")
        for item in items:
            if item == "" or item != item.strip():
                raise fail("empty item or stray whitespace in ';'-separated list")
            if pattern and not re.match(pattern, item):
                raise fail(f"list item {item!r} does not match {pattern}")
        if len(set(items)) != len(items):
            raise fail("duplicate item in list")
    elif kind not in {"string", "verbatim"}:  # pragma: no cover - guards a bad schema.json
        raise ValueError(f"schema field {name!r} has unknown type {kind!r}")

    if kind in {"string"} and spec.get("pattern") and not re.match(spec["pattern"], cell):
        raise fail(f"does not match the pattern {spec['pattern']}")
    if kind in {"integer", "number"}:
        if "minimum" in spec and value < spec["minimum"]:
            raise fail(f"must be >= {spec['minimum']}")
        if "exclusive_minimum" in spec and value <= spec["exclusive_minimum"]:
            raise fail(f"must be > {spec['exclusive_minimum']}")
        if "maximum" in spec and value > spec["maximum"]:
            raise fail(f"must be <= {spec['maximum']}")
    return value


def _parse_table(path: Path, file: str, fields: list[dict]) -> list[tuple[int, dict, dict]]:
    """Read ``path``; return [(line, converted values, raw cells)] after per-cell checks."""
    text = _csvfile.read_text(path, file)
    if text.strip() == "":
        raise DataError("file is empty (no header line)", file=file, line=1)
    header, rows = _csvfile.read_rows(text, file)
    _check_header(file, header, fields)
    if not rows:
        raise DataError("no data rows after the header", file=file, line=2)
    spec_by_name = {f["name"]: f for f in fields}
    ncol = len(header)
    out = []
    for line, cells in rows:
        if len(cells) == 0 or (len(cells) == 1 and cells[0] == "" and ncol > 1):
            raise DataError("blank line inside the table", file=file, line=line)
        if len(cells) < ncol:
            raise _err(file, line, header[len(cells)], None,
                       f"row has {len(cells)} fields, header has {ncol} (truncated row?)")
        if len(cells) > ncol:
            raise _err(file, line, f"<field {ncol + 1}>", cells[ncol],
                       f"row has {len(cells)} fields, header has {ncol} (unquoted comma?)")
        raw_cells = dict(zip(header, cells, strict=True))
        values: dict[str, object] = {}
        for name, cell in raw_cells.items():
            spec = spec_by_name[name]
            if cell == "":
                if spec.get("required"):
                    raise _err(file, line, name, "", "required value is empty")
                values[name] = None
            else:
                values[name] = _convert(cell, spec, file, line)
        out.append((line, values, raw_cells))
    return out


def _check_unique(rows, key: list[str], file: str) -> None:
    first: dict[tuple, int] = {}
    for line, _values, raw_cells in rows:
        k = tuple(raw_cells[c] for c in key)
        if k in first:
            raise _err(file, line, ",".join(key), k if len(k) > 1 else k[0],
                       f"duplicate key ({', '.join(key)}); first seen on line {first[k]}")
        first[k] = line


def _check_study_row(file: str, line: int, v: dict) -> None:
    """Cross-field rules of one studies.csv row."""
    def need(column: str, needs: str, message: str) -> None:
        """A value in ``column`` needs one in ``needs``."""
        if v[column] is not None and v[needs] is None:
            raise _err(file, line, needs, "", message.format(v[column]))

    need("p_value", "p_relation", "p_value {} given without p_relation")
    need("p_relation", "p_value", "p_relation {!r} given without p_value")
    need("ci_low", "ci_high", "a CI needs both ci_low and ci_high")
    need("ci_high", "ci_low", "a CI needs both ci_low and ci_high")
    if v["ci_low"] is not None:
        if v["ci_low"] > v["ci_high"]:
            raise _err(file, line, "ci_low", v["ci_low"], f"ci_low > ci_high ({v['ci_high']})")
        need("ci_low", "estimate", "a CI is given without its estimate")
        if not v["ci_low"] <= v["estimate"] <= v["ci_high"]:
            raise _err(file, line, "estimate", v["estimate"],
                       f"estimate outside its CI [{v['ci_low']}, {v['ci_high']}]")
    need("estimate", "estimate_type", "estimate given without estimate_type")
    need("estimate_type", "estimate", "estimate_type {!r} given without estimate")
    nt, nc, nr = v["n_treatment"], v["n_control"], v["n_randomized"]
    if nr is not None and nt is not None and nc is not None and nt + nc > nr:
        raise _err(file, line, "n_randomized", nr,
                   f"n_treatment + n_control = {nt} + {nc} = {nt + nc} > n_randomized")
    for arm in (nt, nc):
        if nr is not None and arm is not None and arm > nr:
            raise _err(file, line, "n_randomized", nr, f"an arm ({arm}) is larger than n_randomized")
    resp, den = v["responders"], v["denominator"]
    need("responders", "denominator", "responders and denominator must be given together")
    need("denominator", "responders", "responders and denominator must be given together")
    if resp is not None and resp > den:
        raise _err(file, line, "responders", resp, f"responders > denominator ({den})")
    need("responders", "count_status", "responders/denominator given without count_status")
    if resp is None and v["count_status"] is not None:
        raise _err(file, line, "count_status", v["count_status"], "count_status given without responders")
    for status_col in ("n_status", "value_status", "count_status"):
        if v[status_col] == "derived" and v["derivation"] is None:
            raise _err(file, line, "derivation", "", f"{status_col} is 'derived' but derivation is empty")
    if v["value_status"] == "no_results":
        for col in ("estimate", "p_value", "mean_treatment", "mean_control", "responders"):
            if v[col] is not None:
                raise _err(file, line, col, v[col], "value_status is 'no_results' but a result value is given")
    need("sd_treatment", "mean_treatment", "sd_treatment given without mean_treatment")
    need("sd_control", "mean_control", "sd_control given without mean_control")


def _check_study_level(file: str, rows, cols: list[str]) -> None:
    first: dict[str, tuple[int, dict]] = {}
    for line, _v, raw_cells in rows:
        sid = raw_cells["study_id"]
        if sid not in first:
            first[sid] = (line, raw_cells)
            continue
        line0, cells0 = first[sid]
        for col in cols:
            if raw_cells[col] != cells0[col]:
                raise _err(file, line, col, raw_cells[col],
                           f"study-level column differs from line {line0} of the same study_id "
                           f"{sid!r} ({cells0[col]!r})")


_TABLE_COLUMNS = {"all_key_studies": 6, "evidence_by_condition": 4}
_TABLE_KIND = {"all_key_studies": "study_table_row", "evidence_by_condition": "condition_table_row"}


def _check_claim_row(file: str, line: int, v: dict) -> None:
    kind = v["claim_kind"]
    cells = [v[f"cell_{k}"] for k in range(1, 7)]
    if kind in {"study_table_row", "condition_table_row"}:
        if v["table_name"] is None:
            raise _err(file, line, "table_name", "", f"claim_kind {kind!r} needs table_name")
        if _TABLE_KIND[v["table_name"]] != kind:
            raise _err(file, line, "table_name", v["table_name"], f"does not fit claim_kind {kind!r}")
        if v["table_row"] is None:
            raise _err(file, line, "table_row", "", f"claim_kind {kind!r} needs table_row")
        ncell = _TABLE_COLUMNS[v["table_name"]]
        for k in range(ncell):
            if cells[k] is None:
                raise _err(file, line, f"cell_{k + 1}", "", f"table {v['table_name']} needs {ncell} cells")
        for k in range(ncell, 6):
            if cells[k] is not None:
                raise _err(file, line, f"cell_{k + 1}", cells[k],
                           f"table {v['table_name']} has only {ncell} columns")
    else:
        for col in ("table_name", "table_row"):
            if v[col] is not None:
                raise _err(file, line, col, v[col], f"claim_kind {kind!r} is not a table row")
        for k, cell in enumerate(cells):
            if cell is not None:
                raise _err(file, line, f"cell_{k + 1}", cell, f"claim_kind {kind!r} has no table cells")
        if v["claim_text"] is None:
            raise _err(file, line, "claim_text", "", f"claim_kind {kind!r} needs claim_text")
    if (v["study_ids"] is None) != (v["link_status"] == "none"):
        raise _err(file, line, "link_status", v["link_status"],
                   "link_status must be 'none' exactly when study_ids is empty")


# ---------------------------------------------------------------------------
# DataFrame assembly
# ---------------------------------------------------------------------------
def _to_frame(rows, fields: list[dict], file: str) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for spec in fields:
        name = spec["name"]
        vals = [values[name] for _line, values, _raw in rows]
        if spec["type"] == "integer":
            data[name] = pd.Series(pd.array(vals, dtype="Int64"), name=name)
        elif spec["type"] == "number":
            data[name] = pd.Series([math.nan if x is None else x for x in vals], dtype="float64", name=name)
        else:
            data[name] = pd.Series(vals, dtype="str", name=name)
    data["line"] = pd.Series([line for line, _v, _r in rows], dtype="int64", name="line")
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    frame.attrs["source"] = file
    return frame


def _load(path: str | os.PathLike[str] | None, table: str) -> tuple[str, dict, list]:
    """The file name, schema and checked rows of ``path`` (default: the bundled table)."""
    if path is not None and not isinstance(path, str | os.PathLike):
        raise ValueError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = default_path(f"{table}.csv") if path is None else Path(path)
    schema = load_schema()["tables"][table]
    return str(p), schema, _parse_table(p, str(p), schema["fields"])


def load_studies(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load and validate the studies dataset (default: the bundled ``data/studies.csv``).

    Parameters
    ----------
    path : str or os.PathLike, optional
        CSV file following ``data/schema.json`` (table ``studies``). ``None``
        loads the copy bundled with the package.

    Returns
    -------
    pandas.DataFrame
        One row per study x contrast x outcome x timepoint, in file order, with
        every schema column (see ``data/README.md`` for meanings, units and
        labels) plus ``line``:

        - text, label and list columns (``study_id``, ``contrast``,
          ``outcome_measure``, ``citation``, ``country``, ``doi``, ``pmid``,
          ``registry_id``, ``source_url``, ``source_section``, ``cited_in``,
          ``evidence_status``, ``device``, ``design``, ``randomized``,
          ``control``, ``blinding``, ``population``, ``population_type``,
          ``industry_link``, ``n_status``, ``outcome_domain``, ``comparison``,
          ``reported_effect``, ``result_direction``, ``significant``,
          ``estimate_type``, ``p_relation``, ``count_status``,
          ``value_status``, ``derivation``, ``notes``): dtype ``str``,
          missing = NaN. Lists are ``;``-separated; use :func:`split_list`.
        - counts (``year``, ``n_enrolled``, ``n_randomized``, ``n_treatment``,
          ``n_control``, ``n_analysed``, ``responders``, ``denominator``):
          nullable ``Int64``.
        - numbers (``timepoint_weeks``, ``dose_min_per_day``,
          ``duration_weeks``, ``mean_treatment``, ``sd_treatment``,
          ``mean_control``, ``sd_control``, ``estimate``, ``ci_low``,
          ``ci_high``, ``p_value``): ``float64``, missing = NaN.
        - ``line``: 1-based line of the row in the file (header = line 1), for
          citing rows.

        ``frame.attrs["source"]`` holds the file path.

    Raises
    ------
    matstats.DataError
        For any fault in the file (message names file, line, column, value).
    ValueError
        If ``path`` is not a path.
    """
    file, schema, rows = _load(path, "studies")
    for line, values, _raw in rows:
        _check_study_row(file, line, values)
    _check_unique(rows, schema["primary_key"], file)
    _check_study_level(file, rows, schema["study_level"])
    return _to_frame(rows, schema["fields"], file)


def load_articles(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the record of the five articles (default: the bundled ``data/articles.csv``).

    Parameters
    ----------
    path : str or os.PathLike, optional
        CSV file following ``data/schema.json`` (table ``articles``).

    Returns
    -------
    pandas.DataFrame
        One row per article with ``article_id``, ``seed_file`` (the identifier used inside
        the data), ``title``, ``author``, ``outlet``, ``date``, ``where_from``, ``notes``
        (dtype ``str``, missing = NaN) and ``line``.

    Raises
    ------
    matstats.DataError
        For any fault in the file (message names file, line, column, value), including a
        ``seed_file`` whose number is not its ``article_id``.

    Examples
    --------
    >>> load_articles().set_index("article_id").loc["001", "author"]
    'Gretchen Lidicker'
    """
    file, schema, rows = _load(path, "articles")
    for line, values, _raw in rows:
        if not values["seed_file"].startswith(values["article_id"] + "_"):
            raise _err(file, line, "seed_file", values["seed_file"],
                       f"does not start with article_id {values['article_id']}_")
    _check_unique(rows, schema["primary_key"], file)
    _check_unique(rows, ["seed_file"], file)
    return _to_frame(rows, schema["fields"], file)


def load_claims(
    path: str | os.PathLike[str] | None = None, studies: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Load and validate the claims ledger (default: the bundled ``data/claims.csv``).

    Parameters
    ----------
    path : str or os.PathLike, optional
        CSV file following ``data/schema.json`` (table ``claims``). ``None``
        loads the bundled copy.
    studies : pandas.DataFrame, optional
        Studies table (as returned by :func:`load_studies`) that ``study_ids``
        must refer to. ``None`` loads the bundled studies.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in file order, with columns ``claim_id``,
        ``dossier_claim``, ``seed_file``, ``claim_kind``, ``table_name``,
        ``claim_text``, ``cell_1`` ... ``cell_6`` (verbatim seed cells),
        ``claimed_design``, ``claimed_control``, ``claimed_outcome_domain``,
        ``claimed_figure``, ``claimed_significant``, ``claimed_has_results``,
        ``study_ids`` (``;``-separated; use :func:`split_list`),
        ``link_status``, ``cited_study_ids`` (the studies the article's own
        citation points to), ``notes`` (dtype ``str``, missing = NaN);
        ``table_row`` and ``claimed_n`` (nullable ``Int64``); and ``line``
        (1-based line in the file). ``frame.attrs["source"]`` holds the path.

    Raises
    ------
    matstats.DataError
        For any fault in the file, including a ``study_ids`` entry that is not
        a ``study_id`` of ``studies``.
    ValueError
        If ``path`` is not a path or ``studies`` lacks a ``study_id`` column.
    """
    file, schema, rows = _load(path, "claims")
    if studies is None:
        studies = load_studies()
    if not isinstance(studies, pd.DataFrame) or "study_id" not in studies.columns:
        raise ValueError("studies must be a DataFrame with a 'study_id' column (see load_studies)")
    known = set(studies["study_id"].dropna().astype(str))
    for line, values, _raw in rows:
        _check_claim_row(file, line, values)
        for col in ("study_ids", "cited_study_ids"):
            for sid in split_list(values.get(col)):
                if sid not in known:
                    raise _err(file, line, col, sid, "study_id not found in the studies table")
    _check_unique(rows, schema["primary_key"], file)
    _check_unique(
        [r for r in rows if r[1]["table_name"] is not None], ["table_name", "table_row"], file
    )
    return _to_frame(rows, schema["fields"], file)
