"""Generate data/examples/diary_example.csv: a SYNTHETIC one-person mat trial diary.

Run from the repository root with the project's environment:

    .venv/bin/python data/examples/make_diary_example.py

The diary is simulated with matstats itself (``matstats.nof1.design.schedule`` and
``matstats.nof1.simulate.simulate``); no real person's data is involved. Parameters are the
package defaults (``matstats.literature.NOF1_DEFAULTS``, sources in ``NOF1_SOURCES``) except the
effect, which is our choice for the example. They are repeated in data/examples/README.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from matstats.nof1.design import schedule
from matstats.nof1.simulate import simulate

SEED = 20260105
START = date(2026, 1, 5)  # a Monday
PARAMS = dict(
    effect=-1.0,  # true mat effect, points on the 0-10 pain scale (our choice; below the MCID of 2)
    sd=1.2,  # within-person day-to-day SD (literature.NOF1_DEFAULTS: Page 2022)
    rho=0.4,  # lag-1 autocorrelation (literature.NOF1_DEFAULTS [assumption])
    expectation=-0.5,  # unblinded no-mat comparator: expectation bias (literature.NOF1_EXPECTATION_BIAS)
    missing=0.05,  # 5% of days not rated, completely at random
    mean=5.5,  # mean pain on comparator days (an assumption: typical chronic-pain trial baselines)
    rating_scale=True,  # whole numbers clipped to 0-10, as a person would record them
)


def main() -> Path:
    rng = np.random.default_rng(SEED)
    sched = schedule(6, period_days=7, washout_days=1, design="paired_random", rng=rng)
    y = simulate(sched, 1, rng=rng, **PARAMS)[0]
    lines = ["date,cycle,condition,score"]
    for day, cycle, cond, score in zip(
        sched["day"], sched["cycle"], sched["condition"], y, strict=True
    ):
        d = START + timedelta(days=int(day) - 1)
        lines.append(f"{d.isoformat()},{cycle},{cond},{'' if np.isnan(score) else int(score)}")
    out = Path(__file__).with_name("diary_example.csv")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    print(main())
