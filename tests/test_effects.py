"""Effect sizes and conversions checked against closed forms and published worked examples.

metafor's own escalc output is compared in tests/test_metafor_alignment.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from matstats.meta.effects import (
    escalc,
    hedges_correction,
    or_to_smd,
    se_from_ci,
    smd_from_p,
    smd_to_or,
)


# ------------------------------------------------------------------ bias correction
def test_hedges_correction_closed_forms():
    # c(2) = Gamma(1) / (1 * Gamma(1/2)) = 1/sqrt(pi); c(3) = Gamma(3/2)/(sqrt(3/2) Gamma(1))
    np.testing.assert_allclose(hedges_correction(2.0), 1 / math.sqrt(math.pi), rtol=1e-12)
    np.testing.assert_allclose(hedges_correction(3.0), (math.sqrt(math.pi) / 2) / math.sqrt(1.5),
                               rtol=1e-12)


def test_hedges_correction_close_to_usual_approximation():
    # Hedges & Olkin (1985): J ~ 1 - 3/(4m - 1) with an error of order m^-2 (about 0.03/m^2)
    m = np.array([10.0, 20.0, 38.0, 98.0])
    err = np.abs(hedges_correction(m) - (1 - 3 / (4 * m - 1)))
    assert np.all(err < 0.05 / m**2)


def test_hedges_correction_rejects_small_df():
    with pytest.raises(ValueError, match="degrees of freedom"):
        hedges_correction(1.0)


# ----------------------------------------------------- Borenstein et al. (2009) examples
def test_smd_and_md_borenstein_ch4():
    # Borenstein, Hedges, Higgins & Rothstein (2009) "Introduction to Meta-Analysis", ch. 4:
    # treated 103 (SD 5.5, n 50), control 100 (SD 4.5, n 50): D = 3.000, V_D = 1.0100,
    # d = 0.5970, J = 0.9923, g = 0.5924 (book values rounded to 4 decimals).
    md = escalc("MD", m1i=103, sd1i=5.5, n1i=50, m2i=100, sd2i=4.5, n2i=50)
    assert md.loc[0, "yi"] == pytest.approx(3.0, abs=1e-12)
    assert md.loc[0, "vi"] == pytest.approx(1.0100, abs=5e-5)
    smd = escalc("SMD", m1i=103, sd1i=5.5, n1i=50, m2i=100, sd2i=4.5, n2i=50)
    assert smd.loc[0, "yi"] == pytest.approx(0.5924, abs=5e-5)
    # metafor's large-sample variance uses g itself: 1/n1 + 1/n2 + g^2 / (2 (n1 + n2))
    g = smd.loc[0, "yi"]
    assert smd.loc[0, "vi"] == pytest.approx(0.04 + g**2 / 200, rel=1e-12)
    assert smd.loc[0, "bound"] == "none"


def test_binary_measures_borenstein_ch5():
    # Borenstein et al. (2009), ch. 5: 5/100 events treated, 10/100 control.
    # RR 0.5 (ln -0.6931, V 0.2800); OR 0.4737 (ln -0.7472, V 0.3216); RD -0.05 (V 0.001375)
    rr = escalc("RR", ai=5, n1i=100, ci=10, n2i=100)
    assert rr.loc[0, "yi"] == pytest.approx(math.log(0.5), rel=1e-12)
    assert rr.loc[0, "vi"] == pytest.approx(0.28, rel=1e-12)
    orr = escalc("OR", ai=5, bi=95, ci=10, di=90)
    assert orr.loc[0, "yi"] == pytest.approx(math.log(5 * 90 / (95 * 10)), rel=1e-12)
    assert orr.loc[0, "vi"] == pytest.approx(1 / 5 + 1 / 95 + 1 / 10 + 1 / 90, rel=1e-12)
    rd = escalc("RD", ai=5, n1i=100, ci=10, n2i=100)
    assert rd.loc[0, "yi"] == pytest.approx(-0.05, abs=1e-15)
    assert rd.loc[0, "vi"] == pytest.approx(0.001375, rel=1e-12)


def test_zero_cell_adds_half_to_that_study_only():
    # metafor default add=1/2, to="only0": 0/10 vs 3/10 -> cells 0.5, 10.5, 3.5, 7.5
    out = escalc("OR", ai=[0, 4], n1i=[10, 10], ci=[3, 6], n2i=[10, 10])
    assert out.loc[0, "yi"] == pytest.approx(math.log(0.5 * 7.5 / (10.5 * 3.5)), rel=1e-12)
    assert out.loc[0, "vi"] == pytest.approx(1 / 0.5 + 1 / 10.5 + 1 / 3.5 + 1 / 7.5, rel=1e-12)
    assert "added" in out.loc[0, "note"]
    assert out.loc[1, "yi"] == pytest.approx(math.log(4 * 4 / (6 * 6)), rel=1e-12)
    assert "added" not in out.loc[1, "note"]


def test_zero_cell_without_correction_is_reported_not_dropped():
    out = escalc("RR", ai=[0, 2], n1i=[10, 10], ci=[3, 4], n2i=[10, 10], to="none")
    assert len(out) == 2
    assert np.isnan(out.loc[0, "yi"]) and np.isnan(out.loc[0, "vi"])
    assert "not estimable" in out.loc[0, "note"]
    # the other study keeps its closed form: log((2/10) / (4/10)), 1/2 - 1/10 + 1/4 - 1/10
    assert out.loc[1, "yi"] == pytest.approx(math.log(0.5), rel=1e-14)
    assert out.loc[1, "vi"] == pytest.approx(0.55, rel=1e-14)


def test_standardized_mean_change_closed_form():
    # Implementation cross-check: restates metafor's formula (the independent reference is
    # metafor itself, tests/test_metafor_alignment.py::test_escalc_matches_metafor).
    # SMCC: (m1 - m2) / sqrt(sd1^2 + sd2^2 - 2 r sd1 sd2) times c(n-1); var 1/n + g^2/(2n)
    out = escalc("SMCC", m1i=5.0, m2i=4.0, sd1i=2.0, sd2i=2.0, ni=26, ri=0.5)
    g = hedges_correction(25.0)[()] * 1.0 / 2.0
    assert out.loc[0, "yi"] == pytest.approx(g, rel=1e-12)
    assert out.loc[0, "vi"] == pytest.approx(1 / 26 + g**2 / 52, rel=1e-12)
    out = escalc("SMCR", m1i=5.0, m2i=4.0, sd1i=2.0, ni=26, ri=0.5)
    g = hedges_correction(25.0)[()] * 0.5
    assert out.loc[0, "vi"] == pytest.approx(2 * 0.5 / 26 + g**2 / 52, rel=1e-12)


# ------------------------------------------------------------------ conversions
def test_se_from_ci_closed_form():
    assert se_from_ci(-1.96, 1.96)[0] == pytest.approx(1.96 / stats.norm.ppf(0.975), rel=1e-12)
    # ratio CI 0.5 to 2.0 -> SE of log ratio = ln(4) / (2 * 1.959964)
    assert se_from_ci(0.5, 2.0, log=True)[0] == pytest.approx(math.log(4) / 3.919927969,
                                                              rel=1e-8)
    assert se_from_ci(-1, 1, level=0.9)[0] == pytest.approx(1 / 1.644853627, rel=1e-8)


def test_se_from_ci_rejects_bad_limits():
    with pytest.raises(ValueError, match="ci_high must be >= ci_low"):
        se_from_ci(1.0, 0.5)
    with pytest.raises(ValueError, match="> 0"):
        se_from_ci(0.0, 2.0, log=True)
    with pytest.raises(ValueError, match="level"):
        se_from_ci(0.0, 1.0, level=95)


def test_smd_from_t_closed_form():
    # g = c(m) d with Cohen's d = t sqrt(1/n1 + 1/n2)
    out = escalc("SMD", ti=2.0, n1i=10, n2i=10)
    assert out.loc[0, "yi"] == pytest.approx(hedges_correction(18.0)[()] * 2 * math.sqrt(0.2),
                                             rel=1e-12)


def test_smd_from_p_matches_dossier_hohmann_neck():
    # Hohmann 2012 neck (data/studies.csv, hohmann2012_neck nrs_pain): p = .021, n = 20/20 -> t ~ 2.41, d ~ 0.76, g ~ 0.75
    out = smd_from_p(0.021, 20, 20)
    g = out.loc[0, "yi"]
    assert g == pytest.approx(0.75, abs=0.006)
    # round trip: the implied t statistic reproduces the two-sided p exactly
    t = g / hedges_correction(38.0)[()] / math.sqrt(0.1)
    assert 2 * stats.t.sf(t, 38) == pytest.approx(0.021, rel=1e-10)
    assert out.loc[0, "bound"] == "none"
    assert "p-value" in out.loc[0, "note"]


def test_smd_from_negative_p_is_negative():
    pos = smd_from_p(0.04, 15, 17).loc[0, "yi"]
    neg = smd_from_p(-0.04, 15, 17).loc[0, "yi"]
    assert neg == pytest.approx(-pos, rel=1e-14) and pos > 0


def test_inequality_p_gives_bound_not_estimate():
    # Hohmann 2012 LBP (data/studies.csv, hohmann2012_lbp nrs_pain): p < .001, n = 21/21 -> t > 3.55, d > ~1.10 (a bound)
    out = smd_from_p(0.001, 21, 21, relation="<")
    assert out.loc[0, "bound"] == "lower"
    assert "BOUND" in out.loc[0, "note"]
    d_bound = out.loc[0, "yi"] / hedges_correction(40.0)[()]
    assert d_bound == pytest.approx(1.10, abs=0.01)
    # the same through escalc / smd_from_p with mixed relations: no point estimate for "<"
    mixed = escalc("SMD", pi=[0.021, 0.001, 0.5], n1i=[20, 21, 10], n2i=[20, 21, 10],
                   p_relation=["=", "<", ">"])
    assert mixed["bound"].tolist() == ["none", "lower", "upper"]
    assert mixed.loc[0, "yi"] == pytest.approx(smd_from_p(0.021, 20, 20).loc[0, "yi"])


def test_p_validation():
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        smd_from_p(1.5, 10, 10)
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        smd_from_p(0.0, 10, 10)
    with pytest.raises(ValueError, match="p_relation"):
        smd_from_p(0.01, 10, 10, relation="~")


def test_or_smd_conversions_chinn():
    # Chinn (2000): d = ln(OR) sqrt(3)/pi; matstats.literature priors: OR 0.75 -> -0.16, 0.64 -> -0.25
    out = or_to_smd([0.75, 0.64, 0.91], var_log_or=[0.04, 0.04, 0.04])
    np.testing.assert_allclose(out["yi"], [-0.16, -0.25, -0.05], atol=0.006)
    np.testing.assert_allclose(out["vi"], 0.04 * 3 / math.pi**2, rtol=1e-12)
    back = smd_to_or(out["yi"], out["vi"])
    np.testing.assert_allclose(np.exp(back["yi"]), [0.75, 0.64, 0.91], rtol=1e-12)
    np.testing.assert_allclose(back["vi"], 0.04, rtol=1e-12)
    assert np.isnan(or_to_smd(2.0)["vi"][0])
    with pytest.raises(ValueError, match="> 0"):
        or_to_smd(-1.0)


# ----------------------------------------------------------------------- bad input
def test_escalc_errors():
    with pytest.raises(ValueError, match="measure must be one of"):
        escalc("XYZ", m1i=1)
    with pytest.raises(ValueError, match="missing"):
        escalc("MD", m1i=1, sd1i=1, n1i=10, m2i=0, sd2i=1)
    with pytest.raises(ValueError, match="mismatched lengths"):
        escalc("MD", m1i=[1, 2], sd1i=[1, 1, 1], n1i=10, m2i=0, sd2i=1, n2i=10)
    with pytest.raises(ValueError, match="sd1i"):
        escalc("SMD", m1i=1, sd1i=-1, n1i=10, m2i=0, sd2i=1, n2i=10)
    with pytest.raises(ValueError, match="exactly one"):
        escalc("SMD", m1i=1, sd1i=1, n1i=10, m2i=0, sd2i=1, n2i=10, ti=2.0)
    with pytest.raises(ValueError, match=">= 0"):
        escalc("RR", ai=12, n1i=10, ci=3, n2i=10)
    with pytest.raises(ValueError, match="ri"):
        escalc("ZCOR", ri=1.0, ni=20)
    with pytest.raises(ValueError, match="numeric"):
        escalc("MD", m1i="a", sd1i=1, n1i=10, m2i=0, sd2i=1, n2i=10)
    with pytest.raises(ValueError, match="only accepted"):
        escalc("MD", m1i=1, sd1i=1, n1i=10, m2i=0, sd2i=1, n2i=10, p_relation="<")


def test_escalc_nan_rows_are_kept_and_flagged():
    out = escalc("SMD", m1i=[1.0, np.nan], sd1i=1, n1i=10, m2i=0, sd2i=1, n2i=10)
    assert len(out) == 2
    assert np.isfinite(out.loc[0, "yi"])
    assert np.isnan(out.loc[1, "yi"]) and np.isnan(out.loc[1, "vi"])
    assert "missing input" in out.loc[1, "note"]
    assert list(out.columns) == ["yi", "vi", "measure", "bound", "note"]


# ----------------------------------------------------------------------- data= form
def test_escalc_data_frame_form_equals_array_form():
    import pandas as pd

    df = pd.DataFrame({"m_t": [5.0, 4.2, np.nan], "sd_t": [2.0, 1.8, 1.0], "n_t": [20, 31, 9],
                       "m_c": [4.0, 4.0, 3.0], "sd_c": [2.1, 1.9, 1.0], "n_c": [21, 30, 9]},
                      index=["x", "y", "z"])
    a = escalc("SMD", m1i="m_t", sd1i="sd_t", n1i="n_t", m2i="m_c", sd2i="sd_c", n2i="n_c",
               data=df)
    b = escalc("SMD", m1i=df["m_t"].to_numpy(), sd1i=df["sd_t"].to_numpy(),
               n1i=df["n_t"].to_numpy(), m2i=df["m_c"].to_numpy(), sd2i=df["sd_c"].to_numpy(),
               n2i=df["n_c"].to_numpy())
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    # p_relation: a column name, or a relation used as it is
    dp = pd.DataFrame({"p": [0.021, 0.001], "rel": ["=", "<"], "n": [20, 21]})
    c = escalc("SMD", pi="p", n1i="n", n2i="n", p_relation="rel", data=dp)
    assert c["bound"].tolist() == ["none", "lower"]
    d = escalc("SMD", pi="p", n1i="n", n2i="n", p_relation="<", data=dp)
    assert d["bound"].tolist() == ["lower", "lower"]
    with pytest.raises(ValueError, match="'nn' is not a column of data"):
        escalc("SMD", pi="p", n1i="nn", n2i="n", data=dp)


def test_validation_messages_name_the_element():
    with pytest.raises(ValueError, match=r"sd2i\[1\] must be > 0, got -1.0"):
        escalc("MD", m1i=[1, 2], sd1i=1, n1i=10, m2i=0, sd2i=[1, -1], n2i=10)
    with pytest.raises(ValueError, match=r"ri\[0\] must lie in \[-1, 1\]"):
        escalc("SMCR", m1i=5.0, m2i=4.0, sd1i=2.0, ni=26, ri=1.5)
    with pytest.raises(ValueError, match="to must be one of"):
        escalc("RR", ai=1, bi=9, ci=2, di=8, to="some")
