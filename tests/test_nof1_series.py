"""Series of n-of-1 trials: simulation model, vectorised vs per-series identity, calibration of
the average-effect test, the plan's promise under the analysis' own verdict rule, reader faults,
plots and CLI.

Monte Carlo tolerances are stated per test (binomial SE = sqrt(p (1 - p) / n))."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matstats import DataError
from matstats.nof1 import (
    analyze_series,
    analyze_series_many,
    mean_profile,
    plan_series,
    read_series,
    simulate_series,
    write_series_diaries,
)
from matstats.nof1.series_sim import _mean_profiles

UNEQUAL = [4, 5, 6, 6, 7, 3, 6, 6, 6, 6, 6, 2]


# ----------------------------------------------------------------------------- simulation
def test_mean_profile_is_the_single_trial_model():
    sim = simulate_series(3, [2, 3, 4], 2, effect=-1.0, tau=0.5, rng=1)
    p = dict(effect=-1.0, trend=0.01, expectation=-0.5, expectation_half_life=4.0,
             carryover=0.2, carryover_half_life=1.0)
    mu = _mean_profiles(sim.mat_first, sim.person_effect, sim.person_mean, sim.cycles, 7, p)
    for s in range(2):
        days = sim.to_frame(s)
        for i, (_, g) in enumerate(days.groupby("person", sort=True)):
            sched = g[["day", "cycle", "period", "day_in_period", "condition", "washout"]]
            single = mean_profile(sched.reset_index(drop=True), effect=sim.person_effect[s, i],
                                  trend=0.01, expectation=-0.5, expectation_half_life=4.0,
                                  carryover=0.2, carryover_half_life=1.0,
                                  mean=sim.person_mean[s, i])
            np.testing.assert_allclose(mu[s, i, : len(single)], single, rtol=0, atol=1e-12)


def test_random_effects_and_noise_moments():
    n = 4000
    sim = simulate_series(5, 3, n, effect=-1.0, tau=0.7, between_sd=2.0, rho=0.0, sd=1.2,
                          rng=3)
    # SD of a normal sample: SE ~ sd / sqrt(2N); 4.5 SE
    m = n * 5
    assert sim.person_effect.std() == pytest.approx(0.7, abs=4.5 * 0.7 / math.sqrt(2 * m))
    assert sim.person_mean.std() == pytest.approx(2.0, abs=4.5 * 2.0 / math.sqrt(2 * m))
    # a cycle difference has variance tau^2 + sd^2 (1/6 + 1/6) (6 non-washout days per period)
    D = sim.cycle_differences()
    dev = D - sim.person_effect[:, :, None]
    assert dev.var() == pytest.approx(1.44 / 3, rel=4.5 * math.sqrt(2 / dev.size))
    assert D.shape == (n, 5, 3) and sim.mat_first.shape == (n, 5, 3)


def test_unequal_cycles_pad_with_nan_and_same_seed_same_numbers():
    a = simulate_series(4, [2, 3, 1, 3], 3, effect=0.0, missing=0.2, rng=9)
    b = simulate_series(4, [2, 3, 1, 3], 3, effect=0.0, missing=0.2, rng=9)
    np.testing.assert_array_equal(a.y, b.y)
    assert np.isnan(a.y[:, 2, 14:]).all() and np.isnan(a.cycle_differences()[:, 2, 1:]).all()
    assert not a.mat_first[:, 2, 1:].any()
    frame = a.to_frame(1)
    assert frame.groupby("person").size().tolist() == [28, 42, 14, 42]


@pytest.mark.parametrize("bad", [
    dict(persons=0), dict(cycles=[2, 3]), dict(tau=-1.0), dict(missing=1.0),
    dict(washout_days=7), dict(design="x"), dict(rng=-1), dict(n_series=0),
])
def test_bad_parameters(bad):
    kw = dict(persons=3, cycles=2, effect=-1.0) | bad
    with pytest.raises(ValueError, match=next(iter(bad)) if "cycles" not in bad else "cycles"):
        simulate_series(**kw)


# ------------------------------------------------------------------- analysis: identity
@pytest.fixture(scope="module")
def messy():
    return simulate_series(12, UNEQUAL, 120, effect=-1.0, tau=0.7, missing=0.3, rng=2)


@pytest.mark.parametrize("pool,n", [("reml", 120), ("bayes", 30)])
def test_vectorised_equals_per_series_path(messy, pool, n):
    # "bayes": the vectorised path integrates tau on a fixed trapezoid grid, the per-series
    # path (bayes_meta) adaptively; the mixtures agree to rounding, the tau quantiles (read
    # from the node densities) to 0.002 (observed <= 0.001)
    out, per = analyze_series_many(messy, persons=True, pool=pool)
    for s in range(n):
        r = analyze_series(messy, series=s, pool=pool)
        row = out.iloc[s]
        for c in ("estimate", "se", "ci_low", "ci_high", "pval", "tau2", "tau2_ci_low",
                  "tau2_ci_high", "pi_low", "pi_high", "sigma2_within"):
            tol = 2e-3 if pool == "bayes" and c.startswith("tau2") else 1e-8
            assert row[c] == pytest.approx(getattr(r, c), abs=tol), (s, c)
        keep = ~np.isnan(per["shrunken"][s])
        for c in ("shrunken", "shrunken_se", "prob_benefit", "prob_mcid"):
            np.testing.assert_allclose(per[c][s][keep], r.persons[c], atol=1e-8, err_msg=c)
        assert (per["verdict"][s][keep] == r.persons["verdict"].to_numpy()).all()
    if pool == "reml":
        assert (out["tau2"] > 0).mean() > 0.5 and (out["tau2"] == 0).any()


def test_series_without_enough_data_gives_nan_and_raises():
    D = np.full((2, 3, 2), np.nan)
    D[0, 0] = [1.0, 2.0]
    D[1] = [[1.0, 2.0], [0.5, 0.0], [1.5, 1.0]]
    out = analyze_series_many(D)
    assert np.isnan(out.at[0, "estimate"]) and out.at[0, "k"] == 1
    assert np.isfinite(out.at[1, "estimate"])
    table = pd.DataFrame({"person": ["a", "a", "b"], "cycle": [1, 2, 1],
                          "difference": [1.0, 2.0, np.nan]})
    with pytest.raises(ValueError, match="at least 2 persons"):
        analyze_series(table)


def test_excluded_persons_and_cycles_are_listed(messy):
    res = analyze_series(pd.DataFrame({
        "person": ["a"] * 3 + ["b"] * 3 + ["c"] * 2,
        "cycle": [1, 2, 3, 1, 2, 3, 1, 2],
        "difference": [-1.0, -2.0, np.nan, 0.5, -0.5, -1.0, np.nan, np.nan]}))
    assert res.k == 2
    ex = res.excluded
    assert ((ex["person"] == "c") & ex["cycle"].isna()).sum() == 1
    assert set(zip(ex["person"], ex["cycle"].fillna(0))) >= {("a", 3), ("c", 1), ("c", 2)}
    assert res.within_df == 3


# ------------------------------------------------------------------------- calibration
@pytest.mark.parametrize("tau", [0.0, 0.8])
def test_calibration_type_i_error_and_coverage(tau):
    # 4000 series of 12 persons with unequal cycles, AR(1) days (rho 0.4), 10% missing.
    # Nominal 5%: binomial SE 0.0034, tolerance 4 SE = 0.014.
    n = 4000
    for effect in (0.0, -1.0):
        sim = simulate_series(12, UNEQUAL, n, effect=effect, tau=tau, missing=0.1,
                              rng=17 + int(10 * tau) + int(-effect))
        out = analyze_series_many(sim, pool="reml")
        cover = ((out["ci_low"] <= effect) & (effect <= out["ci_high"])).mean()
        assert cover == pytest.approx(0.95, abs=0.014), (tau, effect)
        if effect == 0.0:
            assert (out["pval"] < 0.05).mean() == pytest.approx(0.05, abs=0.014)


def test_prediction_interval_and_shrunken_intervals_cover_new_persons():
    n = 3000
    sim = simulate_series(15, 6, n, effect=-1.0, tau=0.8, rng=23)
    out, per = analyze_series_many(sim, persons=True, pool="reml")
    new = -1.0 + 0.8 * np.random.default_rng(5).standard_normal(n)
    pi_cover = ((out["pi_low"] <= new) & (new <= out["pi_high"])).mean()
    # the PI is approximate (tau2 estimated); observed ~0.94-0.96; 4 SE band around 0.95
    assert pi_cover == pytest.approx(0.95, abs=0.016)
    # shrunken 95% intervals (t on k-1 df) for the persons' true effects
    half = (per["shrunken_se"] * 2.1448)  # t(0.975, 14)
    inside = np.abs(per["shrunken"] - sim.person_effect) <= half
    assert inside.mean() == pytest.approx(0.95, abs=0.01)


# -------------------------------------------------------------------------------- plan
def test_plan_special_cases():
    plan = plan_series([2, 10], [2, 6], effect=-1.0, tau=0.0, rho=0.0, sd=1.2, n_sims=200,
                       rng=1)
    # rho 0: variance of one cycle difference = sd^2 (1/6 + 1/6)
    assert plan["sigma2_cycle"].iloc[0] == pytest.approx(1.44 / 3)
    assert (plan["person_days"] == plan["persons"] * plan["cycles"] * 14).all()
    # tau 0: every true effect is -1, so no "benefit" verdict is wrong and power grows
    row = plan[(plan.persons == 10) & (plan.cycles == 6)].iloc[0]
    assert row["person_wrong"] == 0.0 and row["power"] > plan["power"].iloc[0]
    assert row["power_se"] == pytest.approx(math.sqrt(row["power"] * (1 - row["power"]) / 200))
    with pytest.raises(ValueError, match="persons"):
        plan_series(1, 4, effect=-1.0, tau=0.5)


def _promise(plan, row, sim_rate, n):
    """|plan - check| within 4 combined Monte Carlo SEs."""
    p = plan.loc[row, "power"]
    se = math.sqrt(plan.loc[row, "power_se"] ** 2 + p * (1 - p) / n)
    return abs(sim_rate - p) <= 4 * se, (p, sim_rate, se)


@pytest.mark.parametrize("rho,tau", [(0.4, 0.8), (0.0, 0.3)])
def test_plan_promise_holds_at_the_recommended_design(rho, tau):
    # the design smallest_design recommends, re-simulated day by day (simulate_series) and
    # analysed by the series analysis' default rule: its group verdict claims a benefit as
    # often as the plan promised (4 combined Monte Carlo SEs), and so do the person verdicts
    from matstats.nof1 import smallest_design
    from matstats.nof1.series_analysis import group_verdict_label

    plan = plan_series([4, 6, 8], [3, 6], effect=-1.0, tau=tau, rho=rho, n_sims=1500, rng=41)
    row = smallest_design(plan, target=0.8)
    P, n = int(plan.loc[row, "persons"]), int(plan.loc[row, "cycles"])
    sim = simulate_series(P, n, 1500, effect=-1.0, tau=tau, rho=rho, rng=42)
    out, per = analyze_series_many(sim, persons=True)
    labels = [group_verdict_label(lo, hi) for lo, hi in zip(out["ci_low"], out["ci_high"])]
    rate = np.isin(labels, ("average_benefit", "average_important_benefit")).mean()
    ok, info = _promise(plan, row, rate, 1500)
    assert ok, info
    person = np.isin(per["verdict"], ("benefit", "important_benefit")).mean()
    assert person == pytest.approx(plan.loc[row, "person_benefit"], abs=0.025)  # SE < 0.005


@pytest.mark.slow
def test_plan_promise_holds_for_analyze_series_itself():
    # the same promise checked with the function a clinic runs, one series at a time
    from matstats.nof1 import smallest_design

    plan = plan_series([4, 6, 8], [3, 5], effect=-1.0, tau=0.5, n_sims=2000, rng=43)
    row = smallest_design(plan, target=0.8)
    P, n = int(plan.loc[row, "persons"]), int(plan.loc[row, "cycles"])
    n_check = 400
    sim = simulate_series(P, n, n_check, effect=-1.0, tau=0.5, rng=44)
    rate = np.mean([analyze_series(sim, series=s).verdict_label in
                    ("average_benefit", "average_important_benefit") for s in range(n_check)])
    ok, info = _promise(plan, row, rate, n_check)
    assert ok, info


def test_plan_parallel_trial_needs_more_people():
    plan = plan_series(12, 6, effect=-1.0, tau=0.5, n_sims=300, rng=3)
    row = plan.iloc[0]
    assert row["rct_participants"] == 12
    assert row["rct_power"] < row["power"]
    assert row["rct_participants_same_power"] > 10 * row["persons"]


# ------------------------------------------------------------------------------ reader
def _long_csv(tmp_path: Path, sim) -> Path:
    frames = []
    for person, d in sim.diaries(0).items():
        frames.append(d.assign(person=person))
    long = pd.concat(frames, ignore_index=True)
    path = tmp_path / "series.csv"
    long.to_csv(path, index=False, lineterminator="\n")
    return path


@pytest.fixture()
def small_sim():
    return simulate_series(4, 3, effect=-1.5, tau=0.5, rating_scale=True, missing=0.1, rng=8)


def test_folder_and_long_csv_round_trip(tmp_path, small_sim):
    write_series_diaries(small_sim, tmp_path / "diaries")
    a = analyze_series(read_series(tmp_path / "diaries"))
    b = analyze_series(read_series(_long_csv(tmp_path, small_sim)))
    c = analyze_series(small_sim)
    for r in (a, b):
        assert r.estimate == pytest.approx(c.estimate, abs=1e-12)
        assert r.tau2 == pytest.approx(c.tau2, abs=1e-12)
        assert list(r.persons["person"]) == ["P01", "P02", "P03", "P04"]
    data = read_series(tmp_path / "diaries")
    # nothing dropped silently: every washout or unrated day is listed
    n_unused = int((data.days["washout"] | data.days["score"].isna()).sum())
    assert len(data.excluded_days) == n_unused
    assert set(data.excluded_days["reason"]) <= {"washout day", "score empty", "no diary row"}


def test_folder_fault_names_file_line_column_value(tmp_path, small_sim):
    files = write_series_diaries(small_sim, tmp_path)
    lines = files[2].read_text().splitlines()
    cells = lines[4].split(",")
    cells[8] = "eleven"
    lines[4] = ",".join(cells)
    files[2].write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as exc:
        read_series(tmp_path)
    e = exc.value
    assert (Path(e.file).name, e.line, e.column, e.value) == ("P03.csv", 5, "score", "eleven")


def test_long_csv_fault_names_the_long_file_line(tmp_path, small_sim):
    path = _long_csv(tmp_path, small_sim)
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    k = 60  # a data line of person P02 (42 days each)
    cells = lines[k - 1].split(",")
    cells[header.index("date")] = "2026-02-30"
    lines[k - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as exc:
        read_series(path)
    e = exc.value
    assert (e.file, e.line, e.column, e.value) == (str(path), k, "date", "2026-02-30")
    assert "P02" in str(e)


def test_long_csv_file_faults_come_from_the_shared_csv_reader(tmp_path, small_sim):
    # issue 17 item 4b: the series reader uses _core.csvfile, so a long file's encoding and
    # quoting faults name the file, line, column and value like every other reader
    path = _long_csv(tmp_path, small_sim)
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[9].split(",")
    cells[header.index("score")] = '"4'            # a quote opened on line 10, never closed
    bad = lines[:9] + [",".join(cells)] + lines[10:]
    path.write_text("\n".join(bad) + "\n")
    with pytest.raises(DataError, match="unterminated quote") as exc:
        read_series(path)
    assert (exc.value.file, exc.value.line) == (str(path), 10)
    raw = ("\n".join(lines[:4]) + "\n").encode() + b"P01,\xff\xfe\n"
    path.write_bytes(raw)
    with pytest.raises(DataError, match="series file is not valid UTF-8") as exc:
        read_series(path)
    assert (exc.value.file, exc.value.line, exc.value.value) == (str(path), 5, b"\xff")
    path.write_text("   \n")
    with pytest.raises(DataError, match="series file is empty"):
        read_series(path)


@pytest.mark.parametrize("edit, column", [
    (lambda d: d.drop(columns=["person"]), "person"),
    (lambda d: d.assign(person=[""] + list(d["person"][1:])), "person"),
    (lambda d: d.assign(condition=["mat"] + list(d["condition"][1:]).copy()).replace(
        {"condition": {"control": "placebo"}}), "condition"),
])
def test_long_frame_faults(small_sim, edit, column):
    frames = [d.assign(person=p) for p, d in small_sim.diaries(0).items()]
    long = edit(pd.concat(frames, ignore_index=True))
    with pytest.raises(DataError) as exc:
        read_series(long)
    assert exc.value.column == column


def test_empty_or_missing_folder(tmp_path):
    with pytest.raises(DataError, match="no diary CSV"):
        read_series(tmp_path)
    with pytest.raises(DataError, match="no such file"):
        read_series(tmp_path / "nope")


def test_person_without_usable_cycle_is_excluded_with_reason(tmp_path, small_sim):
    diaries = small_sim.diaries(0)
    diaries["P04"]["score"] = ""
    for p, d in diaries.items():
        d.to_csv(tmp_path / f"{p}.csv", index=False, lineterminator="\n")
    data = read_series(tmp_path)
    res = analyze_series(data)
    assert res.k == 3
    whole = res.excluded[res.excluded["cycle"].isna()]
    assert list(whole["person"]) == ["P04"] and "no usable cycle" in whole["reason"].iloc[0]


# ------------------------------------------------------------------------------ plots, cli
def test_plots_take_ax():
    import matplotlib.pyplot as plt

    from matstats.plots import plot_series_forest, plot_series_plan

    res = analyze_series(simulate_series(6, 4, effect=-1.0, tau=0.5, rng=1))
    fig, ax = plt.subplots()
    assert plot_series_forest(res, ax=ax) is fig
    plan = plan_series([4, 8], [4, 6], effect=-1, tau=0.5, n_sims=50, rng=1)
    assert plot_series_plan(plan, ax=ax) is fig
    with pytest.raises(ValueError, match="column"):
        plot_series_plan(plan, column="nope")
    plt.close("all")


def _cli(argv):
    from matstats.cli import main

    return main(argv)


def test_cli_plan_then_analyze_a_folder_of_templates(tmp_path, capsys):
    out = tmp_path / "series"
    assert _cli(["nof1", "series", "plan", "--persons", "5", "--cycles", "4", "--effect", "-1",
                 "--tau", "0.5", "--seed", "1", "--n-sims", "100", "--out-dir", str(out),
                 "--start-date", "2026-03-02"]) == 0
    files = sorted(out.glob("*.csv"))
    assert len(files) == 5
    rng = np.random.default_rng(0)
    for f in files:  # a person fills in the diary
        d = pd.read_csv(f, keep_default_na=False)
        d["score"] = rng.integers(2, 8, len(d)) - (d["condition"] == "mat")
        d.to_csv(f, index=False)
    fig = tmp_path / "forest.png"
    assert _cli(["nof1", "series", "analyze", str(out), "--figure", str(fig)]) == 0
    text = capsys.readouterr().out
    assert "Verdict:" in text and "P05" in text and fig.exists()


def test_cli_bad_input_is_one_line_nonzero_exit(tmp_path, capsys):
    (tmp_path / "A.csv").write_text("date,condition,score\n2026-01-01,mat,x\n")
    assert _cli(["nof1", "series", "analyze", str(tmp_path)]) == 1  # a data fault, as elsewhere
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "A.csv" in err and "line 2" in err
    assert _cli(["nof1", "series", "plan", "--persons", "1", "--cycles", "4", "--effect",
                 "-1", "--tau", "0.5"]) == 2
    assert "persons" in capsys.readouterr().err


def test_clinic_example_produces_the_notebook_tables():
    from matstats.nof1 import clinic_example

    ex = clinic_example()
    assert ex["result"].k == 20 and len(ex["verdicts"]) == 20
    # the unblinded comparator makes the mat look better by the expectation bias (0.5)
    assert ex["unblinded"].estimate == pytest.approx(ex["result"].estimate - 0.5, abs=1e-9)


def test_shrinkage_and_plan_grid_plots_take_ax():
    import matplotlib.pyplot as plt

    from matstats.plots import plot_series_plan_grid, plot_series_shrinkage

    sim = simulate_series(6, 4, effect=-1.0, tau=0.5, rng=1)
    res = analyze_series(sim)
    fig, ax = plt.subplots()
    assert plot_series_shrinkage(res, ax=ax, true_effect=sim.person_effect[0]) is fig
    assert len(ax.lines) >= 3 and len(ax.texts) == 6  # raw, shrunken, truth; 6 arrows
    with pytest.raises(ValueError, match="one value per person"):
        plot_series_shrinkage(res, true_effect=[0.0, 1.0])
    plan = plan_series([4, 8, 12], [4, 6], effect=-1, tau=0.5, n_sims=100, rng=1)
    fig2, bx = plt.subplots()
    assert plot_series_plan_grid(plan, ax=bx) is fig2
    assert len(bx.texts) == 6 and bx.images[0].get_array().shape == (2, 3)
    bold = [t.get_fontweight() == "bold" for t in bx.texts]
    assert bold == [v >= 0.8 for v in plan.sort_values(["cycles", "persons"])["power"]]
    with pytest.raises(ValueError, match="column"):
        plot_series_plan_grid(plan, column="nope")
    plt.close("all")


def test_verdict_right():
    from matstats.nof1.series_analysis import verdict_right

    v = ["benefit", "benefit", "important_benefit", "important_benefit",
         "no_important_benefit", "no_important_benefit", "worse_on_mat", "unclear", "excluded"]
    t = [-0.1, 0.2, -2.5, -1.0, -1.0, -2.5, 0.4, -5.0, 0.0]
    np.testing.assert_array_equal(verdict_right(v, t, mcid=2.0),
                                  [1, 0, 1, 0, 1, 0, 1, np.nan, np.nan])
    # higher is better flips the sign of a benefit
    np.testing.assert_array_equal(verdict_right(["benefit"], [0.5], lower_is_better=False), [1])
    with pytest.raises(ValueError, match="unknown verdict"):
        verdict_right(["great"], [0.0])
    with pytest.raises(ValueError, match="same shape"):
        verdict_right(["benefit"], [0.0, 1.0])


def test_smallest_design_and_templates():
    from datetime import date

    from matstats.nof1 import plan_calendar, series_templates, smallest_design

    plan = plan_series([4, 6, 8, 10], [2, 4, 6], effect=-1.0, tau=0.5, n_sims=200, rng=2)
    row = smallest_design(plan, target=0.8)
    reach = plan[plan["power"] >= 0.8]
    # no design reaching the target has fewer diary days (ties: fewer persons)
    assert plan.loc[row, "person_days"] == reach["person_days"].min()
    tied = reach[reach["person_days"] == plan.loc[row, "person_days"]]
    assert plan.loc[row, "persons"] == tied["persons"].min()
    assert smallest_design(plan.assign(power=0.5), target=0.8) is None
    best = smallest_design(plan, target=0.6, column="person_benefit")
    assert best is None or plan.loc[best, "person_benefit"] >= 0.6
    with pytest.raises(ValueError, match="target"):
        smallest_design(plan, target=1.0)
    with pytest.raises(ValueError, match="column"):
        smallest_design(plan, column="nope")
    tpl = series_templates(3, 4, start_date=date(2026, 1, 5), rng=7)
    gen = np.random.default_rng(7)  # the same draws, person by person, as plan_calendar makes
    for label in ("P01", "P02", "P03"):
        expected = plan_calendar(4, start_date=date(2026, 1, 5), rng=gen)
        pd.testing.assert_frame_equal(tpl[label], expected)
    assert tpl["P01"]["condition"].tolist() != tpl["P02"]["condition"].tolist() or \
        tpl["P02"]["condition"].tolist() != tpl["P03"]["condition"].tolist()
