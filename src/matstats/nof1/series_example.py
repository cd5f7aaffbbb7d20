"""Everything notebook 06 ("A clinic tests the mat") shows, from one function."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matstats.literature import NOF1_EXPECTATION_BIAS
from matstats.nof1.series_analysis import analyze_series, person_verdicts
from matstats.nof1.series_sim import simulate_series

__all__ = ["clinic_example"]


def clinic_example(*, persons: int = 20, cycles: int = 6, effect: float = -1.0,
                   tau: float = 0.8, rng=2026) -> dict:
    """A simulated clinic series and every table the notebook needs.

    The same persons (same random effects, orders and daily noise, drawn from one seed) are
    simulated twice: with a blunt sham mat as comparator and with no mat (unblinded, the
    expectation bias ``literature.NOF1_EXPECTATION_BIAS``, 0.5 points, on mat days).

    Returns
    -------
    dict
        ``simulation`` (SeriesSimulation, sham), ``result`` (SeriesResult, sham),
        ``unblinded`` (SeriesResult, no-mat comparator),
        ``verdicts`` (DataFrame: ``person``, ``true_effect``, ``raw_verdict`` (from the own
        estimate and its SE under the same rule), ``shrunken_verdict``,
        ``unblinded_verdict``).
    """
    seed = int(np.random.default_rng(rng).integers(2**31))
    sim = simulate_series(persons, cycles, effect=effect, tau=tau, rng=seed)
    bias = -NOF1_EXPECTATION_BIAS.params[0]
    unbl = simulate_series(persons, cycles, effect=effect, tau=tau, expectation=bias, rng=seed)
    res = analyze_series(sim)
    res_u = analyze_series(unbl)
    p = res.persons
    from scipy import stats

    raw_pb = stats.norm.cdf(-p["estimate"] / p["se"])
    raw_pm = stats.norm.cdf((-res.mcid - p["estimate"]) / p["se"])
    verdicts = pd.DataFrame({
        "person": p["person"], "true_effect": sim.person_effect[0],
        "raw_verdict": person_verdicts(raw_pb, raw_pm), "shrunken_verdict": p["verdict"],
        "unblinded_verdict": res_u.persons["verdict"].to_numpy(),
    })
    return {"simulation": sim, "result": res, "unblinded": res_u, "verdicts": verdicts}
