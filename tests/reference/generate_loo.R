#!/usr/bin/Rscript
# Reference PSIS-LOO results for tmkit's psis_loo, from R's loo (Debian 12: r-cran-loo 2.5.1,
# r-base-core 4.2.2).
#
# Inputs, S x N matrices of pointwise log-likelihoods (one row per draw), written to loo/CASE_ll.npy:
#   normal       - 40 observations from N(0, 1), the normal model with unknown mean and variance
#                  (draws from its exact posterior under the reference prior): a well-behaved case
#   outliers     - the first 20 of them with 2 moved far out: influential observations, k-hat > 0.7
#   outliers_t   - the same data under a model with a fixed, wider scale (for loo_compare)
#   lda          - an LDA case: tmkit's own pointwise log-likelihoods of the 34 training documents
#                  of tests/cli/fixtures/themes.tsv under 400 draws from q(beta) of a K = 3 fit,
#                  used as is when present; written by
#                    tm-select --corpus tests/cli/fixtures/themes.tsv --min-df 2 -k 3 --draws 400 \
#                      --keep-pointwise --out DIR && cp DIR/pointwise_k3.npy tests/reference/loo/lda_ll.npy
# For each CASE writes:
#   loo/CASE_estimates.npy  elpd_loo, se_elpd_loo, p_loo, se_p_loo, looic, se_looic
#   loo/CASE_pointwise.npy  N x 3: elpd_loo, p_loo, influence_pareto_k
# and loo/compare.npy: loo_compare(normal-on-outliers, outliers_t) as rows (model index from 0,
# elpd_diff, se_diff), best first.
# Usage: Rscript tests/reference/generate_loo.R   (from the repository root)
suppressMessages(library(loo))

out_dir <- file.path("tests", "reference", "loo")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# NumPy .npy version 1.0, little-endian float64, C order.
write_npy <- function(x, path) {
  shape <- if (is.matrix(x)) sprintf("(%d, %d)", nrow(x), ncol(x)) else sprintf("(%d,)", length(x))
  header <- sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", shape)
  pad <- 64 - (10 + nchar(header) + 1) %% 64
  header <- paste0(header, strrep(" ", pad %% 64), "\n")
  con <- file(path, "wb")
  on.exit(close(con))
  writeBin(as.raw(c(0x93, charToRaw("NUMPY"), 1, 0)), con)
  writeBin(as.integer(nchar(header)), con, size = 2, endian = "little")
  writeBin(charToRaw(header), con)
  values <- if (is.matrix(x)) as.vector(t(x)) else x
  writeBin(as.double(values), con, size = 8, endian = "little")
}

read_npy <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 8)
  header_len <- readBin(con, "integer", size = 2, signed = FALSE, endian = "little")
  header <- rawToChar(readBin(con, "raw", header_len))
  stopifnot(grepl("'<f8'", header), grepl("False", header))
  dims <- as.integer(strsplit(sub(".*\\((\\d+), (\\d+)\\).*", "\\1 \\2", header), " ")[[1]])
  values <- readBin(con, "double", dims[1] * dims[2], size = 8, endian = "little")
  matrix(values, nrow = dims[1], ncol = dims[2], byrow = TRUE)
}

# Draws of (mu, sigma) from the posterior of N(mu, sigma^2) under the prior 1/sigma^2.
normal_draws <- function(y, S) {
  n <- length(y)
  sigma2 <- (n - 1) * var(y) / rchisq(S, n - 1)
  mu <- rnorm(S, mean(y), sqrt(sigma2 / n))
  list(mu = mu, sigma = sqrt(sigma2))
}

pointwise_normal <- function(y, draws) {
  outer(seq_along(draws$mu), seq_along(y),
        function(s, i) dnorm(y[i], draws$mu[s], draws$sigma[s], log = TRUE))
}

save_case <- function(name, ll) {
  write_npy(ll, file.path(out_dir, paste0(name, "_ll.npy")))
  fit <- loo(ll, r_eff = rep(1, ncol(ll)))
  est <- fit$estimates
  write_npy(c(est["elpd_loo", "Estimate"], est["elpd_loo", "SE"], est["p_loo", "Estimate"],
              est["p_loo", "SE"], est["looic", "Estimate"], est["looic", "SE"]),
            file.path(out_dir, paste0(name, "_estimates.npy")))
  pw <- fit$pointwise
  write_npy(cbind(pw[, "elpd_loo"], pw[, "p_loo"], pw[, "influence_pareto_k"]),
            file.path(out_dir, paste0(name, "_pointwise.npy")))
  cat(sprintf("%-11s S = %d, N = %d: elpd_loo %.4f (se %.4f), p_loo %.4f, k > 0.7: %d\n", name,
              nrow(ll), ncol(ll), est["elpd_loo", "Estimate"], est["elpd_loo", "SE"],
              est["p_loo", "Estimate"], sum(pw[, "influence_pareto_k"] > 0.7)))
  fit
}

set.seed(20261123)
S <- 500
y <- rnorm(40)
invisible(save_case("normal", pointwise_normal(y, normal_draws(y, S))))

y_out <- y[1:20]
y_out[c(3, 11)] <- c(8, -8.5)
set.seed(20261124)
fit_a <- save_case("outliers", pointwise_normal(y_out, normal_draws(y_out, S)))
wide <- list(mu = rnorm(S, median(y_out), 0.3), sigma = rep(6, S))
fit_b <- save_case("outliers_t", pointwise_normal(y_out, wide))
comp <- loo_compare(list(fit_a, fit_b))
index <- as.integer(sub("model", "", rownames(comp))) - 1
write_npy(cbind(index, comp[, "elpd_diff"], comp[, "se_diff"]), file.path(out_dir, "compare.npy"))

lda_path <- file.path(out_dir, "lda_ll.npy")
if (file.exists(lda_path)) invisible(save_case("lda", read_npy(lda_path)))
