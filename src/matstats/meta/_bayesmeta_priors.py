"""Heterogeneity (tau) priors for :mod:`matstats.meta.bayesmeta`.

Each prior is a small frozen dataclass with a ``source`` string. ``logpdf(tau, sigma)``
returns the log density of tau (normalised when the prior is proper); ``sigma`` holds the
studies' standard errors and only matters for the data-dependent Jeffreys priors.
``tail`` describes the decay for large tau (density ~ tau^-power, ``log_factor`` when an
extra power of log(tau) makes the boundary case integrable); :mod:`matstats.meta.bayesmeta`
uses it to decide analytically whether the posterior and its moments exist.

The empirical priors are tabulated below with their sources:

* Turner RM, Jackson D, Wei Y, Thompson SG, Higgins JPT. Predictive distributions for
  between-study heterogeneity and simple methods for their application in Bayesian
  meta-analysis. Stat Med 2015;34(6):984-998, Table IV: log(tau^2) ~ Normal(m, s^2) for log
  odds ratios, by outcome type and intervention comparison type; the general ("any") setting
  is m = -2.56, s = 1.74 (Sec. 5).
* Rhodes KM, Turner RM, Higgins JPT. Predictive distributions were developed for the extent
  of heterogeneity in meta-analyses of continuous outcome data. J Clin Epidemiol
  2015;68(1):52-60, Table 3 (other medical areas) and appendix Tables A.3.1 (respiratory)
  and A.3.2 (cancer): log(tau^2) ~ location + scale * t_5 for standardized mean
  differences; the general setting is location -3.44, scale 2.59 (Sec. 3.3).

The numbers were transcribed from the tables as distributed with R bayesmeta 3.4
(``TurnerEtAlPrior``, ``RhodesEtAlPrior``), which cites the same tables. On the tau scale the
parameters halve: log(tau) = log(tau^2) / 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from matstats.literature import HeterogeneityPrior

__all__ = [
    "TauPrior", "HalfNormal", "HalfCauchy", "HalfStudentT", "Exponential", "Lomax",
    "Uniform", "Jeffreys", "LogNormal", "LogStudentT", "KnownTau",
    "turner_prior", "rhodes_prior", "turner_table", "rhodes_table", "tau_prior_of",
]

_TURNER = "Turner et al. 2015, Stat Med 34:984-998, Table IV"
_RHODES = "Rhodes et al. 2015, J Clin Epidemiol 68:52-60, Table 3 / A.3.1 / A.3.2"


def _check_positive(name: str, value, *, cls: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{cls}: {name} must be a positive finite number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{cls}: {name} must be a positive finite number, got {value!r}")
    return v


def _check_finite(name: str, value, *, cls: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{cls}: {name} must be a finite number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{cls}: {name} must be a finite number, got {value!r}")
    return v


@dataclass(frozen=True)
class TauPrior:
    """Base class of the heterogeneity priors (tau >= 0)."""

    source: str = field(default="", kw_only=True)

    proper = True
    #: (power, log_factor): density ~ tau^-power for large tau; power inf = lighter than any power
    tail = (math.inf, False)

    @property
    def support_max(self) -> float:
        """Upper end of the support (inf unless bounded)."""
        return math.inf

    def log_scale(self, sigma: np.ndarray) -> float:
        """A typical log(tau) of the prior, used to place the integration range."""
        return float(np.log(np.median(sigma)))

    def logpdf(self, tau: np.ndarray, sigma: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _set(self, name: str, value) -> None:
        object.__setattr__(self, name, value)


@dataclass(frozen=True)
class HalfNormal(TauPrior):
    """Half-normal prior: tau = |Z| * scale, Z standard normal."""

    scale: float

    def __post_init__(self):
        self._set("scale", _check_positive("scale", self.scale, cls="HalfNormal"))

    def log_scale(self, sigma):
        return math.log(self.scale)

    def logpdf(self, tau, sigma):
        z = tau / self.scale
        return 0.5 * math.log(2 / math.pi) - math.log(self.scale) - 0.5 * z * z


@dataclass(frozen=True)
class HalfCauchy(TauPrior):
    """Half-Cauchy prior with the given scale (the median of tau)."""

    scale: float

    tail = (2.0, False)

    def __post_init__(self):
        self._set("scale", _check_positive("scale", self.scale, cls="HalfCauchy"))

    def log_scale(self, sigma):
        return math.log(self.scale)

    def logpdf(self, tau, sigma):
        return math.log(2 / (math.pi * self.scale)) - np.log1p((tau / self.scale) ** 2)


@dataclass(frozen=True)
class HalfStudentT(TauPrior):
    """Half-Student-t prior: tau = |T_df| * scale."""

    scale: float
    df: float

    def __post_init__(self):
        self._set("scale", _check_positive("scale", self.scale, cls="HalfStudentT"))
        self._set("df", _check_positive("df", self.df, cls="HalfStudentT"))
        self._set("tail", (self.df + 1.0, False))

    def log_scale(self, sigma):
        return math.log(self.scale)

    def logpdf(self, tau, sigma):
        nu = self.df
        const = (math.log(2.0) + special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2)
                 - 0.5 * math.log(nu * math.pi) - math.log(self.scale))
        return const - (nu + 1) / 2 * np.log1p((tau / self.scale) ** 2 / nu)


@dataclass(frozen=True)
class Exponential(TauPrior):
    """Exponential prior with mean ``scale`` (rate 1/scale)."""

    scale: float

    def __post_init__(self):
        self._set("scale", _check_positive("scale", self.scale, cls="Exponential"))

    def log_scale(self, sigma):
        return math.log(self.scale)

    def logpdf(self, tau, sigma):
        return -math.log(self.scale) - tau / self.scale


@dataclass(frozen=True)
class Lomax(TauPrior):
    """Lomax (Pareto type II) prior: density shape/scale * (1 + tau/scale)^-(shape+1)."""

    shape: float
    scale: float

    def __post_init__(self):
        self._set("shape", _check_positive("shape", self.shape, cls="Lomax"))
        self._set("scale", _check_positive("scale", self.scale, cls="Lomax"))
        self._set("tail", (self.shape + 1.0, False))

    def log_scale(self, sigma):
        return math.log(self.scale)

    def logpdf(self, tau, sigma):
        return math.log(self.shape / self.scale) - (self.shape + 1) * np.log1p(tau / self.scale)


@dataclass(frozen=True)
class Uniform(TauPrior):
    """Uniform prior on [0, upper]; ``upper=inf`` gives the improper flat prior."""

    upper: float = math.inf

    def __post_init__(self):
        u = self.upper
        if not (isinstance(u, (int, float)) and u > 0 and not math.isnan(u)):
            raise ValueError(f"Uniform: upper must be a number > 0 (inf allowed), got {u!r}")
        self._set("upper", float(u))
        if math.isinf(u):
            self._set("proper", False)
            self._set("tail", (0.0, False))

    @property
    def support_max(self) -> float:
        return self.upper

    def log_scale(self, sigma):
        if math.isfinite(self.upper):
            return math.log(self.upper) - 1.0
        return float(np.log(np.median(sigma)))

    def logpdf(self, tau, sigma):
        c = -math.log(self.upper) if math.isfinite(self.upper) else 0.0
        return np.where(tau <= self.upper, c, -np.inf)


@dataclass(frozen=True)
class Jeffreys(TauPrior):
    """Jeffreys priors for tau of the normal-normal model (improper, data-dependent).

    ``overall=False``: the Jeffreys prior for tau with mu treated as a location parameter,
    density proportional to sqrt(sum_i (tau / (sigma_i^2 + tau^2))^2) (Tibshirani 1989;
    bayesmeta ``tau.prior="Jeffreys"``). ``overall=True``: the Jeffreys prior of the pair
    (mu, tau), proportional to sqrt(sum_i 1/(sigma_i^2+tau^2) * sum_i (tau/(sigma_i^2+tau^2))^2)
    (bayesmeta ``"overallJeffreys"``). Both are given up to a constant (no normalisation).
    """

    overall: bool = False
    proper = False

    def __post_init__(self):
        if not isinstance(self.overall, bool):
            raise ValueError(f"Jeffreys: overall must be True or False, got {self.overall!r}")
        self._set("tail", (2.0, False) if self.overall else (1.0, False))

    def logpdf(self, tau, sigma):
        tau = np.asarray(tau, dtype=float)
        v = tau[..., None] ** 2 + sigma**2
        with np.errstate(divide="ignore"):
            out = 0.5 * np.log(np.sum((tau[..., None] / v) ** 2, axis=-1))
            if self.overall:
                out = out + 0.5 * np.log(np.sum(1.0 / v, axis=-1))
        return out


@dataclass(frozen=True)
class LogNormal(TauPrior):
    """Log-normal prior on tau: log(tau) ~ Normal(meanlog, sdlog^2)."""

    meanlog: float
    sdlog: float

    def __post_init__(self):
        self._set("meanlog", _check_finite("meanlog", self.meanlog, cls="LogNormal"))
        self._set("sdlog", _check_positive("sdlog", self.sdlog, cls="LogNormal"))

    def log_scale(self, sigma):
        return self.meanlog

    def logpdf(self, tau, sigma):
        with np.errstate(divide="ignore"):
            lt = np.log(tau)
        z = (lt - self.meanlog) / self.sdlog
        return -0.5 * math.log(2 * math.pi) - math.log(self.sdlog) - lt - 0.5 * z * z


@dataclass(frozen=True)
class LogStudentT(TauPrior):
    """Log-Student-t prior on tau: log(tau) = location + scale * T_df."""

    location: float
    scale: float
    df: float = 5.0
    tail = (1.0, True)

    def __post_init__(self):
        self._set("location", _check_finite("location", self.location, cls="LogStudentT"))
        self._set("scale", _check_positive("scale", self.scale, cls="LogStudentT"))
        self._set("df", _check_positive("df", self.df, cls="LogStudentT"))

    def log_scale(self, sigma):
        return self.location

    def logpdf(self, tau, sigma):
        nu = self.df
        with np.errstate(divide="ignore"):
            lt = np.log(tau)
        z = (lt - self.location) / self.scale
        const = (special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2)
                 - 0.5 * math.log(nu * math.pi) - math.log(self.scale))
        return const - lt - (nu + 1) / 2 * np.log1p(z * z / nu)


@dataclass(frozen=True)
class KnownTau(TauPrior):
    """Point mass at a known tau (``value=0`` gives the equal-effect model)."""

    value: float

    def __post_init__(self):
        v = self.value
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
            raise ValueError(f"KnownTau: value must be a finite number >= 0, got {v!r}")
        self._set("value", float(v))

    def logpdf(self, tau, sigma):  # pragma: no cover - never integrated
        raise ValueError("KnownTau is a point mass and has no density")


# ------------------------------------------------------------------------- Turner et al. 2015
_TURNER_COMPARISONS = (
    "pharmacological vs placebo/control",
    "pharmacological vs pharmacological",
    "non-pharmacological vs placebo/control",
    "non-pharmacological vs pharmacological",
    "non-pharmacological vs non-pharmacological",
)
# outcome type: (m for the five comparisons), (s for the five comparisons); log(tau^2) scale
_TURNER_TABLE = {
    "all-cause mortality":
        ((-3.95, -4.18, -4.17, -2.92, -3.50), (1.34, 1.41, 1.55, 1.02, 1.26)),
    "obstetric outcomes":
        ((-3.52, -3.75, -3.74, -2.49, -3.08), (1.74, 1.79, 1.91, 1.50, 1.68)),
    "cause-specific mortality / major morbidity event / composite":
        ((-3.71, -3.95, -3.93, -2.68, -3.27), (1.74, 1.79, 1.91, 1.51, 1.68)),
    "resource use / hospital stay / process":
        ((-2.34, -2.58, -2.56, -1.31, -1.90), (1.74, 1.79, 1.91, 1.50, 1.68)),
    "surgical / device related success / failure":
        ((-2.14, -2.37, -2.36, -1.11, -1.69), (1.74, 1.79, 1.91, 1.50, 1.68)),
    "withdrawals / drop-outs":
        ((-2.99, -3.23, -3.21, -1.96, -2.55), (1.74, 1.79, 1.91, 1.51, 1.68)),
    "internal / structure-related outcomes":
        ((-2.71, -2.94, -2.93, -1.67, -2.26), (1.74, 1.79, 1.92, 1.51, 1.68)),
    "general physical health indicators":
        ((-2.29, -2.53, -2.51, -1.26, -1.85), (1.53, 1.58, 1.72, 1.25, 1.46)),
    "adverse events":
        ((-1.87, -2.10, -2.10, -0.84, -1.43), (1.52, 1.58, 1.71, 1.24, 1.45)),
    "infection / onset of new disease":
        ((-2.49, -2.73, -2.71, -1.46, -2.05), (1.52, 1.58, 1.71, 1.24, 1.45)),
    "signs / symptoms reflecting continuation / end of condition":
        ((-2.06, -2.29, -2.28, -1.03, -1.61), (1.51, 1.58, 1.71, 1.24, 1.45)),
    "pain":
        ((-1.83, -2.06, -2.05, -0.80, -1.38), (1.52, 1.58, 1.71, 1.25, 1.45)),
    "quality of life / functioning (dichotomized)":
        ((-2.54, -2.78, -2.77, -1.51, -2.10), (1.54, 1.60, 1.73, 1.27, 1.47)),
    "mental health indicators":
        ((-2.12, -2.35, -2.34, -1.09, -1.67), (1.53, 1.60, 1.72, 1.27, 1.47)),
    "biological markers (dichotomized)":
        ((-1.77, -2.00, -1.99, -0.74, -1.33), (1.52, 1.58, 1.71, 1.24, 1.45)),
    "subjective outcomes (various)":
        ((-2.70, -2.93, -2.92, -1.67, -2.26), (1.52, 1.58, 1.71, 1.25, 1.45)),
}
_TURNER_ANY = (-2.56, 1.74)

# ------------------------------------------------------------------------- Rhodes et al. 2015
_RHODES_COMPARISONS = (
    "pharmacological vs placebo/control",
    "pharmacological vs pharmacological",
    "non-pharmacological (any)",
)
_RHODES_OUTCOMES = (
    "obstetric outcome",
    "resource use and hospital stay / process",
    "internal and external structure-related outcome",
    "general physical health, adverse event, pain, quality of life / functioning",
    "signs / symptoms (continuation / end of condition), infection / new disease",
    "mental health outcome",
    "biological marker",
    "various subjectively measured outcomes",
)
# area: rows in the order of _RHODES_OUTCOMES, each ((locations), (scales)) for the three
# comparison types; log(tau^2) scale, t distribution with 5 df
_RHODES_TABLE = {
    "other": (
        ((-4.13, -4.40, -3.99), (2.34, 2.31, 2.11)),
        ((-2.55, -2.83, -2.41), (2.73, 2.70, 2.57)),
        ((-2.43, -2.70, -2.29), (2.50, 2.46, 2.32)),
        ((-3.16, -3.44, -3.02), (2.50, 2.44, 2.27)),
        ((-3.00, -3.27, -2.86), (2.50, 2.47, 2.33)),
        ((-2.99, -3.27, -3.85), (2.16, 2.14, 1.93)),
        ((-3.41, -3.68, -3.27), (2.83, 2.78, 2.66)),
        ((-2.76, -3.03, -2.62), (2.58, 2.59, 2.41)),
    ),
    "respiratory": (
        ((-6.03, -6.31, -5.89), (2.36, 2.31, 2.21)),
        ((-4.46, -4.73, -4.32), (2.74, 2.70, 2.57)),
        ((-4.33, -4.61, -4.19), (2.51, 2.46, 2.33)),
        ((-5.07, -5.34, -4.93), (2.51, 2.45, 2.28)),
        ((-4.90, -5.18, -4.76), (2.50, 2.47, 2.33)),
        ((-4.90, -5.17, -4.76), (2.17, 2.14, 1.94)),
        ((-5.31, -5.59, -5.17), (2.83, 2.78, 2.66)),
        ((-4.66, -4.94, -4.52), (2.59, 2.59, 2.41)),
    ),
    "cancer": (
        ((-1.57, -1.85, -1.43), (2.45, 2.41, 2.24)),
        ((0.01, -0.27, 0.15), (2.83, 2.79, 2.68)),
        ((-0.13, -0.14, 0.27), (2.61, 2.56, 2.45)),
        ((-0.60, -0.88, -0.46), (2.61, 2.55, 2.40)),
        ((-0.44, -0.71, -0.30), (2.60, 2.57, 2.46)),
        ((-0.43, -0.71, -0.29), (2.28, 2.25, 2.08)),
        ((-0.85, -1.13, -0.71), (2.93, 2.87, 2.78)),
        ((-0.20, -0.48, -0.06), (2.68, 2.68, 2.53)),
    ),
}
_RHODES_ANY = (-3.44, 2.59)


def turner_table() -> pd.DataFrame:
    """Turner et al. (2015) Table IV as a tidy DataFrame.

    Returns
    -------
    pandas.DataFrame
        One row per outcome type and comparison type (plus the general setting
        ``outcome="any"``). Columns: ``outcome``, ``comparison``, ``meanlog_tau2`` and
        ``sdlog_tau2`` (log(tau^2) ~ Normal), ``meanlog_tau``, ``sdlog_tau`` (the same prior
        on the tau scale, halved), ``source``.
    """
    rows = [("any", "any", *_TURNER_ANY)]
    for outcome, (ms, ss) in _TURNER_TABLE.items():
        rows += [(outcome, c, m, s) for c, m, s in zip(_TURNER_COMPARISONS, ms, ss)]
    df = pd.DataFrame(rows, columns=["outcome", "comparison", "meanlog_tau2", "sdlog_tau2"])
    df["meanlog_tau"] = df["meanlog_tau2"] / 2
    df["sdlog_tau"] = df["sdlog_tau2"] / 2
    df["source"] = _TURNER
    return df


def rhodes_table() -> pd.DataFrame:
    """Rhodes et al. (2015) Tables 3, A.3.1 and A.3.2 as a tidy DataFrame.

    Returns
    -------
    pandas.DataFrame
        One row per medical area, outcome type and comparison type (plus the general
        setting, all ``"any"``). Columns: ``area``, ``outcome``, ``comparison``,
        ``location_tau2``, ``scale_tau2`` (log(tau^2) ~ location + scale * t_5),
        ``location_tau``, ``scale_tau`` (halved, tau scale), ``df`` (5), ``source``.
    """
    rows = [("any", "any", "any", *_RHODES_ANY)]
    for area, block in _RHODES_TABLE.items():
        for outcome, (locs, scales) in zip(_RHODES_OUTCOMES, block):
            rows += [(area, outcome, c, lo, sc)
                     for c, lo, sc in zip(_RHODES_COMPARISONS, locs, scales)]
    df = pd.DataFrame(rows, columns=["area", "outcome", "comparison", "location_tau2",
                                     "scale_tau2"])
    df["location_tau"] = df["location_tau2"] / 2
    df["scale_tau"] = df["scale_tau2"] / 2
    df["df"] = 5.0
    df["source"] = _RHODES
    return df


def _pick(name: str, value, options) -> str:
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return value


def turner_prior(outcome: str | None = None, comparison: str | None = None) -> LogNormal:
    """Empirical log-normal heterogeneity prior for log odds ratios (Turner et al. 2015).

    Parameters
    ----------
    outcome, comparison : str, optional
        Outcome type and intervention comparison type as in :func:`turner_table`; both
        None gives the general setting (log(tau^2) ~ N(-2.56, 1.74^2)).

    Returns
    -------
    LogNormal
        The prior on tau (meanlog and sdlog halved from the tau^2 scale), with ``source``.
    """
    if outcome is None and comparison is None:
        m, s = _TURNER_ANY
        where = "general setting"
    else:
        outcome = _pick("outcome", outcome, _TURNER_TABLE)
        comparison = _pick("comparison", comparison, _TURNER_COMPARISONS)
        i = _TURNER_COMPARISONS.index(comparison)
        m, s = _TURNER_TABLE[outcome][0][i], _TURNER_TABLE[outcome][1][i]
        where = f"{outcome}; {comparison}"
    return LogNormal(m / 2, s / 2, source=f"{_TURNER} ({where}): log(tau^2) ~ N({m}, {s}^2)")


def rhodes_prior(outcome: str | None = None, comparison: str | None = None,
                 area: str = "other") -> LogStudentT:
    """Empirical log-t(5) heterogeneity prior for standardized mean differences (Rhodes 2015).

    Parameters
    ----------
    outcome, comparison : str, optional
        Outcome type and comparison type as in :func:`rhodes_table`; both None gives the
        general setting (log(tau^2) ~ -3.44 + 2.59 t_5).
    area : {"other", "respiratory", "cancer"}, default "other"
        Medical area (ignored for the general setting).

    Returns
    -------
    LogStudentT
        The prior on tau (location and scale halved from the tau^2 scale), with ``source``.
    """
    if outcome is None and comparison is None:
        loc, sc = _RHODES_ANY
        where = "general setting"
    else:
        outcome = _pick("outcome", outcome, _RHODES_OUTCOMES)
        comparison = _pick("comparison", comparison, _RHODES_COMPARISONS)
        area = _pick("area", area, _RHODES_TABLE)
        row = _RHODES_TABLE[area][_RHODES_OUTCOMES.index(outcome)]
        i = _RHODES_COMPARISONS.index(comparison)
        loc, sc = row[0][i], row[1][i]
        where = f"{area}; {outcome}; {comparison}"
    return LogStudentT(loc / 2, sc / 2, 5.0,
                       source=f"{_RHODES} ({where}): log(tau^2) ~ {loc} + {sc} t_5")


def tau_prior_of(prior: HeterogeneityPrior | TauPrior) -> tuple[str, TauPrior]:
    """The :mod:`matstats.meta.bayesmeta` prior of a literature spec, and its name.

    Parameters
    ----------
    prior : HeterogeneityPrior or TauPrior
        A spec of :mod:`matstats.literature` (e.g. :data:`~matstats.literature.LADDER_TAU_PRIOR`)
        or a prior object of :mod:`matstats.meta.bayesmeta` (named by its ``repr``).

    Returns
    -------
    (name, TauPrior)

    Examples
    --------
    >>> from matstats.literature import LADDER_TAU_PRIOR
    >>> tau_prior_of(LADDER_TAU_PRIOR)[1].scale
    0.5
    """
    if isinstance(prior, TauPrior):
        return repr(prior), prior
    if not isinstance(prior, HeterogeneityPrior):
        raise ValueError("tau_prior must be a matstats.literature.HeterogeneityPrior or a "
                         f"matstats.meta.bayesmeta prior such as HalfNormal(0.5), got {prior!r}")
    a = prior.args
    if prior.family == "half_normal":
        out = HalfNormal(a[0], source=prior.source)
    elif prior.family == "half_cauchy":
        out = HalfCauchy(a[0], source=prior.source)
    elif prior.family == "rhodes":
        out = rhodes_prior(a[0], a[1], area=a[2])
    else:
        out = KnownTau(a[0], source=prior.source)
    return prior.name, out
