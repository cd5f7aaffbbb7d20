"""Tests for the ``matstats nof1`` command (matstats.cli.nof1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matstats import cli as mcli
from test_nof1_diary import EXAMPLE, good_lines, write_csv  # shared diary fixtures

# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


@pytest.fixture
def main(monkeypatch):
    # only the nof1 command: keeps these tests independent of other modules' CLIs
    monkeypatch.setattr(mcli, "_COMMAND_MODULES", ("matstats.cli.nof1",))
    return mcli.main


def test_cli_plan_writes_dated_schedule(tmp_path, main, capsys):
    out = tmp_path / "s.csv"
    fig = tmp_path / "s.png"
    args = ["nof1", "plan", "--cycles", "3", "--period-days", "5", "--washout-days", "2",
            "--seed", "11", "--start-date", "2026-01-05", "--out", str(out)]
    assert main([*args, "--figure", str(fig)]) == 0
    assert "wrote" in capsys.readouterr().out
    s = pd.read_csv(out, keep_default_na=False)
    assert len(s) == 30
    assert s["date"].iloc[0] == "2026-01-05" and s["date"].iloc[-1] == "2026-02-03"
    assert (pd.to_datetime(s["date"]).diff().dropna() == pd.Timedelta(days=1)).all()
    for _, g in s.groupby("cycle"):
        assert sorted(g["condition"].unique()) == ["control", "mat"]
    assert s.groupby("period")["washout"].apply(lambda w: int(w.sum())).eq(2).all()
    assert fig.stat().st_size > 1000 and fig.read_bytes()[:4] == b"\x89PNG"
    first = out.read_bytes()
    assert main(args) == 0  # same seed -> identical file
    assert out.read_bytes() == first


def test_cli_plan_then_analyze_roundtrip(tmp_path, main, capsys):
    out = tmp_path / "plan.csv"
    assert main(["nof1", "plan", "--cycles", "4", "--seed", "5", "--start-date", "2026-06-01",
                 "--out", str(out)]) == 0
    s = pd.read_csv(out, keep_default_na=False)
    rng = np.random.default_rng(0)
    s["score"] = np.where(s["condition"] == "mat", 3, 6) + rng.integers(-1, 2, len(s))
    s.to_csv(out, index=False)
    capsys.readouterr()
    assert main(["nof1", "analyze", str(out)]) == 0
    text = capsys.readouterr().out
    for m in ("cycle_t", "randomization", "gls_ar1", "bayes", "day_t", "Verdict:"):
        assert m in text


def test_cli_analyze_bad_diary_exits_1(tmp_path, main, capsys):
    lines = good_lines()
    lines[2] = lines[2].replace("2026-03-03", "2026-03-99")
    p = write_csv(tmp_path, "\n".join(lines) + "\n")
    assert main(["nof1", "analyze", str(p)]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "'date'" in err and "2026-03-99" in err


def test_cli_analyze_example_with_figure(tmp_path, main, capsys):
    fig = tmp_path / "d.png"
    assert main(["nof1", "analyze", str(EXAMPLE), "--comparator", "sham", "--figure",
                 str(fig)]) == 0
    out = capsys.readouterr().out
    assert "Verdict:" in out and "sham" in out
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_cli_power_reports_the_verdict_rule_and_is_reproducible(main, capsys):
    from matstats.nof1 import verdict_power

    args = ["nof1", "power", "--effect", "-2", "--cycles", "2,5", "--n-sims", "300",
            "--seed", "4"]
    assert main(args) == 0
    first = capsys.readouterr()
    assert first.err == ""
    assert "Chance of a 'benefit' verdict (the rule 'matstats nof1 analyze' applies)" in first.out
    assert "Cycles needed for a 80% chance of a 'benefit' verdict:" in first.out
    # the printed chances are verdict_power's, sham then no mat from one generator
    gen = np.random.default_rng(4)
    for comp in ("sham", "no_mat"):
        p5 = verdict_power(-2.0, [2, 5], comparator=comp, n_trials=300, rng=gen)["power"]
        assert p5.iloc[0] == 0.0  # 2 cycles: no direction
        assert f"{p5.iloc[1]:.3f}" in first.out
    assert main(args) == 0
    assert capsys.readouterr().out == first.out  # same seed -> same table


def test_cli_power_bad_cycles(main, capsys):
    with pytest.raises(SystemExit):
        main(["nof1", "power", "--effect", "-1", "--cycles", "5-2"])
    assert "cycles must look like" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["nof1", "plan", "--cycles", "0"], ["nof1", "plan", "--cycles", "2", "--washout-days", "7"],
     ["nof1", "power", "--effect", "-1", "--cycles", "1-3"],
     ["nof1", "power", "--effect", "-1", "--target", "1"],
     ["nof1", "analyze", str(EXAMPLE), "--mcid", "-2"]],
)
def test_cli_bad_parameters_exit_2(main, capsys, argv):
    assert main(argv) == 2
    assert "matstats: error:" in capsys.readouterr().err


def test_cli_nof1_without_subcommand_prints_help(main, capsys):
    assert main(["nof1"]) == 2
    assert "plan" in capsys.readouterr().out



def _all_actions(parser):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _all_actions(sub)
        else:
            yield parser.prog, action


def test_every_nof1_option_has_help():
    import argparse

    from matstats.cli import nof1 as cli_nof1

    parser = argparse.ArgumentParser(prog="matstats")
    cli_nof1.register_cli(parser.add_subparsers())
    missing = [(prog, a.dest) for prog, a in _all_actions(parser)
               if a.dest != "help" and not a.help and a.option_strings + [a.dest]]
    assert missing == []


def test_cli_power_sign_convention(main, capsys):
    assert main(["nof1", "power", "--effect", "-1", "1", "--cycles", "6", "--n-sims", "300",
                 "--seed", "1", "--comparator", "sham"]) == 0
    out = capsys.readouterr().out
    assert "negative = less pain on the mat" in out and "false 'benefit' verdict" in out
    assert "Against no mat" not in out
    row = next(ln for ln in out.splitlines() if ln.startswith("6 "))
    helps, harms = (float(v) for v in row.split()[2:])  # columns in effect order: -1, +1
    assert harms < 0.05 < 0.3 < helps


def test_cli_plan_refuses_one_cycle_and_notes_fixed_order(tmp_path, main, capsys):
    assert main(["nof1", "plan", "--cycles", "1"]) == 2
    assert "cycles must be >= 2" in capsys.readouterr().err
    out = tmp_path / "p.csv"
    assert main(["nof1", "plan", "--cycles", "4", "--design", "abab", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "fixed (design abab)" in err
    assert set(pd.read_csv(out)["design"]) == {"abab"}


def test_cli_analyze_fixed_design_and_provisional(tmp_path, main, capsys):
    out = tmp_path / "plan.csv"
    assert main(["nof1", "plan", "--cycles", "6", "--design", "abab", "--start-date",
                 "2026-06-01", "--out", str(out)]) == 0
    s = pd.read_csv(out, keep_default_na=False)
    rng = np.random.default_rng(0)
    score = np.where(s["condition"] == "mat", 3, 5) + rng.integers(-1, 2, len(s))
    s["score"] = np.where(s["cycle"] <= 3, score.astype(str), "")  # stopped after 3 of 6
    s.to_csv(out, index=False)
    capsys.readouterr()
    assert main(["nof1", "analyze", str(out)]) == 0
    text = capsys.readouterr().out
    assert "exact over all" not in text
    assert "not reported: the order was fixed (design abab)" in text
    verdict = text.split("Verdict: ")[1]
    assert verdict.startswith("Provisional: only 3 of the 6 planned cycles")
    assert "no randomization test is reported" in verdict


# --------------------------------------------------------------------------------------------
# issue 21: fresh orders, a marked series design, templates with the design column, no traceback
# --------------------------------------------------------------------------------------------


def test_cli_plan_without_seed_draws_a_fresh_order(tmp_path, main, capsys):
    orders = []
    for k in range(2):
        out = tmp_path / f"p{k}.csv"
        assert main(["nof1", "plan", "--cycles", "40", "--period-days", "2",
                     "--start-date", "2026-01-05", "--out", str(out)]) == 0
        s = pd.read_csv(out, keep_default_na=False)
        orders.append(s.groupby("cycle")["condition"].first().tolist())
    # two fresh draws of 40 coin flips agree with probability 2**-40
    assert orders[0] != orders[1]
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["nof1", "plan", "--help"])
    assert "only to reproduce a plan" in " ".join(capsys.readouterr().out.split())


def test_cli_series_plan_marks_the_smallest_design_reaching_the_target(tmp_path, main, capsys):
    from matstats.nof1 import plan_series

    args = ["nof1", "series", "plan", "--persons", "4,8,12", "--cycles", "4,6", "--effect", "-1",
            "--tau", "0.8", "--target", "0.8", "--seed", "3", "--start-date", "2026-01-05",
            "--n-sims", "200", "--out-dir", str(tmp_path / "clinic")]
    assert main(args) == 0
    text = capsys.readouterr().out
    # independent brute force over the same simulated grid: fewest person-days, then persons
    plan = plan_series([4, 8, 12], [4, 6], effect=-1, tau=0.8, n_sims=200,
                       rng=np.random.default_rng(3))
    ok = [(r.person_days, r.persons, r.cycles) for r in plan.itertuples() if r.power >= 0.8]
    days, persons, cycles = min(ok)
    marked = [ln for ln in text.splitlines() if ln.startswith("*")]
    assert len(marked) == 1 and marked[0].split()[1:3] == [str(persons), str(cycles)]
    assert f"Smallest design reaching power 0.80: {persons} persons x {cycles} cycles" in text
    files = sorted((tmp_path / "clinic").glob("*.csv"))
    assert len(files) == persons
    t = pd.read_csv(files[0], keep_default_na=False)
    # the nof1 plan format: the same columns in the same order, design included
    assert main(["nof1", "plan", "--cycles", str(cycles), "--out", str(tmp_path / "one.csv")]) == 0
    assert list(t.columns) == list(pd.read_csv(tmp_path / "one.csv").columns)
    assert set(t["design"]) == {"paired_random"} and len(t) == 2 * 7 * cycles


def test_cli_series_plan_says_when_no_design_reaches_the_target(main, capsys):
    assert main(["nof1", "series", "plan", "--persons", "2,3", "--cycles", "2", "--effect",
                 "-0.2", "--tau", "1", "--n-sims", "100"]) == 0
    out = capsys.readouterr().out
    assert "No design in this grid reaches power 0.80" in out
    assert not any(ln.startswith("*") for ln in out.splitlines())


def test_cli_unexpected_error_is_one_line(main, capsys, monkeypatch):
    import matstats.nof1 as nof1

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(nof1, "plan_calendar", boom)
    assert main(["nof1", "plan", "--cycles", "3"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError: kaboom)" in err
    monkeypatch.setenv("MATSTATS_TRACEBACK", "1")
    with pytest.raises(RuntimeError):
        main(["nof1", "plan", "--cycles", "3"])


@pytest.mark.parametrize("argv", [
    ["nof1", "plan", "--cycles", "3", "--start-date", "9999-12-30"],
    ["nof1", "analyze", "."],
    ["nof1", "series", "plan", "--persons", "2", "--cycles", "2", "--effect", "-1", "--tau", "1",
     "--target", "1.5"],
    ["nof1", "series", "analyze", "no-such-folder"],
])
def test_cli_bad_input_never_prints_a_traceback(main, capsys, argv):
    assert main(argv) in (1, 2)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("matstats: ")
