"""Words come from matstats.narrative, numbers from the analyses (issue 17 item 6).

The series verdict and report (:mod:`matstats.narrative.series`) and the diary method notes
(:func:`matstats.narrative.nof1.method_notes`) are checked against the numbers of the result
they are built from; the label rule of a series against hand-worked intervals.
"""

from __future__ import annotations

import math
from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from matstats.narrative import nof1 as nof1_words
from matstats.narrative import series as series_words
from matstats.nof1 import analyze, analyze_series, example_diary_path, simulate_series
from matstats.nof1.diary import DiaryResult
from matstats.nof1.series_analysis import SeriesResult, group_verdict_label


@pytest.fixture(scope="module")
def series():
    return analyze_series(simulate_series(12, 6, effect=-1.5, tau=0.8, rng=3))


def test_results_hold_no_sentences():
    # every str field of the two results is a label or a name, never a sentence
    assert "verdict" not in {f.name for f in fields(SeriesResult)}
    assert not hasattr(SeriesResult, "summary")
    res = analyze(example_diary_path())
    assert "note" not in res.methods.columns
    for f in fields(DiaryResult):
        v = getattr(res, f.name)
        if isinstance(v, str):
            assert " " not in v, (f.name, v)


@pytest.mark.parametrize("lo, hi, lower, label", [
    (-3.5, -2.2, True, "average_important_benefit"),   # whole interval beyond -MCID (2)
    (-3.5, -1.9, True, "average_benefit"),             # below 0, not all beyond -2
    (-1.0, -0.01, True, "average_benefit"),
    (0.1, 1.0, True, "average_harm"),
    (-1.0, 0.3, True, "no_average_effect_shown"),
    (2.2, 3.5, False, "average_important_benefit"),    # higher is better: mirror image
    (-1.0, -0.1, False, "average_harm"),
])
def test_group_verdict_label(lo, hi, lower, label):
    assert group_verdict_label(lo, hi, mcid=2.0, lower_is_better=lower) == label


def test_share_mcid_is_the_normal_share(series):
    # P(effect <= -mcid) for effects N(estimate, tau^2)
    ref = stats.norm.cdf((-series.mcid - series.estimate) / series.tau)
    assert series.share_mcid == pytest.approx(ref, abs=1e-15)
    flipped = replace(series, estimate=-series.estimate, lower_is_better=False)
    assert flipped.share_mcid == pytest.approx(ref, abs=1e-15)
    no_tau = replace(series, tau2=0.0, estimate=-2.5)
    assert no_tau.share_mcid == 1.0
    assert replace(no_tau, estimate=-1.5).share_mcid == 0.0


def test_series_verdict_text_carries_the_result_numbers(series):
    text = series_words.verdict_text(series)
    assert series.verdict_label == group_verdict_label(series.ci_low, series.ci_high)
    assert series.verdict_label == "average_benefit"
    assert text.startswith("on average the mat helps" + f" (average {series.estimate:+.2f} points, 95% CI "
                           f"{series.ci_low:+.2f} to {series.ci_high:+.2f}).")
    assert f"(tau {series.tau:.2f})" in text
    assert f"between {series.pi_low:+.2f} and {series.pi_high:+.2f}" in text
    assert f"about {series.share_mcid:.0%} of persons" in text
    zero = replace(series, tau2=0.0)
    assert series_words.verdict_text(zero).endswith("beyond chance (tau 0).")


def test_series_summary_has_the_person_table_and_verdict(series):
    text = series_words.series_summary(series)
    first = text.splitlines()[0]
    assert first.startswith(f"Series of {series.k} n-of-1 trials, two-stage (pool={series.pool})")
    assert series.pool == "bayes"  # the default since issue 19
    assert f"SD of a cycle difference {math.sqrt(series.sigma2_within):.2f}" in first
    assert text.endswith("Verdict: " + series_words.verdict_text(series))
    rows = {ln.split()[0]: ln.split() for ln in text.splitlines() if ln.split()}
    for r in series.persons.itertuples():
        # person, n_cycles, estimate, ci_low, ci_high, shrunken, ... verdict
        assert rows[r.person][1] == str(r.n_cycles)
        assert rows[r.person][5] == f"{r.shrunken:.2f}" and rows[r.person][-1] == r.verdict


def test_method_notes_follow_the_result():
    res = analyze(example_diary_path())
    notes = nof1_words.method_notes(res)
    assert list(notes) == res.methods["method"].tolist()
    n = res.rated_cycles
    assert notes["cycle_t"] == f"paired t on {n} cycle differences of period means, df {n - 1}"
    assert f"2^{n} coin-flip allocations; smallest possible p {2 / 2**n:.3f}" in notes["randomization"]
    assert notes["randomization"].endswith("valid only if a coin decided the order of each cycle")
    assert f"rho {float(res.raw['gls_ar1_rho']):.2f}" in notes["gls_ar1"]
    assert f"N(0, {res.prior_sd:g}^2)" in notes["bayes"]
    fixed = analyze(example_diary_path(), design="abab", prior_sd=3.0)
    assert fixed.prior_sd == 3.0 and "N(0, 3^2)" in nof1_words.method_notes(fixed)["bayes"]
    assert nof1_words.method_notes(fixed)["randomization"].startswith(
        "not reported: the order was fixed (design abab)")
    assert math.isnan(fixed.methods.set_index("method").at["randomization", "pval"])
    mc = analyze(example_diary_path(), max_exact_cycles=3, rng=1)
    assert nof1_words.method_notes(mc)["randomization"].startswith(
        "sign-flip test, Monte Carlo allocations")
    summary = nof1_words.diary_summary(res)
    assert all(f"  {m}: {t}" in summary for m, t in notes.items())
    assert isinstance(res.methods, pd.DataFrame)


@pytest.mark.parametrize("cycles", [2, 3, 4, 5, 6, 7, 12])
def test_plan_limits_are_numbers_and_their_words_follow(cycles):
    from matstats.narrative.nof1 import plan_notes
    from matstats.nof1 import min_randomization_pval

    # exact sign-flip test: the observed allocation and its mirror image, of 2^cycles
    assert min_randomization_pval(cycles) == 2 / 2**cycles
    # 2/128 = 0.0156 >= 0.01 > 2/256: 8 cycles are needed at alpha 0.01
    assert plan_notes(4, alpha=0.01)[0].endswith("so it can never reach 0.01; 8 cycles are "
                                                 "needed for that.")
    notes = plan_notes(cycles, rng=1)
    if cycles < 6:
        assert notes[0] == (f"With {cycles} cycles the randomization test cannot go below p = "
                            f"{2 / 2**cycles:.3g}, so it can never reach 0.05; 6 cycles are "
                            "needed for that.")
    assert (cycles < 3) == any("never names a direction" in n for n in notes)
    if cycles >= 3:  # the chance quoted is verdict_power's, same generator, sham then no mat
        from matstats.nof1 import verdict_power

        gen = np.random.default_rng(1)
        p = [verdict_power(-2.0, cycles, comparator=c, n_trials=2000, rng=gen)["power"].iloc[0]
             for c in ("sham", "no_mat")]
        assert (f"gets a 'benefit' verdict in about {p[0]:.0%} of trials against a sham mat "
                f"and {p[1]:.0%} against no mat") in notes[-1]
    fixed = plan_notes(cycles, "abab")
    assert fixed[0].startswith("The order is fixed (design abab)")
    assert not any("cannot go below" in n for n in fixed)


# ------------------------------------------------------- the ladder's prose speaks words (issue 21)
@pytest.fixture(scope="module")
def ladder_texts():
    import matstats
    from matstats import ladder
    from matstats.evidence import study_effects
    from matstats.ladder import answer, bayes
    from matstats.narrative import ladder as ladder_words

    studies = matstats.load_studies()
    me = study_effects.study_effect_sizes(studies)
    pooled = ladder.pooled_by_control(me, domains=("pain",))
    mat_open = pooled.set_index(["device_group", "control_class"]).loc[("mat", "no_treatment")]
    expected = ladder.sham_offset(mat_open["estimate"], mat_open["se"], method="normal")
    ss = ladder.sample_size_for_expected(expected, power=(0.8,))
    opened = bayes.open_control_studies(me, domains=("pain",))
    post = bayes.sham_posterior(opened["yi"], opened["vi"], slab=opened["study_id"])
    return {
        "conclusion": ladder_words.ladder_conclusion(
            me, pooled, expected, ss, manual=ladder.manual_acupressure_points(studies)),
        "posterior": ladder_words.sham_posterior_sentences(post),
        "comparison": ladder_words.sham_comparison_sentences(
            bayes.compare_sham_answers(opened["yi"], opened["vi"])),
        "sensitivity": ladder_words.sham_sensitivity_sentence(
            answer.sham_sensitivity([0.75], sei=[0.33])),
    }


@pytest.mark.parametrize(("key", "words", "codes"), [
    # value_status=unverified in data/schema.json's words; measures, contrasts, methods and
    # offset priors with spaces; study ids are left for the links
    ("conclusion", ["not state the result; results: not checked)", "hohmann2012_neck ppt max",
                    "(mat, mat vs waitlist) nrs pain: g > 1.08", "kessler distress at 12.3 weeks",
                    "spinal mobility", "computed from p equal arms", "(physical sham vs none): 56 per arm"],
     ["value_status", "ppt_max", "mat_vs_waitlist", "nrs_pain", "kessler_distress",
      "from_p_equal_arms", "physical_sham_vs_none", "acu_backrest_vs_plain_backrest"]),
    ("posterior", ["Bayesian answer (half normal 0.5 heterogeneity prior)",
                   "placebo vs none clbp (difference): median"],
     ["half_normal", "placebo_vs_none_clbp", "acupuncture_ipd_back_neck"]),
    ("comparison", ["An uncertain tau (prior half normal 0.5) makes"], ["half_normal"]),
    ("sensitivity", ["(sceptical, half normal 1.0, placebo vs none clbp, as given)",
                     "narrowest with tau zero"], ["half_normal", "tau_zero", "_vs_"]),
])
def test_ladder_sentences_name_codes_in_words(ladder_texts, key, words, codes):
    text = ladder_texts[key]
    assert [w for w in words if w not in text] == []
    assert [c for c in codes if c in text] == []
