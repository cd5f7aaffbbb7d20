"""The n-of-1 verdict rule: a label code from an estimate and its interval, or from the
posterior probabilities of the calibrated ``bayes`` analysis, and the verdict of a diary
(:func:`verdict_fit`) with the safeguards of real use:

* **open comparison** (no mat on control periods, or guesses showing the person knew): the
  benefit is judged beyond the expectation bias ``literature.NOF1_EXPECTATION_BIAS``
  (N(0.5, 0.3^2) points, integrated out); a difference a blinded analysis would call a benefit
  but that expectation alone could give is labelled ``"within_expectation"``;
* **order**: a diary whose cycles (3 or more) all run in the same order, or strictly alternate, is
  analysed by a regression of the period means on time and condition (a linear drift cannot
  pose as an effect; :func:`trend_fit`), any other diary by the paired cycle differences;
* **looking early**: a provisional verdict (fewer rated cycles than planned) uses the
  stricter two-sided size :data:`PROVISIONAL_ALPHA`;
* **too few cycles**: below :data:`MIN_DIRECTION_CYCLES` no direction is claimed.

Numbers in, label and reason codes out; the sentences are in :mod:`matstats.narrative.nof1`
(:func:`~matstats.narrative.nof1.verdict_text`). The operating characteristics of the whole
rule are simulated by :func:`matstats.nof1.verdict_calibration.verdict_calibration`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matstats.literature import MCID_NRS, NOF1_EFFECT_PRIOR, NOF1_EXPECTATION_BIAS
from matstats._core import checks as _checks
from matstats.nof1._bayes import posterior_t

__all__ = ["VERDICT_LABELS", "MIN_DIRECTION_CYCLES", "PROVISIONAL_ALPHA", "Verdict",
           "verdict_fit", "verdict_label", "verdict_labels"]

#: What the control periods were: no mat at all (unblinded) or a blunt sham mat.
_COMPARATORS = ("no_mat", "sham")

VERDICT_LABELS = ("benefit_likely", "small_benefit_likely", "no_meaningful_benefit",
                  "worse_on_mat", "unclear", "within_expectation")
#: Labels that claim a direction (a false claim under no true effect).
DIRECTIONAL_LABELS = ("benefit_likely", "small_benefit_likely", "worse_on_mat")
#: Order of the cycles as seen in a diary: ``"mixed"`` (some cycles mat first, some not, not
#: strictly alternating), ``"same"`` (every cycle in the same order), ``"alternating"``
#: (strict alternation), ``"too_few"`` (fewer than :data:`MIN_DIRECTION_CYCLES` cycles).
ORDER_PATTERNS = ("mixed", "same", "alternating", "too_few")
#: Fewest rated cycles for a directional verdict. With 2 cycles (1 df) the calibrated
#: analysis decides a direction in about 6% of null trials (the prior trims the heavy t tail
#: unevenly), so 2 cycles give no direction, and their interval is the flat-prior (paired t)
#: one, whose coverage holds.
MIN_DIRECTION_CYCLES = 3
#: Two-sided size of a provisional verdict (fewer rated cycles than planned): a direction, or
#: "no meaningful benefit", needs P > 1 - PROVISIONAL_ALPHA / 2 instead of 0.975, and the
#: interval quoted is the (1 - PROVISIONAL_ALPHA) credible interval. Derived by simulation
#: (:func:`matstats.nof1.verdict_calibration.provisional_alpha_table`): a person with 6 planned
#: cycles who checks after every cycle from 2 on and stops at the first claim makes a false
#: directional claim in 4.7-5.0% of null trials with 0.001 (rho 0, 0.4, 0.7; the final look
#: alone 4.5-4.9%), 4.8-5.2% with 0.002 and 5.3-5.6% with 0.005 (40,000 trials per
#: setting, Monte Carlo SE 0.11 percentage points); with 12 planned cycles 0.001 gives 5.3%.
#: 0.001 is the largest value on the grid 0.001, 0.002, 0.003, 0.005, 0.01 that keeps every
#: 6-cycle setting at 5.0% within its Monte Carlo SE.
PROVISIONAL_ALPHA = 0.001
#: A sham comparison counts as open (the person knew) when the Bang blinding index of the mat
#: periods reaches this value: correct guesses exceed wrong ones by half of all guesses
#: [assumption; Bang's index is 0 for guessing and 1 for always right].
UNBLINDED_BANG = 0.5


def _benefit_scale(estimate: float, ci_low: float, ci_high: float,
                   lower_is_better: bool = True) -> tuple[float, float, float]:
    """(b, lo, hi): estimate and sorted interval on the benefit scale (positive = better)."""
    sign = -1.0 if lower_is_better else 1.0
    lo, hi = sorted((sign * ci_low, sign * ci_high))
    return sign * estimate, lo, hi


def verdict_label(estimate: float, ci_low: float, ci_high: float, *, mcid: float = MCID_NRS,
                  lower_is_better: bool = True) -> str:
    """Verdict label (one of :data:`VERDICT_LABELS`) from an estimate and its 95% interval,
    the interval form of :func:`verdict_labels`: on the benefit scale (estimate b, interval
    [lo, hi]) ``lo > 0`` a benefit (``benefit_likely`` when b reaches ``mcid``), ``hi < 0``
    worse, ``hi < mcid`` no meaningful benefit; else, or with no finite interval, unclear.

    Examples
    --------
    >>> verdict_label(-2.5, -3.5, -1.5)
    'benefit_likely'
    >>> verdict_label(-0.2, -0.9, 0.5)
    'no_meaningful_benefit'
    """
    b, lo, hi = _benefit_scale(estimate, ci_low, ci_high, lower_is_better)
    if not (math.isfinite(b) and math.isfinite(lo) and math.isfinite(hi)):
        return "unclear"
    if lo > 0:
        return "benefit_likely" if b >= mcid else "small_benefit_likely"
    if hi < 0:
        return "worse_on_mat"
    return "no_meaningful_benefit" if hi < mcid else "unclear"


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


# --------------------------------------------------------------------------------------------
# the verdict of a diary: which analysis, which bias, which threshold
# --------------------------------------------------------------------------------------------


def paired_fit(means, mat):
    """The paired analysis of period means (trials, 2 x cycles) and mat indicators: the mean
    cycle difference d, S / n (S the sum of squared deviations of the n cycle differences) and
    n - 1, the input of :func:`matstats.nof1._bayes.posterior_t`."""
    M = np.atleast_2d(np.asarray(means, dtype=float))
    x = np.atleast_2d(np.asarray(mat, dtype=float))
    pair = M.reshape(M.shape[0], -1, 2)
    w = x.reshape(x.shape[0], -1, 2)
    D = (pair * w).sum(-1) - (pair * (1.0 - w)).sum(-1)
    n = D.shape[1]
    d = D.mean(axis=1)
    S = ((D - d[:, None]) ** 2).sum(axis=1)
    return d, S / n, np.full(d.shape, n - 1.0)


def trend_fit(means, times, mat):
    """The trend-adjusted analysis: least squares of period means on (1, time, mat).

    In simulation (AR(1) daily noise with rho up to 0.7, drifts up to 0.05 points/day) its
    calibrated posterior decides a direction in at most 5% of null trials with 3-12 cycles of
    every order (:func:`matstats.nof1.verdict_calibration.verdict_calibration`).

    Parameters
    ----------
    means, times, mat : array_like
        Shape (trials, periods): period means, the mean day of each period's used days, and
        the mat indicator (``times`` may have shape (periods,)).

    Returns
    -------
    (est, scale2, df) : arrays
        The ``mat`` coefficient, S [(X'X)^-1]_mat (S the residual sum of squares) and
        periods - 3, the input of :func:`matstats.nof1._bayes.posterior_t`.

    Examples
    --------
    >>> est, _, df = trend_fit([[5.0, 4.0, 5.2, 4.2, 5.3, 4.4]], [0, 1, 2, 3, 4, 5],
    ...                        [[0, 1, 0, 1, 0, 1]])
    >>> round(float(est[0]), 3), int(df[0])
    (-1.054, 3)
    """
    M = np.atleast_2d(np.asarray(means, dtype=float))
    x = np.broadcast_to(np.asarray(mat, dtype=float), M.shape)
    t = np.broadcast_to(np.asarray(times, dtype=float), M.shape)
    X = np.stack([np.ones(M.shape), t - t.mean(axis=1, keepdims=True), x], axis=-1)
    inv = np.linalg.inv(np.einsum("npi,npj->nij", X, X))
    beta = np.einsum("nij,npj,np->ni", inv, X, M)
    r = M - np.einsum("npi,ni->np", X, beta)
    S = (r * r).sum(axis=1)
    return beta[:, 2], S * inv[:, 2, 2], np.full(S.shape, M.shape[1] - 3.0)


@dataclass(frozen=True)
class Verdict:
    """The verdict of one diary: label and reason codes, and the numbers it rests on.

    Attributes
    ----------
    label : str
        One of :data:`VERDICT_LABELS`.
    label_blinded : str
        The label the same analysis gives without the expectation-bias adjustment (equal to
        ``label`` for a blinded comparison).
    basis : str
        ``"paired"`` (cycle differences) or ``"trend"`` (:func:`trend_fit`).
    order : str
        One of :data:`ORDER_PATTERNS`.
    open_comparison : bool
        True when the expectation bias was taken into account.
    provisional : bool
        True when fewer cycles were rated than planned.
    level : float
        Credibility level of the interval and of the label rule (0.95, or 1 -
        :data:`PROVISIONAL_ALPHA` for a provisional verdict).
    estimate, ci_low, ci_high, prob_benefit, prob_mcid : float
        Posterior median of the mat effect beyond expectation (mat minus control, diary
        scale), its ``level`` credible interval, P(benefit), P(benefit >= mcid).
    estimate_blinded, prob_benefit_blinded : float
        Median and P(benefit) without the expectation adjustment.
    bias_mean, bias_sd : float
        Expectation-bias prior used (points of benefit; 0 for a blinded comparison).
    n_cycles, planned_cycles : int
        Cycles analysed and planned.
    """

    label: str
    label_blinded: str
    basis: str
    order: str
    open_comparison: bool
    provisional: bool
    level: float
    estimate: float
    ci_low: float
    ci_high: float
    prob_benefit: float
    prob_mcid: float
    estimate_blinded: float
    prob_benefit_blinded: float
    bias_mean: float
    bias_sd: float
    n_cycles: int
    planned_cycles: int


def _labels(post: dict, level: float, few: np.ndarray) -> np.ndarray:
    lab = verdict_labels(post["p_below0"], post["p_below_mcid"], level=level)
    return np.where(few & np.isin(lab, DIRECTIONAL_LABELS), "unclear", lab)


def verdict_fit(means, times, mat, *, n_cycles, planned_cycles, open_comparison,
                mcid: float = MCID_NRS, prior_sd: float = NOF1_EFFECT_PRIOR.sd,
                bias=NOF1_EXPECTATION_BIAS, level: float = 0.95, quantiles: bool = True,
                at=None, basis=None) -> dict:
    """The verdict rule of the module docstring on many trials at once (vectorised;
    :func:`matstats.nof1.analyze` applies it to one diary, the calibration to simulated ones).

    Scores are on the analysis scale (lower = better; negate a higher-is-better score). The
    posterior is the t likelihood of the fit times the effect prior N(0, prior_sd^2) (flat
    below :data:`MIN_DIRECTION_CYCLES` cycles), with the expectation bias N(-bias.mean,
    bias.sd^2) on mat periods integrated out for an open comparison
    (:func:`matstats.nof1._bayes.posterior_t`); the label is :func:`verdict_labels` at its
    level.

    Parameters
    ----------
    means, times, mat : array_like
        Shape (trials, 2 x cycles), see :func:`trend_fit`; all trials have the same number of
        cycles.
    n_cycles, planned_cycles : int
    open_comparison : bool
    basis : {"paired", "trend"}, optional
        Force this basis for every trial (default: by the order of the cycles).
    at : array_like, optional
        Also return ``cdf_at`` = P(effect < at) (calibration).

    Returns
    -------
    dict of arrays
        ``label``, ``label_blinded``, ``basis``, ``order`` (:data:`ORDER_PATTERNS`), ``level``,
        ``estimate``, ``ci_low``, ``ci_high`` (with ``quantiles``), ``prob_benefit``, ``prob_mcid``,
        ``estimate_blinded``, ``prob_benefit_blinded`` and ``cdf_at``.
    """
    M = np.atleast_2d(np.asarray(means, dtype=float))
    x = np.broadcast_to(np.asarray(mat, dtype=bool), M.shape)
    n = int(n_cycles)
    if M.shape[1] != 2 * n:
        raise ValueError(f"means must have 2 x n_cycles = {2 * n} columns, got {M.shape[1]}")
    provisional = n < int(planned_cycles)
    lvl = 1.0 - PROVISIONAL_ALPHA if provisional else _checks.level(level)
    mat_first = x[:, 0::2]
    same = (mat_first == mat_first[:, :1]).all(axis=1) & (n >= MIN_DIRECTION_CYCLES)
    alt = (mat_first[:, 1:] != mat_first[:, :-1]).all(axis=1) & (n >= MIN_DIRECTION_CYCLES)
    if basis is None:
        systematic = same | alt
    else:
        _checks.one_of("basis", basis, ("paired", "trend"))
        systematic = np.full(M.shape[0], basis == "trend")
    est, s2, df = paired_fit(M, x)  # fresh arrays, filled in below
    if systematic.any():
        te, ts, tdf = trend_fit(M[systematic], np.broadcast_to(times, M.shape)[systematic],
                                x[systematic])
        est[systematic], s2[systematic], df[systematic] = te, ts, tdf
    few = np.full(M.shape[0], n < MIN_DIRECTION_CYCLES)
    psd = prior_sd if n >= MIN_DIRECTION_CYCLES else 1e4
    kw = dict(prior_mean=0.0, prior_sd=psd, mcid=mcid, level=lvl, quantiles=quantiles)
    post = posterior_t(est, s2, df, at=at, **kw)
    lab_blind = _labels(post, lvl, few)
    out = {"label_blinded": lab_blind, "estimate_blinded": post.get("median", post["mean"]),
           "prob_benefit_blinded": post["p_below0"]}
    if open_comparison:
        post = posterior_t(est, s2, df, at=at, bias_mean=-bias.mean, bias_sd=bias.sd, **kw)
        lab = _labels(post, lvl, few)
        benefit = ("benefit_likely", "small_benefit_likely")
        lab = np.where(np.isin(lab_blind, benefit) & ~np.isin(lab, benefit),
                       "within_expectation", lab)
    else:
        lab = lab_blind
    order = np.select([few, same, alt], ["too_few", "same", "alternating"], default="mixed")
    out.update(label=lab, basis=np.where(systematic, "trend", "paired"), order=order,
               level=np.full(M.shape[0], lvl), prob_benefit=post["p_below0"],
               prob_mcid=post["p_below_mcid"], estimate=post.get("median", post["mean"]))
    if quantiles:
        out.update(ci_low=post["low"], ci_high=post["high"])
    if at is not None:
        out["cdf_at"] = post["cdf_at"]
    return out
