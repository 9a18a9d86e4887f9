// tm-import: raw text (or any corpus format) in, a bag-of-words corpus out.
#include <cstdio>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus_io.hpp"

namespace {

const tmkit::cli::AppHelp kHelp = {
    "tm-import", "turn raw text into a bag-of-words corpus (or convert between corpus formats)",
    "tm-import --corpus PATH --out FILE [options]",
    "  tm-import --corpus chapters.tsv --columns id-label-text --min-df 2 --out docword.bible.txt\n"
    "  tm-import --corpus news/ --max-df 0.5 --max-vocab 20000 --out news.ldac --to ldac\n"
    "  tm-import --corpus docword.kos.txt --to mm --out kos.mtx\n"
    "  tm-import --corpus docword.pubmed.txt --to tmc --out pubmed.tmc\n"};

int import_main(int argc, char** argv) {
  namespace po = tmkit::cli::po;
  int threads = 0;
  bool quiet = false;
  std::string out, to = "uci";
  tmkit::cli::CorpusOptionValues corpus_values;
  po::options_description options("Options");
  tmkit::cli::add_common_options(options, threads, quiet);
  options.add_options()(
      "out,o", po::value<std::string>(&out)->required(),
      "corpus file to write; the vocabulary and document table go beside it "
      "(vocab.NAME.txt and docs.NAME.tsv for docword.NAME.txt, else FILE.vocab and FILE.docs.tsv)")(
      "to", po::value<std::string>(&to)->default_value("uci"),
      "output format: uci, ldac, mm, or tmc (binary, one file holding the vocabulary and the "
      "document table, memory-mapped by every app)");
  tmkit::cli::add_corpus_options(options, corpus_values);
  po::variables_map vm;
  if (!tmkit::cli::parse(argc, argv, options, kHelp, vm)) return tmkit::cli::kExitOk;
  const tmkit::CorpusFormat out_format =
      to == "uci" || to == "ldac" || to == "lda-c" || to == "mm" || to == "mtx" || to == "tmc"
          ? tmkit::parse_corpus_format(to)
          : tmkit::CorpusFormat::automatic;
  if (out_format == tmkit::CorpusFormat::automatic) {
    throw tmkit::UsageError("--to: \"" + to +
                            "\" cannot be written; expected uci, ldac, mm or tmc");
  }
  tmkit::CorpusReadOptions read_options = tmkit::cli::finish_corpus_options(corpus_values);
  tmkit::cli::Progress progress("tm-import", quiet);
  read_options.hooks = tmkit::cli::work_hooks(progress);
  const tmkit::CorpusPaths paths = tmkit::companion_paths(out);
  // No output file may replace an input (the corpus, or the vocabulary beside it).
  const std::vector<tmkit::InputPath> inputs = tmkit::cli::corpus_inputs(corpus_values);
  tmkit::check_output_file("--out", paths.corpus, inputs);
  if (out_format != tmkit::CorpusFormat::tmc) {
    tmkit::check_output_file("--out (its vocabulary)", paths.vocab, inputs);
    tmkit::check_output_file("--out (its document table)", paths.docs, inputs);
  }
  tmkit::TextImportReport report;
  const tmkit::Corpus corpus = tmkit::read_corpus(corpus_values.corpus, read_options, &report);
  progress.finish();
  tmkit::write_corpus(corpus, out_format, paths);
  std::printf("%zu documents, %zu words, %llu tokens written to %s", corpus.n_docs(),
              corpus.n_words(), static_cast<unsigned long long>(corpus.n_tokens()),
              paths.corpus.c_str());
  if (out_format == tmkit::CorpusFormat::tmc) {
    std::printf(" (vocabulary and document table inside)\n");
  } else {
    std::printf(" (+ %s, %s)\n", paths.vocab.c_str(), paths.docs.c_str());
  }
  if (report.n_input_documents > 0) {
    std::printf(
        "read %zu documents, %llu tokens of %zu distinct words; the vocabulary limits kept "
        "%zu words and %llu tokens\n",
        report.n_input_documents, static_cast<unsigned long long>(report.n_tokens), report.n_types,
        report.n_words, static_cast<unsigned long long>(report.n_tokens_kept));
    if (!report.dropped_documents.empty()) {
      std::string listed;
      for (std::size_t i = 0; i < report.dropped_documents.size() && i < 10; ++i) {
        listed += (i ? ", " : "") + std::to_string(report.dropped_documents[i] + 1);
      }
      if (report.dropped_documents.size() > 10) listed += ", ...";
      std::printf("dropped %zu documents left without words (input documents %s)\n",
                  report.dropped_documents.size(), listed.c_str());
    }
  }
  return tmkit::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-import", argc, argv, import_main); }
