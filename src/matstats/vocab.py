"""The project's words: labels of ``data/schema.json`` and the groupings analyses use.

Every enumeration of a data column comes from the schema (:func:`labels`); every grouping of
those labels (which devices are mats, which controls are open, which outcome domains are
"lower is better") is defined here once and checked against the schema by the tests. The
single orientation rule of the project, :func:`benefit_sign`, lives here too.

Sign convention
---------------
A between-group ``estimate`` in ``studies.csv`` is *intervention minus control* on the
outcome's own scale. An effect is "oriented" when multiplied by :func:`benefit_sign`, so that
a positive oriented effect always means the intervention did better (less pain, more
quality of life). Nothing else in the library flips signs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

from matstats._core import cells as _cells
from matstats._core.bundled import load_schema

__all__ = [
    "SIGN_CONVENTION",
    "labels",
    "MAT_DEVICES",
    "SEPARATE_DEVICES",
    "CONTROL_RUNG",
    "RUNGS",
    "RUNG_LABELS",
    "UNBLINDED_CONTROLS",
    "participants_unblinded",
    "DESIGN_RANK",
    "SECONDARY_DESIGNS",
    "RANDOMIZED_DESIGNS",
    "NO_RESULT_DESIGNS",
    "LOWER_BETTER_DOMAINS",
    "HIGHER_BETTER_DOMAINS",
    "MEASURE_HIGHER_BETTER",
    "higher_is_better",
    "benefit_sign",
]

SIGN_CONVENTION = (
    "positive = intervention better than control (less pain/stress, more quality of life)"
)


@lru_cache(maxsize=None)
def _fields() -> dict[tuple[str, str], dict]:
    schema = load_schema()
    return {(table, f["name"]): f for table, spec in schema["tables"].items()
            for f in spec["fields"]}


def labels(table: str, column: str) -> tuple[str, ...]:
    """Allowed labels of a ``label`` column, in schema order.

    >>> labels("studies", "control")[:3]
    ('sham', 'active', 'add_on')
    """
    field = _fields().get((table, column))
    if field is None or "enum" not in field:
        raise ValueError(f"{table}.{column} is not a label column of data/schema.json")
    return tuple(field["enum"])


def _word(column: str, code: str) -> str:
    """A code as reader's words: the schema's ``words`` of ``column`` (``found_`` prefix
    ignored), else the code with spaces for underscores."""
    fields = {n: f for (_t, n), f in _fields().items()}
    field = fields.get(column) or fields.get(column.removeprefix("found_"), {})
    return field.get("words", {}).get(code, code.replace("_", " "))


@lru_cache(maxsize=None)
def _code_pattern() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    """Patterns of ``field=value`` and of bare snake_case schema codes, and the codes' words."""
    names = {n: f.get("reader", n.replace("_", " ")) for (_t, n), f in _fields().items()}
    codes = {c: _word(n, c) for (_t, n), f in _fields().items() for c in f.get("enum", ())
             if "_" in c}
    codes = {**codes, **{n: w for n, w in names.items() if "_" in n}}
    assign = re.compile(r"\b(%s|sig)=('[^']*'|[\w;.+-]*\w)" % "|".join(sorted(names, key=len)[::-1]))
    bare = re.compile(r"\b(%s)\b" % "|".join(sorted(codes, key=len)[::-1]))
    return assign, bare, {**codes, **{f"={n}": w for n, w in names.items()}, "=sig": "significant"}


def _code_words(text: str, slugs: frozenset = frozenset()) -> str:
    """Reader's words for the codes in a text: ``field=value`` becomes "field's name: value's
    words"; snake_case schema labels, field names and ``slugs`` (e.g. outcome measures) become
    words; the seed article's ``[web:NNN]`` citation markers are removed."""
    assign, bare, words = _code_pattern()
    text = re.sub(r"\s*\[web:\d+\]", "", text).replace("study_ids empty", "no study linked")
    text = assign.sub(lambda m: f"{words['=' + m[1]]}: " + (m[2] if m[2].startswith("'") else ", ".join(
        _word(m[1], v) for v in m[2].split(";"))), text)
    text = bare.sub(lambda m: words[m[1]], text)
    return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b",
                  lambda m: m[0].replace("_", " ") if m[0] in slugs else m[0], text)


# --------------------------------------------------------------------------- devices
#: Devices that count as an acupressure mat (a needle stimulation pad is a mat-like pad; a
#: backrest or manual finger acupressure is not).
MAT_DEVICES = frozenset({"mat", "needle_pad"})
#: Devices shown beside mats (e.g. on the control ladder) but never pooled with them.
SEPARATE_DEVICES = frozenset({"backrest"})

# --------------------------------------------------------------------------- controls
#: Control label -> rung of the control ladder (open controls first, sham last). An open
#: add-on comparison (mat + exercise vs the same exercise, Frizziero 2021) adds nothing to the
#: control arm and blinds no one: it sits with the open controls. ``unclear`` (the source does
#: not say what the control group did, Kjellgren 2011) and ``none`` have no rung.
CONTROL_RUNG = {
    "waitlist": "no_treatment",
    "no_treatment": "no_treatment",
    "add_on": "no_treatment",
    "active": "active",
    "sham": "sham",
}
#: Rungs from least to most strict, and their display labels.
RUNGS = ("no_treatment", "active", "sham")
RUNG_LABELS = {
    "no_treatment": "no treatment / waiting list / open add-on",
    "active": "active control",
    "sham": "sham",
}
#: Controls under which participants know what they received (open comparisons).
UNBLINDED_CONTROLS = frozenset({"waitlist", "no_treatment", "add_on", "active", "none"})


def participants_unblinded(control: str, blinding: str) -> bool:
    """Did participants know whether they had the intervention?

    A sham arm counts as blinding participants unless blinding is recorded as ``none``.
    """
    if control == "sham":
        return blinding == "none"
    return control in UNBLINDED_CONTROLS


# --------------------------------------------------------------------------- designs
#: Designs ordered by the strength of evidence they can give about a mat's effect (higher
#: is stronger); used to decide whether a claimed design overstates the one found.
DESIGN_RANK = {
    "rct": 5,
    "meta_analysis": 5,
    "crossover": 4,
    "controlled_trial": 4,
    "review": 3,
    "web_article": 0,
    "cohort": 2,
    "observational": 2,
    "single_arm": 2,
    "survey": 1,
    "single_case": 1,
    "vendor_report": 0,
    "registered_protocol": 0,
}
#: Kinds of source (``evidence_status``) that are never counted as studies: vendor pages,
#: blogs and web articles (an unverified "review" is a web page).
NON_STUDY_STATUSES = frozenset({"vendor_claim", "not_a_study", "review_unverified"})
#: Secondary sources whose contents are not primary study rows.
SECONDARY_DESIGNS = frozenset({"review", "meta_analysis"})
#: Designs that start at "high" certainty: randomized comparisons and syntheses of them.
RANDOMIZED_DESIGNS = frozenset({"rct", "crossover", "controlled_trial", "meta_analysis"})
#: Designs that carry no results.
NO_RESULT_DESIGNS = frozenset({"registered_protocol"})

# --------------------------------------------------------------------------- outcomes
#: Outcome domains in which a lower score is the better result, and those in which higher
#: is better. Sleep is ambiguous (PSQI: lower better; a quality rating: higher better) and
#: is decided by the outcome measure.
LOWER_BETTER_DOMAINS = frozenset(
    {"pain", "disability", "stress", "anxiety", "adverse_events", "medication"}
)
HIGHER_BETTER_DOMAINS = frozenset({"qol", "wellbeing"})
#: Outcome measures whose direction overrides their domain: True = higher is better.
MEASURE_HIGHER_BETTER = {
    "ppt": True,  # pressure pain threshold / tolerance: higher is better
    "ppt_max": True,
    "ppt_adjacent": True,
    "pain_threshold": True,
    "pain_tolerance": True,
    "psqi": False,
    "eq5d": True,
    "eq_5d": True,
}


def higher_is_better(domain: str, measure: str = "",
                     overrides: Mapping[str, bool] | None = None) -> bool | None:
    """Is a higher score the better result? ``None`` when the labels do not say.

    ``overrides`` maps outcome measures to True (higher better) or False and wins over
    :data:`MEASURE_HIGHER_BETTER`, which wins over the domain.
    """
    if overrides and measure in overrides:
        return bool(overrides[measure])
    if measure in MEASURE_HIGHER_BETTER:
        return MEASURE_HIGHER_BETTER[measure]
    if domain in LOWER_BETTER_DOMAINS:
        return False
    if domain in HIGHER_BETTER_DOMAINS:
        return True
    return None


def benefit_sign(row: Mapping, overrides: Mapping[str, bool] | None = None) -> float:
    """+1 or -1: the factor that turns ``intervention - control`` into "positive = benefit".

    Decided by the row's ``outcome_measure`` and ``outcome_domain`` (see
    :func:`higher_is_better`); NaN when they do not say which direction is better. The
    reported ``result_direction`` is *not* used to choose the sign: a reported estimate keeps
    its sign, so an estimate that disagrees with the stated direction stays visible.

    >>> benefit_sign({"outcome_domain": "pain", "outcome_measure": "nrs_pain"})
    -1.0
    """
    hib = higher_is_better(_cells.row_text(row, "outcome_domain"),
                           _cells.row_text(row, "outcome_measure"), overrides)
    if hib is None:
        return math.nan
    return 1.0 if hib else -1.0


# --------------------------------------------------------------------------- diaries
#: What people and spreadsheets write for a day that was not rated (compared in lower case,
#: after stripping): an empty cell, "n/a", "NA", "-", dashes, Excel's "#N/A", "missed".
MISSED_DAY_WORDS = frozenset({"", "n/a", "na", "-", "\u2013", "\u2014", "#n/a", "missed",
                              "missing", "none", "not rated"})
