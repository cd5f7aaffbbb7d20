"""One-stage analysis of a series of n-of-1 trials: a linear mixed model on the day-level data
(lme4 ``lmer(score ~ mat + day + (1 + mat | person))``). The two-stage analysis on cycle
differences (:mod:`matstats.nof1.series_analysis`) is the primary one.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from matstats._core import checks as _checks

__all__ = ["SeriesLMMResult", "fit_series_lmm"]


@dataclass(frozen=True)
class SeriesLMMResult:
    """One-stage linear mixed model of a series (:func:`fit_series_lmm`).

    Attributes mirror :meth:`to_frame`.
    """

    estimate: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    pval: float
    tau: float
    intercept_sd: float
    re_corr: float
    residual_sd: float
    trend: float
    llf: float
    n_obs: int
    k: int
    converged: bool
    level: float
    fixed: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row summary.

        Returns
        -------
        pandas.DataFrame
            ``estimate`` (fixed ``mat`` coefficient: average effect, points), ``se``,
            ``df`` (k - 1, the t reference), ``ci_low``, ``ci_high``, ``pval``, ``tau`` (SD
            of the random ``mat`` effect), ``intercept_sd``, ``re_corr`` (correlation of the
            random intercept and ``mat`` effect), ``residual_sd``, ``trend`` (fixed ``day``
            coefficient, points per day), ``llf`` (REML log-likelihood), ``n_obs`` (days
            used), ``k`` (persons), ``converged``, ``level``.
        """
        d = asdict(self)
        d.pop("fixed")
        return pd.DataFrame([d])


def _days_table(data, series: int) -> pd.DataFrame:
    from matstats.nof1.series_io import SeriesData
    from matstats.nof1.series_sim import SeriesSimulation

    if isinstance(data, SeriesSimulation):
        return data.to_frame(series)
    if isinstance(data, SeriesData):
        return data.days
    if isinstance(data, pd.DataFrame):
        need = ("person", "day", "condition", "washout", "score")
        missing = [c for c in need if c not in data.columns]
        if missing:
            raise ValueError(f"data lacks column(s) {missing}; needs {need}")
        return data
    raise ValueError("data must be a SeriesData, a SeriesSimulation or a day-level DataFrame; "
                     f"got {type(data).__name__}")


def _gls_cov(use: pd.DataFrame, terms, cov_re: np.ndarray, scale: float,
             trend: bool) -> np.ndarray:
    """Covariance of the fixed effects, (sum_i X_i' V_i^-1 X_i)^-1 with
    V_i = scale I + Z_i cov_re Z_i' at the REML estimates (as lme4 ``vcov``)."""
    cols = ["mat", "day"] if trend else ["mat"]
    info = np.zeros((len(terms), len(terms)))
    for _, g in use.groupby("person", sort=False):
        X = np.column_stack([np.ones(len(g))] + [g[c].to_numpy(float) for c in cols])
        Z = X[:, :2]
        V = scale * np.eye(len(g)) + Z @ cov_re @ Z.T
        info += X.T @ np.linalg.solve(V, X)
    return np.linalg.inv(info)


def fit_series_lmm(data, *, series: int = 0, trend: bool = True,
                   level: float = 0.95) -> SeriesLMMResult:
    """One-stage linear mixed model on the day-level data of a series.

    ``score ~ mat + day`` (``day`` 0-based within the person's trial, the trend term of the
    single-trial ``gls_ar1`` analysis) with a random intercept and a random ``mat`` effect per
    person, unstructured covariance, fitted by REML with statsmodels ``MixedLM`` (L-BFGS and
    Powell starts, each polished by BFGS; the fit with the highest REML log-likelihood is
    kept: near the boundary tau = 0 a single L-BFGS run can stop short; ``converged``: at
    least one run reported convergence). Fixed-effect SEs are the GLS ones at the REML
    estimates (as lme4). Washout and unrated days are left out. The residuals are treated as
    independent: with autocorrelated days (rho > 0) the SE of the average effect is slightly
    too small when tau is small.

    Parameters
    ----------
    data : SeriesData, SeriesSimulation or pandas.DataFrame
        Day-level data with ``person``, ``day``, ``condition``, ``washout``, ``score``.
    series : int, default 0
        Replicate of a ``SeriesSimulation``.
    trend : bool, default True
        Include the fixed linear trend ``day``.
    level : float, default 0.95
        CI level; the CI and p-value use t with k - 1 df (persons minus 1), the
        between-person df of a random-slope model.

    Returns
    -------
    SeriesLMMResult
        ``.to_frame()`` one-row summary; ``.fixed`` all fixed effects (``term``,
        ``estimate``, ``se``).

    Examples
    --------
    >>> from matstats.nof1 import simulate_series
    >>> sim = simulate_series(8, 4, effect=-1.0, tau=0.6, rho=0.0, rng=2)
    >>> fit = fit_series_lmm(sim)
    >>> fit.k, fit.n_obs
    (8, 384)
    """
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    level = _checks.level(level)
    days = _days_table(data, series)
    use = days.loc[~days["washout"].astype(bool) & days["score"].notna()].copy()
    use["mat"] = (use["condition"] == "mat").astype(float)
    use["day"] = use["day"].astype(float) - 1.0
    use["person"] = use["person"].astype(str)
    k = int(use["person"].nunique())
    if k < 2:
        raise ValueError(f"at least 2 persons with rated days are needed, got {k}")
    formula = "score ~ mat + day" if trend else "score ~ mat"
    model = smf.mixedlm(formula, use, groups=use["person"], re_formula="~mat")
    fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        for method in ("lbfgs", "powell"):
            try:
                first = model.fit(reml=True, method=method)
                polished = model.fit(reml=True, method="bfgs", start_params=first.params_object,
                                     gtol=1e-12)
            except (np.linalg.LinAlgError, ValueError):  # pragma: no cover - other start
                continue
            fits += [f for f in (first, polished) if np.isfinite(f.llf)]
    if not fits:  # pragma: no cover
        raise ValueError("MixedLM failed with every optimiser")
    fit = max(fits, key=lambda f: f.llf)  # the first of the highest
    cov = np.asarray(fit.cov_re)
    cov_fe = _gls_cov(use, fit.fe_params.index, cov, float(fit.scale), trend)
    est = float(fit.fe_params["mat"])
    se = float(np.sqrt(cov_fe[1, 1]))
    df = float(k - 1)
    crit = float(stats.t.ppf(0.5 + level / 2.0, df))
    fixed = pd.DataFrame({"term": list(fit.fe_params.index), "estimate": fit.fe_params.to_numpy(),
                          "se": np.sqrt(np.diag(cov_fe))})
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    corr = float(cov[0, 1] / (sd[0] * sd[1])) if sd[0] > 0 and sd[1] > 0 else math.nan
    return SeriesLMMResult(
        estimate=est, se=se, df=df, ci_low=est - crit * se, ci_high=est + crit * se,
        pval=float(2 * stats.t.sf(abs(est / se), df)), tau=float(sd[1]),
        intercept_sd=float(sd[0]), re_corr=corr, residual_sd=float(math.sqrt(fit.scale)),
        trend=float(fit.fe_params["day"]) if trend else math.nan, llf=float(fit.llf),
        n_obs=int(len(use)), k=k,
        converged=any(f.converged for f in fits), level=level, fixed=fixed,
    )
