#include "tmkit/io/matrix_io.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include "tmkit/core/error.hpp"
#include "tmkit/io/input_file.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/numbers.hpp"

namespace tmkit {

namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

std::vector<std::string_view> split_values(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_separator(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t end = i;
    while (end < line.size() && !is_separator(line[end])) ++end;
    fields.push_back(line.substr(i, end - i));
    i = end;
  }
  return fields;
}

bool parse_double(std::string_view text, double& value) {
  const std::optional<double> number = parse_number(text);
  if (number) value = *number;
  return number.has_value();
}

bool starts_like_npy(const std::string& path) { return read_head(path, 6) == "\x93NUMPY"; }

MatrixFile read_text(const std::string& path, const std::string& value_kind) {
  const std::string content = read_file(path);
  check_text_content(content, path, "a matrix (.npy, CSV or whitespace-separated text)");
  LineReader reader(content);
  std::string_view line;
  std::vector<double> values;
  MatrixFile file;
  std::size_t width = 0;
  while (reader.next(line)) {
    line = line.substr(0, line.find('#'));
    const auto fields = split_values(line);
    if (fields.empty()) continue;
    const bool first = file.lines.empty();
    double value = 0.0;
    if (first && !parse_double(fields[0], value)) {
      bool header = true;  // a first line of names, not numbers, is a header
      for (const auto field : fields) header = header && !parse_double(field, value);
      if (header) continue;
    }
    if (!first && fields.size() != width) {
      throw InputError(path, reader.line_number(),
                       "row has " + std::to_string(fields.size()) + " values; expected " +
                           std::to_string(width) + " like the rows before it");
    }
    width = fields.size();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!parse_double(fields[i], value)) {
        throw InputError(path, reader.line_number(),
                         "value " + std::to_string(i + 1) + " \"" +
                             std::string(fields[i].substr(0, 40)) + "\" is not a number");
      }
      if (!std::isfinite(value)) {
        throw InputError(path, reader.line_number(),
                         "value " + std::to_string(i + 1) + " is " + std::string(fields[i]) +
                             "; expected a finite " + value_kind);
      }
      values.push_back(value);
    }
    file.lines.push_back(reader.line_number());
  }
  if (file.lines.empty()) {
    throw InputError(path, "no rows of numbers; expected one row of numbers per line");
  }
  // values holds the rows one after another: exactly the column-major K x N layout.
  file.columns = arma::mat(values.data(), width, file.lines.size());
  return file;
}

}  // namespace

MatrixFile read_matrix(const std::string& path, const std::string& value_kind) {
  if (!starts_like_npy(path)) return read_text(path, value_kind);
  MatrixFile file;
  file.columns = read_npy_matrix(path).t();
  return file;
}

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
