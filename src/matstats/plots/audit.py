"""Plots for the claims audit: verdict counts and the trace of a headline figure."""

from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from matstats.audit import VERDICTS, verdict_counts

__all__ = ["plot_verdicts", "plot_figure_trace"]

#: One colour per claim kind (colour-blind-safe Okabe-Ito hues).
KIND_COLOURS = {
    "study_table_row": "#0072B2",
    "condition_table_row": "#E69F00",
    "text_claim": "#009E73",
    "argument": "#CC79A7",
}

STAGE_COLOURS = {"source": "#F0E442", "relay": "#E69F00", "claim": "#D55E00"}


def plot_verdicts(audit: pd.DataFrame, *, ax=None,
                  figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
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
    ax.set_ylabel("verdict")
    ax.set_title("Verdicts on the seed articles' claims (computed by matstats.audit)")
    ax.legend(title="claim kind", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_xlim(0, max(left.max(), 1) * 1.15)
    fig.tight_layout()
    return fig


_STAGE_WORDS = {"source": "Where it starts", "relay": "Repeated by", "claim": "Claimed as"}
_ATTR_WORDS = {"figure": "the percentage", "design": "the design", "n": "the number of people",
               "country": "the country", "year": "the year", "dose_min_per_day": "the daily dose",
               "duration_weeks": "the duration"}


def _plain(text: str) -> str:
    """Trace text in plain words: study ids as labels, no arrows, no ``name=value``."""
    from matstats.evidence.citations import study_label

    def ids(t: str) -> str:
        return re.sub(r"\b([a-z]+\d{4}_[a-z0-9_]+|nct\d{8}_[a-z0-9_]+)\b",
                      lambda m: study_label(m.group(1)), t)

    items = []
    for part in str(text).split("; "):
        m = re.match(r"^(\w+) (.*?) <- (.*)$", part)
        if m:
            attr, value, src = m.groups()
            src = ids(src).replace("+", " + ").replace("_", " ")
            items.append(f"{_ATTR_WORDS.get(attr, attr.replace('_', ' '))} ({value}) comes from {src}")
        else:
            part = re.sub(r"\bn_enrolled=(\d+)", r"\1", part)
            part = re.sub(r"\bn_analysed=(\d+)", r"\1", part)
            items.append(ids(part).replace("_", " "))
    return "; ".join(items)


def _where(stage: str, where: str) -> str:
    from matstats.evidence.citations import study_label

    where = re.sub(r"\b(\d{3})_[0-9a-f]{16}\.txt\b", r"article \1", str(where))
    if stage == "source":
        return study_label(where)
    if stage == "claim":
        return re.sub(r"(article \d{3}) (\S+)$", r"\1, claim \2", where)
    return where.replace(", ", ", ")


def plot_figure_trace(trace: pd.DataFrame, *, ax=None,
                      figsize: tuple[float, float] | None = None, fontsize: float = 11.0,
                      wrap: int = 68) -> Figure:
    """Draw the path of a headline figure: one box per step, top to bottom, arrows between boxes.

    Text is in plain words (study labels instead of ids, "comes from" instead of arrows),
    wrapped, never cut. At the default size (7.5 inches wide) and ``fontsize`` the text is
    legible when the figure is shown at its natural width.

    Parameters
    ----------
    trace : pandas.DataFrame
        Output of :func:`matstats.audit.trace.trace_figure`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure of ``figsize``).
    figsize : tuple of float, optional
        Size of a new figure in inches (default: 7.5 wide, height from the text).
    fontsize : float, default 11
        Font size of the boxes (points).
    wrap : int, default 68
        Characters per line.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.audit.trace import trace_figure
    >>> fig = plot_figure_trace(trace_figure(98))
    >>> len(fig.axes)
    1
    """
    n = len(trace)
    if n == 0:
        raise ValueError("trace is empty: no study or claim carries that figure")
    blocks = []
    for r in trace.itertuples():
        head = f"{r.step}. {_STAGE_WORDS.get(r.stage, r.stage)}: {_where(r.stage, r.where)}"
        facts = []
        if r.design:
            facts.append(f"design: {'randomized trial (RCT)' if r.design == 'rct' else r.design}")
        if r.n:
            facts.append(f"{r.n} people")
        if r.control:
            facts.append("no control group" if r.control == "none" else f"control: {r.control}")
        if r.verdict:
            facts.append(f"verdict: {str(r.verdict).replace('_', ' ')}")
        lines = textwrap.wrap(head, wrap) or [head]  # a long article title wraps too
        lines += textwrap.wrap(_plain(r.label), wrap)
        if facts:
            lines += textwrap.wrap(" · ".join(facts), wrap)
        lines += textwrap.wrap(_plain(r.detail), wrap)
        blocks.append((r.stage, lines))
    gap = 2.4 * fontsize  # points between two boxes, room for the arrow
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=figsize or (7.5, 10.0))
    else:
        fig = ax.figure
    ax.axis("off")
    renderer = fig.canvas.get_renderer()

    def at(points: float):  # the top-centre of the axes, moved down by ``points``
        return offset_copy(ax.transAxes, fig=fig, x=0, y=-points, units="points")

    y = 0.5 * fontsize
    for i, (stage, lines) in enumerate(blocks):
        # the box's first line is blank space as wide as the bold heading drawn over it
        box = ax.text(0.5, 1.0, "\n".join(["\u2007" * int(len(lines[0]) * 0.97)] + lines[1:]),
                      transform=at(y), ha="center",
                      va="top", fontsize=fontsize, linespacing=1.25,
                      bbox={"boxstyle": "round,pad=0.5", "fc": STAGE_COLOURS.get(stage, "0.9"),
                            "alpha": 0.35, "ec": "0.3"})
        ax.text(0.5, 1.0, lines[0], transform=at(y), ha="center", va="top", fontsize=fontsize,
                weight="bold", linespacing=1.25)
        top_pad = 0.5 * fontsize  # the box's pad (0.5 font sizes) around the text
        height = box.get_window_extent(renderer).height * 72.0 / fig.dpi + 2 * top_pad
        bottom = y - top_pad + height
        if i < n - 1:  # the arrow sits in the gap between two boxes, never over one
            ax.annotate("", xy=(0.5, 1.0), xycoords=at(bottom + gap - 0.15 * fontsize),
                        xytext=(0.5, 1.0), textcoords=at(bottom + 0.15 * fontsize),
                        arrowprops={"arrowstyle": "-|>", "lw": 1.5, "color": "0.2"})
        y = bottom + gap + top_pad
    if own:  # make the figure as tall as its boxes, with room for the title
        title_in = 2.5 * fontsize / 72
        height_in = (y - gap) / 72 + title_in + 0.2
        fig.set_size_inches(fig.get_size_inches()[0], height_in)
        fig.subplots_adjust(left=0.01, right=0.99, top=1 - title_in / height_in, bottom=0.0)
    ax.set_title("How the headline percentage travelled from its source to the claim",
                 fontsize=fontsize + 1)
    return fig
