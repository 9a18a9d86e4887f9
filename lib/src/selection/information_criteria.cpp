#include "tmkit/selection/information_criteria.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "tmkit/core/error.hpp"

namespace tmkit {

InformationCriteria information_criteria(double log_likelihood, double n_parameters,
                                         double n_observations) {
  if (!std::isfinite(log_likelihood)) {
    throw UsageError("information criteria: the log-likelihood is " +
                     std::to_string(log_likelihood) + "; expected a finite value");
  }
  if (!(n_parameters >= 0) || !(n_observations >= 1)) {
    throw UsageError("information criteria: " + std::to_string(n_parameters) + " parameters, " +
                     std::to_string(n_observations) + " observations; expected k >= 0 and n >= 1");
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double k = n_parameters, n = n_observations, deviance = -2 * log_likelihood;
  InformationCriteria ic;
  ic.log_likelihood = log_likelihood;
  ic.n_parameters = k;
  ic.n_observations = n;
  ic.aic = deviance + 2 * k;
  ic.aicc = n > k + 1 ? ic.aic + 2 * k * (k + 1) / (n - k - 1) : kNaN;
  ic.bic = deviance + k * std::log(n);
  ic.hqic = n > std::exp(1.0) ? deviance + 2 * k * std::log(std::log(n)) : kNaN;
  return ic;
}

}  // namespace tmkit
