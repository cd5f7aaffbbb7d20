"""``data=`` arguments: a parameter given as a column name is read from a DataFrame.

metafor (``escalc(..., data=dat)``) and pingouin (``pg.anova(data=df, dv="y", ...)``) let a
function take its vectors as column names of one table. :func:`column` is that rule in one
place: with ``data`` given, a string names a column of ``data``; anything else is used as
it is. Without ``data``, a string where numbers are expected is refused with a message that
points at ``data=``. Raises :class:`ValueError` naming the parameter, the value and the
columns that exist.
"""

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
    """The values meant by parameter ``name``: ``data[value]`` when ``value`` names a column.

    Parameters
    ----------
    name : str
        Parameter name, for the error message.
    value : object
        A column name (str) or the values themselves (array_like, scalar or None).
    data : pandas.DataFrame or None
        The table the column names refer to (validate it with :func:`check_data`).
    literal_strings : bool, default False
        Whether a string that is not a column may be a value in its own right (e.g.
        ``p_relation="<"``); otherwise such a string raises.

    Returns
    -------
    object
        ``data[value]`` (a Series) or ``value`` unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": [0.2, 0.5]})
    >>> column("yi", "g", df).tolist()
    [0.2, 0.5]
    >>> column("yi", [0.1], df)
    [0.1]
    """
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
