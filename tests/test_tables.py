"""Tests for matstats.tables: GRADE-like grading, writers, CLI, and the seed tables.

The seed-table test parses the two markdown tables of the seed article
002_1b0e6d6166f364da.txt, copied verbatim into tests/data/seed_002_tables.md, with a parser
written here, independent of the library, and compares every cell with ``seed_table()``
rebuilt from claims.csv.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matstats import tables
from matstats.tables import (
    GRADE_RULES,
    SEED_COLUMNS,
    grade_rules_table,
    grade_studies,
    to_markdown,
)

def grade_row(row: pd.Series) -> tuple[str, str]:
    """The grade of one study row, through :func:`grade_studies`."""
    graded = grade_studies(pd.DataFrame([row])).iloc[0]
    return graded["grade"], graded["grade_reasons"]


SEED_TABLES = Path(__file__).parent / "data" / "seed_002_tables.md"

BASE = {
    "study_id": "s",
    "contrast": "c",
    "design": "rct",
    "randomized": "yes",
    "control": "sham",
    "blinding": "double",
    "device": "mat",
    "population_type": "patients",
    "industry_link": "no",
    "n_randomized": 200,
    "n_analysed": pd.NA,
    "result_direction": "favours_mat",
}


def row(**kw) -> pd.Series:
    return pd.Series({**BASE, **kw})


# ----------------------------------------------------------------- grading rules
def test_well_run_large_sham_rct_is_high():
    assert grade_row(row()) == ("high", "start high (design=rct)")


@pytest.mark.parametrize(
    ("changes", "grade", "reason"),
    [
        ({"blinding": "none"}, "moderate", "blinding=none"),
        ({"control": "waitlist"}, "moderate", "control=waitlist"),
        ({"randomized": "unverified"}, "moderate", "randomized=unverified"),
        ({"n_randomized": 99}, "moderate", "N=99 < 100"),
        ({"n_randomized": 29}, "low", "N=29 < 30"),
        ({"population_type": "healthy"}, "moderate", "healthy population"),
        ({"device": "backrest"}, "moderate", "device=backrest, not a mat"),
        ({"industry_link": "yes"}, "moderate", "industry link"),
        ({"design": "single_arm", "randomized": "no"}, "low", "start low (design=single_arm)"),
    ],
)
def test_each_downgrade_fires_alone(changes, grade, reason):
    g, why = grade_row(row(**changes))
    assert g == grade
    assert reason in why


def test_downgrades_accumulate_and_floor_at_very_low():
    # Hohmann-like: waitlist, unblinded, N=40 -> high -3 = very_low
    g, why = grade_row(row(control="waitlist", blinding="none", n_randomized=40))
    assert g == "very_low"
    assert why.count("(-1)") == 3
    # survey: low start, no control, N=126 unblinded -> floors at very_low
    g, _ = grade_row(row(design="survey", randomized="no", control="none", blinding="none", n_randomized=126))
    assert g == "very_low"


def test_boundary_n_100_and_30():
    assert grade_row(row(n_randomized=100))[0] == "high"
    assert grade_row(row(n_randomized=30))[0] == "moderate"


def test_protocol_and_missing_results_are_not_graded():
    assert grade_row(row(design="registered_protocol"))[0] == "none"
    assert grade_row(row(result_direction="not_reported"))[0] == "none"


def test_grade_studies_one_row_per_contrast():
    df = pd.DataFrame(
        [
            {**BASE, "study_id": "a", "contrast": "x", "result_direction": "not_reported"},
            {**BASE, "study_id": "a", "contrast": "x", "n_randomized": 20},
            {**BASE, "study_id": "a", "contrast": "y", "control": "no_treatment"},
        ]
    )
    g = grade_studies(df)
    assert g[["study_id", "contrast"]].values.tolist() == [["a", "x"], ["a", "y"]]
    # contrast x is graded on its first row WITH a result (n=20 -> down 2)
    assert g.loc[0, "grade"] == "low"
    assert g.loc[1, "grade"] == "moderate"


def test_grade_rules_documented():
    t = grade_rules_table()
    assert len(t) == len(GRADE_RULES) + 1
    assert (t["description"].str.len() > 10).all()


# ----------------------------------------------------------------- markdown writer
def parse_md_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in ``text`` as a list of rows of cells (header first, rule line dropped)."""
    found, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(set(c) <= {"-", ":"} and c for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def test_to_markdown_round_trips_and_escapes():
    df = pd.DataFrame({"a": ["x", None], "b": ["1", "p|q"]})
    text = to_markdown(df, {"a": "Col A"})
    assert text.splitlines()[0] == "| Col A | b |"
    assert text.splitlines()[1] == "|---|---|"
    assert "p\\|q" in text
    assert text.splitlines()[2] == "| x | 1 |"
    assert text.splitlines()[3] == "|  | p\\|q |"


def test_written_html_is_the_reader_table(tmp_path):
    """write_tables' HTML shows each table as matstats.tables.reader_table does (escaped text,
    codes in words), without Markdown escapes."""
    from matstats.tables.reader import reader_table

    paths = [p for p in tables.write_tables(tmp_path) if p.name == "claims_audit.html"]
    audit = tables.all_tables()["claims_audit"]
    body = reader_table(audit, {c: c.replace("_", " ") for c in audit.columns}, lead=()).html
    text = paths[0].read_text(encoding="utf-8")
    assert body in text and "\\|" not in text and "claimed_design=" not in text


def test_unknown_table_name_is_value_error():
    with pytest.raises(ValueError, match="unknown table"):
        tables.seed_table("nope", pd.DataFrame())


# ----------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real():
    import matstats

    return matstats.load_claims(), matstats.load_studies()


@pytest.fixture(scope="module")
def seed_tables():
    found = parse_md_tables(SEED_TABLES.read_text(encoding="utf-8"))
    assert len(found) == 2, "the fixture holds the seed's studies and conditions tables"
    return {"all_key_studies": found[0], "evidence_by_condition": found[1]}


@pytest.mark.parametrize("name", list(SEED_COLUMNS))
def test_seed_table_matches_seed_cell_for_cell(real, seed_tables, name):
    claims, _ = real
    expected = seed_tables[name]
    got = tables.seed_table(name, claims)
    assert [h for _, h in SEED_COLUMNS[name]] == expected[0]
    body = expected[1:]
    assert len(got) == len(body)
    cols = [c for c, _ in SEED_COLUMNS[name]]
    for i, seed_row in enumerate(body):
        assert got.loc[i, cols].tolist() == seed_row, f"row {i + 1} of {name}"


@pytest.mark.parametrize("name", list(SEED_COLUMNS))
def test_audited_table_has_found_columns(real, name):
    claims, studies = real
    t = tables.audited_table(name, claims, studies)
    assert len(t) == len(tables.seed_table(name, claims))
    for col in ("found_studies", "found_design", "found_n", "verdict", "grade", "grade_reasons"):
        assert col in t.columns
    assert t["grade"].isin([*tables.GRADES, "none"]).all()
    # rows without a linked study are never graded
    assert (t.loc[t["found_studies"] == "", "grade"] == "none").all()


def test_cli_writes_csv_md_html(real, tmp_path):
    from matstats.cli import main

    assert main(["tables", "--out", str(tmp_path)]) == 0
    stems = {p.stem for p in tmp_path.iterdir()}
    assert {"claimed_all_key_studies", "audited_evidence_by_condition", "claims_audit"} <= stems
    for stem in stems:
        for ext in (".csv", ".md", ".html"):
            assert (tmp_path / f"{stem}{ext}").is_file()
    # the markdown of the claimed table parses back to the same cells as the CSV
    md = parse_md_tables((tmp_path / "claimed_all_key_studies.md").read_text(encoding="utf-8"))[0]
    csv = pd.read_csv(tmp_path / "claimed_all_key_studies.csv", dtype=str, keep_default_na=False)
    assert md[0][1:] == [h for _, h in SEED_COLUMNS["all_key_studies"]]
    assert [r[1:] for r in md[1:]] == csv.iloc[:, 1:].values.tolist()


def test_imprecision_falls_back_to_analysed_then_enrolled_n():
    assert "N=50 < 100" in grade_row(row(n_randomized=pd.NA, n_analysed=50))[1]
    assert "N=20 < 30" in grade_row(row(n_randomized=pd.NA, n_enrolled=20))[1]
    assert "N not reported" in grade_row(row(n_randomized=pd.NA))[1]


def test_meta_analysis_of_randomized_trials_starts_high():
    assert grade_row(row(design="meta_analysis"))[0] == "high"
