// read_distributions: rows of distributions from .npy or from text (matrix_io's read_matrix).
#include "tmkit/core/error.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/io/npy.hpp"

namespace tmkit {

DistributionFile read_distributions(const std::string& path) {
  MatrixFile read = read_matrix(path, "probability");
  if (read.columns.n_elem == 0) {
    throw InputError(path, "the array is empty; expected one distribution per row");
  }
  return {std::move(read.columns), std::move(read.lines)};
}

std::string format_neighbours(const Neighbours& nb, const std::vector<std::string>& query_ids,
                              const std::vector<std::string>& database_ids,
                              const DivergenceOptions& options, bool similarity) {
  const bool ids = !query_ids.empty() || !database_ids.empty();
  std::ostringstream out;
  out << "row\trank\tneighbour\t" << (similarity ? "similarity" : metric_name(options.metric))
      << (ids ? "\trow_id\tneighbour_id" : "") << "\n";
  for (arma::uword i = 0; i < nb.index.n_rows; ++i) {
    for (arma::uword r = 0; r < nb.index.n_cols; ++r) {
      const arma::uword j = nb.index(i, r);
      const double value = similarity ? to_similarity(nb.value(i, r), options) : nb.value(i, r);
      out << i << '\t' << r + 1 << '\t' << j << '\t' << format_double(value);
      if (ids) {
        out << '\t' << (i < query_ids.size() ? query_ids[i] : std::to_string(i)) << '\t'
            << (j < database_ids.size() ? database_ids[j] : std::to_string(j));
      }
      out << '\n';
    }
  }
  return out.str();
}

void write_condensed(const std::string& path, const arma::vec& upper) {
  if (matrix_format_for(path) == MatrixFormat::npy) {  // 1-d, as scipy's pdist
    AtomicFile file(path, /*binary=*/true);
    write_npy(file.stream(), upper.memptr(), {upper.n_elem});
    file.commit();
  } else {
    write_file_atomically(path, format_matrix_text(upper.t()));
  }
}

}  // namespace tmkit
