"""Vectorised analyses of many simulated (or one real) n-of-1 trials sharing one schedule
(:func:`analyze_many` describes the methods). Trials without missing days take a fast path
(all statistics are matrix products of the block of trials), the others a per-trial
vectorised path with identical definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matstats.literature import MCID_NRS, NOF1_EFFECT_PRIOR
from matstats._core import checks as _checks
from matstats.nof1._bayes import posterior
from matstats.nof1._reml import GlsAr1
from matstats.nof1._tdist import t_two_sided
from matstats.nof1.design import _validate_schedule
from matstats.nof1.simulate import CHUNK_SIZE, _MODEL_KEYWORDS, _iter_chunks, check_settings

__all__ = ["analyze_many", "simulate_and_analyze", "METHODS", "gls_design"]

#: Analyses understood by :func:`analyze_many`.
METHODS = ("cycle_t", "gls_ar1", "randomization", "bayes", "day_t")

#: Output columns of each method (besides the bookkeeping columns).
_RESULT_COLUMNS = {
    "cycle_t": ("cycle_t_estimate", "cycle_t_se", "cycle_t_pval"),
    "gls_ar1": ("gls_ar1_estimate", "gls_ar1_se", "gls_ar1_pval", "gls_ar1_rho", "gls_ar1_df"),
    "randomization": ("randomization_estimate", "randomization_pval"),
    "bayes": ("bayes_estimate", "bayes_sd", "bayes_ci_low", "bayes_ci_high", "bayes_p_benefit",
              "bayes_p_mcid"),
    "day_t": ("day_t_estimate", "day_t_se", "day_t_pval"),
}

_BLOCK_ELEMENTS = 1 << 20  # cap on trials x sign patterns held at once


def gls_design(sched) -> pd.DataFrame:
    """Design matrix of the ``gls_ar1`` analysis for a schedule.

    Returns
    -------
    pandas.DataFrame
        One row per non-washout day in time order (the index is the 0-based row of the
        schedule): ``const`` (1), ``day`` (0-based day of the trial: the linear trend and the
        time scale of the AR(1) correlation), ``mat`` (1 on mat days, 0 on control days;
        its coefficient is the reported effect).

    Examples
    --------
    >>> from matstats.nof1 import schedule
    >>> gls_design(schedule(2, period_days=3, design="abab"))["day"].tolist()
    [1.0, 2.0, 4.0, 5.0, 7.0, 8.0, 10.0, 11.0]
    """
    kept, X = _kept_design(_validate_schedule(sched))
    return pd.DataFrame(X, columns=["const", "day", "mat"], index=kept)


def _kept_design(info: dict) -> tuple[np.ndarray, np.ndarray]:
    """The non-washout rows of a schedule and the ``gls_ar1`` design on them."""
    kept = np.flatnonzero(~info["washout"])
    return kept, np.column_stack([np.ones(kept.size), kept.astype(float),
                                  info["mat"][kept].astype(float)])


class _Analyzer:
    """Precomputed linear maps for one schedule (internal)."""

    def __init__(self, sched, methods, *, prior_mean, prior_sd, mcid, max_exact_cycles,
                 n_permutations, rng):
        info = _validate_schedule(sched)
        self.n_days = info["n_days"]
        self.methods = tuple(methods)
        self.prior_mean, self.prior_sd, self.mcid = prior_mean, prior_sd, mcid
        self.rng = _checks.rng(rng)
        self.kept, X = _kept_design(info)
        self._cycle_maps(info, info["mat"][self.kept])
        blocks = [self.dw]
        if "gls_ar1" in self.methods:
            self.gls = GlsAr1(X, self.kept)
            blocks.append(self.gls.weights)
        self.W = np.ascontiguousarray(np.column_stack(blocks).T)  # (q, nk)
        self._sign_patterns(max_exact_cycles, n_permutations)

    def _cycle_maps(self, info: dict, mat: np.ndarray) -> None:
        """Indicator of (cycle, condition) per kept day and the cycle-difference weights."""
        nk = self.kept.size
        cyc = info["cycle_index"][self.kept]
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

    def _sign_patterns(self, max_exact_cycles: int, n_permutations: int) -> None:
        """Every sign pattern of the exact randomization test, or the Monte Carlo size."""
        n_cyc = self.n_cycles
        self.exact = n_cyc <= max_exact_cycles
        if self.exact:
            _checks.size_limit("max_exact_cycles", 2.0 ** (n_cyc - 1) * n_cyc,
                               what="sign-pattern entries")
            # first sign fixed at +1: |sum| is symmetric under flipping all signs
            pats = np.array(list(itertools.product((1.0, -1.0), repeat=n_cyc - 1)))
            pats = np.column_stack([np.ones(len(pats)), pats]) if n_cyc > 1 else np.ones((1, 1))
            self.signs = np.ascontiguousarray(pats)  # (2^(n-1), n_cyc)
        else:
            self.n_permutations = n_permutations

    def run_days(self, y_days: np.ndarray) -> dict:
        """Analyse a block given as (n_days, m) array (time leading)."""
        yk = np.take(y_days, self.kept, axis=0)
        m = yk.shape[1]
        n_cyc = self.n_cycles
        G = self.W @ yk  # (q, m)
        d = G[:n_cyc]  # (n_cyc, m) cycle differences; NaN if any kept day is missing
        bad = np.isnan(d).any(axis=0)
        out = {}
        nk = yk.shape[0]
        if not bad.any():
            mask = None
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
        dbar = np.where(enough, dbar, np.nan)
        se_d = np.where(enough, se_d, np.nan)
        if "cycle_t" in self.methods:
            with np.errstate(invalid="ignore", divide="ignore"):
                pval = t_two_sided(dbar / se_d, np.where(enough, nf - 1, 1.0))
            out.update(cycle_t_estimate=dbar, cycle_t_se=se_d, cycle_t_pval=pval)
        if "randomization" in self.methods:
            out["randomization_estimate"] = dbar
            pr = self._randomization(d0)
            out["randomization_pval"] = np.where(enough, pr, np.nan)
        if "bayes" in self.methods:
            with np.errstate(invalid="ignore"):
                ss = sd_d**2 * (nf - 1.0)
            post = posterior(dbar, ss, nf, prior_mean=self.prior_mean, prior_sd=self.prior_sd,
                             mcid=self.mcid)
            names = {"estimate": "median", "sd": "sd", "ci_low": "low", "ci_high": "high",
                     "p_benefit": "p_below0", "p_mcid": "p_below_mcid"}
            out.update({f"bayes_{k}": post[v] for k, v in names.items()})
        if "day_t" in self.methods:
            out.update(self._day_t(yk, mask))
        if "gls_ar1" in self.methods:
            fit = self.gls.fit(yk, G[n_cyc:], bad, mask)
            out.update({f"gls_ar1_{k}": v for k, v in fit.items()})
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
        """Pooled-variance two-sample t test of mat days against control days."""
        mask = ~np.isnan(yk) if mask is None else mask
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
        pval = t_two_sided(est / se, np.where(ok, df, 1.0))
        return {"day_t_estimate": est, "day_t_se": se, "day_t_pval": pval}


def _check_methods(methods) -> tuple:
    methods = (methods,) if isinstance(methods, str) else tuple(methods)
    if not methods:
        raise ValueError("methods must name at least one analysis")
    bad = [m for m in methods if m not in METHODS]
    if bad:
        raise ValueError(f"unknown method(s) {bad}; choose from {METHODS}")
    return tuple(m for m in METHODS if m in methods)


def _to_frame(parts: list[dict], methods: tuple, n: int) -> pd.DataFrame:
    """The result table of :func:`analyze_many` from the blocks' column dicts."""
    counts = ["n_cycles_used", "n_cycles_dropped", "n_days_used"]
    cols = counts + [c for mth in methods for c in _RESULT_COLUMNS[mth]]
    data = {"trial": np.arange(n)}
    for c in cols:
        data[c] = np.concatenate([p[c] for p in parts]) if len(parts) > 1 else parts[0][c]
        if c in counts:
            data[c] = np.asarray(data[c], dtype=np.int64)
    return pd.DataFrame(data)


def analyze_many(
    schedule,
    y,
    *,
    methods=("cycle_t", "gls_ar1", "randomization", "bayes", "day_t"),
    prior_mean: float = 0.0,
    prior_sd: float = NOF1_EFFECT_PRIOR.sd,
    mcid: float = MCID_NRS,
    max_exact_cycles: int = 12,
    n_permutations: int = 9999,
    rng=None,
    chunk_size: int = CHUNK_SIZE,
) -> pd.DataFrame:
    """Analyse many trials that share one schedule, all methods vectorised.

    Washout days are dropped before every analysis. Effects are mat minus control, in rating
    points (negative = less pain on the mat). D_j is the difference of the period means of
    cycle j (mean over the observed non-washout days of the mat period minus that of the
    control period).

    Methods
    -------
    ``cycle_t``
        Paired t test on the D_j; df = cycles used - 1.
    ``gls_ar1``
        Day-level regression ``y ~ const + day + mat`` (:func:`gls_design`) with stationary
        AR(1) errors in calendar time, Cov(e_s, e_t) = sigma^2 rho^|s - t|: generalised least
        squares at the REML estimate of rho, searched on [-0.99, 0.99]; washout gaps and
        missing days enter through their true day distance. The standard error is inflated
        for the uncertainty of rho (Kackar-Harville type: SE^2 = Phi + (d beta / d rho)^2
        Var(rho_hat), Phi the GLS variance) and the two-sided t test uses Satterthwaite
        degrees of freedom (at most days used - 3). Estimate and rho are those of
        ``nlme::gls(y ~ day + mat, correlation = corAR1(form = ~day), method = "REML")``.
    ``randomization``
        Sign-flip test of the sum of the D_j (two-sided, |sum|). Valid only when the order
        within each cycle was decided by a fair coin (``design="paired_random"``): averaged
        over the orders the design could draw, P(p <= k / 2^(cycles - 1)) = k / 2^(cycles -
        1) under the null, whereas one fixed order with strongly autocorrelated days can be
        off. Exact over all 2^cycles allocations up to ``max_exact_cycles`` cycles, above
        that Monte Carlo with ``n_permutations`` random sign vectors from ``rng`` and p =
        (1 + count) / (1 + n_permutations). A dropped cycle contributes D_j = 0, which
        leaves the exact p equal to the enumeration over the cycles used.
    ``bayes``
        D_j ~ N(delta, sigma^2), Jeffreys prior p(sigma) ~ 1/sigma, independent effect prior
        delta ~ N(prior_mean, prior_sd^2) (default N(0, 2^2),
        ``literature.NOF1_EFFECT_PRIOR``): the likelihood of delta is the Student t of the
        paired t test, and the posterior is computed by deterministic quadrature over sigma
        (:mod:`matstats.nof1._bayes`). No p-value. Calibrated: under the null with 6 cycles
        it decides a direction (P(delta < 0) outside [0.025, 0.975]) at about the rate of
        ``cycle_t`` and its intervals cover about 95%
        (:func:`matstats.nof1.bayes_calibration`). NaN when the D_j are all equal.
    ``day_t``
        Naive two-sample (pooled-variance) t test of mat days against control days, ignoring
        autocorrelation; kept only to show its inflated error rate.

    Missing days (NaN): period means use the observed days; a cycle whose mat or control
    period has no observed non-washout day is dropped from the cycle-based methods, which
    need >= 2 cycles used (else NaN).

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
        One row per trial: ``trial`` (0-based), ``n_cycles_used``, ``n_cycles_dropped``
        (cycles with / without both conditions observed), ``n_days_used`` (observed
        non-washout days), then for each requested method ``<method>_estimate``, and
        ``cycle_t_se``, ``cycle_t_pval``; ``gls_ar1_se``, ``gls_ar1_pval``, ``gls_ar1_rho``
        (REML), ``gls_ar1_df`` (Satterthwaite); ``randomization_pval``; ``bayes_sd``,
        ``bayes_ci_low``, ``bayes_ci_high`` (95% equal-tailed), ``bayes_p_benefit``
        (P(effect < 0)), ``bayes_p_mcid`` (P(effect < -mcid)); ``day_t_se``, ``day_t_pval``.
        The ``bayes`` estimate is the posterior median, the ``randomization`` one the mean
        cycle difference.

    Examples
    --------
    >>> from matstats.nof1 import schedule, simulate
    >>> sched = schedule(4, period_days=5, design="alternating")
    >>> y = simulate(sched, 3, effect=-1.0, rng=1)
    >>> res = analyze_many(sched, y, methods=("cycle_t", "randomization"))
    >>> list(res.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['trial', 'n_cycles_used', 'n_cycles_dropped', 'n_days_used', 'cycle_t_estimate',
     'cycle_t_se', 'cycle_t_pval', 'randomization_estimate', 'randomization_pval']
    """
    an = _Analyzer(schedule, _check_methods(methods),
                   prior_mean=_checks.finite("prior_mean", prior_mean),
                   prior_sd=_checks.positive("prior_sd", prior_sd),
                   mcid=_checks.positive("mcid", mcid, allow_zero=True),
                   max_exact_cycles=_checks.integer("max_exact_cycles", max_exact_cycles, 1, 20),
                   n_permutations=_checks.integer("n_permutations", n_permutations, 1), rng=rng)
    chunk_size = _checks.integer("chunk_size", chunk_size, 1)
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
    return _to_frame(parts, an.methods, n)


def simulate_and_analyze(schedule, n_trials: int, *, rng=None, chunk_size: int = CHUNK_SIZE,
                         progress: bool = False, rating_scale: bool = False,
                         **settings) -> pd.DataFrame:
    """Simulate and analyse trials block by block without storing the ratings.

    Same result as ``analyze_many(schedule, simulate(schedule, n_trials, ...,
    rng=rng), ...)`` with the same ``rng`` and ``chunk_size`` whenever the
    randomization test is exact (the Monte Carlo version draws its sign
    vectors from the same generator, between blocks), but memory stays bounded by
    ``chunk_size`` whatever ``n_trials`` is. ``settings`` are the keywords of
    :func:`analyze_many` (``methods``, ``prior_sd``, ...) and the model keywords of
    :func:`matstats.nof1.simulate` (``effect`` required, ``sd``, ``rho``, ``trend``, ...);
    ``progress`` shows a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        As :func:`analyze_many`.
    """
    gen = _checks.rng(rng)
    model = {k: settings.pop(k) for k in _MODEL_KEYWORDS if k in settings}
    if "effect" not in model:
        raise ValueError("simulate_and_analyze needs effect= (the true mat effect in points)")
    it = _iter_chunks(schedule, n_trials, check_settings(**model), rating_scale=rating_scale,
                      rng=gen, chunk_size=chunk_size)
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(it, total=-(-int(n_trials) // int(chunk_size)), unit="block")
    parts = [analyze_many(schedule, y.T, rng=gen, chunk_size=chunk_size, **settings)
             for _, _, y in it]
    return pd.concat(parts, ignore_index=True).assign(trial=np.arange(int(n_trials)))
