"""Smoke and structural tests for matstats.plots.meta (Agg backend, see conftest.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Polygon

from matstats.meta import meta_analysis
from matstats.plots import meta as pm
from matstats.plots.meta import plot_forest, plot_funnel, plot_ladder


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _studies():
    return pd.DataFrame({
        "label": ["a", "b", "c", "d"],
        "group": ["open", "open", "active", "open"],
        "yi": [0.7, 0.3, 0.1, np.nan],
        "ci_low": [0.1, -0.2, -0.4, np.nan],
        "ci_high": [1.3, 0.8, 0.6, np.nan],
        "bound_side": ["", "", "", "lower"],
        "bound_value": [np.nan, np.nan, np.nan, 1.08],
    })


def test_forest_plot_structure():
    subgroups = pd.DataFrame({"group": ["open", "active"], "estimate": [0.5, 0.1],
                              "ci_low": [0.1, -0.4], "ci_high": [0.9, 0.6], "k": [2, 1]})
    overall = {"estimate": 0.4, "ci_low": 0.1, "ci_high": 0.7, "pi_low": -0.3,
               "pi_high": 1.1, "k": 3}
    fig = plot_forest(_studies(), group_col="group", subgroups=subgroups, overall=overall,
                      figsize=(7, 4))
    ax = fig.axes[0]
    assert tuple(fig.get_size_inches()) == (7, 4)
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(diamonds) == 3  # two subgroups + overall
    # overall diamond spans its CI at its row
    xs = diamonds[-1].get_xy()[:, 0]
    assert xs.min() == pytest.approx(0.1) and xs.max() == pytest.approx(0.7)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Overall (k=3)" in labels
    assert any("subgroup open (k=2)" in lab for lab in labels)
    assert sum(lab.strip() in {"a", "b", "c", "d"} for lab in labels) == 4
    # the prediction interval line is drawn and the x-range covers it and the bound arrow
    assert "prediction interval" in ax.get_legend_handles_labels()[1]
    lo, hi = ax.get_xlim()
    assert lo <= -0.3 and hi >= 1.08


def test_forest_plot_accepts_result_object_and_rejects_bad_input():
    class Res:
        estimate, ci_low, ci_high, pi_low, pi_high, k = 0.4, 0.1, 0.7, np.nan, np.nan, 2

    fig = plot_forest(_studies().iloc[:2], overall=Res())
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="missing columns"):
        plot_forest(pd.DataFrame({"yi": [1.0]}))
    with pytest.raises(ValueError):
        plot_forest(_studies(), group_col="nope")


def test_funnel_plot_structure():
    yi = [0.5, 0.8, 0.3]
    vi = [0.1, 0.05, 0.2]
    fig = plot_funnel(yi, vi, fill_yi=[0.1], fill_vi=[0.1], adjusted_estimate=0.4,
                      figsize=(5, 4))
    ax = fig.axes[0]
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    sizes = sorted(len(o) for o in offsets)
    assert 3 in sizes and 1 in sizes  # observed + imputed points
    y0, y1 = ax.get_ylim()
    assert y0 > y1 == 0.0  # SE axis inverted, top at 0
    assert y0 >= np.sqrt(0.2)
    labels = ax.get_legend_handles_labels()[1]
    assert "imputed (trim-and-fill)" in labels and "adjusted estimate" in labels


def test_funnel_plot_bad_input():
    with pytest.raises(ValueError):
        plot_funnel([0.1, 0.2], [0.1])
    with pytest.raises(ValueError):
        plot_funnel([0.1], [0.0])
    with pytest.raises(ValueError):
        plot_funnel([], [])
    with pytest.raises(ValueError):
        plot_funnel([0.1], [0.1], fill_yi=[0.1], fill_vi=[])


def test_ladder_plot_structure():
    ladder = pd.DataFrame({
        "series": ["obs", "obs", "obs", "exp A", "exp B", "ref", "ref"],
        "kind": ["observed"] * 3 + ["expected"] * 2 + ["reference"] * 2,
        "position": [0, 1, 2, 2, 2, 0, 2],
        "rung": ["no treatment / waiting list", "active control / add-on", "sham", "sham",
                 "sham", "no treatment / waiting list", "sham"],
        "estimate": [0.75, np.nan, np.nan, 0.38, 0.2, 0.55, 0.23],
        "ci_low": [0.1, np.nan, np.nan, -0.1, 0.05, np.nan, np.nan],
        "ci_high": [1.4, np.nan, np.nan, 0.8, 0.35, np.nan, np.nan],
    })
    fig = plot_ladder(ladder, figsize=(8, 4))
    ax = fig.axes[0]
    # rungs without data are said under the axis (in the tick label), never on the data
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "no treatment /\nwaiting list", "active control /\nadd-on\nobs: no data",
        "sham\nobs: no data"]
    assert [t.get_text() for t in ax.texts] == []
    # the legend sits under the axes (a figure legend), so the plot keeps the figure's width
    labels = fig.legends[0].get_texts()
    assert [t.get_text() for t in labels] == ["obs", "exp A", "exp B", "ref"]
    with pytest.raises(ValueError):
        plot_ladder(ladder.drop(columns="kind"))


# ------------------------------------------------------------------ fits, ax=, old names
def _fit():
    return meta_analysis([0.05, 0.3, 0.45, 0.6, 0.9], [0.005, 0.02, 0.04, 0.06, 0.1],
                         slab=["s1", "s2", "s3", "s4", "s5"])


def test_plot_forest_takes_a_fit():
    fit = _fit()
    ax = plot_forest(fit).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:5] == ["  s1", "  s2", "  s3", "  s4", "  s5"]
    assert labels[-1] == "Overall (k=5)"
    diamond = [p for p in ax.patches if isinstance(p, Polygon)][-1].get_xy()[:, 0]
    assert (diamond.min(), diamond.max()) == (pytest.approx(fit.ci_low), pytest.approx(fit.ci_high))


def test_plot_forest_takes_a_subgroup_result():
    yi, vi = [0.7, 0.3, 0.1, 0.2], [0.05, 0.04, 0.06, 0.03]
    studies = pd.DataFrame({"label": list("abcd"), "group": ["x", "x", "y", "y"], "yi": yi,
                            "ci_low": np.subtract(yi, 0.4), "ci_high": np.add(yi, 0.4)})
    sub = meta_analysis(yi, vi, method="FE").subgroups(studies["group"])
    ax = plot_forest(studies, group_col="group", subgroups=sub).axes[0]
    diamonds = [p.get_xy()[:, 0] for p in ax.patches if isinstance(p, Polygon)]
    assert len(diamonds) == 2
    # one diamond per subgroup spanning its CI: FE means 0.4778 (x) and 0.1667 (y), inverse-
    # variance weighted by hand, +- 1.96 / sqrt(sum w)
    for d, (y2, v2) in zip(diamonds, [(yi[:2], vi[:2]), (yi[2:], vi[2:])], strict=True):
        w = 1 / np.asarray(v2)
        mid, half = np.sum(w * y2) / np.sum(w), 1.959963984540054 / np.sqrt(np.sum(w))
        assert (d.min(), d.max()) == (pytest.approx(mid - half, rel=1e-12),
                                      pytest.approx(mid + half, rel=1e-12))


def test_plot_funnel_takes_a_fit_and_its_trim_and_fill():
    fit = _fit()
    tf = fit.trim_and_fill()
    assert tf.k0 > 0
    ax = plot_funnel(fit, trim_fill=tf).axes[0]
    sizes = sorted(len(c.get_offsets()) for c in ax.collections if len(c.get_offsets()))
    assert fit.k in sizes and tf.k0 in sizes
    lines = {ln.get_label(): ln.get_xdata()[0] for ln in ax.lines}
    assert lines["pooled estimate"] == pytest.approx(fit.estimate)
    assert lines["adjusted estimate"] == pytest.approx(tf.model.estimate)
    with pytest.raises(ValueError, match="vi must be None"):
        plot_funnel(fit, [0.1] * 5)
    with pytest.raises(ValueError, match="either trim_fill"):
        plot_funnel(fit, trim_fill=tf, fill_yi=[0.1], fill_vi=[0.1])


@pytest.mark.parametrize("name", ["plot_forest", "plot_funnel", "plot_ladder"])
def test_every_plot_draws_on_a_given_ax(name):
    fig, (ax0, ax1) = plt.subplots(1, 2)
    ladder = pd.DataFrame({"series": ["obs"] * 2, "kind": ["observed"] * 2, "position": [0, 1],
                           "rung": ["open", "sham"], "estimate": [0.5, 0.2],
                           "ci_low": [0.1, -0.1], "ci_high": [0.9, 0.5]})
    arg = {"plot_forest": _fit(), "plot_funnel": _fit(), "plot_ladder": ladder}[name]
    out = getattr(pm, name)(arg, ax=ax1)
    assert out is fig
    assert ax1.has_data() and not ax0.has_data()


