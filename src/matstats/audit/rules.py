"""The claim verdict rules and their order (the context a rule sees is
:mod:`matstats.audit.context`).

Every verdict label is defined once, in :data:`VERDICTS` (meaning in
:data:`VERDICT_MEANINGS`, documented in ``data/README.md``). :data:`RULES` is an
ordered tuple of :class:`Rule` (name = code, verdict, check function); the first
rule whose check returns a reason decides a claim's verdict. :func:`rules_table`
lists them. :func:`matstats.audit.audit_claims` runs them on every claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from matstats._core import cells as _cells
from matstats.audit.context import (
    ClaimContext,
    distinct_values,
    has_result,
    pct_match,
    row_percentages,
    study_label,
    study_sizes,
    supports,
)
from matstats.evidence.data_io import default_path
from matstats.evidence.study_effects import study_effect_sizes
from matstats.vocab import DESIGN_RANK, MAT_DEVICES, NO_RESULT_DESIGNS, SECONDARY_DESIGNS

#: Verdict label -> what it means (the one definition; data/README.md repeats it).
__all__ = ["VERDICTS", "VERDICT_MEANINGS", "RULES", "Rule", "apply_rules", "rules_table"]

VERDICT_MEANINGS = {
    "supported": "the linked results agree with a claimed benefit or fact",
    "concedes_no_evidence": "the article itself says there is no evidence, and none was "
    "found: its own negative verdict holds (not a supported benefit)",
    "overstated": "the claim goes beyond what the linked evidence shows (mixed results, "
    "weaker design, fewer studies, smaller or uncomputable effects)",
    "contradicted": "a linked study measured the claimed outcome and it went the other way "
    "(e.g. blood pressure rose on the mat where the claim says it falls)",
    "no_effect_found": "the claimed outcome was measured in controlled comparisons and no "
    "effect was found: absence of evidence from small trials, not evidence of the opposite",
    "harms_understated": "the claim plays down harms that a linked study reports",
    "indirect": "the claim carries evidence about another intervention over to the mat",
    "misattributed": "the figure or detail belongs to another study, design, year or N",
    "misrepresented": "the linked study does not report what the claim says it found",
    "unverified": "the link or the linked values cannot be confirmed",
    "not_found": "no study matching the claim exists in the data",
}
VERDICTS = tuple(VERDICT_MEANINGS)

def _where_pct(ctx: ClaimContext, pct: float) -> str:
    """Where a percentage appears among all linked rows (any domain), for reasons."""
    spots = [
        f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))}"
        for _, r in ctx.linked.iterrows()
        if any(pct_match(pct, f) for f in row_percentages(r))
    ]
    return f" ({pct:g}% is {', '.join(spots)})" if spots else ""


_text = _cells.text
_num = partial(_cells.number, missing=None)  # a cell as a float, None when missing


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

    The article's own negative verdict (claimed_has_results = no) agrees with
    finding no study. It is named apart from ``supported`` so that a count of
    supported claims never includes a benefit the article itself disowns.
    """
    if ctx.linked.empty and ctx.get("claimed_has_results") == "no":
        return ("the article itself says there is no direct evidence (claimed_has_results=no) "
                "and no study was found: its negative verdict holds, no benefit is supported")
    return None


def rule_other_intervention(ctx: ClaimContext) -> str | None:
    """The claim carries evidence about another intervention over to the mat.

    claim_about = other_intervention, evidence_intervention names a device
    that is not a mat (e.g. acupuncture), and no linked mat study tests the
    claim: evidence about a different intervention is not evidence about a mat.
    """
    other = ctx.get("evidence_intervention")
    if ctx.get("claim_about") != "other_intervention" or not other or other in MAT_DEVICES:
        return None
    devices = set(distinct_values(ctx.linked, "device").split(";")) - {""}
    if devices & MAT_DEVICES:
        return None
    return (f"the claim carries evidence about {other} (evidence_intervention) over to the "
            "mat; evidence about another intervention is not mat evidence, and no mat study "
            "of the claim is linked")


def rule_review_is_web_page(ctx: ClaimContext) -> str | None:
    """The claim calls a web article a review of studies (claimed_design review or meta-analysis).

    Every linked source has design = web_article: a web page is not a systematic or
    research review, so the label belongs to another kind of source (misattribution).
    """
    design = ctx.get("claimed_design")
    designs = set(_col(ctx.linked, "design"))
    if ctx.linked.empty or design not in SECONDARY_DESIGNS or designs != {"web_article"}:
        return None
    return (f"claimed_design={design} but {study_label(ctx.linked)} is design=web_article: a "
            "web page, not a review of studies; the design label belongs to another kind of source")


def rule_sham_trial_absent(ctx: ClaimContext) -> str | None:
    """The claim presents a sham-controlled result, and no mat-vs-sham trial has results.

    claimed_control = sham and claimed_has_results = yes, while no row of studies.csv
    with a mat device and control = sham reports a result (e.g. the only mat-vs-plain-mat
    trial is a registered protocol without results): the claimed study does not exist in the
    data, whatever the claim's unverified link points to.
    """
    if ctx.get("claimed_control") != "sham" or ctx.get("claimed_has_results") != "yes":
        return None
    st = ctx.studies
    if st.empty:
        return None
    sham = st[_col(st, "device").isin(MAT_DEVICES) & (_col(st, "control") == "sham")]
    if any(has_result(r) for _, r in sham.iterrows()):
        return None
    known = (f" (the only mat-vs-sham studies, {study_label(sham)}, have no results)"
             if len(sham) else "")
    return ("claimed_control=sham with results, but no mat-vs-sham trial in studies.csv reports "
            f"a result{known}{_unverified_detail(ctx)}")


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
        other = ctx.get("evidence_intervention")
        lit = (f"; the claimed benefits come from {other} research (evidence_intervention), "
               "which is not evidence about a mat") if other else ""
        return f"study_ids empty: no mat study matching the claim was found{what}{lit}"
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
        return (f"link_status=unverified: the link to {study_label(ctx.linked)} is itself "
                f"unverified{_unverified_detail(ctx)}")
    statuses = {_text(v) for v in ctx.linked.get("value_status", pd.Series(dtype=str))}
    if statuses == {"unverified"}:
        return (
            f"all linked rows ({study_label(ctx.linked)}) have value_status=unverified"
        )
    devices = {_text(v) for v in ctx.linked.get("device", pd.Series(dtype=str))} - {""}
    if devices and not devices & MAT_DEVICES:
        return (
            f"linked studies ({study_label(ctx.linked)}) use device={';'.join(sorted(devices))}, "
            "not a mat; no mat study confirms the claim"
        )
    return None


def _unverified_detail(ctx: ClaimContext) -> str:
    """What else is wrong with a claim whose link is unverified (device, sham, figure)."""
    out = ""
    other = set(distinct_values(ctx.linked, "device").split(";")) - {""} - MAT_DEVICES
    if other:
        others = ctx.linked[ctx.linked["device"].astype(str).isin(other)]
        out += (f"; and {study_label(others)} is device={';'.join(sorted(other))}, not a mat: "
                "not mat evidence")
        if ctx.get("claimed_control") == "sham":
            out += (", so its sham comparison cannot show that a mat beats placebo "
                    "(no mat-vs-sham trial has results)")
    if not ctx.figure_sources.empty:
        r = ctx.figure_sources.iloc[0]
        pcts = "/".join(f"{p:g}%" for p in ctx.figure_pcts)
        out += (f"; the {pcts} figure itself is {_text(r['study_id'])} "
                f"{_text(r.get('outcome_measure'))} (design={_text(r.get('design'))}), "
                "which this claim labels as such; only the unverified link keeps the "
                "verdict at unverified")
    return out


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
        has_result(r) for _, r in ctx.linked.iterrows()
    ):
        return f"claimed_has_results=yes but linked studies ({study_label(ctx.linked)}) report no results"
    return None


def rule_result_contradicted(ctx: ClaimContext) -> str | None:
    """The claim says the mat had a significant effect; no linked result in that domain shows one.

    Only rows with a reported result in the claimed outcome domain count;
    between-group rows are preferred over within-group rows when both exist.
    """
    if ctx.get("claimed_significant") != "yes":
        return None
    rows = [r for _, r in ctx.domain_rows.iterrows() if has_result(r)]
    between = [r for r in rows if _text(r.get("comparison")) == "between_groups"]
    rows = between or rows
    if rows and not any(supports(r) for r in rows):
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
    rows = [r for _, r in ctx.domain_rows.iterrows() if has_result(r)]
    good = [r for r in rows if supports(r)]
    bad = [r for r in rows if not supports(r)]
    if good and bad:
        bad.sort(key=lambda r: _text(r.get("result_direction")) != "favours_control")
        b = bad[0]
        went = (" (the claimed benefit went the other way)"
                if _text(b.get("result_direction")) == "favours_control" else "")
        return (
            f"{len(good)} of {len(rows)} linked results favour the mat; e.g. "
            f"{_text(b['study_id'])} {_text(b.get('outcome_measure'))}: "
            f"{_text(b.get('result_direction'))}{went}"
        )
    return None


def rule_design_overstated(ctx: ClaimContext) -> str | None:
    """The claimed design ranks above every linked study's design (see DESIGN_RANK)."""
    claimed = ctx.get("claimed_design")
    designs = [d for d in distinct_values(ctx.linked, "design").split(";") if d]
    if claimed and designs:
        best = max(DESIGN_RANK.get(d, 0) for d in designs)
        if DESIGN_RANK.get(claimed, 0) > best:
            return f"claimed_design={claimed} but found design={';'.join(designs)}{_protocol_detail(ctx)}"
    return None


def _protocol_detail(ctx: ClaimContext) -> str:
    """For a registered protocol: is it randomized, has it results, are the claimed measures registered."""
    rows = ctx.linked
    if not set(distinct_values(rows, "design").split(";")) & NO_RESULT_DESIGNS:
        return ""
    out = ""
    if distinct_values(rows, "randomized") == "yes":
        out += "; the registered trial is randomized (randomized=yes), so the design label is right"
    if distinct_values(rows, "value_status") == "no_results":
        out += ("; what is overstated is its status: presented as an active trial, it has no "
                "results (value_status=no_results)")
    registered = set(distinct_values(rows, "outcome_measure").split(";"))
    missing = [m for m in ctx.measures if m not in registered]
    if missing:
        out += f"; claimed outcome(s) not registered: {', '.join(missing)}"
    return out


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
    rows = [r for _, r in ctx.domain_rows.iterrows() if has_result(r)]
    if ctx.get("claimed_has_results") == "no" and not any(has_result(r) for _, r in ctx.linked.iterrows()):
        return f"claim says no results yet; linked study ({study_label(ctx.linked)}) has none"
    if rows and all(supports(r) for r in rows):
        ids = list(dict.fromkeys(_text(r["study_id"]) for r in rows))
        return (
            f"{len(rows)} linked result(s) in the claimed domain favour the mat "
            f"({', '.join(ids)}){ctx.cited_note(ids)}"
        )
    return None


def rule_uncheckable(ctx: ClaimContext) -> str | None:
    """Fallback: a study is linked but nothing it reports can confirm the claim."""
    return f"linked studies ({study_label(ctx.linked)}) report nothing that confirms the claim"



# --------------------------------------------------------------------------- evidence-base rules
def _col(rows: pd.DataFrame, name: str) -> pd.Series:
    """A column as text ('' where missing, or everywhere when the column is absent)."""
    if name not in rows.columns:
        return pd.Series([""] * len(rows), index=rows.index, dtype=str)
    return rows[name].map(_text)


def _controlled(row: pd.Series) -> bool:
    """A row that compares the device with a comparator (not a survey, not pre-post)."""
    return (_text(row.get("comparison")) not in {"within_group", "none", ""}
            and _text(row.get("control")) not in {"none", ""})


def _row_label(row: pd.Series) -> str:
    return (f"{_text(row['study_id'])} {_text(row.get('outcome_measure'))}: "
            f"{_text(row.get('result_direction'))}")


def _measured_rows(ctx: ClaimContext) -> list[pd.Series]:
    """Controlled linked rows with a result on the measures the claim names (claimed_has_results=yes)."""
    if not ctx.measures or ctx.get("claimed_has_results") != "yes":
        return []
    return [r for _, r in ctx.domain_rows.iterrows() if has_result(r) and _controlled(r)]


def _never_measured(ctx: ClaimContext) -> str:
    missing = [m for m in ctx.measures if m not in set(_col(ctx.linked, "outcome_measure"))]
    return f"; never measured: {', '.join(missing)}" if missing else ""


def measured_basis(ctx: ClaimContext) -> list[pd.Series]:
    """The rows a measure-level verdict rests on.

    The controlled rows on the claimed measures from the studies the article cites
    (``cited_study_ids``) when those measured it; otherwise all controlled linked rows on
    the measures.
    """
    rows = _measured_rows(ctx)
    cited = [r for r in rows if _text(r["study_id"]) in ctx.cited]
    return cited or rows


def rule_measured_opposite(ctx: ClaimContext) -> str | None:
    """A measure the claim names was measured in a controlled comparison and went the other way.

    Needs claimed_outcome_measure (measure-level matching) and a claim that the mat changes
    it (claimed_has_results = yes). Only controlled rows count (not a survey or a pre-post
    change). One row favouring the control on a named measure is evidence against the
    claimed direction, whichever study the article cites and whatever the other measures show.
    """
    rows = _measured_rows(ctx)
    opposite = [r for r in rows if _text(r.get("result_direction")) == "favours_control"]
    if not opposite:
        return None
    others = [r for r in rows if _text(r.get("result_direction")) != "favours_control"]
    ids = list(dict.fromkeys(_text(r["study_id"]) for r in opposite))
    return (f"claimed_outcome_measure={';'.join(ctx.measures)} was measured and showed the "
            "opposite (the claimed benefit went the other way): "
            + "; ".join(_row_label(r) for r in opposite + others)
            + _never_measured(ctx) + ctx.cited_note(ids))


def rule_measured_no_effect(ctx: ClaimContext) -> str | None:
    """The measures the claim names were measured in controlled comparisons and showed no effect.

    The rows are those of :func:`measured_basis` (the cited studies first); none of them
    favours the mat. Measured and found no effect is absence of evidence, often from small
    trials, not evidence of the opposite; rows of other studies that favour the mat are named.
    """
    basis = measured_basis(ctx)
    if not basis or any(supports(r) for r in basis):
        return None
    ids = list(dict.fromkeys(_text(r["study_id"]) for r in basis))
    rest = [r for r in _measured_rows(ctx) if _text(r["study_id"]) not in ids]
    other = ("; other linked rows (not the cited source): " + "; ".join(
        _row_label(r) + f" (significant={_text(r.get('significant')) or 'n/a'})" for r in rest)
        if rest else "")
    return (f"claimed_outcome_measure={';'.join(ctx.measures)} was measured in controlled "
            "comparisons and showed no effect (no change, not the opposite): "
            + "; ".join(_row_label(r) for r in basis) + _never_measured(ctx)
            + ctx.cited_note(ids) + other)


def _harm_counts(ctx: ClaimContext) -> list[pd.Series]:
    """Linked adverse-event rows counting people harmed (responders > 0), on the named measures.

    When the claim names measures (claimed_outcome_measure), only rows on those measures count.
    """
    out = []
    for _, r in ctx.linked.iterrows():
        k, n = _num(r.get("responders")), _num(r.get("denominator"))
        if _text(r.get("outcome_domain")) != "adverse_events" or not (k and n):
            continue
        if ctx.measures and _text(r.get("outcome_measure")) not in ctx.measures:
            continue
        out.append(r)
    return out


def _harm_label(r: pd.Series) -> str:
    k, n = _num(r.get("responders")), _num(r.get("denominator"))
    return (f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))} "
            f"{int(k)}/{int(n)} ({100 * k / n:.0f}%)")


def rule_harms_understated(ctx: ClaimContext) -> str | None:
    """The claim denies or plays down a harm (claim_about = harms) that a linked study counts.

    A linked adverse-event row on the harm the claim names (claimed_outcome_measure, e.g.
    ``ae_too_painful``) with responders > 0, e.g. people who stopped because the mat was too
    painful, contradicts "it's not painful".
    """
    if ctx.get("claim_about") != "harms":
        return None
    hits = _harm_counts(ctx)
    if not hits:
        return None
    return ("claim_about=harms plays harms down, but " + "; ".join(map(_harm_label, hits))
            + " of the participants reported adverse reactions that stopped or discouraged use")


def rule_harms_certainty(ctx: ClaimContext) -> str | None:
    """A claim about harms (claim_about = harms) stated with more certainty than the record allows.

    No linked study counts the harm the claim names (so the claim may be literally true,
    e.g. "no documented serious adverse effects"), but few mat studies report harms at all:
    the reason gives how many peer-reviewed mat/pad studies report adverse events and what
    the linked ones counted.
    """
    if ctx.get("claim_about") != "harms":
        return None
    st = ctx.studies if not ctx.studies.empty else ctx.linked
    pool = st[(_col(st, "evidence_status") == "peer_reviewed") & _col(st, "device").isin(MAT_DEVICES)]
    ids = list(dict.fromkeys(pool["study_id"].astype(str)))
    ae = pool[_col(pool, "outcome_domain") == "adverse_events"]
    reporting = list(dict.fromkeys(ae["study_id"].astype(str)))
    counted = [_harm_label(r) for _, r in ctx.linked.iterrows()
               if _text(r.get("outcome_domain")) == "adverse_events"
               and _num(r.get("responders")) and _num(r.get("denominator"))]
    named = f" on {';'.join(ctx.measures)}" if ctx.measures else ""
    return (f"claim_about=harms: no linked study counts a harm{named}, so the claim may be "
            f"literally true, but only {len(reporting)} of {len(ids)} peer-reviewed mat/pad "
            f"studies report adverse events at all ({', '.join(reporting) or 'none'}); "
            + (f"the linked ones counted {'; '.join(counted)} put off by adverse reactions; "
               if counted else "")
            + "the certainty of the claim is not earned")


def _papers(rows: pd.DataFrame) -> list[str]:
    """Distinct publications among rows (one DOI or citation = one paper)."""
    keys = [_text(r.get("doi")) or _text(r.get("citation")) or _text(r["study_id"])
            for _, r in rows.iterrows()]
    return list(dict.fromkeys(keys))


def rule_count_overstated(ctx: ClaimContext) -> str | None:
    """The claim names more studies than the data hold (claim_about = study_count).

    The number in claimed_figure is compared with the peer-reviewed mat/pad
    papers in studies.csv (one DOI or citation = one paper).
    """
    if ctx.get("claim_about") != "study_count":
        return None
    m = re.search(r"\d+", ctx.get("claimed_figure"))
    if m is None or ctx.studies.empty:
        return None
    pool = ctx.studies[(_col(ctx.studies, "evidence_status") == "peer_reviewed")
                       & _col(ctx.studies, "device").isin(MAT_DEVICES)]
    papers = _papers(pool.drop_duplicates("study_id"))
    if int(m.group()) <= len(papers):
        return None
    return (f"claimed_figure={ctx.get('claimed_figure')!r} but studies.csv holds "
            f"{len(papers)} peer-reviewed mat/pad papers ({study_label(pool)})")


def _author_groups(study_ids: list[str]) -> dict[str, int]:
    """study_id -> research-group number: studies sharing an author (data/sources.csv) join."""
    src = pd.read_csv(default_path("sources.csv"), dtype=str, keep_default_na=False)
    authors = dict(zip(src["entry"], src["authors"]))
    names = {s: set(re.findall(r"([A-Z][\w'-]+) [A-Z]{1,3}\b", authors.get(s, "")))
             or {s} for s in study_ids}
    group = {s: i for i, s in enumerate(study_ids)}
    for a in study_ids:
        for b in study_ids:
            if names[a] & names[b] and group[a] != group[b]:
                old, new = group[b], group[a]
                group = {k: (new if v == old else v) for k, v in group.items()}
    return group


def rule_replication_not_found(ctx: ClaimContext) -> str | None:
    """A replication claim without the same finding from two independent groups.

    claim_about = replication. A finding counts as replicated when the same
    outcome measure favours the mat significantly in controlled rows of studies
    from at least two groups that share no author (data/sources.csv).
    """
    if ctx.get("claim_about") != "replication":
        return None
    ids = list(dict.fromkeys(ctx.linked["study_id"].astype(str)))
    group = _author_groups(ids)
    found: dict[str, set[int]] = {}
    for _, r in ctx.linked.iterrows():
        if _controlled(r) and supports(r):
            found.setdefault(_text(r.get("outcome_measure")), set()).add(group[_text(r["study_id"])])
    if any(len(g) >= 2 for g in found.values()):
        return None
    by_group: dict[int, list[str]] = {}
    for sid in ids:
        by_group.setdefault(group[sid], []).append(sid)
    sig: dict[int, list[str]] = {}
    for m, gs in found.items():
        for g in gs:
            sig.setdefault(g, []).append(m)
    parts = [f"{'+'.join(by_group[g])}: {', '.join(ms)}" for g, ms in sig.items()]
    nulls = [f"{_text(r['study_id'])} {_text(r.get('outcome_measure'))}"
             for _, r in ctx.linked.iterrows()
             if _controlled(r) and _text(r.get("result_direction")) == "no_difference"
             and group[_text(r["study_id"])] not in sig]
    return ("claim_about=replication but no measure favours the mat in two independent groups "
            f"({len(by_group)} author groups linked); significant results only from "
            + (" and ".join(f"[{p}]" for p in parts) or "none")
            + f"; other groups found no difference: {', '.join(nulls[:6]) or 'none'}")


def rule_effect_size_claim(ctx: ClaimContext) -> str | None:
    """A claim about effect sizes (claim_about = effect_size) that no linked result bears out.

    Fires when no linked row reports an effect estimate or a responder
    threshold and no effect that matstats can compute comes from a sham
    comparison; the reason lists the effects that can be computed.
    """
    if ctx.get("claim_about") != "effect_size":
        return None
    reported = ctx.linked[_col(ctx.linked, "estimate_type").isin({"smd", "md", "rr", "or"})
                          & _col(ctx.linked, "comparison").eq("between_groups")]
    eff = study_effect_sizes(ctx.domain_rows).effects
    if len(reported) or (eff["control_class"] == "sham").any():
        return None
    got = [f"{r.study_id} {r.outcome_measure} "
           + (f"g={r.yi:.2f}" if r.pooled_eligible else
              f"g{'>' if r.bound_side == 'lower' else '<'}{r.bound_value:.2f} (bound)")
           + f" vs {r.control}" for r in eff.itertuples()]
    return ("claim_about=effect_size but no linked study reports an effect size or a clinically "
            "meaningful (responder) threshold; effects computable from p and N: "
            + ("; ".join(got) or "none") + "; none against a sham")


def rule_evidence_level_overstated(ctx: ClaimContext) -> str | None:
    """The claim ranks the evidence at the top (claim_about = evidence_level); the trials are small and unblinded.

    Fires when no linked randomized row is sham-controlled or blinded; the
    reason gives each trial's N and control.
    """
    if ctx.get("claim_about") != "evidence_level":
        return None
    rnd = ctx.linked[_col(ctx.linked, "randomized") == "yes"]
    if rnd.empty or (_col(rnd, "control") == "sham").any() or _col(rnd, "blinding").isin(
            {"participant", "assessor", "double", "single"}).any():
        return None
    sizes = study_sizes(rnd)
    trials = "; ".join(f"{sid} n={sizes.get(sid, '?')} control={distinct_values(g, 'control')}"
                       for sid, g in rnd.groupby("study_id", sort=False))
    return ("claim_about=evidence_level (the highest level of evidence) but the linked "
            f"randomized trials are {trials}: none sham-controlled, none blinded as reported")


#: The verdict rules in the order they are tried; the first that fires wins.
RULES: tuple[Rule, ...] = (
    Rule("absence_claim", "concedes_no_evidence", rule_absence_claim),
    Rule("other_intervention", "indirect", rule_other_intervention),
    Rule("review_is_web_page", "misattributed", rule_review_is_web_page),
    Rule("secondary_unchecked", "unverified", rule_secondary_unchecked),
    Rule("sham_trial_absent", "not_found", rule_sham_trial_absent),
    Rule("no_study", "not_found", rule_no_study),
    Rule("link_unverified", "unverified", rule_link_unverified),
    Rule("harms_understated", "harms_understated", rule_harms_understated),
    Rule("harms_certainty", "overstated", rule_harms_certainty),
    Rule("count_overstated", "overstated", rule_count_overstated),
    Rule("replication_not_found", "misrepresented", rule_replication_not_found),
    Rule("effect_size_claim", "overstated", rule_effect_size_claim),
    Rule("evidence_level_overstated", "overstated", rule_evidence_level_overstated),
    Rule("figure_not_reported", "misrepresented", rule_figure_not_reported),
    Rule("figure_elsewhere", "misattributed", rule_figure_elsewhere),
    Rule("results_missing", "misrepresented", rule_results_missing),
    Rule("measured_opposite", "contradicted", rule_measured_opposite),
    Rule("measured_no_effect", "no_effect_found", rule_measured_no_effect),
    Rule("result_contradicted", "misrepresented", rule_result_contradicted),
    Rule("control_overstated", "misrepresented", rule_control_overstated),
    Rule("n_mismatch", "misattributed", rule_n_mismatch),
    Rule("result_mixed", "overstated", rule_result_mixed),
    Rule("design_overstated", "overstated", rule_design_overstated),
    Rule("consistent", "supported", rule_consistent),
    Rule("uncheckable", "unverified", rule_uncheckable),
)


def _ids(rows) -> list[str]:
    if isinstance(rows, pd.DataFrame):
        rows = [r for _, r in rows.iterrows()]
    return list(dict.fromkeys(_text(r["study_id"]) for r in rows))


def _sham_mat_rows(ctx: ClaimContext) -> pd.DataFrame:
    st = ctx.studies
    return st[_col(st, "device").isin(MAT_DEVICES) & (_col(st, "control") == "sham")]


#: Rule name -> the rows its verdict rests on (rules not named here rest on every linked row).
_BASIS: dict[str, Callable[[ClaimContext], object]] = {
    "absence_claim": lambda ctx: [],
    "other_intervention": lambda ctx: [],
    "no_study": lambda ctx: [],
    "sham_trial_absent": _sham_mat_rows,
    "figure_elsewhere": lambda ctx: ctx.figure_sources,
    "measured_opposite": lambda ctx: [r for r in _measured_rows(ctx)
                                      if _text(r.get("result_direction")) == "favours_control"],
    "measured_no_effect": measured_basis,
    "harms_understated": _harm_counts,
    "consistent": lambda ctx: [r for _, r in ctx.domain_rows.iterrows() if has_result(r)],
}


def verdict_basis(ctx: ClaimContext, rule: str) -> tuple[str, str]:
    """Which studies a verdict rests on, and whether the article cites them.

    Returns
    -------
    tuple of str
        ``(verdict_source, verdict_source_cited)``: the ``;``-joined study_ids whose rows
        decided the verdict ('' when none, e.g. no study found), and ``cited`` (all of
        them are the article's own citation, ``cited_study_ids``), ``partly_cited``,
        ``not_cited`` (the article cites another source) or ``no_citation`` (the article
        cites no identifiable source for the claim); '' when the verdict rests on no study.
    """
    ids = _ids(_BASIS.get(rule, lambda c: c.linked)(ctx))
    if not ids:
        return "", ""
    cited = set(ctx.cited)
    if not cited:
        status = "no_citation"
    elif set(ids) <= cited:
        status = "cited"
    elif set(ids) & cited:
        status = "partly_cited"
    else:
        status = "not_cited"
    return ";".join(ids), status


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
