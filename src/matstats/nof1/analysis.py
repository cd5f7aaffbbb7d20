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
    "gls_ar1": ("gls_ar1_estimate", "gls_ar1_se", "gls_ar1_p", "gls_ar1_rho", "gls_ar1_df"),
    "randomization": ("randomization_estimate", "randomization_p"),
    "bayes": ("bayes_estimate", "bayes_sd", "bayes_p_benefit", "bayes_p_mcid"),
    "day_t": ("day_t_estimate", "day_t_se", "day_t_p"),
}

_BLOCK_ELEMENTS = 1 << 20  # cap on trials x sign patterns held at once


def _t_two_sided(t: np.ndarray, df) -> np.ndarray:
    """Two-sided p-value of a t statistic (NaN stays NaN).

    When all trials share one integer df (the usual case: one schedule, no
    missing days) the p-value comes from the finite trigonometric series for
    Student's t with integer df (Abramowitz & Stegun 26.7.3-26.7.4), several
    times faster than the incomplete beta function; p-values below 1e-6
    (where 1 - A(t) loses relative precision) are recomputed with
    ``scipy.special.stdtr``.
    """
    t = np.asarray(t, dtype=float)
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        d0 = df.flat[0] if df.size else 0.0
        if (df.size and 1 <= d0 <= 400 and d0 == int(d0)
                and (df.ndim == 0 or np.all(df == d0))):
            p = _t_series_p(np.abs(t), int(d0))
            small = p < 1e-6
            if small.any():
                p[small] = 2.0 * special.stdtr(d0, -np.abs(t[small]))
            return p
        return 2.0 * special.stdtr(df, -np.abs(t))


def _t_series_p(at: np.ndarray, nu: int) -> np.ndarray:
    """1 - P(|T| < at) for Student's t with integer nu >= 1 (A&S 26.7.3/26.7.4)."""
    th = np.arctan(at / math.sqrt(nu))
    c2 = np.cos(th) ** 2
    s = np.sin(th)
    acc = np.ones_like(at)
    if nu % 2 == 0:
        for k in range((nu - 2) // 2, 0, -1):
            acc = 1.0 + acc * c2 * ((2 * k - 1) / (2 * k))
        a = s * acc
    else:
        for k in range((nu - 3) // 2, 0, -1):
            acc = 1.0 + acc * c2 * ((2 * k) / (2 * k + 1))
        a = (2.0 / math.pi) * (th + (s * np.cos(th) * acc if nu > 1 else 0.0))
    return 1.0 - a


def gls_design(sched) -> pd.DataFrame:
    """Design matrix of the ``gls_ar1`` analysis for a schedule.

    Rows are the non-washout days in time order; columns ``const`` (1),
    ``day`` (0-based day number since the start of the trial: a linear trend,
    and the time scale of the AR(1) correlation)
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


def _chol_parts(A: list, b: list):
    """What the REML fit needs from A x = b, for many small SPD systems at once.

    ``A`` is a p x p nested list (lower triangle used) and ``b`` a length-p
    list; entries are floats or arrays over trials. With the LDL'
    factorisation A = L D L' (unit lower L) and w = L^-1 b: the last
    coefficient x_p = w_p / d_p, (A^-1)_pp = 1 / d_p, log det A = sum log d_j
    and b' A^-1 b = sum w_j^2 / d_j (no back substitution, no square roots).
    A non-positive pivot gives NaN.
    """
    p = len(b)
    U = [[None] * p for _ in range(p)]  # U[i][j] = L[i][j] * d_j, j < i
    L = [[None] * p for _ in range(p)]
    d = []
    for j in range(p):
        dj = A[j][j]
        for k in range(j):
            dj = dj - L[j][k] * U[j][k]
        d.append(dj)
        for i in range(j + 1, p):
            u = A[i][j]
            for k in range(j):
                u = u - L[i][k] * U[j][k]
            U[i][j] = u
            L[i][j] = u / dj
    w = []
    quad = 0.0
    for i in range(p):
        wi = b[i]
        for k in range(i):
            wi = wi - L[i][k] * w[k]
        w.append(wi)
        quad = quad + wi * wi / d[i]
    logdet = np.log(d[0])
    for j in range(1, p):
        logdet = logdet + np.log(d[j])  # NaN for a non-positive pivot
    inv_last = 1.0 / d[p - 1]
    return w[p - 1] * inv_last, inv_last, logdet, quad


_RHO_BOUND = 0.99  # REML search interval for rho: [-0.99, 0.99]
_RHO_GRID = np.linspace(-0.9, 0.9, 10)  # coarse starting grid (spacing 0.2)
_NEWTON_H = 1e-5  # finite-difference step for the Newton iterations on rho
_NEWTON_TOL = 1e-5  # stop after a step this small: quadratic convergence leaves ~1e-10
_NEWTON_MAXITER = 30
_CORR_H = 1e-3  # finite-difference step for the small-sample correction terms


def _reml_fit(evaluate, m: int, n, p: int) -> dict:
    """Maximise the REML criterion over rho for many trials, then fit GLS.

    ``evaluate(rho)`` returns (reml, beta, inv_last, ssr) for rho given as a
    scalar (shared by all trials), an array (m,) or a stack (k, m) of per-trial
    values. The maximum is bracketed on a coarse grid, a parabola through the
    best grid point and its neighbours gives the start, and Newton steps with
    central finite-difference derivatives (h = 1e-5) refine it per trial
    within [-0.99, 0.99] until a step is below 1e-5 (the error left after such
    a step is ~1e-10 by quadratic convergence; the check against the reference
    implementation is in the tests and the benchmark).

    Small-sample inference (plain REML-GLS t tests are liberal in short
    series: 6.3% at rho 0.4 with 6 cycles in our runs): with Phi(rho) the GLS
    variance of the mat coefficient, V_rho = -1 / (d^2 REML / d rho^2) and
    derivatives by central differences (h = 1e-3) at rho_hat,
    SE^2 = Phi + (d beta / d rho)^2 V_rho  (Kackar-Harville-type inflation) and
    df = min(n - p, 2 SE^4 / (2 Phi^2 / (n - p) + (d Phi / d rho)^2 V_rho))
    (Satterthwaite).
    """
    grid = _RHO_GRID
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if hasattr(evaluate, "grid"):
            lls = evaluate.grid(grid)  # (K, m)
        else:
            lls = np.array(evaluate(grid[:, None])[0])  # (K, m), one stacked evaluation
        lls = np.where(np.isfinite(lls), lls, -np.inf)
        k = np.argmax(lls, axis=0)
        best = lls[k, np.arange(m)]
        rho = grid[k].astype(float)
        inner = (k > 0) & (k < grid.size - 1)
        kk = np.clip(k, 1, grid.size - 2)
        cols = np.arange(m)
        l_lo, l_mid, l_hi = lls[kk - 1, cols], lls[kk, cols], lls[kk + 1, cols]
        curv = l_lo - 2 * l_mid + l_hi
        dx = grid[1] - grid[0]
        vertex = grid[kk] + 0.5 * dx * (l_lo - l_hi) / curv
        use = inner & (curv < 0) & np.isfinite(vertex)
        rho = np.where(use, np.clip(vertex, grid[kk] - dx, grid[kk] + dx), rho)
        done = ~np.isfinite(best)
        h = _NEWTON_H
        offsets = np.array([-h, 0.0, h])[:, None]
        for _ in range(_NEWTON_MAXITER):
            act = np.flatnonzero(~done)
            if act.size == 0:
                break
            # While most trials are still iterating, the complete-data evaluator steps
            # all of them (converged ones keep their value): cheaper than copying the
            # active ones out. (The missing-data evaluator only does so when all are
            # active: its einsum reductions round differently on a subset's layout, and
            # the finite differences would carry that into rho at ~1e-8.)
            full = act.size == m or act.size > getattr(evaluate, "step_all_share", 1.0) * m
            sub = evaluate if full else evaluate.take(act)
            ra = rho if full else rho[act]
            lm, l0, lp = sub(ra[None, :] + offsets)[0]
            g = (lp - lm) / (2 * h)
            H = (lp - 2 * l0 + lm) / (h * h)
            step = np.where(H < 0, -g / H, np.sign(g) * 0.05)
            np.clip(step, -0.1, 0.1, out=step)
            new = np.clip(ra + step, -_RHO_BOUND, _RHO_BOUND)
            bad = ~np.isfinite(new)
            conv = bad | (np.abs(new - ra) < _NEWTON_TOL)
            new = np.where(bad, ra, new)
            if full:
                rho = np.where(done, rho, new)
                done = done | conv
            else:
                rho[act] = new
                done[act] = conv
        # final fit at rho_hat, and at rho_hat -/+ h2 for the small-sample correction
        h2 = _CORR_H
        ll3, b3, inv3, ssr3 = evaluate(rho[None, :] + np.array([-h2, 0.0, h2])[:, None])
        ll, beta_last = ll3[1], b3[1]
        res_df = n - p
        phi3 = ssr3 / res_df * inv3  # GLS variance of the mat coefficient at each rho
        phi = phi3[1]
        curv = (ll3[2] - 2 * ll3[1] + ll3[0]) / (h2 * h2)
        var_rho = np.where(curv < 0, -1.0 / curv, 0.0)
        d_beta = (b3[2] - b3[0]) / (2 * h2)
        d_phi = (phi3[2] - phi3[0]) / (2 * h2)
        phi_adj = phi + d_beta * d_beta * var_rho
        var_phi = 2.0 * phi * phi / res_df + d_phi * d_phi * var_rho
        df = np.minimum(2.0 * phi_adj * phi_adj / var_phi, res_df)
        ok = np.isfinite(ll) & (res_df >= 1) & np.isfinite(phi_adj) & (df > 0)
        est = np.where(ok, beta_last, np.nan)
        se = np.where(ok, np.sqrt(phi_adj), np.nan)
        dfv = np.where(ok, np.broadcast_to(df, (m,)), np.nan)
        pval = _t_two_sided(est / se, np.where(ok, dfv, 1.0))
    return {"gls_ar1_estimate": est, "gls_ar1_se": se, "gls_ar1_p": pval,
            "gls_ar1_rho": np.where(ok, rho, np.nan), "gls_ar1_df": dfv}


def _reml_value(A, b, c, log_extra, n, p, shape):
    """REML criterion (up to a constant) from X~'X~ = A, X~'y~ = b, y~'y~ = c.

    -2 REML = (n - p) log SSR + log det A + log det R; ``log_extra`` carries
    log det R (plus any rescaling of A, b, c, see _CompleteEval).
    Returns (reml, last coefficient, (A^-1)_pp, SSR).
    """
    beta_last, inv_last, logdet, zz = _chol_parts(A, b)
    ssr = c - zz
    ll = -0.5 * ((n - p) * np.log(ssr) + logdet + log_extra)
    return (np.broadcast_to(ll, shape), np.broadcast_to(beta_last, shape),
            np.broadcast_to(inv_last, shape), ssr)


class _Analyzer:
    """Precomputed linear maps for one schedule (internal)."""

    def __init__(self, sched, methods, *, prior_mean, prior_sd, mcid, max_exact_cycles,
                 n_permutations, rng):
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
        self.rng = np.random.default_rng(rng)
        # GLS design [const, day, mat] on kept days
        X = np.column_stack([np.ones(nk), kept.astype(float), mat.astype(float)])
        self.X = X
        p = X.shape[1]
        self.p = p
        blocks = [self.dw]
        if "gls_ar1" in self.methods:
            # Lag-1 pairs (i-1, i) of consecutive analysed days, grouped by their
            # gap in calendar days (1 within a period, washout_days + 1 across a
            # boundary). For each gap class g the per-trial statistics
            #   a0 = sum x_i y_i, a1 = sum x_{i-1} y_i, a2 = sum x_i y_{i-1},
            #   a3 = sum x_{i-1} y_{i-1}   (sums over the pairs of class g)
            # are columns of one weight matrix applied to the whole block.
            gaps = np.diff(kept)
            self.gap_classes = np.unique(gaps)
            self.pair_class = np.stack([gaps == g for g in self.gap_classes]).astype(float)
            sq_w, shared, wa = [], [], []
            for cls in self.pair_class:
                on = cls.astype(bool)
                Wa = np.zeros((4, nk, p))
                Wa[0, 1:][on] = X[1:][on]
                Wa[1, 1:][on] = X[:-1][on]
                Wa[2, :-1][on] = X[1:][on]
                Wa[3, :-1][on] = X[:-1][on]
                wa.append(Wa)
                qi = np.zeros((2, nk))
                qi[0, 1:] = cls  # q0 = sum y_i^2
                qi[1, :-1] = cls  # q2 = sum y_{i-1}^2
                sq_w.append(qi)
                xi, xp = X[1:][on], X[:-1][on]
                s1 = xi.T @ xp
                shared.append({
                    "n": float(on.sum()),
                    "S0": [[float(v) for v in row] for row in xi.T @ xi],
                    "S1s": [[float(v) for v in row] for row in s1 + s1.T],
                    "S2": [[float(v) for v in row] for row in xp.T @ xp],
                })
            self.sq_w = np.ascontiguousarray(np.concatenate(sq_w))  # (2G, nk)
            self.gls_shared = shared
            self.x_first = [float(v) for v in X[0]]
            self._build_polynomials()
            # Fold the polynomial coefficients into the block's one matrix product:
            # b_bar_i coefficients = poly_b[i] @ [y0, a0_g, a1_g + a2_g, a3_g, ...] are
            # linear in y, so their weights over days join W.
            e0 = np.zeros(nk)
            e0[0] = 1.0
            for i in range(p):
                stat_w = [e0]
                for Wa in wa:
                    stat_w += [Wa[0][:, i], Wa[1][:, i] + Wa[2][:, i], Wa[3][:, i]]
                blocks.append((self.poly_b[i] @ np.stack(stat_w)).T)  # (nk, K)
            # c_bar coefficients = poly_c @ [y0^2, q0_g, q1_g, q2_g, ...] are quadratic:
            # weights over squared days and over lag-1 products
            K = self.poly_c.shape[0]
            msq = np.outer(self.poly_c[:, 0], e0)
            mlag = np.zeros((K, nk - 1))
            for k in range(len(self.gap_classes)):
                msq += np.outer(self.poly_c[:, 1 + 3 * k], self.sq_w[2 * k])
                mlag += np.outer(self.poly_c[:, 2 + 3 * k], self.pair_class[k])
                msq += np.outer(self.poly_c[:, 3 + 3 * k], self.sq_w[2 * k + 1])
            self.c_sq, self.c_lag = np.ascontiguousarray(msq), np.ascontiguousarray(mlag)
            self.n_poly = K
            self.grid_cache = {}  # design-only factors of _CompleteEval.grid
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

    def _build_polynomials(self):
        """Coefficients (ascending powers of rho) of D(rho) times the whitened
        cross-products, for the complete-data REML evaluator."""
        P = np.polynomial.polynomial
        p = self.p
        gs = [int(g) for g in self.gap_classes]

        def one_minus(g):  # 1 - rho^(2g)
            c = np.zeros(2 * g + 1)
            c[0], c[-1] = 1.0, -1.0
            return c

        D = np.array([1.0])
        for g in gs:
            D = P.polymul(D, one_minus(g))
        Dg = []
        for k, g in enumerate(gs):
            c = np.array([1.0])
            for h_, g2 in enumerate(gs):
                if h_ != k:
                    c = P.polymul(c, one_minus(g2))
            Dg.append(c)
        K = D.size

        def pad(c):
            out = np.zeros(K)
            out[: c.size] = c
            return out

        # terms 1, -rho^g, rho^(2g) of class g, times D_g
        terms = []
        for g, dg in zip(gs, Dg):
            t0 = pad(dg)
            t1 = pad(P.polymul(dg, -np.eye(g + 1)[g]))
            t2 = pad(P.polymul(dg, np.eye(2 * g + 1)[2 * g]))
            terms.append((t0, t1, t2))
        x0 = np.array(self.x_first)
        rows = []
        for i in range(p):
            for j in range(i + 1):
                c = pad(D) * x0[i] * x0[j]
                for (t0, t1, t2), sh in zip(terms, self.gls_shared):
                    c = c + t0 * sh["S0"][i][j] + t1 * sh["S1s"][i][j] + t2 * sh["S2"][i][j]
                rows.append(c)
        self.poly_A = np.array(rows)  # (p(p+1)/2, K)
        # b_bar_i = poly_b[i] @ [y0, a0_g, a12_g, a3_g, ...]
        self.poly_b = []
        for i in range(p):
            cols = [pad(D) * x0[i]]
            for t0, t1, t2 in terms:
                cols += [t0, t1, t2]
            self.poly_b.append(np.column_stack(cols))  # (K, 1 + 3G)
        # c_bar = poly_c @ [y0^2, q0_g, q1_g, q2_g, ...]  (q1 enters as -2 rho^g q1)
        cols = [pad(D)]
        for t0, t1, t2 in terms:
            cols += [t0, 2.0 * t1, t2]
        self.poly_c = np.column_stack(cols)

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
        res = {k: np.full(m, np.nan) for k in RESULT_COLUMNS["gls_ar1"]}
        good = ~bad
        if good.any():
            sub = bad.any()
            yg = yk[:, good] if sub else yk
            Gg = G[:, good] if sub else G
            r = _reml_fit(self._evaluator_complete(yg, Gg), yg.shape[1], float(yg.shape[0]), self.p)
            if not sub:
                return r
            for k, v in r.items():
                res[k][good] = v
        if bad.any():
            yb, mb = yk[:, bad], mask[:, bad]
            r = _reml_fit(self._evaluator_missing(yb, mb), yb.shape[1],
                          mb.sum(axis=0).astype(float), self.p)
            for k, v in r.items():
                res[k][bad] = v
        return res

    def _evaluator_complete(self, yk, G):
        """REML criterion for trials without missing days (one shared design).

        With marginal-variance parametrisation the whitened pair row of class g
        is (u_i - rho^g u_{i-1}) / sqrt(1 - rho^(2g)) and the first day is kept
        as is (exact Prais-Winsten for calendar gaps), so
        X~'X~ = x_0 x_0' + sum_g w_g (S0_g - rho^g S1s_g + rho^(2g) S2_g) with
        w_g = 1 / (1 - rho^(2g)); likewise X~'y~ and y~'y~.
        """
        p, K = self.p, self.n_poly
        off = self.n_cycles
        # polynomial coefficients in rho (ascending powers), one column per trial
        m = yk.shape[1]
        BC = np.empty((p + 1, K, m))
        BC[:p] = G[off : off + p * K].reshape(p, K, m)
        np.matmul(self.c_sq, yk * yk, out=BC[p])
        BC[p] += self.c_lag @ (yk[1:] * yk[:-1])
        return _CompleteEval(self, BC, m, float(yk.shape[0]))

    def _evaluator_missing(self, yk, mask):
        """REML criterion for trials with missing days (per-trial designs).

        Observed days are packed to the front in time order; each pair of
        consecutive observed days is whitened with its own calendar gap.
        """
        order = np.argsort(~mask, axis=0, kind="stable")
        valid = np.take_along_axis(mask, order, axis=0)
        yc = np.where(valid, np.take_along_axis(yk, order, axis=0), 0.0)  # (n, m)
        Xc = self.X[order] * valid[:, :, None]  # (n, m, p)
        day = self.kept[order].astype(float)
        v1 = valid[1:]
        gaps = np.where(v1, day[1:] - day[:-1], 1.0)
        return _MissingEval(self.p, yc, Xc, v1, gaps)


class _CompleteEval:
    """REML criterion of many complete-data trials sharing one design (internal).

    Everything is multiplied by D(rho) = prod_g (1 - rho^(2g)), which turns
    X~'X~, X~'y~ and y~'y~ into polynomials in rho: A_bar = sum_k rho^k C_k
    (shared coefficients), b_bar = sum_k rho^k B_k and c_bar = sum_k rho^k c_k
    (per-trial coefficients). Then beta is unchanged, SSR = SSR_bar / D and
    log det A = log det A_bar - p log D, so
    -2 REML = (n - p) log SSR_bar + log det A_bar + sum_g (n_g - n) log(1 - rho^(2g)).
    """

    step_all_share = 0.5  # see _reml_fit: evaluate subsets only below this share of trials

    def __init__(self, an, BC, m, n):
        # BC: (p + 1, K, m) polynomial coefficients of b_bar (rows 0..p-1) and c_bar (row p)
        self.an, self.BC, self.m, self.n = an, BC, m, n

    def take(self, idx):
        # np.take keeps the result C-contiguous (BC[:, :, idx] does not, which makes
        # every later evaluation on the subset about 2.5x slower)
        return _CompleteEval(self.an, np.take(self.BC, idx, axis=2), len(idx), self.n)

    def grid(self, rhos: np.ndarray) -> np.ndarray:
        """REML criterion at rho values shared by all trials, shape (len(rhos), m).

        For a shared rho the factor A_bar = L D L' is shared too, so
        b_bar' A_bar^-1 b_bar = |T b_bar|^2 with T = D^-1/2 L^-1, and T b_bar for every
        grid point and trial is one matrix product with the per-trial coefficients.
        """
        an, p = self.an, self.an.p
        K = self.BC.shape[1]
        kg = len(rhos)
        # T, log det A_bar and log R at the grid points depend on the design only:
        # computed for the first block and reused
        key = (rhos.tobytes(), self.n)
        if key not in an.grid_cache:
            an.grid_cache[key] = self._grid_factors(rhos)
        big, powers, const = an.grid_cache[key]
        z = big @ self.BC[:p].reshape(p * K, self.m)
        z *= z
        quad = z.reshape(kg, p, self.m).sum(axis=1)
        c = powers @ self.BC[p]
        ll = -0.5 * ((self.n - p) * np.log(c - quad) + const[:, None])
        return ll

    def _grid_factors(self, rhos):
        """Shared factors of :meth:`grid`: (kg p, p K) matrix, powers of rho, log terms."""
        an, p = self.an, self.an.p
        K = self.BC.shape[1]
        kg = len(rhos)
        powers = np.vander(rhos, K, increasing=True)  # (kg, K)
        big = np.zeros((kg, p, p, K))
        logdet = np.empty(kg)
        log_extra = np.zeros(kg)
        for k, r in enumerate(rhos):
            Ae = an.poly_A @ powers[k]
            A = np.zeros((p, p))
            A[np.tril_indices(p)] = Ae
            A = A + np.tril(A, -1).T
            Lc = np.linalg.cholesky(A)
            T = np.linalg.inv(Lc)  # (p, p), lower triangular: T A T' = I
            logdet[k] = 2.0 * np.sum(np.log(np.diag(Lc)))
            big[k] = T[:, :, None] * powers[k][None, None, :]
            for g, sh in zip(an.gap_classes, an.gls_shared):
                log_extra[k] += (sh["n"] - self.n) * np.log(1.0 - r ** (2 * int(g)))
        return big.reshape(kg * p, p * K), powers, logdet + log_extra

    def __call__(self, rho):
        an, p = self.an, self.an.p
        K = self.BC.shape[1]
        rho = np.asarray(rho, dtype=float)
        shape = np.broadcast_shapes(rho.shape, (self.m,))
        P = np.empty((K, *rho.shape))
        P[0] = 1.0
        P[1] = rho
        for k in range(2, K):
            np.multiply(P[k - 1], rho, out=P[k])
        Pf = P.reshape(K, -1)
        Ae = (an.poly_A @ Pf).reshape((-1, *rho.shape))  # lower-triangle elements
        A = [[None] * p for _ in range(p)]
        e = 0
        for i in range(p):
            for j in range(i + 1):
                A[i][j] = Ae[e]
                e += 1
        if rho.ndim == 2 and rho.shape[1] == 1:  # a shared grid: one matrix product
            bc = Pf.T @ self.BC  # (p + 1, K_grid, m)
        else:
            bc = np.einsum("ikm,k...m->i...m", self.BC, P)
        b = [bc[i] for i in range(p)]
        c = bc[p]
        log_extra = 0.0
        D = 1.0
        for g, sh in zip(an.gap_classes, an.gls_shared):
            r2g = P[2 * int(g)] if 2 * int(g) < K else rho ** (2 * int(g))
            one_minus = 1.0 - r2g
            log_extra = log_extra + (sh["n"] - self.n) * np.log(one_minus)
            D = D * one_minus
        ll, beta_last, inv_last, ssr_bar = _reml_value(A, b, c, log_extra, self.n, p, shape)
        return ll, beta_last, inv_last * D, ssr_bar / D


class _MissingEval:
    """REML criterion of trials with their own (incomplete) day sets (internal)."""

    def __init__(self, p, yc, Xc, v1, gaps):
        self.p, self.yc, self.Xc, self.v1, self.gaps = p, yc, Xc, v1, gaps
        self.m = yc.shape[1]
        self.n = (v1.sum(axis=0) + 1.0) * (yc.shape[0] > 0)

    def take(self, idx):
        return _MissingEval(self.p, self.yc[:, idx], self.Xc[:, idx], self.v1[:, idx],
                            self.gaps[:, idx])

    def __call__(self, rho):
        p, m, v1 = self.p, self.m, self.v1
        if np.ndim(rho) == 2:  # a stack of per-trial values: one row at a time
            parts = [self(row) for row in rho]
            return tuple(np.stack([pt[j] for pt in parts]) for j in range(4))
        Xc, yc = self.Xc, self.yc
        r = np.where(v1, np.power(np.broadcast_to(rho, (m,))[None, :], self.gaps), 0.0)
        r2 = r * r
        f = np.where(v1, 1.0 / np.sqrt(1.0 - r2), 0.0)
        xt = (Xc[1:] - r[:, :, None] * Xc[:-1]) * f[:, :, None]
        yt = (yc[1:] - r * yc[:-1]) * f
        AA = np.einsum("imp,imq->pqm", xt, xt)
        bb = np.einsum("imp,im->pm", xt, yt)
        x0 = [Xc[0, :, i] for i in range(p)]
        y0 = yc[0]
        A = [[AA[i, j] + x0[i] * x0[j] for j in range(p)] for i in range(p)]
        b = [bb[i] + x0[i] * y0 for i in range(p)]
        c = np.einsum("im,im->m", yt, yt) + y0 * y0
        logR = np.where(v1, np.log1p(-r2), 0.0).sum(axis=0)
        return _reml_value(A, b, c, logR, self.n, p, (m,))


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


def _analyzer_kwargs(prior_mean, prior_sd, mcid, max_exact_cycles, n_permutations, rng):
    for name, v in (("prior_mean", prior_mean), ("prior_sd", prior_sd), ("mcid", mcid)):
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
    for name, v, lo in (("max_exact_cycles", max_exact_cycles, 1),
                        ("n_permutations", n_permutations, 1)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    if max_exact_cycles > 20:
        raise ValueError(f"max_exact_cycles must be <= 20, got {max_exact_cycles}")
    return dict(prior_mean=float(prior_mean), prior_sd=float(prior_sd), mcid=float(mcid),
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
        Day-level regression ``y ~ const + day + mat`` (:func:`gls_design`)
        with stationary AR(1) errors in calendar time, Cov(e_s, e_t) =
        sigma^2 rho^|s - t|, fitted by generalised least squares at the
        restricted-maximum-likelihood (REML) estimate of rho, searched on
        [-0.99, 0.99]; washout gaps and missing days enter through their true
        day distance. Reported: the ``mat`` coefficient, its GLS standard
        error, a two-sided t test with n - 3 df (n = days used), and rho.
        This is ``nlme::gls(y ~ day + mat, correlation = corAR1(form = ~day),
        method = "REML")`` in R; the benchmark's reference loop computes it
        with statsmodels ``GLS(y, X, sigma=R(rho))`` and
        ``scipy.optimize.minimize_scalar`` per trial.
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
        - ``gls_ar1_estimate``, ``gls_ar1_se``, ``gls_ar1_p``, ``gls_ar1_rho``,
          ``gls_ar1_df`` : ``mat`` coefficient, its SE, two-sided p, REML
          estimate of rho, t degrees of freedom;
        - ``randomization_estimate``, ``randomization_p`` : mean cycle
          difference and sign-flip p;
        - ``bayes_estimate``, ``bayes_sd``, ``bayes_p_benefit``, ``bayes_p_mcid`` :
          posterior mean and SD, P(effect < 0), P(effect < -mcid);
        - ``day_t_estimate``, ``day_t_se``, ``day_t_p`` : naive day-level difference,
          SE, two-sided p.

        Only the columns of the requested methods are present.
    """
    methods = _check_methods(methods)
    kw = _analyzer_kwargs(prior_mean, prior_sd, mcid, max_exact_cycles,
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
    kw = _analyzer_kwargs(prior_mean, prior_sd, mcid, max_exact_cycles,
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
