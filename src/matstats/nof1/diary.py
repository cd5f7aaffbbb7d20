"""Analyse one person's n-of-1 diary: every method, the period summaries and the verdict label.

Numbers and codes only: reading the diary is :mod:`matstats.nof1.diary_io`, the calendar
:mod:`matstats.nof1.calendar`, the label rule :mod:`matstats.nof1.verdict`, the words
:mod:`matstats.narrative.nof1`, the figure :func:`matstats.plots.nof1.plot_diary`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
from matstats._core.errors import DataError
from matstats.literature import MCID_NRS, NOF1_EFFECT_PRIOR, NOF1_EXPECTATION_BIAS
from matstats.nof1.analysis import analyze_many
from matstats.nof1.calendar import build_calendar as _build_calendar
from matstats.nof1.calendar import check_scores_vary
from matstats.nof1.design import min_randomization_pval
from matstats.nof1.diary_io import CONDITIONS, DATAFRAME_NAME, DIARY_DESIGNS, check_scale
from matstats.nof1.diary_io import read_diary as _read_diary
from matstats.nof1.verdict import (
    _COMPARATORS,
    UNBLINDED_BANG,
    Verdict,
    verdict_fit,
)

__all__ = ["DiaryResult", "analyze"]

_METHOD_COLUMNS = (
    "method", "estimate", "ci_low", "ci_high", "se", "pval", "prob_benefit", "prob_mcid",
    "n_used",
)


def _summarize_periods(cal: pd.DataFrame) -> pd.DataFrame:
    """One row per period of a calendar (columns: see :attr:`DiaryResult.periods`)."""
    out = []
    for p, g in cal.groupby("period", sort=True):
        used = g.loc[~g["washout"] & g["score"].notna(), "score"]
        out.append(
            {
                "cycle": int(g["cycle"].iloc[0]),
                "period": int(p),
                "condition": g["condition"].iloc[0],
                "start_date": g["date"].iloc[0],
                "end_date": g["date"].iloc[-1],
                "first_day": int(g["day"].iloc[0]),
                "last_day": int(g["day"].iloc[-1]),
                "n_days": len(g),
                "n_rated": int(g["score"].notna().sum()),
                "n_used": len(used),
                "mean": float(used.mean()) if len(used) else math.nan,
            }
        )
    return pd.DataFrame(out)


def _summarize_cycles(periods: pd.DataFrame) -> pd.DataFrame:
    """Mat minus control period means, one row per cycle (see :attr:`DiaryResult.cycles`)."""
    mean = periods.pivot(index="cycle", columns="condition", values="mean").astype(float)
    order = periods.sort_values("period").groupby("cycle", sort=True)["condition"].agg("-".join)
    mat, ctl = mean["mat"].to_numpy(), mean["control"].to_numpy()
    return pd.DataFrame({"cycle": mean.index.to_numpy(int), "order": order.to_numpy(),
                         "mat_mean": mat, "control_mean": ctl, "difference": mat - ctl})


def _summarize_blinding(cal: pd.DataFrame) -> pd.DataFrame:
    """Blinding guesses per arm and the Bang index of
    :func:`matstats.sensitivity.blinding_index` (see :attr:`DiaryResult.blinding`)."""
    from matstats.sensitivity import blinding_index

    cols = ["condition", "n_periods", "n_correct", "n_incorrect", "n_dont_know", "n_no_guess",
            "bang_bi"]
    if not (cal["blinding_guess"] != "").any():
        return pd.DataFrame(columns=cols)
    per = []
    for _, g in cal.groupby("period", sort=True):
        guesses = [x for x in g["blinding_guess"] if x]
        per.append((g["condition"].iloc[0], guesses[-1] if guesses else ""))
    rows = []
    for arm in CONDITIONS:
        gs = [guess for cond, guess in per if cond == arm]
        n_c = sum(guess == arm for guess in gs)
        n_dk = sum(guess == "dont_know" for guess in gs)
        n_none = sum(guess == "" for guess in gs)
        n_i = len(gs) - n_c - n_dk - n_none
        bang = math.nan  # an arm without guesses
        if n_c + n_i + n_dk:
            bang = float(blinding_index((n_c, n_i, n_dk), "bang")["estimate"].iloc[0])
        rows.append([arm, len(gs), n_c, n_i, n_dk, n_none, bang])
    return pd.DataFrame(rows, columns=cols)


def _excluded_days(cal: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every calendar day not used in a period mean, with its reason: ``no diary row``,
    ``score empty`` or ``washout day`` (columns ``by`` first, e.g. ``person`` in a series)."""
    no_row, empty = cal["line"].isna().to_numpy(), cal["score"].isna().to_numpy()
    reason = np.where(no_row, "no diary row", np.where(empty, "score empty", "washout day"))
    drop = no_row | empty | cal["washout"].to_numpy(bool)
    out = cal.loc[drop, [*by, "day", "date", "line"]].reset_index(drop=True)
    out["line"] = out["line"].astype("Int64")
    out["reason"] = reason[drop]
    return out


@dataclass(frozen=True, eq=False)
class DiaryResult:
    """Everything :func:`analyze` found in one diary.

    Attributes
    ----------
    methods : DataFrame
        One row per method, columns ``method``, ``estimate`` (mat minus control, score
        points), ``ci_low``, ``ci_high`` (95% interval where the method defines one, else NaN),
        ``se`` (standard error; posterior SD for ``bayes``), ``pval`` (two-sided p-value; NaN
        for ``bayes``), ``prob_benefit`` and ``prob_mcid`` (posterior probabilities that the
        mat is better / better by at least ``mcid``; ``bayes`` only) and ``n_used`` (cycles
        for cycle-level methods, days for day-level ones). What each method is, in words:
        :func:`matstats.narrative.nof1.method_notes`.
    days : DataFrame
        The calendar (see :func:`matstats.nof1.build_calendar`).
    periods : DataFrame
        One row per period: ``cycle``, ``period``, ``condition``, ``start_date``,
        ``end_date``, ``first_day``, ``last_day`` (1-based), ``n_days``, ``n_rated`` (days
        with a score), ``n_used`` (rated days outside the washout), ``mean`` (of the used
        days; NaN without any).
    cycles : DataFrame
        One row per cycle: ``cycle``, ``order`` (``"mat-control"`` or ``"control-mat"``),
        ``mat_mean``, ``control_mean``, ``difference`` (mat minus control; NaN when a period
        has no used day).
    excluded : DataFrame
        Every calendar day left out of the period means: ``day``, ``date``, ``line``
        (``<NA>`` for a day with no diary row), ``reason``.
    blinding : DataFrame
        One row per arm (``condition``): ``n_periods``, ``n_correct``, ``n_incorrect``,
        ``n_dont_know``, ``n_no_guess`` (a period's guess is its last non-empty
        ``blinding_guess``) and ``bang_bi``, the Bang index (correct - incorrect) / guesses of
        :func:`matstats.sensitivity.blinding_index` (0 = random guessing, 1 = always right,
        NaN for an arm without guesses). No rows when the diary has no guesses.
    raw : Series
        The single row returned by :func:`matstats.nof1.analyze_many` for this diary (run on
        the negated score when ``lower_is_better`` is False), with full precision.
    verdict : Verdict
        The verdict and the numbers it rests on (:func:`matstats.nof1.verdict.verdict_fit`):
        label, basis (paired or trend-adjusted), order pattern, whether the comparison was
        open (expectation bias taken out) and provisional, its level, estimate, interval and
        probabilities.
    mcid, comparator, lower_is_better, scale, source
        The settings used and the diary's name.
    min_pval_randomization : float
        Smallest p-value the exact randomization test can reach (NaN for Monte Carlo).
    design : str or None
        ``"paired_random"``, ``"abab"``, ``"alternating"`` (from the diary's ``design``
        column or the ``design`` argument), None when unknown.
    planned_cycles : int
        Cycles the trial was planned to have (default: the cycles in the diary).
    prior_sd : float
        SD of the normal prior of the ``bayes`` method.
    """

    methods: pd.DataFrame
    days: pd.DataFrame
    periods: pd.DataFrame
    cycles: pd.DataFrame
    excluded: pd.DataFrame
    blinding: pd.DataFrame
    raw: pd.Series
    verdict: Verdict
    mcid: float
    comparator: str
    lower_is_better: bool
    scale: tuple[float, float]
    source: str = field(default=DATAFRAME_NAME)
    min_pval_randomization: float = math.nan
    design: str | None = None
    planned_cycles: int = 0
    prior_sd: float = NOF1_EFFECT_PRIOR.sd

    @property
    def verdict_label(self) -> str:
        """The verdict's label code, one of :data:`matstats.nof1.verdict.VERDICT_LABELS`
        (``verdict.label``)."""
        return self.verdict.label

    @property
    def rated_cycles(self) -> int:
        """Cycles with usable ratings in both periods (the cycles analysed)."""
        return int(self.raw["n_cycles_used"])

    @property
    def provisional(self) -> bool:
        """True when fewer cycles were rated than planned (a trial stopped or still running)."""
        return self.rated_cycles < self.planned_cycles

    @property
    def randomized(self) -> bool | None:
        """True for a coin per cycle, False for a fixed order, None when not known."""
        return None if self.design is None else self.design == "paired_random"

    def to_frame(self) -> pd.DataFrame:
        """The method table (a copy of :attr:`methods`)."""
        return self.methods.copy()

    @property
    def primary(self) -> pd.Series:
        """The ``bayes`` row of :attr:`methods`: the calibrated paired analysis. The verdict
        (:attr:`verdict`) uses the same posterior, adjusted for expectation in an open
        comparison and for a drift when the order was not randomized."""
        return self.methods.set_index("method").loc["bayes"]

    def verdict_inputs(self) -> dict:
        """The numbers the verdict is built from, as keyword arguments of
        :func:`matstats.narrative.nof1.make_verdict`."""
        m = self.methods.set_index("method")
        v = self.verdict
        return dict(
            estimate=v.estimate, ci_low=v.ci_low, ci_high=v.ci_high, n_cycles=self.rated_cycles,
            planned_cycles=self.planned_cycles, randomized=self.randomized,
            design=self.design,
            mcid=self.mcid, lower_is_better=self.lower_is_better, comparator=self.comparator,
            prob_benefit=v.prob_benefit, prob_mcid=v.prob_mcid,
            pval_randomization=float(m.at["randomization", "pval"]),
            min_pval_randomization=self.min_pval_randomization,
            pval_day_t=float(m.at["day_t", "pval"]),
            bang_bi_mat=_bang_mat(self.blinding), verdict=v,
        )


def _bang_mat(blinding: pd.DataFrame) -> float:
    b = blinding
    return float(b.loc[b["condition"] == "mat", "bang_bi"].iloc[0]) if len(b) else math.nan


def _method_table(row: pd.Series, *, sign: float, design: str | None = None) -> pd.DataFrame:
    """One row per method (see DiaryResult) from one row of ``analyze_many`` output; ``sign`` =
    -1 brings estimates back to the diary's scale when the analysis ran on -score. A
    fixed-order ``design`` reports no randomization p-value (no coin flips to re-randomize)."""
    n_cyc, n_days, nan = int(row["n_cycles_used"]), int(row["n_days_used"]), math.nan
    t_df = {"cycle_t": n_cyc - 1, "gls_ar1": float(row["gls_ar1_df"]), "day_t": n_days - 2}
    out = []
    for name in ("cycle_t", "randomization", "gls_ar1", "bayes", "day_t"):
        est = float(row[f"{name}_estimate"])
        se = float(row.get(f"{name}_se", row.get(f"{name}_sd", nan)))
        pval = float(row.get(f"{name}_pval", nan))
        if name == "randomization" and design is not None and design != "paired_random":
            pval = nan
        lo, hi, probs = nan, nan, (nan, nan)
        if name == "bayes":
            lo, hi = float(row["bayes_ci_low"]), float(row["bayes_ci_high"])
            probs = float(row["bayes_p_benefit"]), float(row["bayes_p_mcid"])
        elif name in t_df and t_df[name] >= 1 and math.isfinite(est) and math.isfinite(se):
            h = float(stats.t.ppf(0.975, t_df[name])) * se
            lo, hi = est - h, est + h
        n_used = n_days if name in ("gls_ar1", "day_t") else n_cyc
        out.append((name, sign * est, *sorted((sign * lo, sign * hi)), se, pval, *probs, n_used))
    return pd.DataFrame(out, columns=list(_METHOD_COLUMNS))


def analyze(
    diary: str | Path | pd.DataFrame,
    *,
    scale: tuple[float, float] = (0.0, 10.0),
    mcid: float = MCID_NRS,
    comparator: str = "no_mat",
    washout_days: int = 1,
    period_days: int | None = None,
    lower_is_better: bool = True,
    prior_sd: float = NOF1_EFFECT_PRIOR.sd,
    max_exact_cycles: int = 12,
    rng=None,
    design: str | None = None,
    planned_cycles: int | None = None,
) -> DiaryResult:
    """Analyse one person's mat trial diary with every n-of-1 method and give a verdict.

    Parameters
    ----------
    diary : str, Path or DataFrame
        The diary: columns ``date``, ``condition`` (``mat``/``control``), ``score`` and
        optionally ``cycle``, ``washout``, ``blinding_guess`` (see
        :mod:`matstats.nof1.diary_io`).
    scale : (float, float), default (0, 10)
        Possible scores; a score outside raises :class:`matstats.DataError`.
    mcid : float, default 2.0
        Minimal clinically important difference in score points (``literature.MCID_NRS``:
        2 points on a 0-10 pain scale, Farrar 2001).
    comparator : {"no_mat", "sham"}, default "no_mat"
        What the control periods were; ``"no_mat"`` adds the unblinded-comparator caveat.
    washout_days : int, default 1
        Days at the start of each period dropped from the analyses when the diary has no
        ``washout`` column (``literature.NOF1_DEFAULTS``).
    period_days : int, optional
        Period length, only used without a ``cycle`` column (see
        :func:`matstats.nof1.build_calendar`).
    lower_is_better : bool, default True
        True for pain or stress scores; False for e.g. sleep quality (the analysis then runs on
        the negated score so that the Bayesian probabilities are probabilities of benefit;
        estimates are reported on the original scale).
    prior_sd : float, default 2.0
        SD of the normal prior N(0, prior_sd^2) of the ``bayes`` method
        (``literature.NOF1_EFFECT_PRIOR``).
    max_exact_cycles : int, default 12
        Up to this many cycles the randomization test enumerates every allocation.
    rng : None, int or numpy.random.Generator
        Only used by a Monte Carlo randomization test (more than ``max_exact_cycles`` cycles).
    design : {"paired_random", "abab", "alternating"}, optional
        How the order within cycles was decided; default: the diary's ``design`` column (the
        CSV of ``matstats nof1 plan`` has one), else unknown. The randomization test is
        reported only for ``"paired_random"`` (a fixed order gets a note instead; an unknown
        design a warning that the test assumes coin flips).
    planned_cycles : int, optional
        Cycles the trial was planned to have; default: the cycles in the diary (a plan CSV
        filled in only partly still lists every planned cycle). When fewer cycles have usable
        ratings the verdict says so and is marked provisional.

    Returns
    -------
    DiaryResult
        ``.to_frame()`` one row per method (columns: :attr:`DiaryResult.methods`), and the
        verdict. In words: ``matstats.narrative.nof1.verdict_text(result)``, the report
        ``matstats.narrative.nof1.diary_summary(result)``; the figure
        ``matstats.plots.nof1.plot_diary(result)``.

    Raises
    ------
    matstats.DataError
        Any fault in the diary (file, line, column and value in the message), or fewer than two
        cycles with usable days in both periods.
    ValueError
        Bad parameters.

    Notes
    -----
    The methods are those of :func:`matstats.nof1.analyze_many` run on the single series (the
    calendar from the first to the last date, with NaN on unrated days). Confidence intervals
    (95%): ``cycle_t`` mean difference +- t(0.975, cycles - 1) x SE; ``gls_ar1`` t interval
    with its Satterthwaite df; ``day_t`` with the residual df; ``bayes`` the equal-tailed
    credible interval of its posterior; ``randomization`` has none. The verdict
    (:attr:`DiaryResult.verdict`) is adjusted for expectation in an open comparison
    (``comparator="no_mat"``, or guesses showing the person knew).

    Examples
    --------
    >>> from matstats.nof1 import analyze, example_diary_path
    >>> res = analyze(example_diary_path())
    >>> res.to_frame()["method"].tolist()
    ['cycle_t', 'randomization', 'gls_ar1', 'bayes', 'day_t']
    """
    lo_hi, mcid = check_scale(scale), _checks.positive("mcid", mcid)
    _checks.one_of("comparator", comparator, _COMPARATORS)
    if design is not None:
        _checks.one_of("design", design, DIARY_DESIGNS)
    entries = _read_diary(diary, scale=lo_hi)
    name = entries.attrs["source"]
    design = design if design is not None else entries.attrs.get("design")
    cal = _build_calendar(entries, washout_days=washout_days, period_days=period_days)
    check_scores_vary(cal, name)
    in_diary = int(cal["cycle"].nunique())
    if planned_cycles is None:
        planned_cycles = in_diary
    else:
        planned_cycles = _checks.integer("planned_cycles", planned_cycles, 2)
        if planned_cycles < in_diary:
            raise ValueError(f"planned_cycles must be >= the {in_diary} cycles in the diary, "
                             f"got {planned_cycles!r}")
    periods = _summarize_periods(cal)
    cycles = _summarize_cycles(periods)
    usable = int(cycles["difference"].notna().sum())
    if usable < 2:
        raise DataError(
            f"only {usable} cycle(s) have rated non-washout days in both periods; at least 2 "
            "are needed for any analysis",
            file=name,
            column="score",
        )
    sign = 1.0 if lower_is_better else -1.0
    y = sign * cal["score"].to_numpy(dtype=float)[None, :]
    sched = cal[["day", "cycle", "period", "day_in_period", "condition", "washout"]]
    raw = analyze_many(
        sched, y, mcid=mcid, prior_sd=prior_sd, max_exact_cycles=max_exact_cycles, rng=rng
    ).iloc[0]
    methods = _method_table(raw, sign=sign, design=design)
    n_cyc = int(raw["n_cycles_used"])
    blinding = _summarize_blinding(cal)
    verdict = _diary_verdict(cal, periods, cycles, planned_cycles=planned_cycles, mcid=mcid,
                             prior_sd=prior_sd, lower_is_better=lower_is_better,
                             comparator=comparator, bang_bi_mat=_bang_mat(blinding))
    return DiaryResult(
        methods=methods, days=cal, periods=periods, cycles=cycles, excluded=_excluded_days(cal),
        blinding=blinding, raw=raw, verdict=verdict,
        mcid=mcid, comparator=comparator, lower_is_better=lower_is_better, scale=lo_hi,
        source=name,
        min_pval_randomization=(min_randomization_pval(n_cyc) if n_cyc <= max_exact_cycles
                                else math.nan),
        design=design, planned_cycles=planned_cycles, prior_sd=float(prior_sd),
    )


def _diary_verdict(cal, periods, cycles, *, planned_cycles, mcid, prior_sd, lower_is_better,
                   comparator, bang_bi_mat) -> Verdict:
    """The verdict of one diary (:func:`matstats.nof1.verdict.verdict_fit` on its period
    means); cycles without a usable mean in both periods are left out."""
    ok = set(cycles.loc[cycles["difference"].notna(), "cycle"])
    per = periods[periods["cycle"].isin(ok)].sort_values("period")
    used = cal[~cal["washout"] & cal["score"].notna()]
    day0 = cal["day"].min()
    times = [float((g["day"] - day0).mean()) for _, g in used.groupby("period", sort=True)
             if int(g["period"].iloc[0]) in set(per["period"])]
    sign = 1.0 if lower_is_better else -1.0
    means = sign * per["mean"].to_numpy(dtype=float)
    mat = (per["condition"] == "mat").to_numpy()
    knew = comparator == "sham" and math.isfinite(bang_bi_mat) and bang_bi_mat >= UNBLINDED_BANG
    open_ = comparator == "no_mat" or knew
    n = len(ok)
    r = verdict_fit(means[None, :], np.asarray(times)[None, :], mat[None, :], n_cycles=n,
                    planned_cycles=planned_cycles, open_comparison=open_, mcid=mcid,
                    prior_sd=prior_sd)
    est, lo, hi = (sign * float(r[k][0]) for k in ("estimate", "ci_low", "ci_high"))
    bias = NOF1_EXPECTATION_BIAS
    return Verdict(
        label=str(r["label"][0]), label_blinded=str(r["label_blinded"][0]),
        basis=str(r["basis"][0]), order=str(r["order"][0]), open_comparison=open_,
        provisional=n < planned_cycles, level=float(r["level"][0]), estimate=est,
        ci_low=min(lo, hi), ci_high=max(lo, hi), prob_benefit=float(r["prob_benefit"][0]),
        prob_mcid=float(r["prob_mcid"][0]),
        estimate_blinded=sign * float(r["estimate_blinded"][0]),
        prob_benefit_blinded=float(r["prob_benefit_blinded"][0]),
        bias_mean=bias.mean if open_ else 0.0, bias_sd=bias.sd if open_ else 0.0,
        n_cycles=n, planned_cycles=int(planned_cycles),
    )
