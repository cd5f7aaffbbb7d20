#!/usr/bin/env Rscript
# R reference values for matstats' series of n-of-1 trials (matstats.nof1.series_*).
#
# Usage (from the repository root):
#   Rscript validation/nof1_series/run_series.R tests/data/nof1_series tests/data/nof1_series_reference.json
#
# Reads the day-level CSVs written by export_series.py (committed under tests/data/nof1_series)
# and, for each, computes
#   * the two-stage model, independently of matstats: period means of the rated non-washout
#     days, cycle differences (mat - control), person means d_i, the POOLED within-person
#     variance s2 = sum (D_ij - d_i)^2 / sum (n_i - 1), then
#     metafor::rma(d_i, s2 / n_i, method = "REML", test = "knha") with predict(), confint()
#     and blup().
# Numbers are written with sprintf("%.17g"); NA as null. Convergence settings are tight and
# recorded in the JSON ("control").

suppressPackageStartupMessages(library(metafor))

args <- commandArgs(trailingOnly = TRUE)
in_dir <- if (length(args) >= 1) args[1] else "tests/data/nof1_series"
out_file <- if (length(args) >= 2) args[2] else "tests/data/nof1_series_reference.json"

CTRL <- list(tol = 1e-13, threshold = 1e-13, maxiter = 10000)
CI_CTRL <- list(tol = 1e-13)

num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v) && !is.nan(v)) return("null")
    if (is.nan(v)) return("\"NaN\"")
    if (is.infinite(v)) return(if (v > 0) "\"Inf\"" else "\"-Inf\"")
    sprintf("%.17g", v)
  }, character(1))
}
str_json <- function(s) paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", s)), "\"")
to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 2)
  end <- strrep(" ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- mapply(function(n, v) paste0(pad, str_json(n), ": ", to_json(v, indent + 2)),
                      names(x), x, USE.NAMES = FALSE)
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
    }
    items <- vapply(x, function(v) paste0(pad, to_json(v, indent + 2)), character(1))
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", end, "]"))
  }
  if (is.logical(x) && length(x) == 1 && !inherits(x, "AsIs")) {
    return(if (is.na(x)) "null" else if (x) "true" else "false")
  }
  if (is.character(x)) {
    if (length(x) == 1 && !inherits(x, "AsIs")) return(str_json(x))
    return(paste0("[", paste(vapply(x, str_json, character(1)), collapse = ", "), "]"))
  }
  if (is.numeric(x)) {
    if (length(x) == 1 && !inherits(x, "AsIs")) return(num(x))
    return(paste0("[", paste(num(as.numeric(x)), collapse = ", "), "]"))
  }
  stop("cannot serialise ", class(x))
}
vec <- function(x) I(as.vector(x))

two_stage <- function(use) {
  pm <- aggregate(score ~ person + cycle + condition, data = use, FUN = mean)
  mat <- pm[pm$condition == "mat", c("person", "cycle", "score")]
  ctl <- pm[pm$condition == "control", c("person", "cycle", "score")]
  cyc <- merge(mat, ctl, by = c("person", "cycle"), suffixes = c("_mat", "_control"))
  cyc$diff <- cyc$score_mat - cyc$score_control
  persons <- sort(unique(cyc$person))
  d <- tapply(cyc$diff, cyc$person, mean)[persons]
  n <- as.numeric(tapply(cyc$diff, cyc$person, length)[persons])
  ssw <- sum((cyc$diff - d[cyc$person])^2)
  dfw <- sum(n - 1)
  s2 <- ssw / dfw
  fit <- rma(yi = as.numeric(d), vi = s2 / n, method = "REML", test = "knha", control = CTRL)
  pr <- predict(fit)
  ci <- confint(fit, control = CI_CTRL)
  b <- blup(fit)
  list(call = "rma(d, s2/n, method='REML', test='knha', control=CTRL); predict(); confint(); blup()",
       persons = I(persons), n_cycles = vec(n), d = vec(d), sigma2_within = s2, within_df = dfw,
       estimate = c(fit$beta), se = fit$se, ci_low = fit$ci.lb, ci_high = fit$ci.ub,
       pval = fit$pval, tau2 = fit$tau2, tau2_ci_low = ci$random["tau^2", "ci.lb"],
       tau2_ci_high = ci$random["tau^2", "ci.ub"], pi_low = pr$pi.lb, pi_high = pr$pi.ub,
       blup = vec(b$pred), blup_se = vec(b$se), blup_pi_low = vec(b$pi.lb),
       blup_pi_high = vec(b$pi.ub))
}

files <- sort(list.files(in_dir, pattern = "^series_.*\\.csv$", full.names = TRUE))
out <- list()
for (f in files) {
  name <- sub("^series_(.*)\\.csv$", "\\1", basename(f))
  d <- read.csv(f, stringsAsFactors = FALSE, na.strings = c("", "NA"))
  d$washout <- as.character(d$washout) %in% c("True", "TRUE", "true")
  use <- d[!d$washout & !is.na(d$score), ]
  out[[name]] <- list(file = basename(f), two_stage = two_stage(use))
}

res <- list(
  generated_by = "validation/nof1_series/run_series.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  control = list(rma = "list(tol=1e-13, threshold=1e-13, maxiter=10000)",
                 confint = "list(tol=1e-13)"),
  datasets = out
)
writeLines(to_json(res), out_file)
cat("wrote", out_file, "\n")
