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


def _resolve(target: str) -> object:
    """The object named ``target`` ("package.module.name"), importing its module now."""
    module, _, name = target.rpartition(".")
    return getattr(importlib.import_module(module), name)


def moved_function(old: str, target: str, keywords: dict[str, str] | None = None) -> Callable:
    """A function under the old name ``old`` that calls ``target`` ("module.name"), with a
    warning.

    ``target`` is imported only when the old function is called, so a module may keep an old
    name that now lives in a higher layer without importing that layer. ``keywords`` maps old
    keyword names to new ones.
    """
    renames = dict(keywords or {})

    def wrapper(*args, **kwargs):
        note = " (keywords " + ", ".join(f"{o}= -> {n}=" for o, n in renames.items()) + ")"
        warnings.warn(f"{old} is deprecated and will be removed in the next release; use "
                      f"{target}" + (note if renames else ""), DeprecationWarning, stacklevel=2)
        kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
        return _resolve(target)(*args, **kwargs)

    wrapper.__name__ = old.rsplit(".", 1)[-1]
    wrapper.__doc__ = f"Deprecated alias of :func:`{target}`."
    return wrapper


class moved_method:  # noqa: N801 (used like a decorator-made attribute)
    """A method (or, with ``as_property``, a property) that moved to a function
    ``target(instance, ...)`` of another module, imported only when the old name is used.

    ``use`` is how the warning tells the caller to write it instead.
    """

    def __init__(self, old: str, target: str, *, as_property: bool = False,
                 use: str | None = None) -> None:
        self.old, self.target, self.as_property = old, target, as_property
        self.use = use or (f"{target}(result)" if as_property else f"{target}(result, ...)")
        self.__doc__ = f"Deprecated: use ``{self.use}``."

    def _warn(self, stacklevel: int) -> None:
        warnings.warn(f"{self.old} is deprecated and will be removed in the next release; "
                      f"use {self.use}", DeprecationWarning, stacklevel=stacklevel)

    def __get__(self, obj: object, objtype: type | None = None) -> object:
        if obj is None:
            return self
        if self.as_property:
            self._warn(3)
            return _resolve(self.target)(obj)

        def method(*args, **kwargs):
            self._warn(3)
            return _resolve(self.target)(obj, *args, **kwargs)

        return method
