"""Stage the site sources for Sphinx: copy docs/ into the build source folder.

Usage: ``python docs/_tools/stage.py docs reports/site-src``

A file is copied only when its bytes differ (so Sphinx's incremental build sees only real
changes); files that no longer exist in docs/ are removed. ``notebooks/`` (the executed
notebooks, written by make) and ``_generated/`` (written by the Sphinx extension) belong to
the build and are left alone.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

KEEP = {"notebooks", "_generated"}
SKIP_PARTS = {"__pycache__", "_tools", ".ipynb_checkpoints"}


def main(src: Path, dst: Path) -> int:
    wanted = set()
    for f in sorted(src.rglob("*")):
        rel = f.relative_to(src)
        if not f.is_file() or SKIP_PARTS & set(rel.parts) or rel.parts[0] in KEEP:
            continue
        wanted.add(rel)
        target = dst / rel
        if target.is_file() and target.read_bytes() == f.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
    for f in sorted(dst.rglob("*"), reverse=True):
        rel = f.relative_to(dst)
        if rel.parts[0] in KEEP:
            continue
        if f.is_file() and rel not in wanted:
            f.unlink()
        elif f.is_dir() and not any(f.iterdir()):
            f.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
