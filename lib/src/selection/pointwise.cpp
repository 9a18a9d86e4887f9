#include "detail/pointwise.hpp"

#include <algorithm>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"

namespace tmkit {

namespace {

constexpr std::size_t kDocsPerBlock = 32;
constexpr std::size_t kWordsPerBlock = 1024;

// log of one Gamma(a, 1) variate, a >= 1, by Marsaglia & Tsang's method (2000, ACM TOMS 26(3)):
// with d = a - 1/3, c = 1/sqrt(9d), x standard normal and v = (1 + c x)^3 > 0, d v is accepted when
// u < 1 - 0.0331 x^4 (a squeeze that needs no logarithm, taken ~98% of the time) or
// log u < x^2/2 + d (1 - v + log v). One normal, one uniform and one logarithm per variate in
// the common case, where Boost's gamma_distribution spends a tangent, an exponential and
// logarithms (35% of tm-select's scoring).
double log_gamma_variate_at_least_one(Rng& rng, double a) {
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  boost::random::normal_distribution<double> normal;
  boost::random::uniform_01<double> uniform;
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform(rng);
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return std::log(d * v);
    const double log_v = std::log(v);
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + log_v)) return std::log(d) + log_v;
  }
}

// log of one Gamma(a, 1) variate; for a < 1 as log Gamma(a + 1) + log(U) / a (Marsaglia & Tsang
// 2000, §6), which stays finite where the variate itself would underflow.
double log_gamma_variate(Rng& rng, double a) {
  if (a >= 1) return log_gamma_variate_at_least_one(rng, a);
  boost::random::uniform_01<double> uniform;
  double u = uniform(rng);
  while (u <= 0.0) u = uniform(rng);
  return log_gamma_variate_at_least_one(rng, a + 1) + std::log(u) / a;
}

}  // namespace

TopicExpectations fixed_topics(const arma::mat& log_beta, int n_threads) {
  const std::size_t n_topics = log_beta.n_rows, n_words = log_beta.n_cols;
  TopicExpectations topics;
  topics.exp_elog_beta.set_size(n_topics, n_words);
  topics.shift.set_size(n_words);
  const BlockPartition blocks{n_words, kWordsPerBlock};
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    for (std::size_t w = blocks.begin(b); w < blocks.end(b); ++w) {
      const double* column = log_beta.colptr(w);
      double top = -HUGE_VAL;
      for (std::size_t k = 0; k < n_topics; ++k) top = std::max(top, column[k]);
      TMKIT_ASSERT(std::isfinite(top), "log beta must be finite");
      double* out = topics.exp_elog_beta.colptr(w);
      for (std::size_t k = 0; k < n_topics; ++k) out[k] = std::exp(column[k] - top);
      topics.shift[w] = top;
    }
  });
  return topics;
}

arma::mat draw_log_topics(const arma::mat& lambda, std::uint64_t seed, std::size_t draw,
                          int n_threads) {
  const std::size_t n_topics = lambda.n_rows, n_words = lambda.n_cols;
  arma::mat log_beta(n_topics, n_words);
  const BlockPartition blocks{n_topics, 1};
  for_each_block(blocks, n_threads, [&](std::size_t k) {
    Rng rng = make_rng(seed, draw * n_topics + k);
    std::vector<double> row(n_words);
    double top = -HUGE_VAL;
    for (std::size_t w = 0; w < n_words; ++w) {
      row[w] = log_gamma_variate(rng, lambda(k, w));
      top = std::max(top, row[w]);
    }
    double sum = 0;
    for (std::size_t w = 0; w < n_words; ++w) sum += std::exp(row[w] - top);
    const double norm = top + std::log(sum);
    for (std::size_t w = 0; w < n_words; ++w) log_beta(k, w) = row[w] - norm;
  });
  return log_beta;
}

DocumentBounds document_bounds(const Corpus& corpus, const TopicExpectations& topics,
                               const arma::vec& alpha, const EstepOptions& estep,
                               const arma::mat& start_gamma, int n_threads) {
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
  DocumentBounds out;
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
  for (std::size_t s = 0; s < options.n_draws; ++s) {
    hooks.poll();
    const TopicExpectations topics =
        fixed_topics(draw_log_topics(model.lambda, options.seed, s, n_threads), n_threads);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      const DocumentBounds bounds = document_bounds(*sets[i].corpus, topics, model.alpha, per_draw,
                                                    plugins[i]->gamma, n_threads);
      ll[i].row(s) = bounds.log_likelihood.t();
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
