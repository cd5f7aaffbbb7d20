"""Posterior of a personal-trial effect with the cycle SD integrated out (internal).

Model: the ``bayes`` method of :func:`matstats.nof1.analyze_many` on the cycle differences
D_1..D_n, with the effect prior delta ~ N(m0, s0^2) and the Jeffreys prior on sigma.

Integrating sigma out leaves a Student-t likelihood for delta (centre the mean
difference, scale its standard error, n - 1 df) times the normal prior. Given sigma the
model is normal-normal conjugate, so the posterior of delta is a scale mixture of normals
over q = S / sigma^2 (S = sum of squared deviations of the D_j): with the Jeffreys prior
q has the chi-square(n - 1) kernel, re-weighted by the marginal density of the mean
difference, N(d_bar; m0, s0^2 + S / (n q)). That one-dimensional integral is done by the
trapezoid rule in u = log q on a fixed number of nodes per trial (smooth integrand,
exponentially decaying tails, hence spectrally accurate), vectorised across trials. Every
summary (mean, probabilities, quantiles) is then an exact function of the mixture.

With a flat effect prior the posterior is exactly the t distribution of the paired t test,
so the credible interval equals the ``cycle_t`` interval; the N(0, 2^2) prior shrinks it
slightly toward 0.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

_N_NODES = 81
_BLOCK = 2048  # trials per block: keeps the (nodes x trials) arrays in cache
_TAIL = 1e-13


def _nodes(est: np.ndarray, scale2: np.ndarray, df: float, m0: float, s0: float,
           mb: float = 0.0, sb: float = 0.0):
    """Log-weights (normalised) and conditional normal posteriors at the nodes.

    ``est`` ~ N(delta + bias, scale2 / q) given q = S / sigma^2 ~ chi-square(df), bias ~
    N(mb, sb^2) (0 for a blinded comparison). Arrays have shape (nodes, trials).
    """
    lo = np.log(stats.chi2.ppf(_TAIL, df))
    hi = np.log(stats.chi2.isf(_TAIL, df))
    # prior-data conflict puts mass at small q (large sigma): q ~ scale2 / (est - m0)^2,
    # below which the integrand decays like q^((df + 1)/2); extend the grid to cover it
    with np.errstate(divide="ignore"):
        conflict = np.log(scale2 / (est - m0 - mb) ** 2) - 70.0 / (df + 1.0)
    lo = np.minimum(lo, conflict)
    t = np.linspace(0.0, 1.0, _N_NODES)[:, None]
    u = lo + (hi - lo) * t
    step = (hi - lo) / (_N_NODES - 1)
    q = np.exp(u)
    W = scale2 / q + sb * sb  # variance of est given delta (sampling + bias)
    V = W + s0 * s0
    # trapezoid weights in u: the chi-square kernel q^{df/2} e^{-q/2} (the 1/q of dq/q is
    # absorbed by du), times the marginal density of est
    logw = 0.5 * df * u - 0.5 * q - 0.5 * np.log(V) - 0.5 * (est - m0 - mb) ** 2 / V
    logw = logw + np.log(step)
    logw[0] -= np.log(2.0)
    logw[-1] -= np.log(2.0)
    logw -= special.logsumexp(logw, axis=0)
    prec = 1.0 / (s0 * s0) + 1.0 / W
    v1 = 1.0 / prec
    m1 = v1 * (m0 / (s0 * s0) + (est - mb) / W)
    return np.exp(logw), m1, np.sqrt(v1)


def _cdf(x, w, m, s):
    return np.einsum("kt,kt->t", w, special.ndtr((x - m) / s))


def _quantile(p: float, w, m, s, mean, sd) -> np.ndarray:
    """Quantile of the normal mixture by safeguarded Newton (bisection fallback)."""
    x = mean + sd * special.ndtri(p)
    lo = np.min(m - 40 * s, axis=0)
    hi = np.max(m + 40 * s, axis=0)
    for _ in range(60):
        z = (x - m) / s
        F = np.einsum("kt,kt->t", w, special.ndtr(z)) - p
        f = np.einsum("kt,kt->t", w, np.exp(-0.5 * z * z) / (s * np.sqrt(2 * np.pi)))
        lo = np.where(F < 0, x, lo)
        hi = np.where(F > 0, x, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = F / f
        done = np.abs(step) <= 1e-11 * (1.0 + np.abs(x))
        xn = x - step
        bad = ~done & (~np.isfinite(xn) | (xn <= lo) | (xn >= hi))
        x = np.where(bad, 0.5 * (lo + hi), np.where(done, x, xn))
        if done.all():
            break
    return x


def posterior(dbar, S, n, **kw) -> dict:
    """:func:`posterior_t` of the mean ``dbar`` of ``n`` cycle differences whose squared
    deviations sum to ``S`` (est = dbar, scale2 = S / n, df = n - 1), one per trial."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return posterior_t(dbar, np.asarray(S, dtype=float) / n, n - 1.0, **kw)


def posterior_t(est, scale2, df, *, prior_mean: float, prior_sd: float, mcid: float,
                level: float = 0.95, quantiles: bool = True, at=None, bias_mean: float = 0.0,
                bias_sd: float = 0.0) -> dict:
    """Posterior of delta from a Student-t likelihood times a normal prior, many trials.

    The estimate ``est`` of a linear model with an unknown error SD sigma: est ~ N(delta +
    bias, sigma^2 c), and an independent residual sum of squares S with S / sigma^2 ~
    chi-square(df); ``scale2 = S c`` (so ``sqrt(scale2 / df)`` is the usual standard
    error). ``bias`` ~ N(bias_mean, bias_sd^2) is a bias on top of delta (an open
    comparison's expectation bias), integrated out. A regression of period means on
    (1, time, mat) has c = [(X'X)^-1]_mat, df = periods - 3 (cycle differences:
    :func:`posterior`).

    ``at``, optional, also gives P(delta < at) (``cdf_at``), e.g. the true effect in a
    calibration. Returns a dict of arrays: ``mean``, ``sd``, ``p_below0`` = P(delta < 0),
    ``p_below_mcid`` = P(delta < -mcid) and, with ``quantiles``, ``median``, ``low``, ``high``
    (the equal-tailed ``level`` interval); NaN where df < 1 or scale2 is not positive.
    """
    est = np.asarray(est, dtype=float)
    scale2 = np.asarray(scale2, dtype=float)
    df = np.asarray(df, dtype=float)
    shape = np.broadcast_shapes(est.shape, scale2.shape, df.shape)
    est, scale2, df = (np.broadcast_to(a, shape).ravel() for a in (est, scale2, df))
    keys = ["mean", "sd", "p_below0", "p_below_mcid"]
    if quantiles:
        keys += ["median", "low", "high"]
    if at is not None:
        keys.append("cdf_at")
        at = np.broadcast_to(np.asarray(at, dtype=float), shape).ravel()
    out = {k: np.full(est.size, np.nan) for k in keys}
    ok = (df >= 1) & np.isfinite(est) & np.isfinite(scale2) & (scale2 > 0)
    for dv in np.unique(df[ok]):
        idx = np.flatnonzero(ok & (df == dv))
        for b in range(0, idx.size, _BLOCK):
            sel = idx[b:b + _BLOCK]
            w, m, s = _nodes(est[sel], scale2[sel], float(dv), prior_mean, prior_sd,
                             float(bias_mean), float(bias_sd))
            _fill(out, sel, w, m, s, at, mcid, level, quantiles)
    return {k: v.reshape(shape) for k, v in out.items()}


def _fill(out, sel, w, m, s, at, mcid, level, quantiles):
    mean = np.einsum("kt,kt->t", w, m)
    var = np.einsum("kt,kt->t", w, s * s + m * m) - mean * mean
    sd = np.sqrt(np.maximum(var, 0.0))
    out["mean"][sel] = mean
    out["sd"][sel] = sd
    out["p_below0"][sel] = _cdf(0.0, w, m, s)
    out["p_below_mcid"][sel] = _cdf(-mcid, w, m, s)
    if at is not None:
        out["cdf_at"][sel] = _cdf(at[sel], w, m, s)
    if quantiles:
        a = (1.0 - level) / 2.0
        out["median"][sel] = _quantile(0.5, w, m, s, mean, sd)
        out["low"][sel] = _quantile(a, w, m, s, mean, sd)
        out["high"][sel] = _quantile(1.0 - a, w, m, s, mean, sd)
