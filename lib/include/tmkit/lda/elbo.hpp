// The evidence lower bound of variational LDA written term by term (docs/math/lda.md eqs. 6-8),
// with phi at its optimum given gamma and lambda. The fit itself uses the collapsed form of
// lda_estep.hpp; this one exists to show each term and to check the collapsed form against it.
#pragma once

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

/// The seven expectations of the ELBO, grouped in docs/math/lda.md as five terms:
/// words, assignments (log_p_z + entropy_z), theta (log_p_theta + entropy_theta),
/// beta (log_p_beta + entropy_beta).
struct ElboTerms {
  double log_p_w = 0;        ///< E_q[log p(w | z, beta)]
  double log_p_z = 0;        ///< E_q[log p(z | theta)]
  double entropy_z = 0;      ///< -E_q[log q(z)]
  double log_p_theta = 0;    ///< E_q[log p(theta | alpha)]
  double entropy_theta = 0;  ///< -E_q[log q(theta)]
  double log_p_beta = 0;     ///< E_q[log p(beta | eta)]
  double entropy_beta = 0;   ///< -E_q[log q(beta)]

  double total() const noexcept {
    return log_p_w + log_p_z + entropy_z + log_p_theta + entropy_theta + log_p_beta + entropy_beta;
  }
};

/// Every term of the ELBO of `model` on `corpus` (serial; for checks and reports, not for speed).
ElboTerms elbo_terms(const Corpus& corpus, const LdaModel& model);

}  // namespace tmkit
