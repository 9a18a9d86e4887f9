// What every tmkit app shares: the error contract (exit 0 / 1 / 2 / 130 and a one-line message),
// --help / --version / --threads / --quiet, the raw-text options, interruption by SIGINT/SIGTERM,
// and progress on stderr.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "tmkit/core/work_hooks.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/output_guard.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/lda/run_fit.hpp"

namespace tmkit::cli {

namespace po = boost::program_options;

/// Exit codes of every app.
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;

/// Runs `body` under the apps' error contract: tmkit::UsageError, tmkit::InputError and
/// Program_options errors print "NAME: message" and return 2; tmkit::Interrupted returns 130;
/// anything else prints "NAME: internal error: ..." and returns 1.
int run(const char* name, int argc, char** argv, const std::function<int(int, char**)>& body);

/// Help text pieces of one app.
struct AppHelp {
  const char* name;      ///< "tm-fit"
  const char* synopsis;  ///< one line: what the app does
  const char* usage;     ///< "tm-fit --corpus PATH --out DIR -k K [options]"
  const char* examples;  ///< lines of examples, each ending in '\n'
};

/// Adds --help, --version, --threads, --quiet.
void add_common_options(po::options_description& options, int& threads, bool& quiet);

/// Adds the options that read a corpus (--corpus, --vocab, --format) and turn raw text into one
/// (--columns, --min-length, --keep-case, --no-stop-words, --stop-words, --min-df, --max-df,
/// --max-vocab, --keep-empty). Call finish_corpus_options after parsing.
struct CorpusOptionValues {
  std::string corpus, vocab, format = "auto", columns = "auto", stop_words_file;
  std::string min_df = "1", max_df = "1.0";
  std::size_t min_length = 2, max_vocab = 0;
  bool keep_case = false, no_stop_words = false, keep_empty = false;
};
void add_corpus_options(po::options_description& options, CorpusOptionValues& values,
                        bool corpus_required = true);
CorpusReadOptions finish_corpus_options(const CorpusOptionValues& values);

/// finish_corpus_options, with the raw-text options a model was fitted with (tokenizer, vocabulary
/// rules, columns) in place of the defaults when none of them is given on the command line: raw
/// text read for a model is read as the fit read it.
CorpusReadOptions corpus_options_for_model(const po::variables_map& vm,
                                           const CorpusOptionValues& values,
                                           const CorpusRecord& fitted);

/// Whether any raw-text option (tokenizer, vocabulary rules, columns) was given on the command
/// line.
bool text_options_given(const po::variables_map& vm);

/// The files the corpus options read (--corpus, the vocabulary and document table given or found
/// beside it, --stop-words), as inputs that no output may replace.
std::vector<InputPath> corpus_inputs(const CorpusOptionValues& values);

/// Adds --force (replace a directory that holds something other than this app's output).
void add_force_option(po::options_description& options, bool& force);

/// Parses the command line; prints help or the version and returns false when one was asked for.
/// Throws on unknown options or missing required ones (exit 2 through run()).
bool parse(int argc, char** argv, const po::options_description& options, const AppHelp& help,
           po::variables_map& vm, const po::positional_options_description* positional = nullptr);

/// Refuses (UsageError) an option given on the command line that does nothing without `needed`:
/// "--svg does nothing without --groups".
void requires_option(const po::variables_map& vm, const std::string& option,
                     const std::string& needed);

/// Installs SIGINT/SIGTERM handlers that only set the process's stop request (core/interrupt.hpp),
/// which every library loop polls through WorkHooks::poll().
void install_interrupt_handler();

/// Progress on stderr: nothing for work that ends within ~2 s; then a redrawn bar on a terminal, or
/// a plain line every few seconds otherwise; nothing at all when quiet.
class Progress {
 public:
  Progress(std::string label, bool quiet);
  ~Progress();
  /// Reports `done` of `total` units.
  void update(std::size_t done, std::size_t total);
  /// Prints a whole line (clearing a bar first); used for per-pass lines.
  void line(const std::string& text);
  /// Clears the bar.
  void finish();

 private:
  std::string label_;
  bool quiet_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// The library's work hooks wired to `progress` (Ctrl-C reaches the work through the process's
/// stop request).
WorkHooks work_hooks(Progress& progress);

/// A fit's hooks wired to `progress`: a line per pass, per merge-split proposal, per warm-up pass
/// and per note, the bar within a pass, and Ctrl-C.
RunHooks fit_hooks(Progress& progress);

/// A memory size: a number with an optional K, M, G or T suffix (powers of 1024), e.g. "4G".
/// UsageError naming `option` otherwise.
double parse_memory_size(const std::string& text, const std::string& option);

/// The options of a divergence, one group with the same defaults in every app that takes them:
/// --metric (its default and help are the app's), --base, --zero, --normalize, --max-memory.
struct DivergenceOptionValues {
  std::string metric, base = "e", zero = "inf", max_memory = "8G";
  bool normalize = false;
};
void add_divergence_options(po::options_description& options, DivergenceOptionValues& values,
                            const char* default_metric, const char* metric_help);

/// What the group means: the divergence, how rows are prepared, the memory limit.
struct DivergenceChoice {
  DivergenceOptions divergence;
  RowPolicy policy;
  double max_bytes = 0;
};
DivergenceChoice finish_divergence_options(const DivergenceOptionValues& values);

}  // namespace tmkit::cli
