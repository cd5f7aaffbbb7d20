"""``data=`` arguments, as metafor's ``escalc(..., data=dat)``: a parameter given as a string
names a column of ``data``; anything else is used as it is."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd


def study_labels(slab, k: int) -> tuple[str, ...]:
    """The study labels ``slab`` as strings, or the default ``"Study 1"``, ..., ``"Study k"``."""
    if slab is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    labels = tuple(str(v) for v in pd.Series(list(slab) if not isinstance(slab, pd.Series)
                                              else slab.to_list(), dtype=object))
    if len(labels) != k:
        raise ValueError(f"slab (the study labels) must have length {k}, got {len(labels)}")
    return labels


def check_data(data: object) -> pd.DataFrame | None:
    """``data`` itself if it is None or a pandas DataFrame."""
    if data is not None and not isinstance(data, pd.DataFrame):
        raise ValueError(f"data must be a pandas DataFrame or None, got {type(data).__name__}")
    return data


def column(name: str, value: object, data: pd.DataFrame | None, *,
           literal_strings: bool = False) -> object:
    """``data[value]`` when ``value`` names a column of ``data``, else ``value``; a string that
    is not a column raises, unless ``literal_strings`` (e.g. ``p_relation="<"``)."""
    if not isinstance(value, str):
        return value
    if data is not None and _has_column(data, value):
        return data[value]
    if literal_strings:
        return value
    if data is None:
        raise ValueError(f"{name}={value!r} is a string, but no data= was given to read it as "
                         "a column; pass the (numeric) values themselves or data= (a DataFrame)")
    raise ValueError(f"{name}={value!r} is not a column of data; columns are "
                     f"{list(data.columns)}")


def _has_column(data: pd.DataFrame, key: Hashable) -> bool:
    try:
        return key in data.columns
    except TypeError:
        return False
