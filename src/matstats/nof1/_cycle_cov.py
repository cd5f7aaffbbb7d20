"""Exact covariances of cycle contrasts under stationary AR(1) daily noise.

The variance of the mean cycle difference (the closed-form planning calculation) and the covariance of
the per-cycle first-minus-second-period differences, shared by the closed-form power
(:mod:`matstats.nof1.power`) and the calibration checks (:mod:`matstats.nof1.calibration`).
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from matstats.literature import NOF1_DEFAULTS
from matstats.nof1.design import _validate_schedule
from matstats.nof1.simulate import check_settings

__all__ = ["cycle_difference_variance"]


def cycle_difference_variance(sched, *, sd: float = NOF1_DEFAULTS["sd"], rho: float = NOF1_DEFAULTS["rho"]) -> float:
    """Exact variance of the mean cycle difference under stationary AR(1) noise.

    d_bar = (1/n) sum_j (mean of mat period_j - mean of control period_j), over
    non-washout days, is a linear form c'e of the daily noise e with
    Cov(e_s, e_t) = sd^2 rho^|s - t|; the variance is c' Sigma c, computed over
    the whole series (so correlations between cycles are included).

    Returns
    -------
    float
        Var(d_bar) in squared rating points.
    """
    info = _validate_schedule(sched)
    p = check_settings(sd=sd, rho=rho)
    C = _contrast(info)[:, None]
    return float(((p["sd"] * p["sd"]) * np.einsum("tk,tk->k", C, _corr_times(C, p["rho"])))[0])


def _contrast(info: dict) -> np.ndarray:
    kept = ~info["washout"]
    n_cyc = info["cycles"].size
    c = np.zeros(info["n_days"])
    for j in range(n_cyc):
        for is_mat, sign in ((True, 1.0), (False, -1.0)):
            sel = kept & (info["cycle_index"] == j) & (info["mat"] == is_mat)
            k = sel.sum()
            if k == 0:
                raise ValueError(f"cycle {j + 1} has no non-washout {'mat' if is_mat else 'control'} day")
            c[sel] = sign / (n_cyc * k)
    return c


def _corr_times(C: np.ndarray, rho: float) -> np.ndarray:
    """R C for the AR(1) correlation R_st = rho^|s-t| (C of shape (T, k)), in O(T) with two
    first-order filters: (R c)_t = f_t + b_t - c_t, f_t = c_t + rho f_{t-1},
    b_t = c_t + rho b_{t+1}."""
    if rho == 0:
        return C
    f = signal.lfilter([1.0], [1.0, -rho], C, axis=0)
    b = signal.lfilter([1.0], [1.0, -rho], C[::-1], axis=0)[::-1]
    return f + b - C


def _period_means(periods: int, period_days: int, washout_days: int) -> np.ndarray:
    """(days x periods) weights of the period means of the non-washout days, periods laid end
    to end (days of period k: k P .. k P + P - 1)."""
    A = np.zeros((periods * period_days, periods))
    k = period_days - washout_days
    for j in range(periods):
        A[j * period_days + washout_days:(j + 1) * period_days, j] = 1.0 / k
    return A


def _first_minus_second_cov(cycles, period_days, washout_days, sd, rho) -> np.ndarray:
    """Exact covariance (cycles x cycles) of F_j = first-period mean - second-period mean
    of the non-washout days of cycle j under stationary AR(1) noise."""
    A = _period_means(2 * cycles, period_days, washout_days)
    F = A[:, 0::2] - A[:, 1::2]
    return F.T @ ((sd**2) * _corr_times(F, rho))


def period_mean_cov(periods: int, period_days: int, washout_days: int, sd: float,
                    rho: float) -> np.ndarray:
    """Exact covariance (periods x periods) of the period means of the non-washout days under
    stationary AR(1) noise (periods as in :func:`_period_means`)."""
    A = _period_means(periods, period_days, washout_days)
    return A.T @ ((sd**2) * _corr_times(A, rho))
