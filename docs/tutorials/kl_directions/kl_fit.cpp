#include "kl_fit.hpp"

#include <algorithm>
#include <array>
#include <boost/math/constants/constants.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>

namespace tmkit::tutorial {
namespace {

using boost::math::quadrature::gauss_kronrod;
constexpr double kLogTwoPi = 1.8378770664093454836;
// Integrands vanish beyond 12 standard deviations (e^-72) of the density integrated against.
constexpr double kReach = 12.0;
// Adaptive Gauss-Kronrod: 61 points a panel, split until the error estimate is below 1e-14
// relative (at most 15 levels).
constexpr double kQuadratureTolerance = 1e-14;
constexpr unsigned kMaxDepth = 15;
// Newton's method: central differences of the gradient over kDifference for the Hessian; stop
// when the gradient's norm is below kGradientTolerance or a step shorter than kStep.
constexpr double kDifference = 1e-5;
constexpr double kGradientTolerance = 1e-13;
constexpr double kStep = 1e-13;
constexpr int kMaxIterations = 200;
constexpr int kMaxHalvings = 60;
constexpr double kMaxStep = 0.5;

double log_normal(double x, double mu, double sigma) {
  const double z = (x - mu) / sigma;
  return -0.5 * (kLogTwoPi + z * z) - std::log(sigma);
}

// E_{N(mu, sigma^2)}[f(x)] by substituting x = mu + sigma z.
template <class F>
double expect_normal(F f, double mu, double sigma) {
  const auto g = [&](double z) { return std::exp(-0.5 * (kLogTwoPi + z * z)) * f(mu + sigma * z); };
  return gauss_kronrod<double, 61>::integrate(g, -kReach, kReach, kMaxDepth, kQuadratureTolerance);
}

// E_p[f(x)], component by component.
template <class F>
double expect_mixture(const Mixture& p, F f) {
  double sum = 0.0;
  for (std::size_t c = 0; c < p.weight.size(); ++c) {
    sum += p.weight[c] * expect_normal(f, p.mean[c], p.sd[c]);
  }
  return sum;
}

double kl(const Mixture& p, Direction direction, double mu, double sigma) {
  return direction == Direction::forward ? forward_kl(p, mu, sigma) : reverse_kl(p, mu, sigma);
}

}  // namespace

double Mixture::log_density(double x) const {
  double top = -std::numeric_limits<double>::infinity();
  std::vector<double> terms(weight.size());
  for (std::size_t c = 0; c < weight.size(); ++c) {
    terms[c] = std::log(weight[c]) + log_normal(x, mean[c], sd[c]);
    top = std::max(top, terms[c]);
  }
  double sum = 0.0;
  for (const double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

Mixture tutorial_mixture() { return {{0.5, 0.5}, {-1.0, 2.0}, {0.5, std::sqrt(0.5)}}; }

double forward_kl(const Mixture& p, double mu, double sigma) {
  return expect_mixture(p, [&](double x) { return p.log_density(x) - log_normal(x, mu, sigma); });
}

double reverse_kl(const Mixture& p, double mu, double sigma) {
  // E_q[log q] = -(1 + log 2 pi) / 2 - log sigma, the negative entropy of a normal.
  const double neg_entropy = -0.5 * (1.0 + kLogTwoPi) - std::log(sigma);
  return neg_entropy - expect_normal([&](double x) { return p.log_density(x); }, mu, sigma);
}

namespace {

// The gradient of one direction's KL with respect to (mu, log sigma), by the same quadrature:
//   reverse: d/dmu = -E_q[(z / sigma) log p(x)],  d/dlog sigma = -1 - E_q[(z^2 - 1) log p(x)]
//   forward: d/dmu = -E_p[(x - mu) / sigma^2],    d/dlog sigma = 1 - E_p[(x - mu)^2] / sigma^2
// with x = mu + sigma z (the derivatives of q's density, moved under the integral).
std::array<double, 2> gradient(const Mixture& p, Direction direction, double mu, double log_sigma) {
  const double sigma = std::exp(log_sigma);
  if (direction == Direction::forward) {
    const double first = expect_mixture(p, [&](double x) { return (x - mu) / (sigma * sigma); });
    const double second =
        expect_mixture(p, [&](double x) { return (x - mu) * (x - mu) / (sigma * sigma); });
    return {-first, 1.0 - second};
  }
  const double d_mu = -expect_normal(
      [&](double x) { return (x - mu) / (sigma * sigma) * p.log_density(x); }, mu, sigma);
  const double d_log_sigma = -1.0 - expect_normal(
                                        [&](double x) {
                                          const double z = (x - mu) / sigma;
                                          return (z * z - 1.0) * p.log_density(x);
                                        },
                                        mu, sigma);
  return {d_mu, d_log_sigma};
}

}  // namespace

Optimum minimise(const Mixture& p, Direction direction, double mu, double sigma) {
  // Newton's method on (mu, log sigma): the gradient by quadrature, its Jacobian (the Hessian) by
  // central differences of it, and a step halved until the KL falls, so that each iteration
  // descends and the end is a local minimum of the start's basin.
  double log_sigma = std::log(sigma);
  double value = kl(p, direction, mu, sigma);
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    const auto g = gradient(p, direction, mu, log_sigma);
    if (std::hypot(g[0], g[1]) < kGradientTolerance) break;
    const auto g_mu_plus = gradient(p, direction, mu + kDifference, log_sigma);
    const auto g_mu_minus = gradient(p, direction, mu - kDifference, log_sigma);
    const auto g_ls_plus = gradient(p, direction, mu, log_sigma + kDifference);
    const auto g_ls_minus = gradient(p, direction, mu, log_sigma - kDifference);
    const double h00 = (g_mu_plus[0] - g_mu_minus[0]) / (2 * kDifference);
    const double h11 = (g_ls_plus[1] - g_ls_minus[1]) / (2 * kDifference);
    const double h01 =
        0.5 * ((g_mu_plus[1] - g_mu_minus[1]) + (g_ls_plus[0] - g_ls_minus[0])) / (2 * kDifference);
    const double det = h00 * h11 - h01 * h01;
    double step_mu = -g[0], step_ls = -g[1];  // steepest descent where the Hessian is not positive
    if (h00 > 0 && det > 0) {
      step_mu = -(h11 * g[0] - h01 * g[1]) / det;
      step_ls = -(h00 * g[1] - h01 * g[0]) / det;
    }
    // A step of at most kMaxStep (a trust region: far from a minimum the gradient is huge and the
    // quadratic model wrong), halved until the KL falls.
    double scale = std::min(1.0, kMaxStep / std::hypot(step_mu, step_ls));
    bool descended = false;
    for (int halving = 0; halving < kMaxHalvings && !descended; ++halving) {
      const double trial =
          kl(p, direction, mu + scale * step_mu, std::exp(log_sigma + scale * step_ls));
      descended = trial < value;
      if (descended) {
        value = trial;
      } else {
        scale *= 0.5;
      }
    }
    if (!descended) break;  // no lower point along the step: a minimum, to the quadrature's digits
    mu += scale * step_mu;
    log_sigma += scale * step_ls;
    if (std::hypot(scale * step_mu, scale * step_ls) < kStep) break;
  }
  return {mu, std::exp(log_sigma), kl(p, direction, mu, std::exp(log_sigma))};
}

std::vector<Optimum> local_optima(const Mixture& p, Direction direction,
                                  const std::vector<std::pair<double, double>>& starts) {
  std::vector<Optimum> found;
  for (const auto& [mu, sigma] : starts) {
    const Optimum o = minimise(p, direction, mu, sigma);
    const bool seen = std::any_of(found.begin(), found.end(), [&](const Optimum& f) {
      return std::fabs(f.mu - o.mu) < 1e-6 && std::fabs(f.sigma - o.sigma) < 1e-6;
    });
    if (!seen) found.push_back(o);
  }
  std::sort(found.begin(), found.end(),
            [](const Optimum& a, const Optimum& b) { return a.mu < b.mu; });
  return found;
}

std::vector<std::pair<double, double>> tutorial_starts() {
  std::vector<std::pair<double, double>> starts;
  for (double mu = -3.0; mu <= 4.0 + 1e-9; mu += 0.5) {
    for (const double sigma : {0.3, 1.0, 3.0}) starts.emplace_back(mu, sigma);
  }
  return starts;
}

}  // namespace tmkit::tutorial
