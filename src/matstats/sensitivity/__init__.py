"""Generic sensitivity analyses for a reported improvement.

Each analysis answers one question: how large could the non-specific forces behind an
improvement plausibly be, and at what size would they erase it? None of them knows this
project's studies; :mod:`matstats.routing` decides which study row or claim gets which
analysis, and :mod:`matstats.narrative.sensitivity` puts the results into words.

Modules
-------
:mod:`~matstats.sensitivity.evalue`
    :func:`evalue`, :class:`EValue` (unmeasured confounding).
:mod:`~matstats.sensitivity.blinding`
    :func:`blinding_index` (Bang 2004, James 1996).
:mod:`~matstats.sensitivity.rtm`
    :func:`regression_to_mean` (individual, Barnett 2005 group formula).
:mod:`~matstats.sensitivity.decomposition`
    :func:`decompose_improvement`, :func:`decomposition_grid`, :class:`Decomposition`.
:mod:`~matstats.sensitivity.bias`
    :func:`bias_adjust`, :func:`bias_adjusted_effect` (Turner 2009 bias model).
:mod:`~matstats.sensitivity.tipping`
    :func:`tipping_point`, :func:`tipping_point_grid`.
:mod:`~matstats.sensitivity.survey`
    :func:`survey_bounds`, :class:`SurveyBounds`, :func:`binomial_ci`.

Conventions
-----------
* Effects are oriented so that a **positive** value is an improvement (benefit of the
  intervention); bias terms are positive when they inflate the apparent benefit.
* Standardised quantities are in SD units; ``sd`` converts them to outcome units.
* Default priors and constants come from :mod:`matstats.literature`.
* Randomness only through an ``rng`` argument; the same seed gives the same output.
"""

from __future__ import annotations

import importlib
import warnings

from matstats.sensitivity.bias import bias_adjust, bias_adjusted_effect
from matstats.sensitivity.blinding import blinding_index
from matstats.sensitivity.decomposition import (
    Decomposition,
    decompose_improvement,
    decomposition_grid,
)
from matstats.sensitivity.evalue import EValue, evalue
from matstats.sensitivity.rtm import regression_to_mean
from matstats.sensitivity.survey import SurveyBounds, binomial_ci, survey_bounds
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
    "binomial_ci",
]

#: Names that moved out of this package: old name -> (module, new name). They keep working
#: for one release with a DeprecationWarning.
_MOVED = {
    "Prior": ("matstats.literature", "Prior"),
    "default_priors": ("matstats.literature", "sensitivity_priors"),
    "placebo_responder_rates": ("matstats.literature", "placebo_responder_rates"),
    "MCID_NRS": ("matstats.literature", "MCID_NRS"),
    "NRS_SD": ("matstats.literature", "NRS_SD"),
    "MCID_UNITS": ("matstats.literature", "MCID_UNITS"),
    "MCID_SD_PAIN": ("matstats.literature", "MCID_SD_PAIN"),
    "MCID_SD_OTHER": ("matstats.literature", "MCID_SD_OTHER"),
    "sensitivity_for_studies": ("matstats.narrative.sensitivity", "sensitivity_for_studies"),
    "sensitivity_for_claims": ("matstats.narrative.sensitivity", "sensitivity_for_claims"),
    "study_decompositions": ("matstats.routing", "study_decompositions"),
    "bias_adjusted_mat_effects": ("matstats.routing", "bias_adjusted_mat_effects"),
}


def __getattr__(name: str):
    if name in _MOVED:
        module, new = _MOVED[name]
        warnings.warn(f"matstats.sensitivity.{name} is deprecated and will be removed in the "
                      f"next release; use {module}.{new}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), new)
    raise AttributeError(f"module 'matstats.sensitivity' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_MOVED))
