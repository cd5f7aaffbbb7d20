"""Which sensitivity analysis answers which study result and which claim of this project.

The analyses are generic (:mod:`matstats.sensitivity`); this module knows the columns of
``studies.csv`` and ``claims.csv`` and routes each row by rule tables on codes, never on the
wording of a sentence. It returns numbers and codes only (an ``analysis`` code, a
``reason_code`` and, in ``details``, the numbers each sentence needs); the words are
:mod:`matstats.narrative.sensitivity`.

Study rows (:func:`route_studies`), first matching rule wins:

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
from statsmodels.stats.proportion import proportion_confint

from matstats import vocab
from matstats._core import cells as _cells
from matstats._core import checks as _checks
from matstats.ladder import pooled_by_control
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
from matstats.sensitivity import (
    Decomposition,
    bias_adjusted_effect,
    decompose_improvement,
    survey_bounds,
    tipping_point,
)
from matstats.evidence.study_effects import study_effect_sizes

__all__ = [
    "route_studies",
    "route_claims",
    "study_decompositions",
    "bias_adjusted_mat_effects",
]

_Z975 = float(stats.norm.ppf(0.975))

#: Columns of :func:`route_studies`, in order.
STUDY_ROUTE_COLUMNS = [
    "line", "study_id", "contrast", "outcome_domain", "outcome_measure", "timepoint_weeks",
    "design", "control", "blinding", "analysis", "effect", "tipping_bias_sd", "p_bias_exceeds",
    "p_specific_gt_mcid", "worst_case", "reason_code", "details",
]
#: Columns of :func:`route_claims`, in order.
CLAIM_ROUTE_COLUMNS = [
    "claim_id", "line", "claimed_design", "claimed_figure", "study_ids", "analysis",
    "matched_results", "reason_code", "details",
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


_num = _cells.row_number  # (row, column) -> float, NaN when missing
_txt = _cells.row_text  # (row, column) -> text, '' when missing


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
        raise ValueError("effects must be a DataFrame or an evidence.study_effects.MatEffects, "
                         f"got {type(effects).__name__}")
    return effects


def _reported_smd_effect(row: Mapping) -> pd.Series | None:
    """A row's own SMD as ``yi`` (oriented by :func:`vocab.benefit_sign`), ``sei`` (from the
    95% CI) and ``method``; None without an SMD, both CI limits and a better direction."""
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
    return dict(
        analysis="tipping_point", effect=g, tipping_bias_sd=bias["non_significance"],
        p_bias_exceeds=p_sig, p_specific_gt_mcid=float(adj["p_true_gt_mcid"].iloc[0]),
        details=dict(se=s, method=_txt(eff, "method"), bias_null_sd=bias["null"],
                     bias_mcid_sd=bias["below_mcid"], mcid_sd=mcid, unblinded=unbl),
    )


def _route_between(row: Mapping, eff: pd.Series | None, prior: Prior) -> dict:
    if eff is not None and math.isfinite(_num(eff, "yi")) and math.isfinite(_num(eff, "sei")):
        return _route_sized(row, eff, prior)
    side = _txt(eff, "bound_side") if eff is not None else ""
    if side == "lower":
        bound = _num(eff, "bound_value")
        unbl = vocab.participants_unblinded(_txt(row, "control"), _txt(row, "blinding"))
        return dict(analysis="tipping_point_bound", effect=bound, p_bias_exceeds=prior.sf(bound),
                    details=dict(unblinded=unbl))
    if _txt(row, "result_direction") == "no_difference" or _txt(row, "significant") == "no":
        out = dict(reason_code="no_difference")
        if side == "upper_abs":
            out["details"] = dict(upper_bound=_num(eff, "bound_value"))
        return out
    if (_txt(row, "estimate_type") == "smd" and not math.isnan(_num(row, "estimate"))
            and math.isnan(vocab.benefit_sign(row))):
        return dict(reason_code="no_orientation")
    return dict(reason_code="no_effect_size")


def _between_groups(row: Mapping, ctx: _Context) -> dict:
    eff = ctx.effects.get(_key(row))
    if eff is None:
        eff = _reported_smd_effect(row)
    out = _route_between(row, eff, ctx.prior)
    if _txt(row, "device") == "manual_acupressure" and "analysis" in out:
        out["details"]["manual_acupressure"] = True
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
    share = NO_TREATMENT_SHARE.get(domain, NO_TREATMENT_SHARE["pain"])
    pri: dict[str, Prior] = {"natural_history_share": Prior(
        "natural_history_share", "beta", (share, 0.10), "share",
        f"Pedersen et al. Pain 2024: no-treatment share {share:.0%} for {domain} "
        "(spread sd 0.10 [assumption])")}
    if domain == "disability":
        pri["placebo_sd"] = _PLACEBO_FUNCTION
    dec = decompose_improvement(observed, sd=sd, mcid=MCID_UNITS[measure][0], priors=pri,
                                rng=rng, n_draws=n_draws)
    return dec, observed, sd, int(n)


def _within_group(row: Mapping, ctx: _Context) -> dict:
    got = _decompose_row(row, ctx.rng, ctx.n_draws)
    if got is None:
        if _txt(row, "result_direction") == "no_difference" or _txt(row, "significant") == "no":
            return dict(reason_code="no_within_change")
        if _txt(row, "design") in _CONTROLLED_DESIGNS:
            return dict(reason_code="within_only_controlled")
        return dict(reason_code="no_magnitude")
    dec, observed, sd, n = got
    sm = dec.summary.set_index("component")
    spec = sm.loc["specific"]
    return dict(
        analysis="decomposition", effect=observed, p_specific_gt_mcid=dec.p_exceeds_mcid,
        details=dict(natural_history=sm.loc["natural_history", "mean"],
                     placebo=sm.loc["placebo", "mean"], sd=sd, n=n,
                     specific=(spec["mean"], spec["ci_low"], spec["ci_high"]),
                     mcid=dec.mcid, p_positive=dec.p_positive),
    )


def _survey(row: Mapping, ctx: _Context) -> dict:
    users = _num(row, "n_enrolled")
    sb = survey_bounds(responders=int(_num(row, "responders")),
                       respondents=int(_num(row, "denominator")),
                       users=int(users) if math.isfinite(users) else None)
    tab = sb.to_frame()
    lit = tab[tab["kind"] == "literature"]
    top = lit.loc[lit["p0"].idxmax()]
    return dict(analysis="survey_bounds", effect=sb.p_respondents, worst_case=sb.worst_case,
                details=dict(bounds=sb, benchmark_p0=top["p0"],
                             benchmark_tipping_q=top["selection_tipping_q"]))


def _event_count(row: Mapping, ctx: _Context) -> dict:
    k, n = int(_num(row, "responders")), int(_num(row, "denominator"))
    lo, hi = (float(x) for x in proportion_confint(k, n, method="beta"))
    return dict(analysis="proportion_ci", effect=k / n,
                details=dict(events=k, n=n, ci_low=lo, ci_high=hi))


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
     lambda r, c: dict(reason_code="not_verifiable")),
    (lambda r: _txt(r, "design") == "survey" and _has_counts(r), _survey),
    (lambda r: _txt(r, "outcome_domain") == "adverse_events" and _has_counts(r), _event_count),
    (_is("comparison", "between_groups"), _between_groups),
    (_is("comparison", "within_group"), _within_group),
    (_is("comparison", "unclear"), _unclear),
    (lambda r: True, lambda r, c: dict(reason_code="no_comparison")),
)


def _study_route(row: Mapping, ctx: _Context) -> dict:
    out = {c: math.nan for c in STUDY_ROUTE_COLUMNS}
    for c in ("study_id", "contrast", "outcome_domain", "outcome_measure", "design", "control",
              "blinding"):
        out[c] = _txt(row, c)
    out.update(line=row.get("line"), timepoint_weeks=_num(row, "timepoint_weeks"),
               analysis="none", reason_code="", details={})
    route = next(route for applies, route in _STUDY_RULES if applies(row))
    out.update(route(row, ctx))
    return out


def route_studies(
    studies: pd.DataFrame,
    *,
    effects: object = None,
    prior: Prior | None = None,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Route every study result row to the relevant sensitivity analysis: numbers and codes.

    The rules are the module's table (first match wins); a between-group effect is that of
    :func:`matstats.evidence.study_effects.study_effect_sizes`, else the row's own SMD and CI
    (oriented by :func:`matstats.vocab.benefit_sign`). The same table in words is
    :func:`matstats.narrative.sensitivity.sensitivity_for_studies`.

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies` (needs ``line``).
    effects : DataFrame or evidence.study_effects.MatEffects, optional
        Effect sizes; default computed from ``studies`` with
        :func:`matstats.evidence.study_effects.study_effect_sizes`.
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
        ``none``), ``effect`` (oriented: positive = benefit), ``tipping_bias_sd`` (bias to
        non-significance), ``p_bias_exceeds`` (prior probability of a bias at least that
        large), ``p_specific_gt_mcid``, ``worst_case`` (survey), ``reason_code`` (why no
        analysis applies, a key of :data:`matstats.narrative.sensitivity.REASONS`; empty
        when an analysis ran) and ``details``, a dict of the further numbers of the row's
        analysis:

        - ``tipping_point``: ``se``, ``method`` (how the effect size was obtained),
          ``bias_null_sd``, ``bias_mcid_sd``, ``mcid_sd``, ``unblinded`` and, for manual
          acupressure, ``manual_acupressure``;
        - ``tipping_point_bound``: ``unblinded`` (and ``manual_acupressure``);
        - ``decomposition``: ``natural_history``, ``placebo`` (means), ``sd`` (of the change,
          derived from the CI), ``n``, ``specific`` (mean, 2.5%, 97.5%), ``mcid`` (points),
          ``p_positive``;
        - ``survey_bounds``: ``bounds`` (the :class:`~matstats.sensitivity.SurveyBounds`),
          ``benchmark_p0`` (highest literature benchmark) and ``benchmark_tipping_q``;
        - ``proportion_ci``: ``events``, ``n``, ``ci_low``, ``ci_high``;
        - reason ``no_difference`` with a bound on |g|: ``upper_bound``.

    Examples
    --------
    >>> import matstats
    >>> res = route_studies(matstats.load_studies(), rng=1, n_draws=500)
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
    rows = [_study_route(r.to_dict(), ctx) for _, r in studies.iterrows()]
    return pd.DataFrame(rows, columns=STUDY_ROUTE_COLUMNS).astype({"line": "Int64"})


def study_decompositions(
    studies: pd.DataFrame,
    *,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> dict[str, Decomposition]:
    """Decompositions of every within-group mean change that allows one.

    Same rule and priors as :func:`route_studies` (SD of change derived from the CI and n;
    Pedersen 2024 no-treatment share for the outcome domain).

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
def _matched(rows: pd.DataFrame) -> str:
    return ";".join(f"{r.study_id}:{r.outcome_measure}" for r in rows.itertuples())


def _survey_claim(claim: Mapping, linked: pd.DataFrame, pcts: list[float]) -> dict | None:
    surveys = linked[linked["analysis"] == "survey_bounds"]

    def hit(p: float, e: float) -> bool:
        return round(100 * e) == round(p)

    matched = surveys[[any(hit(p, e) for p in pcts) for e in surveys["effect"]]]
    if matched.empty:
        return None
    trials = linked[linked["analysis"].isin(["tipping_point", "tipping_point_bound"])
                    & (linked["outcome_domain"] == "pain")]
    return dict(
        analysis="survey_bounds", matched_results=_matched(matched),
        details=dict(
            rows=list(matched.index),
            controlled_claim=_txt(claim, "claimed_design") in _CONTROLLED_DESIGNS,
            worst_case=matched["worst_case"].min(),
            trial_row=None if trials.empty else trials.sort_values("line").index[0],
            unmatched=[p for p in pcts if not any(hit(p, e) for e in surveys["effect"])]),
    )


def _result_claim(claim: Mapping, linked: pd.DataFrame, pcts: list[float]) -> dict | None:
    usable = linked[linked["analysis"].isin(_ANALYSED)]
    if usable.empty:
        return None
    usable = usable.assign(_pain=(usable["outcome_domain"] != "pain").astype(int))
    ordered = usable.sort_values(["_pain", "line"])
    first = ordered.iloc[0]
    return dict(
        analysis="decomposition" if first["analysis"] == "decomposition" else "tipping_point",
        matched_results=_matched(ordered), details=dict(rows=list(ordered.index), claimed=pcts),
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
                details=dict(rows=list(nd.index)))


def _claim_route(claim: Mapping, results: pd.DataFrame, studies: pd.DataFrame) -> dict:
    ids = list(_cells.split_list(claim.get("study_ids")))
    out = {"claim_id": _txt(claim, "claim_id"), "line": claim.get("line"),
           "claimed_design": _txt(claim, "claimed_design"),
           "claimed_figure": _txt(claim, "claimed_figure"), "study_ids": ";".join(ids),
           "analysis": "none", "matched_results": "", "reason_code": "", "details": {}}
    linked = results[results["study_id"].isin(ids)]
    pcts = _cells.percentages(out["claimed_figure"])
    found = None
    if ids and len(linked):
        found = (_survey_claim(claim, linked, pcts) or _result_claim(claim, linked, pcts)
                 or _no_difference_claim(claim, linked, studies, ids))
    if found is not None:
        out.update(found)
    elif not ids:
        out["reason_code"] = "no_study"
    elif len(linked):
        out.update(reason_code="no_usable_result", details=dict(rows=list(linked.index)))
    else:
        out["reason_code"] = "no_rows"
    return out


def route_claims(
    claims: pd.DataFrame,
    studies: pd.DataFrame,
    *,
    study_routes: pd.DataFrame | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Route every claim to the sensitivity analyses of the study results behind it.

    Rules, in order: a claimed percentage (parsed by :func:`matstats._core.cells.percentages`:
    "81-98%", "81–98%" and "81—98%" all name 81 and 98) that matches, to the whole percent,
    a survey proportion of a linked study -> that row's survey bounds; otherwise linked
    result rows with a tipping point, bound or decomposition -> those results (pain
    outcomes first); linked controlled results with no between-group difference (reason
    code ``no_difference``) -> that finding; otherwise none, with a reason code. The same
    table in words is :func:`matstats.narrative.sensitivity.sensitivity_for_claims`.

    Parameters
    ----------
    claims : DataFrame
        As returned by :func:`matstats.load_claims` (needs ``claim_id``,
        ``claimed_figure``, ``claimed_design``, ``study_ids``, ``line``).
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    study_routes : DataFrame, optional
        Output of :func:`route_studies` (or of its narrative form, which has the same
        columns and more); computed (with ``**kwargs``) if not given.
    **kwargs
        Passed to :func:`route_studies`.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in input order, with columns ``claim_id``, ``line``,
        ``claimed_design``, ``claimed_figure``, ``study_ids``, ``analysis``
        (``survey_bounds``, ``tipping_point``, ``decomposition``, ``no_difference`` or
        ``none``), ``matched_results`` (``;``-separated ``study_id:outcome_measure`` of the
        study rows used), ``reason_code`` (``no_study``, ``no_usable_result``, ``no_rows``
        or empty) and ``details``: ``rows``, the index labels in ``study_routes`` of the
        study rows behind the claim (matched, used or linked), and for ``survey_bounds``
        ``controlled_claim``, ``worst_case`` (lowest of the matched rows), ``trial_row``
        (index of the first linked pain trial with a tipping point, or None) and
        ``unmatched`` (claimed percentages with no survey item); for a result, ``claimed``
        (the claimed percentages).

    Examples
    --------
    >>> import matstats
    >>> out = route_claims(matstats.load_claims(), matstats.load_studies(),
    ...                    rng=1, n_draws=500)
    >>> "survey_bounds" in set(out["analysis"])
    True
    """
    for name, df in (("claims", claims), ("studies", studies)):
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"{name} must be a DataFrame, got {type(df).__name__}")
    res = route_studies(studies, **kwargs) if study_routes is None else study_routes
    rows = [_claim_route(c.to_dict(), res, studies) for _, c in claims.iterrows()]
    return pd.DataFrame(rows, columns=CLAIM_ROUTE_COLUMNS).astype({"line": "Int64"})


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
        One row per pooled row and prior: the pooled columns, ``prior_name`` and the
        columns added by :func:`~matstats.sensitivity.bias_adjusted_effect`.

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
