// A directory the library wrote and reads back (a model, a checkpoint): a JSON manifest naming its
// format version and the sha256 of each data file. The one reader of such directories: it checks
// that the directory and manifest exist, that the manifest is JSON of the supported version, and
// that each file asked for is there and unchanged, and it turns every JSON problem into an
// InputError naming the manifest.
#pragma once

#include <armadillo>
#include <nlohmann/json.hpp>
#include <string>

namespace tmkit::detail {

class VerifiedDirectory {
 public:
  /// Opens `dir`/`manifest`. `kind` names what the directory should be ("model directory") and
  /// `origin` what writes one ("the output of tm-fit"); `advice` follows an unsupported version.
  /// With `self_hashed`, the manifest's own sha256 is checked against `manifest`.sha256 first.
  VerifiedDirectory(const std::string& dir, const std::string& manifest, int version,
                    const std::string& kind, const std::string& origin,
                    const std::string& advice = "", bool self_hashed = false);

  const nlohmann::json& json() const noexcept { return json_; }
  const std::string& manifest_path() const noexcept { return manifest_path_; }
  /// dir/name.
  std::string path(const std::string& name) const;
  /// dir/name, once it is checked to exist and to match the manifest's sha256 (InputError).
  std::string verified(const std::string& name) const;
  /// The matrix in the verified .npy file `name`.
  arma::mat matrix(const std::string& name) const;

  /// Runs `read` (which reads fields of json()), turning a missing or mistyped field into an
  /// InputError naming the manifest.
  template <class Read>
  auto fields(Read&& read) const -> decltype(read()) {
    try {
      return read();
    } catch (const nlohmann::json::exception& e) {
      field_error(e);
    }
  }

 private:
  [[noreturn]] void field_error(const nlohmann::json::exception& e) const;

  std::string dir_, manifest_path_, kind_;
  nlohmann::json json_;
};

}  // namespace tmkit::detail
