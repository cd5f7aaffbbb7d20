"""Words for a series of n-of-1 trials: the group verdict and the printable report. The
numbers and the verdict label are :func:`matstats.nof1.analyze_series`'s."""

from __future__ import annotations

import math

__all__ = ["series_summary", "verdict_text"]

#: First clause of the group verdict, by label of
#: :func:`matstats.nof1.series_analysis.group_verdict_label` (``{mcid}`` in points).
_GROUP_HEADLINES = {
    "average_important_benefit": "on average the mat helps by at least the MCID ({mcid:g} points)",
    "average_benefit": "on average the mat helps",
    "average_harm": "on average the mat makes the score worse",
    "no_average_effect_shown": "the series does not show an average effect",
}


def verdict_text(result) -> str:
    """The group verdict of a series in words: the label's clause with the average effect and
    its interval, then how much persons differ (tau, the prediction interval for a new person,
    :attr:`~matstats.nof1.series_analysis.SeriesResult.share_mcid`).

    Parameters
    ----------
    result : SeriesResult
        Output of :func:`matstats.nof1.analyze_series`.

    Returns
    -------
    str

    Examples
    --------
    >>> from matstats.nof1 import analyze_series, simulate_series
    >>> res = analyze_series(simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3))
    >>> verdict_text(res).split(" (average")[0]
    'on average the mat helps'
    """
    lv = f"{result.level:.0%}"
    text = _GROUP_HEADLINES[result.verdict_label].format(mcid=result.mcid)
    text += (f" (average {result.estimate:+.2f} points, {lv} CI {result.ci_low:+.2f} to "
             f"{result.ci_high:+.2f}).")
    if result.tau > 0:
        text += (f" Effects differ between persons (tau {result.tau:.2f}); a new person's effect "
                 f"is expected between {result.pi_low:+.2f} and {result.pi_high:+.2f} ({lv} "
                 f"prediction interval); about {result.share_mcid:.0%} of persons like these "
                 f"would benefit by at least {result.mcid:g} points.")
    else:
        text += " No variation between persons was detected beyond chance (tau 0)."
    return text


def series_summary(result) -> str:
    """Printable report of a series: group result, person table, exclusions, verdict.

    Parameters
    ----------
    result : SeriesResult
        Output of :func:`matstats.nof1.analyze_series`.

    Returns
    -------
    str

    Examples
    --------
    >>> from matstats.nof1 import analyze_series, simulate_series
    >>> res = analyze_series(simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3))
    >>> series_summary(res).splitlines()[0].startswith("Series of 12 n-of-1 trials")
    True
    """
    r = result
    lv = f"{r.level:.0%}"
    head = (f"Series of {r.k} n-of-1 trials, two-stage (pool={r.pool}): average "
            f"effect {r.estimate:+.2f} points ({lv} CI {r.ci_low:+.2f} to "
            f"{r.ci_high:+.2f}, p = {r.pval:.3g}); tau {r.tau:.2f} ({lv} CI "
            f"{r.tau_ci_low:.2f} to {r.tau_ci_high:.2f}); prediction interval for a "
            f"new person {r.pi_low:+.2f} to {r.pi_high:+.2f}; pooled within-person "
            f"SD of a cycle difference {math.sqrt(r.sigma2_within):.2f} "
            f"({r.within_df:g} df).")
    cols = ["person", "n_cycles", "estimate", "ci_low", "ci_high", "shrunken",
            "shrunken_ci_low", "shrunken_ci_high", "prob_benefit", "prob_mcid", "verdict"]
    table = r.persons[cols].to_string(index=False, float_format=lambda v: f"{v:.2f}")
    parts = [head, "", "Per person (mat minus control, points; shrunken = empirical Bayes):",
             table]
    if len(r.excluded):
        parts += ["", "Excluded:", r.excluded.to_string(index=False)]
    parts += ["", "Verdict: " + verdict_text(r)]
    return "\n".join(parts)
