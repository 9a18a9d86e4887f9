// tm-infer: fold new documents into a fitted model (topics fixed) and, with a held-out half,
// report document-completion perplexity.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/inference.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace {

namespace cli = tmkit::cli;

const cli::AppHelp kHelp = {
    "tm-infer",
    "fold new documents into a fitted model: theta, gamma and each document's ELBO; with a "
    "held-out half, document-completion perplexity",
    "tm-infer --model DIR --corpus PATH --out THETA [options]",
    "  tm-infer --model kjv-model --corpus new.txt --out theta.npy      raw text, one doc per "
    "line\n"
    "  tm-infer --model kjv-model --corpus docword.new.txt --split 1 --out theta.npy\n"
    "                                  split each document 50/50, score the held-out half\n"
    "  tm-infer --model m --corpus observed.ldac --heldout heldout.ldac --vocab vocab.txt --out "
    "t.npy\n"};

// "theta.npy" -> "theta.gamma.npy"; "theta.txt" -> "theta.gamma.txt".
std::string companion(const std::string& out, const std::string& tag, const std::string& ext) {
  const std::filesystem::path path(out);
  return (path.parent_path() / (path.stem().string() + "." + tag + ext)).string();
}

std::string vector_text(const arma::vec& values) {
  std::string text;
  for (double v : values) text += tmkit::format_double(v) + "\n";
  return text;
}

void report_unknown(const char* what, const tmkit::VocabularyMapping& mapping) {
  if (mapping.n_unknown_tokens == 0) return;
  std::printf(
      "%s: %llu of %llu tokens (%zu distinct words) are not in the model's vocabulary and "
      "were left out",
      what, static_cast<unsigned long long>(mapping.n_unknown_tokens),
      static_cast<unsigned long long>(mapping.n_tokens), mapping.n_unknown_words);
  if (!mapping.unknown_words.empty()) {
    std::printf("; most frequent:");
    for (std::size_t i = 0; i < std::min<std::size_t>(8, mapping.unknown_words.size()); ++i) {
      std::printf(" %s (%llu)", mapping.unknown_words[i].first.c_str(),
                  static_cast<unsigned long long>(mapping.unknown_words[i].second));
    }
  }
  std::printf("\n");
}

int infer_main(int argc, char** argv) {
  namespace po = cli::po;
  int threads = 0;
  bool quiet = false;
  cli::CorpusOptionValues corpus_values;
  std::string model_dir, out, gamma_out, elbo_out, heldout_path;
  std::uint64_t split_seed = 0;
  double estep_tol = 0;
  std::size_t estep_max_iter = 0;
  po::options_description options("Options");
  cli::add_common_options(options, threads, quiet);
  options.add_options()("model,m", po::value<std::string>(&model_dir)->required(),
                        "model directory written by tm-fit")(
      "out,o", po::value<std::string>(&out)->required(),
      "theta, D x K, rows sum to 1 (.npy, or text for any other name)")(
      "gamma-out", po::value<std::string>(&gamma_out),
      "gamma, D x K (default: OUT's name with .gamma before the extension)")(
      "elbo-out", po::value<std::string>(&elbo_out),
      "each document's ELBO, one per line (default: OUT's name with .elbo, text)")(
      "heldout", po::value<std::string>(&heldout_path),
      "the held-out halves of the same documents (same format rules as --corpus): report "
      "document-completion perplexity")(
      "split", po::value<std::uint64_t>(&split_seed),
      "split each document's tokens 50/50 at random with this seed; theta from one half, "
      "perplexity of the other")(
      "estep-tol", po::value<double>(&estep_tol),
      "per-document stop: mean |change of gamma| below this (default: the model's)")(
      "estep-max-iter", po::value<std::size_t>(&estep_max_iter),
      "per-document updates at most (default: the model's)");
  cli::add_corpus_options(options, corpus_values);
  po::variables_map vm;
  if (!cli::parse(argc, argv, options, kHelp, vm)) return cli::kExitOk;
  if (vm.count("heldout") && vm.count("split")) {
    throw tmkit::UsageError("--heldout and --split: give one of them, not both");
  }
  if (gamma_out.empty())
    gamma_out = companion(out, "gamma", std::filesystem::path(out).extension().string());
  if (elbo_out.empty()) elbo_out = companion(out, "elbo", ".txt");
  const tmkit::SavedModel saved = tmkit::load_model(model_dir);
  const tmkit::CorpusReadOptions read_options =
      cli::corpus_options_for_model(vm, corpus_values, saved.corpus);
  tmkit::EstepOptions estep = tmkit::saved_estep_options(saved);
  if (vm.count("estep-tol")) estep.tol = estep_tol;
  if (vm.count("estep-max-iter")) estep.max_iter = estep_max_iter;
  if (estep.max_iter == 0) {
    throw tmkit::UsageError("--estep-max-iter: 0; expected at least 1 update per document");
  }
  if (!(estep.tol > 0) || !std::isfinite(estep.tol)) {
    throw tmkit::UsageError("--estep-tol: " + tmkit::format_shortest(estep.tol) +
                            "; expected a tolerance > 0");
  }

  // No output may replace an input (the model's own files, the corpus).
  std::vector<tmkit::InputPath> inputs = cli::corpus_inputs(corpus_values);
  inputs.push_back({"--model", model_dir});
  inputs.push_back({"--heldout", heldout_path});
  tmkit::check_output_file("--out", out, inputs);
  tmkit::check_output_file("--gamma-out", gamma_out, inputs);
  tmkit::check_output_file("--elbo-out", elbo_out, inputs);
  if (out == gamma_out || out == elbo_out || gamma_out == elbo_out) {
    throw tmkit::UsageError("--out, --gamma-out and --elbo-out name the same file; give three");
  }
  // Open every output first: an unwritable path fails before the work, and nothing is left
  // half-written (each file appears complete at the end, or not at all).
  tmkit::AtomicFile theta_file(out, true), gamma_file(gamma_out, true), elbo_file(elbo_out);

  tmkit::VocabularyMapping mapping, heldout_mapping;
  tmkit::Corpus corpus =
      tmkit::read_corpus_for_model(corpus_values.corpus, read_options, saved.vocab, &mapping);
  if (corpus.n_docs() == 0) {
    throw tmkit::InputError(corpus_values.corpus, "holds no documents; expected at least one");
  }
  std::optional<tmkit::Corpus> heldout;
  if (!heldout_path.empty()) {
    tmkit::CorpusReadOptions heldout_options = read_options;
    heldout_options.format = tmkit::CorpusFormat::automatic;
    heldout =
        tmkit::read_corpus_for_model(heldout_path, heldout_options, saved.vocab, &heldout_mapping);
    if (heldout->n_docs() != corpus.n_docs()) {
      throw tmkit::InputError(
          heldout_path, "holds " + std::to_string(heldout->n_docs()) + " documents; expected " +
                            std::to_string(corpus.n_docs()) + ", the halves of the documents in " +
                            corpus_values.corpus);
    }
  } else if (vm.count("split")) {
    tmkit::CompletionSplit split = tmkit::split_documents(corpus, split_seed);
    corpus = std::move(split.observed);
    heldout = std::move(split.heldout);
  }

  cli::Progress progress("tm-infer", quiet);
  const tmkit::WorkHooks hooks = cli::work_hooks(progress);
  // The model's own training documents (the same content as the fit saw): the gamma the fit
  // saved is the other candidate of each fold-in, which reproduces it (docs/math/inference.md).
  const bool training_documents = !heldout && corpus.n_docs() == saved.model.n_docs() &&
                                  corpus.fingerprint() == saved.corpus.fingerprint;
  const tmkit::Inference inference =
      tmkit::infer_documents(corpus, saved.model, estep, threads, hooks,
                             training_documents ? &saved.model.gamma : nullptr);
  progress.finish();

  tmkit::write_matrix(theta_file, inference.theta());
  tmkit::write_matrix(gamma_file, inference.gamma.t());
  elbo_file.stream() << vector_text(inference.elbo);
  theta_file.commit();
  gamma_file.commit();
  elbo_file.commit();

  double mean_iterations = 0;
  for (std::size_t n : inference.iterations) mean_iterations += static_cast<double>(n);
  mean_iterations /= static_cast<double>(corpus.n_docs());
  std::printf(
      "%zu documents (%llu tokens) folded into %s (K = %zu): %.1f E-step iterations per "
      "document, %zu not converged within %zu\n",
      corpus.n_docs(), static_cast<unsigned long long>(corpus.n_tokens()), model_dir.c_str(),
      saved.model.n_topics(), mean_iterations, inference.n_not_converged, estep.max_iter);
  if (training_documents) {
    std::printf(
        "these are the model's training documents: %zu of them keep the fit's gamma (a fresh "
        "fold-in found no better mode)\n",
        inference.n_kept_previous);
  }
  std::size_t wordless = 0;
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) wordless += corpus.doc(d).n_tokens() == 0;
  if (wordless > 0) {
    std::fprintf(
        stderr,
        "tm-infer: warning: %zu of %zu documents hold no word the model knows; their theta "
        "is the prior's mean and their ELBO 0: they say nothing%s\n",
        wordless, corpus.n_docs(),
        wordless == corpus.n_docs() ? " (none of the documents does: is this the right "
                                      "model, or the right tokenizer options?)"
                                    : "");
  }
  report_unknown("corpus", mapping);
  if (!heldout_path.empty()) report_unknown("held-out", heldout_mapping);
  std::printf(
      "ELBO of these documents given the topics (their terms of the bound, eq. 9 of "
      "docs/math/lda.md): %.10g\n",
      arma::accu(inference.elbo));
  if (heldout) {
    const tmkit::CompletionScore score = tmkit::score_heldout(
        tmkit::topic_word_distributions(saved.model), inference.gamma, *heldout, threads);
    std::printf(
        "document completion: %llu held-out tokens in %zu documents, log-likelihood "
        "%.10g nats (%.6f per token), perplexity %.6f\n",
        static_cast<unsigned long long>(score.n_tokens), score.n_documents, score.log_likelihood,
        score.per_token(), score.perplexity());
  }
  std::printf("theta written to %s, gamma to %s, per-document ELBO to %s\n", out.c_str(),
              gamma_out.c_str(), elbo_out.c_str());
  return cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return cli::run("tm-infer", argc, argv, infer_main); }
