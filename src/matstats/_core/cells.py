"""Reading single cells of the loaded tables: missing values, numbers, lists, percentages.

The loaders (:mod:`matstats.evidence.data_io`) have already validated every cell; these helpers
only turn a validated cell into the Python value an analysis needs, the same way
everywhere. ``row`` arguments accept a :class:`pandas.Series` or any mapping.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

#: Separator of list cells (``study_ids``, ``cited_in``, ``source_url``), as in schema.json.
LIST_SEPARATOR = ";"

# A percentage or a range of percentages: "98%", "81-98%", "81–98%" (en dash),
# "81—98%" (em dash), "81 to 98%", "81%-98%". Both ends of a range are returned.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_NUMBER = r"(\d+(?:\.\d+)?)"
_PERCENT = re.compile(
    _NUMBER + r"\s*%?\s*(?:[" + _DASHES + r"]|\bto\b)\s*" + _NUMBER + r"\s*%"
    + "|" + _NUMBER + r"\s*%"
)


def is_missing(value: object) -> bool:
    """True for None, NaN, ``pd.NA`` and empty or whitespace-only strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-likes are not missing cells
        return False


def text(value: object) -> str:
    """A cell as a stripped string ('' when missing)."""
    return "" if is_missing(value) else str(value).strip()


_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")


def decimal(text: str) -> float:
    """A number written with a decimal point or a decimal comma (``"4,5"`` = 4.5).

    Only a single comma between digits is read as a decimal comma; anything else that
    :class:`float` cannot read raises ``ValueError``.

    >>> decimal("4,5"), decimal("-0.25"), decimal("7")
    (4.5, -0.25, 7.0)
    """
    text = text.strip()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    return float(text)


def number(value: object, missing: float | None = math.nan) -> float | None:
    """A cell as a float; ``missing`` (NaN unless told otherwise) when empty or not numeric."""
    if is_missing(value) or isinstance(value, bool):
        return missing
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return missing
    return missing if math.isnan(out) else out


def row_number(row: Mapping, column: str) -> float:
    """``row[column]`` as a float, NaN when absent or missing."""
    return number(row.get(column))  # type: ignore[return-value]


def row_text(row: Mapping, column: str) -> str:
    """``row[column]`` as a stripped string, '' when absent or missing."""
    return text(row.get(column))


def split_list(value: object) -> tuple[str, ...]:
    """Items of a ``;``-separated list cell (a list or tuple passes through); blanks dropped.

    >>> split_list("hohmann2012_neck; hohmann2012_back")
    ('hohmann2012_neck', 'hohmann2012_back')
    """
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    elif is_missing(value):
        return ()
    else:
        items = str(value).split(LIST_SEPARATOR)
    return tuple(item.strip() for item in items if item.strip())


def percentages(value: object) -> list[float]:
    """Every percentage named in a text, both ends of a range included.

    >>> percentages("81–98% of users, 94% of patients")
    [81.0, 98.0, 94.0]
    """
    out: list[float] = []
    for m in _PERCENT.finditer(text(value)):
        if m.group(3) is not None:
            out.append(float(m.group(3)))
        else:
            out += [float(m.group(1)), float(m.group(2))]
    return out
