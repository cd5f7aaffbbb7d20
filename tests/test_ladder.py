"""Tests for matstats.evidence.study_effects and matstats.ladder: effect sizes by control type, sham
offsets, sample size, and the ladder's sentences (matstats.narrative.ladder).

References are independent of our code: the back-calculations of Hohmann et al. 2012 worked
by hand in the project's evidence dossier (t, d and g from the reported p-values and arm
sizes), the Borenstein et al. (2009) "Introduction to Meta-Analysis" worked example of
chapter 4, Cohen (1988) power tables, statsmodels' TTestIndPower, and closed forms. Tests
marked "implementation cross-check" compare two routes of our own code.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats.meta import effects as E
from matstats import literature
from matstats import ladder as L
from matstats.evidence import study_effects as S
from matstats.narrative import ladder as N


def _row(**kw):
    base = {
        "study_id": "s",
        "contrast": "mat_vs_waitlist",
        "device": "mat",
        "control": "waitlist",
        "comparison": "between_groups",
        "outcome_domain": "pain",
        "outcome_measure": "nrs_pain",
        "timepoint_weeks": 2.0,
        "n_treatment": np.nan,
        "n_control": np.nan,
        "n_status": "reported",
        "p_value": np.nan,
        "p_relation": None,
        "result_direction": "favours_mat",
        "significant": None,
        "value_status": "reported",
        "derivation": None,
        "mean_treatment": np.nan,
        "sd_treatment": np.nan,
        "mean_control": np.nan,
        "sd_control": np.nan,
        "estimate": np.nan,
        "estimate_type": None,
        "ci_low": np.nan,
        "ci_high": np.nan,
    }
    base.update(kw)
    return base


def _frame(*rows):
    return pd.DataFrame(list(rows))


# --- the Hohmann 2012 back-calculations worked by hand in the evidence dossier ------------


def test_hohmann_neck_from_p_matches_dossier():
    # dossier: P = .021, 20/20, df = 38 -> t ~ 2.41, d ~ 0.76, Hedges g ~ 0.75
    df = _frame(_row(study_id="hohmann2012_neck", n_treatment=20, n_control=20,
                     n_status="derived", derivation="equal allocation",
                     p_value=0.021, p_relation="="))
    eff = S.study_effect_sizes(df).effects
    assert len(eff) == 1
    r = eff.iloc[0]
    assert r["method"] == "from_p_equal_arms"
    assert r["yi"] == pytest.approx(0.75, abs=0.01)
    d = r["yi"] / E.hedges_correction(38)
    assert d == pytest.approx(0.76, abs=0.01)
    # derived arm sizes must be flagged
    assert bool(r["uses_unverified"]) is True
    assert "derived" in r["note"] and "equal arms" in r["note"]


def test_hohmann_ppt_from_p_matches_dossier():
    # dossier: PPT P = .032 (20/20) -> d ~ 0.70; PPT P = .013 (21/21) -> d ~ 0.80
    df = _frame(
        _row(outcome_domain="physiology", outcome_measure="ppt_max", n_treatment=20,
             n_control=20, p_value=0.032, p_relation="="),
        _row(study_id="t", outcome_domain="physiology", outcome_measure="ppt_max",
             n_treatment=21, n_control=21, p_value=0.013, p_relation="="),
    )
    eff = S.study_effect_sizes(df).effects
    assert eff["yi"].iloc[0] / E.hedges_correction(38) == pytest.approx(0.70, abs=0.01)
    assert eff["yi"].iloc[1] / E.hedges_correction(40) == pytest.approx(0.80, abs=0.01)


def test_hohmann_lbp_p_less_than_is_a_bound_not_a_point():
    # dossier: P < .001 with 21/21 -> t > 3.55, d > ~1.10 (lower bound only)
    df = _frame(_row(n_treatment=21, n_control=21, p_value=0.001, p_relation="<"))
    me = S.study_effect_sizes(df)
    r = me.effects.iloc[0]
    assert r["method"] == "bound_only"
    assert math.isnan(r["yi"]) and math.isnan(r["vi"])
    assert r["bound_side"] == "lower"
    assert r["bound_value"] / E.hedges_correction(40) == pytest.approx(1.10, abs=0.01)
    assert not r["pooled_eligible"]
    pooled = L.pooled_by_control(me)
    assert pooled.loc[pooled["control_class"] == "no_treatment", "k"].item() == 0


def test_t_value_of_dossier():
    # t for p = .021 two-sided with 38 df is ~2.41 (dossier); our g/J/sqrt(1/20+1/20)
    g = E.smd_from_p(0.021, 20, 20)["yi"].item()
    t = g / E.hedges_correction(38) / math.sqrt(0.1)
    assert t == pytest.approx(2.41, abs=0.01)


# --- means/SD route against Borenstein et al. 2009, chapter 4 worked example ----------


@pytest.mark.parametrize(("domain", "sign"), [("qol", 1.0), ("pain", -1.0)])
def test_means_sd_borenstein_example(domain, sign):
    # Borenstein et al. (2009) ch. 4: means 103 vs 100, SD 5.5 / 4.5, n 50/50:
    # d = 0.5970, J = 0.9923, g = 0.5924. Higher-is-better outcome keeps the sign,
    # a lower-is-better outcome (pain) flips it (positive g = mat better).
    df = _frame(_row(outcome_domain=domain, outcome_measure="x", n_treatment=50,
                     n_control=50, mean_treatment=103.0, sd_treatment=5.5,
                     mean_control=100.0, sd_control=4.5))
    r = S.study_effect_sizes(df).effects.iloc[0]
    assert r["method"] == "from_means_sd"
    assert r["yi"] == pytest.approx(sign * 0.5924, abs=5e-4)
    # metafor's large-sample variance: 1/n1 + 1/n2 + g^2 / (2 (n1 + n2))
    assert r["vi"] == pytest.approx(0.04 + 0.5924**2 / 200, abs=1e-5)
    z = stats.norm.isf(0.025)
    assert r["ci_high"] - r["ci_low"] == pytest.approx(2 * z * math.sqrt(r["vi"]), rel=1e-12)


def test_hedges_j_close_to_approximation():
    # Hedges & Olkin (1985): J(m) ~ 1 - 3 / (4m - 1), with an error of order m^-2;
    # their table gives J(10) = 0.9227
    assert E.hedges_correction(10) == pytest.approx(0.9227, abs=5e-5)
    for m in (10, 38, 98):
        assert E.hedges_correction(m) == pytest.approx(1 - 3 / (4 * m - 1), abs=0.05 / m**2)
    with pytest.raises(ValueError):
        E.hedges_correction(1)


def test_unknown_direction_is_excluded_not_guessed():
    df = _frame(_row(outcome_domain="sleep", outcome_measure="sleep_quality", n_treatment=10,
                     n_control=10, mean_treatment=5, sd_treatment=1, mean_control=4,
                     sd_control=1))
    me = S.study_effect_sizes(df)
    assert me.effects.empty
    assert "direction of benefit unknown" in me.excluded["reason"].item()
    me2 = S.study_effect_sizes(df, lower_is_better={"sleep_quality": False})
    assert me2.effects["yi"].item() > 0


# --- exclusions are listed, nothing silently dropped ------------------------------------


def test_exclusions_listed_with_reasons():
    df = _frame(
        _row(study_id="chen2019_manual_sleep", device="manual_acupressure", control="sham",
             n_treatment=31, n_control=31, p_value=0.001, p_relation="<"),
        _row(study_id="saha2016_lbp", control="none", comparison="within_group",
             estimate=-4.6, estimate_type="pct_change", ci_low=-6.6, ci_high=-2.6),
        _row(study_id="kisker2023_stress", control="active", result_direction="no_difference"),
        _row(study_id="zilberter1999_survey", control="none", comparison="none"),
        _row(study_id="unclear", comparison="unclear", n_treatment=5, n_control=5,
             p_value=0.01, p_relation="="),
        _row(study_id="nodir", n_treatment=5, n_control=5, p_value=0.2, p_relation="=",
             result_direction="not_reported"),
        _row(study_id="pref", contrast="randomized_vs_preference_backrest", device="backrest",
             control="no_treatment", n_treatment=32, n_control=37, significant="no"),
        _row(study_id="ok", n_treatment=20, n_control=20, p_value=0.05, p_relation="="),
    )
    me = S.study_effect_sizes(df)
    assert len(me.effects) + len(me.excluded) == len(df)
    reasons = dict(zip(me.excluded["study_id"], me.excluded["reason"], strict=True))
    chen = reasons["chen2019_manual_sleep"]
    assert "manual" in chen and "not a mat" in chen
    assert "not a between-group effect" in reasons["saha2016_lbp"]
    assert "no numeric between-group result" in reasons["kisker2023_stress"]
    assert "no between-group comparison" in reasons["zilberter1999_survey"]
    assert "unclear" in reasons["unclear"]
    assert "direction" in reasons["nodir"]
    assert "preference" in reasons["pref"]
    assert me.effects["study_id"].tolist() == ["ok"]
    assert (me.excluded["line"] == [2, 3, 4, 5, 6, 7, 8]).all()


def test_significance_only_gives_bounds_and_says_so():
    # "not significant" with 32/32 -> |g| < g(p = 0.05, df 62)
    df = _frame(
        _row(device="backrest", control="sham", n_treatment=32, n_control=32,
             significant="no", result_direction="no_difference"),
        _row(device="backrest", control="no_treatment", n_treatment=32, n_control=32,
             significant="yes"),
    )
    eff = S.study_effect_sizes(df).effects
    t = stats.t.isf(0.025, 62)
    expect = t * math.sqrt(2 / 32) * E.hedges_correction(62)
    assert eff["bound_side"].tolist() == ["upper_abs", "lower"]
    np.testing.assert_allclose(eff["bound_value"], [expect, expect], rtol=1e-12)
    assert all("significant=" in n for n in eff["note"])
    assert eff["device_group"].tolist() == ["backrest", "backrest"]
    none = S.study_effect_sizes(df, alpha=None)
    assert none.effects.empty and len(none.excluded) == 2


def test_unverified_values_are_flagged():
    df = _frame(_row(n_treatment=30, n_control=30, mean_treatment=3.0, sd_treatment=2.0,
                     mean_control=4.0, sd_control=2.0, value_status="unverified"))
    r = S.study_effect_sizes(df).effects.iloc[0]
    assert bool(r["uses_unverified"]) and "unverified" in r["note"].lower()


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="missing required columns"):
        S.study_effect_sizes(pd.DataFrame({"study_id": ["a"]}))
    with pytest.raises(ValueError):
        S.study_effect_sizes(_frame(_row()), level=1.5)
    with pytest.raises(ValueError):
        S.study_effect_sizes([1, 2])


# --- pooling ----------------------------------------------------------------------------


def test_pooled_k1_and_k0_rows():
    df = _frame(_row(n_treatment=20, n_control=20, p_value=0.021, p_relation="="))
    me = S.study_effect_sizes(df)
    pooled = L.pooled_by_control(me)
    assert pooled["control_class"].tolist() == ["no_treatment", "active", "sham"]
    row = pooled.iloc[0]
    assert row["k"] == 1 and row["model"] == "single study (k=1)"
    assert row["estimate"] == pytest.approx(me.effects["yi"].item(), rel=1e-12)
    assert pooled.iloc[2]["model"] == "no study (k=0)" and math.isnan(pooled.iloc[2]["estimate"])


def test_pooled_k3_matches_closed_form_dl():
    # DerSimonian-Laird closed form, computed here independently of matstats.meta
    df = _frame(
        _row(study_id="a", n_treatment=20, n_control=20, p_value=0.021, p_relation="="),
        _row(study_id="b", n_treatment=40, n_control=40, p_value=0.4, p_relation="="),
        _row(study_id="c", n_treatment=15, n_control=15, p_value=0.002, p_relation="="),
        # a second outcome of study a: must not be double counted
        _row(study_id="a", outcome_measure="vas", n_treatment=20, n_control=20,
             p_value=0.5, p_relation="="),
    )
    me = S.study_effect_sizes(df)
    chosen, skipped = L.select_one_per_study(me.effects)
    assert chosen["study_id"].tolist() == ["a", "b", "c"]
    assert "one effect per study" in skipped["reason"].item()
    y, v = chosen["yi"].to_numpy(), chosen["vi"].to_numpy()
    w = 1 / v
    q = np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2)
    tau2 = max(0.0, (q - 2) / (w.sum() - np.sum(w**2) / w.sum()))
    ws = 1 / (v + tau2)
    est = np.sum(ws * y) / ws.sum()
    se = math.sqrt(1 / ws.sum())
    row = L.pooled_by_control(me, method="DL").iloc[0]
    assert row["k"] == 3
    assert row["estimate"] == pytest.approx(est, rel=1e-6)
    assert row["se"] == pytest.approx(se, rel=1e-6)
    assert row["tau2"] == pytest.approx(tau2, rel=1e-6, abs=1e-12)


def test_backrest_pooled_separately():
    df = _frame(
        _row(study_id="m", n_treatment=20, n_control=20, p_value=0.021, p_relation="="),
        _row(study_id="b", device="backrest", control="no_treatment", n_treatment=32,
             n_control=32, p_value=0.01, p_relation="="),
    )
    pooled = L.pooled_by_control(S.study_effect_sizes(df))
    mat = pooled[pooled["device_group"] == "mat"]
    back = pooled[pooled["device_group"] == "backrest"]
    assert mat.iloc[0]["study_ids"] == "m" and mat.iloc[0]["k"] == 1
    assert back["study_ids"].tolist() == ["b"]


# --- sham offsets -----------------------------------------------------------------------


def test_offset_priors_have_sources_and_reported_ci_se():
    tab = L.offset_priors_frame()
    assert tab["source"].str.len().min() > 20
    strij = tab.set_index("name").loc["placebo_vs_none_clbp"]
    # Strijkers 2021: 0.37 (0.18 to 0.55) -> SE = 0.37 / 3.92
    assert strij["mean"] == 0.37
    # issue 18: predictive for a new kind of sham, sqrt(se^2 + tau^2), tau = exp(-3.02 / 2)
    tau = math.exp(-3.02 / 2)
    assert strij["se"] == pytest.approx(math.hypot(0.37 / (2 * 1.959963984540054), tau),
                                        rel=1e-12)
    hs = tab.set_index("name").loc["physical_sham_vs_none"]
    assert hs["se"] == pytest.approx(math.hypot(0.23 / (2 * 1.959963984540054), tau), rel=1e-12)
    assert tab.set_index("name").loc["acupuncture_ipd_back_neck", "mean"] == pytest.approx(0.32)


def test_sham_offset_normal_closed_form():
    from matstats import literature

    out = L.sham_offset(0.75, 0.33, priors=[*literature.OFFSET_PRIORS,
                                            literature.SHARE_PRIOR]).set_index("prior")
    r = out.loc["placebo_vs_none_clbp"]
    # predictive offset SD: sqrt(se^2 + tau^2) (issue 18)
    sd_off = math.hypot(0.37 / 3.919927969080108, math.exp(-3.02 / 2))
    assert r["expected"] == pytest.approx(0.75 - 0.37, rel=1e-12)
    assert r["se"] == pytest.approx(math.sqrt(0.33**2 + sd_off**2), rel=1e-12)
    assert r["ci_low"] == pytest.approx(r["expected"] - 1.959963984540054 * r["se"], rel=1e-9)
    ratio = out.loc["acupuncture_ipd_ratio"]
    assert ratio["expected"] == pytest.approx(0.75 * 0.35, rel=1e-12)


def test_sham_offset_monte_carlo_agrees_and_is_reproducible():
    a = L.sham_offset(0.75, 0.33, method="monte_carlo", rng=7, n_draws=200_000)
    b = L.sham_offset(0.75, 0.33, method="monte_carlo", rng=7, n_draws=200_000)
    c = L.sham_offset(0.75, 0.33, method="monte_carlo", rng=8, n_draws=200_000)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["expected"], c["expected"], rtol=0, atol=1e-12)
    n = L.sham_offset(0.75, 0.33)
    # MC error of a mean with sd ~0.35 over 2e5 draws ~ 8e-4; allow 5e-3
    np.testing.assert_allclose(a["expected"], n["expected"], atol=5e-3)
    np.testing.assert_allclose(a["se"], n["se"], rtol=0.02)
    # difference form: draws are exactly normal, so the percentile CI matches the normal CI
    diff = n["form"] == "difference"
    np.testing.assert_allclose(a.loc[diff, "ci_low"], n.loc[diff, "ci_low"], atol=0.01)


def test_sham_offset_bad_parameters():
    with pytest.raises(ValueError):
        L.sham_offset(float("nan"), 0.3)
    with pytest.raises(ValueError):
        L.sham_offset(0.5, -1)
    with pytest.raises(ValueError):
        L.sham_offset(0.5, 0.3, method="bayes")
    with pytest.raises(ValueError):
        L.sham_offset(0.5, 0.3, priors=[])
    with pytest.raises(ValueError):
        L.sham_offset(0.5, 0.3, priors=[literature.Prior("x", "normal", (0.1, 0.1), "r", "s")])


# --- sample size --------------------------------------------------------------------------


def test_sample_size_cohen_tables():
    # Cohen (1988) Table 2.4.1, two-tailed alpha .05: d = .5 -> 64 (80%), 86 (90%);
    # d = .8 -> 26 (80%)
    out = L.sham_trial_sample_size([0.5, 0.8], power=(0.8, 0.9))
    got = {(r.effect, r.power): r.n_per_arm for r in out.itertuples()}
    assert got[(0.5, 0.8)] == 64
    assert got[(0.5, 0.9)] == 86
    assert got[(0.8, 0.8)] == 26
    assert (out["achieved_power"] >= out["power"]).all()
    assert (out["n_total"] == 2 * out["n_per_arm"]).all()


def test_sample_size_matches_statsmodels():
    from statsmodels.stats.power import TTestIndPower

    solver = TTestIndPower()
    for d in (0.15, 0.3, 0.42):
        for pw in (0.8, 0.9):
            ref = math.ceil(solver.solve_power(effect_size=d, power=pw, alpha=0.05))
            got = L.sham_trial_sample_size(d, power=pw)["n_per_arm"].item()
            assert got == ref, (d, pw)


def test_sample_size_rejects_bad_parameters():
    with pytest.raises(ValueError, match="> 0"):
        L.sham_trial_sample_size(0.0)
    with pytest.raises(ValueError):
        L.sham_trial_sample_size(-0.2)
    with pytest.raises(ValueError):
        L.sham_trial_sample_size(0.3, power=1.0)
    with pytest.raises(ValueError):
        L.sham_trial_sample_size(0.3, alpha=0)


# --- ladder table and conclusion --------------------------------------------------------


def test_ladder_table_and_conclusion_follow_results():
    df = _frame(
        _row(study_id="hohmann2012_neck", n_treatment=20, n_control=20, p_value=0.021,
             p_relation="=", n_status="derived", derivation="equal allocation"),
        _row(study_id="hohmann2012_lbp", n_treatment=21, n_control=21, p_value=0.001,
             p_relation="<"),
    )
    me = S.study_effect_sizes(df)
    pooled = L.pooled_by_control(me)
    r = pooled.iloc[0]
    exp = L.sham_offset(r["estimate"], r["se"])
    ss = L.sham_trial_sample_size(0.5)
    lt = L.ladder_table(pooled, exp)
    assert set(lt["kind"]) == {"observed", "expected", "reference"}
    assert (lt.loc[lt["kind"] == "expected", "position"] == 2).all()
    text = N.ladder_conclusion(me, pooled, exp, ss)
    assert f"{r['estimate']:.2f}" in text
    assert "k=1" in text and "k=0" in text
    assert "64 per arm for 80% power" in text
    assert "g > 1.08" in text
    assert "no direct evidence" in text
    assert f"between {exp['expected'].min():.2f} and {exp['expected'].max():.2f}" in text


# --- helpers used by notebook 02 ----------------------------------------------------------


def test_funnel_diagnostics_refuses_small_k():
    out = L.funnel_diagnostics([0.5, 0.8], [0.1, 0.1]).iloc[0]
    assert out["k"] == 2 and not out["interpretable"]
    assert np.isnan(out["egger_pval"]) and "at least 3" in out["note"]
    run = L.funnel_diagnostics([0.5, 0.8, 0.2, 0.9], [0.1, 0.05, 0.2, 0.3]).iloc[0]
    assert run["k"] == 4 and not run["interpretable"] and 0 <= run["egger_pval"] <= 1
    assert "too little power" in run["note"]
    with pytest.raises(ValueError):
        L.funnel_diagnostics([0.1, 0.2], [0.1])
    with pytest.raises(ValueError):
        L.funnel_diagnostics([0.1, 0.2, 0.3], [0.1] * 3, min_k=2)


def test_sample_size_for_expected_skips_nonpositive():
    expected = pd.DataFrame({"prior": ["a", "b"], "expected": [0.5, -0.1]})
    out = L.sample_size_for_expected(expected, power=(0.8, 0.9))
    a = out[out["prior"] == "a"]
    assert a["n_per_arm"].tolist() == [64, 86]  # Cohen (1988), d = 0.5
    # the smallest n reaching the power: statsmodels' noncentral-t power (independent code)
    from statsmodels.stats.power import TTestIndPower

    for n, target, achieved in zip(a["n_per_arm"], a["power"], a["achieved_power"], strict=True):
        assert achieved == pytest.approx(TTestIndPower().power(0.5, n, 0.05), rel=1e-8)
        assert TTestIndPower().power(0.5, n - 1, 0.05) < target <= achieved
    b = out[out["prior"] == "b"]
    assert b["n_per_arm"].isna().all() and b["achieved_power"].isna().all()
    assert b["note"].str.contains("expected effect <= 0").all()


def test_effect_labels_mark_unverified_and_contrast():
    df = _frame(
        _row(study_id="p", contrast="acu_vs_none", n_treatment=32, n_control=32,
             p_value=0.04, p_relation="="),
        _row(study_id="p", contrast="plain_vs_none", n_treatment=32, n_control=32,
             p_value=0.04, p_relation="=", n_status="derived", derivation="96 - 64"),
    )
    labels = N.effect_labels(S.study_effect_sizes(df).effects).tolist()
    # words, not codes: the comparison after the study, the measure in words (issue 21)
    assert labels[0].startswith("P vs none, pain (0-10)") and not labels[0].endswith("*")
    assert labels[1].endswith("*") and labels[1].startswith("P vs none, ")
    assert not any("_" in label for label in labels)


def test_real_data_hohmann_neck_and_no_manual_acupressure():
    # integration with data/studies.csv: the hand-worked g ~ 0.75 for Hohmann neck NRS, and
    # the manual-acupressure studies A1-A3 never enter the mat effects
    me = S.study_effect_sizes()
    eff = me.effects
    neck = eff[(eff["study_id"] == "hohmann2012_neck") & (eff["outcome_measure"] == "nrs_pain")]
    assert neck["yi"].item() == pytest.approx(0.75, abs=0.01)
    assert bool(neck["uses_unverified"].item())
    assert not (eff["device"] == "manual_acupressure").any()
    manual = me.excluded[me.excluded["device"] == "manual_acupressure"]
    assert set(manual["study_id"]) >= {"chen2019_manual_sleep", "au2015_manual_anxiety_meta",
                                       "peng2024_manual_anxiety_meta"}
    assert len(eff) + len(me.excluded) == len(matstats_load_studies())


def matstats_load_studies():
    import matstats

    return matstats.load_studies()


def test_agrees_with_matstats_escalc():
    # implementation cross-check: escalc is validated against R metafor
    # (tests/test_metafor_alignment.py); every extraction route must give its g and variance
    import matstats
    from matstats.meta.effects import smd_from_p

    df = _frame(
        _row(outcome_domain="qol", outcome_measure="x", n_treatment=50, n_control=50,
             mean_treatment=103.0, sd_treatment=5.5, mean_control=100.0, sd_control=4.5),
        _row(study_id="p", n_treatment=20, n_control=20, p_value=0.021, p_relation="="),
        _row(study_id="b", n_treatment=21, n_control=21, p_value=0.001, p_relation="<"),
    )
    eff = S.study_effect_sizes(df).effects
    ref = matstats.escalc("SMD", m1i=[103.0], sd1i=[5.5], n1i=[50], m2i=[100.0], sd2i=[4.5],
                          n2i=[50])
    assert eff["yi"].iloc[0] == pytest.approx(ref["yi"].item(), rel=1e-10)
    assert eff["vi"].iloc[0] == pytest.approx(ref["vi"].item(), rel=1e-10)
    refp = smd_from_p([0.021], [20], [20])
    assert eff["yi"].iloc[1] == pytest.approx(refp["yi"].item(), rel=1e-10)
    assert eff["vi"].iloc[1] == pytest.approx(refp["vi"].item(), rel=1e-10)
    refb = smd_from_p([0.001], [21], [21], relation="<")
    assert eff["bound_value"].iloc[2] == pytest.approx(refb["yi"].item(), rel=1e-10)


# --- drift bug: one orientation rule (vocab.benefit_sign) for every route -------------------


def test_reported_smd_is_oriented_by_the_outcome_not_kept_raw():
    # A mat row reporting SMD -1.11 (95% CI -1.61 to -0.61) on pain, favouring the mat: less
    # pain with the mat is a benefit, so the ladder's g is +1.11 (the old code kept -1.11).
    df = _frame(_row(estimate_type="smd", estimate=-1.11, ci_low=-1.61, ci_high=-0.61,
                     result_direction="favours_mat"))
    r = S.study_effect_sizes(df).effects.iloc[0]
    assert r["method"] == "reported_smd"
    assert r["yi"] == pytest.approx(1.11, abs=1e-12)
    assert r["sei"] == pytest.approx(1.0 / (2 * 1.959963984540054), rel=1e-12)
    assert "disagrees" not in r["note"]
    # higher-is-better outcome: the reported sign stays; a disagreement with the stated
    # direction is kept visible in the note, not flipped away
    qol = S.study_effect_sizes(_frame(_row(
        outcome_domain="qol", outcome_measure="sf36", estimate_type="smd", estimate=-0.4,
        ci_low=-0.8, ci_high=0.0, result_direction="favours_mat"))).effects.iloc[0]
    assert qol["yi"] == pytest.approx(-0.4) and "disagrees with result_direction" in qol["note"]


def test_means_route_uses_the_same_orientation_rule_as_vocab():
    # the same pain row through means/SDs and through a reported SMD gets the same sign
    means = _row(n_treatment=30, n_control=30, mean_treatment=3.0, sd_treatment=2.0,
                 mean_control=4.0, sd_control=2.0)
    smd = _row(study_id="t", estimate_type="smd", estimate=-0.5, ci_low=-1.0, ci_high=0.0)
    eff = S.study_effect_sizes(_frame(means, smd)).effects
    assert (eff["yi"] > 0).all()
    from matstats import vocab

    assert vocab.benefit_sign(means) == -1.0


# --- the exclusion rule table ---------------------------------------------------------------


def test_exclusions_carry_codes_from_the_rule_table():
    df = _frame(
        _row(device="manual_acupressure"),
        _row(device="pillow"),
        _row(study_id="thesis", contrast="arm_a_vs_none"),
        _row(comparison="within_group"),
        _row(comparison="unclear"),
        _row(comparison=None),
        _row(contrast="randomized_vs_preference_backrest", device="backrest"),
        _row(control="unclear"),
        _row(control="none"),
        _row(mean_treatment=1, sd_treatment=1, mean_control=2, sd_control=1),
        _row(significant="no", result_direction="no_difference"),
        _row(outcome_domain="sleep", outcome_measure="q", n_treatment=5, n_control=5,
             mean_treatment=1, sd_treatment=1, mean_control=2, sd_control=1),
        _row(n_treatment=5, n_control=5, p_value=0.2, p_relation="=", result_direction=None),
        _row(n_treatment=5, n_control=5, p_value=0.01, p_relation="<",
             result_direction="no_difference"),
        _row(n_treatment=5, n_control=5, p_value=0.01, p_relation="~"),
        _row(estimate_type="md", estimate=-1.0),
        _row(),
    )
    ex = S.study_effect_sizes(df, duplicates={("thesis", "arm_a_vs_none"): "paper"}).excluded
    codes = S.exclusion_rules_table()["code"].tolist()
    assert ex["code"].tolist() == codes
    assert ex["reason"].iloc[2].startswith("same participants as paper")
    assert ex["reason"].iloc[5] == "no between-group comparison (comparison=empty)"
    assert "(control=unclear)" in ex["reason"].iloc[7]
    assert "no control group" not in ex["reason"].iloc[7]
    assert ex["reason"].iloc[8] == "no control group (control=none)"
    assert ex["reason"].iloc[10].startswith("no p-value, only significant='no'")
    assert ex["reason"].iloc[12].endswith("(result_direction=empty)")
    table = S.exclusion_rules_table()
    assert table["code"].is_unique and set(table["stage"]) == {"row", "route"}


# --- issue 9: consequences of the data corrections -----------------------------------------


def test_purepong_thesis_duplicate_contrast_is_excluded_with_its_code():
    me = S.study_effect_sizes()
    dup = me.excluded[me.excluded["code"] == "duplicate_report"]
    assert set(dup["study_id"]) == {"purepong_thesis_backrest"}
    assert set(dup["contrast"]) == {"acu_backrest_vs_no_intervention"}
    assert dup["reason"].str.contains("purepong2015_backrest").all()
    kept = me.effects[me.effects["study_id"] == "purepong_thesis_backrest"]
    assert "acu_backrest_vs_no_intervention" not in set(kept["contrast"])
    # driven by data/sources.csv, not by a hard-coded id: an empty mapping keeps the rows
    off = S.study_effect_sizes(duplicates={}).effects
    assert "acu_backrest_vs_no_intervention" in set(off["contrast"])
    assert S.duplicate_contrasts() == {
        ("purepong_thesis_backrest", "acu_backrest_vs_no_intervention"): "purepong2015_backrest"}


def test_significance_only_rows_without_arm_sizes_get_their_true_reason():
    ex = S.study_effect_sizes().excluded
    sub = ex[ex["study_id"].isin(["kisker2023_stress", "olsson2011_healthy"])]
    assert not sub["reason"].str.contains("p-value present").any()
    kisker = sub[sub["study_id"] == "kisker2023_stress"]
    assert set(kisker["code"]) == {"significance_only_no_arm_sizes"}
    cortisol = sub[sub["outcome_measure"] == "saliva_cortisol"]
    assert cortisol["code"].tolist() == ["significance_only_no_arm_sizes"]


def test_ladder_flags_the_inference_rows_and_the_empty_sham_rung():
    from matstats.narrative.ladder import effect_labels, ladder_conclusion

    me = S.study_effect_sizes()
    inf = L.inference_rows(me)
    assert set(zip(inf["study_id"], inf["outcome_measure"])) == {
        ("hohmann2012_neck", "ppt_max"), ("hohmann2012_lbp", "ppt_max"),
        ("purepong_thesis_backrest", "pain"), ("purepong_thesis_backrest", "disability")}
    # the plain backrest is an active control (issue 20): its rung rests on the inference rows
    plain = me.effects[(me.effects["device_group"] == "backrest")
                       & (me.effects["control_class"] == "active")]
    assert len(plain) and plain["inference"].all()
    assert not (me.effects["control_class"] == "sham").any()
    text = ladder_conclusion(me, L.pooled_by_control(me), L.sham_offset(0.75, 0.33))
    assert "backrest vs active control rung rests entirely on an inference" in text
    assert "The sham rung has no data for any device" in text
    assert "hohmann2012_neck ppt max" in text  # measures in words (issue 21)
    labels = effect_labels(me.effects)
    assert labels[me.effects["inference"]].str.endswith("(inference)").all()
    assert not labels[~me.effects["inference"]].str.contains("inference").any()


def test_chen_kessler_point_smd_appears_beside_the_ladder():
    from matstats.narrative.ladder import ladder_conclusion

    pts = L.manual_acupressure_points()
    chen = pts[pts["study_id"] == "chen2019_manual_sleep"]
    assert chen["outcome_measure"].tolist() == ["kessler_distress"]
    r = chen.iloc[0]
    assert r["timepoint_weeks"] == pytest.approx(12.3)
    assert (r["n_treatment"], r["n_control"]) == (31, 31)
    assert r["method"] == "from_p_equal_arms"
    expected = float(E.smd_from_p(0.05, 31, 31)["yi"].iloc[0])
    assert r["yi"] == pytest.approx(expected) and 0.45 < r["yi"] < 0.55
    # never pooled with mats: the default effects exclude it
    assert "chen2019_manual_sleep" not in set(S.study_effect_sizes().effects["study_id"])
    me = S.study_effect_sizes()
    table = L.ladder_table(L.pooled_by_control(me), other_points=pts)
    other = table[table["kind"] == "other_device"]
    assert "chen2019_manual_sleep: kessler_distress 12.3w" in set(other["label"])
    assert other.loc[other["label"].str.startswith("chen"), "estimate"].iloc[0] == r["yi"]
    text = ladder_conclusion(me, L.pooled_by_control(me), L.sham_offset(0.75, 0.33), manual=pts)
    assert f"kessler distress at 12.3 weeks: g = {r['yi']:.2f}" in text
