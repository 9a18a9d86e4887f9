// The one way tmkit reads a number from text, in files and options alike: the whole text or
// nothing (no leading spaces, no trailing characters, nothing out of range), so that "12abc",
// "1e999" and " 5" are refused the same way everywhere. Inline: corpus readers call these per
// token.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace tmkit {

/// All of `text` as a double: decimal or scientific notation with an optional sign, or inf / nan
/// as std::from_chars reads them; nullopt for anything else, or beyond a double's range.
inline std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// All of `text` as a whole number: decimal digits only (no sign, point or exponent); nullopt for
/// anything else, or above 2^64 - 1.
inline std::optional<std::uint64_t> parse_whole_number(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace tmkit
