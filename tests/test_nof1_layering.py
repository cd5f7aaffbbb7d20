"""Layering and public-name checks of the nof1 package and the CLI package."""

from __future__ import annotations

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return out.stdout.strip()


def test_nof1_analysis_leaves_matplotlib_unimported():
    # argparse itself is not checked at run time: scipy imports it (through unittest)
    code = (
        "import sys\n"
        "import matstats.nof1 as n\n"
        "res = n.analyze(n.example_diary_path())\n"
        "sched = n.plan_calendar(3, rng=1)\n"
        "n.analyze_many(n.schedule(3, rng=1), n.simulate(n.schedule(3, rng=1), 5, effect=-1,"
        " rng=2))\n"
        "print(sorted(m for m in ('matplotlib', 'matstats.plots', 'matstats.cli')"
        " if m in sys.modules))\n"
    )
    assert _run(code) == "[]"


def test_plan_calendar_is_public_next_to_schedule():
    from datetime import date

    from matstats import nof1
    from matstats.nof1 import design

    assert nof1.plan_calendar is design.plan_calendar
    cal = nof1.plan_calendar(2, period_days=3, design="abab", start_date=date(2026, 1, 5))
    sched = nof1.schedule(2, period_days=3, design="abab")
    assert cal["condition"].tolist() == sched["condition"].tolist()
    assert cal["date"].iloc[-1] == "2026-01-16" and (cal["score"] == "").all()
    with pytest.raises(ValueError, match="start_date"):
        nof1.plan_calendar(2, start_date="2026-01-05")


def test_old_cli_module_is_gone_and_entry_point_is_the_cli_package():
    with pytest.raises(ModuleNotFoundError):
        __import__("matstats.nof1_cli")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["matstats"] == "matstats.cli:main"
    assert _run("import runpy, sys; sys.argv = ['matstats', '--version'];"
                "runpy.run_module('matstats', run_name='__main__')").startswith("matstats ")


def test_domain_modules_have_no_register_cli():
    import matstats.tables

    assert not hasattr(matstats.tables, "register_cli")


def test_unblinded_bias_comes_from_literature():
    from matstats.literature import NOF1_EXPECTATION_BIAS
    from matstats.narrative.nof1 import make_verdict

    assert NOF1_EXPECTATION_BIAS.mean == 0.5
    # benefit 1.0 (0.4 to 1.6): a 0.5-point bias explains the lower end of the interval
    _, text = make_verdict(-1.0, -1.6, -0.4, n_cycles=6)
    assert "about 0.5 point" in text and "would explain the lower end" in text
    _, text = make_verdict(-1.0, -1.6, -0.6, n_cycles=6)
    assert "would explain the lower end" not in text


def test_diary_blinding_uses_the_sensitivity_index():
    import pandas as pd

    from matstats.nof1.diary import _summarize_blinding as summarize_blinding
    from matstats.sensitivity import blinding_index

    cal = pd.DataFrame({"period": [1, 2, 3, 4, 5], "condition": ["mat", "control", "mat",
                                                                  "control", "mat"],
                        "blinding_guess": ["mat", "mat", "dont_know", "control", "control"]})
    got = summarize_blinding(cal).set_index("condition")["bang_bi"]
    ref = blinding_index([[1, 1], [1, 1], [1, 0]], "bang").set_index("arm")["estimate"]
    assert got["mat"] == ref["treatment"] == 0.0
    assert got["control"] == ref["control"] == 0.0
    only_mat = summarize_blinding(cal.iloc[[0]]).set_index("condition")["bang_bi"]
    assert only_mat["mat"] == 1.0 and math.isnan(only_mat["control"])


