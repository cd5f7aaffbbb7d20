"""Figures for a series of n-of-1 trials (:mod:`matstats.nof1`): person forest plot, shrinkage
arrows, persons x cycles plan (lines and heatmap); a new figure is laid out tight, and so is
the caller's."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from matstats.plots._style import MARKERS, OKABE_ITO, _axes

__all__ = ["plot_series_forest", "plot_series_plan", "plot_series_plan_grid",
           "plot_series_shrinkage"]


def _check_column(plan, column: str) -> None:
    """ValueError naming the plan's columns unless ``column`` is one of them."""
    if column not in plan.columns:
        raise ValueError(f"column must be one of the plan columns {list(plan.columns)}, "
                         f"got {column!r}")


def plot_series_forest(result, *, ax=None, figsize: tuple[float, float] | None = None):
    """Forest plot of raw and shrunken (empirical-Bayes) person effects.

    Parameters
    ----------
    result : matstats.nof1.SeriesResult
        Output of :func:`matstats.nof1.analyze_series`.
    ax : matplotlib.axes.Axes, optional
    figsize : (float, float), optional
        Default 7 wide, 0.32 inch per person + 1.6.

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
    fig, ax = _axes(ax, figsize or (7.0, 1.6 + 0.32 * (k + 2)))
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
    ax.set_yticks(list(y) + [0.4], list(p["person"]) + ["average"])
    ax.set_ylabel("person")
    ax.set_ylim(-0.4, k + 1.8)
    ax.set_xlabel(f"mat minus control (points), {result.level:.0%} intervals")
    ax.set_title(f"{result.k} persons: tau = {result.tau:.2f}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8,
              frameon=False)
    fig.tight_layout()
    return fig


def plot_series_plan(plan, *, ax=None, column: str = "power", target: float | None = 0.8,
                     figsize: tuple[float, float] = (7.0, 4.5)):
    """A closed-form plan quantity over persons, one line per number of cycles.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`matstats.nof1.plan_series` (several ``persons`` values).
    ax : matplotlib.axes.Axes, optional
    column : str, default "power"
        Column to draw (``power``, ``person_benefit``, ``person_wrong``, ...).
    target : float or None, default 0.8
        Horizontal reference line (skipped when None).
    figsize : (float, float)

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
    _check_column(plan, column)
    fig, ax = _axes(ax, figsize)
    for i, (c, g) in enumerate(plan.groupby("cycles", sort=True)):
        g = g.sort_values("persons")
        ax.plot(g["persons"], g[column], marker=MARKERS[i % len(MARKERS)], ms=4,
                color=OKABE_ITO[i % len(OKABE_ITO)], label=f"{c} cycles")
    if column == "power" and "rct_power" in plan.columns:
        g = plan[plan["cycles"] == plan["cycles"].max()].sort_values("persons")
        ax.plot(g["persons"], g["rct_power"], color="0.4", ls="--", marker="x",
                label=f"parallel trial, same person-days as {plan['cycles'].max()} cycles")
    if target is not None:
        ax.axhline(target, color="0.5", lw=0.8, ls=":")
    ax.set_xlabel("persons")
    ax.set_ylabel(column.replace("_", " "))
    ax.set_title(f"{column.replace('_', ' ').capitalize()} by number of persons and cycles")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_series_shrinkage(result, *, ax=None, true_effect=None,
                          figsize: tuple[float, float] | None = None):
    """Arrows from each person's own estimate to their shrunken (empirical-Bayes) estimate.

    Persons are sorted by their own estimate; the arrows show how far, and in which
    direction, borrowing strength from the others moves each one (towards the average).

    Parameters
    ----------
    result : matstats.nof1.SeriesResult
        Output of :func:`matstats.nof1.analyze_series`.
    ax : matplotlib.axes.Axes, optional
    true_effect : array_like, optional
        True person effects (simulations only), in the order of ``result.persons``; drawn
        as crosses.
    figsize : (float, float), optional
        Default 7 wide, 0.3 inch per person + 1.8.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.nof1 import simulate_series, analyze_series
    >>> sim = simulate_series(8, 6, effect=-1, tau=1, rng=1)
    >>> fig = plot_series_shrinkage(analyze_series(sim), true_effect=sim.person_effect[0])
    >>> len(fig.axes)
    1
    """
    p = result.persons
    k = len(p)
    truth = None
    if true_effect is not None:
        truth = np.asarray(true_effect, dtype=float).ravel()
        if truth.size != k:
            raise ValueError(f"true_effect must have one value per person ({k}), "
                             f"got {truth.size}")
    fig, ax = _axes(ax, figsize or (7.0, 1.8 + 0.3 * k))
    order = np.argsort(p["estimate"].to_numpy(), kind="stable")[::-1]
    y = np.arange(k, dtype=float)
    raw = p["estimate"].to_numpy()[order]
    shr = p["shrunken"].to_numpy()[order]
    for yi, a, b in zip(y, raw, shr):
        ax.annotate("", xy=(b, yi), xytext=(a, yi),
                    arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 1.0,
                                "shrinkA": 3, "shrinkB": 3})
    ax.plot(raw, y, "o", color="0.45", mfc="white", ms=6, label="own estimate")
    ax.plot(shr, y, "s", color="#0072B2", ms=6, label="shrunken estimate")
    if truth is not None:
        ax.plot(truth[order], y, "x", color="#D55E00", ms=7, mew=1.8,
                label="true effect (simulation)")
    ax.axvline(result.estimate, color="black", lw=1.0, ls="--",
               label=f"average ({result.estimate:+.2f})")
    ax.axvline(0.0, color="0.3", lw=0.8)
    ax.set_yticks(y, p["person"].to_numpy()[order])
    ax.set_ylim(-0.8, k - 0.2)
    ax.set_xlabel("mat minus control (points)")
    ax.set_ylabel("person (sorted by own estimate)")
    ax.set_title(f"Shrinkage towards the average, {k} persons")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=8,
              frameon=False)
    fig.tight_layout()
    return fig


def plot_series_plan_grid(plan, *, ax=None, column: str = "power", target: float | None = 0.8,
                          cmap: str = "cividis", fmt: str = "{:.2f}",
                          figsize: tuple[float, float] = (9.0, 4.5)):
    """Heatmap of a closed-form plan quantity over persons (x) and cycles per person (y).

    Cells whose value reaches ``target`` have their value in bold.

    Parameters
    ----------
    plan : pandas.DataFrame
        Output of :func:`matstats.nof1.plan_series` (a grid of ``persons`` x ``cycles``).
    ax : matplotlib.axes.Axes, optional
    column : str, default "power"
        Column to draw.
    target : float or None, default 0.8
        Values >= target are printed in bold (None: no emphasis).
    cmap : str, default "cividis"
        Colour map (cividis is readable with colour-vision deficiencies).
    fmt : str, default "{:.2f}"
        Format of the values printed in the cells (empty string: no text).
    figsize : (float, float)

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.nof1 import plan_series
    >>> fig = plot_series_plan_grid(plan_series([6, 10, 20], [4, 8], effect=-1, tau=0.8))
    >>> len(fig.axes)  # heatmap and colour bar
    2
    """
    _check_column(plan, column)
    grid = plan.pivot_table(index="cycles", columns="persons", values=column, aggfunc="first")
    grid = grid.sort_index().sort_index(axis=1)
    fig, ax = _axes(ax, figsize)
    z = grid.to_numpy(dtype=float)
    finite = z[np.isfinite(z)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if column in ("power", "rct_power") or column.startswith("prob_"):
        vmin, vmax = 0.0, 1.0
    im = ax.imshow(z, origin="lower", aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(np.arange(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(np.arange(grid.shape[0]), [str(r) for r in grid.index])
    if fmt:
        cm = plt.get_cmap(cmap)
        for (i, j), val in np.ndenumerate(z):
            if not np.isfinite(val):
                continue
            r, g, b, _ = cm((val - vmin) / (vmax - vmin) if vmax > vmin else 0.5)
            light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
            bold = target is not None and val >= target
            ax.text(j, i, fmt.format(val), ha="center", va="center", fontsize=8,
                    color="black" if light else "white",
                    fontweight="bold" if bold else "normal")
    label = column.replace("_", " ")
    fig.colorbar(im, ax=ax, label=label)
    ax.set_xlabel("persons in the series")
    ax.set_ylabel("cycles per person")
    title = f"{label} over persons x cycles (closed form)"
    if target is not None:
        title += f"; bold: >= {target:g}"
    ax.set_title(title)
    fig.tight_layout()
    return fig
