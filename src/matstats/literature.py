"""Every cited constant and prior of matstats, once, each with its source.

Analyses take these as defaults; nothing else in the library types a published number.
A value marked ``[assumption]`` in its source string is ours, not a paper's. The full
references are in ``data/README.md`` (section "Sources of the default parameters").
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd

from matstats._core import checks as _checks
from matstats._core.priors import (
    HalfCauchy, HalfNormal, Jeffreys, KnownTau, LogNormal, LogStudentT, OpenEffectPrior, Prior,
    TauPrior, Uniform,
)

__all__ = [
    "Prior",
    "NRS_SD",
    "MCID_NRS",
    "MCID_SD_PAIN",
    "MCID_SD_OTHER",
    "MCID_UNITS",
    "MID_SD_PAIN_BETWEEN",
    "MID_THRESHOLDS",
    "NO_TREATMENT_SHARE",
    "OFFSET_PRIORS",
    "SHAM_EFFECT_TAU",
    "SHARE_PRIOR",
    "OPEN_EFFECT_PRIOR",
    "OPEN_EFFECT_PRIORS",
    "PILOT_G_INPUTS",
    "TauPrior",
    "LADDER_TAU_PRIOR",
    "LADDER_TAU_PRIORS",
    "NOF1_TAU_PRIOR",
    "TAU_PRIORS_BY_NAME",
    "tau_prior",
    "turner_prior",
    "rhodes_prior",
    "turner_table",
    "rhodes_table",
    "NOF1_DEFAULTS",
    "NOF1_EXPECTATION_BIAS",
    "NOF1_EFFECT_PRIOR",
    "STRIJKERS_PLACEBO",
    "sensitivity_priors",
    "placebo_responder_rates",
]


# ------------------------------------------------------------------------------ scales
#: Minimal clinically important difference on a 0-10 pain NRS, in points
#: (Farrar et al. Pain 2001; Ostelo et al. Spine 2008; IMMPACT, Dworkin et al. 2008).
MCID_NRS = 2.0
#: Between-person SD of 0-10 NRS pain, in points, to convert SD units to points: derived
#: from Strijkers et al. 2021 (SMD 0.37 ~ 8/100 points, so SD ~ 22/100 = 2.2 points).
NRS_SD = 2.2
#: The 2-point individual threshold in SD units: 2 NRS points / 2.2 points per SD (derived).
#: It is a change that one patient notices (Farrar 2001), not a between-group difference
#: (IMMPACT: Dworkin et al. Pain 2009;146:238-44): used for personal-trial verdicts and the
#: claim audit's tipping points, not for the mat-vs-sham answer (:data:`MID_SD_PAIN_BETWEEN`).
MCID_SD_PAIN = MCID_NRS / NRS_SD
#: Between-group minimal important difference for pain trials: 1 point on a 0-10 scale (10 mm
#: on a 100 mm VAS), the MID the OMERACT 12 workshop recommends for pooled pain effects
#: (Busse et al. J Rheumatol 2015;42:1962-70), over the SD of :data:`NRS_SD`: 1 / 2.2 SD.
#: IMMPACT (Dworkin et al. Pain 2009;146:238-44) stresses that a threshold for one patient's
#: improvement is not a threshold for a difference between group means.
MID_SD_PAIN_BETWEEN = 1.0 / NRS_SD
#: Thresholds at which the mat-vs-sham answer is also given (SD units): the cited
#: between-group MID beside Cohen's "small" effect (0.2 SD; Cohen, Statistical Power Analysis,
#: 1988) and half an SD (Norman, Sloan & Wyrwich, Med Care 2003;41:582-92).
MID_THRESHOLDS = {"small_0.2sd": 0.2, "between_group_mid": MID_SD_PAIN_BETWEEN,
                  "half_sd": 0.5}
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
#: Between-study SD (tau) of sham effects, used to turn a pooled sham offset into a predictive
#: distribution for a new kind of sham (a blunt mat): the median, exp(-3.02 / 2) = 0.22 SD, of
#: the empirical heterogeneity prior of Rhodes et al. J Clin Epidemiol 2015;68:52-60 (Table 3:
#: pain / quality of life, non-pharmacological comparisons). [assumption] that sham effects vary
#: between settings and kinds of sham about as much as treatment effects do in such reviews.
SHAM_EFFECT_TAU = math.exp(-3.02 / 2)


def _predictive(name: str, mean: float, se: float, source: str, se_basis: str) -> Prior:
    sd = math.hypot(se, SHAM_EFFECT_TAU)
    return Prior(name, "normal", (mean, sd), "sd", source,
                 f"predictive for a new kind of sham: sqrt(se^2 + tau^2) = sqrt({se:.3g}^2 + "
                 f"{SHAM_EFFECT_TAU:.3g}^2) = {sd:.3g}; se: {se_basis}; tau: SHAM_EFFECT_TAU "
                 "(median of the Rhodes et al. 2015 pain/non-pharmacological prior) [assumption]")


_HOHENSCHURZ = Prior.from_ci(
    "physical_sham_vs_none", 0.21, 0.10, 0.33, unit="sd",
    source="Hohenschurz-Schmidt et al. (three-armed trials of physical/psychological "
    "interventions for pain): sham vs no exposure SMD 0.21 (0.10 to 0.33), 17 RCTs",
)
#: Published offsets between an open (no-treatment) contrast and a sham contrast, as
#: predictive distributions for a new kind of sham (unit ``"sd"``: expected vs sham = open
#: effect - offset): each pooled mean with SD sqrt(se^2 + :data:`SHAM_EFFECT_TAU`^2), not the
#: standard error of the pooled mean. The physical sham (a mat's sham is a physical one) comes
#: first and is the default of the headline answer.
OFFSET_PRIORS: tuple[Prior, ...] = (
    _predictive("physical_sham_vs_none", _HOHENSCHURZ.mean, _HOHENSCHURZ.sd,
                _HOHENSCHURZ.source, _HOHENSCHURZ.basis),
    _predictive("placebo_vs_none_clbp", STRIJKERS_PLACEBO.mean, STRIJKERS_PLACEBO.sd,
                STRIJKERS_PLACEBO.source, STRIJKERS_PLACEBO.basis),
    _predictive(
        "acupuncture_ipd_back_neck", 0.55 - 0.23, 0.05,
        "Vickers et al. Arch Intern Med 2012;172:1444-53 (IPD, 29 RCTs): back/neck pain, "
        "acupuncture vs no acupuncture 0.55 SD, vs sham 0.23 SD; offset = 0.55 - 0.23",
        "[assumption] no CI in our sources; SE 0.05 SD set by us for a large IPD dataset"),
)
#: Share of the open contrast that survives a sham control (unit ``"share"``: expected vs
#: sham = open effect x share). Multiplying by a positive share cannot change the sign, so
#: P(effect > 0) under it is P(open effect > 0): it says how large a mat-specific effect would
#: be if one exists, not whether the mat beats a sham, and is reported separately.
SHARE_PRIOR = Prior.from_ci(
    "acupuncture_ipd_ratio", 0.35, 0.28, 0.42, unit="share",
    source="Vickers et al. 2012: sham-controlled share of the open contrast 0.16/0.57 = 0.28 "
    "(OA) to 0.23/0.55 = 0.42 (back/neck); midpoint 0.35; [assumption] the 0.28-0.42 range "
    "across pain types treated as a 95% interval (SD 0.07 / 1.96)",
)

# --------------------------------------------- the open-control effect: priors and inputs
_SPIEGELHALTER = ("Spiegelhalter, Freedman & Parmar, J R Stat Soc A 1994;157:357-416 "
                  "(sceptical priors centred on no effect for judging a claimed benefit)")
#: Priors on the average open-control (mat vs no treatment) effect mu. The default is the
#: sceptical one: the only input is one small unblinded pilot selected for a significant
#: result, and small significant trials overstate effects (Button et al. Nat Rev Neurosci
#: 2013;14:365-76; Ioannidis, Epidemiology 2008;19:640-8); the sceptical prior shrinks the
#: pilot's g about as much as the type M deflation does, without needing a plausible true
#: effect.
OPEN_EFFECT_PRIORS: tuple[OpenEffectPrior, ...] = (
    OpenEffectPrior(
        "sceptical",
        Prior("open_sceptical", "normal", (0.0, 0.5), "sd", _SPIEGELHALTER,
              "[assumption] SD 0.5: 95% prior range -0.98 to 0.98 SD, wide enough for the "
              "open contrasts of comparable treatments (acupuncture vs no acupuncture 0.55 SD, "
              "Vickers 2012) and centred on no effect"),
        source=f"{_SPIEGELHALTER}; normal(0, 0.5^2) on mu [assumption: scale]"),
    OpenEffectPrior(
        "flat", None,
        source="flat prior on mu: the pilot's estimate taken at face value (the previous "
        "default)"),
    OpenEffectPrior(
        "pilot_deflated", None, plausible_effect=0.55,
        source="Gelman & Carlin, Perspect Psychol Sci 2014;9:641-51: a significant estimate "
        "is divided by its type M exaggeration ratio E(|estimate| | significant) / true "
        "effect at the study's SE; plausible true open effect 0.55 SD = acupuncture vs no "
        "acupuncture, back/neck pain (Vickers 2012) [assumption: that mats are like "
        "acupuncture]; flat prior on mu after the deflation"),
)
#: The default open-effect prior of the headline answer (the sceptical one).
OPEN_EFFECT_PRIOR = OPEN_EFFECT_PRIORS[0]
#: Back-calculation of the pilot's g from its p-value (hohmann2012_neck: p = .021, 40
#: randomized; per-arm sizes and the test are not reported in what we have): ``p`` two-sided
#: p-values, ``arms`` (n1, n2), ``sd_factor`` the ratio of the SD the test used to the
#: endpoint SD (1 = t test on endpoint scores; sqrt(1 - 0.5^2) = ANCOVA with baseline
#: correlation 0.5, which puts g on a smaller SD than the offsets use). p = 0.04 and 18/17
#: arms are what-ifs (a less favourable rounding or report; dropouts) [assumption].
PILOT_G_INPUTS = {
    "p": (0.021, 0.04),
    "arms": ((20, 20), (18, 17)),
    "sd_factor": {"t_endpoint": 1.0, "ancova_r0.5": math.sqrt(1 - 0.5**2)},
}

# ----------------------------------------------------- heterogeneity priors (Bayesian models)
# The empirical priors, tabulated with their sources:
#
# * Turner RM, Jackson D, Wei Y, Thompson SG, Higgins JPT. Predictive distributions for
#   between-study heterogeneity and simple methods for their application in Bayesian
#   meta-analysis. Stat Med 2015;34(6):984-998, Table IV: log(tau^2) ~ Normal(m, s^2) for log
#   odds ratios, by outcome type and intervention comparison type; the general ("any")
#   setting is m = -2.56, s = 1.74 (Sec. 5).
# * Rhodes KM, Turner RM, Higgins JPT. Predictive distributions were developed for the extent
#   of heterogeneity in meta-analyses of continuous outcome data. J Clin Epidemiol
#   2015;68(1):52-60, Table 3 (other medical areas) and appendix Tables A.3.1 (respiratory)
#   and A.3.2 (cancer): log(tau^2) ~ location + scale * t_5 for standardized mean
#   differences; the general setting is location -3.44, scale 2.59 (Sec. 3.3).
#
# The numbers were transcribed from the tables as distributed with R bayesmeta 3.4
# (``TurnerEtAlPrior``, ``RhodesEtAlPrior``), which cites the same tables. On the tau scale
# the parameters halve: log(tau) = log(tau^2) / 2.
_TURNER = "Turner et al. 2015, Stat Med 34:984-998, Table IV"
_RHODES = "Rhodes et al. 2015, J Clin Epidemiol 68:52-60, Table 3 / A.3.1 / A.3.2"

# Turner et al. 2015
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

# Rhodes et al. 2015
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
        The prior on tau (meanlog and sdlog halved from the tau^2 scale), with ``source``;
        named ``"turner"`` in the general setting.
    """
    if outcome is None and comparison is None:
        m, s = _TURNER_ANY
        where, name = "general setting", "turner"
    else:
        _checks.one_of("outcome", outcome, _TURNER_TABLE)
        i = _TURNER_COMPARISONS.index(_checks.one_of("comparison", comparison,
                                                     _TURNER_COMPARISONS))
        m, s = _TURNER_TABLE[outcome][0][i], _TURNER_TABLE[outcome][1][i]
        where = f"{outcome}; {comparison}"
        name = f"turner ({where})"
    return LogNormal(m / 2, s / 2, name=name,
                     source=f"{_TURNER} ({where}): log(tau^2) ~ N({m}, {s}^2)")


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
        The prior on tau (location and scale halved from the tau^2 scale), with ``source``;
        named ``"rhodes"`` in the general setting.
    """
    if outcome is None and comparison is None:
        loc, sc = _RHODES_ANY
        where, name = "general setting", "rhodes"
    else:
        _checks.one_of("comparison", comparison, _RHODES_COMPARISONS)
        row = _RHODES_TABLE[_checks.one_of("area", area, _RHODES_TABLE)][
            _RHODES_OUTCOMES.index(_checks.one_of("outcome", outcome, _RHODES_OUTCOMES))]
        i = _RHODES_COMPARISONS.index(comparison)
        loc, sc = row[0][i], row[1][i]
        where = f"{area}; {outcome}; {comparison}"
        name = f"rhodes ({where})"
    return LogStudentT(loc / 2, sc / 2, 5.0, unit="sd", name=name,
                       source=f"{_RHODES} ({where}): log(tau^2) ~ {loc} + {sc} t_5")


_ROVER = ("Roever et al. Res Synth Methods 2021;12:448-474 and Friede et al. Biom J "
          "2017;59:658-671 (weakly informative half-normal heterogeneity priors for "
          "meta-analyses of few studies)")
#: Default heterogeneity prior of the ladder's Bayesian open-control meta-analysis (SMDs).
LADDER_TAU_PRIOR = HalfNormal(
    0.5, name="half_normal_0.5", unit="sd",
    source=f"{_ROVER}; scale 0.5 SD on the SMD scale is our choice [assumption]: prior median "
    "tau 0.34 SD, 95% quantile 0.98 SD (between-trial SDs of about 1 SD are rare)",
)
#: Heterogeneity priors of the ladder's sensitivity table (SMDs): the default, a wider
#: half-normal, a heavier-tailed half-Cauchy, the empirical Rhodes et al. 2015 prior for pain
#: outcomes of non-pharmacological interventions, and tau = 0 (the equal-effect model that
#: a k = 1 frequentist analysis implicitly assumes).
LADDER_TAU_PRIORS: tuple[TauPrior, ...] = (
    LADDER_TAU_PRIOR,
    HalfNormal(1.0, name="half_normal_1.0", unit="sd",
               source=f"{_ROVER}; scale 1.0 SD: a wider alternative [assumption]"),
    HalfCauchy(0.5, name="half_cauchy_0.5", unit="sd",
               source="half-Cauchy(0.5): heavy-tailed weakly informative prior (Gelman, "
               "Bayesian Anal 2006;1:515-534; Roever et al. 2021) [assumption: scale 0.5 SD]"),
    replace(rhodes_prior("general physical health, adverse event, pain, quality of life / "
                         "functioning", "non-pharmacological (any)", "other"),
            name="rhodes_pain_nonpharm",
            source="Rhodes et al. J Clin Epidemiol 2015;68:52-60, Table 3: SMDs, pain / quality "
            "of life outcomes, non-pharmacological comparisons: log(tau^2) ~ -3.02 + 2.27 t_5 "
            "(empirical, Cochrane meta-analyses)"),
    KnownTau(0.0, name="tau_zero", unit="sd",
             source="tau = 0: the equal-effect model, what a single-study (k = 1) frequentist "
             "answer implicitly assumes; shown for comparison, not as a belief"),
)
#: Heterogeneity prior of the person effects in a series of n-of-1 trials (``pool="bayes"``),
#: NRS points: half-normal(1.0) [assumption]: prior median tau 0.67 points, 95% quantile
#: 1.96 points, about the MCID (2 points): persons differing by more than a clinically
#: important amount is possible but not expected.
NOF1_TAU_PRIOR = HalfNormal(
    1.0, name="nof1_half_normal_1.0", unit="points",
    source=f"{_ROVER}; scale 1.0 NRS point (half the MCID of Farrar et al. Pain 2001) "
    "[assumption]",
)
#: Heterogeneity priors by name (what a string ``tau_prior`` means): the improper reference
#: priors ``"uniform"``, ``"jeffreys"`` (Tibshirani 1989) and ``"overall_jeffreys"`` (as R
#: bayesmeta), the general-setting empirical priors ``"turner"`` and ``"rhodes"``, and every
#: named prior above.
TAU_PRIORS_BY_NAME: dict[str, TauPrior] = {
    p.name: p for p in (
        Uniform(name="uniform", source="flat on [0, inf): improper"),
        Jeffreys(name="jeffreys", source="Jeffreys prior of tau (Tibshirani 1989); improper"),
        Jeffreys(overall=True, name="overall_jeffreys",
                 source="overall Jeffreys prior of (mu, tau); improper"),
        turner_prior(), rhodes_prior(), *LADDER_TAU_PRIORS, NOF1_TAU_PRIOR)
}


def tau_prior(prior: TauPrior | str) -> TauPrior:
    """The heterogeneity prior ``prior`` stands for: a :class:`TauPrior` itself, or the prior
    of that name in :data:`TAU_PRIORS_BY_NAME` (e.g. ``"jeffreys"``, ``"half_normal_0.5"``).

    Examples
    --------
    >>> tau_prior("half_normal_0.5") is LADDER_TAU_PRIOR
    True
    >>> tau_prior("jeffreys")
    Jeffreys(source='Jeffreys prior of tau (Tibshirani 1989); improper', overall=False)
    """
    if isinstance(prior, TauPrior):
        return prior
    if isinstance(prior, str) and prior in TAU_PRIORS_BY_NAME:
        return TAU_PRIORS_BY_NAME[prior]
    raise ValueError(f"tau_prior must be a TauPrior (e.g. HalfNormal(0.5), "
                     f"literature.LADDER_TAU_PRIOR) or one of the names "
                     f"{list(TAU_PRIORS_BY_NAME)}, got {prior!r}")


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
#: Expectation bias of unblinded (mat vs no mat) periods in a personal trial: 0.5 NRS points,
#: normal with SD 0.3 [assumption: the range 0-1.2 points of the sources is about the mean
#: +- 2 SD]. On the between-person scale 0.5 points is 0.5 / NRS_SD = 0.23 SD, below the
#: trial-level unblinding prior ``sensitivity_priors()["unblinding_sd"]`` (0.4 SD): the
#: latter also covers assessor and reporting bias in parallel trials. An open comparison's
#: verdict judges the benefit beyond this bias, its uncertainty included
#: (:func:`matstats.nof1.verdict.verdict_fit`).
NOF1_EXPECTATION_BIAS = Prior(
    "nof1_expectation_bias", "normal", (0.5, 0.3), "points",
    "placebo vs no treatment SMD 0.37 (Strijkers 2021), physical shams 0.21 "
    "(Hohenschurz-Schmidt), unblinded exaggeration 0.56 SD (Hrobjartsson 2014); 0.5 points "
    "within a person [assumption], range 0-1.2 (SD 0.3)",
)
#: Weakly informative prior of an individual mat effect, NRS points: N(0, 2^2) [assumption];
#: a sceptical alternative is N(0, 0.5^2).
NOF1_EFFECT_PRIOR = Prior(
    "nof1_effect", "normal", (0.0, 2.0), "points",
    "[assumption] weakly informative N(0, 2^2) on NRS points; sceptical alternative N(0, 0.5^2)",
)
