"""Meta-analysis of effect sizes, numerically aligned with R metafor.

* :func:`meta_analysis` fits equal-effect ("FE") and random-effects models (DL, REML, ML,
  PM, HE, SJ heterogeneity estimators), Wald-type (``test="z"``) or Hartung-Knapp
  (``test="knha"``) inference, Q-profile CI for tau2, I2/H2, Cochran's Q and the prediction
  interval of metafor's ``predict()``. It returns a :class:`MetaFit`, which keeps its data
  and settings; follow-ups are its methods: ``.egger_test()``, ``.trim_and_fill()``,
  ``.leave_one_out()``, ``.subgroups(groups)``, ``.predict()``, ``.update()`` (the only
  way to run them).

Modules: ``_estimators`` (GLS, tau2 estimators, Q-profile), ``fit`` (:class:`MetaFit`,
:func:`meta_analysis`), ``bias`` (Egger, trim-and-fill),
``subsets`` (subgroups, leave-one-out). Formulas follow Viechtbauer (2005, J Educ Behav
Stat 30:261-293; 2010, J Stat Softw 36(3)) and the metafor documentation.
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
