"""Every cited constant and prior of matstats, once, each with its source.

Analyses take these as defaults; nothing else in the library types a published number.
A value marked ``[assumption]`` in its source string is ours, not a paper's. The full
references are in ``data/README.md`` (section "Sources of the default parameters").

Contents
--------
:class:`Prior`
    A named distribution with its unit and source (normal, uniform, beta or fixed).
Scales
    :data:`NRS_SD`, :data:`MCID_NRS`, :data:`MCID_SD_PAIN`, :data:`MCID_SD_OTHER`,
    :data:`MCID_UNITS`.
Bias and nuisance priors (placebo, natural history, RTM, unblinding)
    :func:`sensitivity_priors`, :data:`NO_TREATMENT_SHARE`, :func:`placebo_responder_rates`.
Sham offsets for the control ladder
    :data:`OFFSET_PRIORS` (``unit="sd"``: subtract; ``unit="share"``: multiply).
Heterogeneity priors of the Bayesian few-study models
    :class:`HeterogeneityPrior`, :data:`LADDER_TAU_PRIOR`, :data:`LADDER_TAU_PRIORS` (SMDs),
    :data:`NOF1_TAU_PRIOR` (person effects, NRS points).
Personal (n-of-1) trial defaults
    :data:`NOF1_DEFAULTS`, :data:`NOF1_EXPECTATION_BIAS`, :data:`NOF1_EFFECT_PRIOR`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks

__all__ = [
    "Prior",
    "NRS_SD",
    "MCID_NRS",
    "MCID_SD_PAIN",
    "MCID_SD_OTHER",
    "MCID_UNITS",
    "NO_TREATMENT_SHARE",
    "OFFSET_PRIORS",
    "HeterogeneityPrior",
    "LADDER_TAU_PRIOR",
    "LADDER_TAU_PRIORS",
    "NOF1_TAU_PRIOR",
    "NOF1_DEFAULTS",
    "NOF1_EXPECTATION_BIAS",
    "NOF1_EFFECT_PRIOR",
    "STRIJKERS_PLACEBO",
    "sensitivity_priors",
    "placebo_responder_rates",
    "priors_frame",
]

_Z975 = float(stats.norm.ppf(0.975))
_FAMILIES = {"normal": 2, "uniform": 2, "beta": 2, "fixed": 1}


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
        need = _FAMILIES[self.dist]
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
            m, s = p
            k = m * (1 - m) / (s * s) - 1
            return rng.beta(m * k, (1 - m) * k, size)
        return np.full(size, float(p[0]))

    def describe(self) -> str:
        """One-line text such as ``normal(mean 0.37, sd 0.094) [sd]``."""
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


def priors_frame(priors) -> pd.DataFrame:
    """Priors as a table.

    Returns
    -------
    pandas.DataFrame
        One row per prior: ``name``, ``dist``, ``mean``, ``sd``, ``unit``,
        ``description``, ``source``, ``basis``.
    """
    items = priors.values() if isinstance(priors, dict) else priors
    return pd.DataFrame(
        [{"name": p.name, "dist": p.dist, "mean": p.mean, "sd": p.sd, "unit": p.unit,
          "description": p.describe(), "source": p.source, "basis": p.basis} for p in items],
        columns=["name", "dist", "mean", "sd", "unit", "description", "source", "basis"],
    )


# ------------------------------------------------------------------------------ scales
#: Minimal clinically important difference on a 0-10 pain NRS, in points
#: (Farrar et al. Pain 2001; Ostelo et al. Spine 2008; IMMPACT, Dworkin et al. 2008).
MCID_NRS = 2.0
#: Between-person SD of 0-10 NRS pain, in points, to convert SD units to points: derived
#: from Strijkers et al. 2021 (SMD 0.37 ~ 8/100 points, so SD ~ 22/100 = 2.2 points).
NRS_SD = 2.2
#: MCID for between-group pain SMDs: 2 NRS points / 2.2 points per SD (derived).
MCID_SD_PAIN = MCID_NRS / NRS_SD
#: MCID for other outcomes, in SD: 0.5 SD, the AASM 2021 clinical-significance threshold,
#: used generically [assumption].
MCID_SD_OTHER = 0.5
#: MCIDs in outcome units by outcome measure: value and source.
MCID_UNITS = {
    "odi": (10.0, "Ostelo et al. Spine 2008: minimal important change 10 ODI points"),
    "vas_pain": (15.0, "Ostelo et al. Spine 2008: 15 points on a 0-100 VAS"),
    "nrs_pain": (MCID_NRS, "Farrar et al. Pain 2001: 2 points on a 0-10 NRS"),
}

# --------------------------------------------------------------- placebo, bias, natural history
#: Placebo vs no intervention in chronic low back pain, short-term pain SMD 0.37
#: (95% CI 0.18 to 0.55): Strijkers et al. Pain 2021;162:2792-804. Used both as the
#: placebo prior of the decomposition and as a sham offset of the control ladder.
STRIJKERS_PLACEBO = Prior.from_ci(
    "placebo_sd", 0.37, 0.18, 0.55, unit="sd",
    source="Strijkers et al. Pain 2021;162:2792-804: placebo vs no intervention, chronic LBP, "
    "short-term pain SMD 0.37 (95% CI 0.18 to 0.55)",
)

#: Share of short-term improvement that is 'no-treatment' change (natural history, RTM and
#: artefacts), by outcome domain: Pedersen et al. Pain 2024.
NO_TREATMENT_SHARE = {"pain": 0.49, "disability": 0.53, "qol": 0.48}


def _metablind_sd(ror: float) -> float:
    # ratio of odds ratios -> SMD by ln(OR) * sqrt(3) / pi (Chinn 2000); ROR < 1 = exaggeration
    return -math.log(ror) * math.sqrt(3) / math.pi


def sensitivity_priors() -> dict[str, Prior]:
    """Default priors of the placebo-expectation sensitivity analyses.

    Returns
    -------
    dict of str to Prior
        Keys: ``natural_history_share``, ``placebo_sd``, ``placebo_sd_range``,
        ``reliability_r``, ``unblinding_sd``, ``unblinding_sd_hrobjartsson``,
        ``unblinding_sd_metablind``.

    Examples
    --------
    >>> sensitivity_priors()["unblinding_sd"].describe()
    'normal(mean 0.4, sd 0.25) [sd]'
    """
    metablind = Prior.from_ci(
        "unblinding_sd_metablind", _metablind_sd(0.91), _metablind_sd(1.34), _metablind_sd(0.61),
        unit="sd",
        source="Moustgaard et al. BMJ 2020 (MetaBLIND): lack of patient blinding ROR 0.91 "
        "(0.61-1.34), converted to SD by ln(OR)*sqrt(3)/pi (Chinn 2000)",
    )
    return {
        "natural_history_share": Prior(
            "natural_history_share", "beta", (NO_TREATMENT_SHARE["pain"], 0.10), "share",
            "Pedersen et al. Pain 2024: 49% of short-term CLBP pain improvement is "
            "'no-treatment' change (natural history + RTM + artefacts); spread sd 0.10 "
            "[assumption]",
        ),
        "placebo_sd": STRIJKERS_PLACEBO,
        "placebo_sd_range": Prior(
            "placebo_sd_range", "uniform", (0.2, 0.4), "sd",
            "placebo/sham 0.2-0.4 SD for physical shams in CLBP (Hohenschurz-Schmidt 0.21; "
            "Strijkers 2021 0.37)",
        ),
        "reliability_r": Prior(
            "reliability_r", "uniform", (0.4, 0.9), "r",
            "test-retest r 0.4-0.9 (0.7 single-day, 0.9 7-day mean) [assumption]; RTM formula "
            "Barnett et al. Int J Epidemiol 2005",
        ),
        "unblinding_sd": Prior(
            "unblinding_sd", "normal", (0.4, 0.25), "sd",
            "N(0.4, 0.25^2) SD [assumption spanning MetaBLIND (Moustgaard 2020) and "
            "Hrobjartsson 2014]",
        ),
        "unblinding_sd_hrobjartsson": Prior.from_ci(
            "unblinding_sd_hrobjartsson", 0.56, 0.41, 0.71, unit="sd",
            source="Hrobjartsson et al. Int J Epidemiol 2014: nonblinded patients exaggerated "
            "patient-reported effects by 0.56 SD (95% CI 0.41-0.71)",
        ),
        "unblinding_sd_metablind": metablind,
    }


def placebo_responder_rates() -> pd.DataFrame:
    """Responder rates expected without a specific effect.

    Returns
    -------
    pandas.DataFrame
        Columns ``benchmark``, ``p0`` (proportion), ``kind`` (``literature`` or ``sweep``)
        and ``source``. The sweep rows 0.3, 0.5 and 0.8 are our assumption.
    """
    rows = [
        ("placebo_arm_response_anxiety", 0.37, "literature",
         "Motta et al. BMJ Ment Health 2023;26:e300630: response in placebo arms of SSRI/SNRI "
         "anxiety trials 37%"),
        ("placebo_period_30pct_pain_reduction", 0.15, "literature",
         "Pain 2020 (PMID 32569087): 13-15% of patients had >30% pain reduction in the placebo "
         "period of neuropathic-pain crossover trials (upper value used)"),
    ]
    for p0 in (0.3, 0.5, 0.8):
        rows.append((f"sweep_{int(round(p0 * 100))}", p0, "sweep",
                     "self-reported 'any improvement' without a specific effect is common; "
                     "sweep 0.3-0.8 [assumption]"))
    return pd.DataFrame(rows, columns=["benchmark", "p0", "kind", "source"])


# ------------------------------------------------------------------- sham offsets (ladder)
#: Published offsets between an open (no-treatment) contrast and a sham contrast.
#: ``unit="sd"``: expected vs sham = open effect - offset; ``unit="share"``: expected vs
#: sham = open effect x share of the open contrast that survives a sham control.
OFFSET_PRIORS: tuple[Prior, ...] = (
    Prior("placebo_vs_none_clbp", "normal", STRIJKERS_PLACEBO.params, "sd",
          STRIJKERS_PLACEBO.source, STRIJKERS_PLACEBO.basis),
    Prior.from_ci(
        "physical_sham_vs_none", 0.21, 0.10, 0.33, unit="sd",
        source="Hohenschurz-Schmidt et al. (three-armed trials of physical/psychological "
        "interventions for pain): sham vs no exposure SMD 0.21 (0.10 to 0.33), 17 RCTs",
    ),
    Prior(
        "acupuncture_ipd_back_neck", "normal", (0.55 - 0.23, 0.05), "sd",
        "Vickers et al. Arch Intern Med 2012;172:1444-53 (IPD, 29 RCTs): back/neck pain, "
        "acupuncture vs no acupuncture 0.55 SD, vs sham 0.23 SD; offset = 0.55 - 0.23",
        "[assumption] no CI in our sources; SE 0.05 SD set by us for a large IPD dataset",
    ),
    Prior(
        "acupuncture_ipd_ratio", "normal", (0.35, 0.07 / (2 * _Z975)), "share",
        "Vickers et al. 2012: sham-controlled share of the open contrast 0.16/0.57 = 0.28 (OA) "
        "to 0.23/0.55 = 0.42 (back/neck); midpoint 0.35",
        "[assumption] the 0.28-0.42 range across pain types treated as a 95% interval: "
        "0.07 / (2 x 1.96)",
    ),
)

# ----------------------------------------------------- heterogeneity priors (Bayesian models)
_HET_FAMILIES = {"half_normal": 1, "half_cauchy": 1, "rhodes": 3, "fixed": 1}


@dataclass(frozen=True)
class HeterogeneityPrior:
    """A named prior for the between-study (or between-person) SD tau, with its source.

    The spec is turned into a :mod:`matstats.meta.bayesmeta` prior by the analyses
    (:func:`matstats.meta.bayesmeta.tau_prior_of`); it lives here, below the layers that use
    it, so that every cited prior is written once.

    Parameters
    ----------
    name : str
        Short identifier, e.g. ``"half_normal_0.5"``.
    family : {"half_normal", "half_cauchy", "rhodes", "fixed"}
        ``half_normal``/``half_cauchy``: ``args = (scale,)``; ``rhodes``: ``args = (outcome,
        comparison, area)`` of :func:`matstats.meta.bayesmeta.rhodes_prior` (empirical log-t prior
        for SMDs); ``fixed``: ``args = (tau,)``, a known tau (0 = equal-effect model).
    args : tuple
    unit : str
        Scale of tau: ``"sd"`` (SMD) or ``"points"`` (NRS).
    source : str
        Where it comes from; ``[assumption]`` marks what is ours.

    Examples
    --------
    >>> LADDER_TAU_PRIOR.describe()
    'half-normal(scale 0.5) [sd]'
    """

    name: str
    family: str
    args: tuple
    unit: str
    source: str

    def __post_init__(self) -> None:
        _checks.one_of("HeterogeneityPrior.family", self.family, _HET_FAMILIES)
        need = _HET_FAMILIES[self.family]
        if len(self.args) != need:
            raise ValueError(f"HeterogeneityPrior {self.name!r}: {self.family} needs {need} "
                             f"argument(s), got {self.args!r}")
        if self.family != "rhodes":
            v = _checks.positive(f"HeterogeneityPrior {self.name!r} argument", self.args[0],
                                 allow_zero=self.family == "fixed")
            object.__setattr__(self, "args", (v,))

    def describe(self) -> str:
        """One-line text such as ``half-normal(scale 0.5) [sd]``."""
        if self.family == "rhodes":
            body = f"Rhodes 2015 log-t ({self.args[0]}; {self.args[1]}; {self.args[2]})"
        elif self.family == "fixed":
            body = f"tau fixed at {self.args[0]:g}"
        else:
            body = f"{self.family.replace('_', '-')}(scale {self.args[0]:g})"
        return f"{body} [{self.unit}]"


_ROVER = ("Roever et al. Res Synth Methods 2021;12:448-474 and Friede et al. Biom J "
          "2017;59:658-671 (weakly informative half-normal heterogeneity priors for "
          "meta-analyses of few studies)")
#: Default heterogeneity prior of the ladder's Bayesian open-control meta-analysis (SMDs).
LADDER_TAU_PRIOR = HeterogeneityPrior(
    "half_normal_0.5", "half_normal", (0.5,), "sd",
    f"{_ROVER}; scale 0.5 SD on the SMD scale is our choice [assumption]: prior median tau "
    "0.34 SD, 95% quantile 0.98 SD (between-trial SDs of about 1 SD are rare)",
)
#: Heterogeneity priors of the ladder's sensitivity table (SMDs): the default, a wider
#: half-normal, a heavier-tailed half-Cauchy, the empirical Rhodes et al. 2015 prior for pain
#: outcomes of non-pharmacological interventions, and tau = 0 (the equal-effect model that
#: a k = 1 frequentist analysis implicitly assumes).
LADDER_TAU_PRIORS: tuple[HeterogeneityPrior, ...] = (
    LADDER_TAU_PRIOR,
    HeterogeneityPrior(
        "half_normal_1.0", "half_normal", (1.0,), "sd",
        f"{_ROVER}; scale 1.0 SD: a wider alternative [assumption]"),
    HeterogeneityPrior(
        "half_cauchy_0.5", "half_cauchy", (0.5,), "sd",
        "half-Cauchy(0.5): heavy-tailed weakly informative prior (Gelman, Bayesian Anal "
        "2006;1:515-534; Roever et al. 2021) [assumption: scale 0.5 SD]"),
    HeterogeneityPrior(
        "rhodes_pain_nonpharm", "rhodes",
        ("general physical health, adverse event, pain, quality of life / functioning",
         "non-pharmacological (any)", "other"), "sd",
        "Rhodes et al. J Clin Epidemiol 2015;68:52-60, Table 3: SMDs, pain / quality of life "
        "outcomes, non-pharmacological comparisons: log(tau^2) ~ -3.02 + 2.27 t_5 "
        "(empirical, Cochrane meta-analyses)"),
    HeterogeneityPrior(
        "tau_zero", "fixed", (0.0,), "sd",
        "tau = 0: the equal-effect model, what a single-study (k = 1) frequentist answer "
        "implicitly assumes; shown for comparison, not as a belief"),
)
#: Heterogeneity prior of the person effects in a series of n-of-1 trials (``pool="bayes"``),
#: NRS points: half-normal(1.0) [assumption]: prior median tau 0.67 points, 95% quantile
#: 1.96 points, about the MCID (2 points): persons differing by more than a clinically
#: important amount is possible but not expected.
NOF1_TAU_PRIOR = HeterogeneityPrior(
    "nof1_half_normal_1.0", "half_normal", (1.0,), "points",
    f"{_ROVER}; scale 1.0 NRS point (half the MCID of Farrar et al. Pain 2001) [assumption]",
)

# ------------------------------------------------------------------ personal (n-of-1) trials
#: Defaults of the personal-trial simulator and analyses (daily 0-10 pain NRS), each from
#: the sources named in ``NOF1_SOURCES``.
NOF1_DEFAULTS = {
    "sd": 1.2,  # within-person day-to-day SD
    "rho": 0.4,  # lag-1 autocorrelation of daily residuals [assumption]
    "period_days": 7,
    "washout_days": 1,
    "missing": 0.10,
    "mcid": MCID_NRS,
}
NOF1_SOURCES = {
    "sd": "Page et al. 2022 (chronic LBP EMA: mean within-person SD 1.2 NRS points)",
    "rho": "[assumption] 0.4; daily pain series are mostly autocorrelated (Affleck 1991); "
    "simulation studies use 0-0.8",
    "period_days": "AHRQ n-of-1 guide ch. 4 (block-pair designs); mat relief immediate and "
    "non-persistent (Saha 2016)",
    "washout_days": "mat relief is immediate and non-persistent (Saha 2016); CENT 2015",
    "missing": "nof1kit reference study: 92.9% compliance over 70 days",
    "mcid": "Farrar et al. Pain 2001: 2 points on a 0-10 NRS",
}
#: Expectation bias of unblinded (mat vs no mat) periods in a personal trial: 0.5 NRS points
#: (range 0-1.2). On the between-person scale this is 0.5 / NRS_SD = 0.23 SD, below the
#: trial-level unblinding prior ``sensitivity_priors()["unblinding_sd"]`` (0.4 SD): the
#: latter also covers assessor and reporting bias in parallel trials.
NOF1_EXPECTATION_BIAS = Prior(
    "nof1_expectation_bias", "fixed", (0.5,), "points",
    "placebo vs no treatment SMD 0.37 (Strijkers 2021), physical shams 0.21 "
    "(Hohenschurz-Schmidt), unblinded exaggeration 0.56 SD (Hrobjartsson 2014); 0.5 points "
    "within a person [assumption], range 0-1.2",
)
#: Weakly informative prior of an individual mat effect, NRS points: N(0, 2^2) [assumption];
#: a sceptical alternative is N(0, 0.5^2).
NOF1_EFFECT_PRIOR = Prior(
    "nof1_effect", "normal", (0.0, 2.0), "points",
    "[assumption] weakly informative N(0, 2^2) on NRS points; sceptical alternative N(0, 0.5^2)",
)
