"""The result of :meth:`MetaFit.subgroups` (models refitted per subgroup, and the
between-subgroup test) and its helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matstats.meta import _estimators as est


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
        return self.groups.assign(q_between=self.q_between, q_between_df=self.q_between_df,
                                  q_between_pval=self.q_between_pval)


def _labels(groups, k: int) -> pd.Series:
    if groups is None or isinstance(groups, (str, bytes)) or not hasattr(groups, "__len__"):
        raise ValueError(f"groups must be a sequence of {k} subgroup labels, got {groups!r}")
    g = pd.Series(list(groups), dtype=object)
    if g.size != k:
        raise ValueError(f"groups must have length {k} (one label per study), got {g.size}")
    if g.isna().any():
        raise ValueError(f"groups has missing labels at positions "
                         f"{np.flatnonzero(g.isna()).tolist()}")
    return g


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
