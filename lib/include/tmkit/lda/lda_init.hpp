// Starting points of a variational LDA fit.
//
// `random`: lambda_kw ~ Gamma(100, 1/100), the initialisation of gensim and scikit-learn. On
// corpora whose topics are well separated it leaves planted topics merged and split (a local
// optimum of the ELBO) for many seeds; tests/unit/lda/lda_test.cpp shows it.
// `spa` (the default): the same random lambda plus the word counts of K seed documents chosen by
// the successive projection algorithm (Araújo et al. 2001; Gillis & Vavasis 2014, "Fast and robust
// recursive algorithms for separable nonnegative matrix factorization"): each seed is the document
// whose word distribution has the largest squared norm outside the span of the seeds chosen so far.
// Pure documents of distinct topics are the vertices of the documents' convex hull, and SPA finds
// vertices: a mixture of two uncovered topics has a smaller norm than either pure document.
#pragma once

#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tmkit/core/communicator.hpp"
#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

enum class InitMethod { spa, random };

/// "spa" or "random"; UsageError otherwise.
InitMethod parse_init_method(const std::string& name);
std::string init_method_name(InitMethod method);

/// The K documents chosen by SPA, in the order chosen. The squared norm of document d is estimated
/// without the bias of sampling, (sum_w n_dw^2 - N_d) / (N_d (N_d - 1)), so that short documents do
/// not look concentrated by chance; documents shorter than half the median length (or 2 tokens)
/// are not candidates. Deterministic; independent of the thread count.
std::vector<std::size_t> spa_seed_documents(const Corpus& corpus, std::size_t n_topics,
                                            int n_threads);

/// The same, choosing among the documents listed in `candidates` only (the median length is
/// theirs).
std::vector<std::size_t> spa_seed_documents(const Corpus& corpus,
                                            const std::vector<std::size_t>& candidates,
                                            std::size_t n_topics, int n_threads);

/// One SPA seed: its word counts (V), and its index in this rank's corpus (npos on other ranks).
struct SpaSeed {
  arma::vec counts;
  std::size_t doc = static_cast<std::size_t>(-1);
};

/// SPA over the candidates of every rank of `comm` (each rank lists its own documents): the same
/// seeds, in the same order, as one process choosing among all the candidates (ties go to the
/// earlier document), on every rank. When fewer than n_topics documents may seed: OptionError, or
/// with `allow_fewer` the seeds there are.
std::vector<SpaSeed> spa_seeds(const Corpus& corpus, const std::vector<std::size_t>& candidates,
                               std::size_t n_topics, int n_threads, Communicator& comm,
                               bool allow_fewer = false);

}  // namespace tmkit
