// Information criteria from a maximised log-likelihood log L, a count k of free parameters and a
// number n of observations (Akaike 1974; Hurvich & Tsai 1989; Schwarz 1978; Hannan & Quinn 1979):
//   AIC  = -2 log L + 2 k
//   AICc = AIC + 2 k (k + 1) / (n - k - 1)        (undefined, NaN, unless n > k + 1)
//   BIC  = -2 log L + k ln n
//   HQIC = -2 log L + 2 k ln ln n                  (undefined, NaN, unless n > e)
// Smaller is better for all four. Which log L, k and n tmkit uses for LDA, and why:
// docs/math/selection.md.
#pragma once

#include <cstddef>

namespace tmkit {

struct InformationCriteria {
  double log_likelihood = 0;  ///< log L
  double n_parameters = 0;    ///< k
  double n_observations = 0;  ///< n
  double aic = 0, aicc = 0, bic = 0, hqic = 0;
};

/// The four criteria of (log L, k, n); UsageError for a non-finite log L, k < 0 or n < 1.
InformationCriteria information_criteria(double log_likelihood, double n_parameters,
                                         double n_observations);

}  // namespace tmkit
