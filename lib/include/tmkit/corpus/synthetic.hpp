// Corpora drawn from LDA's generative process (Blei, Ng & Jordan 2003, §3) with known topics, for
// recovery tests and benchmarks:
//   beta_k ~ Dir(eta), theta_d ~ Dir(alpha), N_d ~ Poisson(mean length) (at least 1),
//   z_dn ~ Mult(theta_d), w_dn ~ Mult(beta_{z_dn}).
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>

#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

struct SyntheticSpec {
  std::size_t n_topics = 10;
  std::size_t n_words = 1000;
  std::size_t n_docs = 3000;
  double mean_length = 100;  ///< Poisson mean of the document length
  double alpha = 0.1;        ///< symmetric Dirichlet prior on theta
  double eta = 0.01;         ///< symmetric Dirichlet prior on beta
  std::uint64_t seed = 1;
};

struct SyntheticCorpus {
  Corpus corpus;     ///< vocabulary "w0", "w1", ...; ids "1".."D"
  arma::mat topics;  ///< K x V, row k = beta_k (row-stochastic)
  arma::mat theta;   ///< D x K, row d = theta_d
};

/// Draws a corpus; topic k uses random stream k of the seed and document d stream K + d, so the
/// result depends on the seed alone. Dirichlet draws with tiny parameters are made in log space
/// (Gamma(a) = Gamma(a + 1) U^(1/a)) so that no probability underflows to an exact zero.
SyntheticCorpus generate_lda_corpus(const SyntheticSpec& spec);

/// Draws one Dirichlet(a, ..., a) vector of length n from `rng`, in log space.
template <class Engine>
arma::vec draw_symmetric_dirichlet(Engine& rng, std::size_t n, double a);

}  // namespace tmkit
