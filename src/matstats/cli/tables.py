"""``matstats tables --out DIR``: write the claimed and audited evidence tables."""

from __future__ import annotations

from matstats.cli._args import output_dir
from matstats.evidence.data_io import load_claims, load_studies
from matstats.tables import write_tables

__all__ = ["register_cli"]


def register_cli(subparsers) -> None:
    """Add the ``tables`` command: ``matstats tables --out DIR``."""
    p = subparsers.add_parser(
        "tables", help="write the claimed and audited evidence tables as CSV, Markdown and HTML"
    )
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--studies", default=None, help="studies.csv (default: bundled data)")
    p.add_argument("--claims", default=None, help="claims.csv (default: bundled data)")

    def run(args) -> int:
        output_dir(args.out, "--out")
        studies = load_studies(args.studies)
        claims = load_claims(args.claims, studies=studies)
        for path in write_tables(args.out, claims, studies):
            print(path)
        return 0

    p.set_defaults(func=run)
