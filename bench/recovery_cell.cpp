// recovery_cell: one cell of the recovery study (bench/recovery_study.py). Draws a corpus from LDA
// with known topics, fits it the way a user would (the library's defaults unless told otherwise),
// and prints one JSON line: the Hungarian-matched JS divergence between planted and fitted topics
// (mean and largest), passes, wall time and the fit's stopping rule.
// usage: recovery_cell key=value ...   (k v d length alpha eta corpus_seed seed algorithm passes
//                                       tol moves threads batch_size; fit_alpha refit_alpha
//                                       refit_moves; oracle=1; detail=1 moves_detail=1 dump=PREFIX)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>

#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/divergence/topic_matching.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_online.hpp"

namespace {

std::map<std::string, std::string> parse_arguments(int argc, char** argv) {
  std::map<std::string, std::string> values;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const auto equals = argument.find('=');
    if (equals == std::string::npos) throw std::invalid_argument("expected key=value: " + argument);
    values[argument.substr(0, equals)] = argument.substr(equals + 1);
  }
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto args = parse_arguments(argc, argv);
    const auto get = [&](const std::string& key, const std::string& fallback) {
      const auto it = args.find(key);
      return it == args.end() ? fallback : it->second;
    };
    tmkit::SyntheticSpec spec;
    spec.n_topics = std::stoul(get("k", "30"));
    spec.n_words = std::stoul(get("v", "5000"));
    spec.n_docs = std::stoul(get("d", "4500"));
    spec.mean_length = std::stod(get("length", "80"));
    spec.alpha = std::stod(get("alpha", "0.1"));
    spec.eta = std::stod(get("eta", "0.01"));
    spec.seed = std::stoull(get("corpus_seed", "1"));
    const tmkit::SyntheticCorpus drawn = tmkit::generate_lda_corpus(spec);

    tmkit::FitOptions options;
    options.n_topics = spec.n_topics;
    options.alpha = tmkit::AlphaOption::parse(get("fit_alpha", std::to_string(spec.alpha)));
    options.eta = tmkit::EtaOption::parse(get("fit_eta", std::to_string(spec.eta)));
    options.seed = std::stoull(get("seed", "1"));
    options.n_threads = std::stoi(get("threads", "0"));
    const std::string algorithm = get("algorithm", "batch");
    if (args.count("passes")) options.max_passes = std::stoul(get("passes", ""));
    if (args.count("tol")) options.tol = std::stod(get("tol", ""));
    if (args.count("min_split_gain")) options.min_split_gain = std::stod(get("min_split_gain", ""));
    if (args.count("warmup")) options.warmup_passes = std::stoul(get("warmup", ""));
    if (args.count("stop")) options.stop = tmkit::parse_stop_rule(get("stop", ""));
    if (args.count("patience")) options.patience = std::stoul(get("patience", ""));
    if (args.count("move_passes")) options.move_passes = std::stoul(get("move_passes", ""));
    if (args.count("moves")) options.max_moves = std::stoul(get("moves", ""));
    if (args.count("restart_period"))
      options.restart_period = std::stoul(get("restart_period", ""));
    if (args.count("restart_warmup"))
      options.restart_warmup = std::stoul(get("restart_warmup", ""));
    if (args.count("init")) options.init = tmkit::parse_init_method(get("init", ""));
    if (args.count("estep_tol")) options.estep.tol = std::stod(get("estep_tol", ""));

    const auto start = std::chrono::steady_clock::now();
    tmkit::LdaModel model;
    tmkit::FitReport report;
    if (algorithm == "online") {
      tmkit::OnlineOptions online;
      online.batch_size = std::stoul(get("batch_size", "256"));
      if (!args.count("passes")) options.max_passes = 20;
      tmkit::CorpusSource source(drawn.corpus);
      model = tmkit::initialize_online_model(source, options);
      tmkit::OnlineProgress progress;
      report = tmkit::fit_online(source, options, online, model, progress);
    } else {
      model = tmkit::initialize_model(drawn.corpus, options);
      if (get("oracle", "0") == "1") {
        // The planted topics as the start: where the fit ends from there is the floor that
        // sampling noise sets for this corpus.
        const double per_topic =
            static_cast<double>(drawn.corpus.n_tokens()) / static_cast<double>(spec.n_topics);
        const double blur = std::stod(get("oracle_blur", "0"));
        const double mix = std::stod(get("oracle_mix", "0"));
        arma::mat planted =
            drawn.topics * (1 - blur - mix) + blur / static_cast<double>(spec.n_words);
        if (mix > 0) {
          // each topic also takes a share of the next one's words
          planted += mix * arma::shift(drawn.topics, 1, 0);
        }
        model.lambda = planted * per_topic + model.eta;
      }
      report = tmkit::fit_batch(drawn.corpus, options, model);
      if (args.count("refit_alpha")) {
        // Further fits from where the first ended, under other alphas: refit_alpha=a2[:passes],...
        // (fit_alpha=0.3 refit_alpha=0.1: a fit at a flatter prior on theta, then at the corpus's).
        std::string list = get("refit_alpha", "");
        std::fprintf(stderr, "first: passes %zu elbo %.10g\n", report.passes, report.final_elbo);
        while (!list.empty()) {
          const std::string stage = list.substr(0, list.find(','));
          list = stage.size() < list.size() ? list.substr(stage.size() + 1) : "";
          const auto colon = stage.find(':');
          tmkit::FitOptions again = options;
          again.alpha = tmkit::AlphaOption::parse(stage.substr(0, colon));
          again.warmup_passes = 0;
          again.max_moves = std::stoul(get("refit_moves", "0"));
          if (colon != std::string::npos) {
            again.max_passes = std::stoul(stage.substr(colon + 1));
            again.stop = tmkit::StopRule::elbo;
            again.tol = 0;
          }
          model.alpha = again.alpha.initial(again.n_topics);
          report = tmkit::fit_batch(drawn.corpus, again, model);
          std::fprintf(stderr, "stage %s: passes %zu elbo %.10g\n", stage.c_str(), report.passes,
                       report.final_elbo);
        }
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    tmkit::LdaModel truth;
    truth.lambda = drawn.topics;
    const tmkit::TopicComparison match =
        tmkit::compare_topics(truth, model, {tmkit::Metric::js, false}, options.n_threads);
    double worst = 0;
    std::size_t over = 0;
    for (const double js : match.matched) {
      worst = std::max(worst, js);
      over += js > 0.05;
    }
    if (args.count("dump")) {
      tmkit::write_npy_file(get("dump", "") + "truth.npy", drawn.topics);
      tmkit::write_npy_file(get("dump", "") + "lambda.npy", model.lambda);
      tmkit::write_npy_file(get("dump", "") + "gamma.npy", model.gamma);
      tmkit::write_npy_file(get("dump", "") + "theta.npy", drawn.theta);
    }
    if (get("moves_detail", "0") == "1") {
      for (const auto& move : report.moves) {
        std::fprintf(stderr, "move gain %.3f pairs %zu %s elbo %+.3e heldout %+.3e\n",
                     move.split_gain, move.n_pairs, move.accepted ? "kept" : "rejected",
                     (move.elbo_after - move.elbo_before) / std::fabs(move.elbo_before),
                     move.heldout_after / move.heldout_before - 1);
      }
    }
    if (get("detail", "0") == "1") {
      for (const double js : match.matched) std::fprintf(stderr, "%.4f ", js);
      std::fprintf(stderr, "\n");
    }
    double heldout = -1;  // the stopping slice's last perplexity (-1: none monitored)
    for (const auto& line : report.trace) {
      if (std::isfinite(line.heldout_perplexity)) heldout = line.heldout_perplexity;
    }
    std::size_t kept_moves = 0;
    for (const auto& move : report.moves) kept_moves += move.accepted;
    std::printf(
        "{\"mean_js\": %.6f, \"max_js\": %.6f, \"topics_over_0.05\": %zu, \"passes\": %zu, "
        "\"seconds\": %.3f, \"elbo\": %.10g, \"moves_tried\": %zu, \"moves_kept\": %zu, "
        "\"tokens\": %llu, \"heldout_perplexity\": %.6g}\n",
        match.mean_matched, worst, over, report.passes, seconds, report.final_elbo,
        report.moves.size(), kept_moves, static_cast<unsigned long long>(drawn.corpus.n_tokens()),
        heldout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "recovery_cell: %s\n", e.what());
    return 2;
  }
}
