// tm-fit: fit a variational LDA model to a corpus and write the model directory.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "common/cli.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/corpus/corpus_shard.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/checkpoint.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_online.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/topics/topics.hpp"

namespace {

const tmkit::cli::AppHelp kHelp = {
    "tm-fit", "fit a variational LDA topic model (batch or online VB) and write a model directory",
    "tm-fit --corpus PATH --out DIR -k K [options]",
    "  tm-fit --corpus corpora/kjv/docword.kjv.txt -k 20 --out kjv-model\n"
    "  tm-fit --corpus news.txt --columns id-label-text -k 50 --alpha auto --eta auto --out "
    "news-model\n"
    "  tm-fit --corpus docword.nips.txt -k 30 --passes 50 --tol 1e-6 --seed 7 --threads 4 --out "
    "nips\n"
    "  tm-fit --corpus docword.pubmed.txt -k 100 --algorithm online --batch-size 1024 --passes 2 "
    "--heldout-fraction 0.01 --out pubmed      streams the file, O(K V + batch) memory\n"};

std::string pass_line(const tmkit::PassReport& line) {
  char buffer[160];
  std::snprintf(
      buffer, sizeof buffer, "%s %4zu  elbo %.6e  change %+.3e  %7.2fs%s",
      line.fold_in      ? "fold"
      : line.join       ? "join"
      : line.after_move ? "move"
                        : "pass",
      line.pass, line.elbo, line.relative_change, line.seconds,
      line.mean_estep_iterations > 0
          ? ("  (E-step " + std::to_string(static_cast<int>(line.mean_estep_iterations + 0.5)) +
             " it/doc)")
                .c_str()
          : "");
  return buffer;
}

// A fit started from the command line `args` (program name first), or resumed from a checkpoint
// (`resume`, whose stored command line `args` then is).
int fit_with(const std::vector<std::string>& args, const tmkit::Checkpoint* resume) {
  std::vector<char*> argv_store;
  for (const auto& arg : args) argv_store.push_back(const_cast<char*>(arg.c_str()));
  const int argc = static_cast<int>(argv_store.size());
  char** argv = argv_store.data();
  namespace po = tmkit::cli::po;
  int threads = 0;
  bool quiet = false;
  tmkit::cli::CorpusOptionValues corpus_values;
  std::string out, alpha = "symmetric", eta = "symmetric", init = "spa";
  tmkit::FitOptions fit;
  std::size_t top = 10;
  std::string restart = "on", algorithm = "batch", checkpoint_dir, stop_rule = "auto";
  std::size_t checkpoint_every = 0;
  tmkit::OnlineOptions online;
  double heldout_fraction = 0;
  po::options_description options("Options");
  bool force = false;
  tmkit::cli::add_common_options(options, threads, quiet);
  tmkit::cli::add_force_option(options, force);
  options.add_options()("out,o", po::value<std::string>(&out),
                        "model directory to write: a new or empty directory, or an earlier "
                        "tm-fit model (replaced only by a complete new one)")(
      "topics,k", po::value<std::size_t>(&fit.n_topics), "number of topics K (1..V)")(
      "alpha", po::value<std::string>(&alpha)->default_value("symmetric"),
      "prior on document topics: a number, symmetric (1/K), asymmetric (gensim's 1/(k+sqrt K)), "
      "auto (learn a vector), auto-symmetric (learn one value)")(
      "eta", po::value<std::string>(&eta)->default_value("symmetric"),
      "prior on topic words: a number, symmetric (1/K), auto (learn)")(
      "passes", po::value<std::size_t>(&fit.max_passes)->default_value(fit.max_passes),
      "most passes (E-step + M-step), warm-up and merge-split trials included")(
      "stop", po::value<std::string>(&stop_rule)->default_value("auto"),
      "when the fit is done: heldout (a slice's document-completion perplexity stops improving; "
      "the slice is folded in at the end), elbo (--tol), or auto (heldout from 2000 documents)")(
      "heldout-tol", po::value<double>(&fit.heldout_tol)->default_value(fit.heldout_tol, "0.001"),
      "heldout rule: a pass counts when it lowers the perplexity by more than this fraction ...")(
      "heldout-patience",
      po::value<std::size_t>(&fit.heldout_patience)->default_value(fit.heldout_patience),
      "... and the fit stops after this many passes in a row that do not")(
      "tol", po::value<double>(&fit.tol)->default_value(fit.tol, "1e-5"),
      "elbo rule: converged when the relative ELBO change stays below this (0: run every pass) "
      "...")("patience", po::value<std::size_t>(&fit.patience)->default_value(fit.patience),
             "... for this many passes in a row")(
      "warmup", po::value<std::size_t>(&fit.warmup_passes)->default_value(fit.warmup_passes),
      "tempered passes that end the initialisation (at most a quarter of --passes; 0: none)")(
      "estep-tol", po::value<double>(&fit.estep.tol)->default_value(fit.estep.tol),
      "per-document stop: mean |change of gamma| below this")(
      "estep-max-iter",
      po::value<std::size_t>(&fit.estep.max_iter)->default_value(fit.estep.max_iter),
      "per-document updates at most")(
      "estep-restart", po::value<std::string>(&restart)->default_value("on"),
      "also fit each document from the neutral start and keep the better (on|off)")(
      "restart-warmup",
      po::value<std::size_t>(&fit.restart_warmup)->default_value(fit.restart_warmup),
      "passes in which every document restarts")(
      "restart-period",
      po::value<std::size_t>(&fit.restart_period)->default_value(fit.restart_period),
      "afterwards, each document restarts every this many passes")(
      "init", po::value<std::string>(&init)->default_value("spa"),
      "starting topics: spa (seed documents by successive projections) or random (as gensim, "
      "sklearn)")("moves", po::value<std::size_t>(&fit.max_moves)->default_value(fit.max_moves),
                  "merge-split proposals to try once the ELBO's rise slows (0: none)")(
      "move-passes", po::value<std::size_t>(&fit.move_passes)->default_value(fit.move_passes),
      "passes each proposal runs before it is kept or dropped")(
      "seed", po::value<std::uint64_t>(&fit.seed)->default_value(fit.seed), "random seed")(
      "top", po::value<std::size_t>(&top)->default_value(10), "top words per topic in the summary")(
      "algorithm", po::value<std::string>(&algorithm)->default_value("batch"),
      "batch (all documents per M-step, to convergence) or online (Hoffman et al. 2010: "
      "mini-batches streamed from disk; --passes defaults to 10)")(
      "batch-size", po::value<std::size_t>(&online.batch_size)->default_value(online.batch_size),
      "online: documents per mini-batch")(
      "tau0", po::value<double>(&online.tau0)->default_value(online.tau0),
      "online: step size rho_t = (tau0 + t)^-kappa")(
      "kappa", po::value<double>(&online.kappa)->default_value(online.kappa, "0.7"),
      "online: forgetting rate, in (0.5, 1]")(
      "heldout-fraction", po::value<double>(&heldout_fraction)->default_value(0),
      "hold this fraction of the documents out of the fit and report their document-completion "
      "perplexity after every pass (elbo.csv column heldout_perplexity)")(
      "checkpoint", po::value<std::string>(&checkpoint_dir),
      "where checkpoints go (default: OUT.checkpoint); one is always written on SIGINT/SIGTERM")(
      "checkpoint-every", po::value<std::size_t>(&checkpoint_every)->default_value(0),
      "also write one every N passes (batch) or N mini-batches (online); 0: only when stopped")(
      "resume", po::value<std::string>(),
      "continue the fit saved in this checkpoint directory (its options are reused; --threads and "
      "--quiet may be given anew); ends with the model an uninterrupted fit gives");
  tmkit::cli::add_corpus_options(options, corpus_values, /*corpus_required=*/false);
  po::variables_map vm;
  if (!tmkit::cli::parse(argc, argv, options, kHelp, vm)) return tmkit::cli::kExitOk;
  if (vm.count("resume")) {
    if (resume)
      throw tmkit::InputError(vm["resume"].as<std::string>(),
                              "a checkpoint's command line holds --resume");
    // The stored command line, run where it first ran, with this one's --threads and --quiet.
    const tmkit::Checkpoint checkpoint = tmkit::load_checkpoint(vm["resume"].as<std::string>());
    std::vector<std::string> stored = checkpoint.arguments;
    if (stored.size() < 2)
      throw tmkit::InputError(vm["resume"].as<std::string>(), "holds no command line");
    const std::string cwd = stored[0];
    stored.erase(stored.begin());
    if (!vm["threads"].defaulted())
      stored.insert(stored.end(), {"--threads", std::to_string(threads)});
    if (quiet) stored.push_back("--quiet");
    std::error_code ec;
    std::filesystem::current_path(cwd, ec);
    if (ec) throw tmkit::InputError(cwd, "the directory the fit ran in is gone: " + ec.message());
    return fit_with(stored, &checkpoint);
  }
  std::string missing;
  if (corpus_values.corpus.empty()) missing += " '--corpus'";
  if (out.empty()) missing += " '--out'";
  if (!vm.count("topics")) missing += " '-k'";
  if (!missing.empty()) {
    throw tmkit::UsageError("the option" + missing +
                            " is required (or --resume DIR to continue a fit)");
  }
  if (checkpoint_dir.empty()) checkpoint_dir = out + ".checkpoint";
  fit.alpha = tmkit::AlphaOption::parse(alpha);
  fit.eta = tmkit::EtaOption::parse(eta);
  fit.init = tmkit::parse_init_method(init);
  fit.stop = tmkit::parse_stop_rule(stop_rule);
  fit.n_threads = threads;
  if (restart != "on" && restart != "off") {
    throw tmkit::UsageError("--estep-restart: \"" + restart + "\"; expected on or off");
  }
  fit.estep.restart = restart == "on";
  if (fit.restart_period == 0) throw tmkit::UsageError("--restart-period: 0; expected at least 1");
  const tmkit::CorpusReadOptions read_options = tmkit::cli::finish_corpus_options(corpus_values);

  // Under mpirun every rank fits its share of the documents and rank 0 writes the model.
  tmkit::Communicator& world = tmkit::current_world();
  const bool distributed = world.size() > 1;
  if (distributed) {
    const auto not_yet = [](const std::string& what) {
      return tmkit::UsageError(what +
                               " is not available under mpirun yet; run it as one process (the "
                               "batch and online fits are spread over ranks)");
    };
    if (heldout_fraction > 0) throw not_yet("--heldout-fraction");
    if (checkpoint_every > 0) throw not_yet("--checkpoint-every");
    if (resume) throw not_yet("--resume");
  }
  // Open the output first, so that an unwritable path fails before the fit, not after it.
  // (Under mpirun, once every rank has read its documents: a rank that cannot stops the job, and
  // nothing must have been created by then.)
  // Nothing the user owns is replaced: not a directory of theirs, not an input of this run.
  std::vector<tmkit::InputPath> inputs = tmkit::cli::corpus_inputs(corpus_values);
  tmkit::check_output({"--out", out, true, "model.json", "tm-fit"}, inputs, force);
  if (!resume) inputs.push_back({"--out", out});
  tmkit::check_output({"--checkpoint", checkpoint_dir, true, "checkpoint.json", "tm-fit"}, inputs,
                      force);
  std::optional<tmkit::AtomicDirectory> output;
  if (!distributed) output.emplace(out);
  tmkit::cli::install_interrupt_handler();

  if (algorithm != "batch" && algorithm != "online") {
    throw tmkit::UsageError("--algorithm: \"" + algorithm + "\"; expected batch or online");
  }
  const bool is_online = algorithm == "online";
  if (is_online) {
    tmkit::validate_online_options(online);
    if (vm["passes"].defaulted()) fit.max_passes = 10;
    fit.max_moves = 0;  // merge-split moves need the whole corpus at hand
  }
  if (!(heldout_fraction >= 0 && heldout_fraction < 1)) {
    throw tmkit::UsageError("--heldout-fraction: " + tmkit::format_shortest(heldout_fraction) +
                            "; expected a fraction in [0, 1)");
  }

  // Documents: streamed from disk for an online fit of a .tmc, UCI, lda-c or MatrixMarket file; in
  // memory otherwise. Under mpirun, a batch fit's rank holds its share of the documents; an online
  // fit's rank streams the file, reading its part of each mini-batch.
  const tmkit::CorpusFormat format = read_options.format == tmkit::CorpusFormat::automatic
                                         ? tmkit::detect_corpus_format(corpus_values.corpus)
                                         : read_options.format;
  tmkit::TextImportReport text_report;
  std::optional<tmkit::Corpus> in_memory;
  std::unique_ptr<tmkit::DocumentSource> source;
  std::optional<tmkit::CorpusShard> shard;
  if (distributed) {
    // Every rank learns whether all could read their documents before anything is created.
    std::exception_ptr read_error;
    try {
      if (!is_online) {
        shard = tmkit::read_corpus_shard(corpus_values.corpus, read_options, world,
                                         tmkit::kFitBlockDocs);
      } else if (tmkit::streamable(format)) {
        source = tmkit::open_document_stream(corpus_values.corpus, read_options);
      } else {
        throw tmkit::UsageError("--algorithm online under mpirun streams the corpus file; import " +
                                corpus_values.corpus + " first (tm-import --to tmc)");
      }
    } catch (...) {
      read_error = std::current_exception();
    }
    if (world.any(read_error != nullptr)) {
      if (read_error) std::rethrow_exception(read_error);
      throw tmkit::InputError(corpus_values.corpus,
                              "another rank could not read its documents (its message says why)");
    }
    if (shard) {
      in_memory = std::move(shard->documents);
      source = std::make_unique<tmkit::CorpusSource>(*in_memory);
    }
    if (world.is_root()) output.emplace(out);
  } else if (is_online && tmkit::streamable(format)) {
    source = tmkit::open_document_stream(corpus_values.corpus, read_options);
  } else {
    in_memory = tmkit::read_corpus(corpus_values.corpus, read_options, &text_report);
    source = std::make_unique<tmkit::CorpusSource>(*in_memory);
  }
  tmkit::DocumentSource* training = source.get();
  std::optional<tmkit::ExcludingSource> excluding;
  std::optional<tmkit::CompletionSplit> heldout;
  if (heldout_fraction > 0) {
    excluding.emplace(
        *source, tmkit::choose_heldout_documents(source->n_docs(), heldout_fraction, fit.seed));
    if (excluding->excluded().n_docs() == 0 || excluding->n_docs() == 0) {
      throw tmkit::UsageError("--heldout-fraction " + tmkit::format_shortest(heldout_fraction) +
                              " leaves " + std::to_string(excluding->excluded().n_docs()) +
                              " held-out and " + std::to_string(excluding->n_docs()) +
                              " training documents; expected some of each");
    }
    heldout = tmkit::split_documents(excluding->excluded(), fit.seed);
    training = &*excluding;
  }
  std::optional<tmkit::Corpus> batch_corpus;
  const tmkit::Corpus* corpus = nullptr;  // the training documents in memory (batch)
  if (!is_online) {
    if (excluding) {
      batch_corpus = tmkit::read_all(*training);
      corpus = &*batch_corpus;
    } else {
      corpus = &*in_memory;
    }
    tmkit::validate_fit_options(*corpus, fit);
  }
  // The whole corpus (under mpirun, training holds this rank's documents).
  const std::size_t n_docs = shard ? shard->n_docs : training->n_docs();
  const std::uint64_t n_tokens = shard ? shard->n_tokens : training->n_tokens();
  const std::string fingerprint = shard ? shard->fingerprint : training->fingerprint();
  if (fit.n_topics > training->vocab().size()) {
    throw tmkit::UsageError("-k: " + std::to_string(fit.n_topics) +
                            " topics is more than the vocabulary has words (V = " +
                            std::to_string(training->vocab().size()) + "); expected 1 <= K <= V");
  }
  tmkit::cli::Progress progress("tm-fit", quiet || !world.is_root());
  progress.line("tm-fit: " + std::to_string(n_docs) + " documents, " +
                std::to_string(training->vocab().size()) + " words, " + std::to_string(n_tokens) +
                " tokens; K = " + std::to_string(fit.n_topics) + (is_online ? "; online" : "") +
                (distributed ? "; " + std::to_string(world.size()) + " MPI ranks" : "") +
                (heldout ? "; " + std::to_string(heldout->heldout.n_docs()) + " held out" : ""));
  tmkit::FitCallbacks callbacks;
  callbacks.on_pass = [&](const tmkit::PassReport& line) { progress.line(pass_line(line)); };
  callbacks.on_move = [&](const tmkit::MoveReport& move) {
    char buffer[260];
    std::snprintf(buffer, sizeof buffer,
                  "try  merge %zu+%zu, split %zu (gain %.2f nats/token): elbo %.6e -> %.6e after "
                  "%zu passes",
                  move.merge_keep, move.merge_drop, move.split_topic, move.split_gain,
                  move.elbo_before, move.elbo_after, move.passes);
    std::string text = buffer;
    if (!std::isnan(move.heldout_after)) {
      std::snprintf(buffer, sizeof buffer, ", held-out perplexity %.6g -> %.6g",
                    move.heldout_before, move.heldout_after);
      text += buffer;
    }
    progress.line(text + (move.accepted ? ", kept" : ", rejected"));
  };
  callbacks.on_warmup = [&](std::size_t pass, std::size_t total) {
    progress.line("warm " + std::to_string(pass) + "/" + std::to_string(total) +
                  " (tempered passes that end the initialisation)");
  };
  callbacks.on_progress = [&](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  callbacks.stop_requested = [] { return tmkit::cli::interrupt_requested(); };
  if (heldout) {
    callbacks.evaluate_heldout = [&](const tmkit::LdaModel& m) {
      return tmkit::document_completion(m, *heldout, fit.estep, fit.n_threads).perplexity();
    };
  }

  // Checkpoints: the state at a safe point, with the command line that started the fit.
  if (resume) {
    if (resume->algorithm != algorithm || resume->corpus_fingerprint != training->fingerprint()) {
      throw tmkit::InputError(checkpoint_dir,
                              "was written by a fit of another corpus or algorithm "
                              "than the one its command line now reads; expected "
                              "the same corpus, unchanged");
    }
  }
  std::vector<std::string> command{std::filesystem::current_path().string()};
  command.insert(command.end(), args.begin(), args.end());
  {
    // --threads and --quiet belong to each run, not to the fit.
    std::vector<std::string> kept{command[0], command[1]};
    for (std::size_t i = 2; i < command.size(); ++i) {
      if (command[i] == "--threads" && i + 1 < command.size()) {
        ++i;
        continue;
      }
      if (command[i].rfind("--threads=", 0) == 0 || command[i] == "--quiet") continue;
      kept.push_back(command[i]);
    }
    command = std::move(kept);
  }
  std::size_t last_checkpoint = static_cast<std::size_t>(-1);
  const auto checkpoint_due = [&](std::size_t units) {
    return checkpoint_every > 0 && units > 0 && units % checkpoint_every == 0 &&
           units != last_checkpoint;
  };
  const auto write_checkpoint = [&](const tmkit::LdaModel& state, std::size_t units,
                                    const tmkit::BatchProgress* batch_progress,
                                    const tmkit::OnlineProgress* online_progress) {
    tmkit::Checkpoint c;
    c.algorithm = algorithm;
    c.arguments = command;
    c.corpus_fingerprint = training->fingerprint();
    c.model = state;
    if (batch_progress) c.batch = *batch_progress;
    if (online_progress) c.online = *online_progress;
    tmkit::save_checkpoint(checkpoint_dir, c);
    last_checkpoint = units;
    progress.line("checkpoint written to " + checkpoint_dir);
  };
  callbacks.checkpoint_due = checkpoint_due;
  if (!distributed) {
    callbacks.on_checkpoint = [&](const tmkit::LdaModel& state, const tmkit::BatchProgress& p) {
      write_checkpoint(state, p.passes, &p, nullptr);
    };
  }
  const auto stopped_message = [&]() -> std::string {
    if (distributed) {
      return "no model was written (an existing one is untouched); checkpoints are not written "
             "under mpirun yet";
    }
    return "no model was written (an existing one is untouched); the fit so far is saved in " +
           checkpoint_dir + ": continue it with tm-fit --resume " + checkpoint_dir;
  };

  tmkit::LdaModel model;
  tmkit::FitReport report;
  tmkit::SavedModel saved;
  if (!is_online) {
    try {
      if (resume) {
        model = resume->model;
        report = tmkit::resume_batch(*corpus, fit, model, resume->batch, callbacks);
      } else {
        const tmkit::Shard fit_shard{&world, shard ? shard->first_doc : 0};
        model = tmkit::initialize_model(*corpus, fit, fit_shard);
        report = tmkit::fit_batch(*corpus, fit, model, callbacks, fit_shard);
      }
    } catch (const tmkit::Interrupted&) {
      throw tmkit::Interrupted(stopped_message());
    }
    if (shard) {
      // Rank 0 collects every rank's gamma and writes the model; the others are done.
      const std::vector<double> local(model.gamma.begin(), model.gamma.end());
      const std::vector<double> all = world.gather(local, 0);
      if (!world.is_root()) return tmkit::cli::kExitOk;
      model.gamma = arma::mat(all.data(), fit.n_topics, n_docs);
      for (const std::string& line : shard->doc_table) {
        const std::size_t tab = line.find('\t');
        saved.doc_ids.push_back(line.substr(0, tab));
        saved.labels.push_back(line.substr(tab + 1));
      }
    } else {
      saved.doc_ids = corpus->doc_ids();
      saved.labels = corpus->labels();
    }
  } else {
    model = resume ? resume->model : tmkit::initialize_online_model(*training, fit);
    // gamma.npy and docs.tsv are written as the final pass folds each mini-batch in.
    // (Under mpirun, rank 0 writes them; the other ranks send it their gamma.)
    std::ofstream gamma_file, docs_file;
    if (output) {
      gamma_file.open(output->file("gamma.npy"), std::ios::binary);
      docs_file.open(output->file("docs.tsv"), std::ios::binary);
      tmkit::write_npy_header(gamma_file, {n_docs, fit.n_topics});
    }
    tmkit::OnlineCallbacks online_callbacks;
    online_callbacks.fit = callbacks;
    online_callbacks.on_gamma = [&](const tmkit::DocumentBatch& batch, const arma::mat& gamma) {
      tmkit::write_npy_values(gamma_file, gamma.memptr(), gamma.n_elem);
      for (std::size_t i = 0; i < batch.n_docs(); ++i) {
        docs_file << training->doc_table_line(batch.first + i) << "\n";
      }
    };
    online_callbacks.checkpoint_due = checkpoint_due;
    if (!distributed) {
      online_callbacks.on_checkpoint = [&](const tmkit::LdaModel& state,
                                           const tmkit::OnlineProgress& p) {
        write_checkpoint(state, p.updates, nullptr, &p);
      };
    }
    tmkit::OnlineProgress state = resume ? resume->online : tmkit::OnlineProgress{};
    try {
      report = tmkit::fit_online(*training, fit, online, model, state, online_callbacks, world);
    } catch (const tmkit::Interrupted&) {
      throw tmkit::Interrupted(stopped_message());
    }
    if (!output) return tmkit::cli::kExitOk;  // another rank than 0: rank 0 writes the model
    gamma_file.close();
    docs_file.close();
    if (!gamma_file || !docs_file) {
      throw tmkit::InputError(output->temp_path(), "could not be written (disk full?)");
    }
    saved.streamed_docs = n_docs;
  }
  progress.finish();

  // Coherence on the training documents (for a streamed corpus, on its first documents).
  std::vector<tmkit::TopicSummary> topics = tmkit::summarize_topics(model, top);
  std::string coherence_note;
  if (corpus) {
    tmkit::compute_coherence(*corpus, topics);
    if (shard) {
      coherence_note = "(coherence computed on rank 0's " + std::to_string(corpus->n_docs()) +
                       " documents; tm-topics --corpus computes it on any corpus)\n";
    }
  } else {
    const tmkit::Corpus sample = tmkit::read_all(*training, tmkit::kInitSampleDocs);
    tmkit::compute_coherence(sample, topics);
    if (sample.n_docs() < n_docs) {
      coherence_note = "(coherence computed on the first " + std::to_string(sample.n_docs()) +
                       " documents; tm-topics --corpus computes it on any corpus)\n";
    }
  }
  const std::string table = tmkit::format_topics(topics, training->vocab());

  saved.model = model;
  saved.vocab = training->vocab();
  saved.algorithm = algorithm;
  saved.corpus.path = std::filesystem::absolute(corpus_values.corpus).string();
  saved.corpus.vocab_path =
      corpus_values.vocab.empty() ? "" : std::filesystem::absolute(corpus_values.vocab).string();
  saved.corpus.format = tmkit::format_name(format);
  if (format == tmkit::CorpusFormat::text || format == tmkit::CorpusFormat::text_dir) {
    saved.corpus.has_text_options = true;
    saved.corpus.text_options = read_options;
  }
  saved.corpus.fingerprint = fingerprint;
  saved.corpus.n_tokens = n_tokens;
  saved.options_json = tmkit::options_to_json(fit);
  saved.seed = fit.seed;
  saved.passes = report.passes;
  saved.converged = report.converged;
  saved.final_elbo = report.final_elbo;
  saved.seconds = report.seconds;
  tmkit::save_model(*output, saved, report.trace, table);
  output->commit();
  // The fit is complete: its checkpoint has served.
  std::error_code ec;
  std::filesystem::remove_all(checkpoint_dir, ec);

  std::size_t kept = 0;
  for (const auto& move : report.moves) kept += move.accepted;
  std::printf(
      "%zu topics fitted to %zu documents (%llu tokens, %zu words) in %zu %s passes, "
      "%.1f s: %s\n",
      fit.n_topics, n_docs, static_cast<unsigned long long>(n_tokens), training->vocab().size(),
      report.passes, algorithm.c_str(), report.seconds,
      is_online ? "ran the passes asked for" : tmkit::stop_summary(report, fit).c_str());
  std::printf("ELBO %.10g (%.4f per token)", report.final_elbo,
              report.final_elbo / static_cast<double>(n_tokens));
  if (!is_online) {
    std::printf("; merge-split moves kept %zu of %zu tried%s", kept, report.moves.size(),
                report.moves_budget_ran_out ? " (the pass budget ended them: raise --passes)" : "");
  }
  std::printf("\n");
  if (heldout) {
    double perplexity = std::nan("");
    for (const auto& line : report.trace) {
      if (!std::isnan(line.heldout_perplexity)) perplexity = line.heldout_perplexity;
    }
    std::printf("held-out document-completion perplexity %.6f (%zu documents, %zu passes)\n",
                perplexity, heldout->heldout.n_docs(), report.passes);
  } else if (report.heldout_docs > 0) {
    std::printf("the stopping rule's %zu held-out documents were folded in at the end\n",
                report.heldout_docs);
  }
  std::printf("peak memory %.0f MiB", tmkit::peak_resident_mib());
  if (distributed) {
    std::printf(" (rank 0); %d MPI ranks, %.2f MiB of statistics summed per rank per pass",
                world.size(),
                static_cast<double>(world.bytes_summed()) / 1048576.0 /
                    static_cast<double>(std::max<std::size_t>(1, report.passes)));
  }
  std::printf("\n");
  if (!text_report.dropped_documents.empty()) {
    std::printf("%zu documents left empty by the tokenizer were dropped\n",
                text_report.dropped_documents.size());
  }
  std::printf("model written to %s\n\n%s%s", out.c_str(), table.c_str(), coherence_note.c_str());
  return tmkit::cli::kExitOk;
}

}  // namespace

int fit_main(int argc, char** argv) { return fit_with({argv, argv + argc}, nullptr); }

int main(int argc, char** argv) {
  tmkit::mpi_world(argc, argv);  // under mpirun: joins the job (see fit_with)
  return tmkit::cli::run("tm-fit", argc, argv, fit_main);
}
