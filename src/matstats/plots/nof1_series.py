"""Figures for a series of n-of-1 trials: person forest plot, persons x cycles plan.

Numerics live in :mod:`matstats.nof1` (``series_analysis``, ``series_plan``); these functions
only draw what they are given and return the ``Figure``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_series_forest", "plot_series_plan"]


def plot_series_forest(result, ax=None, *, figsize: tuple[float, float] | None = None):
    """Forest plot of raw and shrunken (empirical-Bayes) person effects.

    Parameters
    ----------
    result : matstats.nof1.SeriesResult
        Output of :func:`matstats.nof1.analyze_series`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    figsize : (float, float), optional
        Size of a new figure (default: 7 wide, 0.32 inch per person + 1.6).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.nof1 import simulate_series, analyze_series
    >>> fig = plot_series_forest(analyze_series(simulate_series(8, 6, effect=-1, tau=1, rng=1)))
    >>> len(fig.axes)
    1
    """
    p = result.persons
    k = len(p)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (7.0, 1.6 + 0.32 * (k + 2)))
    else:
        fig = ax.figure
    y = np.arange(k)[::-1] + 2.0
    ax.errorbar(p["estimate"], y + 0.15, xerr=[p["estimate"] - p["ci_low"],
                                               p["ci_high"] - p["estimate"]],
                fmt="o", color="0.55", mfc="white", ms=5, capsize=2, lw=1,
                label="own estimate (pooled within SD)")
    ax.errorbar(p["shrunken"], y - 0.15, xerr=[p["shrunken"] - p["shrunken_ci_low"],
                                               p["shrunken_ci_high"] - p["shrunken"]],
                fmt="s", color="tab:blue", ms=5, capsize=2, lw=1.3,
                label="shrunken (empirical Bayes)")
    ax.errorbar([result.estimate], [0.6], xerr=[[result.estimate - result.ci_low],
                                                [result.ci_high - result.estimate]],
                fmt="D", color="black", ms=7, capsize=3, lw=2, label="average (CI)")
    ax.plot([result.pi_low, result.pi_high], [0.2, 0.2], color="black", lw=1, ls=":",
            label="prediction interval, new person")
    ax.axvline(0.0, color="0.3", lw=0.8)
    side = -1.0 if result.lower_is_better else 1.0
    ax.axvline(side * result.mcid, color="tab:green", lw=0.9, ls="--",
               label=f"MCID ({side * result.mcid:+g})")
    ax.set_yticks(list(y) + [0.4])
    ax.set_yticklabels(list(p["person"]) + ["average"])
    ax.set_ylim(-0.4, k + 1.8)
    lv = f"{result.level:.0%}"
    ax.set_xlabel(f"mat minus control (points), {lv} intervals")
    ax.set_title(f"{result.k} persons: tau = {result.tau:.2f}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8,
              frameon=False)
    fig.tight_layout()
    return fig


def plot_series_plan(plan, ax=None, *, column: str = "power", target: float | None = 0.8,
                     figsize: tuple[float, float] = (7.0, 4.5)):
    """A closed-form plan quantity over persons, one line per number of cycles.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`matstats.nof1.plan_series` (several ``persons`` values).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    column : str, default "power"
        Column to draw (``power``, ``prob_right_mcid``, ``tau2_sd``, ...).
    target : float or None, default 0.8
        Horizontal reference line (skipped when None).
    figsize : (float, float)
        Size of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.nof1 import plan_series
    >>> fig = plot_series_plan(plan_series([6, 10, 20], [4, 8], effect=-1, tau=0.8))
    >>> len(fig.axes)
    1
    """
    if column not in plan.columns:
        raise ValueError(f"column must be one of the plan columns {list(plan.columns)}, "
                         f"got {column!r}")
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    for c, g in plan.groupby("cycles", sort=True):
        g = g.sort_values("persons")
        ax.plot(g["persons"], g[column], marker="o", ms=4, label=f"{c} cycles")
    if column == "power" and "rct_power" in plan.columns:
        g = plan[plan["cycles"] == plan["cycles"].max()].sort_values("persons")
        ax.plot(g["persons"], g["rct_power"], color="0.4", ls="--", marker="x",
                label=f"parallel trial, same person-days as {plan['cycles'].max()} cycles")
    if target is not None:
        ax.axhline(target, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("persons")
    ax.set_ylabel(column.replace("_", " "))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
