"""Blinding indices from end-of-trial guesses: Bang et al. (2004) and James et al. (1996).

This is the one blinding index of matstats; personal (n-of-1) trials call it with the counts
of one arm.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks

__all__ = ["blinding_index"]

_ARMS = ("treatment", "control")
_METHODS = ("bang", "james")
_COLUMNS = ["method", "arm", "n", "n_correct", "n_incorrect", "n_dont_know", "estimate", "se",
            "ci_low", "ci_high", "interpretation"]


def _guess_table(table: object) -> np.ndarray:
    """Counts as a float array of shape (3, 2), or (3,) for one arm."""
    arr = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table, dtype=float)
    if arr.shape not in {(3, 2), (3,)}:
        raise ValueError(
            "table must be 3 x 2 counts (rows = guess treatment, control, don't know; columns "
            "= actual arm treatment, control) or 3 counts of one arm (correct, incorrect, "
            f"don't know); got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"table counts must be finite and >= 0, got {arr.tolist()!r}")
    if np.any(arr != np.round(arr)):
        raise ValueError(f"table counts must be whole numbers, got {arr.tolist()!r}")
    return arr


def _bang_row(correct: float, incorrect: float, dont_know: float, arm: str, z: float) -> tuple:
    """Bang et al. Control Clin Trials 2004 index of one arm with its SE and CI."""
    n = correct + incorrect + dont_know
    if n == 0:
        raise ValueError(f"Bang index needs at least one answer in the {arm} arm, got none")
    bi = (correct - incorrect) / n
    p1, p2 = correct / n, incorrect / n
    se = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2) + 2 * p1 * p2) / n)
    lo, hi = bi - z * se, bi + z * se
    if lo > 0:
        text = "more correct guesses than chance: blinding likely broken"
    elif hi < 0:
        text = "more incorrect guesses than chance (opposite guessing)"
    else:
        text = "compatible with random guessing"
    return ("bang", arm, int(n), int(correct), int(incorrect), int(dont_know), bi, se, lo, hi,
            text)


def _james(arr: np.ndarray) -> tuple[float, float]:
    """James et al. Stat Med 1996 index and SE (weights 0 correct, 0.5 incorrect)."""
    n = arr.sum()
    if n == 0:
        raise ValueError("James index needs at least one answer, got a table of zeros")
    if np.all(arr[:2] == 0):
        return 1.0, 0.0  # everyone answered "don't know"
    p = arr / n
    w = np.array([[0.0, 0.5], [0.5, 0.0]])
    p_dk = p[2].sum()
    row = p[:2].sum(axis=1)  # share guessing treatment / control
    col_known = p.sum(axis=0) - p[2]  # per arm, share with a definite guess
    expected = float(np.sum(w * np.outer(row, col_known)))
    if expected == 0:
        raise ValueError(
            "James index undefined: no disagreement is possible under chance for this table "
            f"(e.g. all definite guesses in one row or one arm): {arr.tolist()!r}"
        )
    p_do = float(np.sum(w * p[:2])) / (1 - p_dk)
    p_de = expected / (1 - p_dk) ** 2
    kappa = (p_do - p_de) / p_de
    bi = (1 + p_dk + (1 - p_dk) * kappa) / 2
    # variance, James et al. 1996 (as implemented in R package BI, read from R/BI.r)
    num = 0.0
    for i in range(2):
        for j in range(2):
            extra = sum(w[r, j] * row[r] + w[i, r] * col_known[r] for r in range(2))
            num += p[i, j] * (1 - p_dk) ** 2 * ((1 - p_dk) * w[i, j] - (1 + kappa) * extra) ** 2
    v1 = num / (4 * expected**2)
    v2 = p_dk * (1 - p_dk) - (1 - p_dk) * (1 + kappa) * (p_dk + (1 - p_dk) * (1 + kappa) / 4)
    var = (v1 + v2) / n
    return float(bi), float(math.sqrt(max(var, 0.0)))


def _james_row(arr: np.ndarray, z: float) -> tuple:
    bi, se = _james(arr)
    lo, hi = bi - z * se, bi + z * se
    text = ("blinding judged lacking (upper limit < 0.5)" if hi < 0.5
            else "no evidence of lack of blinding (upper limit >= 0.5)")
    correct = arr[0, 0] + arr[1, 1]
    incorrect = arr[0, 1] + arr[1, 0]
    return ("james", "overall", int(arr.sum()), int(correct), int(incorrect), int(arr[2].sum()),
            bi, se, lo, hi, text)


def blinding_index(
    table: object, method: str = "bang", *, level: float = 0.95,
) -> pd.DataFrame:
    """Blinding index from guess-by-arm counts, with normal-theory confidence intervals.

    Parameters
    ----------
    table : array-like or DataFrame, shape (3, 2) or (3,)
        Counts. Shape (3, 2), the layout of R package ``BI``: rows guessed treatment,
        guessed control, don't know; columns actual treatment arm, actual control arm.
        Shape (3,): one arm's counts (guessed right, guessed wrong, don't know), reported
        as arm ``"arm"`` (Bang only).
    method : {"bang", "james"}
        ``"bang"`` (Bang et al. Control Clin Trials 2004): per arm, (correct - incorrect)
        / n, range -1..1, 0 = random guessing, SE sqrt([p1(1-p1) + p2(1-p2) + 2 p1 p2] / n).
        ``"james"`` (James et al. Stat Med 1996): whole trial, range 0..1, 1 = all don't
        know, 0.5 = random guessing, 0 = complete unblinding; blinding judged lacking if
        the upper limit is below 0.5.
    level : float
        Two-sided confidence level, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per arm (Bang) or one ``overall`` row (James) with columns ``method``,
        ``arm`` (``treatment``/``control``, ``arm`` for a single arm, ``overall`` for
        James), ``n`` (answers), ``n_correct``, ``n_incorrect``, ``n_dont_know``,
        ``estimate`` (the index), ``se``, ``ci_low``, ``ci_high`` and
        ``interpretation`` (text).

    Raises
    ------
    ValueError
        For a table of another shape, negative or fractional counts, an arm without
        answers (Bang), a table without any answer (James), or a table on which the James
        index is undefined.

    Examples
    --------
    60 correct, 20 wrong and 20 "don't know" guesses in each arm give a Bang index of 0.40:

    >>> out = blinding_index([[60, 20], [20, 60], [20, 20]])
    >>> out["estimate"].round(2).tolist()
    [0.4, 0.4]
    >>> round(float(blinding_index([60, 20, 20])["estimate"].iloc[0]), 2)
    0.4
    """
    level = _checks.level(level)
    _checks.one_of("method", method, _METHODS)
    arr = _guess_table(table)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    if arr.ndim == 1:
        if method != "bang":
            raise ValueError(f"method={method!r} needs the 3 x 2 table of both arms; "
                             "one arm's counts allow only method='bang'")
        rows = [_bang_row(arr[0], arr[1], arr[2], "arm", z)]
    elif method == "bang":
        rows = [_bang_row(arr[k, k], arr[1 - k, k], arr[2, k], arm, z)
                for k, arm in enumerate(_ARMS)]
    else:
        rows = [_james_row(arr, z)]
    return pd.DataFrame(rows, columns=_COLUMNS)
