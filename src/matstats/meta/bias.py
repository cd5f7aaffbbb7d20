"""Small-study effects: the results of :meth:`MetaFit.egger_test` (metafor ``regtest``; Egger
et al. 1997, BMJ 315:629) and :meth:`MetaFit.trim_and_fill` (metafor ``trimfill``; Duval &
Tweedie 2000), and trim-and-fill's side and k0 rules.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats.meta import _estimators as est


__all__ = ["EggerResult", "TrimFillResult"]


def need_studies(fit, min_k: int, what: str) -> None:
    """Refuse a follow-up analysis on a fit with fewer than ``min_k`` studies."""
    if fit.k < min_k:
        raise ValueError(f"{what} needs at least {min_k} studies, got k = {fit.k}")


# ------------------------------------------------------------------------ Egger regression
@dataclass(frozen=True)
class EggerResult:
    """Result of :meth:`matstats.meta.MetaFit.egger_test`; see :meth:`to_frame` for the fields."""

    stat: float
    df: int
    pval: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float
    slope: float
    k: int
    level: float
    #: Why ``stat``/``pval`` are NaN or infinite (empty otherwise); not a column of to_frame.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame.

        Returns
        -------
        pandas.DataFrame
            Columns: ``stat`` (t statistic of the slope on the standard error), ``df``
            (k - 2), ``pval`` (two-sided), ``limit_estimate`` (intercept: the predicted
            effect at se = 0), ``limit_ci_low``, ``limit_ci_high``, ``slope``, ``k``,
            ``level``.
        """
        row = asdict(self)
        row.pop("notes")
        return pd.DataFrame([row])




# ---------------------------------------------------------------------------- trim and fill
@dataclass(frozen=True)
class TrimFillResult:
    """Result of :meth:`matstats.meta.MetaFit.trim_and_fill`.

    Attributes
    ----------
    k0 : int
        Estimated number of missing studies.
    side : str
        Side of the funnel on which studies were imputed (``"left"`` or ``"right"``).
    estimator : str
        ``"L0"`` or ``"R0"``.
    model : MetaFit
        The model refitted to the observed plus filled studies.
    data : pandas.DataFrame
        Columns ``yi``, ``vi``, ``filled`` (bool; True for imputed studies), observed
        studies first in input order, then the filled ones.
    """

    k0: int
    side: str
    estimator: str
    model: object  # a MetaFit (not imported here: fit imports this module)
    data: pd.DataFrame = field(repr=False)
    #: How the side was chosen when it could not be estimated (empty otherwise).
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary.

        Returns
        -------
        pandas.DataFrame
            Columns ``k0``, ``side``, ``estimator`` plus all columns of
            :meth:`matstats.meta.MetaFit.to_frame` for the filled model.
        """
        head = pd.DataFrame([{"k0": self.k0, "side": self.side, "estimator": self.estimator}])
        return pd.concat([head, self.model.to_frame()], axis=1)


def _side(y: np.ndarray, v: np.ndarray, method: str) -> str | None:
    """metafor's choice of side (see :meth:`MetaFit.trim_and_fill`); None if all vi are equal."""
    if np.ptp(v) == 0:
        return None
    X = np.column_stack([np.ones(y.size), np.sqrt(v)])
    _, beta, _, _ = est.gls(y, v, X, est.tau2(y, v, X, method))
    return "right" if beta[1] < 0 else "left"


def _k0(yc: np.ndarray, estimator: str) -> int:
    """Number of missing studies from the centred, side-normalised effects."""
    k = yc.size
    signed = np.sign(yc) * stats.rankdata(np.abs(yc), method="ordinal")
    if estimator == "L0":
        sr = float(np.sum(signed[signed > 0]))
        k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
    else:
        gamma = k - float(np.max(np.abs(signed[signed < 0]))) if np.any(signed < 0) else k
        k0 = gamma - 1
    return min(int(np.round(max(0.0, k0))), k - 1)
