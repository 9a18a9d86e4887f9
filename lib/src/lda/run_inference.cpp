#include "tmkit/lda/run_inference.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/matrix_io.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/inference.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit {
namespace {

// "theta.npy" -> "theta.gamma.npy"; "theta.txt" -> "theta.gamma.txt".
std::string companion(const std::string& out, const std::string& tag, const std::string& ext) {
  const std::filesystem::path path(out);
  return (path.parent_path() / (path.stem().string() + "." + tag + ext)).string();
}

std::string vector_text(const arma::vec& values) {
  std::string text;
  for (double v : values) text += format_double(v) + "\n";
  return text;
}

std::string unknown_words(const char* what, const VocabularyMapping& mapping) {
  if (mapping.n_unknown_tokens == 0) return "";
  std::string text = format_text(
      "%s: %llu of %llu tokens (%zu distinct words) are not in the model's vocabulary and were "
      "left out",
      what, static_cast<unsigned long long>(mapping.n_unknown_tokens),
      static_cast<unsigned long long>(mapping.n_tokens), mapping.n_unknown_words);
  if (!mapping.unknown_words.empty()) {
    text += "; most frequent:";
    for (std::size_t i = 0; i < std::min<std::size_t>(8, mapping.unknown_words.size()); ++i) {
      text += format_text(" %s (%llu)", mapping.unknown_words[i].first.c_str(),
                          static_cast<unsigned long long>(mapping.unknown_words[i].second));
    }
  }
  return text + "\n";
}

EstepOptions estep_of(const InferencePlan& plan, const SavedModel& saved) {
  EstepOptions estep = saved_estep_options(saved);
  if (plan.estep_tol) estep.tol = *plan.estep_tol;
  if (plan.estep_max_iter) estep.max_iter = *plan.estep_max_iter;
  if (estep.max_iter == 0) {
    throw OptionError("estep-max-iter", "0; expected at least 1 update per document");
  }
  if (!(estep.tol > 0) || !std::isfinite(estep.tol)) {
    throw OptionError("estep-tol", format_shortest(estep.tol) + "; expected a tolerance > 0");
  }
  return estep;
}

// The documents to fold in and, when asked for, their held-out halves.
struct Documents {
  Corpus corpus;
  std::optional<Corpus> heldout;
  VocabularyMapping mapping, heldout_mapping;
};

Documents read_documents(const InferencePlan& plan, const SavedModel& saved) {
  const CorpusReadOptions read =
      read_options_for_model(plan.read, plan.text_options_given, saved.corpus);
  Documents docs;
  docs.corpus = read_corpus_for_model(plan.corpus, read, saved.vocab, &docs.mapping);
  if (docs.corpus.n_docs() == 0) {
    throw InputError(plan.corpus, "holds no documents; expected at least one");
  }
  if (!plan.heldout.empty()) {
    CorpusReadOptions heldout_read = read;
    heldout_read.format = CorpusFormat::automatic;
    docs.heldout =
        read_corpus_for_model(plan.heldout, heldout_read, saved.vocab, &docs.heldout_mapping);
    if (docs.heldout->n_docs() != docs.corpus.n_docs()) {
      throw InputError(plan.heldout, "holds " + std::to_string(docs.heldout->n_docs()) +
                                         " documents; expected " +
                                         std::to_string(docs.corpus.n_docs()) +
                                         ", the halves of the documents in " + plan.corpus);
    }
  } else if (plan.split_seed) {
    CompletionSplit split = split_documents(docs.corpus, *plan.split_seed);
    docs.corpus = std::move(split.observed);
    docs.heldout = std::move(split.heldout);
  }
  return docs;
}

std::string wordless_warning(const Corpus& corpus) {
  std::size_t wordless = 0;
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) wordless += corpus.doc(d).n_tokens() == 0;
  if (wordless == 0) return "";
  return format_text(
      "warning: %zu of %zu documents hold no word the model knows; their theta is the prior's "
      "mean and their ELBO 0: they say nothing%s\n",
      wordless, corpus.n_docs(),
      wordless == corpus.n_docs() ? " (none of the documents does: is this the right model, or "
                                    "the right tokenizer options?)"
                                  : "");
}

}  // namespace

InferenceOutcome run_inference(const InferencePlan& plan_in, int n_threads,
                               const WorkHooks& hooks) {
  InferencePlan plan = plan_in;
  if (!plan.heldout.empty() && plan.split_seed) {
    throw OptionError("split", "and a held-out file both given; give one of them");
  }
  if (plan.gamma_out.empty()) {
    plan.gamma_out = companion(plan.out, "gamma", std::filesystem::path(plan.out).extension());
  }
  if (plan.elbo_out.empty()) plan.elbo_out = companion(plan.out, "elbo", ".txt");
  const SavedModel saved = load_model(plan.model);
  const EstepOptions estep = estep_of(plan, saved);

  // No output may replace an input (the model's own files, the corpus).
  std::vector<InputPath> inputs = plan.inputs;
  inputs.push_back({"--model", plan.model});
  inputs.push_back({"--heldout", plan.heldout});
  check_output_file("--out", plan.out, inputs);
  check_output_file("--gamma-out", plan.gamma_out, inputs);
  check_output_file("--elbo-out", plan.elbo_out, inputs);
  if (plan.out == plan.gamma_out || plan.out == plan.elbo_out || plan.gamma_out == plan.elbo_out) {
    throw OptionError("out", "theta, gamma and the ELBOs would share a file; give three names");
  }
  // Open every output first: an unwritable path fails before the work, and nothing is left
  // half-written (each file appears complete at the end, or not at all).
  AtomicFile theta_file(plan.out, true), gamma_file(plan.gamma_out, true), elbo_file(plan.elbo_out);

  const Documents docs = read_documents(plan, saved);
  const Corpus& corpus = docs.corpus;
  // The model's own training documents (the same content as the fit saw): the gamma the fit
  // saved is the other candidate of each fold-in, which reproduces it (docs/math/inference.md).
  const bool training_documents = !docs.heldout && corpus.n_docs() == saved.model.n_docs() &&
                                  corpus.fingerprint() == saved.corpus.fingerprint;
  const Inference inference = infer_documents(corpus, saved.model, estep, n_threads, hooks,
                                              training_documents ? &saved.model.gamma : nullptr);
  write_matrix(theta_file, inference.theta());
  write_matrix(gamma_file, inference.gamma.t());
  elbo_file.stream() << vector_text(inference.elbo);
  theta_file.commit();
  gamma_file.commit();
  elbo_file.commit();

  InferenceOutcome outcome;
  double mean_iterations = 0;
  for (std::size_t n : inference.iterations) mean_iterations += static_cast<double>(n);
  mean_iterations /= static_cast<double>(corpus.n_docs());
  outcome.summary = format_text(
      "%zu documents (%llu tokens) folded into %s (K = %zu): %.1f E-step iterations per "
      "document, %zu not converged within %zu\n",
      corpus.n_docs(), static_cast<unsigned long long>(corpus.n_tokens()), plan.model.c_str(),
      saved.model.n_topics(), mean_iterations, inference.n_not_converged, estep.max_iter);
  if (training_documents) {
    outcome.summary += format_text(
        "these are the model's training documents: %zu of them keep the fit's gamma (a fresh "
        "fold-in found no better mode)\n",
        inference.n_kept_previous);
  }
  outcome.warnings = wordless_warning(corpus);
  outcome.summary += unknown_words("corpus", docs.mapping);
  if (!plan.heldout.empty()) outcome.summary += unknown_words("held-out", docs.heldout_mapping);
  outcome.summary += format_text(
      "ELBO of these documents given the topics (their terms of the bound, eq. 12 of "
      "docs/math/lda.md): %.10g\n",
      arma::accu(inference.elbo));
  if (docs.heldout) {
    const CompletionScore score = score_heldout(topic_word_distributions(saved.model),
                                                inference.gamma, *docs.heldout, n_threads);
    outcome.summary += format_text(
        "document completion: %llu held-out tokens in %zu documents, log-likelihood %.10g nats "
        "(%.6f per token), perplexity %.6f\n",
        static_cast<unsigned long long>(score.n_tokens), score.n_documents, score.log_likelihood,
        score.per_token(), score.perplexity());
  }
  outcome.summary += "theta written to " + plan.out + ", gamma to " + plan.gamma_out +
                     ", per-document ELBO to " + plan.elbo_out + "\n";
  return outcome;
}

}  // namespace tmkit
