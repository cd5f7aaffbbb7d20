"""The reader site (reports/site) in headless Chromium: links, console, network, layout, alt
text, citations, and the landing page's numbers against the library.

Run with ``make browser`` (or ``make test``), which builds the site first; ``pytest -m browser
tests/browser`` builds it through ``make report`` when it is missing.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import ROOT, SITE, SIZES, build_site, is_local, pages

pytestmark = pytest.mark.browser

NOTEBOOK_PAGES = sorted(f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb"))
DOC_PAGES = sorted(f"{p.stem}.html" for p in (ROOT / "docs").glob("*.md"))
EXPECTED_PAGES = sorted(DOC_PAGES + NOTEBOOK_PAGES + ["genindex.html", "search.html"])
PLACEHOLDER_ALT = re.compile(
    r"^(no description has been provided for this image|image|figure|img|png|plot|"
    r"untitled|[\w./-]+\.(png|jpe?g|svg|gif|webp))$", re.I)


def _params(page_list, xfails=None, sizes=None):
    xfails = xfails or {}
    out = []
    for page in page_list:
        for size in (sizes or [None]):
            pid = page if size is None else f"{page}@{size}"
            marks = []
            key = (page, size) if (page, size) in xfails else page
            if key in xfails:
                marks.append(xfails[key])
            out.append(pytest.param(page, size, id=pid, marks=marks))
    return out


# -------------------------------------------------------------------------------- pages
def test_every_built_page_is_tested():
    if not (SITE / "index.html").is_file():
        build_site()
    assert pages() == EXPECTED_PAGES


# -------------------------------------------------------------------------------- links
def _target_exists(href: str) -> tuple[bool, str]:
    u = urlparse(href)
    path = Path(unquote(u.path))
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        return False, f"missing file {path}"
    if u.fragment and path.suffix == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        if not re.search(r'\bid="%s"' % re.escape(unquote(u.fragment)), text):
            return False, f"no id {u.fragment!r} in {path.name}"
    return True, ""


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_internal_links_resolve(visits, page, size):
    bad = []
    for href in visits[(page, "desktop")].links:
        if urlparse(href).scheme != "file":
            continue
        ok, why = _target_exists(href)
        if not ok:
            bad.append(f"{href}: {why}")
    assert not bad, "broken internal links:\n" + "\n".join(sorted(set(bad)))


# -------------------------------------------------------------------------------- console, network
@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_no_console_errors(visits, page, size):
    assert visits[(page, size)].console == []


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_no_network_requests(visits, page, size):
    remote = sorted({u for u in visits[(page, size)].requests if not is_local(u)})
    assert remote == [], "requests leaving the machine: " + ", ".join(remote)


# -------------------------------------------------------------------------------- layout
@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_no_horizontal_overflow(visits, page, size):
    v = visits[(page, size)]
    assert v.scroll_width <= v.client_width + 1, (
        f"page is {v.scroll_width}px wide in a {v.client_width}px viewport; overflowing: "
        + "; ".join(v.overflowing))


# -------------------------------------------------------------------------------- images
@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_images_have_real_alt_text(visits, page, size):
    bad = [src for src, alt in visits[(page, "desktop")].images
           if alt is None or not alt.strip() or alt.strip() == src
           or PLACEHOLDER_ALT.match(alt.strip())]
    assert not bad, f"{len(bad)} image(s) without real alt text: {bad[:5]}"


# -------------------------------------------------------------------------------- raw values
@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_no_raw_missing_values_or_reprs(visits, page, size):
    """Readers never see NaN, <NA>, None or a pandas dtype line outside code."""
    raw = visits[(page, "desktop")].raw_values
    assert raw == {}, f"raw values shown to readers: {raw}"


# -------------------------------------------------------------------------------- citations
@pytest.fixture(scope="session")
def bib():
    import matstats
    from matstats.evidence.citations import bibliography

    return bibliography(matstats.load_studies())


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_study_references_link_to_sources(visits, bib, page, size):
    """Every rendered study reference is an https link to its source; a study whose data
    carry no https source may only link to its bibliography entry (see the next test)."""
    bad = []
    for sid, href, classes in visits[(page, "desktop")].study_links:
        entry = bib.get(sid)
        if entry is None:
            bad.append(f"{sid}: not in data/studies.csv")
        elif entry.primary_url:
            if not href.startswith("https://"):
                bad.append(f"{sid}: {href}")
        elif "ms-nosource" not in classes:
            bad.append(f"{sid}: no https source but not marked as such")
    assert not bad, "study references that are not https links: " + "; ".join(bad)


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_no_bare_study_ids(visits, page, size):
    """Outside code, a study id never appears as bare text: it is a citation link."""
    slugs = visits[(page, "desktop")].raw_slugs
    assert slugs == [], "bare study ids: " + ", ".join(sorted(slugs))


#: evidence status of the only studies that may lack a public source: web reviews the dossier
#: names only through the seed article's reference list (section C11); their URLs could not be
#: confirmed, so the data record none and the site says so
NO_SOURCE_STATUS = "review unverified"


def test_every_study_has_an_https_source_or_says_it_has_none(bib, visits):
    """A study links to an https source; the only exception is a web review whose data record
    no source at all, and then its bibliography entry says so in words."""
    from matstats.evidence.citations import NO_SOURCE_TEXT

    none = {sid: e for sid, e in bib.items() if not e.primary_url}
    bad = [sid for sid, e in none.items() if e.links or e.status != NO_SOURCE_STATUS]
    assert bad == [], f"studies without an https source that are not source-less web reviews: {bad}"
    page = (SITE / "references.html").read_text(encoding="utf-8")
    for sid in none:
        entry = page[page.index(f'id="study-{sid}"'):]
        entry = entry[:entry.index("</li>")]
        assert NO_SOURCE_TEXT in entry, f"{sid}: the bibliography does not say {NO_SOURCE_TEXT!r}"


def test_bibliography_lists_every_study(visits, bib):
    v = visits[("references.html", "desktop")]
    listed = {sid for sid, _, _ in v.study_links}
    assert listed == set(bib)


# -------------------------------------------------------------------------------- numbers
def _library_values() -> dict[str, str]:
    """The landing page's numbers computed here from the library, independently of the site code."""
    import matstats
    from matstats import ladder, tables
    from matstats.evidence import study_effects

    studies, claims = matstats.load_studies(), matstats.load_claims()
    audit = matstats.audit_claims(claims, studies)
    counts = audit["verdict"].value_counts()
    # every claim counted once: supported + conceded + wrong + unchecked = all claims
    wrong = ("overstated", "contradicted", "no_effect_found", "misattributed", "misrepresented",
             "indirect", "harms_understated")
    unchecked = ("not_found", "unverified")
    assert set(counts.index) <= {"supported", "concedes_no_evidence", *wrong, *unchecked}, \
        f"a verdict the landing page does not count: {sorted(counts.index)}"
    eff = study_effects.study_effect_sizes(studies)
    pooled = ladder.pooled_by_control(eff, domains=("pain",))
    mat = pooled[pooled["device_group"] == "mat"].set_index("control_class")
    o = mat.loc["no_treatment"]
    exp = ladder.sham_offset(o["estimate"], o["se"])
    ss = ladder.sham_trial_sample_size(exp.loc[exp["expected"] > 0, "expected"].to_numpy(), power=0.8)
    grades = tables.grade_studies(studies)
    graded = grades[grades["grade"] != "none"]
    trials = studies[studies["device"].isin(["mat", "needle_pad"])
                     & studies["design"].isin(["rct", "crossover"])]
    from matstats.ladder import answer as ladder_answer
    from matstats.narrative.ladder import sham_answer_sentence

    ans = ladder_answer.sham_answer(g_inputs=ladder_answer.pilot_g_inputs(),
                                    n_per_arm=sorted({int(ss["n_per_arm"].min()),
                                                      int(ss["n_per_arm"].max())}))
    first = audit[(audit["verdict"] == "misattributed") & (audit["found_figure_source"] != "")].iloc[0]
    figure = claims.set_index("claim_id").loc[first["claim_id"], "claimed_figure"]
    from matstats.literature import MCID_NRS, NRS_SD

    return {
        "open_pts": f"{o['estimate'] * NRS_SD:.1f}",
        "open_pts_lo": f"{o['ci_low'] * NRS_SD:.1f}",
        "open_pts_hi": f"{o['ci_high'] * NRS_SD:.1f}",
        "mcid_pts": f"{MCID_NRS:.0f}",
        "nrs_sd": f"{NRS_SD:.1f}",
        "headline_pct": re.search(r"(\d+)\s*%", figure).group(1),
        "n_claims": str(len(claims)),
        "n_articles": str(claims["seed_file"].nunique()),
        "n_cited_studies": str(len({s for x in claims["study_ids"].dropna() for s in x.split(";")})),
        "verdict_supported": str(counts.get("supported", 0)),
        "n_concedes": str(counts.get("concedes_no_evidence", 0)),
        "n_wrong": str(sum(counts.get(k, 0) for k in wrong)),
        "n_unchecked": str(sum(counts.get(k, 0) for k in unchecked)),
        "open_g": f"{o['estimate']:.2f}",
        "open_lo": f"{o['ci_low']:.2f}",
        "open_hi": f"{o['ci_high']:.2f}",
        "open_k": str(int(o["k"])),
        "k_active": str(int(mat.loc["active", "k"])),
        "k_sham": str(int(mat.loc["sham", "k"])),
        "n_graded": str(len(graded)),
        **{f"grade_{g}": str(int((graded["grade"] == g).sum())) for g in ("very_low", "low", "moderate", "high")},
        "exp_lo": f"{exp['expected'].min():.2f}",
        "exp_hi": f"{exp['expected'].max():.2f}",
        "max_trial_n": str(int(trials["n_randomized"].max())),
        "sham_answer": sham_answer_sentence(ans),
        "_answer": ans,
    }


def test_landing_numbers_equal_the_library(visits):
    shown = visits[("index.html", "desktop")].numbers
    expected = _library_values()
    expected.pop("_answer")
    keys = {k for k, _ in shown}
    assert keys == set(expected), "numbers on the landing page without a library check " \
        f"(or missing): {sorted(keys ^ set(expected))}"
    # the page typesets apostrophes (MyST smart quotes)
    wrong = [(k, text, expected[k]) for k, text in shown
             if text.replace("\u2019", "'") != expected[k]]
    assert wrong == [], "landing-page number != library value: " + \
        "; ".join(f"{k}: page {t!r}, library {e!r}" for k, t, e in wrong)


def test_landing_counts_every_claim_once(visits):
    """The landing page's verdict groups add up to the number of claims (no claim is counted
    twice or left out, so "supported" cannot be read as more than it is)."""
    shown = dict(visits[("index.html", "desktop")].numbers)
    parts = ("verdict_supported", "n_concedes", "n_wrong", "n_unchecked")
    assert sum(int(shown[k]) for k in parts) == int(shown["n_claims"])


# -------------------------------------------------------------------------------- legibility
#: a number, a date or a percentage drawn on two lines cannot be read ("0./7/4/6")
@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_no_number_split_across_lines(visits, page, size):
    split = visits[(page, size)].split_numbers
    assert split == [], f"{len(split)} number(s) broken across lines: " + "; ".join(split[:8])


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_no_table_wider_than_its_column(visits, page, size):
    """At 1366 px every table fits the content column: none scrolls inside a box."""
    wide = visits[(page, "desktop")].wide_tables
    assert wide == [], f"{len(wide)} table(s) wider than the column: " + "; ".join(wide)


#: a figure shown smaller than 1/1.4 of the size it was drawn at has text too small to read
MAX_SHRINK = 1.4


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_figures_shown_near_their_drawn_size(visits, page, size):
    """At 1366 px a figure is shown at no less than 1/1.4 of its drawn width; on a phone, a
    figure shown smaller than that is a link to its full-size image."""
    bad = [f"{src}: drawn {w}px, shown {shown}px" for src, w, shown, linked
           in visits[(page, size)].shrunk_images
           if w > MAX_SHRINK * shown and (size == "desktop" or not linked)]
    assert bad == [], f"{len(bad)} figure(s) shrunk below legibility: " + "; ".join(bad[:6])


def _png_dpi(page: str, src: str) -> float:
    """The resolution a figure was drawn at (its PNG's pHYs chunk; matplotlib writes it)."""
    from PIL import Image

    with Image.open((SITE / page).parent / unquote(urlparse(src).path)) as im:
        return float(im.info.get("dpi", (72.0, 72.0))[0])


#: the smallest text a figure may show on screen (CSS px)
MIN_SCREEN_FONT_PX = 9.0


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES, sizes=list(SIZES)))
def test_figure_text_is_at_least_9px_on_screen(visits, page, size):
    """A figure's smallest text on screen: its smallest font (matstats.plots._style.MIN_FONT_PT,
    which no figure goes below: tests/test_plots_legible.py) at the PNG's dpi, scaled by the
    shown over the drawn width. At 1366 px as shown; on a phone a figure shown smaller is a
    link to the full-size image, which must then be legible."""
    from matstats.plots._style import MIN_FONT_PT

    bad = []
    for src, drawn, shown, linked in visits[(page, size)].shrunk_images:
        full = MIN_FONT_PT * _png_dpi(page, src) / 72.0
        on_screen = full * shown / drawn
        if on_screen < MIN_SCREEN_FONT_PX and (size == "desktop" or not linked
                                                or full < MIN_SCREEN_FONT_PX):
            bad.append(f"{src}: drawn {drawn}px, shown {shown}px, smallest text {on_screen:.1f}px")
    assert bad == [], f"{len(bad)} figure(s) with text under {MIN_SCREEN_FONT_PX:g}px: " + "; ".join(bad[:6])


#: internal names readers never see in a figure's alt text or caption: study ids, method codes
_METHOD_CODES = re.compile(r"\b(cycle_t|gls_ar1|day_t)\b")


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_figure_alt_text_and_captions_name_no_internal_id(visits, study_ids, page, size):
    ids = re.compile(r"\b(" + "|".join(map(re.escape, study_ids)) + r")\b")
    bad = []
    for src, alt, caption in visits[(page, "desktop")].figure_texts:
        for what, text in (("alt", alt), ("caption", caption)):
            found = ids.findall(text) + FILE_ID.findall(text) + _METHOD_CODES.findall(text)
            if found:
                bad.append(f"{src} {what}: {sorted(set(found))}")
    assert bad == [], "internal ids in figure texts: " + "; ".join(bad)


def test_flowchart_boxes_link_to_their_sources(visits, bib):
    """The journalists' flowchart is HTML: one box per step of the trace, every box links to
    a source (a study's https source or the web page that repeated the figure), every study
    named in it links to its first source, and every claim box links to its claim's row."""
    from matstats.audit.trace import trace_figure

    # the percentage the page names (test_landing_numbers_equal_the_library checks it)
    expected = trace_figure(float(dict(visits[("journalists.html", "desktop")].numbers)["headline_pct"]))
    for size in SIZES:
        boxes = visits[("journalists.html", size)].trace_boxes
        assert [c.split("ms-trace-")[-1] for c, _ in boxes] == expected["stage"].tolist()
        for (classes, links), step in zip(boxes, expected.itertuples()):
            external = [h for h, _, _ in links if h.startswith("https://") or h.startswith("http://")]
            assert external, f"box {step.step} ({classes}) links to no source"
            for href, cls, sid in links:
                if sid:
                    assert href == bib[sid].primary_url, (sid, href)
            if step.stage == "claim":
                cid = step.where.split(" in ")[0]
                assert any(h.endswith(f"evidence.html#claim-{cid}") for h, _, _ in links), cid
        assert not [i for i in visits[("journalists.html", size)].images
                    if "trace" in (i[0] or "")], "the flowchart is still an image"


#: statistics a lay reader does not know; they belong one click away, not on the first screen
STATS_JARGON = re.compile(r"\b[gk]\s*=|\bCI\b|\bSD\b|confidence interval|standard deviation")


@pytest.mark.parametrize("size", list(SIZES))
def test_landing_first_screen_speaks_plainly(visits, size):
    first = visits[("index.html", size)].first_screen
    found = sorted({m.group(0) for m in STATS_JARGON.finditer(first)})
    assert first.strip() and found == [], f"statistics on the landing page's first screen: {found}"


#: internal file names of the seed articles (data/claims.csv ``seed_file``): readers see titles
FILE_ID = re.compile(r"00[0-4]_[0-9a-f]{16}")


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_no_internal_article_file_ids(visits, page, size):
    """Readers see an article's title, author and outlet (data/articles.csv via
    matstats.evidence.citations.article_label), never its internal file name."""
    ids = sorted(set(FILE_ID.findall(visits[(page, "desktop")].body_text)))
    assert ids == [], f"internal article file ids shown to readers: {ids}"


@pytest.mark.parametrize(("page", "size"), _params(EXPECTED_PAGES))
def test_claim_links_land_on_their_row(visits, page, size):
    """A link reading "Claim X" goes to the row of claim X (an element with id claim-X)."""
    bad = []
    for text, href in visits[(page, "desktop")].claim_links:
        cid = text.split()[1].rstrip(".,;:)")
        frag = urlparse(href).fragment
        ok, why = _target_exists(href)
        if unquote(frag) != f"claim-{cid}" or not ok:
            bad.append(f"{text!r} -> {href} ({why or 'not the claim row'})")
    assert bad == [], "claim links that miss their row: " + "; ".join(bad)


# -------------------------------------------------------------------------------- the sham answer
def _reader_texts():
    """Visible text of every built page, and the text outputs of every notebook."""
    import nbformat

    out = {}
    for page in EXPECTED_PAGES:
        html_text = (SITE / page).read_text(encoding="utf-8")
        out[page] = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html_text))
    for nb_path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        texts = []
        for c in nb.cells:
            if c.cell_type == "markdown":
                texts.append(c.source)
            for o in c.get("outputs", []):
                texts.append(str(o.get("text", "")))
                texts.extend(str(v) for k, v in o.get("data", {}).items()
                             if k in ("text/plain", "text/markdown", "text/html"))
        out[nb_path.name] = "\n".join(texts)
    return out


def test_no_reader_surface_says_a_trial_would_find_the_mat_better(visits):
    """Issue 18: the posterior probability is about the true effect; what a trial would find
    is the assurance, so no page or notebook output says a trial "would find" the mat better."""
    bad = [name for name, text in _reader_texts().items()
           if re.search(r"would\s+find\s+the\s+mat", text, re.I)]
    assert bad == [], f'"would find the mat" on: {bad}'


def test_landing_sentence_carries_the_range_and_the_sceptical_figure(visits):
    shown = dict(visits[("index.html", "desktop")].numbers)
    ans = _library_values()["_answer"]
    text = shown["sham_answer"]
    lo, hi = ans.grid_range
    assert f"from {lo:.0%} to {hi:.0%}" in text
    sceptical = ans.prob_under("sceptical")
    assert f"{sceptical:.0%}" in text and "sceptical" in text
    assert f"{ans.assurance['assurance'].min():.0%}" in text
    assert "true effect is better than a sham" in text
