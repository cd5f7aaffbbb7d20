"""Plots for the placebo/expectation sensitivity analyses (:mod:`matstats.sensitivity`); a
new figure is laid out tight, a caller's figure never re-laid out."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch

from matstats.plots._style import MARKERS, _axes

__all__ = ["plot_decomposition", "plot_tipping_curve", "plot_tipping_heatmap",
           "plot_survey_bounds"]

#: component of a decomposition -> (colour, legend label), in stacking order
_COMPONENTS = {
    "natural_history": ("#9e9e9e", "natural history"),
    "rtm": ("#c7b299", "regression to the mean"),
    "placebo": ("#7fa7c9", "placebo / expectation"),
    "specific": ("#d95f02", "remaining specific effect"),
}


def plot_decomposition(
    decompositions: Sequence[object],
    names: Sequence[str],
    *,
    unit: str = "points",
    figsize: tuple[float, float] = (8.0, 4.0),
    ax=None,
) -> Figure:
    """Stacked bars of the mean components of one or more decompositions.

    Parameters
    ----------
    decompositions : sequence of matstats.sensitivity.Decomposition
    names : sequence of str
        One bar label per decomposition.
    unit : str
        Outcome unit for the axis label.
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal stacked bars (mean of each component, 95% interval of the
        remaining effect as an error bar, MCID as a dashed line per bar).

    Examples
    --------
    >>> from matstats.sensitivity import decompose_improvement
    >>> dec = decompose_improvement(3.0, mean=5, baseline=8, n_draws=500, rng=1)
    >>> fig = plot_decomposition([dec], ["pre-post change"])
    """
    if len(decompositions) != len(names) or not decompositions:
        raise ValueError("names must give one label per decomposition (at least one)")
    own = ax is None
    fig, ax = _axes(ax, figsize)
    y = np.arange(len(decompositions))
    for i, dec in enumerate(decompositions):
        summ = dec.summary.set_index("component")
        left = {True: 0.0, False: 0.0}  # positive parts stack right of 0, negative ones left
        for comp, (colour, label) in _COMPONENTS.items():
            val = float(summ.loc[comp, "mean"])
            ax.barh(y[i], val, left=left[val >= 0], color=colour,
                    label=label if i == 0 else None, edgecolor="white")
            left[val >= 0] += val
        lo, hi = float(summ.loc["specific", "ci_low"]), float(summ.loc["specific", "ci_high"])
        ax.plot([lo, hi], [y[i] - 0.3, y[i] - 0.3], color=_COMPONENTS["specific"][0], lw=1.5)
        ax.plot([dec.mcid, dec.mcid], [y[i] - 0.4, y[i] + 0.4], color="black", ls="--", lw=1)
        ax.plot([dec.observed], [y[i] + 0.3], marker="v", color="black", ms=6)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, names)
    ax.set_ylabel("result and time point")
    ax.set_xlabel(f"improvement ({unit}); dashed = MCID, triangle = observed, "
                  "line = 95% range of specific part")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)
    ax.set_title("Where could the observed improvement come from?")
    if own:
        fig.tight_layout()
    return fig


def plot_tipping_curve(
    adjusted: pd.DataFrame | dict[str, pd.DataFrame],
    *,
    mcid: float | None = None,
    prior_mean: float | None = None,
    xlabel: str = "assumed additive bias (SD)",
    figsize: tuple[float, float] = (7.0, 4.0),
    ax=None,
) -> Figure:
    """Bias-adjusted estimate with its CI against the assumed bias.

    Parameters
    ----------
    adjusted : DataFrame or dict of label -> DataFrame
        Output(s) of :func:`matstats.sensitivity.bias_adjust` over a bias grid.
    mcid : float, optional
        Horizontal reference line.
    prior_mean : float, optional
        Vertical line at the mean of the bias prior.
    xlabel : str
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
        One line per curve with its 95% CI band.

    Examples
    --------
    >>> from matstats.sensitivity import bias_adjust
    >>> fig = plot_tipping_curve(bias_adjust(0.7, 0.3, [0, 0.5, 1.0]), mcid=0.5)
    """
    curves = {"estimate": adjusted} if isinstance(adjusted, pd.DataFrame) else dict(adjusted)
    if not curves:
        raise ValueError("nothing to plot")
    own = ax is None
    fig, ax = _axes(ax, figsize)
    # each band keeps its own colour, outline style and marker, so overlapping bands stay
    # apart: a light fill, its two edges drawn in the curve's line style, and dodged 95% CI
    # bars with the curve's marker at a few bias values
    colours = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
    styles = ("-", "--", "-.", ":", "-", "--")
    handles = []
    k = len(curves)
    for i, (label, df) in enumerate(curves.items()):
        c, ls, m = colours[i % 6], styles[i % 6], MARKERS[i % 6]
        bias = df["bias"].to_numpy(dtype=float)
        ax.plot(bias, df["estimate"], color=c, ls=ls, lw=1.8)
        ax.fill_between(bias, df["ci_low"], df["ci_high"], facecolor=c, alpha=0.06, lw=0)
        for edge in ("ci_low", "ci_high"):
            ax.plot(bias, df[edge], color=c, ls=ls, lw=0.9)
        span = bias.max() - bias.min() if len(bias) > 1 else 1.0
        picks = np.unique(np.linspace(0, len(bias) - 1, min(len(bias), 4)).round().astype(int))
        dodge = (i - (k - 1) / 2) * 0.015 * span
        est = df["estimate"].to_numpy(dtype=float)[picks]
        ax.errorbar(bias[picks] + dodge, est,
                    yerr=[est - df["ci_low"].to_numpy(dtype=float)[picks],
                          df["ci_high"].to_numpy(dtype=float)[picks] - est],
                    fmt=m, color=c, ms=5, capsize=3, lw=1.2)
        handles.append((plt.Line2D([], [], color=c, ls=ls, marker=m, lw=1.8),
                        Patch(facecolor=c, alpha=0.12, edgecolor=c, ls=ls)))
    ax.axhline(0, color="black", lw=0.8)
    if mcid is not None:
        ax.axhline(mcid, color="black", ls="--", lw=1, label="MCID")
    if prior_mean is not None:
        ax.axvline(prior_mean, color="grey", ls=":", lw=1.2, label="bias prior mean")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("bias-adjusted effect (SD), 95% CI")
    extra_h, extra_l = ax.get_legend_handles_labels()
    ax.legend([(p, ln) for ln, p in handles] + extra_h,
              list(curves) + extra_l,
              handler_map={tuple: HandlerTuple(ndivide=None, pad=0)}, fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              title="estimate (line, marker) and 95% CI (band, bars)", title_fontsize=8)
    ax.set_title("Tipping-point curves: effect left after subtracting bias")
    if own:
        fig.tight_layout()
    return fig


def plot_tipping_heatmap(
    grid: pd.DataFrame,
    *,
    value: str = "p_benefit",
    xlabel: str = "bias source B (SD)",
    ylabel: str = "bias source A (SD)",
    title: str | None = None,
    figsize: tuple[float, float] = (6.0, 4.5),
    ax=None,
) -> Figure:
    """Heat map of a tipping-point grid over two bias sources.

    Parameters
    ----------
    grid : DataFrame
        Output of :func:`matstats.sensitivity.tipping_point_grid` (columns
        ``bias_a``, ``bias_b`` and ``value``) or of
        :func:`matstats.sensitivity.decomposition_grid` (pass ``value="specific"``
        after renaming its axes to ``bias_a``/``bias_b``).
    value : str
        Column to colour by.
    xlabel, ylabel, title : str
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
        Cells coloured by ``value``; where the grid has ``significant`` the 0/1
        boundary is drawn as a contour.

    Examples
    --------
    >>> from matstats.sensitivity import tipping_point_grid
    >>> fig = plot_tipping_heatmap(tipping_point_grid(0.7, 0.3, [0, 0.5, 1.0], [0, 0.5]))
    """
    for col in ("bias_a", "bias_b", value):
        if col not in grid.columns:
            raise ValueError(f"grid lacks column {col!r}")
    piv = grid.pivot(index="bias_a", columns="bias_b", values=value)
    own = ax is None
    fig, ax = _axes(ax, figsize)
    xs, ys = piv.columns.to_numpy(dtype=float), piv.index.to_numpy(dtype=float)
    mesh = ax.pcolormesh(xs, ys, piv.to_numpy(dtype=float), shading="nearest", cmap="viridis")
    fig.colorbar(mesh, ax=ax, label=value)
    if "significant" in grid.columns and len(xs) > 1 and len(ys) > 1:
        sig = grid.pivot(index="bias_a", columns="bias_b", values="significant")
        z = sig.to_numpy(dtype=float)
        if 0 < z.mean() < 1:
            ax.contour(xs, ys, z, levels=[0.5], colors="white", linewidths=1.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or f"{value} over two bias sources")
    if own:
        fig.tight_layout()
    return fig


def plot_survey_bounds(
    table: pd.DataFrame,
    *,
    figsize: tuple[float, float] = (7.0, 3.5),
    ax=None,
) -> Figure:
    """Respondent proportion (with CI), worst/best case under non-response, benchmarks.

    Parameters
    ----------
    table : DataFrame
        ``SurveyBounds.to_frame()`` output (one row per benchmark, same survey values).
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
        The population range under non-response, the respondent proportion with its CI
        and the literature benchmarks as dashed lines.

    Examples
    --------
    >>> from matstats.sensitivity import survey_bounds
    >>> fig = plot_survey_bounds(survey_bounds(responders=123, respondents=126,
    ...                                        users=200).to_frame())
    """
    if table.empty:
        raise ValueError("empty table")
    r = table.iloc[0]
    own = ax is None
    fig, ax = _axes(ax, figsize)
    ax.plot([r["worst_case"], r["best_case"]], [1, 1], color="#d95f02", lw=6, alpha=0.5,
            label="population range under non-response")
    ax.errorbar([r["p_respondents"]], [1.25],
                xerr=[[r["p_respondents"] - r["ci_low"]], [r["ci_high"] - r["p_respondents"]]],
                fmt="o", color="black", capsize=4, label="respondents (95% CI)")
    lit = table[table["kind"] == "literature"]
    for i, (_, b) in enumerate(lit.iterrows()):
        ax.axvline(b["p0"], color="#1b9e77", ls="--", lw=1)
        ax.text(b["p0"], 0.62 + 0.12 * i, b["benchmark"].replace("_", " "), fontsize=8,
                color="#1b9e77", ha="left")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0.5, 1.5)
    ax.set_yticks([1.0, 1.25], ["all users\n(non-response bounds)", "respondents"])
    ax.set_ylabel("who is counted")
    ax.set_xlabel("proportion reporting improvement (dashed: placebo benchmarks)")
    ax.set_title(f"User survey: {r['p_respondents']:.0%} of respondents improved, but only "
                 f"{r['response_rate']:.0%} of users answered")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if own:
        fig.tight_layout()
    return fig
