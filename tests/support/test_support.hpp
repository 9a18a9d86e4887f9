// Helpers shared by the unit tests: paths of committed references, scratch directories, and
// independent oracles written from the definitions (never calling the code under test).
#pragma once

#include <armadillo>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/io/input_file.hpp"
#include "tmkit/lda/lda.hpp"

namespace tmkit::test {

/// Absolute path of a file in the source tree, e.g. source_path("tests/reference/x.npy").
std::string source_path(const std::string& relative);

/// A fresh directory under the system's temporary directory, removed with everything in it when
/// the object goes away.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  /// Writes `contents` to file(name) and returns its path.
  std::string write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

/// A corpus drawn from `spec` written as UCI to dir/docword.NAME.txt (with vocab.NAME.txt and
/// docs.NAME.tsv), and a batch model of spec.n_topics topics fitted to it for at most `passes`
/// passes on one thread in dir/model. Returns the corpus's path.
std::string write_and_fit(const ScratchDir& dir, const SyntheticSpec& spec, const std::string& name,
                          std::size_t passes);

/// `contents` compressed as the gzip, bzip2 or xz tools would (one stream), by zlib, libbz2 and
/// liblzma directly: the input of the decompression tests.
std::string compress(const std::string& contents, Compression compression);

/// The ELBO's seven terms computed from the definitions with boost::math::digamma and std::lgamma,
/// phi formed explicitly for every token: the oracle for elbo_terms and the collapsed bound.
struct NaiveElbo {
  double log_p_w = 0, log_p_z = 0, entropy_z = 0, log_p_theta = 0, entropy_theta = 0,
         log_p_beta = 0, entropy_beta = 0;
  double total() const {
    return log_p_w + log_p_z + entropy_z + log_p_theta + entropy_theta + log_p_beta + entropy_beta;
  }
};
NaiveElbo naive_elbo(const Corpus& corpus, const LdaModel& model);

/// Mean and largest Jensen-Shannon divergence between the rows of `truth` and those of `fitted`
/// (both K x V, row-stochastic) after the best one-to-one matching, found by trying every
/// permutation for K <= 8 and by the Hungarian method otherwise.
struct MatchedJs {
  double mean = 0;
  double max = 0;
};
MatchedJs matched_js(const arma::mat& truth, const arma::mat& fitted);

/// Jensen-Shannon divergence (natural log) written from the definition.
double naive_js(const arma::rowvec& p, const arma::rowvec& q);

/// Documents [begin, end) of `corpus` as a corpus of their own (same vocabulary, ids kept).
Corpus corpus_slice(const Corpus& corpus, std::size_t begin, std::size_t end);

/// A corpus drawn from LDA (the defaults of SyntheticSpec: K = 10, V = 1000, ~100 tokens,
/// alpha = 0.1, eta = 0.01; seed 42) cut into `n_train` training documents and `n_test` further
/// documents from the same topics (document d is drawn from its own stream, so the first n_train
/// are those of an n_train-document draw).
struct PlantedSplit {
  SyntheticCorpus all;
  Corpus train, test;
};
PlantedSplit planted_split(std::size_t n_train, std::size_t n_test);

/// True when two matrices have the same shape and bit-identical entries.
bool bit_identical(const arma::mat& a, const arma::mat& b);

}  // namespace tmkit::test
