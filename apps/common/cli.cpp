#include "cli.hpp"

#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>

#include "tmkit/core/error.hpp"
#include "tmkit/core/interrupt.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/numbers.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit::cli {
namespace {

extern "C" void on_signal(int) { request_stop(); }

constexpr double kQuietSeconds = 2.0;      // work shorter than this shows no progress
constexpr double kRedrawSeconds = 0.2;     // bar redraw interval on a terminal
constexpr double kPlainLineSeconds = 5.0;  // progress line interval when stderr is not a terminal

// Program_options reads "-3" into an unsigned option as 2^64 - 3. Every value of an option of an
// unsigned type must be written as digits only.
template <class T>
bool is_typed(const po::option_description& option) {
  return dynamic_cast<const po::typed_value<T>*>(option.semantic().get()) != nullptr;
}

void check_whole_numbers(const po::parsed_options& parsed, const po::options_description& options) {
  for (const po::option& given : parsed.options) {
    const po::option_description* option = options.find_nothrow(given.string_key, false);
    if (!option || !(is_typed<std::size_t>(*option) || is_typed<unsigned>(*option) ||
                     is_typed<std::uint64_t>(*option))) {
      continue;
    }
    for (const std::string& value : given.value) {
      const bool digits =
          !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) {
        // As the user wrote it: "-k" rather than "--topics".
        std::string name = "--" + given.string_key;
        if (!given.original_tokens.empty() && given.original_tokens.front().rfind('-', 0) == 0) {
          name = given.original_tokens.front().substr(0, given.original_tokens.front().find('='));
        }
        throw UsageError(name + ": \"" + value +
                         "\" is not a whole number; expected digits only (0, 1, 2, ...)");
      }
    }
  }
}

}  // namespace

int run(const char* name, int argc, char** argv, const std::function<int(int, char**)>& body) {
  int code = kExitBadInput;
  std::string message;
  try {
    // Every app: SIGINT/SIGTERM stop the work and nothing is written. Under mpirun, only apps that
    // stop all ranks together (tm-fit) install it themselves; the others stop outright.
    if (current_world().size() == 1) install_interrupt_handler();
    return body(argc, argv);
  } catch (const Interrupted& e) {
    // When the work was saved, the message says where and how to go on; otherwise nothing was
    // written at all.
    message = e.saved_to().empty()
                  ? "interrupted; nothing was written and existing outputs are untouched"
                  : "interrupted; " + std::string(e.what()) + ": continue it with " + name +
                        " --resume " + e.saved_to();
    code = kExitInterrupted;
  } catch (const OptionError& e) {
    // The option as this front end spells it: -k, --tol.
    message = (e.option().size() == 1 ? "-" : "--") + e.option() + ": " + e.problem();
  } catch (const UsageError& e) {
    message = e.what();
  } catch (const InputError& e) {
    message = e.what();
  } catch (const OutputError& e) {
    message = e.what();
  } catch (const po::error& e) {
    message = std::string(e.what()) + " (see " + name + " --help)";
  } catch (const std::bad_alloc&) {
    message = "internal error: out of memory";
    code = kExitInternal;
  } catch (const std::exception& e) {
    message = std::string("internal error: ") + e.what();
    code = kExitInternal;
  }
  // Under mpirun, say which rank failed, then stop every rank rather than leave them waiting (an
  // interruption is decided by all ranks together: each stops on its own).
  std::fprintf(stderr, "%s: %s%s\n", name, parallel_job_prefix().c_str(), message.c_str());
  std::fflush(stderr);
  if (code != kExitInterrupted) abort_world(code);
  return code;
}

void add_common_options(po::options_description& options, int& threads, bool& quiet) {
  options.add_options()("help,h", "print this help and exit")("version",
                                                              "print the tmkit version and exit")(
      "threads", po::value<int>(&threads)->default_value(0),
      "threads to use (0: all cores); results do not depend on it")(
      "quiet,q", po::bool_switch(&quiet), "print no progress on stderr");
}

void add_corpus_options(po::options_description& options, CorpusOptionValues& v,
                        bool corpus_required) {
  auto corpus = po::value<std::string>(&v.corpus);
  if (corpus_required) corpus->required();
  options.add_options()("corpus", corpus,
                        "corpus file or directory (UCI docword, lda-c, MatrixMarket, .tmc, raw "
                        "text, or a directory of .txt files)")(
      "vocab", po::value<std::string>(&v.vocab),
      "vocabulary file (default: vocab.NAME.txt beside docword.NAME.txt, PATH.vocab, vocab.txt)")(
      "format", po::value<std::string>(&v.format)->default_value("auto"),
      "corpus format: auto, uci, ldac, mm, tmc, text, text-dir");
  po::options_description text("Raw text (when the corpus is text)");
  text.add_options()("columns", po::value<std::string>(&v.columns)->default_value("auto"),
                     "line layout: auto, text, id-text, id-label-text (tab-separated)")(
      "min-length", po::value<std::size_t>(&v.min_length)->default_value(2),
      "shortest token kept, in letters")("keep-case", po::bool_switch(&v.keep_case),
                                         "do not lower-case")(
      "no-stop-words", po::bool_switch(&v.no_stop_words), "keep tmkit's English stop words")(
      "stop-words", po::value<std::string>(&v.stop_words_file),
      "file of more stop words, one per line")(
      "min-df", po::value<std::string>(&v.min_df)->default_value("1"),
      "keep words in at least this many documents (5) or this fraction of them (0.01)")(
      "max-df", po::value<std::string>(&v.max_df)->default_value("1.0"),
      "keep words in at most this many documents or this fraction of them")(
      "max-vocab", po::value<std::size_t>(&v.max_vocab)->default_value(0),
      "keep only the N most frequent words (0: all)")("keep-empty", po::bool_switch(&v.keep_empty),
                                                      "keep documents left without words");
  options.add(text);
}

CorpusReadOptions finish_corpus_options(const CorpusOptionValues& v) {
  CorpusReadOptions options;
  options.format = parse_corpus_format(v.format);
  options.vocab_path = v.vocab;
  options.columns = parse_text_columns(v.columns);
  options.tokenizer.lowercase = !v.keep_case;
  if (v.min_length == 0) throw UsageError("--min-length: 0; expected at least 1 letter");
  options.tokenizer.min_length = v.min_length;
  options.tokenizer.builtin_stop_words = !v.no_stop_words;
  if (!v.stop_words_file.empty())
    options.tokenizer.extra_stop_words = read_word_list(v.stop_words_file);
  options.vocabulary.min_df = DocFrequencyLimit::parse(v.min_df, "--min-df");
  options.vocabulary.max_df = DocFrequencyLimit::parse(v.max_df, "--max-df");
  options.vocabulary.max_vocab = v.max_vocab;
  options.keep_empty = v.keep_empty;
  return options;
}

CorpusReadOptions corpus_options_for_model(const po::variables_map& vm,
                                           const CorpusOptionValues& values,
                                           const CorpusRecord& fitted) {
  return read_options_for_model(finish_corpus_options(values), text_options_given(vm), fitted);
}

bool text_options_given(const po::variables_map& vm) {
  for (const char* name : {"columns", "min-length", "keep-case", "no-stop-words", "stop-words",
                           "min-df", "max-df", "max-vocab", "keep-empty"}) {
    if (vm.count(name) && !vm[name].defaulted()) return true;  // the user's choice
  }
  return false;
}

std::vector<InputPath> corpus_inputs(const CorpusOptionValues& v) {
  std::vector<InputPath> inputs = {{"--corpus", v.corpus}, {"--stop-words", v.stop_words_file}};
  inputs.push_back({"--vocab", v.vocab.empty() ? find_vocab_path(v.corpus) : v.vocab});
  inputs.push_back({"--corpus (its document table)", find_docs_path(v.corpus)});
  return inputs;
}

void add_force_option(po::options_description& options, bool& force) {
  options.add_options()("force", po::bool_switch(&force),
                        "replace an --out directory even if it holds something other than this "
                        "app's output (never one of the inputs)");
}

bool parse(int argc, char** argv, const po::options_description& options, const AppHelp& help,
           po::variables_map& vm, const po::positional_options_description* positional) {
  po::command_line_parser parser(argc, argv);
  parser.options(options);
  if (positional) parser.positional(*positional);
  const po::parsed_options parsed = parser.run();
  check_whole_numbers(parsed, options);
  po::store(parsed, vm);
  if (vm.count("help")) {
    std::cout
        << help.name << " - " << help.synopsis << "\n\nUsage: " << help.usage << "\n\n"
        << options << "\nExamples:\n"
        << help.examples
        << "\nExit status: 0 success, 1 internal error, 2 bad usage or input, 130 interrupted.\n";
    return false;
  }
  if (vm.count("version")) {
    std::cout << help.name << " (tmkit) " << tmkit_version() << "\n";
    return false;
  }
  po::notify(vm);
  if (vm.count("threads") && vm["threads"].as<int>() < 0) {
    throw UsageError("--threads: " + std::to_string(vm["threads"].as<int>()) +
                     "; expected 0 (every core) or more");
  }
  return true;
}

void requires_option(const po::variables_map& vm, const std::string& option,
                     const std::string& needed) {
  const auto given = [&](const std::string& name) {
    return vm.count(name) > 0 && !vm[name].defaulted();
  };
  if (given(option) && !given(needed)) {
    throw UsageError("--" + option + " does nothing without --" + needed +
                     "; give both, or neither");
  }
}

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

Progress::Progress(std::string label, bool quiet)
    : label_(std::move(label)),
      quiet_(quiet),
      terminal_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

Progress::~Progress() { finish(); }

void Progress::update(std::size_t done, std::size_t total) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_start = std::chrono::duration<double>(now - start_).count();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  if (since_start < kQuietSeconds) return;
  const double fraction = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  if (terminal_) {
    if (drawn_ && since_last < kRedrawSeconds && done < total) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '=');
    bar.resize(kWidth, ' ');
    std::fprintf(stderr, "\r%s [%s] %3.0f%% (%zu/%zu)", label_.c_str(), bar.c_str(),
                 100.0 * fraction, done, total);
    std::fflush(stderr);
    drawn_ = true;
  } else {
    if (since_last < kPlainLineSeconds) return;
    std::fprintf(stderr, "%s: %zu/%zu (%.0f%%)\n", label_.c_str(), done, total, 100.0 * fraction);
  }
  last_ = now;
}

void Progress::line(const std::string& text) {
  if (quiet_) return;
  finish();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

WorkHooks work_hooks(Progress& progress) {
  WorkHooks hooks;
  hooks.on_progress = [&progress](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  return hooks;
}

namespace {
std::string pass_line(const PassReport& line) {
  char buffer[200];
  const std::string iterations =
      line.mean_estep_iterations > 0
          ? "  (E-step " + std::to_string(static_cast<int>(line.mean_estep_iterations + 0.5)) +
                " it/doc)"
          : "";
  std::snprintf(buffer, sizeof buffer, "%s %4zu  elbo %.6e  change %+.3e  %7.2fs%s",
                line.fold_in      ? "fold"
                : line.join       ? "join"
                : line.after_move ? "move"
                                  : "pass",
                line.pass, line.elbo, line.relative_change, line.seconds, iterations.c_str());
  return buffer;
}

std::string move_line(const MoveReport& move) {
  char buffer[260];
  std::snprintf(
      buffer, sizeof buffer,
      "try  merge %zu+%zu, split %zu%s (gain %.2f nats/token): elbo %.6e -> %.6e after "
      "%zu passes",
      move.merge_keep, move.merge_drop, move.split_topic,
      move.n_pairs > 1 ? (" and " + std::to_string(move.n_pairs - 1) + " more pairs").c_str() : "",
      move.split_gain, move.elbo_before, move.elbo_after, move.passes);
  std::string text = buffer;
  if (!std::isnan(move.heldout_after)) {
    std::snprintf(buffer, sizeof buffer, ", held-out perplexity %.6g -> %.6g", move.heldout_before,
                  move.heldout_after);
    text += buffer;
  }
  return text + (move.accepted ? ", kept" : ", rejected");
}
}  // namespace

RunHooks fit_hooks(Progress& progress) {
  RunHooks hooks;
  hooks.fit.on_pass = [&progress](const PassReport& line) { progress.line(pass_line(line)); };
  hooks.fit.on_move = [&progress](const MoveReport& move) { progress.line(move_line(move)); };
  hooks.fit.on_warmup = [&progress](std::size_t pass, std::size_t total) {
    progress.line("warm " + std::to_string(pass) + "/" + std::to_string(total) +
                  " (tempered passes that end the initialisation)");
  };
  hooks.fit.work.on_progress = [&progress](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  hooks.on_note = [&progress](const std::string& text) { progress.line("tm-fit: " + text); };
  return hooks;
}

double parse_memory_size(const std::string& text, const std::string& option) {
  std::size_t digits = text.size();
  while (digits > 0 && std::isalpha(static_cast<unsigned char>(text[digits - 1]))) --digits;
  const double number = parse_number(std::string_view(text).substr(0, digits)).value_or(0.0);
  double scale = 1.0;
  const std::string suffix = text.substr(digits);
  if (suffix == "K" || suffix == "k") scale = 1024.0;
  if (suffix == "M" || suffix == "m") scale = 1024.0 * 1024.0;
  if (suffix == "G" || suffix == "g") scale = 1024.0 * 1024.0 * 1024.0;
  if (suffix == "T" || suffix == "t") scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  const bool suffix_ok = suffix.empty() || scale > 1.0;
  if (!suffix_ok || !std::isfinite(number) || number <= 0.0) {
    throw UsageError(option + ": '" + text + "' is not a memory size; expected e.g. 512M or 4G");
  }
  return number * scale;
}

void add_divergence_options(po::options_description& options, DivergenceOptionValues& v,
                            const char* default_metric, const char* metric_help) {
  v.metric = default_metric;
  options.add_options()("metric", po::value<std::string>(&v.metric)->default_value(v.metric),
                        metric_help)("base", po::value<std::string>(&v.base)->default_value(v.base),
                                     "logarithm: e (nats) or 2 (bits)")(
      "zero", po::value<std::string>(&v.zero)->default_value(v.zero),
      "inf: exact (0 log 0 = 0, +inf where q = 0 < p); epsilon=E: add E to every entry, "
      "renormalize")(
      "normalize", po::bool_switch(&v.normalize),
      "accept rows with any positive sum (otherwise they must sum to 1 within 1e-9)")(
      "max-memory", po::value<std::string>(&v.max_memory)->default_value(v.max_memory),
      "refuse a matrix of distances larger than this (K, M, G or T bytes)");
}

DivergenceChoice finish_divergence_options(const DivergenceOptionValues& v) {
  if (v.base != "e" && v.base != "2") {
    throw OptionError("base", "\"" + v.base + "\" is not a base; expected e or 2");
  }
  DivergenceChoice choice;
  choice.divergence = {parse_metric(v.metric), v.base == "2"};
  choice.policy = {v.normalize, parse_zero_policy(v.zero)};
  choice.max_bytes = parse_memory_size(v.max_memory, "--max-memory");
  return choice;
}

}  // namespace tmkit::cli
