"""Command-line entry point: ``matstats <command> ...`` (also ``python -m matstats``).

argparse lives only in this package: one submodule per command (``tables``,
``nof1``), each exposing ``register_cli(subparsers)``, which adds its sub-parser and sets
``func`` to a callable taking the parsed arguments and returning an exit code. The library
modules that do the work know nothing of the command line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from matstats import __version__
from matstats._core.errors import DataError

__all__ = ["main", "build_parser"]

# command modules, in the order their commands are listed by --help
_COMMAND_MODULES = (
    "matstats.cli.tables",
    "matstats.cli.nof1",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="matstats",
        description="Audit the evidence on acupressure mats: tables, n-of-1 planning and analysis.",
    )
    parser.add_argument("--version", action="version", version=f"matstats {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register_cli(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code.

    Every fault ends in one line on standard error and a non-zero code: ``matstats: data
    error: ...`` (exit 1) for a bad input file, ``matstats: error: ...`` for a bad value
    (exit 2) or a path, permission or memory problem (exit 1); argparse usage errors exit 2;
    Ctrl-C exits 130; anything else is a bug and still one line (exit 3; the environment
    variable ``MATSTATS_TRACEBACK=1`` re-raises it with its traceback).
    Commands check their output paths before any work or output.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        return _fail(f"data error: {exc}", 1)
    except (ValueError, OverflowError) as exc:  # a bad parameter or value
        return _fail(f"error: {exc}", 2)
    except MemoryError:
        return _fail("error: not enough memory for this request; ask for less "
                     "(fewer cycles, simulations or draws)", 1)
    except OSError as exc:  # paths, permissions, existing files, full disks
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        return _fail(f"error: {exc.strerror or exc}{where}", 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("MATSTATS_TRACEBACK"):
            raise
        return _fail(f"internal error ({type(exc).__name__}: {exc}); this is a bug in matstats, "
                     "please report it with the command you ran (MATSTATS_TRACEBACK=1 shows "
                     "where it happened)", 3)


def _fail(message: str, code: int) -> int:
    """Print ``matstats: <message>`` as exactly one line on standard error; return ``code``."""
    print("matstats: " + " ".join(message.split()), file=sys.stderr)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
