"""Statistical invariants, checked as hypothesis properties (issue 17 item 9).

Each property is a fact about the estimand, true for every input, that an implementation
error (a wrong sign, an order-dependent sum, a scale that leaks into a standardised effect)
breaks:

* a meta-analysis does not depend on the order of the studies (every estimator in
  ``matstats.meta.METHODS``, z and Knapp-Hartung tests);
* negating every ``yi`` negates the pooled estimate, its test statistic and the confidence and
  prediction intervals (ends swapped) and leaves the SE, p-value, tau2 (and its CI), I2, H2
  and Q unchanged;
* a standardised mean difference does not change when every mean and SD is multiplied by the
  same positive constant or every mean is shifted by the same constant; a mean difference
  scales with the constant and its variance with its square;
* an n-of-1 estimate (mat minus control) changes sign, with the same SE and p-value, when the
  labels mat and control are swapped; reading the swapped diary with
  ``lower_is_better=False`` gives back the same probabilities of benefit.

Tolerances: the closed-form estimators (FE, DL, HE) agree to rounding (1e-12 relative); the
iterative ones (REML, ML, PM, SJ) and the Q-profile tau2 limits are root-found to about 1e-10
relative, hence 1e-8 relative plus 1e-10 absolute everywhere. Derandomized (profile
"matstats" in conftest.py) with a modest example count, so this file stays in the quick
``make unit``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matstats import nof1
from matstats.meta import METHODS, meta_analysis
from matstats.meta.effects import escalc

RTOL, ATOL = 1e-8, 1e-10

# effect sizes and sampling variances as a meta-analysis meets them (3 to 8 studies)
STUDIES = st.integers(3, 8).flatmap(lambda k: st.tuples(
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=k, max_size=k),
    st.lists(st.floats(0.005, 1.0), min_size=k, max_size=k),
    st.permutations(range(k))))

# every number meta_analysis reports (to_frame); the invariances below say how each moves
UNCHANGED_BY_SIGN = ["se", "df", "pval", "tau2", "tau2_ci_low", "tau2_ci_high", "i2", "h2",
                     "q", "q_df", "q_pval", "k"]
NEGATED = {"estimate": "estimate", "stat": "stat", "ci_low": "ci_high", "ci_high": "ci_low",
           "pi_low": "pi_high", "pi_high": "pi_low"}


def _row(y, v, method, test):
    return meta_analysis(y, v, method=method, test=test).to_frame().iloc[0]


def _close(a, b, what, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol,
                               atol=ATOL, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("test", ["z", "knha"])
@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=25)
@given(data=STUDIES)
def test_meta_analysis_does_not_depend_on_study_order(method, test, data):
    y, v, order = np.asarray(data[0]), np.asarray(data[1]), list(data[2])
    a, b = _row(y, v, method, test), _row(y[order], v[order], method, test)
    numeric = [c for c in a.index if c not in ("method", "test")]
    _close(a[numeric], b[numeric], f"{method}/{test}: {list(zip(numeric, a[numeric]))}")
    assert (a["method"], a["test"]) == (b["method"], b["test"]) == (method, test)


@pytest.mark.parametrize("test", ["z", "knha"])
@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=25)
@given(data=STUDIES)
def test_negating_every_effect_negates_the_pooled_estimate(method, test, data):
    y, v = np.asarray(data[0]), np.asarray(data[1])
    a, b = _row(y, v, method, test), _row(-y, v, method, test)
    _close(a[UNCHANGED_BY_SIGN], b[UNCHANGED_BY_SIGN], f"{method}/{test} unchanged")
    for name, mirror in NEGATED.items():
        _close(b[name], -a[mirror], f"{method}/{test}: {name} = -{mirror}")


# ----------------------------------------------------------------- escalc: scale and location
ARMS = st.tuples(st.floats(-50, 50), st.floats(0.1, 20), st.integers(2, 300),
                 st.floats(-50, 50), st.floats(0.1, 20), st.integers(2, 300))


@settings(max_examples=60)
@given(arms=ARMS, c=st.floats(1e-3, 1e3), shift=st.floats(-100, 100))
def test_smd_is_unchanged_by_scale_and_location_of_the_outcome(arms, c, shift):
    m1, sd1, n1, m2, sd2, n2 = arms
    ref = escalc("SMD", m1i=m1, sd1i=sd1, n1i=n1, m2i=m2, sd2i=sd2, n2i=n2)
    scaled = escalc("SMD", m1i=c * m1, sd1i=c * sd1, n1i=n1, m2i=c * m2, sd2i=c * sd2,
                    n2i=n2)
    shifted = escalc("SMD", m1i=m1 + shift, sd1i=sd1, n1i=n1, m2i=m2 + shift, sd2i=sd2,
                     n2i=n2)
    for other in (scaled, shifted):
        # 1e-9: (m1 - m2) loses up to |shift| / |m1 - m2| digits when the arms nearly tie
        np.testing.assert_allclose(other[["yi", "vi"]].to_numpy(float),
                                   ref[["yi", "vi"]].to_numpy(float), rtol=1e-9, atol=1e-9)


@settings(max_examples=60)
@given(arms=ARMS, c=st.floats(1e-3, 1e3))
def test_md_scales_with_the_outcome(arms, c):
    m1, sd1, n1, m2, sd2, n2 = arms
    ref = escalc("MD", m1i=m1, sd1i=sd1, n1i=n1, m2i=m2, sd2i=sd2, n2i=n2).iloc[0]
    out = escalc("MD", m1i=c * m1, sd1i=c * sd1, n1i=n1, m2i=c * m2, sd2i=c * sd2,
                 n2i=n2).iloc[0]
    assert out["yi"] == pytest.approx(c * ref["yi"], rel=1e-12, abs=1e-12 * c * 50)
    assert out["vi"] == pytest.approx(c**2 * ref["vi"], rel=1e-12)


# ------------------------------------------------------------------- n-of-1: swap the labels
SWAP = {"mat": "control", "control": "mat"}


def _diary(cycles, period_days, effect, seed) -> pd.DataFrame:
    sched = nof1.schedule(cycles, period_days=period_days, rng=seed)
    y = nof1.simulate(sched, 1, effect=effect, rating_scale=True, rng=seed + 1)[0]
    start = dt.date(2026, 1, 5)
    return pd.DataFrame({
        "date": [(start + dt.timedelta(days=int(d) - 1)).isoformat() for d in sched["day"]],
        "cycle": sched["cycle"], "condition": sched["condition"],
        "washout": sched["washout"], "score": y})


@settings(max_examples=20)
@given(cycles=st.integers(2, 5), period_days=st.integers(3, 6),
       effect=st.floats(-3, 3), seed=st.integers(0, 10**6))
def test_nof1_estimate_flips_sign_when_mat_and_control_are_swapped(cycles, period_days,
                                                                  effect, seed):
    diary = _diary(cycles, period_days, effect, seed)
    swapped = diary.assign(condition=diary["condition"].map(SWAP))
    a = nof1.analyze(diary, design="paired_random").to_frame().set_index("method")
    b = nof1.analyze(swapped, design="paired_random").to_frame().set_index("method")
    assert list(a.index) == list(b.index) == ["cycle_t", "randomization", "gls_ar1", "bayes",
                                              "day_t"]
    # the bayes prior N(0, 2^2) is symmetric about 0, so its posterior mirrors too.
    # gls_ar1: rho by Newton steps on finite differences (h = 1e-5) and the small-sample
    # correction by differences with h = 1e-3 (nof1/_reml.py); rounding in the REML criterion
    # (~1e-15 of its size) then moves the reported numbers by up to ~1e-8: 1e-6 relative.
    for method in a.index:
        rtol = 1e-6 if method == "gls_ar1" else RTOL
        x, z = a.loc[method], b.loc[method]
        _close(z["estimate"], -x["estimate"], f"{method} estimate", rtol)
        _close(z["ci_low"], -x["ci_high"], f"{method} ci_low = -ci_high", rtol)
        _close(z["ci_high"], -x["ci_low"], f"{method} ci_high = -ci_low", rtol)
        _close(z[["se", "pval", "n_used"]], x[["se", "pval", "n_used"]], f"{method}", rtol)
    # P(mat better) after the swap is P(control better) before: 1 - P(benefit)
    _close(b.loc["bayes", "prob_benefit"], 1 - a.loc["bayes", "prob_benefit"], "prob_benefit")
    # ... and with higher-is-better the swapped diary asks the original question again
    c = nof1.analyze(swapped, design="paired_random", lower_is_better=False).to_frame()
    c = c.set_index("method")
    _close(c[["prob_benefit", "prob_mcid"]], a[["prob_benefit", "prob_mcid"]],
           "lower_is_better=False on the swapped diary")
