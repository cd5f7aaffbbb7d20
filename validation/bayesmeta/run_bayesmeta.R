#!/usr/bin/env Rscript
# Reference values for matstats.meta.bayesmeta from R bayesmeta (Roever 2020, J Stat Softw 93(6)).
#
# Usage (from the repository root; ~20 min on 2 cores):
#   BAYESMETA_JOBS=2 Rscript validation/bayesmeta/run_bayesmeta.R [tests/data/bayesmeta_reference.json]
#
# Pinned versions (checked below; the script stops on any other version):
#   R 4.2.2, bayesmeta 3.4, metafor 3.8-1, forestplot 3.1.6, jsonlite 1.8.4.
# bayesmeta's marginal posterior of mu/theta is a discrete mixture over tau (DIRECT
# algorithm, Roever & Friede 2017, J Comput Graph Stat 26:217-222); the defaults
# (delta = 0.01, epsilon = 1e-4) are accurate to ~1e-3 only (delta = 1e-5 gives ~1e-6), so this script uses
# delta = 1e-5 and epsilon = 1e-12. Modes and shortest intervals are recomputed here from
# bayesmeta's own density, CDF and quantile functions with tight tolerances, because
# bayesmeta's optimize() calls use R's default tolerance (~1.2e-4).
# Every number is written with %.17g so that regenerating gives a byte-identical file.

suppressMessages({
  library(bayesmeta)
  library(metafor)
  library(jsonlite)
})

pinned <- c(bayesmeta = "3.4", metafor = "3.8.1", forestplot = "3.1.6", jsonlite = "1.8.4")
for (p in names(pinned)) {
  v <- as.character(packageVersion(p))
  if (v != pinned[[p]]) stop(sprintf("%s %s installed, %s expected", p, v, pinned[[p]]))
}
if (paste(R.version$major, R.version$minor, sep = ".") != "4.2.2")
  stop("R 4.2.2 expected")

args <- commandArgs(trailingOnly = TRUE)
out_path <- if (length(args) >= 1) args[1] else "tests/data/bayesmeta_reference.json"
only_case <- if (length(args) >= 2) args[2] else NA   # for quick checks of one case

DELTA <- 1e-5
EPSILON <- 1e-12
LEVEL <- 0.95
TOL <- 1e-12
PROBS <- c(0.025, 0.1, 0.5, 0.9, 0.975)

# ------------------------------------------------------------------------------ datasets
data("CrinsEtAl2014", package = "bayesmeta")
crins <- escalc(measure = "OR", ai = exp.AR.events, n1i = exp.total,
                ci = cont.AR.events, n2i = cont.total, data = CrinsEtAl2014)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
datasets <- list(
  crins = list(yi = as.numeric(crins$yi), sei = sqrt(as.numeric(crins$vi)),
               source = "bayesmeta::CrinsEtAl2014, log odds ratio of acute rejection (escalc OR)"),
  bcg = list(yi = as.numeric(bcg$yi), sei = sqrt(as.numeric(bcg$vi)),
             source = "metafor::dat.bcg, log risk ratio (escalc RR)"),
  k1 = list(yi = c(0.42), sei = c(0.21), source = "synthetic, k = 1"),
  k2 = list(yi = c(0.15, 0.85), sei = c(0.22, 0.35), source = "synthetic, k = 2"),
  k4smd = list(yi = c(0.61, 0.12, 0.35, 0.95), sei = c(0.28, 0.19, 0.33, 0.41),
               source = "synthetic SMDs, k = 4")
)

# ------------------------------------------------------------------------------ priors
turner <- TurnerEtAlPrior("pain", "non-pharmacological", "placebo / control")
rhodes <- RhodesEtAlPrior("general physical health and adverse event and pain and quality of life / functioning",
                          "non-pharmacological", "placebo / control")
priors <- list(
  half_normal = list(r = function(t) dhalfnormal(t, scale = 0.5),
                     spec = list(family = "half_normal", scale = 0.5)),
  half_cauchy = list(r = function(t) dhalfcauchy(t, scale = 0.5),
                     spec = list(family = "half_cauchy", scale = 0.5)),
  half_t = list(r = function(t) dhalft(t, df = 3, scale = 0.5),
                spec = list(family = "half_student_t", scale = 0.5, df = 3)),
  exponential = list(r = function(t) dexp(t, rate = 2),
                     spec = list(family = "exponential", scale = 0.5)),
  lomax = list(r = function(t) dlomax(t, shape = 2, scale = 0.5),
               spec = list(family = "lomax", shape = 2, scale = 0.5)),
  uniform = list(r = function(t) dunif(t, min = 0, max = 2),
                 spec = list(family = "uniform", upper = 2)),
  turner = list(r = turner$dprior,
                spec = list(family = "turner", outcome = "pain",
                            comparison = "non-pharmacological vs placebo/control",
                            meanlog = turner$parameters["tau", "mu"],
                            sdlog = turner$parameters["tau", "sigma"])),
  rhodes = list(r = rhodes$dprior,
                spec = list(family = "rhodes", outcome = "physical health / adverse events / pain / quality of life",
                            comparison = "non-pharmacological", area = "other",
                            location = rhodes$parameters["tau", "location"],
                            scale = rhodes$parameters["tau", "scale"], df = 5)),
  jeffreys = list(r = "Jeffreys", spec = list(family = "jeffreys")),
  overall_jeffreys = list(r = "overallJeffreys", spec = list(family = "overall_jeffreys"))
)

# the grid: dataset x prior x mu prior (NULL = flat). Left out: combinations with an
# improper posterior, and heavy-tailed posteriors on which bayesmeta's integrate() stops
# ("roundoff error" / "probably divergent"): the Rhodes log-t prior (any data set here),
# half-Cauchy with k = 1 and a flat mu prior, overall Jeffreys with k = 2 and a flat mu prior.
# The slow cases (k = 13) come first so that the parallel workers stay balanced.
grid <- list(
  list("bcg", "half_normal", NULL), list("bcg", "half_cauchy", c(0, 4)),
  list("crins", "half_normal", c(0, 4)), list("crins", "turner", c(0, 4)),
  list("crins", "jeffreys", NULL), list("crins", "uniform", c(0, 4)),
  list("k1", "half_normal", c(0, 4)), list("k1", "exponential", c(0, 4)),
  list("k1", "half_t", c(0, 4)), list("k1", "lomax", c(0, 2)),
  list("k2", "half_normal", c(0, 4)), list("k2", "half_t", NULL),
  list("k2", "uniform", c(0, 4)), list("k2", "turner", c(0, 4)),
  list("k2", "overall_jeffreys", c(0, 4)), list("k2", "exponential", NULL),
  list("k4smd", "half_normal", NULL), list("k4smd", "jeffreys", NULL),
  list("k4smd", "lomax", NULL), list("k4smd", "half_t", c(0.2, 1))
)

# ------------------------------------------------------------------------------ helpers
quant <- function(fit, param, p) {
  if (param == "tau") return(fit$qposterior(tau.p = p))
  fit$qposterior(mu.p = p, predict = (param == "theta"))
}
cdf <- function(fit, param, x) {
  if (param == "tau") return(fit$pposterior(tau = x))
  fit$pposterior(mu = x, predict = (param == "theta"))
}
pdf <- function(fit, param, x) {
  if (param == "tau") return(fit$dposterior(tau = x))
  fit$dposterior(mu = x, predict = (param == "theta"))
}

# shortest interval: the lower tail probability p at which the density at both ends is equal
hpd <- function(fit, param, level = LEVEL, individual = FALSE) {
  q <- function(p) {
    if (isFALSE(individual)) quant(fit, param, p) else fit$qposterior(mu.p = p, individual = individual)
  }
  d <- function(x) {
    if (isFALSE(individual)) pdf(fit, param, x) else fit$dposterior(mu = x, individual = individual)
  }
  h <- function(p) log(d(q(p))) - log(d(q(p + level)))
  if (param == "tau") {
    if (h(0) >= 0) return(c(0, q(level)))
  }
  lo <- 1e-9
  hi <- 1 - level - 1e-9
  p <- uniroot(h, c(lo, hi), tol = TOL)$root
  c(q(p), q(p + level))
}

post_mode <- function(fit, param) {
  if (param == "tau") {
    if (!is.finite(fit$dposterior(tau = 0))) return(0)
    upper <- fit$qposterior(tau.p = 0.9)
    m <- optimize(function(x) fit$dposterior(tau = x), c(0, upper), maximum = TRUE, tol = TOL)
    if (fit$dposterior(tau = 0) >= m$objective) return(0)
    return(m$maximum)
  }
  lo <- quant(fit, param, 0.1)
  hi <- quant(fit, param, 0.9)
  optimize(function(x) pdf(fit, param, x), c(lo, hi), maximum = TRUE, tol = TOL)$maximum
}

summarise <- function(fit, param) {
  s <- fit$summary
  list(mode = post_mode(fit, param),
       median = quant(fit, param, 0.5),
       mean = s["mean", param], sd = s["sd", param],
       ci_low = quant(fit, param, (1 - LEVEL) / 2),
       ci_high = quant(fit, param, 1 - (1 - LEVEL) / 2),
       hpd = hpd(fit, param),
       bayesmeta_mode = s["mode", param],
       bayesmeta_shortest = unname(s[c("95% lower", "95% upper"), param]))
}

run_case <- function(case) {
  d <- datasets[[case[[1]]]]
  pr <- priors[[case[[2]]]]
  mu_prior <- case[[3]]
  if (is.null(mu_prior)) {
    fit <- bayesmeta(y = d$yi, sigma = d$sei, tau.prior = pr$r,
                     delta = DELTA, epsilon = EPSILON)
  } else {
    fit <- bayesmeta(y = d$yi, sigma = d$sei, tau.prior = pr$r,
                     mu.prior.mean = mu_prior[1], mu.prior.sd = mu_prior[2],
                     delta = DELTA, epsilon = EPSILON)
  }
  res <- list(dataset = case[[1]], prior = pr$spec,
              mu_prior = if (is.null(mu_prior)) NULL else list(mean = mu_prior[1], sd = mu_prior[2]),
              n_support = nrow(fit$support))
  for (param in c("tau", "mu", "theta")) {
    sm <- summarise(fit, param)
    x <- if (param == "tau") quant(fit, "tau", c(0.05, 0.3, 0.6, 0.95))
         else sm$mean + c(-2, -1, 0, 0.5, 1.5) * sm$sd
    res[[param]] <- list(
      summary = list(mode = sm$mode, median = sm$median, mean = sm$mean, sd = sm$sd,
                     ci_low = sm$ci_low, ci_high = sm$ci_high,
                     hpd_low = sm$hpd[1], hpd_high = sm$hpd[2]),
      bayesmeta_default = list(mode = sm$bayesmeta_mode, shortest = sm$bayesmeta_shortest),
      probs = PROBS, quantiles = quant(fit, param, PROBS),
      x = x, cdf = cdf(fit, param, x), pdf = pdf(fit, param, x))
  }
  res$prob_mu_gt_0 <- 1 - fit$pposterior(mu = 0)
  res$prob_theta_gt_0 <- 1 - fit$pposterior(mu = 0, predict = TRUE)
  res$prob_tau_gt_0.3 <- 1 - fit$pposterior(tau = 0.3)
  ml <- fit$marginal.likelihood
  res$marginal_likelihood <- if (is.na(ml)) NULL else ml
  bf <- fit$bayesfactor
  res$bayes_factor <- list(
    tau_0 = if (is.na(bf["actual", "tau=0"])) NULL else bf["actual", "tau=0"],
    mu_0 = if (is.na(bf["actual", "mu=0"])) NULL else bf["actual", "mu=0"])
  k <- length(d$yi)
  sh <- list(mean = numeric(k), sd = numeric(k), median = numeric(k),
             ci_low = numeric(k), ci_high = numeric(k))
  for (i in seq_len(k)) {
    sh$mean[i] <- fit$theta["mean", i]
    sh$sd[i] <- fit$theta["sd", i]
    qq <- fit$qposterior(mu.p = c((1 - LEVEL) / 2, 0.5, 1 - (1 - LEVEL) / 2), individual = i)
    sh$ci_low[i] <- qq[1]
    sh$median[i] <- qq[2]
    sh$ci_high[i] <- qq[3]
  }
  res$shrinkage <- sh
  res
}

# ------------------------------------------------------------------------------ JSON (%.17g)
to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent)
  pad2 <- strrep(" ", indent + 2)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- vapply(names(x), function(n) sprintf("%s\"%s\": %s", pad2, n, to_json(x[[n]], indent + 2)), "")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", pad, "}"))
    }
    items <- vapply(x, function(e) paste0(pad2, to_json(e, indent + 2)), "")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", pad, "]"))
  }
  fmt <- function(v) {
    if (is.character(v)) return(sprintf("\"%s\"", gsub("\"", "\\\\\"", v)))
    if (is.logical(v)) return(ifelse(v, "true", "false"))
    if (!is.finite(v)) stop("non-finite number in reference output")
    sprintf("%.17g", v)
  }
  v <- vapply(unname(x), fmt, "")
  if (length(x) == 1 && is.null(attr(x, "as_array"))) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}
arr <- function(v) { attr(v, "as_array") <- TRUE; v }

case_id <- function(case)
  paste(case[[1]], case[[2]], if (is.null(case[[3]])) "flat" else "normal", sep = "/")
if (!is.na(only_case)) grid <- Filter(function(cs) case_id(cs) == only_case, grid)
# cases are independent: run them on BAYESMETA_JOBS cores (default 2); results are
# identical to a serial run and are written in grid order
# BAYESMETA_CACHE=<dir> keeps each finished case (RDS) so that a rerun skips it
cache <- Sys.getenv("BAYESMETA_CACHE", "")
cases <- parallel::mclapply(grid, function(case) {
  file <- if (nzchar(cache)) file.path(cache, paste0(gsub("/", "_", case_id(case)), ".rds"))
  if (!is.null(file) && file.exists(file)) return(readRDS(file))
  t0 <- proc.time()[["elapsed"]]
  r <- run_case(case)
  r$id <- case_id(case)
  message(sprintf("%s (%.0f s)", r$id, proc.time()[["elapsed"]] - t0))
  if (!is.null(file)) saveRDS(r, file)
  r
}, mc.cores = as.integer(Sys.getenv("BAYESMETA_JOBS", "2")), mc.preschedule = FALSE)
failed <- vapply(cases, function(r) inherits(r, "try-error"), TRUE)
if (any(failed)) stop("failed cases: ", paste(vapply(grid[failed], case_id, ""), collapse = ", "),
                      "\n", paste(unlist(cases[failed]), collapse = "\n"))
# vectors that happen to have length 1 (k = 1) must stay arrays
fix_arrays <- function(x, name = "") {
  if (is.list(x)) {
    for (n in names(x)) x[[n]] <- fix_arrays(x[[n]], n)
    if (is.null(names(x))) x <- lapply(x, fix_arrays)
    return(x)
  }
  if (name %in% c("yi", "sei", "probs", "quantiles", "x", "cdf", "pdf", "mean", "sd", "median",
                  "ci_low", "ci_high", "shortest")) {
    if (length(x) > 1 || name %in% c("yi", "sei", "probs", "quantiles", "x", "cdf", "pdf", "shortest"))
      return(arr(x))
  }
  x
}
for (i in seq_along(cases)) cases[[i]]$shrinkage <- lapply(cases[[i]]$shrinkage, arr)
cases <- lapply(cases, function(cs) {
  for (p in c("tau", "mu", "theta")) cs[[p]] <- fix_arrays(cs[[p]])
  cs
})
ds <- lapply(datasets, function(d) list(yi = arr(d$yi), sei = arr(d$sei), source = d$source))
out <- list(
  generator = "validation/bayesmeta/run_bayesmeta.R",
  versions = list(R = paste(R.version$major, R.version$minor, sep = "."),
                  bayesmeta = as.character(packageVersion("bayesmeta")),
                  metafor = as.character(packageVersion("metafor")),
                  forestplot = as.character(packageVersion("forestplot")),
                  jsonlite = as.character(packageVersion("jsonlite"))),
  settings = list(delta = DELTA, epsilon = EPSILON, level = LEVEL,
                  rel_tol_integrate = 2^16 * .Machine$double.eps),
  datasets = ds,
  cases = cases)
writeLines(to_json(out), out_path)
message("wrote ", out_path, " (", length(cases), " cases)")
