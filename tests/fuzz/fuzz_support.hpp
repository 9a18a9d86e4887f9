// What every fuzz target shares. The readers take paths, as users give them, so each input is
// written to a scratch file first (in memory, under /dev/shm when there is one). The rule a target
// checks: bad input ends in an InputError or a UsageError, the errors the apps turn into one line
// and exit 2. Anything else is a finding: another exception (an "internal error", exit 1, in the
// apps), a crash, a hang, a leak or a sanitizer report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "tmkit/core/error.hpp"

namespace tmkit::fuzz {

/// A directory for this process's scratch files, removed at exit.
const std::string& scratch_dir();

/// Writes `bytes` to scratch_dir()/name and returns the path.
std::string write_scratch(const std::string& name, std::string_view bytes);

/// The input as a string view.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits `input` at the first `separator` line ("\n--8<--\n"): the parts of an input that feeds
/// two files. A missing separator leaves the second part empty.
std::pair<std::string_view, std::string_view> split_input(std::string_view input);

/// Reports an exception that bad input must never raise, and aborts (libFuzzer keeps the input).
[[noreturn]] void finding(const char* kind, const char* what);

/// Runs `read`; returns normally when it succeeds or refuses the input as bad input.
template <class Read>
void expect_clean(Read&& read) {
  try {
    read();
  } catch (const InputError&) {
  } catch (const UsageError&) {
  } catch (const std::bad_alloc&) {
    finding("out of memory", "an allocation sized by the input was not checked first");
  } catch (const std::exception& e) {
    finding("unexpected exception", e.what());
  }
}

}  // namespace tmkit::fuzz
