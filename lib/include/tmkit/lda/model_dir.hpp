// The model directory (DESIGN.md §3): model.json, lambda.npy, gamma.npy, vocab.txt, docs.tsv,
// elbo.csv, elbo.svg (the trace as a chart), topics.txt. Written complete or not at all
// (AtomicDirectory); read back only after checking format version, shapes, finiteness and the
// sha256 of every file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit {

/// Version of the model directory layout written by this tmkit.
constexpr int kModelFormatVersion = 1;

/// Where a model's training corpus came from, recorded so that tools can find it again.
struct CorpusRecord {
  std::string path;         ///< as given to tm-fit (absolute when saved)
  std::string vocab_path;   ///< "" when found beside the corpus
  std::string format;       ///< format_name() of the detected or given format
  std::string fingerprint;  ///< Corpus::fingerprint()
  std::uint64_t n_tokens = 0;
  /// Raw text only: how it was tokenized and which words were kept (columns, tokenizer,
  /// vocabulary limits, empty documents), so that tm-topics and tm-infer read text as the fit did.
  bool has_text_options = false;
  CorpusReadOptions text_options;  ///< only its raw-text fields are meaningful
};

/// `options` for reading raw text for a model fitted on `fitted`: unless the caller chose raw-text
/// options of its own (`text_options_given`), the fit's columns, tokenizer, vocabulary rules and
/// empty-document rule, so that text is read as the fit read it.
CorpusReadOptions read_options_for_model(CorpusReadOptions options, bool text_options_given,
                                         const CorpusRecord& fitted);

/// Everything in a model directory.
struct SavedModel {
  LdaModel model;
  std::vector<std::string> vocab;    ///< V words
  std::vector<std::string> doc_ids;  ///< D training document ids
  std::vector<std::string> labels;   ///< D labels ("" when none)
  CorpusRecord corpus;
  std::string algorithm = "batch";
  std::string options_json = "{}";  ///< the fit's options, as written in model.json
  std::uint64_t seed = 0;
  std::size_t passes = 0;
  bool converged = false;
  double final_elbo = 0;
  double seconds = 0;
  std::string tmkit_version;  ///< of the tmkit that wrote it
  /// How often each word occurs in the fitted documents (term_frequency.npy; V values), so that a
  /// report needs no corpus. Empty for a model written before tmkit recorded it.
  arma::vec term_frequency;
  /// Each topic's UMass and NPMI coherence as the fit computed them (model.json "coherence"; NaN
  /// where undefined). Empty for a model written before tmkit recorded them.
  std::vector<double> umass, npmi;
  /// When gamma.npy and docs.tsv were streamed into the output directory already (an online fit
  /// over a corpus on disk): model.gamma and doc_ids/labels are then empty and this is D.
  std::size_t streamed_docs = 0;
};

/// The version of this tmkit ("0.1.0").
std::string tmkit_version();

/// The fit's options as a JSON object (for model.json and reports).
std::string options_to_json(const FitOptions& options);

/// The options back from options_to_json's text (nlohmann's exceptions on a malformed one).
FitOptions options_from_json(const std::string& json);

/// The E-step options the model was fitted with (tolerance, most iterations), as recorded in its
/// options; the defaults where a field is missing.
EstepOptions saved_estep_options(const SavedModel& saved);

/// Writes the model directory `dir` atomically: a failure leaves an existing directory untouched.
/// `trace` becomes elbo.csv and elbo.svg, `topics_text` topics.txt. InputError if `dir` cannot be
/// written.
void save_model(const std::string& dir, const SavedModel& saved,
                const std::vector<PassReport>& trace, const std::string& topics_text);

/// The same into a directory the caller opened beforehand (to fail early on an unwritable path)
/// and commits afterwards.
void save_model(AtomicDirectory& out, const SavedModel& saved, const std::vector<PassReport>& trace,
                const std::string& topics_text);

/// Reads and checks a model directory. InputError naming the file and the problem for a missing or
/// damaged file, a checksum mismatch, a wrong shape, or a non-finite or non-positive parameter.
SavedModel load_model(const std::string& dir);

}  // namespace tmkit
