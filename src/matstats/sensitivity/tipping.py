"""Tipping points: the additive bias that moves a controlled estimate to a target."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
from matstats.literature import Prior, sensitivity_priors
from matstats.sensitivity.bias import bias_adjust

__all__ = ["tipping_point", "tipping_point_grid"]


def tipping_point(
    estimate: float,
    se: float,
    *,
    sd: float | None = None,
    mcid: float | None = None,
    alpha: float = 0.05,
    prior: Prior | None = None,
) -> pd.DataFrame:
    """Additive bias that moves a controlled estimate to the null, to non-significance and
    below the MCID.

    Tipping biases: b_null = d, b_sig = d - z(1 - alpha/2) se, b_mcid = d - mcid. A negative
    tipping bias means the target is already reached with no bias.

    Parameters
    ----------
    estimate, se : float
        Estimate in SD units (positive = benefit) and its SE (> 0).
    sd : float, optional
        Outcome SD (> 0) to express the biases in outcome units.
    mcid : float, optional
        MCID in SD units (>= 0).
    alpha : float
        Two-sided test size.
    prior : Prior, optional
        Bias prior (SD units); default
        ``matstats.literature.sensitivity_priors()["unblinding_sd"]``.

    Returns
    -------
    pandas.DataFrame
        One row per target with columns ``target`` (``null``, ``non_significance``,
        ``below_mcid``), ``bias_sd`` (tipping bias, SD units), ``bias_units`` (the same in
        outcome units, ``nan`` without ``sd``), ``p_bias_exceeds`` (P(bias > tipping bias)
        under the prior), ``prior`` (name and distribution) and ``source``.

    Examples
    --------
    >>> tp = tipping_point(0.76, 0.33, mcid=0.5)
    >>> tp["bias_sd"].round(3).tolist()
    [0.76, 0.113, 0.26]
    """
    est = _checks.finite("estimate", estimate)
    s = _checks.positive("se", se)
    a = _checks.alpha(alpha)
    sd_f = None if sd is None else _checks.positive("sd", sd)
    pri = sensitivity_priors()["unblinding_sd"] if prior is None else prior
    if not isinstance(pri, Prior):
        raise ValueError(f"prior must be a matstats.literature.Prior, got {type(pri).__name__}")
    targets = [("null", est), ("non_significance", est - float(stats.norm.isf(a / 2)) * s)]
    if mcid is not None:
        targets.append(("below_mcid", est - _checks.positive("mcid", mcid, allow_zero=True)))
    for name, b in targets:
        if not math.isfinite(b) or (sd_f is not None and not math.isfinite(b * sd_f)):
            raise ValueError(f"estimate={est!r}, se={s!r}, sd={sd_f!r}: the {name} tipping bias "
                             "overflows a float; give estimate and se in SD units")
    return pd.DataFrame([{
        "target": name,
        "bias_sd": b,
        "bias_units": math.nan if sd_f is None else b * sd_f,
        "p_bias_exceeds": pri.sf(b),
        "prior": f"{pri.name}: {pri.describe()}",
        "source": pri.source,
    } for name, b in targets])


def tipping_point_grid(
    estimate: float,
    se: float,
    bias_a: Sequence[float],
    bias_b: Sequence[float],
    *,
    mcid: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Bias-adjusted results over a grid of two additive bias sources (for heat maps).

    Parameters
    ----------
    estimate, se : float
        Estimate (positive = benefit) and SE, same scale as the biases.
    bias_a, bias_b : sequence of float
        Values of the two bias sources (e.g. unblinding and expectation), added.
    mcid : float, optional
        Threshold for ``above_mcid``.
    alpha : float
        Two-sided test size.

    Returns
    -------
    pandas.DataFrame
        One row per (bias_a, bias_b) pair with columns ``bias_a``, ``bias_b``,
        ``total_bias``, ``estimate`` (adjusted), ``ci_low``, ``ci_high``, ``p_benefit``,
        ``significant`` and ``above_mcid`` (``estimate > mcid``; all False without
        ``mcid``).

    Examples
    --------
    >>> g = tipping_point_grid(0.6, 0.2, [0.0, 0.3], [0.0, 0.2])
    >>> g["estimate"].round(2).tolist()
    [0.6, 0.4, 0.3, 0.1]
    """
    ga, gb = _checks.vector("bias_a", bias_a), _checks.vector("bias_b", bias_b)
    for name, g in (("bias_a", ga), ("bias_b", gb)):
        if g.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers, got []")
    aa, bb = np.meshgrid(ga, gb, indexing="ij")
    adj = bias_adjust(estimate, se, (aa + bb).ravel(), alpha=alpha)
    m = None if mcid is None else _checks.positive("mcid", mcid, allow_zero=True)
    cols = ["bias", "estimate", "ci_low", "ci_high", "p_benefit", "significant"]
    out = adj[cols].rename(columns={"bias": "total_bias"})
    out.insert(0, "bias_b", bb.ravel())
    out.insert(0, "bias_a", aa.ravel())
    out["above_mcid"] = out["estimate"] > m if m is not None else False
    return out
