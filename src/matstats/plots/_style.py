"""Colours that mean the same thing in every matstats figure (one place, used by every plot).

Okabe-Ito hues (distinguishable with the common colour-vision deficiencies). An n-of-1
analysis method always has the same colour and marker, whichever figure shows it, and the
two trial conditions keep their own colours, distinct from every method's.
"""

from __future__ import annotations

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
#: the two conditions of a personal trial (calendar and diary fills)
CONDITION_COLOURS = {"mat": "#E69F00", "control": "#56B4E9"}


def method_colour(method: str) -> str:
    """Colour of an n-of-1 method (grey for a name not in :data:`METHOD_COLOURS`)."""
    return METHOD_COLOURS.get(method, "0.5")


def method_marker(method: str) -> str:
    """Marker of an n-of-1 method ("o" for a name not in :data:`METHOD_MARKERS`)."""
    return METHOD_MARKERS.get(method, "o")
