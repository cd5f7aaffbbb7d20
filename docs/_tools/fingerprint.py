"""Fingerprints of the notebooks' inputs: is a stored notebook's output still current?

Usage: ``python docs/_tools/fingerprint.py write notebooks/`` (run by ``make notebooks`` right
after it executed every notebook and stored the outputs).

A notebook's fingerprint is the SHA-256 of its cell sources (not its outputs), of every file
its outputs can depend on (``src/matstats``, ``data/``, ``constraints.txt``: the same files as
``NB_INPUTS`` in the Makefile, ``__pycache__`` excluded) and of the Python version.
``notebooks/fingerprints.json`` records the fingerprint of each notebook as ``make notebooks``
stored it. When the current fingerprint equals the recorded one, the stored outputs are what
executing the notebook gives, so ``make report`` shows the stored notebook without executing
it (``docs/_tools/execute_notebook.py``); any change to a notebook's code, the library, the
data or the pins makes them differ, and the notebook is executed. Strict nbval (``make
nbval``) still executes every notebook and checks the stored outputs.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECORD = "fingerprints.json"


def _input_files(root: Path) -> list[Path]:
    files = [p for d in (root / "src" / "matstats", root / "data") if d.is_dir()
             for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files.append(root / "constraints.txt")
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def inputs_digest(root: Path = ROOT) -> str:
    """SHA-256 of the library, the data and the pins (paths and bytes) and Python's version."""
    h = hashlib.sha256(f"python {sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    for p in _input_files(root):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes() if p.is_file() else b"").digest())
    return h.hexdigest()


def notebook_fingerprint(path: Path, inputs: str) -> str:
    """SHA-256 of a notebook's cell types and sources together with ``inputs``.

    The notebook is read as JSON (a cell's source is a string or a list of lines, as
    nbformat stores it): importing nbformat would take longer than the whole check.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    if nb.get("nbformat") != 4:
        raise ValueError(f"{path}: nbformat {nb.get('nbformat')}, expected 4")
    h = hashlib.sha256(inputs.encode())
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        h.update(cell["cell_type"].encode() + b"\0" + source.encode() + b"\0")
    return h.hexdigest()


def recorded(path: Path) -> str | None:
    """The fingerprint ``make notebooks`` recorded for the notebook at ``path`` (or None)."""
    record = path.parent / RECORD
    if not record.is_file():
        return None
    return json.loads(record.read_text(encoding="utf-8")).get(path.name)


def is_current(path: Path, root: Path = ROOT) -> bool:
    """True when the stored outputs of ``path`` were made from exactly the current inputs."""
    rec = recorded(path)
    return rec is not None and rec == notebook_fingerprint(path, inputs_digest(root))


def write(folder: Path, root: Path = ROOT) -> Path:
    inputs = inputs_digest(root)
    prints = {p.name: notebook_fingerprint(p, inputs) for p in sorted(folder.glob("*.ipynb"))}
    out = folder / RECORD
    out.write_text(json.dumps(prints, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "write":
        sys.exit("usage: python docs/_tools/fingerprint.py write notebooks/")
    print(f"wrote {write(Path(sys.argv[2]))}")
