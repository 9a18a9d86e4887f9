// Fits a small planted corpus through the installed headers and library; exits 0 when the ELBO
// rose.
#include <cstdio>
#include <tmkit/corpus/synthetic.hpp>
#include <tmkit/lda/lda.hpp>

int main() {
  tmkit::SyntheticSpec spec;
  spec.n_topics = 3;
  spec.n_words = 60;
  spec.n_docs = 200;
  const tmkit::SyntheticCorpus data = tmkit::generate_lda_corpus(spec);
  tmkit::FitOptions options;
  options.n_topics = 3;
  options.max_passes = 20;
  tmkit::LdaModel model = tmkit::initialize_model(data.corpus, options);
  const tmkit::FitReport report = tmkit::fit_batch(data.corpus, options, model);
  const double first = report.trace.front().elbo, last = report.final_elbo;
  std::printf("consumer: %zu passes, ELBO %.3f -> %.3f\n", report.passes, first, last);
  return last > first ? 0 : 1;
}
