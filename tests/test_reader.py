"""matstats.evidence.citations (one bibliography, study links) and matstats.tables.reader (reader tables)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import matstats
from matstats.evidence import citations
from matstats.tables.reader import DASH, format_value, reader_table, use_reader_tables


@pytest.fixture(scope="module")
def bib():
    return citations.bibliography(matstats.load_studies())


def test_bibliography_has_every_study_in_file_order(bib):
    studies = matstats.load_studies()
    assert list(bib) == list(dict.fromkeys(studies["study_id"]))
    e = bib["hohmann2012_neck"]
    assert e.label == "Hohmann 2012 (neck)"
    assert e.primary_url == "https://doi.org/" + studies.loc[
        studies["study_id"] == "hohmann2012_neck", "doi"].iloc[0]
    assert e.lines and all(isinstance(x, int) for x in e.lines)


def test_default_bibliography_equals_the_bundled_data(bib):
    assert citations.bibliography() == bib


def test_primary_link_is_https_or_the_study_has_no_source(bib):
    for sid, e in bib.items():
        if e.primary_url is None:
            assert not any(url.startswith("https://") for _, url in e.links), sid
        else:
            assert e.primary_url.startswith("https://")


@pytest.mark.parametrize(("sid", "label"), [
    ("hohmann2012_neck", "Hohmann 2012 (neck)"),
    ("nct06644365_pms", "NCT06644365 (pms)"),
    ("purepong_thesis_backrest", "Purepong (thesis backrest)"),
    ("not an id", "not an id"),
])
def test_study_label(sid, label):
    assert citations.study_label(sid) == label


def test_study_link_html_is_an_https_link_with_the_citation(bib):
    html = citations.study_link_html("zilberter1999_survey", bib)
    assert 'class="ms-study reference external"' in html
    assert 'data-study="zilberter1999_survey"' in html
    assert re.search(r'href="https://[^"]+"', html)
    assert "[ref]" not in html
    with_ref = citations.study_link_html("zilberter1999_survey", bib, bib_href="../references.html")
    assert 'href="../references.html#study-zilberter1999_survey"' in with_ref


def test_study_without_source_says_so(bib):
    fake = {"x2024_review": citations.BibEntry("x2024_review", "X 2024 (review)", "X review")}
    assert citations.NO_SOURCE_TEXT in citations.study_link_html("x2024_review", fake)
    linked = citations.study_link_html("x2024_review", fake, bib_href="refs.html")
    assert "ms-nosource" in linked and 'href="refs.html#study-x2024_review"' in linked
    assert citations.cite("x2024_review", bib=fake).endswith(f"({citations.NO_SOURCE_TEXT})")


def test_unknown_study_is_escaped_not_linked(bib):
    assert citations.study_link_html("<b>", bib) == '<span class="ms-study-unknown">&lt;b&gt;</span>'


def test_cite_markdown_and_html(bib):
    assert citations.cite("hohmann2012_lbp", bib=bib).startswith("[Hohmann 2012 (lbp)](https://")
    assert citations.cite("hohmann2012_lbp", "html", bib).startswith("<a ")
    with pytest.raises(ValueError, match="fmt"):
        citations.cite("hohmann2012_lbp", "rst", bib)


def test_linkify_replaces_whole_ids_only(bib):
    text = "from hohmann2012_neck; not xhohmann2012_neck nor https://x.org/hohmann2012_neck"
    out = citations.linkify(text, bib, fmt="markdown")
    assert out.count("[Hohmann 2012 (neck)]") == 1
    assert "xhohmann2012_neck" in out and "https://x.org/hohmann2012_neck" in out
    assert citations.linkify("a < b", bib) == "a &lt; b"


@pytest.mark.parametrize(("value", "kw", "text"), [
    (None, {}, DASH), (np.nan, {}, DASH), (pd.NA, {}, DASH), ("  ", {}, DASH),
    (20.0, {"integer": True}, "20"), (np.int64(7), {}, "7"), (-0.0004, {"digits": 3}, "0.000"),
    (True, {}, "yes"), (np.float64(0.12345), {"digits": 2}, "0.12"), (np.inf, {}, "infinite"),
])
def test_format_value(value, kw, text):
    assert format_value(value, **kw) == text


def _cells(html: str) -> list[str]:
    # the no-break spans around numbers are layout, not content (tested on their own below)
    return [re.sub(r'<span class="ms-nb">([^<]*)</span>', r"\1", c)
            for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


def test_reader_table_missing_counts_rounding_and_links(bib):
    df = pd.DataFrame({"study_id": ["hohmann2012_neck", "kisker2023_stress"],
                       "n": [40.0, np.nan], "g": [0.746332, np.nan],
                       "flag": pd.array([True, pd.NA], dtype="boolean"),
                       "k": pd.array([1, pd.NA], dtype="Int64"),
                       "note": ["see hohmann2012_lbp", None]})
    html = reader_table(df, bib=bib).html
    for raw in ("NaN", "<NA>", "None", "nan", "40.0", "dtype"):
        assert raw not in re.sub(r"<[^>]+>", " ", html)
    cells = _cells(html)
    assert cells[1] == "40" and cells[2] == "0.7463" and cells[3] == "yes" and cells[4] == "1"
    assert cells[7:11] == [DASH] * 4
    assert html.count('class="ms-study reference external"') == 3  # two ids + one in text
    assert html.startswith('<div class="ms-table-wrap"><table class="ms-table">')


def test_reader_table_digits_per_column_and_lead_columns(bib):
    df = pd.DataFrame({"claim_id": ["C1"], "x": [0.123456], "verdict": ["not_found"],
                       "grade": ["very_low"]})
    t = reader_table(df, {"claim_id": "Claim", "x": "X", "verdict": "Verdict", "grade": "Grade"},
                     digits={"x": 1}, bib=bib)
    assert re.findall(r'<th scope="col">(.*?)</th>', t.html) == ["Verdict", "Grade", "Claim", "X"]
    cells = _cells(t.html)
    assert cells[0] == '<span class="ms-badge ms-verdict-not-found">not found</span>'
    assert cells[3] == "0.1"
    with pytest.raises(ValueError, match="not in the table"):
        reader_table(df, ["nope"], bib=bib)


def test_reader_table_series_and_indexes(bib):
    s = pd.Series([3, 2], index=pd.Index(["a", "b"], name="reason"), name="days")
    t = reader_table(s, bib=bib)
    assert re.findall(r'<th scope="col">(.*?)</th>', t.html) == ["reason", "days"]
    assert "dtype" not in t.html and "Name:" not in t.html
    wide = pd.DataFrame([[0.5, 0.25]], columns=pd.MultiIndex.from_tuples([(-1.0, "cycle_t"),
                                                                          (-1.0, "day_t")]))
    heads = re.findall(r'<th scope="col">(.*?)</th>', reader_table(wide, bib=bib).html.replace("<wbr>", ""))
    assert heads == ["-1.0 · cycle_t", "-1.0 · day_t"]  # joined labels kept verbatim
    assert repr(reader_table(s, bib=bib)) == "<reader table: 2 rows x 2 columns>"
    assert str(t) == t.html == t._repr_html_()


def test_reader_table_never_cuts_text(bib):
    long = "word " * 400
    assert long.strip() in reader_table(pd.DataFrame({"t": [long.strip()]}), bib=bib).html


def test_use_reader_tables_outside_ipython_is_a_no_op():
    # pytest is not an IPython session: get_ipython() is None, nothing to register
    assert use_reader_tables(shell=None) is False


def test_use_reader_tables_registers_formatters():
    class Formatter:
        def __init__(self):
            self.types = {}

        def for_type(self, typ, func):
            self.types[typ] = func

    class Shell:
        display_formatter = type("D", (), {"formatters": {"text/html": Formatter()}})()

    shell = Shell()
    assert use_reader_tables(shell) is True
    f = shell.display_formatter.formatters["text/html"].types
    assert set(f) == {pd.DataFrame, pd.Series}
    assert "ms-table" in f[pd.DataFrame](pd.DataFrame({"a": [np.nan]}))


def test_reader_table_row_ids_and_trusted_html_columns(bib):
    df = pd.DataFrame({"claim_id": ["C1", "C2"], "link": ['<a href="#x">x</a>', None]})
    t = reader_table(df, row_id=("claim_id", "claim-"), html_columns=("link",), bib=bib).html
    assert '<tr id="claim-C1">' in t and '<tr id="claim-C2">' in t
    assert '<a href="#x">x</a>' in t and DASH in t
    assert "&lt;a" in reader_table(df, bib=bib).html  # escaped unless declared trusted


# ---------------------------------------------------------------- numbers never break (issue 21)
def test_numbers_and_dates_in_cells_are_marked_unbreakable():
    """Number-only cells carry ms-numcell; every number or date of two or more characters,
    in numeric and text cells alike, sits in one span.ms-nb (the stylesheet: nowrap)."""
    import re

    from matstats.tables.reader import reader_table

    df = pd.DataFrame({"g": [0.746, -1.5], "date": ["2026-01-05", "2026-01-06 00:00:00"],
                       "note": ["g = 0.75 (95% CI 0.11 to 1.39), T1.1 [web:141]", "n=36; 5 days"]})
    html = reader_table(df).html
    cells = re.findall(r'<td class="([^"]*)"[^>]*>(.*?)</td>', html)
    assert [c for c, _ in cells] == ["ms-col-g ms-numcell", "ms-col-date ms-numcell", "ms-col-note",
                                     "ms-col-g ms-numcell", "ms-col-date ms-numcell", "ms-col-note"]
    spans = re.findall(r'<span class="ms-nb">([^<]*)</span>', html)
    # by hand: each number/date token once; "T1.1" is an identifier, "5" a single digit; the
    # article's citation marker "[web:141]" is removed (issue 21)
    assert spans == ["0.746", "2026-01-05", "0.75", "95%", "0.11", "1.39",
                     "-1.500", "2026-01-06 00:00:00", "36"]
    assert "web:" not in html


def test_nobreak_numbers_leaves_tags_and_entities_alone():
    from matstats.tables.reader import nobreak_numbers

    text = '<a href="https://doi.org/10.1000/182" title="2012">Smith 2012</a> &#39;12&#39;'
    assert nobreak_numbers(text) == ('<a href="https://doi.org/10.1000/182" title="2012">Smith '
                                     '<span class="ms-nb">2012</span></a> &#39;'
                                     '<span class="ms-nb">12</span>&#39;')


def test_tables_with_many_columns_become_cards():
    """More than MAX_COLUMNS (9) columns: one card per row at every width (ms-cards ms-flow);
    nine columns stay a table; an explicit ms-cards class is not doubled."""
    from matstats.tables.reader import MAX_COLUMNS, reader_table

    assert MAX_COLUMNS == 9
    nine = pd.DataFrame([range(9)], columns=[f"c{i}" for i in range(9)])
    ten = pd.DataFrame([range(10)], columns=[f"c{i}" for i in range(10)])
    assert '<table class="ms-table">' in reader_table(nine).html
    assert '<table class="ms-table ms-cards ms-flow">' in reader_table(ten).html
    assert '<table class="ms-table x ms-cards">' in reader_table(ten, css="x ms-cards").html


def test_headers_may_break_after_underscores():
    from matstats.tables.reader import reader_table

    html = reader_table(pd.DataFrame({"a": [1]}), {"a": "mean_estimate \u00b7 cycle_t"}).html
    assert '<th scope="col">mean_<wbr>estimate \u00b7<wbr> cycle_<wbr>t</th>' in html


# ---------------------------------------------------------------- codes as words (issue 21)
def test_codes_show_as_the_schema_words():
    """Label columns show data/schema.json's words; audit texts lose their field=value codes."""
    from matstats.tables.reader import reader_table

    df = pd.DataFrame({"found_design": ["rct;survey"], "verdict": ["no_effect_found"],
                       "reason": ["figure 98% is from zilberter1999_survey (claimed_design=rct vs "
                                  "design=survey); kisker2023_stress perceived_stress: no_difference"]})
    html = reader_table(df, bib={}).html
    cells = [re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]
    assert cells == ["no effect found", "randomized controlled trial, user survey",
                     "figure 98% is from zilberter1999_survey (claimed design: randomized "
                     "controlled trial vs design: user survey); kisker2023_stress perceived "
                     "stress: no difference"]
