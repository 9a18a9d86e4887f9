// make_corpus: draws a corpus from LDA (tmkit's synthetic generator) and writes it as .tmc, for the
// scaling benchmark (bench/scaling_bench.py), which needs corpora of millions of documents.
// usage: make_corpus DOCS WORDS TOPICS MEAN_LENGTH SEED OUT.tmc
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "tmkit/corpus/synthetic.hpp"
#include "tmkit/corpus/tmc.hpp"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: make_corpus DOCS WORDS TOPICS MEAN_LENGTH SEED OUT.tmc\n");
    return 2;
  }
  try {
    tmkit::SyntheticSpec spec;
    spec.n_docs = std::strtoull(argv[1], nullptr, 10);
    spec.n_words = std::strtoull(argv[2], nullptr, 10);
    spec.n_topics = std::strtoull(argv[3], nullptr, 10);
    spec.mean_length = std::strtod(argv[4], nullptr);
    spec.seed = std::strtoull(argv[5], nullptr, 10);
    const tmkit::SyntheticCorpus drawn = tmkit::generate_lda_corpus(spec);
    tmkit::write_tmc(drawn.corpus, argv[6]);
    std::printf("%zu documents, %zu words, %zu entries, %llu tokens -> %s\n", drawn.corpus.n_docs(),
                drawn.corpus.n_words(), drawn.corpus.n_nonzeros(),
                static_cast<unsigned long long>(drawn.corpus.n_tokens()), argv[6]);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_corpus: %s\n", e.what());
    return 2;
  }
}
