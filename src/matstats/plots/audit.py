"""Plots for the claims audit: verdict counts and the trace of a headline figure."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from matstats.audit import VERDICTS, verdict_counts

#: One colour per claim kind (colour-blind-safe Okabe-Ito hues).
KIND_COLOURS = {
    "study_table_row": "#0072B2",
    "condition_table_row": "#E69F00",
    "text_claim": "#009E73",
    "argument": "#CC79A7",
}

STAGE_COLOURS = {"source": "#F0E442", "relay": "#E69F00", "claim": "#D55E00"}


def plot_verdicts(audit: pd.DataFrame, ax=None, figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
    """Horizontal stacked bars: number of claims per verdict, split by claim kind.

    Parameters
    ----------
    audit : pandas.DataFrame
        Output of :func:`matstats.audit.audit_claims`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure of ``figsize``).
    figsize : tuple of float
        Size of a new figure in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.audit import audit_claims
    >>> fig = plot_verdicts(audit_claims(), figsize=(6, 3))
    >>> fig.get_size_inches().tolist()
    [6.0, 3.0]
    """
    counts = verdict_counts(audit)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    order = list(VERDICTS)[::-1]
    left = pd.Series(0, index=order, dtype=float)
    for kind, grp in counts.groupby("claim_kind", sort=False):
        vals = grp.set_index("verdict")["n"].reindex(order).fillna(0)
        ax.barh(order, vals, left=left, color=KIND_COLOURS.get(kind, "0.5"), label=kind, edgecolor="white")
        left += vals
    for y, total in enumerate(left):
        ax.text(total + 0.1, y, f"{int(total)}", va="center", fontsize=9)
    ax.set_xlabel("number of claims")
    ax.set_title("Verdicts on the seed articles' claims (computed by matstats.audit)")
    ax.legend(title="claim kind", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_xlim(0, max(left.max(), 1) * 1.15)
    fig.tight_layout()
    return fig


def plot_figure_trace(trace: pd.DataFrame, ax=None,
                      figsize: tuple[float, float] | None = None) -> Figure:
    """Draw the path of a headline figure as a column of boxes joined by arrows.

    Parameters
    ----------
    trace : pandas.DataFrame
        Output of :func:`matstats.audit_trace.trace_figure`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure of ``figsize``).
    figsize : tuple of float, optional
        Size of a new figure in inches (default: 10 wide, 1.3 per step).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.audit_trace import trace_figure
    >>> fig = plot_figure_trace(trace_figure(98))
    >>> len(fig.axes)
    1
    """
    n = len(trace)
    if n == 0:
        raise ValueError("trace is empty: no study or claim carries that figure")
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (10.0, 1.3 * n + 0.6))
    else:
        fig = ax.figure
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, n - 0.5)
    ax.invert_yaxis()
    ax.axis("off")
    for i, r in enumerate(trace.itertuples()):
        head = f"{r.step}. {r.stage.upper()}: {r.where}"
        facts = ", ".join(
            f"{k}={v}" for k, v in (("design", r.design), ("n", r.n), ("control", r.control)) if v
        )
        if r.verdict:
            facts += f"  ->  verdict: {r.verdict}"
        body = textwrap.fill(str(r.detail), 120)
        label = textwrap.shorten(str(r.label), 110)
        ax.text(
            0.5, i, f"{head}\n{label}\n{facts}\n{body}", ha="center", va="center", fontsize=7.5,
            bbox={"boxstyle": "round,pad=0.4", "fc": STAGE_COLOURS.get(r.stage, "0.9"), "alpha": 0.35},
        )
        if i < n - 1:
            ax.annotate("", xy=(0.5, i + 0.62), xytext=(0.5, i + 0.38),
                        arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.set_title("How the headline figure travelled (computed by matstats.audit_trace.trace_figure)")
    return fig
