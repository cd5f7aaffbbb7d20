"""Execute one notebook for the reader site; keep the stored copy when its outputs are current.

Usage: ``python docs/_tools/execute_notebook.py notebooks/NAME.ipynb OUT.ipynb``

The notebook is executed headless (working directory = its folder, ``record_timing`` off).
Its outputs are then compared with the stored ones the way strict nbval compares them
(per code cell: stream text coalesced by name, every MIME type but PNG/JPEG (shown or
glued), errors;
the regexes of ``notebooks/nbval_sanitize.cfg`` applied to both sides). When they agree,
OUT is a byte-for-byte copy of the stored notebook, so the site shows exactly the outputs
nbval checks; otherwise OUT is the executed notebook (the new numbers) and a note says
which cells differ (``make notebooks`` updates the stored copy).

When the notebook's inputs are unchanged since ``make notebooks`` stored its outputs (its
fingerprint, :mod:`fingerprint`, equals the one recorded in ``notebooks/fingerprints.json``),
OUT is the stored copy at once, without executing: those outputs are what execution gives.
"""

from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fingerprint import is_current  # noqa: E402

# images are never compared, shown (image/png) or glued for the site (the glue prefix
# application/papermill.record/, as notebooks/conftest.py tells nbval)
SKIP = {"image/png", "image/jpeg", "application/papermill.record/image/png",
        "application/papermill.record/image/jpeg"}


def _sanitizers(cfg: Path) -> list[tuple[re.Pattern, str]]:
    pairs, regex = [], None
    if not cfg.is_file():
        return pairs
    for line in cfg.read_text(encoding="utf-8").splitlines():
        if line.startswith("regex: "):
            regex = line[len("regex: "):]
        elif line.startswith("replace: ") and regex is not None:
            pairs.append((re.compile(regex), line[len("replace: "):]))
            regex = None
    return pairs


def _flatten(cell, sanitize) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    streams: dict[str, str] = {}
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "stream":
            streams[o.get("name", "stdout")] = streams.get(o.get("name", "stdout"), "") + o.get("text", "")
        elif kind in {"display_data", "execute_result"}:
            for mime, value in o.get("data", {}).items():
                if mime in SKIP:
                    continue
                text = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else repr(value)
                out.setdefault(mime, []).append(text)
        elif kind == "error":
            out.setdefault("ename", []).append(o.get("ename", ""))
            out.setdefault("evalue", []).append(o.get("evalue", ""))
    for name, text in streams.items():
        out.setdefault(name, []).append(text)
    for key, values in out.items():
        for i, v in enumerate(values):
            for rx, rep in sanitize:
                v = rx.sub(rep, v)
            values[i] = v
    return out


def differing_cells(stored, executed, sanitize) -> list[int]:
    """0-based indices (among code cells) whose outputs differ; [-1] if the cells differ."""
    a = [c for c in stored.cells if c.cell_type == "code"]
    b = [c for c in executed.cells if c.cell_type == "code"]
    if len(a) != len(b):
        return [-1]
    return [i for i, (x, y) in enumerate(zip(a, b)) if _flatten(x, sanitize) != _flatten(y, sanitize)]


def main(argv: list[str]) -> int:
    src, dst = Path(argv[1]), Path(argv[2])
    t0 = time.perf_counter()
    dst.parent.mkdir(parents=True, exist_ok=True)
    if is_current(src):
        tmp = dst.with_suffix(".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)
        print(f"{src.name}: inputs unchanged since `make notebooks` stored its outputs "
              "(notebooks/fingerprints.json); site uses the stored copy without executing")
        return 0
    import nbformat  # only when executing: importing these takes longer than the copy
    from nbclient import NotebookClient

    stored = nbformat.read(src, as_version=4)
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=1800, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(src.parent)}})
    client.execute()
    dst.parent.mkdir(parents=True, exist_ok=True)
    diff = differing_cells(stored, nb, _sanitizers(src.parent / "nbval_sanitize.cfg"))
    took = time.perf_counter() - t0
    tmp = dst.with_suffix(".tmp")
    if not diff:
        shutil.copyfile(src, tmp)
        print(f"{src.name}: executed in {took:.1f} s; outputs equal the stored ones, site uses the stored copy")
    else:
        nbformat.write(nb, tmp)
        where = "cell count changed" if diff == [-1] else f"code cells {diff} (0-based)"
        print(f"{src.name}: executed in {took:.1f} s; outputs differ from the stored ones at {where}; "
              "the site shows the new outputs (run `make notebooks` to update the stored copy)")
    tmp.replace(dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
