"""The browsable report: an index page linking the executed notebooks and tables.

``make report`` executes every notebook into ``reports/<name>.html`` and writes the
evidence tables under ``reports/tables/``; :func:`write_index` then writes
``reports/index.html`` linking all of them, with the first heading of each
notebook as its title.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from matstats import __version__


def _notebook_title(path: Path) -> str:
    """First Markdown heading of a notebook, or its file stem."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.stem
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", [])).splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return path.stem


def write_index(out: str | Path, notebooks_dir: str | Path = "notebooks") -> Path:
    """Write ``index.html`` in ``out`` linking every report HTML file and table.

    Parameters
    ----------
    out : path
        Report directory holding ``<notebook>.html`` files and ``tables/``.
    notebooks_dir : path
        Where the source notebooks live (used for their titles).

    Returns
    -------
    Path
        The index file written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for page in sorted(out.glob("*.html")):
        if page.name == "index.html":
            continue
        title = _notebook_title(Path(notebooks_dir) / f"{page.stem}.ipynb")
        rows.append(f'<li><a href="{html.escape(page.name)}">{html.escape(title)}</a></li>')
    tables = []
    tables_dir = out / "tables"
    if tables_dir.is_dir():
        for f in sorted(tables_dir.iterdir()):
            if f.suffix in {".html", ".md", ".csv"}:
                rel = f"tables/{f.name}"
                tables.append(f'<li><a href="{html.escape(rel)}">{html.escape(f.name)}</a></li>')
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>matstats {__version__} report</title></head><body>"
        f"<h1>matstats {__version__}: the evidence on acupressure mats</h1>"
        "<h2>Notebooks</h2><ul>" + "".join(rows) + "</ul>"
        "<h2>Evidence tables</h2><ul>" + "".join(tables) + "</ul>"
        "<p>Every number in these pages is computed from <code>data/</code> by the "
        "matstats library; see each notebook for sources.</p></body></html>"
    )
    index = out / "index.html"
    index.write_text(body, encoding="utf-8")
    return index
