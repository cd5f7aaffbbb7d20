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
      from the normal (``test="z"``) or t(k-1) (``test="knha"``) distribution; NaN for
      ``method="FE"`` (metafor's ``predict()`` gives none there).
    * With k = 1 the model reduces to the single study (tau2 = 0, Q = 0, Q p = 1, I2 = 0,
      H2 = 1, as metafor reports); the tau2 CI is NaN. ``test="knha"`` with k = 1 raises
      (metafor silently switches to ``"z"``).
    * ``method="FE"`` with ``test="knha"`` is computed as metafor does (it only warns).
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
        rss = float(np.sum(w * r**2))
        # metafor sets s2w to 0 when the weighted RSS is numerically zero
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / df
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
        # metafor's convention for k = 1: Q = 0, p = 1, I2 = 0, H2 = 1
        q_pval, i2, h2 = 1.0, 0.0, 1.0
        tau2_ci = (math.nan, math.nan)
    # metafor's predict() gives no prediction interval for an equal-effect model
    half = math.nan if method == "FE" else crit * math.sqrt(se**2 + tau2)
    weights = tuple(float(x) for x in 100 * w / w.sum())
    return MetaResult(
        estimate=est, se=se, stat=stat, df=float(df), ci_low=ci_low, ci_high=ci_high,
        pval=pval, tau2=tau2, tau2_ci_low=tau2_ci[0], tau2_ci_high=tau2_ci[1],
        i2=float(i2), h2=float(h2), q=q, q_df=q_df, q_pval=q_pval,
        pi_low=est - half, pi_high=est + half, k=k, method=method, test=test,
        level=float(level), weights=weights,
    )


# ------------------------------------------------------------------------ Egger regression
@dataclass(frozen=True)
class EggerResult:
    """Result of :func:`egger_test`; see :meth:`to_frame` for the fields."""

    stat: float
    df: int
    pval: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float
    slope: float
    k: int
    level: float

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
        return pd.DataFrame([asdict(self)])


def egger_test(yi, vi, *, level: float = 0.95) -> EggerResult:
    """Egger's regression test for funnel-plot asymmetry (metafor ``regtest(model="lm")``).

    Weighted least squares of ``yi`` on ``sqrt(vi)`` with weights ``1/vi`` and a
    multiplicative residual variance (Egger et al. 1997, BMJ 315:629). The slope's t test
    (k - 2 df) is the asymmetry test; the intercept is the "limit estimate" (effect of a
    hypothetical study with se = 0), with a t-based CI.

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and sampling variances (> 0).
    level : float, default 0.95
        Confidence level of the limit estimate's CI.

    Returns
    -------
    EggerResult
        Frozen dataclass with ``.to_frame()``.

    Raises
    ------
    ValueError
        Fewer than 3 studies, all standard errors equal (slope not identifiable), or any
        input fault listed in :func:`meta_analysis`.
    """
    _check_options("FE", "z", level)
    y, v = _check_inputs(yi, vi, min_k=3)
    sei = np.sqrt(v)
    if np.ptp(sei) == 0:
        raise ValueError("all standard errors are equal: Egger's slope is not identifiable")
    k = y.size
    X = np.column_stack([np.ones(k), sei])
    w, beta, Ainv, r = _gls(y, v, X, 0.0)
    df = k - 2
    sigma2 = float(np.sum(w * r**2)) / df
    cov = sigma2 * Ainv
    se = np.sqrt(np.diag(cov))
    stat = float(beta[1] / se[1]) if se[1] > 0 else math.inf * np.sign(beta[1])
    pval = float(2 * stats.t.sf(abs(stat), df))
    crit = float(stats.t.ppf(1 - (1 - level) / 2, df))
    b0 = float(beta[0])
    return EggerResult(stat=stat, df=df, pval=pval, limit_estimate=b0,
                       limit_ci_low=b0 - crit * float(se[0]),
                       limit_ci_high=b0 + crit * float(se[0]),
                       slope=float(beta[1]), k=k, level=float(level))


# ---------------------------------------------------------------------------- trim and fill
@dataclass(frozen=True)
class TrimFillResult:
    """Result of :func:`trim_and_fill`.

    Attributes
    ----------
    k0 : int
        Estimated number of missing studies.
    side : str
        Side of the funnel on which studies were imputed (``"left"`` or ``"right"``).
    estimator : str
        ``"L0"`` or ``"R0"``.
    model : MetaResult
        The model refitted to the observed plus filled studies.
    data : pandas.DataFrame
        Columns ``yi``, ``vi``, ``filled`` (bool; True for imputed studies), observed
        studies first in input order, then the filled ones.
    """

    k0: int
    side: str
    estimator: str
    model: MetaResult
    data: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary: ``k0``, ``side``, ``estimator`` plus all columns of
        :meth:`MetaResult.to_frame` for the filled model."""
        head = pd.DataFrame([{"k0": self.k0, "side": self.side, "estimator": self.estimator}])
        return pd.concat([head, self.model.to_frame()], axis=1)


def _side(y: np.ndarray, v: np.ndarray, method: str) -> str:
    """metafor's rule: sign of the slope of the meta-regression of yi on sqrt(vi)."""
    X = np.column_stack([np.ones(y.size), np.sqrt(v)])
    tau2 = _tau2(y, v, X, method)
    _, beta, _, _ = _gls(y, v, X, tau2)
    return "right" if beta[1] < 0 else "left"


def trim_and_fill(yi, vi, *, method: str = "REML", test: str = "z", level: float = 0.95,
                  estimator: str = "L0", side: str | None = None,
                  maxiter: int = 100) -> TrimFillResult:
    """Duval & Tweedie trim-and-fill (metafor ``trimfill``).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and sampling variances (> 0); at least 3 studies.
    method : str, default "REML"
        Estimator used for every model fit (as in :func:`meta_analysis`).
    test : {"z", "knha"}, default "z"
        Inference for the final (filled) model.
    level : float, default 0.95
    estimator : {"L0", "R0"}, default "L0"
        Estimator of the number of missing studies.
    side : {"left", "right"}, optional
        Side on which studies are missing. By default chosen as metafor does: ``"right"``
        if the slope of the meta-regression of ``yi`` on ``sqrt(vi)`` (same ``method``) is
        negative, else ``"left"``.
    maxiter : int, default 100
        Maximum number of trim iterations.

    Returns
    -------
    TrimFillResult
        ``k0``, ``side``, ``estimator``, the refitted ``model`` and the augmented ``data``.

    Raises
    ------
    ValueError
        Bad inputs, fewer than 3 studies, or no convergence within ``maxiter``.
    """
    _check_options(method, test, level)
    if estimator not in ("L0", "R0"):
        raise ValueError(f"estimator must be 'L0' or 'R0', got {estimator!r}")
    if side is not None and side not in ("left", "right"):
        raise ValueError(f"side must be 'left', 'right' or None, got {side!r}")
    y, v = _check_inputs(yi, vi, min_k=3)
    k = y.size
    if side is None:
        side = _side(y, v, method)
    ys = -y if side == "right" else y.copy()
    order = np.argsort(ys, kind="stable")
    ys, vs = ys[order], v[order]
    k0, k0_prev, it = 0, -1, 0
    b = math.nan
    while k0 != k0_prev:
        it += 1
        if it > maxiter:
            raise ValueError(f"trim and fill did not converge in {maxiter} iterations")
        k0_prev = k0
        keep = k - k0
        b = float(_fit(ys[:keep], vs[:keep], method, "z", level).estimate)
        yc = ys - b
        ranks = stats.rankdata(np.abs(yc), method="ordinal")
        signed = np.sign(yc) * ranks
        if estimator == "L0":
            sr = float(np.sum(signed[signed > 0]))
            k0 = (4 * sr - k * (k + 1)) / (2 * k - 1)
        else:
            gamma = k - float(np.max(np.abs(signed[signed < 0]))) if np.any(signed < 0) else k
            k0 = gamma - 1
        k0 = int(np.round(max(0.0, k0)))
        k0 = min(k0, k - 1)
    if k0 > 0:
        y_fill = 2 * b - ys[k - k0:]
        v_fill = vs[k - k0:]
        if side == "right":
            y_fill = -y_fill
    else:
        y_fill = np.empty(0)
        v_fill = np.empty(0)
    data = pd.DataFrame({
        "yi": np.concatenate([y, y_fill]),
        "vi": np.concatenate([v, v_fill]),
        "filled": np.concatenate([np.zeros(k, bool), np.ones(y_fill.size, bool)]),
    })
    model = _fit(data["yi"].to_numpy(), data["vi"].to_numpy(), method, test, level)
    return TrimFillResult(k0=k0, side=side, estimator=estimator, model=model, data=data)


# ------------------------------------------------------------------------ subgroups and LOO
@dataclass(frozen=True)
class SubgroupResult:
    """Result of :func:`subgroup_analysis`.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per subgroup: ``group`` plus the columns of :meth:`MetaResult.to_frame`.
    q_between : float
        Between-subgroup Q statistic.
    q_between_df : int
        Its degrees of freedom (number of subgroups - 1).
    q_between_pval : float
        Chi-square p-value.
    excluded : pandas.DataFrame
        Studies left out of the test with the reason (``index``, ``group``, ``reason``).
    """

    groups: pd.DataFrame
    q_between: float
    q_between_df: int
    q_between_pval: float
    excluded: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Per-subgroup rows (as ``groups``) with the between-subgroup test repeated in
        columns ``q_between``, ``q_between_df``, ``q_between_pval``."""
        out = self.groups.copy()
        out["q_between"] = self.q_between
        out["q_between_df"] = self.q_between_df
        out["q_between_pval"] = self.q_between_pval
        return out


def subgroup_analysis(yi, vi, groups, *, method: str = "REML", test: str = "z",
                      level: float = 0.95, tau2: str = "separate") -> SubgroupResult:
    """Separate models per subgroup and the between-subgroup Q test.

    Each subgroup is pooled on its own (its own tau2, ``method``/``test`` as given). The
    between-subgroup statistic is ``Q_b = sum_g (est_g - est_bar)^2 / se_g^2`` with
    ``est_bar`` the inverse-variance mean of the subgroup estimates, referred to a
    chi-square distribution on (G - 1) df. This equals metafor's moderator test ``QM`` of
    ``rma(est_g, sei=se_g, mods=~group, method="FE")`` fitted to the subgroup estimates
    (Borenstein et al. 2009, ch. 19, "separate estimates of tau2").

    With ``tau2="common"`` the test is instead the omnibus moderator test ``QM`` of the
    mixed-effects model with one tau2 shared by all subgroups, metafor's
    ``rma(yi, vi, mods = ~ factor(group), method=method)$QM`` (Wald chi-square on G - 1 df);
    the per-group table is unchanged (separate fits).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and sampling variances.
    groups : array_like
        Subgroup label of each study (no missing labels).
    method, test, level
        As in :func:`meta_analysis`.
    tau2 : {"separate", "common"}, default "separate"
        How heterogeneity enters the between-subgroup test (see above).

    Returns
    -------
    SubgroupResult
        Per-group table (in order of first appearance), Q between with df and p, and the
        table of excluded studies (empty unless a subgroup has a single study and
        ``test="knha"``, which cannot be fitted).

    Raises
    ------
    ValueError
        Bad inputs, missing labels, mismatched lengths, or fewer than 2 usable subgroups.
    """
    _check_options(method, test, level)
    if tau2 not in ("separate", "common"):
        raise ValueError(f"tau2 must be 'separate' or 'common', got {tau2!r}")
    y, v = _check_inputs(yi, vi, min_k=2)
    g = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups.to_list(),
                  dtype=object)
    if g.size != y.size:
        raise ValueError(f"groups has length {g.size}, but yi has length {y.size}")
    if g.isna().any():
        raise ValueError(f"groups has missing labels at positions {np.flatnonzero(g.isna())}")
    rows, excluded = [], []
    for label in pd.unique(g):
        idx = np.flatnonzero((g == label).to_numpy())
        if test == "knha" and idx.size < 2:
            excluded.extend({"index": int(i), "group": label,
                             "reason": "single-study subgroup cannot use test='knha'"}
                            for i in idx)
            continue
        fit = _fit(y[idx], v[idx], method, test, level).to_frame()
        fit.insert(0, "group", label)
        rows.append(fit)
    if len(rows) < 2:
        raise ValueError("at least 2 subgroups with a fitted model are needed for Q between")
    table = pd.concat(rows, ignore_index=True)
    dfb = len(rows) - 1
    if tau2 == "separate":
        est = table["estimate"].to_numpy(float)
        wg = 1 / table["se"].to_numpy(float) ** 2
        mu = float(np.sum(wg * est) / np.sum(wg))
        qb = float(np.sum(wg * (est - mu) ** 2))
    else:
        used = np.isin(g.to_numpy(), table["group"].to_numpy())
        qb = _moderator_qm(y[used], v[used], g[used].to_numpy(), method)
    excl = pd.DataFrame(excluded, columns=["index", "group", "reason"])
    return SubgroupResult(groups=table, q_between=qb, q_between_df=dfb,
                          q_between_pval=float(stats.chi2.sf(qb, dfb)), excluded=excl)


def _moderator_qm(y: np.ndarray, v: np.ndarray, g: np.ndarray, method: str) -> float:
    """Wald test that all subgroup contrasts are 0 in the common-tau2 mixed-effects model."""
    levels = list(pd.unique(pd.Series(g, dtype=object)))
    X = np.column_stack([np.ones(y.size)] + [(g == lev).astype(float) for lev in levels[1:]])
    if y.size <= X.shape[1]:
        raise ValueError("too few studies for a common-tau2 moderator model")
    t2 = _tau2(y, v, X, method)
    _, beta, Ainv, _ = _gls(y, v, X, t2)
    b = beta[1:]
    return float(b @ np.linalg.solve(Ainv[1:, 1:], b))


def leave_one_out(yi, vi, *, method: str = "REML", test: str = "z", level: float = 0.95,
                  labels=None) -> pd.DataFrame:
    """Refit the model with each study left out in turn (metafor ``leave1out``).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and sampling variances; at least 2 studies (3 for ``test="knha"``).
    method, test, level
        As in :func:`meta_analysis`.
    labels : array_like, optional
        Study labels; default 0..k-1.

    Returns
    -------
    pandas.DataFrame
        One row per omitted study: ``omitted`` (label) plus the columns of
        :meth:`MetaResult.to_frame` for the model without that study.
    """
    _check_options(method, test, level)
    y, v = _check_inputs(yi, vi, min_k=3 if test == "knha" else 2)
    k = y.size
    labs = list(range(k)) if labels is None else list(labels)
    if len(labs) != k:
        raise ValueError(f"labels has length {len(labs)}, but yi has length {k}")
    rows = []
    for i in range(k):
        keep = np.arange(k) != i
        fr = _fit(y[keep], v[keep], method, test, level).to_frame()
        fr.insert(0, "omitted", labs[i])
        rows.append(fr)
    return pd.concat(rows, ignore_index=True)
