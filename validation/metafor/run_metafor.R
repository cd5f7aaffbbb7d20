#!/usr/bin/env Rscript
# Reference values from R metafor for matstats' effect-size and meta-analysis code.
#
# Usage (from the repository root):
#   Rscript validation/metafor/run_metafor.R tests/data/metafor_reference.json
#
# Writes one JSON file with every number printed by sprintf("%.17g"). Non-finite values are
# written as the strings "Inf", "-Inf", "NaN"; NA as null. The Python tests read that file;
# R is not needed to run them.
#
# Convergence control: metafor's defaults stop uniroot() at tol = .Machine$double.eps^0.25
# (about 1e-4, used by the PM estimator and by confint()'s Q-profile search) and Fisher
# scoring at a change of 1e-5 (REML/ML). matstats solves the same equations to machine
# precision, so the reference runs use tighter settings, recorded in the "control" field:
#   rma(..., control = list(tol = 1e-13, threshold = 1e-13, maxiter = 10000))
#   confint(fit, control = list(tol = 1e-13))

suppressPackageStartupMessages(library(metafor))

args <- commandArgs(trailingOnly = TRUE)
out_file <- if (length(args) >= 1) args[1] else "tests/data/metafor_reference.json"

CTRL <- list(tol = 1e-13, threshold = 1e-13, maxiter = 10000)
CI_CTRL <- list(tol = 1e-13)

# ----------------------------------------------------------------- minimal JSON writer
num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v) && !is.nan(v)) return("null")
    if (is.nan(v)) return("\"NaN\"")
    if (is.infinite(v)) return(if (v > 0) "\"Inf\"" else "\"-Inf\"")
    sprintf("%.17g", v)
  }, character(1))
}
str_json <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  paste0("\"", s, "\"")
}
to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 2)
  end <- strrep(" ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      items <- mapply(function(n, v) paste0(pad, str_json(n), ": ", to_json(v, indent + 2)),
                      names(x), x, USE.NAMES = FALSE)
      if (length(items) == 0) return("{}")
      return(paste0("{\n", paste(items, collapse = ",\n"), "\n", end, "}"))
    }
    items <- vapply(x, function(v) paste0(pad, to_json(v, indent + 2)), character(1))
    if (length(items) == 0) return("[]")
    return(paste0("[\n", paste(items, collapse = ",\n"), "\n", end, "]"))
  }
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x) && length(x) == 1 && !inherits(x, "AsIs")) {
    return(if (is.na(x)) "null" else if (x) "true" else "false")
  }
  if (is.logical(x)) return(paste0("[", paste(ifelse(x, "true", "false"), collapse = ", "), "]"))
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
vec <- function(x) if (is.null(x)) NULL else I(as.vector(x))  # a JSON array, even of length 1

# ----------------------------------------------------------------------------- datasets
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
normand <- escalc(measure = "SMD", m1i = m1i, sd1i = sd1i, n1i = n1i,
                  m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat.normand1999)
molloy <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)

datasets <- list(
  bcg = list(yi = bcg$yi, vi = bcg$vi, groups = as.character(dat.bcg$alloc),
             source = "metafor dat.bcg: escalc(measure='RR', ai=tpos, bi=tneg, ci=cpos, di=cneg)"),
  normand1999 = list(yi = normand$yi, vi = normand$vi, groups = as.character(dat.normand1999$source),
                     source = "metafor dat.normand1999: escalc(measure='SMD', m1i, sd1i, n1i, m2i, sd2i, n2i)"),
  hackshaw1998 = list(yi = dat.hackshaw1998$yi, vi = dat.hackshaw1998$vi,
                      groups = as.character(dat.hackshaw1998$design),
                      source = "metafor dat.hackshaw1998: yi, vi (log odds ratios) as shipped"),
  molloy2014 = list(yi = molloy$yi, vi = molloy$vi, groups = as.character(dat.molloy2014$design),
                    source = "metafor dat.molloy2014: escalc(measure='ZCOR', ri, ni)"),
  raudenbush1985 = list(yi = dat.raudenbush1985$yi, vi = dat.raudenbush1985$vi,
                        groups = as.character(dat.raudenbush1985$tester),
                        source = "metafor dat.raudenbush1985: yi, vi (SMD) as shipped"),
  edge_k2 = list(yi = c(0.2, 0.5), vi = c(0.04, 0.09), source = "synthetic: k = 2"),
  edge_equal = list(yi = rep(0.3, 4), vi = c(0.01, 0.02, 0.03, 0.04),
                    source = "synthetic: all effects equal"),
  edge_boundary = list(yi = c(0.10, 0.12, 0.08, 0.11, 0.09), vi = c(0.02, 0.03, 0.025, 0.04, 0.05),
                       source = "synthetic: Q < k - 1, tau2 at the boundary 0"),
  edge_k1 = list(yi = c(0.4), vi = c(0.05), source = "synthetic: k = 1 (z test only)")
)
for (n in names(datasets)) {
  datasets[[n]]$yi <- vec(datasets[[n]]$yi)
  datasets[[n]]$vi <- vec(datasets[[n]]$vi)
  if (!is.null(datasets[[n]]$groups)) datasets[[n]]$groups <- I(datasets[[n]]$groups)
}

methods <- c("FE", "DL", "REML", "ML", "PM", "HE", "SJ")
tests <- c("z", "knha")

summarise_fit <- function(fit, with_ci = TRUE) {
  pr <- predict(fit)
  out <- list(estimate = c(fit$beta), se = fit$se, stat = fit$zval, pval = fit$pval,
              ci_low = fit$ci.lb, ci_high = fit$ci.ub, tau2 = fit$tau2,
              i2 = fit$I2, h2 = fit$H2, q = fit$QE, q_pval = fit$QEp,
              pi_low = pr$pi.lb, pi_high = pr$pi.ub, k = fit$k)
  out$tau2_ci_low <- NA_real_
  out$tau2_ci_high <- NA_real_
  if (with_ci && !(fit$method %in% c("FE", "EE", "CE")) && fit$k > 1) {
    ci <- confint(fit, control = CI_CTRL)
    out$tau2_ci_low <- ci$random["tau^2", "ci.lb"]
    out$tau2_ci_high <- ci$random["tau^2", "ci.ub"]
  }
  out
}

# ------------------------------------------------------------------------ rma grid
rma_rows <- list()
for (dn in names(datasets)) {
  d <- datasets[[dn]]
  for (m in methods) for (tt in tests) {
    if (dn == "edge_k1" && tt == "knha") next
    fit <- suppressWarnings(rma(yi = as.numeric(d$yi), vi = as.numeric(d$vi), method = m,
                                test = tt, control = CTRL))
    row <- c(list(dataset = dn, method = m, test = tt,
                  call = sprintf("rma(yi, vi, method='%s', test='%s', control=list(tol=1e-13, threshold=1e-13, maxiter=10000)); predict(); confint(control=list(tol=1e-13))", m, tt)),
             summarise_fit(fit))
    rma_rows[[length(rma_rows) + 1]] <- row
  }
}

# -------------------------------------------------------------------------- escalc
esc_rows <- list()
add_esc <- function(name, call, inputs, res) {
  esc_rows[[length(esc_rows) + 1]] <<- list(name = name, call = call,
                                            inputs = lapply(inputs, vec),
                                            yi = vec(res$yi), vi = vec(res$vi))
}
b <- dat.bcg
for (ms in c("RR", "OR", "RD")) {
  add_esc(paste0("bcg_", ms), sprintf("escalc('%s', ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)", ms),
          list(measure = ms, ai = b$tpos, bi = b$tneg, ci = b$cpos, di = b$cneg),
          escalc(measure = ms, ai = b$tpos, bi = b$tneg, ci = b$cpos, di = b$cneg))
}
nw <- dat.nielweise2007
for (ms in c("RR", "OR", "RD")) {
  add_esc(paste0("nielweise2007_", ms),
          sprintf("escalc('%s', ai=ai, n1i=n1i, ci=ci, n2i=n2i, data=dat.nielweise2007)  # zero cells: add 1/2 (to='only0')", ms),
          list(measure = ms, ai = nw$ai, n1i = nw$n1i, ci = nw$ci, n2i = nw$n2i),
          escalc(measure = ms, ai = nw$ai, n1i = nw$n1i, ci = nw$ci, n2i = nw$n2i))
}
zz <- list(ai = c(0, 3, 0, 10), n1i = c(20, 25, 15, 30), ci = c(2, 0, 0, 12), n2i = c(20, 25, 15, 30))
for (ms in c("RR", "OR", "RD")) {
  add_esc(paste0("zero_cells_", ms),
          sprintf("escalc('%s', ai, n1i, ci, n2i) on a synthetic table with single and double zero cells", ms),
          c(list(measure = ms), zz),
          escalc(measure = ms, ai = zz$ai, n1i = zz$n1i, ci = zz$ci, n2i = zz$n2i))
}
nd <- dat.normand1999
for (ms in c("SMD", "MD")) {
  add_esc(paste0("normand1999_", ms), sprintf("escalc('%s', m1i, sd1i, n1i, m2i, sd2i, n2i, data=dat.normand1999)", ms),
          list(measure = ms, m1i = nd$m1i, sd1i = nd$sd1i, n1i = nd$n1i, m2i = nd$m2i, sd2i = nd$sd2i, n2i = nd$n2i),
          escalc(measure = ms, m1i = nd$m1i, sd1i = nd$sd1i, n1i = nd$n1i, m2i = nd$m2i, sd2i = nd$sd2i, n2i = nd$n2i))
}
tt_in <- list(ti = c(2.1, -0.8, 3.55, 0.0), n1i = c(20, 12, 21, 8), n2i = c(20, 15, 21, 9))
add_esc("smd_from_t", "escalc('SMD', ti, n1i, n2i)", c(list(measure = "SMD"), tt_in),
        escalc(measure = "SMD", ti = tt_in$ti, n1i = tt_in$n1i, n2i = tt_in$n2i))
p_in <- list(pi = c(0.021, -0.032, 0.5, 0.001), n1i = c(20, 20, 30, 21), n2i = c(20, 20, 28, 21))
t_from_p <- sign(p_in$pi) * qt(abs(p_in$pi) / 2, df = p_in$n1i + p_in$n2i - 2, lower.tail = FALSE)
add_esc("smd_from_p", "escalc('SMD', ti = sign(pi) * qt(abs(pi)/2, n1i+n2i-2, lower.tail=FALSE), n1i, n2i)  # metafor 3.8 has no pi argument",
        c(list(measure = "SMD"), p_in),
        escalc(measure = "SMD", ti = t_from_p, n1i = p_in$n1i, n2i = p_in$n2i))
pp <- list(m1i = c(5.2, 3.1, 7.4), m2i = c(4.1, 3.3, 6.0), sd1i = c(1.5, 0.9, 2.2),
           sd2i = c(1.3, 1.1, 2.0), ni = c(24, 15, 40), ri = c(0.6, 0.3, 0.75))
add_esc("pre_post_SMCC", "escalc('SMCC', m1i, m2i, sd1i, sd2i, ni, ri) on synthetic pre-post data",
        c(list(measure = "SMCC"), pp),
        escalc(measure = "SMCC", m1i = pp$m1i, m2i = pp$m2i, sd1i = pp$sd1i, sd2i = pp$sd2i, ni = pp$ni, ri = pp$ri))
add_esc("pre_post_SMCR", "escalc('SMCR', m1i, m2i, sd1i, ni, ri) on synthetic pre-post data",
        c(list(measure = "SMCR"), pp[c("m1i", "m2i", "sd1i", "ni", "ri")]),
        escalc(measure = "SMCR", m1i = pp$m1i, m2i = pp$m2i, sd1i = pp$sd1i, ni = pp$ni, ri = pp$ri))
ml <- dat.molloy2014
add_esc("molloy2014_ZCOR", "escalc('ZCOR', ri, ni, data=dat.molloy2014)",
        list(measure = "ZCOR", ri = ml$ri, ni = ml$ni), escalc(measure = "ZCOR", ri = ml$ri, ni = ml$ni))

# ----------------------------------------------------------------------- regtest
main_sets <- c("bcg", "normand1999", "hackshaw1998", "molloy2014", "raudenbush1985")
reg_rows <- list()
for (dn in c(main_sets, "edge_boundary")) {
  d <- datasets[[dn]]
  fit <- rma(yi = as.numeric(d$yi), vi = as.numeric(d$vi), method = "FE")
  rt <- regtest(fit, model = "lm")
  reg_rows[[length(reg_rows) + 1]] <- list(
    dataset = dn, call = "regtest(rma(yi, vi, method='FE'), model='lm', predictor='sei')",
    stat = rt$zval, df = rt$dfs, pval = rt$pval, limit_estimate = c(rt$est),
    limit_ci_low = c(rt$ci.lb), limit_ci_high = c(rt$ci.ub))
}

# ---------------------------------------------------------------------- trimfill
tf_rows <- list()
for (dn in main_sets) for (m in methods) {
  d <- datasets[[dn]]
  fit <- rma(yi = as.numeric(d$yi), vi = as.numeric(d$vi), method = m, control = CTRL)
  tf <- suppressWarnings(trimfill(fit, control = CTRL))
  tf_rows[[length(tf_rows) + 1]] <- list(
    dataset = dn, method = m, call = sprintf("trimfill(rma(yi, vi, method='%s'), estimator='L0')", m),
    k0 = tf$k0, side = tf$side, estimate = c(tf$beta), se = tf$se, ci_low = tf$ci.lb,
    ci_high = tf$ci.ub, pval = tf$pval, tau2 = tf$tau2, k = tf$k,
    yi = vec(tf$yi), vi = vec(tf$vi), filled = I(if (is.null(tf$fill)) rep(FALSE, tf$k) else tf$fill))
}

# ---------------------------------------------------------------------- leave1out
l1_rows <- list()
for (dn in c(main_sets, "edge_boundary")) for (cfg in list(c("REML", "z"), c("DL", "knha"), c("FE", "z"), c("PM", "z"))) {
  d <- datasets[[dn]]
  fit <- rma(yi = as.numeric(d$yi), vi = as.numeric(d$vi), method = cfg[1], test = cfg[2], control = CTRL)
  l1 <- suppressWarnings(leave1out(fit))
  l1_rows[[length(l1_rows) + 1]] <- list(
    dataset = dn, method = cfg[1], test = cfg[2],
    call = sprintf("leave1out(rma(yi, vi, method='%s', test='%s'))", cfg[1], cfg[2]),
    estimate = vec(l1$estimate), se = vec(l1$se), stat = vec(if (is.null(l1$zval)) l1$tval else l1$zval), pval = vec(l1$pval),
    ci_low = vec(l1$ci.lb), ci_high = vec(l1$ci.ub), q = vec(l1$Q), q_pval = vec(l1$Qp),
    tau2 = vec(l1$tau2), i2 = vec(l1$I2), h2 = vec(l1$H2))
}

# ------------------------------------------------------------------------ subgroups
sg_rows <- list()
for (dn in c("bcg", "hackshaw1998", "molloy2014", "raudenbush1985")) for (m in methods) {
  d <- datasets[[dn]]
  g <- as.character(d$groups)
  lev <- unique(g)
  est <- se <- tau2 <- kk <- numeric(0)
  for (l in lev) {
    f <- rma(yi = as.numeric(d$yi)[g == l], vi = as.numeric(d$vi)[g == l], method = m, control = CTRL)
    est <- c(est, c(f$beta)); se <- c(se, f$se); tau2 <- c(tau2, f$tau2); kk <- c(kk, f$k)
  }
  grp <- factor(lev, levels = lev)
  between <- rma(yi = est, sei = se, mods = ~ grp, method = "FE")
  common <- rma(yi = as.numeric(d$yi), vi = as.numeric(d$vi), mods = ~ factor(g), method = m,
                control = CTRL)
  sg_rows[[length(sg_rows) + 1]] <- list(
    dataset = dn, method = m,
    call = sprintf("per group: rma(yi, vi, method='%s'); then rma(est, sei=se, mods=~group, method='FE')$QM", m),
    groups = I(lev), k = vec(kk), estimate = vec(est), se = vec(se), tau2 = vec(tau2),
    q_between = between$QM, q_between_df = between$QMdf[1], q_between_pval = between$QMp,
    common_tau2_call = sprintf("rma(yi, vi, mods=~factor(group), method='%s')$QM", m),
    common_tau2_qm = common$QM, common_tau2_qm_pval = common$QMp, common_tau2 = common$tau2)
}

result <- list(
  generator = "validation/metafor/run_metafor.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  control = "rma(..., control=list(tol=1e-13, threshold=1e-13, maxiter=10000)); confint(..., control=list(tol=1e-13))",
  methods = I(methods), tests = I(tests),
  datasets = datasets, rma = rma_rows, escalc = esc_rows, regtest = reg_rows,
  trimfill = tf_rows, leave1out = l1_rows, subgroup = sg_rows)
writeLines(to_json(result), out_file)
cat("wrote", out_file, "\n")
