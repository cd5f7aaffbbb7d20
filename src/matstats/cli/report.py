"""``matstats report-index``: write ``reports/index.html`` linking every output."""

from __future__ import annotations

from matstats.report import write_index

__all__ = ["register_cli"]


def register_cli(subparsers) -> None:
    """Add the ``report-index`` command."""
    p = subparsers.add_parser("report-index", help="write reports/index.html linking all outputs")
    p.add_argument("--out", default="reports", help="report directory (default: reports)")
    p.add_argument("--notebooks", default="notebooks", help="notebook directory")
    p.set_defaults(func=lambda a: print(write_index(a.out, a.notebooks)) or 0)
