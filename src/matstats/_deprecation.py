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


def renamed_keyword(func: str, old: str, new: str, old_value: object,
                    new_value: object, default: object) -> object:
    """The value of a renamed keyword: ``new_value``, or ``old_value`` with a warning.

    ``old_value`` is what the caller passed under the old name (``None`` when not passed);
    giving both names a non-default value is an error.

    >>> renamed_keyword("f", "conf_level", "level", None, 0.9, 0.95)
    0.9
    """
    if old_value is None:
        return new_value
    if new_value != default:
        raise ValueError(f"{func}: give {new}= only ({old}= is its deprecated old name)")
    warnings.warn(f"{func}({old}=...) is deprecated and will be removed in the next release; "
                  f"use {new}=", DeprecationWarning, stacklevel=3)
    return old_value


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
