"""Study row -> effect size: the data -> effects step of the control ladder and the routing.

A study row of ``studies.csv`` (see ``data/README.md``) becomes a standardized mean
difference (Hedges' g) oriented so that **positive g means the device did better** than its
control (:data:`matstats.vocab.SIGN_CONVENTION`), or it is excluded with a stable ``code``
and a ``reason`` (:func:`exclusion_rules_table`). Orientation is decided once, by
:func:`matstats.vocab.benefit_sign`, for every route that reads a signed number; the p-value
routes take the sign from the reported ``result_direction``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from matstats import vocab
from matstats._core import cells as _cells
from matstats._core import checks as _checks
from matstats.meta import effects
from matstats.evidence.data_io import default_path, load_studies

__all__ = ["MatEffects", "duplicate_contrasts", "exclusion_rules_table", "study_effect_sizes"]

# Between-group contrasts that are not device-vs-control comparisons: contrast -> why.
_EXCLUDED_CONTRASTS = {
    "randomized_vs_preference_backrest": "compares randomized and self-selected (preference) "
    "backrest users, not a device with a control",
}

# Sign of a reported ``result_direction`` for routes that read no signed number (p-values).
_DIRECTION_SIGN = {"favours_mat": 1.0, "favours_control": -1.0}

_EFFECT_COLUMNS = [
    "study_id", "contrast", "device", "device_group", "control", "control_class",
    "outcome_domain", "outcome_measure", "timepoint_weeks", "n_treatment", "n_control",
    "yi", "vi", "sei", "ci_low", "ci_high", "bound_side", "bound_value", "method",
    "pooled_eligible", "uses_unverified", "inference", "note", "line",
]
_EXCLUDED_COLUMNS = [
    "study_id", "contrast", "device", "control", "outcome_domain", "outcome_measure",
    "timepoint_weeks", "code", "reason", "line",
]
_COPIED = ("study_id", "contrast", "device", "control", "outcome_domain", "outcome_measure")
_Z95 = float(stats.norm.isf(0.025))


# --------------------------------------------------------------------------- the row
@dataclass(frozen=True)
class _StudyRow:
    """The cells of one study row the extraction reads ('' or NaN when missing); ``raw`` is
    the whole row (for :func:`matstats.vocab.benefit_sign`)."""

    raw: Mapping
    line: int
    study_id: str
    contrast: str
    device: str
    control: str
    comparison: str
    outcome_domain: str
    outcome_measure: str
    timepoint_weeks: float
    n1: float
    n2: float
    p: float
    p_relation: str
    significant: str
    direction: str
    estimate_type: str
    estimate: float
    ci_low: float
    ci_high: float

    @classmethod
    def from_mapping(cls, row: Mapping, line: int) -> _StudyRow:
        """Parse ``row`` (a dict or Series in the studies.csv schema)."""
        txt, num = (lambda c: _cells.row_text(row, c)), (lambda c: _cells.row_number(row, c))
        rel = txt("p_relation")
        return cls(
            raw=row, line=line, **{c: txt(c) for c in _COPIED}, comparison=txt("comparison"),
            timepoint_weeks=num("timepoint_weeks"), n1=num("n_treatment"), n2=num("n_control"),
            p=num("p_value"), p_relation={"<=": "<", ">=": ">"}.get(rel, rel),
            significant=txt("significant"), direction=txt("result_direction"),
            estimate_type=txt("estimate_type"), estimate=num("estimate"),
            ci_low=num("ci_low"), ci_high=num("ci_high"),
        )

    @property
    def inference(self) -> bool:
        """The row's result is our reading of the source, not its statement.

        ``value_status=unverified`` with notes starting ``INFERENCE:`` (data/README.md).
        """
        return (_cells.row_text(self.raw, "value_status") == "unverified"
                and _cells.row_text(self.raw, "notes").startswith("INFERENCE:"))

    @property
    def has_arm_sizes(self) -> bool:
        """Both per-arm sizes are known."""
        return not (math.isnan(self.n1) or math.isnan(self.n2))

    def means_sd(self) -> tuple[float, float, float, float]:
        """(mean_treatment, sd_treatment, mean_control, sd_control), NaN where missing."""
        cols = ("mean_treatment", "sd_treatment", "mean_control", "sd_control")
        return tuple(_cells.row_number(self.raw, c) for c in cols)  # type: ignore[return-value]

    def flags(self, used: Sequence[str]) -> str:
        """Unverified or derived inputs among ``used`` (``"values"``, ``"n"``), in words."""
        parts = []
        vstat = _cells.row_text(self.raw, "value_status")
        nstat = _cells.row_text(self.raw, "n_status")
        if "values" in used and vstat in {"unverified", "derived"}:
            what = " (an INFERENCE: see the row's notes)" if self.inference else ""
            parts.append(f"effect inputs value_status={vstat}{what}")
        if "n" in used and nstat in {"unverified", "derived"}:
            parts.append(f"arm sizes n_status={nstat}")
        derivation = _cells.row_text(self.raw, "derivation")
        if parts and derivation:
            parts.append(f"derivation: {derivation}")
        return "; ".join(parts)


# --------------------------------------------------------------------------- exclusion rules
@dataclass(frozen=True)
class _Rule:
    """One way a row gives no effect size: ``reason`` formats over the row (``{r.device!r}``,
    ``{shown[control]}``) and the route's keywords; ``applies`` is set for the row checks."""

    code: str
    reason: str
    applies: Callable[[_StudyRow, Mapping[str, object]], bool] | None = None

    def text(self, row: _StudyRow, **extra: object) -> str:
        """The reason for ``row`` in words (an empty label is shown as ``empty``)."""
        shown = {k: getattr(row, k) or "empty" for k in ("comparison", "control", "direction")}
        return self.reason.format(r=row, shown=shown, **extra)


class _Excluded(Exception):
    """Raised by an extraction route: the row gives no effect size (rule ``code``)."""

    def __init__(self, code: str, **extra: object) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


_BETWEEN = "between_groups"

# Every exclusion, in the order the checks meet them.
_EXCLUSION_RULES: tuple[_Rule, ...] = (
    _Rule("manual_acupressure",
          "manual (finger/point) acupressure, not a mat: excluded from mat pooling",
          lambda r, ctx: r.device == "manual_acupressure"
          and r.device not in ctx["devices"]),
    _Rule("not_a_mat", "device {r.device!r} is not an acupressure mat, pad or backrest",
          lambda r, ctx: r.device not in vocab.MAT_DEVICES | vocab.SEPARATE_DEVICES
          | ctx["devices"]),
    _Rule("duplicate_report",
          "same participants as {dup} (data/sources.csv: duplicate_of / "
          "duplicate_contrasts): a second report of one trial, never pooled or "
          "counted as a second trial",
          lambda r, ctx: (r.study_id, r.contrast) in ctx["duplicates"]),
    _Rule("within_group",
          "within-group (pre-post) result: not a between-group effect; any CI here "
          "describes change within one arm",
          lambda r, _: r.comparison == "within_group"),
    _Rule("comparison_unclear",
          "the source does not say whether this result is between groups or within a "
          "group (comparison=unclear)",
          lambda r, _: r.comparison == "unclear"),
    _Rule("no_between_group",
          "no between-group comparison (comparison={shown[comparison]})",
          lambda r, _: r.comparison != _BETWEEN),
    _Rule("contrast_excluded", "contrast {r.contrast!r} excluded: {why}",
          lambda r, ctx: r.contrast in ctx["contrasts"]),
    _Rule("control_unclear",
          "a control group whose kind the source does not report (control=unclear): "
          "it has no rung on the ladder",
          lambda r, _: r.control == "unclear"),
    _Rule("no_control", "no control group (control={shown[control]})",
          lambda r, _: r.control not in vocab.CONTROL_RUNG),
    _Rule("no_arm_sizes",
          "{what} present but per-arm sizes (n_treatment, n_control) missing"),
    _Rule("significance_only_no_arm_sizes",
          "no p-value, only significant={r.significant!r}, and per-arm sizes "
          "(n_treatment, n_control) missing: not even a bound on g"),
    _Rule("direction_unknown",
          "direction of benefit unknown for outcome {r.outcome_measure!r} "
          "(pass lower_is_better)"),
    _Rule("exact_p_no_direction",
          "exact p-value but the direction of the difference is not reported "
          "(result_direction={shown[direction]})"),
    _Rule("bound_no_direction", "p '<' bound without a reported direction"),
    _Rule("p_relation_unknown", "p-value with unknown relation {r.p_relation!r}"),
    _Rule("not_standardizable",
          "estimate of type {r.estimate_type!r} without per-arm SDs cannot be "
          "standardized"),
    _Rule("no_numeric_result",
          "no numeric between-group result (means/SDs, exact p or SMD) reported"),
)
_RULES = {rule.code: rule for rule in _EXCLUSION_RULES}


def exclusion_rules_table() -> pd.DataFrame:
    """The exclusion rules in the order they are checked.

    Returns
    -------
    pandas.DataFrame
        One row per rule: ``order`` (1-based), ``code``, ``stage`` (``row`` = checked on
        the row before any number is read, ``route`` = raised by an extraction route) and
        ``reason`` (the template of the text given for an excluded row).

    Examples
    --------
    >>> exclusion_rules_table()["code"].iloc[0]
    'manual_acupressure'
    """
    return pd.DataFrame([(i, r.code, "row" if r.applies else "route", r.reason)
                         for i, r in enumerate(_EXCLUSION_RULES, 1)],
                        columns=["order", "code", "stage", "reason"])


# --------------------------------------------------------------------------- routes
def _oriented(row: _StudyRow, value: float, overrides: Mapping[str, bool]) -> float:
    sign = vocab.benefit_sign(row.raw, overrides)
    if math.isnan(sign):
        raise _Excluded("direction_unknown")
    return sign * value


def _from_means_sd(row: _StudyRow, overrides: Mapping[str, bool]) -> dict:
    """Route 1: Hedges' g from per-arm means and SDs (``escalc("SMD")``), oriented: a dict of
    ``yi``, ``vi``, ``method``, ``used`` (inputs to flag) and ``notes``."""
    if not row.has_arm_sizes:
        raise _Excluded("no_arm_sizes", what="per-arm means/SDs")
    m1, s1, m2, s2 = row.means_sd()
    res = effects.escalc("SMD", m1i=m1, sd1i=s1, n1i=row.n1, m2i=m2, sd2i=s2, n2i=row.n2).iloc[0]
    return {"yi": _oriented(row, float(res["yi"]), overrides), "vi": float(res["vi"]),
            "method": "from_means_sd", "used": ("values", "n"),
            "notes": ["Hedges' g from per-arm means and SDs (pooled SD)"]}


def _from_reported_smd(row: _StudyRow, overrides: Mapping[str, bool]) -> dict:
    """Route 2: a reported SMD (treatment - control) with its 95% CI, oriented; variance from
    the CI width."""
    se = (row.ci_high - row.ci_low) / (2 * _Z95)
    yi = _oriented(row, row.estimate, overrides)
    notes = ["reported SMD; SE from the 95% CI width"]
    stated = _DIRECTION_SIGN.get(row.direction)
    if stated is not None and yi != 0 and math.copysign(1.0, yi) != stated:
        notes.append(f"oriented SMD {yi:+.2f} disagrees with result_direction={row.direction}")
    return {"yi": yi, "vi": se * se, "method": "reported_smd", "used": ("values",),
            "notes": notes}


def _from_exact_p(row: _StudyRow, p: float) -> dict:
    """Route 3: |g| from an exact two-sided p (:func:`matstats.meta.effects.smd_from_p`, a
    two-sample t-test assumed), signed by ``result_direction``."""
    sign = _DIRECTION_SIGN.get(row.direction)
    if sign is None:
        raise _Excluded("exact_p_no_direction")
    res = effects.smd_from_p(sign * p, row.n1, row.n2).iloc[0]
    equal = row.n1 == row.n2
    note = (f"back-calculated from two-sided p={p:g} assuming a two-sample t-test with "
            f"{int(row.n1)}/{int(row.n2)} per arm" + (" (equal arms assumed)" if equal else "")
            + "; the authors may have used another test (e.g. ANCOVA)")
    return {"yi": float(res["yi"]), "vi": float(res["vi"]),
            "method": "from_p_equal_arms" if equal else "from_p_arm_sizes",
            "used": ("values", "n"), "notes": [note]}


def _from_p_bound(row: _StudyRow, p: float, relation: str) -> dict:
    """Route 4: a bound on g from ``p < x`` (g beyond a value) or ``p > x`` (|g| below it),
    with ``bound_side`` and ``bound_value``; ``yi`` and ``vi`` NaN."""
    b = float(effects.smd_from_p(p, row.n1, row.n2, relation=relation)["yi"].iloc[0])
    if relation == "<":
        sign = _DIRECTION_SIGN.get(row.direction)
        if sign is None:
            raise _Excluded("bound_no_direction")
        value = sign * b
        side = "lower" if value >= 0 else "upper"
        note = (f"p<{p:g} gives only a bound: g {'>' if value > 0 else '<'} {value:.2f}; "
                "not pooled as a point")
    else:
        side, value = "upper_abs", b
        note = f"p>{p:g} gives only |g| < {b:.2f}; not pooled as a point"
    return {"yi": math.nan, "vi": math.nan, "method": "bound_only", "bound_side": side,
            "bound_value": value, "used": ("values", "n"), "notes": [note]}


def _from_p(row: _StudyRow, alpha: float | None) -> dict:
    p, relation = row.p, row.p_relation
    from_significance = math.isnan(p)
    if from_significance:  # only "significant"/"not significant": a bound at the usual level
        p, relation = alpha, ("<" if row.significant == "yes" else ">")
    if not row.has_arm_sizes:
        raise _Excluded("significance_only_no_arm_sizes" if from_significance
                        else "no_arm_sizes", what="p-value")
    if relation == "=":
        return _from_exact_p(row, p)
    if relation not in {"<", ">"}:
        raise _Excluded("p_relation_unknown")
    out = _from_p_bound(row, p, relation)
    if from_significance:
        out["notes"].append(f"no p-value reported: significant={row.significant!r} read as "
                            f"p {relation} {alpha:g} (two-sided t-test assumed)")
    return out


def _extract(row: _StudyRow, overrides: Mapping[str, bool], alpha: float | None) -> dict:
    """Try the routes in order; the first whose inputs are present decides."""
    if not any(math.isnan(v) for v in row.means_sd()):
        return _from_means_sd(row, overrides)
    if row.estimate_type == "smd" and not any(
            math.isnan(v) for v in (row.estimate, row.ci_low, row.ci_high)):
        return _from_reported_smd(row, overrides)
    if not math.isnan(row.p) or (alpha is not None and row.significant in {"yes", "no"}):
        return _from_p(row, alpha)
    if row.estimate_type in {"pct_change", "md"}:
        raise _Excluded("not_standardizable")
    raise _Excluded("no_numeric_result")


# --------------------------------------------------------------------------- duplicates
def duplicate_contrasts(sources: pd.DataFrame | None = None) -> dict[tuple[str, str], str]:
    """Contrasts that report the same participants as another study: ``(study_id, contrast) -> of``.

    Read from the ``duplicate_of`` / ``duplicate_contrasts`` columns of ``data/sources.csv``
    (data/README.md): a study row whose contrast is listed there duplicates ``duplicate_of``
    and is excluded from pooling (code ``duplicate_report``).

    Parameters
    ----------
    sources : pandas.DataFrame, optional
        A table with columns ``entry``, ``duplicate_of``, ``duplicate_contrasts``; default the
        bundled ``data/sources.csv``.

    Examples
    --------
    >>> duplicate_contrasts()[("purepong_thesis_backrest", "acu_backrest_vs_no_intervention")]
    'purepong2015_backrest'
    """
    if sources is None:
        sources = pd.read_csv(default_path("sources.csv"), dtype=str, keep_default_na=False)
    missing = {"entry", "duplicate_of", "duplicate_contrasts"} - set(sources.columns)
    if missing:
        raise ValueError(f"sources is missing required columns: {sorted(missing)}")
    out: dict[tuple[str, str], str] = {}
    for rec in sources.to_dict("records"):
        of = _cells.text(rec.get("duplicate_of"))
        for contrast in _cells.split_list(rec.get("duplicate_contrasts")):
            if of:
                out[(_cells.text(rec.get("entry")), contrast)] = of
    return out


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class MatEffects:
    """Effect sizes for the mat study rows and the rows that allow none.

    Attributes
    ----------
    effects : pandas.DataFrame
        One row per study row that yields an effect size or a bound (columns documented
        in :func:`study_effect_sizes`).
    excluded : pandas.DataFrame
        One row per study row that yields nothing, with ``code`` and ``reason``.
    sign_convention : str
        Direction of ``yi``.
    """

    effects: pd.DataFrame
    excluded: pd.DataFrame
    sign_convention: str = vocab.SIGN_CONVENTION

    def to_frame(self) -> pd.DataFrame:
        """Return ``effects`` (a copy)."""
        return self.effects.copy()


def _record(row: _StudyRow, out: dict, z: float) -> dict:
    flags = row.flags(out["used"])
    notes = out["notes"] + ([f"UNVERIFIED/DERIVED input: {flags}"] if flags else [])
    yi, vi = out["yi"], out["vi"]
    sei = math.sqrt(vi) if out["method"] != "bound_only" else math.nan
    return {
        **{c: getattr(row, c) for c in (*_COPIED, "timepoint_weeks", "line")},
        "device_group": ("mat" if row.device in vocab.MAT_DEVICES
                         else "backrest" if row.device in vocab.SEPARATE_DEVICES else row.device),
        "control_class": vocab.CONTROL_RUNG[row.control],
        "n_treatment": row.n1, "n_control": row.n2, "yi": yi, "vi": vi, "sei": sei,
        "ci_low": yi - z * sei, "ci_high": yi + z * sei,
        "bound_side": out.get("bound_side", ""), "bound_value": out.get("bound_value", math.nan),
        "method": out["method"], "pooled_eligible": out["method"] != "bound_only",
        "uses_unverified": bool(flags), "inference": row.inference,
        "note": "; ".join(notes),
    }


def _check_studies(studies: object) -> pd.DataFrame:
    if studies is None:
        return load_studies()
    if not isinstance(studies, pd.DataFrame):
        raise ValueError("studies must be a pandas DataFrame in the data/README.md schema, "
                         f"got {type(studies).__name__}")
    required = {"study_id", "device", "control", "comparison", "outcome_domain", "outcome_measure"}
    missing = sorted(required - set(studies.columns))
    if missing:
        raise ValueError(f"studies is missing required columns: {missing}")
    return studies


def study_effect_sizes(
    studies: pd.DataFrame | None = None,
    *,
    level: float = 0.95,
    lower_is_better: Mapping[str, bool] | None = None,
    alpha: float | None = 0.05,
    exclude_contrasts: Mapping[str, str] | None = None,
    duplicates: Mapping[tuple[str, str], str] | None = None,
    include_devices: Sequence[str] = (),
) -> MatEffects:
    """Effect size (Hedges' g, positive = device better) for every study row that allows one.

    Rows are taken in file order. A row of a mat, needle pad or backrest compared between
    groups with a control goes through the routes in order: per-arm means and SDs
    (``method="from_means_sd"``), a reported SMD with its CI (``"reported_smd"``), an exact p
    (``"from_p_equal_arms"`` / ``"from_p_arm_sizes"``) or an inequality p (``"bound_only"``: a
    bound, never pooled). Every other row goes to ``excluded`` with the ``code`` and
    ``reason`` of a rule of :func:`exclusion_rules_table`.

    Parameters
    ----------
    studies : pandas.DataFrame, optional
        Table in the ``data/README.md`` schema; default :func:`matstats.load_studies`.
    level : float
        Confidence level of ``ci_low``/``ci_high`` (normal approximation, yi +- z * sei).
    lower_is_better : mapping, optional
        ``outcome_measure -> bool`` overrides of the direction of benefit (True: a lower
        score is better; the defaults are :func:`matstats.vocab.higher_is_better`).
    alpha : float or None
        When a row reports only "significant" / "not significant" (``significant`` yes/no,
        no p-value), read it as p < ``alpha`` / p > ``alpha`` and give a bound (the note
        says so). None turns this off (such rows are then excluded).
    exclude_contrasts : mapping, optional
        ``contrast -> reason`` for between-group rows that do not compare a device with a
        control; default: the one contrast of the bundled data that compares randomized and
        self-selected users.
    duplicates : mapping, optional
        ``(study_id, contrast) -> study_id`` of the rows that report the same participants as
        another study (excluded, code ``duplicate_report``); default
        :func:`duplicate_contrasts` (``data/sources.csv``). ``{}`` turns this off.
    include_devices : sequence of str
        Devices that are normally excluded (e.g. ``"manual_acupressure"``) to extract anyway,
        as their own ``device_group``, never mixed with mats (used to show the one
        sham-controlled point estimate of manual acupressure beside the ladder).

    Returns
    -------
    MatEffects
        ``effects`` has the columns

        - ``study_id``, ``contrast``, ``device``, ``control``, ``outcome_domain``,
          ``outcome_measure``, ``timepoint_weeks``: copied from the study row;
        - ``device_group``: ``"mat"`` (mat, needle_pad), ``"backrest"``, or the device
          itself for an ``include_devices`` device;
        - ``control_class``: rung of the ladder (:data:`matstats.vocab.CONTROL_RUNG`):
          ``no_treatment``, ``active`` or ``sham``;
        - ``n_treatment``, ``n_control``: arm sizes used;
        - ``yi``, ``vi``, ``sei``: Hedges' g (positive = device better), its variance
          (1/n1 + 1/n2 + g^2 / (2 (n1 + n2)), or from the CI width for a reported SMD) and
          standard error; NaN for bounds;
        - ``ci_low``, ``ci_high``: confidence interval at ``level``; NaN for bounds;
        - ``bound_side`` (``"lower"``, ``"upper"``, ``"upper_abs"`` or ``""``) and
          ``bound_value``: for ``bound_only`` rows, g > value, g < value or |g| < value;
        - ``method``: the route that gave the effect;
        - ``pooled_eligible``: True for point estimates;
        - ``uses_unverified``: True when an input used is ``value_status`` or ``n_status``
          unverified/derived;
        - ``inference``: True when the row's result is our reading of the source, not its
          statement (``value_status=unverified``, notes starting ``INFERENCE:``);
        - ``note``: the assumptions and flags in words;
        - ``line``: 1-based line in the data file (header = line 1).

        ``excluded`` has ``study_id``, ``contrast``, ``device``, ``control``,
        ``outcome_domain``, ``outcome_measure``, ``timepoint_weeks``, ``code`` (a code of
        :func:`exclusion_rules_table`), ``reason`` and ``line``.

    Examples
    --------
    >>> row = {"study_id": "s", "device": "mat", "control": "waitlist",
    ...        "comparison": "between_groups", "outcome_domain": "pain",
    ...        "outcome_measure": "nrs_pain", "estimate_type": "smd", "estimate": -1.11,
    ...        "ci_low": -1.61, "ci_high": -0.61, "result_direction": "favours_mat"}
    >>> float(study_effect_sizes(pd.DataFrame([row])).effects["yi"].iloc[0])
    1.11
    """
    studies = _check_studies(studies)
    z = float(stats.norm.isf((1 - _checks.level(level)) / 2))
    if alpha is not None:
        alpha = _checks.alpha(alpha)
    overrides = {m: not low for m, low in (lower_is_better or {}).items()}
    excluded_contrasts = dict(_EXCLUDED_CONTRASTS if exclude_contrasts is None
                              else exclude_contrasts)
    dups = dict(duplicate_contrasts() if duplicates is None else duplicates)
    if isinstance(include_devices, str):
        raise ValueError("include_devices must be a sequence of device labels, "
                         f"got the string {include_devices!r}")
    ctx = {"contrasts": excluded_contrasts, "duplicates": dups,
           "devices": frozenset(include_devices)}
    kept, dropped = [], []
    for pos, raw in enumerate(studies.to_dict("records")):
        line = raw.get("line")
        row = _StudyRow.from_mapping(raw, int(pos + 2 if _cells.is_missing(line) else line))
        try:
            gate = next((r for r in _EXCLUSION_RULES
                         if r.applies and r.applies(row, ctx)), None)
            if gate is not None:
                raise _Excluded(gate.code, why=excluded_contrasts.get(row.contrast, ""),
                                dup=dups.get((row.study_id, row.contrast), ""))
            kept.append(_record(row, _extract(row, overrides, alpha), z))
        except _Excluded as exc:
            base = {c: getattr(row, c) for c in (*_COPIED, "timepoint_weeks", "line")}
            dropped.append({**base, "code": exc.code,
                            "reason": _RULES[exc.code].text(row, **exc.extra)})
    eff = pd.DataFrame(kept, columns=_EFFECT_COLUMNS).astype(
        dict.fromkeys(("pooled_eligible", "uses_unverified", "inference"), bool))
    return MatEffects(effects=eff, excluded=pd.DataFrame(dropped, columns=_EXCLUDED_COLUMNS))
