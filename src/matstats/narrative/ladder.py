"""Words for the control ladder: the plain-language conclusion and the effect-size labels.

Every number in the text is read from the results of :mod:`matstats.evidence.study_effects` and
:mod:`matstats.ladder`; nothing here computes a statistic.
"""

from __future__ import annotations

import math

import pandas as pd

from matstats import literature
from matstats.evidence.citations import study_label
from matstats.evidence.study_effects import MatEffects
from matstats.vocab import RUNG_LABELS, RUNGS, _code_words, _word

__all__ = [
    "effect_labels",
    "ladder_conclusion",
    "sham_comparison_sentences",
    "sham_answer_sentence",
    "sham_posterior_sentences",
    "sham_sensitivity_sentence",
]


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
    methods = [_word("method", m) for m in sorted(set(points["method"]))]
    if methods:
        lines.append("Point estimates were computed " + ", ".join(methods) + ".")
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


def _measures(rows: pd.DataFrame) -> str:
    """The outcome measures of some rows in words, each once."""
    return ", ".join(dict.fromkeys(_word("outcome_measure", m) for m in rows["outcome_measure"]))


def _inference_sentences(effects: MatEffects) -> list[str]:
    """Which rows are our reading of the source, and whether a whole rung rests on them."""
    eff = effects.effects
    if "inference" not in eff.columns or not eff["inference"].any():
        return []
    inf = eff[eff["inference"]]
    parts = "; ".join(f"{sid} {_measures(g)}" for sid, g in inf.groupby("study_id", sort=False))
    lines = [f"{len(inf)} of the {len(eff)} rows are an inference (the source implies but does "
             f"not state the result; {_code_words('value_status=unverified')}): {parts}."]
    for (dg, rung), grp in eff.groupby(["device_group", "control_class"], sort=False):
        if grp["inference"].all():
            lines.append(
                f"The {dg} vs {RUNG_LABELS[rung]} rung rests entirely on an inference "
                f"({', '.join(dict.fromkeys(grp['study_id']))}: {_measures(grp)}).")
    return lines


def _manual_sentence(manual: pd.DataFrame | None) -> list[str]:
    if manual is None or not len(manual):
        return []
    parts = []
    for r in manual.itertuples():
        tp = "" if pd.isna(r.timepoint_weeks) else f" at {r.timepoint_weeks:g} weeks"
        n = f", {int(r.n_treatment)}/{int(r.n_control)} per arm" if r.n_treatment == r.n_treatment else ""
        parts.append(f"{r.study_id} {_word('outcome_measure', r.outcome_measure)}{tp}: g = "
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
    keyed = bounds.assign(_txt=[_bound_text(b) for b in bounds.itertuples()])
    parts = [f"{sid} ({dg}, {_word('contrast', contrast)}) {_measures(grp)}: {txt}"
             for (dg, sid, contrast, txt), grp in keyed.groupby(
                 ["device_group", "study_id", "contrast", "_txt"], sort=False)]
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
        what = f"g = {grp['effect'].iloc[0]:.2f}"
        what += f" ({_word(key, keyval)})" if key == "prior" else ""
        parts.append(f"at {what}: {per}")
    if parts:  # one alpha for the whole table
        lines.append(f"A two-arm mat-vs-sham trial (two-sided alpha {float(ss['alpha'].iloc[0]):g}) "
                     "would need " + "; ".join(parts) + ".")
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
        Output of :func:`matstats.evidence.study_effects.study_effect_sizes`.
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
    >>> from matstats import ladder
    >>> from matstats.evidence import study_effects
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
    eff = effects.effects
    if not (eff["control_class"] == "sham").any():
        lines.append(
            "The sham rung has no data for any device: the one device-vs-device comparison "
            "(acupressure backrest vs plain backrest) has an active control, because the plain "
            "backrest is a device the wearer can tell apart and it beat no intervention on its own."
        )
    return "\n".join(lines)


#: outcome measures whose code is not plain words
_MEASURE_WORDS = {"nrs_pain": "pain (0-10)", "ppt_max": "pain threshold"}


def effect_labels(effects: pd.DataFrame) -> pd.Series:
    """Row labels for plots, in words: ``Hohmann 2012 (neck), pain (0-10), 2 weeks``.

    The study by its label (:func:`matstats.evidence.citations.study_label`), the comparison
    when a study has more than one (``vs plain backrest``), the outcome and the time point;
    `` (bound)`` marks a row known only as a one-sided bound, `` *`` rows that use
    unverified or derived inputs, `` (inference)`` rows whose result is our reading of the
    source.

    Parameters
    ----------
    effects : pandas.DataFrame
        ``effects`` of :func:`matstats.evidence.study_effects.study_effect_sizes`.

    Returns
    -------
    pandas.Series of str
        One label per row, aligned with ``effects``.

    Examples
    --------
    >>> from matstats.evidence.study_effects import study_effect_sizes
    >>> effect_labels(study_effect_sizes().effects).iloc[0]
    'Hohmann 2012 (neck), pain (0-10), 2 weeks *'
    """
    n_contrasts = effects.groupby("study_id")["contrast"].transform("nunique")

    def one(r) -> str:
        name = study_label(r["study_id"])
        if n_contrasts.loc[r.name] > 1:  # the comparison: what the study's arm was against
            name += " vs " + r["contrast"].split("_vs_")[-1].replace("_", " ")
        parts = [name, _MEASURE_WORDS.get(r["outcome_measure"], r["outcome_measure"].replace("_", " "))]
        if not pd.isna(r["timepoint_weeks"]):
            parts.append(f"{r['timepoint_weeks']:g} week{'' if r['timepoint_weeks'] == 1 else 's'}")
        flag = " (bound)" if r["method"] == "bound_only" else ""
        flag += " *" if r["uses_unverified"] else ""
        if "inference" in r.index and r["inference"]:
            flag += " (inference)"
        return ", ".join(parts) + flag

    return effects.apply(one, axis=1).astype(str)


# ------------------------------------------------------------------ the Bayesian answer
def _range(values: pd.Series, fmt: str) -> str:
    lo, hi = format(float(values.min()), fmt), format(float(values.max()), fmt)
    return lo if lo == hi else f"{lo} to {hi}"


def sham_posterior_sentences(post, *, target: str = "new_trial") -> str:
    """The Bayesian answer to "does the mat beat a sham?" and what it assumes.

    Parameters
    ----------
    post : ShamPosterior
        Output of :func:`matstats.ladder.bayes.sham_posterior`.
    target : {"new_trial", "average"}
        The effect a new mat-vs-sham trial would see, or the average effect.

    Returns
    -------
    str
        Sentences separated by newlines: the answer across the offset priors, one line per
        offset prior, and the assumptions (number of open-control studies, where the offsets
        come from, that it is an inference).

    Examples
    --------
    >>> from matstats.ladder.bayes import sham_posterior
    >>> "not a measurement" in sham_posterior_sentences(sham_posterior([0.75], sei=[0.33]))
    True
    """
    frame = post.to_frame()
    rows = frame[(frame["target"] == target) & (frame["question"] == "beats_sham")]
    if not len(rows):
        raise ValueError(f"target must be 'new_trial' or 'average', got {target!r}")
    k = int(rows["k"].iloc[0])
    lv = f"{post.level:.0%}"
    tau_prior = _word("tau_prior", post.tau_prior.label)
    what = ("the true mat-vs-sham effect in a new trial's setting" if target == "new_trial"
            else "the true average mat-vs-sham effect")
    lines = [
        f"Bayesian answer ({tau_prior} heterogeneity prior): across the {len(rows)} "
        f"offset priors, the probability that {what} favours the mat is "
        f"{_range(rows['prob_beats_sham'], '.0%')}, and that it does so by more than the "
        f"between-group important difference of {post.mid:.2f} SD "
        f"{_range(rows['prob_beats_sham_by_mid'], '.0%')}."]
    for r in rows.itertuples():
        lines.append(
            f"{_word('offset_prior', r.offset_prior)} ({r.form}): median {r.median:.2f} SD "
            f"({lv} credible interval {r.ci_low:.2f} to {r.ci_high:.2f}); P(true effect > 0) "
            f"{r.prob_beats_sham:.0%}, P(true effect > MID) {r.prob_beats_sham_by_mid:.0%}.")
    data = (f"k = {k} open-control stud{'y' if k == 1 else 'ies'} "
            f"({', '.join(post.study_ids)})")
    tau = ("so the data say nothing about how much trials differ: the heterogeneity result "
           f"is its prior ({tau_prior}), not an estimate" if k == 1 else
           f"too few to estimate how much trials differ; the heterogeneity prior matters "
           f"(posterior median tau {rows['tau_median'].iloc[0]:.2f} SD)")
    lines.append(
        f"What this assumes: {data}, {tau}; offsets measured for other interventions "
        "(placebos, physical shams, acupuncture) that are assumed to carry over to mats and "
        "to be independent of the open effect. It is an inference, not a measurement: no "
        "mat-vs-sham trial has results.")
    return "\n".join(lines)


def sham_comparison_sentences(comparison: pd.DataFrame) -> str:
    """When and why the frequentist and Bayesian answers differ, from the computed comparison.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`matstats.ladder.bayes.compare_sham_answers`.

    Returns
    -------
    str
        Sentences: the frequentist heterogeneity, the gap between the frequentist answer and
        the Bayesian one with tau = 0 (approximation only), the widening from an uncertain
        tau and from a new trial's own deviation, and the change in P(mat beats sham).

    Examples
    --------
    >>> from matstats.ladder.bayes import compare_sham_answers
    >>> "wider" in sham_comparison_sentences(compare_sham_answers([0.75], sei=[0.33]))
    True
    """
    by = {a: g.reset_index(drop=True) for a, g in comparison.groupby("answer", sort=False)}
    freq, zero = by["frequentist"], by["bayes_tau_zero"]
    gap = (freq[["ci_low", "ci_high"]] - zero[["ci_low", "ci_high"]]).abs().max(axis=1)
    diff = freq["form"] == "difference"
    lines = [f"Frequentist answer: heterogeneity {freq['heterogeneity'].iloc[0]}."]
    if diff.any():
        same = ("equals" if gap[diff].max() < 1e-9 else
                f"is within {gap[diff].max():.2g} SD of")
        lines.append(
            f"For the {int(diff.sum())} difference offsets it {same} the Bayesian answer with "
            "tau fixed at 0: the same normal model, so the answers differ only through "
            "heterogeneity.")
    if (~diff).any():
        lines.append(
            f"For the ratio offset the normal (delta-method) interval and the exact product "
            f"differ by at most {gap[~diff].max():.3f} SD.")
    av, nt = by["bayes_average"], by["bayes_new_trial"]
    lines.append(
        f"An uncertain tau ({_word('heterogeneity', av['heterogeneity'].iloc[0])}) makes the "
        f"interval for the average effect {_range(av['width_ratio'], '.1f')} times wider, and a "
        f"new trial's own deviation makes the prediction {_range(nt['width_ratio'], '.1f')} times "
        "wider than the frequentist interval.")
    lines.append(
        f"P(mat beats sham) is {_range(freq['prob_beats_sham'], '.0%')} by the frequentist normal "
        f"approximation and {_range(nt['prob_beats_sham'], '.0%')} for the true effect in a new "
        f"trial's setting; P(by more than the between-group MID) "
        f"{_range(freq['prob_beats_sham_by_mid'], '.0%')} and "
        f"{_range(nt['prob_beats_sham_by_mid'], '.0%')}.")
    return "\n".join(lines)


def sham_sensitivity_sentence(table: pd.DataFrame) -> str:
    """One sentence on how the Bayesian answer moves across the priors.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`matstats.ladder.answer.sham_sensitivity`.

    Returns
    -------
    str

    Examples
    --------
    >>> from matstats.ladder.answer import sham_sensitivity
    >>> "heterogeneity priors" in sham_sensitivity_sentence(sham_sensitivity([0.75], sei=[0.33]))
    True
    """
    p, cols = table["prob_beats_sham"], ("open_prior", "tau_prior", "offset_prior", "g_input")
    lo, hi = (", ".join(_word(c, str(table.loc[i, c])) for c in cols)
              for i in (p.idxmin(), p.idxmax()))
    width = (table["ci_high"] - table["ci_low"]).groupby(table["tau_prior"]).mean()
    return (
        f"Across {table['open_prior'].nunique()} open-effect priors, "
        f"{table['tau_prior'].nunique()} heterogeneity priors, "
        f"{table['offset_prior'].nunique()} offset priors and {table['g_input'].nunique()} "
        f"input(s), the probability that the true effect favours the mat ranges from "
        f"{p.min():.0%} ({lo}) to {p.max():.0%} ({hi}), and that it exceeds the between-group MID "
        f"from {table['prob_beats_sham_by_mid'].min():.0%} to "
        f"{table['prob_beats_sham_by_mid'].max():.0%}; the heterogeneity prior moves the answer "
        f"more than the offset prior (widest intervals with {_word('tau_prior', width.idxmax())}, "
        f"narrowest with {_word('tau_prior', width.idxmin())}).")


def sham_answer_sentence(answer) -> str:
    """The reader's sentence on "does a mat beat a sham?", built from the computed answer.

    Parameters
    ----------
    answer : ShamAnswer
        Output of :func:`matstats.ladder.answer.sham_answer`.

    Returns
    -------
    str
        One paragraph: the posterior probability that a mat's true effect is better than a
        sham's (the default figure and what the default is), the same figure with the pilot
        taken at face value, the range across the whole sensitivity grid, the probability of
        a between-group important difference, and the assurance of the quoted trial sizes
        with the size 80% assurance needs (or that no size reaches it). It never says what a
        trial "would find": that is the assurance.

    Examples
    --------
    >>> from matstats.ladder.answer import sham_answer
    >>> text = sham_answer_sentence(sham_answer([0.75], sei=[0.33], n_per_arm=[100]))
    >>> "true effect is better than a sham's" in text
    True
    """
    d = answer.default
    lo, hi = answer.grid_range
    n_cells = len(answer.grid)
    open_name = str(d["open_prior"])
    face = answer.prob_under("flat") if "flat" in set(answer.open_priors["open_prior"]) else None
    k = int(d["k"])
    res = "the one open-control result" if k == 1 else f"the {k} open-control results"
    what = {"sceptical": f"a sceptical prior on {res}",
            "flat": f"{res} taken at face value",
            "pilot_deflated": f"{res} deflated for small-pilot exaggeration",
            }.get(open_name, f"the {open_name} prior on {res}")
    readings = (", sham offsets and readings of the pilot's p-value"
                if answer.grid["g_input"].nunique() > 1 else " and sham offsets")
    mid_points = float(d["mid"]) * literature.NRS_SD
    text = (
        "No trial has compared a mat with a sham mat, so this is an inference. The "
        f"probability that a mat's true effect is better than a sham's is {d['prob_beats_sham']:.0%} "
        f"(with {what} and a typical physical sham)"
        + (f", {face:.0%} if {'that result is' if k == 1 else 'they are'} taken at face value" if face is not None
           and open_name != "flat" else "")
        + f", and anywhere from {lo:.0%} to {hi:.0%} across all {n_cells} combinations of "
        f"priors{readings}. The probability that it is "
        f"better by a difference that matters between groups ({mid_points:g} point on a 0-10 "
        f"scale) is {d['prob_beats_sham_by_mid']:.0%}. ")
    a = answer.assurance
    sizes = _range(a["n_per_arm"], ".0f")
    text += (f"A trial with {sizes} people per group would come out significantly in the mat's "
             f"favour with a probability of {_range(a['assurance'], '.0%')}; ")
    if math.isinf(answer.n_for_target):
        text += (f"no trial size reaches {answer.assurance_target:.0%}, because the chance "
                 "that the mat is better at all is lower than that.")
    else:
        text += (f"{answer.assurance_target:.0%} needs {answer.n_for_target:.0f} people "
                 "per group.")
    return text
