#include "tmkit/matrix_io.hpp"

#include "tmkit/io.hpp"
#include "tmkit/npy.hpp"

namespace tmkit {

namespace {
bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

MatrixFormat matrix_format_for(const std::string& path) {
  if (ends_with(path, ".npy")) return MatrixFormat::npy;
  if (ends_with(path, ".csv")) return MatrixFormat::csv;
  return MatrixFormat::text;
}

std::string format_matrix_text(const arma::mat& matrix, char separator) {
  std::string out;
  out.reserve(matrix.n_elem * 20);
  for (arma::uword i = 0; i < matrix.n_rows; ++i) {
    for (arma::uword j = 0; j < matrix.n_cols; ++j) {
      if (j > 0) out += separator;
      out += format_double(matrix(i, j));
    }
    out += '\n';
  }
  return out;
}

void write_matrix(const std::string& path, const arma::mat& matrix) {
  switch (matrix_format_for(path)) {
    case MatrixFormat::npy:
      write_npy_file(path, matrix);
      return;
    case MatrixFormat::csv:
      write_file_atomically(path, format_matrix_text(matrix, ','));
      return;
    case MatrixFormat::text:
      write_file_atomically(path, format_matrix_text(matrix, ' '));
      return;
  }
}

void write_matrix(AtomicFile& file, const arma::mat& matrix) {
  switch (matrix_format_for(file.path())) {
    case MatrixFormat::npy:
      write_npy(file.stream(), matrix);
      return;
    case MatrixFormat::csv:
      file.stream() << format_matrix_text(matrix, ',');
      return;
    case MatrixFormat::text:
      file.stream() << format_matrix_text(matrix, ' ');
      return;
  }
}

}  // namespace tmkit
