"""Parameter validation shared by every public function of matstats.

A bad parameter raises :class:`ValueError` naming the parameter, the value it got and what
is allowed; each check returns the value converted (``level = _checks.level(level)``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

#: Largest number of elements (trials x days, draws, ...) a single call may allocate.
#: 2**27 float64 values are 1 GiB per array (an analysis holds a few such arrays at once):
#: 1.6 million trials of 84 days, far beyond what these analyses need, and small enough to
#: fail with a clear message on an ordinary machine instead of exhausting its memory.
MAX_ELEMENTS = 2**27


def _is_bool(value: object) -> bool:
    return isinstance(value, (bool, np.bool_))


def finite(name: str, value: object) -> float:
    """``value`` as a finite float; strings, booleans, None, NaN and inf are refused."""
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    """A finite number > 0 (or >= 0 with ``allow_zero``)."""
    out = finite(name, value)
    if out < 0 or (out == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return out


def unit_interval(name: str, value: object, *, open_low: bool = False,
                  open_high: bool = False) -> float:
    """A finite number in [0, 1]; either end can be made open."""
    return in_range(name, value, 0, 1, open_low=open_low, open_high=open_high)


def in_range(name: str, value: object, low: float, high: float, *,
             open_low: bool = False, open_high: bool = False) -> float:
    """A finite number between ``low`` and ``high`` (inclusive unless told otherwise)."""
    out = finite(name, value)
    below = out < low or (open_low and out == low)
    above = out > high or (open_high and out == high)
    if below or above:
        lb = "(" if open_low else "["
        hb = ")" if open_high else "]"
        raise ValueError(f"{name} must lie in {lb}{low:g}, {high:g}{hb}, got {value!r}")
    return out


def level(value: object, name: str = "level") -> float:
    """A confidence or credibility level strictly between 0 and 1 (any real type)."""
    return unit_interval(name, value, open_low=True, open_high=True)


def alpha(value: object, name: str = "alpha") -> float:
    """A test size strictly between 0 and 1."""
    return unit_interval(name, value, open_low=True, open_high=True)


def integer(name: str, value: object, minimum: int | None = None,
            maximum: int | None = None, *, whole_float: bool = False) -> int:
    """An integer (numpy integers too) within optional bounds.

    ``whole_float=True`` also accepts floats with an integral value (e.g. ``20.0`` read
    from a CSV cell); booleans are always refused.
    """
    if _is_bool(value):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, numbers.Integral):
        out = int(value)
    elif whole_float and isinstance(value, numbers.Real) and math.isfinite(float(value)) \
            and float(value).is_integer():
        out = int(float(value))
    else:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    if maximum is not None and out > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value!r}")
    return out


def one_of(name: str, value: object, allowed: Iterable[object]) -> object:
    """``value`` itself if it is one of ``allowed``."""
    options = tuple(allowed)
    try:
        ok = value in options
    except TypeError:  # unhashable or incomparable values
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def rng(value: object, name: str = "rng") -> np.random.Generator:
    """A numpy Generator from None (fresh entropy), a non-negative int, or a Generator."""
    if value is None or isinstance(value, np.random.Generator):
        return np.random.default_rng(value)
    if _is_bool(value) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise ValueError(
            f"{name} must be None, a non-negative integer seed or a numpy.random.Generator, "
            f"got {value!r}"
        )
    return np.random.default_rng(int(value))


def vector(name: str, value: object, *, size: int | None = None,
           allow_nonfinite: bool = False, positive: bool = False) -> np.ndarray:
    """A 1-D float array (a scalar becomes length 1); optionally of a given length, or with
    every element > 0 (variances, standard errors)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {value!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} must have length {size}, got {arr.size}")
    if not allow_nonfinite:
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise ValueError(
                f"{name} must be finite; got {arr[bad].tolist()} at positions {bad.tolist()}"
            )
    bad = np.flatnonzero(arr <= 0)
    if positive and bad.size:
        raise ValueError(f"{name} must be > 0; got {arr[bad].tolist()} at positions {bad.tolist()}")
    return arr


def within(name: str, arr: np.ndarray, low: float, high: float) -> np.ndarray:
    """Refuse elements of the float array ``arr`` outside [``low``, ``high``] (the range where
    a computation stays finite), naming the positions and values; returns ``arr``."""
    bad = np.flatnonzero((arr < low) | (arr > high))
    if bad.size:
        raise ValueError(
            f"{name} must lie in [{low:g}, {high:g}] (the range matstats computes reliably); "
            f"got {arr[bad[:5]].tolist()} at positions {bad[:5].tolist()}"
        )
    return arr


def size_limit(name: str, n_elements: float, *, limit: int = MAX_ELEMENTS,
               what: str = "values") -> None:
    """Refuse a request that would allocate more than ``limit`` elements."""
    if n_elements > limit:
        raise ValueError(
            f"{name} asks for {n_elements:.3g} {what}, more than the limit of {limit:.3g}; "
            "use fewer or split the work"
        )
