#include "tmkit/lda/checkpoint.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "detail/verified_directory.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/interrupt.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/sha256.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Doubles go through JSON exactly (nlohmann writes the shortest round-trip form); non-finite ones,
// which JSON lacks, as strings.
json number(double value) {
  if (std::isfinite(value)) return value;
  return format_double(value);
}
double to_double(const json& j) {
  if (j.is_number()) return j.get<double>();
  const std::string text = j.get<std::string>();
  if (text == "inf") return HUGE_VAL;
  if (text == "-inf") return -HUGE_VAL;
  return std::nan("");
}

json line_to_json(const PassReport& line) {
  return json::array({line.pass, number(line.elbo), number(line.relative_change),
                      number(line.seconds), number(line.mean_estep_iterations), line.after_move,
                      line.fold_in, number(line.heldout_perplexity), line.join});
}
PassReport line_from_json(const json& j) {
  PassReport line;
  line.pass = j.at(0).get<std::size_t>();
  line.elbo = to_double(j.at(1));
  line.relative_change = to_double(j.at(2));
  line.seconds = to_double(j.at(3));
  line.mean_estep_iterations = to_double(j.at(4));
  line.after_move = j.at(5).get<bool>();
  line.fold_in = j.at(6).get<bool>();
  line.heldout_perplexity = to_double(j.at(7));
  line.join = j.size() > 8 && j.at(8).get<bool>();
  return line;
}
json lines_to_json(const std::vector<PassReport>& lines) {
  json out = json::array();
  for (const auto& line : lines) out.push_back(line_to_json(line));
  return out;
}
std::vector<PassReport> lines_from_json(const json& j) {
  std::vector<PassReport> out;
  for (const auto& line : j) out.push_back(line_from_json(line));
  return out;
}

json move_to_json(const MoveReport& m) {
  return json::array({m.split_topic, m.merge_keep, m.merge_drop, number(m.split_gain),
                      m.merge_by_words, number(m.elbo_before), number(m.elbo_after), m.passes,
                      m.accepted, number(m.heldout_before), number(m.heldout_after)});
}
MoveReport move_from_json(const json& j) {
  MoveReport m;
  m.split_topic = j.at(0).get<std::size_t>();
  m.merge_keep = j.at(1).get<std::size_t>();
  m.merge_drop = j.at(2).get<std::size_t>();
  m.split_gain = to_double(j.at(3));
  m.merge_by_words = j.at(4).get<bool>();
  m.elbo_before = to_double(j.at(5));
  m.elbo_after = to_double(j.at(6));
  m.passes = j.at(7).get<std::size_t>();
  m.accepted = j.at(8).get<bool>();
  if (j.size() > 10) {
    m.heldout_before = to_double(j.at(9));
    m.heldout_after = to_double(j.at(10));
  }
  return m;
}

const char* phase_name(BatchProgress::Phase phase) {
  switch (phase) {
    case BatchProgress::Phase::warmup:
      return "warmup";
    case BatchProgress::Phase::main:
      return "main";
    case BatchProgress::Phase::moves:
      return "moves";
    case BatchProgress::Phase::finishing:
      return "finishing";
    case BatchProgress::Phase::final:
      return "final";
    case BatchProgress::Phase::fold_in:
      return "fold_in";
    case BatchProgress::Phase::done:
      break;
  }
  return "done";
}
BatchProgress::Phase phase_from(const std::string& name, const std::string& path) {
  for (auto phase :
       {BatchProgress::Phase::warmup, BatchProgress::Phase::main, BatchProgress::Phase::moves,
        BatchProgress::Phase::finishing, BatchProgress::Phase::final, BatchProgress::Phase::fold_in,
        BatchProgress::Phase::done}) {
    if (name == phase_name(phase)) return phase;
  }
  throw InputError(path, "phase \"" + name + "\" is unknown");
}

std::vector<std::string> files_of(const std::string& algorithm) {
  if (algorithm == "batch") return {"lambda.npy", "gamma.npy"};
  return {"lambda.npy"};
}

}  // namespace

void save_checkpoint(const std::string& dir, const Checkpoint& c) {
  const CommitDespiteStop written_because_stopped;  // a checkpoint is what a stop leaves
  AtomicDirectory out(dir);
  write_npy_file(out.file("lambda.npy"), c.model.lambda);
  if (c.algorithm == "batch") write_npy_file(out.file("gamma.npy"), c.model.gamma.t());
  json alpha = json::array();
  for (double a : c.model.alpha) alpha.push_back(number(a));
  json state;
  if (c.algorithm == "batch") {
    const BatchProgress& p = c.batch;
    json moves = json::array();
    for (const auto& m : p.moves) moves.push_back(move_to_json(m));
    state = {{"phase", phase_name(p.phase)},
             {"run_lines", lines_to_json(p.run_lines)},
             {"run_passes", p.run_passes},
             {"calm_passes", p.calm_passes},
             {"passes", p.passes},
             {"trace", lines_to_json(p.trace)},
             {"moves", moves},
             {"moves_left", p.moves_left},
             {"round_tried", p.round_tried},
             {"converged", p.converged},
             {"seconds", number(p.seconds)}};
  } else {
    const OnlineProgress& p = c.online;
    json row_sums = json::array();
    for (double v : p.lambda_m_row_sums) row_sums.push_back(number(v));
    if (!p.lambda_m.is_empty()) write_npy_file(out.file("lambda_m.npy"), p.lambda_m);
    state = {{"lambda_scale", number(p.lambda_scale)},
             {"lambda_offset", number(p.lambda_offset)},
             {"lambda_m_row_sums", row_sums},
             {"mid_pass", !p.lambda_m.is_empty()},
             {"updates", p.updates},
             {"passes", p.passes},
             {"next_doc", p.next_doc},
             {"pass_elbo", number(p.pass_elbo)},
             {"pass_iterations", number(p.pass_iterations)},
             {"trace", lines_to_json(p.trace)},
             {"seconds", number(p.seconds)}};
  }
  json files = json::object();
  for (const auto& name : files_of(c.algorithm)) files[name] = sha256_file(out.file(name));
  if (c.algorithm == "online" && !c.online.lambda_m.is_empty()) {
    files["lambda_m.npy"] = sha256_file(out.file("lambda_m.npy"));
  }
  const json j = {{"format_version", kCheckpointFormatVersion},
                  {"written_by", "tm-fit"},
                  {"tmkit_version", tmkit_version()},
                  {"algorithm", c.algorithm},
                  {"plan", json::parse(c.plan)},
                  {"corpus_fingerprint", c.corpus_fingerprint},
                  {"alpha", alpha},
                  {"eta", number(c.model.eta)},
                  {"state", state},
                  {"sha256", files}};
  const std::string text = j.dump(1) + "\n";
  write_file_atomically(out.file("checkpoint.json"), text);
  Sha256 hash;
  hash.update(text);
  write_file_atomically(out.file("checkpoint.json.sha256"), hash.hex_digest() + "\n");
  out.commit();
}

Checkpoint load_checkpoint(const std::string& dir) {
  const detail::VerifiedDirectory in(dir, "checkpoint.json", kCheckpointFormatVersion,
                                     "checkpoint directory", "one written by tm-fit",
                                     "a checkpoint of another tmkit version: start the fit again",
                                     /*self_hashed=*/true);
  const json& j = in.json();
  const std::string& json_path = in.manifest_path();
  Checkpoint c;
  in.fields([&] {
    c.algorithm = j.at("algorithm").get<std::string>();
    if (c.algorithm != "batch" && c.algorithm != "online") {
      throw InputError(json_path, "algorithm \"" + c.algorithm + "\" is unknown");
    }
    for (const auto& name : files_of(c.algorithm)) in.verified(name);
    c.plan = j.at("plan").dump();
    c.corpus_fingerprint = j.at("corpus_fingerprint").get<std::string>();
    c.model.lambda = read_npy_matrix(in.path("lambda.npy"));
    if (c.algorithm == "batch") c.model.gamma = read_npy_matrix(in.path("gamma.npy")).t();
    const json& alpha = j.at("alpha");
    c.model.alpha.set_size(alpha.size());
    for (std::size_t k = 0; k < alpha.size(); ++k) c.model.alpha[k] = to_double(alpha[k]);
    c.model.eta = to_double(j.at("eta"));
    if (c.model.alpha.n_elem != c.model.lambda.n_rows ||
        (c.algorithm == "batch" && c.model.gamma.n_rows != c.model.lambda.n_rows)) {
      throw InputError(json_path, "alpha, lambda and gamma disagree on the number of topics");
    }
    const json& s = j.at("state");
    if (c.algorithm == "batch") {
      BatchProgress& p = c.batch;
      p.phase = phase_from(s.at("phase").get<std::string>(), json_path);
      p.run_lines = lines_from_json(s.at("run_lines"));
      p.run_passes = s.at("run_passes").get<std::size_t>();
      p.calm_passes = s.at("calm_passes").get<std::size_t>();
      p.passes = s.at("passes").get<std::size_t>();
      p.trace = lines_from_json(s.at("trace"));
      for (const auto& m : s.at("moves")) p.moves.push_back(move_from_json(m));
      p.moves_left = s.at("moves_left").get<std::size_t>();
      p.round_tried = s.at("round_tried").get<std::size_t>();
      p.converged = s.at("converged").get<bool>();
      p.seconds = to_double(s.at("seconds"));
    } else {
      OnlineProgress& p = c.online;
      p.updates = s.at("updates").get<std::size_t>();
      p.passes = s.at("passes").get<std::size_t>();
      p.next_doc = s.at("next_doc").get<std::size_t>();
      p.pass_elbo = to_double(s.at("pass_elbo"));
      p.pass_iterations = to_double(s.at("pass_iterations"));
      p.trace = lines_from_json(s.at("trace"));
      p.seconds = to_double(s.at("seconds"));
      if (s.at("mid_pass").get<bool>()) {
        const std::string path = in.verified("lambda_m.npy");
        p.lambda_m = read_npy_matrix(path);
        p.lambda_scale = to_double(s.at("lambda_scale"));
        p.lambda_offset = to_double(s.at("lambda_offset"));
        const json& sums = s.at("lambda_m_row_sums");
        p.lambda_m_row_sums.set_size(sums.size());
        for (std::size_t k = 0; k < sums.size(); ++k) p.lambda_m_row_sums[k] = to_double(sums[k]);
        if (p.lambda_m.n_rows != c.model.lambda.n_rows ||
            p.lambda_m.n_cols != c.model.lambda.n_cols ||
            p.lambda_m_row_sums.n_elem != c.model.lambda.n_rows) {
          throw InputError(path, "does not have lambda's shape");
        }
      }
    }
  });
  return c;
}

}  // namespace tmkit
