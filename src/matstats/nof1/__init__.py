"""Personal (n-of-1) mat trials: plan, simulate, analyse and size them.

Public API
----------
schedule
    Day-by-day calendar of a trial (paired random, ABAB or alternating order).
simulate
    Ratings of many replicate trials (stationary AR(1) noise, trend,
    expectation bias, carryover, missing days), vectorised across trials.
analyze_many
    cycle_t, gls_ar1, randomization, bayes and day_t analyses of many trials.
simulate_and_analyze
    Both, block by block, with bounded memory.
"""

from __future__ import annotations

from matstats.nof1.analysis import METHODS, analyze_many, gls_design, simulate_and_analyze
from matstats.nof1.design import DESIGNS, schedule
from matstats.nof1.simulate import mean_profile, simulate

# from matstats.nof1.diary import analyze  # owned by nof1-diary; enabled once diary.py exists

__all__ = [
    "DESIGNS",
    "METHODS",
    "analyze_many",
    "gls_design",
    "mean_profile",
    "schedule",
    "simulate",
    "simulate_and_analyze",
]
