"""Decomposition of an uncontrolled pre-post improvement into non-specific parts and a rest.

The default priors are :func:`matstats.literature.sensitivity_priors` (natural history:
Pedersen 2024; placebo: Strijkers 2021; reliability: Barnett 2005 with our range).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matstats._core import checks as _checks
from matstats.literature import MCID_NRS, NRS_SD, Prior, sensitivity_priors
from matstats.sensitivity.rtm import regression_to_mean

__all__ = ["Decomposition", "decompose_improvement", "decomposition_grid"]

_COMPONENTS = ("natural_history", "rtm", "placebo", "specific")
_PRIOR_KEYS = ("natural_history_share", "placebo_sd", "reliability_r")


@dataclass(frozen=True)
class Decomposition:
    """Monte Carlo split of an observed improvement (see :func:`decompose_improvement`).

    Attributes
    ----------
    observed, mcid, sd : float
        Inputs (outcome units).
    summary : pandas.DataFrame
        One row per component (``natural_history``, ``rtm``, ``placebo``, ``specific``):
        ``component``, ``mean``, ``median``, ``ci_low``, ``ci_high`` (2.5 and 97.5
        percentiles, outcome units), ``share_of_observed`` (mean / observed), ``prior``
        (name and distribution, empty for the remainder) and ``source``.
    draws : pandas.DataFrame
        Columns ``natural_history``, ``rtm``, ``placebo``, ``specific``; one row per draw.
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
        """The ``summary`` table (a copy)."""
        return self.summary.copy()


def _merge_priors(priors: Mapping[str, Prior | None] | None) -> dict[str, Prior | None]:
    defaults = sensitivity_priors()
    out: dict[str, Prior | None] = {k: defaults[k] for k in _PRIOR_KEYS}
    for k, v in (priors or {}).items():
        _checks.one_of("priors key", k, _PRIOR_KEYS)
        if v is not None and not isinstance(v, Prior):
            raise ValueError(f"priors[{k!r}] must be a matstats.literature.Prior or None, "
                             f"got {type(v).__name__}")
        out[k] = v
    return out


def _rtm_draws(rel: Prior | None, gen: np.random.Generator, n_draws: int, *, mean, baseline,
               threshold, sd: float, n_baseline: int) -> tuple[np.ndarray, str]:
    """Regression-to-the-mean draws and the note saying why they are zero (or '')."""
    if (baseline is not None or threshold is not None) and mean is None:
        raise ValueError("regression to the mean needs mean together with baseline/threshold; "
                         "got mean=None")
    if rel is None or (baseline is None and threshold is None):
        note = ("regression to the mean switched off (prior None)" if rel is None else
                "regression to the mean not modelled separately: no baseline/threshold given "
                "(it is then contained in the natural-history share)")
        return np.zeros(n_draws), note
    r = rel.sample(gen, n_draws)
    if np.any((r < 0) | (r > 1)):
        raise ValueError(f"reliability prior {rel.name!r} produced values outside [0, 1]")
    if baseline is not None:
        b, mu = _checks.finite("baseline", baseline), _checks.finite("mean", mean)
        return (1 - r) * (b - mu), ""
    tab = regression_to_mean(mean=mean, r=r, threshold=threshold, sd=sd, n_baseline=n_baseline)
    return tab["expected_rtm"].to_numpy(), ""


def _summary(draws: pd.DataFrame, used: Mapping[str, Prior | None], observed: float
             ) -> pd.DataFrame:
    rows = []
    for comp in _COMPONENTS:
        x = draws[comp].to_numpy()
        lo, med, hi = np.percentile(x, [2.5, 50, 97.5])
        prior = used.get(comp)
        rows.append({
            "component": comp, "mean": float(x.mean()), "median": float(med),
            "ci_low": float(lo), "ci_high": float(hi),
            "share_of_observed": float(x.mean() / observed) if observed != 0 else math.nan,
            "prior": "" if prior is None else f"{prior.name}: {prior.describe()}",
            "source": "" if prior is None else prior.source,
        })
    rows[-1]["source"] = "remainder: observed - natural_history - rtm - placebo"
    return pd.DataFrame(rows)


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

    Per Monte Carlo draw:

    * ``rtm`` -- regression to the mean from a reliability ``r`` drawn from
      ``priors["reliability_r"]``: individual (1 - r)(baseline - mean) if ``baseline`` is
      given, Barnett's group formula if ``threshold`` is given, otherwise 0 (listed in
      ``notes``);
    * ``natural_history`` -- the no-treatment share (Pedersen 2024 default) of the observed
      improvement. That share already contains RTM, so this component is
      ``max(share * observed - rtm, 0)``;
    * ``placebo`` -- placebo/expectation effect in SD units times ``sd``;
    * ``specific`` = observed - natural_history - rtm - placebo.

    Parameters
    ----------
    observed : float
        Observed mean improvement, outcome units (positive = better).
    sd : float
        Outcome SD used to convert SD-unit priors (default
        :data:`matstats.literature.NRS_SD`).
    mcid : float
        Minimal clinically important difference in outcome units (default 2 NRS points).
    mean, baseline, threshold, n_baseline
        Regression-to-the-mean inputs (see :func:`regression_to_mean`); ``mean`` is needed
        with either ``baseline`` or ``threshold``.
    priors : mapping, optional
        Overrides for ``natural_history_share``, ``placebo_sd``, ``reliability_r`` (a
        :class:`matstats.literature.Prior`, or ``None`` to drop that component).
    n_draws : int
        Number of Monte Carlo draws (>= 100).
    rng : int, Generator or None
        Seed or Generator.

    Returns
    -------
    Decomposition
        ``summary`` (also ``to_frame()``) and ``draws`` as described there.

    Examples
    --------
    With every prior fixed the remainder is deterministic: rtm (1 - 0.7)(8 - 5) = 0.9,
    natural history 0.49 x 3 - 0.9 = 0.57, placebo 0.37 x 2.2 = 0.814:

    >>> from matstats.literature import Prior
    >>> fixed = {"natural_history_share": Prior("nh", "fixed", (0.49,), "share", "x"),
    ...          "placebo_sd": Prior("pl", "fixed", (0.37,), "sd", "x"),
    ...          "reliability_r": Prior("r", "fixed", (0.7,), "r", "x")}
    >>> d = decompose_improvement(3.0, mean=5, baseline=8, priors=fixed, n_draws=100, rng=0)
    >>> round(float(d.draws["specific"].iloc[0]), 3)
    0.716
    """
    obs = _checks.finite("observed", observed)
    sd_f = _checks.positive("sd", sd)
    mcid_f = _checks.positive("mcid", mcid, allow_zero=True)
    n_draws = _checks.integer("n_draws", n_draws, minimum=100)
    _checks.size_limit("n_draws", n_draws * 8, what="draws (8 components each)")
    m = _checks.integer("n_baseline", n_baseline, minimum=1)
    pri = _merge_priors(priors)
    gen = _checks.rng(rng)

    rel, nh_prior, pl_prior = pri["reliability_r"], pri["natural_history_share"], pri["placebo_sd"]
    rtm, rtm_note = _rtm_draws(rel, gen, n_draws, mean=mean, baseline=baseline,
                               threshold=threshold, sd=sd_f, n_baseline=m)
    notes = [rtm_note] if rtm_note else []
    if nh_prior is not None:
        nh = np.maximum(nh_prior.sample(gen, n_draws) * obs - rtm, 0.0)
    else:
        nh = np.zeros(n_draws)
        notes.append("natural history switched off (prior None)")
    if pl_prior is not None:
        placebo = pl_prior.sample(gen, n_draws) * sd_f
    else:
        placebo = np.zeros(n_draws)
        notes.append("placebo/expectation switched off (prior None)")

    specific = obs - nh - rtm - placebo
    draws = pd.DataFrame({"natural_history": nh, "rtm": rtm, "placebo": placebo,
                          "specific": specific})
    used = {"natural_history": nh_prior, "rtm": rel if not np.all(rtm == 0) else None,
            "placebo": pl_prior}
    return Decomposition(
        observed=obs, mcid=mcid_f, sd=sd_f, summary=_summary(draws, used, obs), draws=draws,
        p_exceeds_mcid=float(np.mean(specific > mcid_f)),
        p_positive=float(np.mean(specific > 0)), notes=tuple(notes),
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

    specific = observed - RTM(r) - natural history - placebo, with natural history =
    max(share * observed - RTM, 0) as in :func:`decompose_improvement`.

    Parameters
    ----------
    observed : float
        Observed mean improvement, outcome units (positive = better).
    placebo_sd : sequence of float
        Placebo/expectation effects to try, in SD units (>= 0).
    r : sequence of float
        Reliabilities to try, in [0, 1].
    mean, baseline, threshold, n_baseline
        Regression-to-the-mean inputs (see :func:`regression_to_mean`); give ``baseline``
        or ``threshold``, not both.
    sd : float
        Outcome SD converting SD units to outcome units.
    natural_history_share : float
        No-treatment share of the observed improvement, in [0, 1].
    mcid : float
        Minimal clinically important difference, outcome units.

    Returns
    -------
    pandas.DataFrame
        One row per (r, placebo) pair with columns ``placebo_sd``, ``placebo`` (outcome
        units), ``r``, ``rtm``, ``natural_history``, ``specific``, ``above_mcid`` (bool)
        and ``above_zero`` (bool).

    Examples
    --------
    >>> g = decomposition_grid(3.0, placebo_sd=[0.37], r=[0.7], mean=5, baseline=8,
    ...                        natural_history_share=0.49)
    >>> round(float(g["specific"].iloc[0]), 3)
    0.716
    """
    obs = _checks.finite("observed", observed)
    sd_f = _checks.positive("sd", sd)
    share = _checks.unit_interval("natural_history_share", natural_history_share)
    mcid_f = _checks.positive("mcid", mcid, allow_zero=True)
    pl = _checks.vector("placebo_sd", placebo_sd)
    if pl.size == 0 or np.any(pl < 0):
        raise ValueError(f"placebo_sd must be a non-empty sequence of values >= 0, "
                         f"got {pl.tolist()!r}")
    if baseline is not None and threshold is not None:
        raise ValueError("give baseline or threshold, not both; got "
                         f"baseline={baseline!r}, threshold={threshold!r}")
    rtm_tab = regression_to_mean(
        mean=mean, r=r, baseline=baseline, threshold=threshold,
        sd=sd_f if threshold is not None else None, n_baseline=n_baseline,
    )
    rows = []
    for rv, rtm in zip(rtm_tab["r"], rtm_tab["expected_rtm"], strict=True):
        nh = max(share * obs - rtm, 0.0)
        for p in pl:
            spec = obs - rtm - nh - p * sd_f
            rows.append((float(p), float(p * sd_f), float(rv), float(rtm), nh, spec,
                         bool(spec > mcid_f), bool(spec > 0)))
    return pd.DataFrame(rows, columns=["placebo_sd", "placebo", "r", "rtm", "natural_history",
                                       "specific", "above_mcid", "above_zero"])
