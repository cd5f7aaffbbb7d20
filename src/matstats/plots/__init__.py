"""Plotting functions (matplotlib), one submodule per concern.

Every function takes data computed elsewhere in matstats, draws it on a given or
new ``Axes`` with an explicit figure size, and returns the ``Figure``. Names are
looked up lazily in the submodules below so importing this package is cheap.
"""

from __future__ import annotations

import importlib

_SUBMODULES = ("audit", "meta", "bayesmeta", "nof1", "nof1_series", "sensitivity")


def __getattr__(name: str):
    for sub in _SUBMODULES:
        try:
            module = importlib.import_module(f"matstats.plots.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name == f"matstats.plots.{sub}":
                continue
            raise
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module 'matstats.plots' has no attribute {name!r}")
