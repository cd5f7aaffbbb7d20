"""Vectorised analyses of many simulated (or one real) n-of-1 trials.

Every analysis uses the non-washout days only. All trials passed together
share one schedule, so the per-cycle period means and the cross-products of
the day-level regression are linear maps of the data that are computed for a
whole block of trials with one matrix product (fast path). Trials with
missing days get their own (slower, still vectorised) path; see
:func:`analyze_many`.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np
import pandas as pd
from scipy import special

from matstats.nof1.design import _validate_schedule
from matstats.nof1.simulate import CHUNK_SIZE, _iter_chunks

__all__ = ["analyze_many", "simulate_and_analyze", "METHODS", "RESULT_COLUMNS", "gls_design"]

#: Analyses understood by :func:`analyze_many`.
METHODS = ("cycle_t", "gls_ar1", "randomization", "bayes", "day_t")

#: Output columns of each method (besides the bookkeeping columns).
RESULT_COLUMNS = {
    "cycle_t": ("cycle_t_estimate", "cycle_t_se", "cycle_t_p"),
    "gls_ar1": ("gls_ar1_estimate", "gls_ar1_se", "gls_ar1_p", "gls_ar1_rho"),
    "randomization": ("randomization_estimate", "randomization_p"),
    "bayes": ("bayes_estimate", "bayes_sd", "bayes_p_benefit", "bayes_p_mcid"),
    "day_t": ("day_t_estimate", "day_t_se", "day_t_p"),
}

_BLOCK_ELEMENTS = 1 << 20  # cap on trials x sign patterns held at once


def _t_two_sided(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a t statistic (NaN stays NaN)."""
    with np.errstate(invalid="ignore"):
        return 2.0 * special.stdtr(df, -np.abs(t))


def gls_design(sched) -> pd.DataFrame:
    """Design matrix of the ``gls_ar1`` analysis for a schedule.

    Rows are the non-washout days in time order; columns ``const`` (1),
    ``day`` (0-based day number since the start of the trial, a linear trend)
    and ``mat`` (1 on mat days, 0 on control days). The coefficient of
    ``mat`` is the reported effect.

    Returns
    -------
    pandas.DataFrame
        Columns ``const``, ``day``, ``mat``; the index is the 0-based row of
        the schedule.
    """
    info = _validate_schedule(sched)
    kept = np.flatnonzero(~info["washout"])
    return pd.DataFrame(
        {
            "const": np.ones(kept.size),
            "day": kept.astype(float),
            "mat": info["mat"][kept].astype(float),
        },
        index=kept,
    )


def _chol_solve(A: list, b: list):
    """Solve small SPD systems A x = b for many trials at once.

    ``A`` is a p x p nested list (lower triangle used) and ``b`` a length-p
    list; every entry is a float (shared by all trials) or an array over
    trials. Returns x (list of p entries) and the last diagonal element of
    inv(A). A non-positive pivot gives NaN.
    """
    p = len(b)
    L = [[0.0] * p for _ in range(p)]
    for j in range(p):
        s = A[j][j]
        for k in range(j):
            s = s - L[j][k] * L[j][k]
        L[j][j] = np.sqrt(np.where(s > 0, s, np.nan))
        for i in range(j + 1, p):
            s = A[i][j]
            for k in range(j):
                s = s - L[i][k] * L[j][k]
            L[i][j] = s / L[j][j]
    z = [0.0] * p
    for i in range(p):
        s = b[i]
        for k in range(i):
            s = s - L[i][k] * z[k]
        z[i] = s / L[i][i]
    x = [0.0] * p
    for i in range(p - 1, -1, -1):
        s = z[i]
        for k in range(i + 1, p):
            s = s - L[k][i] * x[k]
        x[i] = s / L[i][i]
    return x, 1.0 / (L[p - 1][p - 1] * L[p - 1][p - 1])


def _dot(u: list, v: list):
    s = u[0] * v[0]
    for i in range(1, len(u)):
        s = s + u[i] * v[i]
    return s


def _quad(u: list, M: list):
    """u' M u for a nested-list matrix M (all entries used)."""
    p = len(u)
    s = 0.0
    for i in range(p):
        row = M[i][0] * u[0]
        for j in range(1, p):
            row = row + M[i][j] * u[j]
        s = s + u[i] * row
    return s


def _gls_iterate(st: dict, p: int, maxiter: int, rtol: float) -> dict:
    """Iterated Cochrane-Orcutt fit from sufficient statistics.

    Mirrors ``statsmodels GLSAR(y, X, rho=1).iterative_fit(maxiter, rtol)``:
    start at rho = 0; each fit whitens by u_t - rho u_{t-1} (dropping the first
    row), so X~'X~ = S0 - rho (S1 + S1') + rho^2 S2 and X~'y~ = a0 - rho (a1 +
    a2) + rho^2 a3; rho is re-estimated by Yule-Walker ("adjusted", demeaned)
    on the unwhitened residuals y - X beta of the last fit, written in terms of
    the same statistics; a trial stops early when the largest relative change
    of its coefficients is below ``rtol`` (as GLSAR does). Entries of ``st``
    are floats or nested lists of floats when shared by all trials (complete
    data: one design), else arrays over trials.
    """
    S0, S1, S2 = st["S0"], st["S1"], st["S2"]
    S1s = [[S1[i][j] + S1[j][i] for j in range(p)] for i in range(p)]
    a0, a3 = st["a0"], st["a3"]
    a12 = [st["a1"][i] + st["a2"][i] for i in range(p)]
    n = np.asarray(st["n"], dtype=float)
    m = st["q0"].shape[0]
    x0, xl, sx = st["x_first"], st["x_last"], st["sx"]
    XX = [[S0[i][j] + x0[i] * x0[j] for j in range(p)] for i in range(p)]
    y0 = st["y_first"]
    Xy = [a0[i] + x0[i] * y0 for i in range(p)]
    yy = st["q0"] + y0 * y0

    def fit(rho):
        if np.ndim(rho) == 0 and rho == 0.0:
            A, b = S0, list(a0)
        else:
            r2 = rho * rho
            A = [[S0[i][j] - rho * S1s[i][j] + r2 * S2[i][j] for j in range(p)] for i in range(p)]
            b = [a0[i] - rho * a12[i] + r2 * a3[i] for i in range(p)]
        beta, inv_last = _chol_solve(A, b)
        return [np.broadcast_to(bi, (m,)) for bi in beta], inv_last, b

    def yule_walker(beta):
        ee = yy - 2 * _dot(beta, Xy) + _quad(beta, XX)
        e1 = st["q1"] - _dot(beta, a12) + _quad(beta, S1)
        se = st["sy"] - _dot(beta, sx)
        e_first = y0 - _dot(beta, x0)
        e_last = st["y_last"] - _dot(beta, xl)
        ebar = se / n
        r0 = (ee - n * ebar * ebar) / n
        r1 = (e1 - ebar * ((se - e_last) + (se - e_first)) + (n - 1) * ebar * ebar) / (n - 1)
        return r1 / r0

    rho = 0.0
    converged = np.zeros(m, dtype=bool)
    last = None
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(maxiter - 1):
            beta, _, _ = fit(rho)
            if i == 0:
                last = np.array(beta)
            else:
                cur = np.array(beta)
                diff = np.max(np.abs(last - cur) / np.abs(last), axis=0)
                converged = converged | (diff < rtol)
                last = cur
            new = yule_walker(beta)
            rho = new if i == 0 else np.where(converged, rho, new)
        beta, inv_last, b = fit(rho)
        rho = np.broadcast_to(np.asarray(rho, dtype=float), (m,))
        yty = st["q0"] - 2 * rho * st["q1"] + rho * rho * st["q2"]
        wssr = yty - _dot(beta, b)
        df = n - 1 - p
        se = np.sqrt(wssr / df * inv_last)
        ok = df >= 1
        est = np.where(ok, beta[p - 1], np.nan)
        se = np.where(ok, se, np.nan)
        pval = _t_two_sided(est / se, np.where(ok, df, 1.0))
    return {"gls_ar1_estimate": est, "gls_ar1_se": se, "gls_ar1_p": pval,
            "gls_ar1_rho": np.where(ok, rho, np.nan)}


class _Analyzer:
    """Precomputed linear maps for one schedule (internal)."""

    def __init__(self, sched, methods, *, prior_mean, prior_sd, mcid, gls_maxiter, gls_rtol,
                 max_exact_cycles, n_permutations, rng):
        info = _validate_schedule(sched)
        self.n_days = info["n_days"]
        self.methods = tuple(methods)
        kept = np.flatnonzero(~info["washout"])
        self.kept = kept
        nk = kept.size
        cyc = info["cycle_index"][kept]
        mat = info["mat"][kept]
        n_cyc = info["cycles"].size
        self.n_cycles = n_cyc
        # indicator of (cycle, condition) for each kept day: columns [mat_1..mat_n, ctl_1..ctl_n]
        ind = np.zeros((nk, 2 * n_cyc))
        ind[np.arange(nk), np.where(mat, cyc, n_cyc + cyc)] = 1.0
        counts = ind.sum(axis=0)
        if np.any(counts == 0):
            j = int(np.flatnonzero(counts == 0)[0]) % n_cyc
            raise ValueError(f"schedule cycle {info['cycles'][j]} lacks a non-washout day "
                             "of one condition")
        self.ind = ind
        # cycle-difference weights: D_j = mean(mat days of cycle j) - mean(control days)
        self.dw = ind[:, :n_cyc] / counts[:n_cyc] - ind[:, n_cyc:] / counts[n_cyc:]
        self.cond = np.column_stack([mat, ~mat]).astype(float)  # (nk, 2)
        self.prior_mean, self.prior_sd, self.mcid = prior_mean, prior_sd, mcid
        self.gls_maxiter, self.gls_rtol = gls_maxiter, gls_rtol
        self.rng = np.random.default_rng(rng)
        # GLS design [const, day, mat] on kept days
        X = np.column_stack([np.ones(nk), kept.astype(float), mat.astype(float)])
        self.X = X
        p = X.shape[1]
        self.p = p
        blocks = [self.dw]
        if "gls_ar1" in self.methods:
            W0 = X.copy()
            W0[0] = 0.0  # a0 = sum_{i>=1} x_i y_i
            W1 = np.zeros_like(X)
            W1[1:] = X[:-1]  # a1 = sum_{i>=1} x_{i-1} y_i
            W2 = np.zeros_like(X)
            W2[:-1] = X[1:]  # a2 = sum_{i>=1} x_i y_{i-1}
            W3 = X.copy()
            W3[-1] = 0.0  # a3 = sum_{i>=1} x_{i-1} y_{i-1}
            blocks += [W0, W1, W2, W3]
            tolist = lambda M: [[float(v) for v in row] for row in M]  # noqa: E731
            self.gls_shared = {
                "S0": tolist(X[1:].T @ X[1:]),
                "S1": tolist(X[1:].T @ X[:-1]),
                "S2": tolist(X[:-1].T @ X[:-1]),
                "sx": [float(v) for v in X.sum(axis=0)],
                "x_first": [float(v) for v in X[0]],
                "x_last": [float(v) for v in X[-1]],
            }
        self.W = np.ascontiguousarray(np.column_stack(blocks).T)  # (q, nk)
        # randomization sign patterns
        self.exact = n_cyc <= max_exact_cycles
        if self.exact:
            # first sign fixed at +1: |sum| is symmetric under flipping all signs
            pats = np.array(list(itertools.product((1.0, -1.0), repeat=n_cyc - 1)))
            pats = np.column_stack([np.ones(len(pats)), pats]) if n_cyc > 1 else np.ones((1, 1))
            self.signs = np.ascontiguousarray(pats)  # (2^(n-1), n_cyc)
        else:
            self.signs = None
            self.n_permutations = n_permutations

    # -- per-block work -------------------------------------------------------------
    def run_days(self, y_days: np.ndarray) -> dict:
        """Analyse a block given as (n_days, m) array (time leading)."""
        yk = np.take(y_days, self.kept, axis=0)
        return self.run_kept(yk)

    def run_kept(self, yk: np.ndarray) -> dict:
        m = yk.shape[1]
        n_cyc = self.n_cycles
        G = self.W @ yk  # (q, m)
        d = G[:n_cyc]  # (n_cyc, m) cycle differences; NaN if any kept day is missing
        bad = np.isnan(d).any(axis=0)
        out = {}
        nk = yk.shape[0]
        if not bad.any():
            mask = None
            valid = None
            n_used = np.full(m, n_cyc)
            dbar = d.mean(axis=0)
            dev = d - dbar
            sd_d = np.sqrt(np.einsum("jm,jm->m", dev, dev) / (n_cyc - 1)) if n_cyc > 1 else np.full(m, np.nan)
            d0 = d
        else:
            mask = ~np.isnan(yk)
            y0 = np.where(mask, yk, 0.0)
            sums = self.ind.T @ y0
            counts = self.ind.T @ mask.astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                means = sums / counts
            d = means[:n_cyc] - means[n_cyc:]
            valid = ~np.isnan(d)
            n_used = valid.sum(axis=0)
            d0 = np.where(valid, d, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                dbar = d0.sum(axis=0) / n_used
                dev = np.where(valid, d - dbar, 0.0)
                sd_d = np.sqrt(np.einsum("jm,jm->m", dev, dev) / (n_used - 1))
        out["n_cycles_used"] = n_used
        out["n_cycles_dropped"] = n_cyc - n_used
        out["n_days_used"] = np.full(m, nk) if mask is None else mask.sum(axis=0)
        nf = n_used.astype(float)
        enough = n_used >= 2
        with np.errstate(invalid="ignore", divide="ignore"):
            se_d = sd_d / np.sqrt(nf)
        if not enough.all():
            dbar = np.where(enough, dbar, np.nan)
            se_d = np.where(enough, se_d, np.nan)
        if "cycle_t" in self.methods:
            with np.errstate(invalid="ignore", divide="ignore"):
                tval = dbar / se_d
            out["cycle_t_estimate"] = dbar
            out["cycle_t_se"] = se_d
            out["cycle_t_p"] = _t_two_sided(tval, np.where(enough, nf - 1, 1.0))
        if "randomization" in self.methods:
            out["randomization_estimate"] = dbar
            pr = self._randomization(d0)
            out["randomization_p"] = pr if enough.all() else np.where(enough, pr, np.nan)
        if "bayes" in self.methods:
            s0sq = self.prior_sd**2
            with np.errstate(invalid="ignore", divide="ignore"):
                prec = 1.0 / s0sq + nf / sd_d**2
                s1 = np.sqrt(1.0 / prec)
                m1 = (self.prior_mean / s0sq + nf * dbar / sd_d**2) / prec
                out["bayes_estimate"] = np.where(enough, m1, np.nan)
                out["bayes_sd"] = np.where(enough, s1, np.nan)
                out["bayes_p_benefit"] = np.where(enough, special.ndtr(-m1 / s1), np.nan)
                out["bayes_p_mcid"] = np.where(
                    enough, special.ndtr((-self.mcid - m1) / s1), np.nan
                )
        if "day_t" in self.methods:
            out.update(self._day_t(yk, mask))
        if "gls_ar1" in self.methods:
            out.update(self._gls(yk, G, bad, mask))
        return out

    def _randomization(self, d0: np.ndarray) -> np.ndarray:
        """Sign-flip p-values; d0 has shape (n_cyc, m), dropped cycles as 0."""
        n_cyc, m = d0.shape
        obs = np.abs(d0.sum(axis=0))
        # ties: a flipped sum equal to the observed one up to rounding counts as >=
        thresh = obs - 1e-9 * (np.abs(d0).sum(axis=0) + 1e-300)
        count = np.zeros(m)
        if self.exact:
            signs = self.signs
            total = signs.shape[0]
        else:
            total = self.n_permutations
            signs = np.where(self.rng.random((total, n_cyc)) < 0.5, -1.0, 1.0)
        step = max(1, _BLOCK_ELEMENTS // max(m, 1))
        for s in range(0, total, step):
            perm = np.abs(signs[s : s + step] @ d0)
            count += (perm >= thresh).sum(axis=0)
        if self.exact:
            return count / total
        return (count + 1.0) / (total + 1.0)

    def _day_t(self, yk, mask):
        if mask is None:
            y0 = yk
            n_c = self.cond.sum(axis=0)[:, None]
        else:
            y0 = np.where(mask, yk, 0.0)
            n_c = self.cond.T @ mask.astype(float)
        s = self.cond.T @ y0
        ss = self.cond.T @ (y0 * y0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n_c
            sse = (ss - n_c * mean * mean).sum(axis=0)
            df = n_c.sum(axis=0) - 2
            sp2 = sse / df
            se = np.sqrt(sp2 * (1.0 / n_c[0] + 1.0 / n_c[1]))
            est = mean[0] - mean[1]
            ok = (df >= 1) & (n_c[0] > 0) & (n_c[1] > 0)
            est = np.where(ok, est, np.nan)
            se = np.where(ok, se, np.nan)
        return {
            "day_t_estimate": est,
            "day_t_se": se,
            "day_t_p": _t_two_sided(est / se, np.where(ok, df, 1.0)),
        }

    def _gls(self, yk, G, bad, mask):
        m = yk.shape[1]
        p = self.p
        res = {k: np.full(m, np.nan) for k in RESULT_COLUMNS["gls_ar1"]}
        good = ~bad
        if good.any():
            n_cyc = self.n_cycles
            Gg = G[:, good] if bad.any() else G
            a = [[Gg[n_cyc + k * p + i] for i in range(p)] for k in range(4)]
            yg = yk[:, good] if bad.any() else yk
            yy = np.einsum("im,im->m", yg, yg)
            st = dict(self.gls_shared)
            st.update(
                a0=a[0], a1=a[1], a2=a[2], a3=a[3],
                q0=yy - yg[0] * yg[0],
                q1=np.einsum("im,im->m", yg[:-1], yg[1:]),
                q2=yy - yg[-1] * yg[-1],
                sy=a[0][0] + yg[0],
                y_first=yg[0],
                y_last=yg[-1],
                n=float(yg.shape[0]),
            )
            r = _gls_iterate(st, p, self.gls_maxiter, self.gls_rtol)
            if bad.any():
                for k, v in r.items():
                    res[k][good] = v
            else:
                res = r
        if bad.any():
            r = _gls_iterate(self._gls_stats_missing(yk[:, bad], mask[:, bad]), p,
                             self.gls_maxiter, self.gls_rtol)
            for k, v in r.items():
                res[k][bad] = v
        return res

    def _gls_stats_missing(self, yk, mask):
        """Per-trial sufficient statistics when days are missing.

        Observed days are packed to the front in time order (as a user who
        drops the missing rows and calls GLSAR would have them), so the lag-1
        pairs are consecutive *observed* days.
        """
        p = self.p
        order = np.argsort(~mask, axis=0, kind="stable")
        valid = np.take_along_axis(mask, order, axis=0)
        yc = np.where(valid, np.take_along_axis(yk, order, axis=0), 0.0)  # (n, m)
        Xc = self.X[order] * valid[:, :, None]  # (n, m, p)
        n_obs = valid.sum(axis=0)
        v1 = valid[1:].astype(float)  # pair (i-1, i) present for i >= 1
        xi, xp = Xc[1:] * v1[:, :, None], Xc[:-1] * v1[:, :, None]
        yi, yp = yc[1:] * v1, yc[:-1] * v1
        last = np.maximum(n_obs - 1, 0)
        cols = np.arange(yk.shape[1])

        def mat(a, b):
            M = np.einsum("imp,imq->pqm", a, b)
            return [[M[i, j] for j in range(p)] for i in range(p)]

        def vec(a, b):
            v = np.einsum("imp,im->pm", a, b)
            return [v[i] for i in range(p)]

        x_last = Xc[last, cols]
        return {
            "S0": mat(xi, xi),
            "S1": mat(xi, xp),
            "S2": mat(xp, xp),
            "a0": vec(xi, yi),
            "a1": vec(xp, yi),
            "a2": vec(xi, yp),
            "a3": vec(xp, yp),
            "q0": np.einsum("im,im->m", yi, yi),
            "q1": np.einsum("im,im->m", yi, yp),
            "q2": np.einsum("im,im->m", yp, yp),
            "sx": list(Xc.sum(axis=0).T),
            "sy": yc.sum(axis=0),
            "x_first": list(Xc[0].T),
            "x_last": list(x_last.T),
            "y_first": yc[0],
            "y_last": yc[last, cols],
            "n": n_obs,
        }


def _check_methods(methods) -> tuple:
    if isinstance(methods, str):
        methods = (methods,)
    methods = tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one analysis")
    bad = [m for m in methods if m not in METHODS]
    if bad:
        raise ValueError(f"unknown method(s) {bad}; choose from {METHODS}")
    return tuple(m for m in METHODS if m in methods)


def _analyzer_kwargs(prior_mean, prior_sd, mcid, gls_maxiter, gls_rtol, max_exact_cycles,
                     n_permutations, rng):
    for name, v in (("prior_mean", prior_mean), ("prior_sd", prior_sd), ("mcid", mcid),
                    ("gls_rtol", gls_rtol)):
        try:
            fv = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a real number, got {v!r}") from None
        if not math.isfinite(fv):
            raise ValueError(f"{name} must be finite, got {v!r}")
    if prior_sd <= 0:
        raise ValueError(f"prior_sd must be > 0, got {prior_sd!r}")
    if mcid < 0:
        raise ValueError(f"mcid must be >= 0, got {mcid!r}")
    for name, v, lo in (("gls_maxiter", gls_maxiter, 1), ("max_exact_cycles", max_exact_cycles, 1),
                        ("n_permutations", n_permutations, 1)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    if max_exact_cycles > 20:
        raise ValueError(f"max_exact_cycles must be <= 20, got {max_exact_cycles}")
    return dict(prior_mean=float(prior_mean), prior_sd=float(prior_sd), mcid=float(mcid),
                gls_maxiter=int(gls_maxiter), gls_rtol=float(gls_rtol),
                max_exact_cycles=int(max_exact_cycles), n_permutations=int(n_permutations),
                rng=rng)


def _to_frame(parts: list[dict], methods: tuple, n: int) -> pd.DataFrame:
    cols = ["n_cycles_used", "n_cycles_dropped", "n_days_used"]
    for mth in methods:
        cols += RESULT_COLUMNS[mth]
    data = {"trial": np.arange(n)}
    for c in cols:
        data[c] = np.concatenate([p[c] for p in parts]) if len(parts) > 1 else parts[0][c]
    for c in ("n_cycles_used", "n_cycles_dropped", "n_days_used"):
        data[c] = np.asarray(data[c], dtype=np.int64)
    return pd.DataFrame(data)


def analyze_many(
    schedule,
    y,
    *,
    methods=("cycle_t", "gls_ar1", "randomization", "bayes", "day_t"),
    prior_mean: float = 0.0,
    prior_sd: float = 2.0,
    mcid: float = 2.0,
    gls_maxiter: int = 3,
    gls_rtol: float = 1e-4,
    max_exact_cycles: int = 12,
    n_permutations: int = 9999,
    rng=None,
    chunk_size: int = CHUNK_SIZE,
) -> pd.DataFrame:
    """Analyse many trials that share one schedule, all methods vectorised.

    Washout days are dropped before every analysis. Effects are mat minus
    control, in rating points (negative = less pain on the mat).

    Methods
    -------
    ``cycle_t``
        Paired t test on the per-cycle differences D_j of period means
        (mean over the observed non-washout days of the mat period minus that
        of the control period); df = cycles used - 1.
    ``gls_ar1``
        Day-level regression ``y ~ const + day + mat`` with AR(1) errors,
        fitted exactly as ``statsmodels GLSAR(y, X, rho=1).iterative_fit(
        maxiter=gls_maxiter, rtol=gls_rtol)`` on the observed non-washout
        days in time order (the design is :func:`gls_design`; consecutive
        retained days are treated as lag 1, also across washout gaps and
        missing days, as GLSAR does). p-value: t test with the GLSAR df.
    ``randomization``
        Sign-flip test of the sum of the D_j (two-sided, |sum|). Exact over
        all 2^cycles allocations when the schedule has at most
        ``max_exact_cycles`` cycles (default 12, i.e. 4096 allocations);
        above that a Monte Carlo test with ``n_permutations`` random sign
        vectors drawn from ``rng`` and p = (1 + count) / (1 + n_permutations).
        A dropped cycle contributes D_j = 0, which leaves the exact p equal to
        the enumeration over the cycles used.
    ``bayes``
        Conjugate normal model on the D_j: D_j ~ N(delta, s_D^2) with the
        sample SD s_D plugged in, prior delta ~ N(prior_mean, prior_sd^2)
        (default N(0, 2^2), methods notes section 0); reports the posterior
        mean and SD, P(delta < 0) and P(delta < -mcid). No p-value.
    ``day_t``
        Naive two-sample (pooled-variance) t test of mat days against control
        days, ignoring autocorrelation; kept only to show its inflated error rate.

    Missing days (NaN): period means use the observed days; a cycle whose mat
    or control period has no observed non-washout day is dropped from the
    cycle-based methods and counted in ``n_cycles_dropped``. The cycle-based
    methods need >= 2 cycles used, else NaN. Trials without missing days take
    a fast path (one shared design: all statistics are matrix products of the
    block of trials); trials with missing days take a per-trial vectorised path
    with identical definitions.

    Parameters
    ----------
    schedule : pandas.DataFrame
        Output of :func:`matstats.nof1.schedule`.
    y : array_like
        Ratings, shape (n_trials, n_days) (or (n_days,) for one trial), NaN = missing.
    methods : sequence of str
        Any of ``"cycle_t", "gls_ar1", "randomization", "bayes", "day_t"``.
    prior_mean, prior_sd : float
        Normal prior of the ``bayes`` method (points).
    mcid : float, default 2.0
        Minimal clinically important difference (points, positive) for ``bayes_p_mcid``.
    gls_maxiter, gls_rtol : int, float
        Passed to the GLSAR iteration (statsmodels defaults 3 and 1e-4).
    max_exact_cycles : int, default 12
        Largest number of cycles for the exact randomization test (<= 20).
    n_permutations : int, default 9999
        Monte Carlo sign vectors above ``max_exact_cycles``.
    rng : None, int or numpy.random.Generator
        Used only by the Monte Carlo randomization test.
    chunk_size : int
        Trials analysed per block (bounds memory).

    Returns
    -------
    pandas.DataFrame
        One row per trial with columns

        - ``trial`` : 0-based trial index;
        - ``n_cycles_used``, ``n_cycles_dropped`` : cycles with / without both
          conditions observed;
        - ``n_days_used`` : observed non-washout days;
        - ``cycle_t_estimate``, ``cycle_t_se``, ``cycle_t_p`` : mean cycle
          difference, its standard error, two-sided p;
        - ``gls_ar1_estimate``, ``gls_ar1_se``, ``gls_ar1_p``, ``gls_ar1_rho`` :
          ``mat`` coefficient, its SE, two-sided p, final AR(1) coefficient;
        - ``randomization_estimate``, ``randomization_p`` : mean cycle
          difference and sign-flip p;
        - ``bayes_estimate``, ``bayes_sd``, ``bayes_p_benefit``, ``bayes_p_mcid`` :
          posterior mean and SD, P(effect < 0), P(effect < -mcid);
        - ``day_t_estimate``, ``day_t_se``, ``day_t_p`` : naive day-level difference,
          SE, two-sided p.

        Only the columns of the requested methods are present.
    """
    methods = _check_methods(methods)
    kw = _analyzer_kwargs(prior_mean, prior_sd, mcid, gls_maxiter, gls_rtol, max_exact_cycles,
                          n_permutations, rng)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    an = _Analyzer(schedule, methods, **kw)
    arr = np.asarray(y, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != an.n_days:
        raise ValueError(
            f"y must have shape (n_trials, {an.n_days}) to match the schedule, got {np.shape(y)}"
        )
    if arr.shape[0] < 1:
        raise ValueError("y holds no trials")
    if np.isinf(arr).any():
        raise ValueError("y must not contain infinite values (use NaN for missing days)")
    yt = arr.T  # (n_days, n_trials): a view, C-contiguous for simulate() output
    n = arr.shape[0]
    parts = [an.run_days(yt[:, s : s + chunk_size]) for s in range(0, n, chunk_size)]
    return _to_frame(parts, methods, n)


def simulate_and_analyze(
    schedule,
    n_trials: int,
    *,
    effect: float,
    sd: float = 1.2,
    rho: float = 0.4,
    trend: float = 0.0,
    expectation: float = 0.0,
    expectation_half_life: float | None = None,
    carryover: float = 0.0,
    carryover_half_life: float | None = 1.0,
    missing: float = 0.0,
    mnar: float = 0.0,
    mean: float = 5.5,
    rating_scale: bool = False,
    methods=("cycle_t", "gls_ar1", "randomization", "bayes", "day_t"),
    prior_mean: float = 0.0,
    prior_sd: float = 2.0,
    mcid: float = 2.0,
    gls_maxiter: int = 3,
    gls_rtol: float = 1e-4,
    max_exact_cycles: int = 12,
    n_permutations: int = 9999,
    rng=None,
    chunk_size: int = CHUNK_SIZE,
    progress: bool = False,
) -> pd.DataFrame:
    """Simulate and analyse trials block by block without storing the ratings.

    Same result as ``analyze_many(schedule, simulate(schedule, n_trials, ...,
    rng=rng), ...)`` with the same ``rng`` and ``chunk_size`` whenever the
    randomization test is exact (the Monte Carlo version draws its sign
    vectors from the same generator, between blocks), but memory stays bounded by
    ``chunk_size`` whatever ``n_trials`` is. Parameters are those of
    :func:`matstats.nof1.simulate` and :func:`analyze_many`; ``progress``
    shows a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        As :func:`analyze_many`.
    """
    methods = _check_methods(methods)
    gen = np.random.default_rng(rng)
    kw = _analyzer_kwargs(prior_mean, prior_sd, mcid, gls_maxiter, gls_rtol, max_exact_cycles,
                          n_permutations, gen)
    an = _Analyzer(schedule, methods, **kw)
    params = dict(
        effect=effect, sd=sd, rho=rho, trend=trend, expectation=expectation,
        expectation_half_life=expectation_half_life, carryover=carryover,
        carryover_half_life=carryover_half_life, missing=missing, mnar=mnar, mean=mean,
    )
    it = _iter_chunks(schedule, n_trials, params, rating_scale=rating_scale, rng=gen,
                      chunk_size=chunk_size)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, total=-(-int(n_trials) // int(chunk_size)), unit="block")
    parts = [an.run_days(y) for _, _, y in it]
    return _to_frame(parts, methods, int(n_trials))
