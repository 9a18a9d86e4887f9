// Divergences between discrete distributions: KL(p||q), reverse KL, symmetric KL, Jensen-Shannon
// divergence and distance, Hellinger, total variation; for one pair, row by row, as whole matrices
// (pairwise within one set, or across two) and as nearest-neighbour lists.
//
// Definitions (DESIGN.md §4, docs/math/divergences.md), natural log unless the base is 2:
//   KL(p||q)  = sum_i p_i log(p_i / q_i), with 0 log(0/q) = 0 and +inf where q_i = 0 < p_i
//   rKL(p,q)  = KL(q||p);   sKL(p,q) = (KL(p||q) + KL(q||p)) / 2
//   JS(p,q)   = KL(p||m)/2 + KL(q||m)/2, m = (p+q)/2   (finite, at most log 2)
//   JSD(p,q)  = sqrt(JS(p,q)), a metric (scipy.spatial.distance.jensenshannon)
//   Hellinger = ||sqrt p - sqrt q||_2 / sqrt 2;   TV = ||p - q||_1 / 2
// Conventions are scipy's (scipy.special.rel_entr, scipy.stats.entropy,
// scipy.spatial.distance.jensenshannon), including that inputs are divided by their sums.
//
// Distributions are the columns of an arma::mat (K x N: column j is distribution j), the layout in
// which each distribution is contiguous. Files hold them as rows; read_distributions transposes.
// Every function below except prepare_distributions expects prepared columns (finite,
// non-negative, summing to 1).
#pragma once

#include <armadillo>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/core/work_hooks.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/io/io.hpp"

namespace tmkit {

enum class Metric { kl, rkl, skl, js, jsd, hellinger, tv };

/// "kl", "rkl", "skl", "js", "jsd", "hellinger", "tv"; UsageError otherwise.
Metric parse_metric(const std::string& name);
std::string metric_name(Metric metric);
/// True for the metrics with d(p, q) = d(q, p) (all but kl and rkl).
bool is_symmetric(Metric metric) noexcept;

/// How a divergence is computed.
struct DivergenceOptions {
  Metric metric = Metric::js;
  bool base2 = false;  ///< log base 2 (KL family, JS; JSD is then sqrt of JS in bits)
};

/// How input rows are checked and prepared.
struct RowPolicy {
  bool normalize = false;  ///< accept any positive sum (rows are divided by it in any case)
  double epsilon = 0;  ///< > 0: add epsilon to every entry, then renormalise ("--zero epsilon=E")
  static constexpr double kSumTolerance = 1e-9;  ///< |sum - 1| allowed without normalize
};

/// Parses a zero policy: "inf" (exact; returns 0) or "epsilon=E" with E > 0 finite (returns E);
/// UsageError otherwise.
double parse_zero_policy(const std::string& text);

/// Distributions read from a file: K x N columns, and for a text file the line of each row.
struct DistributionFile {
  arma::mat columns;
  std::vector<std::size_t> lines;  ///< 1-based line of row j; empty for .npy
};

/// Reads distributions stored one per row: .npy (2-d, or 1-d for a single row), or text with values
/// separated by spaces, tabs or commas (a first line of non-numbers is a header and skipped; '#'
/// starts a comment; blank lines are skipped). InputError naming the file and line for an empty
/// file, a value that is not a number, NaN or infinity, and rows of different widths.
DistributionFile read_distributions(const std::string& path);

/// Checks every column (finite, non-negative, not all zero, and unless policy.normalize summing
/// to 1 within kSumTolerance), then divides each by its sum and applies the epsilon policy, in
/// place. InputError naming `source` and the line (from `lines`, else "row N") otherwise.
void prepare_distributions(arma::mat& columns, const RowPolicy& policy, const std::string& source,
                           const std::vector<std::size_t>& lines = {});

/// d(p, q) for two distributions of length n, computed directly from the definition with
/// std::log: the reference that the matrix kernels are tested against.
double divergence(const double* p, const double* q, std::size_t n,
                  const DivergenceOptions& options) noexcept;

/// d(P column i, Q column i) for every i; P and Q of the same shape (UsageError otherwise).
arma::vec divergence_rows(const arma::mat& p, const arma::mat& q, const DivergenceOptions& options,
                          int n_threads = 0);

/// The N x M matrix d(P column i, Q column j) (P: K x N, Q: K x M). KL, rKL, sKL and Hellinger
/// are matrix products (BLAS through Armadillo), with +inf set exactly where a zero makes KL
/// infinite and Hellinger recomputed directly where the product would cancel; JS, JSD and TV run
/// in cache-sized tiles with a vectorizable logarithm. Results do not depend on n_threads.
arma::mat divergence_matrix(const arma::mat& p, const arma::mat& q,
                            const DivergenceOptions& options, int n_threads = 0,
                            const WorkHooks& hooks = {});

/// The N x N matrix within one set, d(P column i, P column j): symmetric metrics compute each
/// pair once (the matrix is exactly symmetric), and the diagonal is exactly 0.
arma::mat divergence_matrix(const arma::mat& p, const DivergenceOptions& options, int n_threads = 0,
                            const WorkHooks& hooks = {});

/// The N x N matrix within one set, as divergence_matrix(p, options) gives it (the same bits),
/// written to `file` as .npy without ever holding it: a panel of rows at a time, each pair computed
/// once, the entries left of a panel read back from the rows already written. Memory is one panel
/// (about 8 MB), not N^2; fresh pages, which the kernel must clear, are what a full matrix costs
/// most. For the direct metrics (js, jsd, tv); UsageError for the others. With `similarity`,
/// every entry is to_similarity() of the divergence.
void write_divergence_matrix(const arma::mat& p, const DivergenceOptions& options, bool similarity,
                             AtomicFile& file, int n_threads = 0, const WorkHooks& hooks = {});

/// The k nearest database columns of each query column (smallest d(query, database)), ascending,
/// ties broken by the lower index.
struct Neighbours {
  arma::Mat<arma::uword> index;  ///< N x k, database column of each neighbour
  arma::mat
      value;  ///< N x k, its divergence: the matrix entry (for product metrics, to the last bit)
};

/// Nearest neighbours, tile by tile: memory is O(N k + tile), never N x M. With
/// `exclude_same_index` (a set against itself) a column is not its own neighbour. For JS and JSD,
/// candidates are screened with ln 2 (1 - BC) <= JS <= 1 - BC, BC = sum sqrt(p q) (a matrix
/// product; docs/math/divergences.md), and only those that may enter the top k are computed.
/// UsageError if k is 0 or exceeds the database columns available.
/// Under a Communicator of several ranks (each holding both sets), each rank searches a range of
/// whole tiles of queries, and rank 0 returns every query's neighbours, the same as one process's;
/// the other ranks return an empty result.
Neighbours nearest_neighbours(const arma::mat& queries, const arma::mat& database, std::size_t k,
                              bool exclude_same_index, const DivergenceOptions& options,
                              int n_threads = 0, const WorkHooks& hooks = {},
                              Communicator& comm = single_process());

/// A divergence as a similarity in [0, 1]: 1 - JS/ln 2 for js (in either base, the same number),
/// 1 - JSD^2/ln 2 for jsd, exp(-KL) with KL in nats for the KL family, 1 - H^2 for hellinger,
/// 1 - TV for tv.
double to_similarity(double value, const DivergenceOptions& options) noexcept;

/// The upper triangle of a square matrix, row by row (i < j): scipy's condensed form (pdist).
arma::vec condensed_upper_triangle(const arma::mat& square);

/// The condensed form written to `path`: a 1-d .npy (scipy's pdist form), or one text line.
void write_condensed(const std::string& path, const arma::vec& upper);

/// Neighbour lists as TSV (row, rank, neighbour, value, and the rows' ids when any are known), the
/// values as similarities (to_similarity) when `similarity`.
std::string format_neighbours(const Neighbours& nb, const std::vector<std::string>& query_ids,
                              const std::vector<std::string>& database_ids,
                              const DivergenceOptions& options, bool similarity);

/// The pairwise matrix of a symmetric metric in condensed form (the upper triangle, row by row),
/// computed in panels of rows so that the full N x N matrix is never held: what a linkage takes.
/// Stored as T (float for half the memory). UsageError for kl and rkl, which are not symmetric.
template <class T>
CondensedMatrix<T> condensed_divergences(const arma::mat& p, const DivergenceOptions& options,
                                         int n_threads = 0, const WorkHooks& hooks = {});

/// Bytes of an n x m matrix of doubles, for checks before a large allocation (saturates).
double matrix_bytes(double n_rows, double n_cols) noexcept;

/// check_memory (core/memory_limit.hpp) for an n x m matrix of doubles.
void check_matrix_memory(double n_rows, double n_cols, double max_bytes,
                         const std::string& instead);

}  // namespace tmkit
