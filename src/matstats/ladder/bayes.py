"""Bayesian answer to "does the mat beat a sham?": the ladder's expected mat-vs-sham effect as a
posterior, computed deterministically.

The control ladder (:mod:`matstats.ladder`) has no mat-vs-sham trial with results, so the
effect against a sham is an inference: the open-control evidence (mat vs no treatment or
waiting list) combined with published offsets between an open and a sham control
(:data:`matstats.literature.OFFSET_PRIORS`). :func:`matstats.ladder.sham_offset` does this
with a normal approximation around the open-control point estimate; this module gives the
posterior:

1. the open-control studies (:func:`open_control_studies`) are pooled by a Bayesian
   normal-normal model for few studies (:func:`matstats.meta.bayesmeta.bayes_meta`) with a
   weakly informative or empirical heterogeneity prior
   (:data:`matstats.literature.LADDER_TAU_PRIORS`): the posterior of the average open effect
   mu and of the open effect theta in a new trial (which includes the heterogeneity tau) are
   normal mixtures over tau;
2. each offset prior acts on it: ``difference`` (unit ``"sd"``) theta_sham = theta_open -
   offset, ``ratio`` (unit ``"share"``) theta_sham = theta_open x share, offset independent of
   the open effect. A normal difference offset convolves each normal component in closed form
   (a normal mixture again); any other offset (a ratio, or a uniform/beta offset) is
   integrated by composite Gauss-Legendre quadrature over the offset (no sampling);
3. :func:`sham_posterior` returns a frozen :class:`ShamPosterior`: P(mat beats sham),
   P(mat beats sham by at least the MCID), the posterior median and an equal-tailed credible
   interval for each offset and for a new trial and the average;
   :func:`sham_sensitivity` tabulates them across heterogeneity priors x offset priors, and
   :func:`compare_sham_answers` sets them beside the frequentist answer of
   :func:`matstats.ladder.sham_offset`.

Words for the results are built by :mod:`matstats.narrative.ladder`.
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
from matstats._core.priors import KnownTau, Prior, TauPrior
from matstats.meta.bayesmeta import BayesMetaFit, bayes_meta
from matstats.ladder.rungs import OFFSET_FORMS, _offset_priors, select_one_per_study, sham_offset
from matstats.meta import meta_analysis
from matstats.evidence.study_effects import MatEffects

__all__ = [
    "ShamPosterior",
    "TARGETS",
    "FRAME_COLUMNS",
    "compare_sham_answers",
    "open_control_studies",
    "sham_posterior",
    "sham_sensitivity",
]

#: What the effect refers to: ``new_trial`` = the effect a new mat-vs-sham trial would see
#: (prediction, includes tau); ``average`` = the average effect over trials (mu).
TARGETS = {"new_trial": "theta", "average": "mu"}
#: Columns of :meth:`ShamPosterior.to_frame` and :func:`sham_sensitivity`.
FRAME_COLUMNS = [
    "tau_prior", "offset_prior", "form", "target", "k", "median", "ci_low", "ci_high", "level",
    "prob_beats_sham", "prob_beats_sham_by_mcid", "mcid", "open_median", "open_ci_low",
    "open_ci_high", "tau_median", "offset_mean", "offset_sd",
]
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
    if isinstance(effects, MatEffects):
        effects = effects.effects
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

    def cdf(self, x) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        out = np.empty(x.size)
        step = max(1, _BLOCK // (self.v.size * self.m.size))
        for i in range(0, x.size, step):
            xs = x[i:i + step]
            a = self._args(xs)
            F = _q.mix_cdf(a.ravel(), self.m, self.s, self.w).reshape(a.shape)
            if self.form == "ratio":
                F = np.where(self.v > 0, F, np.where(self.v < 0, 1.0 - F,
                                                     (xs[:, None] >= 0).astype(float)))
            out[i:i + step] = F @ self.u
        return out

    def pdf(self, x) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float))
        out = np.empty(x.size)
        step = max(1, _BLOCK // (self.v.size * self.m.size))
        jac = np.ones_like(self.v) if self.form == "difference" else 1.0 / np.abs(self.v)
        for i in range(0, x.size, step):
            a = self._args(x[i:i + step])
            f = _q.mix_pdf(a.ravel(), self.m, self.s, self.w).reshape(a.shape)
            out[i:i + step] = (f * jac) @ self.u
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
    tau_prior : TauPrior
        The heterogeneity prior, as given (also ``open_fit.tau_prior``).
    offsets : tuple of Prior
        The offset priors, in order.
    study_ids : tuple of str
        The open-control studies.
    mcid, level : float
        MCID (SD units) and credibility level.
    """

    open_fit: BayesMetaFit = field(repr=False)
    tau_prior: TauPrior
    offsets: tuple[Prior, ...] = field(repr=False)
    study_ids: tuple[str, ...]
    mcid: float
    level: float
    _dists: dict = field(repr=False, compare=False)
    _frame: pd.DataFrame = field(repr=False, compare=False)

    def _dist(self, offset: str | None, target: str) -> _Convolved:
        _checks.one_of("target", target, TARGETS)
        names = [p.name for p in self.offsets]
        name = names[0] if offset is None else _checks.one_of("offset", offset, names)
        return self._dists[(name, target)]

    def cdf(self, x, *, offset: str | None = None, target: str = "new_trial"):
        """P(mat-vs-sham effect <= x) under the offset prior named ``offset`` (default: the
        first), for ``target`` ``"new_trial"`` or ``"average"``."""
        out = self._dist(offset, target).cdf(x)
        return float(out[0]) if np.ndim(x) == 0 else out

    def pdf(self, x, *, offset: str | None = None, target: str = "new_trial"):
        """Posterior density of the mat-vs-sham effect at ``x``."""
        out = self._dist(offset, target).pdf(x)
        return float(out[0]) if np.ndim(x) == 0 else out

    def quantile(self, q, *, offset: str | None = None, target: str = "new_trial"):
        """Posterior quantiles of the mat-vs-sham effect at probabilities ``q`` in (0, 1)."""
        qa = np.atleast_1d(np.asarray(q, dtype=float))
        if np.any(~((qa > 0) & (qa < 1))):
            raise ValueError(f"q must lie strictly between 0 and 1, got {q!r}")
        out = self._dist(offset, target).quantile(qa)
        return float(out[0]) if np.ndim(q) == 0 else out

    def prob(self, greater_than: float, *, offset: str | None = None,
             target: str = "new_trial") -> float:
        """P(mat-vs-sham effect > ``greater_than``); 0 is "the mat beats the sham"."""
        c = _checks.finite("greater_than", greater_than)
        return float(1.0 - self._dist(offset, target).cdf(c)[0])

    def to_frame(self) -> pd.DataFrame:
        """The answer, one row per target and offset prior.

        Returns
        -------
        pandas.DataFrame
            Columns (:data:`FRAME_COLUMNS`):

            - ``tau_prior`` : name of the heterogeneity prior of the open-control model;
            - ``offset_prior``, ``form`` : the offset prior and how it acts
              (``difference``: open - offset; ``ratio``: open x share);
            - ``target`` : ``new_trial`` (the effect a new mat-vs-sham trial would see,
              a prediction that includes the heterogeneity tau) or ``average`` (mu - offset);
            - ``k`` : number of open-control studies;
            - ``median``, ``ci_low``, ``ci_high``, ``level`` : posterior median and
              equal-tailed credible interval of the mat-vs-sham effect (SMD, positive = mat
              better);
            - ``prob_beats_sham`` : P(effect > 0);
            - ``prob_beats_sham_by_mcid``, ``mcid`` : P(effect > MCID), MCID in SD units;
            - ``open_median``, ``open_ci_low``, ``open_ci_high`` : the same for the
              open-control effect before the offset (theta or mu);
            - ``tau_median`` : posterior median of tau;
            - ``offset_mean``, ``offset_sd`` : the offset prior.

        Examples
        --------
        >>> post = sham_posterior([0.75], sei=[0.33])
        >>> post.to_frame().loc[0, ["target", "offset_prior"]].tolist()
        ['new_trial', 'placebo_vs_none_clbp']
        """
        return self._frame.copy()


def _row(post_fit: BayesMetaFit, dist: _Convolved, pr: Prior, target: str,
         mcid: float, level: float) -> dict:
    a = (1 - level) / 2
    med, lo, hi = dist.quantile([0.5, a, 1 - a])
    p0, p1 = 1.0 - dist.cdf([0.0, mcid])
    param = TARGETS[target]
    om, olo, ohi = post_fit.quantile(param, [0.5, a, 1 - a])
    return {"offset_prior": pr.name, "form": OFFSET_FORMS[pr.unit], "target": target,
            "k": post_fit.k, "median": med, "ci_low": lo, "ci_high": hi, "level": level,
            "prob_beats_sham": p0, "prob_beats_sham_by_mcid": p1, "mcid": mcid,
            "open_median": om, "open_ci_low": olo, "open_ci_high": ohi,
            "tau_median": float(post_fit.quantile("tau", 0.5)),
            "offset_mean": pr.mean, "offset_sd": pr.sd}


def _offsets(offsets) -> tuple[Prior, ...]:
    try:
        return _offset_priors(offsets)
    except ValueError as err:
        raise ValueError(f"offsets: {err}".replace("priors must", "offsets must")) from None


def _fit_open(yi, vi, sei, slab, prior: TauPrior, mu_prior, level) -> BayesMetaFit:
    # medians, intervals and probabilities always exist; a posterior mean or sd that does not
    # (a heavy-tailed tau prior with k = 1) is not used here, so its warning is not ours
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="the posterior .*do not exist",
                                category=RuntimeWarning)
        return bayes_meta(yi, vi, sei=sei, slab=slab, tau_prior=prior,
                          mu_prior=mu_prior, level=level)


def sham_posterior(yi, vi=None, *, sei=None, slab=None,
                   tau_prior: TauPrior | str | None = None,
                   offsets: Sequence[Prior] | None = None,
                   mu_prior: tuple[float, float] | None = None,
                   mcid: float = literature.MCID_SD_PAIN,
                   level: float = 0.95) -> ShamPosterior:
    """Posterior of the mat-vs-sham effect from open-control studies and sham-offset priors.

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
        Offset priors, default :data:`matstats.literature.OFFSET_PRIORS` (unit ``"sd"``:
        subtracted; ``"share"``: multiplied).
    mu_prior : (mean, sd) or None
        Normal prior on the average open effect; None (default) is flat.
    mcid : float
        Minimal clinically important difference in SD units, default
        :data:`matstats.literature.MCID_SD_PAIN`.
    level : float
        Credibility level of the equal-tailed intervals.

    Returns
    -------
    ShamPosterior
        ``to_frame()`` (one row per target and offset; columns in
        :meth:`ShamPosterior.to_frame`), ``cdf``/``pdf``/``quantile``/``prob``.

    Raises
    ------
    ValueError
        Bad data, prior, ``mcid`` or ``level`` (the message names the parameter), and an
        improper posterior (e.g. a flat tau prior with k = 1).

    Notes
    -----
    Deterministic: the open-control posterior is a normal mixture over tau
    (:meth:`~matstats.meta.bayesmeta.BayesMetaFit.mixture`); a normal difference offset convolves
    it in closed form, other offsets by composite 12-point Gauss-Legendre quadrature over
    the offset (64 panels over mean +- 12 SD for a normal prior, in probability space for a
    bounded one; a break at a share of 0), giving CDFs to ~1e-10 (checked against adaptive
    quadrature in the tests). Quantiles solve the CDF by
    Brent's method. The offset is independent of the open effect, and the offset itself is
    the effect of other interventions (an inference, not a measurement).

    Examples
    --------
    >>> post = sham_posterior([0.75], sei=[0.33])
    >>> round(post.prob(0.0), 3) > 0.5
    True
    """
    y = np.atleast_1d(np.asarray(yi, dtype=float)) if not isinstance(yi, str) else yi
    prior = literature.tau_prior(literature.LADDER_TAU_PRIOR if tau_prior is None else tau_prior)
    offsets = _offsets(offsets)
    mcid = _checks.positive("mcid", mcid)
    level = _checks.level(level)
    fit = _fit_open(y, vi, sei, slab, prior, mu_prior, level)
    dists, rows = {}, []
    for target in TARGETS:
        for pr in offsets:
            dists[(pr.name, target)] = d = _convolve(fit, TARGETS[target], pr)
            rows.append({"tau_prior": prior.label, **_row(fit, d, pr, target, mcid, level)})
    return ShamPosterior(open_fit=fit, tau_prior=prior, offsets=offsets,
                         study_ids=fit.slab, mcid=mcid, level=level, _dists=dists,
                         _frame=pd.DataFrame(rows, columns=FRAME_COLUMNS))


def sham_sensitivity(yi, vi=None, *, sei=None,
                     tau_priors: Sequence[TauPrior | str] | None = None,
                     offsets: Sequence[Prior] | None = None, target: str = "new_trial",
                     mu_prior: tuple[float, float] | None = None,
                     mcid: float = literature.MCID_SD_PAIN, level: float = 0.95
                     ) -> pd.DataFrame:
    """:func:`sham_posterior` across heterogeneity priors x offset priors.

    Parameters
    ----------
    yi, vi, sei, offsets, mu_prior, mcid, level
        As in :func:`sham_posterior`.
    tau_priors : sequence of TauPrior or str, optional
        Default :data:`matstats.literature.LADDER_TAU_PRIORS` (two half-normal, a
        half-Cauchy, the empirical Rhodes et al. 2015 prior, and tau = 0).
    target : {"new_trial", "average"}
        Which effect to tabulate.

    Returns
    -------
    pandas.DataFrame
        One row per heterogeneity prior and offset prior, columns of
        :meth:`ShamPosterior.to_frame`.

    Examples
    --------
    >>> tab = sham_sensitivity([0.75], sei=[0.33])
    >>> tab.shape[0]  # 5 heterogeneity priors x 4 offset priors
    20
    """
    _checks.one_of("target", target, TARGETS)
    tau_priors = literature.LADDER_TAU_PRIORS if tau_priors is None else tuple(tau_priors)
    if not tau_priors:
        raise ValueError("tau_priors must hold at least one prior, got none")
    parts = []
    for tp in tau_priors:
        post = sham_posterior(yi, vi, sei=sei, tau_prior=tp, offsets=offsets,
                              mu_prior=mu_prior, mcid=mcid, level=level)
        frame = post.to_frame()
        parts.append(frame[frame["target"] == target])
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------- beside the frequentist answer
#: Answers of :func:`compare_sham_answers`, in order.
ANSWERS = ("frequentist", "bayes_tau_zero", "bayes_average", "bayes_new_trial")


def _frequentist_rows(y, v, offsets, mcid, level, method) -> tuple[pd.DataFrame, str]:
    if y.size == 1:
        est, se = float(y[0]), math.sqrt(float(v[0]))
        het = "none: k = 1, tau not estimable (treated as 0)"
    else:
        res = meta_analysis(y, v, method=method, test="z", level=level)
        est, se = float(res.estimate), float(res.se)
        het = f"{method} tau = {math.sqrt(res.tau2):.3g}"
    fr = sham_offset(est, se, priors=offsets, method="normal", level=level)
    fr["prob_mcid"] = stats.norm.sf(mcid, loc=fr["expected"], scale=fr["se"])
    return fr, het


def compare_sham_answers(yi, vi=None, *, sei=None,
                         tau_prior: TauPrior | str | None = None,
                         offsets: Sequence[Prior] | None = None,
                         mcid: float = literature.MCID_SD_PAIN, level: float = 0.95,
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
    (average vs new trial).

    Parameters
    ----------
    yi, vi, sei, tau_prior, offsets, mcid, level
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
        P(effect > 0), a confidence-distribution reading), ``prob_beats_sham_by_mcid``,
        ``width_ratio`` (``ci_width`` over the frequentist one).

    Examples
    --------
    >>> cmp = compare_sham_answers([0.75], sei=[0.33])
    >>> cmp["answer"].unique().tolist() == list(ANSWERS)
    True
    """
    y = np.atleast_1d(np.asarray(yi, dtype=float))
    if (vi is None) == (sei is None):
        raise ValueError("give exactly one of vi and sei")
    v = (np.atleast_1d(np.asarray(vi, dtype=float)) if sei is None
         else np.atleast_1d(np.asarray(sei, dtype=float)) ** 2)
    offsets = _offsets(offsets)
    post = sham_posterior(y, v, tau_prior=tau_prior, offsets=offsets, mcid=mcid, level=level)
    zero = sham_posterior(y, v, tau_prior=KnownTau(0.0), offsets=offsets, mcid=mcid,
                          level=level).to_frame()
    fr, het = _frequentist_rows(y, v, offsets, post.mcid, post.level, method)
    bayes = post.to_frame()
    rows = []
    for pr, f in zip(offsets, fr.itertuples()):
        rows.append({"offset_prior": pr.name, "form": f.form, "answer": "frequentist",
                     "heterogeneity": het, "center": f.expected, "ci_low": f.ci_low,
                     "ci_high": f.ci_high, "prob_beats_sham": f.p_positive,
                     "prob_beats_sham_by_mcid": f.prob_mcid})
        for answer, frame, target, h in (
                ("bayes_tau_zero", zero, "average", "tau = 0 (fixed)"),
                ("bayes_average", bayes, "average", f"prior {post.tau_prior.label}"),
                ("bayes_new_trial", bayes, "new_trial", f"prior {post.tau_prior.label}, plus a "
                 "new trial's own deviation")):
            r = frame[(frame["offset_prior"] == pr.name) & (frame["target"] == target)].iloc[0]
            rows.append({"offset_prior": pr.name, "form": r["form"], "answer": answer,
                         "heterogeneity": h, "center": r["median"], "ci_low": r["ci_low"],
                         "ci_high": r["ci_high"], "prob_beats_sham": r["prob_beats_sham"],
                         "prob_beats_sham_by_mcid": r["prob_beats_sham_by_mcid"]})
    out = pd.DataFrame(rows)
    out["ci_width"] = out["ci_high"] - out["ci_low"]
    freq_w = out.groupby("offset_prior", sort=False)["ci_width"].transform("first")
    out["width_ratio"] = out["ci_width"] / freq_w
    cols = ["offset_prior", "form", "answer", "heterogeneity", "center", "ci_low", "ci_high",
            "ci_width", "prob_beats_sham", "prob_beats_sham_by_mcid", "width_ratio"]
    return out[cols]
