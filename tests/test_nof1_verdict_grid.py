"""The verdict's consistency rules, asserted on a grid of simulated diaries.

Each diary is analysed by the vectorised engine (``analyze_many``), labelled by the
vectorised verdict path (``verdict_labels``) and turned into sentences by
``make_verdict`` exactly as ``DiaryResult.verdict`` does. With ``a = 0.025``, benefit scale
b = -posterior median, [lo, hi] = the 95% credible interval on that scale, P+ = P(benefit),
Pm = P(benefit >= MCID), the rules are:

R1  a benefit label  <=>  lo > 0  <=>  P+ > 1 - a
R2  "worse_on_mat"   <=>  hi < 0  <=>  P+ < a
R3  "no_meaningful_benefit"  =>  hi < MCID, Pm < a, a <= P+ <= 1 - a
R4  "unclear"        =>  lo <= 0, hi >= MCID, a <= P+ <= 1 - a, Pm >= a
R5  "benefit_likely" (vs "small_benefit_likely")  <=>  b >= MCID  <=>  Pm >= 1/2
R6  lo <= b <= hi;  Pm <= P+;  b > 0 <=> P+ > 1/2
R7  the interval form (verdict_label on estimate and interval) gives the same label
T1  no number is printed as -0.0 (or -0.00 ...)
T2  printed bounds stay on their side: a benefit label prints lo > 0; "worse" prints an
    interval above 0 on the "worse" scale; "no meaningful" prints hi < MCID; "unclear"
    prints lo <= 0 and hi >= MCID
T3  the printed P(helps at all) matches the label: "Unclear" / "No meaningful benefit" print
    3% to 97% (never above 97.5%), benefit labels 98% or "over 99%", "worse" 2% or "under 1%"
T4  the naive day-level t test is mentioned only when it claims an effect the verdict does not
T5  "Provisional" opens the text exactly when fewer cycles were rated than planned
T6  with 2 cycles no direction is claimed (``MIN_DIRECTION_CYCLES``)
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from matstats import nof1
from matstats.narrative.nof1 import make_verdict
from matstats.nof1.verdict import verdict_label, verdict_labels

MCID = 2.0
A = 0.025
BENEFIT = ("benefit_likely", "small_benefit_likely")

# null, small and large benefits, harm; trends; unblinded comparator; few to many cycles;
# integer ratings (ties) and missing days
EFFECTS = (0.0, -0.5, -1.0, -2.0, -3.0, 1.0)
TRENDS = (0.0, -0.05, 0.05)
EXPECTATION = (0.0, -0.5)
CYCLES = (2, 3, 4, 6, 8)
PER_CELL = 60


@pytest.fixture(scope="module")
def grid():
    rng = np.random.default_rng(20260311)
    parts = []
    for k, (n_cyc, eff, trend, ex) in enumerate(
            itertools.product(CYCLES, EFFECTS, TRENDS, EXPECTATION)):
        sched = nof1.schedule(n_cyc, rng=rng)
        y = nof1.simulate(sched, PER_CELL, effect=eff, trend=trend, expectation=ex,
                          rating_scale=bool(k % 2), missing=0.1 if k % 3 == 0 else 0.0, rng=rng)
        res = nof1.analyze_many(sched, y, methods=("cycle_t", "randomization", "bayes", "day_t"),
                                mcid=MCID)
        res["cycles"] = n_cyc
        res["planned"] = n_cyc + (k % 2)  # every other cell: one planned cycle never rated
        parts.append(res)
    df = pd.concat(parts, ignore_index=True)
    df["label"] = verdict_labels(df["bayes_p_benefit"], df["bayes_p_mcid"])
    return df


def test_grid_size_and_spread(grid):
    assert len(grid) >= 10_000
    counts = grid["label"].value_counts()
    for label in ("benefit_likely", "small_benefit_likely", "no_meaningful_benefit",
                  "worse_on_mat", "unclear"):
        assert counts.get(label, 0) >= 100, counts  # every branch is exercised


def test_label_interval_probability_rules(grid):
    ok = grid["bayes_p_benefit"].notna()
    g = grid[ok]
    b = -g["bayes_estimate"].to_numpy()
    lo, hi = -g["bayes_ci_high"].to_numpy(), -g["bayes_ci_low"].to_numpy()
    pb, pm = g["bayes_p_benefit"].to_numpy(), g["bayes_p_mcid"].to_numpy()
    lab = g["label"].to_numpy()
    ben = np.isin(lab, BENEFIT)
    # R1, R2 (quantiles solved to 1e-11: no tolerance needed away from exact ties)
    np.testing.assert_array_equal(ben, lo > 0)
    np.testing.assert_array_equal(ben, pb > 1 - A)
    np.testing.assert_array_equal(lab == "worse_on_mat", hi < 0)
    np.testing.assert_array_equal(lab == "worse_on_mat", pb < A)
    # R3
    nmb = lab == "no_meaningful_benefit"
    assert (hi[nmb] < MCID).all() and (pm[nmb] < A).all()
    assert ((pb[nmb] >= A) & (pb[nmb] <= 1 - A)).all()
    # R4
    unc = lab == "unclear"
    assert (lo[unc] <= 0).all() and (hi[unc] >= MCID).all()
    assert ((pb[unc] >= A) & (pb[unc] <= 1 - A) & (pm[unc] >= A)).all()
    # R5
    np.testing.assert_array_equal(lab[ben] == "benefit_likely", b[ben] >= MCID)
    np.testing.assert_array_equal(lab[ben] == "benefit_likely", pm[ben] >= 0.5)
    # R6
    assert (lo <= b + 1e-9).all() and (b <= hi + 1e-9).all() and (pm <= pb).all()
    clear = np.abs(pb - 0.5) > 1e-9  # a posterior median of exactly 0 (mean difference 0)
    np.testing.assert_array_equal((b > 0)[clear], (pb > 0.5)[clear])
    # no analysis -> unclear
    assert (grid.loc[~ok, "label"] == "unclear").all()


def test_interval_form_gives_the_same_label(grid):
    # R7
    for r in grid.itertuples(index=False):
        assert verdict_label(r.bayes_estimate, r.bayes_ci_low, r.bayes_ci_high,
                             mcid=MCID) == r.label


_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_INTERVAL = re.compile(r"95% (?:credible )?interval (?:of the benefit )?(\S+) to (\S+?)[;)]")
_HELPS = re.compile(r"helps at all: (over 99%|under 1%|\d+%)")


def _pct(text: str) -> float:
    return {"over 99%": 99.5, "under 1%": 0.5}.get(text) or float(text.rstrip("%"))


def test_sentences_never_contradict(grid):
    for r in grid.itertuples(index=False):
        label, text = make_verdict(
            r.bayes_estimate, r.bayes_ci_low, r.bayes_ci_high, n_cycles=r.n_cycles_used,
            mcid=MCID, prob_benefit=r.bayes_p_benefit, prob_mcid=r.bayes_p_mcid,
            pval_randomization=r.randomization_pval,
            min_pval_randomization=nof1.min_pval("randomization", r.n_cycles_used),
            pval_day_t=r.day_t_pval, planned_cycles=r.planned, randomized=True)
        if r.n_cycles_used < 3 and r.label in (*BENEFIT, "worse_on_mat"):
            assert label == "unclear", text  # 2 cycles: no direction (MIN_DIRECTION_CYCLES)
            continue
        assert label == r.label
        # T1
        assert not [x for x in _NUM.findall(text) if x.startswith("-") and float(x) == 0], text
        # T5
        assert text.startswith("Provisional") == (r.n_cycles_used < r.planned), text
        # T4
        decided = label in (*BENEFIT, "worse_on_mat")
        assert ("naive day-by-day t test" in text) == (r.day_t_pval < 0.05 and not decided)
        m = _INTERVAL.search(text)
        if m is None:
            assert label == "unclear" and "no interval can be computed" in text
            continue
        lo, hi = float(m.group(1)), float(m.group(2))
        pct = _pct(_HELPS.search(text).group(1))
        # T2, T3
        if label in BENEFIT:
            assert lo > 0 and pct >= 98, text
        elif label == "worse_on_mat":
            assert lo > 0 and pct <= 2, text  # printed as "points higher", interval of harm
        elif label == "no_meaningful_benefit":
            assert hi < MCID and 3 <= pct <= 97, text
        else:
            assert lo <= 0 and hi >= MCID and 3 <= pct <= 97, text
