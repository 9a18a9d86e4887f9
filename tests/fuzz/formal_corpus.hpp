// The body of the fuzz targets of the formal corpus formats (UCI, lda-c, MatrixMarket). The input
// is the corpus file, optionally followed by a separator line and its vocabulary (else a fixed one
// of 64 words). Both readers of these formats see it: the in-memory reader and the streaming one
// of online and out-of-core fits, and where both accept it they must agree on what they read.
#pragma once

#include <string>

#include "fuzz_support.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/corpus_stream.hpp"

namespace tmkit::fuzz {

inline void fuzz_formal_corpus(CorpusFormat format, const char* file_name, std::string_view input) {
  const auto [corpus_bytes, vocab_bytes] = split_input(input);
  std::string words;
  for (int w = 0; w < 64; ++w) words += "w" + std::to_string(w) + "\n";
  const std::string path = write_scratch(file_name, corpus_bytes);
  CorpusReadOptions options;
  options.format = format;
  options.vocab_path = write_scratch("vocab.txt", vocab_bytes.empty() ? words : vocab_bytes);
  std::size_t docs = 0;
  double tokens = 0;
  bool read = false;
  expect_clean([&] {
    const Corpus corpus = read_corpus(path, options);
    docs = corpus.n_docs();
    tokens = corpus.n_tokens();
    read = true;
  });
  expect_clean([&] {
    FileCorpusStream stream(path, options);
    const Corpus corpus = read_all(stream);
    if (read && (corpus.n_docs() != docs || corpus.n_tokens() != tokens)) {
      finding("readers disagree", "the streaming reader read other documents than read_corpus");
    }
  });
}

}  // namespace tmkit::fuzz
