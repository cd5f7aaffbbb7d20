"""Analyse a series of n-of-1 trials: Senn's two-stage model, per series and vectorised.

Two-stage (Senn 2024; Araujo, Julious & Senn 2016)
    1. Person i's effect is the mean ``d_i`` of their ``n_i`` cycle differences (mat minus
       control period means). Its local variance is ``s^2 / n_i`` with ``s^2`` the
       within-person variance of cycle differences POOLED over persons
       (``sum_i sum_j (D_ij - d_i)^2 / sum_i (n_i - 1)``): a person has too few cycles for
       their own.
    2. The ``d_i`` are pooled (``pool=``, :data:`POOLERS`). ``"bayes"`` (default):
       :func:`matstats.meta.bayesmeta.bayes_meta` with a few-study heterogeneity prior
       (:data:`matstats.literature.NOF1_TAU_PRIOR`); verdicts, probabilities, intervals and
       the new-person prediction interval come from one posterior that carries the
       uncertainty in tau (:mod:`matstats.nof1._series_bayes`; its error rates:
       :func:`matstats.nof1.verdict_calibration.series_calibration`). ``"reml"``: REML with
       Hartung-Knapp t inference on k - 1 df (:func:`matstats.meta.meta_analysis`, metafor's
       numbers): average effect, tau^2 with its Q-profile CI, prediction interval, and the
       empirical-Bayes (BLUP) person effects ``mu + lambda_i (d_i - mu)``, ``lambda_i =
       tau^2 / (tau^2 + s^2 / n_i)``, SE ``sqrt(lambda_i s^2 / n_i + (1 - lambda_i)^2
       SE(mu)^2)`` (metafor ``blup()``), whose t interval also gives P(benefit) and
       P(benefit >= MCID); at tau near 0 REML shrinks too little or too much and mislabels
       more persons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
from matstats.literature import MCID_NRS
from matstats.meta import meta_analysis
from matstats.nof1._series_bayes import bayes_pooler, pool_bayes_many
from matstats.nof1._series_reml import pool_reml_knha

__all__ = [
    "SeriesResult",
    "analyze_series",
    "analyze_series_many",
    "person_verdicts",
    "verdict_right",
    "group_verdict_label",
    "POOLERS",
    "SUMMARY_COLUMNS",
]

#: Columns of :meth:`SeriesResult.to_frame` and of :func:`analyze_series_many`.
SUMMARY_COLUMNS = (
    "estimate", "se", "df", "ci_low", "ci_high", "pval", "tau2", "tau2_ci_low",
    "tau2_ci_high", "tau", "tau_ci_low", "tau_ci_high", "pi_low", "pi_high",
    "sigma2_within", "within_df", "k",
)
#: Stage-two quantities every pooler returns (with ``k``, ``weights``, ``shrunken``,
#: ``shrunken_se``, ``crit``).
_POOLED = ("estimate", "se", "df", "ci_low", "ci_high", "pval", "tau2", "tau2_ci_low",
           "tau2_ci_high", "pi_low", "pi_high")
#: Probability threshold of "important" and "no important" benefit [assumption: a
#: conventional 80% rule].
DECISION_PROB = 0.8
#: P(benefit) a directional person verdict needs at level 0.95: the same two-sided rule as a
#: single diary (:func:`matstats.nof1.verdict.verdict_labels`), so a person is called better or
#: worse on the mat exactly when their equal-tailed 95% interval excludes 0.
BENEFIT_PROB = 0.975


# ------------------------------------------------------------------------------ stage one
def _pooled_within(differences) -> dict:
    """Stage one for cycle differences of shape (..., persons, cycles), NaN = not usable:
    person means ``d``, usable cycles ``n``, ``sigma2_within``, ``within_df``, ``v``."""
    D = np.asarray(differences, dtype=float)
    obs = ~np.isnan(D)
    n = obs.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(obs, D, 0.0).sum(axis=-1) / n
        dev = np.where(obs, D - d[..., None], 0.0)
        ssw = (dev * dev).sum(axis=(-1, -2))
        dfw = np.where(n > 0, n - 1, 0).sum(axis=-1)
        s2 = ssw / dfw
        v = s2[..., None] / n
    return {"d": d, "n": n, "sigma2_within": s2, "within_df": dfw, "v": v}


# ---------------------------------------------------------------------------- pooling
def _pool_reml(d: np.ndarray, v: np.ndarray, level: float) -> dict:
    """Per-series pooling through :func:`matstats.meta.meta_analysis` (REML, knha)."""
    res = meta_analysis(d, v, method="REML", test="knha", level=level)
    lam = res.tau2 / (res.tau2 + v)
    shr = lam * d + (1.0 - lam) * res.estimate
    shr_se = np.sqrt(lam * v + (1.0 - lam) ** 2 * res.se**2)
    crit = float(stats.t.ppf(0.5 + level / 2.0, res.df))
    return dict({c: getattr(res, c) for c in _POOLED}, k=res.k, weights=np.asarray(res.weights),
                shrunken=shr, shrunken_se=shr_se, crit=crit, model=res)


#: Pooling methods of stage two: name -> function(d, v, level) returning the keys of
#: ``_pool_reml`` (a Bayesian pooler returns posterior summaries under the same keys).
POOLERS = {"reml": _pool_reml, "bayes": bayes_pooler()}


def _probs(r: dict, mcid: float, lower_is_better: bool):
    """P(benefit), P(benefit >= mcid) of each person: the exact posterior probabilities
    (``prob_below``) of ``pool="bayes"``, else a t on ``r["df"]`` degrees of freedom around
    ``shrunken`` with scale ``shrunken_se`` (the distribution of the person's interval)."""
    if "prob_below" in r:
        f = r["prob_below"]
        if callable(f):  # one series
            return (f(0.0), f(-mcid)) if lower_is_better else (1 - f(0.0), 1 - f(mcid))
        return f if lower_is_better else 1.0 - f
    sign = 1.0 if lower_is_better else -1.0
    df = np.asarray(r["df"], dtype=float)
    if df.ndim == 1:
        df = df[:, None]  # one df per series
    with np.errstate(divide="ignore", invalid="ignore"):
        z0 = (0.0 - sign * r["shrunken"]) / r["shrunken_se"]
        z1 = (-mcid - sign * r["shrunken"]) / r["shrunken_se"]
        return stats.t.cdf(z0, df), stats.t.cdf(z1, df)


def person_verdicts(prob_benefit, prob_mcid, *, level: float = 0.95) -> np.ndarray:
    """Verdict label of each person from P(benefit) and P(benefit >= MCID).

    With a = (1 - level) / 2 (0.025): ``"worse_on_mat"`` when P(benefit) < a;
    ``"important_benefit"`` when P(benefit) > 1 - a and P(benefit >= MCID) >= 0.8;
    ``"benefit"`` when P(benefit) > 1 - a; ``"no_important_benefit"`` when
    P(benefit >= MCID) <= 0.2; else ``"unclear"`` (thresholds :data:`DECISION_PROB`,
    :data:`BENEFIT_PROB` at level 0.95).

    Examples
    --------
    >>> person_verdicts([0.99, 0.99, 0.96, 0.5, 0.01], [0.9, 0.3, 0.5, 0.1, 0.0]).tolist()
    ['important_benefit', 'benefit', 'unclear', 'no_important_benefit', 'worse_on_mat']
    """
    a = (1.0 - _checks.level(level)) / 2.0
    pb = np.asarray(prob_benefit, dtype=float)
    pm = np.asarray(prob_mcid, dtype=float)
    out = np.full(pb.shape, "unclear", dtype=object)
    out[pm <= 1 - DECISION_PROB] = "no_important_benefit"
    out[pb > 1 - a] = "benefit"
    out[(pb > 1 - a) & (pm >= DECISION_PROB)] = "important_benefit"
    out[pb < a] = "worse_on_mat"
    out[np.isnan(pb)] = "excluded"
    return out


def verdict_right(verdict, true_effect, *, mcid: float = MCID_NRS,
                  lower_is_better: bool = True) -> np.ndarray:
    """Whether each person verdict is right about the person's true effect (simulations).

    A verdict is a claim: ``"benefit"`` that the true effect is a benefit (below 0 when
    lower is better), ``"important_benefit"`` a benefit of at least ``mcid``,
    ``"no_important_benefit"`` less than ``mcid`` of benefit (or harm), ``"worse_on_mat"``
    harm. ``"unclear"`` and ``"excluded"`` claim nothing.

    Parameters
    ----------
    verdict : array_like of str
        Labels of :func:`person_verdicts`.
    true_effect : array_like
        True effects (mat minus control), same shape.
    mcid, lower_is_better
        As in :func:`analyze_series`.

    Returns
    -------
    numpy.ndarray
        1.0 right, 0.0 wrong, NaN no claim.

    Examples
    --------
    >>> verdict_right(["benefit", "no_important_benefit", "unclear"], [0.3, -1.0, -3.0])
    array([ 0.,  1., nan])
    """
    v = np.asarray(verdict, dtype=object)
    b = (1.0 if lower_is_better else -1.0) * np.asarray(true_effect, dtype=float)
    if v.shape != b.shape:
        raise ValueError(f"verdict and true_effect must have the same shape, got {v.shape} "
                         f"and {b.shape}")
    known = {"benefit", "important_benefit", "no_important_benefit", "worse_on_mat",
             "unclear", "excluded"}
    bad = set(np.unique(v.astype(str))) - known
    if bad:
        raise ValueError(f"unknown verdict label(s) {sorted(bad)}; expected {sorted(known)}")
    out = np.full(b.shape, np.nan)
    for label, right in (("benefit", b < 0), ("important_benefit", b <= -mcid),
                         ("no_important_benefit", b > -mcid), ("worse_on_mat", b > 0)):
        sel = v == label
        out[sel] = right[sel]
    return out


# ------------------------------------------------------------------------------ result
@dataclass(frozen=True, eq=False)
class SeriesResult:
    """Two-stage analysis of one series (:func:`analyze_series`).

    Attributes
    ----------
    estimate, se, df, ci_low, ci_high, pval : float
        Average effect (mat minus control, points), its SE, t df (k - 1; inf for
        ``"bayes"``), interval and two-sided p-value (``"bayes"``: 2 min(P(mu < 0),
        P(mu > 0))).
    tau2, tau2_ci_low, tau2_ci_high, tau, tau_ci_low, tau_ci_high : float
        Variance (and SD) of the person effects with its interval.
    pi_low, pi_high : float
        Prediction interval for the effect in a new person.
    sigma2_within, within_df : float
        Pooled within-person variance of one cycle difference and its df.
    k : int
        Persons pooled.
    persons : pandas.DataFrame
        One row per person pooled, see :func:`analyze_series`.
    excluded : pandas.DataFrame
        Persons and cycles left out, with the reason: ``person``, ``cycle`` (``<NA>`` for a
        whole person), ``reason``.
    verdict_label : str
        Group verdict label (:func:`group_verdict_label`); in words
        :func:`matstats.narrative.series.verdict_text`.
    level, mcid, lower_is_better, pool : settings used.
    model : object
        The stage-two fit (``MetaFit`` for ``pool="reml"``).
    """

    estimate: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    pval: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    pi_low: float
    pi_high: float
    sigma2_within: float
    within_df: float
    k: int
    persons: pd.DataFrame = field(repr=False)
    excluded: pd.DataFrame = field(repr=False)
    verdict_label: str
    level: float
    mcid: float
    lower_is_better: bool
    pool: str
    model: object = field(repr=False, default=None)

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def tau_ci_low(self) -> float:
        return math.sqrt(self.tau2_ci_low)

    @property
    def tau_ci_high(self) -> float:
        return math.sqrt(self.tau2_ci_high)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary with the columns :data:`SUMMARY_COLUMNS` plus ``level``,
        ``pool``, ``verdict_label`` (meanings as the attributes)."""
        d = {c: getattr(self, c) for c in SUMMARY_COLUMNS}
        d.update(level=self.level, pool=self.pool, verdict_label=self.verdict_label)
        return pd.DataFrame([d])

    @property
    def share_mcid(self) -> float:
        """Share of persons like these whose effect is a benefit of at least ``mcid``.

        Person effects are taken as N(estimate, tau^2); with tau 0 every person has the
        average effect, so the share is 1 or 0.
        """
        sign = 1.0 if self.lower_is_better else -1.0
        if self.tau2 > 0:
            return float(stats.norm.cdf((-self.mcid - sign * self.estimate) / self.tau))
        return float(sign * self.estimate <= -self.mcid)


def group_verdict_label(ci_low: float, ci_high: float, *, mcid: float = MCID_NRS,
                        lower_is_better: bool = True) -> str:
    """Group verdict of a series from the interval of the average effect.

    On the benefit scale (mat minus control, sign flipped when higher is better):
    ``"average_important_benefit"`` when the whole interval lies beyond -``mcid``,
    ``"average_benefit"`` when it lies below 0, ``"average_harm"`` when above 0, else
    ``"no_average_effect_shown"``. The words are :func:`matstats.narrative.series.verdict_text`.

    Examples
    --------
    >>> group_verdict_label(-3.5, -2.2), group_verdict_label(-1.0, 0.3)
    ('average_important_benefit', 'no_average_effect_shown')
    """
    sign = 1.0 if lower_is_better else -1.0
    lo, hi = sorted((sign * ci_low, sign * ci_high))
    if hi < -mcid:
        return "average_important_benefit"
    if hi < 0:
        return "average_benefit"
    if lo > 0:
        return "average_harm"
    return "no_average_effect_shown"


# ----------------------------------------------------------------------- input handling
def _cycle_table(data, series: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(person, cycle, difference) table of the input, and the excluded rows so far."""
    from matstats.nof1.series_io import SeriesData
    from matstats.nof1.series_sim import SeriesSimulation, person_labels

    excl = pd.DataFrame(columns=["person", "cycle", "reason"])
    if isinstance(data, SeriesSimulation):
        D = data.cycle_differences(series)
        labels = person_labels(data.n_persons)
        rows = [(labels[i], j + 1, D[i, j]) for i in range(data.n_persons)
                for j in range(int(data.cycles[i]))]
        return pd.DataFrame(rows, columns=["person", "cycle", "difference"]), excl
    if isinstance(data, SeriesData):
        return data.cycles[["person", "cycle", "difference"]].copy(), data.excluded.copy()
    if isinstance(data, pd.DataFrame):
        missing = [c for c in ("person", "cycle", "difference") if c not in data.columns]
        if missing:
            raise ValueError(f"data lacks column(s) {missing}; expected person, cycle, "
                             "difference (or pass read_series(...) / simulate_series(...))")
        return data[["person", "cycle", "difference"]].copy(), excl
    raise ValueError("data must be a SeriesData, a SeriesSimulation or a DataFrame with "
                     f"person, cycle, difference; got {type(data).__name__}")


def analyze_series(
    data,
    *,
    series: int = 0,
    level: float = 0.95,
    mcid: float = MCID_NRS,
    lower_is_better: bool = True,
    pool: str = "bayes",
    tau_prior=None,
) -> SeriesResult:
    """Two-stage analysis of one series of n-of-1 trials (see the module docstring).

    Parameters
    ----------
    data : SeriesData, SeriesSimulation or pandas.DataFrame
        :func:`read_series` output, a simulation (replicate ``series``), or a table with
        columns ``person``, ``cycle``, ``difference`` (mat minus control; NaN = not usable).
    series : int, default 0
        Which replicate of a ``SeriesSimulation``.
    level : float, default 0.95
        Level of every interval.
    mcid : float, default ``literature.MCID_NRS`` (2 points)
        Minimal clinically important difference (positive), for ``prob_mcid``.
    lower_is_better : bool, default True
        Benefit = lower score on the mat (pain); False for e.g. sleep quality.
    pool : {"bayes", "reml"}, default "bayes"
        Stage-two pooling method (see the module docstring).
    tau_prior : TauPrior or str, optional
        Heterogeneity prior of the person effects for ``pool="bayes"`` (a prior object such
        as :data:`matstats.literature.NOF1_TAU_PRIOR`, the default, or its name in
        :data:`matstats.literature.TAU_PRIORS_BY_NAME`); refused with ``pool="reml"``.

    Returns
    -------
    SeriesResult
        ``.to_frame()`` one-row group summary; ``.persons`` one row per pooled person with
        columns

        - ``person``; ``n_cycles`` : usable cycles;
        - ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``pval`` : raw person effect (mean
          cycle difference), SE from the pooled within-person variance, t interval and
          two-sided p on ``within_df`` df;
        - ``shrunken``, ``shrunken_se``, ``shrunken_ci_low``, ``shrunken_ci_high`` :
          shrunken (posterior or empirical-Bayes) effect, its SE and interval;
        - ``prob_benefit``, ``prob_mcid`` : P(benefit), P(benefit >= mcid) from the same
          distribution as the interval;
        - ``weight`` : percentage weight in the average;
        - ``verdict`` : :func:`person_verdicts` label.

    Raises
    ------
    ValueError
        Fewer than 2 persons with a usable cycle, no within-person df, bad settings.

    Examples
    --------
    >>> from matstats.nof1 import simulate_series
    >>> sim = simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3)
    >>> res = analyze_series(sim)
    >>> res.k, res.persons.shape[0]
    (12, 12)
    >>> bool(res.ci_low < res.estimate < res.ci_high)
    True
    """
    level = _checks.level(level)
    mcid = _checks.positive("mcid", mcid, allow_zero=True)
    _checks.one_of("pool", pool, tuple(POOLERS))
    if tau_prior is not None and pool != "bayes":
        raise ValueError(f"tau_prior is a prior of pool='bayes'; got tau_prior={tau_prior!r} "
                         f"with pool={pool!r}")
    pooler = POOLERS[pool] if tau_prior is None else bayes_pooler(tau_prior)
    table, excl = _cycle_table(data, series)
    bad = table["difference"].isna()
    excl_rows = [excl] if len(excl) else []
    if bad.any():
        excl_rows.append(table.loc[bad, ["person", "cycle"]].assign(
            reason="no rated non-washout day in the mat or the control period"))
    persons_all = list(pd.unique(table["person"]))
    used = table[~bad]
    groups = {p: g["difference"].to_numpy(float) for p, g in used.groupby("person", sort=False)}
    gone = [p for p in persons_all if p not in groups]
    if gone:
        excl_rows.append(pd.DataFrame({"person": gone, "cycle": pd.NA,
                                       "reason": "no usable cycle"}))
    excluded = (pd.concat(excl_rows, ignore_index=True) if excl_rows
                else pd.DataFrame(columns=["person", "cycle", "reason"]))
    excluded["cycle"] = excluded["cycle"].astype("Int64")
    excluded = excluded.drop_duplicates(subset=["person", "cycle"], ignore_index=True)
    names = [p for p in persons_all if p in groups]
    if len(names) < 2:
        raise ValueError(f"at least 2 persons with a usable cycle are needed, got {len(names)}")
    jmax = max(g.size for g in groups.values())
    D = np.full((len(names), jmax), np.nan)
    for i, p in enumerate(names):
        D[i, : groups[p].size] = groups[p]
    st = _pooled_within(D)
    if not st["within_df"] > 0:
        raise ValueError("no person has 2 usable cycles: the within-person variance cannot "
                         "be estimated")
    if not st["sigma2_within"] > 0:
        raise ValueError("the cycle differences do not vary within persons (pooled within "
                         "variance 0)")
    r = pooler(st["d"], st["v"], level)
    persons = _person_table(names, st, r, level, mcid, lower_is_better)
    label = group_verdict_label(r["ci_low"], r["ci_high"], mcid=mcid,
                                lower_is_better=lower_is_better)
    return SeriesResult(
        **{c: float(r[c]) for c in _POOLED},
        sigma2_within=float(st["sigma2_within"]), within_df=float(st["within_df"]),
        k=int(r["k"]), persons=persons, excluded=excluded, verdict_label=label,
        level=level, mcid=mcid, lower_is_better=bool(lower_is_better), pool=pool,
        model=r.get("model"),
    )


def _person_table(names, st, r, level, mcid, lower_is_better) -> pd.DataFrame:
    d, v, dfw = st["d"], st["v"], st["within_df"]
    se = np.sqrt(v)
    tcrit = stats.t.ppf(0.5 + level / 2.0, dfw)
    shr, shr_se = r["shrunken"], r["shrunken_se"]
    pb, pm = _probs(r, mcid, lower_is_better)
    ci_low, ci_high = r.get("shrunken_ci", (shr - r["crit"] * shr_se, shr + r["crit"] * shr_se))
    return pd.DataFrame({
        "person": names, "n_cycles": st["n"].astype(np.int64), "estimate": d, "se": se,
        "ci_low": d - tcrit * se, "ci_high": d + tcrit * se,
        "pval": 2.0 * stats.t.sf(np.abs(d / se), dfw),
        "shrunken": shr, "shrunken_se": shr_se,
        "shrunken_ci_low": ci_low, "shrunken_ci_high": ci_high,
        "prob_benefit": pb, "prob_mcid": pm, "weight": r["weights"],
        "verdict": person_verdicts(pb, pm, level=level),
    })


# ---------------------------------------------------------------------- many series
def analyze_series_many(
    differences,
    *,
    level: float = 0.95,
    mcid: float = MCID_NRS,
    lower_is_better: bool = True,
    persons: bool = False,
    pool: str = "bayes",
):
    """:func:`analyze_series` of many series at once (vectorised; same numbers as the loop).

    Parameters
    ----------
    differences : array_like or SeriesSimulation
        Cycle differences, shape ``(n_series, n_persons, max_cycles)`` with NaN for cycles
        not usable, or a simulation (its :meth:`~SeriesSimulation.cycle_differences`).
    level, mcid, lower_is_better, pool
        As in :func:`analyze_series` (``"bayes"`` with the default prior, integrated over tau
        on a fixed grid: tau and its interval agree with the per-series path to about 0.003,
        everything else to rounding).
    persons : bool, default False
        Also return the per-person arrays.

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, dict)
        One row per series with ``series`` (0-based) and the columns
        :data:`SUMMARY_COLUMNS` (see :class:`SeriesResult`); NaN where a series has fewer
        than 2 persons with a usable cycle or no within-person df. With ``persons=True``
        also a dict of ``(n_series, n_persons)`` arrays: ``n_cycles``, ``estimate``,
        ``se``, ``shrunken``, ``shrunken_se``, ``prob_benefit``, ``prob_mcid`` (NaN for
        persons without a usable cycle) and ``verdict`` (:func:`person_verdicts`).

    Examples
    --------
    >>> from matstats.nof1 import simulate_series
    >>> sim = simulate_series(20, 6, n_series=500, effect=-1.0, tau=0.5, rng=1)
    >>> out = analyze_series_many(sim)
    >>> out.shape
    (500, 18)
    """
    from matstats.nof1.series_sim import SeriesSimulation

    level = _checks.level(level)
    mcid = _checks.positive("mcid", mcid, allow_zero=True)
    _checks.one_of("pool", pool, tuple(POOLERS))
    D = differences.cycle_differences() if isinstance(differences, SeriesSimulation) else (
        np.asarray(differences, dtype=float))
    if D.ndim != 3:
        raise ValueError(f"differences must have shape (n_series, n_persons, max_cycles), "
                         f"got {D.shape}")
    st = _pooled_within(D)
    good = (st["within_df"] > 0) & (st["sigma2_within"] > 0)
    m = (st["n"] > 0) & good[:, None]
    y, v = np.where(m, st["d"], 0.0), np.where(m, st["v"], 1.0)
    sign = 1.0 if lower_is_better else -1.0
    if pool == "bayes":
        r = pool_bayes_many(y, v, m, level, cuts=(0.0, -sign * mcid))
    else:
        r = pool_reml_knha(y, v, m, level)
    cols = dict(r, **{c: np.sqrt(r["tau2" + c[3:]]) for c in ("tau", "tau_ci_low", "tau_ci_high")},
                **{c: np.where(good, st[c].astype(float), np.nan)
                   for c in ("sigma2_within", "within_df")})
    frame = pd.DataFrame({"series": np.arange(D.shape[0]), **{c: cols[c] for c in SUMMARY_COLUMNS}})
    frame["k"] = frame["k"].astype(np.int64)
    if not persons:
        return frame
    pb, pm = _probs(r, mcid, lower_is_better)
    per = {"n_cycles": st["n"], "estimate": np.where(m, st["d"], np.nan),
           "se": np.where(m, np.sqrt(v), np.nan), "shrunken": r["shrunken"],
           "shrunken_se": r["shrunken_se"], "prob_benefit": pb, "prob_mcid": pm,
           "verdict": person_verdicts(pb, pm, level=level)}
    return frame, per
