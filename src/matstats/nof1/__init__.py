"""Personal (n-of-1) mat trials: plan (``design``), simulate (``simulate``), analyse many
trials (``analysis``) or one person's diary (``diary_io``, ``calendar``, ``diary``), give a
verdict (``verdict``, ``verdict_calibration``), size a trial (the chance of a verdict,
``verdict_calibration.verdict_power``; the methods' power for teaching, ``power``,
``calibration``), and the same for a series of trials (``series_*``). Numbers and codes only: the words are
:mod:`matstats.narrative.nof1` and :mod:`matstats.narrative.series`, the figures
:mod:`matstats.plots.nof1`.
"""

from __future__ import annotations

from matstats.nof1.analysis import METHODS, analyze_many, gls_design, simulate_and_analyze
from matstats.nof1.calendar import build_calendar
from matstats.nof1.calibration import (
    bayes_calibration,
    day_t_size_approx,
    operating_characteristics,
    randomization_calibration,
    rejection_rates,
)
from matstats.nof1.design import min_randomization_pval, plan_calendar, schedule
from matstats.nof1.diary import DiaryResult, analyze
from matstats.nof1.diary_io import example_diary_path, read_diary
from matstats.nof1.power import (
    cycle_difference_variance,
    cycles_needed_closed_form,
    min_pval,
    power_closed_form,
)
from matstats.nof1.simulate import mean_profile, simulate
from matstats.nof1.verdict import Verdict, verdict_fit, verdict_labels
from matstats.nof1.verdict_calibration import (
    provisional_alpha_table,
    verdict_calibration,
    verdict_power,
)

__all__ = [
    "METHODS",
    "DiaryResult",
    "analyze",
    "analyze_many",
    "bayes_calibration",
    "build_calendar",
    "cycle_difference_variance",
    "cycles_needed_closed_form",
    "day_t_size_approx",
    "example_diary_path",
    "gls_design",
    "mean_profile",
    "min_pval",
    "operating_characteristics",
    "plan_calendar",
    "min_randomization_pval",
    "power_closed_form",
    "randomization_calibration",
    "read_diary",
    "rejection_rates",
    "schedule",
    "verdict_labels",
    "Verdict",
    "verdict_fit",
    "verdict_calibration",
    "provisional_alpha_table",
    "verdict_power",
    "simulate",
    "simulate_and_analyze",
]

# series of n-of-1 trials
from matstats.nof1.series_analysis import (  # noqa: E402
    SeriesResult,
    analyze_series,
    analyze_series_many,
)
from matstats.nof1.series_example import clinic_example  # noqa: E402
from matstats.nof1.series_io import SeriesData, read_series, write_series_diaries  # noqa: E402
from matstats.nof1.series_plan import plan_series, series_templates, smallest_design  # noqa: E402
from matstats.nof1.series_sim import SeriesSimulation, simulate_series  # noqa: E402

__all__ += [
    "SeriesData",
    "SeriesResult",
    "SeriesSimulation",
    "analyze_series",
    "analyze_series_many",
    "clinic_example",
    "plan_series",
    "read_series",
    "series_templates",
    "simulate_series",
    "smallest_design",
    "write_series_diaries",
]
