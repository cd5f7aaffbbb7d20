"""Words for the summary of findings of :func:`matstats.tables.sof.summary_of_findings`:
:func:`sof_reader_tables` gives one reader's table per outcome, as the clinicians' page shows.
"""

from __future__ import annotations

import pandas as pd

from matstats.evidence.citations import study_label
from matstats.tables.reader import format_value
from matstats.vocab import RUNG_LABELS, _code_words, _word

__all__ = ["sof_reader_tables"]

_COMPARISON_NAMES = {**RUNG_LABELS,
                     "unclear": "a control group of unreported kind",
                     "none": "no control group (before-after, survey, single case)"}
#: What studies report, by result direction: (one study, several studies).
_DIRECTION_WORDS = {"favours_mat": ("favours the mat", "favour the mat"),
                    "no_difference": ("finds no difference", "find no difference"),
                    "favours_control": ("favours the control", "favour the control"),
                    "mixed": ("reports mixed results", "report mixed results"),
                    "not_reported": ("reports no result", "report no result")}


def _effect_sentence(row) -> str:
    """The ``effect`` of :func:`sof_reader_tables` for one row (ties in direction counts keep
    the order of :data:`_DIRECTION_WORDS`)."""
    counts = [(d, int(row.get(f"n_{d}", 0))) for d in _DIRECTION_WORDS]
    counts = sorted((c for c in counts if c[1] > 0), key=lambda c: -c[1])
    said = "; ".join(f"{n} {'study' if n == 1 else 'studies'} "
                     f"{_DIRECTION_WORDS[d][0 if n == 1 else 1]}" for d, n in counts)
    if int(row["k"]) > 0:
        head = (f"g = {format_value(row['estimate'], 2)} (95% CI "
                f"{format_value(row['ci_low'], 2)} to {format_value(row['ci_high'], 2)}), "
                f"{row['model']}")
        if row.get("inference_only", False):
            head += " (built only from rows marked as our inference, not stated by the source)"
    else:
        head = "no usable effect size"
    counts_text = "".join(
        f"; {study_label(sid)}: {k} of {n} ({measure.replace('_', ' ')})"
        for sid, measure, k, n in (
            (c.split(":")[0], c.split(":")[1], *c.split(":")[2].split("/"))
            for c in str(row.get("harm_counts") or "").split(";") if c))
    return (f"{head}; {said}" if said else head) + counts_text


def sof_reader_tables(sof: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The summary of findings as the reader sees it: one table per outcome.

    Parameters
    ----------
    sof : pandas.DataFrame
        Output of :func:`matstats.tables.sof.summary_of_findings`.

    Returns
    -------
    dict of str to pandas.DataFrame
        The outcome's name (e.g. ``"Quality of life"``) -> its rows, in table order, with
        columns ``comparison`` (``"mat vs <kind of control>"``), ``effect`` (the pooled g
        with its 95% interval and model, or "no usable effect size", then how many studies
        report each direction, most frequent first, then any adverse-event counts, e.g.
        "Saha 2016 (lbp): 9 of 91 (ae any)"), ``grade`` (``"not graded"`` for
        ``"none"``), ``grade_reasons`` (in words, per study, ``" · "``-joined; an em dash when none), ``n`` and ``study_ids`` as in
        the table.

    Examples
    --------
    >>> from matstats.tables.sof import summary_of_findings
    >>> t = sof_reader_tables(summary_of_findings())
    >>> list(t)[0], t["Pain"]["comparison"].iloc[0]
    ('Pain', 'mat vs no treatment / waiting list / open add-on')
    """
    out = {}
    for dom in dict.fromkeys(sof["outcome_domain"]):
        rows = sof[sof["outcome_domain"] == dom]
        name = _word("outcome_domain", dom)  # data/schema.json's words
        out[name[:1].upper() + name[1:]] = pd.DataFrame({
            "comparison": [f"mat vs {_COMPARISON_NAMES[c]}" for c in rows["comparison"]],
            "effect": [_effect_sentence(r) for _, r in rows.iterrows()],
            "grade": ["not graded" if g == "none" else g for g in rows["grade"]],
            "grade_reasons": [_code_words(r).replace("(-1)", "(down one level)") if r else "\u2014"
                              for r in rows["grade_reasons"]],
            "n": rows["n"].to_numpy(),
            "study_ids": rows["study_ids"].to_numpy(),
        })
    return out
