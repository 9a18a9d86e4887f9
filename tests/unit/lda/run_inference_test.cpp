#include "tmkit/lda/run_inference.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/lda/run_fit.hpp"

namespace fs = std::filesystem;
using tmkit::test::ScratchDir;

namespace {

// A small corpus on disk and a model fitted on it.
struct Fitted {
  ScratchDir dir;
  std::string corpus, model;
  Fitted() {
    tmkit::SyntheticSpec spec;
    spec.n_topics = 3;
    spec.n_words = 60;
    spec.n_docs = 150;
    spec.mean_length = 40;
    corpus = tmkit::test::write_and_fit(dir, spec, "small", 20);
    model = dir.file("model");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(run_inference)

// A fit records how often each word occurs in the documents it fitted (term_frequency.npy), so
// that tm-report needs no corpus: equal to the corpus's counts, for a batch and an online fit.
BOOST_AUTO_TEST_CASE(a_fit_records_the_corpus_term_frequencies) {
  Fitted f;
  const tmkit::Corpus corpus = tmkit::read_corpus(f.corpus);
  arma::vec expected(corpus.n_words(), arma::fill::zeros);
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const tmkit::DocView doc = corpus.doc(d);
    for (std::size_t j = 0; j < doc.n; ++j) expected[doc.ids[j]] += doc.counts[j];
  }
  BOOST_TEST(tmkit::test::bit_identical(tmkit::load_model(f.model).term_frequency, expected));
  tmkit::FitPlan online;
  online.corpus = f.corpus;
  online.algorithm = tmkit::Algorithm::online;
  online.online.batch_size = 32;
  online.fit.n_topics = 3;
  online.fit.max_passes = 2;
  online.out = f.dir.file("online");
  tmkit::run_fit(online, 1);
  BOOST_TEST(tmkit::test::bit_identical(tmkit::load_model(online.out).term_frequency, expected));
}

BOOST_AUTO_TEST_CASE(the_training_documents_give_back_the_fit_s_gamma) {
  Fitted f;
  tmkit::InferencePlan plan;
  plan.model = f.model;
  plan.corpus = f.corpus;
  plan.out = f.dir.file("theta.npy");
  const tmkit::InferenceOutcome outcome = tmkit::run_inference(plan, 2);
  const arma::mat gamma = tmkit::read_npy_matrix(f.dir.file("theta.gamma.npy"));
  const arma::mat saved = tmkit::read_npy_matrix(f.model + "/gamma.npy");
  BOOST_TEST(tmkit::test::bit_identical(gamma, saved));
  BOOST_TEST(fs::exists(f.dir.file("theta.elbo.txt")));
  BOOST_TEST(outcome.summary.find("these are the model's training documents") != std::string::npos);
  BOOST_TEST(outcome.warnings.empty());

  // Split halves: a document-completion perplexity, theta rows summing to 1.
  plan.split_seed = 3;
  plan.out = f.dir.file("split.npy");
  const tmkit::InferenceOutcome split = tmkit::run_inference(plan, 1);
  BOOST_TEST(split.summary.find("document completion:") != std::string::npos);
  const arma::mat theta = tmkit::read_npy_matrix(plan.out);
  BOOST_TEST(arma::abs(arma::sum(theta, 1) - 1.0).max() < 1e-12);
}

BOOST_AUTO_TEST_CASE(bad_plans_write_nothing) {
  Fitted f;
  tmkit::InferencePlan plan;
  plan.model = f.model;
  plan.corpus = f.corpus;
  plan.out = f.dir.file("theta.npy");
  tmkit::InferencePlan p = plan;
  p.estep_max_iter = 0;
  BOOST_CHECK_THROW(tmkit::run_inference(p, 1), tmkit::OptionError);
  p = plan;
  p.estep_tol = -1;
  BOOST_CHECK_THROW(tmkit::run_inference(p, 1), tmkit::OptionError);
  p = plan;
  p.split_seed = 1;
  p.heldout = f.corpus;
  BOOST_CHECK_THROW(tmkit::run_inference(p, 1), tmkit::UsageError);
  p = plan;
  p.out = f.model + "/lambda.npy";  // inside the model
  BOOST_CHECK_THROW(tmkit::run_inference(p, 1), tmkit::UsageError);
  p = plan;
  p.elbo_out = plan.out;
  BOOST_CHECK_THROW(tmkit::run_inference(p, 1), tmkit::UsageError);
  BOOST_TEST(!fs::exists(plan.out));
}

BOOST_AUTO_TEST_SUITE_END()
