"""Meta-analysis plots of a :class:`matstats.meta.MetaFit`, its follow-ups or the tables of
:mod:`matstats.ladder`: forest plot, funnel plot with trim-and-fill points, control ladder."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from scipy import stats

from matstats._core import checks as _checks
from matstats.meta import meta_analysis
from matstats.plots._style import _axes

__all__ = ["plot_forest", "plot_funnel", "plot_ladder"]


def _get(obj, name: str, default=np.nan):
    """Read ``name`` from a mapping, a Series/row or an object with attributes."""
    if obj is None:
        return default
    if isinstance(obj, Mapping | pd.Series):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _diamond(ax, y: float, est: float, lo: float, hi: float, *, color: str, height: float = 0.35):
    ax.add_patch(Polygon(
        [(lo, y), (est, y + height), (hi, y), (est, y - height)],
        closed=True, facecolor=color, edgecolor="black", linewidth=0.8, zorder=3,
    ))


class _Rows:
    """Row positions of a forest plot, top to bottom, with their tick labels and x-extent."""

    def __init__(self) -> None:
        self.y = 0.0
        self.ticks: list[float] = []
        self.labels: list[str] = []
        self.xs: list[float] = [0.0]

    def next(self, label: str) -> None:
        """Label the current row (a long label on two lines) and move one row down."""
        indent = label[:len(label) - len(label.lstrip())]
        self.ticks.append(self.y)
        self.labels.append(indent + f"\n{indent}".join(textwrap.wrap(label.strip(), 44, break_on_hyphens=False)))
        self.y -= 1


def _is_fit(obj) -> bool:
    return hasattr(obj, "study_frame") and hasattr(obj, "yi")


def _forest_inputs(studies, label_col, group_col, subgroups, overall):
    """The study table, subgroup rows by group and the overall result, from what was given."""
    if _is_fit(studies):
        overall = studies if overall is None else overall
        studies = studies.study_frame()
    if not isinstance(studies, pd.DataFrame):
        raise ValueError(f"studies must be a DataFrame or a MetaFit, got {type(studies).__name__}")
    missing = sorted({"yi", "ci_low", "ci_high", label_col} - set(studies.columns))
    if missing:
        raise ValueError(f"studies is missing columns: {missing}")
    if group_col is not None and group_col not in studies.columns:
        raise ValueError(f"group_col {group_col!r} is not a column of studies")
    if len(studies) == 0 and overall is None:
        raise ValueError("nothing to plot: no study rows and no overall estimate")
    if subgroups is not None and hasattr(subgroups, "groups"):
        subgroups = subgroups.groups  # a SubgroupResult
    by_group = {} if subgroups is None else {r["group"]: r for _, r in subgroups.iterrows()}
    return studies, by_group, overall


def _draw_study(ax, rows: _Rows, r: pd.Series, size: float) -> None:
    """A study's square and CI, or an open arrow / dotted line for a bound-only row."""
    y = rows.y
    if pd.notna(r["yi"]):
        ax.plot([r["ci_low"], r["ci_high"]], [y, y], color="black", linewidth=1.0)
        ax.scatter([r["yi"]], [y], marker="s", s=size, color="tab:blue", zorder=3)
        rows.xs.extend([float(r["ci_low"]), float(r["ci_high"])])
    elif pd.notna(r.get("bound_value", np.nan)):
        b = float(r["bound_value"])
        side = r.get("bound_side", "")
        if side == "upper_abs":
            ax.plot([-b, b], [y, y], color="grey", linestyle=":", linewidth=1.2)
            rows.xs.extend([-b, b])
        else:
            step = 0.4 if side == "lower" else -0.4
            ax.annotate("", xy=(b + step, y), xytext=(b, y),
                        arrowprops={"arrowstyle": "->", "color": "grey"})
            ax.plot([b], [y], marker="|", color="grey", markersize=10)
            rows.xs.extend([b, b + step])


def _draw_pool(ax, rows: _Rows, pool, label: str, color: str, *, pi: bool = False) -> None:
    """A pooled result's diamond (with ``pi``, its prediction interval too), labelled with k."""
    if pool is None or pd.isna(_get(pool, "estimate")):
        return
    y = rows.y
    pl, ph = _get(pool, "pi_low"), _get(pool, "pi_high")
    if pi and pd.notna(pl) and pd.notna(ph):
        ax.plot([pl, ph], [y, y], color=color, linewidth=1.5, label="prediction interval")
        rows.xs.extend([float(pl), float(ph)])
    lo, hi = float(_get(pool, "ci_low")), float(_get(pool, "ci_high"))
    _diamond(ax, y, float(_get(pool, "estimate")), lo, hi, color=color)
    rows.xs.extend([lo, hi])
    k = _get(pool, "k")
    rows.next(label + (f" (k={int(k)})" if pd.notna(k) else ""))


def _finish_forest(fig: Figure, ax, rows: _Rows, xlabel: str, title: str | None) -> None:
    ax.axvline(0.0, color="grey", linewidth=0.8, linestyle="--")
    finite = [v for v in rows.xs if np.isfinite(v)]
    span = max(finite) - min(finite) or 1.0
    ax.set_xlim(min(finite) - 0.05 * span, max(finite) + 0.05 * span)
    ax.set_yticks(rows.ticks, rows.labels)
    ax.set_ylabel("study result, grouped by control")
    ax.set_ylim(rows.y - 0.2, 1.0)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(textwrap.fill(title, 38))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()


def plot_forest(
    studies,
    *,
    label_col: str = "label",
    group_col: str | None = None,
    subgroups=None,
    overall=None,
    xlabel: str = "Hedges' g (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 5.0),
    ax=None,
) -> Figure:
    """Forest plot: one row per study, a diamond per subgroup and one for the overall pool.

    Parameters
    ----------
    studies : MetaFit or DataFrame
        A fit from :func:`matstats.meta.meta_analysis` (its studies from
        :meth:`~matstats.meta.MetaFit.study_frame`, labelled by ``slab``, marker size by
        weight, and the fit itself as ``overall`` unless given), or a table with columns
        ``yi``, ``ci_low``, ``ci_high`` and ``label_col``; rows with NaN ``yi`` but a finite
        ``bound_value`` (from :func:`matstats.evidence.study_effects.study_effect_sizes`) are drawn as an open
        arrow from the bound (``bound_side`` ``"lower"``: g > bound). Optional ``weight``
        sets the marker size.
    label_col : str
        Column with the row labels.
    group_col : str, optional
        Column whose values group the study rows; groups are drawn in order of first
        appearance, each followed by its subgroup diamond when ``subgroups`` has it.
    subgroups : DataFrame or SubgroupResult, optional
        Columns ``group`` (matching ``group_col``), ``estimate``, ``ci_low``, ``ci_high``
        and optional ``k`` (a :class:`~matstats.meta.SubgroupResult` gives its ``groups``).
    overall : MetaFit, mapping, Series or result object, optional
        Fields ``estimate``, ``ci_low``, ``ci_high`` and optional ``pi_low``/``pi_high``
        and ``k``; the prediction interval is drawn as a line through the overall diamond.
    xlabel, title : str
    figsize, ax
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.meta import meta_analysis
    >>> from matstats.plots.meta import plot_forest
    >>> fit = meta_analysis([0.1, 0.3, 0.5], [0.02, 0.03, 0.05], slab=["A", "B", "C"])
    >>> fig = plot_forest(fit, title="three studies")
    """
    studies, by_group, overall = _forest_inputs(studies, label_col, group_col, subgroups,
                                                overall)
    fig, ax = _axes(ax, figsize)
    rows = _Rows()
    w = studies["weight"].to_numpy(float) if "weight" in studies.columns else None
    wmax = np.nanmax(w) if w is not None and np.isfinite(w).any() else None
    groups = [None] if group_col is None else list(dict.fromkeys(studies[group_col]))
    for g in groups:
        block = studies if g is None else studies[studies[group_col] == g]
        if g is not None:
            rows.next(str(g))
        for idx, r in block.iterrows():
            size = 40.0
            if wmax:
                size = 20.0 + 120.0 * float(w[studies.index.get_loc(idx)]) / wmax
            _draw_study(ax, rows, r, size)
            rows.next(f"  {r[label_col]}")
        if g is not None and g in by_group:
            _draw_pool(ax, rows, by_group[g], f"  subgroup {g}", "tab:orange")
        rows.y -= 0.5
    _draw_pool(ax, rows, overall, "Overall", "tab:red", pi=True)
    _finish_forest(fig, ax, rows, xlabel, title)
    return fig


def _funnel_inputs(yi, vi, estimate, trim_fill, fill_yi, fill_vi, adjusted_estimate):
    """Observed data, centre, imputed data and adjusted estimate from what was given."""
    if _is_fit(yi):
        if vi is not None:
            raise ValueError("vi must be None when yi is a MetaFit (the fit has its own vi)")
        fit = yi
    else:
        fit = meta_analysis(yi, vi, method="FE")  # validates yi and vi
    estimate = fit.estimate if estimate is None else _checks.finite("estimate", estimate)
    if trim_fill is not None:
        if fill_yi is not None or fill_vi is not None or adjusted_estimate is not None:
            raise ValueError("give either trim_fill or fill_yi/fill_vi/adjusted_estimate, "
                             "not both")
        filled = trim_fill.data[trim_fill.data["filled"]]
        fill_yi, fill_vi = filled["yi"], filled["vi"]
        adjusted_estimate = trim_fill.model.estimate
    fy = _checks.vector("fill_yi", [] if fill_yi is None else fill_yi)
    fv = _checks.vector("fill_vi", [] if fill_vi is None else fill_vi, size=fy.size)
    return np.asarray(fit.yi), np.asarray(fit.vi), estimate, fy, fv, adjusted_estimate


def plot_funnel(
    yi,
    vi: Sequence[float] | None = None,
    *,
    estimate: float | None = None,
    fill_yi: Sequence[float] | None = None,
    fill_vi: Sequence[float] | None = None,
    adjusted_estimate: float | None = None,
    trim_fill=None,
    level: float = 0.95,
    xlabel: str = "Hedges' g (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (6.0, 5.0),
    ax=None,
) -> Figure:
    """Funnel plot (effect vs standard error, SE axis inverted) with trim-and-fill points.

    Parameters
    ----------
    yi : MetaFit or array_like
        A fit from :func:`matstats.meta.meta_analysis` (its data, centred at its estimate),
        or the observed effects.
    vi : array_like, optional
        Sampling variances (> 0) when ``yi`` is an array; None for a fit.
    estimate : float, optional
        Centre of the pseudo-confidence funnel. Default: the fit's estimate, or for arrays
        the inverse-variance weighted (equal-effect) mean of ``yi``.
    fill_yi, fill_vi : array_like, optional
        Studies imputed by trim-and-fill, drawn as open circles.
    adjusted_estimate : float, optional
        Trim-and-fill adjusted estimate, drawn as a dashed line.
    trim_fill : TrimFillResult, optional
        Result of :meth:`MetaFit.trim_and_fill`: supplies ``fill_yi``, ``fill_vi`` and
        ``adjusted_estimate`` (give either this or those).
    level : float
        Coverage of the pseudo-confidence region.
    xlabel, title, figsize, ax
        As in :func:`plot_forest`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.meta import meta_analysis
    >>> from matstats.plots.meta import plot_funnel
    >>> fit = meta_analysis([0.05, 0.3, 0.45, 0.6, 0.9], [0.005, 0.02, 0.04, 0.06, 0.1])
    >>> fig = plot_funnel(fit, trim_fill=fit.trim_and_fill())
    """
    yi, vi, estimate, fy, fv, adjusted_estimate = _funnel_inputs(
        yi, vi, estimate, trim_fill, fill_yi, fill_vi, adjusted_estimate)
    level = _checks.level(level)
    fig, ax = _axes(ax, figsize)
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


def plot_ladder(
    ladder: pd.DataFrame,
    *,
    ylabel: str = "SMD (positive = mat better)",
    title: str | None = None,
    figsize: tuple[float, float] = (7.4, 4.8),
    ax=None,
) -> Figure:
    """The control ladder: effect by strictness of control (no treatment > active > sham).

    Parameters
    ----------
    ladder : DataFrame
        Output of :func:`matstats.ladder.ladder_table`: columns ``series``, ``kind``
        (``observed``, ``expected``, ``reference``), ``position``, ``rung``,
        ``estimate``, ``ci_low``, ``ci_high``, ``label``. Rungs with NaN estimates
        (k = 0) are marked "no data" under the axis.
    ylabel, title, figsize, ax
        As in :func:`plot_forest`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from matstats.plots.meta import plot_ladder
    >>> lt = pd.DataFrame({"series": ["observed"] * 2, "kind": ["observed"] * 2,
    ...                    "position": [0, 1], "rung": ["no treatment", "sham"],
    ...                    "estimate": [0.7, 0.2], "ci_low": [0.2, -0.1],
    ...                    "ci_high": [1.2, 0.5]})
    >>> fig = plot_ladder(lt, figsize=(6, 4))
    """
    needed = {"series", "kind", "position", "rung", "estimate", "ci_low", "ci_high"}
    missing = sorted(needed - set(ladder.columns))
    if missing:
        raise ValueError(f"ladder is missing columns: {missing}")
    if len(ladder) == 0:
        raise ValueError("ladder has no rows")
    own = ax is None
    fig, ax = _axes(ax, figsize, layout="constrained")
    #: kind -> marker, colour (an expected series: one of exp_colors) and shift right
    styles = {"observed": ("o", "tab:blue", 0.0), "expected": ("D", "tab:red", 0.15),
              "reference": ("s", "0.5", -0.15), "other_device": ("^", "tab:green", -0.3)}
    series = list(dict.fromkeys(ladder["series"]))
    n_exp = sum(ladder.drop_duplicates("series")["kind"] == "expected")
    exp_i = 0
    no_data: dict[float, list[str]] = {}
    exp_colors = ("tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan")
    for s in series:
        d = ladder[ladder["series"] == s].sort_values("position")
        kind = d["kind"].iloc[0]
        marker, colour, shift = styles.get(kind, ("o", "black", 0.0))
        if kind == "expected":
            shift = 0.08 * (exp_i - (n_exp - 1) / 2) + shift
            colour = exp_colors[exp_i % len(exp_colors)]
            exp_i += 1
        ok = d["estimate"].notna()
        x = d.loc[ok, "position"].to_numpy(float) + shift
        est = d.loc[ok, "estimate"].to_numpy(float)
        lo = d.loc[ok, "ci_low"].to_numpy(float)
        hi = d.loc[ok, "ci_high"].to_numpy(float)
        has_ci = np.isfinite(lo) & np.isfinite(hi)
        if has_ci.any():
            ax.errorbar(x[has_ci], est[has_ci],
                        yerr=[est[has_ci] - lo[has_ci], hi[has_ci] - est[has_ci]],
                        fmt="none", ecolor=colour, elinewidth=1.0, capsize=3)
        linestyle = "--" if kind == "reference" else "none"
        ax.plot(x, est, marker=marker, color=colour, linestyle=linestyle,
                label=s.replace("_", " "), alpha=0.9 if kind != "expected" else 0.7)
        for _, r in d[~ok].iterrows():  # said under the axis, never on the data
            no_data.setdefault(float(r["position"]), []).append(str(s))
    rungs = ladder.drop_duplicates("position").sort_values("position")
    ax.set_xticks(rungs["position"].to_numpy(float), [
        str(r).replace(" / ", " /\n") + "".join("\n" + "\n".join(textwrap.wrap(f"{name}: no data", 24))
                                                for name in no_data.get(float(pos), []))
        for r, pos in zip(rungs["rung"], rungs["position"])])
    ax.axhline(0.0, color="grey", linewidth=0.8, linestyle="--")
    ax.set_xlim(-0.5, float(rungs["position"].max()) + 0.7)
    ax.set_xlabel("control (stricter to the right)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if own:  # under the axes, so that the plot keeps the figure's width
        fig.legend(loc="outside lower center", ncol=2, fontsize="small", frameon=False)
    else:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
        fig.tight_layout()
    return fig


