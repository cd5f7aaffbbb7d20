"""Bayesian answer to "does the mat beat a sham?": the ladder's expected mat-vs-sham effect as a
posterior, computed deterministically.

No mat-vs-sham trial has results, so the effect against a sham is an inference: the
open-control studies (:func:`open_control_studies`) are pooled by the Bayesian normal-normal
model (:func:`matstats.meta.bayesmeta.bayes_meta`) with a heterogeneity prior
(:data:`matstats.literature.LADDER_TAU_PRIORS`) and a prior on the open effect
(:data:`matstats.literature.OPEN_EFFECT_PRIORS`), and each offset prior
(:data:`matstats.literature.OFFSET_PRIORS`) acts on it: a ``difference`` (unit ``"sd"``)
theta_sham = theta_open - offset, a ``ratio`` (unit ``"share"``) theta_sham = theta_open x
share. :func:`sham_posterior` returns the posterior (:class:`ShamPosterior`);
:func:`compare_sham_answers` sets it beside the frequentist answer of
:func:`matstats.ladder.sham_offset`. The sensitivity grid and the headline answer are
:mod:`matstats.ladder.answer`; the words, :mod:`matstats.narrative.ladder`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from matstats.meta import _bayesmeta_quad as _q
from matstats import literature
from matstats._core import checks as _checks
from matstats._core.priors import KnownTau, OpenEffectPrior, Prior, TauPrior
from matstats.meta.bayesmeta import BayesMetaFit, _inputs, _like, bayes_meta
from matstats.ladder.rungs import OFFSET_FORMS, _offset_priors, select_one_per_study, sham_offset
from matstats.ladder.trial_size import exaggeration_ratio
from matstats.meta import meta_analysis
from matstats.evidence.study_effects import MatEffects

__all__ = [
    "ShamPosterior",
    "FRAME_COLUMNS",
    "compare_sham_answers",
    "open_control_studies",
    "sham_posterior",
]

#: ``target`` (see :meth:`ShamPosterior.to_frame`) -> the parameter of the open-control fit.
_TARGETS = {"new_trial": "theta", "average": "mu"}
#: Columns of :meth:`ShamPosterior.to_frame` and :func:`sham_sensitivity`.
FRAME_COLUMNS = [
    "open_prior", "tau_prior", "offset_prior", "form", "question", "target", "k", "tau_from",
    "median", "ci_low", "ci_high", "level", "prob_beats_sham", "prob_beats_sham_by_mid", "mid",
    "open_median", "open_ci_low", "open_ci_high", "tau_median", "offset_mean", "offset_sd",
]
#: What a row answers, by offset form (``question`` of :meth:`ShamPosterior.to_frame`).
QUESTIONS = {"difference": "beats_sham", "ratio": "size_if_specific_effect_exists"}
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)
_PANELS = 64        # panels of the offset quadrature (a normal prior: 2.7 per prior SD)
_SPAN = 12.0        # a normal offset prior is integrated over mean +- 12 SD
_BLOCK = 4_000_000  # largest (points x offset nodes x mixture nodes) array built at once


# ------------------------------------------------------------------------------ inputs
def open_control_studies(effects: pd.DataFrame | MatEffects, *,
                         domains: Sequence[str] = ("pain",), device_group: str = "mat",
                         control_class: str = "no_treatment") -> pd.DataFrame:
    """The studies of one rung of the ladder, one effect per study, as pooled there.

    Parameters
    ----------
    effects : DataFrame or MatEffects
        Output of :func:`matstats.evidence.study_effects.study_effect_sizes`.
    domains : sequence of str
        Outcome domains (as :func:`matstats.ladder.pooled_by_control`).
    device_group, control_class : str
        The rung; the default is the open control (mat vs no treatment / waiting list).

    Returns
    -------
    pandas.DataFrame
        ``study_id``, ``outcome_measure``, ``yi``, ``vi``, ``sei``, ``uses_unverified``;
        one row per study (possibly none).

    Examples
    --------
    >>> from matstats.evidence.study_effects import study_effect_sizes
    >>> open_control_studies(study_effect_sizes())["study_id"].tolist()
    ['hohmann2012_neck']
    """
    chosen, _ = select_one_per_study(effects, domains=domains)
    sub = chosen[(chosen["device_group"] == device_group)
                 & (chosen["control_class"] == control_class)]
    out = sub[["study_id", "outcome_measure", "yi", "vi", "uses_unverified"]].copy()
    out.insert(4, "sei", np.sqrt(out["vi"].astype(float)))
    return out.reset_index(drop=True)


# ------------------------------------------------------------------ the convolution
def _panel_rule(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    half = np.diff(edges) / 2
    mid = (edges[:-1] + edges[1:]) / 2
    return ((mid[:, None] + half[:, None] * _GL_X).ravel(),
            (half[:, None] * _GL_W).ravel())


def _offset_nodes(pr: Prior, form: str) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights (summing to 1) of the offset prior for the quadrature."""
    dist = pr.frozen()
    if dist is None:                       # fixed value (or a zero-width prior)
        return np.array([pr.mean]), np.array([1.0])
    if pr.dist == "normal":
        edges = np.linspace(pr.mean - _SPAN * pr.sd, pr.mean + _SPAN * pr.sd, _PANELS + 1)
        if form == "ratio" and edges[0] < 0 < edges[-1]:
            edges = np.unique(np.append(edges, 0.0))   # the product kinks at share 0
        x, wq = _panel_rule(edges)
        w = wq * dist.pdf(x)
    else:                                  # bounded families: probability space
        u, w = _panel_rule(np.linspace(0.0, 1.0, _PANELS + 1))
        x = dist.ppf(u)
    return x, w / w.sum()


@dataclass(frozen=True, eq=False)
class _Convolved:
    """Distribution of theta_open (a normal mixture) combined with an offset."""

    m: np.ndarray
    s: np.ndarray
    w: np.ndarray
    form: str
    v: np.ndarray = field(default_factory=lambda: np.zeros(1))
    u: np.ndarray = field(default_factory=lambda: np.ones(1))

    @property
    def closed_form(self) -> bool:
        return self.v.size == 1 and self.v[0] == 0.0 and self.form == "difference"

    def _args(self, x: np.ndarray) -> np.ndarray:
        # P(theta_sham <= x) = sum_n u_n P(theta_open <= arg_n) (or >= for a negative share)
        if self.form == "difference":
            return x[:, None] + self.v[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return x[:, None] / self.v[None, :]

    def _blocks(self, x):
        """``x`` as an array in blocks of at most :data:`_BLOCK` array cells, and the output."""
        x = np.atleast_1d(np.asarray(x, dtype=float))
        out = np.empty(x.size)
        step = max(1, _BLOCK // (self.v.size * self.m.size))
        return out, ((slice(i, i + step), x[i:i + step]) for i in range(0, x.size, step))

    def cdf(self, x) -> np.ndarray:
        out, blocks = self._blocks(x)
        for i, xs in blocks:
            a = self._args(xs)
            F = _q.mix_cdf(a.ravel(), self.m, self.s, self.w).reshape(a.shape)
            if self.form == "ratio":
                F = np.where(self.v > 0, F, np.where(self.v < 0, 1.0 - F,
                                                     (xs[:, None] >= 0).astype(float)))
            out[i] = F @ self.u
        return out

    def pdf(self, x) -> np.ndarray:
        out, blocks = self._blocks(x)
        jac = np.ones_like(self.v) if self.form == "difference" else 1.0 / np.abs(self.v)
        for i, xs in blocks:
            a = self._args(xs)
            f = _q.mix_pdf(a.ravel(), self.m, self.s, self.w).reshape(a.shape)
            out[i] = (f * jac) @ self.u
        return out

    def quantile(self, q) -> np.ndarray:
        q = np.atleast_1d(np.asarray(q, dtype=float))
        if self.closed_form:
            return _q.mix_quantile(q, self.m, self.s, self.w)
        out = np.empty(q.size)
        centre = float(_q.mix_quantile([0.5], self.m, self.s, self.w)[0])
        centre = float(np.median(self._args(np.array([centre]))))
        typical = float(_q.mix_quantile([0.75], self.m, self.s, self.w)[0]
                        - _q.mix_quantile([0.25], self.m, self.s, self.w)[0])
        width = typical * max(1e-3, float(np.max(np.abs(self.v))))
        for i, p in enumerate(q):
            lo, hi = centre - width, centre + width
            while self.cdf(lo)[0] > p:
                lo -= 2 * (hi - lo)
            while self.cdf(hi)[0] < p:
                hi += 2 * (hi - lo)
            out[i] = optimize.brentq(lambda t, p=p: self.cdf(t)[0] - p, lo, hi,
                                     xtol=1e-12, rtol=1e-12, maxiter=500)
        return out


    def assurance(self, n_per_arm: np.ndarray, z: float) -> np.ndarray:
        """E[Phi(delta sqrt(n/2) - z)] over this distribution of delta, for each n (see
        :meth:`ShamPosterior.assurance`), per mixture component and offset node."""
        a = np.sqrt(np.asarray(n_per_arm, dtype=float) / 2.0)
        if self.form == "difference":      # delta | node = N(m - v, s^2)
            mean = self.m[None, :] - self.v[:, None]
            sd = np.broadcast_to(self.s[None, :], mean.shape)
        else:                              # delta | node = N(v m, v^2 s^2)
            mean = self.v[:, None] * self.m[None, :]
            sd = np.abs(self.v[:, None]) * self.s[None, :]
        weight = self.u[:, None] * self.w[None, :]
        out = np.empty(a.size)
        for i, ai in enumerate(a.ravel()):
            p = stats.norm.cdf((ai * mean - z) / np.sqrt(1.0 + (ai * sd) ** 2))
            out[i] = float(np.sum(weight * p)) / float(np.sum(weight))
        return out.reshape(a.shape)


def _convolve(fit: BayesMetaFit, param: str, pr: Prior) -> _Convolved:
    m, s, w = fit.mixture(param)
    form = OFFSET_FORMS[pr.unit]
    if form == "difference" and pr.dist in ("normal", "fixed"):
        # closed form: N(m_j, s_j^2) - N(a, b^2) = N(m_j - a, s_j^2 + b^2)
        return _Convolved(m - pr.mean, np.sqrt(s**2 + pr.sd**2), w, form)
    v, u = _offset_nodes(pr, form)
    return _Convolved(m, s, w, form, v, u)


# ------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class ShamPosterior:
    """Posterior of the mat-vs-sham effect (:func:`sham_posterior`).

    Attributes
    ----------
    open_fit : BayesMetaFit
        The Bayesian meta-analysis of the open-control studies.
    open_prior, tau_prior, offsets, mid, level
        The arguments of :func:`sham_posterior`, resolved (a name becomes its prior).
    study_ids : tuple of str
        The open-control studies.
    open_inputs : tuple of float
        The open-control effects as analysed (after any deflation).
    """

    open_fit: BayesMetaFit = field(repr=False)
    open_prior: OpenEffectPrior
    tau_prior: TauPrior
    offsets: tuple[Prior, ...] = field(repr=False)
    study_ids: tuple[str, ...]
    open_inputs: tuple[float, ...]
    mid: float
    level: float
    _dists: dict = field(repr=False, compare=False)
    _frame: pd.DataFrame = field(repr=False, compare=False)

    def _dist(self, offset: str | None, target: str) -> _Convolved:
        _checks.one_of("target", target, _TARGETS)
        names = [p.name for p in self.offsets]
        name = names[0] if offset is None else _checks.one_of("offset", offset, names)
        return self._dists[(name, target)]

    def cdf(self, x, *, offset: str | None = None, target: str = "new_trial"):
        """P(true mat-vs-sham effect <= x) under the offset prior named ``offset`` (default:
        the first), for ``target`` ``"new_trial"`` or ``"average"``."""
        return _like(x, self._dist(offset, target).cdf(x))

    def pdf(self, x, *, offset: str | None = None, target: str = "new_trial"):
        """Posterior density of the true mat-vs-sham effect at ``x``."""
        return _like(x, self._dist(offset, target).pdf(x))

    def quantile(self, q, *, offset: str | None = None, target: str = "new_trial"):
        """Posterior quantiles of the true mat-vs-sham effect at probabilities ``q`` in (0, 1)."""
        qa = np.atleast_1d(np.asarray(q, dtype=float))
        if np.any(~((qa > 0) & (qa < 1))):
            raise ValueError(f"q must lie strictly between 0 and 1, got {q!r}")
        return _like(q, self._dist(offset, target).quantile(qa))

    def prob(self, greater_than: float, *, offset: str | None = None,
             target: str = "new_trial") -> float:
        """P(true mat-vs-sham effect > ``greater_than``); 0 is "the mat beats the sham"."""
        c = _checks.finite("greater_than", greater_than)
        return float(1.0 - self._dist(offset, target).cdf(c)[0])

    def exceedance(self, thresholds: dict[str, float] | None = None, *,
                   target: str = "new_trial") -> pd.DataFrame:
        """P(true mat-vs-sham effect > threshold) for each difference offset and threshold.

        Parameters
        ----------
        thresholds : dict of str to float, optional
            Name -> threshold in SD units; default :data:`matstats.literature.MID_THRESHOLDS`
            (0.2 SD, the cited between-group MID, 0.5 SD).
        target : {"new_trial", "average"}

        Returns
        -------
        pandas.DataFrame
            ``offset_prior``, ``threshold_name``, ``threshold`` (SD), ``prob`` (posterior
            probability that the true effect exceeds it); share (ratio) offsets are left out.

        Examples
        --------
        >>> post = sham_posterior([0.75], sei=[0.33])
        >>> post.exceedance()["threshold_name"].tolist()[:3]
        ['small_0.2sd', 'between_group_mid', 'half_sd']
        """
        thresholds = {name: _checks.finite(f"threshold {name!r}", t) for name, t in
                      dict(literature.MID_THRESHOLDS if thresholds is None else thresholds).items()}
        rows = [{"offset_prior": pr.name, "threshold_name": name, "threshold": t,
                 "prob": self.prob(t, offset=pr.name, target=target)}
                for pr in self.offsets if OFFSET_FORMS[pr.unit] == "difference"
                for name, t in thresholds.items()]
        return pd.DataFrame(rows, columns=["offset_prior", "threshold_name", "threshold", "prob"])

    def assurance(self, n_per_arm, *, offset: str | None = None, alpha: float = 0.05):
        """Probability that a two-arm mat-vs-sham trial with ``n_per_arm`` per arm comes out
        significant in the mat's favour, averaged over the posterior of its true effect.

        The trial's test is the two-sided two-sample test at ``alpha`` in the normal
        approximation: power(delta) = Phi(delta sqrt(n/2) - z_{1-alpha/2}) for a true SMD
        delta; averaged over the new-trial posterior (a normal mixture) in closed form,
        E[Phi(a delta - z)] = Phi((a m - z) / sqrt(1 + a^2 s^2)) per component. As n grows it
        tends to P(true effect > 0), so it can never exceed that.

        Examples
        --------
        >>> post = sham_posterior([0.75], sei=[0.33])
        >>> a = post.assurance([50, 500])
        >>> bool(a[1] < post.prob(0.0))
        True
        """
        n = np.asarray(n_per_arm, dtype=float)
        if np.any(~np.isfinite(n)) or np.any(n < 2):
            raise ValueError(f"n_per_arm must be finite and >= 2, got {n_per_arm!r}")
        z = float(stats.norm.isf(_checks.alpha(alpha) / 2))
        return _like(n_per_arm, self._dist(offset, "new_trial").assurance(np.atleast_1d(n), z))

    def n_for_assurance(self, assurance: float = 0.8, *, offset: str | None = None,
                        alpha: float = 0.05, max_n: int = 1_000_000) -> float:
        """Smallest n per arm whose :meth:`assurance` reaches ``assurance``, or ``inf`` when no
        size up to ``max_n`` does (always so when P(true effect > 0) <= ``assurance``).

        Examples
        --------
        >>> post = sham_posterior([0.75], sei=[0.33])
        >>> post.n_for_assurance(0.99)
        inf
        """
        target = _checks.unit_interval("assurance", assurance, open_low=True, open_high=True)
        grid = np.unique(np.round(np.geomspace(2, max_n, 400)))
        a = self.assurance(grid, offset=offset, alpha=alpha)
        hit = np.nonzero(a >= target)[0]
        if not hit.size:
            return math.inf
        hi = int(grid[hit[0]])
        lo = int(grid[hit[0] - 1]) if hit[0] > 0 else 1
        while hi - lo > 1:                 # bisection between the bracketing grid points
            mid = (lo + hi) // 2
            if self.assurance(float(mid), offset=offset, alpha=alpha) >= target:
                hi = mid
            else:
                lo = mid
        return float(hi)

    def to_frame(self) -> pd.DataFrame:
        """The answer, one row per target and offset prior.

        Returns
        -------
        pandas.DataFrame
            Columns (:data:`FRAME_COLUMNS`):

            - ``open_prior`` : name of the open-effect prior (:data:`matstats.literature.
              OPEN_EFFECT_PRIORS`);
            - ``tau_prior`` : name of the heterogeneity prior of the open-control model;
            - ``offset_prior``, ``form`` : the offset prior and how it acts
              (``difference``: open - offset; ``ratio``: open x share);
            - ``question`` : ``beats_sham`` (a difference offset) or
              ``size_if_specific_effect_exists`` (a share: the size of a mat-specific effect
              if one exists; its probabilities are NaN, since a positive share cannot change
              the sign of the open effect);
            - ``target`` : ``new_trial`` (the true effect in a new mat-vs-sham trial's
              setting, which includes the heterogeneity tau) or ``average`` (mu - offset);
            - ``k`` : number of open-control studies;
            - ``tau_from`` : ``prior`` when k = 1 (the data say nothing about tau: its
              posterior is its prior), ``fixed`` for a known tau, else ``posterior``;
            - ``median``, ``ci_low``, ``ci_high``, ``level`` : posterior median and
              equal-tailed credible interval of the true mat-vs-sham effect (SMD, positive =
              mat better);
            - ``prob_beats_sham`` : posterior probability that the true effect is > 0;
            - ``prob_beats_sham_by_mid``, ``mid`` : probability that it exceeds the
              between-group important difference ``mid`` (SD units);
            - ``open_median``, ``open_ci_low``, ``open_ci_high`` : the same for the
              open-control effect before the offset (theta or mu);
            - ``tau_median`` : posterior median of tau;
            - ``offset_mean``, ``offset_sd`` : the offset prior.

        Examples
        --------
        >>> post = sham_posterior([0.75], sei=[0.33])
        >>> post.to_frame().loc[0, ["target", "offset_prior"]].tolist()
        ['new_trial', 'physical_sham_vs_none']
        """
        return self._frame.copy()


def _row(post_fit: BayesMetaFit, dist: _Convolved, pr: Prior, target: str,
         mid: float, level: float) -> dict:
    a = (1 - level) / 2
    med, lo, hi = dist.quantile([0.5, a, 1 - a])
    form = OFFSET_FORMS[pr.unit]
    p0, p1 = (1.0 - dist.cdf([0.0, mid])) if form == "difference" else (math.nan, math.nan)
    param = _TARGETS[target]
    om, olo, ohi = post_fit.quantile(param, [0.5, a, 1 - a])
    tau_from = ("fixed" if isinstance(post_fit.tau_prior, KnownTau) else
                "prior" if post_fit.k == 1 else "posterior")
    return {"offset_prior": pr.name, "form": form, "question": QUESTIONS[form],
            "target": target, "k": post_fit.k, "tau_from": tau_from, "median": med,
            "ci_low": lo, "ci_high": hi, "level": level,
            "prob_beats_sham": p0, "prob_beats_sham_by_mid": p1, "mid": mid,
            "open_median": om, "open_ci_low": olo, "open_ci_high": ohi,
            "tau_median": float(post_fit.quantile("tau", 0.5)),
            "offset_mean": pr.mean, "offset_sd": pr.sd}


def _open_effect_prior(prior: OpenEffectPrior | str | tuple | None) -> OpenEffectPrior:
    """The :class:`OpenEffectPrior` that ``prior`` stands for (see :func:`sham_posterior`)."""
    if prior is None:
        return literature.OPEN_EFFECT_PRIOR
    if isinstance(prior, OpenEffectPrior):
        return prior
    if isinstance(prior, str):
        names = {p.name: p for p in literature.OPEN_EFFECT_PRIORS}
        return names[_checks.one_of("open_prior", prior, names)]
    try:
        mean, sd = (float(v) for v in prior)
        mu = Prior("mu_prior", "normal", (mean, sd), "sd", "given")
        return OpenEffectPrior(f"normal({mean:g}, {sd:g})", mu, source="given")
    except (TypeError, ValueError):
        raise ValueError(f"open_prior must be None, a name in "
                         f"{[p.name for p in literature.OPEN_EFFECT_PRIORS]}, a pair (mean, sd) "
                         f"with sd > 0 or an OpenEffectPrior, got {prior!r}") from None


def _deflate(y: np.ndarray, se: np.ndarray, op: OpenEffectPrior, alpha: float = 0.05):
    """Divide each significant effect by its exaggeration ratio at ``op.plausible_effect``."""
    if op.plausible_effect is None:
        return y
    z = stats.norm.isf(alpha / 2)
    ratio = exaggeration_ratio(op.plausible_effect, se, alpha=alpha)
    return np.where(np.abs(y) > z * se, y / ratio, y)


def _variances(vi, sei) -> np.ndarray:
    """The sampling variances, given as ``vi`` or as standard errors ``sei`` (exactly one)."""
    if (vi is None) == (sei is None):
        raise ValueError("give exactly one of vi and sei")
    if sei is None:
        return _checks.vector("vi", vi, positive=True)
    return _checks.vector("sei", sei, positive=True) ** 2


def sham_posterior(yi, vi=None, *, sei=None, slab=None,
                   tau_prior: TauPrior | str | None = None,
                   offsets: Sequence[Prior] | None = None,
                   open_prior: OpenEffectPrior | str | tuple | None = None,
                   mid: float = literature.MID_SD_PAIN_BETWEEN,
                   level: float = 0.95) -> ShamPosterior:
    """Posterior of the true mat-vs-sham effect from open-control studies and sham offsets.

    Parameters
    ----------
    yi : array_like
        Open-control effects (SMD, mat vs no treatment / waiting list, positive = mat
        better), one per study (:func:`open_control_studies`); k = 1 works.
    vi, sei : array_like
        Sampling variances or standard errors (exactly one).
    slab : array_like, optional
        Study labels.
    tau_prior : TauPrior or str, optional
        Heterogeneity prior of the open-control model, or its name in
        :data:`matstats.literature.TAU_PRIORS_BY_NAME`; default
        :data:`matstats.literature.LADDER_TAU_PRIOR` (half-normal, scale 0.5 SD).
    offsets : sequence of Prior, optional
        Offset priors, default :data:`matstats.literature.OFFSET_PRIORS` (predictive for a new
        kind of sham; unit ``"sd"``: subtracted). A ``"share"`` prior (e.g.
        :data:`matstats.literature.SHARE_PRIOR`) is multiplied and answers only how large a
        specific effect would be if one exists.
    open_prior : OpenEffectPrior, str, (mean, sd) or None
        Prior treatment of the open effect: a name in
        :data:`matstats.literature.OPEN_EFFECT_PRIORS`, a normal prior ``(mean, sd)`` on mu,
        or the prior itself; default :data:`matstats.literature.OPEN_EFFECT_PRIOR`
        (sceptical normal(0, 0.5^2) on mu).
    mid : float
        Between-group important difference in SD units, default
        :data:`matstats.literature.MID_SD_PAIN_BETWEEN` (1 NRS point / 2.2).
    level : float
        Credibility level of the equal-tailed intervals.

    Returns
    -------
    ShamPosterior
        ``to_frame()`` (one row per target and offset; columns in
        :meth:`ShamPosterior.to_frame`), ``cdf``/``pdf``/``quantile``/``prob``,
        ``exceedance``, ``assurance``, ``n_for_assurance``.

    Raises
    ------
    ValueError
        Bad data, prior, ``mid`` or ``level`` (the message names the parameter), and an
        improper posterior (e.g. a flat tau prior with k = 1).

    Notes
    -----
    Deterministic: the open-control posterior is a normal mixture over tau
    (:meth:`~matstats.meta.bayesmeta.BayesMetaFit.mixture`); a normal difference offset
    convolves it in closed form, other offsets by composite 12-point Gauss-Legendre
    quadrature over the offset (64 panels), giving CDFs to ~1e-10 (checked against adaptive
    quadrature in the tests); quantiles solve the CDF by Brent's method. The offset is
    independent of the open effect, and is itself the effect of other interventions (an
    inference, not a measurement). The probabilities are about the true effect; what a
    trial would find is :meth:`ShamPosterior.assurance`.

    Examples
    --------
    >>> post = sham_posterior([0.75], sei=[0.33])
    >>> round(post.prob(0.0), 3) > 0.5
    True
    """
    prior = literature.tau_prior(literature.LADDER_TAU_PRIOR if tau_prior is None else tau_prior)
    op = _open_effect_prior(open_prior)
    offsets = _offset_priors(offsets, "offsets")
    mid = _checks.positive("mid", mid)
    level = _checks.level(level)
    if op.plausible_effect is not None:     # deflate on the variances the fit will use
        vi, sei = _variances(vi, sei), None
        y, se, _ = _inputs(yi, vi, None, None, None)
        yi = _deflate(y, se, op)
    # medians, intervals and probabilities always exist; a posterior mean or sd that does not
    # (a heavy-tailed tau prior with k = 1) is not used here, so its warning is not ours
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="the posterior .*do not exist",
                                category=RuntimeWarning)
        fit = bayes_meta(yi, vi, sei=sei, slab=slab, tau_prior=prior, mu_prior=op.mu_pair,
                         level=level)
    dists, rows = {}, []
    for target in _TARGETS:
        for pr in offsets:
            dists[(pr.name, target)] = d = _convolve(fit, _TARGETS[target], pr)
            rows.append({"open_prior": op.name, "tau_prior": prior.label,
                         **_row(fit, d, pr, target, mid, level)})
    return ShamPosterior(open_fit=fit, open_prior=op, tau_prior=prior, offsets=offsets,
                         study_ids=fit.slab, open_inputs=tuple(float(x) for x in fit.yi),
                         mid=mid, level=level, _dists=dists,
                         _frame=pd.DataFrame(rows, columns=FRAME_COLUMNS))


# ----------------------------------------------------------- beside the frequentist answer
#: Answers of :func:`compare_sham_answers`, in order.
ANSWERS = ("frequentist", "bayes_tau_zero", "bayes_average", "bayes_new_trial")


def _frequentist_rows(y, v, offsets, mid, level, method) -> tuple[pd.DataFrame, str]:
    if y.size == 1:
        est, se = float(y[0]), math.sqrt(float(v[0]))
        het = "none: k = 1, tau not estimable (treated as 0)"
    else:
        res = meta_analysis(y, v, method=method, test="z", level=level)
        est, se = float(res.estimate), float(res.se)
        het = f"{method} tau = {math.sqrt(res.tau2):.3g}"
    fr = sham_offset(est, se, priors=offsets, method="normal", level=level)
    fr["prob_mid"] = stats.norm.sf(mid, loc=fr["expected"], scale=fr["se"])
    return fr, het


def compare_sham_answers(yi, vi=None, *, sei=None,
                         tau_prior: TauPrior | str | None = None,
                         offsets: Sequence[Prior] | None = None,
                         mid: float = literature.MID_SD_PAIN_BETWEEN, level: float = 0.95,
                         method: str = "REML") -> pd.DataFrame:
    """The frequentist and Bayesian answers to "does the mat beat a sham?" side by side.

    Four answers per offset prior (:data:`ANSWERS`): ``frequentist`` (the open-control
    estimate, single study or ``method`` random effects with z inference, through
    :func:`matstats.ladder.sham_offset` with the normal approximation), ``bayes_tau_zero``
    (the Bayesian model with tau fixed at 0 and a flat mu prior: the same model as the
    frequentist one for k = 1, computed exactly), ``bayes_average`` (mu - offset under
    ``tau_prior``) and ``bayes_new_trial`` (the effect a new trial would see). The steps
    between them separate the reasons the answers differ: approximation (frequentist vs
    tau = 0), uncertainty about tau (tau = 0 vs average), and a new trial's own deviation
    (average vs new trial). The Bayesian answers here use a flat prior on the open effect
    (``open_prior="flat"``), the frequentist answer's implicit one, so that only the
    heterogeneity separates them.

    Parameters
    ----------
    yi, vi, sei, tau_prior, offsets, mid, level
        As in :func:`sham_posterior`.
    method : str
        Heterogeneity estimator of the frequentist pool when k >= 2.

    Returns
    -------
    pandas.DataFrame
        One row per offset prior and answer: ``offset_prior``, ``form``, ``answer``,
        ``heterogeneity`` (how tau enters), ``center`` (frequentist estimate or posterior
        median), ``ci_low``, ``ci_high`` (confidence or credible interval at ``level``),
        ``ci_width``, ``prob_beats_sham`` (frequentist: the normal approximation's
        P(effect > 0), a confidence-distribution reading), ``prob_beats_sham_by_mid``,
        ``width_ratio`` (``ci_width`` over the frequentist one).

    Examples
    --------
    >>> cmp = compare_sham_answers([0.75], sei=[0.33])
    >>> cmp["answer"].unique().tolist() == list(ANSWERS)
    True
    """
    y, v = _checks.vector("yi", yi), _variances(vi, sei)
    offsets = _offset_priors(offsets, "offsets")
    post = sham_posterior(y, v, tau_prior=tau_prior, offsets=offsets, open_prior="flat",
                          mid=mid, level=level)
    zero = sham_posterior(y, v, tau_prior=KnownTau(0.0), offsets=offsets, open_prior="flat",
                          mid=mid, level=level).to_frame()
    fr, het = _frequentist_rows(y, v, offsets, post.mid, post.level, method)
    bayes = post.to_frame()
    rows = []
    for pr, f in zip(offsets, fr.itertuples()):
        rows.append({"offset_prior": pr.name, "form": f.form, "answer": "frequentist",
                     "heterogeneity": het, "center": f.expected, "ci_low": f.ci_low,
                     "ci_high": f.ci_high, "prob_beats_sham": f.p_positive,
                     "prob_beats_sham_by_mid": f.prob_mid})
        for answer, frame, target, h in (
                ("bayes_tau_zero", zero, "average", "tau = 0 (fixed)"),
                ("bayes_average", bayes, "average", f"prior {post.tau_prior.label}"),
                ("bayes_new_trial", bayes, "new_trial", f"prior {post.tau_prior.label}, plus a "
                 "new trial's own deviation")):
            r = frame[(frame["offset_prior"] == pr.name) & (frame["target"] == target)].iloc[0]
            rows.append({"offset_prior": pr.name, "form": r["form"], "answer": answer,
                         "heterogeneity": h, "center": r["median"], "ci_low": r["ci_low"],
                         "ci_high": r["ci_high"], "prob_beats_sham": r["prob_beats_sham"],
                         "prob_beats_sham_by_mid": r["prob_beats_sham_by_mid"]})
    out = pd.DataFrame(rows)
    out.insert(7, "ci_width", out["ci_high"] - out["ci_low"])
    freq_w = out.groupby("offset_prior", sort=False)["ci_width"].transform("first")
    out["width_ratio"] = out["ci_width"] / freq_w
    return out
