// The body of the fuzz targets of the directories tmkit writes and reads back (a model, a
// checkpoint). The input is the manifest, optionally followed by a separator line and lambda.npy,
// and another and gamma.npy; parts not given come from a valid directory committed under
// fixtures/. The sha256 the manifest records for an array given by the input is replaced by the
// array's, so that the reader goes on to check the array itself rather than stop at its hash (a
// self-hashed manifest gets its own sha256 file likewise).
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "fuzz_support.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/sha256.hpp"

namespace tmkit::fuzz {

inline std::string sha256_of(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes.data(), bytes.size());
  return hash.hex_digest();
}

// The files of fixtures/`name`, read once.
inline const std::map<std::string, std::string>& fixture_files(const std::string& name) {
  static std::map<std::string, std::map<std::string, std::string>> cache;
  auto& files = cache[name];
  if (files.empty()) {
    const std::string dir = std::string(TMKIT_FUZZ_FIXTURES) + "/" + name;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      files[entry.path().filename().string()] = read_file(entry.path().string());
    }
  }
  return files;
}

template <class Load>
void fuzz_directory(std::string_view input, const std::string& fixture, const std::string& manifest,
                    bool self_hashed, Load&& load) {
  const auto [manifest_part, arrays] = split_input(input);
  const auto [lambda_part, gamma_part] = split_input(arrays);
  const auto& files = fixture_files(fixture);
  const std::string dir = scratch_dir() + "/" + fixture;
  std::filesystem::create_directories(dir);
  std::string text(manifest_part);
  for (const auto& [name, original] : files) {
    std::string_view bytes = original;
    if (name == "lambda.npy" && !lambda_part.empty()) bytes = lambda_part;
    if (name == "gamma.npy" && !gamma_part.empty()) bytes = gamma_part;
    if (bytes.data() != original.data()) {
      const std::string was = sha256_of(original), now = sha256_of(bytes);
      for (std::size_t at = text.find(was); at != std::string::npos;
           at = text.find(was, at + now.size())) {
        text.replace(at, was.size(), now);
      }
    }
    write_scratch(fixture + "/" + name, bytes);
  }
  write_scratch(fixture + "/" + manifest, text);
  if (self_hashed) write_scratch(fixture + "/" + manifest + ".sha256", sha256_of(text) + "\n");
  expect_clean([&] { load(dir); });
}

}  // namespace tmkit::fuzz
