"""The placebo/expectation sensitivity results of study rows and claims, in words.

:func:`sensitivity_for_studies` and :func:`sensitivity_for_claims` write out the numbers and
codes of :mod:`matstats.audit.routing` by dispatch tables keyed on the analysis and reason
codes (:data:`REASONS`), so code that decides never reads a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from matstats.audit import routing
from matstats.literature import MCID_UNITS, NO_TREATMENT_SHARE, STRIJKERS_PLACEBO
from matstats.vocab import _word

__all__ = [
    "STUDY_COLUMNS",
    "REASONS",
    "sensitivity_for_studies",
    "sensitivity_for_claims",
    "study_texts",
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
        "{domain}, measure {measure}): the effect cannot be oriented"),
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


def _reason(code: str, **fields: object) -> str:
    """The sentence of a reason code, its fields filled in."""
    return REASONS[code].format(**{**_DEFAULT_FIELDS, **fields})


def _bias_verdict(p: float) -> str:
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


def _percent_list(values: Iterable[float]) -> str:
    return ", ".join(f"{p:g}%" for p in values)


# ------------------------------------------------------------------------ the tables in words
#: Columns of :func:`sensitivity_for_studies`, in order.
STUDY_COLUMNS = [
    "line", "study_id", "contrast", "outcome_domain", "outcome_measure", "timepoint_weeks",
    "design", "control", "blinding", "analysis", "effect", "effect_unit", "tipping_bias_sd",
    "p_bias_exceeds", "p_specific_gt_mcid", "worst_case", "key_numbers", "conclusion", "reason",
    "reason_code",
]
_CLAIM_COLUMNS = [
    "claim_id", "line", "claimed_design", "claimed_figure", "study_ids", "analysis",
    "matched_results", "key_numbers", "conclusion", "reason", "reason_code",
]

_Texts = Callable[[Mapping, Mapping], str]


def _tipping_numbers(r: Mapping, d: Mapping) -> str:
    return (f"g {r['effect']:.2f} (SE {d['se']:.2f}, {d['method']}); bias to null "
            f"{d['bias_null_sd']:.2f} SD, to non-significance {r['tipping_bias_sd']:.2f} SD, "
            f"below MCID ({d['mcid_sd']:.2f} SD) {d['bias_mcid_sd']:.2f} SD; "
            f"P(bias > non-significance tipping) = {r['p_bias_exceeds']:.2f}; "
            f"P(bias-adjusted effect > MCID) = {r['p_specific_gt_mcid']:.2f}")


def _tipping_conclusion(r: Mapping, d: Mapping) -> str:
    if r["tipping_bias_sd"] <= 0:
        return ("Not statistically significant even before any bias adjustment "
                f"({_who(d['unblinded'])}).")
    return (f"Significance would vanish with an additive bias of {r['tipping_bias_sd']:.2f} SD;"
            f" {_bias_verdict(r['p_bias_exceeds'])} ({_who(d['unblinded'])}). Chance that the "
            f"bias-adjusted effect exceeds the MCID: {r['p_specific_gt_mcid']:.0%}.")


def _bound_numbers(r: Mapping, d: Mapping) -> str:
    bound, p_null = r["effect"], r["p_bias_exceeds"]
    return (f"g > {bound:.2f} (bound only); bias to null > {bound:.2f} SD; "
            f"P(bias > {bound:.2f}) <= {p_null:.2f}")


def _bound_conclusion(r: Mapping, d: Mapping) -> str:
    return (f"Only a bound is known: a bias of more than {r['effect']:.2f} SD is needed to null "
            f"the point estimate; {_bias_verdict(r['p_bias_exceeds'])} ({_who(d['unblinded'])})."
            " The significance tipping point needs the per-arm numbers.")


def _decomposition_numbers(r: Mapping, d: Mapping) -> str:
    mean, lo, hi = d["specific"]
    return (f"observed {r['effect']:.1f}; natural history {d['natural_history']:.1f}, placebo "
            f"{d['placebo']:.1f} (SD {d['sd']:.1f} derived from the CI and n={d['n']}); "
            f"remaining {mean:.1f} (95% {lo:.1f} to {hi:.1f}); MCID {d['mcid']:g} "
            f"({MCID_UNITS[r['outcome_measure']][1]}); "
            f"P(remaining > MCID) = {r['p_specific_gt_mcid']:.2f}, "
            f"P(remaining > 0) = {d['p_positive']:.2f}")


def _decomposition_conclusion(r: Mapping, d: Mapping) -> str:
    observed, mcid, rest, p = r["effect"], d["mcid"], d["specific"][0], r["p_specific_gt_mcid"]
    if observed < mcid:
        return (f"The uncontrolled change of {observed:.1f} points is already below the MCID of "
                f"{mcid:g}; after natural history and placebo the remaining specific part is "
                f"about {rest:.1f} points (P > MCID {p:.0%}).")
    return (f"After natural history and placebo the remaining specific part is about "
            f"{rest:.1f} points; P(> MCID {mcid:g}) = {p:.0%}.")


def _survey_numbers(r: Mapping, d: Mapping) -> str:
    b = d["bounds"]
    return (f"{b.responders}/{b.respondents} respondents = {b.p_respondents:.1%} (95% CI "
            f"{b.ci_low:.1%} to {b.ci_high:.1%}); response {b.response_rate:.0%} of {b.users}; "
            f"all users: {b.worst_case:.1%} to {b.best_case:.1%}; selection tipping response "
            f"rate vs {d['benchmark_p0']:.0%} benchmark: {d['benchmark_tipping_q']:.0%}")


def _survey_conclusion(r: Mapping, d: Mapping) -> str:
    return (f"Uncontrolled self-report: even if every non-respondent had no benefit, "
            f"{r['worst_case']:.0%} of users would report it, above the "
            f"{d['benchmark_p0']:.0%} placebo-arm response rate, but with no control arm the "
            "survey cannot separate the mat from placebo, expectation, natural history or "
            "selective reporting.")


def _proportion_numbers(r: Mapping, d: Mapping) -> str:
    k, n = d["events"], d["n"]
    return f"{k}/{n} = {k / n:.1%} (exact 95% CI {d['ci_low']:.1%} to {d['ci_high']:.1%})"


#: analysis code -> (effect_unit, key_numbers, conclusion) of a study row with an analysis.
_STUDY_TEXTS: dict[str, tuple[str, _Texts, _Texts]] = {
    "tipping_point": ("SD (Hedges g, + favours intervention)", _tipping_numbers,
                      _tipping_conclusion),
    "tipping_point_bound": ("SD (lower bound on g from the reported p-value)", _bound_numbers,
                            _bound_conclusion),
    "decomposition": ("{outcome_measure} points improvement", _decomposition_numbers,
                      _decomposition_conclusion),
    "survey_bounds": ("proportion", _survey_numbers, _survey_conclusion),
    "proportion_ci": ("proportion", _proportion_numbers,
                      lambda r, d: "Harm base rate, not an improvement: no placebo "
                                   "sensitivity analysis applies."),
}
#: reason code -> the format fields of its sentence, from the row.
_REASON_FIELDS: dict[str, Callable[[Mapping], dict]] = {
    "not_verifiable": lambda r: {"design": _word("design", r["design"])},
    "no_orientation": lambda r: {"domain": _word("outcome_domain", r["outcome_domain"]),
                                 "measure": _word("outcome_measure", r["outcome_measure"])},
}


def _study_row_texts(r: Mapping) -> dict:
    """``effect_unit``, ``key_numbers``, ``conclusion`` and ``reason`` of one routed row."""
    d = r["details"]
    if r["analysis"] in _STUDY_TEXTS:
        unit, key_numbers, conclusion = _STUDY_TEXTS[r["analysis"]]
        text = conclusion(r, d)
        if d.get("manual_acupressure"):
            text += " (Manual acupressure, not mat evidence.)"
        return dict(effect_unit=unit.format(**r), key_numbers=key_numbers(r, d),
                    conclusion=text, reason="")
    code = r["reason_code"]
    why = _reason(code, **_REASON_FIELDS.get(code, lambda r: {})(r))
    key_numbers = f"|g| < {d['upper_bound']:.2f} (bound only)" if "upper_bound" in d else ""
    return dict(effect_unit="", key_numbers=key_numbers,
                conclusion="No analysis applies: " + why + ".", reason=why)


def study_texts(routes: pd.DataFrame) -> pd.DataFrame:
    """The output of :func:`matstats.audit.routing.route_studies` in words: the table of
    :func:`sensitivity_for_studies`."""
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


def _survey_claim_conclusion(d: Mapping, studies: pd.DataFrame) -> str:
    """Conclusion of a claim whose percentage comes from an uncontrolled survey."""
    text = ("The percentage comes from an uncontrolled user survey, not from a randomized "
            "comparison. " if d["controlled_claim"] else
            "The percentage comes from an uncontrolled user survey. ")
    text += (f"Under worst-case non-response it falls to {d['worst_case']:.0%} of users, and "
             "without a control arm none of it can be attributed to the mat rather than "
             "placebo, expectation, natural history or selective reporting.")
    if d["trial_row"] is not None:
        t = studies.loc[d["trial_row"]]
        text += (f" The linked controlled trial result ({t['study_id']}, "
                 f"{t['outcome_measure']}): {t['conclusion']}")
    if d["unmatched"]:
        text += " Figure(s) with no matching survey item: " + _percent_list(d["unmatched"]) + "."
    return text


def _claim_row_texts(c: Mapping, studies: pd.DataFrame) -> dict:
    """``key_numbers``, ``conclusion`` and ``reason`` of one routed claim; ``studies`` is the
    study table in words the claim was routed on."""
    d = c["details"]
    rows = studies.loc[d.get("rows", [])]
    if c["analysis"] == "survey_bounds":
        return dict(
            key_numbers=" || ".join(f"{r.outcome_measure}: {r.key_numbers}"
                                    for r in rows.itertuples()),
            conclusion=_survey_claim_conclusion(d, studies), reason="")
    if c["analysis"] in ("tipping_point", "decomposition"):
        first = rows.iloc[0]
        where = f"{first['study_id']}, {first['outcome_measure']}"
        text = f"Behind the claim ({where}): {first['conclusion']}"
        if d["claimed"]:
            text += (" The claimed figure(s) " + _percent_list(d["claimed"])
                     + " match no result of the linked studies.")
        return dict(key_numbers=f"{first['study_id']} {first['outcome_measure']}: "
                                f"{first['key_numbers']}", conclusion=text, reason="")
    if c["analysis"] == "no_difference":
        return dict(key_numbers=f"{len(rows)} linked controlled result(s) with no "
                                "between-group difference",
                    conclusion="The linked controlled result(s) ("
                    + ";".join(sorted(set(rows["study_id"]))) + ") found no difference "
                    "between the mat and its control, so improvements within the mat group are "
                    "matched by the control group (natural history, placebo, regression to the "
                    "mean); there is no mat-specific effect to defend against bias.", reason="")
    fields = ({"reasons": "; ".join(sorted(set(rows["reason"]) - {""}))}
              if c["reason_code"] == "no_usable_result" else {})
    why = _reason(c["reason_code"], **fields)
    return dict(key_numbers="", conclusion="No analysis applies: " + why + ".", reason=why)


def sensitivity_for_claims(
    claims: pd.DataFrame,
    studies: pd.DataFrame,
    *,
    study_results: pd.DataFrame | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Every claim with the sensitivity analyses of the study results behind it, in words.

    :func:`matstats.audit.routing.route_claims` (rules there), in words.

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
        One row per claim, in input order: the columns of
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
    routes = routing.route_claims(claims, studies, study_routes=res)
    texts = pd.DataFrame([_claim_row_texts(c, res) for c in routes.to_dict("records")],
                         columns=["key_numbers", "conclusion", "reason"], index=routes.index)
    return pd.concat([routes.drop(columns="details"), texts], axis=1)[_CLAIM_COLUMNS]
