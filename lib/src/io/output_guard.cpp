#include "tmkit/io/output_guard.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tmkit/core/error.hpp"

namespace tmkit {
namespace fs = std::filesystem;
namespace {

// The absolute, symlink-resolved form of a path that may not exist yet.
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) out = fs::absolute(path).lexically_normal();
  return out;
}

// True when `inner` is `outer` or lies below it (component by component).
bool within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

std::string named(const InputPath& input) { return input.option + " " + input.path; }

}  // namespace

bool holds_previous_output(const std::string& dir, const OutputTarget& target) {
  std::ifstream in(fs::path(dir) / target.manifest);
  if (!in) return false;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  if (j.contains("written_by")) {
    return j["written_by"].is_string() && j["written_by"].get<std::string>() == target.written_by;
  }
  // Written before manifests named their app (tmkit 0.1): a model.json or checkpoint.json of
  // tm-fit.
  return target.written_by == "tm-fit" && j.contains("tmkit_version") &&
         j.contains("format_version");
}

void check_output(const OutputTarget& target, const std::vector<InputPath>& inputs, bool force) {
  if (target.path.empty()) return;  // not asked for (stdout, or no such output)
  const std::string where = target.option + " " + target.path;
  const fs::path out = resolved(target.path);
  std::error_code ec;
  for (const InputPath& input : inputs) {
    if (input.path.empty() || !fs::exists(input.path, ec)) continue;
    const fs::path in = resolved(input.path);
    if (in == out) {
      throw UsageError(where + ": is an input of this run (" + named(input) +
                       "); choose another output");
    }
    if (within(in, out)) {
      throw UsageError(where + ": holds an input of this run (" + named(input) +
                       ") and would replace it; choose another output");
    }
    if (within(out, in)) {
      throw UsageError(where + ": lies inside an input of this run (" + named(input) +
                       "); choose an output outside it");
    }
  }
  if (!fs::exists(target.path, ec)) return;
  const bool is_directory = fs::is_directory(target.path, ec);
  if (!target.directory) {
    if (is_directory) {
      throw UsageError(where + ": is a directory; expected a file name");
    }
    return;
  }
  if (!is_directory) {
    throw UsageError(where + ": exists and is not a directory; expected a directory name");
  }
  if (fs::is_empty(target.path, ec) || holds_previous_output(target.path, target) || force) return;
  throw UsageError(where + ": exists and is not a " + target.written_by + " output (no " +
                   target.manifest + " written by " + target.written_by +
                   "); choose a new or empty directory, or add --force to replace it and " +
                   "everything in it");
}

void check_output_file(const std::string& option, const std::string& path,
                       const std::vector<InputPath>& inputs) {
  OutputTarget target;
  target.option = option;
  target.path = path;
  check_output(target, inputs, false);
}

}  // namespace tmkit
