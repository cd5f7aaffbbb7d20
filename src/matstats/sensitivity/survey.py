"""Bounds for a survey responder percentage under non-response, against placebo benchmarks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from matstats._core import checks as _checks
from matstats.literature import placebo_responder_rates

__all__ = ["SurveyBounds", "survey_bounds"]

#: CI method -> its name in statsmodels ``proportion_confint``.
_CI_METHODS = {"clopper_pearson": "beta", "wilson": "wilson"}


@dataclass(frozen=True)
class SurveyBounds:
    """Bounds for a responder percentage under non-response.

    Attributes
    ----------
    responders, respondents, users : int
        Counts (users = people surveyed or followed up).
    responders_derived : bool
        True when ``responders`` was reconstructed from a rounded percentage.
    method : str
        CI method (``clopper_pearson`` or ``wilson``).
    p_respondents, ci_low, ci_high : float
        Proportion among respondents and its CI.
    response_rate : float
        q = respondents / users.
    worst_case, best_case : float
        Population proportion if every non-respondent had no relief (p_r q) or relief
        (p_r q + 1 - q).
    comparison : pandas.DataFrame
        One row per benchmark (see :meth:`to_frame`).
    """

    responders: int
    respondents: int
    users: int
    responders_derived: bool
    method: str
    p_respondents: float
    ci_low: float
    ci_high: float
    response_rate: float
    worst_case: float
    best_case: float
    comparison: pd.DataFrame
    #: Why a comparison column is infinite (empty otherwise): with no responders no response
    #: rate brings the worst case up to p0 (``selection_tipping_q`` inf); with every
    #: respondent a responder the over-reporting odds ratio is unbounded
    #: (``reporting_or_tipping`` inf).
    notes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """Comparison with each benchmark: columns ``benchmark``, ``p0``, ``kind``,
        ``source``, ``p_respondents``, ``ci_low``, ``ci_high``, ``response_rate``,
        ``worst_case``, ``best_case``, ``selection_tipping_q`` (response rate q* = p0 / p_r
        at which the worst case equals p0), ``worst_case_above_p0`` and
        ``reporting_or_tipping`` (odds ratio of over-reporting among respondents that would
        bring p_r down to p0)."""
        return self.comparison.copy()


def _responders(responders, percent, n: int) -> tuple[int, bool]:
    if (responders is None) == (percent is None):
        raise ValueError("give exactly one of responders or percent, got "
                         f"responders={responders!r}, percent={percent!r}")
    if responders is not None:
        return _checks.integer("responders", responders, 0, n, whole_float=True), False
    pct = _checks.in_range("percent", percent, 0, 100)
    return int(round(pct / 100 * n)), True


def _comparison(bench: pd.DataFrame, p: float, lo: float, hi: float, q: float) -> pd.DataFrame:
    missing = {"benchmark", "p0", "kind", "source"} - set(bench.columns)
    if missing:
        raise ValueError(f"benchmarks lacks columns {sorted(missing)}")
    p0 = bench["p0"].to_numpy(dtype=float)
    if np.any((p0 <= 0) | (p0 >= 1)):
        raise ValueError(f"benchmark p0 values must lie in (0, 1), got {p0.tolist()!r}")
    comp = bench[["benchmark", "p0", "kind", "source"]].reset_index(drop=True)
    worst = p * q
    comp["p_respondents"] = p
    comp["ci_low"] = lo
    comp["ci_high"] = hi
    comp["response_rate"] = q
    comp["worst_case"] = worst
    comp["best_case"] = worst + (1 - q)
    comp["selection_tipping_q"] = p0 / p if p > 0 else math.inf
    comp["worst_case_above_p0"] = worst > p0
    odds_p = math.inf if p == 1 else p / (1 - p)
    comp["reporting_or_tipping"] = odds_p / (p0 / (1 - p0))
    return comp


def survey_bounds(
    *,
    respondents: int,
    users: int | None = None,
    responders: int | None = None,
    percent: float | None = None,
    benchmarks: pd.DataFrame | None = None,
    level: float = 0.95,
    method: str = "clopper_pearson",
) -> SurveyBounds:
    """Bounds for a survey responder percentage, compared with placebo responder rates.

    Example: "98% reported pain relief" from 126 respondents of 200 users.

    Parameters
    ----------
    respondents : int
        Number who answered (>= 1).
    users : int, optional
        Number surveyed / followed up (>= respondents); default = respondents.
    responders : int, optional
        Number reporting relief (<= respondents). Give this or ``percent``.
    percent : float, optional
        Reported percentage in [0, 100]; responders = round(percent / 100 * respondents)
        (flagged ``responders_derived``).
    benchmarks : DataFrame, optional
        Columns ``benchmark``, ``p0``, ``kind``, ``source``; default
        :func:`matstats.literature.placebo_responder_rates`.
    level : float
        Confidence level of the respondent-proportion CI.
    method : {"clopper_pearson", "wilson"}
        CI method.

    Returns
    -------
    SurveyBounds
        ``to_frame()`` has one row per benchmark (columns listed there).

    Examples
    --------
    >>> sb = survey_bounds(percent=98, respondents=126, users=200)
    >>> sb.responders, round(sb.worst_case, 3), round(sb.best_case, 3)
    (123, 0.615, 0.985)
    """
    level = _checks.level(level)
    n = _checks.integer("respondents", respondents, 1, whole_float=True)
    big_n = n if users is None else _checks.integer("users", users, 1, whole_float=True)
    if big_n < n:
        raise ValueError(f"users must be >= respondents ({n}), got {big_n}")
    k, derived = _responders(responders, percent, n)
    _checks.one_of("method", method, _CI_METHODS)
    lo, hi = (float(x) for x in proportion_confint(k, n, 1 - level, _CI_METHODS[method]))
    p, q = k / n, n / big_n
    bench = placebo_responder_rates() if benchmarks is None else benchmarks.copy()
    comp = _comparison(bench, p, lo, hi, q)
    return SurveyBounds(
        responders=k, respondents=n, users=big_n, responders_derived=derived, method=method,
        p_respondents=p, ci_low=lo, ci_high=hi, response_rate=q, worst_case=p * q,
        best_case=p * q + (1 - q), comparison=comp, notes=tuple(
            ["no responders: selection_tipping_q is inf (no response rate reaches p0)"] * (k == 0)
            + ["every respondent a responder: reporting_or_tipping is inf (unbounded odds)"]
            * (k == n)),
    )
