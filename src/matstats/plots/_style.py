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
#: one colour per n-of-1 analysis method (matstats.nof1.METHODS)
METHOD_COLOURS = {
    "cycle_t": "#009E73",        # bluish green
    "gls_ar1": "#CC79A7",        # reddish purple
    "randomization": "#0072B2",  # blue
    "bayes": "#D55E00",          # vermillion
    "day_t": "#000000",          # black: the naive method
}
#: one marker per method, so that the methods differ without colour too
METHOD_MARKERS = {"cycle_t": "o", "gls_ar1": "s", "randomization": "^", "bayes": "D", "day_t": "X"}
#: the reader's name of each n-of-1 method (figure legends), and what it does (site glossary)
METHOD_NAMES = {
    "cycle_t": ("t test on cycle means", "one mat-minus-control difference per cycle (the mean of "
                "the mat period minus the mean of the control period); a paired t test on those "
                "differences"),
    "gls_ar1": ("regression on days (AR(1))", "every day's score in a regression with a linear "
                "trend, allowing each day to resemble the day before (first-order autoregressive "
                "errors)"),
    "randomization": ("randomization test", "the observed difference compared with the differences "
                      "under every other order the coin could have chosen; exact, and valid only "
                      "if a coin decided the order"),
    "bayes": ("Bayesian estimate", "the cycle differences combined with a prior centred on no "
              "effect; gives the probability that the mat helps by at least a noticeable amount"),
    "day_t": ("naive t test on days", "every day treated as independent; ignores that days resemble "
              "each other, so it finds effects that are not there (shown for comparison only)"),
}
#: the two conditions of a personal trial (calendar and diary fills)
CONDITION_COLOURS = {"mat": "#E69F00", "control": "#56B4E9"}


def method_colour(method: str) -> str:
    """Colour of an n-of-1 method (grey for a name not in :data:`METHOD_COLOURS`)."""
    return METHOD_COLOURS.get(method, "0.5")


def method_name(method: str) -> str:
    """The reader's name of an n-of-1 method (the code itself for a name not in
    :data:`METHOD_NAMES`)."""
    return METHOD_NAMES.get(method, (method,))[0]


def method_marker(method: str) -> str:
    """Marker of an n-of-1 method ("o" for a name not in :data:`METHOD_MARKERS`)."""
    return METHOD_MARKERS.get(method, "o")
