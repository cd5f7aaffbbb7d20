"""Smoke and structural tests for matstats.plots.meta (Agg backend, see conftest.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Polygon

from matstats.plots.meta import forest_plot, funnel_plot, ladder_plot


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
    fig = forest_plot(_studies(), group_col="group", subgroups=subgroups, overall=overall,
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

    fig = forest_plot(_studies().iloc[:2], overall=Res())
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="missing columns"):
        forest_plot(pd.DataFrame({"yi": [1.0]}))
    with pytest.raises(ValueError):
        forest_plot(_studies(), group_col="nope")


def test_funnel_plot_structure():
    yi = [0.5, 0.8, 0.3]
    vi = [0.1, 0.05, 0.2]
    fig = funnel_plot(yi, vi, fill_yi=[0.1], fill_vi=[0.1], adjusted_estimate=0.4,
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
        funnel_plot([0.1, 0.2], [0.1])
    with pytest.raises(ValueError):
        funnel_plot([0.1], [0.0])
    with pytest.raises(ValueError):
        funnel_plot([], [])
    with pytest.raises(ValueError):
        funnel_plot([0.1], [0.1], fill_yi=[0.1], fill_vi=[])


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
    fig = ladder_plot(ladder, figsize=(8, 4))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "no treatment /\nwaiting list", "active control /\nadd-on", "sham"]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("no data\n(k=0)") == 2
    labels = ax.get_legend().get_texts()
    assert [t.get_text() for t in labels] == ["obs", "exp A", "exp B", "ref"]
    with pytest.raises(ValueError):
        ladder_plot(ladder.drop(columns="kind"))
