"""Numerical core of the meta-analytic model: GLS, tau2 estimators, Q-profile, critical values.

Everything here works on plain numpy arrays that were validated by the caller
(:func:`matstats.meta.meta_analysis`). ``X`` is the (k x p) design matrix: a column of ones
for the intercept-only model, more columns for the meta-regressions used by trim-and-fill
(side choice), Egger's test and the common-tau2 subgroup test.

tau2 estimators are solved to machine precision (Brent's method on the estimating
equation) rather than by metafor's Fisher scoring, which converges to the same root
(Viechtbauer 2005, J Educ Behav Stat 30:261-293).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from scipy import optimize, stats

#: Heterogeneity estimators, named as in metafor's ``rma(method=...)``; "FE" = equal effect.
METHODS = ("FE", "DL", "REML", "ML", "PM", "HE", "SJ")
#: Inference for the pooled effect: Wald z, or Hartung-Knapp(-Sidik-Jonkman) t on k - 1 df.
TESTS = ("z", "knha")


def gls(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float):
    """Weighted least squares with weights 1/(v + tau2): weights, beta, (X'WX)^-1, residuals."""
    w = 1.0 / (v + tau2)
    XtW = X.T * w
    Ainv = np.linalg.pinv(XtW @ X) if X.shape[1] > 1 else 1.0 / (XtW @ X)
    beta = Ainv @ (XtW @ y)
    resid = y - X @ beta
    return w, beta, Ainv, resid


def pair_sum(w: np.ndarray) -> float:
    """sum over i < j of w_i w_j = ((sum w)^2 - sum w^2) / 2, without the cancellation of
    that difference (one dominant weight, e.g. variances 1e17 and 1)."""
    suffix = np.cumsum(w[::-1])[::-1]
    return float(np.sum(w[:-1] * suffix[1:]))


def _trace_p(w: np.ndarray, X: np.ndarray, Ainv: np.ndarray) -> float:
    # tr(P) = sum(w) - tr(Ainv X' W^2 X)
    XtW2X = (X.T * w**2) @ X
    out = float(w.sum() - np.trace(Ainv @ XtW2X))
    if X.shape[1] == 1 and np.all(X == 1) and not out > 1e-8 * float(w.sum()):
        # the difference lost most digits; for the intercept-only model
        # tr(P) = 2 sum_{i<j} w_i w_j / sum(w), computed stably
        out = 2 * pair_sum(w) / float(w.sum())
    return out


def q_gen(y, v, X, tau2) -> float:
    """Generalised Q statistic y' P(tau2) y (decreasing in tau2)."""
    w, _, _, r = gls(y, v, X, tau2)
    return float(np.sum(w * r**2))


def _upper_bracket(f: Callable[[float], float], start: float) -> float:
    """Find b > 0 with f(b) < 0 (f decreasing eventually), doubling from ``start``."""
    b = max(start, 1.0)
    for _ in range(200):
        if f(b) < 0:
            return b
        b *= 2.0
    raise ValueError("could not bracket the root of the tau2 estimating equation")


def _root(f: Callable[[float], float], lo: float, hi: float) -> float:
    return float(optimize.brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps,
                                 maxiter=500))


def _root_from_zero(f: Callable[[float], float], y: np.ndarray) -> float:
    """The root of a decreasing estimating equation f, or 0 when f(0) <= 0 (boundary)."""
    if f(0.0) <= 0:
        return 0.0
    return _root(f, 0.0, _upper_bracket(f, float(np.var(y)) + 1.0))


# ------------------------------------------------------------------------- tau2 estimators
def _tau2_dl(y, v, X) -> float:
    """DerSimonian-Laird (method of moments with the equal-effect weights)."""
    k, p = X.shape
    w, _, Ainv, r = gls(y, v, X, 0.0)
    q = float(np.sum(w * r**2))
    return max(0.0, (q - (k - p)) / _trace_p(w, X, Ainv))


def _tau2_he(y, v, X) -> float:
    """Hedges (unweighted method of moments)."""
    k, p = X.shape
    ols_beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    rss = float(np.sum((y - X @ ols_beta) ** 2))
    H = X @ np.linalg.inv(X.T @ X) @ X.T
    tr = float(np.trace((np.eye(k) - H) @ np.diag(v)))
    return max(0.0, (rss - tr) / (k - p))


def _tau2_sj(y, v, X) -> float:
    """Sidik & Jonkman (2005): one step from var(yi) * (k-1)/k (metafor's tau2.init)."""
    k, p = X.shape
    t0 = float(np.var(y))
    if t0 <= 0:
        return 0.0
    return max(0.0, t0 * q_gen(y, v, X, t0) / (k - p))


def _tau2_pm(y, v, X) -> float:
    """Paule-Mandel: the generalised Q equals its expectation k - p."""
    k, p = X.shape
    return _root_from_zero(lambda t: q_gen(y, v, X, t) - (k - p), y)


def _tau2_likelihood(y, v, X, reml: bool) -> float:
    """Maximum likelihood (``reml``: restricted ML): root of the score equation."""
    def score(t: float) -> float:
        w, _, Ainv, r = gls(y, v, X, t)
        tr = _trace_p(w, X, Ainv) if reml else float(w.sum())
        return 0.5 * (float(np.sum((w * r) ** 2)) - tr)

    return _root_from_zero(score, y)


_TAU2 = {"DL": _tau2_dl, "HE": _tau2_he, "SJ": _tau2_sj, "PM": _tau2_pm,
         "ML": partial(_tau2_likelihood, reml=False), "REML": partial(_tau2_likelihood, reml=True)}


def tau2(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str) -> float:
    """Heterogeneity variance for the (meta-regression) model y ~ X, never negative."""
    k, p = X.shape
    if method == "FE" or k <= p:
        return 0.0
    return _TAU2[method](y, v, X)


def pooled_estimate(y: np.ndarray, v: np.ndarray, method: str) -> float:
    """The intercept-only model's estimate (what every refit in trim-and-fill needs)."""
    X = np.ones((y.size, 1))
    _, beta, _, _ = gls(y, v, X, tau2(y, v, X, method))
    return float(beta[0])


def qprofile_ci(y, v, X, level: float) -> tuple[float, float]:
    """Q-profile confidence interval for tau2 (Viechtbauer 2007), as metafor's confint()."""
    k, p = X.shape
    if k - p < 1:
        return (math.nan, math.nan)
    alpha = 1 - level
    # the lower limit solves Q(tau2) = the chi2 quantile 1 - alpha/2, the upper one alpha/2
    lo, hi = (_root_from_zero(lambda t, c=c: q_gen(y, v, X, t) - c, y)
              for c in (stats.chi2.ppf(1 - alpha / 2, k - p), stats.chi2.ppf(alpha / 2, k - p)))
    return lo, hi


def critical_value(test: str, level: float, df: float) -> float:
    """Two-sided critical value: normal for ``test="z"``, t(df) for ``test="knha"``."""
    if test == "knha":
        return float(stats.t.ppf(1 - (1 - level) / 2, df))
    return float(stats.norm.ppf(1 - (1 - level) / 2))
