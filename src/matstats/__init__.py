"""matstats: a reproducible audit of the evidence on acupressure mats.

The public API is re-exported here lazily, so that ``import matstats`` stays
cheap and a module is only imported when one of its names is used.
"""

from __future__ import annotations

import importlib

from matstats._errors import DataError

__version__ = "0.1.0"

# public name -> submodule that defines it
_LAZY = {
    # data (issue: foundation)
    "load_studies": "matstats.data_io",
    "load_claims": "matstats.data_io",
    "audit_claims": "matstats.audit",
    # effect sizes and meta-analysis (issue: sham vs treatment)
    "escalc": "matstats.effects",
    "meta_analysis": "matstats.meta",
    "MetaFit": "matstats.meta",
    "egger_test": "matstats.meta",
    "trim_and_fill": "matstats.meta",
    "subgroup_analysis": "matstats.meta",
    "leave_one_out": "matstats.meta",
    # Bayesian meta-analysis for few studies (issue 12)
    "bayes_meta": "matstats.bayesmeta",
    "BayesMetaFit": "matstats.bayesmeta",
}

_SUBMODULES = {
    "data_io",
    "audit",
    "tables",
    "effects",
    "meta",
    "bayesmeta",
    "ladder",
    "nof1",
    "sensitivity",
    "routing",
    "plots",
    "cli",
}

__all__ = ["DataError", "__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"matstats.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'matstats' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
