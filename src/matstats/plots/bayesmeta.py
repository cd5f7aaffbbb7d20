"""Plots of a Bayesian random-effects meta-analysis (:func:`matstats.meta.bayesmeta.bayes_meta`)
and of the mat-vs-sham answer across its sensitivity grid."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from scipy import stats

from matstats.plots._style import _axes

__all__ = ["plot_bayes_posteriors", "plot_bayes_forest", "plot_sham_grid"]


def _three_axes(ax, figsize):
    if ax is None:
        fig, axes = plt.subplots(1, 3, figsize=figsize, layout="constrained")
        return fig, list(axes)
    if isinstance(ax, np.ndarray):
        ax = list(ax.ravel())
    if not isinstance(ax, Sequence) or len(ax) != 3:
        raise ValueError("ax must be None or a sequence of three Axes "
                         "(joint, tau marginal, mu/theta marginal)")
    return ax[0].figure, list(ax)


def plot_bayes_posteriors(fit, *, ax=None, figsize: tuple[float, float] = (11.0, 3.6),
                          n_grid: int = 121, effect_label: str = "effect") -> Figure:
    """Joint posterior of (tau, mu) and the marginal posteriors of tau, mu and theta.

    Parameters
    ----------
    fit : BayesMetaFit
        Result of :func:`matstats.meta.bayesmeta.bayes_meta`.
    ax : sequence of three matplotlib Axes, optional
        Axes for the joint density, the tau marginal and the mu/theta marginals.
    figsize : tuple, default (11, 3.6)
    n_grid : int, default 121
        Grid points per axis for the densities.
    effect_label : str, default "effect"
        Axis label for mu and theta.

    Returns
    -------
    matplotlib.figure.Figure
        Panels: contours of p(tau, mu | y) with the posterior medians; the density of tau
        with its shortest interval shaded; the densities of mu (solid) and theta (dashed)
        with the shortest interval of mu shaded.
    """
    if n_grid < 10:
        raise ValueError(f"n_grid must be >= 10, got {n_grid!r}")
    fig, (ax_joint, ax_tau, ax_mu) = _three_axes(ax, figsize)
    summ = fit.to_frame().set_index("param")
    known = fit._rule is None
    tau_hi = float(fit.quantile("tau", 0.995)) if not known else 2.0 * fit.tau_prior.value + 1.0
    if not np.isfinite(tau_hi) or tau_hi <= 0:
        tau_hi = 1.0
    m_lo, m_hi = fit.quantile("mu", [0.002, 0.998])
    t_lo, t_hi = fit.quantile("theta", [0.01, 0.99])
    tau = np.linspace(0.0, tau_hi, n_grid)
    mu = np.linspace(m_lo, m_hi, n_grid)
    if known:
        v = fit.tau_prior.value
        ax_joint.plot([v, v], [summ.loc["mu", "ci_low"], summ.loc["mu", "ci_high"]], lw=3)
        ax_tau.axvline(v, lw=2)
        ax_tau.set_title(f"tau fixed at {v:g}")
    else:
        tt, mm = np.meshgrid(tau, mu)
        ax_joint.contourf(tt, mm, fit.joint_pdf(tt, mm), levels=12, cmap="Blues")
        dens = fit.pdf("tau", tau)
        ax_tau.plot(tau, dens, color="C0")
        sel = (tau >= summ.loc["tau", "hpd_low"]) & (tau <= summ.loc["tau", "hpd_high"])
        ax_tau.fill_between(tau[sel], dens[sel], alpha=0.3, color="C0",
                            label=f"{fit.level:.0%} shortest interval")
        ax_tau.legend(fontsize="small", frameon=False)
        ax_tau.set_ylim(bottom=0)
    ax_joint.plot(summ.loc["tau", "median"], summ.loc["mu", "median"], "k+", ms=10,
                  label="posterior medians")
    ax_joint.set(xlabel="heterogeneity tau", ylabel=f"overall {effect_label} mu",
                 title="joint posterior")
    ax_joint.legend(fontsize="small", frameon=False)
    ax_tau.set(xlabel="heterogeneity tau", ylabel="density", xlim=(0.0, tau_hi))
    x = np.linspace(min(m_lo, t_lo), max(m_hi, t_hi), 4 * n_grid)
    d_mu = fit.pdf("mu", x)
    ax_mu.plot(x, d_mu, color="C1", label="mu (overall)")
    ax_mu.plot(x, fit.pdf("theta", x), color="C2", ls="--", label="theta (new study)")
    sel = (x >= summ.loc["mu", "hpd_low"]) & (x <= summ.loc["mu", "hpd_high"])
    ax_mu.fill_between(x[sel], d_mu[sel], alpha=0.3, color="C1")
    ax_mu.axvline(0.0, color="grey", lw=0.8)
    ax_mu.set(xlabel=effect_label, ylabel="density", title="marginal posteriors")
    ax_mu.set_ylim(bottom=0)
    ax_mu.legend(fontsize="small", frameon=False)
    return fig


def plot_bayes_forest(fit, *, ax=None, figsize: tuple[float, float] | None = None,
                      xlabel: str = "effect", title: str | None = None) -> Figure:
    """Forest plot with shrinkage intervals.

    Parameters
    ----------
    fit : BayesMetaFit
        Result of :func:`matstats.meta.bayesmeta.bayes_meta`.
    ax : matplotlib Axes, optional
    figsize : tuple, optional
        Default 7 wide, 0.45 per row + 1.6 high.
    xlabel, title : str

    Returns
    -------
    matplotlib.figure.Figure
        One row per study: the estimate with its ``level`` confidence interval
        (yi +/- z sei, open circle, thin line) and the posterior of the study's true effect
        (shrinkage mean and equal-tailed interval, filled square, thick line); below them a
        diamond for mu (median, equal-tailed interval) and a bar for theta, the effect in a
        new study.
    """
    fig, ax = _axes(ax, figsize or (7.0, 0.45 * (fit.k + 2) + 1.6), layout="constrained")
    sh = fit.shrinkage()
    summ = fit.to_frame().set_index("param")
    z = stats.norm.ppf(0.5 + fit.level / 2)
    rows = np.arange(fit.k)[::-1] + 2.0
    lo, hi = sh["yi"] - z * sh["sei"], sh["yi"] + z * sh["sei"]
    ax.hlines(rows + 0.15, lo, hi, color="grey", lw=1)
    ax.plot(sh["yi"], rows + 0.15, "o", mfc="white", mec="grey", label="estimate")
    ax.hlines(rows - 0.15, sh["ci_low"], sh["ci_high"], color="C0", lw=2.5)
    ax.plot(sh["mean"], rows - 0.15, "s", color="C0", label="shrinkage estimate")
    mu = summ.loc["mu"]
    poly = Polygon([(mu["ci_low"], 1.0), (mu["median"], 1.25), (mu["ci_high"], 1.0),
                    (mu["median"], 0.75)], closed=True, facecolor="C1", edgecolor="black")
    ax.add_patch(poly)
    th = summ.loc["theta"]
    ax.hlines(0.0, th["ci_low"], th["ci_high"], color="C2", lw=4, label="new study (theta)")
    ax.axvline(0.0, color="grey", lw=0.8, ls=":")
    ax.set_yticks(list(rows) + [1.0, 0.0],
                  labels=list(sh["study"]) + ["mu (overall)", "theta (prediction)"])
    xs = np.concatenate([lo, hi, [th["ci_low"], th["ci_high"]]])
    pad = 0.05 * (xs.max() - xs.min())
    ax.set(xlim=(xs.min() - pad, xs.max() + pad), ylim=(-0.8, fit.k + 1.8), xlabel=xlabel,
           title=title if title is not None else f"{fit.level:.0%} intervals")
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def plot_sham_grid(grid, *, ax=None, figsize: tuple[float, float] = (10.0, 4.2),
                   column: str = "prob_beats_sham") -> Figure:
    """Every cell of the mat-vs-sham sensitivity grid, sorted, with the default marked.

    Parameters
    ----------
    grid : pandas.DataFrame
        Output of :func:`matstats.ladder.answer.sham_sensitivity` (``is_default`` marks the
        default cell).
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float)
    column : str
        The probability to show (``prob_beats_sham`` or ``prob_beats_sham_by_mid``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.ladder.answer import sham_sensitivity
    >>> fig = plot_sham_grid(sham_sensitivity([0.75], sei=[0.33]))
    >>> len(fig.axes)
    1
    """
    fig, ax = _axes(ax, figsize)
    tab = grid.sort_values(column, kind="stable").reset_index(drop=True)
    x = np.arange(len(tab))
    for i, (name, sub) in enumerate(tab.groupby("open_prior", sort=False)):
        ax.scatter(x[sub.index], sub[column], s=14, color=f"C{i}", label=f"open-effect prior: {name}")
    d = tab.index[tab["is_default"]]
    if len(d):
        ax.scatter(x[d], tab.loc[d, column], s=160, marker="*", color="black", zorder=3,
                   label="default")
        ax.annotate(f"default {float(tab.loc[d[0], column]):.0%}", (x[d[0]], tab.loc[d[0], column]),
                    xytext=(8, -14), textcoords="offset points")
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"the {len(tab)} combinations of priors and inputs, sorted")
    ax.set_ylabel("P(true mat effect > sham effect)" if column == "prob_beats_sham"
                  else "P(true difference > between-group MID)")
    ax.legend(fontsize=8, loc="upper left")
    return fig
