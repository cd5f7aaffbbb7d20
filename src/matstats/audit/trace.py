"""Trace claims to their sources: which linked study each claimed detail comes from, and how
a headline percentage travelled from a study through web pages into the claims.

Built on the verdicts and cell helpers of :mod:`matstats.audit`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from matstats._core import cells as _cells
from matstats.audit.context import (
    _distinct_values,
    _num,
    _pct_match,
    _row_n,
    _row_percentages,
    _study_sizes,
    _text,
)
from matstats.audit.ledger import audit_claims, _load_defaults
from matstats.evidence.citations import article_label
from matstats.vocab import _code_words, _word

__all__ = ["trace_claim", "trace_figure"]

#: Nationality adjectives in claim labels -> the ``country`` value they imply.
_DEMONYMS = {
    "Swedish": "Sweden",
    "German": "Germany",
    "Italian": "Italy",
    "Thai": "Thailand",
    "Turkish": "Turkiye",
    "American": "USA",
    "Taiwanese": "Taiwan",
}

_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*min(?:utes)?\s*/\s*day")
_WEEKS = re.compile(r"(\d+(?:\.\d+)?)(?:\s*-\s*(\d+(?:\.\d+)?))?[\s-]*weeks?\b")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_TRACE_COLUMNS = ["claim_id", "attribute", "claimed", "study_id", "found", "match"]

def _claim_text(claim: pd.Series) -> str:
    parts = [_text(claim.get(f"cell_{i}")) for i in range(1, 7)]
    parts += [_text(claim.get("claimed_figure")), _text(claim.get("claim_text"))]
    return " ".join(p for p in parts if p)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _study_value(grp: pd.DataFrame, col: str) -> str:
    return _distinct_values(grp, col).split(";")[0] if col in grp.columns else ""


# One generator per kind of claimed detail; each yields
# (attribute, claimed, study_id, found, match) for every linked study (or pair).
def _figures(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    for pct in _cells.percentages(claim.get("claimed_figure")):
        for sid, grp in per_study.items():
            spots = [(f, r) for _, r in grp.iterrows() for f in _row_percentages(r)
                     if _pct_match(pct, f)]
            if not spots:
                yield "figure", f"{pct:g}%", sid, "", False
                continue
            f, r = spots[0]
            resp, den = _num(r.get("responders")), _num(r.get("denominator"))
            count = f" (count {resp:g}/{den:g})" if resp is not None and den else ""
            found = f"{f:.1f}%{count} {_word('outcome_measure', _text(r.get('outcome_measure')))}"
            yield "figure", f"{pct:g}%", sid, found, True


def _fields(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    for col in ("design", "control"):
        claimed = _text(claim.get(f"claimed_{col}"))
        if claimed:
            for sid, grp in per_study.items():
                found = _study_value(grp, col)
                yield col, claimed, sid, found, found == claimed


def _sizes(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    claimed_n = _num(claim.get("claimed_n"))
    if claimed_n is None:
        return
    claimed, target = f"{claimed_n:g}", int(claimed_n)
    ns = _study_sizes(pd.concat(per_study.values())) if per_study else {}
    for sid in per_study:
        yield "n", claimed, sid, _fmt(ns.get(sid)), ns.get(sid) == target
    keys = [k for k in per_study if k in ns]
    for i, a in enumerate(keys):  # two trials reported in one paper
        for b in keys[i + 1:]:
            total = ns[a] + ns[b]
            yield "n", claimed, f"{a}+{b}", f"{ns[a]}+{ns[b]}={total}", total == target


def _countries(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    text = _claim_text(claim)
    for adjective, country in _DEMONYMS.items():
        if re.search(rf"\b{adjective}\b", text):
            for sid, grp in per_study.items():
                found = _study_value(grp, "country")
                yield "country", f"{adjective} ({country})", sid, found, found == country


def _year(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    if _text(claim.get("table_name")) != "all_key_studies":
        return
    cell = _YEAR.match(_text(claim.get("cell_2")))
    if cell:
        for sid, grp in per_study.items():
            found = _study_value(grp, "year")
            yield "year", cell.group(1), sid, found, found == cell.group(1)


def _dose_and_duration(claim: pd.Series, per_study: dict) -> Iterator[tuple]:
    text = _claim_text(claim)
    for attr, pattern in (("dose_min_per_day", _DOSE), ("duration_weeks", _WEEKS)):
        m = pattern.search(text)
        if not m:
            continue
        claimed_vals = {float(v) for v in m.groups() if v is not None}
        for sid, grp in per_study.items():
            vals = {v for v in (_num(x) for x in grp.get(attr, [])) if v is not None}
            found = ";".join(_fmt(v) for v in sorted(vals))
            yield attr, m.group(0).strip(), sid, found, bool(vals & claimed_vals)


_DETAILS = (_figures, _fields, _sizes, _countries, _year, _dose_and_duration)


def trace_claim(
    claim_id: str, claims: pd.DataFrame | None = None, studies: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Which linked study each claimed detail of one claim matches.

    Details come from the claim's fields and cells (e.g. "Swedish" in the label -> country
    Sweden, ``N min/day`` in the text -> dose); for N, the sum over every pair of linked
    studies is compared too (two trials reported in one paper).

    Parameters
    ----------
    claim_id : str
        The claim to trace.
    claims, studies : pandas.DataFrame, optional
        Defaults: ``matstats.load_claims()`` and ``matstats.load_studies()``.

    Returns
    -------
    pandas.DataFrame
        One row per (claimed detail, linked study or pair) with columns
        ``claim_id``, ``attribute`` (figure, design, n, control, country, year,
        dose_min_per_day, duration_weeks), ``claimed`` (the claimed value as
        text), ``study_id`` (``a+b`` for a pair), ``found`` (the study's value
        as text, '' when it reports none) and ``match`` (bool).

    Raises
    ------
    ValueError
        If ``claim_id`` is not in ``claims``.

    Examples
    --------
    >>> tr = trace_claim("T1.1")
    >>> tr.loc[tr["match"] & (tr["attribute"] == "figure"), "study_id"].tolist()
    ['zilberter1999_survey']
    """
    claims, studies = _load_defaults(claims, studies)
    hit = claims[claims["claim_id"].astype(str) == str(claim_id)]
    if hit.empty:
        raise ValueError(f"unknown claim_id {claim_id!r}")
    claim = hit.iloc[0]
    ids = _cells.split_list(claim.get("study_ids"))
    linked = studies[studies["study_id"].astype(str).isin(ids)]
    per_study = {sid: linked[linked["study_id"].astype(str) == sid] for sid in ids}
    rows = [(str(claim_id), a, c, sid, f, bool(m))
            for detail in _DETAILS for a, c, sid, f, m in detail(claim, per_study)]
    return pd.DataFrame(rows, columns=_TRACE_COLUMNS).astype({"match": bool})  # bool if empty


def trace_figure(
    figure: float, claims: pd.DataFrame | None = None, studies: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How one headline percentage travelled from its source into the claims.

    Parameters
    ----------
    figure : float
        The percentage to follow, e.g. ``98`` for "98% pain relief".
    claims, studies : pandas.DataFrame, optional
        Defaults: ``matstats.load_claims()`` and ``matstats.load_studies()``.

    Returns
    -------
    pandas.DataFrame
        One row per step, in order: first every study row reporting the
        percentage (``stage`` = ``source``), then the pages the source is
        known through (``stage`` = ``relay``: the hosts of its ``source_url``
        and the follow-up vs responder counts), then every claim whose
        ``claimed_figure`` names the percentage (``stage`` = ``claim``).
        Columns: ``step`` (1-based), ``stage``, ``where`` (study_id, hosts,
        or ``claim_id in`` the article's reader label), ``label`` (citation or the claim's label),
        ``design``, ``n``, ``control``, ``detail`` (what the step reports or
        which claimed details came from which study, per :func:`trace_claim`)
        and ``verdict`` (claims only, from :func:`audit_claims`).

    Raises
    ------
    ValueError
        If ``figure`` is not a number between 0 and 100.

    Examples
    --------
    >>> trace_figure(98)["stage"].tolist()[:2]
    ['source', 'relay']
    """
    pct = _num(figure)
    if pct is None or not 0 <= pct <= 100:
        raise ValueError(f"figure must be a percentage between 0 and 100, got {figure!r}")
    claims, studies = _load_defaults(claims, studies)
    sources = [r for _, r in studies.iterrows()
               if any(_pct_match(pct, f) for f in _row_percentages(r))]
    steps = ([_source_step(r) for r in sources] + _relay_steps(sources, studies)
             + _claim_steps(pct, claims, studies))
    out = pd.DataFrame(steps, columns=["stage", "where", "label", "design", "n", "control",
                                       "detail", "verdict"])
    out.insert(0, "step", range(1, len(out) + 1))
    return out


def _source_step(r: pd.Series) -> dict:
    resp, den = _num(r.get("responders")), _num(r.get("denominator"))
    enrolled, analysed = _num(r.get("n_enrolled")), _num(r.get("n_analysed"))
    detail = f"{_text(r.get('reported_effect'))}"
    if resp is not None and den:
        detail += (f"; {resp:g}/{den:g} = {100 * resp / den:.1f}% "
                   f"({_word('count_status', _text(r.get('count_status')) or 'reported')} count)")
    if enrolled is not None and analysed is not None:
        detail += f"; {analysed:g} of {enrolled:g} followed-up users answered"
    return {"stage": "source", "where": _text(r["study_id"]), "label": _text(r.get("citation")),
            "design": _text(r.get("design")), "n": _fmt(_row_n(r)),
            "control": _text(r.get("control")), "detail": detail, "verdict": ""}


def _relay_steps(sources: list[pd.Series], studies: pd.DataFrame) -> list[dict]:
    steps = []
    for sid in dict.fromkeys(_text(r["study_id"]) for r in sources):
        r = studies[studies["study_id"].astype(str) == sid].iloc[0]
        hosts = [re.sub(r"^https?://(www\.)?", "", u).split("/")[0]
                 for u in _cells.split_list(r.get("source_url"))]
        enrolled, analysed = _num(r.get("n_enrolled")), _num(r.get("n_analysed"))
        detail = ("" if enrolled is None or analysed is None
                  else f"{enrolled:g} users followed up vs {analysed:g} respondents")
        steps.append({"stage": "relay", "where": ", ".join(dict.fromkeys(hosts)),
                      "label": f"web pages carrying {sid}", "design": "", "n": _fmt(enrolled),
                      "control": "", "detail": detail, "verdict": ""})
    return steps


def _claim_steps(pct: float, claims: pd.DataFrame, studies: pd.DataFrame) -> list[dict]:
    steps = []
    audit = audit_claims(claims, studies).set_index("claim_id")
    for _, c in claims.iterrows():
        if not any(_pct_match(pct, p) for p in _cells.percentages(c.get("claimed_figure"))):
            continue
        cid = _text(c["claim_id"])
        tr = trace_claim(cid, claims, studies)
        parts = []
        for (a, claimed), grp in tr[tr["match"]].groupby(["attribute", "claimed"], sort=False):
            if a in {"figure", "n"}:  # say which item / which Ns
                srcs = ", ".join(f"{g.study_id} ({g.found})" for g in grp.itertuples())
            else:
                srcs = ", ".join(dict.fromkeys(grp["study_id"]))
            parts.append(f"{_code_words(a)} {_word(a, claimed)} <- {srcs}")  # in words
        steps.append(
            {"stage": "claim", "where": f"{cid} in {article_label(_text(c.get('seed_file')))}",
             "label": _text(c.get("cell_1")) or _text(c.get("claim_text")),
             "design": _text(c.get("claimed_design")), "n": _fmt(_num(c.get("claimed_n"))),
             "control": _text(c.get("claimed_control")), "detail": "; ".join(parts),
             "verdict": audit.loc[cid, "verdict"]}
        )
    return steps
