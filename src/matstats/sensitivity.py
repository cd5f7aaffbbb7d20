"""Placebo, expectation, regression-to-the-mean and unblinding sensitivity analyses.

Every function here answers one question about a reported improvement: how large
could the non-specific forces behind it plausibly be, and at what size would they
erase it?  The default magnitudes ("priors") and formulas come from
``shared/methods/methods-notes.md`` (Pillar B); each :class:`Prior` carries its
source string so that tables built from it can cite it.

Conventions
-----------
* Effects are oriented so that a **positive** value is an improvement (benefit of
  the intervention).  Bias terms are positive when they inflate the apparent
  benefit.
* Standardised quantities are in SD units; ``sd`` converts them to outcome units.
* Randomness only through an ``rng`` argument normalised with
  :func:`numpy.random.default_rng`; the same seed gives the same output.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "MCID_NRS",
    "NRS_SD",
    "Prior",
    "EValue",
    "Decomposition",
    "SurveyBounds",
    "default_priors",
    "placebo_responder_rates",
    "evalue",
    "blinding_index",
    "regression_to_mean",
    "decompose_improvement",
    "decomposition_grid",
    "bias_adjust",
    "tipping_point",
    "tipping_point_grid",
    "survey_bounds",
    "bias_adjusted_effect",
    "bias_adjusted_mat_effects",
    "sensitivity_for_studies",
    "sensitivity_for_claims",
    "study_decompositions",
    "MCID_UNITS",
]

#: Minimal clinically important difference on a 0-10 pain NRS, in points
#: (Farrar et al. Pain 2001; Ostelo 2008; IMMPACT 2008 -- methods notes §0).
MCID_NRS = 2.0
#: Between-person SD of 0-10 NRS pain, in points, used to convert SD units to points
#: (derived from Strijkers 2021: SMD 0.37 ~ 8/100 points -> SD ~ 2.2; methods notes §0/B2).
NRS_SD = 2.2

_Z975 = stats.norm.ppf(0.975)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _finite(name: str, value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def _positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    out = _finite(name, value)
    if out < 0 or (out == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return out


def _unit_interval(name: str, value: object, *, open_low: bool = False) -> float:
    out = _finite(name, value)
    if out < 0 or out > 1 or (open_low and out == 0):
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return out


def _alpha(alpha: float) -> float:
    a = _finite("alpha", alpha)
    if not 0 < a < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    return a


def _r_values(r: object) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(r, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("r must be a number or a non-empty 1-D sequence of numbers")
    if not np.all(np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"reliability r must lie in [0, 1], got {np.asarray(r).tolist()!r}")
    return arr


# --------------------------------------------------------------------------------------
# priors
# --------------------------------------------------------------------------------------
_DISTS = {"normal", "uniform", "beta", "fixed"}


@dataclass(frozen=True)
class Prior:
    """A named distribution for one bias or nuisance quantity, with its source.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"placebo_sd"``.
    dist : {"normal", "uniform", "beta", "fixed"}
        Family. ``params`` are (mean, sd) for normal, (low, high) for uniform,
        (mean, sd) for beta (converted to shape parameters), (value,) for fixed.
    params : tuple of float
    unit : str
        ``"sd"`` (standardised), ``"share"`` (fraction of the observed change),
        ``"r"`` (reliability) or an outcome unit such as ``"points"``.
    source : str
        Where the numbers come from (citation; "[assumption]" where they are ours).
    """

    name: str
    dist: str
    params: tuple[float, ...]
    unit: str
    source: str

    def __post_init__(self) -> None:
        if self.dist not in _DISTS:
            raise ValueError(f"Prior.dist must be one of {sorted(_DISTS)}, got {self.dist!r}")
        need = {"normal": 2, "uniform": 2, "beta": 2, "fixed": 1}[self.dist]
        if len(self.params) != need:
            raise ValueError(
                f"Prior {self.name!r}: {self.dist} needs {need} parameter(s), got {self.params!r}"
            )
        p = [_finite(f"Prior {self.name!r} parameter", v) for v in self.params]
        if self.dist == "normal" and p[1] < 0:
            raise ValueError(f"Prior {self.name!r}: normal sd must be >= 0, got {p[1]!r}")
        if self.dist == "uniform" and p[1] < p[0]:
            raise ValueError(f"Prior {self.name!r}: uniform needs low <= high, got {p!r}")
        if self.dist == "beta":
            m, s = p
            if not 0 < m < 1 or s <= 0 or s * s >= m * (1 - m):
                raise ValueError(
                    f"Prior {self.name!r}: beta needs 0 < mean < 1 and 0 < sd^2 < mean(1-mean),"
                    f" got {p!r}"
                )

    @property
    def mean(self) -> float:
        """Mean of the distribution."""
        if self.dist == "uniform":
            return (self.params[0] + self.params[1]) / 2
        return float(self.params[0])

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values with the Generator ``rng``."""
        p = self.params
        if self.dist == "normal":
            return rng.normal(p[0], p[1], size)
        if self.dist == "uniform":
            return rng.uniform(p[0], p[1], size)
        if self.dist == "beta":
            m, s = p
            k = m * (1 - m) / (s * s) - 1
            return rng.beta(m * k, (1 - m) * k, size)
        return np.full(size, float(p[0]))

    def describe(self) -> str:
        """One-line text such as ``normal(mean 0.37, sd 0.094) sd``."""
        p = self.params
        if self.dist == "normal":
            body = f"normal(mean {p[0]:.3g}, sd {p[1]:.3g})"
        elif self.dist == "uniform":
            body = f"uniform({p[0]:.3g} to {p[1]:.3g})"
        elif self.dist == "beta":
            body = f"beta(mean {p[0]:.3g}, sd {p[1]:.3g})"
        else:
            body = f"fixed {p[0]:.3g}"
        return f"{body} [{self.unit}]"


def _normal_from_ci(mean: float, low: float, high: float) -> tuple[float, float]:
    return (mean, (high - low) / (2 * _Z975))


def default_priors() -> dict[str, Prior]:
    """The default priors of Pillar B, each with its source (methods notes §0, B1-B5, B8).

    Returns
    -------
    dict of str to Prior
        Keys: ``natural_history_share``, ``placebo_sd``, ``placebo_sd_range``,
        ``reliability_r``, ``unblinding_sd``, ``unblinding_sd_hrobjartsson``,
        ``unblinding_sd_metablind``.
    """
    return {
        "natural_history_share": Prior(
            "natural_history_share",
            "beta",
            (0.49, 0.10),
            "share",
            "Pedersen et al. Pain 2024: 49% of short-term CLBP pain improvement is "
            "'no-treatment' change (natural history + RTM + artefacts); spread sd 0.10 "
            "is our assumption",
        ),
        "placebo_sd": Prior(
            "placebo_sd",
            "normal",
            _normal_from_ci(0.37, 0.18, 0.55),
            "sd",
            "Strijkers et al. Pain 2021: placebo vs no intervention, CLBP pain SMD 0.37 "
            "(95% CI 0.18-0.55); normal fitted to the CI",
        ),
        "placebo_sd_range": Prior(
            "placebo_sd_range",
            "uniform",
            (0.2, 0.4),
            "sd",
            "methods notes B8.3: placebo/sham 0.2-0.4 SD for physical shams in CLBP "
            "(Hohenschurz-Schmidt 0.21; Strijkers 2021 0.37)",
        ),
        "reliability_r": Prior(
            "reliability_r",
            "uniform",
            (0.4, 0.9),
            "r",
            "methods notes §0/B4: test-retest r 0.4-0.9 (0.7 single-day, 0.9 7-day mean) "
            "[assumption]; RTM formula Barnett et al. Int J Epidemiol 2005",
        ),
        "unblinding_sd": Prior(
            "unblinding_sd",
            "normal",
            (0.4, 0.25),
            "sd",
            "methods notes B5: default N(0.4, 0.25^2) SD [assumption spanning MetaBLIND "
            "(Moustgaard 2020) and Hrobjartsson 2014]",
        ),
        "unblinding_sd_hrobjartsson": Prior(
            "unblinding_sd_hrobjartsson",
            "normal",
            _normal_from_ci(0.56, 0.41, 0.71),
            "sd",
            "Hrobjartsson et al. Int J Epidemiol 2014: nonblinded patients exaggerated "
            "patient-reported effects by 0.56 SD (95% CI 0.41-0.71); normal fitted to the CI",
        ),
        "unblinding_sd_metablind": Prior(
            "unblinding_sd_metablind",
            "normal",
            _normal_from_ci(
                -math.log(0.91) * math.sqrt(3) / math.pi,
                -math.log(1.34) * math.sqrt(3) / math.pi,
                -math.log(0.61) * math.sqrt(3) / math.pi,
            ),
            "sd",
            "Moustgaard et al. BMJ 2020 (MetaBLIND): lack of patient blinding ROR 0.91 "
            "(0.61-1.34), converted to SD by ln(OR)*sqrt(3)/pi (Chinn 2000); normal fitted "
            "to the converted CI",
        ),
    }


def placebo_responder_rates() -> pd.DataFrame:
    """Responder rates expected without a specific effect, from the literature.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark with columns ``benchmark`` (short label), ``p0``
        (proportion), ``kind`` (``literature`` or ``sweep``) and ``source``.
        The sweep rows (0.3-0.8) are the methods-notes assumption (§B8.4).
    """
    rows = [
        (
            "placebo_arm_response_anxiety",
            0.37,
            "literature",
            "Motta et al. BMJ Ment Health 2023;26:e300630: response in placebo arms of "
            "SSRI/SNRI anxiety trials 37%",
        ),
        (
            "placebo_period_30pct_pain_reduction",
            0.15,
            "literature",
            "Pain 2020 (PMID 32569087): only 13-15% of patients had >30% pain reduction in "
            "the placebo period of neuropathic-pain crossover trials (upper value used)",
        ),
    ]
    for p0 in (0.3, 0.5, 0.8):
        rows.append(
            (
                f"sweep_{int(round(p0 * 100))}",
                p0,
                "sweep",
                "methods notes B8.4: self-reported 'any improvement' without a specific "
                "effect is common; sweep 0.3-0.8 [assumption]",
            )
        )
    return pd.DataFrame(rows, columns=["benchmark", "p0", "kind", "source"])


# --------------------------------------------------------------------------------------
# 1. E-values
# --------------------------------------------------------------------------------------
_MEASURES = {"RR", "OR", "HR", "SMD"}


@dataclass(frozen=True)
class EValue:
    """E-values for a point estimate and its confidence limit closest to the null.

    Attributes
    ----------
    measure : str
    estimate, ci_low, ci_high : float
        The estimate on its own scale (``nan`` where not given).
    rr, rr_ci_low, rr_ci_high, true_rr : float
        The same values converted to the risk-ratio scale.
    evalue_point : float
        E-value of the point estimate.
    evalue_ci : float
        E-value of the confidence limit closest to ``true`` (1 if the CI
        includes it; ``nan`` if no CI was given).
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

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with columns ``measure, estimate, ci_low, ci_high, true, rr,
        rr_ci_low, rr_ci_high, true_rr, evalue_point, evalue_ci``."""
        return pd.DataFrame([self.__dict__])


def _evalue_rr(rr: float, true_rr: float) -> float:
    ratio = rr / true_rr
    if ratio < 1:
        ratio = 1 / ratio
    return ratio + math.sqrt(ratio * (ratio - 1))


def _to_rr(x: float, measure: str, rare: bool | None) -> float:
    if measure == "RR" or rare:
        return x
    if measure == "OR":  # VanderWeele, Epidemiology 2017;28:e58 (square-root transformation)
        return math.sqrt(x)
    # HR, common outcome: VanderWeele, Epidemiology 2017 / EValue package conversion
    return (1 - 0.5 ** math.sqrt(x)) / (1 - 0.5 ** math.sqrt(1 / x))


def evalue(
    estimate: float,
    lo: float | None = None,
    hi: float | None = None,
    *,
    measure: str = "RR",
    true: float | None = None,
    se: float | None = None,
    rare: bool | None = None,
) -> EValue:
    """E-value (VanderWeele & Ding, Ann Intern Med 2017;167:268-74).

    The minimum strength of association, on the risk-ratio scale, that an
    unmeasured confounder would need with both exposure and outcome to move the
    estimate (or its CI) to ``true``.

    Parameters
    ----------
    estimate : float
        RR, OR or HR (> 0), or a standardised mean difference d for ``measure="SMD"``.
    lo, hi : float, optional
        Confidence limits on the same scale as ``estimate``.
    measure : {"RR", "OR", "HR", "SMD"}
        OR/HR need ``rare``: rare outcomes (< 15%) are used as RR; common outcomes
        are converted (OR -> sqrt(OR); HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))).
        SMD uses RR ~ exp(0.91 d) and, with ``se``, limits exp(0.91 d -/+ 1.78 se),
        as R ``EValue::evalues.MD``.
    true : float, optional
        Non-null target on the scale of ``estimate``; default 1 (ratios) or 0 (SMD).
    se : float, optional
        Standard error of d (``measure="SMD"`` only).
    rare : bool, optional
        Required for OR and HR.

    Returns
    -------
    EValue
        ``.to_frame()`` gives one row with columns ``measure, estimate, ci_low,
        ci_high, true, rr, rr_ci_low, rr_ci_high, true_rr, evalue_point, evalue_ci``.

    Examples
    --------
    >>> round(evalue(3.9, 1.8, 8.7).evalue_point, 2)
    7.26
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
    est = _finite("estimate", estimate)
    lo_f = None if lo is None else _finite("lo", lo)
    hi_f = None if hi is None else _finite("hi", hi)
    if lo_f is not None and hi_f is not None and lo_f > hi_f:
        raise ValueError(f"lo must be <= hi, got lo={lo!r}, hi={hi!r}")
    if lo_f is not None and est < lo_f or hi_f is not None and est > hi_f:
        raise ValueError(f"estimate {estimate!r} must lie inside the interval [{lo!r}, {hi!r}]")
    if se is not None and measure != "SMD":
        raise ValueError("se is only used with measure='SMD'; give lo/hi for ratio measures")

    if measure == "SMD":
        t = 0.0 if true is None else _finite("true", true)
        if se is not None:
            s = _positive("se", se, allow_zero=True)
            if lo_f is not None or hi_f is not None:
                raise ValueError("give either se or lo/hi for measure='SMD', not both")
            lo_f, hi_f = float(est - _Z975 * s), float(est + _Z975 * s)
            rr_lo = math.exp(0.91 * est - 1.78 * s)
            rr_hi = math.exp(0.91 * est + 1.78 * s)
        else:
            rr_lo = None if lo_f is None else math.exp(0.91 * lo_f)
            rr_hi = None if hi_f is None else math.exp(0.91 * hi_f)
        rr = math.exp(0.91 * est)
        true_rr = math.exp(0.91 * t)
    else:
        if measure in {"OR", "HR"} and rare is None:
            raise ValueError(f"measure={measure!r} needs rare=True or rare=False")
        t = 1.0 if true is None else _finite("true", true)
        for name, v in (("estimate", est), ("lo", lo_f), ("hi", hi_f), ("true", t)):
            if v is not None and v <= 0:
                raise ValueError(f"{name} must be > 0 for measure={measure!r}, got {v!r}")
        rr = _to_rr(est, measure, rare)
        rr_lo = None if lo_f is None else _to_rr(lo_f, measure, rare)
        rr_hi = None if hi_f is None else _to_rr(hi_f, measure, rare)
        true_rr = _to_rr(t, measure, rare)

    e_point = _evalue_rr(rr, true_rr)
    e_ci = math.nan
    if rr > true_rr and rr_lo is not None:
        e_ci = 1.0 if rr_lo <= true_rr else _evalue_rr(rr_lo, true_rr)
    elif rr < true_rr and rr_hi is not None:
        e_ci = 1.0 if rr_hi >= true_rr else _evalue_rr(rr_hi, true_rr)
    elif rr == true_rr and (rr_lo is not None or rr_hi is not None):
        e_ci = 1.0
    nan = math.nan
    return EValue(
        measure=measure,
        estimate=est,
        ci_low=nan if lo_f is None else lo_f,
        ci_high=nan if hi_f is None else hi_f,
        true=t,
        rr=rr,
        rr_ci_low=nan if rr_lo is None else rr_lo,
        rr_ci_high=nan if rr_hi is None else rr_hi,
        true_rr=true_rr,
        evalue_point=e_point,
        evalue_ci=e_ci,
    )


# --------------------------------------------------------------------------------------
# 2. Blinding indices
# --------------------------------------------------------------------------------------
_ARMS = ("treatment", "control")


def _guess_table(table: object) -> np.ndarray:
    arr = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table, dtype=float)
    if arr.shape != (3, 2):
        raise ValueError(
            "table must be 3 x 2 counts: rows = guess (treatment, control, don't know), "
            f"columns = actual arm (treatment, control); got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"table counts must be finite and >= 0, got {arr.tolist()!r}")
    if np.any(arr != np.round(arr)):
        raise ValueError(f"table counts must be whole numbers, got {arr.tolist()!r}")
    return arr


def _james(arr: np.ndarray) -> tuple[float, float]:
    """James et al. Stat Med 1996 index and SE (weights 0 correct, 0.5 incorrect)."""
    n = arr.sum()
    if np.all(arr[:2] == 0):
        return 1.0, 0.0  # everyone answered "don't know"
    p = arr / n
    w = np.array([[0.0, 0.5], [0.5, 0.0]])
    p_dk = p[2].sum()
    row = p[:2].sum(axis=1)  # share guessing treatment / control
    col_known = p.sum(axis=0) - p[2]  # per arm, share with a definite guess
    expected = float(np.sum(w * np.outer(row, col_known)))
    if expected == 0:
        raise ValueError(
            "James index undefined: no disagreement is possible under chance for this table "
            f"(e.g. all definite guesses in one row or one arm): {arr.tolist()!r}"
        )
    p_do = float(np.sum(w * p[:2])) / (1 - p_dk)
    p_de = expected / (1 - p_dk) ** 2
    kappa = (p_do - p_de) / p_de
    bi = (1 + p_dk + (1 - p_dk) * kappa) / 2
    # variance, James et al. 1996 (as implemented in R package BI, read from R/BI.r)
    num = 0.0
    for i in range(2):
        for j in range(2):
            extra = sum(w[r, j] * row[r] + w[i, r] * col_known[r] for r in range(2))
            num += p[i, j] * (1 - p_dk) ** 2 * ((1 - p_dk) * w[i, j] - (1 + kappa) * extra) ** 2
    v1 = num / (4 * expected**2)
    v2 = p_dk * (1 - p_dk) - (1 - p_dk) * (1 + kappa) * (p_dk + (1 - p_dk) * (1 + kappa) / 4)
    var = (v1 + v2) / n
    return float(bi), float(math.sqrt(max(var, 0.0)))


def blinding_index(
    table: object, method: str = "bang", *, conf_level: float = 0.95
) -> pd.DataFrame:
    """Blinding index from guess-by-arm counts, with normal-theory confidence intervals.

    Parameters
    ----------
    table : array-like or DataFrame, shape (3, 2)
        Counts. Rows: guessed treatment, guessed control, don't know. Columns:
        actual treatment arm, actual control arm (layout of R package ``BI``).
    method : {"bang", "james"}
        ``"bang"`` (Bang et al. Control Clin Trials 2004): per arm,
        (correct - incorrect) / n, range -1..1, 0 = random guessing, SE
        sqrt([p1(1-p1) + p2(1-p2) + 2 p1 p2] / n). ``"james"`` (James et al.
        Stat Med 1996): whole trial, range 0..1, 1 = all don't know, 0.5 = random
        guessing, 0 = complete unblinding; blinding judged lacking if the upper
        limit is below 0.5.
    conf_level : float
        Two-sided confidence level.

    Returns
    -------
    pandas.DataFrame
        Columns ``method``, ``arm`` (``treatment``/``control`` for Bang, ``overall``
        for James), ``n``, ``n_correct``, ``n_incorrect``, ``n_dont_know``,
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``interpretation``.
    """
    arr = _guess_table(table)
    cl = _finite("conf_level", conf_level)
    if not 0 < cl < 1:
        raise ValueError(f"conf_level must lie in (0, 1), got {conf_level!r}")
    z = stats.norm.ppf(1 - (1 - cl) / 2)
    rows = []
    if method == "bang":
        for k, arm in enumerate(_ARMS):
            col = arr[:, k]
            n = col.sum()
            if n == 0:
                raise ValueError(f"Bang index needs at least one answer in the {arm} arm")
            correct, incorrect, dk = col[k], col[1 - k], col[2]
            bi = (correct - incorrect) / n
            p1, p2 = col[0] / n, col[1] / n
            se = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2) + 2 * p1 * p2) / n)
            lo, hi = bi - z * se, bi + z * se
            if lo > 0:
                text = "more correct guesses than chance: blinding likely broken"
            elif hi < 0:
                text = "more incorrect guesses than chance (opposite guessing)"
            else:
                text = "compatible with random guessing"
            rows.append((method, arm, int(n), int(correct), int(incorrect), int(dk), bi, se, lo, hi, text))
    elif method == "james":
        bi, se = _james(arr)
        lo, hi = bi - z * se, bi + z * se
        text = (
            "blinding judged lacking (upper limit < 0.5)"
            if hi < 0.5
            else "no evidence of lack of blinding (upper limit >= 0.5)"
        )
        correct = arr[0, 0] + arr[1, 1]
        incorrect = arr[0, 1] + arr[1, 0]
        rows.append(
            (method, "overall", int(arr.sum()), int(correct), int(incorrect), int(arr[2].sum()),
             bi, se, lo, hi, text)
        )
    else:
        raise ValueError(f"method must be 'bang' or 'james', got {method!r}")
    return pd.DataFrame(
        rows,
        columns=["method", "arm", "n", "n_correct", "n_incorrect", "n_dont_know",
                 "estimate", "se", "ci_low", "ci_high", "interpretation"],
    )


# --------------------------------------------------------------------------------------
# 3. Regression to the mean
# --------------------------------------------------------------------------------------
def _barnett_rtm(
    threshold: float, mean: float, sd: float, r: np.ndarray, m: int, direction: str
) -> np.ndarray:
    """Barnett, van der Pols & Dobson, Int J Epidemiol 2005;34:215-20, m baseline measures."""
    var_b = r * sd**2
    var_w = (1 - r) * sd**2
    s = np.sqrt(var_b + var_w / m)
    z = (threshold - mean) / s if direction == "above" else (mean - threshold) / s
    # inverse Mills ratio phi(z) / (1 - Phi(z)), computed stably on the log scale
    mills = np.exp(stats.norm.logpdf(z) - stats.norm.logsf(z))
    return (var_w / m) / s * mills


def regression_to_mean(
    *,
    mean: float,
    r: float | Sequence[float],
    baseline: float | None = None,
    threshold: float | None = None,
    sd: float | None = None,
    n_baseline: int = 1,
    direction: str = "above",
) -> pd.DataFrame:
    """Expected change from regression to the mean, with the reliability ``r`` swept.

    * Individual (bivariate normal, equal variances; methods notes §B4): a person
      measured at ``baseline`` whose long-run mean is ``mean`` is expected to move
      (1 - r)(baseline - mean) back toward the mean with no treatment.
    * Group (Barnett et al. 2005): people entering because their baseline (mean of
      ``n_baseline`` measurements) is >= ``threshold`` (``direction="above"``) or
      <= ``threshold`` (``"below"``). With total SD ``sd`` and r = between-person
      share of variance, the expected movement is
      (sw^2/m) / sqrt(sb^2 + sw^2/m) * phi(z) / (1 - Phi(z)),
      z = (threshold - mean) / sqrt(sb^2 + sw^2/m).

    Parameters
    ----------
    mean : float
        Population (or person's long-run) mean.
    r : float or sequence of float
        Test-retest reliability (intraclass correlation) of a single measurement,
        in [0, 1].
    baseline : float, optional
        Individual baseline value.
    threshold : float, optional
        Entry threshold for the group version (needs ``sd``).
    sd : float, optional
        Total SD of a single measurement (> 0).
    n_baseline : int
        Number of baseline measurements averaged (m >= 1), group version only.
    direction : {"above", "below"}
        Selection side for the group version.

    Returns
    -------
    pandas.DataFrame
        One row per kind (``individual`` and/or ``group``) and value of ``r`` with
        columns ``kind``, ``r``, ``mean``, ``baseline``, ``threshold``, ``sd``,
        ``n_baseline``, ``expected_rtm`` (movement toward the mean, >= 0, outcome
        units) and ``expected_change`` (signed expected change of the outcome,
        follow-up minus baseline).
    """
    mu = _finite("mean", mean)
    rs = _r_values(r)
    if baseline is None and threshold is None:
        raise ValueError("give baseline (individual) and/or threshold (group)")
    if direction not in {"above", "below"}:
        raise ValueError(f"direction must be 'above' or 'below', got {direction!r}")
    if isinstance(n_baseline, bool) or not isinstance(n_baseline, (int, np.integer)) or n_baseline < 1:
        raise ValueError(f"n_baseline must be an integer >= 1, got {n_baseline!r}")
    sd_f = None if sd is None else _positive("sd", sd)
    frames = []
    nan = math.nan
    if baseline is not None:
        b = _finite("baseline", baseline)
        change = -(1 - rs) * (b - mu)
        frames.append(pd.DataFrame({
            "kind": "individual", "r": rs, "mean": mu, "baseline": b, "threshold": nan,
            "sd": nan if sd_f is None else sd_f, "n_baseline": 1,
            "expected_rtm": np.abs(change), "expected_change": change,
        }))
    if threshold is not None:
        c = _finite("threshold", threshold)
        if sd_f is None:
            raise ValueError("the group (threshold) version needs sd > 0")
        rtm = _barnett_rtm(c, mu, sd_f, rs, int(n_baseline), direction)
        sign = -1.0 if direction == "above" else 1.0
        frames.append(pd.DataFrame({
            "kind": "group", "r": rs, "mean": mu, "baseline": nan, "threshold": c,
            "sd": sd_f, "n_baseline": int(n_baseline),
            "expected_rtm": rtm, "expected_change": sign * rtm,
        }))
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# 4. Decomposition of an uncontrolled pre-post improvement
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decomposition:
    """Monte Carlo split of an observed improvement (see :func:`decompose_improvement`).

    Attributes
    ----------
    observed, mcid, sd : float
        Inputs (outcome units).
    summary : pandas.DataFrame
        One row per component: ``component``, ``mean``, ``median``, ``ci_low``,
        ``ci_high`` (2.5 and 97.5 percentiles, outcome units), ``share_of_observed``
        (mean / observed), ``prior``, ``source``.
    draws : pandas.DataFrame
        Columns ``natural_history``, ``rtm``, ``placebo``, ``specific``.
    p_exceeds_mcid, p_positive : float
        P(specific > mcid) and P(specific > 0) over the draws.
    notes : tuple of str
        What was not modelled and why.
    """

    observed: float
    mcid: float
    sd: float
    summary: pd.DataFrame
    draws: pd.DataFrame
    p_exceeds_mcid: float
    p_positive: float
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        """The ``summary`` table."""
        return self.summary.copy()


_DECOMP_KEYS = ("natural_history_share", "placebo_sd", "reliability_r")


def _merge_priors(priors: Mapping[str, Prior | None] | None) -> dict[str, Prior | None]:
    d = default_priors()
    out: dict[str, Prior | None] = {k: d[k] for k in _DECOMP_KEYS}
    for k, v in (priors or {}).items():
        if k not in _DECOMP_KEYS:
            raise ValueError(f"unknown prior {k!r}; allowed keys: {list(_DECOMP_KEYS)}")
        if v is not None and not isinstance(v, Prior):
            raise ValueError(f"prior {k!r} must be a Prior or None, got {type(v).__name__}")
        out[k] = v
    return out


def decompose_improvement(
    observed: float,
    *,
    sd: float = NRS_SD,
    mcid: float = MCID_NRS,
    mean: float | None = None,
    baseline: float | None = None,
    threshold: float | None = None,
    n_baseline: int = 1,
    priors: Mapping[str, Prior | None] | None = None,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> Decomposition:
    """Split an uncontrolled pre-post improvement into non-specific parts and a remainder.

    Per Monte Carlo draw (methods notes §B1, §B8.3):

    * ``rtm`` -- regression to the mean from a reliability ``r`` drawn from
      ``priors["reliability_r"]``: individual (1 - r)(baseline - mean) if
      ``baseline`` is given, Barnett's group formula if ``threshold`` is given,
      otherwise 0 (listed in ``notes``);
    * ``natural_history`` -- the no-treatment share (Pedersen 2024 default) of the
      observed improvement. That share already contains RTM, so this component is
      ``max(share * observed - rtm, 0)``;
    * ``placebo`` -- placebo/expectation effect in SD units times ``sd``;
    * ``specific`` = observed - natural_history - rtm - placebo.

    Parameters
    ----------
    observed : float
        Observed mean improvement, outcome units (positive = better).
    sd : float
        Outcome SD used to convert SD-unit priors (default :data:`NRS_SD`).
    mcid : float
        Minimal clinically important difference in outcome units (default 2 NRS points).
    mean, baseline, threshold, n_baseline
        Regression-to-the-mean inputs (see :func:`regression_to_mean`); ``mean``
        is needed with either ``baseline`` or ``threshold``.
    priors : mapping, optional
        Overrides for ``natural_history_share``, ``placebo_sd``, ``reliability_r``
        (a :class:`Prior`, or ``None`` to drop that component).
    n_draws : int
        Number of Monte Carlo draws (>= 100).
    rng : int, Generator or None
        Seed or Generator.

    Returns
    -------
    Decomposition
    """
    obs = _finite("observed", observed)
    sd_f = _positive("sd", sd)
    mcid_f = _positive("mcid", mcid, allow_zero=True)
    if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 100:
        raise ValueError(f"n_draws must be an integer >= 100, got {n_draws!r}")
    pri = _merge_priors(priors)
    gen = np.random.default_rng(rng)
    notes: list[str] = []

    rel = pri["reliability_r"]
    if (baseline is not None or threshold is not None) and mean is None:
        raise ValueError("regression to the mean needs mean together with baseline/threshold")
    if rel is not None and (baseline is not None or threshold is not None):
        r = rel.sample(gen, n_draws)
        if np.any((r < 0) | (r > 1)):
            raise ValueError(f"reliability prior {rel.name!r} produced values outside [0, 1]")
        if baseline is not None:
            rtm = (1 - r) * (_finite("baseline", baseline) - _finite("mean", mean))
        else:
            rtm = regression_to_mean(
                mean=mean, r=r, threshold=threshold, sd=sd_f, n_baseline=n_baseline
            )["expected_rtm"].to_numpy()
    else:
        rtm = np.zeros(n_draws)
        notes.append(
            "regression to the mean not modelled separately: no baseline/threshold given "
            "(it is then contained in the natural-history share)"
            if rel is not None
            else "regression to the mean switched off (prior None)"
        )

    nh_prior = pri["natural_history_share"]
    if nh_prior is not None:
        share = nh_prior.sample(gen, n_draws)
        nh = np.maximum(share * obs - rtm, 0.0)
    else:
        nh = np.zeros(n_draws)
        notes.append("natural history switched off (prior None)")

    pl_prior = pri["placebo_sd"]
    if pl_prior is not None:
        placebo = pl_prior.sample(gen, n_draws) * sd_f
    else:
        placebo = np.zeros(n_draws)
        notes.append("placebo/expectation switched off (prior None)")

    specific = obs - nh - rtm - placebo
    draws = pd.DataFrame(
        {"natural_history": nh, "rtm": rtm, "placebo": placebo, "specific": specific}
    )
    labels = {
        "natural_history": nh_prior,
        "rtm": rel if not np.all(rtm == 0) else None,
        "placebo": pl_prior,
        "specific": None,
    }
    rows = []
    for comp, prior in labels.items():
        x = draws[comp].to_numpy()
        lo, med, hi = np.percentile(x, [2.5, 50, 97.5])
        rows.append({
            "component": comp,
            "mean": float(x.mean()),
            "median": float(med),
            "ci_low": float(lo),
            "ci_high": float(hi),
            "share_of_observed": float(x.mean() / obs) if obs != 0 else math.nan,
            "prior": "" if prior is None else f"{prior.name}: {prior.describe()}",
            "source": "" if prior is None else prior.source
            if comp != "specific" else "",
        })
    rows[-1]["source"] = "remainder: observed - natural_history - rtm - placebo"
    summary = pd.DataFrame(rows)
    return Decomposition(
        observed=obs,
        mcid=mcid_f,
        sd=sd_f,
        summary=summary,
        draws=draws,
        p_exceeds_mcid=float(np.mean(specific > mcid_f)),
        p_positive=float(np.mean(specific > 0)),
        notes=tuple(notes),
    )


def decomposition_grid(
    observed: float,
    *,
    placebo_sd: Sequence[float],
    r: Sequence[float],
    mean: float,
    baseline: float | None = None,
    threshold: float | None = None,
    sd: float = NRS_SD,
    n_baseline: int = 1,
    natural_history_share: float = 0.0,
    mcid: float = MCID_NRS,
) -> pd.DataFrame:
    """Deterministic 2-D grid (placebo size x reliability r) of the remaining specific effect.

    Methods notes §B8.3: specific = observed - RTM(r) - natural history - placebo,
    with natural history = max(share * observed - RTM, 0) as in
    :func:`decompose_improvement`.

    Returns
    -------
    pandas.DataFrame
        Columns ``placebo_sd``, ``placebo``, ``r``, ``rtm``, ``natural_history``,
        ``specific``, ``above_mcid`` (bool), ``above_zero`` (bool).
    """
    obs = _finite("observed", observed)
    sd_f = _positive("sd", sd)
    share = _unit_interval("natural_history_share", natural_history_share)
    mcid_f = _positive("mcid", mcid, allow_zero=True)
    pl = np.atleast_1d(np.asarray(placebo_sd, dtype=float))
    if pl.size == 0 or not np.all(np.isfinite(pl)) or np.any(pl < 0):
        raise ValueError("placebo_sd must be a non-empty sequence of values >= 0")
    rtm_tab = regression_to_mean(
        mean=mean, r=r, baseline=baseline, threshold=threshold,
        sd=sd_f if threshold is not None else None, n_baseline=n_baseline,
    )
    if baseline is not None and threshold is not None:
        raise ValueError("give baseline or threshold, not both")
    rows = []
    for rv, rtm in zip(rtm_tab["r"], rtm_tab["expected_rtm"], strict=True):
        nh = max(share * obs - rtm, 0.0)
        for p in pl:
            spec = obs - rtm - nh - p * sd_f
            rows.append((float(p), float(p * sd_f), float(rv), float(rtm), nh, spec,
                         bool(spec > mcid_f), bool(spec > 0)))
    return pd.DataFrame(rows, columns=["placebo_sd", "placebo", "r", "rtm", "natural_history",
                                       "specific", "above_mcid", "above_zero"])


# --------------------------------------------------------------------------------------
# 5. Tipping points for controlled comparisons
# --------------------------------------------------------------------------------------
def bias_adjust(
    estimate: float,
    se: float,
    bias: float | Sequence[float],
    *,
    bias_sd: float = 0.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Additive bias adjustment of an estimate (Turner et al. JRSS A 2009 style).

    adjusted = estimate - bias, with SE sqrt(se^2 + bias_sd^2).

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
        Two-sided level of the CI.

    Returns
    -------
    pandas.DataFrame
        One row per bias value: ``bias``, ``estimate`` (adjusted), ``se``, ``ci_low``,
        ``ci_high``, ``z``, ``p_value`` (two-sided), ``p_benefit`` (one-sided
        P-value for benefit > 0), ``significant`` (``ci_low > 0``: significant benefit).
    """
    est = _finite("estimate", estimate)
    s = _positive("se", se)
    bsd = _positive("bias_sd", bias_sd, allow_zero=True)
    a = _alpha(alpha)
    b = np.atleast_1d(np.asarray(bias, dtype=float))
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)):
        raise ValueError("bias must be a finite number or a non-empty 1-D sequence")
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
        "p_value": 2 * stats.norm.sf(np.abs(z)),
        "p_benefit": stats.norm.sf(z),
        "significant": adj - z_a * se_adj > 0,
    })


def tipping_point(
    estimate: float,
    se: float,
    *,
    sd: float | None = None,
    mcid: float | None = None,
    alpha: float = 0.05,
    prior: Prior | None = None,
) -> pd.DataFrame:
    """Additive bias that moves a controlled estimate to the null, to non-significance,
    and below the MCID (methods notes §B8.1).

    Tipping biases: b_null = d, b_sig = d - z(1-alpha/2) se, b_mcid = d - mcid.
    A negative tipping bias means the target is already reached with no bias.

    Parameters
    ----------
    estimate, se : float
        Estimate in SD units (positive = benefit) and its SE (> 0).
    sd : float, optional
        Outcome SD (> 0) to express the biases in outcome units.
    mcid : float, optional
        MCID in SD units (>= 0).
    alpha : float
        Two-sided significance level.
    prior : Prior, optional
        Bias prior (SD units); default ``default_priors()["unblinding_sd"]``.

    Returns
    -------
    pandas.DataFrame
        One row per target with columns ``target`` (``null``, ``non_significance``,
        ``below_mcid``), ``bias_sd``, ``bias_units`` (``nan`` without ``sd``),
        ``p_bias_exceeds`` (P(bias >= tipping bias) under the prior; for a normal or
        uniform prior computed exactly), ``prior``, ``source``.
    """
    est = _finite("estimate", estimate)
    s = _positive("se", se)
    a = _alpha(alpha)
    sd_f = None if sd is None else _positive("sd", sd)
    pri = default_priors()["unblinding_sd"] if prior is None else prior
    if not isinstance(pri, Prior):
        raise ValueError(f"prior must be a Prior, got {type(pri).__name__}")
    targets = [("null", est), ("non_significance", est - stats.norm.ppf(1 - a / 2) * s)]
    if mcid is not None:
        targets.append(("below_mcid", est - _positive("mcid", mcid, allow_zero=True)))
    rows = []
    for name, b in targets:
        rows.append({
            "target": name,
            "bias_sd": b,
            "bias_units": math.nan if sd_f is None else b * sd_f,
            "p_bias_exceeds": _prior_sf(pri, b),
            "prior": f"{pri.name}: {pri.describe()}",
            "source": pri.source,
        })
    return pd.DataFrame(rows)


def _prior_sf(prior: Prior, x: float) -> float:
    p = prior.params
    if prior.dist == "normal":
        return float(stats.norm.sf(x, p[0], p[1])) if p[1] > 0 else float(p[0] >= x)
    if prior.dist == "uniform":
        if p[1] == p[0]:
            return float(p[0] >= x)
        return float(np.clip((p[1] - x) / (p[1] - p[0]), 0.0, 1.0))
    if prior.dist == "beta":
        m, s = p
        k = m * (1 - m) / (s * s) - 1
        return float(stats.beta.sf(x, m * k, (1 - m) * k))
    return float(p[0] >= x)


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
        Two-sided level.

    Returns
    -------
    pandas.DataFrame
        Columns ``bias_a``, ``bias_b``, ``total_bias``, ``estimate``, ``ci_low``,
        ``ci_high``, ``p_benefit``, ``significant``, ``above_mcid`` (``estimate >
        mcid``; all False without ``mcid``).
    """
    ga = np.atleast_1d(np.asarray(bias_a, dtype=float))
    gb = np.atleast_1d(np.asarray(bias_b, dtype=float))
    for name, g in (("bias_a", ga), ("bias_b", gb)):
        if g.ndim != 1 or g.size == 0 or not np.all(np.isfinite(g)):
            raise ValueError(f"{name} must be a non-empty 1-D sequence of finite numbers")
    aa, bb = np.meshgrid(ga, gb, indexing="ij")
    adj = bias_adjust(estimate, se, (aa + bb).ravel(), alpha=alpha)
    m = None if mcid is None else _positive("mcid", mcid, allow_zero=True)
    return pd.DataFrame({
        "bias_a": aa.ravel(),
        "bias_b": bb.ravel(),
        "total_bias": adj["bias"].to_numpy(),
        "estimate": adj["estimate"].to_numpy(),
        "ci_low": adj["ci_low"].to_numpy(),
        "ci_high": adj["ci_high"].to_numpy(),
        "p_benefit": adj["p_benefit"].to_numpy(),
        "significant": adj["significant"].to_numpy(),
        "above_mcid": adj["estimate"].to_numpy() > m if m is not None
        else np.zeros(aa.size, dtype=bool),
    })


# --------------------------------------------------------------------------------------
# 6. Survey (responder-percentage) claims
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyBounds:
    """Bounds for a responder percentage under non-response (methods notes §B8.4).

    Attributes
    ----------
    responders, respondents, users : int
    responders_derived : bool
        True when ``responders`` was reconstructed from a rounded percentage.
    p_respondents, ci_low, ci_high : float
        Proportion among respondents and its exact (Clopper-Pearson) or Wilson CI.
    response_rate : float
        q = respondents / users.
    worst_case, best_case : float
        Population proportion if every non-respondent had no relief (p_r q) or
        relief (p_r q + 1 - q).
    comparison : pandas.DataFrame
        One row per benchmark (see :meth:`to_frame`).
    """

    responders: int
    respondents: int
    users: int
    responders_derived: bool
    method: str
    p_respondents: float
    ci_low: float
    ci_high: float
    response_rate: float
    worst_case: float
    best_case: float
    comparison: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Comparison with each benchmark: columns ``benchmark``, ``p0``, ``kind``,
        ``source``, ``p_respondents``, ``ci_low``, ``ci_high``, ``response_rate``,
        ``worst_case``, ``best_case``, ``selection_tipping_q`` (response rate q* =
        p0 / p_r at which the worst case equals p0), ``worst_case_above_p0``,
        ``reporting_or_tipping`` (odds ratio of over-reporting among respondents that
        would bring p_r down to p0)."""
        return self.comparison.copy()


def _binom_ci(k: int, n: int, conf: float, method: str) -> tuple[float, float]:
    a = 1 - conf
    if method == "clopper_pearson":
        lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
        hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
        return lo, hi
    if method == "wilson":
        z = stats.norm.ppf(1 - a / 2)
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return max(0.0, centre - half), min(1.0, centre + half)
    raise ValueError(f"method must be 'clopper_pearson' or 'wilson', got {method!r}")


def _count(name: str, value: object, minimum: int = 0) -> int:
    v = _finite(name, value)
    if v != round(v) or v < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(v)


def survey_bounds(
    *,
    respondents: int,
    users: int | None = None,
    responders: int | None = None,
    percent: float | None = None,
    benchmarks: pd.DataFrame | None = None,
    conf_level: float = 0.95,
    method: str = "clopper_pearson",
) -> SurveyBounds:
    """Bounds for a survey responder percentage, compared with placebo responder rates.

    Example: "98% reported pain relief" from 126 respondents of 200 users.

    Parameters
    ----------
    respondents : int
        Number who answered (>= 1).
    users : int, optional
        Number surveyed / followed up (>= respondents); default = respondents.
    responders : int, optional
        Number reporting relief (<= respondents). Give this or ``percent``.
    percent : float, optional
        Reported percentage in [0, 100]; responders = round(percent / 100 *
        respondents) (flagged ``responders_derived``).
    benchmarks : DataFrame, optional
        Columns ``benchmark``, ``p0``, ``kind``, ``source``; default
        :func:`placebo_responder_rates`.
    conf_level : float
        Confidence level of the respondent-proportion CI.
    method : {"clopper_pearson", "wilson"}
        CI method.

    Returns
    -------
    SurveyBounds
    """
    n = _count("respondents", respondents, 1)
    N = n if users is None else _count("users", users, 1)
    if N < n:
        raise ValueError(f"users ({N}) must be >= respondents ({n})")
    if (responders is None) == (percent is None):
        raise ValueError("give exactly one of responders or percent")
    derived = False
    if responders is not None:
        k = _count("responders", responders, 0)
        if k > n:
            raise ValueError(f"responders ({k}) must be <= respondents ({n})")
    else:
        pct = _finite("percent", percent)
        if not 0 <= pct <= 100:
            raise ValueError(f"percent must lie in [0, 100], got {percent!r}")
        k = int(round(pct / 100 * n))
        derived = True
    cl = _finite("conf_level", conf_level)
    if not 0 < cl < 1:
        raise ValueError(f"conf_level must lie in (0, 1), got {conf_level!r}")
    lo, hi = _binom_ci(k, n, cl, method)
    p = k / n
    q = n / N
    worst = p * q
    best = p * q + (1 - q)
    bench = placebo_responder_rates() if benchmarks is None else benchmarks.copy()
    missing = {"benchmark", "p0", "kind", "source"} - set(bench.columns)
    if missing:
        raise ValueError(f"benchmarks lacks columns {sorted(missing)}")
    p0 = bench["p0"].to_numpy(dtype=float)
    if np.any((p0 <= 0) | (p0 >= 1)):
        raise ValueError("benchmark p0 values must lie in (0, 1)")
    comp = bench[["benchmark", "p0", "kind", "source"]].reset_index(drop=True)
    comp["p_respondents"] = p
    comp["ci_low"] = lo
    comp["ci_high"] = hi
    comp["response_rate"] = q
    comp["worst_case"] = worst
    comp["best_case"] = best
    comp["selection_tipping_q"] = p0 / p if p > 0 else math.inf
    comp["worst_case_above_p0"] = worst > p0
    odds_p = math.inf if p == 1 else p / (1 - p)
    comp["reporting_or_tipping"] = odds_p / (p0 / (1 - p0))
    return SurveyBounds(
        responders=k, respondents=n, users=N, responders_derived=derived, method=method,
        p_respondents=p, ci_low=lo, ci_high=hi, response_rate=q, worst_case=worst,
        best_case=best, comparison=comp,
    )


# --------------------------------------------------------------------------------------
# 7. Bias-adjusted pooled mat effects
# --------------------------------------------------------------------------------------
_UNBLINDED_CONTROLS = ("waitlist", "no_treatment", "add_on", "active", "none")


def bias_adjusted_effect(
    pooled: pd.DataFrame,
    *,
    prior: Prior | None = None,
    mcid: float = MCID_NRS / NRS_SD,
    estimate_col: str = "estimate",
    se_col: str = "se",
    control_col: str = "control",
    unblinded_controls: Sequence[str] = _UNBLINDED_CONTROLS,
) -> pd.DataFrame:
    """Adjust pooled SMDs by an unblinding-bias prior (Turner et al. 2009 bias model).

    For rows whose control type is unblinded (participants know they are not on
    the mat): d_adj ~ N(d - mu_b, se^2 + sigma_b^2). Sham-controlled rows are left
    unadjusted (bias prior mean 0, sd 0) and say so.

    Parameters
    ----------
    pooled : DataFrame
        One row per pooled estimate with SMD ``estimate_col`` (positive = favours
        the mat), ``se_col`` and ``control_col``; other columns are kept.
    prior : Prior, optional
        Normal bias prior in SD units; default ``default_priors()["unblinding_sd"]``.
    mcid : float
        MCID in SD units (default 2 NRS points / 2.2 points per SD ~ 0.91 SD:
        :data:`MCID_NRS` / :data:`NRS_SD`).
    unblinded_controls : sequence of str
        Control labels treated as unblinded.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``bias_mean``, ``bias_sd``, ``estimate_adj``, ``se_adj``,
        ``ci_low_adj``, ``ci_high_adj``, ``p_true_gt_0``, ``p_true_gt_mcid``,
        ``adjustment`` (text), ``prior_source``. Rows without an estimate (NaN, e.g.
        a rung with k = 0) are kept with NaN results and say so in ``adjustment``.
    """
    pri = default_priors()["unblinding_sd"] if prior is None else prior
    if not isinstance(pri, Prior) or pri.dist != "normal":
        raise ValueError("bias_adjusted_effect needs a normal Prior")
    m = _positive("mcid", mcid, allow_zero=True)
    for c in (estimate_col, se_col, control_col):
        if c not in pooled.columns:
            raise ValueError(f"pooled lacks column {c!r}")
    out = pooled.copy().reset_index(drop=True)
    est = pd.to_numeric(out[estimate_col], errors="coerce").to_numpy(dtype=float)
    se = pd.to_numeric(out[se_col], errors="coerce").to_numpy(dtype=float)
    missing = np.isnan(est) | np.isnan(se)
    if np.any(np.isinf(est[~missing])) or np.any(np.isinf(se[~missing])) or np.any(
        se[~missing] <= 0
    ):
        raise ValueError("pooled estimates must be finite with se > 0 (NaN = no estimate)")
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


# --------------------------------------------------------------------------------------
# 9. Routing every study result and every claim to the relevant analysis
# --------------------------------------------------------------------------------------
#: MCIDs used for routing, in outcome units, by outcome measure (methods notes §A7):
#: ODI 10 points and 0-100 VAS 15 (Ostelo et al. Spine 2008); NRS 2 (Farrar 2001).
MCID_UNITS = {"odi": (10.0, "Ostelo et al. Spine 2008: minimal important change 10 ODI points"),
              "vas_pain": (15.0, "Ostelo et al. Spine 2008: 15 points on a 0-100 VAS"),
              "nrs_pain": (2.0, "Farrar et al. Pain 2001: 2 points on a 0-10 NRS")}
#: MCID in SD units for between-group SMDs: pain 2 NRS points / 2.2 points per SD; other
#: outcomes 0.5 SD (AASM 2021 clinical-significance threshold, used generically [assumption]).
MCID_SD_PAIN = MCID_NRS / NRS_SD
MCID_SD_OTHER = 0.5
#: Pedersen et al. Pain 2024 no-treatment shares of short-term improvement by domain.
_NO_TREATMENT_SHARE = {"pain": 0.49, "disability": 0.53, "qol": 0.48}
_LOWER_BETTER = {"pain", "disability", "stress", "anxiety", "adverse_events", "medication"}

_STUDY_OUT_COLUMNS = [
    "line", "study_id", "contrast", "outcome_domain", "outcome_measure", "timepoint_weeks",
    "design", "control", "blinding", "analysis", "effect", "effect_unit", "tipping_bias_sd",
    "p_bias_exceeds", "p_specific_gt_mcid", "worst_case", "key_numbers", "conclusion", "reason",
]


def _val(row: Mapping, col: str) -> float:
    v = row.get(col)
    if v is None or v is pd.NA:
        return math.nan
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _txt(row: Mapping, col: str) -> str:
    v = row.get(col)
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _unblinded(control: str, blinding: str) -> bool:
    if control == "sham":  # a sham arm is treated as blinding participants unless stated "none"
        return blinding == "none"
    return control in _UNBLINDED_CONTROLS


def _bias_verdict(p: float) -> str:
    if p >= 0.5:
        return "a typical unblinding/expectation bias alone could explain it"
    if p >= 0.2:
        return "an unblinding/expectation bias of plausible size could explain it"
    if p >= 0.05:
        return "only a larger-than-typical bias would explain it"
    return "bias of the size seen in meta-epidemiological studies would not explain it"


def _effects_table(studies: pd.DataFrame, effects: object) -> pd.DataFrame:
    if effects is None:
        from matstats import ladder

        effects = ladder.mat_effect_sizes(studies)
    if hasattr(effects, "effects"):
        effects = effects.effects
    if not isinstance(effects, pd.DataFrame):
        raise ValueError("effects must be a DataFrame or a ladder.MatEffects")
    return effects


def _empty_result(row: Mapping) -> dict:
    out = {c: math.nan for c in _STUDY_OUT_COLUMNS}
    for c in ("line", "study_id", "contrast", "outcome_domain", "outcome_measure",
              "timepoint_weeks", "design", "control", "blinding"):
        out[c] = row.get(c) if c in ("line", "timepoint_weeks") else _txt(row, c)
    out["timepoint_weeks"] = _val(row, "timepoint_weeks")
    out.update(analysis="none", effect_unit="", key_numbers="", conclusion="", reason="")
    return out


def _route_between(row: Mapping, eff: pd.Series | None, prior: Prior, out: dict) -> dict:
    domain = _txt(row, "outcome_domain")
    mcid = MCID_SD_PAIN if domain == "pain" else MCID_SD_OTHER
    control, blinding = _txt(row, "control"), _txt(row, "blinding")
    unbl = _unblinded(control, blinding)
    who = ("participants knew whether they had the intervention" if unbl
           else "participants were nominally blinded, so the unblinding prior is a stress test")
    if eff is not None and math.isfinite(_val(eff, "yi")) and math.isfinite(_val(eff, "sei")):
        g, s = float(eff["yi"]), float(eff["sei"])
        tp = tipping_point(g, s, sd=NRS_SD if domain == "pain" else None, mcid=mcid, prior=prior)
        t = dict(zip(tp["target"], tp.to_dict("records"), strict=True))
        b_sig = t["non_significance"]["bias_sd"]
        p_sig = t["non_significance"]["p_bias_exceeds"]
        adj = bias_adjusted_effect(
            pd.DataFrame({"estimate": [g], "se": [s], "control": [control if unbl else "sham"]}),
            prior=prior, mcid=mcid)
        p_mcid = float(adj["p_true_gt_mcid"].iloc[0])
        out.update(
            analysis="tipping_point", effect=g, effect_unit="SD (Hedges g, + favours intervention)",
            tipping_bias_sd=b_sig, p_bias_exceeds=p_sig, p_specific_gt_mcid=p_mcid,
            key_numbers=(f"g {g:.2f} (SE {s:.2f}, {_txt(eff, 'method')}); bias to null "
                         f"{t['null']['bias_sd']:.2f} SD, to non-significance {b_sig:.2f} SD, "
                         f"below MCID ({mcid:.2f} SD) {t['below_mcid']['bias_sd']:.2f} SD; "
                         f"P(bias > non-significance tipping) = {p_sig:.2f}; "
                         f"P(bias-adjusted effect > MCID) = {p_mcid:.2f}"),
        )
        if b_sig <= 0:
            out["conclusion"] = ("Not statistically significant even before any bias adjustment "
                                 f"({who}).")
        else:
            out["conclusion"] = (f"Significance would vanish with an additive bias of {b_sig:.2f} SD;"
                                 f" {_bias_verdict(p_sig)} ({who}). Chance that the bias-adjusted "
                                 f"effect exceeds the MCID: {p_mcid:.0%}.")
        return out
    side = _txt(eff, "bound_side") if eff is not None else ""
    if side == "lower":
        bound = _val(eff, "bound_value")
        p_null = _prior_sf(prior, bound)
        out.update(
            analysis="tipping_point_bound", effect=bound,
            effect_unit="SD (lower bound on g from the reported p-value)",
            p_bias_exceeds=p_null,
            key_numbers=(f"g > {bound:.2f} (bound only); bias to null > {bound:.2f} SD; "
                         f"P(bias > {bound:.2f}) <= {p_null:.2f}"),
            conclusion=(f"Only a bound is known: a bias of more than {bound:.2f} SD is needed to "
                        f"null the point estimate; {_bias_verdict(p_null)} ({who}). The "
                        "significance tipping point needs the per-arm numbers."),
        )
        return out
    if _txt(row, "result_direction") in {"no_difference"} or _txt(row, "significant") == "no":
        out.update(analysis="none", reason=(
            "no between-group difference reported: an unblinding or expectation bias would have "
            "inflated a benefit, not hidden it, so there is nothing for bias to erase"))
        if side == "upper_abs":
            out["key_numbers"] = f"|g| < {_val(eff, 'bound_value'):.2f} (bound only)"
        return out
    out.update(analysis="none", reason=(
        "between-group result without an effect size, CI or exact p-value: tipping point "
        "not computable"))
    return out


def _decompose_row(row: Mapping, rng: np.random.Generator, n_draws: int):
    """Decomposition of a within-group mean change with CI on a scale with a known MCID."""
    domain = _txt(row, "outcome_domain")
    measure = _txt(row, "outcome_measure")
    est, lo, hi = _val(row, "estimate"), _val(row, "ci_low"), _val(row, "ci_high")
    n = _val(row, "n_analysed")
    n = _val(row, "n_treatment") if not math.isfinite(n) else n
    if not (_txt(row, "estimate_type") == "mean_change" and math.isfinite(est)
            and math.isfinite(lo) and math.isfinite(hi) and math.isfinite(n)
            and measure in MCID_UNITS):
        return None
    observed = -est if domain in _LOWER_BETTER else est
    sd = (hi - lo) / (2 * _Z975) * math.sqrt(n)  # SD of change, DERIVED from the CI
    mcid, mcid_src = MCID_UNITS[measure]
    share = _NO_TREATMENT_SHARE.get(domain, 0.49)
    pri = {"natural_history_share": Prior(
        "natural_history_share", "beta", (share, 0.10), "share",
        f"Pedersen et al. Pain 2024: no-treatment share {share:.0%} for {domain} "
        "(spread sd 0.10 [assumption])")}
    if domain == "disability":
        pri["placebo_sd"] = Prior(
            "placebo_sd_function", "normal", (0.19, _normal_from_ci(0.37, 0.18, 0.55)[1]),
            "sd", "Strijkers et al. Pain 2021: placebo vs no intervention, function SMD 0.19;"
            " spread borrowed from the pain CI [assumption]")
    dec = decompose_improvement(observed, sd=sd, mcid=mcid, priors=pri, rng=rng,
                                n_draws=n_draws)
    return dec, observed, sd, int(n), mcid, mcid_src


def study_decompositions(
    studies: pd.DataFrame,
    *,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> dict[str, Decomposition]:
    """Decompositions of every within-group mean change that allows one.

    Same rule and priors as :func:`sensitivity_for_studies` (uncontrolled mean
    change with a 95% CI on a scale with a known MCID; SD of change derived from
    the CI and n; Pedersen 2024 no-treatment share for the outcome domain).

    Returns
    -------
    dict of str to Decomposition
        Keyed ``"<study_id> <outcome_measure> week <timepoint>"`` in row order.
    """
    gen = np.random.default_rng(rng)
    out: dict[str, Decomposition] = {}
    for _, r in studies.iterrows():
        row = r.to_dict()
        if _txt(row, "comparison") != "within_group":
            continue
        got = _decompose_row(row, gen, n_draws)
        if got is not None:
            tp = _val(row, "timepoint_weeks")
            label = f"{_txt(row, 'study_id')} {_txt(row, 'outcome_measure')} week {tp:g}"
            out[label] = got[0]
    return out


def _route_within(row: Mapping, prior_nh: float | None, rng: np.random.Generator,
                  n_draws: int, out: dict) -> dict:
    got = _decompose_row(row, rng, n_draws)
    if got is not None:
        dec, observed, sd, n, mcid, mcid_src = got
        measure = _txt(row, "outcome_measure")
        sm = dec.summary.set_index("component")
        spec = sm.loc["specific"]
        out.update(
            analysis="decomposition", effect=observed,
            effect_unit=f"{measure} points improvement",
            p_specific_gt_mcid=dec.p_exceeds_mcid,
            key_numbers=(f"observed {observed:.1f}; natural history {sm.loc['natural_history', 'mean']:.1f}"
                         f", placebo {sm.loc['placebo', 'mean']:.1f} (SD {sd:.1f} derived from the CI"
                         f" and n={n}); remaining {spec['mean']:.1f} (95% {spec['ci_low']:.1f} to "
                         f"{spec['ci_high']:.1f}); MCID {mcid:g} ({mcid_src}); "
                         f"P(remaining > MCID) = {dec.p_exceeds_mcid:.2f}, "
                         f"P(remaining > 0) = {dec.p_positive:.2f}"),
            conclusion=(f"The uncontrolled change of {observed:.1f} points is already below the MCID"
                        f" of {mcid:g}; after natural history and placebo the remaining specific part "
                        f"is about {spec['mean']:.1f} points (P > MCID {dec.p_exceeds_mcid:.0%})."
                        if observed < mcid else
                        f"After natural history and placebo the remaining specific part is about "
                        f"{spec['mean']:.1f} points; P(> MCID {mcid:g}) = {dec.p_exceeds_mcid:.0%}."),
        )
        return out
    if _txt(row, "result_direction") == "no_difference" or _txt(row, "significant") == "no":
        out["reason"] = "no within-group change reported: nothing to decompose"
    elif _txt(row, "design") in {"rct", "controlled_trial"}:
        out["reason"] = ("only within-group change reported for a controlled trial: the "
                         "between-group contrast (which removes natural history, RTM and part of "
                         "placebo) is not available")
    else:
        out["reason"] = ("uncontrolled change without a magnitude (no mean change with CI on a "
                         "scale with a known MCID): decomposition not computable; by default ~49% "
                         "of such change is no-treatment change and ~0.37 SD placebo (Pedersen 2024;"
                         " Strijkers 2021)")
    return out


def sensitivity_for_studies(
    studies: pd.DataFrame,
    *,
    effects: object = None,
    prior: Prior | None = None,
    n_draws: int = 20_000,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Route every study result row to the relevant sensitivity analysis.

    Rules, in order: registered trial without results / review / vendor report /
    unverified row without numbers -> none (with the reason); survey proportion ->
    :func:`survey_bounds` (users = ``n_enrolled``); adverse-event count -> exact CI;
    between-group result -> :func:`tipping_point` on the effect size from
    :func:`matstats.ladder.mat_effect_sizes` (or the row's own SMD and CI) plus the
    bias-adjusted probability of exceeding the MCID; within-group mean change with
    CI -> :func:`decompose_improvement`; anything else -> none, with the reason.

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies` (needs ``line``).
    effects : DataFrame or ladder.MatEffects, optional
        Effect sizes; default computed with :func:`matstats.ladder.mat_effect_sizes`.
    prior : Prior, optional
        Unblinding/expectation bias prior (SD); default ``unblinding_sd``.
    n_draws : int
        Monte Carlo draws per decomposition.
    rng : int, Generator or None
        Seed for the decompositions.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in input order, with columns ``line``, ``study_id``,
        ``contrast``, ``outcome_domain``, ``outcome_measure``, ``timepoint_weeks``,
        ``design``, ``control``, ``blinding``, ``analysis`` (``tipping_point``,
        ``tipping_point_bound``, ``decomposition``, ``survey_bounds``,
        ``proportion_ci`` or ``none``), ``effect``, ``effect_unit``,
        ``tipping_bias_sd`` (bias to non-significance), ``p_bias_exceeds`` (prior
        probability of a bias at least that large), ``p_specific_gt_mcid``,
        ``worst_case`` (survey), ``key_numbers``, ``conclusion`` and ``reason``
        (why no analysis applies; empty otherwise).
    """
    if not isinstance(studies, pd.DataFrame):
        raise ValueError("studies must be a DataFrame (matstats.load_studies())")
    pri = default_priors()["unblinding_sd"] if prior is None else prior
    gen = np.random.default_rng(rng)
    eff = _effects_table(studies, effects)
    keycols = ["study_id", "contrast", "outcome_measure", "timepoint_weeks"]
    lookup: dict[tuple, pd.Series] = {}
    for _, e in eff.iterrows():
        tp = _val(e, "timepoint_weeks")
        lookup[(e["study_id"], e["contrast"], e["outcome_measure"],
                None if math.isnan(tp) else tp)] = e
    rows = []
    for _, r in studies.iterrows():
        row = r.to_dict()
        out = _empty_result(row)
        design, status = _txt(row, "design"), _txt(row, "value_status")
        tp = _val(row, "timepoint_weeks")
        key = tuple(row[c] for c in keycols[:3]) + (None if math.isnan(tp) else tp,)
        resp, den = _val(row, "responders"), _val(row, "denominator")
        if status == "no_results" or design == "registered_protocol":
            out["reason"] = "registered trial without results: nothing to analyse"
        elif design in {"review", "vendor_report"}:
            out["reason"] = (f"{design.replace('_', ' ')}: not a verifiable study result with "
                             "numbers")
        elif design == "survey" and math.isfinite(resp) and math.isfinite(den):
            users = _val(row, "n_enrolled")
            sb = survey_bounds(responders=int(resp), respondents=int(den),
                               users=int(users) if math.isfinite(users) else None)
            tab = sb.to_frame()
            lit = tab[tab["kind"] == "literature"]
            top = lit.loc[lit["p0"].idxmax()]
            out.update(
                analysis="survey_bounds", effect=sb.p_respondents, effect_unit="proportion",
                worst_case=sb.worst_case,
                key_numbers=(f"{sb.responders}/{sb.respondents} respondents = "
                             f"{sb.p_respondents:.1%} (95% CI {sb.ci_low:.1%} to {sb.ci_high:.1%});"
                             f" response {sb.response_rate:.0%} of {sb.users}; all users: "
                             f"{sb.worst_case:.1%} to {sb.best_case:.1%}; selection tipping "
                             f"response rate vs {top['p0']:.0%} benchmark: "
                             f"{top['selection_tipping_q']:.0%}"),
                conclusion=(f"Uncontrolled self-report: even if every non-respondent had no "
                            f"benefit, {sb.worst_case:.0%} of users would report it, above the "
                            f"{top['p0']:.0%} placebo-arm response rate, but with no control arm "
                            "the survey cannot separate the mat from placebo, expectation, "
                            "natural history or selective reporting."),
            )
        elif (_txt(row, "outcome_domain") == "adverse_events" and math.isfinite(resp)
              and math.isfinite(den) and den >= 1):
            lo, hi = _binom_ci(int(resp), int(den), 0.95, "clopper_pearson")
            out.update(
                analysis="proportion_ci", effect=resp / den, effect_unit="proportion",
                key_numbers=f"{int(resp)}/{int(den)} = {resp / den:.1%} (exact 95% CI "
                            f"{lo:.1%} to {hi:.1%})",
                conclusion="Harm base rate, not an improvement: no placebo sensitivity "
                           "analysis applies.",
            )
        elif _txt(row, "comparison") == "between_groups":
            e = lookup.get(key)
            if (e is None and _txt(row, "estimate_type") == "smd"
                    and all(math.isfinite(_val(row, c)) for c in ("estimate", "ci_low", "ci_high"))):
                sign = 1.0 if _txt(row, "result_direction") == "favours_mat" else -1.0
                est = abs(_val(row, "estimate")) * sign
                se = (_val(row, "ci_high") - _val(row, "ci_low")) / (2 * _Z975)
                e = pd.Series({"yi": est, "sei": se, "method": "reported SMD and CI"})
            out = _route_between(row, e, pri, out)
            if _txt(row, "device") == "manual_acupressure" and out["conclusion"]:
                out["conclusion"] += " (Manual acupressure, not mat evidence.)"
        elif _txt(row, "comparison") == "within_group":
            out = _route_within(row, None, gen, n_draws, out)
        elif _txt(row, "comparison") == "unclear":
            e = lookup.get(key)
            out["reason"] = ("the source does not say whether the result is between or within "
                             "groups, and gives no numbers: no analysis applies")
            if e is not None:
                out = _route_between(row, e, pri, out)
        else:
            out["reason"] = "no comparison and no numbers reported: no analysis applies"
        if out["analysis"] == "none" and not out["conclusion"]:
            out["conclusion"] = "No analysis applies: " + out["reason"] + "."
        rows.append(out)
    res = pd.DataFrame(rows, columns=_STUDY_OUT_COLUMNS)
    res["line"] = res["line"].astype("Int64")
    return res


_CLAIM_OUT_COLUMNS = [
    "claim_id", "line", "claimed_design", "claimed_figure", "study_ids", "analysis",
    "matched_results", "key_numbers", "conclusion", "reason",
]
_PCT_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-\u2013]\s*(\d+(?:\.\d+)?)\s*%")
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _claimed_percentages(text: str) -> list[float]:
    vals: list[float] = []
    for a, b in _PCT_RANGE.findall(text):
        vals += [float(a), float(b)]
    for a in _PCT.findall(_PCT_RANGE.sub(" ", text)):
        vals.append(float(a))
    return vals


def _has_directional_between(studies: pd.DataFrame, ids: list[str]) -> bool:
    sub = studies[studies["study_id"].isin(ids)]
    return bool(((sub["comparison"] == "between_groups")
                 & sub["result_direction"].isin(["favours_mat", "favours_control", "mixed"])).any())


def _rct_note(linked: pd.DataFrame) -> str:
    tp = linked[linked["analysis"].isin(["tipping_point", "tipping_point_bound"])
                & (linked["outcome_domain"] == "pain")]
    if tp.empty:
        return ""
    first = tp.sort_values("line").iloc[0]
    return (f" The linked controlled trial result ({first['study_id']}, "
            f"{first['outcome_measure']}): {first['conclusion']}")


def sensitivity_for_claims(
    claims: pd.DataFrame,
    studies: pd.DataFrame,
    *,
    study_results: pd.DataFrame | None = None,
    **kwargs: object,
) -> pd.DataFrame:
    """Route every claim to the sensitivity analyses of the study results behind it.

    Rules, in order: a claimed percentage that matches (to the whole percent) a
    survey proportion of a linked study -> that row's :func:`survey_bounds`;
    otherwise linked result rows with a tipping-point, decomposition or bound ->
    those results (pain outcomes first); linked controlled results with no
    between-group difference -> that finding; otherwise none, with the reason
    (no linked study, no results, no numbers).

    Parameters
    ----------
    claims : DataFrame
        As returned by :func:`matstats.load_claims` (needs ``claim_id``,
        ``claimed_figure``, ``claimed_design``, ``study_ids``, ``line``).
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    study_results : DataFrame, optional
        Output of :func:`sensitivity_for_studies`; computed (with ``**kwargs``) if
        not given.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in input order, with columns ``claim_id``, ``line``,
        ``claimed_design``, ``claimed_figure``, ``study_ids``, ``analysis``
        (``survey_bounds``, ``tipping_point``, ``decomposition``,
        ``no_difference`` or ``none``), ``matched_results`` (``;``-separated
        ``study_id:outcome_measure`` of the study rows used), ``key_numbers``,
        ``conclusion`` and ``reason`` (why no analysis applies; empty otherwise).
    """
    for name, df in (("claims", claims), ("studies", studies)):
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"{name} must be a DataFrame")
    res = sensitivity_for_studies(studies, **kwargs) if study_results is None else study_results
    rows = []
    for _, c in claims.iterrows():
        cd = c.to_dict()
        ids = [s for s in _txt(cd, "study_ids").split(";") if s]
        fig = _txt(cd, "claimed_figure")
        design = _txt(cd, "claimed_design")
        out = {"claim_id": _txt(cd, "claim_id"), "line": cd.get("line"),
               "claimed_design": design, "claimed_figure": fig, "study_ids": ";".join(ids),
               "analysis": "none", "matched_results": "", "key_numbers": "", "conclusion": "",
               "reason": ""}
        linked = res[res["study_id"].isin(ids)]
        pcts = _claimed_percentages(fig)
        surveys = linked[linked["analysis"] == "survey_bounds"]
        matched = surveys[[any(round(100 * e) == round(p) for p in pcts)
                           for e in surveys["effect"]]]
        unmatched = [p for p in pcts
                     if not any(round(100 * e) == round(p) for e in surveys["effect"])]
        if not ids:
            out["reason"] = "the claim names no study that exists in the data"
        elif len(matched):
            parts = [f"{r.outcome_measure}: {r.key_numbers}" for r in matched.itertuples()]
            worst = matched["worst_case"].min()
            rct = design in {"rct", "controlled_trial"}
            out.update(
                analysis="survey_bounds",
                matched_results=";".join(f"{r.study_id}:{r.outcome_measure}"
                                         for r in matched.itertuples()),
                key_numbers=" || ".join(parts),
                conclusion=(
                    ("The percentage comes from an uncontrolled user survey, not from a "
                     "randomized comparison. " if rct else
                     "The percentage comes from an uncontrolled user survey. ")
                    + f"Under worst-case non-response it falls to {worst:.0%} of users, and "
                    "without a control arm none of it can be attributed to the mat rather than "
                    "placebo, expectation, natural history or selective reporting."
                    + _rct_note(linked)
                    + (" Figure(s) with no matching survey item: "
                       + ", ".join(f"{p:g}%" for p in unmatched) + "." if unmatched else "")
                ),
            )
        else:
            usable = linked[linked["analysis"].isin(
                ["tipping_point", "tipping_point_bound", "decomposition"])]
            if len(usable):
                usable = usable.assign(_pain=(usable["outcome_domain"] != "pain").astype(int))
                usable = usable.sort_values(["_pain", "line"])
                first = usable.iloc[0]
                out.update(
                    analysis=("decomposition" if first["analysis"] == "decomposition"
                              else "tipping_point"),
                    matched_results=";".join(f"{r.study_id}:{r.outcome_measure}"
                                             for r in usable.itertuples()),
                    key_numbers=f"{first['study_id']} {first['outcome_measure']}: "
                                f"{first['key_numbers']}",
                    conclusion=f"Behind the claim ({first['study_id']}, "
                               f"{first['outcome_measure']}): {first['conclusion']}",
                )
                if pcts:
                    out["conclusion"] += (" The claimed figure(s) "
                                          + ", ".join(f"{p:g}%" for p in pcts)
                                          + " match no result of the linked studies.")
            elif len(linked) and (linked["reason"].str.startswith("no between-group")).any() \
                    and not _has_directional_between(studies, ids):
                nd = linked[linked["reason"].str.startswith("no between-group")]
                out.update(
                    analysis="no_difference",
                    matched_results=";".join(f"{r.study_id}:{r.outcome_measure}"
                                             for r in nd.itertuples()),
                    key_numbers=f"{len(nd)} linked controlled result(s) with no between-group "
                                "difference",
                    conclusion=("The linked controlled result(s) ("
                                + ";".join(sorted(set(nd["study_id"])))
                                + ") found no difference between the mat "
                                "and its control, so improvements within the mat group are "
                                "matched by the control group (natural history, placebo, "
                                "regression to the mean); there is no mat-specific effect to "
                                "defend against bias."),
                )
            elif len(linked):
                reasons = sorted(set(linked["reason"]) - {""})
                out["reason"] = ("linked studies have no result a sensitivity analysis can use: "
                                 + "; ".join(reasons))
            else:
                out["reason"] = "linked study ids have no rows in the study table"
        if out["analysis"] == "none":
            out["conclusion"] = "No analysis applies: " + out["reason"] + "."
        rows.append(out)
    df = pd.DataFrame(rows, columns=_CLAIM_OUT_COLUMNS)
    df["line"] = df["line"].astype("Int64")
    return df


def bias_adjusted_mat_effects(
    studies: pd.DataFrame,
    *,
    pooled: pd.DataFrame | None = None,
    priors: Sequence[str] = ("unblinding_sd", "unblinding_sd_hrobjartsson",
                             "unblinding_sd_metablind"),
    mcid: float = MCID_NRS / NRS_SD,
) -> pd.DataFrame:
    """Pooled mat effects by control type (control ladder), adjusted by unblinding priors.

    Uses :func:`matstats.ladder.pooled_by_control` (pain, REML) unless ``pooled``
    is given, then :func:`bias_adjusted_effect` once per named prior.

    Parameters
    ----------
    studies : DataFrame
        As returned by :func:`matstats.load_studies`.
    pooled : DataFrame, optional
        Output of ``ladder.pooled_by_control`` (columns ``control_class``,
        ``estimate``, ``se``, ...).
    priors : sequence of str
        Keys of :func:`default_priors` (normal priors).
    mcid : float
        MCID in SD units.

    Returns
    -------
    pandas.DataFrame
        The pooled columns plus ``prior_name`` and the columns added by
        :func:`bias_adjusted_effect`; one row per pooled row and prior.
    """
    if pooled is None:
        from matstats import ladder

        pooled = ladder.pooled_by_control(ladder.mat_effect_sizes(studies))
    allp = default_priors()
    frames = []
    for name in priors:
        if name not in allp:
            raise ValueError(f"unknown prior {name!r}; choose from {sorted(allp)}")
        f = bias_adjusted_effect(pooled, prior=allp[name], mcid=mcid,
                                 control_col="control_class")
        f.insert(0, "prior_name", name)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
