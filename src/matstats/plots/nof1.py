"""Figures for n-of-1 trials (:mod:`matstats.nof1`): a personal diary, a schedule calendar
and simulation results; a new figure has the constrained layout."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from matstats.plots._style import CONDITION_COLOURS as _COND_COLOUR
from matstats.plots._style import MARKERS, _axes, method_style

__all__ = ["plot_diary", "plot_schedule_calendar", "plot_plan_power", "plot_rejection_rates"]


def plot_diary(
    result,
    *,
    ax=None,
    title: str | None = None,
    figsize: tuple[float, float] = (10.0, 7.0),
):
    """Daily scores shaded by condition with period means, and the per-cycle differences.

    Parameters
    ----------
    result : matstats.nof1.diary.DiaryResult
        Output of :func:`matstats.nof1.analyze`: its calendar (``days``), ``periods`` and
        ``cycles`` are drawn, with the verdict's (``bayes``) estimate and 95% interval, the MCID on
        the benefit side and the score scale as y-limits.
    ax : pair of matplotlib Axes, optional
        ``(top, bottom)`` Axes for the daily scores and the cycle differences; default: a new
        figure with the two panels stacked.
    title : str, optional
        Title of the top panel.
    figsize : (float, float)

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> fig = plot_diary(analyze(example_diary_path()), figsize=(8, 6))
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    if ax is None:
        fig, (ax, bx) = plt.subplots(
            2, 1, figsize=figsize, gridspec_kw={"height_ratios": [2.2, 1.0]},
            layout="constrained",
        )
    else:
        ax, bx = ax
        fig = ax.figure
    p = result.primary
    _draw_scores(ax, result.days, result.periods, scale=result.scale, title=title)
    _draw_cycle_differences(bx, result.cycles, estimate=float(p["estimate"]),
                            ci_low=float(p["ci_low"]), ci_high=float(p["ci_high"]),
                            mcid=result.mcid, lower_is_better=result.lower_is_better)
    return fig


def _draw_scores(ax, days, periods, *, scale, title):
    """Top panel: daily scores, period shading and means, washout hatching."""
    for _, p in periods.iterrows():
        ax.axvspan(p["first_day"] - 0.5, p["last_day"] + 0.5, color=_COND_COLOUR[p["condition"]],
                   alpha=0.13, lw=0)
        if np.isfinite(p["mean"]):
            ax.hlines(p["mean"], p["first_day"] - 0.5, p["last_day"] + 0.5,
                      color=_COND_COLOUR[p["condition"]], lw=2.5)
    wash = days[days["washout"]]
    for d in wash["day"]:
        ax.axvspan(d - 0.5, d + 0.5, facecolor="none", edgecolor="0.55", hatch="///", lw=0)
    ax.plot(days["day"], days["score"], color="0.35", lw=0.8, zorder=2)
    used = days[~days["washout"]]
    for cond, colour in _COND_COLOUR.items():
        sel = used[used["condition"] == cond]
        ax.plot(sel["day"], sel["score"], "o", color=colour, ms=4.5, zorder=3, ls="none")
    ax.plot(wash["day"], wash["score"], "o", mfc="white", mec="0.35", ms=4.5, zorder=3,
            ls="none")
    lo, hi = scale
    pad = 0.04 * (hi - lo)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlim(days["day"].min() - 0.5, days["day"].max() + 0.5)
    ax.set_xlabel("day of the trial")
    ax.set_ylabel("daily score")
    ax.legend(
        handles=[
            Patch(color=_COND_COLOUR["mat"], alpha=0.35, label="mat period"),
            Patch(color=_COND_COLOUR["control"], alpha=0.35, label="control period"),
            Patch(facecolor="white", edgecolor="0.55", hatch="///", label="washout (not used)"),
            plt.Line2D([], [], color="0.2", lw=2.5, label="period mean"),
        ],
        loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False,
    )
    ax.set_title(title or "Daily scores by period")


def _draw_cycle_differences(bx, cycles, *, estimate, ci_low, ci_high, mcid, lower_is_better):
    """Bottom panel: mat minus control per cycle, the mean difference, its CI and the MCID."""
    x = cycles["cycle"].to_numpy()
    diff = cycles["difference"].to_numpy(dtype=float)
    good = np.where(lower_is_better, diff < 0, diff > 0)
    # neutral greys: green and red would collide with the method colours of other figures
    bars = bx.bar(x, np.nan_to_num(diff), color=np.where(good, "0.4", "0.8"), width=0.6,
                  edgecolor="0.3", lw=0.6)
    for bar, g in zip(bars, good):
        if not g:
            bar.set_hatch("xx")
    bx.bar([np.nan], [np.nan], color="0.4", label="cycle favours the mat")
    bx.bar([np.nan], [np.nan], color="0.8", hatch="xx", edgecolor="0.3", label="cycle favours control")
    bx.axhline(0.0, color="0.2", lw=0.8)
    side = -1.0 if lower_is_better else 1.0
    bx.axhline(side * mcid, color="0.3", ls="--", lw=1, label=f"MCID ({side * mcid:+g})")
    if np.isfinite(estimate):
        bx.axhline(estimate, color="k", lw=1.6, label=f"mean difference ({estimate:+.2f})")
        if np.isfinite(ci_low) and np.isfinite(ci_high):
            bx.axhspan(ci_low, ci_high, color="0.5", alpha=0.2, lw=0, label="95% CI")
    bx.set_xticks(x)
    bx.set_xlabel("cycle")
    bx.set_ylabel("mat - control")
    bx.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    bx.set_title("Difference of period means in each cycle")


def plot_schedule_calendar(
    schedule: pd.DataFrame,
    *,
    start_date: date | str | None = None,
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
    ax=None,
):
    """A printable calendar of a trial schedule: one row per week, one cell per day.

    Parameters
    ----------
    schedule : DataFrame
        One row per day with ``condition`` and ``washout``, and either ``date`` or ``day``
        (1-based day number; ``start_date`` is the date of day 1).
    start_date : date or str, optional
        Date of day 1 when ``schedule`` has no ``date`` column; default: label days by number.
    title : str, optional
    figsize : (float, float), optional
        Default 7.2 wide and 0.5 inch per week (+1) high.
    ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = len(schedule)
    if "date" in schedule.columns:
        dates = [pd.Timestamp(d).date() for d in schedule["date"]]
    elif start_date is not None:
        d0 = date.fromisoformat(start_date) if isinstance(start_date, str) else start_date
        dates = [d0 + timedelta(days=int(k)) for k in schedule["day"] - schedule["day"].min()]
    else:
        dates = None
    offset = dates[0].weekday() if dates else 0
    n_weeks = (offset + n + 6) // 7
    fig, ax = _axes(ax, figsize or (7.2, 0.5 * n_weeks + 1.2), layout="constrained")
    for i, row in enumerate(schedule.itertuples(index=False)):
        k = offset + i
        wk, wd = divmod(k, 7)
        colour = _COND_COLOUR[row.condition]
        ax.add_patch(plt.Rectangle((wd, -wk - 1), 0.95, 0.9, facecolor=colour,
                                   alpha=0.25 if row.washout else 0.55,
                                   hatch="///" if row.washout else None, edgecolor="0.4", lw=0.5))
        label = dates[i].strftime("%d %b") if dates else f"day {i + 1}"
        ax.text(wd + 0.475, -wk - 0.55, f"{label}\n{row.condition}", ha="center", va="center",
                fontsize=8)
    ax.set_xlim(-0.05, 7)
    ax.set_ylim(-n_weeks - 0.05, 0.05)
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] if dates else [
        f"+{j}" for j in range(7)]
    ax.set_xticks(np.arange(7) + 0.475, names)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("day of the week" if dates else "day within the week")
    ax.set_yticks([])
    ax.set_ylabel("week of the trial (top to bottom)")
    ax.spines[:].set_visible(False)
    ax.legend(
        handles=[
            Patch(color=_COND_COLOUR["mat"], alpha=0.55, label="mat"),
            Patch(color=_COND_COLOUR["control"], alpha=0.55, label="control"),
            Patch(facecolor="white", edgecolor="0.4", hatch="///", label="washout day"),
        ],
        loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize="small", frameon=False,
    )
    ax.set_title(title or "Trial calendar", pad=18)
    return fig


def plot_plan_power(
    curve: pd.DataFrame,
    *,
    target: float = 0.8,
    title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.0),
    ax=None,
):
    """Power against the number of cycles, one line per effect, for planning a trial.

    Parameters
    ----------
    curve : DataFrame
        Tidy power curve with ``effect``, ``cycles``, ``power`` and optionally ``power_se``
        (drawn as +-2 SE bars) and ``power_closed_form`` (dashed), as
        :func:`matstats.nof1.verdict_power` returns for one comparator.
    target : float
        Power to aim for, drawn as a horizontal line.
    title : str, optional
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax, figsize, layout="constrained")
    methods = curve["method"].unique() if "method" in curve else []
    one_method = methods[0] if len(methods) == 1 else None
    effect_greys = ("0.1", "0.5", "0.3", "0.65", "0.2")
    for k, (eff, g) in enumerate(curve.groupby("effect", sort=True)):
        g = g.sort_values("cycles")
        # a single method keeps its colour from every other figure; effects differ by marker
        colour = method_style(one_method)["color"] if one_method else effect_greys[k % len(effect_greys)]
        yerr = 2 * g["power_se"] if "power_se" in g else None
        ax.errorbar(g["cycles"], g["power"], yerr=yerr, marker=MARKERS[k % 5], ms=5,
                    color=colour, capsize=2, label=f"effect {eff:+g} points, simulated")
        if "power_closed_form" in g and g["power_closed_form"].notna().any():
            ax.plot(g["cycles"], g["power_closed_form"], ls="--", color=colour, lw=1,
                    label=f"effect {eff:+g} points, noncentral t")
    ax.axhline(target, color="0.3", lw=0.8, ls=":", label=f"target power {target:.0%}")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(sorted(curve["cycles"].unique()))
    ax.set_xlabel("cycles (one mat + one control period each)")
    ax.set_ylabel("power (share of trials that detect the effect)")
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              title=method_style(one_method)["label"] if one_method else None, title_fontsize="small")
    ax.set_title(textwrap.fill(title or "Chance that the trial detects the effect", 56))
    return fig


def plot_rejection_rates(
    rates: pd.DataFrame,
    *,
    x: str = "rho",
    alpha: float | None = 0.05,
    reference: dict[str, float] | None = None,
    xlabel: str | None = None,
    ylabel: str = "share of trials with p < 0.05",
    title: str | None = None,
    figsize: tuple[float, float] = (7.0, 4.0),
    ax=None,
):
    """Rejection rates (type I error or power) of several methods against one setting.

    Parameters
    ----------
    rates : DataFrame
        Tidy table with columns ``method``, ``rate``, ``rate_se`` (binomial Monte Carlo
        SE, drawn as +-2 SE bars) and the column named by ``x``.
    x : str
        Column on the horizontal axis (e.g. ``"rho"`` or ``"cycles"``).
    alpha : float or None
        Nominal level, drawn as a dotted horizontal line (None: no line).
    reference : dict, optional
        Further labelled horizontal lines, e.g. ``{"exact size 1/32": 0.03125}``.
    xlabel, ylabel, title : str, optional
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax, figsize, layout="constrained")
    for method, g in rates.groupby("method", sort=False):
        g = g.sort_values(x)
        ax.errorbar(g[x], g["rate"], yerr=2 * g["rate_se"], ms=5, capsize=2, **method_style(method))
    # reference lines are named in the legend, never by text on the plot
    if alpha is not None:
        ax.axhline(alpha, color="0.3", lw=0.8, ls=":", label=f"nominal level {alpha:g}")
    for label, level in (reference or {}).items():
        ax.axhline(level, color="0.5", lw=0.8, ls="--", label=label)
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(textwrap.fill(title or f"Share of trials with p < 0.05 by {xlabel or x}", 56))
    return fig
