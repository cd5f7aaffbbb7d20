"""Vectorised random-effects pooling for many series at once (internal).

REML estimate of tau^2, Hartung-Knapp inference, Q-profile interval for tau^2, prediction
interval and empirical-Bayes (BLUP) person effects for arrays of shape (n_series, k), with
excluded persons masked out. Every quantity is the one :func:`matstats.meta.meta_analysis`
(``method="REML", test="knha"``) and metafor's ``blup()`` compute for one series, the roots
to machine precision (:func:`_solve_decreasing`), as the per-series path finds them with
``brentq``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

_EPS = np.finfo(float).eps
_MAXITER = 200


def _moments(y, v, m, t):
    """Weights, sums and residuals at tau^2 = t (arrays over series)."""
    w = np.where(m, 1.0 / (v + t[:, None]), 0.0)
    s1 = w.sum(axis=1)
    mu = (w * y).sum(axis=1) / s1
    r = np.where(m, y - mu[:, None], 0.0)
    return w, s1, mu, r


def _reml_score(y, v, m, t, c=None):
    """REML estimating equation 0.5 (sum w^2 r^2 - tr P) and its derivative in t (``c``
    unused: the signature of :func:`_solve_decreasing`)."""
    w, s1, _, r = _moments(y, v, m, t)
    w2 = w * w
    s2 = w2.sum(axis=1)
    s3 = (w2 * w).sum(axis=1)
    a = (w2 * r * r).sum(axis=1)
    b = s1 - s2 / s1
    g = (w2 * r).sum(axis=1)
    da = -2.0 * (w2 * w * r * r).sum(axis=1) + 2.0 * g * g / s1
    db = -s2 + 2.0 * s3 / s1 - s2 * s2 / (s1 * s1)
    return 0.5 * (a - b), 0.5 * (da - db)


def _q_gen(y, v, m, t, c=0.0):
    """Generalised Q = sum w r^2 (decreasing in t) minus ``c``, and its derivative
    -sum w^2 r^2."""
    w, _, _, r = _moments(y, v, m, t)
    wr2 = w * r * r
    return wr2.sum(axis=1) - c, -(w * wr2).sum(axis=1)


def _start(y, m):
    """max(var(y) + 1, 1), the bracket start of the per-series path (population var)."""
    k = m.sum(axis=1)
    mean = np.where(m, y, 0.0).sum(axis=1) / k
    var = np.where(m, (y - mean[:, None]) ** 2, 0.0).sum(axis=1) / k
    return np.maximum(var + 1.0, 1.0)


def _solve_decreasing(f, y, v, m, active, c=None):
    """Root in t >= 0 of ``f(y, v, m, t, c) -> (value, derivative)``, > 0 at 0, < 0 far out.

    Only the series flagged ``active`` are solved (others return 0); ``c`` is an optional
    per-series constant handed to ``f``. Bracket: doubling from :func:`_start`, as the
    per-series path does; then Newton steps, with bisection whenever a step leaves the
    bracket, until a step or the bracket is within 16 ulp (the rounding noise of the
    estimating equation near its root). Converged series leave the
    working set.
    """
    n = y.shape[0]
    out = np.zeros(n)
    idx = np.flatnonzero(active)
    if idx.size == 0:
        return out
    y, v, m = y[idx], v[idx], m[idx]
    c = np.zeros(idx.size) if c is None else np.asarray(c, dtype=float)[idx]
    hi = _start(y, m)
    for _ in range(_MAXITER):
        fh, _ = f(y, v, m, hi, c)
        up = ~(fh < 0)
        if not up.any():
            break
        hi = np.where(up, 2.0 * hi, hi)
    else:  # pragma: no cover - tau^2 would be astronomically large
        raise ValueError("could not bracket the root of the tau2 estimating equation")
    lo = np.zeros_like(hi)
    t = 0.5 * hi
    live = np.arange(t.size)
    for _ in range(_MAXITER):
        whole = live.size == t.size
        tl, lol, hil = t[live], lo[live], hi[live]
        if whole:
            ft, dft = f(y, v, m, tl, c)
        else:
            ft, dft = f(y[live], v[live], m[live], tl, c[live])
        pos = ft > 0
        lol = np.where(pos, tl, lol)
        hil = np.where(pos, hil, tl)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = tl - ft / dft
        ok = np.isfinite(newton) & (newton >= lol) & (newton <= hil)
        new = np.where(ft == 0, tl, np.where(ok, newton, 0.5 * (lol + hil)))
        tol = 16.0 * _EPS * np.abs(tl) + 1e-300
        conv = (np.abs(new - tl) <= tol) | (hil - lol <= tol)
        t[live], lo[live], hi[live] = new, lol, hil
        live = live[~conv]
        if live.size == 0:
            break
    out[idx] = t
    return out


def pool_reml_knha(y, v, m, level: float) -> dict:
    """REML + Hartung-Knapp pooling of every row of ``y`` (excluded entries: ``m`` False,
    ``y`` 0 and ``v`` 1 there).

    Returns a dict of arrays over series: ``estimate``, ``se``, ``df``, ``ci_low``,
    ``ci_high``, ``pval``, ``tau2``, ``tau2_ci_low``, ``tau2_ci_high``, ``pi_low``,
    ``pi_high``, ``k``, and the BLUPs ``shrunken``, ``shrunken_se`` (n_series, k; NaN where
    excluded).
    """
    k = m.sum(axis=1)
    ok = k >= 2
    y_ok = np.where(ok[:, None], y, 0.0)
    m_ok = m & ok[:, None]
    m_eval = np.where(ok[:, None], m_ok, True)  # dummy all-included rows keep sums finite
    score0, _ = _reml_score(y_ok, v, m_eval, np.zeros(y.shape[0]))
    tau2 = _solve_decreasing(_reml_score, y_ok, v, m_eval, ok & (score0 > 0))
    w, s1, mu, r = _moments(y_ok, v, m_eval, tau2)
    df = (k - 1).astype(float)
    rss = (w * r * r).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s2w = np.where(rss <= _EPS, 0.0, rss / df)
        se = np.sqrt(s2w / s1)
        crit = stats.t.ppf(0.5 + level / 2.0, df)
        stat = mu / se
        pval = 2.0 * stats.t.sf(np.abs(stat), df)
    pval = np.where(se > 0, pval, np.where(mu != 0, 0.0, np.nan))
    half = crit * np.sqrt(se * se + tau2)
    lo_ci, hi_ci = _qprofile(y_ok, v, m_eval, ok, level, df)
    lam = tau2[:, None] / (tau2[:, None] + v)
    shr = lam * y + (1.0 - lam) * mu[:, None]
    shr_se = np.sqrt(lam * v + (1.0 - lam) ** 2 * (se * se)[:, None])
    nan = np.where(ok, 1.0, np.nan)
    pm = np.where(m_ok, 1.0, np.nan)
    return {
        "estimate": mu * nan, "se": se * nan, "df": df * nan,
        "ci_low": (mu - crit * se) * nan, "ci_high": (mu + crit * se) * nan, "pval": pval * nan,
        "tau2": tau2 * nan, "tau2_ci_low": lo_ci * nan, "tau2_ci_high": hi_ci * nan,
        "pi_low": (mu - half) * nan, "pi_high": (mu + half) * nan, "k": k,
        "shrunken": shr * pm, "shrunken_se": shr_se * pm,
    }


def _qprofile(y, v, m, ok, level, df):
    """Q-profile interval for tau^2 (Viechtbauer 2007), as meta_analysis computes it."""
    alpha = 1.0 - level
    q0, _ = _q_gen(y, v, m, np.zeros(y.shape[0]))
    limits = []
    for p in (1.0 - alpha / 2.0, alpha / 2.0):
        crit = stats.chi2.ppf(p, np.where(ok, df, 1.0))
        limits.append(_solve_decreasing(_q_gen, y, v, m, ok & (q0 > crit), c=crit))
    return limits[0], limits[1]
