"""Tests for matstats.nof1.schedule (the day-by-day calendar of a trial)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matstats import nof1


def test_schedule_columns_and_size():
    s = nof1.schedule(4, period_days=7, washout_days=1, rng=0)
    assert list(s.columns) == ["day", "cycle", "period", "day_in_period", "condition", "washout"]
    assert len(s) == 4 * 2 * 7
    assert s["day"].tolist() == list(range(1, 57))
    assert s["washout"].sum() == 8  # one washout day per period
    assert (s.loc[s["washout"], "day_in_period"] == 1).all()


def test_every_cycle_has_one_mat_and_one_control_period():
    s = nof1.schedule(10, period_days=5, washout_days=2, rng=3)
    per = s.groupby("period").agg(cycle=("cycle", "first"), cond=("condition", "first"),
                                  n_cond=("condition", "nunique"), days=("day", "size"))
    assert (per["n_cond"] == 1).all() and (per["days"] == 5).all()
    by_cycle = per.groupby("cycle")["cond"].apply(sorted)
    assert all(v == ["control", "mat"] for v in by_cycle)


def test_fixed_designs():
    abab = nof1.schedule(3, period_days=2, washout_days=0, design="abab")
    alt = nof1.schedule(3, period_days=2, washout_days=0, design="alternating")
    first = lambda s: s.groupby("period")["condition"].first().tolist()  # noqa: E731
    assert first(abab) == ["mat", "control"] * 3
    assert first(alt) == ["mat", "control", "control", "mat", "mat", "control"]


def test_random_order_follows_rng():
    a = nof1.schedule(12, rng=42)
    b = nof1.schedule(12, rng=np.random.default_rng(42))
    pd.testing.assert_frame_equal(a, b)
    orders = {tuple(nof1.schedule(12, rng=seed)["condition"]) for seed in range(5)}
    assert len(orders) > 1  # 2^12 possible orders: five seeds must not all coincide
    # both orders occur (P(all 12 cycles alike) = 2 / 2^12 per seed)
    firsts = nof1.schedule(12, rng=7).groupby("cycle")["condition"].first()
    assert set(firsts) == {"mat", "control"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cycles": 0},
        {"cycles": 2.5},
        {"cycles": True},
        {"cycles": 3, "period_days": 0},
        {"cycles": 3, "washout_days": -1},
        {"cycles": 3, "period_days": 3, "washout_days": 3},
        {"cycles": 3, "design": "random"},
    ],
)
def test_bad_parameters_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        nof1.schedule(**kwargs)
