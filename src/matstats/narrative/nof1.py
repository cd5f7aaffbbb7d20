"""Words for a personal (n-of-1) trial: the diary verdict and the printable report.

The numbers come from :mod:`matstats.nof1.diary` (the label by :func:`verdict_label`, the
estimates in a :class:`~matstats.nof1.diary.DiaryResult`); this module only turns them into
sentences.
"""

from __future__ import annotations

import math

import pandas as pd

from matstats import _checks
from matstats.literature import NOF1_EXPECTATION_BIAS
from matstats.nof1.diary import COMPARATORS, benefit_scale, verdict_label

__all__ = ["diary_summary", "make_verdict"]


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _pct(p: float) -> str:
    if p > 0.99:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{p:.0%}"


#: First sentence of the verdict, by label: format strings over b, lo, hi (benefit scale),
#: mcid, n_cycles and better / worse ("lower" / "higher" for a pain score).
_HEADLINES = {
    "no_interval": (
        "Unclear: with {n_cycles} usable cycle(s) no interval can be computed; run more "
        "cycles (at least 3, and 6 for the randomization test to be able to reach p < 0.05)."
    ),
    "benefit_likely": (
        "Benefit likely: your scores were {b:.1f} points {better} on the mat "
        "(95% CI {lo:.1f} to {hi:.1f}), at least the {mcid:g}-point difference "
        "that people usually notice."
    ),
    "small_benefit_likely": (
        "A benefit is likely but small: your scores were {b:.1f} points {better} on the "
        "mat (95% CI {lo:.1f} to {hi:.1f}), less than the {mcid:g}-point difference "
        "that people usually notice."
    ),
    "worse_on_mat": (
        "Worse on the mat: your scores were {minus_b:.1f} points {worse} "
        "on mat periods (95% CI {minus_hi:.1f} to {minus_lo:.1f})."
    ),
    "no_meaningful_benefit": (
        "No meaningful benefit: the difference was {b:.1f} points in the mat's favour "
        "(95% CI {lo:.1f} to {hi:.1f}); the interval rules out the {mcid:g}-point benefit "
        "that people usually notice."
    ),
    "unclear": (
        "Unclear: the difference was {b:.1f} points in the mat's favour (95% CI {lo:.1f} to "
        "{hi:.1f}), which includes both no effect and a {mcid:g}-point benefit; more cycles "
        "would narrow it."
    ),
}


def _headline(label: str, b: float, lo: float, hi: float, *, mcid: float, n_cycles: int,
              lower_is_better: bool) -> str:
    finite = math.isfinite(b) and math.isfinite(lo) and math.isfinite(hi)
    key = label if finite else "no_interval"
    return _HEADLINES[key].format(
        b=b, lo=lo, hi=hi, minus_b=-b, minus_lo=-lo, minus_hi=-hi, mcid=mcid,
        n_cycles=n_cycles, better="lower" if lower_is_better else "higher",
        worse="higher" if lower_is_better else "lower",
    )


def _test_sentences(*, mcid, n_cycles, prob_benefit, prob_mcid, pval_randomization,
                    min_pval_randomization, pval_day_t, pval_cycle_t, alpha) -> list[str]:
    """Bayesian probabilities, the randomization test and a disagreeing day-level t test."""
    out = []
    if math.isfinite(prob_benefit):
        out.append(f"Posterior probability that the mat helps at all: {_pct(prob_benefit)}; "
                   f"that it helps by {mcid:g} points or more: {_pct(prob_mcid)}.")
    if math.isfinite(pval_randomization):
        s = f"Randomization test {_fmt_p(pval_randomization)}"
        if math.isfinite(min_pval_randomization) and min_pval_randomization > alpha:
            s += (f" (with {n_cycles} cycles it cannot go below {min_pval_randomization:.3f}, "
                  f"so it can never reach {alpha:g})")
        out.append(s + ".")
    if (math.isfinite(pval_day_t) and math.isfinite(pval_cycle_t)
            and (pval_day_t < alpha) != (pval_cycle_t < alpha)):
        out.append(f"The naive day-by-day t test gives {_fmt_p(pval_day_t)}; it treats "
                   "correlated days as independent and overstates certainty, so it is shown "
                   "for comparison only.")
    return out


def _comparator_sentence(label: str, lo: float, *, comparator: str, bang_bi_mat: float) -> str:
    if comparator == "no_mat":
        bias = NOF1_EXPECTATION_BIAS.mean
        s = (
            "Caveat: your control periods were without a mat, so you knew when you were on it. "
            f"Expectation alone typically moves such ratings by about {bias:g} "
            "point in the treatment's favour, and this diary cannot separate that from a real "
            "effect"
        )
        if label in ("benefit_likely", "small_benefit_likely") and lo - bias <= 0:
            s += (f"; a {bias:g}-point expectation bias would explain the lower "
                  "end of the interval")
        return s + ". A blunt 'sham' mat as the comparator avoids this."
    s = ("The comparator was a sham mat, which protects against expectation bias only if you "
         "could not tell the mats apart")
    if math.isfinite(bang_bi_mat):
        s += (f"; your guesses give a blinding index of {bang_bi_mat:.2f} on mat periods "
              "(0 = guessing, 1 = always right)")
    return s + "."


def make_verdict(
    estimate: float,
    ci_low: float,
    ci_high: float,
    *,
    n_cycles: int,
    mcid: float = 2.0,
    lower_is_better: bool = True,
    comparator: str = "no_mat",
    prob_benefit: float = math.nan,
    prob_mcid: float = math.nan,
    pval_randomization: float = math.nan,
    min_pval_randomization: float = math.nan,
    pval_day_t: float = math.nan,
    pval_cycle_t: float = math.nan,
    alpha: float = 0.05,
    bang_bi_mat: float = math.nan,
) -> tuple[str, str]:
    """Plain-language verdict from the primary (cycle-level) estimate and its 95% CI.

    The label is :func:`matstats.nof1.diary.verdict_label`; the text starts with the
    label's sentence and adds the Bayesian probabilities, the randomization test (and the
    smallest p it can reach), the naive day-level t test when it disagrees with ``cycle_t``
    at ``alpha``, and the comparator caveat (an unblinded ``"no_mat"`` comparator: the
    expectation bias ``literature.NOF1_EXPECTATION_BIAS``, 0.5 points; a ``"sham"``: the
    blinding index of the mat periods).

    Parameters
    ----------
    estimate, ci_low, ci_high : float
        Mat minus control and its 95% CI, score points.
    n_cycles : int
        Cycles used.
    mcid : float
        Minimal clinically important difference, points.
    lower_is_better : bool
        Whether a lower score is better (pain).
    comparator : {"no_mat", "sham"}
    prob_benefit, prob_mcid : float
        Posterior probabilities of any benefit / a benefit of at least ``mcid`` (NaN: omitted).
    pval_randomization, min_pval_randomization, pval_day_t, pval_cycle_t : float
        p-values of the randomization test (and its smallest possible value), the day-level
        and the cycle-level t tests (NaN: omitted).
    alpha : float
        Test size for the statements about the tests.
    bang_bi_mat : float
        Bang blinding index on mat periods (sham comparator only; NaN: omitted).

    Returns
    -------
    (label, text) : tuple of str

    Examples
    --------
    >>> label, text = make_verdict(-2.5, -3.5, -1.5, n_cycles=6, comparator="sham")
    >>> label
    'benefit_likely'
    >>> text.split(":")[0]
    'Benefit likely'
    """
    _checks.one_of("comparator", comparator, COMPARATORS)
    alpha = _checks.alpha(alpha)
    label = verdict_label(estimate, ci_low, ci_high, mcid=mcid, lower_is_better=lower_is_better)
    b, lo, hi = benefit_scale(estimate, ci_low, ci_high, lower_is_better)
    sentences = [_headline(label, b, lo, hi, mcid=mcid, n_cycles=n_cycles,
                           lower_is_better=lower_is_better)]
    sentences += _test_sentences(
        mcid=mcid, n_cycles=n_cycles, prob_benefit=prob_benefit, prob_mcid=prob_mcid,
        pval_randomization=pval_randomization, min_pval_randomization=min_pval_randomization,
        pval_day_t=pval_day_t, pval_cycle_t=pval_cycle_t, alpha=alpha,
    )
    sentences.append(_comparator_sentence(label, lo, comparator=comparator,
                                          bang_bi_mat=bang_bi_mat))
    return label, " ".join(sentences)


def _reason_counts(excluded: pd.DataFrame) -> str:
    if not len(excluded):
        return "none"
    counts = excluded["reason"].value_counts(sort=False)
    return ", ".join(f"{r}: {n}" for r, n in counts.items())


def diary_summary(result) -> str:
    """A printable report of a :class:`~matstats.nof1.diary.DiaryResult`: the data used, the
    method table and the verdict.

    Returns
    -------
    str

    Examples
    --------
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> diary_summary(analyze(example_diary_path())).splitlines()[0].startswith("Diary ")
    True
    """
    days = result.days
    n_rated = int(days["score"].notna().sum())
    head = (
        f"Diary {result.source}: {len(days)} days "
        f"({days['date'].iloc[0]} to {days['date'].iloc[-1]}), "
        f"{len(result.cycles)} cycles, {n_rated} days rated, "
        f"{len(result.excluded)} days not used in the period means "
        f"({_reason_counts(result.excluded)})."
    )
    methods = result.methods
    table = methods.drop(columns=["note"]).to_string(
        index=False, float_format=lambda v: f"{v:.3f}", na_rep="-"
    )
    notes = "\n".join(f"  {m}: {n}" for m, n in zip(methods["method"], methods["note"]) if n)
    parts = [head, "", "Estimates: mat minus control, in score points.", table]
    if notes:
        parts += ["", "Notes:", notes]
    if len(result.blinding):
        parts += ["", "Blinding (Bang index per arm; 0 = guessing, 1 = always right):",
                  result.blinding.to_string(index=False, float_format=lambda v: f"{v:.2f}")]
    parts += ["", "Verdict: " + result.verdict]
    return "\n".join(parts)
