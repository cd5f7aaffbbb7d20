"""matstats: a reproducible audit of the evidence on acupressure mats.

The public API is re-exported here lazily, so that ``import matstats`` stays
cheap and a module is only imported when one of its names is used.
"""

from __future__ import annotations

import importlib

from matstats._core.errors import DataError

__version__ = "0.1.0"

# public name -> submodule that defines it
_LAZY = {
    # data (issue: foundation)
    "load_studies": "matstats.evidence.data_io",
    "load_claims": "matstats.evidence.data_io",
    "audit_claims": "matstats.audit",
    # effect sizes and meta-analysis (issue: sham vs treatment)
    "escalc": "matstats.meta.effects",
    "meta_analysis": "matstats.meta",
    "MetaFit": "matstats.meta",
    # Bayesian meta-analysis for few studies (issue 12)
    "bayes_meta": "matstats.meta.bayesmeta",
    "BayesMetaFit": "matstats.meta.bayesmeta",
}

#: the pillars (subpackages) and the public foundation modules, imported on first use
_SUBMODULES = {
    "vocab", "literature",          # foundations: labels from the schema; cited constants and priors
    "evidence",                     # studies.csv, claims.csv, bibliography, study effect sizes
    "meta",                         # escalc, meta_analysis (MetaFit), bayes_meta
    "ladder",                       # control ladder, P(mat beats sham), mat-vs-sham trial size
    "audit",                        # claim verdicts by rule, tracing, sensitivity routing
    "sensitivity",                  # placebo, expectation, regression to the mean, bias
    "nof1",                         # personal trials and clinic series
    "narrative", "plots", "tables",  # words, figures, reader tables
    "cli",                          # the matstats command
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
