"""The control ladder: mat effect sizes by control type and the expected effect against a sham.

Sign convention
---------------
Every standardized mean difference (Hedges' g) in this module is oriented so that a
**positive g means the mat did better** than its control (less pain, less disability,
less stress, or more of a good thing such as quality of life).

The module works on the tidy study table described in ``data/README.md`` (as returned
by :func:`matstats.load_studies`). It

1. turns every mat/backrest row that allows it into an effect size, saying how the
   effect size was obtained (``method``) and whether any input was unverified or derived
   (:func:`mat_effect_sizes`); rows that allow none are listed with a reason;
2. pools them by control type where k >= 2 (:func:`pooled_by_control`);
3. subtracts published sham-vs-no-treatment offsets from the open-control effect to get
   the effect a mat-vs-sham trial should expect (:func:`sham_offset`);
4. gives the per-arm sample size such a trial would need (:func:`sham_trial_sample_size`);
5. assembles the ladder (:func:`ladder_table`) and a plain-language summary computed from
   the results (:func:`ladder_conclusion`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from matstats import effects

SIGN_CONVENTION = "positive g = mat better than control (less pain/stress, more quality of life)"

#: devices that count as an acupressure mat for pooling
MAT_DEVICES = ("mat", "needle_pad")
#: devices shown on the ladder but never pooled with mats
SEPARATE_DEVICES = ("backrest",)

#: control label (data/README.md) -> rung of the ladder
CONTROL_CLASS = {
    "waitlist": "no_treatment",
    "no_treatment": "no_treatment",
    "active": "active",
    "add_on": "active",
    "sham": "sham",
}
#: rungs from least to most strict, with display labels
RUNGS = ("no_treatment", "active", "sham")
RUNG_LABELS = {
    "no_treatment": "no treatment / waiting list",
    "active": "active control / add-on",
    "sham": "sham",
}

# Outcome domains in which a lower score is the better result, and those where higher is
# better. Sleep is ambiguous (PSQI: lower better; a quality rating: higher better), so it
# needs an entry in ``higher_is_better`` keyed by outcome_measure.
_LOWER_BETTER_DOMAINS = frozenset(
    {"pain", "disability", "stress", "anxiety", "adverse_events", "medication"}
)
_HIGHER_BETTER_DOMAINS = frozenset({"qol", "wellbeing"})
_MEASURE_DIRECTION = {
    # pressure pain threshold / tolerance: a higher threshold is the better result
    "ppt": True,
    "ppt_max": True,
    "ppt_adjacent": True,
    "pain_threshold": True,
    "pain_tolerance": True,
    "psqi": False,
    "eq5d": True,
    "eq_5d": True,
}

#: between-group contrasts that are not device-vs-control comparisons
DEFAULT_EXCLUDED_CONTRASTS = {
    "randomized_vs_preference_backrest": "compares randomized and self-selected (preference) "
    "backrest users, not a device with a control",
}

_EFFECT_COLUMNS = [
    "study_id",
    "contrast",
    "device",
    "device_group",
    "control",
    "control_class",
    "outcome_domain",
    "outcome_measure",
    "timepoint_weeks",
    "n_treatment",
    "n_control",
    "yi",
    "vi",
    "sei",
    "ci_low",
    "ci_high",
    "bound_side",
    "bound_value",
    "method",
    "pooled_eligible",
    "uses_unverified",
    "note",
    "line",
]
_EXCLUDED_COLUMNS = [
    "study_id",
    "contrast",
    "device",
    "control",
    "outcome_domain",
    "outcome_measure",
    "timepoint_weeks",
    "reason",
    "line",
]


# ----------------------------------------------------------------------------------------
# small numeric helpers (closed forms; checked in tests/test_ladder.py)
# ----------------------------------------------------------------------------------------


def hedges_j(df: float) -> float:
    """Exact small-sample correction factor J(df) of Hedges (1981).

    Delegates to :func:`matstats.effects.hedges_correction` (metafor's factor for
    ``measure="SMD"``); kept as a scalar convenience for the ladder.
    """
    if not df > 1:
        raise ValueError(f"degrees of freedom must be > 1, got {df!r}")
    return float(effects.hedges_correction(df))


def _g_from_p(p: float, n1: float, n2: float) -> float:
    """|g| implied by an exact two-sided p of a two-sample t-test (via :func:`effects.smd_from_p`)."""
    return float(effects.smd_from_p(p, n1, n2)["yi"].iloc[0])


def _smd_variance(g: float, n1: float, n2: float) -> float:
    # large-sample variance of g, metafor's default for measure="SMD" (vtype="LS"); the same
    # expression effects.escalc uses, needed here for a g whose sign was set afterwards
    return 1.0 / n1 + 1.0 / n2 + g * g / (2.0 * (n1 + n2))


def _g_from_means(m1, s1, n1, m2, s2, n2) -> tuple[float, float]:
    """Hedges' g (treatment minus control, pooled SD) and its variance, via :func:`effects.escalc`."""
    r = effects.escalc("SMD", m1i=m1, sd1i=s1, n1i=n1, m2i=m2, sd2i=s2, n2i=n2).iloc[0]
    return float(r["yi"]), float(r["vi"])


# ----------------------------------------------------------------------------------------
# effect sizes per row
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatEffects:
    """Effect sizes for the mat study rows and the rows that allow none.

    Attributes
    ----------
    effects : pandas.DataFrame
        One row per study row that yields an effect size or a bound (columns documented
        in :func:`mat_effect_sizes`).
    excluded : pandas.DataFrame
        One row per study row that yields nothing, with ``reason``.
    sign_convention : str
        Direction of ``yi``.
    """

    effects: pd.DataFrame
    excluded: pd.DataFrame
    sign_convention: str = SIGN_CONVENTION

    def to_frame(self) -> pd.DataFrame:
        """Return ``effects`` (a copy)."""
        return self.effects.copy()


def _isna(x) -> bool:
    return x is None or (not isinstance(x, str) and bool(pd.isna(x)))


def _num(row: Mapping, col: str) -> float:
    v = row.get(col)
    if _isna(v):
        return math.nan
    return float(v)


def _text(row: Mapping, col: str) -> str:
    v = row.get(col)
    return "" if _isna(v) else str(v)


def _higher_is_better(row: Mapping, overrides: Mapping[str, bool]) -> bool | None:
    measure = _text(row, "outcome_measure")
    if measure in overrides:
        return bool(overrides[measure])
    if measure in _MEASURE_DIRECTION:
        return _MEASURE_DIRECTION[measure]
    domain = _text(row, "outcome_domain")
    if domain in _LOWER_BETTER_DOMAINS:
        return False
    if domain in _HIGHER_BETTER_DOMAINS:
        return True
    return None


def _unverified_note(row: Mapping, used: Sequence[str]) -> tuple[bool, str]:
    """Flag when any input used is unverified or derived."""
    parts = []
    vstat = _text(row, "value_status")
    nstat = _text(row, "n_status")
    if "values" in used and vstat in {"unverified", "derived"}:
        parts.append(f"effect inputs value_status={vstat}")
    if "n" in used and nstat in {"unverified", "derived"}:
        parts.append(f"arm sizes n_status={nstat}")
    derivation = _text(row, "derivation")
    if parts and derivation:
        parts.append(f"derivation: {derivation}")
    return bool(parts), "; ".join(parts)


def _arm_sizes(row: Mapping) -> tuple[float, float, str]:
    n1, n2 = _num(row, "n_treatment"), _num(row, "n_control")
    if not (math.isnan(n1) or math.isnan(n2)):
        return n1, n2, ""
    return math.nan, math.nan, "per-arm sizes (n_treatment, n_control) missing"


def mat_effect_sizes(
    studies: pd.DataFrame | None = None,
    *,
    level: float = 0.95,
    higher_is_better: Mapping[str, bool] | None = None,
    sig_alpha: float | None = 0.05,
    exclude_contrasts: Mapping[str, str] | None = None,
) -> MatEffects:
    """Effect size (Hedges' g, positive = mat better) for every mat study row that allows one.

    Rows are taken in file order. A row gives an effect size when it is a between-group
    comparison of a mat, needle pad or backrest against a control, and it reports either

    * per-arm means and SDs with per-arm sizes -> ``method="from_means_sd"`` (Hedges' g
      with the exact small-sample correction, pooled SD; the direction of benefit comes
      from the outcome, see ``higher_is_better``);
    * an exact two-sided p-value (``p_relation "="``) with per-arm sizes ->
      ``method="from_p_equal_arms"`` when the arms are equal or
      ``"from_p_arm_sizes"`` otherwise: t = qt(1 - p/2, n1 + n2 - 2),
      d = t * sqrt(1/n1 + 1/n2), g = J * d, sign from ``result_direction``. It assumes
      the authors used a two-sample t-test on the outcome (they may have used ANCOVA),
      which the note says;
    * a reported SMD with its 95% CI (``estimate_type "smd"``) -> ``"reported_smd"``,
      variance from the CI width;
    * an inequality p-value (``"<"`` or ``">"``) -> ``method="bound_only"``: ``yi`` is
      NaN, ``bound_side``/``bound_value`` hold the bound on g; never pooled.

    Everything else goes to ``excluded`` with the reason: manual acupressure (not a mat),
    no control group, within-group results (a pre-post CI such as Saha 2016's is not a
    between-group effect), no numeric between-group result, unknown arm sizes, unknown
    direction of benefit.

    Parameters
    ----------
    studies : DataFrame, optional
        Table in the ``data/README.md`` schema; default ``matstats.load_studies()``.
    level : float
        Confidence level of ``ci_low``/``ci_high`` (normal approximation, yi +- z * sei).
    higher_is_better : mapping, optional
        ``outcome_measure -> bool`` overrides for the direction of benefit (used only by
        the means/SD route).
    sig_alpha : float or None
        When a row reports only "significant" / "not significant" (``significant`` yes/no,
        no p-value), read it as p < ``sig_alpha`` / p > ``sig_alpha`` and give a bound
        (the note says so). None turns this off (such rows are then excluded).
    exclude_contrasts : mapping, optional
        ``contrast -> reason`` for between-group rows that do not compare a device with
        a control; default :data:`DEFAULT_EXCLUDED_CONTRASTS`.

    Returns
    -------
    MatEffects
        ``effects`` has the columns

        - ``study_id``, ``contrast``, ``device``, ``control``, ``outcome_domain``,
          ``outcome_measure``, ``timepoint_weeks``: copied from the study row;
        - ``device_group``: ``"mat"`` (mat, needle_pad) or ``"backrest"``;
        - ``control_class``: rung of the ladder, ``no_treatment`` (waitlist,
          no_treatment), ``active`` (active, add_on) or ``sham``;
        - ``n_treatment``, ``n_control``: arm sizes used;
        - ``yi``, ``vi``, ``sei``: Hedges' g (positive = mat better), its variance
          (1/n1 + 1/n2 + g^2 / (2 (n1 + n2))) and standard error; NaN for bounds;
        - ``ci_low``, ``ci_high``: confidence interval at ``level``; NaN for bounds;
        - ``bound_side`` (``"lower"``, ``"upper_abs"`` or ``""``) and ``bound_value``:
          for ``bound_only`` rows, g > bound_value (lower) or |g| < bound_value;
        - ``method``: how the effect was obtained (see above);
        - ``pooled_eligible``: True for point estimates (pooling is always done
          within ``device_group``, so backrests never mix with mats);
        - ``uses_unverified``: True when any input is ``value_status`` unverified/derived
          or ``n_status`` derived/unverified;
        - ``note``: the assumptions and flags in words;
        - ``line``: 1-based line in the data file when the table carries it.

        ``excluded`` has ``study_id``, ``contrast``, ``device``, ``control``,
        ``outcome_domain``, ``outcome_measure``, ``timepoint_weeks``, ``reason``, ``line``.
    """
    if studies is None:
        from matstats.data_io import load_studies

        studies = load_studies()
    if not isinstance(studies, pd.DataFrame):
        raise ValueError("studies must be a pandas DataFrame in the data/README.md schema")
    required = {"study_id", "device", "control", "comparison", "outcome_domain", "outcome_measure"}
    missing = sorted(required - set(studies.columns))
    if missing:
        raise ValueError(f"studies is missing required columns: {missing}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    overrides = dict(higher_is_better or {})
    if sig_alpha is not None and not 0 < sig_alpha < 1:
        raise ValueError(f"sig_alpha must be in (0, 1) or None, got {sig_alpha!r}")
    exclude_contrasts = dict(
        DEFAULT_EXCLUDED_CONTRASTS if exclude_contrasts is None else exclude_contrasts
    )
    z = stats.norm.isf((1 - level) / 2)

    kept: list[dict] = []
    dropped: list[dict] = []
    for pos, (_, r) in enumerate(studies.iterrows()):
        row = r.to_dict()
        line = row.get("line")
        if _isna(line):
            line = pos + 2  # header is line 1
        base = {
            "study_id": _text(row, "study_id"),
            "contrast": _text(row, "contrast"),
            "device": _text(row, "device"),
            "control": _text(row, "control"),
            "outcome_domain": _text(row, "outcome_domain"),
            "outcome_measure": _text(row, "outcome_measure"),
            "timepoint_weeks": _num(row, "timepoint_weeks"),
            "line": int(line),
        }

        def drop(reason: str, base=base) -> None:
            dropped.append({**base, "reason": reason})

        device = base["device"]
        if device == "manual_acupressure":
            drop("manual (finger/point) acupressure, not a mat: excluded from mat pooling")
            continue
        if device not in MAT_DEVICES + SEPARATE_DEVICES:
            drop(f"device {device!r} is not an acupressure mat, pad or backrest")
            continue
        comparison = _text(row, "comparison")
        if comparison == "within_group":
            drop(
                "within-group (pre-post) result: not a between-group effect; "
                "any CI here describes change within one arm"
            )
            continue
        if comparison == "unclear":
            drop(
                "the source does not say whether this result is between groups or within "
                "a group (comparison=unclear)"
            )
            continue
        if comparison != "between_groups":
            drop(f"no between-group comparison (comparison={comparison or 'empty'})")
            continue
        contrast = base["contrast"]
        if contrast in exclude_contrasts:
            drop(f"contrast {contrast!r} excluded: {exclude_contrasts[contrast]}")
            continue
        control = base["control"]
        if control not in CONTROL_CLASS:
            drop(f"no control group (control={control or 'empty'})")
            continue

        rec = {
            **base,
            "device_group": "mat" if device in MAT_DEVICES else "backrest",
            "control_class": CONTROL_CLASS[control],
            "bound_side": "",
            "bound_value": math.nan,
        }
        n1, n2, n_msg = _arm_sizes(row)
        means = [
            _num(row, c) for c in ("mean_treatment", "sd_treatment", "mean_control", "sd_control")
        ]
        p = _num(row, "p_value")
        p_rel = {"<=": "<", ">=": ">"}.get(_text(row, "p_relation"), _text(row, "p_relation"))
        significant = _text(row, "significant")
        p_from_sig = False
        if math.isnan(p) and significant in {"yes", "no"} and sig_alpha is not None:
            # only "significant"/"not significant" is reported: a bound at the usual level
            p, p_rel, p_from_sig = sig_alpha, ("<" if significant == "yes" else ">"), True
        direction = _text(row, "result_direction")
        est_type = _text(row, "estimate_type")
        est = _num(row, "estimate")
        lo, hi = _num(row, "ci_low"), _num(row, "ci_high")

        notes: list[str] = []
        if not any(math.isnan(v) for v in means):
            if n_msg:
                drop(f"per-arm means/SDs present but {n_msg}")
                continue
            hib = _higher_is_better(row, overrides)
            if hib is None:
                drop(
                    f"direction of benefit unknown for outcome {base['outcome_measure']!r} "
                    "(pass higher_is_better)"
                )
                continue
            g, vi = _g_from_means(means[0], means[1], n1, means[2], means[3], n2)
            if not hib:
                g = -g
            flag, fnote = _unverified_note(row, ("values", "n"))
            rec.update(yi=g, vi=vi, method="from_means_sd")
            notes.append("Hedges' g from per-arm means and SDs (pooled SD)")
        elif est_type == "smd" and not (math.isnan(est) or math.isnan(lo) or math.isnan(hi)):
            se = (hi - lo) / (2 * stats.norm.isf(0.025))
            flag, fnote = _unverified_note(row, ("values",))
            rec.update(yi=est, vi=se * se, method="reported_smd")
            notes.append("reported SMD; SE from the 95% CI width")
        elif not math.isnan(p):
            if n_msg:
                drop(f"p-value present but {n_msg}")
                continue
            if p_rel == "=":
                if direction == "favours_mat":
                    sign = 1.0
                elif direction == "favours_control":
                    sign = -1.0
                else:
                    drop(
                        f"exact p-value but the direction of the difference is not reported "
                        f"(result_direction={direction or 'empty'})"
                    )
                    continue
                g = sign * _g_from_p(p, n1, n2)
                vi = _smd_variance(g, n1, n2)
                equal = n1 == n2
                flag, fnote = _unverified_note(row, ("values", "n"))
                rec.update(yi=g, vi=vi, method="from_p_equal_arms" if equal else "from_p_arm_sizes")
                notes.append(
                    f"back-calculated from two-sided p={p:g} assuming a two-sample t-test "
                    f"with {int(n1)}/{int(n2)} per arm"
                    + (" (equal arms assumed)" if equal else "")
                    + "; the authors may have used another test (e.g. ANCOVA)"
                )
            elif p_rel in {"<", ">"}:
                b = _g_from_p(p, n1, n2)
                flag, fnote = _unverified_note(row, ("values", "n"))
                if p_rel == "<":
                    if direction not in {"favours_mat", "favours_control"}:
                        drop("p '<' bound without a reported direction")
                        continue
                    side = "lower"
                    value = b if direction == "favours_mat" else -b
                    notes.append(
                        f"p<{p:g} gives only a bound: g {'>' if value > 0 else '<'} {value:.2f}; "
                        "not pooled as a point"
                    )
                    if value < 0:
                        side = "upper"
                else:
                    side, value = "upper_abs", b
                    notes.append(f"p>{p:g} gives only |g| < {b:.2f}; not pooled as a point")
                if p_from_sig:
                    notes.append(
                        f"no p-value reported: significant={significant!r} read as "
                        f"p {p_rel} {sig_alpha:g} (two-sided t-test assumed)"
                    )
                rec.update(yi=math.nan, vi=math.nan, method="bound_only", bound_side=side,
                           bound_value=value)
            else:
                drop(f"p-value with unknown relation {p_rel!r}")
                continue
        elif est_type in {"pct_change", "md"} and comparison == "between_groups":
            drop(f"estimate of type {est_type!r} without per-arm SDs cannot be standardized")
            continue
        else:
            drop("no numeric between-group result (means/SDs, exact p or SMD) reported")
            continue

        if flag:
            notes.append("UNVERIFIED/DERIVED input: " + fnote)
        rec["uses_unverified"] = flag
        rec["note"] = "; ".join(notes)
        rec["n_treatment"], rec["n_control"] = n1, n2
        if rec["method"] != "bound_only":
            sei = math.sqrt(rec["vi"])
            rec.update(sei=sei, ci_low=rec["yi"] - z * sei, ci_high=rec["yi"] + z * sei)
        else:
            rec.update(sei=math.nan, ci_low=math.nan, ci_high=math.nan)
        rec["pooled_eligible"] = rec["method"] != "bound_only"
        kept.append(rec)

    effects = pd.DataFrame(kept, columns=_EFFECT_COLUMNS)
    for col in ("pooled_eligible", "uses_unverified"):
        effects[col] = effects[col].astype(bool)
    excluded = pd.DataFrame(dropped, columns=_EXCLUDED_COLUMNS)
    return MatEffects(
        effects=effects.reset_index(drop=True), excluded=excluded.reset_index(drop=True)
    )


# ----------------------------------------------------------------------------------------
# pooling by control type
# ----------------------------------------------------------------------------------------


def select_one_per_study(
    effects: pd.DataFrame, *, domains: Sequence[str] = ("pain",)
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
    """
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
            for _, idx in candidates:
                if idx != best:
                    skipped.append((idx, "another outcome/timepoint of the same study used "
                                         "(one effect per study)"))
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
        Output of :func:`mat_effect_sizes`.
    domains : sequence of str
        Outcome domains to include (default pain only).
    method, test, level
        Passed to :func:`matstats.meta_analysis`.

    Returns
    -------
    DataFrame
        One row per (device_group, control_class) with columns ``device_group``,
        ``control_class``, ``rung`` (display label), ``k``, ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``, ``tau2``, ``i2``, ``model``
        (``"REML random effects"``, ``"single study (k=1)"`` or ``"no study (k=0)"``),
        ``study_ids`` (``;``-separated) and ``uses_unverified``.
    """
    if isinstance(effects, MatEffects):
        effects = effects.effects
    chosen, _ = select_one_per_study(effects, domains=domains)
    z = stats.norm.isf((1 - level) / 2)
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
            nan = math.nan
            if k == 0:
                rec.update(estimate=nan, se=nan, ci_low=nan, ci_high=nan, pi_low=nan,
                           pi_high=nan, tau2=nan, i2=nan, model="no study (k=0)")
            elif k == 1:
                yi, vi = float(sub["yi"].iloc[0]), float(sub["vi"].iloc[0])
                se = math.sqrt(vi)
                rec.update(estimate=yi, se=se, ci_low=yi - z * se, ci_high=yi + z * se,
                           pi_low=nan, pi_high=nan, tau2=nan, i2=nan, model="single study (k=1)")
            else:
                from matstats.meta import meta_analysis

                res = meta_analysis(sub["yi"].to_numpy(float), sub["vi"].to_numpy(float),
                                    method=method, test=test, level=level)
                rec.update(estimate=res.estimate, se=res.se, ci_low=res.ci_low,
                           ci_high=res.ci_high, pi_low=res.pi_low, pi_high=res.pi_high,
                           tau2=res.tau2, i2=res.i2, model=f"{method} random effects")
            rows.append(rec)
    cols = ["device_group", "control_class", "rung", "k", "estimate", "se", "ci_low", "ci_high",
            "pi_low", "pi_high", "tau2", "i2", "model", "study_ids", "uses_unverified"]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------------------
# sham offsets from published ladders
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OffsetPrior:
    """A published sham-vs-no-treatment offset.

    Attributes
    ----------
    name : str
        Short identifier.
    form : {"difference", "ratio"}
        ``difference``: expected vs sham = open effect - ``mean``;
        ``ratio``: expected vs sham = open effect * ``mean`` (the share of the open
        contrast that survives a sham control).
    mean, se : float
        Offset (SMD units, or a fraction for ratio priors) and its standard error.
    source : str
        Where the number comes from.
    se_basis : str
        How ``se`` was obtained (reported CI, or our assumption).
    """

    name: str
    form: str
    mean: float
    se: float
    source: str
    se_basis: str

    def __post_init__(self) -> None:
        if self.form not in {"difference", "ratio"}:
            raise ValueError(f"form must be 'difference' or 'ratio', got {self.form!r}")
        if not (np.isfinite(self.mean) and np.isfinite(self.se) and self.se >= 0):
            raise ValueError(f"offset prior {self.name!r} needs a finite mean and se >= 0")


def _se_from_ci(lo: float, hi: float) -> float:
    return float(effects.se_from_ci(lo, hi)[0])


#: The default offsets, all from ../shared/methods/methods-notes.md section B2.
OFFSET_PRIORS: tuple[OffsetPrior, ...] = (
    OffsetPrior(
        name="placebo_vs_none_clbp",
        form="difference",
        mean=0.37,
        se=_se_from_ci(0.18, 0.55),
        source="Strijkers et al. Pain 2021;162:2792-804: placebo vs no intervention, chronic "
        "LBP, short-term pain SMD 0.37 (0.18 to 0.55)",
        se_basis="from the reported 95% CI: (0.55 - 0.18) / (2 * 1.96)",
    ),
    OffsetPrior(
        name="physical_sham_vs_none",
        form="difference",
        mean=0.21,
        se=_se_from_ci(0.10, 0.33),
        source="Hohenschurz-Schmidt et al. (three-armed trials of physical/psychological "
        "interventions for pain): sham vs no exposure SMD 0.21 (0.10 to 0.33), 17 RCTs",
        se_basis="from the reported 95% CI: (0.33 - 0.10) / (2 * 1.96)",
    ),
    OffsetPrior(
        name="acupuncture_ipd_back_neck",
        form="difference",
        mean=0.55 - 0.23,
        se=0.05,
        source="Vickers et al. Arch Intern Med 2012;172:1444-53 (IPD, 29 RCTs): back/neck "
        "pain, acupuncture vs no acupuncture 0.55 SD, vs sham 0.23 SD; offset = 0.55 - 0.23",
        se_basis="ASSUMPTION: no CI in our notes; SE 0.05 SD set by us for a large IPD dataset",
    ),
    OffsetPrior(
        name="acupuncture_ipd_ratio",
        form="ratio",
        mean=0.35,
        se=0.07 / (2 * stats.norm.isf(0.025)),
        source="Vickers et al. 2012: sham-controlled share of the open contrast 0.16/0.57 = "
        "0.28 (OA) to 0.23/0.55 = 0.42 (back/neck); midpoint 0.35",
        se_basis="ASSUMPTION: the 0.28-0.42 range across pain types treated as a 95% interval",
    ),
)


def offset_priors_frame(priors: Sequence[OffsetPrior] | None = None) -> pd.DataFrame:
    """The offset priors as a table.

    Returns
    -------
    DataFrame
        Columns ``name``, ``form``, ``mean``, ``se``, ``source``, ``se_basis``.
    """
    priors = OFFSET_PRIORS if priors is None else tuple(priors)
    return pd.DataFrame(
        [{"name": p.name, "form": p.form, "mean": p.mean, "se": p.se, "source": p.source,
          "se_basis": p.se_basis} for p in priors],
        columns=["name", "form", "mean", "se", "source", "se_basis"],
    )


def sham_offset(
    open_effect: float,
    open_se: float,
    *,
    priors: Sequence[OffsetPrior] | None = None,
    method: str = "normal",
    level: float = 0.95,
    n_draws: int = 200_000,
    rng=None,
) -> pd.DataFrame:
    """Expected mat-vs-sham effect from an open-control effect and published offsets.

    For a ``difference`` prior the expected effect is ``open_effect - offset``; for a
    ``ratio`` prior it is ``open_effect * share``. The open effect and the offset are
    taken as independent normals.

    Parameters
    ----------
    open_effect, open_se : float
        Mat vs no treatment / waiting list (SMD, positive = mat better) and its SE.
    priors : sequence of OffsetPrior, optional
        Default :data:`OFFSET_PRIORS`.
    method : {"normal", "monte_carlo"}
        ``normal``: SE by the delta method (exact for differences), CI = est +- z * se.
        ``monte_carlo``: ``n_draws`` joint draws; the estimate is the mean of the draws
        and the CI their equal-tailed percentiles.
    level : float
        Confidence level.
    n_draws : int
        Number of Monte Carlo draws.
    rng : None, int or numpy Generator
        Seed for ``monte_carlo`` (normalised with ``numpy.random.default_rng``).

    Returns
    -------
    DataFrame
        One row per prior: ``prior``, ``form``, ``offset``, ``offset_se``,
        ``open_effect``, ``open_se``, ``expected``, ``se``, ``ci_low``, ``ci_high``,
        ``p_positive`` (probability under the normal model / share of draws with
        expected > 0), ``method``, ``source``, ``se_basis``.
    """
    open_effect = float(open_effect)
    open_se = float(open_se)
    if not np.isfinite(open_effect):
        raise ValueError(f"open_effect must be finite, got {open_effect!r}")
    if not (np.isfinite(open_se) and open_se >= 0):
        raise ValueError(f"open_se must be finite and >= 0, got {open_se!r}")
    if method not in {"normal", "monte_carlo"}:
        raise ValueError(f"method must be 'normal' or 'monte_carlo', got {method!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    priors = OFFSET_PRIORS if priors is None else tuple(priors)
    if not priors:
        raise ValueError("at least one offset prior is needed")
    if method == "monte_carlo" and int(n_draws) < 1000:
        raise ValueError(f"n_draws must be >= 1000, got {n_draws!r}")
    z = stats.norm.isf((1 - level) / 2)
    gen = np.random.default_rng(rng)
    rows = []
    for pr in priors:
        if method == "normal":
            if pr.form == "difference":
                est = open_effect - pr.mean
                se = math.hypot(open_se, pr.se)
            else:
                est = open_effect * pr.mean
                # delta method for a product of independent normals (plus the exact
                # product-variance term se_a^2 se_b^2)
                se = math.sqrt(
                    (pr.mean * open_se) ** 2 + (open_effect * pr.se) ** 2 + (open_se * pr.se) ** 2
                )
            lo, hi = est - z * se, est + z * se
            p_pos = float(stats.norm.sf(0, loc=est, scale=se)) if se > 0 else float(est > 0)
        else:
            a = gen.normal(open_effect, open_se, size=int(n_draws))
            b = gen.normal(pr.mean, pr.se, size=int(n_draws))
            draws = a - b if pr.form == "difference" else a * b
            est = float(draws.mean())
            se = float(draws.std(ddof=1))
            lo, hi = (float(v) for v in np.quantile(draws, [(1 - level) / 2, (1 + level) / 2]))
            p_pos = float(np.mean(draws > 0))
        rows.append({
            "prior": pr.name, "form": pr.form, "offset": pr.mean, "offset_se": pr.se,
            "open_effect": open_effect, "open_se": open_se, "expected": est, "se": se,
            "ci_low": lo, "ci_high": hi, "p_positive": p_pos, "method": method,
            "source": pr.source, "se_basis": pr.se_basis,
        })
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------
# sample size for a future mat-vs-sham trial
# ----------------------------------------------------------------------------------------


def _power_two_sample(d: float, n: int, alpha: float) -> float:
    # exact power of the two-sided two-sample t-test, n per arm, noncentral t
    df = 2 * n - 2
    nc = d * math.sqrt(n / 2.0)
    tcrit = stats.t.isf(alpha / 2, df)
    return float(stats.nct.sf(tcrit, df, nc) + stats.nct.cdf(-tcrit, df, nc))


def sham_trial_sample_size(
    effect: float | Sequence[float],
    power: float | Sequence[float] = (0.8, 0.9),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per-arm n for a two-arm parallel mat-vs-sham trial (two-sided t-test, equal arms).

    The smallest n per arm whose exact power (noncentral t) reaches ``power``. The normal
    approximation ``2 (z_{1-alpha/2} + z_power)^2 / d^2`` is given alongside.

    Parameters
    ----------
    effect : float or sequence of float
        Expected SMD against sham (must be > 0; the sign is the mat-better direction).
    power : float or sequence of float
        Target power(s), each in (0, 1).
    alpha : float
        Two-sided significance level.

    Returns
    -------
    DataFrame
        One row per (effect, power): ``effect``, ``power``, ``alpha``, ``n_per_arm``,
        ``n_total``, ``achieved_power``, ``n_per_arm_normal`` (normal approximation,
        rounded up).
    """
    effects = np.atleast_1d(np.asarray(effect, dtype=float))
    powers = np.atleast_1d(np.asarray(power, dtype=float))
    if effects.size == 0 or powers.size == 0:
        raise ValueError("effect and power must not be empty")
    if not (0 < alpha < 1):
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if np.any(~np.isfinite(effects)) or np.any(effects <= 0):
        raise ValueError(
            "effect must be finite and > 0 (no finite trial detects an effect <= 0), "
            f"got {effects.tolist()}"
        )
    if np.any(~((powers > alpha) & (powers < 1))):
        raise ValueError(f"power must be in (alpha, 1), got {powers.tolist()}")
    rows = []
    za = stats.norm.isf(alpha / 2)
    for d in effects:
        for pw in powers:
            n_norm = 2 * (za + stats.norm.ppf(pw)) ** 2 / d**2
            # start just below the normal approximation (the t-test always needs at least it)
            n = max(2, int(math.floor(n_norm)))
            while n > 2 and _power_two_sample(d, n - 1, alpha) >= pw:
                n -= 1
            while _power_two_sample(d, n, alpha) < pw:
                n += 1
                if n > 10_000_000:
                    raise ValueError(f"effect {d} too small: more than 1e7 per arm needed")
            rows.append({
                "effect": float(d), "power": float(pw), "alpha": float(alpha), "n_per_arm": n,
                "n_total": 2 * n, "achieved_power": _power_two_sample(d, n, alpha),
                "n_per_arm_normal": int(math.ceil(n_norm)),
            })
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------
# the ladder and its plain-language summary
# ----------------------------------------------------------------------------------------

#: published acupuncture ladder used as a reference series (methods-notes.md section B2)
REFERENCE_LADDER = {
    "series": "acupuncture IPD, back/neck pain (Vickers 2012)",
    "no_treatment": 0.55,
    "sham": 0.23,
}


def ladder_table(pooled: pd.DataFrame, expected: pd.DataFrame | None = None,
                 *, device_group: str = "mat", reference: bool = True) -> pd.DataFrame:
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
        Add the published acupuncture IPD ladder (no CIs in our notes) as a reference.

    Returns
    -------
    DataFrame
        Columns ``series``, ``kind`` (``observed``, ``expected`` or ``reference``),
        ``control_class``, ``rung``, ``position`` (0 = no treatment, 1 = active,
        2 = sham), ``estimate``, ``ci_low``, ``ci_high``, ``k`` (NaN for expected and
        reference rows), ``label``.
    """
    pos = {r: i for i, r in enumerate(RUNGS)}
    rows = []
    sub = pooled[pooled["device_group"] == device_group]
    for _, r in sub.iterrows():
        rows.append({
            "series": f"{device_group} trials (observed)", "kind": "observed",
            "control_class": r["control_class"], "rung": r["rung"],
            "position": pos[r["control_class"]],
            "estimate": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "k": float(r["k"]),
            "label": f"k={int(r['k'])}" + (f": {r['study_ids']}" if r["k"] else ""),
        })
    if expected is not None:
        for _, r in expected.iterrows():
            rows.append({
                "series": f"expected vs sham ({r['prior']})", "kind": "expected",
                "control_class": "sham", "rung": RUNG_LABELS["sham"], "position": pos["sham"],
                "estimate": r["expected"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                "k": math.nan, "label": str(r["prior"]),
            })
    if reference:
        for rung in ("no_treatment", "sham"):
            rows.append({
                "series": REFERENCE_LADDER["series"], "kind": "reference", "control_class": rung,
                "rung": RUNG_LABELS[rung], "position": pos[rung],
                "estimate": REFERENCE_LADDER[rung], "ci_low": math.nan, "ci_high": math.nan,
                "k": math.nan, "label": "published reference (no CI in our notes)",
            })
    cols = ["series", "kind", "control_class", "rung", "position", "estimate", "ci_low",
            "ci_high", "k", "label"]
    return pd.DataFrame(rows, columns=cols)


def _fmt_ci(est: float, lo: float, hi: float) -> str:
    return f"{est:.2f} (95% CI {lo:.2f} to {hi:.2f})"


def ladder_conclusion(
    effects: MatEffects,
    pooled: pd.DataFrame,
    expected: pd.DataFrame,
    sample_size: pd.DataFrame | None = None,
) -> str:
    """A plain-language summary whose numbers and wording come from the results.

    Parameters
    ----------
    effects : MatEffects
        Output of :func:`mat_effect_sizes`.
    pooled : DataFrame
        Output of :func:`pooled_by_control`.
    expected : DataFrame
        Output of :func:`sham_offset`.
    sample_size : DataFrame, optional
        Output of :func:`sham_trial_sample_size`.

    Returns
    -------
    str
        A few sentences separated by newlines.
    """
    eff = effects.effects
    points = eff[eff["pooled_eligible"]]
    bounds = eff[eff["method"] == "bound_only"]
    n_unv = int(eff["uses_unverified"].sum())
    lines = [
        f"{len(eff)} mat/backrest result rows allow an effect size ({len(points)} point "
        f"estimates, {len(bounds)} bounds only); {len(effects.excluded)} rows allow none and "
        f"are listed with the reason. {n_unv} of the {len(eff)} rest on inputs marked "
        "unverified or derived.",
    ]
    methods = sorted(set(points["method"]))
    if methods:
        lines.append("Point estimates were obtained by: " + ", ".join(methods) + ".")
    mat = pooled[pooled["device_group"] == "mat"].set_index("control_class")
    for rung in RUNGS:
        if rung not in mat.index:
            continue
        r = mat.loc[rung]
        label = RUNG_LABELS[rung]
        k = int(r["k"])
        if k == 0:
            lines.append(f"Mat vs {label}: no trial with a usable numeric result (k=0).")
            continue
        what = "one study only (k=1), nothing to pool" if k == 1 else f"k={k}, pooled"
        caveat = " It rests on unverified/derived inputs." if r["uses_unverified"] else ""
        sig = "excludes" if (r["ci_low"] > 0 or r["ci_high"] < 0) else "includes"
        lines.append(
            f"Mat vs {label} ({what}): g = {_fmt_ci(r['estimate'], r['ci_low'], r['ci_high'])}; "
            f"the interval {sig} zero.{caveat}"
        )
    if len(bounds):
        def _bound_text(b) -> str:
            if b.bound_side == "upper_abs":
                return f"|g| < {b.bound_value:.2f}"
            return f"g {'>' if b.bound_side == 'lower' else '<'} {b.bound_value:.2f}"

        parts = []
        keyed = bounds.assign(_txt=[_bound_text(b) for b in bounds.itertuples()])
        for (dg, sid, contrast, txt), grp in keyed.groupby(
            ["device_group", "study_id", "contrast", "_txt"], sort=False
        ):
            measures = ", ".join(dict.fromkeys(grp["outcome_measure"]))
            parts.append(f"{sid} ({dg}, {contrast}) {measures}: {txt}")
        lines.append("Bounds only, not pooled: " + "; ".join(parts) + ".")
    if len(expected):
        lo_e, hi_e = expected["expected"].min(), expected["expected"].max()
        n_zero = int(((expected["ci_low"] <= 0) & (expected["ci_high"] >= 0)).sum())
        lines.append(
            f"Subtracting published sham-vs-no-treatment offsets ({len(expected)} priors) "
            f"leaves an expected mat-vs-sham effect between {lo_e:.2f} and {hi_e:.2f} SD; "
            f"the 95% interval includes zero for {n_zero} of the {len(expected)} priors."
        )
    if sample_size is not None and len(sample_size):
        ss = sample_size.dropna(subset=["n_per_arm"])
        key = "prior" if "prior" in ss.columns else "effect"
        parts = []
        for keyval, grp in ss.groupby(key, sort=False):
            per = ", ".join(
                f"{int(r.n_per_arm)} per arm for {r.power:.0%} power" for r in grp.itertuples()
            )
            what = f"g = {grp['effect'].iloc[0]:.2f}" + (f" ({keyval})" if key == "prior" else "")
            parts.append(f"at {what}: {per}")
        alpha = float(ss["alpha"].iloc[0]) if len(ss) else 0.05
        if parts:
            lines.append(
                f"A two-arm mat-vs-sham trial (two-sided alpha {alpha:g}) would need "
                + "; ".join(parts) + "."
            )
        n_none = int(sample_size["n_per_arm"].isna().sum())
        if n_none:
            lines.append(f"{n_none} prior/power combinations expect no benefit over sham "
                         "(effect <= 0), so no trial size is given for them.")
    sham = mat.loc["sham"] if "sham" in mat.index else None
    if sham is None or int(sham["k"]) == 0:
        lines.append(
            "No mat trial against a sham has usable results, so the claim that the mat "
            "'beats sham' has no direct evidence; the numbers above are an extrapolation."
        )
    return "\n".join(lines)


def effect_labels(effects: pd.DataFrame) -> pd.Series:
    """Row labels for plots: ``study_id: outcome_measure [method]`` (bounds marked).

    The contrast is added when a study has more than one; `` *`` marks rows that use
    unverified or derived inputs.

    Returns
    -------
    Series of str, aligned with ``effects``.
    """
    n_contrasts = effects.groupby("study_id")["contrast"].transform("nunique")

    def one(r) -> str:
        tp = "" if pd.isna(r["timepoint_weeks"]) else f" {r['timepoint_weeks']:g}w"
        tag = "bound" if r["method"] == "bound_only" else r["method"].replace("from_", "")
        flag = " *" if r["uses_unverified"] else ""
        con = f" ({r['contrast']})" if n_contrasts.loc[r.name] > 1 else ""
        return f"{r['study_id']}{con}: {r['outcome_measure']}{tp} [{tag}]{flag}"

    return effects.apply(one, axis=1).astype(str)


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
    """
    y = np.asarray(yi, dtype=float)
    v = np.asarray(vi, dtype=float)
    if y.shape != v.shape or y.ndim != 1:
        raise ValueError("yi and vi must be 1-D arrays of equal length")
    if min_k < 3:
        raise ValueError(f"min_k must be >= 3, got {min_k!r}")
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
        from matstats.meta import egger_test, trim_and_fill

        eg = egger_test(y, v)
        tf = trim_and_fill(y, v, method=method)
        rec.update(egger_pval=eg.pval, egger_limit_estimate=eg.limit_estimate,
                   trimfill_k0=tf.k0, trimfill_side=tf.side,
                   trimfill_estimate=tf.model.estimate, trimfill_ci_low=tf.model.ci_low,
                   trimfill_ci_high=tf.model.ci_high)
        rec["note"] = (
            f"k = {k}: run, but with fewer than {min_k} studies funnel asymmetry tests have "
            "too little power to mean anything" if k < min_k else f"k = {k}"
        )
    return pd.DataFrame([rec])


def sample_size_for_expected(
    expected: pd.DataFrame,
    power: float | Sequence[float] = (0.8, 0.9),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`sham_trial_sample_size` at each prior's expected mat-vs-sham effect.

    Priors whose expected effect is <= 0 get no sample size (NaN) and a note, since no
    finite trial is powered for an effect of zero or below.

    Parameters
    ----------
    expected : DataFrame
        Output of :func:`sham_offset` (columns ``prior`` and ``expected``).
    power, alpha
        As in :func:`sham_trial_sample_size`.

    Returns
    -------
    DataFrame
        Columns ``prior``, ``effect``, ``power``, ``alpha``, ``n_per_arm``, ``n_total``,
        ``achieved_power``, ``n_per_arm_normal``, ``note``.
    """
    cols = ["prior", "effect", "power", "alpha", "n_per_arm", "n_total", "achieved_power",
            "n_per_arm_normal", "note"]
    parts = []
    for _, r in expected.iterrows():
        eff = float(r["expected"])
        if eff > 0:
            ss = sham_trial_sample_size(eff, power=power, alpha=alpha)
            ss.insert(0, "prior", r["prior"])
            ss["note"] = ""
        else:
            pw = np.atleast_1d(np.asarray(power, dtype=float))
            ss = pd.DataFrame({"prior": r["prior"], "effect": eff, "power": pw, "alpha": alpha,
                               "n_per_arm": np.nan, "n_total": np.nan, "achieved_power": np.nan,
                               "n_per_arm_normal": np.nan,
                               "note": "expected effect <= 0: no trial size can be given"})
        parts.append(ss[cols])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
