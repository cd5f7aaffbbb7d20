"""Colours and names that mean the same thing in every matstats figure (one place).

Okabe-Ito hues (distinguishable with the common colour-vision deficiencies). An n-of-1
analysis method always has the same colour, marker and reader's name, whichever figure shows
it (the reader site's method glossary takes the names from here too), and the two trial
conditions keep their own colours, distinct from every method's.
"""

from __future__ import annotations

#: the smallest font (points) any figure uses: at 100 dpi, 11 px drawn, and at least 9 px on
#: screen while a figure is shown at no less than 1/1.23 of its drawn width
MIN_FONT_PT = 8.0
#: per n-of-1 analysis method (matstats.nof1.METHODS): colour, marker (the methods differ
#: without colour too), the reader's name (figure legends) and what it does (site glossary)
METHOD_STYLE = {
    "cycle_t": ("#009E73", "o", "t test on cycle means",  # bluish green
                "one mat-minus-control difference per cycle (the mean of the mat period minus the "
                "mean of the control period); a paired t test on those differences"),
    "gls_ar1": ("#CC79A7", "s", "regression on days (AR(1))",  # reddish purple
                "every day's score in a regression with a linear trend, allowing each day to "
                "resemble the day before (first-order autoregressive errors)"),
    "randomization": ("#0072B2", "^", "randomization test",  # blue
                      "the observed difference compared with the differences under every other "
                      "order the coin could have chosen; exact, and valid only if a coin decided "
                      "the order"),
    "bayes": ("#D55E00", "D", "Bayesian estimate",  # vermillion
              "the cycle differences combined with a prior centred on no effect; gives the "
              "probability that the mat helps by at least a noticeable amount"),
    "day_t": ("#000000", "X", "naive t test on days",  # black: the naive method
              "every day treated as independent; ignores that days resemble each other, so it "
              "finds effects that are not there (shown for comparison only)"),
}
#: the two conditions of a personal trial (calendar and diary fills)
CONDITION_COLOURS = {"mat": "#E69F00", "control": "#56B4E9"}
#: Okabe-Ito hues without black and yellow, and markers, for the n-th line of a figure
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
MARKERS = ("o", "s", "^", "D", "v", "P")


def method_style(method: str) -> dict:
    """``color``, ``marker`` and ``label`` (the reader's name) that draw an n-of-1 method
    (grey, "o" and the code itself for a method not in :data:`METHOD_STYLE`)."""
    colour, marker, name, _ = METHOD_STYLE.get(method, ("0.5", "o", method, ""))
    return {"color": colour, "marker": marker, "label": name}


def _axes(ax, figsize, **subplots):
    """``(figure, ax)``: the given ``ax`` and its figure, or a new figure of ``figsize`` inches
    with one Axes (``subplots`` passed to :func:`matplotlib.pyplot.subplots`)."""
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, **subplots)
