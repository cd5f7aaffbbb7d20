"""Tests for matstats.audit.routing: every study row and claim gets an analysis or a coded reason.

Includes one test per drift bug fixed by the restructuring (each fails on the old
``matstats.sensitivity`` router): percentages with en/em dashes, orientation by
``vocab.benefit_sign``, a single Strijkers prior, and the unblinded-control rule of ``vocab``.
"""

from __future__ import annotations

import math
import pathlib
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats import literature, vocab
from matstats.audit import routing
from matstats.narrative import sensitivity as words

_EMPTY_EFFECTS = pd.DataFrame(columns=["study_id", "contrast", "outcome_measure",
                                       "timepoint_weeks", "yi", "sei"])


def _base(**kw):
    base = dict(contrast="c", timepoint_weeks=np.nan, device="mat", blinding="none",
                estimate=np.nan, estimate_type=np.nan, ci_low=np.nan, ci_high=np.nan,
                responders=np.nan, denominator=np.nan, n_enrolled=np.nan, n_analysed=np.nan,
                n_treatment=np.nan, value_status="reported", result_direction="favours_mat",
                significant="yes")
    return dict(base, **kw)


def _frame(rows):
    df = pd.DataFrame(rows)
    df["line"] = np.arange(2, 2 + len(df))
    return df


def _toy_studies():
    return _frame([
        _base(study_id="surv", design="survey", control="none", comparison="none",
              outcome_domain="pain", outcome_measure="pain_relief", responders=123,
              denominator=126, n_enrolled=200, estimate=0.98, estimate_type="proportion"),
        _base(study_id="prepost", design="single_arm", control="none",
              comparison="within_group", outcome_domain="disability", outcome_measure="odi",
              estimate=-4.6, estimate_type="mean_change", ci_low=-6.6, ci_high=-2.6,
              n_treatment=91),
        _base(study_id="rct", design="rct", control="waitlist", comparison="between_groups",
              outcome_domain="pain", outcome_measure="nrs_pain"),
        _base(study_id="null", design="controlled_trial", control="active",
              comparison="between_groups", outcome_domain="stress",
              outcome_measure="perceived_stress", result_direction="no_difference",
              significant="no"),
        _base(study_id="proto", design="registered_protocol", control="sham",
              comparison="between_groups", outcome_domain="stress", outcome_measure="pss",
              value_status="no_results", result_direction="not_reported",
              significant="not_tested"),
    ])


def test_sensitivity_for_studies_routes_every_row():
    st = _toy_studies()
    eff = pd.DataFrame({"study_id": ["rct"], "contrast": ["c"], "outcome_measure": ["nrs_pain"],
                        "timepoint_weeks": [np.nan], "yi": [0.75], "sei": [0.33],
                        "method": ["test"], "bound_side": [np.nan], "bound_value": [np.nan]})
    out = words.sensitivity_for_studies(st, effects=eff, rng=1, n_draws=2000)
    assert len(out) == len(st) and out["line"].tolist() == st["line"].tolist()
    assert out["analysis"].tolist() == ["survey_bounds", "decomposition", "tipping_point",
                                        "none", "none"]
    assert out["reason_code"].tolist() == ["", "", "", "no_difference", "no_results"]
    # survey numbers: 123/126, worst case p_r * q with q = 126/200 (methods notes B8.4)
    assert out.loc[0, "effect"] == pytest.approx(123 / 126)
    assert out.loc[0, "worst_case"] == pytest.approx(123 / 200)
    # tipping point: bias to non-significance = g - 1.96 SE (methods notes B8.1)
    assert out.loc[2, "tipping_bias_sd"] == pytest.approx(0.75 - 1.959964 * 0.33, abs=1e-6)
    assert out.loc[2, "p_bias_exceeds"] == pytest.approx(
        stats.norm.sf(0.75 - 1.959964 * 0.33, 0.4, 0.25), abs=1e-6)
    # decomposition: ODI change 4.6 is below the Ostelo MCID of 10 -> P(> MCID) ~ 0
    assert out.loc[1, "effect"] == pytest.approx(4.6) and out.loc[1, "p_specific_gt_mcid"] < 0.01
    none = out[out["analysis"] == "none"]
    assert (none["reason"].str.len() > 20).all()
    assert (out["conclusion"].str.len() > 20).all()


def test_sensitivity_for_claims_routes_every_claim():
    st = _toy_studies()
    claims = pd.DataFrame({
        "claim_id": ["A", "B", "C"],
        "claimed_figure": ["98% reported pain relief", "81% reduced pain", np.nan],
        "claimed_design": ["rct", "rct", "controlled_trial"],
        "study_ids": ["surv", np.nan, "null"],
        "line": [2, 3, 4],
    })
    out = words.sensitivity_for_claims(claims, st, effects=_EMPTY_EFFECTS, rng=1,
                                         n_draws=500)
    assert out["claim_id"].tolist() == ["A", "B", "C"]
    assert out["analysis"].tolist() == ["survey_bounds", "none", "no_difference"]
    assert out["reason_code"].tolist() == ["", "no_study", ""]
    assert "uncontrolled" in out.loc[0, "conclusion"]
    assert out.loc[1, "reason"] != ""


def test_claims_route_on_reason_codes_not_on_sentences(monkeypatch):
    # Rewording a reason must not change which analysis a claim gets (the old router tested
    # reason.str.startswith("no between-group")).
    monkeypatch.setitem(words.REASONS, "no_difference", "Nothing differed between the arms")
    st = _toy_studies()
    claims = pd.DataFrame({"claim_id": ["C"], "claimed_figure": [np.nan],
                           "claimed_design": ["controlled_trial"], "study_ids": ["null"],
                           "line": [2]})
    out = words.sensitivity_for_claims(claims, st, effects=_EMPTY_EFFECTS, rng=1,
                                         n_draws=500)
    assert out.loc[0, "analysis"] == "no_difference"


def test_real_data_every_row_and_claim_has_an_outcome():
    import matstats

    st = matstats.load_studies()
    cl = matstats.load_claims()
    res = words.sensitivity_for_studies(st, rng=0, n_draws=500)
    assert len(res) == len(st)
    assert ((res["analysis"] != "none") | (res["reason"].str.len() > 0)).all()
    assert ((res["analysis"] == "none") == (res["reason_code"] != "")).all()
    assert set(res["reason_code"]) - {""} <= set(words.REASONS)
    cres = words.sensitivity_for_claims(cl, st, study_results=res)
    assert len(cres) == len(cl) and cres["claim_id"].tolist() == cl["claim_id"].tolist()
    assert (cres["conclusion"].str.len() > 0).all()


# ---------------------------------------------------------------------------------------
# Drift bugs (each test fails on the old matstats.sensitivity router)
# ---------------------------------------------------------------------------------------


def _survey_pair():
    # two survey items of one questionnaire: 102/126 = 81% and 123/126 = 98%
    return _frame([
        _base(study_id="surv", design="survey", control="none", comparison="none",
              outcome_domain="pain", outcome_measure=m, responders=k, denominator=126,
              n_enrolled=200, estimate_type="proportion")
        for m, k in (("pain_relief_any", 102), ("pain_relief", 123))
    ])


@pytest.mark.parametrize("figure", ["81-98% pain relief", "81\u201398% pain relief",
                                    "81\u201498% pain relief", "81 to 98% pain relief"])
def test_drift_percentage_range_with_any_dash_names_both_ends(figure):
    # "81–98%" (en dash) and "81—98%" (em dash) name 81 and 98, as _cells.percentages says;
    # the old router read only 98 from the em-dash and "to" forms.
    claims = pd.DataFrame({"claim_id": ["A"], "claimed_figure": [figure],
                           "claimed_design": ["rct"], "study_ids": ["surv"], "line": [2]})
    out = words.sensitivity_for_claims(claims, _survey_pair(), effects=_EMPTY_EFFECTS,
                                         rng=1, n_draws=500)
    assert out.loc[0, "matched_results"] == "surv:pain_relief_any;surv:pain_relief"
    assert "no matching survey item" not in out.loc[0, "conclusion"]


@pytest.mark.parametrize("estimate,direction,expected", [
    (-1.11, "favours_mat", 1.11),   # less pain with the mat: a benefit
    (-1.11, "mixed", 1.11),         # old router: abs(-1.11) * -1 = -1.11
    (0.40, "favours_mat", -0.40),   # more pain: stays visible as harm (old: +0.40)
])
def test_drift_reported_smd_is_oriented_by_benefit_sign(estimate, direction, expected):
    row = _base(study_id="rct", design="rct", control="waitlist", comparison="between_groups",
                outcome_domain="pain", outcome_measure="vas_pain", estimate=estimate,
                estimate_type="smd", ci_low=estimate - 0.5, ci_high=estimate + 0.5,
                result_direction=direction)
    assert vocab.benefit_sign(row) * estimate == pytest.approx(expected)
    out = words.sensitivity_for_studies(_frame([row]), effects=_EMPTY_EFFECTS)
    assert out.loc[0, "analysis"] == "tipping_point"
    assert out.loc[0, "effect"] == pytest.approx(expected)


def test_drift_smd_on_an_outcome_without_direction_is_not_guessed():
    row = _base(study_id="rct", design="rct", control="waitlist", comparison="between_groups",
                outcome_domain="sleep", outcome_measure="sleep_rating", estimate=0.5,
                estimate_type="smd", ci_low=0.1, ci_high=0.9)
    out = words.sensitivity_for_studies(_frame([row]), effects=_EMPTY_EFFECTS)
    assert out.loc[0, "analysis"] == "none"
    assert out.loc[0, "reason_code"] == "no_orientation"
    # the reason names domain and measure in words (issue 21), not as quoted codes
    assert "(outcome domain sleep, measure sleep rating)" in out.loc[0, "reason"]
    assert "sleep_rating" not in out.loc[0, "reason"]


def test_not_verifiable_reason_names_the_design_by_the_schemas_words():
    row = _base(study_id="vendor", design="vendor_report", control="none", comparison="none")
    out = words.sensitivity_for_studies(_frame([row]), effects=_EMPTY_EFFECTS)
    assert out.loc[0, "reason_code"] == "not_verifiable"
    # data/schema.json: design vendor_report -> "vendor's report"
    assert out.loc[0, "reason"] == "vendor's report: not a verifiable study result with numbers"


def test_drift_ladder_and_router_agree_on_a_reported_smd():
    from matstats.evidence import study_effects

    row = _base(study_id="rct", design="rct", control="waitlist", comparison="between_groups",
                outcome_domain="pain", outcome_measure="vas_pain", estimate=-1.11,
                estimate_type="smd", ci_low=-1.61, ci_high=-0.61, n_treatment=30,
                n_control=30, evidence_status="verified", n_status="reported",
                population="x", industry_link="none", year=2020, citation="x")
    lad = study_effects.study_effect_sizes(_frame([row])).effects
    routed = routing.route_studies(_frame([row]), effects=_EMPTY_EFFECTS)
    assert float(lad["yi"].iloc[0]) == pytest.approx(routed["effect"].iloc[0])


def test_drift_strijkers_prior_is_typed_once():
    # Strijkers 2021 0.37 (0.18 to 0.55) lives only in literature.STRIJKERS_PLACEBO; the old
    # sensitivity.py typed it in default_priors and again in the disability placebo prior.
    assert literature.sensitivity_priors()["placebo_sd"] is literature.STRIJKERS_PLACEBO
    assert routing._PLACEBO_FUNCTION.sd == literature.STRIJKERS_PLACEBO.sd
    # SD from the published CI: (0.55 - 0.18) / (2 x 1.959964)
    assert literature.STRIJKERS_PLACEBO.sd == pytest.approx(0.37 / (2 * 1.959964), rel=1e-6)
    src = pathlib.Path(literature.__file__).parent
    files = [src / "audit" / "routing.py", src / "narrative" / "sensitivity.py",
             *sorted((src / "sensitivity").glob("*.py"))]
    assert all(f.is_file() for f in files)
    typed = re.compile(r"0\.18\s*,\s*0\.55|0\.37\s*,\s*0\.18")
    assert [f.name for f in files if typed.search(f.read_text())] == []


def test_drift_unblinded_controls_come_from_vocab():
    # A sham arm with blinding "none" leaves participants unblinded (vocab rule); the old
    # router called it unblinded in words but left P(> MCID) unadjusted.
    g, s = 0.9, 0.3
    row = _base(study_id="rct", design="rct", control="sham", blinding="none",
                comparison="between_groups", outcome_domain="stress",
                outcome_measure="perceived_stress")
    eff = pd.DataFrame({"study_id": ["rct"], "contrast": ["c"],
                        "outcome_measure": ["perceived_stress"], "timepoint_weeks": [np.nan],
                        "yi": [g], "sei": [s], "method": ["test"]})
    out = words.sensitivity_for_studies(_frame([row]), effects=eff)
    assert vocab.participants_unblinded("sham", "none")
    mu, sd = literature.sensitivity_priors()["unblinding_sd"].params
    expected = stats.norm.sf(literature.MCID_SD_OTHER, g - mu, math.sqrt(s**2 + sd**2))
    assert out.loc[0, "p_specific_gt_mcid"] == pytest.approx(expected)
    # the generic adjustment uses the vocab list by default
    from matstats.sensitivity import bias_adjusted_effect

    pooled = pd.DataFrame({"control": sorted(vocab.UNBLINDED_CONTROLS), "estimate": 0.5,
                           "se": 0.2})
    assert (bias_adjusted_effect(pooled)["bias_mean"] == mu).all()


# ---------------------------------------------------------------------------------------
# Layers: routing returns numbers and codes; the words are the narrative layer's
# ---------------------------------------------------------------------------------------


def test_route_studies_returns_numbers_and_codes_only():
    st = _toy_studies()
    routes = routing.route_studies(st, effects=_EMPTY_EFFECTS, rng=1, n_draws=500)
    assert list(routes.columns) == routing.STUDY_ROUTE_COLUMNS
    assert not {"key_numbers", "conclusion", "reason", "effect_unit"} & set(routes.columns)
    survey = routes.loc[0, "details"]
    assert survey["bounds"].responders == 123 and 0 < survey["benchmark_p0"] < 1
    claims = pd.DataFrame({"claim_id": ["A"], "claimed_figure": ["98% relief"],
                           "claimed_design": ["rct"], "study_ids": ["surv"], "line": [2]})
    croutes = routing.route_claims(claims, st, study_routes=routes)
    assert list(croutes.columns) == routing.CLAIM_ROUTE_COLUMNS
    assert croutes.loc[0, "details"]["rows"] == [0]


def test_words_are_the_routes_written_out():
    st = _toy_studies()
    routes = routing.route_studies(st, effects=_EMPTY_EFFECTS, rng=1, n_draws=500)
    full = words.sensitivity_for_studies(st, effects=_EMPTY_EFFECTS, rng=1, n_draws=500)
    assert list(full.columns) == words.STUDY_COLUMNS
    shared = [c for c in routing.STUDY_ROUTE_COLUMNS if c != "details"]
    pd.testing.assert_frame_equal(full[shared], routes[shared])
    assert full.equals(words.study_texts(routes))


