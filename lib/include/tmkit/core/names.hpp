// The names of an enum's values, written once: one table per enum feeds parsing, naming, the error
// for an unknown name and the list of choices in --help.
#pragma once

#include <cstddef>
#include <string>

#include "tmkit/core/error.hpp"

namespace tmkit {

/// One value of an enum and its name.
template <class E>
struct Named {
  E value;
  const char* name;
};

/// The names of a table, "a, b or c".
template <class E, std::size_t N>
std::string names_of(const Named<E> (&table)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    out += i == 0 ? "" : i + 1 == N ? " or " : ", ";
    out += table[i].name;
  }
  return out;
}

/// The value named `text`; OptionError(option, "\"text\" is not WHAT; expected a, b or c")
/// otherwise.
template <class E, std::size_t N>
E parse_named(const Named<E> (&table)[N], const std::string& text, const char* option,
              const char* what) {
  for (const Named<E>& entry : table) {
    if (text == entry.name) return entry.value;
  }
  throw OptionError(option, "\"" + text + "\" is not " + what + "; expected " + names_of(table));
}

/// The name of `value` (the first entry that has it).
template <class E, std::size_t N>
std::string name_of(const Named<E> (&table)[N], E value) {
  for (const Named<E>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";
}

}  // namespace tmkit
