"""Small-study effects: Egger's test (metafor ``regtest``; Egger et al. 1997, BMJ 315:629)
and trim-and-fill (metafor ``trimfill``; Duval & Tweedie 2000), run as
:meth:`MetaFit.egger_test` and :meth:`MetaFit.trim_and_fill`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
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


def egger(fit) -> EggerResult:
    """Egger's regression test on the data of ``fit`` (CI of the limit at ``fit.level``)."""
    need_studies(fit, 3, "Egger's test")
    y, v = fit.yi, fit.vi
    sei = np.sqrt(v)
    if np.ptp(sei) == 0:
        raise ValueError("all standard errors are equal: Egger's slope is not identifiable")
    k = y.size
    X = np.column_stack([np.ones(k), sei])
    w, beta, Ainv, r = est.gls(y, v, X, 0.0)
    df = k - 2
    sigma2 = float(np.sum(w * r**2)) / df
    se = np.sqrt(np.diag(sigma2 * Ainv))
    notes = []
    if se[1] > 0:
        stat = float(beta[1] / se[1])
    elif beta[1] == 0:
        stat = math.nan
        notes.append("zero residual variance and zero slope: the t statistic is 0/0, so stat "
                     "and pval are NaN (as R's lm/metafor regtest)")
    else:
        stat = math.copysign(math.inf, float(beta[1]))
        notes.append("zero residual variance: the points lie exactly on a line, so the t "
                     "statistic is infinite and pval = 0")
    pval = float(2 * stats.t.sf(abs(stat), df)) if not math.isnan(stat) else math.nan
    crit = est.critical_value("knha", fit.level, df)  # t on k - 2 df
    b0 = float(beta[0])
    return EggerResult(stat=stat, df=df, pval=pval, limit_estimate=b0,
                       limit_ci_low=b0 - crit * float(se[0]),
                       limit_ci_high=b0 + crit * float(se[0]),
                       slope=float(beta[1]), k=k, level=float(fit.level), notes=tuple(notes))


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


def trim_fill(fit, *, estimator: str = "L0", side: str | None = None,
              maxiter: int = 100) -> TrimFillResult:
    """Trim-and-fill on the data of ``fit`` with its method, test and level."""
    _checks.one_of("estimator", estimator, ("L0", "R0"))
    _checks.one_of("side", side, ("left", "right", None))
    maxiter = _checks.integer("maxiter", maxiter, minimum=1)
    need_studies(fit, 3, "trim-and-fill")
    y, v, k = fit.yi, fit.vi, fit.k
    notes = []
    if side is None:
        side = _side(y, v, fit.method)
        if side is None:
            side = "left"
            notes.append("all sampling variances are equal, so the funnel slope that chooses "
                         "the side is undefined; side='left' was used (metafor's choice for a "
                         "slope that is not negative); pass side= to choose")
    ys = -y if side == "right" else y.copy()
    order = np.argsort(ys, kind="stable")
    ys, vs = ys[order], v[order]
    k0, k0_prev, it = 0, -1, 0
    b = math.nan
    while k0 != k0_prev:
        it += 1
        if it > maxiter:
            raise ValueError(f"trim and fill did not converge in maxiter={maxiter} iterations")
        k0_prev = k0
        b = est.pooled_estimate(ys[: k - k0], vs[: k - k0], fit.method)
        k0 = _k0(ys - b, estimator)
    y_fill, v_fill = 2 * b - ys[k - k0:], vs[k - k0:]
    if side == "right":
        y_fill = -y_fill
    data = pd.DataFrame({
        "yi": np.concatenate([y, y_fill]),
        "vi": np.concatenate([v, v_fill]),
        "filled": np.concatenate([np.zeros(k, bool), np.ones(y_fill.size, bool)]),
    })
    slab = None if fit.slab is None else (*fit.slab, *(f"filled {i + 1}" for i in range(k0)))
    model = fit.update(yi=data["yi"].to_numpy(), vi=data["vi"].to_numpy(), slab=slab)
    return TrimFillResult(k0=k0, side=side, estimator=estimator, model=model, data=data,
                          notes=tuple(notes))
