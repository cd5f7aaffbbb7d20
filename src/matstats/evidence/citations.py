"""Citations: one bibliography built from ``data/studies.csv``, and study references as links.

Every place that shows a study (notebooks, the reader site, figure captions) goes through
this module, so a study is always named the same way and links to its first https source
(DOI, PubMed record, ClinicalTrials.gov record, then each ``source_url``). A study whose
data carry no source (the two web reviews the dossier names only by the seed article's
reference, section C11) links to its bibliography entry, which says :data:`NO_SOURCE_TEXT`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from matstats._core import cells as _cells

__all__ = ["BibEntry", "NO_SOURCE_TEXT", "article_label", "bibliography", "cite", "linkify",
           "study_label",
           "study_link_html"]

#: What a bibliography entry says when the data record no public source for a study.
NO_SOURCE_TEXT = "no public source recorded"

#: Anchor of a study's entry on a bibliography page: ``references.html#study-<id>``.
ANCHOR_PREFIX = "study-"


@dataclass(frozen=True)
class BibEntry:
    """One study of the bibliography.

    Attributes
    ----------
    study_id, label, citation, year, status : str
        Identifier, short label, the citation text of ``studies.csv``, year ('' when
        unknown) and evidence status in words.
    links : tuple of (text, url)
        Every source, DOI first.
    cited_in : tuple of str
        Seed articles citing the study.
    lines : tuple of int
        1-based lines of the study's rows in ``studies.csv``.
    source_section : str
        Section of the evidence dossier the data name for the study.
    """

    study_id: str
    label: str
    citation: str
    year: str = ""
    status: str = ""
    links: tuple = field(default_factory=tuple)
    cited_in: tuple = field(default_factory=tuple)
    lines: tuple = field(default_factory=tuple)
    source_section: str = ""

    @property
    def primary_url(self) -> str | None:
        """First https link (DOI, PubMed, registry, then the source URLs), or None."""
        for _, url in self.links:
            if url.startswith("https://"):
                return url
        return None


def study_label(study_id: str) -> str:
    """Short human label of a study id.

    >>> study_label("hohmann2012_neck")
    'Hohmann 2012 (neck)'
    >>> study_label("nct06644365")
    'NCT06644365'
    """
    nct = re.match(r"^(nct\d{8})()(?:_(.*))?$", study_id)  # no year group: an empty one
    m = nct or re.match(r"^([a-z]+?)(\d{4})?(?:_(.*))?$", study_id)
    if not m:
        return study_id
    head, year, rest = m.groups()
    text = (head.upper() if nct else head.capitalize()) + (f" {year}" if year else "")
    if rest:
        text += f" ({rest.replace('_', ' ')})"
    return text


def _links(row: pd.Series) -> tuple:
    links = []
    if not _cells.is_missing(row.get("doi")):
        links.append((f"doi:{row['doi']}", f"https://doi.org/{row['doi']}"))
    if not _cells.is_missing(row.get("pmid")):
        pmid = _cells.text(row["pmid"]).removesuffix(".0")
        links.append((f"PubMed {pmid}", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    if not _cells.is_missing(row.get("registry_id")):
        links.append((f"{row['registry_id']} (ClinicalTrials.gov)",
                      f"https://clinicaltrials.gov/study/{row['registry_id']}"))
    for url in _cells.split_list(row.get("source_url")):
        host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
        links.append((host, url))
    return tuple(links)


def bibliography(studies: pd.DataFrame | None = None) -> dict[str, BibEntry]:
    """One entry per ``study_id`` of ``studies``, in file order, with every source as a link.

    Parameters
    ----------
    studies : pandas.DataFrame, optional
        Study rows (default: ``matstats.load_studies()``).

    Returns
    -------
    dict of str -> BibEntry

    Examples
    --------
    >>> bib = bibliography()
    >>> bib["hohmann2012_neck"].label
    'Hohmann 2012 (neck)'
    >>> bib["hohmann2012_neck"].primary_url.startswith("https://")
    True
    """
    if studies is None:
        return dict(_default_bibliography())
    out: dict[str, BibEntry] = {}
    for sid, rows in studies.groupby("study_id", sort=False):
        r = rows.iloc[0]
        year = _cells.number(r.get("year"))
        out[str(sid)] = BibEntry(
            study_id=str(sid), label=study_label(str(sid)), citation=_cells.text(r.get("citation")),
            year="" if pd.isna(year) else str(int(year)),
            status=_cells.text(r.get("evidence_status")).replace("_", " "),
            links=_links(r), cited_in=_cells.split_list(r.get("cited_in")),
            lines=tuple(int(x) for x in rows["line"]) if "line" in rows else (),
            source_section=_cells.text(r.get("source_section")),
        )
    return out


@lru_cache(maxsize=1)
def _default_bibliography() -> tuple:
    from matstats.evidence.data_io import load_studies

    return tuple(bibliography(load_studies()).items())


def study_link_html(study_id: str, bib: dict[str, BibEntry] | None = None, *,
                    bib_href: str | None = None) -> str:
    """The HTML of one study reference: its label linked to its first https source.

    Parameters
    ----------
    study_id : str
    bib : dict, optional
        Output of :func:`bibliography` (default: the bundled data's).
    bib_href : str, optional
        URL of the bibliography page (e.g. ``"../references.html"``). When given, a
        small "[ref]" link to the study's entry follows the label, and a study without a
        source links to its entry. Without it (notebooks), a study without a source is
        plain text marked ``ms-nosource``.

    Returns
    -------
    str
        ``<a class="ms-study" data-study="<id>" href="https://..." title="<citation>">label</a>``;
        an unknown id is returned escaped, in a ``ms-study-unknown`` span.

    Examples
    --------
    >>> study_link_html("hohmann2012_neck")[:50]
    '<a class="ms-study reference external" data-study='
    """
    bib = bibliography() if bib is None else bib
    entry = bib.get(study_id)
    if entry is None:
        return f'<span class="ms-study-unknown">{html.escape(study_id)}</span>'
    title = html.escape(entry.citation, quote=True)
    label = html.escape(entry.label)
    anchor = f"{bib_href}#{ANCHOR_PREFIX}{entry.study_id}" if bib_href else None
    if entry.primary_url:
        main = (f'<a class="ms-study reference external" data-study="{entry.study_id}" '
                f'href="{html.escape(entry.primary_url, quote=True)}" title="{title}">{label}</a>')
    elif anchor:
        main = (f'<a class="ms-study ms-nosource reference internal" data-study="{entry.study_id}" '
                f'href="{anchor}" title="{title} ({NO_SOURCE_TEXT})">{label}</a>')
    else:
        main = (f'<span class="ms-nosource" data-study="{entry.study_id}" '
                f'title="{title} ({NO_SOURCE_TEXT})">{label} ({NO_SOURCE_TEXT})</span>')
    if anchor:
        main += (f'<sup class="ms-bibref"><a class="reference internal" href="{anchor}" '
                 f'aria-label="bibliography entry for {label}">[ref]</a></sup>')
    return main


def cite(study_id: str, fmt: str = "markdown", bib: dict[str, BibEntry] | None = None, *,
         bib_href: str | None = None) -> str:
    """A study reference for prose: Markdown ``[label](url)`` (default) or HTML.

    >>> cite("hohmann2012_neck").startswith("[Hohmann 2012 (neck)](https://")
    True
    """
    if fmt == "html":
        return study_link_html(study_id, bib, bib_href=bib_href)
    if fmt != "markdown":
        raise ValueError(f"fmt must be 'markdown' or 'html', got {fmt!r}")
    bib = bibliography() if bib is None else bib
    entry = bib.get(study_id)
    if entry is None:
        return study_id
    if entry.primary_url:
        return f"[{entry.label}]({entry.primary_url})"
    if bib_href:
        return f"[{entry.label}]({bib_href}#{ANCHOR_PREFIX}{entry.study_id})"
    return f"{entry.label} ({NO_SOURCE_TEXT})"


def _id_pattern(bib: dict[str, BibEntry]) -> re.Pattern | None:
    if not bib:
        return None
    ids = sorted(bib, key=len, reverse=True)
    return re.compile(r"(?<![\w/#-])(" + "|".join(map(re.escape, ids)) + r")(?![\w])")


def linkify(text: str, bib: dict[str, BibEntry] | None = None, *, fmt: str = "html",
            bib_href: str | None = None, escape: bool = True) -> str:
    """Replace every study id in ``text`` with its reference.

    Parameters
    ----------
    text : str
    bib : dict, optional
        Bibliography (default: the bundled data's).
    fmt : {"html", "markdown"}
    bib_href : str, optional
        See :func:`study_link_html`.
    escape : bool, default True
        HTML-escape the rest of the text first (``fmt="html"`` only).

    Examples
    --------
    >>> linkify("from hohmann2012_neck", fmt="markdown")[:26]
    'from [Hohmann 2012 (neck)]'
    """
    bib = bibliography() if bib is None else bib
    out = html.escape(text) if (escape and fmt == "html") else text
    rx = _id_pattern(bib)
    if rx is None:
        return out
    return rx.sub(lambda m: cite(m.group(1), fmt, bib, bib_href=bib_href), out)


@lru_cache(maxsize=1)
def _article_labels() -> dict[str, str]:
    """``seed_file`` -> the label readers see: the title in quotes (or the description of an
    untitled article), author, outlet (up to its first parenthesis) and date (articles.csv)."""
    from matstats.evidence.data_io import load_articles

    out = {}
    for _, r in load_articles().iterrows():
        title = _cells.text(r.get("title"))
        title = title.removeprefix("(untitled) ") if title.startswith("(untitled)") else f'"{title}"'
        parts = [title, _cells.text(r.get("author")),
                 _cells.text(r.get("outlet")).split(" (")[0], _cells.text(r.get("date")).split(" (")[0]]
        out[_cells.text(r.get("seed_file"))] = ", ".join(p for p in parts if p)
    return out


def article_label(seed_file: str) -> str:
    """The reader's label of one article: title, author, outlet and date from
    ``data/articles.csv`` (never its internal file identifier); '' when unknown.

    >>> article_label("004_3ced4e9c5d9f4de9.txt").split(", ")[-1]
    'LuckyVitamin.com'
    >>> article_label("001_87afabff05dd9acc.txt").endswith("Parsley Health, 2021-04-27")
    True
    """
    return _article_labels().get(str(seed_file), "")
