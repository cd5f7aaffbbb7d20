"""Meta-analysis of effect sizes, numerically aligned with R metafor.

:func:`meta_analysis` returns a :class:`MetaFit` whose follow-ups are its methods. Formulas
follow Viechtbauer (2005, J Educ Behav Stat 30:261-293; 2010, J Stat Softw 36(3)) and the
metafor documentation.
"""

from __future__ import annotations

from matstats.meta._estimators import METHODS, TESTS
from matstats.meta.bias import EggerResult, TrimFillResult
from matstats.meta.fit import MetaFit, meta_analysis
from matstats.meta.subsets import SubgroupResult

__all__ = [
    "MetaFit",
    "EggerResult",
    "TrimFillResult",
    "SubgroupResult",
    "meta_analysis",
    "METHODS",
    "TESTS",
]
