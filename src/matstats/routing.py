"""Which sensitivity analysis answers which study result and which claim of this project.

The analyses themselves are generic (:mod:`matstats.sensitivity`); this module knows the
columns and labels of ``studies.csv`` and ``claims.csv`` and routes each row by rule tables
on codes (labels, analysis codes, reason codes), never on the wording of a sentence. The
sentences come from :mod:`matstats.narrative.sensitivity`.

Study rows (:func:`sensitivity_for_studies`), first matching rule wins:

=====================  ==================================================  ====================
rule                   condition                                           analysis
=====================  ==================================================  ====================
no results             ``value_status`` no_results or a registered design  none (``no_results``)
not verifiable         design ``review`` or ``vendor_report``              none (``not_verifiable``)
survey                 design ``survey`` with responders and denominator   ``survey_bounds``
harm count             adverse events with responders and denominator      ``proportion_ci``
between groups         ``comparison`` between_groups                       ``tipping_point``/bound
within group           ``comparison`` within_group                         ``decomposition``
unclear                ``comparison`` unclear                              as between, if sized
otherwise              --                                                  none (``no_comparison``)
=====================  ==================================================  ====================

Effects are oriented by :func:`matstats.vocab.benefit_sign` (positive = the intervention
did better), the same rule the control ladder uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from matstats import _cells, _checks, vocab
from matstats.ladder import pooled_by_control
from matstats.study_effects import study_effect_sizes
from matstats.literature import (
    MCID_SD_OTHER,
    MCID_SD_PAIN,
    MCID_UNITS,
    NO_TREATMENT_SHARE,
    NRS_SD,
    STRIJKERS_PLACEBO,
    Prior,
    sensitivity_priors,
)
from matstats.narrative import sensitivity as words
from matstats.sensitivity import (
    Decomposition,
    bias_adjusted_effect,
    binomial_ci,
    decompose_improvement,
    survey_bounds,
    tipping_point,
)

__all__ = [
    "sensitivity_for_studies",
    "sensitivity_for_claims",
    "study_decompositions",
    "bias_adjusted_mat_effects",
    "reported_smd_effect",
]

_Z975 = float(stats.norm.ppf(0.975))

STUDY_COLUMNS = [
    "line", "study_id", "contrast", "outcome_domain", "outcome_measure", "timepoint_weeks",
    "design", "control", "blinding", "analysis", "effect", "effect_unit", "tipping_bias_sd",
    "p_bias_exceeds", "p_specific_gt_mcid", "worst_case", "key_numbers", "conclusion", "reason",
    "reason_code",
]
CLAIM_COLUMNS = [
    "claim_id", "line", "claimed_design", "claimed_figure", "study_ids", "analysis",
    "matched_results", "key_numbers", "conclusion", "reason", "reason_code",
]
#: Designs whose rows are not verifiable results with numbers.
_NOT_VERIFIABLE_DESIGNS = frozenset({"review", "vendor_report"})
#: Claimed designs that promise a controlled comparison.
_CONTROLLED_DESIGNS = frozenset({"rct", "controlled_trial"})
#: Result directions that say a between-group difference was found.
_DIRECTIONAL = frozenset({"favours_mat", "favours_control", "mixed"})
_ANALYSED = ("tipping_point", "tipping_point_bound", "decomposition")
#: Strijkers et al. Pain 2021: placebo vs no intervention on function, SMD 0.19; its spread
#: is borrowed from the pain estimate (:data:`matstats.literature.STRIJKERS_PLACEBO`).
_PLACEBO_FUNCTION = Prior(
    "placebo_sd_function", "normal", (0.19, STRIJKERS_PLACEBO.sd), "sd",
    "Strijkers et al. Pain 2021: placebo vs no intervention, function SMD 0.19; spread "
    "borrowed from the pain CI [assumption]")


@dataclass(frozen=True)
class _Context:
    effects: Mapping[tuple, pd.Series]
    prior: Prior
    rng: np.random.Generator
    n_draws: int


def _num(row: Mapping, col: str) -> float:
    return _cells.row_number(row, col)


def _txt(row: Mapping, col: str) -> str:
    return _cells.row_text(row, col)


def _key(row: Mapping) -> tuple:
    tp = _num(row, "timepoint_weeks")
    return (row.get("study_id"), row.get("contrast"), row.get("outcome_measure"),
            None if math.isnan(tp) else tp)


# ------------------------------------------------------------------------ effect sizes
def _effects_table(studies: pd.DataFrame, effects: object) -> pd.DataFrame:
    if effects is None:
        effects = study_effect_sizes(studies)
    if hasattr(effects, "effects"):
        effects = effects.effects
    if not isinstance(effects, pd.DataFrame):
        raise ValueError("effects must be a DataFrame or a ladder.MatEffects, "
                         f"got {type(effects).__name__}")
    return effects


def reported_smd_effect(row: Mapping) -> pd.Series | None:
    """A row's own reported SMD with its 95% CI, oriented by :func:`vocab.benefit_sign`.

    Returns
    -------
    pandas.Series or None
        ``yi`` (positive = the intervention did better), ``sei`` (from the CI width) and
        ``method``; ``None`` when the row reports no SMD with both CI limits or when the
        outcome does not say which direction is better.

    Examples
    --------
    A pain SMD of -1.11 (less pain with the intervention) is a benefit of +1.11:

    >>> e = reported_smd_effect({"estimate_type": "smd", "estimate": -1.11, "ci_low": -1.61,
    ...                          "ci_high": -0.61, "outcome_domain": "pain"})
    >>> round(float(e["yi"]), 2), round(float(e["sei"]), 3)
    (1.11, 0.255)
    """
    est, lo, hi = _num(row, "estimate"), _num(row, "ci_low"), _num(row, "ci_high")
    sign = vocab.benefit_sign(row)
    if _txt(row, "estimate_type") != "smd" or not all(map(math.isfinite, (est, lo, hi, sign))):
        return None
    return pd.Series({"yi": sign * est, "sei": (hi - lo) / (2 * _Z975),
                      "method": "reported SMD and CI"})


# ------------------------------------------------------------------------ study routes
def _route_sized(row: Mapping, eff: pd.Series, prior: Prior) -> dict:
    """Tipping point and bias-adjusted P(> MCID) of an effect with a standard error."""
    domain = _txt(row, "outcome_domain")
    mcid = MCID_SD_PAIN if domain == "pain" else MCID_SD_OTHER
    unbl = vocab.participants_unblinded(_txt(row, "control"), _txt(row, "blinding"))
    g, s = float(eff["yi"]), float(eff["sei"])
    tp = tipping_point(g, s, sd=NRS_SD if domain == "pain" else None, mcid=mcid, prior=prior)
    bias = dict(zip(tp["target"], tp["bias_sd"], strict=True))
    p_sig = float(tp.loc[tp["target"] == "non_significance", "p_bias_exceeds"].iloc[0])
    adj = bias_adjusted_effect(
        pd.DataFrame({"estimate": [g], "se": [s],
                      "participants": ["unblinded" if unbl else "blinded"]}),
        prior=prior, mcid=mcid, control_col="participants", unblinded_controls=["unblinded"])
    p_mcid = float(adj["p_true_gt_mcid"].iloc[0])
    b_sig = bias["non_significance"]
    return dict(
        analysis="tipping_point", effect=g,
        effect_unit="SD (Hedges g, + favours intervention)",
        tipping_bias_sd=b_sig, p_bias_exceeds=p_sig, p_specific_gt_mcid=p_mcid,
        key_numbers=words.tipping_key_numbers(g, s, _txt(eff, "method"), bias["null"], b_sig,
                                              mcid, bias["below_mcid"], p_sig, p_mcid),
        conclusion=words.tipping_conclusion(b_sig, p_sig, p_mcid, unbl),
    )


def _route_between(row: Mapping, eff: pd.Series | None, prior: Prior) -> dict:
    if eff is not None and math.isfinite(_num(eff, "yi")) and math.isfinite(_num(eff, "sei")):
        return _route_sized(row, eff, prior)
    side = _txt(eff, "bound_side") if eff is not None else ""
    if side == "lower":
        bound = _num(eff, "bound_value")
        p_null = prior.sf(bound)
        unbl = vocab.participants_unblinded(_txt(row, "control"), _txt(row, "blinding"))
        return dict(analysis="tipping_point_bound", effect=bound,
                    effect_unit="SD (lower bound on g from the reported p-value)",
                    p_bias_exceeds=p_null, key_numbers=words.bound_key_numbers(bound, p_null),
                    conclusion=words.bound_conclusion(bound, p_null, unbl))
    if _txt(row, "result_direction") == "no_difference" or _txt(row, "significant") == "no":
        out = dict(reason_code="no_difference")
        if side == "upper_abs":
            out["key_numbers"] = words.upper_bound_key_numbers(_num(eff, "bound_value"))
        return out
    if (_txt(row, "estimate_type") == "smd" and not math.isnan(_num(row, "estimate"))
            and math.isnan(vocab.benefit_sign(row))):
        return dict(reason_code="no_orientation",
                    reason_fields=dict(domain=_txt(row, "outcome_domain"),
                                       measure=_txt(row, "outcome_measure")))
    return dict(reason_code="no_effect_size")


def _between_groups(row: Mapping, ctx: _Context) -> dict:
    eff = ctx.effects.get(_key(row))
    if eff is None:
        eff = reported_smd_effect(row)
    out = _route_between(row, eff, ctx.prior)
    if _txt(row, "device") == "manual_acupressure" and out.get("conclusion"):
        out["conclusion"] += words.MANUAL_ACUPRESSURE_NOTE
    return out


def _decompose_row(row: Mapping, rng: np.random.Generator, n_draws: int):
    """Decomposition of a within-group mean change with CI on a scale with a known MCID."""
    domain, measure = _txt(row, "outcome_domain"), _txt(row, "outcome_measure")
    est, lo, hi = _num(row, "estimate"), _num(row, "ci_low"), _num(row, "ci_high")
    n = _num(row, "n_analysed")
    n = _num(row, "n_treatment") if not math.isfinite(n) else n
    if not (_txt(row, "estimate_type") == "mean_change" and measure in MCID_UNITS
            and all(map(math.isfinite, (est, lo, hi, n)))):
        return None
    observed = -est if domain in vocab.LOWER_BETTER_DOMAINS else est
    sd = (hi - lo) / (2 * _Z975) * math.sqrt(n)  # SD of change, DERIVED from the CI
    mcid, mcid_src = MCID_UNITS[measure]
    share = NO_TREATMENT_SHARE.get(domain, NO_TREATMENT_SHARE["pain"])
    pri: dict[str, Prior] = {"natural_history_share": Prior(
        "natural_history_share", "beta", (share, 0.10), "share",
        f"Pedersen et al. Pain 2024: no-treatment share {share:.0%} for {domain} "
        "(spread sd 0.10 [assumption])")}
    if domain == "disability":
        pri["placebo_sd"] = _PLACEBO_FUNCTION
    dec = decompose_improvement(observed, sd=sd, mcid=mcid, priors=pri, rng=rng,
                                n_draws=n_draws)
    return dec, observed, sd, int(n), mcid, mcid_src


def _within_group(row: Mapping, ctx: _Context) -> dict:
    got = _decompose_row(row, ctx.rng, ctx.n_draws)
    if got is None:
        if _txt(row, "result_direction") == "no_difference" or _txt(row, "significant") == "no":
            return dict(reason_code="no_within_change")
        if _txt(row, "design") in _CONTROLLED_DESIGNS:
            return dict(reason_code="within_only_controlled")
        return dict(reason_code="no_magnitude")
    dec, observed, sd, n, mcid, mcid_src = got
    sm = dec.summary.set_index("component")
    spec = sm.loc["specific"]
    return dict(
        analysis="decomposition", effect=observed,
        effect_unit=f"{_txt(row, 'outcome_measure')} points improvement",
        p_specific_gt_mcid=dec.p_exceeds_mcid,
        key_numbers=words.decomposition_key_numbers(
            observed, sm.loc["natural_history", "mean"], sm.loc["placebo", "mean"], sd, n,
            (spec["mean"], spec["ci_low"], spec["ci_high"]), mcid, mcid_src,
            dec.p_exceeds_mcid, dec.p_positive),
        conclusion=words.decomposition_conclusion(observed, mcid, spec["mean"],
                                                  dec.p_exceeds_mcid),
    )


def _survey(row: Mapping, ctx: _Context) -> dict:
    users = _num(row, "n_enrolled")
    sb = survey_bounds(responders=int(_num(row, "responders")),
                       respondents=int(_num(row, "denominator")),
                       users=int(users) if math.isfinite(users) else None)
    tab = sb.to_frame()
    lit = tab[tab["kind"] == "literature"]
    top = lit.loc[lit["p0"].idxmax()]
    return dict(analysis="survey_bounds", effect=sb.p_respondents, effect_unit="proportion",
                worst_case=sb.worst_case,
                key_numbers=words.survey_key_numbers(sb, top["p0"], top["selection_tipping_q"]),
                conclusion=words.survey_conclusion(sb.worst_case, top["p0"]))


def _event_count(row: Mapping, ctx: _Context) -> dict:
    k, n = int(_num(row, "responders")), int(_num(row, "denominator"))
    lo, hi = binomial_ci(k, n)
    return dict(analysis="proportion_ci", effect=k / n, effect_unit="proportion",
                key_numbers=words.proportion_key_numbers(k, n, lo, hi),
                conclusion=words.PROPORTION_CONCLUSION)


def _unclear(row: Mapping, ctx: _Context) -> dict:
    eff = ctx.effects.get(_key(row))
    routed = _route_between(row, eff, ctx.prior) if eff is not None else {}
    return routed if "analysis" in routed else dict(reason_code="unclear_no_numbers")


def _has_counts(row: Mapping) -> bool:
    return math.isfinite(_num(row, "responders")) and _num(row, "denominator") >= 1


def _is(column: str, *values: str) -> Callable[[Mapping], bool]:
    return lambda row: _txt(row, column) in values


#: (condition, route) in order; a route returns the analysis columns or a ``reason_code``.
_STUDY_RULES: tuple[tuple[Callable[[Mapping], bool], Callable[[Mapping, _Context], dict]], ...] = (
    (lambda r: (_txt(r, "value_status") == "no_results"
                or _txt(r, "design") in vocab.NO_RESULT_DESIGNS),
     lambda r, c: dict(reason_code="no_results")),
    (lambda r: _txt(r, "design") in _NOT_VERIFIABLE_DESIGNS,
     lambda r, c: dict(reason_code="not_verifiable",
                       reason_fields=dict(design=_txt(r, "design").replace("_", " ")))),
    (lambda r: _txt(r, "design") == "survey" and _has_counts(r), _survey),
    (lambda r: _txt(r, "outcome_domain") == "adverse_events" and _has_counts(r), _event_count),
    (_is("comparison", "between_groups"), _between_groups),
    (_is("comparison", "within_group"), _within_group),
    (_is("comparison", "unclear"), _unclear),
    (lambda r: True, lambda r, c: dict(reason_code="no_comparison")),
)


def _study_result(row: Mapping, ctx: _Context) -> dict:
    out = {c: math.nan for c in STUDY_COLUMNS}
    for c in ("study_id", "contrast", "outcome_domain", "outcome_measure", "design", "control",
              "blinding"):
        out[c] = _txt(row, c)
    out.update(line=row.get("line"), timepoint_weeks=_num(row, "timepoint_weeks"),
               analysis="none", effect_unit="", key_numbers="", conclusion="", reason="",
               reason_code="")
    route = next(route for applies, route in _STUDY_RULES if applies(row))
    found = route(row, ctx)
    fields = found.pop("reason_fields", {})
    out.update(found)
    if out["reason_code"]:
        out["reason"] = words.reason(out["reason_code"], **fields)
    if out["analysis"] == "none" and not out["conclusion"]:
        out["conclusion"] = words.no_analysis(out["reason"])
    return out


def sensitivity_for_studies(
    studies: pd.DataFrame,
    *,
    effects: object = None,
    prior: Prior | None = None,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Route every study result row to the relevant sensitivity analysis.

    Rules, in order (see the module docstring): registered trial without results / review /
    vendor report -> none; survey proportion -> :func:`~matstats.sensitivity.survey_bounds`
    (users = ``n_enrolled``); adverse-event count -> exact CI; between-group result ->
    :func:`~matstats.sensitivity.tipping_point` on the effect size from
    :func:`matstats.study_effects.study_effect_sizes` (or the row's own SMD and CI, oriented by
    :func:`matstats.vocab.benefit_sign`) plus the bias-adjusted probability of exceeding the
    MCID; within-group mean change with CI -> :func:`~matstats.sensitivity.
    decompose_improvement`; anything else -> none, with the reason.

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies` (needs ``line``).
    effects : DataFrame or ladder.MatEffects, optional
        Effect sizes; default computed from ``studies`` with
        :func:`matstats.study_effects.study_effect_sizes`.
    prior : Prior, optional
        Unblinding/expectation bias prior (SD); default ``unblinding_sd`` of
        :func:`matstats.literature.sensitivity_priors`.
    n_draws : int
        Monte Carlo draws per decomposition (>= 100).
    rng : int, Generator or None
        Seed for the decompositions.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in input order, with columns ``line``, ``study_id``,
        ``contrast``, ``outcome_domain``, ``outcome_measure``, ``timepoint_weeks``,
        ``design``, ``control``, ``blinding``, ``analysis`` (``tipping_point``,
        ``tipping_point_bound``, ``decomposition``, ``survey_bounds``, ``proportion_ci`` or
        ``none``), ``effect`` (oriented: positive = benefit), ``effect_unit``,
        ``tipping_bias_sd`` (bias to non-significance), ``p_bias_exceeds`` (prior
        probability of a bias at least that large), ``p_specific_gt_mcid``, ``worst_case``
        (survey), ``key_numbers``, ``conclusion``, ``reason`` (why no analysis applies;
        empty otherwise) and ``reason_code`` (the key of ``reason`` in
        :data:`matstats.narrative.sensitivity.REASONS`; empty when an analysis ran).

    Examples
    --------
    >>> import matstats
    >>> res = sensitivity_for_studies(matstats.load_studies(), rng=1, n_draws=500)
    >>> "tipping_point" in set(res["analysis"])
    True
    """
    if not isinstance(studies, pd.DataFrame):
        raise ValueError("studies must be a DataFrame (matstats.load_studies()), "
                         f"got {type(studies).__name__}")
    pri = sensitivity_priors()["unblinding_sd"] if prior is None else prior
    eff = _effects_table(studies, effects)
    lookup = {_key(e): e for _, e in eff.iterrows()}
    ctx = _Context(lookup, pri, _checks.rng(rng), _checks.integer("n_draws", n_draws, 100))
    rows = [_study_result(r.to_dict(), ctx) for _, r in studies.iterrows()]
    res = pd.DataFrame(rows, columns=STUDY_COLUMNS)
    res["line"] = res["line"].astype("Int64")
    return res


def study_decompositions(
    studies: pd.DataFrame,
    *,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> dict[str, Decomposition]:
    """Decompositions of every within-group mean change that allows one.

    Same rule and priors as :func:`sensitivity_for_studies` (uncontrolled mean change with a
    95% CI on a scale with a known MCID; SD of change derived from the CI and n; Pedersen
    2024 no-treatment share for the outcome domain).

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    n_draws : int
        Monte Carlo draws per decomposition (>= 100).
    rng : int, Generator or None
        Seed.

    Returns
    -------
    dict of str to Decomposition
        Keyed ``"<study_id> <outcome_measure> week <timepoint>"`` in row order.

    Examples
    --------
    >>> import matstats
    >>> list(study_decompositions(matstats.load_studies(), n_draws=200, rng=0))
    ['saha2016_lbp odi week 2', 'saha2016_lbp odi week 14']
    """
    gen = _checks.rng(rng)
    n_draws = _checks.integer("n_draws", n_draws, 100)
    out: dict[str, Decomposition] = {}
    for _, r in studies.iterrows():
        row = r.to_dict()
        if _txt(row, "comparison") != "within_group":
            continue
        got = _decompose_row(row, gen, n_draws)
        if got is not None:
            tp = _num(row, "timepoint_weeks")
            out[f"{_txt(row, 'study_id')} {_txt(row, 'outcome_measure')} week {tp:g}"] = got[0]
    return out


# ------------------------------------------------------------------------ claims
def _rct_note(linked: pd.DataFrame) -> str:
    tp = linked[linked["analysis"].isin(["tipping_point", "tipping_point_bound"])
                & (linked["outcome_domain"] == "pain")]
    if tp.empty:
        return ""
    first = tp.sort_values("line").iloc[0]
    return words.linked_trial_note(first["study_id"], first["outcome_measure"],
                                   first["conclusion"])


def _matched(rows: pd.DataFrame) -> str:
    return ";".join(f"{r.study_id}:{r.outcome_measure}" for r in rows.itertuples())


def _survey_claim(claim: Mapping, linked: pd.DataFrame, pcts: list[float]) -> dict | None:
    surveys = linked[linked["analysis"] == "survey_bounds"]

    def hit(p: float, e: float) -> bool:
        return round(100 * e) == round(p)

    matched = surveys[[any(hit(p, e) for p in pcts) for e in surveys["effect"]]]
    if matched.empty:
        return None
    unmatched = [p for p in pcts if not any(hit(p, e) for e in surveys["effect"])]
    return dict(
        analysis="survey_bounds", matched_results=_matched(matched),
        key_numbers=" || ".join(f"{r.outcome_measure}: {r.key_numbers}"
                                for r in matched.itertuples()),
        conclusion=words.claim_survey_conclusion(
            _txt(claim, "claimed_design") in _CONTROLLED_DESIGNS,
            matched["worst_case"].min(), _rct_note(linked), unmatched),
    )


def _result_claim(claim: Mapping, linked: pd.DataFrame, pcts: list[float]) -> dict | None:
    usable = linked[linked["analysis"].isin(_ANALYSED)]
    if usable.empty:
        return None
    usable = usable.assign(_pain=(usable["outcome_domain"] != "pain").astype(int))
    first = usable.sort_values(["_pain", "line"]).iloc[0]
    return dict(
        analysis="decomposition" if first["analysis"] == "decomposition" else "tipping_point",
        matched_results=_matched(usable.sort_values(["_pain", "line"])),
        key_numbers=f"{first['study_id']} {first['outcome_measure']}: {first['key_numbers']}",
        conclusion=words.claim_result_conclusion(first["study_id"], first["outcome_measure"],
                                                 first["conclusion"], pcts),
    )


def _no_difference_claim(claim: Mapping, linked: pd.DataFrame, studies: pd.DataFrame,
                         ids: list[str]) -> dict | None:
    nd = linked[linked["reason_code"] == "no_difference"]
    sub = studies[studies["study_id"].isin(ids)]
    directional = ((sub["comparison"] == "between_groups")
                   & sub["result_direction"].isin(_DIRECTIONAL)).any()
    if nd.empty or directional:
        return None
    return dict(analysis="no_difference", matched_results=_matched(nd),
                key_numbers=f"{len(nd)} linked controlled result(s) with no between-group "
                            "difference",
                conclusion=words.claim_no_difference_conclusion(nd["study_id"]))


def _claim_result(claim: Mapping, results: pd.DataFrame, studies: pd.DataFrame) -> dict:
    ids = list(_cells.split_list(claim.get("study_ids")))
    out = {"claim_id": _txt(claim, "claim_id"), "line": claim.get("line"),
           "claimed_design": _txt(claim, "claimed_design"),
           "claimed_figure": _txt(claim, "claimed_figure"), "study_ids": ";".join(ids),
           "analysis": "none", "matched_results": "", "key_numbers": "", "conclusion": "",
           "reason": "", "reason_code": ""}
    linked = results[results["study_id"].isin(ids)]
    pcts = _cells.percentages(out["claimed_figure"])
    found = None
    if ids and len(linked):
        found = (_survey_claim(claim, linked, pcts) or _result_claim(claim, linked, pcts)
                 or _no_difference_claim(claim, linked, studies, ids))
    if found is not None:
        out.update(found)
        return out
    if not ids:
        out["reason_code"], out["reason"] = "no_study", words.reason("no_study")
    elif len(linked):
        reasons = "; ".join(sorted(set(linked["reason"]) - {""}))
        out["reason_code"] = "no_usable_result"
        out["reason"] = words.reason("no_usable_result", reasons=reasons)
    else:
        out["reason_code"], out["reason"] = "no_rows", words.reason("no_rows")
    out["conclusion"] = words.no_analysis(out["reason"])
    return out


def sensitivity_for_claims(
    claims: pd.DataFrame,
    studies: pd.DataFrame,
    *,
    study_results: pd.DataFrame | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Route every claim to the sensitivity analyses of the study results behind it.

    Rules, in order: a claimed percentage (parsed by :func:`matstats._cells.percentages`:
    "81-98%", "81–98%" and "81—98%" all name 81 and 98) that matches, to the whole percent,
    a survey proportion of a linked study -> that row's survey bounds; otherwise linked
    result rows with a tipping point, bound or decomposition -> those results (pain
    outcomes first); linked controlled results with no between-group difference (reason
    code ``no_difference``) -> that finding; otherwise none, with the reason.

    Parameters
    ----------
    claims : DataFrame
        As returned by :func:`matstats.load_claims` (needs ``claim_id``,
        ``claimed_figure``, ``claimed_design``, ``study_ids``, ``line``).
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
        One row per claim, in input order, with columns ``claim_id``, ``line``,
        ``claimed_design``, ``claimed_figure``, ``study_ids``, ``analysis``
        (``survey_bounds``, ``tipping_point``, ``decomposition``, ``no_difference`` or
        ``none``), ``matched_results`` (``;``-separated ``study_id:outcome_measure`` of the
        study rows used), ``key_numbers``, ``conclusion``, ``reason`` (why no analysis
        applies; empty otherwise) and ``reason_code`` (``no_study``,
        ``no_usable_result``, ``no_rows`` or empty).

    Examples
    --------
    >>> import matstats
    >>> out = sensitivity_for_claims(matstats.load_claims(), matstats.load_studies(),
    ...                              rng=1, n_draws=500)
    >>> "survey_bounds" in set(out["analysis"])
    True
    """
    for name, df in (("claims", claims), ("studies", studies)):
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"{name} must be a DataFrame, got {type(df).__name__}")
    res = sensitivity_for_studies(studies, **kwargs) if study_results is None else study_results
    rows = [_claim_result(c.to_dict(), res, studies) for _, c in claims.iterrows()]
    df = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    df["line"] = df["line"].astype("Int64")
    return df


# ------------------------------------------------------------------------ pooled effects
def bias_adjusted_mat_effects(
    studies: pd.DataFrame,
    *,
    pooled: pd.DataFrame | None = None,
    priors: Sequence[str] = ("unblinding_sd", "unblinding_sd_hrobjartsson",
                             "unblinding_sd_metablind"),
    mcid: float = MCID_SD_PAIN,
) -> pd.DataFrame:
    """Pooled mat effects by control type (control ladder), adjusted by unblinding priors.

    Uses :func:`matstats.ladder.pooled_by_control` (pain, REML) unless ``pooled`` is given,
    then :func:`~matstats.sensitivity.bias_adjusted_effect` once per named prior.

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    pooled : DataFrame, optional
        Output of ``ladder.pooled_by_control`` (columns ``control_class``, ``estimate``,
        ``se``, ...).
    priors : sequence of str
        Keys of :func:`matstats.literature.sensitivity_priors` (normal priors).
    mcid : float
        MCID in SD units.

    Returns
    -------
    pandas.DataFrame
        The pooled columns plus ``prior_name`` and the columns added by
        :func:`~matstats.sensitivity.bias_adjusted_effect` (``bias_mean``, ``bias_sd``,
        ``estimate_adj``, ``se_adj``, ``ci_low_adj``, ``ci_high_adj``, ``p_true_gt_0``,
        ``p_true_gt_mcid``, ``adjustment``, ``prior_source``); one row per pooled row and
        prior.

    Examples
    --------
    >>> import matstats
    >>> adj = bias_adjusted_mat_effects(matstats.load_studies(), priors=["unblinding_sd"])
    >>> set(adj["prior_name"])
    {'unblinding_sd'}
    """
    if pooled is None:
        pooled = pooled_by_control(study_effect_sizes(studies))
    allp = sensitivity_priors()
    frames = []
    for name in priors:
        _checks.one_of("priors", name, sorted(allp))
        f = bias_adjusted_effect(pooled, prior=allp[name], mcid=mcid,
                                 control_col="control_class")
        f.insert(0, "prior_name", name)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
