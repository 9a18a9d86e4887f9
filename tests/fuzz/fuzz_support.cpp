#include "fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tmkit::fuzz {
namespace fs = std::filesystem;

namespace {
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::error_code ec;
    const fs::path base =
        fs::is_directory("/dev/shm", ec) ? fs::path("/dev/shm") : fs::temp_directory_path();
    path = (base / ("tmkit-fuzz-" + std::to_string(static_cast<long>(::getpid())))).string();
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

const std::string& scratch_dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string write_scratch(const std::string& name, std::string_view bytes) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::pair<std::string_view, std::string_view> split_input(std::string_view input) {
  constexpr std::string_view kSeparator = "\n--8<--\n";
  const std::size_t at = input.find(kSeparator);
  if (at == std::string_view::npos) return {input, {}};
  return {input.substr(0, at), input.substr(at + kSeparator.size())};
}

void finding(const char* kind, const char* what) {
  std::fprintf(stderr, "tmkit fuzz finding: %s: %s\n", kind, what);
  std::abort();
}

}  // namespace tmkit::fuzz
