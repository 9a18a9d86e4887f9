#include "tmkit/lda/model_dir.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "detail/read_options_json.hpp"
#include "detail/verified_directory.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/sha256.hpp"
#include "tmkit/io/svg.hpp"

#ifndef TMKIT_VERSION
#define TMKIT_VERSION "unknown"
#endif

namespace tmkit {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const kHashedFiles[] = {"lambda.npy", "gamma.npy", "vocab.txt", "docs.tsv",
                                    "elbo.csv",   "elbo.svg",  "topics.txt"};

// Optional: written by tmkit 0.1's tm-fit from this file on; older model directories lack it.
const char* const kTermFrequencyFile = "term_frequency.npy";

std::string join_path(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}

// JSON cannot hold inf/nan; tmkit writes them as strings, as its text outputs do.
json number(double value) {
  if (std::isfinite(value)) return value;
  return format_double(value);
}

json corpus_json(const CorpusRecord& c) {
  json j = {{"path", c.path},
            {"vocab_path", c.vocab_path},
            {"format", c.format},
            {"fingerprint", c.fingerprint},
            {"n_tokens", c.n_tokens}};
  if (c.has_text_options) j["text"] = detail::text_options_json(c.text_options);
  return j;
}

std::string elbo_csv(const std::vector<PassReport>& trace) {
  // heldout_perplexity is empty on lines where none was computed.
  std::string out =
      "pass,elbo,relative_change,seconds,mean_estep_iterations,event,heldout_perplexity\n";
  for (const auto& line : trace) {
    out += std::to_string(line.pass) + "," + format_double(line.elbo) + "," +
           format_double(line.relative_change) + "," + format_double(line.seconds) + "," +
           format_double(line.mean_estep_iterations) + "," +
           (line.fold_in      ? "fold-in"
            : line.join       ? "join"
            : line.after_move ? "move"
                              : "pass") +
           "," +
           (std::isnan(line.heldout_perplexity) ? std::string()
                                                : format_double(line.heldout_perplexity)) +
           "\n";
  }
  return out;
}

std::string elbo_svg(const std::vector<PassReport>& trace) {
  LineChart chart;
  chart.title = "ELBO by pass";
  chart.x_label = "pass (M-steps, warm-up and merge-split trials included)";
  chart.y_label = "ELBO (nats)";
  chart.mark_legend = "state reached by a kept merge-split move";
  LineSeries series;
  series.name = "ELBO";
  // Without the first line (the initial state's bound would flatten the rest of the curve) and
  // the join and fold-in lines (sums over more documents than the passes fitted).
  for (const auto& line : trace) {
    if ((&line == &trace.front() && trace.size() > 1) || line.fold_in || line.join) continue;
    series.x.push_back(static_cast<double>(line.pass));
    series.y.push_back(line.elbo);
    series.marked.push_back(line.after_move);
  }
  chart.series.push_back(std::move(series));
  return render_line_chart(chart);
}

void check_matrix(const arma::mat& m, const std::string& path, const char* what) {
  for (std::size_t i = 0; i < m.n_elem; ++i) {
    if (!std::isfinite(m[i]) || !(m[i] > 0)) {
      throw InputError(path, std::string(what) + " holds " + format_double(m[i]) +
                                 "; expected finite positive Dirichlet parameters");
    }
  }
}

}  // namespace

std::string tmkit_version() { return TMKIT_VERSION; }

namespace {
constexpr Named<AlphaOption::Kind> kAlphaKinds[] = {
    {AlphaOption::Kind::symmetric, "symmetric"},
    {AlphaOption::Kind::asymmetric, "asymmetric"},
    {AlphaOption::Kind::learn, "auto"},
    {AlphaOption::Kind::learn_symmetric, "auto-symmetric"}};
}  // namespace

std::string options_to_json(const FitOptions& o) {
  json j = {{"n_topics", o.n_topics},
            {"alpha", {{"kind", name_of(kAlphaKinds, o.alpha.kind)}, {"value", o.alpha.value}}},
            {"eta", {{"learn", o.eta.learn}, {"value", o.eta.value}}},
            {"max_passes", o.max_passes},
            {"stop", stop_rule_name(o.stop)},
            {"tol", o.tol},
            {"patience", o.patience},
            {"heldout_tol", o.heldout_tol},
            {"heldout_patience", o.heldout_patience},
            {"warmup_passes", o.warmup_passes},
            {"move_tol", o.move_tol},
            {"estep_tol", o.estep.tol},
            {"estep_max_iter", o.estep.max_iter},
            {"estep_restart", o.estep.restart},
            {"restart_warmup", o.restart_warmup},
            {"restart_period", o.restart_period},
            {"fold_in_gamma", o.fold_in_gamma},
            {"init", init_method_name(o.init)},
            {"max_moves", o.max_moves},
            {"min_split_gain", o.min_split_gain},
            {"move_passes", o.move_passes},
            {"seed", o.seed}};
  return j.dump();
}

FitOptions options_from_json(const std::string& text) {
  const json j = json::parse(text);
  FitOptions o;
  o.n_topics = j.at("n_topics").get<std::size_t>();
  o.alpha.kind = parse_named(kAlphaKinds, j.at("alpha").at("kind").get<std::string>(), "alpha",
                             "a kind of prior");
  o.alpha.value = j.at("alpha").at("value").get<double>();
  o.eta.learn = j.at("eta").at("learn").get<bool>();
  o.eta.value = j.at("eta").at("value").get<double>();
  o.max_passes = j.at("max_passes").get<std::size_t>();
  o.stop = parse_stop_rule(j.at("stop").get<std::string>());
  o.tol = j.at("tol").get<double>();
  o.patience = j.at("patience").get<std::size_t>();
  o.heldout_tol = j.at("heldout_tol").get<double>();
  o.heldout_patience = j.at("heldout_patience").get<std::size_t>();
  o.warmup_passes = j.at("warmup_passes").get<std::size_t>();
  o.move_tol = j.at("move_tol").get<double>();
  o.estep.tol = j.at("estep_tol").get<double>();
  o.estep.max_iter = j.at("estep_max_iter").get<std::size_t>();
  o.estep.restart = j.at("estep_restart").get<bool>();
  o.restart_warmup = j.at("restart_warmup").get<std::size_t>();
  o.restart_period = j.at("restart_period").get<std::size_t>();
  o.fold_in_gamma = j.at("fold_in_gamma").get<bool>();
  o.init = parse_init_method(j.at("init").get<std::string>());
  o.max_moves = j.at("max_moves").get<std::size_t>();
  o.min_split_gain = j.at("min_split_gain").get<double>();
  o.move_passes = j.at("move_passes").get<std::size_t>();
  o.seed = j.at("seed").get<std::uint64_t>();
  return o;
}

EstepOptions saved_estep_options(const SavedModel& saved) {
  EstepOptions estep;
  const json options = json::parse(saved.options_json, nullptr, /*allow_exceptions=*/false);
  if (!options.is_object()) return estep;
  if (options.contains("estep_tol") && options["estep_tol"].is_number())
    estep.tol = options["estep_tol"].get<double>();
  if (options.contains("estep_max_iter") && options["estep_max_iter"].is_number_unsigned())
    estep.max_iter = options["estep_max_iter"].get<std::size_t>();
  return estep;
}

void save_model(const std::string& dir, const SavedModel& saved,
                const std::vector<PassReport>& trace, const std::string& topics_text) {
  AtomicDirectory out(dir);
  save_model(out, saved, trace, topics_text);
  out.commit();
}

void save_model(AtomicDirectory& out, const SavedModel& saved, const std::vector<PassReport>& trace,
                const std::string& topics_text) {
  const LdaModel& model = saved.model;
  const bool streamed = saved.streamed_docs > 0;
  if (saved.vocab.size() != model.n_words() ||
      (!streamed && saved.doc_ids.size() != model.n_docs())) {
    throw UsageError("save_model: vocabulary or document ids do not match the model's shape");
  }
  write_npy_file(out.file("lambda.npy"), model.lambda);  // K x V
  std::string vocab;
  for (const auto& word : saved.vocab) vocab += word + "\n";
  write_file_atomically(out.file("vocab.txt"), vocab);
  if (!streamed) {
    write_npy_file(out.file("gamma.npy"), model.gamma.t());  // D x K
    std::string docs;
    for (std::size_t d = 0; d < saved.doc_ids.size(); ++d) {
      docs +=
          saved.doc_ids[d] + "\t" + (saved.labels.empty() ? std::string() : saved.labels[d]) + "\n";
    }
    write_file_atomically(out.file("docs.tsv"), docs);
  }
  write_file_atomically(out.file("elbo.csv"), elbo_csv(trace));
  write_file_atomically(out.file("elbo.svg"), elbo_svg(trace));
  write_file_atomically(out.file("topics.txt"), topics_text);
  json files = json::object();
  for (const char* name : kHashedFiles) files[name] = sha256_file(out.file(name));
  if (!saved.term_frequency.is_empty()) {
    if (saved.term_frequency.n_elem != model.n_words()) {
      throw UsageError("save_model: term frequencies do not match the vocabulary");
    }
    AtomicFile file(out.file(kTermFrequencyFile), /*binary=*/true);
    write_npy(file.stream(), saved.term_frequency.memptr(), {saved.term_frequency.n_elem});
    file.commit();
    files[kTermFrequencyFile] = sha256_file(out.file(kTermFrequencyFile));
  }
  json alpha = json::array();
  for (double a : model.alpha) alpha.push_back(number(a));
  json j = {{"format_version", kModelFormatVersion},
            {"written_by", "tm-fit"},
            {"tmkit_version", tmkit_version()},
            {"K", model.n_topics()},
            {"V", model.n_words()},
            {"D", streamed ? saved.streamed_docs : model.n_docs()},
            {"alpha", alpha},
            {"eta", number(model.eta)},
            {"algorithm", saved.algorithm},
            {"options", json::parse(saved.options_json)},
            {"seed", saved.seed},
            {"passes", saved.passes},
            {"converged", saved.converged},
            {"final_elbo", number(saved.final_elbo)},
            {"seconds", number(saved.seconds)},
            {"corpus", corpus_json(saved.corpus)},
            {"sha256", files}};
  if (!saved.umass.empty()) {
    json umass = json::array(), npmi = json::array();
    for (double u : saved.umass) umass.push_back(number(u));
    for (double n : saved.npmi) npmi.push_back(number(n));
    j["coherence"] = {{"umass", umass}, {"npmi", npmi}};
  }
  write_file_atomically(out.file("model.json"), j.dump(2) + "\n");
}

CorpusReadOptions read_options_for_model(CorpusReadOptions options, bool text_options_given,
                                         const CorpusRecord& fitted) {
  if (!fitted.has_text_options || text_options_given) return options;
  options.columns = fitted.text_options.columns;
  options.tokenizer = fitted.text_options.tokenizer;
  options.vocabulary = fitted.text_options.vocabulary;
  options.keep_empty = fitted.text_options.keep_empty;
  return options;
}

SavedModel load_model(const std::string& dir) {
  const detail::VerifiedDirectory in(dir, "model.json", kModelFormatVersion, "model directory",
                                     "the output of tm-fit");
  for (const char* name : kHashedFiles) in.verified(name);
  const json& j = in.json();
  const std::string& json_path = in.manifest_path();
  SavedModel saved;
  in.fields([&] {
    const auto n_topics = j.at("K").get<std::size_t>();
    const auto n_words = j.at("V").get<std::size_t>();
    const auto n_docs = j.at("D").get<std::size_t>();
    const std::string lambda_path = join_path(dir, "lambda.npy");
    const std::string gamma_path = join_path(dir, "gamma.npy");
    saved.model.lambda = read_npy_matrix(lambda_path);
    if (saved.model.lambda.n_rows != n_topics || saved.model.lambda.n_cols != n_words) {
      throw InputError(lambda_path, "has shape (" + std::to_string(saved.model.lambda.n_rows) +
                                        ", " + std::to_string(saved.model.lambda.n_cols) +
                                        "); expected (K, V) = (" + std::to_string(n_topics) + ", " +
                                        std::to_string(n_words) + ")");
    }
    const arma::mat gamma = read_npy_matrix(gamma_path);
    if (gamma.n_rows != n_docs || gamma.n_cols != n_topics) {
      throw InputError(gamma_path, "has shape (" + std::to_string(gamma.n_rows) + ", " +
                                       std::to_string(gamma.n_cols) + "); expected (D, K) = (" +
                                       std::to_string(n_docs) + ", " + std::to_string(n_topics) +
                                       ")");
    }
    saved.model.gamma = gamma.t();
    check_matrix(saved.model.lambda, lambda_path, "lambda");
    check_matrix(saved.model.gamma, gamma_path, "gamma");
    const auto& alpha = j.at("alpha");
    if (!alpha.is_array() || alpha.size() != n_topics) {
      throw InputError(json_path,
                       "alpha must be a list of K = " + std::to_string(n_topics) + " numbers");
    }
    saved.model.alpha.set_size(n_topics);
    for (std::size_t k = 0; k < n_topics; ++k) {
      if (!alpha[k].is_number()) throw InputError(json_path, "alpha holds a non-number");
      saved.model.alpha[k] = alpha[k].get<double>();
    }
    if (!j.at("eta").is_number()) throw InputError(json_path, "eta is not a number");
    saved.model.eta = j.at("eta").get<double>();
    if (!saved.model.alpha.is_finite() || saved.model.alpha.min() <= 0 ||
        !std::isfinite(saved.model.eta) || saved.model.eta <= 0) {
      throw InputError(json_path, "alpha and eta must be finite and positive");
    }
    if (j.at("sha256").contains(kTermFrequencyFile)) {
      const std::string path = in.verified(kTermFrequencyFile);
      const arma::mat counts = read_npy_matrix(path);
      if (counts.n_elem != n_words || !counts.is_finite() || counts.min() < 0) {
        throw InputError(path, "holds " + std::to_string(counts.n_elem) + " values; expected V = " +
                                   std::to_string(n_words) + " finite non-negative counts");
      }
      saved.term_frequency = arma::vectorise(counts);
    }
    if (j.contains("coherence")) {
      // Numbers, or "nan" where a topic's coherence is undefined (format_double's spelling).
      const auto read_list = [&](const char* name) {
        std::vector<double> values;
        const auto& list = j.at("coherence").at(name);
        if (!list.is_array() || list.size() != n_topics) {
          throw InputError(json_path, std::string("coherence.") + name + " must be a list of K = " +
                                          std::to_string(n_topics) + " numbers");
        }
        for (const auto& v : list) values.push_back(v.is_number() ? v.get<double>() : std::nan(""));
        return values;
      };
      saved.umass = read_list("umass");
      saved.npmi = read_list("npmi");
    }
    saved.vocab = read_lines(join_path(dir, "vocab.txt"));
    if (saved.vocab.size() != n_words) {
      throw InputError(join_path(dir, "vocab.txt"),
                       "has " + std::to_string(saved.vocab.size()) +
                           " words; expected V = " + std::to_string(n_words));
    }
    const auto docs = read_lines(join_path(dir, "docs.tsv"));
    if (docs.size() != n_docs) {
      throw InputError(
          join_path(dir, "docs.tsv"),
          "has " + std::to_string(docs.size()) + " lines; expected D = " + std::to_string(n_docs));
    }
    for (const auto& line : docs) {
      const std::size_t tab = line.find('\t');
      saved.doc_ids.push_back(line.substr(0, tab));
      saved.labels.push_back(tab == std::string::npos ? std::string() : line.substr(tab + 1));
    }
    saved.algorithm = j.at("algorithm").get<std::string>();
    saved.options_json = j.at("options").dump();
    saved.seed = j.at("seed").get<std::uint64_t>();
    saved.passes = j.at("passes").get<std::size_t>();
    saved.converged = j.at("converged").get<bool>();
    saved.final_elbo =
        j.at("final_elbo").is_number() ? j.at("final_elbo").get<double>() : std::nan("");
    saved.seconds = j.at("seconds").is_number() ? j.at("seconds").get<double>() : 0.0;
    saved.tmkit_version = j.at("tmkit_version").get<std::string>();
    const auto& corpus = j.at("corpus");
    saved.corpus.path = corpus.at("path").get<std::string>();
    saved.corpus.vocab_path = corpus.at("vocab_path").get<std::string>();
    saved.corpus.format = corpus.at("format").get<std::string>();
    saved.corpus.fingerprint = corpus.at("fingerprint").get<std::string>();
    saved.corpus.n_tokens = corpus.at("n_tokens").get<std::uint64_t>();
    if (corpus.contains("text")) {
      saved.corpus.has_text_options = true;
      detail::read_text_options(corpus.at("text"), saved.corpus.text_options);
    }
  });
  return saved;
}

}  // namespace tmkit
