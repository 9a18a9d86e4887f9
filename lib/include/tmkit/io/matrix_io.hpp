// Matrices of results written where a user asked: NumPy .npy, CSV or plain text, chosen by the
// file's extension, in the number format of DESIGN.md §3 ("%.17g", inf, one row per line).
#pragma once

#include <armadillo>
#include <cstddef>
#include <string>
#include <vector>

#include "tmkit/io/io.hpp"

namespace tmkit {

enum class MatrixFormat { npy, csv, text };

/// A matrix read from a file, each row of the file as a column (the layout in which a row of the
/// file is contiguous).
struct MatrixFile {
  arma::mat columns;
  std::vector<std::size_t> lines;  ///< 1-based line of each row; empty for .npy
};

/// Reads rows of numbers: .npy (2-d, or 1-d for a single row; any of read_npy's types), or text
/// with values separated by spaces, tabs or commas (a first line of non-numbers is a header and
/// skipped; '#' starts a comment; blank lines are skipped). InputError naming the file and line for
/// an empty text file, a value that is not a number, NaN or infinity in text ("expected a finite
/// VALUE_KIND"), and rows of different widths. Values of a .npy file are not checked.
MatrixFile read_matrix(const std::string& path, const std::string& value_kind);

/// .npy -> npy, .csv -> csv, anything else -> text (values separated by a space).
MatrixFormat matrix_format_for(const std::string& path);

/// One row per line, values separated by `separator`, each as format_double writes it.
std::string format_matrix_text(const arma::mat& matrix, char separator = ' ');

/// Writes `matrix` atomically in the format its extension names. InputError if it cannot.
void write_matrix(const std::string& path, const arma::mat& matrix);

/// Writes `matrix` into an open AtomicFile (opened in binary mode) in the format its destination's
/// extension names; the caller commits, so that several outputs appear together.
void write_matrix(AtomicFile& file, const arma::mat& matrix);

}  // namespace tmkit
