"""Largest differences between matstats.meta.bayesmeta and the R bayesmeta reference JSON.

Usage (from the repository root)::

    PYTHONPATH=src .venv/bin/python validation/bayesmeta/accuracy.py [--exclude uniform]

Prints, per quantity, the largest absolute difference and the largest difference relative
to max(1, |R value|) over all cases of ``tests/data/bayesmeta_reference.json``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

import test_bayesmeta as tb  # noqa: E402  (reuses the test's prior mapping and loader)


def main() -> None:
    exclude = sys.argv[sys.argv.index("--exclude") + 1] if "--exclude" in sys.argv else None
    worst: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, ""])

    def record(name, py, r, cid):
        py, r = np.asarray(py, float), np.asarray(r, float)
        ab = np.abs(py - r)
        sc = ab / np.maximum(1.0, np.abs(r))
        w = worst[name]
        if ab.max() > w[0]:
            w[0] = float(ab.max())
        if sc.max() > w[1]:
            w[1], w[2] = float(sc.max()), cid

    for cid, case in sorted(tb.CASES.items()):
        if case["prior"]["family"] == exclude:
            continue
        fit = tb._fit(case)
        summ = fit.to_frame().set_index("param")
        for param in ("tau", "mu", "theta"):
            ref = case[param]
            for col, val in ref["summary"].items():
                group = "mode" if col == "mode" else ("interval" if "_" in col else col)
                record(f"{param} {group}", summ.loc[param, col], val, cid)
            record(f"{param} quantiles", fit.quantile(param, ref["probs"]), ref["quantiles"], cid)
            record(f"{param} cdf", fit.cdf(param, ref["x"]), ref["cdf"], cid)
            record(f"{param} pdf", fit.pdf(param, ref["x"]), ref["pdf"], cid)
        record("theta sd vs sqrt(var mu + E tau^2)", summ.loc["theta", "sd"], tb._theta_sd(case),
               cid)
        record("P(mu > 0), P(theta > 0)", [fit.prob("mu", greater_than=0),
                                          fit.prob("theta", greater_than=0)],
               [case["prob_mu_gt_0"], case["prob_theta_gt_0"]], cid)
        record("P(tau > 0.3)", fit.prob("tau", greater_than=0.3), case["prob_tau_gt_0.3"], cid)
        if case.get("marginal_likelihood") is not None:
            ml = case["marginal_likelihood"]
            record("marginal likelihood (relative)", fit.marginal_likelihood / ml, 1.0, cid)
            record("BF tau = 0", fit.bayes_factor["tau_0"], case["bayes_factor"]["tau_0"], cid)
            record("BF mu = 0", fit.bayes_factor["mu_0"], case["bayes_factor"]["mu_0"], cid)
        sh = fit.shrinkage()
        for col in ("mean", "sd", "median", "ci_low", "ci_high"):
            record(f"shrinkage {col}", sh[col], case["shrinkage"][col], cid)
    print(f"{'quantity':34s} {'max abs diff':>13s} {'max scaled diff':>16s}  worst case")
    for name, (ab, sc, cid) in worst.items():
        print(f"{name:34s} {ab:13.2e} {sc:16.2e}  {cid}")


if __name__ == "__main__":
    main()
