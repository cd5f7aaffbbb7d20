"""Words for the control ladder: the plain-language conclusion and the effect-size labels.

Every number in the text is read from the results of :mod:`matstats.study_effects` and
:mod:`matstats.ladder`; nothing here computes a statistic.
"""

from __future__ import annotations

import pandas as pd

from matstats.study_effects import MatEffects
from matstats.vocab import RUNG_LABELS, RUNGS

__all__ = ["effect_labels", "ladder_conclusion"]


def _fmt_ci(est: float, lo: float, hi: float) -> str:
    return f"{est:.2f} (95% CI {lo:.2f} to {hi:.2f})"


def _counts_sentences(effects: MatEffects) -> list[str]:
    eff = effects.effects
    points = eff[eff["pooled_eligible"]]
    n_bounds = int((eff["method"] == "bound_only").sum())
    n_unv = int(eff["uses_unverified"].sum())
    lines = [
        f"{len(eff)} mat/backrest result rows allow an effect size ({len(points)} point "
        f"estimates, {n_bounds} bounds only); {len(effects.excluded)} rows allow none and "
        f"are listed with the reason. {n_unv} of the {len(eff)} rest on inputs marked "
        "unverified or derived.",
    ]
    methods = sorted(set(points["method"]))
    if methods:
        lines.append("Point estimates were obtained by: " + ", ".join(methods) + ".")
    return lines


def _rung_sentences(mat: pd.DataFrame) -> list[str]:
    lines = []
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
    return lines


def _inference_sentences(effects: MatEffects) -> list[str]:
    """Which rows are our reading of the source, and whether a whole rung rests on them."""
    eff = effects.effects
    if "inference" not in eff.columns or not eff["inference"].any():
        return []
    inf = eff[eff["inference"]]
    parts = [f"{sid} {', '.join(dict.fromkeys(g['outcome_measure']))}"
             for sid, g in inf.groupby("study_id", sort=False)]
    lines = [f"{len(inf)} of the {len(eff)} rows are an inference (the source implies but does "
             "not state the result; value_status=unverified): " + "; ".join(parts) + "."]
    for (dg, rung), grp in eff.groupby(["device_group", "control_class"], sort=False):
        if grp["inference"].all():
            lines.append(
                f"The {dg} vs {RUNG_LABELS[rung]} rung rests entirely on an inference "
                f"({', '.join(dict.fromkeys(grp['study_id']))}: "
                f"{', '.join(dict.fromkeys(grp['outcome_measure']))}).")
    return lines


def _manual_sentence(manual: pd.DataFrame | None) -> list[str]:
    if manual is None or not len(manual):
        return []
    parts = []
    for r in manual.itertuples():
        tp = "" if pd.isna(r.timepoint_weeks) else f" at {r.timepoint_weeks:g} weeks"
        n = f", {int(r.n_treatment)}/{int(r.n_control)} per arm" if r.n_treatment == r.n_treatment else ""
        parts.append(f"{r.study_id} {r.outcome_measure}{tp}: g = "
                     f"{_fmt_ci(r.yi, r.ci_low, r.ci_high)}{n}")
    return ["Manual (finger/point) acupressure against sham points, not a mat and not pooled "
            "with mats: " + "; ".join(parts) + "."]


def _bound_text(b) -> str:
    if b.bound_side == "upper_abs":
        return f"|g| < {b.bound_value:.2f}"
    return f"g {'>' if b.bound_side == 'lower' else '<'} {b.bound_value:.2f}"


def _bounds_sentence(eff: pd.DataFrame) -> list[str]:
    bounds = eff[eff["method"] == "bound_only"]
    if not len(bounds):
        return []
    parts = []
    keyed = bounds.assign(_txt=[_bound_text(b) for b in bounds.itertuples()])
    for (dg, sid, contrast, txt), grp in keyed.groupby(
        ["device_group", "study_id", "contrast", "_txt"], sort=False
    ):
        measures = ", ".join(dict.fromkeys(grp["outcome_measure"]))
        parts.append(f"{sid} ({dg}, {contrast}) {measures}: {txt}")
    return ["Bounds only, not pooled: " + "; ".join(parts) + "."]


def _offset_sentence(expected: pd.DataFrame) -> list[str]:
    if not len(expected):
        return []
    lo_e, hi_e = expected["expected"].min(), expected["expected"].max()
    n_zero = int(((expected["ci_low"] <= 0) & (expected["ci_high"] >= 0)).sum())
    return [
        f"Subtracting published sham-vs-no-treatment offsets ({len(expected)} priors) "
        f"leaves an expected mat-vs-sham effect between {lo_e:.2f} and {hi_e:.2f} SD; "
        f"the 95% interval includes zero for {n_zero} of the {len(expected)} priors."
    ]


def _sample_size_sentences(sample_size: pd.DataFrame | None) -> list[str]:
    if sample_size is None or not len(sample_size):
        return []
    lines = []
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
    return lines


def ladder_conclusion(
    effects: MatEffects,
    pooled: pd.DataFrame,
    expected: pd.DataFrame,
    sample_size: pd.DataFrame | None = None,
    manual: pd.DataFrame | None = None,
) -> str:
    """A plain-language summary whose numbers and wording come from the results.

    Parameters
    ----------
    effects : MatEffects
        Output of :func:`matstats.study_effects.study_effect_sizes`.
    pooled : pandas.DataFrame
        Output of :func:`matstats.ladder.pooled_by_control`.
    expected : pandas.DataFrame
        Output of :func:`matstats.ladder.sham_offset`.
    sample_size : pandas.DataFrame, optional
        Output of :func:`matstats.ladder.sham_trial_sample_size` or
        :func:`matstats.ladder.sample_size_for_expected`.
    manual : pandas.DataFrame, optional
        Output of :func:`matstats.ladder.manual_acupressure_points` (one sentence: the
        sham-controlled points of manual acupressure, which are not mat evidence).

    Returns
    -------
    str
        Sentences separated by newlines: counts of effect sizes, the rows that are an
        inference (and any rung that rests entirely on them), one per rung of the
        ladder, the bounds, the manual-acupressure sham points, the expected effect against sham, the trial sizes, and a
        warning when no mat-vs-sham trial has results.

    Examples
    --------
    >>> from matstats import ladder, study_effects
    >>> me = study_effects.study_effect_sizes()
    >>> pooled = ladder.pooled_by_control(me)
    >>> text = ladder_conclusion(me, pooled, ladder.sham_offset(0.75, 0.33))
    >>> "no direct evidence" in text
    True
    """
    mat = pooled[pooled["device_group"] == "mat"].set_index("control_class")
    lines = (_counts_sentences(effects) + _inference_sentences(effects) + _rung_sentences(mat)
             + _bounds_sentence(effects.effects) + _manual_sentence(manual)
             + _offset_sentence(expected)
             + _sample_size_sentences(sample_size))
    if "sham" not in mat.index or int(mat.loc["sham", "k"]) == 0:
        lines.append(
            "No mat trial against a sham has usable results, so the claim that the mat "
            "'beats sham' has no direct evidence; the numbers above are an extrapolation."
        )
    return "\n".join(lines)


def effect_labels(effects: pd.DataFrame) -> pd.Series:
    """Row labels for plots: ``study_id: outcome_measure [method]`` (bounds marked).

    The contrast is added when a study has more than one; `` *`` marks rows that use
    unverified or derived inputs, `` (inference)`` rows whose result is our reading of the
    source.

    Parameters
    ----------
    effects : pandas.DataFrame
        ``effects`` of :func:`matstats.study_effects.study_effect_sizes`.

    Returns
    -------
    pandas.Series of str
        One label per row, aligned with ``effects``.

    Examples
    --------
    >>> from matstats.study_effects import study_effect_sizes
    >>> effect_labels(study_effect_sizes().effects).iloc[0]
    'hohmann2012_neck: nrs_pain 2w [p_equal_arms] *'
    """
    n_contrasts = effects.groupby("study_id")["contrast"].transform("nunique")

    def one(r) -> str:
        tp = "" if pd.isna(r["timepoint_weeks"]) else f" {r['timepoint_weeks']:g}w"
        tag = "bound" if r["method"] == "bound_only" else r["method"].replace("from_", "")
        flag = " *" if r["uses_unverified"] else ""
        if "inference" in r.index and r["inference"]:
            flag += " (inference)"
        con = f" ({r['contrast']})" if n_contrasts.loc[r.name] > 1 else ""
        return f"{r['study_id']}{con}: {r['outcome_measure']}{tp} [{tag}]{flag}"

    return effects.apply(one, axis=1).astype(str)
