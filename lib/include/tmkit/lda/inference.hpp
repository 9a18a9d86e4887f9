// Folding new documents into a fitted model: the E-step of lda_estep.hpp with the topics held
// fixed, every document started from the neutral point alpha_k + N_d / K (Blei's lda-c; gensim
// and scikit-learn start from a random point instead). Folding the training documents in again,
// with the gamma the fit saved as the other candidate, reproduces that gamma
// (docs/math/inference.md).
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_estep.hpp"

namespace tmkit {

/// Per-document results of folding a corpus in.
struct Inference {
  arma::mat gamma;  ///< K x D, Dirichlet parameters of q(theta_d)
  arma::vec elbo;   ///< D, each document's ELBO terms (eq. 12 of docs/math/lda.md)
  std::vector<std::size_t> iterations;  ///< D, gamma updates per document
  std::size_t n_not_converged = 0;      ///< documents that hit estep.max_iter before estep.tol
  std::size_t n_kept_previous = 0;      ///< documents whose previous gamma was kept

  /// E[theta] under q: D x K, row d = gamma_d / sum_k gamma_dk.
  arma::mat theta() const;
};

/// Folds every document of `corpus` (whose word ids index the topics' columns) into the topics
/// `topics` under the prior `alpha` by fold_in_document: from the neutral start, and, when
/// `previous_gamma` (K x D) is given, keeping a document's previous gamma where its ELBO is higher
/// (estep.restart is ignored). Given the gamma a batch fit saved for these very documents, this
/// returns it bit for bit (docs/math/inference.md). The result does not depend on n_threads.
/// Progress is reported in documents.
Inference infer_documents(const Corpus& corpus, const TopicExpectations& topics,
                          const arma::vec& alpha, const EstepOptions& estep, int n_threads = 0,
                          const WorkHooks& hooks = {}, const arma::mat* previous_gamma = nullptr);

/// The same with the topics of a fitted model.
Inference infer_documents(const Corpus& corpus, const LdaModel& model, const EstepOptions& estep,
                          int n_threads = 0, const WorkHooks& hooks = {},
                          const arma::mat* previous_gamma = nullptr);

/// How a corpus's words met a model's vocabulary.
struct VocabularyMapping {
  std::uint64_t n_tokens = 0;          ///< tokens of the input corpus
  std::uint64_t n_unknown_tokens = 0;  ///< of them, words the model does not know (dropped)
  std::size_t n_unknown_words = 0;     ///< distinct such words
  /// The unknown words and their tokens, most frequent first (formal formats only).
  std::vector<std::pair<std::string, std::uint64_t>> unknown_words;
};

/// Re-indexes `corpus` by word onto `vocab` (a model's vocabulary): a word of the corpus that
/// `vocab` lacks is dropped and counted in `mapping`, never mapped to another word. Documents keep
/// their order, ids and labels, even when left empty.
Corpus map_onto_vocabulary(const Corpus& corpus, const std::vector<std::string>& vocab,
                           VocabularyMapping* mapping = nullptr);

/// Reads new documents for a model with vocabulary `vocab`: raw text is tokenized (with
/// options.tokenizer) straight onto `vocab`; any other format is read with its own vocabulary and
/// mapped by word with map_onto_vocabulary. Empty documents are kept.
Corpus read_corpus_for_model(const std::string& path, const CorpusReadOptions& options,
                             const std::vector<std::string>& vocab, VocabularyMapping* mapping);

}  // namespace tmkit
