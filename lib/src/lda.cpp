#include "tmkit/lda.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "tmkit/blocks.hpp"
#include "tmkit/error.hpp"
#include "tmkit/hyperparameters.hpp"
#include "tmkit/io.hpp"
#include "tmkit/lda_moves.hpp"
#include "tmkit/random.hpp"

namespace tmkit {
namespace {

constexpr std::size_t kDocsPerBlock = kFitBlockDocs;

// gensim and scikit-learn initialise lambda_kw ~ Gamma(shape 100, scale 1/100).
constexpr double kInitShape = 100.0;
constexpr double kInitScale = 0.01;

// Split candidates tried per round of moves (each with up to two merge partners).
constexpr std::size_t kSplitsPerRound = 2;

// The distinct words of one block of documents, and each entry's index among them, so that a block
// accumulates sufficient statistics in a compact K x (distinct words) matrix.
struct BlockVocabulary {
  std::vector<WordId> words;         ///< sorted distinct word ids of the block
  std::vector<std::uint32_t> local;  ///< per entry of the block's documents, index into words
};

std::vector<BlockVocabulary> build_block_vocabularies(const Corpus& corpus,
                                                      const BlockPartition& blocks, int n_threads) {
  std::vector<BlockVocabulary> result(blocks.n_blocks());
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    BlockVocabulary& vocab = result[b];
    for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
      const DocView doc = corpus.doc(d);
      vocab.words.insert(vocab.words.end(), doc.ids, doc.ids + doc.n);
    }
    std::sort(vocab.words.begin(), vocab.words.end());
    vocab.words.erase(std::unique(vocab.words.begin(), vocab.words.end()), vocab.words.end());
    for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
      const DocView doc = corpus.doc(d);
      for (std::size_t i = 0; i < doc.n; ++i) {
        const auto at = std::lower_bound(vocab.words.begin(), vocab.words.end(), doc.ids[i]);
        vocab.local.push_back(static_cast<std::uint32_t>(at - vocab.words.begin()));
      }
    }
  });
  return result;
}

struct BlockWorkspace {
  EstepWorkspace estep;
  arma::mat local_stats;     ///< K x (block's distinct words)
  arma::vec elog_theta_sum;  ///< K
  double elbo = 0;
  double elbo_end = 0;
  double iterations = 0;
};

// One E-step sweep: fits every document from its current gamma, returns the documents' ELBO terms
// at the gamma they started from, and (when `stats` is non-null) the sufficient statistics
// sum_d n_dw phi_dwk / exp_elog_beta_kw and sum_d E[log theta_d].
struct Sweep {
  double elbo_at_start = 0;
  double elbo_at_end = 0;  ///< the documents' terms at the gamma they end with (estep.evaluate_end)
  double mean_iterations = 0;
};

Sweep estep_sweep(const Corpus& corpus, const TopicExpectations& topics, const arma::vec& alpha,
                  arma::mat& gamma, const std::vector<BlockVocabulary>& block_vocab,
                  const BlockPartition& blocks, const EstepOptions& estep, int n_threads,
                  arma::mat* stats, arma::vec* elog_theta_sum, const FitCallbacks& callbacks,
                  const Shard& shard, std::size_t restart_period = 1, std::size_t restart_phase = 0,
                  bool from_neutral = false) {
  const std::size_t n_topics = topics.n_topics();
  const DocumentPrior prior(alpha);
  Sweep sweep;
  double iterations = 0;
  std::size_t docs_done = 0;
  if (stats) stats->zeros(n_topics, topics.n_words());
  if (elog_theta_sum) elog_theta_sum->zeros(n_topics);
  for_each_block_ordered(
      blocks, n_threads, [] { return BlockWorkspace{}; },
      [&](std::size_t b, BlockWorkspace& ws) {
        ws.elbo = 0;
        ws.elbo_end = 0;
        ws.iterations = 0;
        const bool accumulate = stats != nullptr;
        if (accumulate) {
          ws.local_stats.zeros(n_topics, block_vocab[b].words.size());
          ws.elog_theta_sum.zeros(n_topics);
        }
        std::size_t entry = 0;
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = corpus.doc(d);
          EstepOptions doc_options = estep;
          doc_options.restart =
              estep.restart && (shard.first_doc + d + restart_phase) % restart_period == 0;
          if (from_neutral) neutral_gamma(doc, alpha, gamma.colptr(d));
          const DocumentFit fit =
              fit_document(doc, topics, prior, gamma.colptr(d), ws.estep, doc_options);
          ws.elbo += fit.elbo_at_start;
          ws.elbo_end += fit.elbo_at_end;
          ws.iterations += static_cast<double>(fit.iterations);
          if (!accumulate) continue;
          const double* theta = ws.estep.exp_elog_theta.data();
          for (std::size_t i = 0; i < doc.n; ++i, ++entry) {
            double* column = ws.local_stats.colptr(block_vocab[b].local[entry]);
            const double r = ws.estep.ratio[i];
#pragma omp simd
            for (std::size_t k = 0; k < n_topics; ++k) column[k] += r * theta[k];
          }
          for (std::size_t k = 0; k < n_topics; ++k) ws.elog_theta_sum[k] += ws.estep.elog_theta[k];
        }
      },
      [&](std::size_t b, BlockWorkspace& ws) {
        sweep.elbo_at_start += ws.elbo;
        sweep.elbo_at_end += ws.elbo_end;
        iterations += ws.iterations;
        if (stats) {
          const auto& words = block_vocab[b].words;
          for (std::size_t j = 0; j < words.size(); ++j) {
            double* target = stats->colptr(words[j]);
            const double* source = ws.local_stats.colptr(j);
            for (std::size_t k = 0; k < n_topics; ++k) target[k] += source[k];
          }
          *elog_theta_sum += ws.elog_theta_sum;
        }
        docs_done += blocks.end(b) - blocks.begin(b);
        if (callbacks.on_progress) callbacks.on_progress(docs_done, corpus.n_docs());
      });
  // Every rank's share, added in rank order (nothing to add in one process).
  double totals[4] = {sweep.elbo_at_start, sweep.elbo_at_end, iterations,
                      static_cast<double>(corpus.n_docs())};
  shard.comm->sum(totals, 4);
  sweep.elbo_at_start = totals[0];
  sweep.elbo_at_end = totals[1];
  if (stats) {
    shard.comm->sum(stats->memptr(), stats->n_elem);
    shard.comm->sum(elog_theta_sum->memptr(), elog_theta_sum->n_elem);
  }
  sweep.mean_iterations = totals[2] / std::max(1.0, totals[3]);
  return sweep;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

double parse_positive(const std::string& text, const std::string& option, const std::string& also) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value > 0) || !std::isfinite(value)) {
    throw UsageError(option + ": \"" + text + "\" is not valid; expected a positive number" + also);
  }
  return value;
}

}  // namespace

arma::mat topic_word_distributions(const LdaModel& model) {
  arma::mat beta = model.lambda.t();  // V x K
  beta.each_row() /= arma::sum(beta, 0);
  return beta.t();
}

arma::mat document_topic_distributions(const LdaModel& model) {
  arma::mat theta = model.gamma;  // K x D
  theta.each_row() /= arma::sum(theta, 0);
  return theta.t();
}

AlphaOption AlphaOption::parse(const std::string& text) {
  AlphaOption option;
  if (text == "auto") {
    option.kind = Kind::learn;
  } else if (text == "auto-symmetric") {
    option.kind = Kind::learn_symmetric;
  } else if (text == "asymmetric") {
    option.kind = Kind::asymmetric;
  } else if (text == "symmetric") {
    option.kind = Kind::symmetric;
  } else {
    option.kind = Kind::symmetric;
    option.value = parse_positive(
        text, "--alpha", ", \"symmetric\" (1/K), \"asymmetric\", \"auto\" or \"auto-symmetric\"");
  }
  return option;
}

std::string AlphaOption::to_string() const {
  switch (kind) {
    case Kind::asymmetric:
      return "asymmetric";
    case Kind::learn:
      return value > 0 ? "auto(start " + number_text(value) + ")" : "auto";
    case Kind::learn_symmetric:
      return "auto-symmetric";
    case Kind::symmetric:
      break;
  }
  return value > 0 ? number_text(value) : "symmetric";
}

arma::vec AlphaOption::initial(std::size_t n_topics) const {
  const double k = static_cast<double>(n_topics);
  if (kind == Kind::asymmetric) {
    arma::vec alpha(n_topics);
    for (std::size_t i = 0; i < n_topics; ++i)
      alpha[i] = 1.0 / (static_cast<double>(i) + std::sqrt(k));
    return alpha / arma::accu(alpha);
  }
  return arma::vec(n_topics, arma::fill::value(value > 0 ? value : 1.0 / k));
}

EtaOption EtaOption::parse(const std::string& text) {
  EtaOption option;
  if (text == "auto") {
    option.learn = true;
  } else if (text != "symmetric") {
    option.value = parse_positive(text, "--eta", ", \"symmetric\" (1/K) or \"auto\"");
  }
  return option;
}

std::string EtaOption::to_string() const {
  if (learn) return "auto";
  return value > 0 ? number_text(value) : "symmetric";
}

double EtaOption::initial(std::size_t n_topics) const {
  return value > 0 ? value : 1.0 / static_cast<double>(n_topics);
}

void validate_fit_options(const Corpus& corpus, const FitOptions& options) {
  if (corpus.n_docs() == 0)
    throw UsageError("the corpus holds no documents; expected at least one");
  if (corpus.n_tokens() == 0) throw UsageError("the corpus holds no words; expected at least one");
  if (options.n_topics == 0) throw UsageError("-k: 0 topics; expected K >= 1");
  if (options.n_topics > corpus.n_words()) {
    throw UsageError("-k: " + std::to_string(options.n_topics) +
                     " topics is more than the vocabulary has words (V = " +
                     std::to_string(corpus.n_words()) + "); expected 1 <= K <= V");
  }
  if (!(options.tol > 0) || !std::isfinite(options.tol)) {
    throw UsageError("--tol: " + format_double(options.tol) +
                     " is not positive; expected a tolerance > 0");
  }
  if (!(options.estep.tol > 0) || !std::isfinite(options.estep.tol)) {
    throw UsageError("--estep-tol: " + format_double(options.estep.tol) +
                     " is not positive; expected a tolerance > 0");
  }
  if (options.patience == 0) throw UsageError("--patience: 0; expected at least 1 pass");
}

LdaModel initialize_model(const Corpus& corpus, const FitOptions& options, const Shard& shard) {
  validate_fit_options(corpus, options);
  const std::size_t n_topics = options.n_topics, n_words = corpus.n_words();
  LdaModel model;
  model.alpha = options.alpha.initial(n_topics);
  model.eta = options.eta.initial(n_topics);
  // lambda is K x V column-major; topic k's entries are drawn from stream k in word order.
  model.lambda.set_size(n_topics, n_words);
  for (std::size_t k = 0; k < n_topics; ++k) {
    Rng rng = make_rng(options.seed, k);
    boost::random::gamma_distribution<double> draw(kInitShape, kInitScale);
    for (std::size_t w = 0; w < n_words; ++w) model.lambda(k, w) = draw(rng);
  }
  if (options.init == InitMethod::spa) {
    std::vector<std::size_t> all(corpus.n_docs());
    for (std::size_t d = 0; d < all.size(); ++d) all[d] = d;
    const std::vector<SpaSeed> seeds =
        spa_seeds(corpus, all, n_topics, options.n_threads, *shard.comm);
    for (std::size_t k = 0; k < seeds.size(); ++k) model.lambda.row(k) += seeds[k].counts.t();
  }
  model.gamma.set_size(n_topics, corpus.n_docs());
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    neutral_gamma(corpus.doc(d), model.alpha, model.gamma.colptr(d));
  }
  return model;
}

namespace {

// What every sweep of one fit shares.
struct FitContext {
  const Corpus& corpus;  ///< this process's documents
  const FitOptions& options;
  const FitCallbacks& callbacks;
  Shard shard;
  double n_docs = 0;  ///< documents of every process
  BlockPartition blocks;
  std::vector<BlockVocabulary> block_vocab;
  std::chrono::steady_clock::time_point start;

  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// A run of passes: the states it visited (each with its ELBO), its M-steps and calm passes.
struct RunState {
  std::vector<PassReport> lines;  ///< initial state, then after each M-step
  std::size_t passes = 0;         ///< M-steps run
  std::size_t calm_passes = 0;
  bool converged = false;
  bool stopped = false;  ///< left at a safe point because safe_point() said so
  double final_elbo() const { return lines.back().elbo; }
};

// Coordinate ascent from `model` until the relative ELBO change stays below tol for `patience`
// passes, or `max_passes` M-steps. Line t of the run is the ELBO after t M-steps; each sweep's
// first half-iteration yields the ELBO of the state it starts from, and one last sweep evaluates
// the final state. `run` may hold a run stopped earlier (resumed where it stopped).
// Between passes, `safe_point` (when given) may stop the run; the state is then consistent: run and
// model as they are, to be continued later by another call with the same run.
// With a finite `target` (a move's trial), gives up as soon as the ELBO could not reach the target
// within the passes left even if it kept rising at its latest rate (on a converging run the rate
// only falls), so that hopeless proposals cost few passes.
void run_passes(FitContext& ctx, LdaModel& model, RunState& run, std::size_t max_passes,
                std::size_t passes_before, const std::function<void(const PassReport&)>& on_line,
                const std::function<bool()>& safe_point,
                double target = std::numeric_limits<double>::quiet_NaN()) {
  const Corpus& corpus = ctx.corpus;
  const FitOptions& options = ctx.options;
  const int n_threads = options.n_threads;
  const double n_docs = ctx.n_docs;
  const double n_topics = static_cast<double>(options.n_topics);
  TopicExpectations topics = topic_expectations(model.lambda, n_threads);
  arma::mat stats;
  arma::vec elog_theta_sum;
  const auto record = [&](double elbo, double mean_iterations) {
    PassReport line;
    line.pass = passes_before + run.passes;
    line.elbo = elbo;
    line.relative_change =
        run.lines.empty() ? 0.0 : (elbo - run.lines.back().elbo) / std::fabs(run.lines.back().elbo);
    line.seconds = ctx.seconds();
    line.mean_estep_iterations = mean_iterations;
    if (!std::isfinite(elbo)) {
      throw NumericError("the ELBO became " + format_double(elbo) + " after pass " +
                         std::to_string(line.pass) + "; the model state is not finite");
    }
    run.lines.push_back(line);
    if (on_line) on_line(line);
    return line;
  };
  run.stopped = false;
  while (run.passes < max_passes) {
    if (run.passes > 0 && safe_point && safe_point()) {
      run.stopped = true;
      return;
    }
    // E-step from the current state; its first half-iteration gives that state's ELBO.
    // Every document restarts in the first passes, then a rotating 1/period of them per pass.
    const bool warming_up = run.passes < options.restart_warmup;
    const Sweep sweep =
        estep_sweep(corpus, topics, model.alpha, model.gamma, ctx.block_vocab, ctx.blocks,
                    options.estep, n_threads, &stats, &elog_theta_sum, ctx.callbacks, ctx.shard,
                    warming_up ? 1 : options.restart_period, run.passes);
    const PassReport line =
        record(sweep.elbo_at_start + topics.beta_term(model.eta), sweep.mean_iterations);
    if (run.lines.size() > 1) {
      run.calm_passes = std::fabs(line.relative_change) < options.tol ? run.calm_passes + 1 : 0;
      const double rate = line.elbo - run.lines[run.lines.size() - 2].elbo;
      const double passes_left = static_cast<double>(max_passes - run.passes);
      if (line.elbo < target && target - line.elbo > rate * passes_left) break;
    }
    // M-step: lambda_kw = eta + sum_d n_dw phi_dwk, where phi_dwk carries exp_elog_beta_kw.
    model.lambda = stats % topics.exp_elog_beta + model.eta;
    if (options.alpha.kind == AlphaOption::Kind::learn) {
      model.alpha = fit_dirichlet_asymmetric(n_docs, elog_theta_sum, model.alpha);
    } else if (options.alpha.kind == AlphaOption::Kind::learn_symmetric) {
      model.alpha.fill(fit_dirichlet_symmetric(n_docs, options.n_topics, arma::accu(elog_theta_sum),
                                               model.alpha[0]));
    }
    topics = topic_expectations(model.lambda, n_threads);
    if (options.eta.learn) {
      model.eta =
          fit_dirichlet_symmetric(n_topics, corpus.n_words(), topics.sum_elog_beta, model.eta);
    }
    ++run.passes;
    if (run.calm_passes >= options.patience) {
      run.converged = true;
      break;
    }
  }
  // The final state (the last M-step's lambda, the last E-step's gamma): evaluate without updating.
  EstepOptions evaluate_only = options.estep;
  evaluate_only.max_iter = 0;
  const Sweep last =
      estep_sweep(corpus, topics, model.alpha, model.gamma, ctx.block_vocab, ctx.blocks,
                  evaluate_only, n_threads, nullptr, nullptr, ctx.callbacks, ctx.shard);
  record(last.elbo_at_start + topics.beta_term(model.eta), 0.0);
}

// One merge-split proposal of a round, in the order they are tried.
struct Proposal {
  SplitProposal split;
  MergeProposal merge;
  bool by_word = true;
};

// The proposals of one round, from the model at its start (so a resumed fit finds the same list):
// the best split candidates, each with the best merge by shared words and by shared documents
// (once when both name the same pair).
std::vector<Proposal> round_proposals(const Corpus& corpus, const LdaModel& model,
                                      const FitOptions& options, Communicator& comm) {
  const std::vector<SplitProposal> splits =
      rank_splits(corpus, model, options.min_split_gain, options.n_threads, comm);
  const std::vector<MergeProposal> by_words = rank_word_merges(model, options.n_threads);
  const std::vector<MergeProposal> by_usage = rank_usage_merges(model, options.n_threads, comm);
  std::vector<Proposal> proposals;
  for (std::size_t s = 0; s < std::min(splits.size(), kSplitsPerRound); ++s) {
    const SplitProposal& split = splits[s];
    const auto pick = [&](const std::vector<MergeProposal>& ranked) -> const MergeProposal* {
      for (const auto& merge : ranked) {
        if (merge.keep != split.topic && merge.drop != split.topic) return &merge;
      }
      return nullptr;
    };
    const MergeProposal* word_pick = pick(by_words);
    const MergeProposal* usage_pick = pick(by_usage);
    if (usage_pick && word_pick &&
        std::minmax(usage_pick->keep, usage_pick->drop) ==
            std::minmax(word_pick->keep, word_pick->drop)) {
      usage_pick = nullptr;  // the same pair: try it once
    }
    if (word_pick) proposals.push_back({split, *word_pick, true});
    if (usage_pick) proposals.push_back({split, *usage_pick, false});
  }
  return proposals;
}

// The batch fit as a sequence of phases, each resumable at its safe points from `p`.
class BatchFit {
 public:
  BatchFit(const Corpus& corpus, const FitOptions& options, LdaModel& model,
           const FitCallbacks& callbacks, BatchProgress progress, const Shard& shard)
      : ctx_{corpus,
             options,
             callbacks,
             shard,
             static_cast<double>(shard.comm->sum(std::uint64_t{corpus.n_docs()})),
             BlockPartition{corpus.n_docs(), kDocsPerBlock},
             {},
             std::chrono::steady_clock::now() -
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(progress.seconds))},
        model_(model),
        p_(std::move(progress)) {
    ctx_.block_vocab = build_block_vocabularies(corpus, ctx_.blocks, options.n_threads);
  }

  FitReport run() {
    const FitOptions& options = ctx_.options;
    if (p_.phase == BatchProgress::Phase::main) {
      continue_run(options.max_passes, /*skip_first=*/false);
      p_.converged = run_.converged;
      p_.phase = BatchProgress::Phase::moves;
      p_.round_tried = 0;
    }
    while (p_.phase == BatchProgress::Phase::moves || p_.phase == BatchProgress::Phase::finishing) {
      if (p_.phase == BatchProgress::Phase::finishing) {
        continue_run(options.max_passes - (p_.passes - p_.run_passes), /*skip_first=*/true);
        p_.converged = run_.converged;
        p_.phase = BatchProgress::Phase::moves;
        p_.round_tried = 0;
        continue;
      }
      if (!try_round()) p_.phase = BatchProgress::Phase::fold_in;
    }
    if (p_.phase == BatchProgress::Phase::fold_in) {
      safe_point();
      if (options.fold_in_gamma) fold_in();
      p_.phase = BatchProgress::Phase::done;
    }
    p_.seconds = ctx_.seconds();
    FitReport report;
    report.converged = p_.converged;
    report.passes = p_.passes;
    report.trace = p_.trace;
    report.moves = p_.moves;
    report.final_elbo = p_.trace.back().elbo;
    report.seconds = p_.seconds;
    return report;
  }

 private:
  // Every line published describes model_ as it stands at that moment.
  void publish(PassReport line) {
    if (ctx_.callbacks.evaluate_heldout) {
      line.heldout_perplexity = ctx_.callbacks.evaluate_heldout(model_);
    }
    p_.trace.push_back(line);
    if (ctx_.callbacks.on_pass) ctx_.callbacks.on_pass(line);
  }

  // Polls for a stop and a due checkpoint; hands the state to on_checkpoint when either holds and
  // throws Interrupted when stopping.
  bool safe_point() {
    const FitCallbacks& cb = ctx_.callbacks;
    const bool stop = ctx_.shard.comm->any(cb.stop_requested && cb.stop_requested());
    if (stop || (cb.checkpoint_due && cb.checkpoint_due(p_.passes))) {
      p_.seconds = ctx_.seconds();
      if (cb.on_checkpoint) cb.on_checkpoint(model_, p_);
    }
    if (stop) {
      throw Interrupted("interrupted after " + std::to_string(p_.passes) + " passes");
    }
    return false;
  }

  // Continues the run of the main or finishing phase (its state kept in p_), publishing its lines
  // (the finishing run's first line repeats the state its move published, so it is skipped).
  void continue_run(std::size_t max_passes, bool skip_first) {
    run_.lines = p_.run_lines;
    run_.passes = p_.run_passes;
    run_.calm_passes = p_.calm_passes;
    const std::size_t passes_before = p_.passes - p_.run_passes;
    run_passes(
        ctx_, model_, run_, max_passes, passes_before,
        [&](const PassReport& line) {
          if (!(skip_first && run_.lines.size() == 1)) publish(line);
          p_.run_lines = run_.lines;
        },
        [&] {
          p_.run_passes = run_.passes;
          p_.calm_passes = run_.calm_passes;
          p_.passes = passes_before + run_.passes;
          return safe_point();
        });
    p_.passes = passes_before + run_.passes;
    p_.run_lines.clear();
    p_.run_passes = 0;
    p_.calm_passes = 0;
  }

  // Tries the proposals of one round from p_.round_tried on; true when one was kept (the fit then
  // goes on with the finishing run, or with the next round).
  bool try_round() {
    const FitOptions& options = ctx_.options;
    if (p_.moves_left == 0 || p_.passes >= options.max_passes) return false;
    const std::vector<Proposal> proposals =
        round_proposals(ctx_.corpus, model_, options, *ctx_.shard.comm);
    for (; p_.round_tried < proposals.size(); ++p_.round_tried) {
      if (p_.moves_left == 0 || p_.passes >= options.max_passes) return false;
      safe_point();
      const Proposal& proposal = proposals[p_.round_tried];
      LdaModel trial_model =
          propose_merge_split(ctx_.corpus, model_, proposal.merge, proposal.split);
      const double before = p_.trace.back().elbo;
      RunState trial;
      const FitCallbacks& cb = ctx_.callbacks;
      run_passes(
          ctx_, trial_model, trial, std::min(options.move_passes, options.max_passes - p_.passes),
          p_.passes, nullptr,
          [&] { return ctx_.shard.comm->any(cb.stop_requested && cb.stop_requested()); }, before);
      if (trial.stopped) {
        // Abandon the trial: the state before it is consistent, and a resumed fit tries it again.
        safe_point_stopping();
      }
      --p_.moves_left;
      p_.passes += trial.passes;
      MoveReport move;
      move.split_topic = proposal.split.topic;
      move.merge_keep = proposal.merge.keep;
      move.merge_drop = proposal.merge.drop;
      move.split_gain = proposal.split.gain_per_token;
      move.merge_by_words = proposal.by_word;
      move.elbo_before = before;
      move.elbo_after = trial.final_elbo();
      move.passes = trial.passes;
      move.accepted = move.elbo_after > before;
      p_.moves.push_back(move);
      if (cb.on_move) cb.on_move(move);
      if (!move.accepted) continue;
      model_ = std::move(trial_model);
      PassReport line = trial.lines.back();
      line.relative_change = (line.elbo - before) / std::fabs(before);
      line.after_move = true;
      publish(line);
      p_.converged = trial.converged;
      p_.round_tried = 0;
      if (!trial.converged && p_.passes < options.max_passes) {
        // Finish converging the accepted state in a run of its own.
        p_.phase = BatchProgress::Phase::finishing;
        p_.run_lines.clear();
        p_.run_passes = 0;
        p_.calm_passes = 0;
      }
      return true;
    }
    return false;
  }

  [[noreturn]] void safe_point_stopping() {
    p_.seconds = ctx_.seconds();
    if (ctx_.callbacks.on_checkpoint) ctx_.callbacks.on_checkpoint(model_, p_);
    throw Interrupted("interrupted after " + std::to_string(p_.passes) + " passes");
  }

  // Folds the training documents into the final topics exactly as tm-infer folds in new ones
  // (from the neutral start, no restart), so that the saved gamma is reproducible from the saved
  // topics alone and training and new documents are treated alike. This may land a document in
  // a slightly worse local mode than the one the passes had found: the line is marked, and is
  // not part of the monotone trace.
  void fold_in() {
    const FitOptions& options = ctx_.options;
    EstepOptions fold = options.estep;
    fold.restart = false;
    fold.evaluate_end = true;
    const TopicExpectations topics = topic_expectations(model_.lambda, options.n_threads);
    const Sweep sweep =
        estep_sweep(ctx_.corpus, topics, model_.alpha, model_.gamma, ctx_.block_vocab, ctx_.blocks,
                    fold, options.n_threads, nullptr, nullptr, ctx_.callbacks, ctx_.shard, 1, 0,
                    /*from_neutral=*/true);
    PassReport line;
    line.pass = p_.passes;
    line.elbo = sweep.elbo_at_end + topics.beta_term(model_.eta);
    line.relative_change = (line.elbo - p_.trace.back().elbo) / std::fabs(p_.trace.back().elbo);
    line.seconds = ctx_.seconds();
    line.mean_estep_iterations = sweep.mean_iterations;
    line.fold_in = true;
    publish(line);
  }

  FitContext ctx_;
  LdaModel& model_;
  BatchProgress p_;
  RunState run_;
};

void check_shape(const Corpus& corpus, const FitOptions& options, const LdaModel& model) {
  validate_fit_options(corpus, options);
  if (model.n_topics() != options.n_topics || model.n_words() != corpus.n_words() ||
      model.n_docs() != corpus.n_docs() || model.alpha.n_elem != options.n_topics) {
    throw UsageError("fit_batch: the model's shape does not match the corpus and options");
  }
}

}  // namespace

FitReport fit_batch(const Corpus& corpus, const FitOptions& options, LdaModel& model,
                    const FitCallbacks& callbacks, const Shard& shard) {
  check_shape(corpus, options, model);
  BatchProgress progress;
  progress.moves_left = options.max_moves;
  return BatchFit(corpus, options, model, callbacks, std::move(progress), shard).run();
}

FitReport resume_batch(const Corpus& corpus, const FitOptions& options, LdaModel& model,
                       BatchProgress progress, const FitCallbacks& callbacks, const Shard& shard) {
  check_shape(corpus, options, model);
  return BatchFit(corpus, options, model, callbacks, std::move(progress), shard).run();
}

double evaluate_elbo(const Corpus& corpus, const LdaModel& model, int n_threads,
                     const Shard& shard) {
  const BlockPartition blocks{corpus.n_docs(), kDocsPerBlock};
  const std::vector<BlockVocabulary> no_vocab(blocks.n_blocks());
  const TopicExpectations topics = topic_expectations(model.lambda, n_threads);
  EstepOptions evaluate_only;
  evaluate_only.max_iter = 0;
  arma::mat gamma = model.gamma;
  const Sweep sweep = estep_sweep(corpus, topics, model.alpha, gamma, no_vocab, blocks,
                                  evaluate_only, n_threads, nullptr, nullptr, {}, shard);
  return sweep.elbo_at_start + topics.beta_term(model.eta);
}

}  // namespace tmkit
