#include "tmkit/lda/run_fit.hpp"

#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "detail/blocks.hpp"
#include "detail/read_options_json.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/corpus/corpus_shard.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/lda/checkpoint.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr Named<Algorithm> kAlgorithms[] = {{Algorithm::batch, "batch"},
                                            {Algorithm::online, "online"}};
}  // namespace

Algorithm parse_algorithm(const std::string& name) {
  return parse_named(kAlgorithms, name, "algorithm", "an algorithm");
}

std::string algorithm_name(Algorithm algorithm) { return name_of(kAlgorithms, algorithm); }

namespace {

std::string absolute(const std::string& path) {
  return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

std::string checkpoint_dir_of(const FitPlan& plan) {
  return plan.checkpoint.empty() ? plan.out + ".checkpoint" : plan.checkpoint;
}

// The documents of a run, however they are held.
struct Documents {
  CorpusFormat format = CorpusFormat::automatic;
  TextImportReport text_report;
  std::optional<Corpus> in_memory;
  std::unique_ptr<DocumentSource> source;
  std::optional<CorpusShard> shard;  ///< under MPI, a batch fit's share
  DocumentSource* training = nullptr;
  std::optional<ExcludingSource> excluding;
  std::optional<CompletionSplit> heldout;
  std::optional<Corpus> batch_corpus;
  const Corpus* corpus = nullptr;  ///< the training documents in memory (batch)
};

// Refuses a fit whose topic-word and document-topic arrays would not fit in plan.max_memory or the
// machine, before they are allocated: K x V doubles several times over (lambda, exp E[log beta],
// the sufficient statistics of each thread, a merge-split trial's copies) and, for a batch fit,
// D x K (gamma, its previous values and a fold-in's).
void check_fit_memory(const FitPlan& plan, std::size_t n_words, std::size_t n_docs) {
  constexpr double kTopicWordCopies = 6, kDocTopicCopies = 3;
  const double threads = resolve_threads(plan.fit.n_threads);
  const double k = static_cast<double>(plan.fit.n_topics);
  const double bytes = sizeof(double) * k *
                       ((kTopicWordCopies + threads) * static_cast<double>(n_words) +
                        kDocTopicCopies * static_cast<double>(n_docs));
  check_memory(bytes,
               "a fit of K = " + std::to_string(plan.fit.n_topics) +
                   " topics over V = " + std::to_string(n_words) + " words" +
                   (n_docs > 0 ? " and D = " + std::to_string(n_docs) + " documents" : ""),
               plan.max_memory,
               "lower K, keep fewer words (min-df, max-df, max-words), or use fewer threads");
}

// Reads the documents as the plan says: streamed for an online fit of a streamable file, in
// memory otherwise; under MPI every rank learns whether all could read theirs before anything is
// created.
void read_documents(const FitPlan& plan, Communicator& world, Documents& d) {
  const bool online = plan.algorithm == Algorithm::online;
  d.format = plan.read.format == CorpusFormat::automatic ? detect_corpus_format(plan.corpus)
                                                         : plan.read.format;
  if (world.size() > 1) {
    std::exception_ptr read_error;
    try {
      if (!online) {
        d.shard = read_corpus_shard(plan.corpus, plan.read, world, kFitBlockDocs);
      } else if (streamable(d.format)) {
        d.source = open_document_stream(plan.corpus, plan.read);
      } else {
        throw UsageError("an online fit under mpirun streams the corpus file; import " +
                         plan.corpus + " first (as .tmc)");
      }
    } catch (...) {
      read_error = std::current_exception();
    }
    if (world.any(read_error != nullptr)) {
      if (read_error) std::rethrow_exception(read_error);
      throw InputError(plan.corpus,
                       "another rank could not read its documents (its message says why)");
    }
    if (d.shard) {
      d.in_memory = std::move(d.shard->documents);
      d.source = std::make_unique<CorpusSource>(*d.in_memory);
    }
  } else if (online && streamable(d.format)) {
    d.source = open_document_stream(plan.corpus, plan.read);
  } else {
    d.in_memory = read_corpus(plan.corpus, plan.read, &d.text_report);
    d.source = std::make_unique<CorpusSource>(*d.in_memory);
  }
  d.training = d.source.get();
  if (plan.heldout_fraction > 0) {
    d.excluding.emplace(*d.source, choose_heldout_documents(d.source->n_docs(),
                                                            plan.heldout_fraction, plan.fit.seed));
    if (d.excluding->excluded().n_docs() == 0 || d.excluding->n_docs() == 0) {
      throw OptionError("heldout-fraction", format_shortest(plan.heldout_fraction) + " leaves " +
                                                std::to_string(d.excluding->excluded().n_docs()) +
                                                " held-out and " +
                                                std::to_string(d.excluding->n_docs()) +
                                                " training documents; expected some of each");
    }
    d.heldout = split_documents(d.excluding->excluded(), plan.fit.seed);
    d.training = &*d.excluding;
  }
  if (!online) {
    if (d.excluding) {
      d.batch_corpus = read_all(*d.training);
      d.corpus = &*d.batch_corpus;
    } else {
      d.corpus = &*d.in_memory;
    }
    validate_fit_options(*d.corpus, plan.fit);
  }
  if (plan.fit.n_topics > d.training->vocab().size()) {
    throw OptionError("k", std::to_string(plan.fit.n_topics) +
                               " topics is more than the vocabulary has words (V = " +
                               std::to_string(d.training->vocab().size()) +
                               "); expected 1 <= K <= V");
  }
  check_fit_memory(plan, d.training->vocab().size(), online ? 0 : d.training->n_docs());
}

// The checks a plan must pass before anything is read or created.
void check_plan(const FitPlan& plan, const Checkpoint* resume, Communicator& world) {
  if (plan.corpus.empty() || plan.out.empty()) {
    throw UsageError("a fit needs a corpus and an output directory");
  }
  if (!(plan.heldout_fraction >= 0 && plan.heldout_fraction < 1)) {
    throw OptionError("heldout-fraction",
                      format_shortest(plan.heldout_fraction) + "; expected a fraction in [0, 1)");
  }
  if (plan.fit.restart_period == 0) throw OptionError("restart-period", "0; expected at least 1");
  if (plan.algorithm == Algorithm::online) validate_online_options(plan.online);
  if (world.size() > 1) {
    const auto not_yet = [](const std::string& option) {
      return OptionError(option,
                         "not available under mpirun yet; run it as one process (the "
                         "batch and online fits are spread over ranks)");
    };
    if (plan.heldout_fraction > 0) throw not_yet("heldout-fraction");
    if (plan.checkpoint_every > 0) throw not_yet("checkpoint-every");
    if (resume) throw not_yet("resume");
  }
  // Nothing the user owns is replaced: not a directory of theirs, not an input of this run.
  std::vector<InputPath> inputs = plan.more_inputs;
  inputs.push_back({"--corpus", plan.corpus});
  inputs.push_back({"--vocab", plan.read.vocab_path.empty() ? find_vocab_path(plan.corpus)
                                                            : plan.read.vocab_path});
  inputs.push_back({"--corpus (its document table)", find_docs_path(plan.corpus)});
  check_output({"--out", plan.out, true, "model.json", "tm-fit"}, inputs, plan.force);
  if (!resume) inputs.push_back({"--out", plan.out});
  check_output({"--checkpoint", checkpoint_dir_of(plan), true, "checkpoint.json", "tm-fit"}, inputs,
               plan.force);
}

FitOutcome run(const FitPlan& plan_in, int n_threads, const RunHooks& hooks, Communicator& world,
               const Checkpoint* resume) {
  FitPlan plan = plan_in;
  plan.fit.n_threads = n_threads;
  if (plan.algorithm == Algorithm::online) plan.fit.max_moves = 0;  // moves need every document
  const FitOptions& fit = plan.fit;
  const bool distributed = world.size() > 1;
  const bool online = plan.algorithm == Algorithm::online;
  const std::string checkpoint_dir = checkpoint_dir_of(plan);
  check_plan(plan, resume, world);
  // The output is opened first, so that an unwritable path fails before the fit (under mpirun,
  // once every rank has read its documents: nothing may be created before a rank fails).
  std::optional<AtomicDirectory> output;
  if (!distributed) output.emplace(plan.out);

  Documents docs;
  read_documents(plan, world, docs);
  if (distributed && world.is_root()) output.emplace(plan.out);
  DocumentSource& training = *docs.training;
  FitOutcome outcome;
  outcome.plan = plan;
  outcome.n_docs = docs.shard ? docs.shard->n_docs : training.n_docs();
  outcome.n_tokens =
      static_cast<std::uint64_t>(docs.shard ? docs.shard->n_tokens : training.n_tokens());
  outcome.n_words = training.vocab().size();
  outcome.ranks = world.size();
  outcome.heldout_docs = docs.heldout ? docs.heldout->heldout.n_docs() : 0;
  outcome.dropped_documents = docs.text_report.dropped_documents.size();
  const std::string fingerprint = docs.shard ? docs.shard->fingerprint : training.fingerprint();
  const auto note = [&](const std::string& text) {
    if (hooks.on_note && world.is_root()) hooks.on_note(text);
  };
  note(std::to_string(outcome.n_docs) + " documents, " + std::to_string(outcome.n_words) +
       " words, " + std::to_string(outcome.n_tokens) +
       " tokens; K = " + std::to_string(fit.n_topics) + (online ? "; online" : "") +
       (distributed ? "; " + std::to_string(world.size()) + " MPI ranks" : "") +
       (docs.heldout ? "; " + std::to_string(outcome.heldout_docs) + " held out" : ""));

  FitCallbacks callbacks = hooks.fit;
  if (docs.heldout) {
    callbacks.evaluate_heldout = [&](const LdaModel& m) {
      return document_completion(m, *docs.heldout, fit.estep, fit.n_threads).perplexity();
    };
  }
  // Checkpoints: the state at a safe point, with the plan of the fit.
  if (resume && (resume->algorithm != algorithm_name(plan.algorithm) ||
                 resume->corpus_fingerprint != training.fingerprint())) {
    throw InputError(checkpoint_dir,
                     "was written by a fit of another corpus or algorithm than the one its plan "
                     "now reads; expected the same corpus, unchanged");
  }
  std::size_t last_checkpoint = static_cast<std::size_t>(-1);
  const auto checkpoint_due = [&](std::size_t units) {
    return plan.checkpoint_every > 0 && units > 0 && units % plan.checkpoint_every == 0 &&
           units != last_checkpoint;
  };
  const std::string stored_plan = plan_to_json(plan);
  const auto write_checkpoint = [&](const LdaModel& state, std::size_t units,
                                    const BatchProgress* batch,
                                    const OnlineProgress* online_state) {
    Checkpoint c;
    c.algorithm = algorithm_name(plan.algorithm);
    c.plan = stored_plan;
    c.corpus_fingerprint = training.fingerprint();
    c.model = state;
    if (batch) c.batch = *batch;
    if (online_state) c.online = *online_state;
    save_checkpoint(checkpoint_dir, c);
    last_checkpoint = units;
    note("checkpoint written to " + checkpoint_dir);
  };
  callbacks.checkpoint_due = checkpoint_due;
  if (!distributed) {
    callbacks.on_checkpoint = [&](const LdaModel& state, const BatchProgress& p) {
      write_checkpoint(state, p.passes, &p, nullptr);
    };
  }
  const std::string stopped =
      distributed ? "no model was written (an existing one is untouched); checkpoints are not "
                    "written under mpirun yet"
                  : "no model was written (an existing one is untouched); the fit so far is "
                    "saved in " +
                        checkpoint_dir;

  LdaModel model;
  SavedModel saved;
  if (!online) {
    try {
      if (resume) {
        model = resume->model;
        outcome.report = resume_batch(*docs.corpus, fit, model, resume->batch, callbacks);
      } else {
        const Shard fit_shard{&world, docs.shard ? docs.shard->first_doc : 0};
        model = initialize_model(*docs.corpus, fit, fit_shard);
        outcome.report = fit_batch(*docs.corpus, fit, model, callbacks, fit_shard);
      }
    } catch (const Interrupted&) {
      throw Interrupted(stopped, distributed ? "" : checkpoint_dir);
    }
    {
      CorpusSource fitted(*docs.corpus);
      saved.term_frequency = term_frequencies(fitted);
      if (docs.shard) world.sum(saved.term_frequency.memptr(), saved.term_frequency.n_elem);
    }
    if (docs.shard) {
      // Rank 0 collects every rank's gamma and writes the model; the others are done.
      const std::vector<double> local(model.gamma.begin(), model.gamma.end());
      const std::vector<double> all = world.gather(local, 0);
      if (!world.is_root()) return outcome;
      model.gamma = arma::mat(all.data(), fit.n_topics, outcome.n_docs);
      for (const std::string& line : docs.shard->doc_table) {
        const std::size_t tab = line.find('\t');
        saved.doc_ids.push_back(line.substr(0, tab));
        saved.labels.push_back(line.substr(tab + 1));
      }
    } else {
      saved.doc_ids = docs.corpus->doc_ids();
      saved.labels = docs.corpus->labels();
    }
  } else {
    model = resume ? resume->model : initialize_online_model(training, fit);
    // gamma.npy and docs.tsv are written as the final pass folds each mini-batch in (under mpirun,
    // by rank 0, to which the other ranks send their gamma).
    std::ofstream gamma_file, docs_file;
    if (output) {
      gamma_file.open(output->file("gamma.npy"), std::ios::binary);
      docs_file.open(output->file("docs.tsv"), std::ios::binary);
      write_npy_header(gamma_file, {outcome.n_docs, fit.n_topics});
    }
    OnlineCallbacks online_callbacks;
    online_callbacks.fit = callbacks;
    online_callbacks.on_gamma = [&](const DocumentBatch& batch, const arma::mat& gamma) {
      write_npy_values(gamma_file, gamma.memptr(), gamma.n_elem);
      for (std::size_t i = 0; i < batch.n_docs(); ++i) {
        docs_file << training.doc_table_line(batch.first + i) << "\n";
      }
    };
    online_callbacks.checkpoint_due = checkpoint_due;
    if (!distributed) {
      online_callbacks.on_checkpoint = [&](const LdaModel& state, const OnlineProgress& p) {
        write_checkpoint(state, p.updates, nullptr, &p);
      };
    }
    OnlineProgress state = resume ? resume->online : OnlineProgress{};
    try {
      outcome.report =
          fit_online(training, fit, plan.online, model, state, online_callbacks, world);
    } catch (const Interrupted&) {
      throw Interrupted(stopped, distributed ? "" : checkpoint_dir);
    }
    if (!output) return outcome;  // another rank than 0: rank 0 writes the model
    gamma_file.close();
    docs_file.close();
    if (!gamma_file || !docs_file) {
      throw InputError(output->temp_path(), "could not be written (disk full?)");
    }
    saved.streamed_docs = outcome.n_docs;
    saved.term_frequency = term_frequencies(training);  // one more pass over the file
  }

  // Coherence on the training documents (for a streamed corpus, on its first documents).
  std::vector<TopicSummary> topics = summarize_topics(model, plan.top_words);
  if (docs.corpus) {
    compute_coherence(*docs.corpus, topics);
    if (docs.shard) {
      outcome.coherence_note = "coherence computed on rank 0's " +
                               std::to_string(docs.corpus->n_docs()) +
                               " documents (tm-topics computes it on any corpus)";
    }
  } else {
    const Corpus sample = read_all(training, kInitSampleDocs);
    compute_coherence(sample, topics);
    if (sample.n_docs() < outcome.n_docs) {
      outcome.coherence_note = "coherence computed on the first " +
                               std::to_string(sample.n_docs()) +
                               " documents (tm-topics computes it on any corpus)";
    }
  }
  outcome.topics_table = format_topics(topics, training.vocab());
  for (const TopicSummary& topic : topics) {
    saved.umass.push_back(topic.umass);
    saved.npmi.push_back(topic.npmi);
  }

  saved.model = model;
  saved.vocab = training.vocab();
  saved.algorithm = algorithm_name(plan.algorithm);
  saved.corpus.path = absolute(plan.corpus);
  saved.corpus.vocab_path = absolute(plan.read.vocab_path);
  saved.corpus.format = format_name(docs.format);
  saved.corpus.fingerprint = fingerprint;
  saved.corpus.n_tokens = outcome.n_tokens;
  if (docs.format == CorpusFormat::text || docs.format == CorpusFormat::text_dir) {
    saved.corpus.has_text_options = true;
    saved.corpus.text_options = plan.read;
  }
  saved.options_json = options_to_json(fit);
  saved.seed = fit.seed;
  saved.passes = outcome.report.passes;
  saved.converged = outcome.report.converged;
  saved.final_elbo = outcome.report.final_elbo;
  saved.seconds = outcome.report.seconds;
  save_model(*output, saved, outcome.report.trace, outcome.topics_table);
  output->commit();
  outcome.written = true;
  std::error_code ec;
  fs::remove_all(checkpoint_dir, ec);  // the fit is complete: its checkpoint has served

  outcome.heldout_perplexity = std::nan("");
  for (const PassReport& line : outcome.report.trace) {
    if (docs.heldout && !std::isnan(line.heldout_perplexity)) {
      outcome.heldout_perplexity = line.heldout_perplexity;
    }
  }
  if (distributed) {
    outcome.mib_summed_per_pass =
        static_cast<double>(world.bytes_summed()) / 1048576.0 /
        static_cast<double>(std::max<std::size_t>(1, outcome.report.passes));
  }
  return outcome;
}

}  // namespace

std::string plan_to_json(const FitPlan& p) {
  json inputs = json::array();
  for (const InputPath& input : p.more_inputs)
    inputs.push_back({input.option, absolute(input.path)});
  json read = detail::text_options_json(p.read);
  read["format"] = format_name(p.read.format);
  read["vocab_path"] = absolute(p.read.vocab_path);
  read["docs_path"] = absolute(p.read.docs_path);
  return json{
      {"corpus", absolute(p.corpus)},
      {"read", read},
      {"more_inputs", inputs},
      {"algorithm", algorithm_name(p.algorithm)},
      {"fit", json::parse(options_to_json(p.fit))},
      {"online",
       {{"batch_size", p.online.batch_size}, {"tau0", p.online.tau0}, {"kappa", p.online.kappa}}},
      {"heldout_fraction", p.heldout_fraction},
      {"out", absolute(p.out)},
      {"checkpoint", absolute(checkpoint_dir_of(p))},
      {"checkpoint_every", p.checkpoint_every},
      {"top_words", p.top_words},
      {"force", p.force}}
      .dump(1);
}

FitPlan plan_from_json(const std::string& text, const std::string& source) {
  FitPlan p;
  try {
    const json j = json::parse(text);
    p.corpus = j.at("corpus").get<std::string>();
    const json& read = j.at("read");
    detail::read_text_options(read, p.read);
    p.read.format = parse_corpus_format(read.at("format").get<std::string>());
    p.read.vocab_path = read.at("vocab_path").get<std::string>();
    p.read.docs_path = read.at("docs_path").get<std::string>();
    for (const json& input : j.at("more_inputs")) {
      p.more_inputs.push_back({input.at(0).get<std::string>(), input.at(1).get<std::string>()});
    }
    p.algorithm = parse_algorithm(j.at("algorithm").get<std::string>());
    p.fit = options_from_json(j.at("fit").dump());
    p.online.batch_size = j.at("online").at("batch_size").get<std::size_t>();
    p.online.tau0 = j.at("online").at("tau0").get<double>();
    p.online.kappa = j.at("online").at("kappa").get<double>();
    p.heldout_fraction = j.at("heldout_fraction").get<double>();
    p.out = j.at("out").get<std::string>();
    p.checkpoint = j.at("checkpoint").get<std::string>();
    p.checkpoint_every = j.at("checkpoint_every").get<std::size_t>();
    p.top_words = j.at("top_words").get<std::size_t>();
    p.force = j.at("force").get<bool>();
  } catch (const json::exception& e) {
    throw InputError(source, std::string("the fit's plan is malformed: ") + e.what());
  } catch (const UsageError& e) {
    throw InputError(source, std::string("the fit's plan is malformed: ") + e.what());
  }
  return p;
}

FitOutcome run_fit(const FitPlan& plan, int n_threads, const RunHooks& hooks, Communicator& world) {
  return run(plan, n_threads, hooks, world, nullptr);
}

FitOutcome resume_fit(const std::string& dir, int n_threads, const RunHooks& hooks) {
  const Checkpoint checkpoint = load_checkpoint(dir);
  const FitPlan plan = plan_from_json(checkpoint.plan, dir + "/checkpoint.json");
  return run(plan, n_threads, hooks, single_process(), &checkpoint);
}

std::string fit_summary(const FitOutcome& o) {
  const FitPlan& plan = o.plan;
  std::string text;
  const bool online = plan.algorithm == Algorithm::online;
  std::size_t kept = 0;
  for (const auto& move : o.report.moves) kept += move.accepted;
  text += format_text(
      "%zu topics fitted to %zu documents (%llu tokens, %zu words) in %zu %s passes, "
      "%.1f s: %s\n",
      plan.fit.n_topics, o.n_docs, static_cast<unsigned long long>(o.n_tokens), o.n_words,
      o.report.passes, algorithm_name(plan.algorithm).c_str(), o.report.seconds,
      online ? "ran the passes asked for" : stop_summary(o.report, plan.fit).c_str());
  text += format_text("ELBO %.10g (%.4f per token)", o.report.final_elbo,
                      o.report.final_elbo / static_cast<double>(o.n_tokens));
  if (!online) {
    text += format_text(
        "; merge-split moves kept %zu of %zu tried%s", kept, o.report.moves.size(),
        o.report.moves_budget_ran_out ? " (the pass budget ended them: raise the passes)" : "");
  }
  text += format_text("\n");
  if (o.heldout_docs > 0) {
    text +=
        format_text("held-out document-completion perplexity %.6f (%zu documents, %zu passes)\n",
                    o.heldout_perplexity, o.heldout_docs, o.report.passes);
  } else if (o.report.heldout_docs > 0) {
    text += format_text("the stopping rule's %zu held-out documents were folded in at the end\n",
                        o.report.heldout_docs);
  }
  text += format_text("peak memory %.0f MiB", peak_resident_mib());
  if (o.ranks > 1) {
    text += format_text(" (rank 0); %d MPI ranks, %.2f MiB of statistics summed per rank per pass",
                        o.ranks, o.mib_summed_per_pass);
  }
  text += format_text("\n");
  if (o.dropped_documents > 0) {
    text += format_text("%zu documents left empty by the tokenizer were dropped\n",
                        o.dropped_documents);
  }
  text += format_text("model written to %s\n\n%s", plan.out.c_str(), o.topics_table.c_str());
  if (!o.coherence_note.empty()) text += format_text("(%s)\n", o.coherence_note.c_str());
  return text;
}

}  // namespace tmkit
