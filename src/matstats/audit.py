"""Audit the seed articles' claims against the primary-source study rows.

:func:`audit_claims` compares the *claimed* fields of every row of
``claims.csv`` (design, N, control, outcome domain, headline figure, claimed
significance, whether results exist, and the linked ``study_ids``) with the
linked rows of ``studies.csv`` and assigns one verdict per claim:

``supported``, ``overstated``, ``misattributed``, ``misrepresented``,
``unverified`` or ``not_found``.

The verdict comes from :data:`RULES`, an ordered tuple of small rule
functions. The first rule whose check fires decides the verdict; its one-line
reason names the fields and values that led to it. :func:`rules_table` lists
the rules in order so a reader can see exactly how verdicts are reached.
Nothing is looked up from a table of expected verdicts.

Tracing a claim's details and a headline figure to their sources is in
:mod:`matstats.audit_trace`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from matstats import _cells
from matstats._deprecation import moved, renamed
from matstats.data_io import load_claims, load_studies
from matstats.vocab import DESIGN_RANK, MAT_DEVICES, SECONDARY_DESIGNS

VERDICTS = (
    "supported",
    "overstated",
    "misattributed",
    "misrepresented",
    "unverified",
    "not_found",
)

#: Percentages named in a claimed figure, both ends of a range, whatever the dash:
#: ``"81–98% relief"`` -> ``[81.0, 98.0]`` (the one parser, :func:`matstats._cells.percentages`).
figure_percentages = _cells.percentages

_text = _cells.text
_num = partial(_cells.number, missing=None)  # a cell as a float, None when missing


# --------------------------------------------------------------------------- helpers
def row_percentages(row: pd.Series) -> list[float]:
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


def pct_match(claimed: float, found: float) -> bool:
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


def _study_label(rows: pd.DataFrame) -> str:
    return ", ".join(dict.fromkeys(rows["study_id"].astype(str)))


def distinct_values(rows: pd.DataFrame, column: str) -> str:
    """Distinct non-missing values of a column, ';'-joined in row order."""
    if column not in rows.columns:
        return ""
    vals = [_text(v) for v in rows[column]]
    return ";".join(dict.fromkeys(v for v in vals if v))


def row_n(row: pd.Series) -> int | None:
    """A row's study size: n_randomized, else n_analysed, else n_enrolled (None if none)."""
    for col in ("n_randomized", "n_analysed", "n_enrolled"):
        n = _num(row.get(col))
        if n is not None:
            return int(n)
    return None


def study_sizes(rows: pd.DataFrame) -> dict[str, int]:
    """Largest :func:`row_n` per study_id (studies without any N are left out)."""
    out: dict[str, int] = {}
    for _, row in rows.iterrows():
        n = row_n(row)
        sid = str(row["study_id"])
        if n is not None and n > out.get(sid, 0):
            out[sid] = n
    return out


# --------------------------------------------------------------------------- context
@dataclass(frozen=True)
class ClaimContext:
    """Everything a rule may look at for one claim.

    Attributes
    ----------
    claim : pandas.Series
        The claim row.
    linked : pandas.DataFrame
        All studies.csv rows whose study_id is in the claim's ``study_ids``.
    domain_rows : pandas.DataFrame
        Linked rows in the claimed outcome domain (all linked rows when the
        claim names no domain).
    figure_pcts : list of float
        Percentages named in ``claimed_figure``.
    figure_sources : pandas.DataFrame
        Linked rows *in the claimed domain* reporting one of those percentages.
    figure_missing : list of float
        Claimed percentages that no linked row in the claimed domain reports.
    """

    claim: pd.Series
    linked: pd.DataFrame
    domain_rows: pd.DataFrame
    figure_pcts: list[float] = field(default_factory=list)
    figure_sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    figure_missing: list[float] = field(default_factory=list)

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


def build_context(claim: pd.Series, studies: pd.DataFrame) -> ClaimContext:
    """Collect the linked study rows and figure matches for one claim."""
    ids = _cells.split_list(claim.get("study_ids"))
    linked = studies[studies["study_id"].astype(str).isin(ids)]
    domain = _text(claim.get("claimed_outcome_domain"))
    if domain:
        domains = set(_cells.split_list(domain.replace(",", ";")))
        domain_rows = linked[linked["outcome_domain"].astype(str).isin(domains)]
    else:
        domain_rows = linked
    pcts = figure_percentages(claim.get("claimed_figure"))
    found = {i: row_percentages(row) for i, row in domain_rows.iterrows()}
    hit = [i for i, vals in found.items() if any(pct_match(p, f) for p in pcts for f in vals)]
    missing = [p for p in pcts if not any(pct_match(p, f) for vals in found.values() for f in vals)]
    return ClaimContext(claim, linked, domain_rows, pcts, domain_rows.loc[hit], missing)


def _where_pct(ctx: ClaimContext, pct: float) -> str:
    """Where a percentage appears among all linked rows (any domain), for reasons."""
    spots = [
        f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))}"
        for _, r in ctx.linked.iterrows()
        if any(pct_match(pct, f) for f in row_percentages(r))
    ]
    return f" ({pct:g}% is {', '.join(spots)})" if spots else ""


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rule:
    """One verdict rule: if ``check(ctx)`` returns a reason string, the verdict applies."""

    name: str
    verdict: str
    check: Callable[[ClaimContext], str | None]

    @property
    def description(self) -> str:
        """First paragraph of the check's docstring."""
        doc = (self.check.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())


def rule_absence_claim(ctx: ClaimContext) -> str | None:
    """No study is linked and the claim itself says there is no direct evidence.

    A claim that evidence is missing (claimed_has_results = no) agrees with
    finding no study, so it is supported.
    """
    if ctx.linked.empty and ctx.get("claimed_has_results") == "no":
        return "claim says there is no direct evidence (claimed_has_results=no); no study found either"
    return None


def rule_secondary_unchecked(ctx: ClaimContext) -> str | None:
    """No study is linked and the claim cites a review: its contents cannot be checked.

    Reviews are not primary study rows; a claim resting on one whose
    contents have not been verified stays unverified.
    """
    design = ctx.get("claimed_design")
    if ctx.linked.empty and design in SECONDARY_DESIGNS:
        return f"claimed_design={design}: a secondary source with no primary study linked; contents not verified"
    return None


def rule_no_study(ctx: ClaimContext) -> str | None:
    """No study in studies.csv matches the claim (study_ids empty)."""
    if ctx.linked.empty:
        figure = ctx.get("claimed_figure")
        what = f" for claimed_figure={figure!r}" if figure else ""
        return f"study_ids empty: no study matching the claim was found{what}"
    return None


def rule_link_unverified(ctx: ClaimContext) -> str | None:
    """The link is unverified, every linked row is unverified, or no linked study tests a mat.

    The claims ledger marks the claim-to-study link as unverified
    (link_status = unverified, when that column exists), or the linked rows
    rest on unverified values (value_status = unverified on all rows), or the
    only candidate sources use another device (e.g. manual acupressure), so
    the claim about mats cannot be confirmed from them.
    """
    if ctx.get("link_status") == "unverified":
        return f"link_status=unverified: the link to {_study_label(ctx.linked)} is itself unverified"
    statuses = {_text(v) for v in ctx.linked.get("value_status", pd.Series(dtype=str))}
    if statuses == {"unverified"}:
        return (
            f"all linked rows ({_study_label(ctx.linked)}) have value_status=unverified"
        )
    devices = {_text(v) for v in ctx.linked.get("device", pd.Series(dtype=str))} - {""}
    if devices and not devices & MAT_DEVICES:
        return (
            f"linked studies ({_study_label(ctx.linked)}) use device={';'.join(sorted(devices))}, "
            "not a mat; no mat study confirms the claim"
        )
    return None


def rule_figure_not_reported(ctx: ClaimContext) -> str | None:
    """The claim gives a percentage that no linked study reports for the claimed outcome.

    E.g. an "81-98% pain relief" range whose 81% is not a pain result in any
    linked study: the figure misrepresents what the sources report.
    """
    if ctx.figure_missing:
        pct = ctx.figure_missing[0]
        domain = ctx.get("claimed_outcome_domain")
        what = f"a {domain} result of" if domain else "reported by"
        return f"claimed_figure {pct:g}% is not {what} any linked study{_where_pct(ctx, pct)}"
    return None


def rule_figure_elsewhere(ctx: ClaimContext) -> str | None:
    """The claimed figure comes from a linked study of another design or year.

    Every claimed percentage is found in a linked study row in the claimed
    domain, but that study's design differs from claimed_design, or its year
    differs from the claimed year: the figure was borrowed from a source other
    than the one the claim names.
    """
    if ctx.figure_sources.empty:
        return None
    claimed_design = ctx.get("claimed_design")
    claimed_year = ctx.claimed_year
    for sid, rows in ctx.figure_sources.groupby("study_id", sort=False):
        design = distinct_values(rows, "design")
        year = distinct_values(rows, "year").split(";")[0].removesuffix(".0")
        mism = []
        if claimed_design and design and claimed_design not in design.split(";"):
            mism.append(f"claimed_design={claimed_design} vs design={design}")
        if claimed_year and year and claimed_year.strip() != year:
            mism.append(f"claimed year={claimed_year} vs year={year}")
        if mism:
            pcts = "/".join(f"{p:g}%" for p in ctx.figure_pcts)
            return f"figure {pcts} is from {sid} ({'; '.join(mism)})"
    return None


def rule_results_missing(ctx: ClaimContext) -> str | None:
    """The claim reports results, but the linked study has none (e.g. a protocol)."""
    if ctx.get("claimed_has_results") == "yes" and not any(
        _has_result(r) for _, r in ctx.linked.iterrows()
    ):
        return f"claimed_has_results=yes but linked studies ({_study_label(ctx.linked)}) report no results"
    return None


def rule_result_contradicted(ctx: ClaimContext) -> str | None:
    """The claim says the mat had a significant effect; no linked result in that domain shows one.

    Only rows with a reported result in the claimed outcome domain count;
    between-group rows are preferred over within-group rows when both exist.
    """
    if ctx.get("claimed_significant") != "yes":
        return None
    rows = [r for _, r in ctx.domain_rows.iterrows() if _has_result(r)]
    between = [r for r in rows if _text(r.get("comparison")) == "between_groups"]
    rows = between or rows
    if rows and not any(_supports(r) for r in rows):
        found = "; ".join(
            f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))}: "
            f"{_text(r.get('result_direction'))}, significant={_text(r.get('significant')) or 'n/a'}"
            for r in rows[:3]
        )
        return f"claimed_significant=yes but {found}"
    return None


def rule_result_mixed(ctx: ClaimContext) -> str | None:
    """The claim says the mat helped; linked results in that domain are mixed.

    Some rows favour the mat significantly and others show no difference or
    favour the control: the claim generalises from part of the evidence.
    """
    if ctx.get("claimed_significant") not in {"yes", ""}:
        return None
    rows = [r for _, r in ctx.domain_rows.iterrows() if _has_result(r)]
    good = [r for r in rows if _supports(r)]
    bad = [r for r in rows if not _supports(r)]
    if good and bad:
        b = bad[0]
        return (
            f"{len(good)} of {len(rows)} linked results favour the mat; e.g. "
            f"{_text(b['study_id'])} {_text(b.get('outcome_measure'))}: "
            f"{_text(b.get('result_direction'))}"
        )
    return None


def rule_design_overstated(ctx: ClaimContext) -> str | None:
    """The claimed design ranks above every linked study's design (see DESIGN_RANK)."""
    claimed = ctx.get("claimed_design")
    designs = [d for d in distinct_values(ctx.linked, "design").split(";") if d]
    if claimed and designs:
        best = max(DESIGN_RANK.get(d, 0) for d in designs)
        if DESIGN_RANK.get(claimed, 0) > best:
            return f"claimed_design={claimed} but found design={';'.join(designs)}"
    return None


def rule_control_overstated(ctx: ClaimContext) -> str | None:
    """The claim says sham-controlled, but no linked study compared the mat with a sham."""
    if ctx.get("claimed_control") == "sham":
        controls = [c for c in distinct_values(ctx.linked, "control").split(";") if c]
        if controls and "sham" not in controls:
            return f"claimed_control=sham but found control={';'.join(controls)}"
    return None


def rule_n_mismatch(ctx: ClaimContext) -> str | None:
    """The claimed N is neither any linked study's N nor the sum of the linked studies' Ns."""
    claimed = _num(ctx.claim.get("claimed_n"))
    ns = study_sizes(ctx.linked)
    if claimed is None or not ns:
        return None
    if int(claimed) in ns.values() or int(claimed) == sum(ns.values()):
        return None
    found = ";".join(f"{k}={v}" for k, v in ns.items())
    return f"claimed_n={int(claimed)} but found n {found}"


def rule_consistent(ctx: ClaimContext) -> str | None:
    """Linked results agree with the claim (at least one supporting row, none contradicting)."""
    rows = [r for _, r in ctx.domain_rows.iterrows() if _has_result(r)]
    if ctx.get("claimed_has_results") == "no" and not any(_has_result(r) for _, r in ctx.linked.iterrows()):
        return f"claim says no results yet; linked study ({_study_label(ctx.linked)}) has none"
    if rows and all(_supports(r) for r in rows):
        return (
            f"{len(rows)} linked result(s) in the claimed domain favour the mat "
            f"({_study_label(pd.DataFrame(rows))})"
        )
    return None


def rule_uncheckable(ctx: ClaimContext) -> str | None:
    """Fallback: a study is linked but nothing it reports can confirm the claim."""
    return f"linked studies ({_study_label(ctx.linked)}) report nothing that confirms the claim"


#: The verdict rules in the order they are tried; the first that fires wins.
RULES: tuple[Rule, ...] = (
    Rule("absence_claim", "supported", rule_absence_claim),
    Rule("secondary_unchecked", "unverified", rule_secondary_unchecked),
    Rule("no_study", "not_found", rule_no_study),
    Rule("link_unverified", "unverified", rule_link_unverified),
    Rule("figure_not_reported", "misrepresented", rule_figure_not_reported),
    Rule("figure_elsewhere", "misattributed", rule_figure_elsewhere),
    Rule("results_missing", "misrepresented", rule_results_missing),
    Rule("result_contradicted", "misrepresented", rule_result_contradicted),
    Rule("control_overstated", "misrepresented", rule_control_overstated),
    Rule("n_mismatch", "misattributed", rule_n_mismatch),
    Rule("result_mixed", "overstated", rule_result_mixed),
    Rule("design_overstated", "overstated", rule_design_overstated),
    Rule("consistent", "supported", rule_consistent),
    Rule("uncheckable", "unverified", rule_uncheckable),
)


def rules_table(rules: tuple[Rule, ...] = RULES) -> pd.DataFrame:
    """The verdict rules in order, for display.

    Returns
    -------
    pandas.DataFrame
        One row per rule with columns ``order`` (1-based), ``rule`` (name),
        ``verdict`` (assigned when the rule fires) and ``description``.
    """
    return pd.DataFrame(
        {
            "order": range(1, len(rules) + 1),
            "rule": [r.name for r in rules],
            "verdict": [r.verdict for r in rules],
            "description": [r.description for r in rules],
        }
    )


def apply_rules(ctx: ClaimContext, rules: tuple[Rule, ...] = RULES) -> tuple[str, str, str]:
    """Run the rules on one claim; returns ``(verdict, rule_name, reason)``."""
    for rule in rules:
        reason = rule.check(ctx)
        if reason is not None:
            return rule.verdict, rule.name, reason
    raise ValueError("no rule fired; the rule list must end with a catch-all rule")


_CLAIMED = (
    "claimed_design",
    "claimed_n",
    "claimed_control",
    "claimed_outcome_domain",
    "claimed_figure",
    "claimed_significant",
    "claimed_has_results",
)


def _found_result(rows: pd.DataFrame) -> str:
    out = []
    for _, r in rows.iterrows():
        if _has_result(r):
            out.append(
                f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))}: "
                f"{_text(r.get('result_direction'))}"
                + (f" (sig={_text(r.get('significant'))})" if _text(r.get("significant")) else "")
            )
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
        - ``verdict``: one of :data:`VERDICTS`.
        - ``rule``: name of the rule that decided the verdict.
        - ``reason``: one line naming the compared fields and values.
        - ``study_ids``: linked study ids (``;``-separated, '' when none).
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

    Raises
    ------
    ValueError
        If a required column is missing from either frame.
    """
    claims, studies = load_defaults(claims, studies)
    for name, frame, cols in (
        ("claims", claims, ("claim_id", "study_ids")),
        ("studies", studies, ("study_id", "design", "outcome_domain", "result_direction")),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} frame lacks required column(s): {', '.join(missing)}")
    records = []
    for _, claim in claims.iterrows():
        ctx = build_context(claim, studies)
        verdict, rule, reason = apply_rules(ctx)
        ns = study_sizes(ctx.linked)
        rec = {
            "claim_id": _text(claim.get("claim_id")),
            "seed_file": _text(claim.get("seed_file")),
            "claim_kind": _text(claim.get("claim_kind")),
            "table_name": _text(claim.get("table_name")),
            "table_row": _num(claim.get("table_row")),
            "verdict": verdict,
            "rule": rule,
            "reason": reason,
            "study_ids": ";".join(_cells.split_list(claim.get("study_ids"))),
        }
        for col in _CLAIMED:
            rec[col] = _text(claim.get(col))
        rec["found_design"] = distinct_values(ctx.linked, "design")
        rec["found_n"] = ";".join(f"{k}={v}" for k, v in ns.items())
        rec["found_control"] = distinct_values(ctx.linked, "control")
        rec["found_outcome_domain"] = distinct_values(ctx.linked, "outcome_domain")
        rec["found_figure_source"] = _study_label(ctx.figure_sources) if len(ctx.figure_sources) else ""
        rec["found_result"] = _found_result(ctx.domain_rows)
        rec["found_has_results"] = (
            "yes" if any(_has_result(r) for _, r in ctx.linked.iterrows()) else ("no" if len(ctx.linked) else "")
        )
        rec["found_device"] = distinct_values(ctx.linked, "device")
        rec["found_value_status"] = distinct_values(ctx.linked, "value_status")
        records.append(rec)
    cols = [
        "claim_id", "seed_file", "claim_kind", "table_name", "table_row", "verdict", "rule",
        "reason", "study_ids",
        "claimed_design", "found_design", "claimed_n", "found_n", "claimed_control",
        "found_control", "claimed_outcome_domain", "found_outcome_domain", "claimed_figure",
        "found_figure_source", "claimed_significant", "found_result", "claimed_has_results",
        "found_has_results", "found_device", "found_value_status",
    ]
    out = pd.DataFrame.from_records(records, columns=cols)
    out["table_row"] = out["table_row"].astype("Int64")
    return out


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


def load_defaults(claims, studies):
    """Fill in the bundled claims and studies where either is None.

    The studies table is read once and handed to :func:`matstats.load_claims`, which needs it
    to check every claim's study_ids.
    """
    if studies is None:
        studies = load_studies()
    if claims is None:
        claims = load_claims(studies=studies)
    return claims, studies


# --------------------------------------------------------------------------- old names
def _split_ids(value: object) -> list[str]:
    return list(_cells.split_list(value))


split_ids = renamed("matstats.audit.split_ids", _split_ids, "matstats.data_io.split_list")
__getattr__ = moved(__name__, {
    "trace_claim": ("matstats.audit_trace", "trace_claim"),
    "trace_figure": ("matstats.audit_trace", "trace_figure"),
    "DEMONYMS": ("matstats.audit_trace", "DEMONYMS"),
})
