#include "support/test_support.hpp"

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/divergence/assignment.hpp"
#include "tmkit/lda/run_fit.hpp"

namespace tmkit::test {
namespace fs = std::filesystem;

std::string source_path(const std::string& relative) {
  return (fs::path(TMKIT_SOURCE_DIR) / relative).string();
}

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "tmkit-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string ScratchDir::write(const std::string& name, const std::string& contents) const {
  const std::string path = file(name);
  std::ofstream out(path, std::ios::binary);
  out << contents;
  return path;
}

std::string write_and_fit(const ScratchDir& dir, const SyntheticSpec& spec, const std::string& name,
                          std::size_t passes) {
  const std::string corpus = dir.file("docword." + name + ".txt");
  write_corpus(generate_lda_corpus(spec).corpus, CorpusFormat::uci, companion_paths(corpus));
  FitPlan plan;
  plan.corpus = corpus;
  plan.fit.n_topics = spec.n_topics;
  plan.fit.max_passes = passes;
  plan.out = dir.file("model");
  run_fit(plan, 1);
  return corpus;
}

std::string compress(const std::string& contents, Compression compression) {
  std::string out(contents.size() + contents.size() / 2 + 4096, '\0');
  if (compression == Compression::gzip) {
    z_stream stream{};
    if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(contents.data()));
    stream.avail_in = static_cast<uInt>(contents.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (status != Z_STREAM_END) throw std::runtime_error("deflate failed");
  } else if (compression == Compression::bzip2) {
    unsigned size = static_cast<unsigned>(out.size());
    if (BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(contents.data()),
                                 static_cast<unsigned>(contents.size()), 9, 0, 0) != BZ_OK) {
      throw std::runtime_error("BZ2_bzBuffToBuffCompress failed");
    }
    out.resize(size);
  } else if (compression == Compression::xz) {
    std::size_t size = 0;
    if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr,
                                reinterpret_cast<const std::uint8_t*>(contents.data()),
                                contents.size(), reinterpret_cast<std::uint8_t*>(out.data()), &size,
                                out.size()) != LZMA_OK) {
      throw std::runtime_error("lzma_easy_buffer_encode failed");
    }
    out.resize(size);
  } else {
    return contents;
  }
  return out;
}

namespace {
double dirichlet_log_norm(const arma::rowvec& x) {
  double value = std::lgamma(arma::accu(x));
  for (double v : x) value -= std::lgamma(v);
  return value;
}
}  // namespace

NaiveElbo naive_elbo(const Corpus& corpus, const LdaModel& model) {
  using boost::math::digamma;
  const std::size_t n_topics = model.n_topics(), n_words = model.n_words();
  NaiveElbo e;
  arma::mat elog_beta(n_topics, n_words);
  for (std::size_t k = 0; k < n_topics; ++k) {
    const double total = arma::accu(model.lambda.row(k));
    for (std::size_t w = 0; w < n_words; ++w)
      elog_beta(k, w) = digamma(model.lambda(k, w)) - digamma(total);
    const arma::rowvec lambda_k = model.lambda.row(k);
    e.log_p_beta += dirichlet_log_norm(arma::rowvec(n_words, arma::fill::value(model.eta))) +
                    (model.eta - 1.0) * arma::accu(elog_beta.row(k));
    e.entropy_beta -=
        dirichlet_log_norm(lambda_k) + arma::accu((lambda_k - 1.0) % elog_beta.row(k));
  }
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const arma::rowvec gamma = model.gamma.col(d).t();
    arma::rowvec elog_theta(n_topics);
    for (std::size_t k = 0; k < n_topics; ++k)
      elog_theta[k] = digamma(gamma[k]) - digamma(arma::accu(gamma));
    e.log_p_theta +=
        dirichlet_log_norm(model.alpha.t()) + arma::accu((model.alpha.t() - 1.0) % elog_theta);
    e.entropy_theta -= dirichlet_log_norm(gamma) + arma::accu((gamma - 1.0) % elog_theta);
    const DocView doc = corpus.doc(d);
    for (std::size_t i = 0; i < doc.n; ++i) {
      const arma::rowvec logit = elog_theta + elog_beta.col(doc.ids[i]).t();
      arma::rowvec phi = arma::exp(logit - logit.max());
      phi /= arma::accu(phi);
      for (std::size_t k = 0; k < n_topics; ++k) {
        const double n = doc.counts[i];
        e.log_p_w += n * phi[k] * elog_beta(k, doc.ids[i]);
        e.log_p_z += n * phi[k] * elog_theta[k];
        if (phi[k] > 0) e.entropy_z -= n * phi[k] * std::log(phi[k]);
      }
    }
  }
  return e;
}

double naive_js(const arma::rowvec& p, const arma::rowvec& q) {
  double js = 0.0;
  for (std::size_t i = 0; i < p.n_elem; ++i) {
    const double m = (p[i] + q[i]) / 2;
    if (p[i] > 0) js += 0.5 * p[i] * std::log(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * std::log(q[i] / m);
  }
  return js;
}

MatchedJs matched_js(const arma::mat& truth, const arma::mat& fitted) {
  const std::size_t n = truth.n_rows;
  arma::mat cost(n, fitted.n_rows);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < fitted.n_rows; ++j)
      cost(i, j) = naive_js(truth.row(i), fitted.row(j));
  std::vector<std::size_t> best;
  constexpr std::size_t kBruteForceUpTo = 8;
  if (n <= kBruteForceUpTo && fitted.n_rows == n) {
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best_cost = HUGE_VAL;
    do {
      double c = 0.0;
      for (std::size_t i = 0; i < n; ++i) c += cost(i, perm[i]);
      if (c < best_cost) {
        best_cost = c;
        best = perm;
      }
    } while (std::next_permutation(perm.begin(), perm.end()));
  } else {
    best = solve_assignment(cost);
  }
  MatchedJs result;
  for (std::size_t i = 0; i < n; ++i) {
    result.mean += cost(i, best[i]) / static_cast<double>(n);
    result.max = std::max(result.max, cost(i, best[i]));
  }
  return result;
}

bool bit_identical(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(double)) == 0;
}

Corpus corpus_slice(const Corpus& corpus, std::size_t begin, std::size_t end) {
  Corpus out(corpus.vocab());
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t d = begin; d < end; ++d) {
    const DocView doc = corpus.doc(d);
    entries.clear();
    for (std::size_t i = 0; i < doc.n; ++i) entries.emplace_back(doc.ids[i], doc.counts[i]);
    out.add_document(entries, corpus.doc_ids()[d], corpus.labels()[d]);
  }
  return out;
}

PlantedSplit planted_split(std::size_t n_train, std::size_t n_test) {
  SyntheticSpec spec;
  spec.n_docs = n_train + n_test;
  spec.seed = 42;
  PlantedSplit split{generate_lda_corpus(spec), {}, {}};
  split.train = corpus_slice(split.all.corpus, 0, n_train);
  split.test = corpus_slice(split.all.corpus, n_train, n_train + n_test);
  return split;
}

}  // namespace tmkit::test
