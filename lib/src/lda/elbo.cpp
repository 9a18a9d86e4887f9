#include "tmkit/lda/elbo.hpp"

#include <cmath>
#include <vector>

#include "tmkit/core/special.hpp"

namespace tmkit {
namespace {
// log Gamma(sum x) - sum log Gamma(x_k): log of the Dirichlet normalising constant.
double dirichlet_log_norm(const double* x, std::size_t n) {
  double sum = 0.0, value = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    sum += x[k];
    value -= log_gamma(x[k]);
  }
  return value + log_gamma(sum);
}
}  // namespace

ElboTerms elbo_terms(const Corpus& corpus, const LdaModel& model) {
  const std::size_t n_topics = model.n_topics(), n_words = model.n_words();
  ElboTerms terms;
  arma::mat elog_beta(n_topics, n_words);
  for (std::size_t k = 0; k < n_topics; ++k) {
    const double psi_sum = digamma(arma::accu(model.lambda.row(k)));
    for (std::size_t w = 0; w < n_words; ++w)
      elog_beta(k, w) = digamma(model.lambda(k, w)) - psi_sum;
  }
  const arma::vec eta_vec(n_words, arma::fill::value(model.eta));
  for (std::size_t k = 0; k < n_topics; ++k) {
    const arma::rowvec lambda_k = model.lambda.row(k);
    double prior = dirichlet_log_norm(eta_vec.memptr(), n_words);
    double entropy = -dirichlet_log_norm(lambda_k.memptr(), n_words);
    for (std::size_t w = 0; w < n_words; ++w) {
      prior += (model.eta - 1.0) * elog_beta(k, w);
      entropy -= (lambda_k[w] - 1.0) * elog_beta(k, w);
    }
    terms.log_p_beta += prior;
    terms.entropy_beta += entropy;
  }
  const double alpha_norm = dirichlet_log_norm(model.alpha.memptr(), n_topics);
  std::vector<double> elog_theta(n_topics), logit(n_topics);
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const double* gamma = model.gamma.colptr(d);
    double gamma_sum = 0.0;
    for (std::size_t k = 0; k < n_topics; ++k) gamma_sum += gamma[k];
    const double psi_sum = digamma(gamma_sum);
    for (std::size_t k = 0; k < n_topics; ++k) elog_theta[k] = digamma(gamma[k]) - psi_sum;
    double log_p_theta = alpha_norm, entropy_theta = -dirichlet_log_norm(gamma, n_topics);
    for (std::size_t k = 0; k < n_topics; ++k) {
      log_p_theta += (model.alpha[k] - 1.0) * elog_theta[k];
      entropy_theta -= (gamma[k] - 1.0) * elog_theta[k];
    }
    terms.log_p_theta += log_p_theta;
    terms.entropy_theta += entropy_theta;
    const DocView doc = corpus.doc(d);
    for (std::size_t i = 0; i < doc.n; ++i) {
      const WordId w = doc.ids[i];
      double top = -HUGE_VAL;
      for (std::size_t k = 0; k < n_topics; ++k) {
        logit[k] = elog_theta[k] + elog_beta(k, w);
        top = std::max(top, logit[k]);
      }
      double norm = 0.0;
      for (std::size_t k = 0; k < n_topics; ++k) norm += std::exp(logit[k] - top);
      const double log_norm = top + std::log(norm);
      const double n = doc.counts[i];
      for (std::size_t k = 0; k < n_topics; ++k) {
        const double log_phi = logit[k] - log_norm;
        const double phi = std::exp(log_phi);
        terms.log_p_w += n * phi * elog_beta(k, w);
        terms.log_p_z += n * phi * elog_theta[k];
        if (phi > 0) terms.entropy_z -= n * phi * log_phi;
      }
    }
  }
  return terms;
}

}  // namespace tmkit
