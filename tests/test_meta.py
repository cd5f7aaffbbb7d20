"""meta_analysis and friends: closed forms, statsmodels as an independent implementation,
invariances and edge cases; the MetaFit object (data, settings, methods, data= form).
Agreement with R metafor: tests/test_metafor_alignment.py. Tests that compare matstats with
itself say so ("implementation cross-check")."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

import matstats
from matstats.meta import MetaFit, meta_analysis

Y = np.array([0.10, 0.30, 0.50, 0.20, 0.90, -0.05, 0.42])
V = np.array([0.02, 0.03, 0.05, 0.01, 0.04, 0.06, 0.015])


def test_dersimonian_laird_closed_form_through_the_top_level_name():
    # DerSimonian & Laird (1986): tau2 = max(0, (Q - (k - 1)) / (sum w - sum w^2 / sum w)),
    # then the inverse-(v + tau2) weighted mean; written out here, called as matstats.meta_analysis
    w = 1 / V
    q = np.sum(w * (Y - np.sum(w * Y) / np.sum(w)) ** 2)
    tau2 = max(0.0, (q - (len(Y) - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    ws = 1 / (V + tau2)
    res = matstats.meta_analysis(Y, V, method="DL")
    assert type(res) is MetaFit
    assert res.tau2 == pytest.approx(tau2, rel=1e-13) and tau2 > 0
    assert res.estimate == pytest.approx(np.sum(ws * Y) / np.sum(ws), rel=1e-13)
    assert res.se == pytest.approx(1 / math.sqrt(np.sum(ws)), rel=1e-13)


def test_fixed_effect_closed_form():
    # inverse-variance weighted mean and SE 1/sqrt(sum w)
    w = 1 / V
    res = meta_analysis(Y, V, method="FE")
    assert res.estimate == pytest.approx(np.sum(w * Y) / np.sum(w), rel=1e-13)
    assert res.se == pytest.approx(1 / math.sqrt(np.sum(w)), rel=1e-13)
    q = np.sum(w * (Y - res.estimate) ** 2)
    assert res.q == pytest.approx(q, rel=1e-12)
    assert res.q_pval == pytest.approx(stats.chi2.sf(q, len(Y) - 1), rel=1e-12)
    assert res.tau2 == 0 and math.isnan(res.pi_low)


@pytest.mark.parametrize("method,sm_method", [("DL", "dl"), ("PM", "pm")])
def test_random_effects_match_statsmodels(method, sm_method):
    # statsmodels' combine_effects is an independent implementation of DL and Paule-Mandel;
    # its PM fixed-point iteration stops early (about 2e-6 relative here), hence rtol 1e-5.
    ref = combine_effects(Y, V, method_re=sm_method)
    res = meta_analysis(Y, V, method=method)
    rtol = 1e-12 if method == "DL" else 1e-5
    assert res.tau2 == pytest.approx(ref.tau2, rel=rtol)
    assert res.estimate == pytest.approx(ref.mean_effect_re, rel=rtol)
    assert res.se == pytest.approx(ref.sd_eff_w_re, rel=rtol)
    if method == "PM":
        # Paule-Mandel: the generalised Q at tau2 equals its expectation k - 1
        w = 1 / (V + res.tau2)
        mu = np.sum(w * Y) / np.sum(w)
        assert np.sum(w * (Y - mu) ** 2) == pytest.approx(len(Y) - 1, rel=1e-12)


@pytest.mark.filterwarnings("ignore:`use_t=True` requires")
def test_knha_matches_statsmodels_hksj():
    ref = combine_effects(Y, V, method_re="dl", use_t=True)
    frame = ref.summary_frame()
    res = meta_analysis(Y, V, method="DL", test="knha")
    # statsmodels' "random_effect" row uses t(k-1) with the HKSJ scale when use_t=True
    row = frame.loc["random effect wls"]
    assert res.se == pytest.approx(row["sd_eff"], rel=1e-10)
    assert res.ci_low == pytest.approx(row["ci_low"], rel=1e-10)
    assert res.ci_high == pytest.approx(row["ci_upp"], rel=1e-10)


def test_reml_solves_its_estimating_equation():
    # REML fixed point (Viechtbauer 2005, eq. 12): tau2 = sum w^2((y-mu)^2 - v)/sum w^2 + 1/sum w
    res = meta_analysis(Y, V, method="REML")
    w = 1 / (V + res.tau2)
    mu = np.sum(w * Y) / np.sum(w)
    rhs = np.sum(w**2 * ((Y - mu) ** 2 - V)) / np.sum(w**2) + 1 / np.sum(w)
    assert res.tau2 > 0
    assert res.tau2 == pytest.approx(rhs, rel=1e-9)


def test_qprofile_limits_hit_chi2_quantiles():
    res = meta_analysis(Y, V, method="REML")

    def qgen(t):
        w = 1 / (V + t)
        mu = np.sum(w * Y) / np.sum(w)
        return np.sum(w * (Y - mu) ** 2)

    df = len(Y) - 1
    assert qgen(res.tau2_ci_high) == pytest.approx(stats.chi2.ppf(0.025, df), rel=1e-9)
    if res.tau2_ci_low > 0:
        assert qgen(res.tau2_ci_low) == pytest.approx(stats.chi2.ppf(0.975, df), rel=1e-9)
    assert res.tau2_ci_low <= res.tau2 <= res.tau2_ci_high


def test_to_frame_values_follow_their_definitions():
    # metafor's definitions (Higgins & Thompson 2002 for I2/H2 with the "typical" within-study
    # variance s2 = (k-1) sum w / ((sum w)^2 - sum w^2); prediction interval
    # estimate +- z sqrt(tau2 + se^2) under test="z"), restated and checked on the REML fit
    fit = meta_analysis(Y, V)
    frame = fit.to_frame()
    assert len(frame) == 1
    row = frame.iloc[0]
    w, k = 1 / V, len(Y)
    s2 = (k - 1) * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2))
    z = stats.norm.ppf(0.975)
    expect = {
        "estimate": fit.estimate, "se": fit.se, "stat": fit.estimate / fit.se,
        "ci_low": fit.estimate - z * fit.se, "ci_high": fit.estimate + z * fit.se,
        "pval": 2 * stats.norm.sf(abs(fit.estimate / fit.se)), "tau2": fit.tau2,
        "i2": 100 * fit.tau2 / (fit.tau2 + s2), "h2": (fit.tau2 + s2) / s2,
        "q": np.sum(w * (Y - np.sum(w * Y) / np.sum(w)) ** 2), "q_df": k - 1,
        "pi_low": fit.estimate - z * math.sqrt(fit.tau2 + fit.se**2),
        "pi_high": fit.estimate + z * math.sqrt(fit.tau2 + fit.se**2), "k": k,
        "tau2_ci_low": fit.tau2_ci_low, "tau2_ci_high": fit.tau2_ci_high, "level": 0.95,
    }
    for name, value in expect.items():
        assert row[name] == pytest.approx(value, rel=1e-12), name
    assert row["q_pval"] == pytest.approx(stats.chi2.sf(row["q"], k - 1), rel=1e-12)
    assert (row["method"], row["test"], row["df"]) == ("REML", "z", math.inf)


def test_result_is_frozen():
    res = meta_analysis(Y, V)
    with pytest.raises(AttributeError):
        res.estimate = 0.0  # type: ignore[misc]


# ----------------------------------------------------------------------- edge cases
def test_k1_reduces_to_the_study():
    res = meta_analysis([0.4], [0.05], method="REML")
    assert res.estimate == 0.4 and res.se == pytest.approx(math.sqrt(0.05))
    assert (res.tau2, res.q, res.q_pval, res.i2, res.h2) == (0.0, 0.0, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="knha"):
        meta_analysis([0.4], [0.05], test="knha")


def test_all_equal_effects():
    res = meta_analysis([0.3] * 4, [0.01, 0.02, 0.03, 0.04], method="REML", test="knha")
    assert res.tau2 == 0 and res.i2 == 0 and res.q == pytest.approx(0, abs=1e-20)
    assert res.se == 0 and res.ci_low == res.ci_high == pytest.approx(0.3)


@pytest.mark.parametrize("method", ["DL", "REML", "ML", "PM", "HE", "SJ"])
def test_tau2_and_i2_never_negative(method):
    rng = np.random.default_rng(20261120)
    for _ in range(20):
        k = int(rng.integers(2, 9))
        v = rng.uniform(0.01, 0.2, k)
        y = rng.normal(0, np.sqrt(v) * 0.3)  # under-dispersed: boundary cases
        res = meta_analysis(y, v, method=method)
        assert res.tau2 >= 0 and res.i2 >= 0 and res.h2 >= 1 - 1e-12
        assert res.tau2_ci_low >= 0


@pytest.mark.parametrize(
    "yi,vi,msg",
    [
        ([0.1, 0.2], [0.01], "vi must have length 2"),
        ([0.1, np.nan], [0.01, 0.02], "yi must be finite"),
        ([0.1, 0.2], [0.01, 0.0], "must be > 0"),
        ([0.1, 0.2], [0.01, -0.1], "must be > 0"),
        ([], [], "at least 1"),
        ([[0.1, 0.2]], [[0.1, 0.2]], "one-dimensional"),
    ],
)
def test_bad_inputs_raise(yi, vi, msg):
    with pytest.raises(ValueError, match=msg):
        meta_analysis(yi, vi)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="method"):
        meta_analysis(Y, V, method="EB")
    with pytest.raises(ValueError, match="test"):
        meta_analysis(Y, V, test="t")
    with pytest.raises(ValueError, match="level"):
        meta_analysis(Y, V, level=95)


# ----------------------------------------------------------------------------- Egger
def test_egger_matches_statsmodels_wls():
    X = sm.add_constant(np.sqrt(V))
    fit = sm.WLS(Y, X, weights=1 / V).fit()
    res = meta_analysis(Y, V).egger_test()
    assert res.stat == pytest.approx(fit.tvalues[1], rel=1e-10)
    assert res.pval == pytest.approx(fit.pvalues[1], rel=1e-10)
    assert res.limit_estimate == pytest.approx(fit.params[0], rel=1e-10)
    lo, hi = fit.conf_int()[0]
    assert (res.limit_ci_low, res.limit_ci_high) == (pytest.approx(lo), pytest.approx(hi))
    assert res.df == len(Y) - 2


def test_egger_needs_three_studies_and_varying_se():
    with pytest.raises(ValueError, match="at least 3"):
        meta_analysis([0.1, 0.2], [0.01, 0.02]).egger_test()
    with pytest.raises(ValueError, match="equal"):
        meta_analysis([0.1, 0.2, 0.3], [0.01, 0.01, 0.01]).egger_test()


# ----------------------------------------------------------------------- trim and fill
def test_trim_and_fill_mirror_symmetry():
    # reflecting the data reflects the result (side swaps, k0 identical)
    yi = np.array([0.05, 0.3, 0.45, 0.6, 0.7, 0.9, 1.1, 1.2])
    vi = np.array([0.005, 0.02, 0.04, 0.06, 0.08, 0.1, 0.14, 0.16])
    a = meta_analysis(yi, vi, method="DL").trim_and_fill()
    b = meta_analysis(-yi, vi, method="DL").trim_and_fill()
    assert a.k0 == b.k0 and a.k0 > 0
    assert {a.side, b.side} == {"left", "right"}
    assert b.model.estimate == pytest.approx(-a.model.estimate, rel=1e-12)
    assert a.data["filled"].sum() == a.k0
    assert a.model.k == len(yi) + a.k0
    assert {"k0", "side", "estimate"} <= set(a.to_frame().columns)


def test_trim_and_fill_symmetric_funnel_adds_nothing():
    yi = np.array([-0.4, -0.2, 0.0, 0.2, 0.4])
    vi = np.array([0.1, 0.05, 0.01, 0.05, 0.1])
    res = meta_analysis(yi, vi, method="FE").trim_and_fill()
    assert res.k0 == 0 and len(res.data) == 5


def test_trim_and_fill_bad_args():
    with pytest.raises(ValueError, match="estimator"):
        meta_analysis(Y, V).trim_and_fill(estimator="Q9")
    with pytest.raises(ValueError, match="side"):
        meta_analysis(Y, V).trim_and_fill(side="up")


# ---------------------------------------------------------------------------- subgroups
def test_fe_subgroup_q_partition():
    # equal-effect partition: Q_total = Q_between + sum Q_within (Borenstein et al. ch. 19)
    groups = ["a", "a", "b", "b", "b", "c", "c"]
    res = meta_analysis(Y, V, method="FE").subgroups(groups)
    total = meta_analysis(Y, V, method="FE").q
    assert res.q_between + res.groups["q"].sum() == pytest.approx(total, rel=1e-12)
    assert res.q_between_df == 2
    assert res.groups["group"].tolist() == ["a", "b", "c"]
    assert res.excluded.empty


def test_subgroup_lists_exclusions_and_validates():
    res = meta_analysis(Y, V, method="DL", test="knha").subgroups(["a"] * 3 + ["b"] * 3 + ["c"])
    assert res.excluded["index"].tolist() == [6]
    assert res.excluded["reason"].str.contains("single-study").all()
    assert res.q_between_df == 1
    with pytest.raises(ValueError, match="at least 2 subgroups"):
        meta_analysis(Y, V, test="knha").subgroups(["a"] * 6 + ["b"])
    with pytest.raises(ValueError, match="length"):
        meta_analysis(Y, V).subgroups(["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        meta_analysis(Y, V).subgroups(["a", None, "b", "b", "a", "a", "b"])


# ------------------------------------------------------------------------- leave one out
def test_leave_one_out_rows_are_refits():
    # implementation cross-check (leave-one-out is a refit by definition); the independent
    # reference is metafor's leave1out in tests/test_metafor_alignment.py
    out = meta_analysis(Y, V, method="DL", slab=list("abcdefg")).leave_one_out()
    assert out["omitted"].tolist() == list("abcdefg")
    for i in (0, 4):
        keep = np.arange(len(Y)) != i
        ref = meta_analysis(Y[keep], V[keep], method="DL")
        assert out.loc[i, "estimate"] == pytest.approx(ref.estimate, rel=1e-14)
        assert out.loc[i, "k"] == len(Y) - 1
    with pytest.raises(ValueError, match="labels"):
        meta_analysis(Y, V, slab=["a"])


# ------------------------------------------------------------- the fit keeps data and settings
def test_fit_keeps_data_and_settings():
    fit = meta_analysis(Y, V, method="DL", test="knha", level=0.9, slab=list("abcdefg"))
    np.testing.assert_array_equal(fit.yi, Y)
    np.testing.assert_array_equal(fit.vi, V)
    assert fit.slab == tuple("abcdefg")
    assert (fit.method, fit.test, fit.level) == ("DL", "knha", 0.9)
    assert not fit.yi.flags.writeable and not fit.vi.flags.writeable
    # the data are a copy: changing the caller's array does not change the fit
    y = Y.copy()
    fit2 = meta_analysis(y, V)
    y[0] = 99.0
    assert fit2.yi[0] == Y[0]
    # to_frame holds the summary only, as before
    assert "yi" not in fit.to_frame().columns and "slab" not in fit.to_frame().columns


def test_leave_one_out_labels_come_from_slab():
    fit = meta_analysis(Y, V, slab=list("abcdefg"))
    assert fit.leave_one_out()["omitted"].tolist() == list("abcdefg")
    assert meta_analysis(Y, V).leave_one_out()["omitted"].tolist() == [f"Study {i}" for i in range(1, 8)]


def test_trim_and_fill_model_keeps_settings_and_labels():
    fit = meta_analysis(Y, V, method="DL", level=0.9, slab=list("abcdefg"))
    tf = fit.trim_and_fill(side="left")
    assert (tf.model.method, tf.model.level) == ("DL", 0.9)
    assert tf.model.slab[:7] == tuple("abcdefg")
    assert len(tf.model.slab) == 7 + tf.k0


def test_data_frame_forms_equal_array_forms():
    df = pd.DataFrame({"g": Y, "var": V, "study": list("abcdefg")}, index=range(10, 17))
    a = meta_analysis("g", "var", data=df, slab="study", method="DL")
    b = meta_analysis(Y, V, slab=list("abcdefg"), method="DL")
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
    assert a.slab == b.slab and a.weights == b.weights
    # columns and arrays can be mixed
    c = meta_analysis("g", V, data=df, method="DL")
    assert c.estimate == b.estimate
    with pytest.raises(ValueError, match="'gg' is not a column of data"):
        meta_analysis("gg", "var", data=df)
    with pytest.raises(ValueError, match="no data= was given"):
        meta_analysis("g", "var")
    with pytest.raises(ValueError, match="data must be a pandas DataFrame"):
        meta_analysis("g", "var", data={"g": Y, "var": V})


def test_predict_reference_values():
    # independent reference: estimate +/- z se and +/- z sqrt(se^2 + tau2), written out
    fit = meta_analysis(Y, V, method="DL")
    p95 = fit.predict()
    assert p95.loc[0, "ci_low"] == fit.ci_low and p95.loc[0, "pi_high"] == fit.pi_high
    p80 = fit.predict(level=0.8)
    z = 1.2815515655446004  # qnorm(0.9)
    assert p80.loc[0, "ci_low"] == pytest.approx(fit.estimate - z * fit.se, rel=1e-12)
    half = z * math.sqrt(fit.se**2 + fit.tau2)
    assert p80.loc[0, "pi_high"] == pytest.approx(fit.estimate + half, rel=1e-12)
    # Hartung-Knapp: t(k-1) critical value, qt(0.9, 6) = 1.439755747679
    kn = meta_analysis(Y, V, method="DL", test="knha")
    assert kn.predict(level=0.8).loc[0, "ci_high"] == pytest.approx(
        kn.estimate + 1.439755747679 * kn.se, rel=1e-10)
    ex = fit.predict(transf=np.exp)
    assert ex.loc[0, "estimate"] == pytest.approx(math.exp(fit.estimate))
    assert math.isnan(ex.loc[0, "se"])
    assert math.isnan(meta_analysis(Y, V, method="FE").predict(level=0.8).loc[0, "pi_low"])
    with pytest.raises(ValueError, match="level"):
        fit.predict(level=80)
    with pytest.raises(ValueError, match="transf"):
        fit.predict(transf=2.0)


def test_update_refits():
    fit = meta_analysis(Y, V, method="DL", slab=list("abcdefg"))
    fe = fit.update(method="FE")
    assert fe.estimate == meta_analysis(Y, V, method="FE").estimate and fe.slab == fit.slab
    sub = fit.update(yi=Y[:3], vi=V[:3])
    assert sub.k == 3 and sub.slab is None and sub.method == "DL"


def test_study_frame_columns():
    fit = meta_analysis(Y, V, slab=list("abcdefg"))
    sf = fit.study_frame()
    assert sf.columns.tolist() == ["label", "yi", "vi", "se", "ci_low", "ci_high", "weight"]
    assert sf["ci_high"].iloc[0] == pytest.approx(Y[0] + 1.959963984540054 * math.sqrt(V[0]))
    assert sf["weight"].sum() == pytest.approx(100)
    assert meta_analysis(Y, V).study_frame()["label"].iloc[0] == "Study 1"


def test_follow_up_methods_check_k_and_options():
    small = meta_analysis([0.1, 0.2], [0.01, 0.02])
    with pytest.raises(ValueError, match="at least 3"):
        small.trim_and_fill()
    with pytest.raises(ValueError, match="at least 3"):
        small.egger_test()
    fit = meta_analysis(Y, V)
    with pytest.raises(ValueError, match="tau2 must be one of"):
        fit.subgroups(["a"] * 7, tau2="pooled")
    with pytest.raises(ValueError, match="maxiter"):
        fit.trim_and_fill(maxiter=0)
    with pytest.raises(ValueError, match=r"slab \(the study labels\)"):
        meta_analysis(Y, V, slab=["a"])


