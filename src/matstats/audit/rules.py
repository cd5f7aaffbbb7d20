"""The claim verdict rules and their order (what a rule sees is :mod:`matstats.audit.context`).

:data:`RULES` is an ordered tuple of :class:`Rule`; the first rule whose check returns a reason
decides a claim's verdict, one of :data:`VERDICTS` (meanings in :data:`VERDICT_MEANINGS`, the
one definition; ``data/README.md`` repeats it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from matstats.audit.context import (
    _ClaimContext,
    _col,
    _distinct_values,
    _has_result,
    _num,
    _pct_match,
    _row_percentages,
    _study_list,
    _study_sizes,
    _supports,
    _text,
    _values,
)
from matstats.evidence.data_io import default_path
from matstats.evidence.study_effects import study_effect_sizes
from matstats.vocab import DESIGN_RANK, MAT_DEVICES, NO_RESULT_DESIGNS, SECONDARY_DESIGNS

__all__ = ["VERDICTS", "VERDICT_MEANINGS", "RULES", "Rule", "rules_table"]

#: Verdict label -> what it means.
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

# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rule:
    """One verdict rule: if ``check(ctx)`` returns a reason string, the verdict applies.

    A rule with ``about`` is tried only on claims whose ``claim_about`` is ``about``.
    """

    name: str
    verdict: str
    check: Callable[[_ClaimContext], str | None]
    about: str = ""
    #: First paragraph of the check's docstring.
    description = property(lambda self: _summary(self.check))


def _summary(fn: Callable) -> str:
    """First paragraph of a function's docstring, on one line."""
    return " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())


def _controlled(row: pd.Series) -> bool:
    """A row that compares the device with a comparator (not a survey, not pre-post)."""
    return (_text(row.get("comparison")) not in {"within_group", "none", ""}
            and _text(row.get("control")) not in {"none", ""})


def _row_name(row: pd.Series) -> str:
    return f"{_text(row['study_id'])} {_text(row.get('outcome_measure'))}"


def _row_label(row: pd.Series) -> str:
    return f"{_row_name(row)}: {_text(row.get('result_direction'))}"


def _measured_rows(ctx: _ClaimContext) -> list[pd.Series]:
    """Controlled linked rows with a result on the measures the claim names (claimed_has_results=yes)."""
    if not ctx.measures or ctx.get("claimed_has_results") != "yes":
        return []
    return [r for r in ctx.results if _controlled(r)]


def _opposite(rows: list[pd.Series]) -> list[pd.Series]:
    return [r for r in rows if _text(r.get("result_direction")) == "favours_control"]


def _never_measured(ctx: _ClaimContext) -> str:
    missing = [m for m in ctx.measures if m not in set(_col(ctx.linked, "outcome_measure"))]
    return f"; never measured: {', '.join(missing)}" if missing else ""


def _measured_basis(ctx: _ClaimContext) -> list[pd.Series]:
    """The rows a measure-level verdict rests on: :func:`_measured_rows` of the studies the
    article cites (``cited_study_ids``) when those measured it, else all of them."""
    rows = _measured_rows(ctx)
    cited = [r for r in rows if _text(r["study_id"]) in ctx.cited]
    return cited or rows


def _ids(rows) -> list[str]:
    sids = rows["study_id"] if isinstance(rows, pd.DataFrame) else (r["study_id"] for r in rows)
    return list(dict.fromkeys(map(_text, sids)))


def _mats(rows: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    """The rows of a mat device whose ``column`` is ``value``."""
    return rows[_col(rows, "device").isin(MAT_DEVICES) & (_col(rows, column) == value)]


def _sham_mat_rows(ctx: _ClaimContext) -> pd.DataFrame:
    return _mats(ctx.studies, "control", "sham")


def _where_pct(ctx: _ClaimContext, pct: float) -> str:
    """Where a percentage appears among all linked rows (any domain), for reasons."""
    spots = [_row_name(r) for _, r in ctx.linked.iterrows()
             if any(_pct_match(pct, f) for f in _row_percentages(r))]
    return f" ({pct:g}% is {', '.join(spots)})" if spots else ""


def rule_absence_claim(ctx: _ClaimContext) -> str | None:
    """No study is linked and the claim itself says there is no direct evidence.

    The article's own negative verdict (claimed_has_results = no) agrees with
    finding no study. It is named apart from ``supported`` so that a count of
    supported claims never includes a benefit the article itself disowns.
    """
    if ctx.linked.empty and ctx.get("claimed_has_results") == "no":
        return ("the article itself says there is no direct evidence (claimed_has_results=no) "
                "and no study was found: its negative verdict holds, no benefit is supported")
    return None


def rule_other_intervention(ctx: _ClaimContext) -> str | None:
    """The claim carries evidence about another intervention over to the mat.

    claim_about = other_intervention and no linked mat study tests the claim.
    """
    other = ctx.get("evidence_intervention")
    if ctx.get("claim_about") != "other_intervention" or not other or other in MAT_DEVICES:
        return None
    if set(_values(ctx.linked, "device")) & MAT_DEVICES:
        return None
    return (f"the claim carries evidence about {other} (evidence_intervention) over to the "
            "mat; evidence about another intervention is not mat evidence, and no mat study "
            "of the claim is linked")


def rule_review_is_web_page(ctx: _ClaimContext) -> str | None:
    """The claim calls a web article a review of studies (claimed_design review or meta-analysis).

    Every linked source has design = web_article.
    """
    design = ctx.get("claimed_design")
    designs = set(_col(ctx.linked, "design"))
    if ctx.linked.empty or design not in SECONDARY_DESIGNS or designs != {"web_article"}:
        return None
    return (f"claimed_design={design} but {_study_list(ctx.linked)} is design=web_article: a "
            "web page, not a review of studies; the design label belongs to another kind of source")


def rule_sham_trial_absent(ctx: _ClaimContext) -> str | None:
    """The claim presents a sham-controlled result, and no mat-vs-sham trial has results.

    E.g. the only mat-vs-plain-mat trial is a registered protocol without results: the
    claimed study does not exist in the data, whatever the claim's unverified link points to.
    """
    if (ctx.get("claimed_control") != "sham" or ctx.get("claimed_has_results") != "yes"
            or ctx.studies.empty):
        return None
    sham = _sham_mat_rows(ctx)
    if any(_has_result(r) for _, r in sham.iterrows()):
        return None
    known = (f" (the only mat-vs-sham studies, {_study_list(sham)}, have no results)"
             if len(sham) else "")
    return ("claimed_control=sham with results, but no mat-vs-sham trial in studies.csv reports "
            f"a result{known}{_unverified_detail(ctx)}")


def rule_secondary_unchecked(ctx: _ClaimContext) -> str | None:
    """No study is linked and the claim cites a review: its contents cannot be checked."""
    design = ctx.get("claimed_design")
    if ctx.linked.empty and design in SECONDARY_DESIGNS:
        return f"claimed_design={design}: a secondary source with no primary study linked; contents not verified"
    return None


def rule_no_study(ctx: _ClaimContext) -> str | None:
    """No study in studies.csv matches the claim (study_ids empty)."""
    if ctx.linked.empty:
        figure = ctx.get("claimed_figure")
        what = f" for claimed_figure={figure!r}" if figure else ""
        other = ctx.get("evidence_intervention")
        lit = (f"; the claimed benefits come from {other} research (evidence_intervention), "
               "which is not evidence about a mat") if other else ""
        return f"study_ids empty: no mat study matching the claim was found{what}{lit}"
    return None


def rule_link_unverified(ctx: _ClaimContext) -> str | None:
    """The link is unverified, every linked row is unverified, or no linked study tests a mat.

    link_status = unverified, or value_status = unverified on all linked rows, or only
    another device (e.g. manual acupressure).
    """
    if ctx.get("link_status") == "unverified":
        return (f"link_status=unverified: the link to {_study_list(ctx.linked)} is itself "
                f"unverified{_unverified_detail(ctx)}")
    if set(_col(ctx.linked, "value_status")) == {"unverified"}:
        return (
            f"all linked rows ({_study_list(ctx.linked)}) have value_status=unverified"
        )
    devices = set(_values(ctx.linked, "device"))
    if devices and not devices & MAT_DEVICES:
        return (
            f"linked studies ({_study_list(ctx.linked)}) use device={';'.join(sorted(devices))}, "
            "not a mat; no mat study confirms the claim"
        )
    return None


def _unverified_detail(ctx: _ClaimContext) -> str:
    """What else is wrong with a claim whose link is unverified (device, sham, figure)."""
    out = ""
    other = set(_values(ctx.linked, "device")) - MAT_DEVICES
    if other:
        others = ctx.linked[ctx.linked["device"].astype(str).isin(other)]
        out += (f"; and {_study_list(others)} is device={';'.join(sorted(other))}, not a mat: "
                "not mat evidence")
        if ctx.get("claimed_control") == "sham":
            out += (", so its sham comparison cannot show that a mat beats placebo "
                    "(no mat-vs-sham trial has results)")
    if not ctx.figure_sources.empty:
        r = ctx.figure_sources.iloc[0]
        pcts = "/".join(f"{p:g}%" for p in ctx.figure_pcts)
        out += (f"; the {pcts} figure itself is {_row_name(r)} (design={_text(r.get('design'))}), "
                "which this claim labels as such; only the unverified link keeps the "
                "verdict at unverified")
    return out


def rule_figure_not_reported(ctx: _ClaimContext) -> str | None:
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


def rule_figure_elsewhere(ctx: _ClaimContext) -> str | None:
    """The claimed figure comes from a linked study of another design or year."""
    if ctx.figure_sources.empty:
        return None
    claimed_design = ctx.get("claimed_design")
    claimed_year = ctx.claimed_year
    for sid, rows in ctx.figure_sources.groupby("study_id", sort=False):
        design = _distinct_values(rows, "design")
        year = _distinct_values(rows, "year").split(";")[0].removesuffix(".0")
        mism = []
        if claimed_design and design and claimed_design not in design.split(";"):
            mism.append(f"claimed_design={claimed_design} vs design={design}")
        if claimed_year and year and claimed_year.strip() != year:
            mism.append(f"claimed year={claimed_year} vs year={year}")
        if mism:
            pcts = "/".join(f"{p:g}%" for p in ctx.figure_pcts)
            return f"figure {pcts} is from {sid} ({'; '.join(mism)})"
    return None


def rule_results_missing(ctx: _ClaimContext) -> str | None:
    """The claim reports results, but the linked study has none (e.g. a protocol)."""
    if ctx.get("claimed_has_results") == "yes" and not ctx.any_result:
        return f"claimed_has_results=yes but linked studies ({_study_list(ctx.linked)}) report no results"
    return None


def rule_result_contradicted(ctx: _ClaimContext) -> str | None:
    """The claim says the mat had a significant effect; no linked result in that domain shows one.

    Only rows with a reported result in the claimed outcome domain count;
    between-group rows are preferred over within-group rows when both exist.
    """
    if ctx.get("claimed_significant") != "yes":
        return None
    rows = ctx.results
    rows = [r for r in rows if _text(r.get("comparison")) == "between_groups"] or rows
    if rows and not any(_supports(r) for r in rows):
        found = "; ".join(f"{_row_label(r)}, significant={_text(r.get('significant')) or 'n/a'}"
                          for r in rows[:3])
        return f"claimed_significant=yes but {found}"
    return None


def rule_result_mixed(ctx: _ClaimContext) -> str | None:
    """The claim says the mat helped; linked results in that domain are mixed."""
    if ctx.get("claimed_significant") not in {"yes", ""}:
        return None
    rows = ctx.results
    good = [r for r in rows if _supports(r)]
    bad = [r for r in rows if not _supports(r)]
    if good and bad:
        b = (_opposite(bad) or bad)[0]
        went = " (the claimed benefit went the other way)" if _opposite([b]) else ""
        return (f"{len(good)} of {len(rows)} linked results favour the mat; e.g. "
                f"{_row_label(b)}{went}")
    return None


def rule_design_overstated(ctx: _ClaimContext) -> str | None:
    """The claimed design ranks above every linked study's design (see DESIGN_RANK)."""
    claimed = ctx.get("claimed_design")
    designs = _values(ctx.linked, "design")
    if claimed and designs:
        best = max(DESIGN_RANK.get(d, 0) for d in designs)
        if DESIGN_RANK.get(claimed, 0) > best:
            return f"claimed_design={claimed} but found design={';'.join(designs)}{_protocol_detail(ctx)}"
    return None


def _protocol_detail(ctx: _ClaimContext) -> str:
    """For a registered protocol: is it randomized, has it results, are the claimed measures registered."""
    rows = ctx.linked
    if not set(_values(rows, "design")) & NO_RESULT_DESIGNS:
        return ""
    out = ""
    if _distinct_values(rows, "randomized") == "yes":
        out += "; the registered trial is randomized (randomized=yes), so the design label is right"
    if _distinct_values(rows, "value_status") == "no_results":
        out += ("; what is overstated is its status: presented as an active trial, it has no "
                "results (value_status=no_results)")
    registered = set(_values(rows, "outcome_measure"))
    missing = [m for m in ctx.measures if m not in registered]
    if missing:
        out += f"; claimed outcome(s) not registered: {', '.join(missing)}"
    return out


def rule_control_overstated(ctx: _ClaimContext) -> str | None:
    """The claim says sham-controlled, but no linked study compared the mat with a sham."""
    if ctx.get("claimed_control") == "sham":
        controls = _values(ctx.linked, "control")
        if controls and "sham" not in controls:
            return f"claimed_control=sham but found control={';'.join(controls)}"
    return None


def rule_n_mismatch(ctx: _ClaimContext) -> str | None:
    """The claimed N is neither any linked study's N nor the sum of the linked studies' Ns."""
    claimed = _num(ctx.claim.get("claimed_n"))
    ns = _study_sizes(ctx.linked)
    if claimed is None or not ns:
        return None
    if int(claimed) in ns.values() or int(claimed) == sum(ns.values()):
        return None
    found = ";".join(f"{k}={v}" for k, v in ns.items())
    return f"claimed_n={int(claimed)} but found n {found}"


def rule_consistent(ctx: _ClaimContext) -> str | None:
    """Linked results agree with the claim (at least one supporting row, none contradicting)."""
    rows = ctx.results
    if ctx.get("claimed_has_results") == "no" and not ctx.any_result:
        return f"claim says no results yet; linked study ({_study_list(ctx.linked)}) has none"
    if rows and all(_supports(r) for r in rows):
        ids = _ids(rows)
        return (
            f"{len(rows)} linked result(s) in the claimed domain favour the mat "
            f"({', '.join(ids)}){ctx.cited_note(ids)}"
        )
    return None


def rule_uncheckable(ctx: _ClaimContext) -> str | None:
    """Fallback: a study is linked but nothing it reports can confirm the claim."""
    return f"linked studies ({_study_list(ctx.linked)}) report nothing that confirms the claim"


def rule_measured_opposite(ctx: _ClaimContext) -> str | None:
    """A measure the claim names was measured in a controlled comparison and went the other way.

    The rows are those of :func:`_measured_rows`. One row favouring the control on a named
    measure is evidence against the claimed direction, whichever study the article cites and
    whatever the other measures show.
    """
    rows = _measured_rows(ctx)
    opposite = _opposite(rows)
    if not opposite:
        return None
    others = [r for r in rows if _text(r.get("result_direction")) != "favours_control"]
    ids = _ids(opposite)
    return (f"claimed_outcome_measure={';'.join(ctx.measures)} was measured and showed the "
            "opposite (the claimed benefit went the other way): "
            + "; ".join(_row_label(r) for r in opposite + others)
            + _never_measured(ctx) + ctx.cited_note(ids))


def rule_measured_no_effect(ctx: _ClaimContext) -> str | None:
    """The measures the claim names were measured in controlled comparisons and showed no effect.

    The rows are those of :func:`_measured_basis` (the cited studies first); none of them
    favours the mat. Measured and found no effect is absence of evidence, often from small
    trials, not evidence of the opposite; rows of other studies that favour the mat are named.
    """
    basis = _measured_basis(ctx)
    if not basis or any(_supports(r) for r in basis):
        return None
    ids = _ids(basis)
    rest = [r for r in _measured_rows(ctx) if _text(r["study_id"]) not in ids]
    other = ("; other linked rows (not the cited source): " + "; ".join(
        _row_label(r) + f" (significant={_text(r.get('significant')) or 'n/a'})" for r in rest)
        if rest else "")
    return (f"claimed_outcome_measure={';'.join(ctx.measures)} was measured in controlled "
            "comparisons and showed no effect (no change, not the opposite): "
            + "; ".join(_row_label(r) for r in basis) + _never_measured(ctx)
            + ctx.cited_note(ids) + other)


def _harm_counts(ctx: _ClaimContext, on_measures: bool = True) -> list[pd.Series]:
    """Linked adverse-event rows counting people harmed (responders > 0), on the measures the
    claim names (claimed_outcome_measure) if any and ``on_measures``."""
    named = ctx.measures if on_measures else ()
    return [r for _, r in ctx.linked.iterrows()
            if _text(r.get("outcome_domain")) == "adverse_events"
            and _num(r.get("responders")) and _num(r.get("denominator"))
            and (not named or _text(r.get("outcome_measure")) in named)]


def _harm_label(r: pd.Series) -> str:
    k, n = _num(r.get("responders")), _num(r.get("denominator"))
    return f"{_row_name(r)} {int(k)}/{int(n)} ({100 * k / n:.0f}%)"


def rule_harms_understated(ctx: _ClaimContext) -> str | None:
    """The claim denies or plays down a harm (claim_about = harms) that a linked study counts.

    E.g. a linked ``ae_too_painful`` row with responders > 0 (people who stopped because the
    mat was too painful) contradicts "it's not painful".
    """
    hits = _harm_counts(ctx)
    if not hits:
        return None
    return ("claim_about=harms plays harms down, but " + "; ".join(map(_harm_label, hits))
            + " of the participants reported adverse reactions that stopped or discouraged use")


def rule_harms_certainty(ctx: _ClaimContext) -> str | None:
    """A claim about harms (claim_about = harms) stated with more certainty than the record allows.

    No linked study counts the harm the claim names (it may be literally true, e.g. "no
    documented serious adverse effects"), but few mat studies report harms at all.
    """
    pool = _mats(ctx.studies if not ctx.studies.empty else ctx.linked, "evidence_status",
                 "peer_reviewed")
    ids = _ids(pool)
    reporting = _ids(pool[_col(pool, "outcome_domain") == "adverse_events"])
    counted = [_harm_label(r) for r in _harm_counts(ctx, on_measures=False)]
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


def rule_count_overstated(ctx: _ClaimContext) -> str | None:
    """The claim names more studies than the data hold (claim_about = study_count).

    Counted: peer-reviewed mat/pad papers in studies.csv (one DOI or citation = one paper).
    """
    m = re.search(r"\d+", ctx.get("claimed_figure"))
    if m is None or ctx.studies.empty:
        return None
    pool = _mats(ctx.studies, "evidence_status", "peer_reviewed")
    papers = _papers(pool.drop_duplicates("study_id"))
    if int(m.group()) <= len(papers):
        return None
    return (f"claimed_figure={ctx.get('claimed_figure')!r} but studies.csv holds "
            f"{len(papers)} peer-reviewed mat/pad papers ({_study_list(pool)})")


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


def rule_replication_not_found(ctx: _ClaimContext) -> str | None:
    """A replication claim without the same finding from two independent groups.

    claim_about = replication. A finding counts as replicated when the same
    outcome measure favours the mat significantly in controlled rows of studies
    from at least two groups that share no author (data/sources.csv).
    """
    ids = _ids(ctx.linked)
    group = _author_groups(ids)
    found: dict[str, set[int]] = {}
    for _, r in ctx.linked.iterrows():
        if _controlled(r) and _supports(r):
            found.setdefault(_text(r.get("outcome_measure")), set()).add(group[_text(r["study_id"])])
    if any(len(g) >= 2 for g in found.values()):
        return None
    by_group = {g: [s for s in ids if group[s] == g] for g in dict.fromkeys(map(group.get, ids))}
    sig = {g: [m for m, gs in found.items() if g in gs]
           for g in dict.fromkeys(g for gs in found.values() for g in gs)}
    parts = [f"{'+'.join(by_group[g])}: {', '.join(ms)}" for g, ms in sig.items()]
    nulls = [_row_name(r) for _, r in ctx.linked.iterrows()
             if _controlled(r) and _text(r.get("result_direction")) == "no_difference"
             and group[_text(r["study_id"])] not in sig]
    return ("claim_about=replication but no measure favours the mat in two independent groups "
            f"({len(by_group)} author groups linked); significant results only from "
            + (" and ".join(f"[{p}]" for p in parts) or "none")
            + f"; other groups found no difference: {', '.join(nulls[:6]) or 'none'}")


def rule_effect_size_claim(ctx: _ClaimContext) -> str | None:
    """A claim about effect sizes (claim_about = effect_size) that no linked result bears out.

    No linked row reports an effect estimate or responder threshold, and no computable effect
    comes from a sham comparison.
    """
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


def rule_evidence_level_overstated(ctx: _ClaimContext) -> str | None:
    """The claim ranks the evidence at the top (claim_about = evidence_level); the trials are small and unblinded.

    No linked randomized row is sham-controlled or blinded.
    """
    rnd = ctx.linked[_col(ctx.linked, "randomized") == "yes"]
    if rnd.empty or (_col(rnd, "control") == "sham").any() or _col(rnd, "blinding").isin(
            {"participant", "assessor", "double", "single"}).any():
        return None
    sizes = _study_sizes(rnd)
    trials = "; ".join(f"{sid} n={sizes.get(sid, '?')} control={_distinct_values(g, 'control')}"
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
    Rule("harms_understated", "harms_understated", rule_harms_understated, "harms"),
    Rule("harms_certainty", "overstated", rule_harms_certainty, "harms"),
    Rule("count_overstated", "overstated", rule_count_overstated, "study_count"),
    Rule("replication_not_found", "misrepresented", rule_replication_not_found, "replication"),
    Rule("effect_size_claim", "overstated", rule_effect_size_claim, "effect_size"),
    Rule("evidence_level_overstated", "overstated", rule_evidence_level_overstated,
         "evidence_level"),
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


#: Rule name -> the rows its verdict rests on (rules not named here rest on every linked row).
_BASIS: dict[str, Callable[[_ClaimContext], object]] = {
    "absence_claim": lambda ctx: [],
    "other_intervention": lambda ctx: [],
    "no_study": lambda ctx: [],
    "sham_trial_absent": _sham_mat_rows,
    "figure_elsewhere": lambda ctx: ctx.figure_sources,
    "measured_opposite": lambda ctx: _opposite(_measured_rows(ctx)),
    "measured_no_effect": _measured_basis,
    "harms_understated": _harm_counts,
    "consistent": lambda ctx: ctx.results,
}


def _verdict_basis(ctx: _ClaimContext, rule: str) -> tuple[str, str]:
    """``(verdict_source, verdict_source_cited)`` of :func:`matstats.audit.audit_claims`."""
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
    return pd.DataFrame([(i, r.name, r.verdict, r.description) for i, r in enumerate(rules, 1)],
                        columns=["order", "rule", "verdict", "description"])


def _apply_rules(ctx: _ClaimContext) -> tuple[str, str, str]:
    """Run the rules on one claim; returns ``(verdict, rule_name, reason)``."""
    for rule in RULES:
        if rule.about and ctx.get("claim_about") != rule.about:
            continue
        reason = rule.check(ctx)
        if reason is not None:
            return rule.verdict, rule.name, reason
    raise ValueError("no rule fired; the rule list must end with a catch-all rule")
