#include "detail/verified_directory.hpp"

#include <filesystem>

#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/sha256.hpp"

namespace fs = std::filesystem;

namespace tmkit::detail {

VerifiedDirectory::VerifiedDirectory(const std::string& dir, const std::string& manifest,
                                     int version, const std::string& kind,
                                     const std::string& origin, const std::string& advice,
                                     bool self_hashed)
    : dir_(dir), manifest_path_((fs::path(dir) / manifest).string()), kind_(kind) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir, "is not a " + kind + "; expected " + origin);
  }
  const std::string text = read_file(manifest_path_);
  if (self_hashed) {
    Sha256 hash;
    hash.update(text);
    const std::string expected = read_file(manifest_path_ + ".sha256");
    if (expected.substr(0, 64) != hash.hex_digest()) {
      throw InputError(manifest_path_, "sha256 does not match " + manifest +
                                           ".sha256; the file was changed or damaged (truncated "
                                           "by a crash?)");
    }
  }
  try {
    json_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error, or a number beyond a double's range (out_of_range 406).
    throw InputError(manifest_path_, std::string("is not valid JSON (") + e.what() + ")");
  }
  if (!json_.is_object()) throw InputError(manifest_path_, "is not a JSON object");
  const auto found = json_.find("format_version");
  if (found == json_.end() || !found->is_number_integer() || found->get<long long>() != version) {
    throw InputError(manifest_path_, "format_version " +
                                         (found == json_.end() ? "(none)" : found->dump()) +
                                         " is not supported; expected " + std::to_string(version) +
                                         (advice.empty() ? "" : " (" + advice + ")"));
  }
}

std::string VerifiedDirectory::path(const std::string& name) const {
  return (fs::path(dir_) / name).string();
}

std::string VerifiedDirectory::verified(const std::string& name) const {
  const std::string file = path(name);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw InputError(file, "is missing from the " + kind_);
  const std::string expected =
      fields([&] { return json_.at("sha256").at(name).get<std::string>(); });
  if (sha256_file(file) != expected) {
    throw InputError(file, "sha256 does not match " + fs::path(manifest_path_).filename().string() +
                               "; the file was changed or damaged (truncated by a crash?)");
  }
  return file;
}

arma::mat VerifiedDirectory::matrix(const std::string& name) const {
  return read_npy_matrix(verified(name));
}

void VerifiedDirectory::field_error(const nlohmann::json::exception& e) const {
  throw InputError(manifest_path_, std::string("lacks or mistypes a field (") + e.what() + ")");
}

}  // namespace tmkit::detail
