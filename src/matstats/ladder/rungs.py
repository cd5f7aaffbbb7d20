"""The control ladder: mat effects pooled by control type and the expected effect against a sham.

Every effect size is a standardized mean difference (Hedges' g) oriented by
:func:`matstats.vocab.benefit_sign`: a **positive g means the mat did better** than its
control (:data:`matstats.vocab.SIGN_CONVENTION`). Its words are :mod:`matstats.narrative.ladder`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from matstats import literature
from matstats._core import checks as _checks
from matstats.literature import Prior
from matstats.meta import meta_analysis
from matstats.evidence.study_effects import MatEffects, study_effect_sizes
from matstats.vocab import RUNG_LABELS, RUNGS

__all__ = [
    "funnel_diagnostics",
    "inference_rows",
    "ladder_table",
    "manual_acupressure_points",
    "offset_priors_frame",
    "pooled_by_control",
    "select_one_per_study",
    "sham_offset",
]

def inference_rows(effects: pd.DataFrame | MatEffects) -> pd.DataFrame:
    """The effect rows whose result is our reading of the source, not its statement.

    The ``inference`` rows of :func:`matstats.evidence.study_effects.study_effect_sizes`
    (``value_status=unverified``, notes starting ``INFERENCE:``).

    Returns
    -------
    DataFrame
        ``study_id``, ``device_group``, ``contrast``, ``control_class``, ``outcome_measure``,
        ``method``, ``yi``, ``bound_side``, ``bound_value``, ``line`` of those rows.

    Examples
    --------
    >>> sorted(set(inference_rows(study_effect_sizes())["study_id"]))
    ['hohmann2012_lbp', 'hohmann2012_neck', 'purepong_thesis_backrest']
    """
    if isinstance(effects, MatEffects):
        effects = effects.effects
    cols = ["study_id", "device_group", "contrast", "control_class", "outcome_measure",
            "method", "yi", "bound_side", "bound_value", "line"]
    return effects.loc[effects["inference"].astype(bool), cols].reset_index(drop=True)


def manual_acupressure_points(studies: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
    """Point estimates of manual (finger/point) acupressure against sham points.

    Manual acupressure is not a mat and is never pooled with mats; its sham-controlled point
    estimates are shown beside the ladder because they are the only sham-controlled points in
    the data (e.g. Chen 2019, Kessler distress one month after the intervention). Keyword
    arguments go to :func:`matstats.evidence.study_effects.study_effect_sizes`.

    Returns
    -------
    DataFrame
        The ``effects`` rows with ``device_group="manual_acupressure"``, ``control_class="sham"``
        and a point estimate (``pooled_eligible``).

    Examples
    --------
    >>> pts = manual_acupressure_points()
    >>> pts.loc[pts["study_id"] == "chen2019_manual_sleep", "outcome_measure"].tolist()
    ['kessler_distress']
    """
    eff = study_effect_sizes(studies, include_devices=("manual_acupressure",), **kwargs).effects
    keep = ((eff["device_group"] == "manual_acupressure") & (eff["control_class"] == "sham")
            & eff["pooled_eligible"])
    return eff[keep].reset_index(drop=True)


# ------------------------------------------------------------------------ pooling by control type


def select_one_per_study(
    effects: pd.DataFrame | MatEffects, *, domains: Sequence[str] = ("pain",)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pick one pooled-eligible effect per study in the given outcome domains.

    Within a study the first row in file order whose ``method`` is ``from_means_sd`` is
    preferred, then ``reported_smd``, then the p-value routes. Every row not chosen is
    returned in the second frame with ``reason``.

    Returns
    -------
    (chosen, not_chosen) : tuple of DataFrame
        ``chosen`` has the columns of ``effects``; ``not_chosen`` has ``study_id``,
        ``contrast``, ``outcome_measure``, ``timepoint_weeks``, ``method``, ``reason``.

    Examples
    --------
    >>> chosen, _ = select_one_per_study(study_effect_sizes().effects)
    >>> chosen["study_id"].is_unique
    True
    """
    if isinstance(effects, MatEffects):
        effects = effects.effects
    rank = {"from_means_sd": 0, "reported_smd": 1, "from_p_equal_arms": 2, "from_p_arm_sizes": 2}
    chosen_idx = []
    skipped = []
    domains = tuple(domains)
    for _, grp in effects.groupby("study_id", sort=False):
        candidates = []
        for idx, r in grp.iterrows():
            if r["outcome_domain"] not in domains:
                reason = f"outcome domain {r['outcome_domain']!r} not in {list(domains)}"
            elif not r["pooled_eligible"]:
                reason = "bound only, not a point estimate"
            else:
                candidates.append((rank.get(r["method"], 3), idx))
                continue
            skipped.append((idx, reason))
        if candidates:
            best = min(candidates)[1]
            chosen_idx.append(best)
            skipped.extend((idx, "another outcome/timepoint of the same study used (one "
                                 "effect per study)") for _, idx in candidates if idx != best)
    chosen = effects.loc[chosen_idx]
    cols = ["study_id", "contrast", "outcome_measure", "timepoint_weeks", "method"]
    not_chosen = effects.loc[[i for i, _ in skipped], cols].copy()
    not_chosen["reason"] = [r for _, r in skipped]
    return chosen.reset_index(drop=True), not_chosen.reset_index(drop=True)


def pooled_by_control(
    effects: pd.DataFrame | MatEffects,
    *,
    domains: Sequence[str] = ("pain",),
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
) -> pd.DataFrame:
    """Pool the mat effect sizes by rung of the control ladder.

    One effect per study is used (:func:`select_one_per_study`). With k >= 2 studies on a
    rung the random-effects model of :func:`matstats.meta_analysis` is fitted; with k = 1
    the single study is shown as it is; with k = 0 the rung is listed with NaNs so that a
    missing rung (e.g. no mat-vs-sham trial with results) stays visible. Backrest rows are
    pooled separately (``device_group="backrest"``) and never mixed with mats.

    Parameters
    ----------
    effects : DataFrame or MatEffects
        Output of :func:`matstats.evidence.study_effects.study_effect_sizes`.
    domains : sequence of str
        Outcome domains to include (default pain only).
    method, test, level
        Passed to :func:`matstats.meta_analysis`.

    Returns
    -------
    DataFrame
        One row per (device_group, control_class) with columns ``device_group``,
        ``control_class``, ``rung`` (display label), ``k``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high`` (NaN for k < 3: with two studies a
        prediction interval is no prediction), ``tau2``, ``i2``, ``model``
        (``"REML random effects"``, ``"single study (k=1)"`` or ``"no study (k=0)"``),
        ``study_ids`` (``;``-separated) and ``uses_unverified`` (any pooled input rests on
        unverified or derived values).

    Examples
    --------
    >>> pooled = pooled_by_control(study_effect_sizes())
    >>> pooled["control_class"].tolist()[:3]
    ['no_treatment', 'active', 'sham']
    """
    chosen, _ = select_one_per_study(effects, domains=domains)
    z = stats.norm.isf((1 - _checks.level(level)) / 2)
    rows = []
    groups = ["mat"] + sorted(set(chosen["device_group"]) - {"mat"})
    for dg in groups:
        for rung in RUNGS:
            sub = chosen[(chosen["device_group"] == dg) & (chosen["control_class"] == rung)]
            k = len(sub)
            if k == 0 and dg != "mat":
                continue  # non-mat devices: only the rungs they have
            rec = {
                "device_group": dg,
                "control_class": rung,
                "rung": RUNG_LABELS[rung],
                "k": k,
                "study_ids": ";".join(sub["study_id"]),
                "uses_unverified": bool(sub["uses_unverified"].any()) if k else False,
            }
            if k == 0:     # a number not set in rec is NaN in the frame
                rec["model"] = "no study (k=0)"
            elif k == 1:
                yi, vi = float(sub["yi"].iloc[0]), float(sub["vi"].iloc[0])
                se = math.sqrt(vi)
                rec.update(estimate=yi, se=se, ci_low=yi - z * se, ci_high=yi + z * se,
                           model="single study (k=1)")
            else:
                res = meta_analysis(sub["yi"].to_numpy(float), sub["vi"].to_numpy(float),
                                    method=method, test=test, level=level)
                rec.update(estimate=res.estimate, se=res.se, ci_low=res.ci_low,
                           ci_high=res.ci_high, tau2=res.tau2, i2=res.i2,
                           model=f"{method} random effects")
                if k >= 3:
                    rec.update(pi_low=res.pi_low, pi_high=res.pi_high)
            rows.append(rec)
    cols = ["device_group", "control_class", "rung", "k", "estimate", "se", "ci_low", "ci_high",
            "pi_low", "pi_high", "tau2", "i2", "model", "study_ids", "uses_unverified"]
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------ sham offsets from published ladders

#: Prior unit -> how an offset acts on the open-control effect.
OFFSET_FORMS = {"sd": "difference", "share": "ratio"}


def _offset_priors(priors: Sequence[Prior] | None, name: str = "priors") -> tuple[Prior, ...]:
    priors = literature.OFFSET_PRIORS if priors is None else tuple(priors)
    if not priors:
        raise ValueError(f"{name} must hold at least one offset prior, got none")
    for p in priors:
        if not isinstance(p, Prior):
            raise ValueError(f"{name} must be matstats.literature.Prior objects, got {p!r}")
        _checks.one_of(f"unit of offset prior {p.name!r}", p.unit, OFFSET_FORMS)
    return priors


def offset_priors_frame(priors: Sequence[Prior] | None = None) -> pd.DataFrame:
    """The sham offset priors as a table.

    Parameters
    ----------
    priors : sequence of Prior, optional
        Default :data:`matstats.literature.OFFSET_PRIORS`; each with unit ``"sd"`` (a
        difference) or ``"share"`` (a ratio).

    Returns
    -------
    pandas.DataFrame
        One row per prior: ``name``, ``form`` (``difference``: expected vs sham = open
        effect - ``mean``; ``ratio``: open effect x ``mean``), ``mean``, ``se`` (standard
        deviation of the prior: for :data:`matstats.literature.OFFSET_PRIORS` the predictive SD
        for a new kind of sham, not the standard error of the pooled mean), ``source`` and
        ``se_basis`` (how the spread was obtained).

    Examples
    --------
    >>> offset_priors_frame()["name"].iloc[0]
    'physical_sham_vs_none'
    """
    return pd.DataFrame([{"name": p.name, "form": OFFSET_FORMS[p.unit], "mean": p.mean,
                          "se": p.sd, "source": p.source, "se_basis": p.basis}
                         for p in _offset_priors(priors)])


def _expected_normal(open_effect: float, open_se: float, pr: Prior) -> tuple[float, float]:
    if pr.unit == "sd":  # difference: exact
        return open_effect - pr.mean, math.hypot(open_se, pr.sd)
    # ratio: delta method for a product of independent normals plus the exact
    # product-variance term se_a^2 se_b^2
    est = open_effect * pr.mean
    se = math.sqrt((pr.mean * open_se) ** 2 + (open_effect * pr.sd) ** 2 + (open_se * pr.sd) ** 2)
    return est, se


def sham_offset(
    open_effect: float,
    open_se: float,
    *,
    priors: Sequence[Prior] | None = None,
    method: str = "normal",
    level: float = 0.95,
    n_draws: int = 200_000,
    rng=None,
) -> pd.DataFrame:
    """Expected mat-vs-sham effect from an open-control effect and published offsets.

    For a prior in SD units (a difference) the expected effect is ``open_effect - offset``;
    for a prior in shares (a ratio) it is ``open_effect * share``. The open effect and the
    offset are taken as independent.

    Parameters
    ----------
    open_effect, open_se : float
        Mat vs no treatment / waiting list (SMD, positive = mat better) and its SE.
    priors : sequence of Prior, optional
        Default :data:`matstats.literature.OFFSET_PRIORS`.
    method : {"normal", "monte_carlo"}
        ``normal``: SE by the delta method (exact for differences), CI = est +- z * se.
        ``monte_carlo``: ``n_draws`` joint draws; the estimate is the mean of the draws
        and the CI their equal-tailed percentiles.
    level : float
        Confidence level.
    n_draws : int
        Number of Monte Carlo draws (>= 1000).
    rng : None, int or numpy.random.Generator
        Seed or generator for ``monte_carlo``.

    Returns
    -------
    pandas.DataFrame
        One row per prior: ``prior``, ``form`` (``difference`` or ``ratio``), ``offset``
        (prior mean), ``offset_se`` (prior SD), ``open_effect``, ``open_se``, ``expected``,
        ``se``, ``ci_low``, ``ci_high``, ``p_positive`` (probability under the normal model,
        or share of draws, with expected > 0), ``method``, ``source``, ``se_basis``.

    Examples
    --------
    >>> out = sham_offset(0.75, 0.33)
    >>> round(float(out.loc[0, "expected"]), 2)  # 0.75 - 0.21 (physical sham)
    0.54
    """
    open_effect = _checks.finite("open_effect", open_effect)
    open_se = _checks.positive("open_se", open_se, allow_zero=True)
    _checks.one_of("method", method, ("normal", "monte_carlo"))
    level = _checks.level(level)
    priors = _offset_priors(priors)
    n_draws = _checks.integer("n_draws", n_draws, minimum=1000, whole_float=True)
    z = stats.norm.isf((1 - level) / 2)
    gen = _checks.rng(rng)
    rows = []
    for pr in priors:
        if method == "normal":
            est, se = _expected_normal(open_effect, open_se, pr)
            lo, hi = est - z * se, est + z * se
            p_pos = float(stats.norm.sf(0, loc=est, scale=se)) if se > 0 else float(est > 0)
        else:
            a = gen.normal(open_effect, open_se, size=n_draws)
            b = pr.sample(gen, n_draws)
            draws = a - b if pr.unit == "sd" else a * b
            est, se = float(draws.mean()), float(draws.std(ddof=1))
            lo, hi = (float(v) for v in np.quantile(draws, [(1 - level) / 2, (1 + level) / 2]))
            p_pos = float(np.mean(draws > 0))
        rows.append({
            "prior": pr.name, "form": OFFSET_FORMS[pr.unit], "offset": pr.mean,
            "offset_se": pr.sd, "open_effect": open_effect, "open_se": open_se,
            "expected": est, "se": se, "ci_low": lo, "ci_high": hi, "p_positive": p_pos,
            "method": method, "source": pr.source, "se_basis": pr.basis,
        })
    return pd.DataFrame(rows)


# ------------------------------------------------- the points of the ladder, and funnel asymmetry

#: Published acupuncture ladder shown as a reference series: Vickers et al. Arch Intern Med
#: 2012;172:1444-53 (IPD, 29 RCTs), back/neck pain, acupuncture vs no acupuncture 0.55 SD
#: and vs sham 0.23 SD.
_REFERENCE_LADDER = {
    "series": "acupuncture IPD, back/neck pain (Vickers 2012)",
    "no_treatment": 0.55,
    "sham": 0.23,
}


def ladder_table(pooled: pd.DataFrame, expected: pd.DataFrame | None = None,
                 *, device_group: str = "mat", reference: bool = True,
                 other_points: pd.DataFrame | None = None) -> pd.DataFrame:
    """Assemble the points of the control ladder for plotting.

    Parameters
    ----------
    pooled : DataFrame
        Output of :func:`pooled_by_control`.
    expected : DataFrame, optional
        Output of :func:`sham_offset`; each prior becomes an ``expected`` point on the
        sham rung.
    device_group : str
        Which device group of ``pooled`` to show as the observed series.
    reference : bool
        Add the published acupuncture IPD ladder (Vickers et al. 2012, reported
        without CIs) as a reference.
    other_points : DataFrame, optional
        Single effect rows of another device to show at their rung, never pooled (e.g.
        :func:`manual_acupressure_points`); kind ``other_device``.

    Returns
    -------
    DataFrame
        Columns ``series``, ``kind`` (``observed``, ``expected``, ``reference`` or
        ``other_device``),
        ``control_class``, ``rung``, ``position`` (0 = no treatment, 1 = active,
        2 = sham), ``estimate``, ``ci_low``, ``ci_high``, ``k`` (NaN for expected and
        reference rows), ``label``.

    Examples
    --------
    >>> pooled = pooled_by_control(study_effect_sizes())
    >>> sorted(set(ladder_table(pooled)["kind"]))
    ['observed', 'reference']
    """
    rows = []

    def point(series, kind, rung, estimate, ci_low, ci_high, k, label):
        rows.append((series, kind, rung, RUNG_LABELS[rung], RUNGS.index(rung), estimate, ci_low,
                     ci_high, k, label))

    for _, r in pooled[pooled["device_group"] == device_group].iterrows():
        point(f"{device_group} trials (observed)", "observed", r["control_class"],
              r["estimate"], r["ci_low"], r["ci_high"], float(r["k"]),
              f"k={int(r['k'])}" + (f": {r['study_ids']}" if r["k"] else ""))
    for _, r in (expected if expected is not None else pd.DataFrame()).iterrows():
        point(f"expected vs sham ({r['prior']})", "expected", "sham", r["expected"],
              r["ci_low"], r["ci_high"], math.nan, str(r["prior"]))
    for _, r in (other_points if other_points is not None else pd.DataFrame()).iterrows():
        tp = "" if pd.isna(r["timepoint_weeks"]) else f" {r['timepoint_weeks']:g}w"
        point(f"{r['device_group']} (not a mat, not pooled)", "other_device",
              r["control_class"], r["yi"], r["ci_low"], r["ci_high"], 1.0,
              f"{r['study_id']}: {r['outcome_measure']}{tp}")
    for rung in ("no_treatment", "sham") if reference else ():
        point(_REFERENCE_LADDER["series"], "reference", rung, _REFERENCE_LADDER[rung],
              math.nan, math.nan, math.nan, "published reference (no CI in our notes)")
    cols = ["series", "kind", "control_class", "rung", "position", "estimate", "ci_low",
            "ci_high", "k", "label"]
    return pd.DataFrame(rows, columns=cols)


def funnel_diagnostics(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    min_k: int = 10,
    method: str = "REML",
) -> pd.DataFrame:
    """Egger test and trim-and-fill where k allows, with a note on what k means.

    Egger's test and trim-and-fill need at least 3 studies to run at all; the usual advice
    (Sterne et al. BMJ 2011;343:d4002) is not to interpret funnel asymmetry with fewer
    than 10 studies. Both facts are reported in ``note``.

    Parameters
    ----------
    yi, vi : array-like
        One effect per study.
    min_k : int
        k below which the results are flagged as not interpretable.
    method : str
        Heterogeneity estimator for trim-and-fill.

    Returns
    -------
    DataFrame
        One row: ``k``, ``egger_pval``, ``egger_limit_estimate``, ``trimfill_k0``,
        ``trimfill_side``, ``trimfill_estimate``, ``trimfill_ci_low``,
        ``trimfill_ci_high``, ``interpretable`` (k >= min_k), ``note``.

    Examples
    --------
    >>> funnel_diagnostics([0.5, 0.8], [0.1, 0.1])["interpretable"].item()
    False
    """
    y = _checks.vector("yi", yi)
    v = _checks.vector("vi", vi, size=y.size)
    min_k = _checks.integer("min_k", min_k, minimum=3)
    k = int(y.size)
    nan = math.nan
    rec = {"k": k, "egger_pval": nan, "egger_limit_estimate": nan, "trimfill_k0": nan,
           "trimfill_side": "", "trimfill_estimate": nan, "trimfill_ci_low": nan,
           "trimfill_ci_high": nan, "interpretable": k >= min_k}
    if k < 3:
        rec["note"] = (f"k = {k}: Egger's test and trim-and-fill need at least 3 studies; "
                       f"not run (and fewer than {min_k} studies would not be interpretable "
                       "anyway)")
    else:
        fit = meta_analysis(y, v, method=method)
        eg, tf = fit.egger_test(), fit.trim_and_fill()
        rec.update(egger_pval=eg.pval, egger_limit_estimate=eg.limit_estimate,
                   trimfill_k0=tf.k0, trimfill_side=tf.side,
                   trimfill_estimate=tf.model.estimate, trimfill_ci_low=tf.model.ci_low,
                   trimfill_ci_high=tf.model.ci_high)
        rec["note"] = (
            f"k = {k}: run, but with fewer than {min_k} studies funnel asymmetry tests have "
            "too little power to mean anything" if k < min_k else f"k = {k}"
        )
    return pd.DataFrame([rec])
