"""Sphinx extension for the matstats reader site: numbers and citations computed at build time.

Nothing on the hand-written pages is typed: at ``config-inited`` this extension runs the
matstats library on ``data/`` and

* sets MyST substitutions (``{{ key }}`` in the pages) for every number on the landing page
  and the reader pages; each renders as ``<span class="ms-num" data-ms="key">value</span>``
  so that the browser tests can compare it with the library's value;
* writes generated Markdown (raw HTML) under ``_generated/``: the bibliography
  (one entry per study in ``data/studies.csv`` with https links to its DOI, PubMed record,
  registry record and source URLs), the evidence tables, the clinicians'
  summary-of-findings table, the journalists' flowchart and the method glossary; a file is rewritten only when its text changes, so Sphinx
  rebuilds only the pages that include it;
* adds the ``{study}`` role (``{study}`hohmann2012_neck```): the study's short label linked
  to its first https source, plus a link to its bibliography entry;
* gives MyST-NB's ``{glue:figure}`` a ``:doc:`` option, so that a page shows a figure a
  notebook glued (``myst_nb.glue(key, fig, display=False)``) with alt text and a caption
  (:class:`GlueFigure`); figures are found by their glue key, never by the cell's code;
* adds ``{notebook-table}``: a table a notebook glued, by its key, with a CSV download
  (:class:`NotebookTable`); the evidence and clinicians' tables get CSV downloads too, written
  under ``_generated/extra/downloads`` and copied to the site's ``downloads/``.

The functions :func:`compute`, :func:`landing_values` and :func:`bibliography` are plain
Python and are also used by ``tests/browser``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from myst_nb.ext.glue.directives import PasteFigureDirective

import matstats
from matstats import ladder, literature, tables, vocab
from matstats.narrative import sof as sof_words
from matstats.ladder import answer as ladder_answer
from matstats.ladder import bayes as ladder_bayes
from matstats.narrative.ladder import sham_answer_sentence
from matstats.evidence import study_effects
from matstats._core.cells import is_missing
from matstats.audit import VERDICTS
from matstats.evidence.data_io import load_articles
from matstats.evidence.citations import (ANCHOR_PREFIX, NO_SOURCE_TEXT, article_label, bibliography,
                                        study_link_html)
from matstats.tables.reader import format_value, nobreak_numbers, reader_table

GENERATED = "_generated"
BIB_DOC = "references"
DASH = "\u2014"


# ------------------------------------------------------------------------------ the data
@dataclass
class SiteData:
    studies: pd.DataFrame
    claims: pd.DataFrame
    audit: pd.DataFrame
    grades: pd.DataFrame
    tables: dict
    effects: study_effects.MatEffects
    pooled: pd.DataFrame
    expected: pd.DataFrame
    sample_size: pd.DataFrame
    sham: object  # matstats.ladder.answer.ShamAnswer, or None without an open-control study
    sof: pd.DataFrame
    bib: dict = field(default_factory=dict)
    trace: pd.DataFrame | None = None  # how the headline percentage travelled (trace_figure)


def headline(audit: pd.DataFrame, claims: pd.DataFrame) -> tuple[str, str] | None:
    """The headline claim and its percentage: the first misattributed claim whose figure comes
    from another study."""
    src = audit[(audit["verdict"] == "misattributed") & (audit["found_figure_source"] != "")]
    if not len(src):
        return None
    fig = claims.set_index("claim_id").loc[src["claim_id"].iloc[0], "claimed_figure"]
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", str(fig))
    return str(src["claim_id"].iloc[0]), (m.group(1) if m else DASH)


def _audit_part(claims: pd.DataFrame, studies: pd.DataFrame):
    """The claims audit, the audited tables and the headline's trace (the slower half of
    :func:`compute`, run in a second process beside the other half)."""
    from matstats.audit.trace import trace_figure

    audit = matstats.audit_claims(claims, studies)
    head = headline(audit, claims)
    trace = (trace_figure(float(head[1]), claims, studies)
             if head and head[1] != DASH else None)
    # the two audited tables the evidence page shows (tables.all_tables would audit once more)
    shown = {f"audited_{name}": tables.audited_table(name, claims, studies)
             for name in ("all_key_studies", "evidence_by_condition")}
    return audit, shown, trace


def compute() -> SiteData:
    """Run the library once for everything the pages show; the audit half runs in a forked
    process on the second core while this one computes the effects and the sham answer (the
    results are the same as computed one after the other)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    studies = matstats.load_studies()
    claims = matstats.load_claims()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        audit_part = pool.submit(_audit_part, claims, studies)
        d = _effects_part(claims, studies)
        d.audit, d.tables, d.trace = audit_part.result()
    return d


def _effects_part(claims: pd.DataFrame, studies: pd.DataFrame) -> SiteData:
    grades = tables.grade_studies(studies)
    eff = study_effects.study_effect_sizes(studies)
    pooled = ladder.pooled_by_control(eff, domains=("pain",))
    open_row = pooled.set_index(["device_group", "control_class"]).loc[("mat", "no_treatment")]
    if int(open_row["k"]) > 0:
        expected = ladder.sham_offset(open_row["estimate"], open_row["se"], method="normal")
        positive = expected.loc[expected["expected"] > 0, "expected"]
        sample_size = (ladder.sham_trial_sample_size(positive.to_numpy(), power=(0.8, 0.9))
                       if len(positive) else pd.DataFrame())
    else:
        expected, sample_size = pd.DataFrame(), pd.DataFrame()
    sham = sham_answer(eff, sample_size)
    sof = tables.sof.summary_of_findings(studies, eff, grades)
    d = SiteData(studies, claims, None, grades, {}, eff, pooled, expected, sample_size, sham, sof)
    d.bib = bibliography(studies)
    return d


def sham_answer(eff, sample_size: pd.DataFrame):
    """The headline mat-vs-sham answer: the pilot's readings of g as the inputs (the first is
    the data row), assurance at the per-arm sizes the pages quote for 80% power."""
    open_studies = ladder_bayes.open_control_studies(eff, domains=("pain",))
    if len(open_studies) != 1 or not len(sample_size):
        return None
    n80 = sample_size.loc[sample_size["power"] == 0.8, "n_per_arm"]
    return ladder_answer.sham_answer(g_inputs=ladder_answer.pilot_g_inputs(),
                                     n_per_arm=sorted({int(n80.min()), int(n80.max())}))


# ------------------------------------------------------------------------------ formatting
# Citations and reader tables live in the library (matstats.evidence.citations, matstats.tables.reader), so
# that the notebooks and these pages show studies and tables the same way.
def fmt_num(x, digits: int = 2) -> str:
    """Reader format of a number (matstats.tables.reader.format_value; integers when ``digits`` is 0)."""
    return format_value(x, digits, integer=digits == 0)


def html_table(df: pd.DataFrame, columns: dict[str, str], d: SiteData, *, caption: str = "",
               bib_href: str = f"{BIB_DOC}.html", css: str = "", **kwargs) -> str:
    """A reader table (matstats.tables.reader.reader_table) with "[ref]" links to the bibliography page."""
    return reader_table(df, columns, bib=d.bib, bib_href=bib_href, caption=caption, css=css,
                        **kwargs).html


# ------------------------------------------------------------------------------ values
#: designs counted as randomized trials of a mat (for "the largest trial so far")
RANDOMIZED_TRIALS = ("rct", "crossover")
#: How the landing page counts the verdicts (every verdict of matstats.audit in exactly one
#: group; the build stops when a new verdict appears that no group names).
VERDICT_GROUPS = {
    "supported": ("supported",),
    "concedes": ("concedes_no_evidence",),
    "wrong": ("overstated", "contradicted", "no_effect_found", "misattributed", "misrepresented",
              "indirect", "harms_understated"),
    "unchecked": ("not_found", "unverified"),
}


def _check_groups() -> None:
    grouped = [v for vs in VERDICT_GROUPS.values() for v in vs]
    if sorted(grouped) != sorted(VERDICTS) or len(set(grouped)) != len(grouped):
        raise RuntimeError(f"VERDICT_GROUPS in docs/_ext/matstats_site.py must name every verdict "
                           f"of matstats.audit.VERDICTS once: {sorted(set(VERDICTS) ^ set(grouped))}")


def landing_values(d: SiteData) -> dict[str, str]:
    """Every number on the reader pages, formatted as shown (keys are the substitution names)."""
    _check_groups()
    v: dict[str, str] = {}
    audit = d.audit
    v["n_claims"] = str(len(audit))
    v["n_articles"] = str(d.claims["seed_file"].nunique())
    cited = {s for ids in audit["study_ids"] for s in str(ids).split(";") if s}
    v["n_cited_studies"] = str(len(cited))
    v["n_studies"] = str(d.studies["study_id"].nunique())
    v["n_study_rows"] = str(len(d.studies))
    counts = audit["verdict"].value_counts()
    for verdict in VERDICTS:
        v[f"verdict_{verdict}"] = str(int(counts.get(verdict, 0)))
    v["n_concedes"] = str(int(sum(counts.get(x, 0) for x in VERDICT_GROUPS["concedes"])))
    v["n_wrong"] = str(int(sum(counts.get(x, 0) for x in VERDICT_GROUPS["wrong"])))
    v["n_unchecked"] = str(int(sum(counts.get(x, 0) for x in VERDICT_GROUPS["unchecked"])))

    mat = d.pooled[d.pooled["device_group"] == "mat"].set_index("control_class")
    o = mat.loc["no_treatment"]
    v["open_k"] = str(int(o["k"]))
    v["open_g"] = fmt_num(o["estimate"])
    v["open_lo"] = fmt_num(o["ci_low"])
    v["open_hi"] = fmt_num(o["ci_high"])
    # the landing page's plain-language summary: the same effect in points on the 0-10 pain
    # scale (g times the between-person SD of NRS pain, matstats.literature.NRS_SD)
    if int(o["k"]) != 1 or not o["ci_low"] > 0:
        raise RuntimeError("docs/index.md says 'the only trial we can use' and 'as small as "
                           f"<ci_low> points': update its wording (k = {int(o['k'])}, "
                           f"ci_low = {o['ci_low']:.2f})")
    v["open_pts"] = fmt_num(o["estimate"] * literature.NRS_SD, 1)
    v["open_pts_lo"] = fmt_num(o["ci_low"] * literature.NRS_SD, 1)
    v["open_pts_hi"] = fmt_num(o["ci_high"] * literature.NRS_SD, 1)
    v["mcid_pts"] = fmt_num(literature.MCID_NRS, 0)
    v["nrs_sd"] = fmt_num(literature.NRS_SD, 1)
    v["k_active"] = str(int(mat.loc["active", "k"]))
    v["k_sham"] = str(int(mat.loc["sham", "k"]))
    head = headline(audit, d.claims)
    if head:
        v["headline_claim"], v["headline_pct"] = head
    st = d.studies
    trials = st[st["device"].isin(vocab.MAT_DEVICES) & st["design"].isin(RANDOMIZED_TRIALS)]
    v["max_trial_n"] = fmt_num(float(trials["n_randomized"].max()), 0) if len(trials) else DASH

    g = d.grades
    graded = g[g["grade"] != "none"]
    v["n_graded"] = str(len(graded))
    for grade in tables.GRADES:
        v[f"grade_{grade}"] = str(int((graded["grade"] == grade).sum()))

    if len(d.expected):
        e = d.expected
        v["n_priors"] = str(len(e))
        v["exp_lo"] = fmt_num(e["expected"].min())
        v["exp_hi"] = fmt_num(e["expected"].max())
        v["n_priors_ci_zero"] = str(int(((e["ci_low"] <= 0) & (e["ci_high"] >= 0)).sum()))
    if d.sham is not None:
        v["sham_answer"] = sham_answer_sentence(d.sham)
    if len(d.sample_size):
        s80 = d.sample_size[d.sample_size["power"] == 0.8]
        v["n80_lo"] = str(int(s80["n_per_arm"].min()))
        v["n80_hi"] = str(int(s80["n_per_arm"].max()))
        v["n80_total_hi"] = str(int(s80["n_total"].max()))
    return v


#: substitutions that are whole sentences (they wrap like text, unlike numbers)
TEXT_KEYS = ("sham_answer",)


def substitutions(values: dict[str, str]) -> dict[str, str]:
    subs = {k: (f'<span class="ms-num ms-text" data-ms="{k}">{nobreak_numbers(html.escape(val))}</span>'
                if k in TEXT_KEYS else f'<span class="ms-num" data-ms="{k}">{html.escape(val)}</span>')
            for k, val in values.items()}
    if "headline_claim" in values:  # "Claim T1.1" goes to its row of the evidence page
        cid = values["headline_claim"]
        subs["headline_claim_row"] = (
            f'<a class="reference internal" href="evidence.html#claim-{html.escape(cid, quote=True)}">'
            f'Claim {subs["headline_claim"]}</a>')
    return subs


# ------------------------------------------------------------------------------ generated pages
def _claim_text(claims: pd.DataFrame) -> dict[str, str]:
    out = {}
    for _, c in claims.iterrows():
        if not is_missing(c.get("claim_text")):
            text = str(c["claim_text"])
        else:
            text = " · ".join(str(c[f"cell_{i}"]) for i in range(1, 7) if not is_missing(c.get(f"cell_{i}")))
        out[str(c["claim_id"])] = text
    return out


def page_references(d: SiteData) -> str:
    items = []
    for e in d.bib.values():
        links = " · ".join(
            f'<a class="ms-source{" ms-insecure" if not url.startswith("https://") else ""}" '
            f'href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'
            for text, url in e.links
        )
        if not links:
            section = f" (the evidence dossier names it only in section {e.source_section})" \
                if e.source_section else ""
            links = f'<span class="ms-nosource-note">{NO_SOURCE_TEXT}{html.escape(section)}</span>'
        rows = (f"rows {', '.join(map(str, e.lines))} of <code>data/studies.csv</code>"
                if e.lines else "")
        cited = "; ".join(html.escape(article_label(c) or c) for c in e.cited_in)
        primary = (f'<a class="ms-study reference external" data-study="{e.study_id}" '
                   f'href="{html.escape(e.primary_url, quote=True)}">{html.escape(e.label)}</a>'
                   if e.primary_url else
                   f'<a class="ms-study ms-nosource reference internal" data-study="{e.study_id}" '
                   f'href="#{ANCHOR_PREFIX}{e.study_id}">{html.escape(e.label)}</a>')
        items.append(
            f'<li id="{ANCHOR_PREFIX}{e.study_id}" class="ms-bib-entry"><p>{primary}'
            f'{" (" + e.year + ")" if e.year else ""}: {nobreak_numbers(html.escape(e.citation))}. '
            f'<span class="ms-status">{html.escape(e.status)}</span>.</p>'
            f'<p class="ms-bib-links">Sources: {links}</p>'
            f'<p class="ms-bib-meta">Study id <code>{e.study_id}</code>; {rows}'
            f'{"; cited in " + cited if cited else ""}.</p></li>'
        )
    return '<ol class="ms-bib">\n' + "\n".join(items) + "\n</ol>\n"


def _verdict_summary(d: SiteData) -> pd.DataFrame:
    from matstats.audit import VERDICT_MEANINGS

    counts = d.audit["verdict"].value_counts()
    rows = []
    for v in VERDICTS:
        ids = d.audit.loc[d.audit["verdict"] == v, "claim_id"].tolist()
        rows.append({"verdict": v, "claims": int(counts.get(v, 0)),
                     "meaning": VERDICT_MEANINGS[v],
                     "which": ", ".join(f'<a class="reference internal" href="#claim-{html.escape(c)}">'
                                        f"{html.escape(c)}</a>" for c in ids) or DASH})
    return pd.DataFrame(rows)


#: where the site's CSV downloads are written (copied to the site root by html_extra_path)
DOWNLOADS = "downloads"


def csv_link(name: str, df: pd.DataFrame, out: Path, *, prefix: str = "") -> str:
    """Write ``df`` as ``downloads/<name>.csv`` of the site; the HTML link shown beside its table."""
    write_if_changed(out / "extra" / DOWNLOADS / f"{name}.csv", df.to_csv(index=False, lineterminator="\n"))
    return (f'<p class="ms-csv"><a class="ms-csv-link" href="{prefix}{DOWNLOADS}/{name}.csv" '
            f'download="{name}.csv">Download the full table (CSV, every column as computed)</a></p>\n\n')


def _article_meta(a) -> str:
    """Outlet, author and date of an article record, in words (a dash-free line)."""
    parts = [f"Outlet: {a.outlet}" if not is_missing(a.outlet) else "Outlet not named",
             f"author: {a.author}" if not is_missing(a.author) else "no author given",
             f"date: {a.date}" if not is_missing(a.date) else "no date given"]
    return nobreak_numbers(html.escape("; ".join(parts) + "."))


def _said(claims: pd.DataFrame) -> dict[str, str]:
    """What each claim says (its text, or its table row's cells), with the source the article
    cites for it when known (a study id, shown as a link)."""
    out = {}
    for cid, text in _claim_text(claims).items():
        # "002 (Mechanism 2, cites [web:79]): '...'" -> "In "Mechanism 2": '...'" (the card names
        # the article; the markers are explained there)
        m = re.match(r"\d{3}\s*(?:\(([^)]*)\))?:?\s*", text)
        if m:
            section = re.sub(r",?\s*cites\s*(\[web:\d+\])+", "", m[1] or "")
            text = (f"In \u201c{section}\u201d: " if section else "") + text[m.end():]
        cited = claims.set_index("claim_id").at[cid, "cited_study_ids"]
        out[cid] = text + ("" if is_missing(cited) else
                           f" (the source it cites: {', '.join(str(cited).split(';'))})")
    return out


#: why the seed article's citation markers are not shown (they point to a reference list the
#: project could not read in full; data/claims.csv ``cited_study_ids`` maps the known ones)
WEB_MARKERS = ("This article cites its sources with numbered web markers that point to a reference "
               "list we could not read in full. The markers are left out here; where we know which "
               "source a marker stands for, the claim names it as \"the source it cites\".")


def page_evidence(d: SiteData, out: Path) -> str:
    said = _said(d.claims)
    audit = d.audit.assign(claim=d.audit["claim_id"].map(said))
    parts = ["## Verdicts at a glance\n\n"
             "How many claims got each verdict, what the verdict means and which claims they are "
             "(each goes to its row below).\n\n"]
    parts.append(html_table(_verdict_summary(d), {
        "verdict": "Verdict", "claims": "Claims", "meaning": "What it means",
        "which": "Which claims (go to the row)"}, d, css="ms-verdicts", html_columns=("which",)) + "\n\n")
    parts.append("## The articles and their claims\n\n"
                 "Each article with every checkable claim it makes, the verdict and why. The verdict "
                 "comes from the first audit rule that fires (`matstats.audit_claims`).\n\n")
    parts.append(csv_link("claims-audit", d.audit, out))
    raw = d.claims.set_index("claim_id")
    for a in load_articles().itertuples():
        rows = audit[audit["seed_file"] == a.seed_file]
        if rows.empty:
            continue
        counts = rows["verdict"].value_counts()
        tally = "; ".join(f"{n} {v.replace('_', ' ')}" for v, n in counts.items())
        marked = raw.loc[rows["claim_id"]].astype(str).apply(
            lambda col: col.str.contains(r"\[web:\d+\]")).to_numpy().any()
        parts.append(
            f'<section class="ms-article" id="article-{html.escape(str(a.article_id))}">\n'
            f'<h3 class="ms-article-title">{html.escape(article_label(a.seed_file)[:1].upper() + article_label(a.seed_file)[1:])}</h3>\n'
            f'<p class="ms-article-meta">{_article_meta(a)}</p>\n'
            f'<p class="ms-article-tally">{len(rows)} claim{"s" if len(rows) != 1 else ""}: '
            f"{html.escape(tally)}.</p>\n"
            + (f'<p class="ms-article-note">{html.escape(WEB_MARKERS)}</p>\n' if marked else "")
            + html_table(rows, {"verdict": "Verdict", "claim_id": "Claim",
                                "claim": "What the article says", "reason": "Why",
                                "study_ids": "Studies behind it"},
                         d, css="ms-claims", row_id=("claim_id", "claim-"))
            + "\n</section>\n\n")
    for name, title, said_cols, found_cols in (
            ("all_key_studies", "All key studies",
             ("study_source", "year", "design", "n", "key_finding"),
             ("found_studies", "found_design", "found_n", "found_result")),
            ("evidence_by_condition", "Evidence by condition",
             ("condition", "evidence_level", "key_findings", "claimed_verdict"),
             ("found_studies", "found_design", "found_control", "found_n", "found_result"))):
        t = d.tables[f"audited_{name}"]
        parts.append(f"## The article's \"{title}\" table, audited\n\n"
                     "Each row of the article's table beside what the sources show; why each verdict "
                     "was given is in the claim's row above.\n\n")
        parts.append(csv_link(f"audited-{name.replace('_', '-')}", t, out))
        shown = t.assign(said=[_labelled(r, said_cols, "Claimed") for _, r in t.iterrows()],
                         found=[_labelled(r, found_cols, "Found") for _, r in t.iterrows()],
                         claim=[f'<a class="reference internal" href="#claim-{html.escape(c)}">'
                                f"{html.escape(c)}</a>" for c in t["claim_id"]])
        parts.append(html_table(shown, {
            "verdict": "Verdict", "grade": "Evidence grade", "claim": "Claim",
            "said": "The article's row", "found": "What the sources show"},
            d, css="ms-audited", html_columns=("claim",)) + "\n\n")
    parts.append("## Evidence grade of every study result\n\n"
                 "GRADE-like rules (`matstats.tables.grade_studies`): randomized designs start high, "
                 "others low; each reason listed takes the grade down one level (-1).\n\n")
    parts.append(csv_link("study-grades", d.grades, out))
    parts.append(html_table(d.grades, {
        "grade": "Grade", "study_id": "Study", "contrast": "Comparison", "design": "Design",
        "n": "People", "grade_reasons": "Reasons"}, d, css="ms-grades") + "\n")
    return "".join(parts)


def _labelled(row, cols, head: str) -> str:
    """Cells of an audited row as one text: "Design: ...; N: ..." (codes as words)."""
    names = {"study_source": "Study", "year": "Year", "design": "Design", "n": "N",
             "key_finding": "Finding", "condition": "Condition", "evidence_level": "Evidence level",
             "key_findings": "Findings", "claimed_verdict": "Article's verdict",
             "found_studies": "Studies", "found_design": "Design", "found_control": "Control",
             "found_n": "N", "found_result": "Result"}
    out = []
    for c in cols:
        v = row[c]
        if is_missing(v) or str(v) == "":
            continue
        if c in ("found_design", "found_control"):
            v = ", ".join(vocab._word(c, x) for x in str(v).split(";"))
        elif c == "found_studies":
            v = ", ".join(str(v).split(";"))
        out.append(f"{names[c]}: {format_value(v)}")
    return "; ".join(out) or DASH


def page_sof(d: SiteData, out: Path) -> str:
    """Summary of findings: one table per outcome (matstats.tables.sof.summary_of_findings,
    worded by matstats.narrative.sof); each study's reasons for downgrading on a line of its own."""
    parts = [csv_link("summary-of-findings", d.sof, out)]
    for outcome, rows in sof_words.sof_reader_tables(d.sof).items():
        rows = rows.assign(grade_reasons=[
            DASH if r == DASH else "<ul class=\"ms-reasons\">" + "".join(
                f"<li>{nobreak_numbers(html.escape(x))}</li>" for x in r.split(" \u00b7 ")) + "</ul>"
            for r in rows["grade_reasons"]])
        parts.append(f"### {outcome}\n\n")
        parts.append(html_table(rows, {
            "comparison": "Comparison", "grade": "Certainty",
            "effect": "Effect (g > 0: mat better)", "grade_reasons": "Reasons for downgrading",
            "n": "People", "study_ids": "Studies",
        }, d, css="ms-sof", lead=("comparison", "grade"), html_columns=("grade_reasons",)) + "\n\n")
    return "".join(parts)


def page_methods() -> str:
    """The method glossary: each n-of-1 analysis method by the name the figures give it, its
    code in the notebooks' tables, and what it does (matstats.plots._style.METHOD_STYLE)."""
    from matstats.nof1 import METHODS
    from matstats.plots._style import METHOD_STYLE

    if sorted(METHOD_STYLE) != sorted(METHODS):
        raise RuntimeError("matstats.plots._style.METHOD_STYLE must name every method of "
                           f"matstats.nof1.METHODS once: {sorted(set(METHODS) ^ set(METHOD_STYLE))}")
    items = "".join(f'<dt>{html.escape(METHOD_STYLE[m][2])} <span class="ms-code-name">'
                    f'(<code>{m}</code> in the notebooks)</span></dt>'
                    f'<dd>{nobreak_numbers(html.escape(METHOD_STYLE[m][3]))}.</dd>' for m in METHODS)
    return f'<dl class="ms-glossary">{items}</dl>\n'


def page_trace(d: SiteData) -> str:
    """The journalists' flowchart: how the headline percentage travelled, as HTML whose
    studies link to their sources (matstats.plots.audit.flowchart_html)."""
    from matstats.plots.audit import flowchart_html

    if d.trace is None:
        raise RuntimeError("docs/journalists.md shows how the headline percentage travelled, "
                           "but no misattributed claim carries a percentage from another study")
    return flowchart_html(d.trace, d.bib, bib_href=f"{BIB_DOC}.html",
                          claim_href="evidence.html#claim-{}")


def write_if_changed(path: Path, text: str) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


# ------------------------------------------------------------------------------ Sphinx glue
def _config_inited(app, config) -> None:
    d = compute()
    app.env_site_data = d  # noqa: used by the role
    values = landing_values(d)
    subs = dict(config.myst_substitutions or {})
    subs.update(substitutions(values))
    config.myst_substitutions = subs
    out = Path(app.srcdir) / GENERATED
    header = "<!-- generated by docs/_ext/matstats_site.py from data/ at build time; do not edit -->\n\n"
    write_if_changed(out / "references.md", header + page_references(d))
    write_if_changed(out / "evidence.md", header + page_evidence(d, out))
    extra = str(out / "extra")
    if extra not in config.html_extra_path:
        config.html_extra_path = [*config.html_extra_path, extra]
    write_if_changed(out / "sof.md", header + page_sof(d, out))
    write_if_changed(out / "trace.md", header + page_trace(d))
    write_if_changed(out / "methods.md", header + page_methods())
    write_if_changed(out / "values.txt", "".join(f"{k}\t{v}\n" for k, v in sorted(values.items())))


def study_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    env = inliner.document.settings.env
    app = env.app
    sid = text.strip()
    d: SiteData = app.env_site_data
    if sid not in d.bib:
        msg = inliner.reporter.error(f"unknown study id {sid!r} (not in data/studies.csv)", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    bib_href = app.builder.get_relative_uri(env.docname, BIB_DOC)
    return [nodes.raw("", study_link_html(sid, d.bib, bib_href=bib_href), format="html")], []


class GlueFigure(PasteFigureDirective):
    """``{glue:figure}`` with a ``:doc:`` option: a figure glued in another (notebook) document.

    MyST-NB's ``{glue:figure}`` pastes a figure glued in the same document; its ``{glue}``
    directive takes ``:doc:`` but makes a bare image without alt text or caption. With
    ``:doc: notebooks/NAME.ipynb`` (relative to the page) this directive reads the executed
    notebook, takes the output a cell glued under the key (``myst_nb.glue(key, fig,
    display=False)``) and shows its PNG as a figure with the ``:alt:`` text (required) and
    the directive's content as caption. The image is written under ``_generated/img`` and
    served from the site itself. Without ``:doc:`` it is MyST-NB's directive unchanged.
    """

    option_spec = {**PasteFigureDirective.option_spec, "doc": directives.unchanged_required}

    def run(self):
        if "doc" not in self.options:
            return super().run()
        env = self.state.document.settings.env
        key = self.arguments[0]
        rel, path = env.relfn2path(self.options["doc"], env.docname)
        env.note_dependency(path)
        if not self.options.get("alt", "").strip():
            raise self.error(f"glue:figure {key!r} needs :alt: text")
        glued = _glued(path)
        if "image/png" not in glued.get(key, {}).get("data", {}):
            raise self.error(f"no figure glued under {key!r} in {rel} (glued: {sorted(glued)})")
        data = base64.b64decode(glued[key]["data"]["image/png"])
        name = f"{Path(rel).stem}-{key}-{hashlib.sha256(data).hexdigest()[:12]}.png"
        target = Path(env.srcdir) / GENERATED / "img" / name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        # a leading "/" makes the path relative to the source folder (Sphinx copies the image)
        uri = "/" + target.relative_to(env.srcdir).as_posix()
        fig = nodes.figure(classes=["ms-nbfigure"])
        fig += nodes.image(uri=uri, alt=self.options["alt"])
        if self.content:
            cap_nodes, messages = self.state.inline_text("\n".join(self.content), self.lineno)
            fig += nodes.caption("", "", *cap_nodes)
        else:
            messages = []
        self.add_name(fig)
        return [fig, *messages]


def _glued(path) -> dict:
    """Glue key -> the output a notebook cell glued under it (``myst_nb.glue``)."""
    import nbformat
    from myst_nb.ext.glue import extract_glue_data_cell

    nb = nbformat.read(path, as_version=4)
    return {k: out for cell in nb.cells if cell.cell_type == "code"
            for k, out in extract_glue_data_cell(cell)}


class _TableText(HTMLParser):
    """The text of an HTML table's header and body cells, row by row (for its CSV download)."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


class NotebookTable(SphinxDirective):
    """Show a table a notebook glued (``myst_nb.glue(key, df, display=False)``), with a caption
    and a CSV download of it.

    ``:::{notebook-table} KEY`` with option ``:doc: notebooks/NAME.ipynb`` (relative to the
    page); the directive's content is the caption. The table is the notebook's own HTML output
    under that glue key (never found by the cell's code), so the page shows the numbers the
    library computed; its cells are written to ``downloads/<notebook>-<key>.csv``.
    """

    required_arguments = 1
    has_content = True
    option_spec = {"doc": directives.unchanged_required}

    def run(self):
        key = self.arguments[0]
        rel, path = self.env.relfn2path(self.options["doc"], self.env.docname)
        self.env.note_dependency(path)
        glued = _glued(path).get(key, {}).get("data", {})
        if "text/html" not in glued:
            raise self.error(f"no table glued under {key!r} in {rel}")
        body = glued["text/html"] if isinstance(glued["text/html"], str) else "".join(glued["text/html"])
        parser = _TableText()
        parser.feed(body)
        name = f"{Path(rel).stem}-{key}"
        csv_text = pd.DataFrame(parser.rows[1:], columns=parser.rows[0]).to_csv(index=False,
                                                                             lineterminator="\n")
        write_if_changed(Path(self.env.srcdir) / GENERATED / "extra" / DOWNLOADS / f"{name}.csv", csv_text)
        prefix = "../" * self.env.docname.count("/")
        link = (f'<p class="ms-csv"><a class="ms-csv-link" href="{prefix}{DOWNLOADS}/{name}.csv" '
                f'download="{name}.csv">Download this table (CSV)</a></p>')
        out = [nodes.raw("", f'{link}<div class="ms-nbtable">{body}</div>', format="html")]
        if self.content:
            par = nodes.paragraph(classes=["ms-nbtable-caption"])
            par += self.parse_inline("\n".join(self.content))[0]
            out.append(par)
        return out


def setup(app):
    app.connect("config-inited", _config_inited, priority=900)
    app.add_role("study", study_role)
    # after myst_nb (listed first in conf.py), whose glue domain this directive extends
    app.add_directive_to_domain("glue", "figure", GlueFigure, override=True)
    app.add_directive("notebook-table", NotebookTable)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
