"""Models refitted to subsets of the studies with :meth:`MetaFit.update`: subgroups (with the
between-subgroup test) and leave-one-out, run as :meth:`MetaFit.subgroups` and
:meth:`MetaFit.leave_one_out`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
from matstats._core import columns as _columns
from matstats.meta import _estimators as est
from matstats.meta.bias import need_studies


__all__ = ["SubgroupResult"]


@dataclass(frozen=True)
class SubgroupResult:
    """Result of :meth:`matstats.meta.MetaFit.subgroups`.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per subgroup: ``group`` plus the columns of
        :meth:`matstats.meta.MetaFit.to_frame`.
    q_between : float
        Between-subgroup Q statistic.
    q_between_df : int
        Its degrees of freedom (number of subgroups - 1).
    q_between_pval : float
        Chi-square p-value.
    excluded : pandas.DataFrame
        Studies left out of the test with the reason (``index``, ``group``, ``reason``).
    """

    groups: pd.DataFrame
    q_between: float
    q_between_df: int
    q_between_pval: float
    excluded: pd.DataFrame = field(repr=False)
    #: Why ``q_between`` is NaN (empty otherwise).
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_frame(self) -> pd.DataFrame:
        """``groups`` with ``q_between``, ``q_between_df`` and ``q_between_pval`` on each row."""
        out = self.groups.copy()
        out["q_between"] = self.q_between
        out["q_between_df"] = self.q_between_df
        out["q_between_pval"] = self.q_between_pval
        return out


def _labels(groups, k: int) -> pd.Series:
    if groups is None or isinstance(groups, (str, bytes)) or not hasattr(groups, "__len__"):
        raise ValueError(f"groups must be a sequence of {k} subgroup labels, got {groups!r}")
    g = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups.to_list(),
                  dtype=object)
    if g.size != k:
        raise ValueError(f"groups must have length {k} (one label per study), got {g.size}")
    if g.isna().any():
        raise ValueError(f"groups has missing labels at positions "
                         f"{np.flatnonzero(g.isna()).tolist()}")
    return g


def subgroups(fit, groups, *, tau2: str = "separate") -> SubgroupResult:
    """Separate models per subgroup of ``fit``'s studies and the between-subgroup test."""
    _checks.one_of("tau2", tau2, ("separate", "common"))
    need_studies(fit, 2, "a subgroup analysis")
    g = _labels(groups, fit.k)
    rows, excluded = [], []
    for label in pd.unique(g):
        idx = np.flatnonzero((g == label).to_numpy())
        if fit.test == "knha" and idx.size < 2:
            excluded.extend({"index": int(i), "group": label,
                             "reason": "single-study subgroup cannot use test='knha'"}
                            for i in idx)
            continue
        row = fit.update(yi=fit.yi[idx], vi=fit.vi[idx]).to_frame()
        row.insert(0, "group", label)
        rows.append(row)
    if len(rows) < 2:
        raise ValueError("at least 2 subgroups with a fitted model are needed for Q between")
    table = pd.concat(rows, ignore_index=True)
    notes = []
    if tau2 == "separate":
        b = table["estimate"].to_numpy(float)
        se = table["se"].to_numpy(float)
        if np.any(se == 0):
            qb = float("nan")
            notes.append("a subgroup has se = 0 (test='knha' with zero residual variance: "
                         f"{table['group'][se == 0].tolist()}), so its inverse-variance weight "
                         "is infinite and Q between is undefined (NaN)")
        else:
            wg = 1 / se**2
            mu = float(np.sum(wg * b) / np.sum(wg))
            qb = float(np.sum(wg * (b - mu) ** 2))
    else:
        used = np.isin(g.to_numpy(), table["group"].to_numpy())
        qb = _moderator_qm(fit.yi[used], fit.vi[used], g[used].to_numpy(), fit.method)
    dfb = len(rows) - 1
    excl = pd.DataFrame(excluded, columns=["index", "group", "reason"])
    return SubgroupResult(groups=table, q_between=qb, q_between_df=dfb,
                          q_between_pval=float(stats.chi2.sf(qb, dfb)), excluded=excl,
                          notes=tuple(notes))


def _moderator_qm(y: np.ndarray, v: np.ndarray, g: np.ndarray, method: str) -> float:
    """Wald test that all subgroup contrasts are 0 in the common-tau2 mixed-effects model."""
    levels = list(pd.unique(pd.Series(g, dtype=object)))
    X = np.column_stack([np.ones(y.size)] + [(g == lev).astype(float) for lev in levels[1:]])
    if y.size <= X.shape[1]:
        raise ValueError("too few studies for a common-tau2 moderator model")
    t2 = est.tau2(y, v, X, method)
    _, beta, Ainv, _ = est.gls(y, v, X, t2)
    b = beta[1:]
    return float(b @ np.linalg.solve(Ainv[1:, 1:], b))


def leave_one_out_table(fit) -> pd.DataFrame:
    """``fit`` refitted without each study in turn; ``omitted`` is ``slab`` or "Study i"."""
    need_studies(fit, 3 if fit.test == "knha" else 2, "leave-one-out")
    out = pd.concat([fit.update(yi=np.delete(fit.yi, i), vi=np.delete(fit.vi, i)).to_frame()
                     for i in range(fit.k)], ignore_index=True)
    out.insert(0, "omitted", list(_columns.study_labels(None, fit.k) if fit.slab is None
                                  else fit.slab))
    return out
