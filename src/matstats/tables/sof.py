"""Summary of findings: one row per outcome and kind of comparison, with a GRADE-style certainty
(the **best** grade of the row's study contrasts, :func:`matstats.tables.audited.body_grade`).

Numbers and codes only; the reader's wording of a row is :mod:`matstats.narrative.sof`.
"""

from __future__ import annotations

import pandas as pd

from matstats import vocab
from matstats._core import cells as _cells
from matstats.audit.context import _study_sizes
from matstats.evidence.citations import study_label
from matstats.evidence.data_io import load_studies
from matstats.evidence.study_effects import study_effect_sizes
from matstats.ladder import pooled_by_control
from matstats.tables.audited import body_grade, grade_studies

__all__ = ["summary_of_findings"]

#: Outcome domains of the summary of findings, in reading order.
_DOMAINS = ("pain", "disability", "stress", "anxiety", "sleep", "qol", "wellbeing",
               "physiology", "adverse_events")
#: Kinds of comparison (``comparison`` of :func:`summary_of_findings`), in reading order.
_COMPARISONS = (*vocab.RUNGS, "unclear", "none")
#: Result directions counted per row (``n_<direction>`` columns), schema order.
_DIRECTIONS = vocab.labels("studies", "result_direction")
#: Columns of :func:`summary_of_findings`.
_COLUMNS = ("outcome_domain", "comparison", "k", "estimate", "ci_low", "ci_high", "model",
               "inference_only", *(f"n_{d}" for d in _DIRECTIONS), "grade", "grade_reasons",
               "harm_counts", "n", "study_ids")


def _comparison(control: str) -> str:
    """Kind of comparison of a study's ``control`` label (see :func:`summary_of_findings`)."""
    control = _cells.text(control)
    return "unclear" if control == "unclear" else vocab.CONTROL_RUNG.get(control, "none")


def _people(rows: pd.DataFrame):
    """People in a row: the sum over studies of each study's largest N; None if none."""
    sizes = _study_sizes(rows)
    return sum(sizes.values()) if sizes else None


def _harm_counts(rows: pd.DataFrame) -> str:
    """``study_id:outcome_measure:responders/denominator`` of rows counting people, ``;``-joined."""
    out = [f"{r.study_id}:{r.outcome_measure}:{int(r.responders)}/{int(r.denominator)}"
           for r in rows.itertuples()
           if pd.notna(getattr(r, "responders", None)) and pd.notna(getattr(r, "denominator", None))]
    return ";".join(out)


def summary_of_findings(
    studies: pd.DataFrame | None = None,
    effects=None,
    grades: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Summary of findings of the mat studies: one row per outcome and kind of comparison.

    Parameters
    ----------
    studies : pandas.DataFrame, optional
        Study rows (default ``matstats.load_studies()``); only mat devices
        (:data:`matstats.vocab.MAT_DEVICES`) count, and never vendor pages, blogs or web
        articles (:data:`matstats.vocab.NON_STUDY_STATUSES`).
    effects : MatEffects or pandas.DataFrame, optional
        Study effect sizes (default :func:`matstats.evidence.study_effects.study_effect_sizes`
        of ``studies``), pooled per outcome by :func:`matstats.ladder.pooled_by_control`.
    grades : pandas.DataFrame, optional
        Study grades (default :func:`matstats.tables.grade_studies` of ``studies``).

    Returns
    -------
    pandas.DataFrame
        Rows by outcome (pain, disability, stress, anxiety, sleep, qol, wellbeing,
        physiology, adverse_events) then comparison (no_treatment, active, sham, unclear, none),
        only where a mat study measured the outcome with that kind of comparison. Columns:

        - ``outcome_domain``, ``comparison`` (the rung of the control ladder of the study's
          ``control``, :data:`matstats.vocab.CONTROL_RUNG`, ``"unclear"`` for a control
          group of unreported kind, or ``"none"`` for no control group);
        - ``k``, ``estimate``, ``ci_low``, ``ci_high``, ``model`` : the pooled Hedges' g
          (positive = mat better) of :func:`matstats.ladder.pooled_by_control` on this
          outcome (k 0 and NaN for no usable effect size; always k 0 for ``"none"``);
        - ``inference_only`` : the pooled effect rests only on rows marked as our inference
          (``notes`` starting ``INFERENCE:``), not on a result the source states;
        - ``n_favours_mat``, ``n_favours_control``, ``n_no_difference``, ``n_mixed``,
          ``n_not_reported`` : studies by the direction they report most often on this
          outcome (ties: the first label alphabetically);
        - ``grade`` : certainty, :func:`body_grade` of the row's study contrasts
          (``"none"`` when nothing can be graded); ``grade_reasons`` : the downgrades of
          the contrasts that carry that grade, per study and named by its label
          (``"Hohmann 2012 (neck): risk of bias: ...; ... · Hohmann 2012 (lbp): ..."``;
          ``""`` when none);
        - ``harm_counts`` : adverse-event rows that count people,
          ``study_id:outcome_measure:responders/denominator``, ``;``-joined (``""`` otherwise);
        - ``n`` : people, the sum over studies of each study's largest N (``n_randomized``,
          else ``n_analysed``, else ``n_enrolled``), ``<NA>`` when no study reports one;
        - ``study_ids`` : ``;``-joined, in data order.

    Examples
    --------
    >>> sof = summary_of_findings()
    >>> sof.set_index(["outcome_domain", "comparison"]).at[("pain", "no_treatment"), "k"]
    np.int64(1)
    """
    if studies is None:
        studies = load_studies()
    if effects is None:
        effects = study_effect_sizes(studies)
    if grades is None:
        grades = grade_studies(studies)
    st = studies[studies["device"].isin(vocab.MAT_DEVICES)
                 & ~studies["evidence_status"].isin(vocab.NON_STUDY_STATUSES)]
    st = st.assign(comparison=st["control"].map(_comparison))
    if "contrast" not in st.columns:
        st = st.assign(contrast="")
    graded = grades.assign(_key=grades["study_id"] + "\x1f" + grades["contrast"])
    rows = []
    for dom in _DOMAINS:
        rows_dom = st[st["outcome_domain"] == dom]
        if rows_dom.empty:
            continue
        pooled = pooled_by_control(effects, domains=(dom,))
        pooled = pooled[pooled["device_group"] == "mat"].set_index("control_class")
        for comp in _COMPARISONS:
            sub = rows_dom[rows_dom["comparison"] == comp]
            if sub.empty:
                continue
            rows.append(_row(dom, comp, sub, pooled, graded, effects))
    out = pd.DataFrame(rows, columns=list(_COLUMNS))
    out["n"] = out["n"].astype("Int64")
    return out


def _inference_only(effects, dom: str, comp: str, ids: str) -> bool:
    """Do the pooled effect rows of this outcome and rung all rest on our inference?"""
    eff = getattr(effects, "effects", effects)
    used = eff[eff["study_id"].isin(ids.split(";")) & (eff["outcome_domain"] == dom)
               & (eff["control_class"] == comp) & eff["pooled_eligible"]]
    return bool(len(used)) and bool(used["inference"].all())


def _row(dom: str, comp: str, sub: pd.DataFrame, pooled: pd.DataFrame,
         graded: pd.DataFrame, effects) -> dict:
    ids = list(dict.fromkeys(sub["study_id"]))
    has_pool = comp in pooled.index and int(pooled.loc[comp, "k"]) > 0
    p = pooled.loc[comp] if has_pool else None
    said = sub.groupby("study_id", sort=False)["result_direction"].agg(
        lambda x: x.mode().iloc[0] if len(x) else "not_reported")
    keys = set(sub["study_id"].astype(str) + "\x1f" + sub["contrast"].map(_cells.text))
    gs = graded[graded["_key"].isin(keys)]
    grade = body_grade(gs["grade"])
    carrying = gs[gs["grade"] == grade] if grade != "none" else gs.iloc[0:0]
    reasons = {
        sid: "; ".join(dict.fromkeys(x.strip() for rs in grp["grade_reasons"]
                                     for x in str(rs).split(";") if x.strip()))
        for sid, grp in carrying.groupby("study_id", sort=False)}
    return {
        "outcome_domain": dom, "comparison": comp,
        "k": int(p["k"]) if has_pool else 0,
        "estimate": float(p["estimate"]) if has_pool else float("nan"),
        "ci_low": float(p["ci_low"]) if has_pool else float("nan"),
        "ci_high": float(p["ci_high"]) if has_pool else float("nan"),
        "model": str(p["model"]) if has_pool else "",
        "inference_only": _inference_only(effects, dom, comp, str(p["study_ids"]))
        if has_pool else False,
        **{f"n_{d}": int((said == d).sum()) for d in _DIRECTIONS},
        "grade": grade,
        "grade_reasons": " · ".join(f"{study_label(s)}: {r}" for s, r in reasons.items() if r),
        "harm_counts": _harm_counts(sub) if dom == "adverse_events" else "",
        "n": _people(sub), "study_ids": ";".join(ids),
    }
