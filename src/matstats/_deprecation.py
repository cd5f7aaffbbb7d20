"""Old public names that keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable


def renamed(old: str, new: Callable, new_name: str | None = None) -> Callable:
    """A wrapper of ``new`` under the old name ``old`` that warns once per call site."""
    target = new_name or f"{new.__module__}.{new.__qualname__}"

    @functools.wraps(new)
    def wrapper(*args, **kwargs):
        warnings.warn(f"{old} is deprecated and will be removed in the next release; "
                      f"use {target}", DeprecationWarning, stacklevel=2)
        return new(*args, **kwargs)

    wrapper.__name__ = old.rsplit(".", 1)[-1]
    wrapper.__doc__ = f"Deprecated alias of :func:`{target}`."
    return wrapper
