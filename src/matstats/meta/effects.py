"""Effect sizes and their sampling variances: :func:`escalc` (R metafor's), and converters
of the other forms in which papers report a result. Conventions (metafor's ``escalc``):

* ``"SMD"``: Hedges' g, ``g = c(m) * (m1 - m2) / s_pooled`` with the exact bias correction
  :func:`hedges_correction`, ``m = n1 + n2 - 2``; variance ``1/n1 + 1/n2 + g^2 / (2 (n1 + n2))``.
* ``"MD"``: raw mean difference with the unequal-variance sampling variance.
* ``"SMCC"``: standardized mean change, change-score standardization;
  ``"SMCR"``: standardized mean change, raw-score standardization (by ``sd1i``).
  Both need the pre-post correlation ``ri`` and the number of persons ``ni``.
* ``"RR"``, ``"OR"`` (log scale) and ``"RD"`` from 2x2 tables; 1/2 is added to every cell
  of a study that has a zero cell (metafor's ``add=1/2, to="only0"``).
* ``"ZCOR"``: Fisher's r-to-z transformed correlation.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import special, stats

from matstats._core import checks as _checks
from matstats._core import columns as _columns

__all__ = [
    "escalc",
    "hedges_correction",
    "se_from_ci",
    "smd_from_p",
    "or_to_smd",
    "smd_to_or",
]

_MEASURES = ("SMD", "MD", "SMCC", "SMCR", "RR", "OR", "RD", "ZCOR")


def _broadcast(what: str = "the arguments", **values) -> list[np.ndarray]:
    """The arguments as 1-D float arrays of one common length (a scalar is repeated). NaN marks a
    missing entry; an infinite one is a fault."""
    lengths = {name: np.atleast_1d(np.asarray(v, dtype=object)).size for name, v in values.items()}
    n = max(lengths.values())
    if any(m not in (1, n) for m in lengths.values()):
        raise ValueError(f"{what} have mismatched lengths: {lengths}")
    out = []
    for name, v in values.items():
        a = _checks.vector(name, v, allow_nonfinite=True)
        inf = np.flatnonzero(np.isinf(a))
        if inf.size:
            raise ValueError(f"{name} must be finite (NaN marks a missing value); got "
                             f"{a[inf[:5]].tolist()} at positions {inf[:5].tolist()}")
        out.append(np.repeat(a, n) if a.size == 1 else a)
    return out


def _collect(measure: str, required: list[str], given: dict) -> tuple[dict, int]:
    missing = [r for r in required if given.get(r) is None]
    if missing:
        raise ValueError(f"measure {measure!r} needs arguments {required}; missing {missing}")
    arrays = _broadcast(f"arguments for measure {measure!r}", **{r: given[r] for r in required})
    return dict(zip(required, arrays)), arrays[0].size


def hedges_correction(df) -> np.ndarray:
    """Exact small-sample bias correction factor of Hedges (1981).

    ``c(m) = Gamma(m/2) / (sqrt(m/2) * Gamma((m-1)/2))`` as used by metafor; the familiar
    approximation is ``1 - 3 / (4 m - 1)``.

    Parameters
    ----------
    df : array_like
        Degrees of freedom ``m`` (``n1 + n2 - 2`` for two groups, ``n - 1`` for one group).
        Must be > 1.

    Returns
    -------
    numpy.ndarray
        The correction factor(s), same shape as ``df``; NaN where ``df`` is NaN.
    """
    m = np.asarray(df, dtype=float)
    if np.any(m[~np.isnan(m)] <= 1):
        raise ValueError(f"degrees of freedom must be > 1 for the bias correction, got {df!r}")
    with np.errstate(invalid="ignore"):
        return np.exp(special.gammaln(m / 2) - 0.5 * np.log(m / 2) - special.gammaln((m - 1) / 2))


def _each(check: Callable, name: str, a: np.ndarray, *args, **kwargs) -> None:
    """Apply a scalar :mod:`matstats._core.checks` check to every non-missing element of ``a``,
    naming the element (``sd1i[2]``) in the error."""
    for i in np.flatnonzero(~np.isnan(a)):
        check(f"{name}[{i}]", float(a[i]), *args, **kwargs)


def _check_positive(**arrays: np.ndarray) -> None:
    for name, a in arrays.items():
        _each(_checks.positive, name, a)


def _check_at_least(low: float, *, strict: bool = False, **arrays: np.ndarray) -> None:
    for name, a in arrays.items():
        _each(_checks.in_range, name, a, low, math.inf, open_low=strict)


def escalc(
    measure: str,
    *,
    m1i=None,
    sd1i=None,
    n1i=None,
    m2i=None,
    sd2i=None,
    n2i=None,
    ni=None,
    ri=None,
    ai=None,
    bi=None,
    ci=None,
    di=None,
    ti=None,
    pi=None,
    p_relation=None,
    add: float = 0.5,
    to: str = "only0",
    data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compute effect sizes ``yi`` and sampling variances ``vi`` (metafor's ``escalc``).

    Parameters
    ----------
    measure : {"SMD", "MD", "SMCC", "SMCR", "RR", "OR", "RD", "ZCOR"}
        The effect-size measure, named as in metafor.
    m1i, sd1i, n1i, m2i, sd2i, n2i : array_like, optional
        Means, standard deviations and sizes of group 1 (treatment) and group 2 (control)
        for ``"SMD"`` and ``"MD"``. For ``"SMCC"``/``"SMCR"`` ``m1i``/``sd1i`` are the mean
        and SD at the first measurement and ``m2i``/``sd2i`` at the second; the change is
        ``m1i - m2i`` (as in metafor). For 2x2 measures ``n1i``/``n2i`` may replace
        ``bi``/``di``.
    ni : array_like, optional
        Number of persons for ``"SMCC"``, ``"SMCR"`` and ``"ZCOR"``.
    ri : array_like, optional
        Pre-post correlation (``"SMCC"``/``"SMCR"``) or the correlation itself (``"ZCOR"``).
    ai, bi, ci, di : array_like, optional
        2x2 cells: events / non-events in group 1 (``ai``, ``bi``) and group 2 (``ci``,
        ``di``). For ``"SMD"``, ``di`` may instead hold Cohen's d values (with
        ``n1i``/``n2i``), as in metafor.
    ti : array_like, optional
        For ``"SMD"``: t statistics of two-sample t-tests (with ``n1i``, ``n2i``).
    pi : array_like, optional
        For ``"SMD"``: signed two-sided p-values of two-sample t-tests, as metafor's ``pi``
        (:func:`smd_from_p`).
    p_relation : array_like of {"=", "<", ">"}, optional
        Relation of each reported p-value (default ``"="``); an inequality gives a bound.
    add : float, default 0.5
        Amount added to the cells of 2x2 tables (metafor's ``add``).
    to : {"only0", "all", "if0all", "none"}, default "only0"
        Which tables get ``add``: only those with a zero cell (default), all tables, all
        tables if any has a zero cell, or none.
    data : pandas.DataFrame, optional
        Table whose columns the data arguments (``m1i`` ... ``pi``, ``p_relation``) may
        name, as metafor's ``data=``: ``escalc("SMD", m1i="m_t", ..., data=df)``. A string
        ``p_relation`` that is not a column is used as the relation itself. The result is
        the same as passing the columns themselves (a fresh 0..k-1 index).

    Returns
    -------
    pandas.DataFrame
        One row per study, in input order, with columns

        - ``yi`` : effect size (log scale for ``"RR"``/``"OR"``; Hedges' g for ``"SMD"``).
        - ``vi`` : its sampling variance (NaN when it cannot be computed).
        - ``measure`` : the measure name.
        - ``bound`` : ``"none"`` for a point estimate, ``"lower"``/``"upper"`` when ``yi``
          is only a bound on the effect's magnitude (inequality p-values).
        - ``note`` : how the value was obtained and any adjustment made (empty if none).

    Raises
    ------
    ValueError
        Unknown measure, missing or mismatched arguments, impossible values (negative SDs
        or counts, sizes < 2, p outside (0, 1], |r| >= 1), infinite inputs, a change-score
        SD of 0 (SMCC with ri = 1 and equal SDs), inputs so extreme that ``yi`` or ``vi``
        overflows, or a column name not in ``data``.

    Notes
    -----
    Rows with a missing (NaN) input get ``yi = vi = NaN`` and say so in ``note``; they are
    never dropped.

    Examples
    --------
    >>> from matstats import escalc
    >>> df = pd.DataFrame({"m_t": [5.0, 4.2], "sd_t": [2.0, 1.8], "n_t": [20, 31],
    ...                    "m_c": [4.0, 4.0], "sd_c": [2.1, 1.9], "n_c": [21, 30]})
    >>> out = escalc("SMD", m1i="m_t", sd1i="sd_t", n1i="n_t", m2i="m_c", sd2i="sd_c",
    ...              n2i="n_c", data=df)
    >>> out[["yi", "vi"]].round(4)
           yi      vi
    0  0.4779  0.1004
    1  0.1067  0.0657
    """
    measure = _checks.one_of("measure", measure.upper() if isinstance(measure, str) else measure,
                             _MEASURES)
    _columns.check_data(data)
    given = {name: _columns.column(name, value, data) for name, value in dict(
        m1i=m1i, sd1i=sd1i, n1i=n1i, m2i=m2i, sd2i=sd2i, n2i=n2i, ni=ni, ri=ri, ai=ai, bi=bi,
        ci=ci, di=di, ti=ti, pi=pi).items()}
    p_relation = _columns.column("p_relation", p_relation, data, literal_strings=True)
    if measure != "SMD" and (p_relation is not None or ti is not None or pi is not None):
        raise ValueError(f"ti/pi/p_relation are only accepted for measure 'SMD', not {measure!r}")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused in _frame
        if measure == "SMD":
            return _escalc_smd(given, p_relation)
        if measure == "MD":
            return _escalc_md(given)
        if measure in ("SMCC", "SMCR"):
            return _escalc_change(measure, given)
        if measure == "ZCOR":
            return _escalc_zcor(given)
        return _escalc_2x2(measure, given, add, to)


def _escalc_md(given: dict) -> pd.DataFrame:
    a, n = _collect("MD", ["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"], given)
    _check_positive(sd1i=a["sd1i"], sd2i=a["sd2i"])
    _check_at_least(2, n1i=a["n1i"], n2i=a["n2i"])  # an SD needs at least 2 observations
    yi = a["m1i"] - a["m2i"]
    vi = a["sd1i"] ** 2 / a["n1i"] + a["sd2i"] ** 2 / a["n2i"]
    return _frame(yi, vi, "MD", "mean difference from means/SDs")


def _escalc_change(measure: str, given: dict) -> pd.DataFrame:
    a, n = _collect(measure, ["m1i", "m2i", "sd1i", "ni", "ri"]
                    + (["sd2i"] if measure == "SMCC" else []), given)
    _check_positive(sd1i=a["sd1i"])
    _each(_checks.in_range, "ri", a["ri"], -1, 1)
    _check_at_least(3, ni=a["ni"])
    cm = hedges_correction(a["ni"] - 1)
    if measure == "SMCC":
        _check_positive(sd2i=a["sd2i"])
        sdd = np.sqrt(a["sd1i"] ** 2 + a["sd2i"] ** 2 - 2 * a["ri"] * a["sd1i"] * a["sd2i"])
        zero = np.flatnonzero(sdd == 0)
        if zero.size:
            i = int(zero[0])
            raise ValueError(
                f"ri[{i}] = {a['ri'][i]:g} with sd1i[{i}] = sd2i[{i}] = {a['sd1i'][i]:g} gives a "
                "change-score SD of 0: the standardized mean change is undefined; SMCC needs "
                "ri < 1 or unequal SDs"
            )
        yi = cm * (a["m1i"] - a["m2i"]) / sdd
        vi = 1 / a["ni"] + yi**2 / (2 * a["ni"])
        how = "standardized mean change (change-score SD), bias-corrected"
    else:
        yi = cm * (a["m1i"] - a["m2i"]) / a["sd1i"]
        vi = 2 * (1 - a["ri"]) / a["ni"] + yi**2 / (2 * a["ni"])
        how = "standardized mean change (raw-score SD), bias-corrected"
    return _frame(yi, vi, measure, how)


def _escalc_zcor(given: dict) -> pd.DataFrame:
    a, n = _collect("ZCOR", ["ri", "ni"], given)
    r, nn = a["ri"], a["ni"]
    _each(_checks.in_range, "ri", r, -1, 1, open_low=True, open_high=True)
    _check_at_least(3, strict=True, ni=nn)
    return _frame(np.arctanh(r), 1 / (nn - 3), "ZCOR", "Fisher z of a correlation")


def _frame(yi, vi, measure, how, bound=None, notes=None) -> pd.DataFrame:
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    n = yi.size
    notes = np.array([how] * n if notes is None else notes, dtype=object)
    bad = np.flatnonzero(np.isinf(yi) | np.isinf(vi))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{measure}: row {i} gives yi = {yi[i]!r}, vi = {vi[i]!r}: the inputs are too "
            "extreme for a finite effect size (check units and magnitudes)"
        )
    missing = np.isnan(yi)
    if missing.any():
        vi = vi.copy()
        vi[missing] = np.nan
        for i in np.flatnonzero(missing):
            if "not estimable" not in str(notes[i]):
                notes[i] = "missing input: effect size not computable"
    return pd.DataFrame({"yi": yi, "vi": vi, "measure": [measure] * n,
                         "bound": ["none"] * n if bound is None else list(bound),
                         "note": list(notes)})


def _escalc_2x2(measure: str, given: dict, add: float, to: str) -> pd.DataFrame:
    if given["bi"] is None and given["n1i"] is not None:
        a, n = _collect(measure, ["ai", "n1i", "ci", "n2i"], given)
        a["bi"] = a["n1i"] - a["ai"]
        a["di"] = a["n2i"] - a["ci"]
    else:
        a, n = _collect(measure, ["ai", "bi", "ci", "di"], given)
    cells = np.column_stack([a["ai"], a["bi"], a["ci"], a["di"]])
    finite = ~np.isnan(cells)
    if np.any(cells[finite] < 0):
        raise ValueError("2x2 cell counts must be >= 0 (check that events do not exceed n)")
    _checks.one_of("to", to, ("only0", "all", "if0all", "none"))
    add = _checks.positive("add", add, allow_zero=True)
    has_zero = np.any(cells == 0, axis=1)
    gets = {"only0": has_zero, "all": np.ones(n, dtype=bool), "none": np.zeros(n, dtype=bool),
            "if0all": np.repeat(bool(has_zero.any()), n)}[to] & (add != 0)
    cells = cells + np.where(gets, add, 0.0)[:, None]
    A, B, C, D = cells.T
    n1, n2 = A + B, C + D
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log(A / n1) - np.log(C / n2)
            vi = 1 / A - 1 / n1 + 1 / C - 1 / n2
            how = "log risk ratio from 2x2 counts"
        elif measure == "OR":
            yi = np.log(A * D / (B * C))
            vi = 1 / A + 1 / B + 1 / C + 1 / D
            how = "log odds ratio from 2x2 counts"
        else:
            p1, p2 = A / n1, C / n2
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
            how = "risk difference from 2x2 counts"
    yi = np.where(np.isfinite(yi), yi, np.nan)
    vi = np.where(np.isfinite(vi), vi, np.nan)
    notes = []
    for i in range(n):
        note = how
        if gets[i]:
            note += f"; {add:g} added to each cell" + (" (zero cell)" if has_zero[i] else "")
        if not np.isfinite(yi[i]) and np.all(finite[i]):
            note = f"{how}: not estimable (both arms all or no events)"
        notes.append(note)
    return _frame(yi, vi, measure, how, notes=notes)


#: The inputs of each way to give a standardized mean difference to :func:`escalc`.
_SMD_INPUTS = {"m1i": ["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"], "di": ["di", "n1i", "n2i"],
               "ti": ["ti", "n1i", "n2i"], "pi": ["pi", "n1i", "n2i"]}


def _escalc_smd(given: dict, p_relation) -> pd.DataFrame:
    sources = [k for k in _SMD_INPUTS if given[k] is not None]
    if len(sources) != 1:
        raise ValueError(
            "measure 'SMD' needs exactly one of: means (m1i, sd1i, m2i, sd2i), di, ti or pi "
            f"(together with n1i, n2i); got {sources or 'none'}"
        )
    src = sources[0]
    if src != "pi" and p_relation is not None:
        raise ValueError("p_relation is only meaningful together with pi")
    a, _ = _collect("SMD", _SMD_INPUTS[src], given)
    n1, n2 = a["n1i"], a["n2i"]
    if src == "pi":
        return smd_from_p(a["pi"], n1, n2, relation=p_relation)
    _check_group_sizes(n1, n2)
    if src == "m1i":
        _check_positive(sd1i=a["sd1i"], sd2i=a["sd2i"])
        sdp = np.sqrt(((n1 - 1) * a["sd1i"] ** 2 + (n2 - 1) * a["sd2i"] ** 2) / (n1 + n2 - 2))
        d = (a["m1i"] - a["m2i"]) / sdp
        how = "Hedges' g from means/SDs"
    elif src == "di":
        d = a["di"]
        how = "Hedges' g from a reported Cohen's d"
    else:
        d = a["ti"] * np.sqrt(1 / n1 + 1 / n2)  # Cohen's d
        how = "Hedges' g from a t statistic"
    yi = hedges_correction(n1 + n2 - 2) * d
    vi = 1 / n1 + 1 / n2 + yi**2 / (2 * (n1 + n2))
    return _frame(yi, vi, "SMD", how)


def _check_group_sizes(n1: np.ndarray, n2: np.ndarray) -> None:
    _check_at_least(1, n1i=n1, n2i=n2)
    tot = (n1 + n2)[~np.isnan(n1 + n2)]
    if np.any(tot < 3):
        raise ValueError("n1i + n2i must be >= 3 for a standardized mean difference")


def se_from_ci(ci_low, ci_high, *, level: float = 0.95, log: bool = False) -> np.ndarray:
    """Standard error from a symmetric confidence interval.

    ``se = (hi - lo) / (2 z_{(1+level)/2})``; for ratio measures (``log=True``) the limits
    are log-transformed first, giving the SE of the log ratio.

    Parameters
    ----------
    ci_low, ci_high : array_like
        Lower and upper confidence limits (on the ratio scale when ``log=True``).
    level : float, default 0.95
        Confidence level of the interval.
    log : bool, default False
        Whether the limits are of a ratio (RR, OR, HR) and must be logged.

    Returns
    -------
    numpy.ndarray
        The standard errors (NaN where a limit is NaN).
    """
    level = _checks.level(level)
    lo, hi = _broadcast(ci_low=ci_low, ci_high=ci_high)
    if log:  # ratio limits
        _check_positive(ci_low=lo, ci_high=hi)
        lo, hi = np.log(lo), np.log(hi)
    bad = ~np.isnan(lo) & ~np.isnan(hi) & (hi < lo)
    if bad.any():
        raise ValueError(f"ci_high must be >= ci_low; got ({lo[bad][0]!r}, {hi[bad][0]!r})")
    return (hi - lo) / (2 * stats.norm.ppf((1 + level) / 2))


def smd_from_p(p, n1, n2, *, relation=None) -> pd.DataFrame:
    """Hedges' g and its variance from a two-sided two-sample t-test p-value, or a bound.

    For an exact p (``relation "="``): ``t = qt(1 - |p|/2, n1 + n2 - 2)`` with the sign of
    ``p``, ``d = t sqrt(1/n1 + 1/n2)``, ``g = c(m) d`` and
    ``v = 1/n1 + 1/n2 + g^2 / (2 (n1 + n2))`` (metafor's ``escalc(pi=...)``).
    An inequality gives a bound, never a point estimate: ``p < x`` means
    ``|t| > qt(1 - x/2, df)``, so ``|g|`` is *at least* the g computed at ``p = x``
    (``bound="lower"``); ``p > x`` gives an upper bound on ``|g|`` (``bound="upper"``).
    ``vi`` is then the variance *at the bound*, not the variance of an estimate: do not pool
    such a row as a point.

    Parameters
    ----------
    p : array_like
        Two-sided p-values in (0, 1], signed: negative when group 1 is lower.
    n1, n2 : array_like
        Arm sizes.
    relation : array_like of {"=", "<", ">"}, optional
        Relation of each reported p-value (default ``"="``; ``"<="``, ``">="`` read as
        ``"<"``, ``">"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``yi`` (g, or the bound, with the sign of ``p``), ``vi``, ``measure``,
        ``bound``, ``note`` as in :func:`escalc`.

    Examples
    --------
    >>> smd_from_p([0.021, 0.001], 20, 20, relation=["=", "<"])[["yi", "bound"]].round(3)
          yi  bound
    0  0.746   none
    1  1.105  lower
    """
    p, n1, n2 = _broadcast(p=p, n1=n1, n2=n2)
    rel = _relations(relation, p.size)
    _each(_checks.in_range, "|p|", np.abs(p), 0, 1, open_low=True)  # signed two-sided p-values
    _check_group_sizes(n1, n2)
    df = n1 + n2 - 2
    t = np.sign(p) * stats.t.isf(np.abs(p) / 2, df)
    g = hedges_correction(df) * t * np.sqrt(1 / n1 + 1 / n2)
    exact = ("Hedges' g back-calculated from an exact two-sided p-value (assumes a two-sample "
             "t-test on these arm sizes)")
    return _frame(g, 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)), "SMD", "",
                  bound=[_BOUND_KIND[r] for r in rel],
                  notes=[exact if r == "=" else _bound_note(r, x) for r, x in zip(rel, p)])


_BOUND_KIND = {"=": "none", "<": "lower", ">": "upper"}


def _bound_note(relation: str, p: float) -> str:
    words = "at least" if _BOUND_KIND[relation] == "lower" else "at most"
    return (f"BOUND only: p {relation} {abs(p):g} implies |g| is {words} this value; "
            "vi is the variance at the bound, not of an estimate")


def _relations(relation, n: int) -> list[str]:
    rel = [relation] if relation is None or isinstance(relation, str) else list(relation)
    if len(rel) == 1:
        rel = rel * n
    if len(rel) != n:
        raise ValueError(f"p_relation has length {len(rel)}, but there are {n} p-values")
    out = []
    for r in rel:
        r = "=" if r is None or (not isinstance(r, str) and pd.isna(r)) else str(r).strip()
        r = {"<=": "<", ">=": ">"}.get(r, r)
        out.append(_checks.one_of("p_relation", r, ("=", "<", ">")))
    return out


def or_to_smd(odds_ratio, var_log_or=None) -> pd.DataFrame:
    """Convert odds ratios to standardized mean differences (Chinn 2000).

    ``d = ln(OR) * sqrt(3) / pi`` and ``var(d) = var(ln OR) * 3 / pi^2`` (logistic
    distribution approximation).

    Parameters
    ----------
    odds_ratio : array_like
        Odds ratios (> 0), on the ratio scale.
    var_log_or : array_like, optional
        Sampling variances of ``ln(OR)``; if omitted ``vi`` is NaN.

    Returns
    -------
    pandas.DataFrame
        Columns ``yi`` (d), ``vi``, ``measure`` (``"SMD"``), ``bound`` and ``note``.
    """
    o, v = _broadcast(odds_ratio=odds_ratio,
                      var_log_or=np.nan if var_log_or is None else var_log_or)
    _check_positive(odds_ratio=o, var_log_or=v)
    return _frame(np.log(o) * math.sqrt(3) / math.pi, v * 3 / math.pi**2, "SMD",
                  "d converted from an odds ratio (Chinn 2000)")


def smd_to_or(d, var_d=None) -> pd.DataFrame:
    """Convert standardized mean differences to log odds ratios (inverse of Chinn 2000).

    ``ln(OR) = d * pi / sqrt(3)`` and ``var(ln OR) = var(d) * pi^2 / 3``.

    Parameters
    ----------
    d : array_like
        Standardized mean differences.
    var_d : array_like, optional
        Their variances; if omitted ``vi`` is NaN.

    Returns
    -------
    pandas.DataFrame
        Columns ``yi`` (log odds ratio), ``vi``, ``measure`` (``"OR"``), ``bound`` and
        ``note``. ``numpy.exp(yi)`` is the odds ratio.
    """
    d, v = _broadcast(d=d, var_d=np.nan if var_d is None else var_d)
    _check_positive(var_d=v)
    return _frame(d * math.pi / math.sqrt(3), v * math.pi**2 / 3, "OR",
                  "log odds ratio converted from d (Chinn 2000)")
