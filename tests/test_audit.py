"""Tests for matstats.audit: verdict rules on constructed inputs and on the real data.

The constructed cases build tiny claims/studies frames in the data/README.md schema,
so each rule is exercised in isolation with a known expected verdict and reason.
The real-data test compares the computed verdicts with the verdicts the project's evidence
dossier gives claims C1-C13 (its section 2, copied into tests/data/dossier_verdicts.csv), an
independent reference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from matstats import audit
from matstats.audit import (
    RULES,
    VERDICTS,
    audit_claims,
    rules_table,
    verdict_counts,
)
from matstats._core.cells import percentages as figure_percentages
from matstats.audit.trace import trace_claim, trace_figure
from matstats.evidence.data_io import split_list

STUDY_DEFAULTS = {
    "study_id": "s1",
    "contrast": "mat_vs_waitlist",
    "year": 2012,
    "device": "mat",
    "design": "rct",
    "randomized": "yes",
    "control": "waitlist",
    "blinding": "none",
    "population_type": "patients",
    "industry_link": "no",
    "n_randomized": 40,
    "n_analysed": pd.NA,
    "outcome_domain": "pain",
    "outcome_measure": "nrs_pain",
    "comparison": "between_groups",
    "result_direction": "favours_mat",
    "significant": "yes",
    "estimate": float("nan"),
    "estimate_type": "",
    "responders": pd.NA,
    "denominator": pd.NA,
    "value_status": "reported",
}

CLAIM_DEFAULTS = {
    "claim_id": "X1",
    "seed_file": "002_1b0e6d6166f364da.txt",
    "claim_kind": "text_claim",
    "table_name": "",
    "table_row": pd.NA,
    "claimed_design": "",
    "claimed_n": pd.NA,
    "claimed_control": "",
    "claimed_outcome_domain": "",
    "claimed_figure": "",
    "claimed_significant": "",
    "claimed_has_results": "",
    "study_ids": "",
}


def studies(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**STUDY_DEFAULTS, **r} for r in rows])


def claims(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**CLAIM_DEFAULTS, **r} for r in rows])


def verdict_of(claim: dict, *study_rows: dict) -> pd.Series:
    out = audit_claims(claims(claim), studies(*study_rows) if study_rows else studies({}))
    assert len(out) == 1
    return out.iloc[0]


SURVEY = {
    "study_id": "survey99",
    "contrast": "survey",
    "year": 1999,
    "design": "survey",
    "randomized": "no",
    "control": "none",
    "comparison": "none",
    "outcome_measure": "self_reported_relief",
    "responders": 123,
    "denominator": 126,
    "result_direction": "not_reported",
    "significant": "not_tested",
    "value_status": "derived",
}


# ----------------------------------------------------------------- each verdict, constructed
def test_supported_when_linked_results_agree():
    r = verdict_of({"study_ids": "s1", "claimed_outcome_domain": "pain"}, {})
    assert r.verdict == "supported"
    assert r.rule == "consistent"
    assert "s1" in r.reason and "favour the mat" in r.reason


def test_concedes_no_evidence_when_the_article_itself_says_there_is_none():
    r = verdict_of({"claimed_has_results": "no", "claimed_figure": "no direct RCT evidence"})
    assert r.verdict == "concedes_no_evidence" and r.rule == "absence_claim"
    assert "claimed_has_results=no" in r.reason and "no benefit is supported" in r.reason


def test_not_found_when_no_study_linked():
    r = verdict_of({"claimed_design": "rct", "claimed_n": 100, "claimed_figure": "81% reduced pain"})
    assert r.verdict == "not_found"
    assert "study_ids empty" in r.reason and "81% reduced pain" in r.reason


def test_unverified_review_without_primary_study():
    r = verdict_of({"claimed_design": "review"})
    assert r.verdict == "unverified"
    assert "claimed_design=review" in r.reason


def test_unverified_when_only_non_mat_device_linked():
    r = verdict_of(
        {"study_ids": "manual", "claimed_control": "sham", "claimed_significant": "yes"},
        {"study_id": "manual", "device": "manual_acupressure", "control": "sham"},
    )
    assert r.verdict == "unverified"
    assert "device=manual_acupressure" in r.reason


def test_unverified_when_all_linked_values_unverified():
    r = verdict_of({"study_ids": "s1"}, {"value_status": "unverified"})
    assert r.verdict == "unverified"
    assert "value_status=unverified" in r.reason


def test_misattributed_figure_from_survey_presented_as_rct():
    r = verdict_of(
        {
            "study_ids": "s1;survey99",
            "claimed_design": "rct",
            "claimed_n": 82,
            "claimed_figure": "98% reported pain relief",
            "claimed_significant": "yes",
        },
        {},
        SURVEY,
    )
    assert r.verdict == "misattributed"
    assert r.rule == "figure_elsewhere"
    assert "98%" in r.reason and "survey99" in r.reason and "design=survey" in r.reason
    assert r.found_figure_source == "survey99"


def test_misattributed_by_year_when_design_matches():
    claim = {
        "study_ids": "survey99",
        "table_name": "all_key_studies",
        "cell_2": "Ongoing",
        "claimed_design": "survey",
        "claimed_figure": "94% more restful sleep",
    }
    r = verdict_of(claim, {**SURVEY, "responders": 118})
    assert r.verdict == "misattributed"
    assert "claimed year=Ongoing vs year=1999" in r.reason


def test_misattributed_when_n_belongs_to_no_linked_study():
    r = verdict_of({"study_ids": "s1", "claimed_n": 500}, {})
    assert r.verdict == "misattributed"
    assert "claimed_n=500" in r.reason and "s1=40" in r.reason


def test_n_equal_to_sum_of_linked_trials_is_not_a_mismatch():
    r = verdict_of(
        {"study_ids": "a;b", "claimed_n": 82},
        {"study_id": "a", "n_randomized": 40},
        {"study_id": "b", "n_randomized": 42},
    )
    assert r.verdict == "supported"


def test_misrepresented_when_result_contradicted():
    r = verdict_of(
        {"study_ids": "s1", "claimed_outcome_domain": "stress", "claimed_significant": "yes"},
        {
            "outcome_domain": "stress",
            "control": "active",
            "result_direction": "no_difference",
            "significant": "no",
        },
    )
    assert r.verdict == "misrepresented"
    assert r.rule == "result_contradicted"
    assert "no_difference" in r.reason


def test_misrepresented_when_figure_not_in_any_linked_study():
    r = verdict_of({"study_ids": "s1", "claimed_figure": "81-98% pain relief"}, {})
    assert r.verdict == "misrepresented"
    assert r.reason == "claimed_figure 81% is not reported by any linked study"


def test_misrepresented_when_figure_range_mixes_outcomes():
    # 98% is a pain item, 81% an energy item of the same survey: "81-98% pain relief" distorts it
    energy = {**SURVEY, "outcome_domain": "wellbeing", "outcome_measure": "energy", "responders": 102}
    r = verdict_of(
        {"study_ids": "survey99", "claimed_outcome_domain": "pain", "claimed_figure": "81-98% pain relief"},
        SURVEY,
        energy,
    )
    assert r.verdict == "misrepresented"
    assert r.rule == "figure_not_reported"
    assert "81% is not a pain result" in r.reason and "survey99 energy" in r.reason


def test_unverified_when_ledger_marks_link_unverified():
    r = verdict_of({"study_ids": "s1", "link_status": "unverified"}, {})
    assert r.verdict == "unverified"
    assert r.reason.startswith("link_status=unverified")


def test_misrepresented_when_sham_claimed_but_no_sham():
    r = verdict_of({"study_ids": "s1", "claimed_control": "sham"}, {})
    assert r.verdict == "misrepresented"
    assert "claimed_control=sham" in r.reason and "waitlist" in r.reason


def test_overstated_when_results_mixed():
    r = verdict_of(
        {"study_ids": "s1", "claimed_outcome_domain": "physiology", "claimed_significant": "yes"},
        {"outcome_domain": "physiology", "outcome_measure": "hr"},
        {
            "outcome_domain": "physiology",
            "outcome_measure": "cortisol",
            "result_direction": "no_difference",
            "significant": "no",
        },
    )
    assert r.verdict == "overstated"
    assert "1 of 2" in r.reason and "cortisol" in r.reason


def test_untested_survey_percentages_do_not_support_a_significance_claim():
    r = verdict_of(
        {"study_ids": "survey99", "claimed_significant": "yes"},
        {**SURVEY, "result_direction": "favours_mat"},
    )
    assert r.verdict != "supported"
    assert "significant=not_tested" in r.reason


def test_overstated_when_protocol_claimed_as_rct():
    r = verdict_of(
        {"study_ids": "p", "claimed_design": "rct", "claimed_has_results": "no"},
        {"study_id": "p", "design": "registered_protocol", "result_direction": "not_reported"},
    )
    assert r.verdict == "overstated"
    assert "claimed_design=rct" in r.reason and "registered_protocol" in r.reason


def test_first_matching_rule_wins():
    # a figure borrowed from a survey AND an N mismatch: figure_elsewhere is earlier
    r = verdict_of(
        {"study_ids": "survey99", "claimed_design": "rct", "claimed_n": 7, "claimed_figure": "98%"},
        SURVEY,
    )
    names = [rule.name for rule in RULES]
    assert names.index("figure_elsewhere") < names.index("n_mismatch")
    assert r.rule == "figure_elsewhere"


def test_every_verdict_has_a_rule_and_rules_are_documented():
    table = rules_table()
    assert set(table["verdict"]) == set(VERDICTS)
    assert (table["description"].str.len() > 10).all()
    assert table["order"].tolist() == list(range(1, len(RULES) + 1))


def test_missing_columns_raise_value_error():
    with pytest.raises(ValueError, match="study_ids"):
        audit_claims(claims({}).drop(columns="study_ids"), studies({}))


def test_helpers():
    assert figure_percentages("81-98% pain relief; 65% less medication") == [81.0, 98.0, 65.0]
    assert figure_percentages("P<0.001") == []
    assert split_list("a; b;;c") == ("a", "b", "c")
    assert split_list(float("nan")) == ()


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "-", " to "])
def test_percentage_ranges_parse_both_ends_whatever_the_dash(dash):
    # drift bug: audit's own regex read "81–98%" (en dash) as [98] only, so a claimed range
    # with an en dash lost its lower end and could not be checked against the sources
    assert figure_percentages(f"81{dash}98% pain relief") == [81.0, 98.0]


def test_en_dash_range_is_checked_like_a_hyphen_range():
    claim = {"study_ids": "s1", "claimed_figure": "81\u201398% pain relief"}
    r = verdict_of(claim, {})
    assert r.verdict == "misrepresented"
    assert r.reason == "claimed_figure 81% is not reported by any linked study"


def test_verdict_counts_sum_to_claims():
    out = audit_claims(
        claims({"claim_id": "a"}, {"claim_id": "b", "study_ids": "s1"}), studies({})
    )
    counts = verdict_counts(out)
    assert counts["n"].sum() == 2
    # one row per verdict in VERDICTS order (zeros kept); "a" names no study (not_found),
    # "b" names study s1 of the fixture, whose default row supports it
    assert counts["verdict"].tolist() == list(VERDICTS)
    n = dict(zip(counts["verdict"], counts["n"], strict=True))
    assert out.set_index("claim_id")["verdict"].to_dict() == {"a": "not_found", "b": "supported"}
    assert n == {v: int(v in ("not_found", "supported")) for v in VERDICTS}


# ----------------------------------------------------------------- real data vs the dossier
# The dossier's verdict for each of its claims C1-C13 (tests/data/dossier_verdicts.csv).
_FIXTURE = pd.read_csv(Path(__file__).parent / "data" / "dossier_verdicts.csv", dtype=str,
                       keep_default_na=False)
DOSSIER_VERDICTS = dict(zip(_FIXTURE["dossier_claim"], _FIXTURE["expected_verdict"], strict=True))
# Where the project's rules depart from the dossier on purpose (issue 20), per claim, with the
# reason in the fixture's why_different column.
PROJECT_VERDICTS = {
    cid: v for cell in _FIXTURE["project_verdicts"] for cid, v in
    (item.split("=") for item in split_list(cell))
}


def test_dossier_fixture_covers_c1_to_c13():
    assert list(DOSSIER_VERDICTS) == [f"C{i}" for i in range(1, 14)]
    assert set(DOSSIER_VERDICTS.values()) <= set(VERDICTS)
    assert set(PROJECT_VERDICTS.values()) <= set(VERDICTS)
    departs = _FIXTURE[_FIXTURE["project_verdicts"] != ""]
    assert (departs["why_different"].str.len() > 0).all()


@pytest.fixture(scope="module")
def real_audit():
    import matstats

    studies_df = matstats.load_studies()
    claims_df = matstats.load_claims(studies=studies_df)
    assert "dossier_claim" in claims_df.columns
    return audit_claims(claims_df, studies_df), claims_df


def test_real_data_one_verdict_per_claim(real_audit):
    audit, claims_df = real_audit
    assert len(audit) == len(claims_df)
    assert audit["claim_id"].tolist() == claims_df["claim_id"].astype(str).tolist()
    assert audit["verdict"].isin(VERDICTS).all()
    assert (audit["reason"].str.len() > 0).all()
    assert not audit["reason"].str.contains("\n").any()


def test_real_data_reaches_every_verdict(real_audit):
    audit, _ = real_audit
    assert set(audit["verdict"]) == set(VERDICTS)


def test_real_data_matches_dossier_verdicts(real_audit):
    audit, claims_df = real_audit
    mapped = claims_df["dossier_claim"].fillna("").astype(str)
    checked = 0
    for cid, dossier in zip(claims_df["claim_id"].astype(str), mapped, strict=True):
        if dossier in DOSSIER_VERDICTS:
            got = audit.loc[audit["claim_id"] == cid, "verdict"].iloc[0]
            want = PROJECT_VERDICTS.get(cid, DOSSIER_VERDICTS[dossier])
            assert got == want, f"{cid} ({dossier})"
            checked += 1
    # every dossier claim C1-C13 is represented by at least one ledger row
    assert set(DOSSIER_VERDICTS) <= set(mapped)
    assert checked >= len(DOSSIER_VERDICTS)


@pytest.mark.parametrize(
    ("dossier", "verdict", "fragments"),
    [
        ("C1", "misattributed", ["zilberter1999_survey", "design=survey"]),
        ("C2", "not_found", ["study_ids empty"]),
        ("C4", "misrepresented", ["kisker2023_stress", "no_difference"]),
        ("C6", "overstated", ["claimed_design=rct", "registered_protocol",
                              "randomized (randomized=yes)", "no results",
                              "not registered: anxiety"]),
        ("C8", "supported", ["hohmann2012_neck", "hohmann2012_lbp"]),
        ("C9", "contradicted", ["olsson2011_healthy", "blood_pressure: favours_control",
                                "went the other way"]),
        ("C10", "misrepresented", ["81%", "energy"]),
        ("C11", "misattributed", ["design=web_article", "not a review of studies"]),
        ("C3", "not_found", ["no mat-vs-sham trial", "nct06644365_pms",
                             "cannot show that a mat beats placebo"]),
    ],
)
def test_real_data_reasons_name_the_evidence(real_audit, dossier, verdict, fragments):
    audit, claims_df = real_audit
    ids = claims_df.loc[claims_df["dossier_claim"].astype(str) == dossier, "claim_id"].astype(str)
    rows = audit[audit["claim_id"].isin(ids)]
    assert len(rows) >= 1
    for _, r in rows.iterrows():
        assert r.verdict == verdict
        for frag in fragments:
            assert frag in r.reason, (r.claim_id, r.reason)


# ----------------------------------------------------------------- tracing
def test_trace_claim_finds_borrowed_details():
    cl = claims(
        {
            "claim_id": "T",
            "table_name": "all_key_studies",
            "cell_1": "Swedish RCT (Someone et al.)",
            "cell_2": "2012",
            "claimed_design": "rct",
            "claimed_n": 82,
            "claimed_figure": "98% reported pain relief after 3 weeks (15 min/day)",
            "study_ids": "swe;gerA;gerB;survey99",
        }
    )
    st = studies(
        {"study_id": "swe", "country": "Sweden", "year": 2011, "n_randomized": 36,
         "dose_min_per_day": 15.0, "duration_weeks": 3.0},
        {"study_id": "gerA", "country": "Germany", "n_randomized": 40, "duration_weeks": 2.0},
        {"study_id": "gerB", "country": "Germany", "n_randomized": 42, "duration_weeks": 2.0},
        {**SURVEY, "country": "USA", "n_randomized": pd.NA, "n_analysed": 126},
    )
    tr = trace_claim("T", cl, st)
    hits = {(r.attribute, r.study_id) for r in tr.itertuples() if r.match}
    assert ("figure", "survey99") in hits
    assert ("n", "gerA+gerB") in hits  # 40 + 42 = 82, two trials of one paper
    assert ("country", "swe") in hits
    assert ("year", "gerA") in hits and ("year", "swe") not in hits
    assert ("dose_min_per_day", "swe") in hits
    assert ("duration_weeks", "swe") in hits and ("duration_weeks", "gerA") not in hits
    assert ("design", "survey99") not in hits
    assert not tr.loc[(tr.attribute == "n") & (tr.study_id == "swe"), "match"].any()
    with pytest.raises(ValueError, match="unknown claim_id"):
        trace_claim("nope", cl, st)


def test_trace_figure_orders_source_relay_claims():
    cl = claims(
        {"claim_id": "A", "claimed_design": "rct", "claimed_figure": "98% relief", "study_ids": "survey99"},
        {"claim_id": "B", "claimed_figure": "50% relief", "study_ids": "survey99"},
    )
    st = studies({**SURVEY, "n_enrolled": 200, "n_analysed": 126, "source_url": "https://vendor.example/x"})
    tr = trace_figure(98, cl, st)
    assert tr["stage"].tolist() == ["source", "relay", "claim"]
    assert tr["step"].tolist() == [1, 2, 3]
    assert "123/126 = 97.6%" in tr.loc[0, "detail"]
    assert "vendor.example" in tr.loc[1, "where"]
    assert tr.loc[1, "detail"] == "200 users followed up vs 126 respondents"  # words, no n_enrolled=
    assert tr.loc[2, "verdict"] == "misattributed"
    with pytest.raises(ValueError, match="percentage"):
        trace_figure(150, cl, st)


def test_real_98_trace_reaches_the_swedish_rct_row(real_audit):
    _, claims_df = real_audit
    import matstats

    tr = trace_figure(98, claims_df, matstats.load_studies())
    assert tr.loc[0, "stage"] == "source"
    assert tr.loc[0, "design"] == "survey" and tr.loc[0, "control"] == "none"
    first_claim = tr[tr["stage"] == "claim"].iloc[0]
    assert "Kjerryd" in first_claim["label"]
    assert "hohmann2012_neck+hohmann2012_lbp" in first_claim["detail"]
    assert "15 min/day <- kjellgren2011_backneck" in first_claim["detail"]


def test_trace_details_speak_words_from_the_schema(real_audit):
    # issue 21: the trace's prose (notebook 01) names details by data/schema.json's words
    # (reader names of dose_min_per_day / duration_weeks, words of design=rct) and outcome
    # measures with spaces, never by their codes; study ids stay for the links
    _, claims_df = real_audit
    import matstats

    detail = trace_figure(98, claims_df, matstats.load_studies()).query("stage == 'claim'")
    text = detail["detail"].iloc[0]
    for word in ("dose 15 min/day <- kjellgren2011_backneck", "duration 3 weeks <- ",
                 "design randomized controlled trial <- ", "(98.0% (count 123/126) pain relief)"):
        assert word in text
    for code in ("dose_min_per_day", "duration_weeks", "pain_relief", "design rct"):
        assert code not in " ".join(detail["detail"])


def test_plots_return_figures(real_audit):
    import matplotlib.pyplot as plt

    from matstats.plots.audit import plot_verdicts

    audit, claims_df = real_audit
    fig = plot_verdicts(audit, figsize=(6, 3))
    assert tuple(fig.get_size_inches()) == (6, 3)
    # one bar segment per (claim kind, verdict); total bar widths = number of claims
    widths = sum(p.get_width() for p in fig.axes[0].patches)
    assert widths == len(audit)
    # every plot function draws on a given Axes and returns its Figure
    fig3, a1 = plt.subplots()
    assert plot_verdicts(audit, ax=a1) is fig3
    plt.close("all")


def test_flowchart_boxes_name_studies_and_link_to_their_sources(real_audit):
    """The journalists' flowchart: one box per trace step, each study the trace names (by id)
    shown by its label and linked to its first source (data/studies.csv via the bibliography),
    each claim linked to its row; no study id left as text."""
    import html as html_lib

    import matstats
    from matstats.evidence.citations import bibliography
    from matstats.plots.audit import flowchart_html

    _, claims_df = real_audit
    studies = matstats.load_studies()
    tr = trace_figure(98, claims_df, studies)
    bib = bibliography(studies)
    out = flowchart_html(tr, bib, claim_href="evidence.html#claim-{}")
    boxes = re.findall(r'<li class="ms-trace-step ms-trace-(\w+)">', out)
    assert boxes == tr["stage"].tolist()
    named = set(re.findall(r"\b(?:[a-z]+\d{4}|nct\d{8})_[a-z0-9_]+\b",
                           " ".join(tr["where"].tolist() + tr["detail"].tolist())))
    assert {"zilberter1999_survey", "kjellgren2011_backneck", "hohmann2012_neck"} <= named
    for sid in named:
        href = html_lib.escape(bib[sid].primary_url, quote=True)
        assert f'data-study="{sid}" href="{href}"' in out, sid
    text = re.sub(r"<[^>]+>", " ", out)
    assert not any(sid in text for sid in named)
    for cid in tr.loc[tr["stage"] == "claim", "where"].str.split(" in ").str[0]:
        assert f'href="evidence.html#claim-{cid}">Claim {cid}</a>' in out
    with pytest.raises(ValueError, match="empty"):
        flowchart_html(tr.iloc[:0], bib)


def test_trace_figure_of_a_claim_without_linked_study(real_audit):
    # "81% reduced pain" belongs to a claim linked to no study: its trace is empty, and
    # trace_figure used to crash on it (an empty trace had an object-typed match column)
    _, claims_df = real_audit
    import matstats

    tr = trace_figure(81, claims_df, matstats.load_studies())
    assert "claim" in set(tr["stage"])
    assert trace_claim("T1.2", claims_df, matstats.load_studies())["match"].dtype == bool


# ----------------------------------------------------------------- issue 9: the new rules, constructed


def test_contradicted_when_the_named_measure_was_measured_and_went_the_other_way():
    claim = {"study_ids": "s1", "claimed_has_results": "yes", "claimed_outcome_domain": "physiology",
             "claimed_outcome_measure": "blood_pressure"}
    bp = {"outcome_domain": "physiology", "outcome_measure": "blood_pressure",
          "result_direction": "favours_control", "significant": "unverified"}
    hr = {"outcome_domain": "physiology", "outcome_measure": "heart_rate"}
    r = verdict_of(claim, bp, hr)
    assert (r.verdict, r.rule) == ("contradicted", "measured_opposite")
    assert "showed the opposite" in r.reason and "s1 blood_pressure: favours_control" in r.reason
    assert r.verdict_source == "s1"
    # the same rows, matched by domain only (no claimed measure): the heart-rate row counts
    r = verdict_of({**claim, "claimed_outcome_measure": ""}, bp, hr)
    assert (r.verdict, r.rule) == ("overstated", "result_mixed")
    assert "went the other way" in r.reason
    # no change is not the opposite: its own verdict; an uncontrolled survey row does not count
    nochange = {**bp, "result_direction": "no_difference", "significant": "no"}
    survey = {**bp, "study_id": "s2", "comparison": "none", "control": "none",
              "result_direction": "favours_mat", "significant": "not_tested"}
    r = verdict_of({**claim, "study_ids": "s1;s2"}, nochange, survey)
    assert (r.verdict, r.rule) == ("no_effect_found", "measured_no_effect")
    assert "no change, not the opposite" in r.reason and r.verdict_source == "s1"
    # one opposite row among null rows is still evidence in the other direction
    r = verdict_of({**claim, "study_ids": "s1;s3"}, bp, {**nochange, "study_id": "s3"})
    assert r.verdict == "contradicted" and r.verdict_source == "s1"


def test_harms_understated_when_a_linked_study_counts_people_put_off():
    claim = {"study_ids": "s1", "claim_about": "harms", "claimed_has_results": "yes",
             "claimed_outcome_domain": "adverse_events"}
    ae = {"outcome_domain": "adverse_events", "outcome_measure": "ae_any", "comparison": "none",
          "result_direction": "not_reported", "significant": "not_tested",
          "responders": 9, "denominator": 91}
    r = verdict_of(claim, ae)
    assert (r.verdict, r.rule) == ("harms_understated", "harms_understated")
    assert "9/91 (10%)" in r.reason
    r = verdict_of(claim, {**ae, "responders": 0})
    assert (r.verdict, r.rule) == ("overstated", "harms_certainty")
    # a claim naming a harm no linked study counts ("no serious adverse effects") is judged on
    # its certainty, not as harms understated
    r = verdict_of({**claim, "claimed_outcome_measure": "ae_serious"}, ae)
    assert (r.verdict, r.rule) == ("overstated", "harms_certainty")
    assert "literally true" in r.reason and "9/91" in r.reason
    r = verdict_of({**claim, "claimed_outcome_measure": "ae_any"}, ae)
    assert r.verdict == "harms_understated"


def test_indirect_when_evidence_about_another_intervention_is_carried_over():
    claim = {"claim_about": "other_intervention", "evidence_intervention": "acupuncture",
             "claimed_has_results": "yes"}
    r = verdict_of(claim)
    assert (r.verdict, r.rule) == ("indirect", "other_intervention")
    assert "acupuncture" in r.reason
    # naming the other literature without carrying it over stays not_found, with the reason
    r = verdict_of({"evidence_intervention": "manual_acupressure", "claimed_has_results": "yes"})
    assert r.verdict == "not_found" and "manual_acupressure research" in r.reason


def test_overstated_when_the_claimed_number_of_studies_exceeds_the_papers():
    claim = {"study_ids": "s1", "claim_about": "study_count", "claimed_figure": "10+ studies"}
    rows = [{"study_id": f"s{i}", "evidence_status": "peer_reviewed", "citation": f"paper {i // 2}"}
            for i in range(1, 5)]  # four study ids, three papers (s2 and s3 share one)
    r = verdict_of(claim, *rows)
    assert (r.verdict, r.rule) == ("overstated", "count_overstated")
    assert "holds 3 peer-reviewed mat/pad papers" in r.reason
    assert verdict_of({**claim, "claimed_figure": "3 studies"}, *rows).rule != "count_overstated"


def test_misrepresented_when_a_replication_has_one_group_only():
    claim = {"study_ids": "hohmann2012_neck;saha2016_lbp;kjellgren2011_backneck",
             "claim_about": "replication", "claimed_has_results": "yes"}
    # authors come from data/sources.csv: Saha is a Hohmann co-author, Kjellgren is not
    rows = [{"study_id": "hohmann2012_neck"}, {"study_id": "saha2016_lbp"},
            {"study_id": "kjellgren2011_backneck", "outcome_measure": "worst_pain"}]
    r = verdict_of(claim, *rows)
    assert (r.verdict, r.rule) == ("misrepresented", "replication_not_found")
    assert "[hohmann2012_neck+saha2016_lbp: nrs_pain]" in r.reason
    # the same measure from an independent group is a replication
    rows[2]["outcome_measure"] = "nrs_pain"
    assert verdict_of(claim, *rows).rule != "replication_not_found"


def test_overstated_when_claimed_effect_sizes_are_not_reported_or_computable_against_sham():
    claim = {"study_ids": "s1", "claim_about": "effect_size", "claimed_outcome_domain": "pain"}
    row = {"n_treatment": 20, "n_control": 20, "p_value": 0.021, "p_relation": "=",
           "n_status": "reported"}
    r = verdict_of(claim, row)
    assert (r.verdict, r.rule) == ("overstated", "effect_size_claim")
    assert "s1 nrs_pain g=0.75 vs waitlist" in r.reason and "none against a sham" in r.reason
    reported = {**row, "estimate_type": "smd", "estimate": -0.8, "ci_low": -1.4, "ci_high": -0.2}
    assert verdict_of(claim, reported).rule != "effect_size_claim"


def test_overstated_when_top_evidence_is_claimed_for_small_open_trials():
    claim = {"study_ids": "s1;s2", "claim_about": "evidence_level", "claimed_design": "rct"}
    rows = [{"study_id": "s1"}, {"study_id": "s2", "control": "add_on", "n_randomized": 44}]
    r = verdict_of(claim, *rows)
    assert (r.verdict, r.rule) == ("overstated", "evidence_level_overstated")
    assert "s1 n=40 control=waitlist; s2 n=44 control=add_on" in r.reason
    rows[1].update(control="sham", blinding="double")
    assert verdict_of(claim, *rows).rule != "evidence_level_overstated"


def test_unverified_link_reason_names_the_other_device_and_the_sham_problem():
    claim = {"study_ids": "s1", "link_status": "unverified", "claimed_control": "sham"}
    r = verdict_of(claim, {"device": "manual_acupressure", "control": "sham"})
    assert r.verdict == "unverified"
    assert "not a mat" in r.reason and "cannot show that a mat beats placebo" in r.reason


def test_protocol_reason_says_the_design_is_right_and_the_status_is_not():
    claim = {"study_ids": "s1", "claimed_design": "rct", "claimed_has_results": "no",
             "claimed_outcome_measure": "nrs_pain;anxiety"}
    proto = {"design": "registered_protocol", "value_status": "no_results",
             "result_direction": "not_reported", "significant": "not_tested"}
    r = verdict_of(claim, proto)
    assert (r.verdict, r.rule) == ("overstated", "design_overstated")
    assert "randomized (randomized=yes)" in r.reason and "no results" in r.reason
    assert "not registered: anxiety" in r.reason


def test_every_verdict_label_has_a_meaning_and_a_rule():
    from matstats.audit.rules import VERDICT_MEANINGS

    assert tuple(VERDICT_MEANINGS) == VERDICTS
    assert set(VERDICTS) == {r.verdict for r in RULES}


# ----------------------------------------------------------------- issue 9: the added claims, real data


_ISSUE9 = pd.read_csv(Path(__file__).parent / "data" / "issue9_expected_verdicts.csv", dtype=str,
                      keep_default_na=False)


@pytest.mark.parametrize(("claim_id", "expected"),
                         list(zip(_ISSUE9["claim_id"], _ISSUE9["expected_verdict"], strict=True)))
def test_real_data_added_claim_reaches_its_expected_verdict(real_audit, claim_id, expected):
    audit, _ = real_audit
    row = audit.set_index("claim_id").loc[claim_id]
    assert row["verdict"] == expected, (claim_id, row["rule"], row["reason"])


@pytest.mark.parametrize(("claim_id", "fragments"), [
    ("B2", ["olsson2011_healthy blood_pressure: favours_control", "kisker2023_stress blood_pressure"]),
    ("B3", ["olsson2011_healthy saliva_cortisol: no_difference"]),
    ("E1", ["6 peer-reviewed mat/pad papers"]),
    ("E2", ["hohmann2012_neck+hohmann2012_lbp+saha2016_lbp", "kjellgren2011_backneck: worst_pain"]),
    ("E4", ["none sham-controlled"]),
    ("E5", ["kjellgren2011_backneck sleep_quality", "kisker2023_stress sleep_quality"]),
    ("E7", ["clinically meaningful (responder) threshold"]),
    ("H1", ["literally true", "saha2016_lbp ae_any 9/91 (10%)", "certainty of the claim"]),
    ("B1", ["kisker2023_stress heart_rate: no_difference", "source the article cites",
            "olsson2011_healthy heart_rate: favours_mat"]),
    ("B6", ["olsson2011_healthy", "the article cites goodrx2024_review, not olsson2011_healthy"]),
    ("O4", ["acupuncture"]),
    ("T2.9", ["no benefit is supported"]),
    # the arguable verdicts: the reason says the real problem
    ("C13b", ["evidence about manual_acupressure", "not mat evidence"]),
    ("P1", ["device=manual_acupressure, not a mat", "cannot show that a mat beats placebo"]),
    ("T2.4", ["94% figure itself is zilberter1999_survey sleep_quality",
              "only the unverified link keeps the verdict"]),
])
def test_real_data_reason_names_the_real_problem(real_audit, claim_id, fragments):
    audit, _ = real_audit
    reason = audit.set_index("claim_id").loc[claim_id, "reason"]
    for frag in fragments:
        assert frag in reason, (claim_id, reason)


def test_real_data_supported_counts_only_benefits(real_audit):
    audit, claims_df = real_audit
    supported = audit[audit["verdict"] == "supported"]
    no_results = set(claims_df.loc[claims_df["claimed_has_results"] == "no", "claim_id"])
    assert not set(supported["claim_id"]) & no_results
    assert set(audit.loc[audit["verdict"] == "concedes_no_evidence", "claim_id"]) == {
        "T2.9", "T2.10", "T2.11", "A0.6", "A1.6", "A2.4"}


def test_every_article_has_its_checkable_claims(real_audit):
    """Issue 20: at least 6 claims from 000 and 001, 5 from 003, 3 from 004."""
    _, claims_df = real_audit
    per = claims_df["seed_file"].str[:3].value_counts()
    assert per["000"] >= 6 and per["001"] >= 6 and per["003"] >= 5 and per["004"] >= 3
    added = claims_df[claims_df["claim_id"].str.startswith("A")]
    assert set(added["claim_id"]) == set(_ISSUE20["claim_id"])
    for _, c in added.iterrows():
        # each quotes the article and names its place: "00k (Section ...): '...'"
        assert re.match(r"^00\d \(.+\)[:]? .*'", c["claim_text"]), c["claim_id"]
        assert c["seed_file"].startswith(c["claim_text"][:3])


# ----------------------------------------------------------------- issue 20: same evidence, same verdict
_MEASURE_RULES = {"measured_opposite", "measured_no_effect", "consistent"}


def _per_measure_verdicts(claims_df: pd.DataFrame, studies_df: pd.DataFrame) -> pd.DataFrame:
    """Each claim naming measures, split into one claim per measure and audited again."""
    rows = []
    for _, c in claims_df.iterrows():
        for m in split_list(c.get("claimed_outcome_measure")):
            one = c.copy()
            one["claimed_outcome_measure"] = m
            rows.append((c["claim_id"], m, one))
    if not rows:
        return pd.DataFrame(columns=["claim_id", "measure", "verdict", "basis_rows"])
    audited = audit_claims(pd.DataFrame([r[2] for r in rows]), studies_df)
    linked = {}
    for (cid, m, one) in rows:
        ids = set(split_list(one["study_ids"]))
        on = studies_df[studies_df["study_id"].isin(ids) & (studies_df["outcome_measure"] == m)]
        linked[(cid, m)] = (tuple(sorted(on["line"])), tuple(sorted(split_list(one.get("cited_study_ids")))))
    return pd.DataFrame({
        "claim_id": [r[0] for r in rows], "measure": [r[1] for r in rows],
        # a claim about harms is judged by the harms rules (a stated rule says why)
        "claim_about": [str(r[2].get("claim_about") or "") for r in rows],
        "verdict": audited["verdict"].tolist(), "rule": audited["rule"].tolist(),
        "basis_rows": [linked[(r[0], r[1])] for r in rows]})


def test_same_measure_same_rows_same_verdict_whatever_the_wording():
    """Rule level: the verdict on a measure depends on the rows, not on the claim's wording."""
    bp = {"outcome_domain": "physiology", "outcome_measure": "blood_pressure",
          "result_direction": "favours_control", "significant": "unverified"}
    hr = {"outcome_domain": "physiology", "outcome_measure": "heart_rate",
          "result_direction": "no_difference", "significant": "no"}
    base = {"study_ids": "s1", "claimed_has_results": "yes", "claimed_outcome_domain": "physiology"}
    variants = [
        {"claimed_figure": "decreased blood pressure"},
        {"claimed_figure": "beneficial effects", "claimed_significant": "yes"},
        {"claim_text": "another wording", "claimed_outcome_domain": ""},
    ]
    for measure, expected in (("blood_pressure", "contradicted"), ("heart_rate", "no_effect_found")):
        got = {verdict_of({**base, **v, "claimed_outcome_measure": measure}, bp, hr).verdict
               for v in variants}
        assert got == {expected}, (measure, got)
    # a claim naming both measures is contradicted: one named measure went the other way
    both = verdict_of({**base, "claimed_outcome_measure": "heart_rate;blood_pressure"}, bp, hr)
    assert both.verdict == "contradicted"


def test_real_data_same_evidence_same_verdict(real_audit):
    """Claims about the same measure resting on the same rows (and the same cited source and
    claim_about) get the same verdict on that measure; a claim is contradicted when any
    measure it names is."""
    import matstats

    audit, claims_df = real_audit
    studies_df = matstats.load_studies()
    per = _per_measure_verdicts(claims_df, studies_df)
    for (measure, basis, _about), grp in per.groupby(["measure", "basis_rows", "claim_about"]):
        assert grp["verdict"].nunique() == 1, (measure, grp[["claim_id", "verdict"]].values.tolist())
    by_id = audit.set_index("claim_id")
    for cid, grp in per.groupby("claim_id"):
        if by_id.loc[cid, "rule"] in _MEASURE_RULES and (grp["verdict"] == "contradicted").any():
            assert by_id.loc[cid, "verdict"] == "contradicted", cid
    # the cases the issue names: C9 and B2 rest on the same Olsson blood-pressure row
    bp = per[per["measure"] == "blood_pressure"].set_index("claim_id")["verdict"]
    assert bp["C9"] == bp["B2"] == "contradicted"
    assert by_id.loc["C9", "verdict"] == by_id.loc["B2", "verdict"]
    # finger acupressure (C13b) and needle acupuncture (O4) carried over to the mat: one verdict
    carried = claims_df.loc[claims_df["claim_about"] == "other_intervention", "claim_id"]
    assert set(by_id.loc[list(carried), "verdict"]) == {"indirect"}
    assert {"C13b", "O4"} <= set(carried)


def test_no_contradicted_verdict_rests_on_no_change(real_audit):
    audit, _ = real_audit
    for _, r in audit[audit["verdict"] == "contradicted"].iterrows():
        assert "favours_control" in r.reason, r.claim_id
        assert "showed no change" not in r.reason


def test_verdict_source_never_claims_the_cited_study_when_it_is_not(real_audit):
    audit, _ = real_audit
    by_id = audit.set_index("claim_id")
    assert by_id.loc["B6", "verdict"] == "supported"
    assert by_id.loc["B6", "verdict_source"] == "olsson2011_healthy"
    assert by_id.loc["B6", "verdict_source_cited"] == "not_cited"
    assert by_id.loc["B1", "verdict_source_cited"] == "cited"
    for _, r in audit.iterrows():
        cited = set(split_list(r.cited_study_ids))
        src = set(split_list(r.verdict_source))
        if "source the article cites" in r.reason:
            assert src and src <= cited, r.claim_id
        if r.verdict_source_cited == "not_cited":
            assert "not " + r.verdict_source.split(";")[0] in r.reason or r.rule not in _MEASURE_RULES
    assert not audit["reason"].str.contains("supported by the study it cites").any()


# ----------------------------------------------------------------- issue 20: the added claims
_ISSUE20 = pd.read_csv(Path(__file__).parent / "data" / "issue20_expected_verdicts.csv", dtype=str,
                       keep_default_na=False)


@pytest.mark.parametrize(("claim_id", "expected", "rule"),
                         list(zip(_ISSUE20["claim_id"], _ISSUE20["expected_verdict"],
                                  _ISSUE20["rule"], strict=True)))
def test_real_data_issue20_claim_reaches_its_verdict(real_audit, claim_id, expected, rule):
    audit, _ = real_audit
    row = audit.set_index("claim_id").loc[claim_id]
    assert (row["verdict"], row["rule"]) == (expected, rule), (claim_id, row["reason"])
