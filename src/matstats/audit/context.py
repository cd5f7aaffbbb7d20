"""What a claim verdict rule sees: the claim's linked study rows, its figure matches, and the
row helpers the rules, the audit table and the trace share.

:func:`_build_context` collects a :class:`_ClaimContext` for one claim; the rules that read
it are :mod:`matstats.audit.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from matstats._core import cells as _cells

__all__: list[str] = []

_text = _cells.text
_num = partial(_cells.number, missing=None)  # a cell as a float, None when missing


# --------------------------------------------------------------------------- helpers
def _row_percentages(row: pd.Series) -> list[float]:
    """Percentages a study row reports: proportion/pct estimates and responders/denominator."""
    out: list[float] = []
    est = _num(row.get("estimate"))
    etype = _text(row.get("estimate_type"))
    if est is not None and etype in {"proportion", "pct_change"}:
        out.append(est * 100.0 if etype == "proportion" and abs(est) <= 1.0 else est)
    resp = _num(row.get("responders"))
    den = _num(row.get("denominator"))
    if resp is not None and den:
        out.append(100.0 * resp / den)
    return out


def _pct_match(claimed: float, found: float) -> bool:
    """A claimed whole percentage matches a found one when they agree after rounding."""
    return abs(claimed - found) <= 0.5 + 1e-9


def _supports(row: pd.Series) -> bool:
    """A row reporting a result in favour of the mat from a test that was not non-significant.

    ``significant`` = no (tested, not significant) and not_tested (e.g. an
    uncontrolled survey's percentages) do not count as support.
    """
    return _text(row.get("result_direction")) == "favours_mat" and _text(
        row.get("significant")
    ) not in {"no", "not_tested"}


def _has_result(row: pd.Series) -> bool:
    """A row with a reported (checkable) result direction."""
    return _text(row.get("result_direction")) not in {"", "not_reported"}


def _study_list(rows: pd.DataFrame) -> str:
    return ", ".join(dict.fromkeys(rows["study_id"].astype(str)))


def _col(rows: pd.DataFrame, name: str) -> pd.Series:
    """A column as text ('' where missing, or everywhere when the column is absent)."""
    if name not in rows.columns:
        return pd.Series([""] * len(rows), index=rows.index, dtype=str)
    return rows[name].map(_text)


def _values(rows: pd.DataFrame, name: str) -> list[str]:
    """Distinct non-missing values of a column, in row order."""
    return list(dict.fromkeys(v for v in _col(rows, name) if v))


def _distinct_values(rows: pd.DataFrame, column: str) -> str:
    """:func:`_values`, ';'-joined."""
    return ";".join(_values(rows, column))


def _row_n(row: pd.Series) -> int | None:
    """A row's study size: n_randomized, else n_analysed, else n_enrolled (None if none)."""
    for col in ("n_randomized", "n_analysed", "n_enrolled"):
        n = _num(row.get(col))
        if n is not None:
            return int(n)
    return None


def _study_sizes(rows: pd.DataFrame) -> dict[str, int]:
    """Largest :func:`_row_n` per study_id (studies without any N are left out)."""
    out: dict[str, int] = {}
    for _, row in rows.iterrows():
        n = _row_n(row)
        sid = str(row["study_id"])
        if n is not None and n > out.get(sid, 0):
            out[sid] = n
    return out


# --------------------------------------------------------------------------- context
@dataclass(frozen=True)
class _ClaimContext:
    """Everything a rule may look at for one claim (built by :func:`_build_context`)."""

    claim: pd.Series
    linked: pd.DataFrame  # studies.csv rows whose study_id is in the claim's study_ids
    # linked rows in the claimed outcome domain, or on the claimed measures when the claim
    # names some (claimed_outcome_measure); all linked rows when it names neither
    domain_rows: pd.DataFrame
    figure_pcts: list[float] = field(default_factory=list)  # named in claimed_figure
    # domain rows reporting one of those percentages, and the percentages none reports
    figure_sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    figure_missing: list[float] = field(default_factory=list)
    studies: pd.DataFrame = field(default_factory=pd.DataFrame)  # all rows (evidence base)

    @property
    def results(self) -> list[pd.Series]:
        """The domain rows that report a result."""
        return [r for _, r in self.domain_rows.iterrows() if _has_result(r)]

    @property
    def any_result(self) -> bool:
        """Does any linked row report a result?"""
        return any(_has_result(r) for _, r in self.linked.iterrows())

    @property
    def cited(self) -> tuple[str, ...]:
        """The studies the article's own citation for the claim points to (``cited_study_ids``)."""
        return _cells.split_list(self.claim.get("cited_study_ids"))

    def cited_note(self, ids: list[str]) -> str:
        """Whether the studies a verdict rests on are the ones the article cites, as a clause
        (``"; the article cites goodrx2024_review, not olsson2011_healthy"``) or ''."""
        cited = self.cited
        if not cited or not ids:
            return ""
        if set(ids) <= set(cited):
            return f"; {', '.join(ids)} is the source the article cites"
        return (f"; the article cites {', '.join(cited)}, not "
                f"{', '.join(i for i in ids if i not in cited)}")

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures the claim names (``claimed_outcome_measure``)."""
        return _cells.split_list(self.claim.get("claimed_outcome_measure"))

    def get(self, name: str) -> str:
        """A claimed field as text ('' when missing)."""
        return _text(self.claim.get(name))

    @property
    def claimed_year(self) -> str:
        """The claimed year: ``claimed_year`` if present, else the Year cell of a study-table row."""
        year = self.get("claimed_year")
        if not year and self.get("table_name") == "all_key_studies":
            year = self.get("cell_2")
        return year


def _build_context(claim: pd.Series, studies: pd.DataFrame) -> _ClaimContext:
    """Collect the linked study rows and figure matches for one claim."""
    ids = _cells.split_list(claim.get("study_ids"))
    linked = studies[studies["study_id"].astype(str).isin(ids)]
    domain = _text(claim.get("claimed_outcome_domain"))
    measures = _cells.split_list(claim.get("claimed_outcome_measure"))
    if measures:
        domain_rows = linked[linked["outcome_measure"].astype(str).isin(measures)]
    elif domain:
        domains = set(_cells.split_list(domain.replace(",", ";")))
        domain_rows = linked[linked["outcome_domain"].astype(str).isin(domains)]
    else:
        domain_rows = linked
    pcts = _cells.percentages(claim.get("claimed_figure"))
    found = {i: _row_percentages(row) for i, row in domain_rows.iterrows()}
    hit = [i for i, vals in found.items() if any(_pct_match(p, f) for p in pcts for f in vals)]
    missing = [p for p in pcts if not any(_pct_match(p, f) for vals in found.values() for f in vals)]
    return _ClaimContext(claim, linked, domain_rows, pcts, domain_rows.loc[hit], missing, studies)
