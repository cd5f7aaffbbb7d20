"""``matstats report-index``: write ``reports/index.html`` linking every output."""

from __future__ import annotations

from matstats.cli._paths import output_dir
from matstats.report import write_index

__all__ = ["register_cli"]


def register_cli(subparsers) -> None:
    """Add the ``report-index`` command."""
    p = subparsers.add_parser("report-index", help="write reports/index.html linking all outputs")
    p.add_argument("--out", default="reports", help="report directory (default: reports)")
    p.add_argument("--notebooks", default="notebooks", help="notebook directory")

    def run(args) -> int:
        output_dir(args.out, "--out")
        print(write_index(args.out, args.notebooks))
        return 0

    p.set_defaults(func=run)
