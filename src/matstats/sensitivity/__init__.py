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

from matstats.sensitivity import bias, blinding, decomposition, rtm, survey, tipping
from matstats.sensitivity import evalue as _evalue  # the module: its function shadows it below
from matstats.sensitivity.bias import *  # noqa: F403
from matstats.sensitivity.blinding import *  # noqa: F403
from matstats.sensitivity.decomposition import *  # noqa: F403
from matstats.sensitivity.evalue import *  # noqa: F403
from matstats.sensitivity.rtm import *  # noqa: F403
from matstats.sensitivity.survey import *  # noqa: F403
from matstats.sensitivity.tipping import *  # noqa: F403

__all__ = [*bias.__all__, *blinding.__all__, *decomposition.__all__, *_evalue.__all__,
           *rtm.__all__, *survey.__all__, *tipping.__all__]
