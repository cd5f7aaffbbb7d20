"""The prior types of matstats: one module that :mod:`matstats.literature` builds every cited
prior from and that every analysis takes its priors in.

* :class:`Prior` - a named, proper distribution of one quantity with its unit and source
  (offsets, placebo and bias priors): it can be sampled and convolved.
* :class:`OpenEffectPrior` - how the ladder's Bayesian answer treats the open-control effect.
* :class:`TauPrior` and its families - priors of a heterogeneity SD tau >= 0 for the
  normal-normal model (:func:`matstats.meta.bayesmeta.bayes_meta`), possibly improper or
  data-dependent (Jeffreys). ``logpdf(tau, sigma)`` is the log density of tau (normalised
  when proper; ``sigma``, the studies' standard errors, matters only for Jeffreys). ``tail``
  = (power, log_factor): density ~ tau^-power for large tau, ``log_factor`` when an extra
  power of log(tau) makes the boundary case integrable; :mod:`matstats.meta.bayesmeta`
  decides from it whether the posterior and its moments exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from matstats._core import checks as _checks

__all__ = [
    "Prior",
    "TauPrior", "HalfNormal", "HalfCauchy", "HalfStudentT", "Exponential", "Lomax",
    "Uniform", "Jeffreys", "LogNormal", "LogStudentT", "KnownTau", "OpenEffectPrior",
]

#: family -> how :meth:`Prior.describe` writes it (the number of fields = of parameters)
_FAMILIES = {"normal": "normal(mean {0:.3g}, sd {1:.3g})", "uniform": "uniform({0:.3g} to {1:.3g})",
             "beta": "beta(mean {0:.3g}, sd {1:.3g})", "fixed": "fixed {0:.3g}"}


@dataclass(frozen=True)
class Prior:
    """A named distribution for one quantity, with its unit and its source.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"placebo_sd"``.
    dist : {"normal", "uniform", "beta", "fixed"}
        Family. ``params`` are (mean, sd) for normal and beta (beta is converted to shape
        parameters), (low, high) for uniform, (value,) for fixed.
    params : tuple of float
    unit : str
        ``"sd"`` (standardised mean difference), ``"share"`` (a fraction of an observed
        change or contrast), ``"r"`` (reliability), or an outcome unit such as
        ``"points"``.
    source : str
        Where the numbers come from; ``[assumption]`` marks what is ours.
    basis : str, optional
        How the spread was obtained (e.g. "normal fitted to the reported 95% CI").

    Examples
    --------
    >>> p = Prior.from_ci("placebo", 0.37, 0.18, 0.55, unit="sd", source="Strijkers 2021")
    >>> round(p.sd, 4)
    0.0944
    """

    name: str
    dist: str
    params: tuple[float, ...]
    unit: str
    source: str
    basis: str = ""

    def __post_init__(self) -> None:
        _checks.one_of("Prior.dist", self.dist, _FAMILIES)
        need = _FAMILIES[self.dist].count("{")
        if len(self.params) != need:
            raise ValueError(
                f"Prior {self.name!r}: {self.dist} needs {need} parameter(s), got {self.params!r}"
            )
        p = [_checks.finite(f"Prior {self.name!r} parameter", v) for v in self.params]
        object.__setattr__(self, "params", tuple(p))
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

    @classmethod
    def from_ci(cls, name: str, mean: float, low: float, high: float, *, unit: str,
                source: str, level: float = 0.95) -> Prior:
        """A normal prior whose SD is read off a reported confidence interval."""
        z = float(stats.norm.ppf((1 + _checks.level(level)) / 2))
        sd = (high - low) / (2 * z)
        basis = f"normal fitted to the reported {level:.0%} CI: ({high:g} - {low:g}) / (2 x {z:.2f})"
        return cls(name, "normal", (mean, sd), unit, source, basis)

    @property
    def mean(self) -> float:
        """Mean of the distribution."""
        if self.dist == "uniform":
            return (self.params[0] + self.params[1]) / 2
        return float(self.params[0])

    @property
    def sd(self) -> float:
        """Standard deviation of the distribution (0 for a fixed value)."""
        if self.dist in ("normal", "beta"):
            return float(self.params[1])
        if self.dist == "uniform":
            return (self.params[1] - self.params[0]) / math.sqrt(12)
        return 0.0

    def frozen(self):
        """The scipy.stats frozen distribution (``None`` for a fixed value)."""
        p = self.params
        if self.dist == "normal":
            return stats.norm(p[0], p[1]) if p[1] > 0 else None
        if self.dist == "uniform":
            return stats.uniform(p[0], p[1] - p[0]) if p[1] > p[0] else None
        if self.dist == "beta":
            k = p[0] * (1 - p[0]) / (p[1] ** 2) - 1
            return stats.beta(p[0] * k, (1 - p[0]) * k)
        return None

    def sf(self, x: float) -> float:
        """P(value > x)."""
        dist = self.frozen()
        if dist is None:  # a point mass
            return float(self.mean > x)
        return float(dist.sf(x))

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values with the Generator ``rng``."""
        p = self.params
        if self.dist == "normal":
            return rng.normal(p[0], p[1], size)
        if self.dist == "uniform":
            return rng.uniform(p[0], p[1], size)
        if self.dist == "beta":
            return rng.beta(*self.frozen().args, size)
        return np.full(size, float(p[0]))

    def describe(self) -> str:
        """One-line text such as ``normal(mean 0.37, sd 0.094) [sd]``."""
        return f"{_FAMILIES[self.dist].format(*self.params)} [{self.unit}]"


@dataclass(frozen=True)
class TauPrior:
    """Base class of the heterogeneity priors (tau >= 0).

    Every prior takes the keywords ``source`` (where it comes from), ``name`` (a short
    identifier used in result tables; :attr:`label` falls back to the ``repr``) and ``unit``
    (the scale of tau, e.g. ``"sd"`` or ``"points"``).
    """

    source: str = field(default="", kw_only=True)
    name: str = field(default="", kw_only=True, repr=False)
    unit: str = field(default="", kw_only=True, repr=False)

    proper = True
    #: (power, log_factor): density ~ tau^-power for large tau; power inf = lighter than any power
    tail = (math.inf, False)
    #: parameters checked to be finite, and > 0, on construction
    _finite = ()
    _positive = ("scale",)
    #: parameter whose value + 1 is the tail power (a power-law tail), or ''
    _tail_param = ""

    def __post_init__(self):
        for name in self._finite:
            self._set(name, _checks.finite(f"{type(self).__name__} {name}", getattr(self, name)))
        for name in self._positive:
            self._set(name, _checks.positive(f"{type(self).__name__} {name}", getattr(self, name)))
        if self._tail_param:
            self._set("tail", (getattr(self, self._tail_param) + 1.0, False))

    @property
    def label(self) -> str:
        """``name``, or the ``repr`` of an unnamed prior."""
        return self.name or repr(self)

    @property
    def support_max(self) -> float:
        """Upper end of the support (inf unless bounded)."""
        return math.inf

    def log_scale(self, sigma: np.ndarray) -> float:
        """A typical log(tau) of the prior, used to place the integration range."""
        scale = getattr(self, "scale", None)
        return float(np.log(np.median(sigma))) if scale is None else math.log(scale)

    def logpdf(self, tau: np.ndarray, sigma: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _set(self, name: str, value) -> None:
        object.__setattr__(self, name, value)


@dataclass(frozen=True)
class HalfNormal(TauPrior):
    """Half-normal prior: tau = |Z| * scale, Z standard normal."""

    scale: float

    def logpdf(self, tau, sigma):
        z = tau / self.scale
        return 0.5 * math.log(2 / math.pi) - math.log(self.scale) - 0.5 * z * z


@dataclass(frozen=True)
class HalfCauchy(TauPrior):
    """Half-Cauchy prior with the given scale (the median of tau)."""

    scale: float

    tail = (2.0, False)

    def logpdf(self, tau, sigma):
        return math.log(2 / (math.pi * self.scale)) - np.log1p((tau / self.scale) ** 2)


@dataclass(frozen=True)
class HalfStudentT(TauPrior):
    """Half-Student-t prior: tau = |T_df| * scale."""

    scale: float
    df: float

    _positive, _tail_param = ("scale", "df"), "df"

    def logpdf(self, tau, sigma):
        nu = self.df
        const = (math.log(2.0) + special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2)
                 - 0.5 * math.log(nu * math.pi) - math.log(self.scale))
        return const - (nu + 1) / 2 * np.log1p((tau / self.scale) ** 2 / nu)


@dataclass(frozen=True)
class Exponential(TauPrior):
    """Exponential prior with mean ``scale`` (rate 1/scale)."""

    scale: float

    def logpdf(self, tau, sigma):
        return -math.log(self.scale) - tau / self.scale


@dataclass(frozen=True)
class Lomax(TauPrior):
    """Lomax (Pareto type II) prior: density shape/scale * (1 + tau/scale)^-(shape+1)."""

    shape: float
    scale: float

    _positive, _tail_param = ("shape", "scale"), "shape"

    def logpdf(self, tau, sigma):
        return math.log(self.shape / self.scale) - (self.shape + 1) * np.log1p(tau / self.scale)


@dataclass(frozen=True)
class Uniform(TauPrior):
    """Uniform prior on [0, upper]; ``upper=inf`` gives the improper flat prior."""

    upper: float = math.inf

    def __post_init__(self):
        u = self.upper if self.upper == math.inf else _checks.positive("Uniform upper", self.upper)
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
            raise ValueError(f"Jeffreys overall must be True or False, got {self.overall!r}")
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

    _finite, _positive = ("meanlog",), ("sdlog",)

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

    _finite, _positive = ("location",), ("scale", "df")

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
        self._set("value", _checks.positive("KnownTau value", self.value, allow_zero=True))

    def logpdf(self, tau, sigma):  # pragma: no cover - never integrated
        raise ValueError("KnownTau is a point mass and has no density")


@dataclass(frozen=True)
class OpenEffectPrior:
    """Prior treatment of the average open-control effect mu (SMD) of the ladder.

    Parameters
    ----------
    name : str
        Short identifier used in result tables (e.g. ``"sceptical"``).
    mu_prior : Prior or None
        A normal :class:`Prior` on mu (unit ``"sd"``), or None for a flat prior.
    plausible_effect : float or None
        When set, every statistically significant input effect is divided by its type M
        exaggeration ratio (Gelman & Carlin 2014) computed at this plausible true effect and
        the study's standard error, before a flat or ``mu_prior`` analysis; None leaves the
        inputs as they are.
    source : str
        Where it comes from; ``[assumption]`` marks what is ours.

    Examples
    --------
    >>> OpenEffectPrior("flat", None, source="flat").describe()
    'flat prior on mu'
    """

    name: str
    mu_prior: Prior | None = None
    plausible_effect: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.mu_prior is not None:
            if not isinstance(self.mu_prior, Prior) or self.mu_prior.dist != "normal" \
                    or self.mu_prior.sd <= 0:
                raise ValueError(f"OpenEffectPrior {self.name!r}: mu_prior must be a normal "
                                 f"Prior with sd > 0 or None (flat), got {self.mu_prior!r}")
        if self.plausible_effect is not None:
            object.__setattr__(self, "plausible_effect", _checks.positive(
                f"OpenEffectPrior {self.name!r} plausible_effect", self.plausible_effect))

    @property
    def mu_pair(self) -> tuple[float, float] | None:
        """``(mean, sd)`` of the normal prior on mu, or None (flat)."""
        return None if self.mu_prior is None else (self.mu_prior.mean, self.mu_prior.sd)

    def describe(self) -> str:
        """One line, e.g. ``normal(mean 0, sd 0.5) prior on mu``."""
        body = ("flat prior on mu" if self.mu_prior is None else
                f"normal(mean {self.mu_prior.mean:.3g}, sd {self.mu_prior.sd:.3g}) prior on mu")
        if self.plausible_effect is not None:
            body += (f", significant inputs deflated by their exaggeration ratio at a true "
                     f"effect of {self.plausible_effect:.3g} SD")
        return body
