"""Words for a personal (n-of-1) trial: the diary verdict, the printable report and the notes
of a plan. The numbers and the label rule are :mod:`matstats.nof1`'s."""

from __future__ import annotations

import math

import pandas as pd

from matstats._core import checks as _checks
from matstats.literature import MCID_NRS, NOF1_DEFAULTS, NOF1_EXPECTATION_BIAS, NOF1_SOURCES
from matstats.nof1.design import DESIGNS, min_randomization_pval
from matstats.nof1.verdict import (
    _COMPARATORS,
    DIRECTIONAL_LABELS,
    MIN_DIRECTION_CYCLES,
    PROVISIONAL_ALPHA,
    _benefit_scale,
    verdict_label,
    verdict_labels,
)
from matstats.tables.reader import format_value

__all__ = ["defaults_sentence", "diary_summary", "make_verdict", "method_notes", "method_table",
           "plan_notes", "verdict_text", "fmt_num"]


def fmt_num(x: float, decimals: int = 1) -> str:
    """``x`` rounded to ``decimals``, never printed as ``-0.0``; NaN as ``-``.

    Examples
    --------
    >>> fmt_num(-0.04), fmt_num(-0.06), fmt_num(float("nan"))
    ('0.0', '-0.1', '-')
    """
    return format_value(float(x), decimals) if math.isfinite(x) else "-"


def _fmt_pval(p: float) -> str:
    """A p-value: ``< 0.001`` below 0.001, else three decimals; NaN as ``-``."""
    if not math.isfinite(p):
        return "-"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _fmt_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _fmt_bound(x: float, edges: tuple[float, ...]) -> str:
    """``x`` with one decimal, or more when one decimal would put it on the other side of
    (or onto) one of ``edges`` (0 and the MCID), so a printed bound never contradicts the
    label it supports."""
    if not math.isfinite(x):
        return "-"

    def same_side(text: str) -> bool:
        v = float(text)
        return all((v > e) == (x > e) and (v < e) == (x < e) for e in edges)

    for d in (1, 2):
        text = fmt_num(x, d)
        if same_side(text):
            return text
    # within 0.005 of an edge: round away from it at 3 decimals, toward x's side
    near = min(edges, key=lambda e: abs(x - e))
    v = math.floor(x * 1000) / 1000 if x < near else math.ceil(x * 1000) / 1000
    return fmt_num(v, 3)


def _pct(p: float) -> str:
    if p > 0.99:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{p:.0%}"


#: First sentence of the verdict, by label: format strings over b, lo, hi (benefit scale,
#: already formatted), amount (the difference in words, e.g. "0.2 points higher"), lv (the
#: interval's level), mcid, n_cycles and better / worse ("lower" / "higher" for a pain score).
_HEADLINES = {
    "no_interval": (
        "Unclear: with {n_cycles} usable cycle(s) no interval can be computed; run more "
        "cycles (at least 3, and 6 for the randomization test to be able to reach p < 0.05)."
    ),
    "benefit_likely": (
        "Benefit likely: your scores were {b} points {better} on the mat "
        "({lv} credible interval {lo} to {hi}), at least the {mcid:g}-point difference "
        "that people usually notice."
    ),
    "small_benefit_likely": (
        "A benefit is likely but small: your scores were {b} points {better} on the "
        "mat ({lv} credible interval {lo} to {hi}), less than the {mcid:g}-point difference "
        "that people usually notice."
    ),
    "worse_on_mat": (
        "Worse on the mat: your scores were {minus_b} points {worse} "
        "on mat periods ({lv} credible interval {minus_hi} to {minus_lo})."
    ),
    "no_meaningful_benefit": (
        "No meaningful benefit: your scores were {amount} on the mat "
        "({lv} credible interval of the benefit {lo} to {hi}{neg}); the interval rules out "
        "the {mcid:g}-point benefit that people usually notice."
    ),
    "unclear": (
        "Unclear: your scores were {amount} on the mat ({lv} credible interval of the "
        "benefit {lo} to {hi}{neg}), which includes both no effect and a {mcid:g}-point "
        "benefit; more cycles would narrow it."
    ),
    "too_few": (
        "Unclear: {n_cycles} cycles are too few to tell a direction; your scores were {amount} "
        "on the mat ({lv} interval of the benefit {lo} to {hi}{neg}). Run at least "
        "{min_cycles} cycles."
    ),
}

#: First sentence of an open comparison's verdict (no mat on control periods, or guesses that
#: show the person knew), by label: the benefit is judged beyond the expectation bias.
_OPEN_HEADLINES = {
    "benefit_likely": (
        "Benefit likely, beyond expectation: your scores were {raw} on the mat; taking out "
        "the {bias:g} point that knowing you are on the mat typically gives leaves a benefit "
        "of {b} points ({lv} credible interval {lo} to {hi}), at least the {mcid:g}-point "
        "difference that people usually notice."
    ),
    "small_benefit_likely": (
        "A benefit beyond expectation is likely but small: your scores were {raw} on the "
        "mat; taking out the {bias:g} point that knowing you are on the mat typically gives "
        "leaves {b} points ({lv} credible interval {lo} to {hi}), less than the "
        "{mcid:g}-point difference that people usually notice."
    ),
    "within_expectation": (
        "Not separable from expectation: your scores were {raw} on the mat, a difference "
        "that expectation alone could give when you know you are on the mat (typically "
        "{bias:g} point, possibly more); beyond expectation they were {adj} ({lv} credible "
        "interval of the benefit {lo} to {hi}{neg}), which includes no effect."
    ),
    "worse_on_mat": (
        "Worse on the mat: your scores were {raw} on the mat, and worse still once "
        "the expected {bias:g}-point expectation bias is taken out ({lv} credible interval of "
        "the harm {minus_hi} to {minus_lo} points)."
    ),
    "no_meaningful_benefit": (
        "No meaningful benefit beyond expectation: your scores were {raw} on the mat; "
        "beyond the {bias:g} point expectation typically gives, they were {adj} ({lv} "
        "credible interval of the benefit {lo} to {hi}{neg}), which rules out the "
        "{mcid:g}-point benefit that people usually notice."
    ),
    "unclear": (
        "Unclear: your scores were {raw} on the mat; beyond the {bias:g} point "
        "expectation typically gives, they were {adj} ({lv} credible interval of the benefit "
        "{lo} to {hi}{neg}), which includes both no effect and a {mcid:g}-point benefit."
    ),
}


def _amount(b: float, better: str, worse: str) -> str:
    """A difference on the benefit scale in words, never a negative amount: "1.2 points lower",
    "0.2 points higher", "about the same (less than 0.05 points apart)"."""
    if not math.isfinite(b):
        return "-"
    if fmt_num(abs(b)) == "0.0":
        return "about the same (less than 0.05 points apart)"
    return f"{fmt_num(abs(b))} points {better if b > 0 else worse}"


def _headline(label: str, b: float, lo: float, hi: float, *, mcid: float, n_cycles: int,
              lower_is_better: bool, level: float = 0.95, open_comparison: bool = False,
              b_raw: float = math.nan, bias: float = 0.0) -> str:
    finite = math.isfinite(b) and math.isfinite(lo) and math.isfinite(hi)
    better = "lower" if lower_is_better else "higher"
    worse = "higher" if lower_is_better else "lower"
    if not finite:
        key, table = "no_interval", _HEADLINES
    elif n_cycles < MIN_DIRECTION_CYCLES:
        key, table = "too_few", _HEADLINES
    elif open_comparison and label in _OPEN_HEADLINES:
        key, table = label, _OPEN_HEADLINES
    else:
        key, table = label, _HEADLINES
    edges = (0.0, mcid)
    neg_edges = (0.0, -mcid)
    lv = f"{level:.1%}".replace(".0%", "%")
    return table[key].format(
        b=fmt_num(b), lo=_fmt_bound(lo, edges), hi=_fmt_bound(hi, edges),
        minus_b=fmt_num(-b), minus_lo=_fmt_bound(-lo, neg_edges),
        minus_hi=_fmt_bound(-hi, neg_edges), mcid=mcid, n_cycles=n_cycles,
        better=better, worse=worse, amount=_amount(b, better, worse), lv=lv,
        raw=_amount(b_raw if math.isfinite(b_raw) else b, better, worse), bias=bias,
        adj=_amount(b, better, worse),
        neg="; below 0 = worse on the mat" if lo < 0 else "", min_cycles=MIN_DIRECTION_CYCLES,
    )


def _randomization_sentence(*, decided: bool, n_cycles, pval, min_pval, alpha, randomized,
                            design) -> str | None:
    if randomized is False:
        return (f"The order within cycles was fixed (design {design}), not decided by coin "
                "flips, so no randomization test is reported, and a slow drift in your scores "
                "could look like a mat effect.")
    if not math.isfinite(pval):
        return None
    s = f"Randomization test {_fmt_p(pval)}"
    if randomized is None:
        s += " (valid only if a coin decided the order of each cycle)"
    if math.isfinite(min_pval) and min_pval > alpha:
        s += (f"; with {n_cycles} cycles it cannot go below {min_pval:.3f}, "
              f"so it can never reach {alpha:g}")
    elif pval < alpha and not decided:
        s += ("; on its own it would call the difference real, but the analysis above is not "
              "sure of the direction, so take it as a hint only")
    elif pval >= alpha and decided:
        s += ("; it does not confirm the verdict on its own, which therefore leans on the "
              "analysis's assumption of normally distributed cycle differences")
    return s + "."


def _comparator_sentence(label: str, lo: float, *, comparator: str, bang_bi_mat: float,
                         adjusted: bool = False) -> str:
    bias = NOF1_EXPECTATION_BIAS.mean
    if adjusted:
        knew = comparator == "sham"
        s = ("Your guesses show you could tell the mats apart (a blinding index of "
             f"{bang_bi_mat:.2f} on mat periods; 0 = guessing, 1 = always right), so the "
             "comparison was open" if knew else "Your control periods were without a mat, so you knew when you "
             "were on it")
        return (s + f": expectation alone typically moves such ratings by about {bias:g} "
                f"point (uncertain, roughly 0 to {bias + 2 * NOF1_EXPECTATION_BIAS.sd:g}), "
                "and the verdict counts only the part beyond it. A blunt 'sham' mat as the "
                "comparator avoids this.")
    if comparator == "no_mat":
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
    mcid: float = MCID_NRS,
    lower_is_better: bool = True,
    comparator: str = "no_mat",
    prob_benefit: float = math.nan,
    prob_mcid: float = math.nan,
    pval_randomization: float = math.nan,
    min_pval_randomization: float = math.nan,
    pval_day_t: float = math.nan,
    alpha: float = 0.05,
    bang_bi_mat: float = math.nan,
    planned_cycles: int | None = None,
    randomized: bool | None = None,
    design: str | None = None,
    verdict=None,
) -> tuple[str, str]:
    """Plain-language verdict from one analysis: its estimate, 95% interval and probabilities.

    :func:`matstats.nof1.analyze` passes the calibrated ``bayes`` analysis (posterior median,
    95% credible interval, P(benefit), P(benefit >= mcid)). The label is
    :func:`matstats.nof1.verdict.verdict_labels` of the probabilities when they are given, else
    :func:`matstats.nof1.verdict.verdict_label` of the interval; both encode one hierarchy, so
    the sentences cannot contradict each other:

    1. "Provisional: ..." when fewer than ``planned_cycles`` cycles were rated (with a
       ``verdict``: its stricter level and what would change it);
    2. the label's sentence with the estimate and interval (bounds printed with enough
       decimals to stay on their side of 0 and the MCID; never ``-0.0``);
    3. the two probabilities (same analysis);
    4. the randomization test, only for a randomized design (``randomized`` False: a note
       instead; None: a validity warning), with the smallest p it can reach, and a clause
       when it disagrees with the verdict's direction decision;
    5. the naive day-level t test, only when it claims an effect the verdict does not;
    6. the comparator caveat (an unblinded ``"no_mat"``: the expectation bias
       ``literature.NOF1_EXPECTATION_BIAS``; a ``"sham"``: the blinding index of mat periods).

    Parameters
    ----------
    estimate, ci_low, ci_high : float
        Mat minus control and its 95% interval, score points.
    n_cycles : int
        Cycles used.
    mcid : float
        Minimal clinically important difference, points.
    lower_is_better : bool
        Whether a lower score is better (pain).
    comparator : {"no_mat", "sham"}
    prob_benefit, prob_mcid : float
        Posterior probabilities of any benefit / a benefit of at least ``mcid`` (NaN: omitted).
    pval_randomization, min_pval_randomization, pval_day_t : float
        p-values of the randomization test (and its smallest possible value) and of the
        day-level t test (NaN: omitted).
    alpha : float
        Test size for the statements about the tests.
    bang_bi_mat : float
        Bang blinding index on mat periods (sham comparator only; NaN: omitted).
    planned_cycles : int, optional
        Cycles planned; more than ``n_cycles`` makes the verdict provisional.
    randomized : bool or None
        Whether a coin decided the order in each cycle (None: unknown).
    design : str, optional
        The design's name, used in the fixed-order note.
    verdict : matstats.nof1.verdict.Verdict, optional
        The verdict of a diary (:attr:`matstats.nof1.diary.DiaryResult.verdict`): its label,
        level and numbers, and the sentences of an open comparison (benefit beyond
        expectation) and of a trend-adjusted basis (order not randomized).

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
    _checks.one_of("comparator", comparator, _COMPARATORS)
    alpha = _checks.alpha(alpha)
    level = 0.95 if verdict is None else verdict.level
    if verdict is not None:
        label = verdict.label
    elif math.isfinite(prob_benefit) and math.isfinite(prob_mcid):
        label = str(verdict_labels(prob_benefit, prob_mcid))
    else:
        label = verdict_label(estimate, ci_low, ci_high, mcid=mcid,
                              lower_is_better=lower_is_better)
    if n_cycles < MIN_DIRECTION_CYCLES and label in DIRECTIONAL_LABELS:
        label = "unclear"
    decided = label in DIRECTIONAL_LABELS
    b, lo, hi = _benefit_scale(estimate, ci_low, ci_high, lower_is_better)
    open_ = verdict is not None and verdict.open_comparison
    sentences = []
    if planned_cycles is not None and n_cycles < planned_cycles:
        sentences.append(_provisional_sentence(n_cycles, planned_cycles, verdict))
    b_raw = math.nan
    if open_:
        b_raw = _benefit_scale(verdict.estimate_blinded, 0.0, 0.0, lower_is_better)[0]
    sentences.append(_headline(label, b, lo, hi, mcid=mcid, n_cycles=n_cycles,
                               lower_is_better=lower_is_better, level=level,
                               open_comparison=open_, b_raw=b_raw,
                               bias=verdict.bias_mean if open_ else 0.0))
    if math.isfinite(prob_benefit) and math.isfinite(prob_mcid):
        what = " beyond expectation" if open_ else ""
        sentences.append(f"Probability that the mat helps{what} at all: {_pct(prob_benefit)}; "
                         f"that it helps by {mcid:g} points or more: {_pct(prob_mcid)}.")
    if verdict is not None and verdict.basis == "trend":
        sentences.append(_order_sentence(verdict.order, randomized))
    r = _randomization_sentence(decided=decided, n_cycles=n_cycles, pval=pval_randomization,
                                min_pval=min_pval_randomization, alpha=alpha,
                                randomized=randomized, design=design)
    if r:
        sentences.append(r)
    if math.isfinite(pval_day_t) and pval_day_t < alpha and not decided:
        sentences.append(f"The naive day-by-day t test gives {_fmt_p(pval_day_t)}; it treats "
                         "correlated days as independent and overstates certainty, so it is "
                         "shown for comparison only.")
    sentences.append(_comparator_sentence(label, lo, comparator=comparator,
                                          bang_bi_mat=bang_bi_mat, adjusted=open_))
    return label, " ".join(sentences)


def _provisional_sentence(n_cycles: int, planned: int, verdict) -> str:
    s = (f"Provisional: only {n_cycles} of the {planned} planned cycles have usable ratings, "
         "so this verdict can still change.")
    if verdict is None:
        return s
    s += (f" Until all cycles are in, a verdict needs {1 - PROVISIONAL_ALPHA / 2:.2%} "
          "certainty instead of 97.5%, so that looking after every cycle does not raise the "
          "chance of a false claim; the interval below is the matching "
          f"{verdict.level:.1%} interval.")
    pb = verdict.prob_benefit
    if verdict.label == "unclear" and math.isfinite(pb) and (pb > 0.975 or pb < 0.025):
        way = "a benefit" if pb > 0.975 else "the mat being worse"
        s += (f" On the end-of-trial rule these numbers would already point to {way}; the "
              f"remaining {planned - n_cycles} cycle(s) will show whether that holds.")
    else:
        s += (f" The remaining {planned - n_cycles} cycle(s) can change it; the final verdict "
              "uses the usual 95% rule.")
    return s


def _order_sentence(order: str, randomized: bool | None) -> str:
    how = {"same": "every cycle ran in the same order",
           "alternating": "the order strictly alternated from cycle to cycle"}.get(order, "")
    s = f"In this diary {how}" if how else "The order was not randomized"
    if randomized is True:
        s += " (by chance, although a coin decided it)"
    elif how:
        s += ", so it was probably not decided by a coin"
    return (s + "; a slow drift in your scores could look like a mat effect, so the verdict "
            "comes from a regression of the period means on time and condition, which allows "
            "for a steady drift.")


def verdict_text(result) -> str:
    """The verdict of a :class:`~matstats.nof1.diary.DiaryResult` in words, with its caveats:
    :func:`make_verdict` of ``result.verdict_inputs()`` (the ``bayes`` row, the settings and
    the other methods' p-values).

    Examples
    --------
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> res = analyze(example_diary_path())
    >>> verdict_text(res).startswith("Benefit likely") == (res.verdict_label == "benefit_likely")
    True
    """
    return make_verdict(**result.verdict_inputs())[1]


def _reason_counts(excluded: pd.DataFrame) -> str:
    if not len(excluded):
        return "none"
    counts = excluded["reason"].value_counts(sort=False)
    return ", ".join(f"{r}: {n}" for r, n in counts.items())


def _fmt3(v: float) -> str:
    return f"{v:.3f}" if v >= 0.001 else f"{v:.1e}"


def method_notes(result) -> dict[str, str]:
    """What each method of a :class:`~matstats.nof1.diary.DiaryResult` did, in one line each.

    Returns
    -------
    dict
        Method name (the ``method`` column of ``result.methods``) -> note: the data and
        degrees of freedom used, the settings (prior, MCID), and what a method cannot show
        (a fixed-order design has no randomization test; an unknown design a validity warning).

    Examples
    --------
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> method_notes(analyze(example_diary_path()))["cycle_t"]
    'paired t on 6 cycle differences of period means, df 5'
    """
    n_cyc, design, raw = result.rated_cycles, result.design, result.raw
    notes = {"cycle_t": f"paired t on {n_cyc} cycle differences of period means, df {n_cyc - 1}"}
    if design is not None and design != "paired_random":
        notes["randomization"] = (f"not reported: the order was fixed (design {design}), so "
                                  "there were no coin flips to re-randomize")
    else:
        min_p = result.min_pval_randomization
        note = (f"sign-flip test, exact over all 2^{n_cyc} coin-flip allocations; smallest "
                f"possible p {_fmt3(min_p)}" if math.isfinite(min_p)
                else "sign-flip test, Monte Carlo allocations")
        if design is None:
            note += "; valid only if a coin decided the order of each cycle"
        notes["randomization"] = note
    notes["gls_ar1"] = ("day-level regression (intercept, linear trend, mat) with AR(1) errors, "
                        f"estimated rho {float(raw['gls_ar1_rho']):.2f}, t interval df "
                        f"{float(raw['gls_ar1_df']):g}")
    notes["bayes"] = (f"normal prior N(0, {result.prior_sd:g}^2) on the effect, cycle-difference "
                      "SD integrated out (Jeffreys prior); posterior median, 95% credible "
                      f"interval; prob_mcid = P(benefit >= {result.mcid:g} points); the verdict uses "
                      "this posterior, adjusted for expectation and drift where needed")
    notes["day_t"] = ("naive day-level two-sample t test; ignores autocorrelation, overstates "
                      "certainty; for comparison only")
    return {m: notes[m] for m in result.methods["method"]}


def method_table(result) -> pd.DataFrame:
    """The method table of a :class:`~matstats.nof1.diary.DiaryResult` as text cells: three
    decimals (never ``-0.000``), p-values below 0.001 as ``< 0.001``, ``-`` where a method
    defines no value (the notes are :func:`method_notes`).

    Examples
    --------
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> method_table(analyze(example_diary_path())).set_index("method").at["day_t", "pval"]
    '< 0.001'
    """
    shown = result.methods.copy()
    for c in ("estimate", "ci_low", "ci_high", "se", "prob_benefit", "prob_mcid"):
        shown[c] = [fmt_num(v, 3) for v in shown[c]]
    shown["pval"] = [_fmt_pval(v) for v in shown["pval"]]
    return shown


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
    if result.planned_cycles:
        head += (f" Planned cycles: {result.planned_cycles}; rated (usable in both periods): "
                 f"{result.rated_cycles}" + ("; the verdict is provisional."
                                             if result.provisional else "."))
    table = method_table(result).to_string(index=False)
    notes = "\n".join(f"  {m}: {n}" for m, n in method_notes(result).items() if n)
    sign = "negative" if result.lower_is_better else "positive"
    parts = [head, "", f"Estimates: mat minus control, in score points ({sign} = better on the "
             "mat). The verdict uses the bayes row.", table]
    if notes:
        parts += ["", "Notes:", notes]
    if len(result.blinding):
        parts += ["", "Blinding (Bang index per arm; 0 = guessing, 1 = always right):",
                  result.blinding.to_string(index=False, float_format=lambda v: f"{v:.2f}")]
    parts += ["", "Verdict: " + verdict_text(result)]
    return "\n".join(parts)


def defaults_sentence() -> str:
    """The default settings of a personal trial as a Markdown list, each with its source.

    Every number comes from :data:`matstats.literature.NOF1_DEFAULTS` and
    :data:`matstats.literature.NOF1_EXPECTATION_BIAS`, so the text follows the library.

    Examples
    --------
    >>> "7-day periods" in defaults_sentence()
    True
    """
    d, src = NOF1_DEFAULTS, NOF1_SOURCES
    items = [
        (f"{d['period_days']}-day periods, the first {d['washout_days']} day(s) of each not "
         "analysed (washout)", src["period_days"]),
        (f"within-person day-to-day SD {d['sd']:g} points on a 0-10 pain scale", src["sd"]),
        (f"day-to-day (lag-1) autocorrelation {d['rho']:g}", src["rho"]),
        (f"minimal clinically important difference (MCID) {d['mcid']:g} points", src["mcid"]),
        (f"expectation bias {NOF1_EXPECTATION_BIAS.mean:g} points when the comparator is "
         '"no mat" instead of a sham mat', NOF1_EXPECTATION_BIAS.source),
    ]
    lines = [f"- {what}. *Source:* {source}." for what, source in items]
    return "Default settings (`matstats.literature.NOF1_DEFAULTS`):\n\n" + "\n".join(lines)


def plan_notes(cycles: int, design: str = "paired_random", *, alpha: float = 0.05,
               mcid: float = MCID_NRS, n_trials: int = 2000, rng=None) -> list[str]:
    """What a plan can and cannot show, in words.

    Parameters
    ----------
    cycles : int
        Planned cycles (>= 2).
    design : {"paired_random", "abab", "alternating"}
    alpha : float
        Two-sided level of the randomization test.
    mcid : float
        The effect whose chance of a verdict is quoted (a benefit of ``mcid`` points).
    n_trials : int
        Simulated trials per comparator for that chance.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    list of str
        One sentence per point: a fixed order (no randomization test, the verdict adjusts for
        a drift); a randomization test that cannot reach ``alpha``
        (:func:`matstats.nof1.design.min_randomization_pval`, with the cycles that can); and
        either no direction below :data:`~matstats.nof1.verdict.MIN_DIRECTION_CYCLES` cycles
        or the chance that a mat lowering the score by ``mcid`` gets a "benefit" verdict
        against a sham mat and against no mat
        (:func:`matstats.nof1.verdict_calibration.verdict_power`, the rule the diary will get).

    Examples
    --------
    >>> plan_notes(6, rng=1)[0][:52]
    'With 6 cycles in this order, a mat that lowers your '
    >>> plan_notes(4, rng=1)[0][:60]
    'With 4 cycles the randomization test cannot go below p = 0.1'
    """
    from matstats.nof1.verdict_calibration import verdict_power

    cycles = _checks.integer("cycles", cycles, 2)
    _checks.one_of("design", design, DESIGNS)
    a = _checks.alpha(alpha)
    notes = []
    min_p = min_randomization_pval(cycles)
    if design != "paired_random":
        notes.append(f"The order is fixed (design {design}), not randomized: no randomization "
                     "test will be reported, and the verdict has to allow for a slow drift in "
                     "your scores, which costs power. Use design paired_random (a coin per "
                     "cycle) if you can.")
    elif min_p >= a:
        need = next(n for n in range(cycles, 64) if min_randomization_pval(n) < a)
        notes.append(f"With {cycles} cycles the randomization test cannot go below p = "
                     f"{min_p:.3g}, so it can never reach {a:g}; {need} cycles are needed for "
                     "that.")
    if cycles < MIN_DIRECTION_CYCLES:
        notes.append(f"With {cycles} cycles the verdict never names a direction, whatever the "
                     f"mat does: plan at least {MIN_DIRECTION_CYCLES}.")
        return notes
    gen = _checks.rng(rng)
    p = {c: verdict_power(-mcid, cycles, comparator=c, design=design, n_trials=n_trials,
                          rng=gen)["power"].iloc[0] for c in ("sham", "no_mat")}
    notes.append(f"With {cycles} cycles in this order, a mat that lowers your score by {mcid:g} "
                 f"points (the MCID) gets a 'benefit' verdict in about {p['sham']:.0%} of "
                 f"trials against a sham mat and {p['no_mat']:.0%} against no mat ({n_trials} "
                 "simulated trials each; 'matstats nof1 power' for other effects and lengths).")
    return notes


def _series_plan_sentence(plan: pd.DataFrame, row, *, target: float) -> str:
    """The recommendation of a series plan; ``row`` is :func:`matstats.nof1.smallest_design`."""
    if row is None:
        best = plan.loc[plan["power"].idxmax()]
        return (f"No design in this grid reaches power {target:.2f}: the highest is "
                f"{best['power']:.2f} ({int(best['persons'])} persons x {int(best['cycles'])} "
                "cycles); add persons or cycles, or plan for a larger effect.")
    r = plan.loc[row]
    days_each = int(r["person_days"]) // int(r["persons"])
    return (f"Smallest design reaching power {target:.2f}: {int(r['persons'])} persons x "
            f"{int(r['cycles'])} cycles ({days_each} days each, {int(r['person_days'])} diary "
            f"days in all; power {r['power']:.2f}), marked * in the table. Smallest = fewest "
            "diary days in all, then fewer persons.")
