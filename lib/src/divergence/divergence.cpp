// The definitions of divergence.hpp that work on one pair or one row at a time: names, input
// checks, the reference formulas, row-by-row mode, similarities. The matrix and neighbour kernels
// are in divergence_matrix.cpp, the file reader in divergence_io.cpp.
#include "tmkit/divergence/divergence.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/numbers.hpp"

namespace tmkit {

namespace {

constexpr double kLn2 = 0.693147180559945309417232121458;

constexpr Named<Metric> kMetricNames[] = {
    {Metric::kl, "kl"}, {Metric::rkl, "rkl"}, {Metric::skl, "skl"},
    {Metric::js, "js"}, {Metric::jsd, "jsd"}, {Metric::hellinger, "hellinger"},
    {Metric::tv, "tv"},
};

// scipy.special.rel_entr(x, y): x log(x / y), 0 at x = 0, +inf at y = 0 < x.
double rel_entr(double x, double y) noexcept {
  if (x == 0.0) return 0.0;
  if (y == 0.0) return std::numeric_limits<double>::infinity();
  return x * std::log(x / y);
}

// One entry's share of 2 JS, m f(t) of detail/js_entry.hpp, with std::log1p.
double js_entry_reference(double p, double q) noexcept {
  if (p == 0.0 || q == 0.0) return (p + q) * kLn2;  // t = +-1: m f(t) = m 2 log 2
  const double sum = p + q;
  const double t = (p - q) / sum;
  if (std::fabs(t) >= 0.1) {
    return 0.5 * sum * ((1.0 + t) * std::log1p(t) + (1.0 - t) * std::log1p(-t));
  }
  double f = 0.0;  // sum_k t^(2k) / (k (2k - 1)), smallest terms first
  for (int k = 12; k >= 1; --k) f += std::pow(t, 2 * k) / (k * (2.0 * k - 1.0));
  return 0.5 * sum * f;
}

double kl_nats(const double* p, const double* q, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += rel_entr(p[i], q[i]);
  return sum;
}

}  // namespace

Metric parse_metric(const std::string& name) {
  return parse_named(kMetricNames, name, "metric", "a metric");
}

std::string metric_name(Metric metric) { return name_of(kMetricNames, metric); }

bool is_symmetric(Metric metric) noexcept { return metric != Metric::kl && metric != Metric::rkl; }

double parse_zero_policy(const std::string& text) {
  if (text == "inf") return 0.0;
  const std::string prefix = "epsilon=";
  if (text.compare(0, prefix.size(), prefix) == 0) {
    const double epsilon = parse_number(std::string_view(text).substr(prefix.size())).value_or(0.0);
    if (std::isfinite(epsilon) && epsilon > 0.0) return epsilon;
  }
  throw UsageError("zero policy '" + text + "' is not understood; expected 'inf' or 'epsilon=E' " +
                   "with E > 0, e.g. epsilon=1e-12");
}

void prepare_distributions(arma::mat& columns, const RowPolicy& policy, const std::string& source,
                           const std::vector<std::size_t>& lines) {
  if (columns.n_cols == 0 || columns.n_rows == 0) {
    throw InputError(source, "no distributions; expected at least one row with one value");
  }
  const auto fail = [&](std::size_t j, const std::string& problem) {
    if (j < lines.size()) throw InputError(source, lines[j], problem);
    throw InputError(source, "row " + std::to_string(j + 1) + ": " + problem);
  };
  for (arma::uword j = 0; j < columns.n_cols; ++j) {
    double* x = columns.colptr(j);
    double sum = 0.0;
    for (arma::uword i = 0; i < columns.n_rows; ++i) {
      if (!std::isfinite(x[i])) {
        fail(j, "value " + std::to_string(i + 1) + " is " + format_double(x[i]) +
                    "; expected a finite probability");
      }
      if (x[i] < 0.0) {
        fail(j, "value " + std::to_string(i + 1) + " is negative (" + format_double(x[i]) +
                    "); expected a probability >= 0");
      }
      sum += x[i];
    }
    if (!(sum > 0.0)) fail(j, "all values are 0; a distribution needs a positive sum");
    if (!policy.normalize && std::fabs(sum - 1.0) > RowPolicy::kSumTolerance) {
      std::ostringstream problem;
      problem << "values sum to " << format_double(sum) << ", not to 1 within 1e-9"
              << " (ask to normalize: each row is then divided by its sum)";
      fail(j, problem.str());
    }
    for (arma::uword i = 0; i < columns.n_rows; ++i) x[i] /= sum;
    if (policy.epsilon > 0.0) {
      double smoothed = 0.0;
      for (arma::uword i = 0; i < columns.n_rows; ++i) smoothed += (x[i] += policy.epsilon);
      for (arma::uword i = 0; i < columns.n_rows; ++i) x[i] /= smoothed;
    }
  }
}

double divergence(const double* p, const double* q, std::size_t n,
                  const DivergenceOptions& options) noexcept {
  double value = 0.0;
  switch (options.metric) {
    case Metric::kl:
      value = kl_nats(p, q, n);
      break;
    case Metric::rkl:
      value = kl_nats(q, p, n);
      break;
    case Metric::skl:
      value = 0.5 * (kl_nats(p, q, n) + kl_nats(q, p, n));
      break;
    case Metric::js:
    case Metric::jsd: {
      // scipy.spatial.distance.jensenshannon's rel_entr(p, m) + rel_entr(q, m), entry by entry
      // in a form whose terms are all >= 0 (no cancellation for nearly equal p and q).
      double sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) sum += js_entry_reference(p[i], q[i]);
      value = 0.5 * sum;
      break;
    }
    case Metric::hellinger: {
      double sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double d = std::sqrt(p[i]) - std::sqrt(q[i]);
        sum += d * d;
      }
      return std::sqrt(0.5 * sum);
    }
    case Metric::tv: {
      double sum = 0.0;
      for (std::size_t i = 0; i < n; ++i) sum += std::fabs(p[i] - q[i]);
      return 0.5 * sum;
    }
  }
  if (options.base2) value /= kLn2;
  return options.metric == Metric::jsd ? std::sqrt(value) : value;
}

arma::vec divergence_rows(const arma::mat& p, const arma::mat& q, const DivergenceOptions& options,
                          int n_threads) {
  if (p.n_rows != q.n_rows || p.n_cols != q.n_cols) {
    throw UsageError("row-by-row divergences need two sets of the same shape; got " +
                     std::to_string(p.n_cols) + " rows of " + std::to_string(p.n_rows) +
                     " values and " + std::to_string(q.n_cols) + " rows of " +
                     std::to_string(q.n_rows));
  }
  arma::vec out(p.n_cols);
  const BlockPartition rows{p.n_cols, 1024};
  for_each_block(rows, n_threads, [&](std::size_t block) {
    for (std::size_t j = rows.begin(block); j < rows.end(block); ++j) {
      out[j] = divergence(p.colptr(j), q.colptr(j), p.n_rows, options);
    }
  });
  return out;
}

double to_similarity(double value, const DivergenceOptions& options) noexcept {
  const double nats = options.base2 ? kLn2 : 1.0;
  double similarity = 0.0;
  switch (options.metric) {
    case Metric::kl:
    case Metric::rkl:
    case Metric::skl:
      similarity = std::exp(-value * nats);
      break;
    case Metric::js:
      similarity = 1.0 - value * nats / kLn2;
      break;
    case Metric::jsd:
      similarity = 1.0 - value * value * nats / kLn2;
      break;
    case Metric::hellinger:
      similarity = 1.0 - value * value;
      break;
    case Metric::tv:
      similarity = 1.0 - value;
      break;
  }
  return std::clamp(similarity, 0.0, 1.0);
}

arma::vec condensed_upper_triangle(const arma::mat& square) {
  if (square.n_rows != square.n_cols) {
    throw UsageError("the condensed form needs a square matrix; got " +
                     std::to_string(square.n_rows) + " x " + std::to_string(square.n_cols));
  }
  const arma::uword n = square.n_rows;
  arma::vec out(n * (n - (n > 0 ? 1 : 0)) / 2);
  arma::uword k = 0;
  for (arma::uword i = 0; i < n; ++i) {
    for (arma::uword j = i + 1; j < n; ++j) out[k++] = square(i, j);
  }
  return out;
}

double matrix_bytes(double n_rows, double n_cols) noexcept {
  const double bytes = n_rows * n_cols * static_cast<double>(sizeof(double));
  return std::isfinite(bytes) ? bytes : std::numeric_limits<double>::max();
}

void check_matrix_memory(double n_rows, double n_cols, double max_bytes,
                         const std::string& instead) {
  char what[96];
  std::snprintf(what, sizeof what, "a %.0f x %.0f matrix", n_rows, n_cols);
  check_memory(matrix_bytes(n_rows, n_cols), what, max_bytes, instead);
}

}  // namespace tmkit
