#include "tmkit/core/error.hpp"

#include <utility>

namespace tmkit {

InputError::InputError(std::string path, std::size_t line, const std::string& problem)
    : std::runtime_error(path + ":" + std::to_string(line) + ": " + problem),
      path_(std::move(path)),
      line_(line) {}

InputError::InputError(std::string path, const std::string& problem)
    : std::runtime_error(path + ": " + problem), path_(std::move(path)), line_(0) {}

OutputError::OutputError(std::string path, const std::string& problem)
    : std::runtime_error(path + ": " + problem), path_(std::move(path)) {}

namespace detail {
void assertion_failed(const char* condition, const char* message, const char* file, int line) {
  throw std::logic_error(std::string(file) + ":" + std::to_string(line) +
                         ": internal invariant violated (" + condition + "): " + message);
}
}  // namespace detail

OptionError::OptionError(std::string option, const std::string& problem)
    : UsageError(option + ": " + problem), option_(std::move(option)), problem_(problem) {}

}  // namespace tmkit
