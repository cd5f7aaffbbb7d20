"""The shared foundations: parameter checks, cell parsing, vocabulary and literature.

References: the schema (data/schema.json) for the vocabulary; the cited numbers for the
priors (Strijkers 2021 0.37 (0.18 to 0.55) gives SD (0.55 - 0.18) / (2 x 1.959964));
hand-worked strings for the percentage parser.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from matstats import literature, vocab
from matstats._core import cells as _cells
from matstats._core import checks as _checks


@pytest.mark.parametrize("value", ["2", None, True, np.bool_(False), [1.0], math.nan, math.inf])
def test_finite_refuses_non_numbers(value):
    with pytest.raises(ValueError, match="prior_sd"):
        _checks.finite("prior_sd", value)


@pytest.mark.parametrize("value", [np.float32(0.9), 0.5, np.float64(0.95), 1e-9])
def test_level_accepts_any_real_in_open_unit_interval(value):
    assert _checks.level(value) == pytest.approx(float(value))


@pytest.mark.parametrize("value", [0, 1, -0.1, 1.5, None, "0.9"])
def test_level_refuses(value):
    with pytest.raises(ValueError, match="level"):
        _checks.level(value)


@pytest.mark.parametrize("value", ["abc", 1.5, -1, True, object()])
def test_rng_refuses_bad_seeds_naming_rng(value):
    with pytest.raises(ValueError, match="rng"):
        _checks.rng(value)


def test_rng_accepts_seed_generator_none():
    assert _checks.rng(3).random() == np.random.default_rng(3).random()
    g = np.random.default_rng(1)
    assert _checks.rng(g) is g
    # None: fresh OS entropy, so two generators draw different numbers (equal w.p. ~2^-53)
    assert _checks.rng(None).random() != _checks.rng(None).random()
    assert _checks.rng(np.int64(5)).random() == np.random.default_rng(5).random()


def test_integer_bounds_and_whole_floats():
    assert _checks.integer("cycles", np.int32(4), 2) == 4
    assert _checks.integer("n", 20.0, 1, whole_float=True) == 20
    for bad in (2.5, "3", True, 1):
        with pytest.raises(ValueError, match="cycles"):
            _checks.integer("cycles", bad, 2)
    with pytest.raises(ValueError, match="<= 10"):
        _checks.integer("cycles", 11, 2, 10)


def test_one_of_and_size_limit():
    assert _checks.one_of("method", "REML", ("DL", "REML")) == "REML"
    with pytest.raises(ValueError, match="method must be one of"):
        _checks.one_of("method", ["REML"], ("DL", "REML"))
    with pytest.raises(ValueError, match="n_draws"):
        _checks.size_limit("n_draws", 1e12)


def test_vector_rejects_nonfinite_with_positions():
    with pytest.raises(ValueError, match=r"positions \[1\]"):
        _checks.vector("yi", [0.1, math.nan])
    assert _checks.vector("yi", 0.3).shape == (1,)


@pytest.mark.parametrize("text, expected", [
    ("81\u201398%", [81.0, 98.0]),   # en dash: the drift bug of the audit parser
    ("81-98%", [81.0, 98.0]),
    ("81\u201498 %", [81.0, 98.0]),  # em dash
    ("81% to 98%", [81.0, 98.0]),
    ("98% of 126, then 94%", [98.0, 94.0]),
    ("3-4 weeks, P<0.05", []),
    (None, []),
])
def test_percentages(text, expected):
    assert _cells.percentages(text) == expected


def test_cells_missing_numbers_lists():
    assert _cells.is_missing("  ") and _cells.is_missing(float("nan")) and not _cells.is_missing(0)
    assert math.isnan(_cells.number("abc"))
    assert _cells.number("", missing=None) is None
    assert _cells.number("2.5") == 2.5
    assert _cells.split_list(" a; ;b ") == ("a", "b")
    assert _cells.split_list(["a", "b"]) == ("a", "b")


def test_vocabulary_is_a_subset_of_the_schema():
    devices = set(vocab.labels("studies", "device"))
    controls = set(vocab.labels("studies", "control"))
    designs = set(vocab.labels("studies", "design"))
    domains = set(vocab.labels("studies", "outcome_domain"))
    assert vocab.MAT_DEVICES | vocab.SEPARATE_DEVICES <= devices
    assert set(vocab.CONTROL_RUNG) <= controls and vocab.UNBLINDED_CONTROLS <= controls
    assert set(vocab.DESIGN_RANK) == designs
    assert vocab.SECONDARY_DESIGNS | vocab.RANDOMIZED_DESIGNS | vocab.NO_RESULT_DESIGNS <= designs
    assert vocab.LOWER_BETTER_DOMAINS | vocab.HIGHER_BETTER_DOMAINS <= domains
    assert not vocab.LOWER_BETTER_DOMAINS & vocab.HIGHER_BETTER_DOMAINS
    with pytest.raises(ValueError, match="not a label column"):
        vocab.labels("studies", "citation")


def test_benefit_sign_orients_by_domain_and_measure():
    assert vocab.benefit_sign({"outcome_domain": "pain", "outcome_measure": "nrs_pain"}) == -1.0
    assert vocab.benefit_sign({"outcome_domain": "pain", "outcome_measure": "ppt_max"}) == 1.0
    assert vocab.benefit_sign({"outcome_domain": "qol"}) == 1.0
    assert math.isnan(vocab.benefit_sign({"outcome_domain": "sleep", "outcome_measure": "x"}))
    # an SMD of -1.11 on pain is a benefit, whatever result_direction says
    row = {"outcome_domain": "pain", "outcome_measure": "vas", "result_direction": "favours_mat"}
    assert -1.11 * vocab.benefit_sign(row) == pytest.approx(1.11)


def test_strijkers_prior_is_defined_once_and_read_off_its_ci():
    z = 1.959963984540054
    assert literature.STRIJKERS_PLACEBO.sd == pytest.approx((0.55 - 0.18) / (2 * z), rel=1e-12)
    assert literature.sensitivity_priors()["placebo_sd"] is literature.STRIJKERS_PLACEBO
    # the ladder's offset reuses its mean and SE, widened to a predictive SD (issue 18)
    off = {p.name: p for p in literature.OFFSET_PRIORS}["placebo_vs_none_clbp"]
    assert off.mean == literature.STRIJKERS_PLACEBO.mean
    assert off.sd == pytest.approx(math.hypot(literature.STRIJKERS_PLACEBO.sd,
                                              literature.SHAM_EFFECT_TAU), rel=1e-12)
    assert {p.unit for p in literature.OFFSET_PRIORS} == {"sd"}
    assert literature.SHARE_PRIOR.unit == "share"


def test_prior_validation_and_moments():
    with pytest.raises(ValueError, match="dist"):
        literature.Prior("x", "gamma", (1, 1), "sd", "s")
    with pytest.raises(ValueError, match="beta needs"):
        literature.Prior("x", "beta", (0.5, 0.6), "share", "s")
    u = literature.Prior("u", "uniform", (0.2, 0.4), "sd", "s")
    assert u.mean == pytest.approx(0.3) and u.sd == pytest.approx(0.2 / math.sqrt(12))
    assert u.sf(0.3) == pytest.approx(0.5)
    fixed = literature.Prior("f", "fixed", (0.5,), "points", "s")
    assert fixed.sf(0.4) == 1.0 and fixed.sf(0.6) == 0.0
    draws = literature.sensitivity_priors()["natural_history_share"].sample(
        np.random.default_rng(1), 200_000)
    assert draws.mean() == pytest.approx(0.49, abs=0.002)
    assert draws.std() == pytest.approx(0.10, abs=0.002)
