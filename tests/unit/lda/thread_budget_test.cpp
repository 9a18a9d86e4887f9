// A fit told to use one thread starts no other: no OpenMP team of Armadillo's own (its
// element-wise functions would otherwise run on every core, whatever n_threads says, and their
// idle threads spin while tmkit works: 76% of a one-thread fit on a busy machine). A suite of its
// own, so that CTest runs it in a fresh process, where the thread count read below is this fit's.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>

#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/lda/lda.hpp"

namespace {

// The "Threads:" line of /proc/self/status: the threads this process has ever kept alive (an
// OpenMP pool, once started, stays).
int threads_of_this_process() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(thread_budget)

BOOST_AUTO_TEST_CASE(a_one_thread_fit_with_merge_split_moves_starts_no_other_thread) {
  const int before = threads_of_this_process();
  BOOST_TEST_REQUIRE(before >= 1);
  tmkit::SyntheticSpec spec;
  spec.n_topics = 8;
  spec.n_words = 2000;  // the split's vectors of V entries, above Armadillo's 320
  spec.n_docs = 600;
  spec.mean_length = 60;
  spec.seed = 3;
  const tmkit::SyntheticCorpus planted = tmkit::generate_lda_corpus(spec);
  tmkit::FitOptions options;
  options.n_topics = spec.n_topics;
  options.n_threads = 1;
  options.max_passes = 40;
  options.max_moves = 3;
  options.move_tol = 1e-2;  // reach the moves early
  tmkit::LdaModel model = tmkit::initialize_model(planted.corpus, options);
  const tmkit::FitReport report = tmkit::fit_batch(planted.corpus, options, model);
  BOOST_TEST_MESSAGE("moves tried: " << report.moves.size() << ", threads before " << before
                                     << ", after " << threads_of_this_process());
  BOOST_TEST(report.moves.size() >= 1u);  // rank_splits and its EM ran
  BOOST_TEST(threads_of_this_process() == before);
}

BOOST_AUTO_TEST_SUITE_END()
