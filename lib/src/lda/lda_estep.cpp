#include "tmkit/lda/lda_estep.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "detail/blocks.hpp"
#include "detail/vector_clones.hpp"
#include "detail/vector_special.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/special.hpp"

namespace tmkit {
namespace {

constexpr std::size_t kWordsPerBlock = 512;  // columns per task in topic_expectations

// The two K-long loops per word below are the E-step's cost; they are compiled for the vector
// units (detail/vector_clones.hpp).

// t_k = exp(E[log theta_k]) into ws.exp_elog_theta, without logarithms: the inner iteration needs
// nothing else. t_k <= 1, so it cannot overflow; it underflows only where phi would anyway. Eight
// topics at a time (detail/vector_special.hpp), which is one register where the CPU has AVX-512
// (an x86-64-v4 clone, the same operations lane by lane as the x86-64-v3 one, so the same bits):
// on short documents this loop costs more than the word loops. gamma_k beyond 1e15 (where the
// vector form's product of eight shifts could overflow) takes the scalar path.
TMKIT_WIDE_VECTOR_CLONES void update_exp_elog_theta(const double* gamma, std::size_t n_topics,
                                                    EstepWorkspace& ws) {
  double sum = 0.0;
  for (std::size_t k = 0; k < n_topics; ++k) sum += gamma[k];
  const double psi_sum = digamma(sum);
  double* out = ws.exp_elog_theta.data();
  if (sum >= 1e15) {
    for (std::size_t k = 0; k < n_topics; ++k) out[k] = exp_digamma_minus(gamma[k], psi_sum);
    return;
  }
  for (std::size_t k = 0; k < n_topics; k += 8) {
    const std::size_t lanes = std::min<std::size_t>(8, n_topics - k);
    detail::v8d x = detail::broadcast<detail::v8d>(1.0);  // padding lanes: any positive value
    std::memcpy(&x, gamma + k, lanes * sizeof(double));
    const detail::v8d t = detail::vector_exp_digamma_minus(x, psi_sum);
    std::memcpy(out + k, &t, lanes * sizeof(double));
  }
}

// One column of lambda to its exp(E[log beta_kw] - shift) in `out`, returning the shift
// (max_k E[log beta_kw]); `elog` is K doubles of scratch. Four topics at a time for lambda below
// 1e15 (detail/vector_special.hpp), else one at a time.
TMKIT_VECTOR_CLONES double exp_elog_column(const double* column, const double* psi_row,
                                           std::size_t n_topics, double* elog, double* out) {
  double top = -HUGE_VAL;
  std::size_t k = 0;
  for (; k + 4 <= n_topics; k += 4) {
    detail::v4d x;
    std::memcpy(&x, column + k, sizeof x);
    if (!(x[0] < 1e15 && x[1] < 1e15 && x[2] < 1e15 && x[3] < 1e15)) break;
    const detail::v4d e = detail::vector_digamma4(x) - detail::load4(psi_row + k);
    std::memcpy(elog + k, &e, sizeof e);
  }
  for (; k < n_topics; ++k) elog[k] = digamma(column[k]) - psi_row[k];
  for (k = 0; k < n_topics; ++k) top = std::max(top, elog[k]);
  for (k = 0; k + 4 <= n_topics; k += 4) {
    const detail::v4d t = detail::vector_exp4(detail::load4(elog + k) - top);
    std::memcpy(out + k, &t, sizeof t);
  }
  for (; k < n_topics; ++k) out[k] = std::exp(elog[k] - top);
  return top;
}

// E[log theta_k] = psi(gamma_k) - psi(sum gamma) into ws.elog_theta, for the bound and for alpha's
// sufficient statistics.
void update_elog_theta(const double* gamma, std::size_t n_topics, EstepWorkspace& ws) {
  double sum = 0.0;
  for (std::size_t k = 0; k < n_topics; ++k) sum += gamma[k];
  const double psi_sum = digamma(sum);
  for (std::size_t k = 0; k < n_topics; ++k) ws.elog_theta[k] = digamma(gamma[k]) - psi_sum;
}

// Columns ids[i..i+3] of the K x V matrix `beta` (column-major: column w starts at w * K).
struct FourColumns {
  const double *c0, *c1, *c2, *c3;
  FourColumns(const double* beta, std::size_t n_topics, const WordId* ids, std::size_t i)
      : c0(beta + static_cast<std::size_t>(ids[i]) * n_topics),
        c1(beta + static_cast<std::size_t>(ids[i + 1]) * n_topics),
        c2(beta + static_cast<std::size_t>(ids[i + 2]) * n_topics),
        c3(beta + static_cast<std::size_t>(ids[i + 3]) * n_topics) {}
};

// theta . c0, theta . c1, theta . c2, theta . c3 (K long each) as one vector: four topics at a time
// into one accumulator per column (independent sums that hide each other's latency), the last
// K mod 4 topics into a scalar per column, then the four accumulators' lanes joined in a fixed
// order, (l0 + l1) + (l2 + l3), by two pairwise sums across them instead of one reduction per
// column (which the compiler's own reductions did through the stack: most of the cost at small K).
[[gnu::always_inline]] inline detail::v4d four_dots(const double* theta, const FourColumns& c,
                                                    std::size_t n_topics) {
  detail::v4d a0 = detail::splat(0.0), a1 = a0, a2 = a0, a3 = a0;
  std::size_t k = 0;
  for (; k + 4 <= n_topics; k += 4) {
    const detail::v4d t = detail::load4(theta + k);
    a0 += t * detail::load4(c.c0 + k);
    a1 += t * detail::load4(c.c1 + k);
    a2 += t * detail::load4(c.c2 + k);
    a3 += t * detail::load4(c.c3 + k);
  }
  detail::v4d tail = detail::splat(0.0);
  for (; k < n_topics; ++k) {
    tail += theta[k] * detail::v4d{c.c0[k], c.c1[k], c.c2[k], c.c3[k]};
  }
  // {a0_0 + a0_1, a1_0 + a1_1, a0_2 + a0_3, a1_2 + a1_3}, and the same for a2 and a3.
  const detail::v4d h01 =
      __builtin_shufflevector(a0, a1, 0, 4, 2, 6) + __builtin_shufflevector(a0, a1, 1, 5, 3, 7);
  const detail::v4d h23 =
      __builtin_shufflevector(a2, a3, 0, 4, 2, 6) + __builtin_shufflevector(a2, a3, 1, 5, 3, 7);
  return (__builtin_shufflevector(h01, h23, 0, 1, 4, 5) +
          __builtin_shufflevector(h01, h23, 2, 3, 6, 7)) +
         tail;
}

// theta . c for one column, with four_dots' arithmetic (its lane 0).
[[gnu::always_inline]] inline double one_dot(const double* theta, const double* c,
                                             std::size_t n_topics) {
  detail::v4d a = detail::splat(0.0);
  std::size_t k = 0;
  for (; k + 4 <= n_topics; k += 4) a += detail::load4(theta + k) * detail::load4(c + k);
  double tail = 0.0;
  for (; k < n_topics; ++k) tail += theta[k] * c[k];
  return ((a[0] + a[1]) + (a[2] + a[3])) + tail;
}

// dots[i] = theta . column ids[i] of the K x V matrix `beta`, four columns at a time.
TMKIT_VECTOR_CLONES void column_dots(const double* theta, const double* beta, std::size_t n_topics,
                                     const WordId* ids, std::size_t n, double* dots) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const detail::v4d d = four_dots(theta, FourColumns(beta, n_topics, ids, i), n_topics);
    std::memcpy(dots + i, &d, sizeof d);
  }
  for (; i < n; ++i) {
    dots[i] = one_dot(theta, beta + static_cast<std::size_t>(ids[i]) * n_topics, n_topics);
  }
}

// acc[k] += (r[0] c0[k] + r[1] c1[k]) + (r[2] c2[k] + r[3] c3[k]): four columns per update of acc.
[[gnu::always_inline]] inline void add_four_columns(double* acc, const FourColumns& c,
                                                    const double* r, std::size_t n_topics) {
  const double *c0 = c.c0, *c1 = c.c1, *c2 = c.c2, *c3 = c.c3;
  const double r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
#pragma omp simd
  for (std::size_t k = 0; k < n_topics; ++k) {
    acc[k] += (r0 * c0[k] + r1 * c1[k]) + (r2 * c2[k] + r3 * c3[k]);
  }
}

// acc[k] += r c[k].
[[gnu::always_inline]] inline void add_column(double* acc, double r, const double* c,
                                              std::size_t n_topics) {
#pragma omp simd
  for (std::size_t k = 0; k < n_topics; ++k) acc[k] += r * c[k];
}

// acc[k] = sum_i weight[i] * beta[k, ids[i]], four columns per update of acc.
TMKIT_VECTOR_CLONES void weighted_column_sum(const double* weight, const double* beta,
                                             std::size_t n_topics, const WordId* ids, std::size_t n,
                                             double* acc) {
  std::fill(acc, acc + n_topics, 0.0);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    add_four_columns(acc, FourColumns(beta, n_topics, ids, i), weight + i, n_topics);
  }
  for (; i < n; ++i) {
    add_column(acc, weight[i], beta + static_cast<std::size_t>(ids[i]) * n_topics, n_topics);
  }
}

// One pass of both kernels above for theta: ratio[i] = counts[i] / (theta . column ids[i]) and
// acc = sum_i ratio[i] * column ids[i], four columns at a time, each group's dots taken just before
// its weighted sum so that the columns are read from memory once per round instead of twice (the
// second read comes from L1). The arithmetic, and so every bit of ratio and acc, is that of
// column_dots, the division and weighted_column_sum in turn.
TMKIT_VECTOR_CLONES void ratio_and_weighted_sum(const double* theta, const double* beta,
                                                std::size_t n_topics, const WordId* ids,
                                                const Count* counts, std::size_t n, double* ratio,
                                                double* acc) {
  std::fill(acc, acc + n_topics, 0.0);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const FourColumns c(beta, n_topics, ids, i);
    const detail::v4d r = detail::load4(counts + i) / four_dots(theta, c, n_topics);
    std::memcpy(ratio + i, &r, sizeof r);
    add_four_columns(acc, c, ratio + i, n_topics);
  }
  for (; i < n; ++i) {
    const double* c = beta + static_cast<std::size_t>(ids[i]) * n_topics;
    ratio[i] = counts[i] / one_dot(theta, c, n_topics);
    add_column(acc, ratio[i], c, n_topics);
  }
}

// ratio_i = n_i / (exp_elog_theta . exp_elog_beta[:, w_i]).
void update_ratio(const DocView& doc, const double* exp_elog_beta, std::size_t n_topics,
                  EstepWorkspace& ws) {
  double* ratio = ws.ratio.data();
  column_dots(ws.exp_elog_theta.data(), exp_elog_beta, n_topics, doc.ids, doc.n, ratio);
  for (std::size_t i = 0; i < doc.n; ++i) ratio[i] = doc.counts[i] / ratio[i];
}

// The document's ELBO terms at the gamma whose expectations are in `ws` (docs/math/lda.md eq. 12):
//   sum_w n_w log sum_k exp(E[log theta_k] + E[log beta_kw])
//   + log Gamma(sum alpha) - sum log Gamma(alpha_k) + sum (alpha_k - 1) E[log theta_k]
//   - log Gamma(sum gamma) + sum log Gamma(gamma_k) - sum (gamma_k - 1) E[log theta_k]
double document_elbo(const DocView& doc, const TopicExpectations& topics,
                     const DocumentPrior& prior, const double* gamma, const EstepWorkspace& ws,
                     double log_sum) {
  const std::size_t n_topics = topics.n_topics();
  // A document with no tokens (one whose words the model does not know) keeps gamma = alpha, where
  // the bound's terms cancel: 0 exactly, not the rounding error of their sum.
  if (doc.n == 0 && std::equal(gamma, gamma + n_topics, prior.alpha.memptr())) return 0.0;
  double words = log_sum;
  for (std::size_t i = 0; i < doc.n; ++i) {
    words += doc.counts[i] * topics.shift[doc.ids[i]];
  }
  double gamma_sum = 0.0, theta = prior.log_norm;
  for (std::size_t k = 0; k < n_topics; ++k) {
    gamma_sum += gamma[k];
    theta += log_gamma(gamma[k]) + (prior.alpha[k] - gamma[k]) * ws.elog_theta[k];
  }
  return words + theta - log_gamma(gamma_sum);
}

}  // namespace

double TopicExpectations::beta_term(double eta) const noexcept {
  const double n_topics = static_cast<double>(this->n_topics());
  const double n_words = static_cast<double>(this->n_words());
  return n_topics * (log_gamma(n_words * eta) - n_words * log_gamma(eta)) +
         (eta - 1.0) * sum_elog_beta + entropy_beta;
}

TopicExpectations topic_expectations(const arma::mat& lambda, int n_threads) {
  const std::size_t n_topics = lambda.n_rows, n_words = lambda.n_cols;
  TopicExpectations topics;
  topics.exp_elog_beta.set_size(n_topics, n_words);
  topics.shift.set_size(n_words);
  // Row sums in word order (fixed, so the same on any thread count).
  std::vector<double> row_sum(n_topics, 0.0);
  for (std::size_t w = 0; w < n_words; ++w) {
    const double* column = lambda.colptr(w);
    for (std::size_t k = 0; k < n_topics; ++k) row_sum[k] += column[k];
  }
  std::vector<double> psi_row(n_topics);
  double entropy = 0.0;
  for (std::size_t k = 0; k < n_topics; ++k) {
    psi_row[k] = digamma(row_sum[k]);
    entropy -= log_gamma(row_sum[k]);
  }
  const BlockPartition blocks{n_words, kWordsPerBlock};
  std::vector<double> block_elog(blocks.n_blocks(), 0.0), block_entropy(blocks.n_blocks(), 0.0);
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    std::vector<double> elog(n_topics);
    double sum_elog = 0.0, block_h = 0.0;
    for (std::size_t w = blocks.begin(b); w < blocks.end(b); ++w) {
      const double* column = lambda.colptr(w);
      // The same numbers as topic_expectations_of_columns gives for this column.
      topics.shift[w] = exp_elog_column(column, psi_row.data(), n_topics, elog.data(),
                                        topics.exp_elog_beta.colptr(w));
      for (std::size_t k = 0; k < n_topics; ++k) {
        TMKIT_ASSERT(column[k] > 0 && std::isfinite(column[k]),
                     "lambda must be positive and finite");
        sum_elog += elog[k];
        // -E[log q(beta_k)] collects + log Gamma(lambda_kw) - (lambda_kw - 1) E[log beta_kw] per
        // entry.
        block_h += log_gamma(column[k]) - (column[k] - 1.0) * elog[k];
      }
    }
    block_elog[b] = sum_elog;
    block_entropy[b] = block_h;
  });
  for (std::size_t b = 0; b < blocks.n_blocks(); ++b) {
    topics.sum_elog_beta += block_elog[b];
    entropy += block_entropy[b];
  }
  topics.entropy_beta = entropy;
  return topics;
}

TopicExpectations topic_expectations_of_columns(const arma::mat& columns, const arma::vec& row_sums,
                                                int n_threads) {
  const std::size_t n_topics = columns.n_rows;
  TopicExpectations topics;
  topics.exp_elog_beta.set_size(n_topics, columns.n_cols);
  topics.shift.set_size(columns.n_cols);
  std::vector<double> psi_row(n_topics);
  for (std::size_t k = 0; k < n_topics; ++k) psi_row[k] = digamma(row_sums[k]);
  const BlockPartition blocks{columns.n_cols, kWordsPerBlock};
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    std::vector<double> elog(n_topics);
    for (std::size_t j = blocks.begin(b); j < blocks.end(b); ++j) {
      topics.shift[j] = exp_elog_column(columns.colptr(j), psi_row.data(), n_topics, elog.data(),
                                        topics.exp_elog_beta.colptr(j));
    }
  });
  return topics;
}

DocumentPrior::DocumentPrior(const arma::vec& alpha_in) : alpha(alpha_in), log_norm(0.0) {
  double sum = 0.0;
  for (double a : alpha) {
    sum += a;
    log_norm -= log_gamma(a);
  }
  log_norm += log_gamma(sum);
}

void EstepWorkspace::resize(std::size_t n_topics, std::size_t n_distinct) {
  if (elog_theta.size() != n_topics) {
    restart_gamma.assign(n_topics, 0.0);
    refined_gamma.assign(n_topics, 0.0);
    elog_theta.assign(n_topics, 0.0);
    exp_elog_theta.assign(n_topics, 0.0);
    accumulator.assign(n_topics, 0.0);
    extrapolation.assign(3 * n_topics, 0.0);
  }
  if (ratio.size() < n_distinct) ratio.resize(n_distinct);
}

void neutral_gamma(const DocView& doc, const arma::vec& alpha, double* gamma) {
  const double share = static_cast<double>(doc.n_tokens()) / static_cast<double>(alpha.n_elem);
  for (std::size_t k = 0; k < alpha.n_elem; ++k) gamma[k] = alpha[k] + share;
}

namespace {

constexpr double kSameModeTokens = 0.5;
constexpr double kSameModeTolerances = 10.0;

struct Run {
  std::size_t iterations = 0;
  bool converged = false;
};

// One round of the E-step: gamma <- alpha + exp_elog_theta * (sum_i ratio_i beta_.w_i), then
// exp_elog_theta of the new gamma; returns mean_k |change of gamma_k|. ws.ratio is used as it is
// when `ratio_fresh` (it belongs to the current exp_elog_theta), else computed in the same pass as
// the sum; either way it is left belonging to the old gamma, not the new one.
double iterate_once(const DocView& doc, const double* exp_elog_beta, std::size_t n_topics,
                    const double* alpha, double* gamma, EstepWorkspace& ws, bool ratio_fresh) {
  double* acc = ws.accumulator.data();
  if (ratio_fresh) {
    weighted_column_sum(ws.ratio.data(), exp_elog_beta, n_topics, doc.ids, doc.n, acc);
  } else {
    ratio_and_weighted_sum(ws.exp_elog_theta.data(), exp_elog_beta, n_topics, doc.ids, doc.counts,
                           doc.n, ws.ratio.data(), acc);
  }
  double change = 0.0;
  for (std::size_t k = 0; k < n_topics; ++k) {
    const double updated = alpha[k] + ws.exp_elog_theta[k] * acc[k];
    change += std::fabs(updated - gamma[k]);
    gamma[k] = updated;
  }
  update_exp_elog_theta(gamma, n_topics, ws);
  return change / static_cast<double>(n_topics);
}

// Coordinate ascent from `gamma`, whose exp_elog_theta `ws` already holds, and its ratio too when
// `ratio_fresh` (eqs. 4-5): each round sets gamma_k = alpha_k + sum_w n_w phi_wk with phi from the
// current gamma, then phi from the new gamma. Returns with ws.exp_elog_theta and ws.ratio those of
// the final gamma (ws.elog_theta is not kept up to date here).
Run iterate(const DocView& doc, const TopicExpectations& topics, const double* alpha, double* gamma,
            EstepWorkspace& ws, const EstepOptions& opts, bool ratio_fresh) {
  const std::size_t n_topics = topics.n_topics();
  const double* exp_elog_beta = topics.exp_elog_beta.memptr();
  Run run;
  for (std::size_t iteration = 0; iteration < opts.max_iter; ++iteration) {
    const double change = iterate_once(doc, exp_elog_beta, n_topics, alpha, gamma, ws, ratio_fresh);
    ratio_fresh = false;
    run.iterations = iteration + 1;
    if (change < opts.tol) {
      run.converged = true;
      break;
    }
  }
  if (!ratio_fresh) update_ratio(doc, exp_elog_beta, n_topics, ws);
  return run;
}

// iterate() with SQUAREM's extrapolation (Varadhan & Roland 2008, scheme S3): from g0, two rounds
// give g1 and g2; with r = g1 - g0, v = g2 - 2 g1 + g0 and a = -|r| / |v| (at most -1), the
// point g0 - 2 a r + a^2 v, whose round is the next g0. a = -1 gives g2 itself; a step that would
// leave some gamma_k below alpha_k (no fixed point does) is halved towards -1 until it does not.
// Stops on the same test as iterate(): a round that changes gamma by less than tol.
Run iterate_accelerated(const DocView& doc, const TopicExpectations& topics, const double* alpha,
                        double* gamma, EstepWorkspace& ws, const EstepOptions& opts,
                        bool ratio_fresh) {
  const std::size_t n_topics = topics.n_topics();
  const double* exp_elog_beta = topics.exp_elog_beta.memptr();
  double* g0 = ws.extrapolation.data();
  double* g1 = g0 + n_topics;
  double* g2 = g1 + n_topics;
  Run run;
  const auto round = [&](double* g) {
    ++run.iterations;
    const double change = iterate_once(doc, exp_elog_beta, n_topics, alpha, g, ws, ratio_fresh);
    ratio_fresh = false;
    if (change < opts.tol) run.converged = true;
    return run.converged || run.iterations >= opts.max_iter;
  };
  const auto finish = [&] {
    if (!ratio_fresh) update_ratio(doc, exp_elog_beta, n_topics, ws);
    return run;
  };
  while (run.iterations < opts.max_iter) {
    std::copy(gamma, gamma + n_topics, g0);
    if (round(gamma)) return finish();
    std::copy(gamma, gamma + n_topics, g1);
    if (round(gamma)) return finish();
    std::copy(gamma, gamma + n_topics, g2);
    double rr = 0.0, vv = 0.0;
    for (std::size_t k = 0; k < n_topics; ++k) {
      const double r = g1[k] - g0[k], v = g2[k] - 2.0 * g1[k] + g0[k];
      rr += r * r;
      vv += v * v;
    }
    double a = vv > 0.0 ? -std::sqrt(rr / vv) : -1.0;
    if (!(a < -1.0)) continue;  // no extrapolation: gamma is g2, prepared
    for (;;) {
      bool inside = true;
      for (std::size_t k = 0; k < n_topics; ++k) {
        const double r = g1[k] - g0[k], v = g2[k] - 2.0 * g1[k] + g0[k];
        gamma[k] = g0[k] - 2.0 * a * r + a * a * v;
        inside = inside && gamma[k] >= alpha[k];
      }
      if (inside) break;
      a = (a - 1.0) / 2.0;
      if (a > -1.0 - 1e-3) {
        std::copy(g2, g2 + n_topics, gamma);
        break;
      }
    }
    update_exp_elog_theta(gamma, n_topics, ws);
    if (round(gamma)) return finish();
  }
  return finish();
}

// sum_i counts[i] log(counts[i] / ratio[i]), that is sum_w n_w log(dot_w) from ratio_w =
// n_w / dot_w, four words at a time (detail/vector_log.hpp, within a few ulp of std::log): the
// logarithms are what scoring a document costs beyond its rounds.
TMKIT_VECTOR_CLONES double counted_log_dots(const Count* counts, const double* ratio,
                                            std::size_t n) {
  detail::v4d sum = detail::splat(0.0);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const detail::v4d count = detail::load4(counts + i);
    sum += count * detail::vector_log4(count / detail::load4(ratio + i));
  }
  double total = detail::horizontal_sum(sum);
  if (i < n) {
    // Padding lanes: count 0 and ratio 1, so they add 0 log 0 = 0.
    detail::v4d count = detail::load4(counts + i, n - i), r = detail::splat(1.0);
    std::memcpy(&r, ratio + i, (n - i) * sizeof(double));
    total += detail::horizontal_sum(count * detail::vector_log4(count / r));
  }
  return total;
}

// The bound at `gamma`, whose ratio ws holds: refreshes ws.elog_theta, and recovers
// sum_w n_w log(dot_w) from ratio_w = n_w / dot_w, so no dot product is recomputed.
double elbo_from_ratio(const DocView& doc, const TopicExpectations& topics,
                       const DocumentPrior& prior, const double* gamma, EstepWorkspace& ws) {
  update_elog_theta(gamma, topics.n_topics(), ws);
  return document_elbo(doc, topics, prior, gamma, ws,
                       counted_log_dots(doc.counts, ws.ratio.data(), doc.n));
}

// Sets ws.exp_elog_theta for `gamma`, and ws.ratio too when `with_ratio`.
void prepare(const DocView& doc, const TopicExpectations& topics, const double* gamma,
             EstepWorkspace& ws, bool with_ratio) {
  update_exp_elog_theta(gamma, topics.n_topics(), ws);
  if (with_ratio) {
    update_ratio(doc, topics.exp_elog_beta.memptr(), topics.n_topics(), ws);
  }
}

}  // namespace

DocumentFit fit_document(const DocView& doc, const TopicExpectations& topics,
                         const DocumentPrior& prior, double* gamma, EstepWorkspace& ws,
                         const EstepOptions& opts) {
  const std::size_t n_topics = topics.n_topics();
  const double* alpha = prior.alpha.memptr();
  ws.resize(n_topics, doc.n);
  DocumentFit fit;
  // The ratio of the start is needed only to score it; otherwise the first round computes it.
  const bool score_start = opts.evaluate_start || opts.max_iter == 0 || opts.restart;
  prepare(doc, topics, gamma, ws, score_start);
  bool ratio_fresh = score_start;
  fit.elbo_at_start = score_start ? elbo_from_ratio(doc, topics, prior, gamma, ws)
                                  : std::numeric_limits<double>::quiet_NaN();
  fit.elbo_at_end = std::numeric_limits<double>::quiet_NaN();
  if (opts.max_iter == 0) {
    fit.elbo_at_end = fit.elbo_at_start;
    return fit;
  }
  double* fresh = ws.restart_gamma.data();
  if (opts.restart) neutral_gamma(doc, prior.alpha, fresh);
  // From the neutral start itself (a fit's first pass), a restart would repeat the same run.
  if (opts.restart && !std::equal(fresh, fresh + n_topics, gamma)) {
    prepare(doc, topics, fresh, ws, /*with_ratio=*/false);
    const Run run = iterate(doc, topics, alpha, fresh, ws, opts, /*ratio_fresh=*/false);
    const double fresh_elbo = elbo_from_ratio(doc, topics, prior, fresh, ws);
    fit.iterations = run.iterations;
    if (fresh_elbo >= fit.elbo_at_start) {
      std::copy(fresh, fresh + n_topics, gamma);
      fit.converged = run.converged;
      fit.restarted = true;
      fit.elbo_at_end = fresh_elbo;
      return fit;
    }
    // The gamma passed in was better: go on from it instead.
    prepare(doc, topics, gamma, ws, /*with_ratio=*/false);
    ratio_fresh = false;
  }
  const Run run = opts.accelerate
                      ? iterate_accelerated(doc, topics, alpha, gamma, ws, opts, ratio_fresh)
                      : iterate(doc, topics, alpha, gamma, ws, opts, ratio_fresh);
  fit.iterations += run.iterations;
  fit.converged = run.converged;
  if (opts.restart || opts.evaluate_end) {
    fit.elbo_at_end = elbo_from_ratio(doc, topics, prior, gamma, ws);
  } else {
    update_elog_theta(gamma, n_topics, ws);
  }
  return fit;
}

namespace {
// Two fits of one document reached the same mode of its E-step when their gammas differ by less
// than half a token in all (sum_k |a_k - b_k|), or by less than 10 K tol (what two runs stopped by
// the tolerance can differ by) when that is more. Different modes move whole tokens between
// topics; two ends of the same mode differ by the tolerance's scale. Deciding between them by
// their ELBOs would hinge on the last bits of sums that a fit spread over processes rounds
// differently, so the same mode is decided without them.
bool same_mode(const double* a, const double* b, std::size_t n_topics, double tol) {
  double distance = 0.0;
  for (std::size_t k = 0; k < n_topics; ++k) distance += std::fabs(a[k] - b[k]);
  return distance <
         std::max(kSameModeTokens, kSameModeTolerances * static_cast<double>(n_topics) * tol);
}
}  // namespace

FoldIn fold_in_document(const DocView& doc, const TopicExpectations& topics,
                        const DocumentPrior& prior, const double* previous, bool refine,
                        double* gamma, EstepWorkspace& ws, const EstepOptions& opts) {
  const std::size_t n_topics = topics.n_topics();
  const double* alpha = prior.alpha.memptr();
  ws.resize(n_topics, doc.n);
  FoldIn result;
  // The incumbent: `previous`, refined when asked (the E-step continued from it, which in exact
  // arithmetic never lowers its ELBO). `previous` may be `gamma` itself, so it is copied first.
  double* incumbent = ws.refined_gamma.data();
  if (previous) {
    std::copy(previous, previous + n_topics, incumbent);
    prepare(doc, topics, incumbent, ws, /*with_ratio=*/!refine);
    if (refine) {
      const Run run = iterate(doc, topics, alpha, incumbent, ws, opts, /*ratio_fresh=*/false);
      result.iterations += run.iterations;
      result.converged = run.converged;
      result.kept = FoldIn::Start::refined;
    } else {
      result.converged = true;
      result.kept = FoldIn::Start::previous;
    }
    result.elbo = elbo_from_ratio(doc, topics, prior, incumbent, ws);
  }
  double* fresh = ws.restart_gamma.data();
  neutral_gamma(doc, prior.alpha, fresh);
  prepare(doc, topics, fresh, ws, /*with_ratio=*/false);
  const Run fresh_run = iterate(doc, topics, alpha, fresh, ws, opts, /*ratio_fresh=*/false);
  result.iterations += fresh_run.iterations;
  const double fresh_elbo = elbo_from_ratio(doc, topics, prior, fresh, ws);
  // The fresh fold-in replaces the incumbent only from another mode with a higher ELBO.
  const double* kept = incumbent;
  if (!previous || (!same_mode(fresh, incumbent, n_topics, opts.tol) && fresh_elbo > result.elbo)) {
    kept = fresh;
    result.kept = FoldIn::Start::neutral;
    result.elbo = fresh_elbo;
    result.converged = fresh_run.converged;
  }
  std::copy(kept, kept + n_topics, gamma);
  return result;
}

}  // namespace tmkit
