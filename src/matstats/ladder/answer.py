"""The headline answer to "does a mat beat a sham?" and how far it moves.

:func:`sham_sensitivity` recomputes :func:`matstats.ladder.bayes.sham_posterior` over every
choice the answer rests on; :func:`sham_answer` picks the default cell and adds the assurance
of the trial sizes a reader is shown. Words: :func:`matstats.narrative.ladder.sham_answer_sentence`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matstats import literature
from matstats._core import checks as _checks
from matstats._core.priors import OpenEffectPrior, Prior, TauPrior
from matstats.ladder.bayes import (
    FRAME_COLUMNS, _TARGETS, ShamPosterior, _open_effect_prior, _variances, sham_posterior,
)
from matstats.meta.effects import smd_from_p

__all__ = ["ShamAnswer", "pilot_g_inputs", "sham_answer", "sham_sensitivity"]

#: Columns of :func:`sham_sensitivity`.
GRID_COLUMNS = ["g_input", "g", "g_se", *FRAME_COLUMNS, "is_default"]


def pilot_g_inputs(p: Sequence[float] | None = None,
                   arms: Sequence[tuple[int, int]] | None = None,
                   sd_factor: dict[str, float] | None = None) -> pd.DataFrame:
    """Ways to back-calculate a pilot's Hedges' g from its reported p-value.

    Every combination of a two-sided p-value, arm sizes and a test type: g from the
    two-sample t test (:func:`matstats.meta.effects.smd_from_p`) times ``sd_factor`` (the
    ratio of the SD the test used to the endpoint SD), variance
    ``1/n1 + 1/n2 + g^2 / (2 (n1 + n2))``.

    Parameters
    ----------
    p, arms, sd_factor
        Defaults from :data:`matstats.literature.PILOT_G_INPUTS` (the neck-pain pilot:
        p = .021 or .04; 20/20 or 18/17; t test on endpoints or ANCOVA).

    Returns
    -------
    pandas.DataFrame
        One row per combination, the first being the default reading: ``g_input`` (label),
        ``pval``, ``n1``, ``n2``, ``test``, ``sd_factor``, ``yi`` (g), ``vi``, ``sei``.

    Examples
    --------
    >>> tab = pilot_g_inputs()
    >>> round(float(tab.loc[0, "yi"]), 2), len(tab)
    (0.75, 8)
    """
    spec = literature.PILOT_G_INPUTS
    ps = spec["p"] if p is None else tuple(p)
    arm_list = spec["arms"] if arms is None else tuple(arms)
    factors = spec["sd_factor"] if sd_factor is None else dict(sd_factor)
    if not ps or not arm_list or not factors:
        raise ValueError("p, arms and sd_factor must each hold at least one value")
    rows = []
    for pv, (n1, n2), (test, f) in itertools.product(ps, arm_list, factors.items()):
        f = _checks.positive(f"sd_factor {test!r}", f)
        g = float(smd_from_p(pv, n1, n2)["yi"].iloc[0]) * f
        v = 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
        rows.append({"g_input": f"p={pv:g}, {n1}/{n2}, {test}", "pval": float(pv), "n1": n1,
                     "n2": n2, "test": test, "sd_factor": f, "yi": g, "vi": v,
                     "sei": math.sqrt(v)})
    return pd.DataFrame(rows)


def _inputs(yi, vi, sei, g_inputs) -> pd.DataFrame:
    if g_inputs is not None:
        missing = {"g_input", "yi", "vi"} - set(g_inputs.columns)
        if missing:
            raise ValueError(f"g_inputs must have columns g_input, yi, vi; missing "
                             f"{sorted(missing)}")
        return g_inputs[["g_input", "yi", "vi"]].reset_index(drop=True)
    if yi is None:
        raise ValueError("give yi (with vi or sei) or g_inputs")
    return pd.DataFrame({"g_input": ["as given"], "yi": [_checks.vector("yi", yi)],
                         "vi": [_variances(vi, sei)]})


def sham_sensitivity(yi=None, vi=None, *, sei=None, g_inputs: pd.DataFrame | None = None,
                     open_priors: Sequence[OpenEffectPrior | str] | None = None,
                     tau_priors: Sequence[TauPrior | str] | None = None,
                     offsets: Sequence[Prior] | None = None, target: str = "new_trial",
                     mid: float = literature.MID_SD_PAIN_BETWEEN,
                     level: float = 0.95) -> pd.DataFrame:
    """:func:`~matstats.ladder.bayes.sham_posterior` over open-effect priors x heterogeneity
    priors x offset priors x inputs.

    Parameters
    ----------
    yi, vi, sei
        Open-control effects and their variances or SEs (one input), or None when
        ``g_inputs`` is given.
    g_inputs : DataFrame, optional
        Alternative single-study inputs, columns ``g_input`` (label), ``yi``, ``vi`` (e.g.
        :func:`pilot_g_inputs`); the first row is the default reading.
    open_priors, tau_priors, offsets
        Defaults :data:`matstats.literature.OPEN_EFFECT_PRIORS`,
        :data:`matstats.literature.LADDER_TAU_PRIORS`, :data:`matstats.literature.OFFSET_PRIORS`;
        the first of each is the default.
    target : {"new_trial", "average"}
    mid, level
        As in :func:`~matstats.ladder.bayes.sham_posterior`.

    Returns
    -------
    pandas.DataFrame
        One row per input x open prior x heterogeneity prior x offset prior
        (:data:`GRID_COLUMNS`): ``g_input`` (label of the input, ``"as given"`` without
        ``g_inputs``), ``g``, ``g_se`` (the open-control effect and its SE as given, first
        study), the columns of :meth:`~matstats.ladder.bayes.ShamPosterior.to_frame` (for
        ``target``) and ``is_default`` (the default cell: first input, open prior,
        heterogeneity prior and offset).

    Examples
    --------
    >>> tab = sham_sensitivity([0.75], sei=[0.33])
    >>> tab.shape[0]  # 3 open-effect priors x 5 heterogeneity priors x 3 offsets
    45
    >>> int(tab["is_default"].sum())
    1
    """
    _checks.one_of("target", target, _TARGETS)
    inputs = _inputs(yi, vi, sei, g_inputs)
    ops = tuple(_open_effect_prior(p) for p in (literature.OPEN_EFFECT_PRIORS
                                               if open_priors is None else open_priors))
    taus = literature.LADDER_TAU_PRIORS if tau_priors is None else tuple(tau_priors)
    if not ops or not taus:
        raise ValueError("open_priors and tau_priors must each hold at least one prior")
    parts = []
    for i, inp in inputs.iterrows():
        y, v = np.atleast_1d(inp["yi"]), np.atleast_1d(inp["vi"])
        for j, op in enumerate(ops):
            for t, tp in enumerate(taus):
                frame = sham_posterior(y, v, tau_prior=tp, offsets=offsets, open_prior=op,
                                       mid=mid, level=level).to_frame()
                frame = frame[frame["target"] == target].reset_index(drop=True).assign(
                    g_input=inp["g_input"], g=float(y[0]), g_se=math.sqrt(float(v[0])))
                frame["is_default"] = (i == 0) & (j == 0) & (t == 0) & (frame.index == 0)
                parts.append(frame)
    return pd.concat(parts, ignore_index=True)[GRID_COLUMNS]


@dataclass(frozen=True, eq=False)
class ShamAnswer:
    """The headline answer (:func:`sham_answer`).

    Attributes
    ----------
    posterior : ShamPosterior
        The default posterior (default input, open prior, heterogeneity prior; its first
        offset is the default one).
    grid : pandas.DataFrame
        :func:`sham_sensitivity` over every choice (``is_default`` marks the default cell).
    default : pandas.Series
        The default cell of ``grid``.
    open_priors : pandas.DataFrame
        The default cell under each open-effect prior (``open_prior``, ``prob_beats_sham``,
        ``prob_beats_sham_by_mid``).
    exceedance : pandas.DataFrame
        :meth:`ShamPosterior.exceedance` of ``posterior`` (default offset only).
    assurance : pandas.DataFrame
        ``n_per_arm``, ``assurance`` (:meth:`ShamPosterior.assurance` of ``posterior``).
    n_for_target : float
        Per-arm size reaching ``assurance_target`` (``inf``: no size does).
    assurance_target, alpha : float
    """

    posterior: ShamPosterior = field(repr=False)
    grid: pd.DataFrame = field(repr=False)
    default: pd.Series = field(repr=False)
    open_priors: pd.DataFrame = field(repr=False)
    exceedance: pd.DataFrame = field(repr=False)
    assurance: pd.DataFrame = field(repr=False)
    n_for_target: float
    assurance_target: float
    alpha: float

    @property
    def grid_range(self) -> tuple[float, float]:
        """Smallest and largest P(true effect favours the mat) across the grid."""
        p = self.grid["prob_beats_sham"]
        return float(p.min()), float(p.max())

    def prob_under(self, open_prior: str) -> float:
        """P(true effect favours the mat) in the default cell under another open-effect prior."""
        rows = self.open_priors.set_index("open_prior")
        name = _checks.one_of("open_prior", open_prior, rows.index)
        return float(rows.loc[name, "prob_beats_sham"])


def sham_answer(yi=None, vi=None, *, sei=None, g_inputs: pd.DataFrame | None = None,
                n_per_arm: Sequence[float], assurance_target: float = 0.8,
                alpha: float = 0.05, **grid_kwargs) -> ShamAnswer:
    """The default answer, the grid around it and the assurance of realistic trials.

    Parameters
    ----------
    yi, vi, sei, g_inputs
        As in :func:`sham_sensitivity` (the first ``g_inputs`` row is the default input).
    n_per_arm : sequence of float
        Per-arm trial sizes to give the assurance for (e.g. the sizes a page quotes).
    assurance_target : float
        Assurance whose per-arm size is searched for.
    alpha : float
        Two-sided test size of the future trial.
    **grid_kwargs
        ``open_priors``, ``tau_priors``, ``offsets``, ``mid``, ``level`` of
        :func:`sham_sensitivity`; the first of each is the default.

    Returns
    -------
    ShamAnswer

    Examples
    --------
    >>> ans = sham_answer([0.75], sei=[0.33], n_per_arm=[100])
    >>> lo, hi = ans.grid_range
    >>> bool(lo <= ans.default["prob_beats_sham"] <= hi)
    True
    """
    grid = sham_sensitivity(yi, vi, sei=sei, g_inputs=g_inputs, **grid_kwargs)
    inputs = _inputs(yi, vi, sei, g_inputs)
    ops = grid_kwargs.get("open_priors") or literature.OPEN_EFFECT_PRIORS
    taus = grid_kwargs.get("tau_priors") or literature.LADDER_TAU_PRIORS
    post = sham_posterior(np.atleast_1d(inputs.loc[0, "yi"]), np.atleast_1d(inputs.loc[0, "vi"]),
                          tau_prior=taus[0], open_prior=ops[0],
                          offsets=grid_kwargs.get("offsets"),
                          mid=grid_kwargs.get("mid", literature.MID_SD_PAIN_BETWEEN),
                          level=grid_kwargs.get("level", 0.95))
    default = grid[grid["is_default"]].iloc[0]
    same = ((grid["g_input"] == default["g_input"]) & (grid["tau_prior"] == default["tau_prior"])
            & (grid["offset_prior"] == default["offset_prior"]))
    by_open = grid.loc[same, ["open_prior", "prob_beats_sham", "prob_beats_sham_by_mid"]]
    first = post.offsets[0].name
    exc = post.exceedance()
    n = _checks.vector("n_per_arm", n_per_arm)
    assurance = pd.DataFrame({"n_per_arm": n, "assurance": post.assurance(n, alpha=alpha)})
    return ShamAnswer(
        posterior=post, grid=grid, default=default, open_priors=by_open.reset_index(drop=True),
        exceedance=exc[exc["offset_prior"] == first].reset_index(drop=True),
        assurance=assurance,
        n_for_target=post.n_for_assurance(assurance_target, alpha=alpha),
        assurance_target=float(assurance_target), alpha=float(alpha))
