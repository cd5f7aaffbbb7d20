"""The site build's tools: notebook fingerprints (docs/_tools/fingerprint.py), the executor's
use of them (docs/_tools/execute_notebook.py) and `make report` printing the site path."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "docs" / "_tools"


def _load(name: str):
    sys.path.insert(0, str(TOOLS))
    try:
        spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(TOOLS))


@pytest.fixture
def project(tmp_path):
    """A miniature checkout: library, data, pins and one notebook with an output."""
    (tmp_path / "src" / "matstats").mkdir(parents=True)
    (tmp_path / "src" / "matstats" / "a.py").write_text("X = 1\n")
    (tmp_path / "src" / "matstats" / "__pycache__").mkdir()
    (tmp_path / "src" / "matstats" / "__pycache__" / "a.pyc").write_bytes(b"1")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("a\n1\n")
    (tmp_path / "constraints.txt").write_text("numpy==2.0\n")
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1 + 1)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    nbformat.write(nb, nbdir / "n.ipynb")
    return tmp_path


def test_fingerprint_follows_sources_library_data_and_pins_not_outputs(project):
    fp = _load("fingerprint")
    nb = project / "notebooks" / "n.ipynb"
    fp.write(project / "notebooks", project)
    assert fp.is_current(nb, project)
    # outputs and caches are not inputs
    book = nbformat.read(nb, as_version=4)
    book.cells[1].outputs[0]["text"] = "3\n"
    nbformat.write(book, nb)
    (project / "src" / "matstats" / "__pycache__" / "a.pyc").write_bytes(b"2")
    assert fp.is_current(nb, project)
    for path, text in [("src/matstats/a.py", "X = 2\n"), ("data/d.csv", "a\n2\n"),
                       ("constraints.txt", "numpy==2.1\n")]:
        old = (project / path).read_text()
        (project / path).write_text(text)
        assert not fp.is_current(nb, project), path
        (project / path).write_text(old)
        assert fp.is_current(nb, project)
    (project / "data" / "new.csv").write_text("b\n")  # a new data file is a new input
    assert not fp.is_current(nb, project)
    (project / "data" / "new.csv").unlink()
    book.cells[1].source = "print(2 + 2)"
    nbformat.write(book, nb)
    assert not fp.is_current(nb, project)
    (project / "notebooks" / "fingerprints.json").unlink()
    assert not fp.is_current(nb, project)


def test_executor_uses_the_stored_copy_when_current(tmp_path, monkeypatch, capsys):
    ex = _load("execute_notebook")
    nb = tmp_path / "n.ipynb"
    shutil.copyfile(ROOT / "notebooks" / sorted(p.name for p in (ROOT / "notebooks").glob(
        "*.ipynb"))[0], nb)
    monkeypatch.setattr(ex, "is_current", lambda path: True)
    # executing imports nbclient (and nbformat) first: with nbclient unimportable, an
    # execution would fail here
    monkeypatch.setitem(sys.modules, "nbclient", None)
    out = tmp_path / "out" / "n.ipynb"
    assert ex.main(["x", str(nb), str(out)]) == 0
    assert out.read_bytes() == nb.read_bytes()
    assert "without executing" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_report_always_prints_the_site_path():
    """The echo belongs to `report` itself, not to the rule that rebuilds the site, so a
    no-op run prints it too (`make -n` lists the commands make would run)."""
    run = subprocess.run(["make", "-n", "--no-print-directory", "report"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f'echo "site: {ROOT}/reports/site/index.html"' in run.stdout
    recipe = (ROOT / "Makefile").read_text().split("\nreport:\n", 1)[1].split("\n\n", 1)[0]
    assert "site: $(CURDIR)/reports/site/index.html" in recipe


# ------------------------------------------------------------------ the diary format and the kit
DIARY_DOC = ROOT / "docs" / "diary.md"


def test_diary_format_page_names_every_allowed_value():
    from matstats.nof1.diary_io import CONDITIONS, DIARY_DESIGNS, GUESSES, REQUIRED_COLUMNS
    from matstats.vocab import MISSED_DAY_WORDS

    text = DIARY_DOC.read_text(encoding="utf-8").lower()  # the reader compares in lower case
    words = [*REQUIRED_COLUMNS, *CONDITIONS, *GUESSES, *DIARY_DESIGNS,
             *(w for w in MISSED_DAY_WORDS if w)]
    assert [w for w in words if f"`{w}`" not in text] == []


def test_diary_format_page_example_is_a_valid_diary(tmp_path):
    from matstats.nof1 import read_diary

    text = DIARY_DOC.read_text(encoding="utf-8")
    block = text.split("```text\n", 1)[1].split("```", 1)[0]
    p = tmp_path / "example.csv"
    p.write_text(block, encoding="utf-8")
    d = read_diary(p)
    assert d["condition"].tolist() == ["mat"] * 3 + ["control"] * 3
    assert d["score"].isna().tolist() == [False, True, False, False, False, False]
    assert d.loc[5, "score"] == 5.5 and d["washout"].tolist() == [True, False, False] * 2


def test_kit_template_is_the_plan_format_with_the_readers_columns_blank():
    from matstats.nof1 import plan_calendar

    kit = _load_ext("diary_kit")
    n = kit.min_cycles()
    # the randomization test's smallest p with n cycles is 2 / 2**n: first below 0.05 at n = 6
    assert n == min(k for k in range(2, 20) if 2 / 2**k < 0.05) == 6
    t = kit.template_frame(n)
    ref = plan_calendar(n, rng=0)
    assert list(t.columns) == list(ref.columns) and len(t) == len(ref)
    for col in ("day", "cycle", "period", "day_in_period", "washout"):
        assert t[col].tolist() == ref[col].tolist()
    assert set(t["date"]) == set(t["condition"]) == set(t["score"]) == {""}
    assert set(t["design"]) == {"paired_random"}
    sk = kit.skeleton(kit.MAX_CYCLES)
    assert len(sk["days"]) == 2 * kit.MAX_CYCLES * sk["period_days"]
    assert sk["columns"] == list(ref.columns)


def _load_ext(name: str):
    ext = ROOT / "docs" / "_ext"
    spec = importlib.util.spec_from_file_location(name, ext / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
