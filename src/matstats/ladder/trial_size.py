"""Sample size of a future two-arm mat-vs-sham trial (exact noncentral-t power), and the type M
exaggeration of a small trial's significant result (:func:`exaggeration_ratio`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from matstats._core import checks as _checks

__all__ = ["exaggeration_ratio", "sham_trial_sample_size", "sample_size_for_expected"]


def sham_trial_sample_size(
    effect: float | Sequence[float],
    power: float | Sequence[float] = (0.8, 0.9),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per-arm n for a two-arm parallel mat-vs-sham trial (two-sided t-test, equal arms).

    The smallest n per arm whose exact power (noncentral t) reaches ``power``. The normal
    approximation ``2 (z_{1-alpha/2} + z_power)^2 / d^2`` is given alongside.

    Parameters
    ----------
    effect : float or sequence of float
        Expected SMD against sham (must be > 0; the sign is the mat-better direction).
    power : float or sequence of float
        Target power(s), each in (0, 1).
    alpha : float
        Two-sided significance level.

    Returns
    -------
    DataFrame
        One row per (effect, power): ``effect``, ``power``, ``alpha``, ``n_per_arm``,
        ``n_total``, ``achieved_power``, ``n_per_arm_normal`` (normal approximation,
        rounded up).

    Examples
    --------
    >>> sham_trial_sample_size(0.5, power=0.8)["n_per_arm"].item()  # Cohen (1988): 64
    64
    """
    ds = np.atleast_1d(np.asarray(effect, dtype=float))
    powers = np.atleast_1d(np.asarray(power, dtype=float))
    if ds.size == 0 or powers.size == 0:
        raise ValueError("effect and power must not be empty")
    alpha = _checks.alpha(alpha)
    if np.any(~np.isfinite(ds)) or np.any(ds <= 0):
        raise ValueError(
            "effect must be finite and > 0 (no finite trial detects an effect <= 0), "
            f"got {ds.tolist()}"
        )
    if np.any(~((powers > alpha) & (powers < 1))):
        raise ValueError(f"power must be in (alpha, 1), got {powers.tolist()}")
    rows = []
    power_at = TTestIndPower().power    # (effect, n per arm, alpha), two-sided
    za = stats.norm.isf(alpha / 2)
    for d in ds:
        for pw in powers:
            n_norm = 2 * (za + stats.norm.ppf(pw)) ** 2 / d**2
            # start just below the normal approximation (the t-test always needs at least it)
            n = max(2, int(math.floor(n_norm)))
            while n > 2 and power_at(d, n - 1, alpha) >= pw:
                n -= 1
            while power_at(d, n, alpha) < pw:
                n += 1
                if n > 10_000_000:
                    raise ValueError(f"effect {d} too small: more than 1e7 per arm needed")
            rows.append({
                "effect": float(d), "power": float(pw), "alpha": float(alpha), "n_per_arm": n,
                "n_total": 2 * n, "achieved_power": float(power_at(d, n, alpha)),
                "n_per_arm_normal": int(math.ceil(n_norm)),
            })
    return pd.DataFrame(rows)


def sample_size_for_expected(
    expected: pd.DataFrame,
    power: float | Sequence[float] = (0.8, 0.9),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`sham_trial_sample_size` at each prior's expected mat-vs-sham effect.

    Priors whose expected effect is <= 0 get no sample size (NaN) and a note, since no
    finite trial is powered for an effect of zero or below.

    Parameters
    ----------
    expected : DataFrame
        Output of :func:`sham_offset` (columns ``prior`` and ``expected``).
    power, alpha
        As in :func:`sham_trial_sample_size`.

    Returns
    -------
    DataFrame
        Columns ``prior``, ``effect``, ``power``, ``alpha``, ``n_per_arm``, ``n_total``,
        ``achieved_power``, ``n_per_arm_normal``, ``note`` ('' or why no size is given).

    Examples
    --------
    >>> expected = pd.DataFrame({"prior": ["a"], "expected": [0.5]})
    >>> sample_size_for_expected(expected, power=0.8)["n_per_arm"].item()
    64
    """
    cols = ["prior", "effect", "power", "alpha", "n_per_arm", "n_total", "achieved_power",
            "n_per_arm_normal", "note"]
    parts = []
    for _, r in expected.iterrows():
        eff = float(r["expected"])
        if eff > 0:
            ss = sham_trial_sample_size(eff, power=power, alpha=alpha)
            ss.insert(0, "prior", r["prior"])
            ss["note"] = ""
        else:   # the size columns are NaN
            ss = pd.DataFrame({"prior": r["prior"], "effect": eff,
                               "power": np.atleast_1d(np.asarray(power, dtype=float)),
                               "alpha": alpha,
                               "note": "expected effect <= 0: no trial size can be given"})
        parts.append(ss.reindex(columns=cols))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def exaggeration_ratio(effect, se, alpha: float = 0.05):
    """Type M error (Gelman & Carlin 2014): how much a significant estimate overstates the
    true effect on average.

    For an estimate ``b ~ N(effect, se^2)`` and a two-sided z test at ``alpha``
    (significant when ``|b| > c = z se``), the exaggeration ratio is
    ``E(|b| | |b| > c) / effect``. In closed form, with ``A = (c - effect) / se`` and
    ``B = (-c - effect) / se``:
    ``E(|b|; |b| > c) = effect (1 - Phi(A)) + se phi(A) - effect Phi(B) + se phi(B)``,
    divided by the power ``1 - Phi(A) + Phi(B)``.

    Parameters
    ----------
    effect : float or array_like
        Plausible true effect (> 0).
    se : float or array_like
        Standard error of the estimate (> 0).
    alpha : float
        Two-sided test size.

    Returns
    -------
    float or numpy.ndarray
        The ratio (>= 1); arrays broadcast.

    Examples
    --------
    >>> round(float(exaggeration_ratio(0.55, 0.33)), 3)
    1.596
    """
    d = np.asarray(effect, dtype=float)
    s = np.asarray(se, dtype=float)
    for name, a, given in (("effect", d, effect), ("se", s, se)):
        if np.any(~np.isfinite(a)) or np.any(a <= 0):
            raise ValueError(f"{name} must be finite and > 0, got {given!r}")
    c = stats.norm.isf(_checks.alpha(alpha) / 2) * s
    a, b = (c - d) / s, (-c - d) / s
    power = stats.norm.sf(a) + stats.norm.cdf(b)
    e_abs = d * stats.norm.sf(a) + s * stats.norm.pdf(a) - d * stats.norm.cdf(b) \
        + s * stats.norm.pdf(b)
    out = e_abs / power / d
    return float(out) if out.ndim == 0 else out
