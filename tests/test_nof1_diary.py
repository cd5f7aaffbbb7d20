"""Tests for one person's diary: matstats.nof1.diary_io, .calendar, .diary and the verdict
words in matstats.narrative.nof1 (the ``matstats nof1`` CLI is in test_cli_nof1.py).

References used below are independent of matstats' own code: scipy's one-sample and
two-sample t tests, statsmodels GLSAR, the closed-form conjugate normal posterior
(the methods researcher's worked formula), the exact sign-flip distribution counted by hand, and the
Bang blinding-index worked example (Bang et al. 2004: 60/20/20 gives 0.40).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import DataError
from matstats.narrative.nof1 import make_verdict, verdict_text
from matstats.nof1 import analyze, build_calendar, read_diary
from matstats.nof1.verdict import VERDICT_LABELS
from matstats.plots.nof1 import plot_diary

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "diary_example.csv"

# A constructed diary: 3 cycles x 2 periods x 3 days, 1 washout day per period, so each period
# mean is the mean of its days 2 and 3. Washout days get extreme scores: if they leaked into the
# analysis the estimates would change.
#   cycle 1 (mat first):     mat 3,4 -> 3.5 ; control 5,6 -> 5.5 ; D1 = -2
#   cycle 2 (control first): control 6,6 -> 6 ; mat 5,5 -> 5 ;   D2 = -1
#   cycle 3 (mat first):     mat 2,3 -> 2.5 ; control 5,6 -> 5.5 ; D3 = -3
CONSTRUCTED = [
    ("mat", 9), ("mat", 3), ("mat", 4),
    ("control", 0), ("control", 5), ("control", 6),
    ("control", 10), ("control", 6), ("control", 6),
    ("mat", 0), ("mat", 5), ("mat", 5),
    ("mat", 10), ("mat", 2), ("mat", 3),
    ("control", 0), ("control", 5), ("control", 6),
]
D = np.array([-2.0, -1.0, -3.0])
START = date(2026, 3, 2)


def constructed_frame(with_cycle: bool = True) -> pd.DataFrame:
    rows = []
    for k, (cond, score) in enumerate(CONSTRUCTED):
        row = {"date": (START + timedelta(days=k)).isoformat(), "condition": cond,
               "score": score}
        if with_cycle:
            row["cycle"] = k // 6 + 1
        rows.append(row)
    return pd.DataFrame(rows)


def write_csv(tmp_path: Path, text: str, name: str = "diary.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def good_lines() -> list[str]:
    df = constructed_frame()
    return ["date,cycle,condition,score"] + [
        f"{r.date},{r.cycle},{r.condition},{r.score}" for r in df.itertuples(index=False)
    ]


# --------------------------------------------------------------------------------------------
# every diary fault -> DataError naming file, line and column
# --------------------------------------------------------------------------------------------


def _fault(tmp_path, lines, *, line, column, match):
    p = write_csv(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError, match=match) as info:
        read_and_build(p)
    err = info.value
    assert err.file == str(p)
    assert err.line == line
    assert err.column == column
    assert str(p) in str(err) and f"line {line}" in str(err)
    return err


def read_and_build(src, **kw):
    return build_calendar(read_diary(src), **kw)


@pytest.mark.parametrize(
    ("bad", "match"),
    [("2026-02-30", "not a valid calendar date"), ("03/05/2026", "YYYY-MM-DD"),
     ("", "YYYY-MM-DD"), ("2026-3-5", "YYYY-MM-DD")],
)
def test_bad_date(tmp_path, bad, match):
    lines = good_lines()
    lines[4] = lines[4].replace(lines[4].split(",")[0], bad, 1) if bad else "," + lines[4].split(",", 1)[1]
    err = _fault(tmp_path, lines, line=5, column="date", match=match)
    assert err.value == bad


@pytest.mark.parametrize("bad", ["sham", "placebo", "m"])
def test_unknown_condition(tmp_path, bad):
    lines = good_lines()
    lines[7] = lines[7].replace(",control,", f",{bad},")
    err = _fault(tmp_path, lines, line=8, column="condition", match="unknown condition")
    assert err.value == bad


@pytest.mark.parametrize(("bad", "match"), [("11", "off the scale"), ("-1", "off the scale"),
                                            ("10.5", "off the scale"), ("high", "not a number"),
                                            ("nan", "not a finite"), ("inf", "not a finite")])
def test_score_off_scale_or_not_numeric(tmp_path, bad, match):
    lines = good_lines()
    lines[3] = lines[3].rsplit(",", 1)[0] + "," + bad
    err = _fault(tmp_path, lines, line=4, column="score", match=match)
    assert err.value == bad


def test_custom_scale(tmp_path):
    lines = good_lines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",15"
    p = write_csv(tmp_path, "\n".join(lines) + "\n")
    assert read_diary(p, scale=(0, 21)).loc[2, "score"] == 15.0  # PSQI-like 0-21 scale
    with pytest.raises(DataError, match="off the scale 0-10"):
        read_diary(p)


def test_duplicate_day(tmp_path):
    lines = good_lines()
    lines.insert(6, lines[3])  # the date of line 4 again, as line 7
    err = _fault(tmp_path, lines, line=7, column="date", match="already on line 4")
    assert err.value == lines[3].split(",")[0]


def test_cycle_lacking_a_condition_with_cycle_column(tmp_path):
    lines = good_lines()
    # cycle 2 (lines 8-13): make its mat period a control period -> control only
    for i in range(10, 13):
        lines[i] = lines[i].replace(",mat,", ",control,")
    _fault(tmp_path, lines, line=8, column="cycle", match=r"cycle 2 lacks a 'mat' period")


def test_cycle_lacking_a_condition_without_cycle_column(tmp_path):
    lines = [ln.split(",", 2)[0] + "," + ln.split(",", 2)[2] for ln in good_lines()]
    # drop the last control period (lines 17-19): cycle 3 is mat only
    _fault(tmp_path, lines[:-3], line=14, column="condition",
           match=r"cycle 3 .* lacks a 'control' period")


def test_cycle_switching_twice(tmp_path):
    lines = good_lines()
    lines[6] = lines[6].replace(",control,", ",mat,")  # mat, control, control, mat in cycle 1
    _fault(tmp_path, lines, line=7, column="condition", match="switches condition more than once")


def test_cycle_not_consecutive(tmp_path):
    lines = good_lines()
    lines[16] = lines[16].replace(",3,", ",2,", 1)
    _fault(tmp_path, lines, line=17, column="cycle", match="resumes after another cycle")


@pytest.mark.parametrize(("bad", "match"), [("0", "positive whole"), ("1.5", "positive whole"),
                                            ("1E100", "positive whole"),  # no int64 overflow
                                            ("x", "not a number"), ("", "filled on other rows")])
def test_bad_cycle_value(tmp_path, bad, match):
    lines = good_lines()
    parts = lines[2].split(",")
    parts[1] = bad
    lines[2] = ",".join(parts)
    _fault(tmp_path, lines, line=3, column="cycle", match=match)


def test_unequal_runs_without_cycle_column(tmp_path):
    lines = [ln.split(",", 2)[0] + "," + ln.split(",", 2)[2] for ln in good_lines()]
    lines[3] = lines[3].replace(",mat,", ",control,")  # runs of 2, 7, 6 and 3 days
    _fault(tmp_path, lines, line=4, column="condition", match="lasts 7 days, not a multiple")


@pytest.mark.parametrize("col", ["date", "condition", "score"])
def test_missing_column(tmp_path, col):
    df = constructed_frame().drop(columns=[col])
    p = tmp_path / "d.csv"
    df.to_csv(p, index=False)
    with pytest.raises(DataError, match=f"missing required column '{col}'") as info:
        read_diary(p)
    assert (info.value.line, info.value.column) == (1, col)


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(DataError, match="empty") as info:
        read_diary(write_csv(tmp_path, "", "empty.csv"))
    assert info.value.line == 1
    with pytest.raises(DataError, match="empty") as info:
        read_diary(write_csv(tmp_path, "\n\n  \n", "blank.csv"))
    with pytest.raises(DataError, match="no data rows") as info:
        read_diary(write_csv(tmp_path, "date,condition,score\n", "header.csv"))
    assert info.value.line == 2


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_diary(tmp_path / "nope.csv")


def test_bad_washout_and_blinding_values(tmp_path):
    df = constructed_frame()
    df["washout"] = ["true", "false", "false"] * 6
    df.loc[4, "washout"] = "maybe"
    p = tmp_path / "w.csv"
    df.to_csv(p, index=False)
    with pytest.raises(DataError, match="washout must be true or false") as info:
        read_diary(p)
    assert (info.value.line, info.value.column, info.value.value) == (6, "washout", "maybe")
    df = constructed_frame()
    df["blinding_guess"] = ""
    df.loc[2, "blinding_guess"] = "spiky"
    with pytest.raises(DataError, match="blinding_guess") as info:
        read_diary(df)
    assert (info.value.file, info.value.line, info.value.column) == ("<DataFrame>", 4,
                                                                      "blinding_guess")


def test_dataframe_input_names_dataframe_and_row_line():
    df = constructed_frame()
    df.loc[9, "condition"] = "nothing"
    with pytest.raises(DataError) as info:
        read_diary(df)
    assert (info.value.file, info.value.line, info.value.column) == ("<DataFrame>", 11,
                                                                      "condition")
    assert "<DataFrame>" in str(info.value)


def test_line_numbers_survive_blank_lines(tmp_path):
    lines = good_lines()
    lines.insert(3, "")  # a blank line 4; the old line 4 is now line 5
    lines[5] = lines[5].replace(",control,", ",nope,").replace(",mat,", ",nope,")
    _fault(tmp_path, lines, line=6, column="condition", match="unknown condition")


def test_too_few_usable_cycles():
    df = constructed_frame().iloc[:6]  # one cycle only
    with pytest.raises(DataError, match="at least 2"):
        analyze(df)
    df = constructed_frame()
    df.loc[13:14, "score"] = np.nan  # cycle 3's mat period: only washout day rated
    df.loc[4:5, "score"] = np.nan  # cycle 1's control period: nothing usable
    with pytest.raises(DataError, match="only 1 cycle"):
        analyze(df)


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"scale": (5, 1)}, "scale"), ({"scale": "x"}, "scale"), ({"mcid": -1}, "mcid"),
     ({"mcid": float("nan")}, "mcid"), ({"comparator": "blunt"}, "comparator"),
     ({"washout_days": -1}, "washout_days"), ({"washout_days": 1.5}, "washout_days"),
     ({"period_days": 0}, "period_days")],
)
def test_bad_parameters_raise_valueerror(kw, match):
    with pytest.raises(ValueError, match=match) as info:
        analyze(constructed_frame(), **kw)
    assert not isinstance(info.value, DataError)


def test_bad_diary_type():
    with pytest.raises(ValueError, match="path or a pandas DataFrame"):
        analyze([1, 2, 3])


# --------------------------------------------------------------------------------------------
# derived calendar
# --------------------------------------------------------------------------------------------


def test_cycles_periods_and_washout_derived_without_cycle_column():
    a = build_calendar(read_diary(constructed_frame(with_cycle=True)))
    b = build_calendar(read_diary(constructed_frame(with_cycle=False)))
    cols = ["day", "cycle", "period", "day_in_period", "condition", "washout"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert b["period"].tolist() == list(np.repeat(np.arange(1, 7), 3))
    assert b["cycle"].tolist() == list(np.repeat([1, 2, 3], 6))
    assert b["washout"].tolist() == [True, False, False] * 6


def test_unsorted_rows_and_gaps():
    df = constructed_frame()
    gap = df.drop(index=[4]).sample(frac=1.0, random_state=3)  # shuffled, day 5 missing
    cal = build_calendar(read_diary(gap))
    assert len(cal) == 18 and cal["day"].tolist() == list(range(1, 19))
    assert pd.isna(cal.loc[4, "line"]) and math.isnan(cal.loc[4, "score"])
    assert cal.loc[4, "condition"] == "control"
    res = analyze(gap)
    ex = res.excluded
    assert ex.loc[ex["day"] == 5, "reason"].tolist() == ["no diary row"]
    assert (ex["reason"] == "washout day").sum() == 6
    # the period mean of cycle 1's control period is now its day 6 only
    assert res.cycles.loc[0, "difference"] == pytest.approx(3.5 - 6.0, abs=1e-12)


def test_excluded_lists_every_unused_day():
    df = constructed_frame()
    df.loc[7, "score"] = np.nan
    res = analyze(df)
    assert len(res.excluded) == 7
    assert set(res.excluded["reason"]) == {"washout day", "score empty"}
    used = res.days[~res.days["day"].isin(res.excluded["day"])]
    assert used["score"].notna().all() and not used["washout"].any()


def test_explicit_washout_column_overrides_default():
    df = constructed_frame()
    df["washout"] = "false"
    cal = build_calendar(read_diary(df))
    assert not cal["washout"].any()


# --------------------------------------------------------------------------------------------
# analysis against independent references
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def constructed_result():
    return analyze(constructed_frame())


def test_cycle_differences_hand_computed(constructed_result):
    # period means computed by hand in the CONSTRUCTED comment
    np.testing.assert_allclose(constructed_result.cycles["difference"], D, atol=1e-12)
    assert constructed_result.cycles["order"].tolist() == [
        "mat-control", "control-mat", "mat-control"]


def test_cycle_t_matches_one_sample_t_test(constructed_result):
    m = constructed_result.to_frame().set_index("method")
    ref = stats.ttest_1samp(D, 0.0)
    ci = ref.confidence_interval(0.95)
    # scipy's one-sample t test on the hand-computed differences; tolerance = float rounding
    assert m.at["cycle_t", "estimate"] == pytest.approx(D.mean(), abs=1e-12)
    assert m.at["cycle_t", "se"] == pytest.approx(D.std(ddof=1) / math.sqrt(3), rel=1e-12)
    assert m.at["cycle_t", "pval"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert m.at["cycle_t", "ci_low"] == pytest.approx(ci.low, rel=1e-10)
    assert m.at["cycle_t", "ci_high"] == pytest.approx(ci.high, rel=1e-10)
    assert m.at["cycle_t", "n_used"] == 3


def test_randomization_exact_p(constructed_result):
    # all three differences are negative: of the 2^3 sign flips only the observed one and its
    # mirror reach |sum| = 6, so the exact two-sided p is 2/8
    m = constructed_result.to_frame().set_index("method")
    assert m.at["randomization", "pval"] == pytest.approx(2 / 8, abs=1e-12)
    assert math.isnan(m.at["randomization", "ci_low"])


def test_bayes_matches_t_likelihood_times_normal_prior(constructed_result):
    # prior N(0, 2^2) on the effect, cycle SD integrated out (Jeffreys): posterior proportional
    # to the paired t density of the differences times the prior, here on a fine grid
    n, ss = D.size, np.sum((D - D.mean()) ** 2)
    grid = np.linspace(-20, 20, 800001)
    logp = -n / 2 * np.log1p(n * (grid - D.mean()) ** 2 / ss) + stats.norm.logpdf(grid, 0, 2)
    w = np.exp(logp - logp.max())
    w /= w.sum()
    cdf = np.cumsum(w) - w / 2  # trapezoid-consistent: P(delta < grid[i])
    m = constructed_result.to_frame().set_index("method")
    assert m.at["bayes", "estimate"] == pytest.approx(np.interp(0.5, cdf, grid), abs=2e-4)
    assert m.at["bayes", "prob_benefit"] == pytest.approx(np.interp(0.0, grid, cdf), abs=1e-4)
    assert m.at["bayes", "prob_mcid"] == pytest.approx(np.interp(-2.0, grid, cdf), abs=1e-4)
    assert m.at["bayes", "ci_low"] == pytest.approx(np.interp(0.025, cdf, grid), abs=2e-4)
    assert m.at["bayes", "ci_high"] == pytest.approx(np.interp(0.975, cdf, grid), abs=2e-4)


def test_day_t_matches_two_sample_t_test(constructed_result):
    days = constructed_result.days
    used = days[~days["washout"]]
    mat = used.loc[used["condition"] == "mat", "score"]
    ctl = used.loc[used["condition"] == "control", "score"]
    ref = stats.ttest_ind(mat, ctl)  # pooled variance
    ci = ref.confidence_interval(0.95)
    m = constructed_result.to_frame().set_index("method")
    assert m.at["day_t", "estimate"] == pytest.approx(mat.mean() - ctl.mean(), abs=1e-12)
    assert m.at["day_t", "pval"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert m.at["day_t", "ci_low"] == pytest.approx(ci.low, rel=1e-9)
    assert m.at["day_t", "ci_high"] == pytest.approx(ci.high, rel=1e-9)


def test_gls_ar1_matches_statsmodels_gls_at_reported_rho():
    # Reference: statsmodels GLS with the AR(1) correlation rho^|day distance| at the rho that
    # analyze_many reports (its REML search and small-sample correction are nof1-core's concern,
    # tested against an independent statsmodels/scipy fit in test_nof1_analysis.py). Given rho the
    # point estimate is the plain GLS coefficient; the corrected SE can only be larger than the
    # plain GLS SE (it adds the rho-uncertainty term), the Satterthwaite df at most n - 3, and the
    # interval and p-value must be the t(df) interval and test of estimate/se. 1e-8 covers solvers.
    import statsmodels.api as sm

    res = analyze(EXAMPLE)
    rho = float(res.raw["gls_ar1_rho"])
    days = res.days
    keep = ~days["washout"].to_numpy() & days["score"].notna().to_numpy()
    t = (days["day"].to_numpy() - 1)[keep].astype(float)
    y = days["score"].to_numpy()[keep]
    X = np.column_stack([np.ones(t.size), t,
                         (days["condition"] == "mat").to_numpy()[keep].astype(float)])
    sigma = rho ** np.abs(t[:, None] - t[None, :])
    fit = sm.GLS(y, X, sigma=sigma).fit()
    df = float(res.raw["gls_ar1_df"])
    assert 1 <= df <= t.size - 3
    m = res.to_frame().set_index("method")
    est, se = m.at["gls_ar1", "estimate"], m.at["gls_ar1", "se"]
    assert est == pytest.approx(fit.params[2], rel=1e-8)
    assert se >= fit.bse[2] * (1 - 1e-10)
    h = stats.t.ppf(0.975, df) * se
    assert m.at["gls_ar1", "ci_low"] == pytest.approx(est - h, rel=1e-8)
    assert m.at["gls_ar1", "ci_high"] == pytest.approx(est + h, rel=1e-8)
    assert m.at["gls_ar1", "pval"] == pytest.approx(2 * stats.t.sf(abs(est / se), df),
                                                       rel=1e-8)


def test_higher_is_better_mirrors_lower_is_better():
    df = constructed_frame()
    flipped = df.assign(score=10 - df["score"])
    a = analyze(df)
    b = analyze(flipped, lower_is_better=False)
    ma, mb = a.to_frame(), b.to_frame()
    num = ["estimate", "ci_low", "ci_high"]
    # gls_ar1 is an iterative fit (its rho search stops at a tolerance), so its row agrees to
    # 1e-6 only; the other methods are closed-form and agree to rounding
    np.testing.assert_allclose(mb[num].to_numpy(), -ma[["estimate", "ci_high", "ci_low"]]
                               .to_numpy(), rtol=1e-6, atol=1e-9)
    closed = ma["method"] != "gls_ar1"
    np.testing.assert_allclose(mb.loc[closed, num].to_numpy(),
                               -ma.loc[closed, ["estimate", "ci_high", "ci_low"]].to_numpy(),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mb[["pval", "prob_benefit", "prob_mcid"]].to_numpy(),
                               ma[["pval", "prob_benefit", "prob_mcid"]].to_numpy(),
                               rtol=1e-6)
    assert a.verdict_label == b.verdict_label


def test_csv_and_dataframe_give_same_result(tmp_path):
    df = constructed_frame()
    p = tmp_path / "c.csv"
    df.to_csv(p, index=False)
    a, b = analyze(p).to_frame(), analyze(df).to_frame()
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------------------------
# verdict rules, blinding index, figure
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("est", "lo", "hi", "label"),
    [(-2.5, -3.5, -1.0, "benefit_likely"), (-1.0, -1.8, -0.2, "small_benefit_likely"),
     (0.2, -1.0, 1.4, "no_meaningful_benefit"), (-1.0, -3.0, 1.0, "unclear"),
     (1.5, 0.5, 2.5, "worse_on_mat"), (math.nan, math.nan, math.nan, "unclear")],
)
def test_verdict_rules(est, lo, hi, label):
    got, text = make_verdict(est, lo, hi, n_cycles=4, comparator="sham")
    assert got == label
    # higher-is-better mirror gives the same label
    assert make_verdict(-est, -hi, -lo, n_cycles=4, lower_is_better=False)[0] == label
    assert "sham" in text


def test_verdict_caveats():
    _, text = make_verdict(-1.0, -1.3, -0.2, n_cycles=4, comparator="no_mat")
    assert "without a mat" in text and "lower end of the interval" in text
    _, text = make_verdict(-1.0, -1.3, -0.2, n_cycles=4, pval_randomization=0.125,
                           min_pval_randomization=0.125)
    assert "can never reach 0.05" in text
    _, text = make_verdict(-1.0, -3.0, 1.0, n_cycles=4, pval_day_t=0.01)
    assert "naive day-by-day t test" in text


def test_deprecated_diary_blinding_index_matches_sensitivity():
    # Bang et al. 2004 worked example: 60 correct, 20 incorrect, 20 don't know -> BI = 0.40; the old
    # per-arm function now delegates to matstats.sensitivity.blinding_index (table form)
    from matstats.sensitivity import blinding_index

    table = blinding_index([[60, 20], [20, 60], [20, 20]], "bang")
    assert table.loc[0, "estimate"] == pytest.approx(0.40, abs=1e-12)


def test_blinding_summary_from_guesses():
    df = constructed_frame()
    df["blinding_guess"] = ""
    # period guesses (last non-empty in each period): mat P1 'mat' (right), control P2 'mat'
    # (wrong), control P3 'dont_know', mat P4 'mat' (right), mat P5 none, control P6 'control'
    for row, g in [(1, "control"), (2, "mat"), (5, "mat"), (8, "dont know"), (11, "mat"),
                   (17, "control")]:
        df.loc[row, "blinding_guess"] = g
    res = analyze(df, comparator="sham")
    b = res.blinding.set_index("condition")
    assert b.loc["mat", ["n_periods", "n_correct", "n_incorrect", "n_dont_know",
                         "n_no_guess"]].tolist() == [3, 2, 0, 0, 1]
    assert b.loc["mat", "bang_bi"] == (2 - 0) / 2  # Bang: (correct - incorrect) / guesses
    assert b.loc["control", "bang_bi"] == pytest.approx((1 - 1) / 3)
    assert "blinding index of 1.00" in verdict_text(res)


def test_figure_has_two_panels(constructed_result):
    fig = plot_diary(constructed_result, figsize=(8, 6))
    try:
        assert len(fig.axes) == 2
        assert tuple(fig.get_size_inches()) == (8, 6)
    finally:
        plt.close(fig)


def test_plot_diary_draws_on_given_axes(constructed_result):
    fig, axes = plt.subplots(2, 1)
    try:
        assert plot_diary(constructed_result, ax=axes) is fig
        assert axes[0].get_title() == "Daily scores by period"
        assert len(axes[1].containers[0]) == len(constructed_result.cycles)  # a bar per cycle
    finally:
        plt.close(fig)


def test_example_diary_is_analysable():
    res = analyze(EXAMPLE)
    assert len(res.cycles) == 6 and res.to_frame()["method"].tolist() == [
        "cycle_t", "randomization", "gls_ar1", "bayes", "day_t"]
    assert res.verdict_label in VERDICT_LABELS


def test_read_diary_frame_roundtrips_into_analyze():
    entries = read_diary(EXAMPLE)
    a = analyze(EXAMPLE).to_frame()
    b = analyze(entries).to_frame()
    pd.testing.assert_frame_equal(a, b)
    no_cycle = read_diary(entries.drop(columns=["cycle"]))
    assert no_cycle["cycle"].isna().all()
    pd.testing.assert_frame_equal(analyze(no_cycle).to_frame(), a)


def test_schedule_calendar_and_plan_power_figures():
    from matstats.nof1 import plan_calendar
    from matstats.plots.nof1 import plot_plan_power, plot_schedule_calendar

    cal = plan_calendar(2, period_days=3, start_date=date(2026, 1, 5), rng=0)
    fig = plot_schedule_calendar(cal, figsize=(6, 3))
    try:
        ax = fig.axes[0]
        assert len(ax.patches) == len(cal) == 12  # one cell per day
        assert tuple(fig.get_size_inches()) == (6, 3)
    finally:
        plt.close(fig)
    curve = pd.DataFrame({"effect": [-1, -1, -2, -2], "cycles": [2, 3, 2, 3],
                          "power": [0.1, 0.2, 0.2, 0.5], "power_se": [0.01] * 4})
    fig = plot_plan_power(curve)
    try:
        assert len(fig.axes) == 1
    finally:
        plt.close(fig)
