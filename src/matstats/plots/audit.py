"""Figures of the claims audit: verdict counts (matplotlib) and the trace of a headline
figure (an HTML flowchart whose studies link to their sources)."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pandas as pd

from matstats.audit import VERDICTS, verdict_counts
from matstats.plots._style import OKABE_ITO, _axes

if TYPE_CHECKING:  # matplotlib is imported by the plots only: the flowchart is HTML
    from matplotlib.figure import Figure

__all__ = ["plot_verdicts", "flowchart_html"]

#: One colour per claim kind (colour-blind-safe Okabe-Ito hues).
KIND_COLOURS = dict(zip(("study_table_row", "condition_table_row", "text_claim", "argument"),
                        OKABE_ITO))


def plot_verdicts(audit: pd.DataFrame, *, ax=None,
                  figsize: tuple[float, float] = (8.0, 4.0)) -> Figure:
    """Horizontal stacked bars: number of claims per verdict, split by claim kind.

    Parameters
    ----------
    audit : pandas.DataFrame
        Output of :func:`matstats.audit.audit_claims`.
    ax, figsize
        See :mod:`matstats.plots`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matstats.audit import audit_claims
    >>> fig = plot_verdicts(audit_claims(), figsize=(6, 3))
    >>> fig.get_size_inches().tolist()
    [6.0, 3.0]
    """
    counts = verdict_counts(audit)
    fig, ax = _axes(ax, figsize)
    order = list(VERDICTS)[::-1]
    left = pd.Series(0, index=order, dtype=float)
    for kind, grp in counts.groupby("claim_kind", sort=False):
        vals = grp.set_index("verdict")["n"].reindex(order).fillna(0)
        ax.barh(order, vals, left=left, color=KIND_COLOURS.get(kind, "0.5"), label=kind, edgecolor="white")
        left += vals
    for y, total in enumerate(left):
        ax.text(total + 0.1, y, f"{int(total)}", va="center", fontsize=9)
    ax.set_xlabel("number of claims")
    ax.set_ylabel("verdict")
    ax.set_title("Verdicts on the seed articles' claims (computed by matstats.audit)")
    ax.legend(title="claim kind", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_xlim(0, max(left.max(), 1) * 1.15)
    fig.tight_layout()
    return fig


_STAGE_WORDS = {"source": "Where it starts", "relay": "Repeated by", "claim": "Claimed as"}
_ATTR_WORDS = {"figure": "the percentage", "design": "the design", "n": "the number of people",
               "country": "the country", "year": "the year", "dose_min_per_day": "the daily dose",
               "duration_weeks": "the duration"}
_STUDY_ID = re.compile(r"\b([a-z]+\d{4}_[a-z0-9_]+|nct\d{8}_[a-z0-9_]+)\b")


def _plain(text: str) -> list[str]:
    """Trace text in plain words, one item per fact: study ids marked ``\x01id\x01`` (for a
    link), no arrows, no ``name=value``."""
    def ids(t: str) -> str:  # the split keeps each id at an odd position
        return "".join(f"\x01{p}\x01" if i % 2 else p.replace("_", " ")
                       for i, p in enumerate(_STUDY_ID.split(t)))

    items = []
    for part in str(text).split("; "):
        m = re.match(r"^(\w+) (.*?) <- (.*)$", part)
        if m:
            attr, value, src = m.groups()
            items.append(f"{_ATTR_WORDS.get(attr, attr.replace('_', ' '))} ({value}) comes from "
                         f"{ids(src.replace('+', ' + '))}")
        elif part:
            items.append(ids(re.sub(r"\bn_(?:enrolled|analysed)=(\d+)", r"\1", part)))
    return items


def flowchart_html(trace: pd.DataFrame, bib: dict | None = None, *, bib_href: str | None = None,
                   claim_href: str | None = None) -> str:
    """The path of a headline figure as an HTML flowchart: one box per step, top to bottom.

    Text is in plain words (study names instead of ids, "comes from" instead of arrows);
    every study named links to its source (:func:`matstats.evidence.citations.study_link_html`)
    and the pages that repeated the figure link to themselves. The boxes are an ordered list
    (``ol.ms-trace``, one ``li.ms-trace-<stage>`` per step) that the reader site styles.

    Parameters
    ----------
    trace : pandas.DataFrame
        Output of :func:`matstats.audit.trace.trace_figure`.
    bib : dict, optional
        Output of :func:`matstats.evidence.citations.bibliography` (default: the bundled data's).
    bib_href : str, optional
        URL of the bibliography page: each study also gets a "[ref]" link to its entry.
    claim_href : str, optional
        URL of a claim's row with ``{}`` for the claim id (e.g. ``"evidence.html#claim-{}"``):
        each claim's id links there.

    Returns
    -------
    str
        The ``<ol>`` element.

    Examples
    --------
    >>> from matstats.audit.trace import trace_figure
    >>> flowchart_html(trace_figure(98)).count('<li class="ms-trace-step')
    6
    """
    from matstats.evidence.citations import bibliography, study_link_html
    from matstats.tables.reader import nobreak_numbers
    from matstats.vocab import _code_words

    if len(trace) == 0:
        raise ValueError("trace is empty: no study or claim carries that figure")
    bib = bibliography() if bib is None else bib
    pages = {host: url for e in bib.values() for host, url in e.links}

    def words(text: str) -> str:  # in words, escaped, every study id a link to its source
        text = html.escape(_code_words(text))
        return nobreak_numbers(re.sub("\x01([a-z0-9_]+)\x01", lambda m: study_link_html(
            m.group(1), bib, bib_href=bib_href), text))

    steps = []
    for r in trace.itertuples():
        where = str(r.where)
        if r.stage == "source":
            where = words(f"\x01{where}\x01")
        elif r.stage == "relay":
            where = ", ".join(f'<a class="reference external" href="{html.escape(pages[h], quote=True)}">'
                              f"{html.escape(h)}</a>" if h in pages else html.escape(h)
                              for h in where.split(", "))
        else:
            cid, _, rest = where.partition(" in ")
            link = (f'<a class="reference internal" href="{html.escape(claim_href.format(cid), quote=True)}">'
                    f"Claim {html.escape(cid)}</a>" if claim_href else f"Claim {html.escape(cid)}")
            where = f"{link} in {nobreak_numbers(html.escape(rest))}"
        facts = [f"design: {'randomized trial (RCT)' if r.design == 'rct' else r.design}"] if r.design else []
        facts += [f"{r.n} people"] if r.n else []
        facts += (["no control group" if r.control == "none" else f"control: {r.control}"]
                  if r.control else [])
        verdict = (f' <span class="ms-badge ms-verdict-{str(r.verdict).replace("_", "-")}">'
                   f'{html.escape(str(r.verdict).replace("_", " "))}</span>' if r.verdict else "")
        items = "".join(f"<li>{words(t)}</li>" for t in _plain(r.detail))
        steps.append(
            f'<li class="ms-trace-step ms-trace-{r.stage}"><p class="ms-trace-head"><strong>'
            f'{_STAGE_WORDS.get(r.stage, r.stage)}:</strong> {where}</p>'
            f'<p class="ms-trace-label">{"; ".join(words(t) for t in _plain(r.label))}</p>'
            f'<p class="ms-trace-facts">{nobreak_numbers(html.escape(" · ".join(facts)))}{verdict}</p>'
            f'<ul class="ms-trace-detail">{items}</ul></li>')
    return '<ol class="ms-trace">\n' + "\n".join(steps) + "\n</ol>\n"
