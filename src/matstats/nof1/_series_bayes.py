"""Bayesian stage two of the two-stage series analysis: person effects pooled by
:func:`matstats.meta.bayesmeta.bayes_meta` (registered as ``pool="bayes"`` in
:data:`matstats.nof1.series_analysis.POOLERS`).

The person means d_i with variances v_i = s^2 / n_i are pooled by the normal-normal model
with a flat prior on the average effect and a few-study heterogeneity prior on tau (the SD of
the person effects, NRS points; default :data:`matstats.literature.NOF1_TAU_PRIOR`,
half-normal with scale 1 point). The outputs carry the keys of the REML pooler, read as
posterior summaries:

* ``estimate``, ``se`` : posterior mean and SD of mu; ``ci_low``, ``ci_high`` : equal-tailed
  credible interval; ``df`` : inf (no t reference); ``pval`` : 2 min(P(mu < 0), P(mu > 0)),
  the posterior tail probability of the sign, not a p-value;
* ``tau2`` and its interval: the posterior median and equal-tailed interval of tau, squared;
* ``pi_low``, ``pi_high`` : credible interval of the effect in a new person (theta);
* ``shrunken``, ``shrunken_se`` : posterior mean and SD of each person's effect, with the
  exact equal-tailed interval (``shrunken_ci``) and the exact probability function
  ``prob_below`` (P(theta_i < c)) of the shrinkage posteriors (normal mixtures over tau);
* ``weights`` : percentage weights 1 / (v_i + tau^2) at the posterior median of tau.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from matstats import literature
from matstats.meta.bayesmeta import bayes_meta


def bayes_pooler(tau_prior=None):
    """A stage-two pooler ``f(d, v, level) -> dict`` using :func:`bayes_meta` with
    ``tau_prior`` (a prior or its name; default :data:`matstats.literature.NOF1_TAU_PRIOR`)."""
    prior = literature.tau_prior(literature.NOF1_TAU_PRIOR if tau_prior is None else tau_prior)

    def pool_bayes(d: np.ndarray, v: np.ndarray, level: float) -> dict:
        fit = bayes_meta(d, np.asarray(v, dtype=float), tau_prior=prior, level=level)
        summ = fit.to_frame().set_index("param")
        a = (1.0 - level) / 2
        mu = summ.loc["mu"]
        p_neg = float(fit.cdf("mu", 0.0))
        tau_q = np.asarray(fit.quantile("tau", [0.5, a, 1 - a]), dtype=float)
        w = 1.0 / (np.asarray(v, dtype=float) + tau_q[0] ** 2)
        shr = fit.shrinkage()
        return {
            "estimate": float(mu["mean"]), "se": float(mu["sd"]), "df": float("inf"),
            "ci_low": float(mu["ci_low"]), "ci_high": float(mu["ci_high"]),
            "pval": float(min(1.0, 2 * min(p_neg, 1 - p_neg))),
            "tau2": tau_q[0] ** 2, "tau2_ci_low": tau_q[1] ** 2, "tau2_ci_high": tau_q[2] ** 2,
            "pi_low": float(summ.loc["theta", "ci_low"]),
            "pi_high": float(summ.loc["theta", "ci_high"]), "k": fit.k,
            "weights": 100.0 * w / w.sum(), "shrunken": shr["mean"].to_numpy(),
            "shrunken_se": shr["sd"].to_numpy(),
            "shrunken_ci": (shr["ci_low"].to_numpy(), shr["ci_high"].to_numpy()),
            "crit": float(special.ndtri(1 - a)), "model": fit,
            "prob_below": lambda c: fit.shrinkage_cdf(float(c)),
        }

    return pool_bayes


_N_TAU = 121  # trapezoid nodes in tau: the integrand is even in tau, so the rule is spectral
_SERIES_BLOCK = 128


def pool_bayes_many(y, v, m, level: float, cuts=(0.0,)) -> dict:
    """:func:`bayes_pooler` with the default prior for arrays ``y``, ``v``, ``m`` of shape
    (n_series, k) (``m`` False = person excluded, ``y`` 0 and ``v`` 1 there), without ``weights``, ``crit``,
    ``shrunken_ci``; ``prob_below`` is an array (len(cuts), n_series, k) of P(theta_i < c)
    for c in ``cuts``.

    The tau posterior is integrated by the trapezoid rule on ``_N_TAU`` equally spaced nodes,
    over [0, top] to find where the posterior lives and then over that range (p(tau) L(tau)
    is even in tau and negligible at the ends, so the rule converges geometrically); mu, a new
    person's effect and every person's effect are normal mixtures over the nodes.
    """
    parts = [_bayes_block(y[b:b + _SERIES_BLOCK], v[b:b + _SERIES_BLOCK],
                          m[b:b + _SERIES_BLOCK], level, cuts)
             for b in range(0, y.shape[0], _SERIES_BLOCK)]
    out = {key: np.concatenate([p[key] for p in parts], axis=int(key == "prob_below"))
           for key in parts[0]}
    ok = out["k"] >= 2
    keep = {1: ok, 2: ok[:, None] & m, 3: (ok[:, None] & m)[None]}
    return {key: val if key == "k" else np.where(keep[val.ndim], val, np.nan)
            for key, val in out.items()}


def _bayes_block(y, v, m, level, cuts) -> dict:
    """:func:`pool_bayes_many` for one block of series."""
    from matstats.nof1._bayes import _quantile

    k = m.sum(axis=1)
    kk = np.maximum(k, 1)[:, None]
    spread = np.sqrt(np.max(np.where(m, (y - (y * m).sum(1, keepdims=True) / kk) ** 2 + v,
                                     0.0), axis=1))
    top = np.maximum(6.0 * math.exp(literature.NOF1_TAU_PRIOR.log_scale(None)), 4.0 * spread)
    # pass 1 finds where the posterior of tau lives, pass 2 puts the nodes there
    coarse = np.linspace(0.0, 1.0, _N_TAU)[:, None] * top[None, :]
    logw = _log_post(coarse, y, v, m)[0]
    live = logw >= logw.max(axis=0) - 40.0
    first = np.maximum(np.argmax(live, axis=0) - 1, 0)
    last = np.minimum(_N_TAU - 1 - np.argmax(live[::-1], axis=0) + 1, _N_TAU - 1)
    cols = np.arange(y.shape[0])
    lo, hi = coarse[first, cols], coarse[last, cols]
    tau = lo[None, :] + np.linspace(0.0, 1.0, _N_TAU)[:, None] * (hi - lo)[None, :]
    t2 = tau**2
    logw, sw, mu_t = _log_post(tau, y, v, m)
    W = np.exp(logw - special.logsumexp(logw, axis=0))                     # (N, S)
    vmu = 1.0 / sw
    a = (1.0 - level) / 2.0
    mean = (W * mu_t).sum(axis=0)
    sd = np.sqrt(np.maximum((W * (vmu + mu_t**2)).sum(axis=0) - mean**2, 0.0))
    ci = [_quantile(p, W, mu_t, np.sqrt(vmu), mean, sd) for p in (a, 1.0 - a)]
    sdn = np.sqrt(sd**2 + (W * t2).sum(axis=0))
    pi = [_quantile(p, W, mu_t, np.sqrt(vmu + t2), mean, sdn) for p in (a, 1.0 - a)]
    tq = [_tau_quantile(p, W, tau) for p in (0.5, a, 1.0 - a)]
    p_neg = (W * special.ndtr(-mu_t / np.sqrt(vmu))).sum(axis=0)
    lam = t2[..., None] / (t2[..., None] + v[None])                        # (N, S, k)
    cm = lam * y[None] + (1.0 - lam) * mu_t[..., None]
    cs = np.sqrt(lam * v[None] + (1.0 - lam) ** 2 * vmu[..., None])
    shr = np.einsum("ns,nsk->sk", W, cm)
    shr_sd = np.sqrt(np.maximum(np.einsum("ns,nsk->sk", W, cs**2 + cm**2) - shr**2, 0.0))
    return {
        "estimate": mean, "se": sd, "df": np.full(y.shape[0], np.inf),
        "ci_low": ci[0], "ci_high": ci[1],
        "pval": np.minimum(1.0, 2.0 * np.minimum(p_neg, 1.0 - p_neg)),
        "tau2": tq[0] ** 2, "tau2_ci_low": tq[1] ** 2, "tau2_ci_high": tq[2] ** 2,
        "pi_low": pi[0], "pi_high": pi[1], "k": k, "shrunken": shr, "shrunken_se": shr_sd,
        "prob_below": np.stack([np.einsum("ns,nsk->sk", W, special.ndtr((c - cm) / cs))
                                for c in cuts]),
    }


def _log_post(tau, y, v, m):
    """Log trapezoid weights of the tau posterior at the nodes ``tau`` (N, S), and the
    precision-weighted sum and mean of mu given each node."""
    w = np.where(m[None], 1.0 / (v[None] + tau[..., None] ** 2), 0.0)      # (N, S, k)
    sw = np.maximum(w.sum(axis=2), 1e-300)
    mu_t = (w * y[None]).sum(axis=2) / sw
    q = (w * (y[None] - mu_t[..., None]) ** 2).sum(axis=2)
    logw = literature.NOF1_TAU_PRIOR.logpdf(tau, None) + 0.5 * (
        np.log(np.where(m[None], w, 1.0)).sum(axis=2) - q - np.log(sw))
    logw[[0, -1]] -= math.log(2.0)
    return logw, sw, mu_t


def _tau_quantile(p: float, W, tau) -> np.ndarray:
    """Quantile of tau from the trapezoid weights ``W`` on the uniform nodes ``tau`` (N, S):
    the CDF from a cubic through four node densities (mirrored at tau = 0, where the density
    is even), a density linear within the interval of the quantile."""
    h = tau[1] - tau[0]
    f = W / h
    f[[0, -1]] *= 2.0
    g = np.concatenate([f[1:2], f, np.zeros_like(f[:1])])
    inc = h * (13.0 * (g[1:-2] + g[2:-1]) - g[:-3] - g[3:]) / 24.0       # (N - 1, S)
    cum = np.concatenate([np.zeros_like(inc[:1]), np.cumsum(inc, axis=0)])
    cum /= cum[-1]
    j = np.minimum((cum < p).sum(axis=0) - 1, cum.shape[0] - 2).clip(0)
    cols = np.arange(tau.shape[1])
    rest = (p - cum[j, cols]) / h[cols]
    f0, f1 = f[j, cols], f[j + 1, cols]
    slope = f1 - f0
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.where(np.abs(slope) > 1e-12 * np.abs(f0),
                     (np.sqrt(np.maximum(f0 * f0 + 2.0 * slope * rest, 0.0)) - f0) / slope,
                     rest / f0)
    return tau[j, cols] + h[cols] * np.clip(x, 0.0, 1.0)
