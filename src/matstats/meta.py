"""Meta-analysis of effect sizes, numerically aligned with R metafor.

* :func:`meta_analysis` - equal-effect ("FE") and random-effects models (DL, REML, ML, PM,
  HE, SJ heterogeneity estimators), Wald-type (``test="z"``) or Hartung-Knapp
  (``test="knha"``) inference, Q-profile CI for tau2, I2/H2, Cochran's Q and the
  prediction interval of metafor's ``predict()``.
* :func:`egger_test` - Egger's regression test, metafor ``regtest(model="lm")``, with the
  limit estimate (the intercept: the effect as the standard error goes to 0).
* :func:`trim_and_fill` - Duval & Tweedie trim-and-fill with the L0 (or R0) estimator; the
  side with missing studies is chosen as metafor does (sign of the slope of a meta-regression
  on the standard errors).
* :func:`subgroup_analysis` - separate random-effects models per subgroup plus the
  between-subgroup Q test.
* :func:`leave_one_out` - the model refitted with each study omitted in turn.

Formulas follow Viechtbauer (2005, J Educ Behav Stat 30:261-293; 2010, J Stat Softw 36(3))
and the metafor documentation; tau2 estimators are solved to machine precision rather than
by metafor's Fisher scoring, which converges to the same root.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = [
    "MetaResult",
    "EggerResult",
    "TrimFillResult",
    "SubgroupResult",
    "meta_analysis",
    "egger_test",
    "trim_and_fill",
    "subgroup_analysis",
    "leave_one_out",
]

METHODS = ("FE", "DL", "REML", "ML", "PM", "HE", "SJ")
TESTS = ("z", "knha")


# ----------------------------------------------------------------------------- validation
def _as_vector(name: str, x) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {x!r}") from exc
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    return a


def _check_inputs(yi, vi, *, min_k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    y = _as_vector("yi", yi)
    v = _as_vector("vi", vi)
    if y.size != v.size:
        raise ValueError(f"yi and vi have different lengths ({y.size} and {v.size})")
    bad = np.flatnonzero(~np.isfinite(y) | ~np.isfinite(v))
    if bad.size:
        raise ValueError(
            f"yi/vi contain NaN or infinite values at positions {bad.tolist()}; "
            "remove or fix those studies explicitly (nothing is dropped silently)"
        )
    nonpos = np.flatnonzero(v <= 0)
    if nonpos.size:
        raise ValueError(
            f"sampling variances vi must be > 0; got {v[nonpos].tolist()} at positions "
            f"{nonpos.tolist()}"
        )
    if y.size < min_k:
        raise ValueError(f"at least {min_k} studies are needed, got k = {y.size}")
    return y, v


def _check_options(method: str, test: str, level: float) -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if test not in TESTS:
        raise ValueError(f"test must be one of {TESTS}, got {test!r}")
    if not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")


# ------------------------------------------------------------------- generalised model core
def _gls(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float):
    """Weighted least squares with weights 1/(v + tau2): beta, cov(beta) unscaled, P y, P."""
    w = 1.0 / (v + tau2)
    XtW = X.T * w
    A = XtW @ X
    Ainv = np.linalg.inv(A)
    beta = Ainv @ (XtW @ y)
    resid = y - X @ beta
    return w, beta, Ainv, resid


def _trace_p(w: np.ndarray, X: np.ndarray, Ainv: np.ndarray) -> float:
    # tr(P) = sum(w) - tr(Ainv X' W^2 X)
    XtW2X = (X.T * w**2) @ X
    return float(w.sum() - np.trace(Ainv @ XtW2X))


def _q_gen(y, v, X, tau2) -> float:
    """Generalised Q statistic y' P(tau2) y (decreasing in tau2)."""
    w, _, _, r = _gls(y, v, X, tau2)
    return float(np.sum(w * r**2))


def _upper_bracket(f, start: float) -> float:
    """Find b > 0 with f(b) < 0 (f decreasing eventually), doubling from ``start``."""
    b = max(start, 1.0)
    for _ in range(200):
        if f(b) < 0:
            return b
        b *= 2.0
    raise ValueError("could not bracket the root of the tau2 estimating equation")


def _root(f, lo: float, hi: float) -> float:
    return float(optimize.brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps,
                                 maxiter=500))


def _tau2(y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str) -> float:
    """Heterogeneity variance for the (meta-regression) model y ~ X, never negative."""
    k, p = X.shape
    if method == "FE" or k <= p:
        return 0.0
    if method == "DL":
        w, _, Ainv, r = _gls(y, v, X, 0.0)
        q = float(np.sum(w * r**2))
        return max(0.0, (q - (k - p)) / _trace_p(w, X, Ainv))
    if method == "HE":
        ols_beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        rss = float(np.sum((y - X @ ols_beta) ** 2))
        H = X @ np.linalg.inv(X.T @ X) @ X.T
        tr = float(np.trace((np.eye(k) - H) @ np.diag(v)))
        return max(0.0, (rss - tr) / (k - p))
    if method == "SJ":
        # Sidik & Jonkman (2005): one step from the initial value var(yi) * (k-1)/k
        # (metafor's default tau2.init)
        t0 = float(np.var(y))
        if t0 <= 0:
            return 0.0
        return max(0.0, t0 * _q_gen(y, v, X, t0) / (k - p))
    if method == "PM":
        f = lambda t: _q_gen(y, v, X, t) - (k - p)  # noqa: E731
        if f(0.0) <= 0:
            return 0.0
        return _root(f, 0.0, _upper_bracket(f, float(np.var(y)) + 1.0))
    if method in ("ML", "REML"):
        reml = method == "REML"

        def score(t: float) -> float:
            w, _, Ainv, r = _gls(y, v, X, t)
            wr = w * r
            s = float(np.sum(wr**2))
            tr = _trace_p(w, X, Ainv) if reml else float(w.sum())
            return 0.5 * (s - tr)

        if score(0.0) <= 0:
            return 0.0
        return _root(score, 0.0, _upper_bracket(score, float(np.var(y)) + 1.0))
    raise ValueError(f"unknown method {method!r}")  # pragma: no cover - checked earlier


def _qprofile_ci(y, v, X, level: float) -> tuple[float, float]:
    """Q-profile confidence interval for tau2 (Viechtbauer 2007), as metafor's confint()."""
    k, p = X.shape
    if k - p < 1:
        return (math.nan, math.nan)
    alpha = 1 - level
    crit_lo = stats.chi2.ppf(1 - alpha / 2, k - p)  # for the lower limit
    crit_hi = stats.chi2.ppf(alpha / 2, k - p)  # for the upper limit
    q0 = _q_gen(y, v, X, 0.0)
    start = float(np.var(y)) + 1.0

    def limit(crit: float) -> float:
        if q0 <= crit:
            return 0.0
        f = lambda t: _q_gen(y, v, X, t) - crit  # noqa: E731
        return _root(f, 0.0, _upper_bracket(f, start))

    return limit(crit_lo), limit(crit_hi)


# ------------------------------------------------------------------------------ main model
@dataclass(frozen=True)
class MetaResult:
    """Result of :func:`meta_analysis` (one pooled model).

    Attributes mirror the columns of :meth:`to_frame`; ``weights`` holds the percentage
    weight of each study (as metafor's ``weights()``), in input order.
    """

    estimate: float
    se: float
    stat: float
    df: float
    ci_low: float
    ci_high: float
    pval: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_pval: float
    pi_low: float
    pi_high: float
    k: int
    method: str
    test: str
    level: float
    weights: tuple[float, ...] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the model summary.

        Returns
        -------
        pandas.DataFrame
            Columns: ``estimate`` (pooled effect), ``se``, ``stat`` (z or t statistic),
            ``df`` (t degrees of freedom, ``inf`` for z), ``ci_low``, ``ci_high``, ``pval``,
            ``tau2``, ``tau2_ci_low``, ``tau2_ci_high`` (Q-profile), ``i2`` (percent),
            ``h2``, ``q`` (Cochran's Q), ``q_df``, ``q_pval``, ``pi_low``, ``pi_high``
            (prediction interval), ``k``, ``method``, ``test``, ``level``.
        """
        d = asdict(self)
        d.pop("weights")
        return pd.DataFrame([d])


def meta_analysis(yi, vi, *, method: str = "REML", test: str = "z",
                  level: float = 0.95) -> MetaResult:
    """Pool effect sizes with an equal-effect or random-effects model (metafor ``rma``).

    Parameters
    ----------
    yi : array_like
        Effect sizes (e.g. ``escalc(...)["yi"]``). NaN is rejected, never dropped.
    vi : array_like
        Sampling variances, all > 0.
    method : {"REML", "DL", "ML", "PM", "HE", "SJ", "FE"}, default "REML"
        Heterogeneity estimator; ``"FE"`` fits the equal-effect (tau2 = 0) model.
    test : {"z", "knha"}, default "z"
        Normal-theory Wald inference, or the Hartung-Knapp(-Sidik-Jonkman) adjustment with
        a t distribution on k - 1 df.
    level : float, default 0.95
        Confidence level for the CI, the tau2 CI and the prediction interval.

    Returns
    -------
    MetaResult
        Frozen dataclass; ``.to_frame()`` gives the one-row summary (see
        :meth:`MetaResult.to_frame` for all columns).

    Raises
    ------
    ValueError
        Mismatched lengths, NaN/inf inputs, ``vi <= 0``, an empty input, ``test="knha"``
        with k = 1, or an unknown method/test/level.

    Notes
    -----
    * Q, I2 (percent) and H2 follow metafor: for random-effects models
      ``I2 = 100 tau2 / (tau2 + s2)`` and ``H2 = (tau2 + s2) / s2`` with the "typical"
      within-study variance ``s2 = (k-1) sum(w) / (sum(w)^2 - sum(w^2))``; for ``"FE"``
      ``I2 = max(0, 100 (Q - (k-1)) / Q)`` and ``H2 = Q / (k-1)``.
    * The prediction interval is ``estimate +/- crit * sqrt(se^2 + tau2)``, with ``crit``
      from the normal (``test="z"``) or t(k-1) (``test="knha"``) distribution.
    * With k = 1 the model reduces to the single study (tau2 = 0, Q = 0); I2, H2, the
      Q p-value and the tau2 CI are NaN, since they are undefined.
    """
    _check_options(method, test, level)
    y, v = _check_inputs(yi, vi, min_k=1)
    return _fit(y, v, method, test, level)


def _fit(y: np.ndarray, v: np.ndarray, method: str, test: str, level: float) -> MetaResult:
    k = y.size
    if test == "knha" and k < 2:
        raise ValueError("test='knha' needs at least 2 studies (t distribution on k-1 df)")
    X = np.ones((k, 1))
    tau2 = _tau2(y, v, X, method)
    w, beta, Ainv, r = _gls(y, v, X, tau2)
    est = float(beta[0])
    alpha = 1 - level
    if test == "knha":
        df = k - 1
        s2w = float(np.sum(w * r**2)) / df
        se = math.sqrt(s2w * Ainv[0, 0])
        crit = float(stats.t.ppf(1 - alpha / 2, df))
        stat = est / se if se > 0 else (math.copysign(math.inf, est) if est else math.nan)
        pval = float(2 * stats.t.sf(abs(stat), df)) if not math.isnan(stat) else math.nan
    else:
        df = math.inf
        se = math.sqrt(Ainv[0, 0])
        crit = float(stats.norm.ppf(1 - alpha / 2))
        stat = est / se
        pval = float(2 * stats.norm.sf(abs(stat)))
    ci_low, ci_high = est - crit * se, est + crit * se
    # heterogeneity statistics, always from the equal-effect weights
    w0 = 1.0 / v
    mu0 = float(np.sum(w0 * y) / np.sum(w0))
    q = float(np.sum(w0 * (y - mu0) ** 2))
    q_df = k - 1
    if k > 1:
        q_pval = float(stats.chi2.sf(q, q_df))
        if method == "FE":
            i2 = max(0.0, 100 * (q - q_df) / q) if q > 0 else 0.0
            h2 = q / q_df
        else:
            s2 = q_df * np.sum(w0) / (np.sum(w0) ** 2 - np.sum(w0**2))
            i2 = 100 * tau2 / (tau2 + s2)
            h2 = (tau2 + s2) / s2
        if method == "FE":
            tau2_ci = (math.nan, math.nan)
        else:
            tau2_ci = _qprofile_ci(y, v, X, level)
    else:
        q_pval = i2 = h2 = math.nan
        tau2_ci = (math.nan, math.nan)
    half = crit * math.sqrt(se**2 + tau2)
    weights = tuple(float(x) for x in 100 * w / w.sum())
    return MetaResult(
        estimate=est, se=se, stat=stat, df=float(df), ci_low=ci_low, ci_high=ci_high,
        pval=pval, tau2=tau2, tau2_ci_low=tau2_ci[0], tau2_ci_high=tau2_ci[1],
        i2=float(i2), h2=float(h2), q=q, q_df=q_df, q_pval=q_pval,
        pi_low=est - half, pi_high=est + half, k=k, method=method, test=test,
        level=float(level), weights=weights,
    )
