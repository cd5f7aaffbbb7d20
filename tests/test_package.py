"""Package-level checks: public surface, CLI entry point, report index, notebook hygiene.

The notebook checks guard the conditions under which strict nbval comparisons are
meaningful (the project's notebook conventions): a notebook
whose cells were not executed top to bottom in one run, that stores an error or
a stderr stream, or whose outputs were stripped, would make nbval fail or pass vacuously.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import matstats
from matstats.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SANITIZE = ROOT / "notebooks" / "nbval_sanitize.cfg"


def test_data_error_is_value_error_and_names_location():
    err = matstats.DataError("SD must be > 0", file="studies.csv", line=7, column="sd_control", value="-1")
    assert isinstance(err, ValueError)
    msg = str(err)
    for piece in ("studies.csv", "line 7", "sd_control", "-1", "SD must be > 0"):
        assert piece in msg
    assert (err.file, err.line, err.column) == ("studies.csv", 7, "sd_control")


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = matstats.no_such_thing


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert matstats.__version__ in capsys.readouterr().out


def _sanitize_pairs(text: str) -> list[tuple[str, str]]:
    # same rule as nbval's parser: a "regex: " line directly followed by a "replace: " line
    return re.findall(r"^regex: (.*)\n^replace: (.*)$", text, flags=re.MULTILINE)


def test_sanitize_file_pairs_all_parse():
    text = SANITIZE.read_text(encoding="ascii")
    n_regex = len(re.findall(r"^regex: ", text, flags=re.MULTILINE))
    pairs = _sanitize_pairs(text)
    assert n_regex == len(pairs) >= 4, "a regex line is not directly followed by its replace line"
    subs = {r: s for r, s in pairs}
    addr = next(r for r in subs if "0x" in r)
    assert re.sub(addr, subs[addr], "<Line2D at 0x7f3a2b>") == "<Line2D at 0xADDRESS>"
    negzero = next(r for r in subs if "0\\.0" in r)
    assert re.sub(negzero, subs[negzero], "x -0.000 y -0.0012 z -10.0") == "x 0.000 y -0.0012 z -10.0"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_executed_clean_and_in_order(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "notebook has no code cells"
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), "cells not executed top to bottom in one run"
    for i, cell in enumerate(code, start=1):
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"code cell {i} stores an error"
            assert out.get("name") != "stderr", f"code cell {i} writes to stderr"
    assert any(c.get("outputs") for c in code), "outputs were stripped: nbval would compare nothing"
