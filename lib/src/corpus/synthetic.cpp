#include "tmkit/corpus/synthetic.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <string>

#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"

namespace tmkit {

template <class Engine>
arma::vec draw_symmetric_dirichlet(Engine& rng, std::size_t n, double a) {
  boost::random::gamma_distribution<double> gamma_plus_one(a + 1.0, 1.0);
  boost::random::uniform_01<double> uniform;
  arma::vec log_x(n);
  for (std::size_t i = 0; i < n; ++i) {
    double u = uniform(rng);
    while (u <= 0.0) u = uniform(rng);
    log_x[i] = std::log(gamma_plus_one(rng)) + std::log(u) / a;
  }
  const double top = log_x.max();
  arma::vec x = arma::exp(log_x - top);
  return x / arma::accu(x);
}

template arma::vec draw_symmetric_dirichlet<Rng>(Rng&, std::size_t, double);

namespace {
// Index of the first cumulative value above u (cumulative sums end at ~1).
std::size_t sample_from_cdf(const arma::vec& cdf, double u) {
  const double* begin = cdf.memptr();
  const double* end = begin + cdf.n_elem;
  const double* at = std::upper_bound(begin, end, u * cdf[cdf.n_elem - 1]);
  return at == end ? cdf.n_elem - 1 : static_cast<std::size_t>(at - begin);
}
}  // namespace

SyntheticCorpus generate_lda_corpus(const SyntheticSpec& spec) {
  if (spec.n_topics == 0 || spec.n_words == 0 || spec.n_docs == 0 || !(spec.mean_length > 0) ||
      !(spec.alpha > 0) || !(spec.eta > 0)) {
    throw UsageError("synthetic corpus: K, V, D, mean length, alpha and eta must all be positive");
  }
  SyntheticCorpus out;
  out.topics.set_size(spec.n_topics, spec.n_words);
  std::vector<arma::vec> topic_cdf(spec.n_topics);
  for (std::size_t k = 0; k < spec.n_topics; ++k) {
    Rng rng = make_rng(spec.seed, k);
    const arma::vec beta = draw_symmetric_dirichlet(rng, spec.n_words, spec.eta);
    out.topics.row(k) = beta.t();
    topic_cdf[k] = arma::cumsum(beta);
  }
  std::vector<std::string> vocab(spec.n_words);
  for (std::size_t w = 0; w < spec.n_words; ++w) vocab[w] = "w" + std::to_string(w);
  out.corpus = Corpus(std::move(vocab));
  out.theta.set_size(spec.n_docs, spec.n_topics);
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t d = 0; d < spec.n_docs; ++d) {
    Rng rng = make_rng(spec.seed, spec.n_topics + d);
    const arma::vec theta = draw_symmetric_dirichlet(rng, spec.n_topics, spec.alpha);
    out.theta.row(d) = theta.t();
    const arma::vec theta_cdf = arma::cumsum(theta);
    boost::random::poisson_distribution<long, double> length_draw(spec.mean_length);
    boost::random::uniform_01<double> uniform;
    const long length = std::max(1L, length_draw(rng));
    entries.clear();
    for (long n = 0; n < length; ++n) {
      const std::size_t z = sample_from_cdf(theta_cdf, uniform(rng));
      const std::size_t w = sample_from_cdf(topic_cdf[z], uniform(rng));
      entries.emplace_back(static_cast<WordId>(w), 1);
    }
    out.corpus.add_document(entries, std::to_string(d + 1));
  }
  return out;
}

}  // namespace tmkit
