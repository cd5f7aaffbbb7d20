"""Tests for matstats.evidence.data_io: the bundled data load, and every fault in a corrupted copy is reported.

Each fault test copies the REAL data files into tmp_path, corrupts one thing, and checks that
matstats.DataError names the right file, 1-based line (header = line 1), column and value.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import matstats
from matstats import DataError
from matstats.evidence.data_io import default_path, load_claims, load_schema, load_studies, split_list

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
# The two tables of the seed article 002_1b0e6d6166f364da.txt, rows copied verbatim.
SEED_TABLES = Path(__file__).parent / "data" / "seed_002_tables.md"

# Study ids of the project's evidence dossier of primary sources (sections S1-S12: mat and
# backrest studies; A1-A3: manual acupressure).
DOSSIER_STUDY_IDS = {
    "hohmann2012_neck", "hohmann2012_lbp",  # S1
    "saha2016_lbp",  # S2
    "kjellgren2011_backneck",  # S3
    "olsson2011_healthy",  # S4
    "frizziero2021_lbp",  # S5
    "kisker2023_stress",  # S6
    "zilberter1999_survey",  # S7
    "purepong2015_backrest", "purepong_thesis_backrest",  # S8
    "nct06644365_pms",  # S9
    "shakti_kenkou_stress",  # S10
    "mollberg2010_single",  # S11
    "chen2019_manual_sleep",  # A1
    "au2015_manual_anxiety_meta",  # A2
    "peng2024_manual_anxiety_meta",  # A3
}


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
@pytest.fixture
def copies(tmp_path):
    """Fresh copies of the real studies.csv and claims.csv."""
    s = tmp_path / "studies.csv"
    c = tmp_path / "claims.csv"
    shutil.copyfile(DATA / "studies.csv", s)
    shutil.copyfile(DATA / "claims.csv", c)
    return s, c


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _find_line(path: Path, **match: str) -> int:
    """1-based file line of the first data row whose cells equal ``match``."""
    header, rows = _read(path)
    for i, row in enumerate(rows):
        cells = dict(zip(header, row, strict=True))
        if all(cells[k] == v for k, v in match.items()):
            return i + 2  # no multi-line fields in our files: data row i sits on line i + 2
    raise LookupError(match)


def _set(path: Path, line: int, **values: str) -> None:
    """Set cells of the data row on file line ``line``."""
    header, rows = _read(path)
    row = rows[line - 2]
    for col, val in values.items():
        row[header.index(col)] = val
    _write(path, header, rows)


def _expect(exc: pytest.ExceptionInfo, path: Path, line: int, column: str | None, value=None) -> None:
    err = exc.value
    assert isinstance(err, ValueError)
    assert err.file == str(path)
    assert err.line == line
    assert err.column == column
    if value is not None:
        assert err.value == value
    msg = str(err)
    assert str(path) in msg
    assert f"line {line}" in msg
    if column is not None:
        assert repr(column) in msg


# ---------------------------------------------------------------------------
# the real files
# ---------------------------------------------------------------------------
def test_real_files_load_with_dtypes():
    s = load_studies()
    c = load_claims(studies=s)
    # one row per data row of each file (read here with the csv module)
    for frame, name in ((s, "studies.csv"), (c, "claims.csv")):
        with default_path(name).open(encoding="utf-8", newline="") as fh:
            assert len(frame) == sum(1 for _ in csv.reader(fh)) - 1 > 0, name
    for col in ("n_randomized", "n_treatment", "n_control", "responders", "denominator", "year"):
        assert str(s[col].dtype) == "Int64", col
    for col in ("p_value", "estimate", "ci_low", "ci_high", "timepoint_weeks"):
        assert s[col].dtype == "float64", col
    assert pd.api.types.is_string_dtype(s["study_id"])
    assert str(c["claimed_n"].dtype) == "Int64"
    # line column: row i of the file (no multi-line fields) is on line i + 2
    assert list(s["line"]) == list(range(2, len(s) + 2))
    assert list(c["line"]) == list(range(2, len(c) + 2))
    assert s.attrs["source"].endswith("studies.csv")


def test_public_api_and_default_path_equal_explicit_path():
    assert matstats.load_studies is load_studies
    assert default_path("studies.csv").resolve() == (DATA / "studies.csv").resolve()
    pd.testing.assert_frame_equal(load_studies(), load_studies(DATA / "studies.csv"), check_like=False,
                                  check_exact=True, check_flags=False)
    pd.testing.assert_frame_equal(load_claims(), load_claims(str(DATA / "claims.csv")))
    with pytest.raises(ValueError, match="unknown bundled"):
        default_path("other.csv")


def test_every_dossier_study_present_and_keys_unique():
    s = load_studies()
    assert DOSSIER_STUDY_IDS <= set(s["study_id"])
    # S12 non-studies and the C11 web reviews are rows too, labelled as such
    s12 = s[s["source_section"] == "S12"]
    assert len(s12) >= 2 and set(s12["evidence_status"]) == {"not_a_study"}
    key = ["study_id", "contrast", "outcome_measure", "timepoint_weeks"]
    assert not s[key].astype(str).duplicated().any()
    c = load_claims()
    assert c["claim_id"].is_unique


def test_key_facts_match_the_dossier():
    """Spot checks against the evidence dossier's primary-source entries S1, S2, S7, S9, A2."""
    s = load_studies().set_index(["study_id", "contrast", "outcome_measure"])
    neck = s.loc[("hohmann2012_neck", "mat_vs_waitlist", "nrs_pain")]
    assert (neck["p_value"], neck["p_relation"], neck["n_randomized"]) == (0.021, "=", 40)
    assert neck["n_status"] == "derived" and "equal allocation" in neck["derivation"]
    lbp = s.loc[("hohmann2012_lbp", "mat_vs_waitlist", "nrs_pain")]
    assert (lbp["p_value"], lbp["p_relation"], lbp["n_treatment"], lbp["n_control"]) == (0.001, "<", 21, 21)
    assert s.loc[("hohmann2012_lbp", "mat_vs_waitlist", "ppt_max"), "p_value"] == 0.013
    assert s.loc[("hohmann2012_lbp", "mat_vs_waitlist", "odi"), "significant"] == "no"
    saha = s.loc[("saha2016_lbp", "pre_post", "odi")].set_index("timepoint_weeks")
    assert tuple(saha.loc[2.0, ["estimate", "ci_low", "ci_high"]]) == (-4.6, -6.6, -2.6)
    assert tuple(saha.loc[14.0, ["estimate", "ci_low", "ci_high", "p_value"]]) == (-4.3, -6.4, -2.2, 0.008)
    assert set(saha["comparison"]) == {"within_group"}
    ae = s.loc[("saha2016_lbp", "pre_post", "ae_any")]
    assert (ae["responders"], ae["denominator"], ae["count_status"]) == (9, 91, "derived")
    z = s.loc["zilberter1999_survey"]
    assert set(z["n_enrolled"]) == {200} and set(z["n_analysed"]) == {126}
    assert set(z["control"]) == {"none"} and set(z["design"]) == {"survey"}
    pain = z.loc[("survey", "pain_relief")]
    # 98% of 126 -> 123 (derived, rounded); the derivation must state the denominator caveat
    assert pain["estimate"] == 0.98 and pain["responders"] == round(0.98 * 126) == 123
    assert "UNVERIFIED" in pain["derivation"]
    nct = s.loc["nct06644365_pms"]
    assert set(nct["value_status"]) == {"no_results"} and set(nct["control"]) == {"sham"}
    au = s.loc[("au2015_manual_anxiety_meta", "acupressure_vs_sham", "anxiety")]
    assert (au["estimate"], au["ci_low"], au["ci_high"]) == (-1.11, -1.61, -0.61)
    assert au["device"] == "manual_acupressure"
    # no back-calculated SMDs stored as if reported
    assert not ((s["estimate_type"] == "smd") & (s["device"] != "manual_acupressure")).any()


def _seed_tables(text: str) -> dict[str, list[list[str]]]:
    """Independent parse of the markdown tables of the seed: header first cell -> body rows."""
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip()[1:-1].split("|")]
            if current is None:
                current = tables.setdefault(cells[0], [])
            elif not re.fullmatch(r"[-:| ]+", line):
                current.append(cells)
        else:
            current = None
    return tables


def test_claims_table_cells_verbatim_against_seed():
    tables = _seed_tables(SEED_TABLES.read_text(encoding="utf-8"))
    claims = load_claims()
    for name, first, width in [("all_key_studies", "Study / Source", 6),
                               ("evidence_by_condition", "Condition", 4)]:
        seed_rows = tables[first]
        ours = claims[claims["table_name"] == name].sort_values("table_row")
        assert list(ours["table_row"]) == list(range(1, len(seed_rows) + 1))
        for (_, row), seed_cells in zip(ours.iterrows(), seed_rows, strict=True):
            assert len(seed_cells) == width
            for k in range(width):
                assert row[f"cell_{k + 1}"] == seed_cells[k], (name, row["table_row"], k + 1)
            for k in range(width, 6):
                assert pd.isna(row[f"cell_{k + 1}"])
    assert len(tables["Study / Source"]) == 8 and len(tables["Condition"]) == 11


def test_claims_cover_required_text_claims_and_links():
    c = load_claims().set_index("claim_id")
    for cid in ("C7", "C8", "C9", "C10", "C12", "C13a", "C13b", "P1"):
        assert cid in c.index
    assert c.loc["P1", "claim_kind"] == "argument" and c.loc["P1", "claimed_control"] == "sham"
    assert split_list(c.loc["C8", "study_ids"]) == ("hohmann2012_neck", "hohmann2012_lbp")
    assert split_list(c.loc["T1.2", "study_ids"]) == ()  # the "German RCT" 2018: no such study
    assert c.loc["T1.1", "claimed_n"] == 82
    fixture = pd.read_csv(Path(__file__).parent / "data" / "dossier_verdicts.csv", dtype=str)
    for ids in fixture["claim_ids"]:
        for cid in ids.split(";"):
            assert cid in c.index
    assert "verdict" not in c.columns


def test_schema_json_matches_readme_and_files():
    schema = load_schema()
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for table in ("studies", "claims"):
        names = [f["name"] for f in schema["tables"][table]["fields"]]
        header, _ = _read(DATA / f"{table}.csv")
        assert set(header) == set(names)
        for n in names:
            if not n.startswith("cell_"):
                assert n in readme, n
        for f in schema["tables"][table]["fields"]:
            for label in f.get("enum", []):
                assert label in readme, (f["name"], label)


def test_split_list():
    assert split_list("a;b") == ("a", "b")
    assert split_list(float("nan")) == ()
    assert split_list("") == ()
    assert split_list(None) == ()


# ---------------------------------------------------------------------------
# faults: header / file structure
# ---------------------------------------------------------------------------
def test_fault_missing_column(copies):
    s, _ = copies
    header, rows = _read(s)
    i = header.index("p_relation")
    _write(s, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    with pytest.raises(DataError, match="missing required column") as exc:
        load_studies(s)
    _expect(exc, s, 1, "p_relation")


def test_fault_extra_column(copies):
    _, c = copies
    header, rows = _read(c)
    _write(c, header + ["verdict"], [r + ["supported"] for r in rows])
    with pytest.raises(DataError, match="not in the schema") as exc:
        load_claims(c)
    _expect(exc, c, 1, "verdict", "verdict")


def test_fault_duplicate_header_column(copies):
    s, _ = copies
    header, rows = _read(s)
    header[header.index("notes")] = "design"
    _write(s, header, rows)
    with pytest.raises(DataError, match="duplicate column") as exc:
        load_studies(s)
    _expect(exc, s, 1, "design", "design")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_fault_empty_file(tmp_path, content):
    p = tmp_path / "studies.csv"
    p.write_bytes(content)
    with pytest.raises(DataError, match="empty") as exc:
        load_studies(p)
    _expect(exc, p, 1, None)


def test_fault_header_only(copies):
    s, _ = copies
    s.write_text(s.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="no data rows") as exc:
        load_studies(s)
    _expect(exc, s, 2, None)


def test_fault_truncated_last_row(copies):
    s, _ = copies
    text = s.read_text(encoding="utf-8")
    lines = text.splitlines()
    last = lines[-1]
    cut = last[: last.index(",", last.index(",") + 1)]  # keep only the first two fields
    s.write_text("\n".join(lines[:-1] + [cut]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="truncated") as exc:
        load_studies(s)
    _expect(exc, s, len(lines), "outcome_measure")


def test_fault_unterminated_quote(copies):
    _, c = copies
    lines = c.read_text(encoding="utf-8").splitlines()
    target = 5
    lines[target - 1] = lines[target - 1].replace(",", ',"', 1)  # opens a quote that never closes
    c.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="malformed CSV") as exc:
        load_claims(c)
    _expect(exc, c, target, None)


def test_fault_too_many_fields(copies):
    s, _ = copies
    lines = s.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9] + ",stray"
    s.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="unquoted comma") as exc:
        load_studies(s)
    header, _ = _read(DATA / "studies.csv")
    _expect(exc, s, 10, f"<field {len(header) + 1}>", "stray")


def test_fault_blank_line_inside(copies):
    s, _ = copies
    lines = s.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "")
    s.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="blank line") as exc:
        load_studies(s)
    _expect(exc, s, 4, None)


def test_fault_invalid_utf8(copies):
    s, _ = copies
    lines = s.read_bytes().split(b"\n")
    lines[6] = lines[6].replace(b"Germany", b"Germ\xffny", 1)
    s.write_bytes(b"\n".join(lines))
    with pytest.raises(DataError, match="UTF-8") as exc:
        load_studies(s)
    _expect(exc, s, 7, None, b"\xff")


def test_fault_missing_file_or_directory(tmp_path):
    p = tmp_path / "nope.csv"
    with pytest.raises(DataError, match="not found") as exc:
        load_studies(p)
    assert exc.value.file == str(p)
    with pytest.raises(DataError, match="cannot read") as exc:
        load_claims(tmp_path)
    assert exc.value.file == str(tmp_path)


def test_bad_path_parameter_is_plain_value_error():
    with pytest.raises(ValueError, match="path must be") as exc:
        load_studies(123)  # type: ignore[arg-type]
    assert not isinstance(exc.value, DataError)
    with pytest.raises(ValueError, match="study_id"):
        load_claims(studies=pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------------------
# faults: cell values
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("column", "bad", "message"),
    [
        ("n_randomized", "40.5", "not an integer"),  # non-integer N
        ("n_randomized", "forty", "not an integer"),  # wrong type
        ("n_treatment", "0", ">= 1"),  # N < 1
        ("n_control", "-3", ">= 1"),  # negative N
        ("p_value", "1.5", "<= 1"),  # p > 1
        ("p_value", "0", "> 0"),  # p = 0
        ("p_value", "abc", "not a number"),  # wrong type
        ("p_value", "nan", "finite"),  # NaN sneaking in as text
        ("timepoint_weeks", "-2", ">= 0"),
        ("design", "RCT", "unknown label"),  # unknown label (case)
        ("control", "placebo", "unknown label"),  # unknown label
        ("p_relation", "==", "unknown label"),
        ("study_id", "Hohmann 2012", "not a slug"),
        ("doi", "doi:10.1155/2012/753583", "pattern"),
        ("cited_in", "002.txt", "does not match"),
        ("design", " rct", "whitespace"),
        ("population", "", "required value is empty"),
    ],
)
def test_fault_bad_cell_in_studies(copies, column, bad, message):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_neck", outcome_measure="nrs_pain")
    _set(s, line, **{column: bad})
    with pytest.raises(DataError, match=message) as exc:
        load_studies(s)
    _expect(exc, s, line, column, bad)


def test_fault_sd_not_positive(copies):
    s, _ = copies
    line = _find_line(s, study_id="chen2019_manual_sleep", outcome_measure="kessler_distress")
    _set(s, line, sd_treatment="0")
    with pytest.raises(DataError, match="must be > 0") as exc:
        load_studies(s)
    _expect(exc, s, line, "sd_treatment", "0")


def test_fault_p_value_without_relation(copies):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_lbp", outcome_measure="ppt_max")
    _set(s, line, p_relation="")
    with pytest.raises(DataError, match="without p_relation") as exc:
        load_studies(s)
    _expect(exc, s, line, "p_relation")


def test_fault_relation_without_p_value(copies):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_lbp", outcome_measure="odi")
    _set(s, line, p_relation="<")
    with pytest.raises(DataError, match="without p_value") as exc:
        load_studies(s)
    _expect(exc, s, line, "p_value")


def test_fault_ci_low_above_ci_high(copies):
    s, _ = copies
    line = _find_line(s, study_id="saha2016_lbp", outcome_measure="odi", timepoint_weeks="14")
    _set(s, line, ci_low="-2.0", ci_high="-6.4")
    with pytest.raises(DataError, match="ci_low > ci_high") as exc:
        load_studies(s)
    _expect(exc, s, line, "ci_low", -2.0)


def test_fault_estimate_outside_ci(copies):
    s, _ = copies
    line = _find_line(s, study_id="saha2016_lbp", outcome_measure="odi", timepoint_weeks="2")
    _set(s, line, estimate="4.6")
    with pytest.raises(DataError, match="outside its CI") as exc:
        load_studies(s)
    _expect(exc, s, line, "estimate", 4.6)


def test_fault_arms_exceed_randomized(copies):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_lbp", outcome_measure="nrs_pain")
    _set(s, line, n_treatment="25")
    with pytest.raises(DataError, match="n_treatment \\+ n_control") as exc:
        load_studies(s)
    _expect(exc, s, line, "n_randomized", 42)


def test_fault_responders_exceed_denominator(copies):
    s, _ = copies
    line = _find_line(s, study_id="zilberter1999_survey", outcome_measure="pain_relief")
    _set(s, line, responders="130")
    with pytest.raises(DataError, match="responders > denominator") as exc:
        load_studies(s)
    _expect(exc, s, line, "responders", 130)


def test_fault_responders_without_denominator(copies):
    s, _ = copies
    line = _find_line(s, study_id="saha2016_lbp", outcome_measure="ae_too_painful")
    _set(s, line, denominator="")
    with pytest.raises(DataError, match="together") as exc:
        load_studies(s)
    _expect(exc, s, line, "denominator")


def test_fault_derived_without_derivation(copies):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_neck", outcome_measure="ppt_max")
    _set(s, line, derivation="")
    with pytest.raises(DataError, match="'derived' but derivation is empty") as exc:
        load_studies(s)
    _expect(exc, s, line, "derivation")


def test_fault_result_on_no_results_row(copies):
    s, _ = copies
    line = _find_line(s, study_id="nct06644365_pms", outcome_measure="perceived_stress")
    _set(s, line, p_value="0.04", p_relation="=")
    with pytest.raises(DataError, match="no_results") as exc:
        load_studies(s)
    _expect(exc, s, line, "p_value", 0.04)


def test_fault_duplicate_key(copies):
    s, _ = copies
    header, rows = _read(s)
    _write(s, header, rows + [list(rows[0])])
    with pytest.raises(DataError, match="duplicate key.*first seen on line 2") as exc:
        load_studies(s)
    _expect(exc, s, len(rows) + 2, "study_id,contrast,outcome_measure,timepoint_weeks")
    assert exc.value.value == tuple(rows[0][:4])


def test_fault_study_level_column_differs(copies):
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_neck", outcome_measure="vdt")
    _set(s, line, year="2013")
    with pytest.raises(DataError, match="study-level column differs") as exc:
        load_studies(s)
    _expect(exc, s, line, "year", "2013")


# ---------------------------------------------------------------------------
# faults: claims
# ---------------------------------------------------------------------------
def test_fault_claim_with_unknown_study_id(copies):
    _, c = copies
    line = _find_line(c, claim_id="C8")
    _set(c, line, study_ids="hohmann2012_neck;kjerryd2012_swedish")
    with pytest.raises(DataError, match="not found in the studies table") as exc:
        load_claims(c)
    _expect(exc, c, line, "study_ids", "kjerryd2012_swedish")


def test_fault_claim_study_missing_from_given_studies(copies):
    s, c = copies
    studies = load_studies(s)
    studies = studies[studies["study_id"] != "olsson2011_healthy"]
    with pytest.raises(DataError, match="not found") as exc:
        load_claims(c, studies=studies)
    _expect(exc, c, _find_line(c, claim_id="C9"), "study_ids", "olsson2011_healthy")


def test_fault_duplicate_claim_id(copies):
    _, c = copies
    line = _find_line(c, claim_id="C9")
    _set(c, line, claim_id="C8")
    with pytest.raises(DataError, match="duplicate key.*first seen on line") as exc:
        load_claims(c)
    _expect(exc, c, line, "claim_id", "C8")


def test_fault_duplicate_table_row(copies):
    _, c = copies
    line = _find_line(c, claim_id="T2.3")
    _set(c, line, table_row="2")
    with pytest.raises(DataError, match="duplicate key") as exc:
        load_claims(c)
    _expect(exc, c, line, "table_name,table_row", ("evidence_by_condition", "2"))


def test_fault_claim_unknown_label_and_bad_n(copies):
    _, c = copies
    line = _find_line(c, claim_id="T1.4")
    _set(c, line, claimed_design="prospective cohort")
    with pytest.raises(DataError, match="unknown label") as exc:
        load_claims(c)
    _expect(exc, c, line, "claimed_design", "prospective cohort")
    _set(c, line, claimed_design="cohort", claimed_n="Variable")
    with pytest.raises(DataError, match="not an integer") as exc:
        load_claims(c)
    _expect(exc, c, line, "claimed_n", "Variable")


def test_fault_text_claim_with_table_cell(copies):
    _, c = copies
    line = _find_line(c, claim_id="C12")
    _set(c, line, cell_2="2024")
    with pytest.raises(DataError, match="has no table cells") as exc:
        load_claims(c)
    _expect(exc, c, line, "cell_2", "2024")


def test_fault_table_row_missing_cell(copies):
    _, c = copies
    line = _find_line(c, claim_id="T1.6")
    _set(c, line, cell_6="")
    with pytest.raises(DataError, match="needs 6 cells") as exc:
        load_claims(c)
    _expect(exc, c, line, "cell_6")


def test_fault_link_status_inconsistent(copies):
    _, c = copies
    line = _find_line(c, claim_id="C12")
    _set(c, line, link_status="likely")
    with pytest.raises(DataError, match="link_status must be 'none'") as exc:
        load_claims(c)
    _expect(exc, c, line, "link_status", "likely")


def test_fault_bad_seed_file_name(copies):
    _, c = copies
    line = _find_line(c, claim_id="C7")
    _set(c, line, seed_file="000.txt")
    with pytest.raises(DataError, match="pattern") as exc:
        load_claims(c)
    _expect(exc, c, line, "seed_file", "000.txt")


def test_verbatim_cells_keep_whitespace_and_emoji(copies):
    """The verbatim cell columns are not stripped or rejected for whitespace."""
    _, c = copies
    line = _find_line(c, claim_id="T2.1")
    _set(c, line, cell_4=" ✅ Well-supported ")
    claims = load_claims(c)
    assert claims.loc[claims["claim_id"] == "T2.1", "cell_4"].item() == " ✅ Well-supported "


def test_crlf_and_bom_copy_loads_identically(copies):
    """Windows line endings and a UTF-8 BOM do not change the parsed data or the line numbers."""
    s, _ = copies
    s.write_bytes(b"\xef\xbb\xbf" + s.read_bytes().replace(b"\n", b"\r\n"))
    ours = load_studies(s)
    real = load_studies()
    ours.attrs, real.attrs = {}, {}
    pd.testing.assert_frame_equal(ours, real)


def test_multiline_cell_reports_start_line_of_row(copies):
    """A quoted cell spanning two physical lines: later rows keep correct physical line numbers."""
    s, _ = copies
    line = _find_line(s, study_id="hohmann2012_neck", outcome_measure="ppt_max")
    _set(s, line, notes="first part\nsecond part")
    bad = _find_line(s, study_id="hohmann2012_neck", outcome_measure="mdt")  # csv-row based
    _set(s, bad, design="RCT")
    with pytest.raises(DataError, match="unknown label") as exc:
        load_studies(s)
    # the multi-line cell pushes every later row down by one physical line
    _expect(exc, s, bad + 1, "design", "RCT")
    _set(s, bad, design="rct")
    frame = load_studies(s)
    assert frame.loc[frame["outcome_measure"] == "ppt_max", "line"].iloc[0] == line
    assert frame["line"].iloc[-1] == len(frame) + 2
