"""Personal (n-of-1) mat trials: plan (``design``), simulate (``simulate``), analyse many
trials (``analysis``) or one person's diary (``diary_io``, ``calendar``, ``diary``), give a
verdict (``verdict``, ``verdict_calibration``), size a trial (the chance of a verdict,
``verdict_calibration.verdict_power``; the methods' power for teaching, ``power``,
``calibration``), and the same for a series of trials (``series_*``). Numbers and codes only: the words are
:mod:`matstats.narrative.nof1` and :mod:`matstats.narrative.series`, the figures
:mod:`matstats.plots.nof1`.
"""

from __future__ import annotations

import sys

from matstats.nof1.analysis import *  # noqa: F403
from matstats.nof1.calendar import *  # noqa: F403
from matstats.nof1.calibration import *  # noqa: F403
from matstats.nof1.design import *  # noqa: F403
from matstats.nof1.diary import *  # noqa: F403
from matstats.nof1.diary_io import *  # noqa: F403
from matstats.nof1.power import *  # noqa: F403
from matstats.nof1.simulate import *  # noqa: F403
from matstats.nof1.verdict import *  # noqa: F403
from matstats.nof1.verdict_calibration import *  # noqa: F403
from matstats.nof1.series_analysis import *  # noqa: F403
from matstats.nof1.series_example import *  # noqa: F403
from matstats.nof1.series_io import *  # noqa: F403
from matstats.nof1.series_plan import *  # noqa: F403
from matstats.nof1.series_sim import *  # noqa: F403

# each module's __all__ says what it exports; the package exports the same names (by module
# name: the functions simulate and verdict_calibration shadow their modules here)
__all__ = [
    name
    for module in (
        "analysis", "calendar", "calibration", "design", "diary", "diary_io", "power",
        "simulate", "verdict", "verdict_calibration", "series_analysis", "series_example",
        "series_io", "series_plan", "series_sim",
    )
    for name in sys.modules[f"matstats.nof1.{module}"].__all__
]
