"""Closed-form power and number of cycles of the ``cycle_t`` analysis (for teaching: the
power of the verdict a person gets, and the cycles it needs, are
:func:`matstats.nof1.verdict_calibration.verdict_power`).

The simulated power of every method is :func:`matstats.nof1.operating_characteristics`; the
exact AR(1) variance :func:`cycle_difference_variance` lives in :mod:`matstats.nof1._cycle_cov`
and is re-exported here.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from statsmodels.stats.power import ttest_power

from matstats.literature import NOF1_DEFAULTS
from matstats._core import checks as _checks
from matstats.nof1._cycle_cov import _first_minus_second_cov, cycle_difference_variance
from matstats.nof1.analysis import _check_methods
from matstats.nof1.design import DESIGNS, min_randomization_pval, schedule
from matstats.nof1.simulate import check_settings

__all__ = ["power_closed_form", "cycles_needed_closed_form", "cycle_difference_variance",
           "min_pval"]


def min_pval(method: str, cycles: int, *, max_exact_cycles: int = 12,
             n_permutations: int = 9999) -> float:
    """Smallest p-value ``method`` can return with ``cycles`` cycles (0 when unbounded).

    The exact sign-flip test cannot go below :func:`matstats.nof1.min_randomization_pval`,
    its Monte Carlo version not below 1 / (n_permutations + 1); the other methods have no
    floor above 0.

    Examples
    --------
    >>> min_pval("randomization", 5), min_pval("cycle_t", 5)
    (0.0625, 0.0)
    """
    method = _check_methods(method)[0]
    cycles = _checks.integer("cycles", cycles, 1)
    if method != "randomization":
        return 0.0
    if cycles <= _checks.integer("max_exact_cycles", max_exact_cycles, 1, 20):
        return min_randomization_pval(cycles)
    return 1.0 / (_checks.integer("n_permutations", n_permutations, 1) + 1.0)


def power_closed_form(
    effect: float,
    *,
    cycles: int,
    period_days: int = 7,
    washout_days: int = 1,
    sd: float = NOF1_DEFAULTS["sd"],
    rho: float = NOF1_DEFAULTS["rho"],
    alpha: float = 0.05,
    design: str = "paired_random",
) -> float:
    """Noncentral-t power of the ``cycle_t`` analysis (closed form).

    Power = P(|T| > t_{1-alpha/2, n-1}) with T ~ noncentral t(n - 1, ncp),
    ncp = |effect| / sqrt(Var(d_bar)) and Var(d_bar) exact under AR(1)
    (:func:`cycle_difference_variance`). Exact when rho = 0 (cycle
    differences are then iid normal); an approximation otherwise, because
    correlation between cycles is not reflected in the t statistic's
    denominator. For ``"paired_random"`` the power is averaged over all
    equally likely orders (enumerated up to 16 cycles; above that over 4096
    orders drawn with a fixed seed, 0).

    Returns
    -------
    float
        Power in [0, 1].
    """
    cycles = _checks.integer("cycles", cycles, 2)
    a = _checks.alpha(alpha)
    p = check_settings(effect=effect, sd=sd, rho=rho)
    _checks.one_of("design", design, DESIGNS)
    if design != "paired_random":
        sched = schedule(cycles, period_days=period_days, washout_days=washout_days, design=design)
        v = cycle_difference_variance(sched, sd=p["sd"], rho=p["rho"])
        return float(ttest_power(abs(p["effect"]) / math.sqrt(v), 1, a, df=cycles - 1))
    # every order is s_j = +1 (mat first) / -1 per cycle; d_bar = (1/n) sum_j s_j F_j where
    # F_j = first-period mean - second-period mean of cycle j, so Var = s' K s / n^2
    K = _first_minus_second_cov(cycles, period_days, washout_days, p["sd"], p["rho"])
    if cycles <= 16:
        pats = np.array(list(itertools.product((1.0, -1.0), repeat=cycles - 1)))
        s = np.column_stack([np.ones(len(pats)), pats])
    else:
        s = np.where(np.random.default_rng(0).random((4096, cycles)) < 0.5, -1.0, 1.0)
    v = np.einsum("kj,jl,kl->k", s, K, s) / cycles**2
    return float(np.mean(ttest_power(abs(p["effect"]) / np.sqrt(v), 1, a, df=cycles - 1)))


def cycles_needed_closed_form(effect: float, *, target: float = 0.8, max_cycles: int = 100,
                              **settings) -> int | None:
    """Smallest number of cycles whose closed-form ``cycle_t`` power reaches ``target``.

    ``settings`` (``period_days``, ``washout_days``, ``sd``, ``rho``, ``alpha``, ``design``)
    are those of :func:`power_closed_form`.

    Returns
    -------
    int or None
        None if ``max_cycles`` cycles are not enough (or ``effect`` is 0).
    """
    t = _checks.unit_interval("target", target, open_low=True, open_high=True)
    max_cycles = _checks.integer("max_cycles", max_cycles, 2)
    for n in range(2, max_cycles + 1):
        if power_closed_form(effect, cycles=n, **settings) >= t:
            return n
    return None
