"""Additive bias adjustment of an estimate (Turner et al. JRSS A 2009 bias model)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from matstats import vocab
from matstats._core import checks as _checks
from matstats.literature import MCID_SD_PAIN, Prior, sensitivity_priors

__all__ = ["bias_adjust", "bias_adjusted_effect"]

_Z975 = float(stats.norm.ppf(0.975))


def bias_adjust(
    estimate: float,
    se: float,
    bias: float | Sequence[float],
    *,
    bias_sd: float = 0.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Additive bias adjustment of an estimate: adjusted = estimate - bias.

    The adjusted estimate has SE sqrt(se^2 + bias_sd^2) (Turner et al. JRSS A 2009).

    Parameters
    ----------
    estimate : float
        Effect (positive = benefit), e.g. an SMD.
    se : float
        Its standard error (> 0).
    bias : float or sequence of float
        Assumed additive bias on the same scale (positive inflates the benefit).
    bias_sd : float
        Uncertainty of the bias (>= 0).
    alpha : float
        Two-sided test size; the CI has level 1 - alpha.

    Returns
    -------
    pandas.DataFrame
        One row per bias value: ``bias``, ``estimate`` (adjusted), ``se``, ``ci_low``,
        ``ci_high``, ``z``, ``pval`` (two-sided p-value of the adjusted estimate),
        ``p_benefit`` (one-sided p-value for benefit > 0) and ``significant`` (``ci_low >
        0``: significant benefit).

    Examples
    --------
    An SMD of 0.76 (SE 0.33) loses significance at a bias of 0.76 - 1.96 x 0.33 = 0.1132:

    >>> out = bias_adjust(0.76, 0.33, [0.0, 0.12])
    >>> out["significant"].tolist()
    [True, False]
    """
    est = _checks.finite("estimate", estimate)
    s = _checks.positive("se", se)
    bsd = _checks.positive("bias_sd", bias_sd, allow_zero=True)
    a = _checks.alpha(alpha)
    b = _checks.vector("bias", bias)
    if b.size == 0:
        raise ValueError("bias must be a finite number or a non-empty 1-D sequence, got []")
    z_a = stats.norm.ppf(1 - a / 2)
    se_adj = math.sqrt(s * s + bsd * bsd)
    adj = est - b
    z = adj / se_adj
    return pd.DataFrame({
        "bias": b,
        "estimate": adj,
        "se": se_adj,
        "ci_low": adj - z_a * se_adj,
        "ci_high": adj + z_a * se_adj,
        "z": z,
        "pval": 2 * stats.norm.sf(np.abs(z)),
        "p_benefit": stats.norm.sf(z),
        "significant": adj - z_a * se_adj > 0,
    })


def _checked_estimates(frame: pd.DataFrame, estimate_col: str, se_col: str
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    est = pd.to_numeric(frame[estimate_col], errors="coerce").to_numpy(dtype=float)
    se = pd.to_numeric(frame[se_col], errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(est) | np.isnan(se)
    if np.any(np.isinf(est[~missing])) or np.any(np.isinf(se[~missing])) \
            or np.any(se[~missing] <= 0):
        raise ValueError(f"pooled {estimate_col!r} must be finite with {se_col!r} > 0 "
                         "(NaN = no estimate)")
    return est, se, missing


def bias_adjusted_effect(
    pooled: pd.DataFrame,
    *,
    prior: Prior | None = None,
    mcid: float = MCID_SD_PAIN,
    estimate_col: str = "estimate",
    se_col: str = "se",
    control_col: str = "control",
    unblinded_controls: Iterable[str] = vocab.UNBLINDED_CONTROLS,
) -> pd.DataFrame:
    """Adjust estimates by an unblinding-bias prior (Turner et al. 2009 bias model).

    For rows whose control is unblinded (participants know they are not on the
    intervention): d_adj ~ N(d - mu_b, se^2 + sigma_b^2). Rows with a blinded (sham)
    control are left unadjusted (bias prior mean 0, sd 0) and say so.

    Parameters
    ----------
    pooled : DataFrame
        One row per estimate with SMD ``estimate_col`` (positive = favours the
        intervention), ``se_col`` and ``control_col``; other columns are kept.
    prior : Prior, optional
        Normal bias prior in SD units; default
        ``matstats.literature.sensitivity_priors()["unblinding_sd"]``.
    mcid : float
        Minimal clinically important difference in SD units (>= 0); default
        :data:`matstats.literature.MCID_SD_PAIN` (2 NRS points / 2.2 points per SD).
    estimate_col, se_col, control_col : str
        Column names.
    unblinded_controls : iterable of str
        Control labels treated as unblinded (default
        :data:`matstats.vocab.UNBLINDED_CONTROLS`).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``bias_mean``, ``bias_sd``, ``estimate_adj``, ``se_adj``,
        ``ci_low_adj``, ``ci_high_adj`` (95%), ``p_true_gt_0`` (P(adjusted effect > 0)),
        ``p_true_gt_mcid`` (P(adjusted effect > mcid)), ``adjustment`` (text) and
        ``prior_source``. Rows without an estimate (NaN, e.g. a rung with k = 0) are kept
        with NaN results and say so in ``adjustment``.

    Examples
    --------
    With the default N(0.4, 0.25^2) prior, an open comparison of 0.9 (SE 0.25) becomes
    0.5 with SE sqrt(0.25^2 + 0.25^2):

    >>> out = bias_adjusted_effect(pd.DataFrame({"control": ["waitlist"], "estimate": [0.9],
    ...                                          "se": [0.25]}), mcid=0.5)
    >>> round(float(out["estimate_adj"].iloc[0]), 2), round(float(out["se_adj"].iloc[0]), 4)
    (0.5, 0.3536)
    """
    pri = sensitivity_priors()["unblinding_sd"] if prior is None else prior
    if not isinstance(pri, Prior) or pri.dist != "normal":
        raise ValueError(f"prior must be a normal matstats.literature.Prior, got {pri!r}")
    m = _checks.positive("mcid", mcid, allow_zero=True)
    for c in (estimate_col, se_col, control_col):
        if c not in pooled.columns:
            raise ValueError(f"pooled lacks column {c!r}; it has {list(pooled.columns)}")
    out = pooled.copy().reset_index(drop=True)
    est, se, missing = _checked_estimates(out, estimate_col, se_col)
    unbl = out[control_col].astype(str).isin(list(unblinded_controls)).to_numpy()
    mu = np.where(unbl, pri.params[0], 0.0)
    sb = np.where(unbl, pri.params[1], 0.0)
    adj = est - mu
    se_adj = np.sqrt(se**2 + sb**2)
    out["bias_mean"] = mu
    out["bias_sd"] = sb
    out["estimate_adj"] = adj
    out["se_adj"] = se_adj
    out["ci_low_adj"] = adj - _Z975 * se_adj
    out["ci_high_adj"] = adj + _Z975 * se_adj
    out["p_true_gt_0"] = stats.norm.sf(0.0, adj, se_adj)
    out["p_true_gt_mcid"] = stats.norm.sf(m, adj, se_adj)
    out["adjustment"] = np.where(
        missing, "no estimate (e.g. k = 0): nothing to adjust",
        np.where(unbl, "unblinded control: unblinding-bias prior applied",
                 "sham/blinded control: not adjusted"),
    )
    out["prior_source"] = np.where(unbl, pri.source, "")
    return out
