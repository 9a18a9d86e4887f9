// tm-topics: show the topics of a model: top words with their probabilities (or relevance), share,
// and UMass / NPMI coherence on a reference corpus.
#include <cstdio>
#include <filesystem>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/topics/topics.hpp"

namespace {

const tmkit::cli::AppHelp kHelp = {
    "tm-topics", "show a model's topics: top words, weights, share, UMass and NPMI coherence",
    "tm-topics --model DIR [options]",
    "  tm-topics --model kjv-model\n"
    "  tm-topics --model kjv-model --top 15 --relevance 0.6\n"
    "  tm-topics --model kjv-model --corpus other/docword.other.txt --out topics.txt\n"};

int topics_main(int argc, char** argv) {
  namespace po = tmkit::cli::po;
  int threads = 0;
  bool quiet = false, no_coherence = false;
  std::string model_dir, out;
  std::size_t top = 10;
  double relevance = 1.0;
  tmkit::cli::CorpusOptionValues corpus_values;
  po::options_description options("Options");
  tmkit::cli::add_common_options(options, threads, quiet);
  options.add_options()("model,m", po::value<std::string>(&model_dir)->required(),
                        "model directory written by tm-fit")(
      "top", po::value<std::size_t>(&top)->default_value(10), "top words per topic")(
      "relevance", po::value<double>(&relevance)->default_value(1.0),
      "rank words by relevance with this lambda in [0, 1] (1: by probability; LDAvis suggests "
      "0.6)")("no-coherence", po::bool_switch(&no_coherence),
              "skip coherence (no reference corpus needed)")("out,o", po::value<std::string>(&out),
                                                             "also write the table to this file");
  tmkit::cli::add_corpus_options(options, corpus_values, /*corpus_required=*/false);
  po::variables_map vm;
  if (!tmkit::cli::parse(argc, argv, options, kHelp, vm)) return tmkit::cli::kExitOk;
  if (top == 0) throw tmkit::UsageError("--top: 0; expected at least 1 word");
  std::vector<tmkit::InputPath> inputs = tmkit::cli::corpus_inputs(corpus_values);
  inputs.push_back({"--model", model_dir});
  tmkit::check_output_file("--out", out, inputs);

  const tmkit::SavedModel saved = tmkit::load_model(model_dir);
  std::vector<tmkit::TopicSummary> topics = tmkit::summarize_topics(saved.model, top, relevance);
  std::string note;
  if (!no_coherence) {
    // The reference corpus: the one given, else the training corpus if it is still where it was.
    tmkit::CorpusReadOptions read_options =
        tmkit::cli::corpus_options_for_model(vm, corpus_values, saved.corpus);
    std::string path = corpus_values.corpus;
    bool check_fingerprint = false;
    std::error_code ec;
    if (path.empty() && std::filesystem::exists(saved.corpus.path, ec)) {
      path = saved.corpus.path;
      read_options.vocab_path = saved.corpus.vocab_path;
      read_options.format = tmkit::parse_corpus_format(saved.corpus.format);
      check_fingerprint = true;
    }
    if (path.empty()) {
      note = "coherence not computed: the training corpus " + saved.corpus.path +
             " is gone; pass --corpus";
    } else {
      const tmkit::Corpus reference = tmkit::read_corpus(path, read_options);
      if (reference.vocab() != saved.vocab) {
        throw tmkit::InputError(path, "its vocabulary differs from the model's (" +
                                          std::to_string(reference.n_words()) + " vs " +
                                          std::to_string(saved.vocab.size()) +
                                          " words); expected the model's vocabulary");
      }
      if (check_fingerprint &&
          !tmkit::fingerprint_matches(saved.corpus.fingerprint, path, reference)) {
        note = "note: " + path + " changed since the fit; coherence is computed on it as it is now";
      }
      tmkit::compute_coherence(reference, topics);
    }
  }
  const std::string table = tmkit::format_topics(topics, saved.vocab);
  if (!out.empty()) tmkit::write_file_atomically(out, table);
  std::printf("%s: K = %zu, V = %zu, D = %zu, ELBO %.10g after %zu passes\n%s", model_dir.c_str(),
              saved.model.n_topics(), saved.model.n_words(), saved.model.n_docs(), saved.final_elbo,
              saved.passes, table.c_str());
  if (!note.empty()) std::fprintf(stderr, "tm-topics: %s\n", note.c_str());
  return tmkit::cli::kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return tmkit::cli::run("tm-topics", argc, argv, topics_main); }
