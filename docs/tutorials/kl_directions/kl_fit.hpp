// Fitting one Gaussian q = N(mu, sigma^2) to a mixture of Gaussians p by minimising either
// direction of the KL divergence, for docs/tutorials/forward-vs-reverse-kl.md:
//   forward KL(p || q) = E_p[log p - log q]   (what maximum likelihood minimises: mass-covering)
//   reverse KL(q || p) = E_q[log q - log p]   (what variational inference minimises: mode-seeking)
// The integrals are computed by adaptive Gauss-Kronrod quadrature (Boost.Math), the minima by
// Newton's method on (mu, log sigma) with the gradient by quadrature, from several starts.
#pragma once

#include <cstddef>
#include <vector>

namespace tmkit::tutorial {

/// A mixture of Gaussians: weights summing to 1, means, standard deviations.
struct Mixture {
  std::vector<double> weight, mean, sd;
  double log_density(double x) const;
};

/// The tutorial's p: 0.5 N(-1, 0.5^2) + 0.5 N(2, (sqrt 0.5)^2).
Mixture tutorial_mixture();

/// KL(p || N(mu, sigma^2)) and KL(N(mu, sigma^2) || p), in nats.
double forward_kl(const Mixture& p, double mu, double sigma);
double reverse_kl(const Mixture& p, double mu, double sigma);

enum class Direction { forward, reverse };

/// A local minimum of one direction's KL over (mu, sigma).
struct Optimum {
  double mu = 0, sigma = 0, kl = 0;
};

/// The local minimum reached from (mu, sigma): Newton's method on (mu, log sigma), each step halved
/// until the KL falls (so the search descends within the start's basin), until the gradient
/// vanishes (below 1e-13) or a step is shorter than 1e-13.
Optimum minimise(const Mixture& p, Direction direction, double mu, double sigma);

/// The distinct local minima reached from `starts` ((mu, sigma) pairs), in increasing order of mu
/// (two ends closer than 1e-6 in both coordinates are one minimum).
std::vector<Optimum> local_optima(const Mixture& p, Direction direction,
                                  const std::vector<std::pair<double, double>>& starts);

/// The starts the tutorial uses: mu from -3 to 4 by 0.5, sigma 0.3, 1 and 3.
std::vector<std::pair<double, double>> tutorial_starts();

}  // namespace tmkit::tutorial
