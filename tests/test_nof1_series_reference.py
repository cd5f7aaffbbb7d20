"""The two-stage series analysis against R's metafor.

Reference: tests/data/nof1_series_reference.json, written by
validation/nof1_series/run_series.R from the committed CSVs in tests/data/nof1_series
(validation/nof1_series/README.md). Missing files fail these tests (no skips).

Tolerance (justified in validation/nof1_series/README.md): 1e-10 absolute; R (tol/threshold
1e-13) and matstats solve the same REML and Q-profile equations to machine precision; observed
<= 6e-15.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matstats.nof1 import analyze_series, analyze_series_many, read_series

DATA = Path(__file__).parent / "data"
REF = json.loads((DATA / "nof1_series_reference.json").read_text())
NAMES = sorted(REF["datasets"])


def test_reference_covers_the_scenarios():
    assert NAMES == ["tau08_rho04", "tau0_rho0", "unblinded_trend", "unequal_missing"]
    for key in ("r_version", "metafor_version"):
        assert REF[key]


def _days(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / "nof1_series" / REF["datasets"][name]["file"])


def _diary_long(days: pd.DataFrame) -> pd.DataFrame:
    """The exported day table as a long diary CSV (person, date, condition, score, ...)."""
    start = pd.Timestamp("2026-01-05")
    out = days.copy()
    out["date"] = (start + pd.to_timedelta(out["day"] - 1, unit="D")).dt.strftime("%Y-%m-%d")
    return out[["person", "date", "cycle", "condition", "washout", "score"]]


@pytest.mark.parametrize("name", NAMES)
def test_two_stage_matches_metafor(name):
    ts = REF["datasets"][name]["two_stage"]
    # through the reader (long table) so that stage one is checked too
    data = read_series(_diary_long(_days(name)), scale=(-100.0, 100.0))
    res = analyze_series(data, pool="reml")
    assert list(res.persons["person"]) == ts["persons"]
    np.testing.assert_array_equal(res.persons["n_cycles"], ts["n_cycles"])
    np.testing.assert_allclose(res.persons["estimate"], ts["d"], rtol=0, atol=1e-10)
    for key in ("sigma2_within", "within_df", "estimate", "se", "ci_low", "ci_high", "pval",
                "tau2", "tau2_ci_low", "tau2_ci_high", "pi_low", "pi_high"):
        assert getattr(res, key) == pytest.approx(ts[key], abs=1e-10), key
    p = res.persons
    np.testing.assert_allclose(p["shrunken"], ts["blup"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(p["shrunken_se"], ts["blup_se"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(p["shrunken_ci_low"], ts["blup_pi_low"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(p["shrunken_ci_high"], ts["blup_pi_high"], rtol=0, atol=1e-10)


def test_vectorised_two_stage_matches_metafor():
    # all four scenarios stacked as one (n_series, persons, cycles) array, padded with NaN
    tables = []
    for name in NAMES:
        data = read_series(_diary_long(_days(name)), scale=(-100.0, 100.0))
        tables.append(data.cycles)
    pmax = max(t["person"].nunique() for t in tables)
    jmax = max(int(t["cycle"].max()) for t in tables)
    D = np.full((len(NAMES), pmax, jmax), np.nan)
    for s, t in enumerate(tables):
        for i, (_, g) in enumerate(t.groupby("person", sort=True)):
            D[s, i, g["cycle"].to_numpy() - 1] = g["difference"].to_numpy()
    out = analyze_series_many(D, pool="reml")
    for s, name in enumerate(NAMES):
        ts = REF["datasets"][name]["two_stage"]
        for key in ("estimate", "se", "ci_low", "pval", "tau2", "tau2_ci_low", "tau2_ci_high",
                    "pi_high"):
            assert out.at[s, key] == pytest.approx(ts[key], abs=1e-10), (name, key)
