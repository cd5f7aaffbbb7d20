"""Argument types of the commands and checks of the paths a command will write, done before
any work or output.

Each raises :class:`ValueError` naming the option, the path and what is wrong, which
:func:`matstats.cli.main` prints as one ``matstats: error: ...`` line.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

__all__ = ["output_file", "output_dir", "parse_cycles", "iso_date"]


def _writable_dir(directory: Path, option: str, path: str) -> None:
    if not directory.exists():
        raise ValueError(f"{option} {path!r}: directory {str(directory)!r} does not exist")
    if not directory.is_dir():
        raise ValueError(f"{option} {path!r}: {str(directory)!r} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path!r}: no permission to write in {str(directory)!r}")


def output_file(path: str | None, option: str) -> None:
    """``path`` (``None`` or ``-`` = not written/stdout) can be created or overwritten."""
    if path is None or path == "-":
        return
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{option} {path!r} is a directory; give a file name")
    if p.exists() and not os.access(p, os.W_OK):
        raise ValueError(f"{option} {path!r}: no permission to overwrite this file")
    _writable_dir(p.parent if str(p.parent) else Path("."), option, path)


def output_dir(path: str, option: str) -> None:
    """``path`` is a directory, or can be created (its nearest existing ancestor is one)."""
    p = Path(path)
    if p.exists():
        if not p.is_dir():
            raise ValueError(f"{option} {path!r} exists and is not a directory")
        if not os.access(p, os.W_OK | os.X_OK):
            raise ValueError(f"{option} {path!r}: no permission to write in this directory")
        return
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"{option} {path!r}: {str(parent)!r} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path!r}: no permission to create it in {str(parent)!r}")


def parse_cycles(text: str) -> list[int]:
    """Parse ``"2-12"``, ``"4,6,8"`` or ``"6"`` into a sorted list of cycle counts (>= 1)."""
    out: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                a, b = (int(x) for x in part.split("-", 1))
                if b < a:
                    raise ValueError
                out.update(range(a, b + 1))
            else:
                out.add(int(part))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"cycles must look like 2-12, 4,6,8 or 6; got {text!r}"
        ) from None
    if not out or min(out) < 1:
        raise argparse.ArgumentTypeError(f"cycles must be >= 1; got {text!r}")
    return sorted(out)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None
