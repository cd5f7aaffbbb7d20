"""Issue 20, section 3: the data corrections, one test each.

Each test reads the real files through the package loaders; the summary-of-findings tests
build the site's tables (docs/_ext/matstats_site.py) from the same files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import matstats
from matstats import vocab
from matstats.evidence.data_io import split_list
from matstats.evidence.study_effects import study_effect_sizes

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def studies() -> pd.DataFrame:
    return matstats.load_studies()


@pytest.fixture(scope="module")
def claims(studies) -> pd.DataFrame:
    return matstats.load_claims(studies=studies)


def _rows(studies, sid, contrast=None, measure=None):
    sel = studies["study_id"] == sid
    if contrast:
        sel &= studies["contrast"] == contrast
    if measure:
        sel &= studies["outcome_measure"] == measure
    return studies[sel]


def test_plain_backrest_is_an_active_control_and_the_sham_rung_is_empty(studies):
    rs = _rows(studies, "purepong_thesis_backrest", "acu_backrest_vs_plain_backrest")
    assert set(rs["control"]) == {"active"}
    assert rs["notes"].str.contains("ACTIVE CONTROL").all()
    # the plain backrest beat no intervention on its own (what makes it an active control)
    plain = _rows(studies, "purepong_thesis_backrest", "plain_backrest_vs_no_intervention")
    assert set(plain["result_direction"]) == {"favours_mat"} and set(plain["significant"]) == {"yes"}
    # nothing is left on the sham rung of the ladder, for any device, and the text says so
    eff = study_effect_sizes(studies)
    assert not (eff.effects["control_class"] == "sham").any()
    pooled = matstats.ladder.pooled_by_control(eff)
    assert int(pooled.set_index(["device_group", "control_class"]).loc[("mat", "sham"), "k"]) == 0
    from matstats.narrative.ladder import ladder_conclusion
    text = ladder_conclusion(eff, pooled, matstats.ladder.sham_offset(0.75, 0.33))
    assert "The sham rung has no data for any device" in text


def test_frizziero_is_an_open_add_on_on_the_open_rung(studies):
    rs = _rows(studies, "frizziero2021_lbp")
    assert set(rs["control"]) == {"add_on"}
    assert vocab.CONTROL_RUNG["add_on"] == "no_treatment"
    assert "open add-on" in vocab.RUNG_LABELS["no_treatment"]
    # why it gives no point on that rung: the abstract reports within-group effects only
    assert set(rs["comparison"]) == {"within_group"}
    assert rs["notes"].str.startswith("OPEN ADD-ON").all()
    excluded = study_effect_sizes(studies).excluded
    assert set(excluded.loc[excluded["study_id"] == "frizziero2021_lbp", "code"]) == {"within_group"}


def test_kjellgren_is_an_rct_with_an_unclear_control_never_no_control(studies):
    rs = _rows(studies, "kjellgren2011_backneck")
    assert set(rs["design"]) == {"rct"} and set(rs["control"]) == {"unclear"}
    excluded = study_effect_sizes(studies).excluded
    codes = set(excluded.loc[excluded["study_id"] == "kjellgren2011_backneck", "code"])
    assert "no_control" not in codes
    reasons = excluded.loc[excluded["study_id"] == "kjellgren2011_backneck", "reason"]
    assert not reasons.str.contains("no control group").any()


def test_purepong_3_month_rows_record_the_control_arm_improvement(studies):
    rs = _rows(studies, "purepong2015_backrest", "backrest_vs_no_intervention")
    late = rs[rs["timepoint_weeks"] == 17]
    assert len(late) == 2 and set(late["outcome_measure"]) == {"pain", "disability"}
    for _, r in late.iterrows():
        assert "no-intervention control arm also improved" in r["reported_effect"]
        assert "minimal clinically important change" in r["reported_effect"]
        assert r["notes"].startswith("CONTROL ARM IMPROVED")


def test_olsson_pain_rose_peaking_within_30_s(studies):
    r = _rows(studies, "olsson2011_healthy", measure="pain_rating").iloc[0]
    assert r["result_direction"] == "favours_control"
    assert "pain rose on the mat" in r["reported_effect"]
    assert "peaked within 30 s" in r["reported_effect"]
    assert r["value_status"] == "reported"


def test_cited_in_agrees_with_the_claims(studies, claims):
    linked: dict[str, set[str]] = {}
    for _, c in claims.iterrows():
        for col in ("study_ids", "cited_study_ids"):
            for sid in split_list(c.get(col)):
                linked.setdefault(sid, set()).add(c["seed_file"])
    src = pd.read_csv(REPO / "data" / "sources.csv", dtype=str, keep_default_na=False)
    verified = dict(zip(src["entry"], src["verified"], strict=True))
    for sid, grp in studies.groupby("study_id"):
        cited = set(split_list(grp["cited_in"].iloc[0]))
        assert linked.get(sid, set()) <= cited, sid
        for seed in cited - linked.get(sid, set()):
            # a seed may cite a study without a claim linking it only through its reference list
            assert f"seed {seed[:3]} lists" in verified[sid], (sid, seed)
    goodrx = set(split_list(_rows(studies, "goodrx2024_review")["cited_in"].iloc[0]))
    assert {"000_e6b295b1f5181ad7.txt", "002_1b0e6d6166f364da.txt"} <= goodrx


def test_registry_record_names_the_version_read(studies):
    src = pd.read_csv(REPO / "data" / "sources.csv", dtype=str, keep_default_na=False)
    read = src.set_index("entry").loc["nct06644365_pms", "read"]
    assert "15 Oct 2024" in read and "version read" in read
    notes = _rows(studies, "nct06644365_pms")["notes"]
    assert notes.str.contains("version read: last updated 15 Oct 2024").all()


# ------------------------------------------------------------------ summary of findings
@pytest.fixture(scope="module")
def sof(studies):
    from matstats.narrative.sof import sof_reader_tables
    from matstats.tables.sof import summary_of_findings

    table = summary_of_findings(studies)
    return table, sof_reader_tables(table)


def _sof_row(table, dom, comp):
    return table.set_index(["outcome_domain", "comparison"]).loc[(dom, comp)]


def test_sof_people_count_single_arm_studies(sof):
    table, _ = sof
    row = _sof_row(table, "pain", "none")
    assert "saha2016_lbp" in row["study_ids"].split(";")
    # Saha 91 included + Zilberter 126 respondents + Moellberg 1 (the largest N of each study)
    assert row["n"] == 91 + 126 + 1
    assert _sof_row(table, "qol", "none")["n"] == 91


def test_sof_harms_report_saha_adverse_events(sof):
    table, words = sof
    assert _sof_row(table, "adverse_events", "none")["harm_counts"] == \
        "saha2016_lbp:ae_any:9/91;saha2016_lbp:ae_too_painful:8/91"
    harms = " ".join(words["Harms (adverse events)"]["effect"])
    assert "Saha 2016 (lbp): 9 of 91 (ae any)" in harms
    assert "8 of 91 (ae too painful)" in harms


def test_sof_never_counts_vendor_pages_or_blogs(sof, studies):
    table, _ = sof
    shown = {s for ids in table["study_ids"] for s in ids.split(";")}
    non_studies = set(studies.loc[studies["evidence_status"].isin(vocab.NON_STUDY_STATUSES),
                                  "study_id"])
    assert non_studies >= {"pincap_blog_sleep", "balancemate_claims", "shakti_kenkou_stress",
                           "goodrx2024_review", "coreasana2024_review"}
    assert not shown & non_studies


def test_sof_reasons_name_their_study_and_kjellgren_is_not_no_control(sof):
    from matstats.evidence.citations import study_label

    table, words = sof
    labels = {study_label(s) for s in set(table["study_ids"].str.split(";").sum())}
    for _, r in table.iterrows():
        for part in filter(None, r["grade_reasons"].split(" · ")):
            label = part.split(": ")[0]
            assert label in labels and not re.fullmatch(r"[a-z0-9_]+", label), part
        if "kjellgren2011_backneck" in r["study_ids"].split(";"):
            assert r["comparison"] == "unclear", r["outcome_domain"]
    for df in words.values():
        kj = df[df["study_ids"].str.contains("kjellgren2011_backneck")]
        assert not kj["comparison"].str.contains("no control group").any()


def test_sof_physiology_row_from_inferences_says_so(sof):
    table, words = sof
    assert bool(_sof_row(table, "physiology", "no_treatment")["inference_only"])
    assert not bool(_sof_row(table, "pain", "no_treatment")["inference_only"])
    phys = next(df for name, df in words.items() if name.startswith("Physiology"))
    assert "built only from rows marked as our inference" in phys["effect"].iloc[0]
    assert "inference" not in words["Pain"]["effect"].iloc[0]


# ------------------------------------------------------------------ the articles, named
def test_every_article_has_a_record_with_its_source(claims, studies):
    from matstats.evidence.citations import article_label
    from matstats.evidence.data_io import load_articles

    arts = load_articles().set_index("seed_file")
    assert set(claims["seed_file"]) <= set(arts.index)
    cited = {s for cell in studies["cited_in"] for s in split_list(cell)}
    assert cited <= set(arts.index)
    assert arts["where_from"].notna().all()
    one = arts.loc["001_87afabff05dd9acc.txt"]
    assert (one["author"], one["date"]) == ("Gretchen Lidicker", "2021-04-27")
    assert "LuckyVitamin.com" in arts.loc["004_3ced4e9c5d9f4de9.txt", "outlet"]
    for seed in arts.index:
        label = article_label(seed)
        assert label and not re.search(r"00[0-4]_[0-9a-f]{16}", label)


def test_articles_file_faults_name_file_line_column(tmp_path):
    from matstats import DataError
    from matstats.evidence.data_io import load_articles

    src = (REPO / "data" / "articles.csv").read_text(encoding="utf-8").splitlines()
    src[2] = src[2].replace("001,001_", "001,002_", 1)
    bad = tmp_path / "articles.csv"
    bad.write_text("\n".join(src) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="seed_file") as exc:
        load_articles(bad)
    assert "line 3" in str(exc.value)


def test_audit_names_the_article_not_the_file():
    from matstats.audit import audit_claims

    audit = audit_claims()
    assert audit["article"].str.len().gt(0).all()
    assert not audit["article"].str.contains(r"00[0-4]_[0-9a-f]{16}").any()
