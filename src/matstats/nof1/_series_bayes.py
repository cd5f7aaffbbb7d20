"""Bayesian stage two of the two-stage series analysis: person effects pooled by
:func:`matstats.meta.bayesmeta.bayes_meta` (registered as ``pool="bayes"`` in
:data:`matstats.nof1.series_analysis.POOLERS`).

The person means d_i with variances v_i = s^2 / n_i are pooled by the normal-normal model
with a flat prior on the average effect and a few-study heterogeneity prior on tau (the SD of
the person effects, NRS points; default :data:`matstats.literature.NOF1_TAU_PRIOR`,
half-normal with scale 1 point). The outputs carry the keys of the REML pooler, read as
posterior summaries:

* ``estimate``, ``se`` : posterior mean and SD of mu; ``ci_low``, ``ci_high`` : equal-tailed
  credible interval; ``df`` : inf (no t reference); ``pval`` : 2 min(P(mu < 0), P(mu > 0)),
  the posterior tail probability of the sign, not a p-value;
* ``tau2`` and its interval: the posterior median and equal-tailed interval of tau, squared;
* ``pi_low``, ``pi_high`` : credible interval of the effect in a new person (theta);
* ``shrunken``, ``shrunken_se`` : posterior mean and SD of each person's effect, with the
  exact equal-tailed interval (``shrunken_ci``) and the exact probability function
  ``prob_below`` (P(theta_i < c)) of the shrinkage posteriors (normal mixtures over tau);
* ``weights`` : percentage weights 1 / (v_i + tau^2) at the posterior median of tau.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from matstats import literature
from matstats.meta.bayesmeta import bayes_meta


def bayes_pooler(tau_prior=None):
    """A stage-two pooler ``f(d, v, level) -> dict`` using :func:`bayes_meta`.

    Parameters
    ----------
    tau_prior : TauPrior or str, optional
        Heterogeneity prior of the person effects (or its name in
        :data:`matstats.literature.TAU_PRIORS_BY_NAME`); default
        :data:`matstats.literature.NOF1_TAU_PRIOR`.
    """
    prior = literature.tau_prior(literature.NOF1_TAU_PRIOR if tau_prior is None else tau_prior)

    def pool_bayes(d: np.ndarray, v: np.ndarray, level: float) -> dict:
        fit = bayes_meta(d, np.asarray(v, dtype=float), tau_prior=prior, level=level)
        summ = fit.to_frame().set_index("param")
        a = (1.0 - level) / 2
        mu = summ.loc["mu"]
        p_neg = float(fit.cdf("mu", 0.0))
        tau_q = np.asarray(fit.quantile("tau", [0.5, a, 1 - a]), dtype=float)
        w = 1.0 / (np.asarray(v, dtype=float) + tau_q[0] ** 2)
        shr = fit.shrinkage()

        def prob_below(c: float) -> np.ndarray:
            return fit.shrinkage_cdf(float(c))

        return {
            "estimate": float(mu["mean"]), "se": float(mu["sd"]), "df": float("inf"),
            "ci_low": float(mu["ci_low"]), "ci_high": float(mu["ci_high"]),
            "pval": float(min(1.0, 2 * min(p_neg, 1 - p_neg))),
            "tau2": tau_q[0] ** 2, "tau2_ci_low": tau_q[1] ** 2, "tau2_ci_high": tau_q[2] ** 2,
            "pi_low": float(summ.loc["theta", "ci_low"]),
            "pi_high": float(summ.loc["theta", "ci_high"]), "k": fit.k,
            "weights": 100.0 * w / w.sum(), "shrunken": shr["mean"].to_numpy(),
            "shrunken_se": shr["sd"].to_numpy(),
            "shrunken_ci": (shr["ci_low"].to_numpy(), shr["ci_high"].to_numpy()),
            "crit": float(special.ndtri(1 - a)), "prob_below": prob_below, "model": fit,
        }

    return pool_bayes
