"""Audit the seed articles' claims against the primary-source study rows.

:func:`audit_claims` compares the claimed fields of every row of ``claims.csv`` with the linked
rows of ``studies.csv``; the verdict comes from the ordered rules of :mod:`matstats.audit.rules`
(nothing is looked up from a table of expected verdicts). Tracing a claim's details and a
headline figure to their sources is :mod:`matstats.audit.trace`.
"""

from __future__ import annotations

import pandas as pd

from matstats._core import cells as _cells
from matstats.audit.context import (
    _build_context,
    _distinct_values,
    _num,
    _study_list,
    _study_sizes,
    _text,
)
from matstats.audit.rules import VERDICTS, _apply_rules, _row_label, _verdict_basis
from matstats.evidence.citations import article_label
from matstats.evidence.data_io import load_claims, load_studies

__all__ = ["audit_claims", "verdict_counts"]

#: Columns of :func:`audit_claims`, in order.
_COLUMNS = [
    "claim_id", "seed_file", "article", "claim_kind", "table_name", "table_row", "verdict", "rule",
    "reason", "verdict_source", "verdict_source_cited", "study_ids", "cited_study_ids",
    "claimed_design", "found_design", "claimed_n", "found_n", "claimed_control",
    "found_control", "claimed_outcome_domain", "found_outcome_domain", "claimed_figure",
    "found_figure_source", "claimed_significant", "found_result", "claimed_has_results",
    "found_has_results", "found_device", "found_value_status",
    "claimed_outcome_measure", "claim_about", "evidence_intervention",
]
#: Claim fields copied as text into :func:`audit_claims` (the rest is computed).
_CLAIMED = [c for c in _COLUMNS if not c.startswith("found_") and c not in {
    "article", "table_row", "verdict", "rule", "reason", "verdict_source",
    "verdict_source_cited", "study_ids"}]


def _found_result(rows: list[pd.Series]) -> str:
    out = [_row_label(r) + (f" (sig={sig})" if (sig := _text(r.get("significant"))) else "")
           for r in rows]
    return "; ".join(dict.fromkeys(out))


def audit_claims(claims: pd.DataFrame | None = None, studies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Give every claim a verdict computed by :data:`RULES`.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        Claims in the ``claims.csv`` schema (default: ``matstats.load_claims()``).
    studies : pandas.DataFrame, optional
        Study rows in the ``studies.csv`` schema (default: ``matstats.load_studies()``).

    Returns
    -------
    pandas.DataFrame
        One row per claim, in the claims' order, with columns:

        - ``claim_id``, ``seed_file``, ``claim_kind``, ``table_name``, ``table_row``:
          copied from the claim.
        - ``article``: the article as readers see it (title, author, outlet, date from
          ``data/articles.csv``); ``seed_file`` is the internal identifier.
        - ``verdict``: one of :data:`VERDICTS`.
        - ``rule``: name of the rule that decided the verdict.
        - ``reason``: one line naming the compared fields and values.
        - ``verdict_source``: the study ids whose rows decided the verdict (``;``-separated,
          '' when none, e.g. no study found).
        - ``verdict_source_cited``: ``cited`` (the verdict rests on the studies the article
          itself cites), ``partly_cited``, ``not_cited`` (it rests on a study the article does
          not cite), ``no_citation`` (the article cites no identifiable source), or ''.
        - ``study_ids``: linked study ids (``;``-separated, '' when none).
        - ``cited_study_ids``: the studies the article's own citation points to.
        - ``claimed_design``, ``found_design``: claimed vs linked designs.
        - ``claimed_n``, ``found_n``: claimed N vs linked N per study (``id=n``).
        - ``claimed_control``, ``found_control``.
        - ``claimed_outcome_domain``, ``found_outcome_domain``: domains of linked rows.
        - ``claimed_figure``, ``found_figure_source``: study rows reporting the
          claimed percentage(s) ('' when none).
        - ``claimed_significant``, ``found_result``: linked results in the
          claimed domain (``study measure: direction (sig=...)``).
        - ``claimed_has_results``, ``found_has_results``: ``yes``/``no`` whether
          any linked row reports a result.
        - ``found_device``, ``found_value_status``: devices and value statuses
          of the linked rows.
        - ``claimed_outcome_measure``, ``claim_about``, ``evidence_intervention``:
          copied from the claim (the measures it names, what it asserts about the
          evidence, the other intervention its evidence is about).

    Raises
    ------
    ValueError
        If a required column is missing from either frame.
    """
    claims, studies = _load_defaults(claims, studies)
    for name, frame, cols in (
        ("claims", claims, ("claim_id", "study_ids")),
        ("studies", studies, ("study_id", "design", "outcome_domain", "result_direction")),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} frame lacks required column(s): {', '.join(missing)}")
    records = []
    for _, claim in claims.iterrows():
        ctx = _build_context(claim, studies)
        verdict, rule, reason = _apply_rules(ctx)
        ns = _study_sizes(ctx.linked)
        rec = {col: _text(claim.get(col)) for col in _CLAIMED}
        rec.update(
            article=article_label(rec["seed_file"]), table_row=_num(claim.get("table_row")),
            verdict=verdict, rule=rule, study_ids=";".join(_cells.split_list(claim.get("study_ids"))),
            found_n=";".join(f"{k}={v}" for k, v in ns.items()),
            found_figure_source=_study_list(ctx.figure_sources) if len(ctx.figure_sources) else "",
            found_result=_found_result(ctx.results), reason=reason,
            found_has_results="yes" if ctx.any_result else ("no" if len(ctx.linked) else ""),
            **{f"found_{c}": _distinct_values(ctx.linked, c)
               for c in ("design", "control", "outcome_domain", "device", "value_status")})
        rec["verdict_source"], rec["verdict_source_cited"] = _verdict_basis(ctx, rule)
        records.append(rec)
    return pd.DataFrame.from_records(records, columns=_COLUMNS).astype({"table_row": "Int64"})


def verdict_counts(audit: pd.DataFrame) -> pd.DataFrame:
    """Count verdicts, overall and by claim kind.

    Parameters
    ----------
    audit : pandas.DataFrame
        Output of :func:`audit_claims`.

    Returns
    -------
    pandas.DataFrame
        One row per (``claim_kind``, ``verdict``) in :data:`VERDICTS` order with
        column ``n`` (number of claims); verdicts never reached are included with n = 0.
    """
    kinds = list(dict.fromkeys(audit["claim_kind"]))
    rows = [
        {"claim_kind": k, "verdict": v, "n": int(((audit["claim_kind"] == k) & (audit["verdict"] == v)).sum())}
        for k in kinds
        for v in VERDICTS
    ]
    return pd.DataFrame(rows, columns=["claim_kind", "verdict", "n"])


def _load_defaults(claims, studies):
    """The bundled claims and studies where either is None (studies read once)."""
    if studies is None:
        studies = load_studies()
    if claims is None:
        claims = load_claims(studies=studies)
    return claims, studies
