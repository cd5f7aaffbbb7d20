"""Issue 21 in headless Chromium: words instead of codes, article cards, claim rows that links
land on, and CSV downloads beside the tables, on every page at 1366x768 and 390x844.

What counts as a code is taken from the data and the library, not typed here: every snake_case
label and field name of data/schema.json, every verdict and audit rule name, every outcome
measure and contrast slug of data/studies.csv, any "field=value" of a schema field, and the
seed article's "[web:NNN]" citation markers.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import SITE, SIZES, _set_size
from .test_site import EXPECTED_PAGES, _params

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def codes() -> re.Pattern:
    import matstats
    from matstats._core.bundled import load_schema
    from matstats.audit import RULES, VERDICTS

    fields = [f for spec in load_schema()["tables"].values() for f in spec["fields"]]
    studies = matstats.load_studies()
    words = {*(f["name"] for f in fields), *(c for f in fields for c in f.get("enum", ())),
             *VERDICTS, *(r.name for r in RULES), *studies["outcome_measure"],
             *studies["contrast"].dropna()}
    snake = sorted((w for w in words if "_" in w), key=len, reverse=True)
    names = sorted({f["name"] for f in fields}, key=len, reverse=True)
    return re.compile(r"\[web:\d+\]|(?<![\w.])(?:%s)(?![\w])|\b(?:%s)=\S" % (
        "|".join(map(re.escape, snake)), "|".join(map(re.escape, names))))


#: notebook pages whose Markdown prose (not their tables) still names outcome measures,
#: contrasts or fields by their slugs: the ladder's conclusion (02, matstats.narrative.ladder)
#: and the sensitivity conclusion (05, matstats.narrative.sensitivity); their tables are in
#: words (notebook 01's trace is the HTML flowchart, in words, since issue 21's figures)
_PROSE_CODES = pytest.mark.xfail(strict=True, reason="prose of a narrative function still "
                                 "shows slugs (issue 21: word the ladder and sensitivity texts)")
_CODE_XFAILS = {f"notebooks/{nb}.html": _PROSE_CODES
                for nb in ("02_sham_vs_treatment", "05_placebo_sensitivity")}


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, _CODE_XFAILS, sizes=list(SIZES)))
def test_no_codes_shown_to_readers(visits, codes, page, size):
    """Outside code, readers see words: no snake_case label, verdict, rule, measure or field
    name, no "field=value" and no "[web:NNN]" marker."""
    found = sorted({m.group(0) for m in codes.finditer(visits[(page, size)].reader_text)})
    assert found == [], f"{len(found)} code(s) shown to readers: {found[:12]}"


# -------------------------------------------------------------------------------- article cards
def test_evidence_page_has_a_card_per_article_with_its_claims(visits):
    """One card per article of data/articles.csv that makes a claim, headed by its label
    (matstats.evidence.citations.article_label), holding exactly that article's claim rows."""
    import matstats
    from matstats.evidence.citations import article_label
    from matstats.evidence.data_io import load_articles

    claims = matstats.load_claims()
    want = []
    for a in load_articles().itertuples():
        ids = claims.loc[claims["seed_file"] == a.seed_file, "claim_id"].tolist()
        if ids:
            label = article_label(a.seed_file)
            want.append((f"article-{a.article_id}", label[:1].upper() + label[1:],
                         sorted(f"claim-{c}" for c in ids)))
    for size in SIZES:
        got = [(i, h, sorted(rows)) for i, h, rows in visits[("evidence.html", size)].articles]
        assert got == want


@pytest.mark.parametrize("page", ["index.html", "journalists.html"])
def test_landing_and_journalists_pages_link_the_article_cards(visits, page):
    hrefs = {unquote(urlparse(h).fragment) for h in visits[(page, "desktop")].links
             if urlparse(h).path.endswith("/evidence.html")}
    assert "the-articles-and-their-claims" in hrefs


# -------------------------------------------------------------------------------- claim rows
@pytest.fixture(scope="session")
def row_positions(driver):
    """For every claim row of the evidence page, at each size: where the row is drawn after
    the page scrolls to its link target (top and bottom relative to the viewport)."""
    import matstats

    ids = matstats.load_claims()["claim_id"].tolist()
    out = {}
    for size in SIZES:
        _set_size(driver, size)
        driver.get((SITE / "evidence.html").as_uri())
        out[size] = driver.execute_script("""
          const res = {};
          for (const id of arguments[0]) {
            location.hash = 'claim-' + id;
            const el = document.getElementById('claim-' + id);
            if (!el) { res[id] = null; continue; }
            const r = el.getBoundingClientRect();
            res[id] = [el.tagName.toLowerCase(), Math.round(r.top), Math.round(r.bottom), window.innerHeight];
          }
          return res;""", ids)
    return out


@pytest.mark.parametrize("size", list(SIZES))
def test_every_claim_link_target_is_its_row_and_is_scrolled_into_view(row_positions, size):
    """Every claim of data/claims.csv has a table row with id claim-<id>; following a link to
    it brings that row on screen (its top inside the viewport)."""
    bad = {cid: pos for cid, pos in row_positions[size].items()
           if pos is None or pos[0] != "tr" or not (0 <= pos[1] < pos[3])}
    assert bad == {}, f"{len(bad)} claim rows missing or not brought into view: {dict(list(bad.items())[:6])}"


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_every_link_to_a_claim_lands_on_its_row(visits, page, size):
    """Every link to "#claim-X" (verdict summary, audited tables, journalists' page) points to
    an existing table row of that claim."""
    bad = []
    for href in set(visits[(page, "desktop")].row_links):
        u = urlparse(href)
        path, frag = Path(unquote(u.path)), unquote(u.fragment)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if not re.search(r'<tr id="%s"' % re.escape(frag), text):
            bad.append(href)
    assert bad == [], f"links to claim rows that miss them: {sorted(bad)[:8]}"


# -------------------------------------------------------------------------------- CSV downloads
def _csv_rows(href: str) -> list[list[str]]:
    u = urlparse(href)
    assert u.scheme == "file", f"CSV download not served by the site itself: {href}"
    path = Path(unquote(u.path))
    assert path.is_file() and path.resolve().is_relative_to(SITE.resolve()), f"missing: {href}"
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_csv_downloads_resolve_offline(visits, page, size):
    """Each CSV link points to a file inside the built site with a header and rows of equal length."""
    for href in visits[(page, "desktop")].csv_links:
        rows = _csv_rows(href)
        assert len(rows) >= 2 and len({len(r) for r in rows}) == 1, href


def test_tables_offer_their_csv(visits):
    """The evidence page offers the full audit (one row per claim, every column) and the grades;
    the clinicians' page the summary of findings; the teachers' page the glued calibration table."""
    import matstats
    from matstats import tables

    links = {p: {Path(urlparse(h).path).name: h for h in visits[(p, "desktop")].csv_links}
             for p in ("evidence.html", "clinicians.html", "teachers.html")}
    claims = _csv_rows(links["evidence.html"]["claims-audit.csv"])
    audit = matstats.audit_claims(matstats.load_claims(), matstats.load_studies())
    assert claims[0] == list(audit.columns) and len(claims) - 1 == len(audit)
    grades = _csv_rows(links["evidence.html"]["study-grades.csv"])
    assert len(grades) - 1 == len(tables.grade_studies(matstats.load_studies()))
    assert "summary-of-findings.csv" in links["clinicians.html"]
    calib = _csv_rows(links["teachers.html"]["03_nof1_simulation-tbl-verdict-calibration.csv"])
    assert calib[0][:3] == ["design", "comparator", "cycles"] and len(calib) > 2
