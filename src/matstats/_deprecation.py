"""Old public names that keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import functools
import importlib
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


def moved(module: str, names: dict[str, tuple[str, str]]) -> Callable[[str], object]:
    """A module ``__getattr__`` that serves names moved to other modules, with a warning.

    ``names`` maps an old attribute of ``module`` to ``(new module, new name)``; the new
    module is imported only when the old name is used.
    """

    def __getattr__(name: str) -> object:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new_module, new_name = names[name]
        warnings.warn(f"{module}.{name} is deprecated and will be removed in the next release; "
                      f"use {new_module}.{new_name}", DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(new_module), new_name)

    return __getattr__
