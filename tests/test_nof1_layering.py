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


@pytest.mark.parametrize("name", ["read_diary", "build_calendar", "example_diary_path"])
def test_moved_diary_names_warn_and_still_work(name):
    from matstats import nof1
    from matstats.nof1 import diary

    old = getattr(diary, name)
    with pytest.warns(DeprecationWarning, match=f"matstats.nof1.{name}"):
        if name == "example_diary_path":
            assert old() == nof1.example_diary_path()
        elif name == "read_diary":
            assert len(old(nof1.example_diary_path())) == 79 + 5
        else:
            entries = nof1.read_diary(nof1.example_diary_path())
            assert old(entries).equals(nof1.build_calendar(entries))


def test_deprecated_make_verdict_maps_old_keywords():
    from matstats.narrative.nof1 import make_verdict
    from matstats.nof1 import diary

    new = make_verdict(-1.0, -3.0, 1.0, n_cycles=4, pval_day_t=0.01, pval_cycle_t=0.2)
    with pytest.warns(DeprecationWarning, match="narrative.nof1.make_verdict"):
        old = diary.make_verdict(-1.0, -3.0, 1.0, n_cycles=4, p_day_t=0.01, p_cycle_t=0.2)
    assert old == new and "day-by-day t test gives p = 0.010" in new[1]


def test_unblinded_bias_comes_from_literature():
    from matstats.literature import NOF1_EXPECTATION_BIAS
    from matstats.narrative.nof1 import make_verdict
    from matstats.nof1 import diary

    with pytest.warns(DeprecationWarning, match="NOF1_EXPECTATION_BIAS"):
        assert diary.UNBLINDED_BIAS_POINTS == NOF1_EXPECTATION_BIAS.mean == 0.5
    # benefit 1.0 (0.4 to 1.6): a 0.5-point bias explains the lower end of the interval
    _, text = make_verdict(-1.0, -1.6, -0.4, n_cycles=6)
    assert "about 0.5 point" in text and "would explain the lower end" in text
    _, text = make_verdict(-1.0, -1.6, -0.6, n_cycles=6)
    assert "would explain the lower end" not in text


def test_diary_blinding_uses_the_sensitivity_index():
    import pandas as pd

    from matstats.nof1.diary import summarize_blinding
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


@pytest.mark.parametrize("old,call,new", [
    ("verdict", lambda r: r.verdict, "verdict_text"),
    ("summary", lambda r: r.summary(), "diary_summary"),
])
def test_diary_result_words_moved_to_the_narrative_layer(old, call, new):
    from matstats import nof1
    from matstats.narrative import nof1 as words

    res = nof1.analyze(nof1.example_diary_path())
    with pytest.warns(DeprecationWarning, match=f"DiaryResult.{old}.*narrative.nof1.{new}"):
        got = call(res)
    assert got == getattr(words, new)(res)
    assert words.diary_summary(res).endswith("Verdict: " + words.verdict_text(res))
