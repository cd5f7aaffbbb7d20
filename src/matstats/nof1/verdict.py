"""The n-of-1 verdict rule: a label code from an estimate and its interval, or from the
posterior probabilities of the calibrated ``bayes`` analysis.

Numbers in, a label code out; the sentences for each label are in
:mod:`matstats.narrative.nof1` (:func:`~matstats.narrative.nof1.verdict_text`).
"""

from __future__ import annotations

import math

import numpy as np

from matstats.literature import MCID_NRS
from matstats._core import checks as _checks

__all__ = ["COMPARATORS", "VERDICT_LABELS", "benefit_scale", "verdict_label", "verdict_labels"]

#: What the control periods were: no mat at all (unblinded) or a blunt sham mat.
COMPARATORS = ("no_mat", "sham")

#: Verdict labels, checked in this order on the benefit scale b with interval [lo, hi]
#: (see :func:`verdict_label`); the first rule that holds gives the label.
_VERDICT_RULES = (
    ("unclear", lambda b, lo, hi, mcid: not (math.isfinite(b) and math.isfinite(lo)
                                             and math.isfinite(hi))),
    ("benefit_likely", lambda b, lo, hi, mcid: lo > 0 and b >= mcid),
    ("small_benefit_likely", lambda b, lo, hi, mcid: lo > 0),
    ("worse_on_mat", lambda b, lo, hi, mcid: hi < 0),
    ("no_meaningful_benefit", lambda b, lo, hi, mcid: hi < mcid),
    ("unclear", lambda b, lo, hi, mcid: True),
)
VERDICT_LABELS = ("benefit_likely", "small_benefit_likely", "no_meaningful_benefit",
                  "worse_on_mat", "unclear")


def benefit_scale(estimate: float, ci_low: float, ci_high: float,
                  lower_is_better: bool = True) -> tuple[float, float, float]:
    """Estimate and interval on the benefit scale (positive = better on the mat).

    Returns
    -------
    (b, lo, hi) : tuple of float
        ``b = -estimate`` when lower is better (else ``estimate``); ``lo <= hi`` the interval.

    Examples
    --------
    >>> benefit_scale(-1.5, -2.5, -0.5)
    (1.5, 0.5, 2.5)
    """
    sign = -1.0 if lower_is_better else 1.0
    lo, hi = sorted((sign * ci_low, sign * ci_high))
    return sign * estimate, lo, hi


def verdict_label(estimate: float, ci_low: float, ci_high: float, *, mcid: float = MCID_NRS,
                  lower_is_better: bool = True) -> str:
    """Verdict label from an estimate and its 95% interval (the interval form of
    :func:`verdict_labels`; :func:`matstats.nof1.analyze` applies it to the ``bayes`` posterior median
    and credible interval, where both forms give the same label).

    Rules, on the benefit scale ``b`` (:func:`benefit_scale`) with the CI ``[lo, hi]``:

    - no finite interval: ``unclear``;
    - ``lo > 0`` (the interval excludes no effect): ``benefit_likely`` when the estimate
      reaches ``mcid``, else ``small_benefit_likely``;
    - ``hi < 0``: ``worse_on_mat``;
    - ``hi < mcid`` (the interval rules out a benefit as large as the MCID):
      ``no_meaningful_benefit``;
    - otherwise ``unclear``.

    Returns
    -------
    str
        One of :data:`VERDICT_LABELS`.

    Examples
    --------
    >>> verdict_label(-2.5, -3.5, -1.5)
    'benefit_likely'
    >>> verdict_label(-0.2, -0.9, 0.5)
    'no_meaningful_benefit'
    """
    b, lo, hi = benefit_scale(estimate, ci_low, ci_high, lower_is_better)
    return next(label for label, rule in _VERDICT_RULES if rule(b, lo, hi, mcid))


def verdict_labels(prob_benefit, prob_mcid, *, level: float = 0.95) -> np.ndarray:
    """Verdict labels of many analyses at once, from the posterior probabilities.

    The same hierarchy as :func:`verdict_label`, stated on the probabilities of the
    calibrated ``bayes`` analysis, whose equal-tailed ``level`` credible interval [lo, hi]
    (benefit scale) and posterior median b satisfy lo > 0 <=> P(benefit) > 1 - a,
    hi < 0 <=> P(benefit) < a, hi < mcid <=> P(benefit >= mcid) < a and b >= mcid <=>
    P(benefit >= mcid) >= 1/2, with a = (1 - level) / 2. So label, interval and
    probabilities cannot disagree:

    - NaN probability (no analysis): ``unclear``;
    - P(benefit) > 1 - a: ``benefit_likely`` if P(benefit >= mcid) >= 1/2, else
      ``small_benefit_likely``;
    - P(benefit) < a: ``worse_on_mat``;
    - P(benefit >= mcid) < a: ``no_meaningful_benefit``;
    - otherwise ``unclear``.

    Parameters
    ----------
    prob_benefit, prob_mcid : array_like
        P(benefit) and P(benefit >= mcid) per analysis.
    level : float
        Credibility level of the interval the verdict quotes.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> verdict_labels([0.999, 0.99, 0.5, 0.01, 0.9], [0.7, 0.2, 0.001, 0.0, 0.3]).tolist()
    ['benefit_likely', 'small_benefit_likely', 'no_meaningful_benefit', 'worse_on_mat', 'unclear']
    """
    a = (1.0 - _checks.level(level)) / 2.0
    pb = np.asarray(prob_benefit, dtype=float)
    pm = np.asarray(prob_mcid, dtype=float)
    ok = np.isfinite(pb) & np.isfinite(pm)
    with np.errstate(invalid="ignore"):
        benefit = np.where(pm >= 0.5, "benefit_likely", "small_benefit_likely")
        return np.select([~ok, pb > 1 - a, pb < a, pm < a],
                         ["unclear", benefit, "worse_on_mat", "no_meaningful_benefit"],
                         default="unclear")
