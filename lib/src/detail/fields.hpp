// Fields and numbers of the line-based corpus formats, with the error messages every reader gives
// (file, line, what was found, what was expected). Internal to the library.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/io/numbers.hpp"

namespace tmkit::detail {

inline std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    fields.push_back(line.substr(i, end - i));
    i = end;
  }
  return fields;
}

/// The same without allocating, for the hot loop of a streamed corpus: stores the first N fields
/// in `out` and returns how many fields the line has (possibly more than N).
template <std::size_t N>
std::size_t split_fields_into(std::string_view line, std::array<std::string_view, N>& out) {
  std::size_t i = 0, count = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (count < N) out[count] = line.substr(i, end - i);
    ++count;
    i = end;
  }
  return count;
}

inline bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// parse_whole_number (io/numbers.hpp) in the out-parameter form the readers' conditions chain.
inline bool parse_unsigned(std::string_view text, std::uint64_t& value) {
  const std::optional<std::uint64_t> parsed = parse_whole_number(text);
  if (parsed) value = *parsed;
  return parsed.has_value();
}

inline std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;  // keep one-line messages short on binary garbage
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) shown += "...";
  return "\"" + shown + "\"";
}

// kMaxFileCount as an integer.
constexpr std::uint64_t kMaxFileWholeCount = 4294967295;
static_assert(static_cast<double>(kMaxFileWholeCount) == kMaxFileCount);

// Parses a whole, positive (or non-negative when `allow_zero`) count or throws an InputError that
// says which of the ways it is wrong.
inline Count parse_count(std::string_view text, const std::string& path, std::size_t line,
                         bool allow_zero = false) {
  const std::optional<std::uint64_t> parsed = parse_whole_number(text);
  const bool whole = parsed.has_value();
  const std::uint64_t value = parsed.value_or(0);
  if (whole && value <= kMaxFileWholeCount && (value > 0 || allow_zero)) {
    return static_cast<Count>(value);  // the hot path: no message is built
  }
  const std::string expected = allow_zero ? "a non-negative integer" : "a positive integer";
  if (!whole) {
    const std::optional<double> number = parse_number(text);
    const bool numeric = number.has_value();
    const double as_double = number.value_or(0.0);
    std::string problem = numeric && as_double < 0           ? " is negative"
                          : numeric && std::isnan(as_double) ? " is not a number"
                          : numeric                          ? " is not a whole number"
                                                             : " is not a number";
    throw InputError(path, line, "count " + quoted(text) + problem + "; expected " + expected);
  }
  if (value == 0 && !allow_zero) {
    throw InputError(path, line, "count \"0\" is not positive; expected " + expected);
  }
  if (value > kMaxFileWholeCount) {
    throw InputError(path, line,
                     "count " + quoted(text) + " is too large; expected at most " +
                         std::to_string(kMaxFileWholeCount));
  }
  return static_cast<Count>(value);
}

// A 1-based (or 0-based) id in [base, base + n).
inline std::uint64_t parse_id(std::string_view text, std::uint64_t base, std::uint64_t n,
                              const char* what, const std::string& path, std::size_t line) {
  const std::optional<std::uint64_t> parsed = parse_whole_number(text);
  const bool whole = parsed.has_value();
  const std::uint64_t value = parsed.value_or(0);
  if (whole && value >= base && value < base + n) return value - base;  // no message is built
  const std::string range = std::to_string(base) + ".." + std::to_string(base + n - 1);
  if (!whole) {
    throw InputError(
        path, line,
        std::string(what) + " " + quoted(text) + " is not an integer; expected " + range);
  }
  if (value < base || value >= base + n) {
    throw InputError(
        path, line,
        std::string(what) + " " + std::to_string(value) + " is out of range; expected " + range);
  }
  return value - base;
}

/// One lda-c line "N id:count ..." into `entries` (0-based ids below `n_words`); InputError naming
/// the line for anything else.
inline void parse_ldac_line(std::string_view line, std::size_t n_words, const std::string& path,
                            std::size_t line_number,
                            std::vector<std::pair<WordId, Count>>& entries) {
  const auto fields = split_fields(line);
  if (fields.empty()) {
    throw InputError(path, line_number,
                     "blank line; expected a document \"N id:count ...\" with N >= 1");
  }
  std::uint64_t n_terms = 0;
  if (!parse_unsigned(fields[0], n_terms)) {
    throw InputError(path, line_number,
                     quoted(fields[0]) + " is not a term count; expected \"N id:count ...\"");
  }
  if (n_terms + 1 != fields.size()) {
    throw InputError(path, line_number,
                     "says N = " + std::to_string(n_terms) + " but lists " +
                         std::to_string(fields.size() - 1) + " id:count pairs; expected N pairs");
  }
  entries.clear();
  for (std::size_t i = 1; i < fields.size(); ++i) {
    const std::size_t colon = fields[i].find(':');
    if (colon == std::string_view::npos) {
      throw InputError(path, line_number, quoted(fields[i]) + " is not a pair; expected id:count");
    }
    const auto word = static_cast<WordId>(
        parse_id(fields[i].substr(0, colon), 0, n_words, "word id", path, line_number));
    entries.emplace_back(word, parse_count(fields[i].substr(colon + 1), path, line_number));
  }
}

/// Checks a MatrixMarket banner line; returns true for the "pattern" field (no counts).
inline bool parse_mm_banner(std::string_view line, const std::string& path) {
  std::string lower(line);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto banner = split_fields(lower);
  if (banner.size() != 5 || banner[0] != "%%matrixmarket" || banner[1] != "matrix" ||
      banner[2] != "coordinate" || banner[4] != "general") {
    throw InputError(path, 1,
                     quoted(line) +
                         " is not a supported header; expected \"%%MatrixMarket matrix "
                         "coordinate real|integer|pattern general\"");
  }
  if (banner[3] != "real" && banner[3] != "integer" && banner[3] != "pattern") {
    throw InputError(path, 1,
                     "field " + quoted(split_fields(line)[3]) +
                         " is not supported; expected real, integer or pattern (counts)");
  }
  return banner[3] == "pattern";
}

/// A MatrixMarket count: gensim writes them as floats ("2.0"), so any whole non-negative value in
/// any notation below 2^32; 0 is allowed (an explicit zero adds nothing).
inline Count parse_mm_count(std::string_view text, const std::string& path,
                            std::size_t line_number) {
  const std::optional<double> number = parse_number(text);
  const double value = number.value_or(0.0);
  if (!number || !std::isfinite(value) || value < 0 || value != std::floor(value) ||
      value > kMaxFileCount) {
    parse_count(text, path, line_number, /*allow_zero=*/true);  // throws the precise message
    throw InputError(path, line_number,
                     "count " + quoted(text) + " is out of range; expected a count < 2^32");
  }
  return static_cast<Count>(value);
}

}  // namespace tmkit::detail
