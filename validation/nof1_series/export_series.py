"""Export the simulated series that ``run_series.R`` analyses in R.

Usage (from the repository root):

    PYTHONPATH=src .venv/bin/python validation/nof1_series/export_series.py tests/data/nof1_series

Writes one day-level CSV per scenario (``series_<name>.csv``: person, day, cycle, period,
day_in_period, condition, washout, score; empty score = missing day) and ``scenarios.json``
with the simulation settings. The files are committed; the tests read them and the R
reference JSON, so neither R nor this script runs in the test suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from matstats.nof1 import simulate_series

SCENARIOS = {
    # name: (persons, cycles, settings)
    "tau0_rho0": (10, 6, dict(effect=-1.0, tau=0.0, rho=0.0, rng=101)),
    "tau08_rho04": (16, 6, dict(effect=-1.0, tau=0.8, rho=0.4, rng=102)),
    "unequal_missing": (12, [3, 4, 5, 6, 6, 6, 7, 8, 4, 5, 6, 2],
                        dict(effect=-0.7, tau=0.6, rho=0.3, missing=0.15, rng=103)),
    "unblinded_trend": (20, 6, dict(effect=-0.5, tau=1.0, rho=0.4, expectation=-0.5,
                                    trend=0.01, rng=104)),
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    meta = {}
    for name, (persons, cycles, kw) in SCENARIOS.items():
        sim = simulate_series(persons, cycles, **kw)
        days = sim.to_frame()
        days.to_csv(out / f"series_{name}.csv", index=False, lineterminator="\n",
                    float_format="%.17g")
        meta[name] = {"persons": persons, "cycles": cycles, **kw,
                      "true_person_effects": sim.person_effect[0].tolist()}
    (out / "scenarios.json").write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/nof1_series"))
