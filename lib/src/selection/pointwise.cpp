#include "detail/pointwise.hpp"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <cstring>

#include "detail/blocks.hpp"
#include "detail/vector_clones.hpp"
#include "detail/vector_special.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"

namespace tmkit {

namespace {

constexpr std::size_t kDocsPerBlock = 32;
constexpr std::size_t kWordsPerBlock = 1024;

// One Gamma(a, 1) variate, a >= 1, by Marsaglia & Tsang's method (2000, ACM TOMS 26(3)): with
// d = a - 1/3, c = 1/sqrt(9d) (the entry's constants, GammaDraw::shapes), x standard normal and
// v = (1 + c x)^3 > 0, d v is accepted when u < 1 - 0.0331 x^4 (a squeeze that needs no logarithm,
// taken ~98% of the time) or log u < x^2/2 + d (1 - v + log v). One normal and one uniform per
// variate in the common case, where Boost's gamma_distribution spends a tangent, an exponential
// and logarithms. d v >= 2/3 v does not underflow: a v that small fails the second test.
double gamma_variate_at_least_one(Rng& rng, double d, double c) {
  boost::random::normal_distribution<double> normal;
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = open_unit_uniform(rng);
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// For a = d[w] (lambda_w on entry): d[w] = a' - 1/3 and c[w] = 1/sqrt(9 d[w]) of the shape a' = a
// (a >= 1) or a + 1 (a < 1), power[w] = 1/a (a < 1) or 0; four entries at a time.
TMKIT_VECTOR_CLONES void gamma_shapes(std::size_t n, double* d, double* c, double* power) {
#pragma omp simd
  for (std::size_t w = 0; w < n; ++w) {
    const double a = d[w];
    const double small = a < 1.0 ? 1.0 : 0.0;  // arithmetic, not branches, so lanes can share it
    power[w] = small / a;
    d[w] = (a + small) - 1.0 / 3.0;
    c[w] = 1.0 / std::sqrt(9.0 * d[w]);
  }
}

// One topic's draw before its logarithms: log G_w = log(variate[w]) + log(uniform[w]) * power[w]
// for G_w ~ Gamma(lambda_w, 1). For lambda_w < 1, G = G' U^(1 / lambda) with G' ~ Gamma(lambda + 1)
// (Marsaglia & Tsang 2000, §6), whose logarithm stays finite where G itself would underflow; for
// lambda_w >= 1, uniform[w] = 1 and power[w] = 0. The random numbers are taken entry by entry, in
// the order the scalar method takes them; the logarithms are left to log_rows, four at a time.
struct GammaDraw {
  std::vector<double> d, c, variate, uniform, power;

  // Each entry's constants, in a loop of its own that the compiler vectorizes (square roots and
  // divisions four at a time): a per-row price, where keeping them for all draws would hold three
  // more copies of lambda.
  void shapes(const double* lambda, std::size_t stride, std::size_t n) {
    d.resize(n);
    c.resize(n);
    power.resize(n);
    for (std::size_t w = 0; w < n; ++w) {
      const double a = lambda[w * stride];
      if (!(a > 0.0 && a < HUGE_VAL)) {
        throw UsageError("draws of the topics: lambda must be positive and finite");
      }
      d[w] = a;
    }
    gamma_shapes(n, d.data(), c.data(), power.data());
  }

  void draw(Rng& rng) {
    const std::size_t n = d.size();
    variate.resize(n);
    uniform.resize(n);
    for (std::size_t w = 0; w < n; ++w) {
      uniform[w] = power[w] == 0.0 ? 1.0 : open_unit_uniform(rng);
      variate[w] = gamma_variate_at_least_one(rng, d[w], c[w]);
    }
  }
};

// row[w] = log(variate[w]) + log(uniform[w]) * power[w] (detail/vector_log.hpp, within a few ulp
// of std::log), four entries at a time (the last ones zero-padded); returns the largest.
TMKIT_VECTOR_CLONES double log_rows(const GammaDraw& g, double* row) {
  const std::size_t n = g.variate.size();
  const auto logs = [&](std::size_t w, std::size_t count) {
    return detail::vector_log4(detail::load4(g.variate.data() + w, count)) +
           detail::vector_log4(detail::load4(g.uniform.data() + w, count)) *
               detail::load4(g.power.data() + w, count);
  };
  detail::v4d top = detail::splat(-HUGE_VAL);
  std::size_t w = 0;
  for (; w + 4 <= n; w += 4) {
    const detail::v4d value = logs(w, 4);
    top = value > top ? value : top;
    std::memcpy(row + w, &value, sizeof value);
  }
  double largest = std::max(std::max(top[0], top[1]), std::max(top[2], top[3]));
  if (w < n) {
    const detail::v4d value = logs(w, n - w);
    for (std::size_t lane = 0; lane < n - w; ++lane) {
      row[w + lane] = value[lane];
      largest = std::max(largest, value[lane]);
    }
  }
  return largest;
}

// out[i] = exp(in[i] - shift) for i < n (detail/vector_special.hpp, within 2 ulp of std::exp),
// four at a time (the last ones zero-padded).
TMKIT_VECTOR_CLONES void exp_shifted(const double* in, std::size_t n, double shift, double* out) {
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const detail::v4d value = detail::vector_exp(detail::load4(in + i) - shift);
    std::memcpy(out + i, &value, sizeof value);
  }
  if (i < n) {
    const detail::v4d value = detail::vector_exp(detail::load4(in + i, n - i) - shift);
    for (std::size_t lane = 0; lane < n - i; ++lane) out[i + lane] = value[lane];
  }
}

}  // namespace

void fixed_topics(const arma::mat& log_beta, TopicExpectations& topics, int n_threads) {
  const std::size_t n_topics = log_beta.n_rows, n_words = log_beta.n_cols;
  topics.sum_elog_beta = 0.0;
  topics.entropy_beta = 0.0;
  topics.exp_elog_beta.set_size(n_topics, n_words);
  topics.shift.set_size(n_words);
  const BlockPartition blocks{n_words, kWordsPerBlock};
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    for (std::size_t w = blocks.begin(b); w < blocks.end(b); ++w) {
      const double* column = log_beta.colptr(w);
      double top = -HUGE_VAL;
      for (std::size_t k = 0; k < n_topics; ++k) top = std::max(top, column[k]);
      TMKIT_ASSERT(std::isfinite(top), "log beta must be finite");
      exp_shifted(column, n_topics, top, topics.exp_elog_beta.colptr(w));
      topics.shift[w] = top;
    }
  });
}

TopicExpectations fixed_topics(const arma::mat& log_beta, int n_threads) {
  TopicExpectations topics;
  fixed_topics(log_beta, topics, n_threads);
  return topics;
}

void draw_log_topics(const arma::mat& lambda, std::uint64_t seed, std::size_t draw,
                     arma::mat& log_beta, int n_threads) {
  const std::size_t n_topics = lambda.n_rows, n_words = lambda.n_cols;
  log_beta.set_size(n_topics, n_words);
  const BlockPartition blocks{n_topics, 1};
  for_each_block(blocks, n_threads, [&](std::size_t k) {
    Rng rng = make_rng(seed, draw * n_topics + k);
    GammaDraw gammas;
    gammas.shapes(lambda.memptr() + k, n_topics, n_words);
    gammas.draw(rng);
    std::vector<double> row(n_words);
    const double top = log_rows(gammas, row.data());
    std::vector<double>& scaled = gammas.variate;  // no longer needed: reused
    exp_shifted(row.data(), n_words, top, scaled.data());
    double sum = 0;
    for (std::size_t w = 0; w < n_words; ++w) sum += scaled[w];
    const double norm = top + std::log(sum);
    for (std::size_t w = 0; w < n_words; ++w) log_beta(k, w) = row[w] - norm;
  });
}

arma::mat draw_log_topics(const arma::mat& lambda, std::uint64_t seed, std::size_t draw,
                          int n_threads) {
  arma::mat log_beta;
  draw_log_topics(lambda, seed, draw, log_beta, n_threads);
  return log_beta;
}

void document_bounds(const Corpus& corpus, const TopicExpectations& topics, const arma::vec& alpha,
                     const EstepOptions& estep, const arma::mat& start_gamma, DocumentBounds& out,
                     int n_threads) {
  const std::size_t n_topics = topics.n_topics(), n_docs = corpus.n_docs();
  if (alpha.n_elem != n_topics || corpus.n_words() > topics.n_words() ||
      (!start_gamma.empty() && (start_gamma.n_rows != n_topics || start_gamma.n_cols != n_docs))) {
    throw UsageError(
        "document_bounds: the corpus, alpha or starting gamma does not match the "
        "topics' shape");
  }
  const DocumentPrior prior(alpha);
  EstepOptions options = estep;
  options.restart = false;
  options.evaluate_end = true;
  options.evaluate_start = false;  // only the end is scored
  options.accelerate = true;       // the same fixed points in fewer rounds
  out.log_likelihood.set_size(n_docs);
  out.gamma.set_size(n_topics, n_docs);
  const BlockPartition blocks{n_docs, kDocsPerBlock};
  for_each_block_ordered(
      blocks, n_threads, [] { return EstepWorkspace{}; },
      [&](std::size_t b, EstepWorkspace& ws) {
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = corpus.doc(d);
          double* gamma = out.gamma.colptr(d);
          if (start_gamma.empty()) {
            neutral_gamma(doc, alpha, gamma);
          } else {
            std::copy_n(start_gamma.colptr(d), n_topics, gamma);
          }
          out.log_likelihood[d] = fit_document(doc, topics, prior, gamma, ws, options).elbo_at_end;
        }
      },
      [](std::size_t, EstepWorkspace&) {});
}

DocumentBounds document_bounds(const Corpus& corpus, const TopicExpectations& topics,
                               const arma::vec& alpha, const EstepOptions& estep,
                               const arma::mat& start_gamma, int n_threads) {
  DocumentBounds out;
  document_bounds(corpus, topics, alpha, estep, start_gamma, out, n_threads);
  return out;
}

DocumentBounds plugin_bounds(const Corpus& corpus, const LdaModel& model, const EstepOptions& estep,
                             int n_threads) {
  arma::mat log_beta = model.lambda;
  log_beta.each_col() /= arma::sum(model.lambda, 1);
  log_beta = arma::log(log_beta);
  return document_bounds(corpus, fixed_topics(log_beta, n_threads), model.alpha, estep, {},
                         n_threads);
}

std::vector<arma::mat> pointwise_log_likelihoods(const std::vector<ScoredDocuments>& sets,
                                                 const LdaModel& model,
                                                 const PointwiseOptions& options, int n_threads,
                                                 const WorkHooks& hooks) {
  if (options.n_draws < 1) throw UsageError("pointwise log-likelihoods: at least one draw needed");
  std::vector<DocumentBounds> own(sets.size());
  std::vector<const DocumentBounds*> plugins(sets.size());
  std::vector<arma::mat> ll(sets.size());
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const Corpus& corpus = *sets[i].corpus;
    if (corpus.n_words() != model.n_words()) {
      throw UsageError("pointwise log-likelihoods: the corpus has " +
                       std::to_string(corpus.n_words()) + " words and the model " +
                       std::to_string(model.n_words()));
    }
    plugins[i] = sets[i].plugin;
    if (plugins[i] == nullptr) {
      own[i] = plugin_bounds(corpus, model, options.estep, n_threads);
      plugins[i] = &own[i];
    }
    ll[i].set_size(options.n_draws, corpus.n_docs());
  }
  EstepOptions per_draw = options.estep;
  per_draw.max_iter = std::min(per_draw.max_iter, options.draw_max_iter);
  // One draw's matrices, filled anew by each draw: fresh ones would cost page faults and clearing
  // on every draw (three K x V matrices, 8.5 MB at K = 80 on the bundled corpus).
  arma::mat log_beta;
  TopicExpectations topics;
  std::vector<DocumentBounds> bounds(sets.size());  // one per set: the sizes differ
  for (std::size_t s = 0; s < options.n_draws; ++s) {
    hooks.poll();
    draw_log_topics(model.lambda, options.seed, s, log_beta, n_threads);
    fixed_topics(log_beta, topics, n_threads);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      document_bounds(*sets[i].corpus, topics, model.alpha, per_draw, plugins[i]->gamma, bounds[i],
                      n_threads);
      ll[i].row(s) = bounds[i].log_likelihood.t();
    }
    hooks.progress(s + 1, options.n_draws);
  }
  return ll;
}

arma::mat pointwise_log_likelihood(const Corpus& corpus, const LdaModel& model,
                                   const PointwiseOptions& options, int n_threads,
                                   const WorkHooks& hooks, const DocumentBounds* plugin) {
  return std::move(
      pointwise_log_likelihoods({{&corpus, plugin}}, model, options, n_threads, hooks).front());
}

arma::vec log_mean_exp_columns(const arma::mat& log_lik) {
  arma::vec out(log_lik.n_cols);
  for (std::size_t d = 0; d < log_lik.n_cols; ++d) {
    const double top = log_lik.col(d).max();
    out[d] = top + std::log(arma::mean(arma::exp(log_lik.col(d) - top)));
  }
  return out;
}

}  // namespace tmkit
