"""Plotting functions (matplotlib), one submodule per concern.

Every ``plot_*`` function draws data computed elsewhere in matstats (it computes no
statistic) and returns the ``Figure``. ``ax`` is the Axes to draw on (or the sequence of
Axes a function names), in the caller's figure; when None (the default) a new figure of
``figsize`` inches is made; ``xlabel``, ``ylabel`` and ``title``, where a function has them,
replace its axis labels and title. Names are looked up lazily in the submodules below so
importing this package is cheap.
:func:`save_png` draws one of them straight to a file (what the command line needs), so no
module outside this package imports matplotlib.
"""

from __future__ import annotations

import importlib

_SUBMODULES = ("audit", "meta", "bayesmeta", "nof1", "nof1_series", "sensitivity")


def save_png(path, plot: str, *args, dpi: int = 150, **kwargs) -> None:
    """Draw ``plot`` (the name of a ``plot_*`` function of this package) with ``*args`` and
    ``**kwargs`` on the non-interactive Agg backend, save it as a PNG at ``path`` and close it.

    >>> import os, tempfile
    >>> from matstats.nof1 import plan_calendar
    >>> path = os.path.join(tempfile.mkdtemp(), "calendar.png")
    >>> save_png(path, "plot_schedule_calendar", plan_calendar(2, rng=1))
    >>> os.path.getsize(path) > 0
    True
    """
    import matplotlib

    matplotlib.use("Agg")  # a file, never a window
    import matplotlib.pyplot as plt

    fig = __getattr__(plot)(*args, **kwargs)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


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
