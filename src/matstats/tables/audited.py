"""Evidence tables: the seed article's tables "as claimed" (:func:`seed_table`) and audited
"as found" (:func:`audited_table`), with a GRADE-like grade per study contrast
(:func:`grade_studies`, rules :data:`GRADE_RULES`); ``matstats tables --out DIR`` writes them
all as CSV, Markdown (our own writer, no ``tabulate``) and HTML
(:func:`matstats.tables.reader_table`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from matstats._core import cells as _cells
from matstats.audit import audit_claims
from matstats.audit.ledger import _load_defaults
from matstats.audit.context import _row_n
from matstats.audit.rules import _summary
from matstats.evidence.data_io import load_claims, load_studies
from matstats.tables.reader import reader_table
from matstats.vocab import MAT_DEVICES, NO_RESULT_DESIGNS, RANDOMIZED_DESIGNS

__all__ = [
    "SEED_COLUMNS",
    "GRADES",
    "seed_table",
    "GRADE_RULES",
    "grade_rules_table",
    "grade_studies",
    "body_grade",
    "audited_table",
    "to_markdown",
    "all_tables",
    "write_tables",
]

#: Seed table name -> (snake_case column, header text in the seed) in column order.
SEED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "all_key_studies": (
        ("study_source", "Study / Source"),
        ("year", "Year"),
        ("design", "Design"),
        ("n", "N"),
        ("primary_outcome", "Primary Outcome"),
        ("key_finding", "Key Finding"),
    ),
    "evidence_by_condition": (
        ("condition", "Condition"),
        ("evidence_level", "Evidence Level"),
        ("key_findings", "Key Findings"),
        ("verdict", "Verdict"),
    ),
}

GRADES = ("high", "moderate", "low", "very_low")

_text = _cells.text


# --------------------------------------------------------------------------- as claimed
def seed_table(name: str, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """One of the two tables of ``002_1b0e6d6166f364da.txt``, rebuilt from claims.csv.

    Parameters
    ----------
    name : {"all_key_studies", "evidence_by_condition"}
        Which seed table.
    claims : pandas.DataFrame, optional
        Claims (default: ``matstats.load_claims()``).

    Returns
    -------
    pandas.DataFrame
        One row per seed table row, in seed order. Columns for
        ``all_key_studies``: ``claim_id``, ``study_source``, ``year``, ``design``,
        ``n``, ``primary_outcome``, ``key_finding``; for ``evidence_by_condition``:
        ``claim_id``, ``condition``, ``evidence_level``, ``key_findings``,
        ``verdict``. Cells are the seed's text verbatim (as strings);
        :data:`SEED_COLUMNS` maps each column to the seed's header.

    Raises
    ------
    ValueError
        If ``name`` is not a known table, or the claims hold no row of it.
    """
    if name not in SEED_COLUMNS:
        raise ValueError(f"unknown table {name!r}; expected one of {sorted(SEED_COLUMNS)}")
    if claims is None:
        claims = load_claims()
    rows = claims[claims["table_name"].astype(str) == name].sort_values(
        "table_row", key=pd.to_numeric, kind="stable")
    if rows.empty:
        raise ValueError(f"claims hold no row of table {name!r}")
    out = pd.DataFrame({"claim_id": rows["claim_id"].astype(str).to_numpy()})
    for i, (col, _header) in enumerate(SEED_COLUMNS[name], start=1):
        out[col] = [_text(v) for v in rows[f"cell_{i}"]]
    return out


# --------------------------------------------------------------------------- grading
@dataclass(frozen=True)
class _GradeRule:
    """A GRADE-like downgrade: ``check(row)`` returns (levels, reason) or None."""

    name: str
    check: Callable[[pd.Series], tuple[int, str] | None]
    description = property(lambda self: _summary(self.check))


def _down_one(field: str, fires: Callable[[str], bool], reason: str, doc: str) -> Callable:
    """A check that rates down one level where ``fires`` holds for the row's ``field`` (as text),
    giving ``reason`` formatted with that text ("missing" when empty); ``doc`` describes it."""
    def check(row: pd.Series) -> tuple[int, str] | None:
        value = _text(row.get(field))
        return (1, reason.format(value or "missing")) if fires(value) else None

    check.__doc__ = doc
    return check


def _grade_not_randomized(row: pd.Series) -> tuple[int, str] | None:
    """Risk of bias: a comparative design whose randomization is not confirmed -> down 1."""
    design = _text(row.get("design"))
    rnd = _text(row.get("randomized"))
    if design in RANDOMIZED_DESIGNS and rnd not in {"yes"}:
        return 1, f"risk of bias: randomized={rnd or 'missing'}"
    return None


def _grade_imprecision(row: pd.Series) -> tuple[int, str] | None:
    """Imprecision: N < 30 -> down 2; N < 100 -> down 1; N not reported -> down 1.

    N is n_randomized, else n_analysed, else n_enrolled.
    """
    n = _row_n(row)
    if n is None:
        return 1, "imprecision: N not reported"
    if n < 30:
        return 2, f"imprecision: N={int(n)} < 30"
    if n < 100:
        return 1, f"imprecision: N={int(n)} < 100"
    return None


#: The downgrade rules, applied in order; every one that fires is listed.
GRADE_RULES: tuple[_GradeRule, ...] = (
    _GradeRule("no_blinding", _down_one(
        "blinding", lambda v: v in {"none", "unclear", ""}, "risk of bias: blinding={}",
        "Risk of bias: participants not blinded (blinding none or unclear) -> down 1.")),
    _GradeRule("weak_control", _down_one(
        "control", lambda v: v in {"waitlist", "no_treatment", "none"}, "risk of bias: control={}",
        "Risk of bias: waitlist, no-treatment or no control (expectation not balanced) "
        "-> down 1.")),
    _GradeRule("not_randomized", _grade_not_randomized),
    _GradeRule("imprecision", _grade_imprecision),
    _GradeRule("indirect_population", _down_one(
        "population_type", lambda v: v == "healthy", "indirectness: healthy population",
        "Indirectness: healthy (not patient) population -> down 1.")),
    _GradeRule("indirect_device", _down_one(
        "device", lambda v: bool(v) and v not in MAT_DEVICES, "indirectness: device={}, not a mat",
        "Indirectness: the device is not a mat (e.g. manual acupressure, backrest) -> down 1.")),
    _GradeRule("industry", _down_one(
        "industry_link", lambda v: v == "yes", "industry link",
        "Industry link: the maker commissioned or co-ran the study -> down 1.")),
)


def grade_rules_table() -> pd.DataFrame:
    """The grading rules for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``order``, ``rule``, ``description``; the first row is the
        starting level rule.
    """
    start = ("start high for rct/crossover/controlled_trial/meta_analysis designs, low otherwise; "
             "a design without results (registered_protocol) or a row without any result is 'none'")
    rows = [(0, "start", start)] + [(i, r.name, r.description)
                                    for i, r in enumerate(GRADE_RULES, start=1)]
    return pd.DataFrame(rows, columns=["order", "rule", "description"])


def _grade_row(row: pd.Series) -> tuple[str, str]:
    """``(grade, grade_reasons)`` of one study row (see :func:`grade_studies`)."""
    design = _text(row.get("design"))
    direction = _text(row.get("result_direction"))
    if design in NO_RESULT_DESIGNS or direction in {"", "not_reported"}:
        why = f"design={design}" if design in NO_RESULT_DESIGNS else "no result reported"
        return "none", f"no results to grade ({why})"
    start = 0 if design in RANDOMIZED_DESIGNS else 2
    reasons = [f"start {GRADES[start]} (design={design})"]
    level = start
    for rule in GRADE_RULES:
        hit = rule.check(row)
        if hit is not None:
            levels, why = hit
            level += levels
            reasons.append(f"{why} (-{levels})")
    level = min(level, len(GRADES) - 1)
    return GRADES[level], "; ".join(reasons)


#: Study fields shown beside a grade (:func:`grade_studies`).
_GRADED_FIELDS = ("design", "control", "blinding", "device", "population_type")


def grade_studies(studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Grade every study contrast with :data:`GRADE_RULES`.

    Each (``study_id``, ``contrast``) is graded on its first row with a
    reported result (design, control, blinding and N are study-level
    fields); contrasts without any result get grade ``none``.

    Parameters
    ----------
    studies : pandas.DataFrame, optional
        Study rows (default: ``matstats.load_studies()``).

    Returns
    -------
    pandas.DataFrame
        One row per (``study_id``, ``contrast``) in data order, columns
        ``study_id``, ``contrast``, ``design``, ``control``, ``blinding``,
        ``device``, ``population_type``, ``n``, ``grade``, ``grade_reasons``.
    """
    if studies is None:
        studies = load_studies()
    frame = studies.copy()
    if "contrast" not in frame.columns:
        frame["contrast"] = ""
    rows = []
    for (sid, contrast), grp in frame.groupby(["study_id", "contrast"], sort=False, dropna=False):
        with_result = grp[~grp["result_direction"].map(lambda v: _text(v) in {"", "not_reported"})]
        row = (with_result if len(with_result) else grp).iloc[0]
        grade, reasons = _grade_row(row)
        n = _row_n(row)
        rows.append({"study_id": _text(sid), "contrast": _text(contrast),
                     **{c: _text(row.get(c)) for c in _GRADED_FIELDS},
                     "n": None if n is None else int(n), "grade": grade, "grade_reasons": reasons})
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    return out


def body_grade(grades: Iterable[str]) -> str:
    """Certainty of a body of evidence from the grades of its study contrasts: the best one.

    Parameters
    ----------
    grades : iterable of str
        Grades in :data:`matstats.tables.GRADES` or ``"none"`` (nothing to grade).

    Returns
    -------
    str
        The best grade (``"high"`` before ``"moderate"`` before ``"low"`` before
        ``"very_low"``); ``"none"`` when no grade is given or every one is ``"none"``.

    Notes
    -----
    GRADE rates the certainty of the *body of evidence* for one outcome, not of each study:
    the rating starts from the design of the best available evidence (randomized trials
    high, observational studies low) and is then rated down for risk of bias, imprecision,
    inconsistency, indirectness and publication bias (Balshem et al. 2011, "GRADE
    guidelines: 3. Rating the quality of evidence", J Clin Epidemiol 64:401-406; Guyatt et
    al. 2013, "GRADE guidelines: 11. Making an overall rating of confidence in effect
    estimates for a single outcome and for all outcomes", J Clin Epidemiol 66:151-157). The
    "lowest" rule of GRADE belongs to the overall rating *across* the critical outcomes of a
    recommendation (guideline 11), not to one outcome: weaker studies beside a better one do
    not lower what the better one shows. Our grades are per study contrast
    (:func:`grade_studies`), so the certainty of a body of them is the best one. It is the
    ``grade`` of :func:`audited_table` and of :func:`matstats.tables.sof.summary_of_findings`.

    Examples
    --------
    >>> body_grade(["very_low", "low", "none"])
    'low'
    >>> body_grade(["none"])
    'none'
    """
    ranked = []
    for g in grades:
        if g != "none" and g not in GRADES:
            raise ValueError(f"grades must be in {GRADES} or 'none', got {g!r}")
        if g != "none":
            ranked.append(GRADES.index(g))
    return GRADES[min(ranked)] if ranked else "none"


def _best_grade(grades: pd.DataFrame) -> tuple[str, str]:
    """Best grade among linked contrasts, and a per-contrast summary of reasons."""
    if grades.empty:
        return "none", "no study found"
    order = {g: i for i, g in enumerate((*GRADES, "none"))}
    ranked = grades.assign(_r=grades["grade"].map(order)).sort_values("_r", kind="stable")
    reasons = "; ".join(
        f"{r.study_id}{'/' + r.contrast if r.contrast else ''}: {r.grade} [{r.grade_reasons}]"
        for r in ranked.itertuples()
    )
    return body_grade(grades["grade"]), reasons


# --------------------------------------------------------------------------- as found
#: Columns of :func:`matstats.audit.audit_claims` shown beside a seed row.
_FOUND = ["found_design", "found_control", "found_n", "found_result", "verdict", "reason"]


def audited_table(
    name: str,
    claims: pd.DataFrame | None = None,
    studies: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A seed table with the audited "as found" columns beside the claimed ones.

    Parameters
    ----------
    name : {"all_key_studies", "evidence_by_condition"}
        Which seed table.
    claims, studies : pandas.DataFrame, optional
        Defaults: ``matstats.load_claims()`` and ``matstats.load_studies()``.

    Returns
    -------
    pandas.DataFrame
        One row per seed row: ``claim_id``, the seed's columns as in
        :func:`seed_table` (claimed), then ``found_studies`` (linked study
        ids, '' when none), ``found_design``, ``found_control``, ``found_n``
        (``id=n`` per study), ``found_result`` (linked results in the claimed
        domain), ``verdict``, ``reason`` (from :func:`matstats.audit.audit_claims`),
        ``grade`` (:func:`body_grade`: the best GRADE-like grade among the linked study
        contrasts, high/moderate/low/very_low, or ``none`` when nothing can be graded) and
        ``grade_reasons`` (every linked contrast with its grade and downgrades).
    """
    claims, studies = _load_defaults(claims, studies)
    claimed = seed_table(name, claims)
    audit = audit_claims(claims, studies).set_index("claim_id")
    grades = grade_studies(studies)
    extra = []
    for cid in claimed["claim_id"]:
        a = audit.loc[cid]
        ids = list(_cells.split_list(a["study_ids"]))
        grade, reasons = _best_grade(grades[grades["study_id"].isin(ids)])
        extra.append({"found_studies": ";".join(ids), **a[_FOUND].to_dict(), "grade": grade,
                      "grade_reasons": reasons})
    found = pd.DataFrame(extra)
    if name == "evidence_by_condition":
        # the seed's own "Verdict" column keeps its name; ours is the audit verdict
        claimed = claimed.rename(columns={"verdict": "claimed_verdict"})
    return pd.concat([claimed.reset_index(drop=True), found], axis=1)


# --------------------------------------------------------------------------- writers
def _md_cell(value: object) -> str:
    text = "" if _cells.is_missing(value) else str(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(df: pd.DataFrame, headers: dict[str, str] | None = None) -> str:
    """Render a DataFrame as a GitHub-style pipe table (no index).

    Parameters
    ----------
    df : pandas.DataFrame
        Table to render; missing values become empty cells, ``|`` is escaped.
    headers : dict, optional
        Column name -> header text (default: the column names).

    Returns
    -------
    str
        The table, one line per row, ending in a newline.
    """
    headers = headers or {}
    head = [_md_cell(headers.get(c, c)) for c in df.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(_md_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def all_tables(
    claims: pd.DataFrame | None = None, studies: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Every evidence table by file stem.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``claimed_<table>`` and ``audited_<table>`` for both seed tables,
        ``claims_audit`` (:func:`matstats.audit.audit_claims`) and
        ``study_grades`` (:func:`grade_studies`).
    """
    claims, studies = _load_defaults(claims, studies)
    out: dict[str, pd.DataFrame] = {}
    for name in SEED_COLUMNS:
        out[f"claimed_{name}"] = seed_table(name, claims)
        out[f"audited_{name}"] = audited_table(name, claims, studies)
    out["claims_audit"] = audit_claims(claims, studies)
    out["study_grades"] = grade_studies(studies)
    return out


def write_tables(
    out: str | Path, claims: pd.DataFrame | None = None, studies: pd.DataFrame | None = None
) -> list[Path]:
    """Write every table of :func:`all_tables` as CSV, Markdown and HTML.

    Parameters
    ----------
    out : path
        Output directory (created if needed).
    claims, studies : pandas.DataFrame, optional
        Defaults: ``matstats.load_claims()`` and ``matstats.load_studies()``.

    Returns
    -------
    list of Path
        The files written, three per table.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, df in all_tables(claims, studies).items():
        kind, _, name = stem.partition("_")  # claimed_/audited_ + a seed table's name
        headers = dict(SEED_COLUMNS.get(name, ()))
        if kind == "audited" and "verdict" in headers:
            headers["claimed_verdict"] = headers.pop("verdict") + " (as claimed)"
        csv_path = out / f"{stem}.csv"
        df.to_csv(csv_path, index=False, lineterminator="\n")
        md_path = out / f"{stem}.md"
        md_path.write_text(f"# {stem}\n\n" + to_markdown(df, headers), encoding="utf-8")
        html_path = out / f"{stem}.html"
        shown = reader_table(df, {c: headers.get(c, c.replace("_", " ")) for c in df.columns}, lead=())
        html_path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{stem}</title>"
                             f"</head><body><h1>{stem}</h1>{shown.html}</body></html>\n", encoding="utf-8")
        written += [csv_path, md_path, html_path]
    return written
