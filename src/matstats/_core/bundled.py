"""The data files shipped inside the package (``matstats/data``): their paths and the schema.

A foundation module, so that :mod:`matstats.vocab` can derive its labels from
``schema.json`` without importing the data layer; :mod:`matstats.evidence.data_io` re-exports
:func:`default_path` and :func:`load_schema`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

__all__ = ["default_path", "load_schema"]

_BUNDLED = frozenset({"studies.csv", "claims.csv", "schema.json", "sources.csv", "articles.csv"})


def data_dir():
    """The package's ``data`` directory (an importlib resources Traversable)."""
    return resources.files("matstats") / "data"


def default_path(name: str) -> Path:
    """Path of a bundled data file (``"studies.csv"``, ``"claims.csv"``, ``"schema.json"``,
    ``"sources.csv"``, ``"articles.csv"``).

    Parameters
    ----------
    name : str
        File name inside the package's ``data`` directory.

    Returns
    -------
    pathlib.Path
        Path to the bundled file.
    """
    if name not in _BUNDLED:
        raise ValueError(f"unknown bundled data file {name!r}")
    return Path(str(data_dir() / name))


def load_schema() -> dict:
    """Return the machine-readable schema (``data/schema.json``) as a dict.

    Returns
    -------
    dict
        ``{"list_separator": ";", "tables": {"studies": {...}, "claims": {...}}}``;
        each table has ``path``, ``primary_key`` and ``fields`` (name, type,
        required, description and constraints such as ``enum``, ``minimum``,
        ``exclusive_minimum``, ``maximum``, ``pattern``, ``item_pattern``).
    """
    return json.loads(default_path("schema.json").read_text(encoding="utf-8"))
