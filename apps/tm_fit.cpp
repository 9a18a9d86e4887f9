// tm-fit: fit a variational LDA model to a corpus and write the model directory.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/cli.hpp"
#include "tmkit/error.hpp"
#include "tmkit/io.hpp"
#include "tmkit/lda.hpp"
#include "tmkit/model_dir.hpp"
#include "tmkit/topics.hpp"

namespace {

const tmkit::cli::AppHelp kHelp = {
    "tm-fit", "fit a variational LDA topic model (batch VB) and write a model directory",
    "tm-fit --corpus PATH --out DIR -k K [options]",
    "  tm-fit --corpus corpora/kjv/docword.kjv.txt -k 20 --out kjv-model\n"
    "  tm-fit --corpus news.txt --columns id-label-text -k 50 --alpha auto --eta auto --out "
    "news-model\n"
    "  tm-fit --corpus docword.nips.txt -k 30 --passes 50 --tol 1e-6 --seed 7 --threads 4 --out "
    "nips\n"};

std::string pass_line(const tmkit::PassReport& line) {
  char buffer[160];
  std::snprintf(
      buffer, sizeof buffer, "%s %4zu  elbo %.6e  change %+.3e  %7.2fs%s",
      line.fold_in ? "fold" : line.after_move ? "move" : "pass", line.pass, line.elbo, line.relative_change, line.seconds,
      line.mean_estep_iterations > 0
          ? ("  (E-step " + std::to_string(static_cast<int>(line.mean_estep_iterations + 0.5)) +
             " it/doc)")
                .c_str()
          : "");
  return buffer;
}

int fit_main(int argc, char** argv) {
  namespace po = tmkit::cli::po;
  int threads = 0;
  bool quiet = false;
  tmkit::cli::CorpusOptionValues corpus_values;
  std::string out, alpha = "symmetric", eta = "symmetric", init = "spa";
  tmkit::FitOptions fit;
  std::size_t top = 10;
  std::string restart = "on";
  po::options_description options("Options");
  tmkit::cli::add_common_options(options, threads, quiet);
  options.add_options()("out,o", po::value<std::string>(&out)->required(),
                        "model directory to write (replaced only by a complete new model)")(
      "topics,k", po::value<std::size_t>(&fit.n_topics)->required(), "number of topics K (1..V)")(
      "alpha", po::value<std::string>(&alpha)->default_value("symmetric"),
      "prior on document topics: a number, symmetric (1/K), asymmetric (gensim's 1/(k+sqrt K)), "
      "auto (learn a vector), auto-symmetric (learn one value)")(
      "eta", po::value<std::string>(&eta)->default_value("symmetric"),
      "prior on topic words: a number, symmetric (1/K), auto (learn)")(
      "passes", po::value<std::size_t>(&fit.max_passes)->default_value(fit.max_passes),
      "most passes (E-step + M-step), merge-split trials included")(
      "tol", po::value<double>(&fit.tol)->default_value(fit.tol),
      "converged when the relative ELBO change stays below this ...")(
      "patience", po::value<std::size_t>(&fit.patience)->default_value(fit.patience),
      "... for this many passes in a row")(
      "estep-tol", po::value<double>(&fit.estep.tol)->default_value(fit.estep.tol),
      "per-document stop: mean |change of gamma| below this")(
      "estep-max-iter",
      po::value<std::size_t>(&fit.estep.max_iter)->default_value(fit.estep.max_iter),
      "per-document updates at most")(
      "estep-restart", po::value<std::string>(&restart)->default_value("on"),
      "also fit each document from the neutral start and keep the better (on|off)")(
      "restart-warmup",
      po::value<std::size_t>(&fit.restart_warmup)->default_value(fit.restart_warmup),
      "passes in which every document restarts")(
      "restart-period",
      po::value<std::size_t>(&fit.restart_period)->default_value(fit.restart_period),
      "afterwards, each document restarts every this many passes")(
      "init", po::value<std::string>(&init)->default_value("spa"),
      "starting topics: spa (seed documents by successive projections) or random (as gensim, "
      "sklearn)")("moves", po::value<std::size_t>(&fit.max_moves)->default_value(fit.max_moves),
                  "merge-split proposals to try after convergence (0: none)")(
      "seed", po::value<std::uint64_t>(&fit.seed)->default_value(fit.seed), "random seed")(
      "top", po::value<std::size_t>(&top)->default_value(10), "top words per topic in the summary");
  tmkit::cli::add_corpus_options(options, corpus_values);
  po::variables_map vm;
  if (!tmkit::cli::parse(argc, argv, options, kHelp, vm)) return tmkit::cli::kExitOk;
  fit.alpha = tmkit::AlphaOption::parse(alpha);
  fit.eta = tmkit::EtaOption::parse(eta);
  fit.init = tmkit::parse_init_method(init);
  fit.n_threads = threads;
  if (restart != "on" && restart != "off") {
    throw tmkit::UsageError("--estep-restart: \"" + restart + "\"; expected on or off");
  }
  fit.estep.restart = restart == "on";
  if (fit.restart_period == 0) throw tmkit::UsageError("--restart-period: 0; expected at least 1");
  if (threads < 0)
    throw tmkit::UsageError("--threads: " + std::to_string(threads) + "; expected 0 or more");
  const tmkit::CorpusReadOptions read_options = tmkit::cli::finish_corpus_options(corpus_values);

  // Open the output first, so that an unwritable path fails before the fit, not after it.
  tmkit::AtomicDirectory output(out);
  tmkit::cli::install_interrupt_handler();

  tmkit::TextImportReport text_report;
  const tmkit::Corpus corpus = tmkit::read_corpus(corpus_values.corpus, read_options, &text_report);
  tmkit::validate_fit_options(corpus, fit);
  tmkit::cli::Progress progress("tm-fit", quiet);
  progress.line("tm-fit: " + std::to_string(corpus.n_docs()) + " documents, " +
                std::to_string(corpus.n_words()) + " words, " + std::to_string(corpus.n_tokens()) +
                " tokens; K = " + std::to_string(fit.n_topics));
  tmkit::FitCallbacks callbacks;
  callbacks.on_pass = [&](const tmkit::PassReport& line) { progress.line(pass_line(line)); };
  callbacks.on_move = [&](const tmkit::MoveReport& move) {
    char buffer[200];
    std::snprintf(buffer, sizeof buffer,
                  "try  merge %zu+%zu, split %zu (gain %.2f nats/token): elbo %.6e -> %.6e after "
                  "%zu passes, %s",
                  move.merge_keep, move.merge_drop, move.split_topic, move.split_gain,
                  move.elbo_before, move.elbo_after, move.passes,
                  move.accepted ? "kept" : "rejected");
    progress.line(buffer);
  };
  callbacks.on_progress = [&](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  callbacks.stop_requested = [] { return tmkit::cli::interrupt_requested(); };

  tmkit::LdaModel model = tmkit::initialize_model(corpus, fit);
  const tmkit::FitReport report = tmkit::fit_batch(corpus, fit, model, callbacks);
  progress.finish();
  if (tmkit::cli::interrupt_requested()) throw tmkit::Interrupted("interrupted");

  std::vector<tmkit::TopicSummary> topics = tmkit::summarize_topics(model, top);
  tmkit::compute_coherence(corpus, topics);
  const std::string table = tmkit::format_topics(topics, corpus.vocab());

  tmkit::SavedModel saved;
  saved.model = model;
  saved.vocab = corpus.vocab();
  saved.doc_ids = corpus.doc_ids();
  saved.labels = corpus.labels();
  saved.corpus.path = std::filesystem::absolute(corpus_values.corpus).string();
  saved.corpus.vocab_path =
      corpus_values.vocab.empty() ? "" : std::filesystem::absolute(corpus_values.vocab).string();
  saved.corpus.format = tmkit::format_name(read_options.format == tmkit::CorpusFormat::automatic
                                               ? tmkit::detect_corpus_format(corpus_values.corpus)
                                               : read_options.format);
  saved.corpus.fingerprint = corpus.fingerprint();
  saved.corpus.n_tokens = corpus.n_tokens();
  saved.options_json = tmkit::options_to_json(fit);
  saved.seed = fit.seed;
  saved.passes = report.passes;
  saved.converged = report.converged;
  saved.final_elbo = report.final_elbo;
  saved.seconds = report.seconds;
  tmkit::save_model(output, saved, report.trace, table);
  if (tmkit::cli::interrupt_requested()) throw tmkit::Interrupted("interrupted");
  output.commit();

  std::size_t kept = 0;
  for (const auto& move : report.moves) kept += move.accepted;
  std::printf(
      "%zu topics fitted to %zu documents (%llu tokens, %zu words) in %zu passes, %.1f s: %s\n",
      fit.n_topics, corpus.n_docs(), static_cast<unsigned long long>(corpus.n_tokens()),
      corpus.n_words(), report.passes, report.seconds,
      report.converged ? "converged" : "NOT converged (raise --passes or --tol)");
  std::printf("ELBO %.10g (%.4f per token); merge-split moves kept %zu of %zu tried\n",
              report.final_elbo, report.final_elbo / static_cast<double>(corpus.n_tokens()), kept,
              report.moves.size());
  if (!text_report.dropped_documents.empty()) {
    std::printf("%zu documents left empty by the tokenizer were dropped\n",
                text_report.dropped_documents.size());
  }
  std::printf("model written to %s\n\n%s", out.c_str(), table.c_str());
  return tmkit::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-fit", argc, argv, fit_main); }
