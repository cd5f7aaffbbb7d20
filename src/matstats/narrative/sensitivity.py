"""Sentences for the placebo/expectation sensitivity results of study rows and claims.

Every sentence function takes plain numbers, labels or codes (as computed by
:mod:`matstats.sensitivity` and :mod:`matstats.audit.routing`) and returns text; none computes a
statistic. Reasons for "no analysis" are keyed by the codes in :data:`REASONS`, so code that
decides never has to read a sentence.

:func:`sensitivity_for_studies` and :func:`sensitivity_for_claims` are the user-facing
tables: the routes of :func:`matstats.audit.routing.route_studies` /
:func:`~matstats.audit.routing.route_claims` with ``effect_unit``, ``key_numbers``,
``conclusion`` and ``reason`` written by dispatch tables keyed on the analysis and reason
codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from matstats.audit import routing
from matstats.literature import MCID_UNITS, NO_TREATMENT_SHARE, STRIJKERS_PLACEBO

__all__ = [
    "STUDY_COLUMNS",
    "CLAIM_COLUMNS",
    "sensitivity_for_studies",
    "sensitivity_for_claims",
    "study_texts",
    "claim_texts",
    "REASONS",
    "reason",
    "no_analysis",
    "bias_verdict",
    "tipping_key_numbers",
    "tipping_conclusion",
    "bound_key_numbers",
    "bound_conclusion",
    "upper_bound_key_numbers",
    "decomposition_key_numbers",
    "decomposition_conclusion",
    "survey_key_numbers",
    "survey_conclusion",
    "proportion_key_numbers",
    "PROPORTION_CONCLUSION",
    "MANUAL_ACUPRESSURE_NOTE",
    "claim_survey_conclusion",
    "linked_trial_note",
    "claim_result_conclusion",
    "claim_no_difference_conclusion",
]

#: Reason code -> sentence (``str.format`` fields in braces) of why no analysis applies.
REASONS = {
    # study rows
    "no_results": "registered trial without results: nothing to analyse",
    "not_verifiable": "{design}: not a verifiable study result with numbers",
    "no_difference": (
        "no between-group difference reported: an unblinding or expectation bias would have "
        "inflated a benefit, not hidden it, so there is nothing for bias to erase"),
    "no_effect_size": (
        "between-group result without an effect size, CI or exact p-value: tipping point "
        "not computable"),
    "no_orientation": (
        "between-group SMD on an outcome whose better direction is not known (outcome domain "
        "{domain!r}, measure {measure!r}): the effect cannot be oriented"),
    "no_within_change": "no within-group change reported: nothing to decompose",
    "within_only_controlled": (
        "only within-group change reported for a controlled trial: the between-group contrast "
        "(which removes natural history, RTM and part of placebo) is not available"),
    "no_magnitude": (
        "uncontrolled change without a magnitude (no mean change with CI on a scale with a "
        "known MCID): decomposition not computable; by default ~{share:.0%} of such change is "
        "no-treatment change and ~{placebo:.2f} SD placebo (Pedersen 2024; Strijkers 2021)"),
    "unclear_no_numbers": (
        "the source does not say whether the result is between or within groups, and gives "
        "no numbers: no analysis applies"),
    "no_comparison": "no comparison and no numbers reported: no analysis applies",
    # claims
    "no_study": "the claim names no study that exists in the data",
    "no_usable_result": "linked studies have no result a sensitivity analysis can use: {reasons}",
    "no_rows": "linked study ids have no rows in the study table",
}
_DEFAULT_FIELDS = {"share": NO_TREATMENT_SHARE["pain"], "placebo": STRIJKERS_PLACEBO.mean}

MANUAL_ACUPRESSURE_NOTE = " (Manual acupressure, not mat evidence.)"
PROPORTION_CONCLUSION = ("Harm base rate, not an improvement: no placebo sensitivity analysis "
                         "applies.")


def reason(code: str, **fields: object) -> str:
    """The sentence of a reason code, e.g. ``reason("not_verifiable", design="review")``.

    >>> reason("no_results")
    'registered trial without results: nothing to analyse'
    """
    if code not in REASONS:
        raise ValueError(f"code must be one of {sorted(REASONS)}, got {code!r}")
    return REASONS[code].format(**{**_DEFAULT_FIELDS, **fields})


def no_analysis(reason_text: str) -> str:
    """The conclusion of a row or claim that no analysis applies to."""
    return "No analysis applies: " + reason_text + "."


def bias_verdict(p: float) -> str:
    """How plausible a bias at least as large as the tipping bias is (its prior probability)."""
    if p >= 0.5:
        return "a typical unblinding/expectation bias alone could explain it"
    if p >= 0.2:
        return "an unblinding/expectation bias of plausible size could explain it"
    if p >= 0.05:
        return "only a larger-than-typical bias would explain it"
    return "bias of the size seen in meta-epidemiological studies would not explain it"


def _who(unblinded: bool) -> str:
    return ("participants knew whether they had the intervention" if unblinded
            else "participants were nominally blinded, so the unblinding prior is a stress test")


def tipping_key_numbers(g: float, se: float, method: str, b_null: float, b_sig: float,
                        mcid: float, b_mcid: float, p_sig: float, p_mcid: float) -> str:
    """Numbers of a between-group tipping-point analysis, in one line."""
    return (f"g {g:.2f} (SE {se:.2f}, {method}); bias to null {b_null:.2f} SD, to "
            f"non-significance {b_sig:.2f} SD, below MCID ({mcid:.2f} SD) {b_mcid:.2f} SD; "
            f"P(bias > non-significance tipping) = {p_sig:.2f}; "
            f"P(bias-adjusted effect > MCID) = {p_mcid:.2f}")


def tipping_conclusion(b_sig: float, p_sig: float, p_mcid: float, unblinded: bool) -> str:
    """Conclusion of a between-group tipping-point analysis."""
    if b_sig <= 0:
        return ("Not statistically significant even before any bias adjustment "
                f"({_who(unblinded)}).")
    return (f"Significance would vanish with an additive bias of {b_sig:.2f} SD;"
            f" {bias_verdict(p_sig)} ({_who(unblinded)}). Chance that the bias-adjusted "
            f"effect exceeds the MCID: {p_mcid:.0%}.")


def bound_key_numbers(bound: float, p_null: float) -> str:
    """Numbers of a tipping point on a lower bound of g."""
    return (f"g > {bound:.2f} (bound only); bias to null > {bound:.2f} SD; "
            f"P(bias > {bound:.2f}) <= {p_null:.2f}")


def bound_conclusion(bound: float, p_null: float, unblinded: bool) -> str:
    """Conclusion of a tipping point on a lower bound of g."""
    return (f"Only a bound is known: a bias of more than {bound:.2f} SD is needed to null the "
            f"point estimate; {bias_verdict(p_null)} ({_who(unblinded)}). The significance "
            "tipping point needs the per-arm numbers.")


def upper_bound_key_numbers(bound: float) -> str:
    """Numbers of a result known only as |g| below a bound."""
    return f"|g| < {bound:.2f} (bound only)"


def decomposition_key_numbers(observed: float, natural_history: float, placebo: float,
                              sd: float, n: int, specific: tuple[float, float, float],
                              mcid: float, mcid_source: str, p_mcid: float,
                              p_positive: float) -> str:
    """Numbers of a decomposition; ``specific`` is (mean, 2.5%, 97.5%) of the remainder."""
    mean, lo, hi = specific
    return (f"observed {observed:.1f}; natural history {natural_history:.1f}, placebo "
            f"{placebo:.1f} (SD {sd:.1f} derived from the CI and n={n}); remaining {mean:.1f} "
            f"(95% {lo:.1f} to {hi:.1f}); MCID {mcid:g} ({mcid_source}); "
            f"P(remaining > MCID) = {p_mcid:.2f}, P(remaining > 0) = {p_positive:.2f}")


def decomposition_conclusion(observed: float, mcid: float, specific_mean: float,
                             p_mcid: float) -> str:
    """Conclusion of a decomposition of an uncontrolled change."""
    if observed < mcid:
        return (f"The uncontrolled change of {observed:.1f} points is already below the MCID of "
                f"{mcid:g}; after natural history and placebo the remaining specific part is "
                f"about {specific_mean:.1f} points (P > MCID {p_mcid:.0%}).")
    return (f"After natural history and placebo the remaining specific part is about "
            f"{specific_mean:.1f} points; P(> MCID {mcid:g}) = {p_mcid:.0%}.")


def survey_key_numbers(bounds, top_p0: float, top_q: float) -> str:
    """Numbers of survey bounds (``bounds`` a :class:`~matstats.sensitivity.SurveyBounds`)
    against the highest literature benchmark ``top_p0`` and its tipping response rate."""
    b = bounds
    return (f"{b.responders}/{b.respondents} respondents = {b.p_respondents:.1%} (95% CI "
            f"{b.ci_low:.1%} to {b.ci_high:.1%}); response {b.response_rate:.0%} of {b.users}; "
            f"all users: {b.worst_case:.1%} to {b.best_case:.1%}; selection tipping response "
            f"rate vs {top_p0:.0%} benchmark: {top_q:.0%}")


def survey_conclusion(worst_case: float, top_p0: float) -> str:
    """Conclusion of survey bounds against the highest placebo benchmark."""
    return (f"Uncontrolled self-report: even if every non-respondent had no benefit, "
            f"{worst_case:.0%} of users would report it, above the {top_p0:.0%} placebo-arm "
            "response rate, but with no control arm the survey cannot separate the mat from "
            "placebo, expectation, natural history or selective reporting.")


def proportion_key_numbers(k: int, n: int, low: float, high: float) -> str:
    """An event count as a proportion with its exact CI."""
    return f"{k}/{n} = {k / n:.1%} (exact 95% CI {low:.1%} to {high:.1%})"


def linked_trial_note(study_id: str, measure: str, conclusion: str) -> str:
    """Sentence appending a linked controlled trial's conclusion to a claim."""
    return f" The linked controlled trial result ({study_id}, {measure}): {conclusion}"


def _percent_list(values: Iterable[float]) -> str:
    return ", ".join(f"{p:g}%" for p in values)


def claim_survey_conclusion(randomized_claim: bool, worst_case: float, trial_note: str,
                            unmatched: list[float]) -> str:
    """Conclusion of a claim whose percentage comes from an uncontrolled survey."""
    text = ("The percentage comes from an uncontrolled user survey, not from a randomized "
            "comparison. " if randomized_claim else
            "The percentage comes from an uncontrolled user survey. ")
    text += (f"Under worst-case non-response it falls to {worst_case:.0%} of users, and without "
             "a control arm none of it can be attributed to the mat rather than placebo, "
             "expectation, natural history or selective reporting." + trial_note)
    if unmatched:
        text += " Figure(s) with no matching survey item: " + _percent_list(unmatched) + "."
    return text


def claim_result_conclusion(study_id: str, measure: str, conclusion: str,
                            claimed: list[float]) -> str:
    """Conclusion of a claim backed by an analysed study result."""
    text = f"Behind the claim ({study_id}, {measure}): {conclusion}"
    if claimed:
        text += (" The claimed figure(s) " + _percent_list(claimed)
                 + " match no result of the linked studies.")
    return text


def claim_no_difference_conclusion(study_ids: Iterable[str]) -> str:
    """Conclusion of a claim whose linked controlled results found no difference."""
    return ("The linked controlled result(s) (" + ";".join(sorted(set(study_ids)))
            + ") found no difference between the mat and its control, so improvements within "
            "the mat group are matched by the control group (natural history, placebo, "
            "regression to the mean); there is no mat-specific effect to defend against bias.")


# ------------------------------------------------------------------------ the tables in words
#: Columns of :func:`sensitivity_for_studies`, in order.
STUDY_COLUMNS = [
    "line", "study_id", "contrast", "outcome_domain", "outcome_measure", "timepoint_weeks",
    "design", "control", "blinding", "analysis", "effect", "effect_unit", "tipping_bias_sd",
    "p_bias_exceeds", "p_specific_gt_mcid", "worst_case", "key_numbers", "conclusion", "reason",
    "reason_code",
]
#: Columns of :func:`sensitivity_for_claims`, in order.
CLAIM_COLUMNS = [
    "claim_id", "line", "claimed_design", "claimed_figure", "study_ids", "analysis",
    "matched_results", "key_numbers", "conclusion", "reason", "reason_code",
]

_Texts = Callable[[Mapping, Mapping], str]


def _tipping_key_numbers(r: Mapping, d: Mapping) -> str:
    return tipping_key_numbers(r["effect"], d["se"], d["method"], d["bias_null_sd"],
                               r["tipping_bias_sd"], d["mcid_sd"], d["bias_mcid_sd"],
                               r["p_bias_exceeds"], r["p_specific_gt_mcid"])


def _decomposition_key_numbers(r: Mapping, d: Mapping) -> str:
    return decomposition_key_numbers(r["effect"], d["natural_history"], d["placebo"], d["sd"],
                                     d["n"], d["specific"], d["mcid"],
                                     MCID_UNITS[r["outcome_measure"]][1],
                                     r["p_specific_gt_mcid"], d["p_positive"])


#: analysis code -> (effect_unit, key_numbers, conclusion) of a study row with an analysis.
_STUDY_TEXTS: dict[str, tuple[str, _Texts, _Texts]] = {
    "tipping_point": (
        "SD (Hedges g, + favours intervention)", _tipping_key_numbers,
        lambda r, d: tipping_conclusion(r["tipping_bias_sd"], r["p_bias_exceeds"],
                                        r["p_specific_gt_mcid"], d["unblinded"])),
    "tipping_point_bound": (
        "SD (lower bound on g from the reported p-value)",
        lambda r, d: bound_key_numbers(r["effect"], r["p_bias_exceeds"]),
        lambda r, d: bound_conclusion(r["effect"], r["p_bias_exceeds"], d["unblinded"])),
    "decomposition": (
        "{outcome_measure} points improvement", _decomposition_key_numbers,
        lambda r, d: decomposition_conclusion(r["effect"], d["mcid"], d["specific"][0],
                                              r["p_specific_gt_mcid"])),
    "survey_bounds": (
        "proportion",
        lambda r, d: survey_key_numbers(d["bounds"], d["benchmark_p0"],
                                        d["benchmark_tipping_q"]),
        lambda r, d: survey_conclusion(r["worst_case"], d["benchmark_p0"])),
    "proportion_ci": (
        "proportion",
        lambda r, d: proportion_key_numbers(d["events"], d["n"], d["ci_low"], d["ci_high"]),
        lambda r, d: PROPORTION_CONCLUSION),
}
#: reason code -> the format fields of its sentence, from the row.
_REASON_FIELDS: dict[str, Callable[[Mapping], dict]] = {
    "not_verifiable": lambda r: {"design": r["design"].replace("_", " ")},
    "no_orientation": lambda r: {"domain": r["outcome_domain"], "measure": r["outcome_measure"]},
}


def _study_row_texts(r: Mapping) -> dict:
    """``effect_unit``, ``key_numbers``, ``conclusion`` and ``reason`` of one routed row."""
    d = r["details"]
    if r["analysis"] in _STUDY_TEXTS:
        unit, key_numbers, conclusion = _STUDY_TEXTS[r["analysis"]]
        text = conclusion(r, d)
        if d.get("manual_acupressure"):
            text += MANUAL_ACUPRESSURE_NOTE
        return dict(effect_unit=unit.format(**r), key_numbers=key_numbers(r, d),
                    conclusion=text, reason="")
    code = r["reason_code"]
    why = reason(code, **_REASON_FIELDS.get(code, lambda r: {})(r))
    key_numbers = upper_bound_key_numbers(d["upper_bound"]) if "upper_bound" in d else ""
    return dict(effect_unit="", key_numbers=key_numbers, conclusion=no_analysis(why),
                reason=why)


def study_texts(routes: pd.DataFrame) -> pd.DataFrame:
    """The output of :func:`matstats.audit.routing.route_studies` in words: its numbers and codes
    plus ``effect_unit``, ``key_numbers``, ``conclusion`` and ``reason``, in the columns
    :data:`STUDY_COLUMNS` (``details`` dropped)."""
    texts = pd.DataFrame([_study_row_texts(r) for r in routes.to_dict("records")],
                         columns=["effect_unit", "key_numbers", "conclusion", "reason"],
                         index=routes.index)
    return pd.concat([routes.drop(columns="details"), texts], axis=1)[STUDY_COLUMNS]


def sensitivity_for_studies(studies: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    """Every study result row with its sensitivity analysis, in numbers and words.

    :func:`matstats.audit.routing.route_studies` (same parameters: ``effects``, ``prior``,
    ``n_draws``, ``rng``), written out by :func:`study_texts`.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in input order, with the columns :data:`STUDY_COLUMNS`: those
        of :func:`~matstats.audit.routing.route_studies` without ``details``, plus ``effect_unit``,
        ``key_numbers`` (the analysis's numbers in one line), ``conclusion`` and ``reason``
        (why no analysis applies; empty otherwise; the sentence of ``reason_code`` in
        :data:`REASONS`).

    Examples
    --------
    >>> import matstats
    >>> res = sensitivity_for_studies(matstats.load_studies(), rng=1, n_draws=500)
    >>> bool((res["conclusion"].str.len() > 0).all())
    True
    """
    return study_texts(routing.route_studies(studies, **kwargs))


def _claim_row_texts(c: Mapping, studies: pd.DataFrame) -> dict:
    """``key_numbers``, ``conclusion`` and ``reason`` of one routed claim; ``studies`` is the
    study table in words the claim was routed on."""
    d = c["details"]
    rows = studies.loc[d.get("rows", [])]
    if c["analysis"] == "survey_bounds":
        note = ""
        if d["trial_row"] is not None:
            t = studies.loc[d["trial_row"]]
            note = linked_trial_note(t["study_id"], t["outcome_measure"], t["conclusion"])
        return dict(
            key_numbers=" || ".join(f"{r.outcome_measure}: {r.key_numbers}"
                                    for r in rows.itertuples()),
            conclusion=claim_survey_conclusion(d["controlled_claim"], d["worst_case"], note,
                                               d["unmatched"]), reason="")
    if c["analysis"] in ("tipping_point", "decomposition"):
        first = rows.iloc[0]
        return dict(
            key_numbers=f"{first['study_id']} {first['outcome_measure']}: "
                        f"{first['key_numbers']}",
            conclusion=claim_result_conclusion(first["study_id"], first["outcome_measure"],
                                               first["conclusion"], d["claimed"]), reason="")
    if c["analysis"] == "no_difference":
        return dict(key_numbers=f"{len(rows)} linked controlled result(s) with no "
                                "between-group difference",
                    conclusion=claim_no_difference_conclusion(rows["study_id"]), reason="")
    fields = ({"reasons": "; ".join(sorted(set(rows["reason"]) - {""}))}
              if c["reason_code"] == "no_usable_result" else {})
    why = reason(c["reason_code"], **fields)
    return dict(key_numbers="", conclusion=no_analysis(why), reason=why)


def claim_texts(routes: pd.DataFrame, study_results: pd.DataFrame) -> pd.DataFrame:
    """The output of :func:`matstats.audit.routing.route_claims` in words (columns
    :data:`CLAIM_COLUMNS`); ``study_results`` is the :func:`sensitivity_for_studies` table
    the claims were routed on (its ``key_numbers`` and ``conclusion`` are quoted)."""
    texts = pd.DataFrame([_claim_row_texts(c, study_results)
                          for c in routes.to_dict("records")],
                         columns=["key_numbers", "conclusion", "reason"], index=routes.index)
    return pd.concat([routes.drop(columns="details"), texts], axis=1)[CLAIM_COLUMNS]


def sensitivity_for_claims(
    claims: pd.DataFrame,
    studies: pd.DataFrame,
    *,
    study_results: pd.DataFrame | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Every claim with the sensitivity analyses of the study results behind it, in words.

    :func:`matstats.audit.routing.route_claims` (rules there), written out by :func:`claim_texts`.

    Parameters
    ----------
    claims : DataFrame
        As returned by :func:`matstats.load_claims`.
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    study_results : DataFrame, optional
        Output of :func:`sensitivity_for_studies`; computed (with ``**kwargs``) if not
        given.
    **kwargs
        Passed to :func:`sensitivity_for_studies`.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in input order, with the columns :data:`CLAIM_COLUMNS`: those of
        :func:`~matstats.audit.routing.route_claims` without ``details``, plus ``key_numbers``,
        ``conclusion`` and ``reason`` (why no analysis applies; empty otherwise).

    Examples
    --------
    >>> import matstats
    >>> out = sensitivity_for_claims(matstats.load_claims(), matstats.load_studies(),
    ...                              rng=1, n_draws=500)
    >>> "survey_bounds" in set(out["analysis"])
    True
    """
    res = sensitivity_for_studies(studies, **kwargs) if study_results is None else study_results
    return claim_texts(routing.route_claims(claims, studies, study_routes=res), res)
