// The errors the library throws, and TMKIT_ASSERT for internal invariants.
//
// The library never prints, exits or aborts: it throws, and the apps turn the exception into a
// one-line message and an exit code (apps/common/cli.cpp): InputError, OutputError and UsageError
// (with its OptionError) exit 2, Interrupted exits 130, anything else (NumericError included) is an
// internal error and exits 1. Every
// message is complete in what(): the place, the problem, what was expected, and the numbers
// involved.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace tmkit {

/// Bad content in a file the user gave us. what() reads "PATH:LINE: PROBLEM; expected EXPECTED"
/// (or "PATH: ..." when no line applies).
class InputError : public std::runtime_error {
 public:
  InputError(std::string path, std::size_t line, const std::string& problem);
  InputError(std::string path, const std::string& problem);

  /// The file that held the bad content.
  const std::string& path() const noexcept { return path_; }
  /// 1-based line of the bad content; 0 when the problem is not on one line.
  std::size_t line() const noexcept { return line_; }

 private:
  std::string path_;  ///< file named in the message
  std::size_t line_;  ///< 1-based line, 0 for none
};

/// An output that cannot be written: no such directory, no permission, a full disk. what() reads
/// "PATH: PROBLEM". Nothing half-written is left behind (io.hpp).
class OutputError : public std::runtime_error {
 public:
  OutputError(std::string path, const std::string& problem);
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/// Bad parameters: K larger than the vocabulary, a tolerance <= 0, mismatched shapes.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// A bad value of one named option of a fit, a run or a computation. what() reads
/// "OPTION: PROBLEM" ("heldout-fraction: 1; expected a fraction in [0, 1)"); the name is the
/// option's in every front end (tm-fit's --heldout-fraction), which adds its own prefix.
class OptionError : public UsageError {
 public:
  OptionError(std::string option, const std::string& problem);
  const std::string& option() const noexcept { return option_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string option_;
  std::string problem_;
};

/// A NaN or infinity where the mathematics forbids one, with where it appeared.
class NumericError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when a long computation is asked to stop (SIGINT/SIGTERM) between units of work.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  /// Stopped with the work saved: `saved_to` is where (a checkpoint directory), what() says so.
  Interrupted(const std::string& what, std::string saved_to)
      : std::runtime_error(what), saved_to_(std::move(saved_to)) {}
  /// Where the work so far was saved; empty when nothing was.
  const std::string& saved_to() const noexcept { return saved_to_; }

 private:
  std::string saved_to_;
};

namespace detail {
[[noreturn]] void assertion_failed(const char* condition, const char* message, const char* file,
                                   int line);
}  // namespace detail

}  // namespace tmkit

/// Checks an internal invariant in Debug, test and sanitizer builds (never the only guard on user
/// data: that is validated once, at the boundary). A failure throws std::logic_error.
#if !defined(NDEBUG) || defined(TMKIT_ENABLE_ASSERTS)
#define TMKIT_ASSERT(cond, msg)                                                       \
  do {                                                                                \
    if (!(cond)) ::tmkit::detail::assertion_failed(#cond, (msg), __FILE__, __LINE__); \
  } while (false)
#else
#define TMKIT_ASSERT(cond, msg) \
  do {                          \
  } while (false)
#endif
