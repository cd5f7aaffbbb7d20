"""Numerical core of :mod:`matstats.meta.bayesmeta`: the marginal posterior of tau on a
composite Gauss-Legendre rule in u = log(tau), and normal mixtures over its nodes.

Everything here is deterministic. The integrand over u is p(tau) L(tau) tau, where L(tau) is
the likelihood with mu integrated out analytically; the constants below place the panels (the
mass outside the rule is below ~1e-19 of the total for the priors offered).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import legendre
from scipy import optimize, special

_GL_N = 12
_GL_X, _GL_W = legendre.leggauss(_GL_N)
# nodal values -> Legendre coefficients (exact for degree < _GL_N)
_TO_COEF = (_GL_W[:, None] * legendre.legvander(_GL_X, _GL_N - 1)) * (
    (2 * np.arange(_GL_N) + 1) / 2.0)[None, :]
_DROP = 46.0          # range: log integrand within 46 of its maximum (e^-46 ~ 1e-20)
_COARSE = 0.5         # step of the coarse scan in u
_MAX_PANEL = 1.0      # panel width cap in u where the integrand is within e^-12 of its peak
_WIDTH_FACTOR = 2.0    # core panel width = this x the posterior spread in u
_CORE_DROP = 12.0     # the "core" of the posterior
_GROWTH = 1.6         # outside the core, panel widths grow by this factor ...
_MAX_TAIL_PANEL = 8.0  # ... up to this width
_U_CAP = 340.0        # |log tau| <= 340 keeps tau^2 finite in double precision
_LOG2PI = math.log(2 * math.pi)


@dataclass(frozen=True)
class Model:
    """Data and priors of the normal-normal model; mu prior None = flat."""

    y: np.ndarray
    s2: np.ndarray
    prior: object
    mu_prior: tuple[float, float] | None

    def loglik(self, tau: np.ndarray):
        """log L(tau) with mu integrated out, and the conditional mean/variance of mu."""
        t2 = np.asarray(tau, dtype=float)[:, None] ** 2
        w = 1.0 / (t2 + self.s2)
        sw = w.sum(axis=1)
        swy = w @ self.y
        slogv = -np.log(w).sum(axis=1)
        n = self.y.size
        if self.mu_prior is not None:
            m0, sd0 = self.mu_prior
            sw = sw + 1.0 / sd0**2
            swy = swy + m0 / sd0**2
            slogv = slogv + 2.0 * math.log(sd0)
            n += 1
        m = swy / sw
        q = np.sum(w * (self.y - m[:, None]) ** 2, axis=1)
        if self.mu_prior is not None:
            q = q + (m0 - m) ** 2 / sd0**2
        ll = -0.5 * ((n - 1) * _LOG2PI + slogv + q + np.log(sw))
        return ll, m, 1.0 / sw

    def log_kernel(self, tau: np.ndarray) -> np.ndarray:
        """log p(tau) + log L(tau) (unnormalised log posterior density of tau)."""
        tau = np.asarray(tau, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lp = self.prior.logpdf(tau, np.sqrt(self.s2)) + self.loglik(tau)[0]
        return np.where(np.isnan(lp), -np.inf, lp)


@dataclass(frozen=True)
class TauRule:
    """Composite Gauss-Legendre rule in u = log(tau) for the tau posterior."""

    edges: np.ndarray     # (P + 1,) panel edges in u
    coef: np.ndarray      # (P, _GL_N) Legendre coefficients of the normalised density in u
    cum: np.ndarray       # (P + 1,) posterior mass left of each panel edge
    tau: np.ndarray       # (N,) nodes
    weight: np.ndarray    # (N,) posterior mass per node (sums to 1)
    log_z: float          # log of integral p(tau) L(tau) dtau
    kernel: object        # tau -> log p(tau) + log L(tau)

    def _dens_exact(self, u: np.ndarray) -> np.ndarray:
        """Normalised posterior density in u = log(tau), from the closed form."""
        return np.exp(self.kernel(np.exp(u)) + u - self.log_z)

    def _partial_exact(self, p: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Mass from the left edge of panel p to u, by a fresh Gauss-Legendre rule."""
        half = 0.5 * (u - self.edges[p])
        nodes = self.edges[p][:, None] + half[:, None] * (_GL_X[None, :] + 1.0)
        return half * (self._dens_exact(nodes.ravel()).reshape(nodes.shape) @ _GL_W)

    def cdf(self, tau) -> np.ndarray:
        t = np.atleast_1d(np.asarray(tau, dtype=float))
        out = np.zeros(t.shape)
        out[t == np.inf] = 1.0
        pos = (t > 0) & np.isfinite(t)
        u = np.log(t[pos])
        p = np.clip(np.searchsorted(self.edges, u, side="right") - 1, 0, self.coef.shape[0] - 1)
        val = self.cum[p] + self._partial_exact(p, np.clip(u, self.edges[0], self.edges[-1]))
        val = np.where(u < self.edges[0], 0.0, np.where(u >= self.edges[-1], 1.0, val))
        out[pos] = np.clip(val, 0.0, 1.0)
        return out

    def _partial(self, p: np.ndarray, h: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Mass from the left edge of panel p to local coordinate x in [-1, 1]."""
        v = legendre.legvander(x, _GL_N)                   # P_0..P_n at x
        j = np.arange(1, _GL_N)
        integ = np.empty((x.size, _GL_N))
        integ[:, 0] = x + 1.0
        integ[:, 1:] = (v[:, j + 1] - v[:, j - 1]) / (2 * j + 1)
        return 0.5 * h * np.sum(self.coef[p] * integ, axis=1)

    def quantile(self, q, upper: float) -> np.ndarray:
        q = np.atleast_1d(np.asarray(q, dtype=float))
        out = np.empty(q.shape)
        npan = self.coef.shape[0]
        inner = (q > 0) & (q < 1)
        out[q <= 0] = 0.0
        out[q >= 1] = upper
        if not inner.any():
            return out
        qi = q[inner]
        p = np.clip(np.searchsorted(self.cum, qi, side="right") - 1, 0, npan - 1)
        h = self.edges[p + 1] - self.edges[p]
        target = qi - self.cum[p]
        lo, hi = -np.ones(qi.shape), np.ones(qi.shape)
        x = np.zeros(qi.shape)
        for _ in range(100):
            d = self._partial(p, h, x) - target
            lo = np.where(d < 0, x, lo)
            hi = np.where(d > 0, x, hi)
            f = 0.5 * h * np.sum(self.coef[p] * legendre.legvander(x, _GL_N - 1), axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                step = d / f
            done = np.abs(step) <= 1e-15
            xn = x - step
            bad = ~done & (~np.isfinite(xn) | (xn <= lo) | (xn >= hi))
            x = np.where(bad, 0.5 * (lo + hi), xn)
            if done.all() or np.all(hi - lo <= 1e-15):
                break
        u = self.edges[p] + h * (x + 1.0) / 2.0
        for _ in range(2):   # polish on the exact CDF (the interpolant is good to ~1e-9)
            d = self._partial_exact(p, u) - target
            g = self._dens_exact(u)
            ok = g > 0
            u = np.where(ok, np.clip(u - d / np.where(ok, g, 1.0), self.edges[p],
                                     self.edges[p + 1]), u)
        out[inner] = np.minimum(np.exp(u), upper)
        return out


def _scan(model: Model, sigma: np.ndarray):
    """Coarse scan of the log integrand in u; returns (grid, values) covering the posterior."""
    prior = model.prior
    ls = prior.log_scale(sigma)
    lo = min(math.log(sigma.min()), ls) - (300.0 if prior.tail[1] else 50.0)
    hi = min(math.log(prior.support_max), max(math.log(sigma.max()), ls) + 250.0)
    lo, hi = max(lo, -_U_CAP), min(hi, _U_CAP)
    grid = np.append(np.arange(lo, hi, _COARSE), hi)
    return grid, model.log_kernel(np.exp(grid)) + grid


def _refine_peak(model: Model, grid: np.ndarray, vals: np.ndarray):
    """Add finer local grids around the maximum until the peak is resolved (>= 5 points
    within e^-2 of it); return the merged (grid, values)."""
    for _ in range(8):
        i = int(np.argmax(vals))
        if np.count_nonzero(vals >= vals[i] - 2.0) >= 5:
            break
        left, right = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        fine = np.linspace(left, right, 41)
        fv = model.log_kernel(np.exp(fine)) + fine
        g = np.concatenate([grid, fine])
        v = np.concatenate([vals, fv])
        grid, idx = np.unique(g, return_index=True)
        vals = v[idx]
    return grid, vals


def _panel_edges(a: float, b: float, c0: float, c1: float, h: float) -> np.ndarray:
    """Edges on [a, b]: width h on the core [c0, c1], growing geometrically outside it."""
    def tail(x: float, end: float, sign: float) -> list[float]:
        out, w = [], h
        while sign * (end - x) > 0:
            w = min(w * _GROWTH, _MAX_TAIL_PANEL)
            x = min(x + w, end) if sign > 0 else max(x - w, end)
            out.append(x)
        return out

    n_core = max(int(math.ceil((c1 - c0) / h)), 1)
    return np.concatenate([tail(c0, a, -1.0)[::-1], np.linspace(c0, c1, n_core + 1),
                           tail(c1, b, 1.0)])


def build_rule(model: Model, moment_order: int = 0) -> TauRule:
    """Place the panels and integrate the tau posterior.

    ``moment_order`` r extends the upper end until tau^r times the integrand is negligible,
    so that posterior moments of tau up to order r are integrated over their tails too.
    """
    sigma = np.sqrt(model.s2)
    grid, vals = _scan(model, sigma)
    if not np.isfinite(vals).any():
        raise ValueError("the posterior density of tau is zero everywhere on the "
                         "integration range; check the prior and the data scale")
    grid, vals = _refine_peak(model, grid, vals)
    vmax = vals.max()
    keep = np.flatnonzero(vals >= vmax - _DROP)
    a = grid[max(keep[0] - 1, 0)]
    with np.errstate(invalid="ignore"):
        moment = vals + moment_order * grid
    keep_hi = np.flatnonzero(moment >= np.max(moment) - _DROP)[-1]
    b = grid[min(max(keep[-1], keep_hi) + 1, grid.size - 1)]
    core = np.flatnonzero(vals >= vmax - _CORE_DROP)
    c0 = grid[max(core[0] - 1, 0)]
    c1 = grid[min(core[-1] + 1, grid.size - 1)]
    near = grid[vals >= vmax - 2.0]
    width = max((near[-1] - near[0]) / 4.0, 1e-9)     # ~ posterior sd in u
    edges = _panel_edges(a, b, c0, c1, min(_MAX_PANEL, _WIDTH_FACTOR * width))
    h = np.diff(edges)
    u = (edges[:-1, None] + h[:, None] * (_GL_X[None, :] + 1.0) / 2.0).ravel()
    tau = np.exp(u)
    lk = model.log_kernel(tau) + u
    lmax = lk.max()
    g = np.exp(lk - lmax).reshape(-1, _GL_N)
    wq = 0.5 * h[:, None] * _GL_W[None, :]
    mass = np.sum(g * wq, axis=1)
    total = mass.sum()
    return TauRule(edges=edges, coef=(g / total) @ _TO_COEF,
                   cum=np.concatenate([[0.0], np.cumsum(mass / total)]), tau=tau,
                   weight=(g * wq).ravel() / total, log_z=lmax + math.log(total),
                   kernel=model.log_kernel)


# ------------------------------------------------------------------------ normal mixtures
def mix_cdf(x, m, s, w, upper: bool = False) -> np.ndarray:
    """sum_j w_j Phi((x - m_j)/s_j) at each x (its complement, computed directly, if upper)."""
    x = np.asarray(x, dtype=float)[:, None]
    return special.ndtr((m - x) / s if upper else (x - m) / s) @ w


def mix_pdf(x, m, s, w) -> np.ndarray:
    z = (np.asarray(x, dtype=float)[:, None] - m) / s
    return np.exp(-0.5 * z * z) / (s * math.sqrt(2 * math.pi)) @ w


def _weighted_median(values: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise weighted median of a (T, N) array with weights w (N,)."""
    order = np.argsort(values, axis=1)
    cw = np.cumsum(w[order], axis=1)
    idx = np.argmax(cw >= 0.5 * cw[:, -1:], axis=1)
    return np.take_along_axis(values, order[np.arange(values.shape[0]), idx][:, None], 1)[:, 0]


def mix_quantile(p, m, s, w, x0=None, step=None) -> np.ndarray:
    """Quantiles of normal mixtures by safeguarded Newton, vectorised over targets.

    ``m`` and ``s`` are (N,) for one mixture or (T, N) for one mixture per target; ``x0`` and
    ``step`` are optional start values and bracket steps per target. The bracket grows
    geometrically from the start, so components with huge sds (heavy tau tails) cost a few
    doublings rather than a long bisection.
    """
    p = np.atleast_1d(np.asarray(p, dtype=float))
    m2 = np.broadcast_to(m, (p.size, np.shape(m)[-1]))
    s2 = np.broadcast_to(s, m2.shape)

    def cdf(x, rows):
        return special.ndtr((x[:, None] - m2[rows]) / s2[rows]) @ w

    every = np.arange(p.size)
    if x0 is None:
        x0 = _weighted_median(m2 + s2 * special.ndtri(p)[:, None], w)
    x = np.asarray(x0, dtype=float).copy()
    step = _weighted_median(s2, w) if step is None else np.broadcast_to(step, p.shape)
    d0 = cdf(x, every) - p
    lo = np.where(d0 <= 0, x, -np.inf)
    hi = np.where(d0 >= 0, x, np.inf)
    for j in range(1100):
        open_lo, open_hi = np.flatnonzero(lo == -np.inf), np.flatnonzero(hi == np.inf)
        if open_lo.size == 0 and open_hi.size == 0:
            break
        for idx, sign in ((open_lo, -1.0), (open_hi, 1.0)):
            trial = x[idx] + sign * step[idx] * 2.0**j
            below = cdf(trial, idx) <= p[idx]
            lo[idx[below]] = np.maximum(lo[idx[below]], trial[below])
            hi[idx[~below]] = np.minimum(hi[idx[~below]], trial[~below])
    x = np.clip(x, lo, hi)
    active = every
    for _ in range(200):
        rows = slice(None) if active.size == p.size else active
        xa = x[active]
        z = (xa[:, None] - m2[rows]) / s2[rows]
        d = special.ndtr(z) @ w - p[active]
        pdf = (np.exp(-0.5 * z * z) / s2[rows]) @ w / math.sqrt(2 * math.pi)
        lo[active] = np.where(d < 0, xa, lo[active])
        hi[active] = np.where(d > 0, xa, hi[active])
        with np.errstate(divide="ignore", invalid="ignore"):
            step_n = d / pdf
        done = np.abs(step_n) <= 1e-14 * (1.0 + np.abs(xa))
        xn = xa - step_n
        bad = ~done & (~np.isfinite(xn) | (xn <= lo[active]) | (xn >= hi[active]))
        x[active] = np.where(bad, 0.5 * (lo[active] + hi[active]), xn)
        active = active[~done]
        if active.size == 0:
            break
    return x


def mix_mode(m, s, w, lo: float, hi: float) -> float:
    """Mode of a normal mixture in [lo, hi]: bounded Brent, then Newton on the derivative."""
    def neg_log(x):
        return -math.log(float(mix_pdf([x], m, s, w)[0]) + 1e-300)

    scale = max(hi - lo, 1e-300)
    x = optimize.minimize_scalar(neg_log, bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-10 * scale}).x
    for _ in range(3):
        z = (x - m) / s
        phi = np.exp(-0.5 * z * z) / s
        d1 = np.sum(w * phi * (-z) / s)
        d2 = np.sum(w * phi * (z * z - 1.0) / s**2)
        if not d2 < 0:
            break
        step = d1 / d2
        if abs(step) > 0.01 * scale:
            break
        x -= step
    return float(x)


def mix_eval(x, m, s, w):
    """CDF, log density and d/dx log density of a normal mixture at the points x."""
    x = np.asarray(x, dtype=float)[:, None]
    z = (x - m) / s
    phi = np.exp(-0.5 * z * z) / (s * math.sqrt(2 * math.pi))
    f = phi @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        return special.ndtr(z) @ w, np.log(f), ((-z / s) * phi) @ w / f


def hpd(evaluate, start: tuple[float, float], level: float, quantile, *,
        lower_edge: float = -math.inf, upper_edge: float = math.inf):
    """Shortest interval of a unimodal distribution by Newton's method in (a, b).

    Solves F(b) - F(a) = level and log f(a) = log f(b), starting from the equal-tailed
    interval ``start``. ``evaluate(x)`` returns (CDF, log density, d log density / dx) at
    the points x. If Newton fails (or leaves the support's edges), the interval is found
    by :func:`_hpd_bracketed` on the quantile function ``quantile``.
    """
    a, b = start
    for _ in range(60):
        (fa, fb), (la, lb), (da, db) = evaluate(np.array([a, b]))
        g1, g2 = fb - fa - level, la - lb
        dens_a, dens_b = math.exp(la), math.exp(lb)
        # Jacobian [[-dens_a, dens_b], [da, -db]]; Newton step J d = -(g1, g2)
        det = dens_a * db - dens_b * da
        if not (math.isfinite(det) and det != 0.0):
            break
        step_a = (db * g1 + dens_b * g2) / det
        step_b = (da * g1 + dens_a * g2) / det
        lam = 1.0
        while lam > 1e-6 and not (a + lam * step_a < b + lam * step_b):
            lam /= 2
        a, b = a + lam * step_a, b + lam * step_b
        if a < lower_edge or b > upper_edge:
            break
        if abs(step_a) + abs(step_b) <= 1e-13 * (abs(a) + abs(b) + (b - a)):
            return float(a), float(b)
    return _hpd_bracketed(quantile, lambda x: evaluate(x)[1], level)


def _hpd_bracketed(quantile, logpdf, level: float):
    """Shortest interval by bracketing the lower tail probability (slow, robust)."""
    alpha = 1.0 - level

    def gap(pl: float) -> float:
        a, b = quantile(np.array([pl, pl + level]))
        la, lb = logpdf(np.array([a, b]))
        return float(la - lb)

    eps = 1e-12
    pl = optimize.brentq(gap, eps, alpha - eps, xtol=1e-14, rtol=1e-13)
    a, b = quantile(np.array([pl, pl + level]))
    return float(a), float(b)
