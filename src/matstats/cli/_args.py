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

from matstats.literature import NOF1_DEFAULTS as _D

__all__ = ["output_file", "output_dir", "parse_cycles", "iso_date", "add_options"]


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


#: The options the n-of-1 commands share, one wording each (see :func:`add_options`).
_OPTIONS = {
    "--period-days": dict(type=int, default=_D["period_days"],
                          help=f"days per period (default {_D['period_days']})"),
    "--washout-days": dict(type=int, default=_D["washout_days"],
                           help="days at the start of each period not analysed (default "
                           f"{_D['washout_days']})"),
    "--design": dict(default="paired_random", choices=("paired_random", "abab", "alternating"),
                     help="order within cycles (default paired_random: a coin per cycle)"),
    "--sd": dict(type=float, default=_D["sd"],
                 help=f"within-person daily SD in points (default {_D['sd']:g})"),
    "--rho": dict(type=float, default=_D["rho"],
                  help=f"lag-1 autocorrelation of daily ratings (default {_D['rho']:g})"),
    "--mcid": dict(type=float, default=_D["mcid"],
                   help=f"smallest benefit that matters, in points (default {_D['mcid']:g})"),
    "--scale": dict(type=float, nargs=2, default=(0.0, 10.0), metavar=("LOW", "HIGH"),
                    help="range of the rating scale (default 0 10)"),
    "--higher-is-better": dict(action="store_true", help="a higher score is better (e.g. sleep "
                               "quality); default: lower is better, as for pain"),
    "--start-date": dict(type=iso_date, default=None,
                         help="date of day 1, YYYY-MM-DD (default: today)"),
}


def add_options(parser, *flags: str) -> None:
    """Add the shared n-of-1 options ``flags`` to ``parser``."""
    for flag in flags:
        parser.add_argument(flag, **_OPTIONS[flag])
