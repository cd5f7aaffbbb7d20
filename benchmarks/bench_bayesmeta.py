"""Benchmark: matstats.meta.bayesmeta.bayes_meta vs a straightforward nested scipy quad version.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python \\
        benchmarks/bench_bayesmeta.py --repeats 7

A "full fit" is everything the summary needs: the fit (posterior of tau, mode, median, mean,
sd, equal-tailed and shortest 95% intervals of tau, mu and theta), the shrinkage table, the
marginal likelihood, both Bayes factors and P(mu > 0). The baseline computes the same
quantities the way one would write them by hand with ``scipy.integrate.quad`` (inner
integrals over tau for every CDF/density value of mu, theta and theta_i), ``brentq`` for
quantiles and ``minimize_scalar`` for modes and shortest intervals, at quad's default
tolerances. It runs on the same data in the same process; its largest difference to
bayes_meta is printed as a sanity check. Workloads: the Crins et al. (2014) data (k = 6, log
odds ratios, half-normal(0.5) prior on tau, N(0, 4^2) on mu) and a synthetic k = 50 data set.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time

import numpy as np
from scipy import integrate, optimize, stats

import matstats.meta.bayesmeta as bm

CRINS_Y = np.array([-2.3097025607629096, -0.45953232937844052, -2.3025850929940459,
                    -1.7578579175523739, -1.2584609896100056, -2.4178959395050406])
CRINS_SE = np.array([0.59947629964821703, 0.55639556377797694, 0.88034084308295035,
                     0.45586850291945263, 0.64199617670909137, 1.5288107461874858])
SCALE, MU0, SD0, LEVEL = 0.5, 0.0, 4.0, 0.95


def synthetic(k: int, seed: int = 2026):
    rng = np.random.default_rng(seed)
    se = rng.uniform(0.15, 0.6, k)
    y = rng.normal(-0.8, 0.3, k) + rng.normal(0.0, se)
    return y, se


def full_fit(y, se):
    fit = bm.bayes_meta(y, sei=se, tau_prior=bm.HalfNormal(SCALE), mu_prior=(MU0, SD0),
                        level=LEVEL)
    return fit.to_frame(), fit.shrinkage(), fit.marginal_likelihood, fit.bayes_factor, \
        fit.prob("mu", greater_than=0.0)


# ------------------------------------------------------------------------ quad baseline
class QuadBaseline:
    """The same posterior summaries by nested adaptive quadrature (no vectorisation)."""

    def __init__(self, y, se):
        self.y, self.s2 = np.asarray(y), np.asarray(se) ** 2
        self.z = integrate.quad(self._kernel, 0, np.inf)[0]

    def _cond(self, t):
        w = 1 / (t * t + self.s2)
        prec = w.sum() + 1 / SD0**2
        return ((w * self.y).sum() + MU0 / SD0**2) / prec, 1 / prec

    def _lik(self, t, mu=None):
        """p(y | tau) with mu integrated over its normal prior (or p(y | mu, tau))."""
        v = self.s2 + t * t
        if mu is not None:
            return math.exp(-0.5 * np.sum(np.log(2 * math.pi * v) + (self.y - mu) ** 2 / v))
        m, cv = self._cond(t)
        q = np.sum((self.y - m) ** 2 / v) + (MU0 - m) ** 2 / SD0**2
        logdet = np.sum(np.log(v)) + math.log(SD0**2) + math.log(1 / cv)
        return math.exp(-0.5 * (self.y.size * math.log(2 * math.pi) + logdet + q))

    def _kernel(self, t):
        return 2 / (SCALE * math.sqrt(2 * math.pi)) * math.exp(-0.5 * (t / SCALE) ** 2) \
            * self._lik(t)

    def tau_pdf(self, t):
        return self._kernel(t) / self.z

    def tau_cdf(self, x):
        return integrate.quad(self.tau_pdf, 0, x)[0]

    def _moments(self, param, i=None):
        """(mean, sd) of the normal distribution of param given tau."""
        def f(t):
            m, v = self._cond(t)
            if param == "theta":
                return m, v + t * t
            if param == "shrink":
                b = self.s2[i] / (self.s2[i] + t * t)
                return (1 - b) * self.y[i] + b * m, self.s2[i] * t * t / (self.s2[i] + t * t) \
                    + b * b * v
            return m, v
        return f

    def cdf(self, param, x, i=None):
        mom = self._moments(param, i)
        return integrate.quad(lambda t: self.tau_pdf(t) * stats.norm.cdf(
            x, mom(t)[0], math.sqrt(mom(t)[1])), 0, np.inf)[0]

    def pdf(self, param, x, i=None):
        mom = self._moments(param, i)
        return integrate.quad(lambda t: self.tau_pdf(t) * stats.norm.pdf(
            x, mom(t)[0], math.sqrt(mom(t)[1])), 0, np.inf)[0]

    def mean_sd(self, param, i=None):
        if param == "tau":
            m = integrate.quad(lambda t: t * self.tau_pdf(t), 0, np.inf)[0]
            v = integrate.quad(lambda t: (t - m) ** 2 * self.tau_pdf(t), 0, np.inf)[0]
            return m, math.sqrt(v)
        mom = self._moments(param, i)
        m = integrate.quad(lambda t: self.tau_pdf(t) * mom(t)[0], 0, np.inf)[0]
        v = integrate.quad(lambda t: self.tau_pdf(t) * ((mom(t)[0] - m) ** 2 + mom(t)[1]),
                           0, np.inf)[0]
        return m, math.sqrt(v)

    def quantile(self, param, p, i=None):
        if param == "tau":
            hi = 1.0
            while self.tau_cdf(hi) < p:
                hi *= 2
            return optimize.brentq(lambda x: self.tau_cdf(x) - p, 0, hi)
        m, s = self.mean_sd(param, i)
        lo, hi = m - 10 * s, m + 10 * s
        return optimize.brentq(lambda x: self.cdf(param, x, i) - p, lo, hi)

    def shortest(self, param):
        alpha = 1 - LEVEL

        def width(pl):
            return self.quantile(param, pl + LEVEL) - self.quantile(param, pl)

        res = optimize.minimize_scalar(width, bounds=(1e-9, alpha - 1e-9), method="bounded")
        pl = 0.0 if (param == "tau" and width(0.0) <= res.fun) else res.x
        lo = 0.0 if pl == 0.0 else self.quantile(param, pl)
        return lo, self.quantile(param, pl + LEVEL)

    def mode(self, param):
        if param == "tau":
            res = optimize.minimize_scalar(lambda t: -self.tau_pdf(t), method="bounded",
                                           bounds=(0, self.quantile("tau", 0.9)))
            return 0.0 if self.tau_pdf(0.0) >= -res.fun else res.x
        lo, hi = self.quantile(param, 0.1), self.quantile(param, 0.9)
        return optimize.minimize_scalar(lambda x: -self.pdf(param, x), method="bounded",
                                        bounds=(lo, hi)).x

    def summary(self):
        out = {}
        alpha = 1 - LEVEL
        for param in ("tau", "mu", "theta"):
            mean, sd = self.mean_sd(param)
            out[param] = dict(mode=self.mode(param), median=self.quantile(param, 0.5),
                              mean=mean, sd=sd, ci_low=self.quantile(param, alpha / 2),
                              ci_high=self.quantile(param, 1 - alpha / 2))
            out[param]["hpd_low"], out[param]["hpd_high"] = self.shortest(param)
        return out

    def shrinkage(self):
        alpha = 1 - LEVEL
        rows = []
        for i in range(self.y.size):
            mean, sd = self.mean_sd("shrink", i)
            rows.append(dict(mean=mean, sd=sd, median=self.quantile("shrink", 0.5, i),
                             ci_low=self.quantile("shrink", alpha / 2, i),
                             ci_high=self.quantile("shrink", 1 - alpha / 2, i)))
        return rows

    def evidence(self):
        ml = self.z
        bf_tau = self._lik(0.0) / ml
        prior = lambda t: self._kernel(t) / self._lik(t)  # noqa: E731
        l0 = integrate.quad(lambda t: prior(t) * self._lik(t, 0.0), 0, np.inf)[0]
        return ml, bf_tau, l0 / ml, 1 - self.cdf("mu", 0.0)


def quad_fit(y, se):
    q = QuadBaseline(y, se)
    return q.summary(), q.shrinkage(), q.evidence()


# ------------------------------------------------------------------------------- driver
def timed(f, *args, repeats):
    """Median wall time, median CPU time of this process, and the last result."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = f(*args)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def max_difference(fast, slow):
    summ, shrink, ml, bf, p = fast
    qs, qshrink, (qml, qbf_tau, qbf_mu, qp) = slow
    s = summ.set_index("param")
    diffs = [abs(s.loc[par, col] - val) for par, row in qs.items() for col, val in row.items()]
    diffs += [abs(shrink.loc[i, col] - val) for i, row in enumerate(qshrink)
              for col, val in row.items()]
    diffs += [abs(ml - qml) / qml, abs(bf["tau_0"] - qbf_tau), abs(bf["mu_0"] - qbf_mu),
              abs(p - qp)]
    return max(diffs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quad-repeats", type=int, default=1)
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {__import__('scipy').__version__}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    for name, (y, se) in (("Crins et al. 2014, k = 6", (CRINS_Y, CRINS_SE)),
                          ("synthetic, k = 50", synthetic(50))):
        full_fit(y, se)                                          # warm-up
        fast_wall, fast_cpu, fast = timed(full_fit, y, se, repeats=args.repeats)
        slow_wall, slow_cpu, slow = timed(quad_fit, y, se, repeats=args.quad_repeats)
        print(f"\n{name}")
        ms = 1e3
        print(f"  bayes_meta full fit : wall {fast_wall * ms:9.2f} ms  cpu {fast_cpu * ms:9.2f} ms")
        print(f"  nested quad         : wall {slow_wall * ms:9.0f} ms  cpu {slow_cpu * ms:9.0f} ms")
        print(f"  speed-up            : wall {slow_wall / fast_wall:9.0f}x    "
              f"cpu {slow_cpu / fast_cpu:9.0f}x")
        print(f"  max |difference|    : {max_difference(fast, slow):.2g}")
        print(f"  load average now    : {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":
    main()
