"""Smoke and structural tests for matstats.plots.bayesmeta (Agg backend, see conftest.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Polygon

import matstats.meta.bayesmeta as bm
from matstats.plots import plot_bayes_forest, plot_bayes_posteriors

Y = [-2.31, -0.46, -2.30, -1.76, -1.26, -2.42]
SE = [0.60, 0.56, 0.88, 0.46, 0.64, 1.53]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fit():
    return bm.bayes_meta(Y, sei=SE, tau_prior=bm.HalfNormal(0.5), mu_prior=(0, 4),
                         slab=list("abcdef"))


def test_posterior_plot_structure(fit):
    fig = plot_bayes_posteriors(fit, figsize=(9, 3))
    assert tuple(fig.get_size_inches()) == (9, 3)
    joint, tau, mu = fig.axes[:3]
    assert joint.get_xlabel() == "heterogeneity tau"
    assert len(tau.lines) == 1 and len(mu.lines) >= 2
    # the mu density drawn is the fitted marginal density
    x, d = mu.lines[0].get_data()
    np.testing.assert_allclose(d, fit.pdf("mu", x))


def test_posterior_plot_on_given_axes_and_known_tau(fit):
    fig, axes = plt.subplots(1, 3)
    assert plot_bayes_posteriors(fit, ax=axes) is fig
    known = bm.bayes_meta(Y, sei=SE, tau_prior=bm.KnownTau(0.0))
    assert plot_bayes_posteriors(known).axes
    with pytest.raises(ValueError, match="three Axes"):
        plot_bayes_posteriors(fit, ax=axes[0])
    with pytest.raises(ValueError, match="n_grid"):
        plot_bayes_posteriors(fit, n_grid=3)


def test_forest_plot_structure(fit):
    fig = plot_bayes_forest(fit, xlabel="log OR")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:6] == list("abcdef")
    assert labels[-2:] == ["mu (overall)", "theta (prediction)"]
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(diamonds) == 1
    xs = diamonds[0].get_xy()[:, 0]
    summ = fit.to_frame().set_index("param")
    assert xs.min() == pytest.approx(summ.loc["mu", "ci_low"])
    assert xs.max() == pytest.approx(summ.loc["mu", "ci_high"])
    _, ax2 = plt.subplots()
    assert plot_bayes_forest(fit, ax=ax2) is ax2.figure
