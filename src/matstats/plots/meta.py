"""Meta-analysis plots: forest plot, funnel plot with trim-and-fill points, control ladder.

Each function takes numbers computed elsewhere (``matstats.meta``, ``matstats.ladder``),
draws on a new figure of explicit size (or on a given ``Axes``) and returns the Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

__all__ = ["forest_plot", "funnel_plot", "ladder_plot"]


def _get(obj, name: str, default=np.nan):
    """Read ``name`` from a mapping, a Series/row or an object with attributes."""
    if obj is None:
        return default
    if isinstance(obj, Mapping | pd.Series):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _new_axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def _diamond(ax, y: float, est: float, lo: float, hi: float, *, color: str, height: float = 0.35):
    poly = Polygon(
        [(lo, y), (est, y + height), (hi, y), (est, y - height)],
        closed=True, facecolor=color, edgecolor="black", linewidth=0.8, zorder=3,
    )
    ax.add_patch(poly)
    return poly


def forest_plot(
    studies: pd.DataFrame,
    *,
    label_col: str = "label",
    group_col: str | None = None,
    subgroups: pd.DataFrame | None = None,
    overall=None,
    xlabel: str = "Hedges' g (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 5.0),
    ax=None,
) -> Figure:
    """Forest plot: one row per study, a diamond per subgroup and one for the overall pool.

    Parameters
    ----------
    studies : DataFrame
        Columns ``yi``, ``ci_low``, ``ci_high`` and ``label_col``; rows with NaN ``yi``
        but a finite ``bound_value`` (from :func:`matstats.study_effects.study_effect_sizes`) are
        drawn as an open arrow from the bound (``bound_side`` ``"lower"``: g > bound).
        Optional ``weight`` sets the marker size.
    label_col : str
        Column with the row labels.
    group_col : str, optional
        Column whose values group the study rows; groups are drawn in order of first
        appearance, each followed by its subgroup diamond when ``subgroups`` has it.
    subgroups : DataFrame, optional
        Columns ``group`` (matching ``group_col``), ``estimate``, ``ci_low``, ``ci_high``
        and optional ``k``.
    overall : mapping, Series or result object, optional
        Fields ``estimate``, ``ci_low``, ``ci_high`` and optional ``pi_low``/``pi_high``
        (e.g. a ``matstats.MetaResult``); the prediction interval is drawn as a line
        through the overall diamond.
    xlabel, title : str
        Axis label and title.
    figsize : tuple
        Figure size in inches (used when ``ax`` is None).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    needed = {"yi", "ci_low", "ci_high", label_col}
    missing = sorted(needed - set(studies.columns))
    if missing:
        raise ValueError(f"studies is missing columns: {missing}")
    if group_col is not None and group_col not in studies.columns:
        raise ValueError(f"group_col {group_col!r} is not a column of studies")
    if len(studies) == 0 and overall is None:
        raise ValueError("nothing to plot: no study rows and no overall estimate")
    fig, ax = _new_axes(ax, figsize)

    groups = [None] if group_col is None else list(dict.fromkeys(studies[group_col]))
    sub_by_group = {}
    if subgroups is not None:
        for _, r in subgroups.iterrows():
            sub_by_group[r["group"]] = r
    y = 0.0
    ticks, ticklabels = [], []
    xs: list[float] = [0.0]
    w = studies["weight"].to_numpy(float) if "weight" in studies.columns else None
    wmax = np.nanmax(w) if w is not None and np.isfinite(w).any() else None
    for g in groups:
        block = studies if g is None else studies[studies[group_col] == g]
        if g is not None:
            ticks.append(y)
            ticklabels.append(str(g))
            y -= 1
        for idx, r in block.iterrows():
            yi = r["yi"]
            if pd.notna(yi):
                size = 40.0
                if wmax:
                    size = 20.0 + 120.0 * float(w[studies.index.get_loc(idx)]) / wmax
                ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="black", linewidth=1.0)
                ax.scatter([yi], [y], marker="s", s=size, color="tab:blue", zorder=3)
                xs.extend([float(r["ci_low"]), float(r["ci_high"])])
            elif pd.notna(r.get("bound_value", np.nan)):
                b = float(r["bound_value"])
                side = r.get("bound_side", "")
                if side == "upper_abs":
                    ax.plot([-b, b], [y, y], color="grey", linestyle=":", linewidth=1.2)
                    xs.extend([-b, b])
                else:
                    step = 0.4 if side == "lower" else -0.4
                    ax.annotate("", xy=(b + step, y), xytext=(b, y),
                                arrowprops={"arrowstyle": "->", "color": "grey"})
                    ax.plot([b], [y], marker="|", color="grey", markersize=10)
                    xs.extend([b, b + step])
            ticks.append(y)
            ticklabels.append(f"  {r[label_col]}")
            y -= 1
        if g is not None and g in sub_by_group:
            s = sub_by_group[g]
            if pd.notna(s["estimate"]):
                _diamond(ax, y, s["estimate"], s["ci_low"], s["ci_high"], color="tab:orange")
                xs.extend([float(s["ci_low"]), float(s["ci_high"])])
                k = s.get("k", np.nan)
                ticks.append(y)
                ticklabels.append(f"  subgroup {g}" + (f" (k={int(k)})" if pd.notna(k) else ""))
                y -= 1
        y -= 0.5
    if overall is not None and pd.notna(_get(overall, "estimate")):
        est = float(_get(overall, "estimate"))
        pl, ph = _get(overall, "pi_low"), _get(overall, "pi_high")
        if pd.notna(pl) and pd.notna(ph):
            ax.plot([pl, ph], [y, y], color="tab:red", linewidth=1.5, label="prediction interval")
            xs.extend([float(pl), float(ph)])
        _diamond(ax, y, est, float(_get(overall, "ci_low")), float(_get(overall, "ci_high")),
                 color="tab:red")
        xs.extend([float(_get(overall, "ci_low")), float(_get(overall, "ci_high"))])
        ticks.append(y)
        k = _get(overall, "k")
        ticklabels.append("Overall" + (f" (k={int(k)})" if pd.notna(k) else ""))
        y -= 1
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
    finite = [v for v in xs if np.isfinite(v)]
    span = max(finite) - min(finite) or 1.0
    ax.set_xlim(min(finite) - 0.05 * span, max(finite) + 0.05 * span)
    ax.set_yticks(ticks)
    ax.set_yticklabels(ticklabels)
    ax.set_ylim(y - 0.2, 1.0)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig


def funnel_plot(
    yi: Sequence[float],
    vi: Sequence[float],
    *,
    estimate: float | None = None,
    fill_yi: Sequence[float] | None = None,
    fill_vi: Sequence[float] | None = None,
    adjusted_estimate: float | None = None,
    level: float = 0.95,
    xlabel: str = "Hedges' g (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (6.0, 5.0),
    ax=None,
) -> Figure:
    """Funnel plot (effect vs standard error, SE axis inverted) with trim-and-fill points.

    Parameters
    ----------
    yi, vi : array-like
        Observed effects and their sampling variances (vi > 0).
    estimate : float, optional
        Pooled estimate at which the pseudo-confidence funnel is centred (default: the
        inverse-variance weighted mean of ``yi``).
    fill_yi, fill_vi : array-like, optional
        Studies imputed by trim-and-fill, drawn as open circles.
    adjusted_estimate : float, optional
        Trim-and-fill adjusted estimate, drawn as a dashed line.
    level : float
        Coverage of the pseudo-confidence region.
    xlabel, title, figsize, ax
        As in :func:`forest_plot`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    if yi.shape != vi.shape or yi.ndim != 1:
        raise ValueError(f"yi and vi must be 1-D of equal length, got {yi.shape} and {vi.shape}")
    if yi.size == 0:
        raise ValueError("funnel_plot needs at least one study")
    if not (np.all(np.isfinite(yi)) and np.all(np.isfinite(vi)) and np.all(vi > 0)):
        raise ValueError("yi must be finite and vi finite and > 0")
    fy = np.asarray([] if fill_yi is None else fill_yi, dtype=float)
    fv = np.asarray([] if fill_vi is None else fill_vi, dtype=float)
    if fy.shape != fv.shape:
        raise ValueError("fill_yi and fill_vi must have equal length")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    from scipy import stats

    if estimate is None:
        w = 1.0 / vi
        estimate = float(np.sum(w * yi) / np.sum(w))
    fig, ax = _new_axes(ax, figsize)
    sei = np.sqrt(vi)
    all_se = np.concatenate([sei, np.sqrt(fv)]) if fv.size else sei
    se_max = float(all_se.max()) * 1.1
    z = stats.norm.isf((1 - level) / 2)
    se_grid = np.array([0.0, se_max])
    ax.fill_betweenx(se_grid, estimate - z * se_grid, estimate + z * se_grid,
                     color="0.92", zorder=0, label=f"{level:.0%} pseudo-CI region")
    ax.plot(estimate - z * se_grid, se_grid, color="grey", linewidth=0.8)
    ax.plot(estimate + z * se_grid, se_grid, color="grey", linewidth=0.8)
    ax.axvline(estimate, color="black", linewidth=1.0, label="pooled estimate")
    ax.scatter(yi, sei, color="tab:blue", zorder=3, label="observed studies")
    if fy.size:
        ax.scatter(fy, np.sqrt(fv), facecolors="white", edgecolors="tab:red", zorder=3,
                   label="imputed (trim-and-fill)")
    if adjusted_estimate is not None and np.isfinite(adjusted_estimate):
        ax.axvline(adjusted_estimate, color="tab:red", linestyle="--", linewidth=1.0,
                   label="adjusted estimate")
    ax.set_ylim(se_max, 0.0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("standard error")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig


def ladder_plot(
    ladder: pd.DataFrame,
    *,
    ylabel: str = "SMD (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (10.0, 4.8),
    ax=None,
) -> Figure:
    """The control ladder: effect by strictness of control (no treatment > active > sham).

    Parameters
    ----------
    ladder : DataFrame
        Output of :func:`matstats.ladder.ladder_table`: columns ``series``, ``kind``
        (``observed``, ``expected``, ``reference``), ``position``, ``rung``,
        ``estimate``, ``ci_low``, ``ci_high``, ``label``. Rungs with NaN estimates
        (k = 0) are marked "no data".
    ylabel, title, figsize, ax
        As in :func:`forest_plot`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    needed = {"series", "kind", "position", "rung", "estimate", "ci_low", "ci_high"}
    missing = sorted(needed - set(ladder.columns))
    if missing:
        raise ValueError(f"ladder is missing columns: {missing}")
    if len(ladder) == 0:
        raise ValueError("ladder has no rows")
    fig, ax = _new_axes(ax, figsize)
    styles = {
        "observed": {"marker": "o", "color": "tab:blue"},
        "expected": {"marker": "D", "color": "tab:red"},
        "reference": {"marker": "s", "color": "0.5"},
    }
    series = list(dict.fromkeys(ladder["series"]))
    n_exp = sum(ladder.drop_duplicates("series")["kind"] == "expected")
    exp_i = 0
    exp_colors = ("tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan")
    for s in series:
        d = ladder[ladder["series"] == s].sort_values("position")
        kind = d["kind"].iloc[0]
        st = styles.get(kind, {"marker": "o", "color": "black"})
        shift = 0.0
        if kind == "expected":
            shift = 0.08 * (exp_i - (n_exp - 1) / 2) + 0.15
            st = {**st, "color": exp_colors[exp_i % len(exp_colors)]}
            exp_i += 1
        elif kind == "reference":
            shift = -0.15
        ok = d["estimate"].notna()
        x = d.loc[ok, "position"].to_numpy(float) + shift
        est = d.loc[ok, "estimate"].to_numpy(float)
        lo = d.loc[ok, "ci_low"].to_numpy(float)
        hi = d.loc[ok, "ci_high"].to_numpy(float)
        has_ci = np.isfinite(lo) & np.isfinite(hi)
        if has_ci.any():
            ax.errorbar(x[has_ci], est[has_ci],
                        yerr=[est[has_ci] - lo[has_ci], hi[has_ci] - est[has_ci]],
                        fmt="none", ecolor=st["color"], elinewidth=1.0, capsize=3)
        linestyle = "--" if kind == "reference" else "none"
        ax.plot(x, est, marker=st["marker"], color=st["color"], linestyle=linestyle,
                label=s, alpha=0.9 if kind != "expected" else 0.7)
        for _, r in d[~ok].iterrows():
            ax.text(r["position"] + shift, 0.0, "no data\n(k=0)", ha="center", va="bottom",
                    fontsize="small", color=st["color"])
    rungs = ladder.drop_duplicates("position").sort_values("position")
    ax.set_xticks(rungs["position"].to_numpy(float))
    ax.set_xticklabels([str(r).replace(" / ", " /\n") for r in rungs["rung"]])
    ax.axhline(0.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xlim(-0.5, float(rungs["position"].max()) + 0.7)
    ax.set_xlabel("control (stricter to the right)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="x-small", frameon=False)
    fig.tight_layout()
    return fig
