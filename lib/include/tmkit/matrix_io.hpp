// Matrices of results written where a user asked: NumPy .npy, CSV or plain text, chosen by the
// file's extension, in the number format of DESIGN.md §3 ("%.17g", inf, one row per line).
#pragma once

#include <armadillo>
#include <string>

#include "tmkit/io.hpp"

namespace tmkit {

enum class MatrixFormat { npy, csv, text };

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
