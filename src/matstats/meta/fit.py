"""The fitted meta-analytic model :class:`MetaFit` and :func:`meta_analysis`, metafor's ``rma``.

A :class:`MetaFit` keeps its data and settings, so follow-up analyses are its methods.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks
from matstats._core import columns as _columns
from matstats.meta import _estimators as est
from matstats.meta import bias, subsets
from matstats.meta._estimators import METHODS, TESTS

__all__ = ["MetaFit", "meta_analysis"]

#: Columns of :meth:`MetaFit.to_frame`, in order.
SUMMARY_FIELDS = ("estimate", "se", "stat", "df", "ci_low", "ci_high", "pval", "tau2",
                  "tau2_ci_low", "tau2_ci_high", "i2", "h2", "q", "q_df", "q_pval", "pi_low",
                  "pi_high", "k", "method", "test", "level")


@dataclass(frozen=True)
class MetaFit:
    """A fitted equal-effect or random-effects model (the result of :func:`meta_analysis`).

    Its summary fields are the columns of :meth:`to_frame` (described there). It also keeps
    the data ``yi``, ``vi`` (read-only, input order), the study labels ``slab`` (or None),
    ``weights`` (percentage weight of each study, metafor's ``weights()``) and ``notes``.

    Examples
    --------
    >>> from matstats.meta import meta_analysis
    >>> fit = meta_analysis([0.1, 0.3, 0.5, 0.2], [0.02, 0.03, 0.05, 0.01], method="DL")
    >>> round(fit.estimate, 4), fit.k
    (0.2213, 4)
    """

    estimate: float
    se: float
    stat: float
    df: float
    ci_low: float
    ci_high: float
    pval: float
    tau2: float
    tau2_ci_low: float
    tau2_ci_high: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_pval: float
    pi_low: float
    pi_high: float
    k: int
    method: str
    test: str
    level: float
    weights: tuple[float, ...] = field(repr=False)
    yi: np.ndarray = field(repr=False, compare=False, default=None)
    vi: np.ndarray = field(repr=False, compare=False, default=None)
    slab: tuple | None = field(repr=False, compare=False, default=None)
    #: Why a statistic is NaN or infinite (empty when every number is finite).
    notes: tuple[str, ...] = field(repr=False, compare=False, default=())

    # --------------------------------------------------------------------- summaries
    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the model summary.

        Returns
        -------
        pandas.DataFrame
            Columns: ``estimate`` (pooled effect), ``se``, ``stat`` (z or t statistic),
            ``df`` (t degrees of freedom, ``inf`` for z), ``ci_low``, ``ci_high``, ``pval``,
            ``tau2``, ``tau2_ci_low``, ``tau2_ci_high`` (Q-profile), ``i2`` (percent),
            ``h2``, ``q`` (Cochran's Q), ``q_df``, ``q_pval``, ``pi_low``, ``pi_high``
            (prediction interval), ``k``, ``method``, ``test``, ``level``.

        Examples
        --------
        >>> meta_analysis([0.1, 0.5], [0.02, 0.04]).to_frame()[["k", "method"]]
           k method
        0  2   REML
        """
        return pd.DataFrame([{f: getattr(self, f) for f in SUMMARY_FIELDS}])

    def study_frame(self) -> pd.DataFrame:
        """One row per study: the data with a normal-theory CI at the fit's ``level``.

        Returns
        -------
        pandas.DataFrame
            Columns ``label`` (``slab``, or ``"Study 1"``, ...), ``yi``, ``vi``, ``se``
            (``sqrt(vi)``), ``ci_low``, ``ci_high`` (``yi -/+ z se``) and ``weight``
            (percent, as :attr:`weights`), in input order.

        Examples
        --------
        >>> fit = meta_analysis([0.1, 0.5], [0.04, 0.04], slab=["a", "b"])
        >>> fit.study_frame()[["label", "ci_low", "weight"]].round(3)
          label  ci_low  weight
        0     a  -0.292    50.0
        1     b   0.108    50.0
        """
        labels = self.slab if self.slab is not None else _columns.study_labels(None, self.k)
        se = np.sqrt(self.vi)
        z = est.critical_value("z", self.level, math.inf)
        return pd.DataFrame({"label": list(labels), "yi": self.yi, "vi": self.vi, "se": se,
                             "ci_low": self.yi - z * se, "ci_high": self.yi + z * se,
                             "weight": self.weights})

    def predict(self, *, level: float | None = None,
                transf: Callable[[np.ndarray], np.ndarray] | None = None) -> pd.DataFrame:
        """The pooled estimate with confidence and prediction interval (metafor ``predict``).

        Parameters
        ----------
        level : float, optional
            Confidence level; default the fit's own ``level``.
        transf : callable, optional
            Applied to the estimate and all limits (e.g. ``numpy.exp`` for a log odds ratio);
            ``se`` is then NaN, as in metafor.

        Returns
        -------
        pandas.DataFrame
            One row: ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``pi_low``, ``pi_high``
            (NaN for ``method="FE"``) and ``level``.

        Examples
        --------
        >>> fit = meta_analysis([0.1, 0.3, 0.5, 0.2], [0.02, 0.03, 0.05, 0.01])
        >>> fit.predict(level=0.9, transf=np.exp)[["estimate", "ci_low", "ci_high"]].round(3)
           estimate  ci_low  ci_high
        0     1.248   1.112      1.4
        """
        lev = self.level if level is None else _checks.level(level)
        crit = est.critical_value(self.test, lev, self.df)
        half = math.nan if self.method == "FE" else crit * math.sqrt(self.se**2 + self.tau2)
        row = {"estimate": self.estimate, "se": self.se, "ci_low": self.estimate - crit * self.se,
               "ci_high": self.estimate + crit * self.se, "pi_low": self.estimate - half,
               "pi_high": self.estimate + half}
        if transf is not None:
            if not callable(transf):
                raise ValueError(f"transf must be callable or None, got {transf!r}")
            row = {key: (math.nan if key == "se" else float(transf(np.float64(val))))
                   for key, val in row.items()}
        row["level"] = lev
        return pd.DataFrame([row])

    # ------------------------------------------------------------------- follow-ups
    def update(self, *, yi=None, vi=None, slab=None, method: str | None = None,
               test: str | None = None, level: float | None = None) -> MetaFit:
        """Refit with some data or settings changed (metafor ``update``).

        Parameters
        ----------
        yi, vi : array_like, optional
            New data; when either is given, ``slab`` is dropped unless given too.
        slab : array_like, optional
            New study labels.
        method, test, level : optional
            New settings; default the fit's own.

        Returns
        -------
        MetaFit
            The refitted model.

        Examples
        --------
        >>> fit = meta_analysis([0.1, 0.3, 0.5], [0.02, 0.03, 0.05])
        >>> fit.update(method="FE").tau2
        0.0
        """
        if slab is None and yi is None and vi is None:
            slab = self.slab
        return meta_analysis(self.yi if yi is None else yi, self.vi if vi is None else vi,
                             method=self.method if method is None else method,
                             test=self.test if test is None else test,
                             level=self.level if level is None else level, slab=slab)

    def egger_test(self) -> bias.EggerResult:
        """Egger's regression test for funnel-plot asymmetry (metafor ``regtest(model="lm")``).

        Weighted least squares of ``yi`` on ``sqrt(vi)`` with weights ``1/vi`` and a
        multiplicative residual variance (Egger et al. 1997, BMJ 315:629): the slope's t test
        is the asymmetry test, the intercept the limit estimate (CI at the fit's ``level``).
        It does not depend on the fit's tau2 estimator.

        Returns
        -------
        EggerResult
            Its columns are described in :meth:`EggerResult.to_frame`.

        Raises
        ------
        ValueError
            Fewer than 3 studies, or all standard errors equal (slope not identifiable).

        Examples
        --------
        >>> res = meta_analysis([0.1, 0.3, 0.5, 0.2], [0.02, 0.03, 0.05, 0.01]).egger_test()
        >>> res.df, round(res.pval, 4), round(res.limit_estimate, 4)
        (2, 0.3125, -0.0349)
        """
        bias.need_studies(self, 3, "Egger's test")
        y, v = self.yi, self.vi
        sei = np.sqrt(v)
        if np.ptp(sei) == 0:
            raise ValueError("all standard errors are equal: Egger's slope is not identifiable")
        k = y.size
        X = np.column_stack([np.ones(k), sei])
        w, beta, Ainv, r = est.gls(y, v, X, 0.0)
        df = k - 2
        sigma2 = float(np.sum(w * r**2)) / df
        se = np.sqrt(np.diag(sigma2 * Ainv))
        notes = []
        if se[1] > 0:
            stat = float(beta[1] / se[1])
        elif beta[1] == 0:
            stat = math.nan
            notes.append("zero residual variance and zero slope: the t statistic is 0/0, so stat "
                         "and pval are NaN (as R's lm/metafor regtest)")
        else:
            stat = math.copysign(math.inf, float(beta[1]))
            notes.append("zero residual variance: the points lie exactly on a line, so the t "
                         "statistic is infinite and pval = 0")
        pval = float(2 * stats.t.sf(abs(stat), df)) if not math.isnan(stat) else math.nan
        crit = est.critical_value("knha", self.level, df)  # t on k - 2 df
        b0 = float(beta[0])
        return bias.EggerResult(stat=stat, df=df, pval=pval, limit_estimate=b0,
                                limit_ci_low=b0 - crit * float(se[0]),
                                limit_ci_high=b0 + crit * float(se[0]), slope=float(beta[1]),
                                k=k, level=float(self.level), notes=tuple(notes))

    def trim_and_fill(self, *, estimator: str = "L0", side: str | None = None,
                      maxiter: int = 100) -> bias.TrimFillResult:
        """Duval & Tweedie trim-and-fill (metafor ``trimfill``) with this fit's method, test
        and level.

        Parameters
        ----------
        estimator : {"L0", "R0"}, default "L0"
            Estimator of the number of missing studies.
        side : {"left", "right"}, optional
            Side on which studies are missing. By default chosen as metafor does:
            ``"right"`` if the slope of the meta-regression of ``yi`` on ``sqrt(vi)`` (same
            ``method``) is negative, else ``"left"``.
        maxiter : int, default 100
            Maximum number of trim iterations.

        Returns
        -------
        TrimFillResult
            ``k0``, ``side``, the refitted ``model`` and the augmented ``data`` (see there).

        Raises
        ------
        ValueError
            Fewer than 3 studies, or no convergence within ``maxiter``.

        Examples
        --------
        >>> fit = meta_analysis([0.05, 0.3, 0.45, 0.6, 0.9], [0.005, 0.02, 0.04, 0.06, 0.1],
        ...                     method="DL")
        >>> res = fit.trim_and_fill()
        >>> res.k0, res.side, res.model.k
        (2, 'left', 7)
        """
        _checks.one_of("estimator", estimator, ("L0", "R0"))
        _checks.one_of("side", side, ("left", "right", None))
        maxiter = _checks.integer("maxiter", maxiter, minimum=1)
        bias.need_studies(self, 3, "trim-and-fill")
        y, v, k = self.yi, self.vi, self.k
        notes = []
        if side is None:
            side = bias._side(y, v, self.method)
            if side is None:
                side = "left"
                notes.append("all sampling variances are equal, so the funnel slope that chooses "
                             "the side is undefined; side='left' was used (metafor's choice for a "
                             "slope that is not negative); pass side= to choose")
        ys = -y if side == "right" else y.copy()
        order = np.argsort(ys, kind="stable")
        ys, vs = ys[order], v[order]
        k0 = 0
        for _ in range(maxiter):
            b = est.pooled_estimate(ys[: k - k0], vs[: k - k0], self.method)
            k0, k0_prev = bias._k0(ys - b, estimator), k0
            if k0 == k0_prev:
                break
        else:
            raise ValueError(f"trim and fill did not converge in maxiter={maxiter} iterations")
        y_fill, v_fill = 2 * b - ys[k - k0:], vs[k - k0:]
        if side == "right":
            y_fill = -y_fill
        data = pd.DataFrame({
            "yi": np.concatenate([y, y_fill]),
            "vi": np.concatenate([v, v_fill]),
            "filled": np.concatenate([np.zeros(k, bool), np.ones(y_fill.size, bool)]),
        })
        slab = None if self.slab is None else (*self.slab, *(f"filled {i + 1}" for i in range(k0)))
        model = self.update(yi=data["yi"].to_numpy(), vi=data["vi"].to_numpy(), slab=slab)
        return bias.TrimFillResult(k0=k0, side=side, estimator=estimator, model=model,
                                   data=data, notes=tuple(notes))

    def leave_one_out(self) -> pd.DataFrame:
        """The model refitted with each study left out in turn (metafor ``leave1out``).

        Needs at least 2 studies (3 for ``test="knha"``).

        Returns
        -------
        pandas.DataFrame
            One row per omitted study: ``omitted`` (``slab``, or ``"Study 1"``, ...) plus
            the columns of :meth:`MetaFit.to_frame` for the model without that study.

        Examples
        --------
        >>> fit = meta_analysis([0.1, 0.3, 0.5], [0.02, 0.03, 0.05], slab=list("abc"))
        >>> out = fit.leave_one_out()
        >>> out["omitted"].tolist(), out["k"].tolist()
        (['a', 'b', 'c'], [2, 2, 2])
        """
        bias.need_studies(self, 3 if self.test == "knha" else 2, "leave-one-out")
        out = pd.concat([self.update(yi=np.delete(self.yi, i), vi=np.delete(self.vi, i))
                         .to_frame() for i in range(self.k)], ignore_index=True)
        out.insert(0, "omitted", list(_columns.study_labels(None, self.k) if self.slab is None
                                      else self.slab))
        return out

    def subgroups(self, groups, *, tau2: str = "separate") -> subsets.SubgroupResult:
        """Separate models per subgroup and the between-subgroup Q test.

        Each subgroup is pooled on its own (its own tau2, this fit's ``method``, ``test``
        and ``level``). With ``tau2="separate"`` the between-subgroup statistic is
        ``Q_b = sum_g (est_g - est_bar)^2 / se_g^2`` with ``est_bar`` the inverse-variance
        mean of the subgroup estimates, on G - 1 df: metafor's moderator test ``QM`` of
        ``rma(est_g, sei=se_g, mods=~group, method="FE")`` (Borenstein et al. 2009, ch. 19).
        With ``tau2="common"`` it is the ``QM`` of the mixed-effects model with one tau2
        shared by all subgroups, ``rma(yi, vi, mods = ~ factor(group), method=method)$QM``;
        the per-group table is unchanged.

        Parameters
        ----------
        groups : array_like
            Subgroup label of each study (no missing labels).
        tau2 : {"separate", "common"}, default "separate"
            How heterogeneity enters the between-subgroup test (see above).

        Returns
        -------
        SubgroupResult
            Per-subgroup models (order of first appearance) and the Q test (see there).

        Raises
        ------
        ValueError
            Missing labels, mismatched lengths, or fewer than 2 usable subgroups.

        Examples
        --------
        >>> fit = meta_analysis([0.1, 0.3, 0.5, 0.2], [0.02, 0.03, 0.05, 0.01], method="FE")
        >>> res = fit.subgroups(["a", "a", "b", "b"])
        >>> res.groups["group"].tolist(), res.q_between_df, round(res.q_between, 4)
        (['a', 'b'], 1, 0.241)
        """
        _checks.one_of("tau2", tau2, ("separate", "common"))
        bias.need_studies(self, 2, "a subgroup analysis")
        g = subsets._labels(groups, self.k)
        rows, excluded = [], []
        for label in pd.unique(g):
            idx = np.flatnonzero((g == label).to_numpy())
            if self.test == "knha" and idx.size < 2:
                excluded.extend({"index": int(i), "group": label,
                                 "reason": "single-study subgroup cannot use test='knha'"}
                                for i in idx)
                continue
            row = self.update(yi=self.yi[idx], vi=self.vi[idx]).to_frame()
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
            qb = subsets._moderator_qm(self.yi[used], self.vi[used], g[used].to_numpy(),
                                       self.method)
        dfb = len(rows) - 1
        excl = pd.DataFrame(excluded, columns=["index", "group", "reason"])
        return subsets.SubgroupResult(groups=table, q_between=qb, q_between_df=dfb,
                                      q_between_pval=float(stats.chi2.sf(qb, dfb)),
                                      excluded=excl, notes=tuple(notes))


# ------------------------------------------------------------------------- fitting
def _check_data(yi, vi, slab) -> tuple[np.ndarray, np.ndarray, tuple | None]:
    y = _checks.vector("yi", yi)
    v = _checks.vector("vi", vi, size=y.size, positive=True)
    # within these bounds every sum of squares (Q, the likelihood scores, X'WX) stays finite
    _checks.within("yi", y, -1e60, 1e60)
    _checks.within("vi", v, 1e-60, 1e60)
    if y.size == 0:
        raise ValueError("at least 1 study is needed, got k = 0")
    if slab is None:
        return y, v, None
    labels = tuple(slab)
    if len(labels) != y.size:
        raise ValueError(f"slab (the study labels) must have length {y.size}, got "
                         f"{len(labels)}")
    return y, v, labels


def meta_analysis(yi, vi, *, method: str = "REML", test: str = "z", level: float = 0.95,
                  slab=None, data: pd.DataFrame | None = None) -> MetaFit:
    """Pool effect sizes with an equal-effect or random-effects model (metafor ``rma``).

    Parameters
    ----------
    yi : array_like or str
        Effect sizes (e.g. ``escalc(...)["yi"]``), or a column name of ``data``. NaN is
        rejected, never dropped.
    vi : array_like or str
        Sampling variances, all > 0 (or a column name of ``data``).
    method : {"REML", "DL", "ML", "PM", "HE", "SJ", "FE"}, default "REML"
        Heterogeneity estimator; ``"FE"`` fits the equal-effect (tau2 = 0) model.
    test : {"z", "knha"}, default "z"
        Normal-theory Wald inference, or the Hartung-Knapp(-Sidik-Jonkman) adjustment with
        a t distribution on k - 1 df.
    level : float, default 0.95
        Confidence level for the CI, the tau2 CI and the prediction interval.
    slab : array_like or str, optional
        Study labels (or a column name of ``data``), kept on the fit for
        :meth:`MetaFit.leave_one_out`, :meth:`MetaFit.study_frame` and the plots.
    data : pandas.DataFrame, optional
        Table whose columns ``yi``, ``vi`` and ``slab`` may name (as metafor's ``data=``).

    Returns
    -------
    MetaFit
        Frozen fit that keeps its data and settings; ``.to_frame()`` is the one-row summary
        (columns described in :meth:`MetaFit.to_frame`).

    Raises
    ------
    ValueError
        Mismatched lengths, NaN/inf inputs, ``vi <= 0``, an empty input, ``test="knha"``
        with k = 1, an unknown method/test/level, or a column name not in ``data``.
        Limits: ``|yi| <= 1e60`` and ``1e-60 <= vi <= 1e60`` (beyond them sums of squares
        overflow float64; rescale the effect sizes).

    Notes
    -----
    * Q, I2 (percent) and H2 follow metafor: for random-effects models
      ``I2 = 100 tau2 / (tau2 + s2)`` and ``H2 = (tau2 + s2) / s2`` with the "typical"
      within-study variance ``s2 = (k-1) sum(w) / (sum(w)^2 - sum(w^2))``; for ``"FE"``
      ``I2 = max(0, 100 (Q - (k-1)) / Q)`` and ``H2 = Q / (k-1)``.
    * The prediction interval is ``estimate +/- crit * sqrt(se^2 + tau2)``, with ``crit``
      from the normal (``test="z"``) or t(k-1) (``test="knha"``) distribution; NaN for
      ``method="FE"`` (metafor's ``predict()`` gives none there).
    * With k = 1 the model reduces to the single study (tau2 = 0, Q = 0, Q p = 1, I2 = 0,
      H2 = 1, as metafor reports); the tau2 CI is NaN. ``test="knha"`` with k = 1 raises
      (metafor silently switches to ``"z"``).
    * ``method="FE"`` with ``test="knha"`` is computed as metafor does (it only warns).
    * With ``test="knha"`` and zero residual variance (all studies on the pooled estimate)
      ``se = 0``, so the t statistic is 0/0 (NaN, p NaN, as metafor's NA) or +/-inf (p = 0).
      :attr:`MetaFit.notes` explains every NaN or infinite number of a fit.

    Examples
    --------
    >>> from matstats.meta import meta_analysis
    >>> df = pd.DataFrame({"study": ["a", "b", "c"], "g": [0.1, 0.3, 0.5],
    ...                    "v": [0.02, 0.03, 0.05]})
    >>> fit = meta_analysis("g", "v", data=df, slab="study", method="DL")
    >>> fit.slab, round(fit.estimate, 4)
    (('a', 'b', 'c'), 0.2522)
    """
    _checks.one_of("method", method, METHODS)
    _checks.one_of("test", test, TESTS)
    level = _checks.level(level)
    _columns.check_data(data)
    y, v, labels = _check_data(_columns.column("yi", yi, data), _columns.column("vi", vi, data),
                               _columns.column("slab", slab, data))
    if test == "knha" and y.size < 2:
        raise ValueError("test='knha' needs at least 2 studies (t distribution on k-1 df)")
    y, v = y.copy(), v.copy()  # the fit owns its data: never the caller's array
    y.flags.writeable = False
    v.flags.writeable = False
    return MetaFit(**_summary(y, v, method, test, level), yi=y, vi=v, slab=labels)


def _summary(y: np.ndarray, v: np.ndarray, method: str, test: str, level: float) -> dict:
    """All summary fields of the intercept-only model (validated inputs)."""
    k = y.size
    notes: list[str] = []
    X = np.ones((k, 1))
    tau2 = est.tau2(y, v, X, method)
    w, beta, Ainv, r = est.gls(y, v, X, tau2)
    b = float(beta[0])
    if test == "knha":
        df = k - 1
        rss = float(np.sum(w * r**2))
        # metafor sets s2w to 0 when the weighted RSS is numerically zero
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / df
        se = math.sqrt(s2w * Ainv[0, 0])
        stat = b / se if se > 0 else (math.copysign(math.inf, b) if b else math.nan)
        pval = float(2 * stats.t.sf(abs(stat), df)) if not math.isnan(stat) else math.nan
        if se == 0:
            notes.append(
                "test='knha': zero residual variance (every study lies on the pooled estimate), "
                "so se = 0 and the t statistic is "
                + ("0/0: stat and pval are NaN (metafor: NA)" if b == 0
                   else "infinite: pval = 0")
            )
    else:
        df = math.inf
        se = math.sqrt(Ainv[0, 0])
        stat = b / se
        pval = float(2 * stats.norm.sf(abs(stat)))
    crit = est.critical_value(test, level, df)
    half = math.nan if method == "FE" else crit * math.sqrt(se**2 + tau2)
    if method == "FE":
        notes.append("method='FE': tau2 is fixed at 0, so there is no prediction interval "
                     "(pi_low, pi_high NaN, as metafor's predict()) and no tau2 CI (NaN)")
    elif k == 1:
        notes.append("k = 1: the Q-profile CI of tau2 is undefined (tau2_ci_low, tau2_ci_high "
                     "NaN)")
    return dict(
        estimate=b, se=se, stat=stat, df=float(df), ci_low=b - crit * se,
        ci_high=b + crit * se, pval=pval, tau2=tau2, **_heterogeneity(y, v, method, tau2, level),
        pi_low=b - half, pi_high=b + half, k=k, method=method, test=test, level=float(level),
        weights=tuple(float(x) for x in 100 * w / w.sum()), notes=tuple(notes),
    )


def _heterogeneity(y: np.ndarray, v: np.ndarray, method: str, tau2: float,
                   level: float) -> dict:
    """Q (from the equal-effect weights), its p, I2, H2 and the Q-profile CI of tau2."""
    k = y.size
    w0 = 1.0 / v
    mu0 = float(np.sum(w0 * y) / np.sum(w0))
    q = float(np.sum(w0 * (y - mu0) ** 2))
    q_df = k - 1
    tau2_ci = (math.nan, math.nan)
    q_pval = 1.0 if k == 1 else float(stats.chi2.sf(q, q_df))
    if k == 1:
        i2, h2 = 0.0, 1.0
    elif method == "FE":
        i2 = max(0.0, 100 * (q - q_df) / q) if q > 0 else 0.0
        h2 = q / q_df
    else:
        denom = float(np.sum(w0) ** 2 - np.sum(w0**2))
        if not denom > 1e-8 * float(np.sum(w0)) ** 2:  # cancellation: one dominant weight
            denom = 2 * est.pair_sum(w0)
        s2 = q_df * np.sum(w0) / denom
        i2 = 100 * tau2 / (tau2 + s2)
        h2 = (tau2 + s2) / s2
        tau2_ci = est.qprofile_ci(y, v, np.ones((k, 1)), level)
    return dict(tau2_ci_low=tau2_ci[0], tau2_ci_high=tau2_ci[1], i2=float(i2), h2=float(h2),
                q=q, q_df=q_df, q_pval=q_pval)
