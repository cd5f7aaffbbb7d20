"""Regression to the mean: individual (bivariate normal) and group (Barnett et al. 2005)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from matstats._core import checks as _checks

__all__ = ["regression_to_mean"]

_DIRECTIONS = ("above", "below")


def _r_values(r: object) -> np.ndarray:
    arr = _checks.vector("r", r)
    if arr.size == 0:
        raise ValueError("r must be a number or a non-empty 1-D sequence of numbers, got []")
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"r (reliability) must lie in [0, 1], got {np.asarray(r).tolist()!r}")
    return arr


def _barnett_rtm(threshold: float, mean: float, sd: float, r: np.ndarray, m: int,
                direction: str) -> np.ndarray:
    """Barnett, van der Pols & Dobson, Int J Epidemiol 2005;34:215-20, m baseline measures
    (the group formula of :func:`regression_to_mean`; unchecked inputs)."""
    var_b = r * sd**2
    var_w = (1 - r) * sd**2
    s = np.sqrt(var_b + var_w / m)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # checked by caller
        z = (threshold - mean) / s if direction == "above" else (mean - threshold) / s
        # inverse Mills ratio phi(z) / (1 - Phi(z)) = 1 / (sqrt(pi/2) erfcx(z / sqrt 2)): exact
        # far in the upper tail (about z) and 0 far in the lower tail, where the log-scale
        # difference logpdf - logsf loses every digit
        mills = 1.0 / (math.sqrt(math.pi / 2) * special.erfcx(z / math.sqrt(2)))
        return (var_w / m) / s * mills


def regression_to_mean(
    *,
    mean: float,
    r: float | Sequence[float],
    baseline: float | None = None,
    threshold: float | None = None,
    sd: float | None = None,
    n_baseline: int = 1,
    selection: str = "above",
) -> pd.DataFrame:
    """Expected change from regression to the mean, with the reliability ``r`` swept.

    * Individual (bivariate normal, equal variances): a person measured at ``baseline``
      whose long-run mean is ``mean`` is expected to move (1 - r)(baseline - mean) back
      toward the mean with no treatment.
    * Group (Barnett et al. 2005): people entering because their baseline (mean of
      ``n_baseline`` measurements) is >= ``threshold`` (``selection="above"``) or <=
      ``threshold`` (``"below"``). With total SD ``sd`` and r = between-person share of
      variance, the expected movement is (sw^2/m) / sqrt(sb^2 + sw^2/m) * phi(z) /
      (1 - Phi(z)), z = (threshold - mean) / sqrt(sb^2 + sw^2/m).

    Parameters
    ----------
    mean : float
        Population (or person's long-run) mean.
    r : float or sequence of float
        Test-retest reliability (intraclass correlation) of a single measurement, in [0, 1].
    baseline : float, optional
        Individual baseline value.
    threshold : float, optional
        Entry threshold for the group version (needs ``sd``).
    sd : float, optional
        Total SD of a single measurement (> 0).
    n_baseline : int
        Number of baseline measurements averaged (m >= 1), group version only.
    selection : {"above", "below"}
        Selection side for the group version.

    Returns
    -------
    pandas.DataFrame
        One row per kind (``individual`` and/or ``group``) and value of ``r`` with columns
        ``kind``, ``r``, ``mean``, ``baseline`` (NaN for the group), ``threshold`` (NaN for
        the individual), ``sd``, ``n_baseline``, ``expected_rtm`` (movement toward the mean,
        >= 0, outcome units) and ``expected_change`` (signed expected change of the outcome,
        follow-up minus baseline).

    Raises
    ------
    ValueError
        Bad parameters, or inputs so extreme that the result is not a finite number
        (e.g. sd below about 1e-154, where sd**2 underflows, or values near 1e308).

    Examples
    --------
    A pain score of 8 against a long-run mean of 5 with reliability 0.6 is expected to fall
    by (1 - 0.6) x 3 = 1.2 points without treatment:

    >>> regression_to_mean(mean=5, r=0.6, baseline=8)["expected_change"].round(2).tolist()
    [-1.2]
    """
    mu = _checks.finite("mean", mean)
    rs = _r_values(r)
    if baseline is None and threshold is None:
        raise ValueError("give baseline (individual) and/or threshold (group); got neither")
    _checks.one_of("selection", selection, _DIRECTIONS)
    m = _checks.integer("n_baseline", n_baseline, minimum=1)
    sd_f = None if sd is None else _checks.positive("sd", sd)
    frames = []
    nan = math.nan
    if baseline is not None:
        b = _checks.finite("baseline", baseline)
        change = -(1 - rs) * (b - mu)
        frames.append(pd.DataFrame({
            "kind": "individual", "r": rs, "mean": mu, "baseline": b, "threshold": nan,
            "sd": nan if sd_f is None else sd_f, "n_baseline": 1,
            "expected_rtm": np.abs(change), "expected_change": change,
        }))
    if threshold is not None:
        c = _checks.finite("threshold", threshold)
        if sd_f is None:
            raise ValueError("the group (threshold) version needs sd > 0, got sd=None")
        rtm = _barnett_rtm(c, mu, sd_f, rs, m, selection)
        sign = -1.0 if selection == "above" else 1.0
        frames.append(pd.DataFrame({
            "kind": "group", "r": rs, "mean": mu, "baseline": nan, "threshold": c,
            "sd": sd_f, "n_baseline": m, "expected_rtm": rtm, "expected_change": sign * rtm,
        }))
    out = pd.concat(frames, ignore_index=True)
    values = out[["expected_rtm", "expected_change"]].to_numpy(float)
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "the expected regression to the mean is not a finite number for "
            f"mean={mean!r}, baseline={baseline!r}, threshold={threshold!r}, sd={sd!r}: the "
            "inputs are too extreme (their differences or sd**2 overflow or underflow); "
            "rescale the outcome"
        )
    return out
