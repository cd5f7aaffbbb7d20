"""Issue 10: every case class of "nothing crashes, nothing is silent".

Each test failed before the fix of its class: a public function or CLI command returns a
correct finite answer, or raises DataError (file, line, column, value) or ValueError
(parameter, value, what is allowed); a deliberate NaN comes with its reason.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import DataError, cli, load_claims, load_studies
from matstats import nof1, sensitivity
from matstats.meta.effects import escalc
from matstats.meta import meta_analysis

EXAMPLE = nof1.example_diary_path()
EXAMPLE_LINES = EXAMPLE.read_text(encoding="utf-8").splitlines()


def _diary(tmp_path, lines, name="diary.csv", newline=True):
    p = tmp_path / name
    p.write_text("\n".join(lines) + ("\n" if newline else ""), encoding="utf-8")
    return p


# ------------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("args, needle", [
    (["nof1", "plan", "--cycles", "3", "--out", "{tmp}/missing/dir/x.csv"], "does not exist"),
    (["nof1", "plan", "--cycles", "3", "--out", "{tmp}"], "is a directory"),
    (["nof1", "analyze", str(EXAMPLE), "--figure", "{tmp}/missing/f.png"], "does not exist"),
    (["nof1", "analyze", str(EXAMPLE.parent)], "directory"),
    (["tables", "--out", "{file}"], "not a directory"),
    (["nof1", "plan", "--cycles", "1000000"], "cycles must be <= 500"),
    (["nof1", "plan", "--cycles", "1000000000"], "cycles must be <= 500"),
    (["nof1", "power", "--effect", "-1", "--rho", "1.5"], "rho"),
    (["nof1", "power", "--effect", "-1", "--n-sims", "1000000000000"], "limit"),
])
def test_cli_faults_are_one_line_before_any_output(tmp_path, capsys, args, needle):
    existing = tmp_path / "existing.txt"
    existing.write_text("x")
    args = [a.format(tmp=tmp_path, file=existing) for a in args]
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""  # nothing printed (no analysis, no progress bar) before the error
    assert len(err.strip().splitlines()) == 1 and "error" in err and needle in err
    assert "Traceback" not in err


def test_cli_main_catches_os_errors(monkeypatch, capsys):
    def boom(args):
        raise PermissionError(13, "Permission denied", "/root/x")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(boom))
    assert cli.main(["x"]) == 1
    assert capsys.readouterr().err.strip() == "matstats: error: Permission denied: /root/x"


def _parser_with(func):
    import argparse

    p = argparse.ArgumentParser()
    p.add_argument("x")
    p.set_defaults(func=func)
    return p


# ------------------------------------------------------------------------- diary faults
def test_diary_unclosed_quote_names_its_line(tmp_path):
    lines = EXAMPLE_LINES.copy()
    lines[0] += ",note"
    lines[1:] = [f"{x}," for x in lines[1:]]
    lines[5] = lines[5] + '"forgot to close'
    lines[12] = lines[12] + '"'  # a later quote closes it: lines 7-13 vanish into one cell
    p = _diary(tmp_path, lines)
    with pytest.raises(DataError, match="quote") as info:
        nof1.read_diary(p)
    assert info.value.line == 6 and info.value.column == "note"


def test_diary_truncated_last_row(tmp_path):
    p = _diary(tmp_path, EXAMPLE_LINES[:-1] + ["2026-03-29,6,mat"], newline=False)
    with pytest.raises(DataError, match="truncated") as info:
        nof1.read_diary(p)
    assert info.value.line == len(EXAMPLE_LINES) and info.value.column == "score"


def test_diary_all_scores_equal_is_a_clear_error(tmp_path):
    lines = [EXAMPLE_LINES[0]] + [",".join(x.split(",")[:3] + ["5"]) for x in EXAMPLE_LINES[1:]]
    with pytest.raises(DataError, match="every analysed .* score is 5") as info:
        nof1.analyze(_diary(tmp_path, lines))
    assert info.value.column == "score" and info.value.line is not None


def test_diary_not_utf8_names_the_line(tmp_path):
    p = tmp_path / "d.csv"
    data = "\n".join(EXAMPLE_LINES).encode()
    data = data.replace(b"2026-01-07,1,mat,4", b"2026-01-07,1,mat,4\xe9")
    p.write_bytes(data)
    with pytest.raises(DataError, match="UTF-8") as info:
        nof1.read_diary(p)
    assert info.value.line == 4 and info.value.value == b"\xe9"


def test_diary_deleting_first_days_of_a_period(tmp_path):
    # the 8 days from line 43 on: a period of cycle 4 keeps only its washout day (before the
    # fix a bare ValueError "schedule cycle 4 lacks a non-washout day" without file or line)
    lines = EXAMPLE_LINES[:41] + EXAMPLE_LINES[49:]
    with pytest.raises(DataError, match="day outside the washout") as info:
        nof1.analyze(_diary(tmp_path, lines))
    assert info.value.file and info.value.line and info.value.column == "condition"


def test_huge_cell_names_file_line_column(tmp_path):
    lines = EXAMPLE_LINES.copy()
    lines[0] += ",note"
    lines[1:] = [f"{x}," for x in lines[1:]]
    lines[3] += "x" * 140_000
    with pytest.raises(DataError, match="128 KiB") as info:
        nof1.read_diary(_diary(tmp_path, lines))
    assert (info.value.line, info.value.column) == (4, "note")
    studies = load_studies()  # the bundled file, then a copy with one huge cell
    from matstats.evidence.data_io import default_path

    text = default_path("studies.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",", "," + "y" * 140_000, 1)
    p = tmp_path / "studies.csv"
    p.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="128 KiB") as info:
        load_studies(p)
    assert info.value.line == 3 and info.value.column == text[0].split(",")[1]
    claims_text = default_path("claims.csv").read_text(encoding="utf-8").splitlines()
    claims_text[1] = "z" * 140_000 + claims_text[1]
    q = tmp_path / "claims.csv"
    q.write_text("\n".join(claims_text) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="128 KiB") as info:
        load_claims(q)
    assert info.value.line == 2 and info.value.column


def test_studies_integer_beyond_int64(tmp_path):
    from matstats.evidence.data_io import default_path

    df = pd.read_csv(default_path("studies.csv"), dtype=str, keep_default_na=False)
    col = "n_enrolled"
    row = int(np.flatnonzero(df[col] != "")[0])
    df.loc[row, col] = "9223372036854775808"
    p = tmp_path / "studies.csv"
    df.to_csv(p, index=False)
    with pytest.raises(DataError, match="64-bit") as info:
        load_studies(p)
    assert info.value.column == col and info.value.line == row + 2


# --------------------------------------------------------------------------- parameters
SCHED = nof1.schedule(3, rng=1)


@pytest.mark.parametrize("bad", ["abc", 1.5, -1, True])
@pytest.mark.parametrize("call", [
    lambda r: nof1.schedule(3, rng=r),
    lambda r: nof1.simulate(SCHED, 2, effect=-1, rng=r),
    lambda r: nof1.verdict_power(-1, 3, n_trials=5, rng=r),
    lambda r: sensitivity.decompose_improvement(2.0, baseline=7, mean=5, rng=r),
    lambda r: nof1.analyze(EXAMPLE, rng=r),
])
def test_rng_refused_naming_rng(call, bad):
    with pytest.raises(ValueError, match="rng must be None, a non-negative integer"):
        call(bad)


@pytest.mark.parametrize("call, name", [
    (lambda: nof1.analyze(EXAMPLE, prior_sd="2"), "prior_sd"),
    (lambda: nof1.analyze(EXAMPLE, mcid="2"), "mcid"),
    (lambda: meta_analysis([0, 1], [1, 1], level=None), "level"),
    (lambda: nof1.power_closed_form(-1, cycles=3, alpha=None), "alpha"),
    (lambda: meta_analysis([0, 1, 2], [1, 1, 1]).subgroups(None), "groups"),
    (lambda: nof1.verdict_power(["a"], [3], n_trials=5), "effect"),
    (lambda: nof1.cycles_needed_closed_form(-1, target="x"), "target"),
])
def test_strings_and_none_for_numbers(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: nof1.simulate(SCHED, 10**12, effect=-1), "n_trials"),
    (lambda: nof1.schedule(10**9), "cycles"),
    (lambda: sensitivity.decompose_improvement(2.0, baseline=7, mean=5, n_draws=10**12),
     "n_draws"),
    (lambda: nof1.verdict_power(-1, 3, n_trials=10**12), "n_trials"),
    # memory grows with cycles squared: 10,000 cycles once took 24 GB before failing
    (lambda: nof1.verdict_power(-1, 10_000, n_trials=1), "cycles"),
    (lambda: nof1.verdict_power(-1, [3, 10**8], n_trials=1), "cycles"),
    (lambda: nof1.plan_calendar(700_000, start_date=__import__("datetime").date(9000, 1, 1)),
     "cycles"),
])
def test_absurd_sizes_refused_with_the_limit(call, name):
    with pytest.raises(ValueError, match=rf"{name}.*(limit|date|<= \d)"):
        call()


def test_level_numpy_float32_accepted():
    fit = meta_analysis([0.1, 0.3, 0.5], [0.02, 0.03, 0.05], level=np.float32(0.9))
    assert math.isclose(fit.level, 0.9, rel_tol=1e-6)
    # the interval is a 90% one: half-width z_0.95 se (z_0.95 = 1.6449) at the stored level
    assert (fit.ci_high - fit.estimate) / fit.se == pytest.approx(
        stats.norm.ppf(0.5 + fit.level / 2), rel=1e-12)
    assert (fit.ci_high - fit.estimate) / fit.se == pytest.approx(1.6448536, rel=1e-6)  # table


def test_groups_none_and_subgroup_knha_zero_residual():
    with pytest.raises(ValueError, match="groups"):
        meta_analysis([0, 1, 2, 3], [1, 1, 1, 1]).subgroups(None)
    res = meta_analysis([0, 0, 1, 2], [1, 1, 1, 1], test="knha").subgroups(list("aabb"))
    assert math.isnan(res.q_between) and "se = 0" in res.notes[0]


# ----------------------------------------------------------------------- meta numerics
def test_dominant_variance_does_not_divide_by_zero():
    fit = meta_analysis([0, 1], [1e17, 1], method="DL")
    assert fit.tau2 == 0 and math.isfinite(fit.i2) and math.isfinite(fit.h2)
    assert math.isclose(fit.estimate, 1.0)
    loo = meta_analysis([0, 1, 2], [1e17, 1, 1], method="DL").leave_one_out()
    assert np.isfinite(loo[["estimate", "se", "i2", "h2"]].to_numpy(float)).all()


def test_trim_and_fill_equal_variances_states_the_side():
    res = meta_analysis([0.1, 0.5, 0.9, 0.2], [0.1] * 4).trim_and_fill()
    assert res.side == "left" and "equal" in res.notes[0]


def test_huge_or_tiny_inputs_refused_with_the_range():
    with pytest.raises(ValueError, match=r"yi must lie in"):
        meta_analysis([1e300, -1e300, 0.3], [1, 1, 1])
    for v in (1e-300, 1e300):
        with pytest.raises(ValueError, match=r"vi must lie in"):
            meta_analysis([0, 1, 2], [v] * 3)


def test_knha_zero_residual_variance_nan_with_reason():
    fit = meta_analysis([0] * 4, [0.1, 0.2, 0.1, 0.3], test="knha")
    assert math.isnan(fit.pval) and fit.se == 0
    assert any("zero residual variance" in n and "NA" in n for n in fit.notes)


def test_i2_h2_finite_with_extreme_but_allowed_variances():
    for v in ([1e-60, 1e-60, 1e-60], [1e60, 1e60, 1e60], [1e-60, 1, 1e60]):
        fit = meta_analysis([0.0, 1e-20, 2e-20], v)
        assert math.isfinite(fit.i2) and math.isfinite(fit.h2)
        # equal variances 1e-60: Q = 1e60 (1e-40 + 0 + 1e-40) = 2e20 against 2 df, so all of
        # the spread is heterogeneity (I2 -> 100%); otherwise Q is ~0: no heterogeneity
        if v[0] == v[1] == 1e-60:
            assert fit.q == pytest.approx(2e20, rel=1e-12) and fit.i2 == pytest.approx(100)
        else:
            assert fit.q < 1e-30 and (fit.tau2, fit.i2, fit.h2) == (0, 0, 1)


def test_egger_zero_residual_variance_nan_with_reason():
    res = meta_analysis([0] * 4, [0.1, 0.2, 0.3, 0.4]).egger_test()
    assert math.isnan(res.pval) and "zero residual variance" in res.notes[0]
    assert "notes" not in res.to_frame().columns


@pytest.mark.parametrize("kw, match", [
    (dict(measure="SMD", m1i=[np.inf], sd1i=[1], n1i=[10], m2i=[0], sd2i=[1], n2i=[10]), "m1i"),
    (dict(measure="SMD", m1i=[1], sd1i=[np.inf], n1i=[10], m2i=[0], sd2i=[1], n2i=[10]), "sd1i"),
    (dict(measure="MD", m1i=[1], sd1i=[1], n1i=[np.inf], m2i=[0], sd2i=[1], n2i=[10]), "n1i"),
    (dict(measure="MD", m1i=[1], sd1i=[1], n1i=[0.5], m2i=[0], sd2i=[1], n2i=[10]), "n1i"),
    (dict(measure="SMCC", m1i=[1], m2i=[0], sd1i=[1], sd2i=[1], ni=[10], ri=[1]), "ri"),
    (dict(measure="MD", m1i=[1e308], sd1i=[1], n1i=[10], m2i=[-1e308], sd2i=[1], n2i=[10]),
     "row 0"),
])
def test_escalc_refuses_infinite_and_impossible(kw, match):
    with pytest.raises(ValueError, match=match):
        escalc(**kw)


# -------------------------------------------------------------------- sensitivity numerics
def test_evalue_overflow_and_tiny_hr():
    with pytest.raises(ValueError, match="risk ratio"):
        sensitivity.evalue(1000, measure="SMD")
    e = sensitivity.evalue(1e-300, measure="HR", rare=False)
    assert math.isfinite(e.evalue_point) and e.evalue_point > 1e150
    # exact conversion: rr = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) ~ ln2 sqrt(HR)
    assert math.isclose(e.rr, math.log(2) * 1e-150, rel_tol=1e-12)


def test_james_index_of_an_all_zero_table():
    with pytest.raises(ValueError, match="at least one answer"):
        sensitivity.blinding_index(np.zeros((3, 2)), method="james")


def test_regression_to_the_mean_far_tail():
    out = sensitivity.regression_to_mean(mean=0, r=0.5, threshold=1e10, sd=1)
    # Barnett: (sw^2/m)/s * mills, mills ~ z for large z: 0.5 * 1e10
    assert math.isclose(out["expected_rtm"].iloc[0], 0.5e10, rel_tol=1e-9)
    with pytest.raises(ValueError, match="too extreme"):
        sensitivity.regression_to_mean(mean=0, r=0.5, threshold=1, sd=1e-300)


def test_simulate_huge_effect_refused():
    with pytest.raises(ValueError, match="effect must lie in"):
        nof1.simulate(SCHED, 2, effect=1e308, rng=1)


def test_cli_main_prints_any_fault_on_one_line(monkeypatch, capsys):
    # the one-line rule lives in cli.main, not in each command: a multi-line message is joined
    from matstats import cli as mcli

    def boom(args):
        raise ValueError("first line\n  second line")

    parser = mcli.build_parser()
    monkeypatch.setattr(mcli, "build_parser", lambda: parser)
    parser.set_defaults(func=boom)
    assert mcli.main([]) == 2
    assert capsys.readouterr().err == "matstats: error: first line second line\n"
