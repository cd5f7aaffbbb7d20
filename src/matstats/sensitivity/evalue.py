"""E-values: how strong an unmeasured confounder would have to be to explain an estimate away.

VanderWeele & Ding, Ann Intern Med 2017;167:268-74, with the conversions of VanderWeele,
Epidemiology 2017;28:e58 (odds and hazard ratios) and of R ``EValue::evalues.MD`` (SMD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from scipy import stats

from matstats._core import checks as _checks

__all__ = ["EValue", "evalue"]

_MEASURES = ("RR", "OR", "HR", "SMD")
_Z975 = float(stats.norm.ppf(0.975))
_LN2 = math.log(2.0)
#: SMD -> log risk ratio factor and its SE factor (EValue::evalues.MD; VanderWeele 2017).
_SMD_LOG_RR = 0.91
_SMD_LOG_RR_SE = 1.78


@dataclass(frozen=True)
class EValue:
    """E-values for a point estimate and its confidence limit closest to the null.

    Attributes
    ----------
    measure : str
        ``"RR"``, ``"OR"``, ``"HR"`` or ``"SMD"``.
    estimate, ci_low, ci_high : float
        The estimate on its own scale (``nan`` where not given).
    true : float
        The non-null target on the scale of ``estimate``.
    rr, rr_ci_low, rr_ci_high, true_rr : float
        The same values converted to the risk-ratio scale.
    evalue_point : float
        E-value of the point estimate.
    evalue_ci : float
        E-value of the confidence limit closest to ``true`` (1 if the CI includes it;
        ``nan`` if no CI was given).
    """

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    true: float
    rr: float
    rr_ci_low: float
    rr_ci_high: float
    true_rr: float
    evalue_point: float
    evalue_ci: float
    #: Why ``evalue_ci`` is NaN (empty otherwise); not a column of :meth:`to_frame`.
    notes: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with columns ``measure``, ``estimate``, ``ci_low``, ``ci_high``,
        ``true``, ``rr``, ``rr_ci_low``, ``rr_ci_high``, ``true_rr``, ``evalue_point``,
        ``evalue_ci`` (the attributes above)."""
        return pd.DataFrame([{k: v for k, v in vars(self).items() if k != "notes"}])


def _evalue_rr(rr: float, true_rr: float) -> float:
    ratio = rr / true_rr
    if ratio < 1:
        ratio = 1 / ratio
    # sqrt(ratio) * sqrt(ratio - 1): no overflow of the product for ratios up to ~1e308
    return ratio + math.sqrt(ratio) * math.sqrt(ratio - 1)


def _to_rr(x: float, measure: str, rare: bool | None) -> float:
    if measure == "RR" or rare:
        return x
    if measure == "OR":  # VanderWeele, Epidemiology 2017;28:e58 (square-root transformation)
        return math.sqrt(x)
    # HR, common outcome: VanderWeele, Epidemiology 2017 / EValue package conversion,
    # (1 - 0.5^sqrt(x)) / (1 - 0.5^sqrt(1/x)) with expm1 so HR near 0 or huge stays exact
    s = math.sqrt(x)
    return math.expm1(-_LN2 * s) / math.expm1(-_LN2 / s)


def _opt(name: str, value: float | None) -> float | None:
    return None if value is None else _checks.finite(name, value)


def _checked_interval(estimate, lo, hi) -> tuple[float, float | None, float | None]:
    est, lo_f, hi_f = _checks.finite("estimate", estimate), _opt("lo", lo), _opt("hi", hi)
    if lo_f is not None and hi_f is not None and lo_f > hi_f:
        raise ValueError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    if lo_f is not None and est < lo_f or hi_f is not None and est > hi_f:
        raise ValueError(f"estimate {estimate!r} must lie inside the interval [{lo!r}, {hi!r}]")
    return est, lo_f, hi_f


def _smd_scale(est, lo_f, hi_f, true, se) -> tuple:
    """Limits, target and RR-scale values for an SMD (EValue::evalues.MD)."""
    t = 0.0 if true is None else _checks.finite("true", true)
    if se is not None:
        s = _checks.positive("se", se, allow_zero=True)
        if lo_f is not None or hi_f is not None:
            raise ValueError("give either se or lo/hi for measure='SMD', not both")
        lo_f, hi_f = est - _Z975 * s, est + _Z975 * s
        rr_lo = _exp(_SMD_LOG_RR * est - _SMD_LOG_RR_SE * s)
        rr_hi = _exp(_SMD_LOG_RR * est + _SMD_LOG_RR_SE * s)
    else:
        rr_lo = None if lo_f is None else _exp(_SMD_LOG_RR * lo_f)
        rr_hi = None if hi_f is None else _exp(_SMD_LOG_RR * hi_f)
    return lo_f, hi_f, t, _exp(_SMD_LOG_RR * est), rr_lo, rr_hi, _exp(_SMD_LOG_RR * t)


def _ratio_scale(est, lo_f, hi_f, true, measure, rare) -> tuple:
    """Target and RR-scale values for a risk, odds or hazard ratio."""
    if measure in {"OR", "HR"} and rare is None:
        raise ValueError(f"measure={measure!r} needs rare=True or rare=False, got rare=None")
    t = 1.0 if true is None else _checks.finite("true", true)
    for name, v in (("estimate", est), ("lo", lo_f), ("hi", hi_f), ("true", t)):
        if v is not None and v <= 0:
            raise ValueError(f"{name} must be > 0 for measure={measure!r}, got {v!r}")

    def conv(x):
        return None if x is None else _to_rr(x, measure, rare)

    return lo_f, hi_f, t, conv(est), conv(lo_f), conv(hi_f), conv(t)


def _exp(x: float) -> float:
    """exp that returns inf instead of raising (checked by :func:`_check_representable`)."""
    return math.exp(x) if x < 709.7 else math.inf


def _check_representable(measure: str, *rrs: float | None) -> None:
    """Refuse estimates whose risk ratio (or E-value) is outside the float range."""
    for x in rrs:
        if x is not None and not (math.isfinite(x) and 1e-300 <= x <= 1e300):
            raise ValueError(
                f"measure={measure!r}: the estimate or a limit converts to a risk ratio of {x!r}, "
                "outside the range [1e-300, 1e300] in which the E-value is a finite number; "
                "for an SMD this means |d| <= 750 (and |d| + 2 se within that range)"
            )


def _evalue_ci(rr: float, rr_lo: float | None, rr_hi: float | None, true_rr: float) -> float:
    if rr > true_rr and rr_lo is not None:
        return 1.0 if rr_lo <= true_rr else _evalue_rr(rr_lo, true_rr)
    if rr < true_rr and rr_hi is not None:
        return 1.0 if rr_hi >= true_rr else _evalue_rr(rr_hi, true_rr)
    if rr == true_rr and (rr_lo is not None or rr_hi is not None):
        return 1.0
    return math.nan


def evalue(
    estimate: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    measure: str = "RR",
    true: float | None = None,
    se: float | None = None,
    rare: bool | None = None,
) -> EValue:
    """E-value (VanderWeele & Ding, Ann Intern Med 2017;167:268-74).

    The minimum strength of association, on the risk-ratio scale, that an unmeasured
    confounder would need with both exposure and outcome to move the estimate (or its CI)
    to ``true``.

    Parameters
    ----------
    estimate : float
        RR, OR or HR (> 0), or a standardised mean difference d for ``measure="SMD"``.
    ci_low, ci_high : float, optional
        Confidence limits on the same scale as ``estimate``.
    measure : {"RR", "OR", "HR", "SMD"}
        OR/HR need ``rare``: rare outcomes (< 15%) are used as RR; common outcomes are
        converted (OR -> sqrt(OR); HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))). SMD uses
        RR ~ exp(0.91 d) and, with ``se``, limits exp(0.91 d -/+ 1.78 se), as R
        ``EValue::evalues.MD``.
    true : float, optional
        Non-null target on the scale of ``estimate``; default 1 (ratios) or 0 (SMD).
    se : float, optional
        Standard error of d (``measure="SMD"`` only).
    rare : bool, optional
        Required for OR and HR.

    Raises
    ------
    ValueError
        Bad parameters, or an estimate/limit whose risk ratio lies outside [1e-300, 1e300]
        (an SMD beyond about +/-750), where the E-value is not a finite number.

    Returns
    -------
    EValue
        ``evalue_ci`` is NaN only when no confidence limit was given (nothing to compute);
        ``.to_frame()`` gives the attributes as one row.

    Examples
    --------
    The breast-feeding example of VanderWeele & Ding (2017), RR 3.9 (1.8 to 8.7):

    >>> e = evalue(3.9, 1.8, 8.7)
    >>> round(e.evalue_point, 2), round(e.evalue_ci, 2)
    (7.26, 3.0)
    """
    _checks.one_of("measure", measure, _MEASURES)
    est, lo_f, hi_f = _checked_interval(estimate, ci_low, ci_high)
    if se is not None and measure != "SMD":
        raise ValueError(f"se is only used with measure='SMD', got measure={measure!r}; "
                         "give ci_low/ci_high for ratio measures")
    if measure == "SMD":
        scale = _smd_scale(est, lo_f, hi_f, true, se)
    else:
        scale = _ratio_scale(est, lo_f, hi_f, true, measure, rare)
    lo_f, hi_f, t, rr, rr_lo, rr_hi, true_rr = scale
    _check_representable(measure, rr, rr_lo, rr_hi, true_rr)
    nan = math.nan
    return EValue(
        measure=measure, estimate=est,
        ci_low=nan if lo_f is None else float(lo_f), ci_high=nan if hi_f is None else float(hi_f),
        true=t, rr=rr, rr_ci_low=nan if rr_lo is None else rr_lo,
        rr_ci_high=nan if rr_hi is None else rr_hi, true_rr=true_rr,
        evalue_point=_evalue_rr(rr, true_rr), evalue_ci=(ci := _evalue_ci(rr, rr_lo, rr_hi,
                                                                          true_rr)),
        notes=() if not math.isnan(ci) else (
            "evalue_ci is NaN: the confidence limit closest to the null ("
            + ("ci_low" if rr > true_rr else "ci_high") + ") was not given",),
    )
