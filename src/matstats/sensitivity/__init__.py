"""Generic sensitivity analyses for a reported improvement.

Each analysis answers one question: how large could the non-specific forces behind an
improvement plausibly be, and at what size would they erase it? None of them knows this
project's studies; :mod:`matstats.audit.routing` decides which study row or claim gets which
analysis, and :mod:`matstats.narrative.sensitivity` puts the results into words.

Conventions
-----------
* Effects are oriented so that a **positive** value is an improvement (benefit of the
  intervention); bias terms are positive when they inflate the apparent benefit.
* Standardised quantities are in SD units; ``sd`` converts them to outcome units.
* Default priors and constants come from :mod:`matstats.literature`.
* Randomness only through an ``rng`` argument; the same seed gives the same output.
"""

from __future__ import annotations

from matstats.sensitivity.bias import bias_adjust, bias_adjusted_effect
from matstats.sensitivity.blinding import blinding_index
from matstats.sensitivity.decomposition import (
    Decomposition,
    decompose_improvement,
    decomposition_grid,
)
from matstats.sensitivity.evalue import EValue, evalue
from matstats.sensitivity.rtm import regression_to_mean
from matstats.sensitivity.survey import SurveyBounds, survey_bounds
from matstats.sensitivity.tipping import tipping_point, tipping_point_grid

__all__ = [
    "EValue",
    "Decomposition",
    "SurveyBounds",
    "evalue",
    "blinding_index",
    "regression_to_mean",
    "decompose_improvement",
    "decomposition_grid",
    "bias_adjust",
    "bias_adjusted_effect",
    "tipping_point",
    "tipping_point_grid",
    "survey_bounds",
]
