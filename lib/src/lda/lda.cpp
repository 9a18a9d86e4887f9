#include "tmkit/lda/lda.hpp"

#include <boost/random/gamma_distribution.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <utility>

#include "detail/blocks.hpp"
#include "detail/lda_moves.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/names.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/numbers.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/hyperparameters.hpp"

namespace tmkit {
namespace {

constexpr std::size_t kDocsPerBlock = kFitBlockDocs;

// gensim and scikit-learn initialise lambda_kw ~ Gamma(shape 100, scale 1/100).
constexpr double kInitShape = 100.0;
constexpr double kInitScale = 0.01;

// Single proposals tried per round of moves after the joint one, at most: a round that keeps none
// ends the moves, and on corpora where no move helps (a real corpus's held-out perplexity rarely
// gains from them) each rejected trial costs a few passes over every document. 2 of the 4 that two
// split candidates with two merge partners each give: the kept move of a round was among its first
// two on every recovery-study corpus looked at.
constexpr std::size_t kProposalsPerRound = 2;
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

// What a sweep does with one document.
enum class DocStep {
  skip,             // nothing (a document of the stopping slice during the passes)
  evaluate,         // its ELBO terms at its gamma, no update
  fit,              // the E-step from its gamma (and the neutral start, by the restart rotation)
  fold_in_neutral,  // gamma folded in afresh from the neutral start
  fold_in,          // fold_in_document: the best of a fresh fold-in and its gamma, refined or not
};

struct SweepPlan {
  DocStep training = DocStep::fit;  ///< for the documents the passes fit
  DocStep slice = DocStep::skip;    ///< for the documents of the stopping slice
  EstepOptions estep;
  std::size_t restart_period = 1;  ///< with DocStep::fit: document d restarts when
  std::size_t restart_phase = 0;   ///< (first_doc + d + phase) % period == 0
};

// One E-step sweep: treats every document as `plan` says, returns the documents' ELBO terms at the
// gamma they started from and ended with, and (when `stats` is non-null) the sufficient statistics
// of the fitted documents, sum_d n_dw phi_dwk / exp_elog_beta_kw and sum_d E[log theta_d].
struct Sweep {
  double elbo_at_start = 0;
  double elbo_at_end = 0;
  double mean_iterations = 0;  ///< per document treated
};

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

double parse_positive(const std::string& text, const std::string& option, const std::string& also) {
  const double value = parse_number(text).value_or(0.0);
  if (!(value > 0) || !std::isfinite(value)) {
    throw OptionError(option, "\"" + text + "\" is not valid; expected a positive number" + also);
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
        text, "alpha", ", \"symmetric\" (1/K), \"asymmetric\", \"auto\" or \"auto-symmetric\"");
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
    option.value = parse_positive(text, "eta", ", \"symmetric\" (1/K) or \"auto\"");
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
  if (options.n_topics == 0) throw OptionError("k", "0 topics; expected K >= 1");
  if (options.n_topics > corpus.n_words()) {
    throw OptionError("k", std::to_string(options.n_topics) +
                               " topics is more than the vocabulary has words (V = " +
                               std::to_string(corpus.n_words()) + "); expected 1 <= K <= V");
  }
  if (options.stop == StopRule::heldout && !corpus.whole_counts()) {
    throw OptionError("stop",
                      "heldout needs whole counts (document completion splits tokens); "
                      "the corpus holds fractional weights: use the elbo rule");
  }
  if (!(options.tol >= 0) || !std::isfinite(options.tol)) {
    throw OptionError("tol", format_shortest(options.tol) +
                                 " is negative; expected a tolerance >= 0 (0: run every pass)");
  }
  if (!(options.heldout_tol >= 0) || !std::isfinite(options.heldout_tol)) {
    throw OptionError("heldout-tol", format_shortest(options.heldout_tol) +
                                         " is negative; expected a fraction >= 0");
  }
  if (options.heldout_patience == 0) {
    throw OptionError("heldout-patience", "0; expected at least 1 pass");
  }
  if (options.max_passes == 0) throw OptionError("passes", "0; expected at least 1 pass");
  if (options.estep.max_iter == 0) {
    throw OptionError("estep-max-iter", "0; expected at least 1 update per document");
  }
  if (options.max_moves > 0 && options.move_passes == 0) {
    throw OptionError("move-passes", "0; expected at least 1 pass per merge-split proposal");
  }
  if (!(options.estep.tol > 0) || !std::isfinite(options.estep.tol)) {
    throw OptionError("estep-tol", format_shortest(options.estep.tol) +
                                       " is not positive; expected a tolerance > 0");
  }
  if (options.patience == 0) throw OptionError("patience", "0; expected at least 1 pass");
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
    // Where fewer than K documents may seed (documents of one token, fewer documents than
    // topics), the topics left over start from the random lambda alone.
    const std::vector<SpaSeed> seeds =
        spa_seeds(corpus, all, n_topics, options.n_threads, *shard.comm, /*allow_fewer=*/true);
    for (std::size_t k = 0; k < seeds.size(); ++k) model.lambda.row(k) += seeds[k].counts.t();
  }
  model.gamma.set_size(n_topics, corpus.n_docs());
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    neutral_gamma(corpus.doc(d), model.alpha, model.gamma.colptr(d));
  }
  return model;
}

namespace {

// Tempered warm-up (docs/math/lda.md §4): in warm-up pass t of W, with f = 1 - t/W, the E-step
// sees the topics with kWarmupPseudoCount * f added to every lambda_kw. The pseudo-count keeps a
// word from being locked out of a topic before the topics have formed (with eta = 0.01 a topic
// that holds none of a word gives it E[log beta] ≈ psi(0.01) ≈ -100, and no later pass can give it
// back). One flat Dirichlet's worth: measured on the recovery study's corpora and on a real one
// (docs/recovery-study.md); tempering alpha as well was tried and lowered held-out perplexity.
constexpr double kWarmupPseudoCount = 1.0;
// The E-step tolerance of the warm-up: the topics move far between its passes, so a tighter fit of
// each document is wasted (on a real corpus, 1e-2 instead of 1e-3 saved a third of the warm-up's
// time and left the held-out perplexity the same).
constexpr double kWarmupEstepTol = 1e-2;
// The warm-up takes at most this fraction of a pass budget.
constexpr std::size_t kWarmupShareOfBudget = 4;

// The stopping slice: n = min(kSliceMax, max(kSliceMin, n_docs / kSliceDivisor)) documents.
constexpr std::size_t kSliceMin = 200;
constexpr std::size_t kSliceMax = 2000;
constexpr std::size_t kSliceDivisor = 20;
// Its random streams: the fit's seed, moved away from the streams of tm-fit --heldout-fraction.
constexpr std::uint64_t kSliceSeedSalt = 0x5eed5011ceULL;

// What every sweep of one fit shares.
struct FitContext {
  const Corpus& corpus;  ///< this process's documents
  const FitOptions& options;
  const FitCallbacks& callbacks;
  Shard shard;
  StopRule rule = StopRule::elbo;
  double n_docs = 0;  ///< documents of every process
  BlockPartition blocks;
  std::vector<BlockVocabulary> block_vocab;
  std::vector<unsigned char> in_slice;  ///< per local document: 1 in the stopping slice
  std::size_t slice_docs = 0;           ///< stopping-slice documents of every process
  CompletionSplit slice_split;          ///< this process's slice documents, halved
  std::chrono::steady_clock::time_point start;

  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  bool monitored() const { return slice_docs > 0 || callbacks.evaluate_heldout != nullptr; }
  // Document-completion perplexity of the held-out slice under `model` (NaN when none).
  double heldout_perplexity(const LdaModel& model) const {
    if (callbacks.evaluate_heldout) return callbacks.evaluate_heldout(model);
    if (slice_docs == 0) return std::numeric_limits<double>::quiet_NaN();
    double sums[2] = {0.0, 0.0};
    if (slice_split.observed.n_docs() > 0) {
      const CompletionScore score =
          document_completion(model, slice_split, options.estep, options.n_threads);
      sums[0] = score.log_likelihood;
      sums[1] = static_cast<double>(score.n_tokens);
    }
    shard.comm->sum(sums, 2);
    return std::exp(-sums[0] / sums[1]);
  }
};

DocStep step_for(const FitContext& ctx, const SweepPlan& plan, std::size_t d) {
  return ctx.in_slice.empty() || !ctx.in_slice[d] ? plan.training : plan.slice;
}

Sweep estep_sweep(const FitContext& ctx, const TopicExpectations& topics, const arma::vec& alpha,
                  arma::mat& gamma, const SweepPlan& plan, arma::mat* stats,
                  arma::vec* elog_theta_sum) {
  const Corpus& corpus = ctx.corpus;
  const BlockPartition& blocks = ctx.blocks;
  const std::size_t n_topics = topics.n_topics();
  const DocumentPrior prior(alpha);
  EstepOptions evaluate_only = plan.estep;
  evaluate_only.max_iter = 0;
  Sweep sweep;
  double iterations = 0, treated = 0;
  std::size_t docs_done = 0;
  if (stats) stats->zeros(n_topics, topics.n_words());
  if (elog_theta_sum) elog_theta_sum->zeros(n_topics);
  for_each_block_ordered(
      blocks, ctx.options.n_threads, [] { return BlockWorkspace{}; },
      [&](std::size_t b, BlockWorkspace& ws) {
        ws.elbo = 0;
        ws.elbo_end = 0;
        ws.iterations = 0;
        const bool accumulate = stats != nullptr;
        if (accumulate) {
          ws.local_stats.zeros(n_topics, ctx.block_vocab[b].words.size());
          ws.elog_theta_sum.zeros(n_topics);
        }
        std::size_t entry = 0;
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = corpus.doc(d);
          const DocStep step = step_for(ctx, plan, d);
          double* doc_gamma = gamma.colptr(d);
          if (step == DocStep::skip) {
            entry += doc.n;
            continue;
          }
          if (step == DocStep::fold_in || step == DocStep::fold_in_neutral) {
            const bool keep_previous = step == DocStep::fold_in;
            const FoldIn fit =
                fold_in_document(doc, topics, prior, keep_previous ? doc_gamma : nullptr,
                                 /*refine=*/true, doc_gamma, ws.estep, plan.estep);
            ws.elbo += fit.elbo;
            ws.elbo_end += fit.elbo;
            ws.iterations += static_cast<double>(fit.iterations);
            entry += doc.n;
            continue;
          }
          EstepOptions doc_options = step == DocStep::evaluate ? evaluate_only : plan.estep;
          doc_options.restart =
              step == DocStep::fit && plan.estep.restart &&
              (ctx.shard.first_doc + d + plan.restart_phase) % plan.restart_period == 0;
          const DocumentFit fit =
              fit_document(doc, topics, prior, doc_gamma, ws.estep, doc_options);
          ws.elbo += fit.elbo_at_start;
          ws.elbo_end += fit.elbo_at_end;
          ws.iterations += static_cast<double>(fit.iterations);
          if (!accumulate || step != DocStep::fit) {
            entry += doc.n;
            continue;
          }
          const double* theta = ws.estep.exp_elog_theta.data();
          for (std::size_t i = 0; i < doc.n; ++i, ++entry) {
            double* column = ws.local_stats.colptr(ctx.block_vocab[b].local[entry]);
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
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          treated += step_for(ctx, plan, d) != DocStep::skip;
        }
        if (stats) {
          const auto& words = ctx.block_vocab[b].words;
          for (std::size_t j = 0; j < words.size(); ++j) {
            double* target = stats->colptr(words[j]);
            const double* source = ws.local_stats.colptr(j);
            for (std::size_t k = 0; k < n_topics; ++k) target[k] += source[k];
          }
          *elog_theta_sum += ws.elog_theta_sum;
        }
        docs_done += blocks.end(b) - blocks.begin(b);
        ctx.callbacks.work.progress(docs_done, corpus.n_docs());
      });
  // Every rank's share, added in rank order (nothing to add in one process).
  double totals[4] = {sweep.elbo_at_start, sweep.elbo_at_end, iterations, treated};
  ctx.shard.comm->sum(totals, 4);
  sweep.elbo_at_start = totals[0];
  sweep.elbo_at_end = totals[1];
  if (stats) {
    ctx.shard.comm->sum(stats->memptr(), stats->n_elem);
    ctx.shard.comm->sum(elog_theta_sum->memptr(), elog_theta_sum->n_elem);
  }
  sweep.mean_iterations = totals[2] / std::max(1.0, totals[3]);
  return sweep;
}

// What a run of passes is for: `explore` ends as soon as the ELBO's rise slows below move_tol
// (when merge-split moves are worth trying) or the stopping rule is met; `stop` ends only when
// the stopping rule is met.
enum class Goal { explore, stop };

// A run of passes: the states it visited (each with its ELBO), its M-steps and calm passes.
struct RunState {
  std::vector<PassReport> lines;  ///< initial state, then after each M-step
  std::size_t passes = 0;         ///< M-steps run
  std::size_t calm_passes = 0;    ///< consecutive passes that did not count under the rule
  bool converged = false;         ///< the stopping rule was met
  bool stopped = false;           ///< left at a safe point because safe_point() said so
  double final_elbo() const { return lines.back().elbo; }
};

// Whether the newest line of `run` counts as progress under the stopping rule in force.
bool calm_under_rule(const FitContext& ctx, const RunState& run) {
  const PassReport& line = run.lines.back();
  if (ctx.rule == StopRule::elbo) return std::fabs(line.relative_change) < ctx.options.tol;
  if (std::isnan(line.heldout_perplexity)) return false;  // not monitored: a move's trial
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t t = 0; t + 1 < run.lines.size(); ++t) {
    best = std::min(best, run.lines[t].heldout_perplexity);
  }
  return !(line.heldout_perplexity < best * (1.0 - ctx.options.heldout_tol));
}

// The topics as the E-step of warm-up pass t of W sees them (see kWarmupPseudoCount).
TopicExpectations tempered_topics(const LdaModel& model, std::size_t t, std::size_t warmup,
                                  int n_threads) {
  const double f = 1.0 - static_cast<double>(t) / static_cast<double>(warmup);
  return topic_expectations(model.lambda + kWarmupPseudoCount * f, n_threads);
}

// The M-step and the prior updates that follow it (eqs. 11-13): lambda_kw = eta + sum_d n_dw
// phi_dwk, where phi_dwk carries the exp_elog_beta_kw the E-step used.
void m_step(const FitContext& ctx, LdaModel& model, const arma::mat& stats,
            const TopicExpectations& used, const arma::vec& elog_theta_sum, bool update_priors) {
  const FitOptions& options = ctx.options;
  model.lambda = stats % used.exp_elog_beta + model.eta;
  if (!update_priors) return;
  const double n_fitted = ctx.n_docs - static_cast<double>(ctx.slice_docs);
  if (options.alpha.kind == AlphaOption::Kind::learn) {
    model.alpha = fit_dirichlet_asymmetric(n_fitted, elog_theta_sum, model.alpha);
  } else if (options.alpha.kind == AlphaOption::Kind::learn_symmetric) {
    model.alpha.fill(fit_dirichlet_symmetric(n_fitted, options.n_topics, arma::accu(elog_theta_sum),
                                             model.alpha[0]));
  }
  if (options.eta.learn) {
    const TopicExpectations topics = topic_expectations(model.lambda, options.n_threads);
    model.eta = fit_dirichlet_symmetric(static_cast<double>(options.n_topics), ctx.corpus.n_words(),
                                        topics.sum_elog_beta, model.eta);
  }
}

// Coordinate ascent from `model` until `goal` is met or `max_passes` M-steps. Line t of the run is
// the ELBO after t M-steps; each sweep's first half-iteration yields the ELBO of the state it
// starts from, and one last sweep evaluates the final state. `run` may hold a run stopped earlier
// (resumed where it stopped). With `monitor`, each line carries the held-out perplexity.
// Between passes, `safe_point` (when given) may stop the run; the state is then consistent: run and
// model as they are, to be continued later by another call with the same run.
// With a finite `target` (a move's trial), gives up as soon as the ELBO could not reach the target
// within the passes left even if it kept rising at its latest rate (on a converging run the rate
// only falls), so that hopeless proposals cost few passes.
void run_passes(FitContext& ctx, LdaModel& model, RunState& run, std::size_t max_passes,
                std::size_t passes_before, Goal goal, bool monitor,
                const std::function<void(const PassReport&)>& on_line,
                const std::function<bool()>& safe_point,
                double target = std::numeric_limits<double>::quiet_NaN()) {
  const FitOptions& options = ctx.options;
  const int n_threads = options.n_threads;
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
    if (monitor) line.heldout_perplexity = ctx.heldout_perplexity(model);
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
    SweepPlan plan;
    plan.estep = options.estep;
    plan.restart_period = run.passes < options.restart_warmup ? 1 : options.restart_period;
    plan.restart_phase = run.passes;
    const Sweep sweep =
        estep_sweep(ctx, topics, model.alpha, model.gamma, plan, &stats, &elog_theta_sum);
    const PassReport line =
        record(sweep.elbo_at_start + topics.beta_term(model.eta), sweep.mean_iterations);
    bool end_run = false;
    if (run.lines.size() > 1) {
      run.calm_passes = calm_under_rule(ctx, run) ? run.calm_passes + 1 : 0;
      const std::size_t patience =
          ctx.rule == StopRule::elbo ? options.patience : options.heldout_patience;
      if (run.calm_passes >= patience) run.converged = true;
      const double rate = line.elbo - run.lines[run.lines.size() - 2].elbo;
      const double passes_left = static_cast<double>(max_passes - run.passes);
      if (line.elbo < target && target - line.elbo > rate * passes_left) break;
      end_run = run.converged || (goal == Goal::explore && line.relative_change < options.move_tol);
    }
    m_step(ctx, model, stats, topics, elog_theta_sum, /*update_priors=*/true);
    topics = topic_expectations(model.lambda, n_threads);
    ++run.passes;
    if (end_run) break;
  }
  // The final state (the last M-step's lambda, the last E-step's gamma): evaluate without updating.
  SweepPlan evaluate;
  evaluate.estep = options.estep;
  evaluate.estep.max_iter = 0;
  const Sweep last = estep_sweep(ctx, topics, model.alpha, model.gamma, evaluate, nullptr, nullptr);
  record(last.elbo_at_start + topics.beta_term(model.eta), 0.0);
}

// One merge-split proposal of a round, in the order they are tried.
struct Proposal {
  SplitProposal split;
  MergeProposal merge;
  bool by_word = true;
  /// Further merge-split pairs made in the same trial (a round's first, joint proposal).
  std::vector<std::pair<SplitProposal, MergeProposal>> more;
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
  // First, every split candidate with its best merge by shared words among topics no other pair
  // of the proposal touches, made at once: a fit that left several planted pairs merged and split
  // repairs them in one trial, not one trial and one finishing run each.
  {
    Proposal joint;
    std::vector<bool> used(model.n_topics(), false);
    std::size_t pairs = 0;
    for (const SplitProposal& split : splits) {
      if (used[split.topic]) continue;
      for (const MergeProposal& merge : by_words) {
        if (merge.keep == split.topic || merge.drop == split.topic || used[merge.keep] ||
            used[merge.drop]) {
          continue;
        }
        if (pairs == 0) {
          joint.split = split;
          joint.merge = merge;
        } else {
          joint.more.emplace_back(split, merge);
        }
        used[split.topic] = used[merge.keep] = used[merge.drop] = true;
        ++pairs;
        break;
      }
    }
    if (pairs > 1) proposals.push_back(std::move(joint));
  }
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
    if (word_pick) proposals.push_back({split, *word_pick, true, {}});
    if (usage_pick) proposals.push_back({split, *usage_pick, false, {}});
  }
  const std::size_t limit =
      kProposalsPerRound + (proposals.empty() || proposals[0].more.empty() ? 0 : 1);
  if (proposals.size() > limit) proposals.resize(limit);
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
             StopRule::elbo,
             static_cast<double>(shard.comm->sum(std::uint64_t{corpus.n_docs()})),
             BlockPartition{corpus.n_docs(), kDocsPerBlock},
             {},
             {},
             0,
             {},
             std::chrono::steady_clock::now() -
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(progress.seconds))},
        model_(model),
        p_(std::move(progress)) {
    const auto n_docs = static_cast<std::size_t>(ctx_.n_docs);
    // A weighted corpus (fractional counts) has no tokens to split for document completion: the
    // automatic rule is then the ELBO's (validate_fit_options refuses the heldout rule).
    ctx_.rule = corpus.whole_counts() || callbacks.evaluate_heldout
                    ? resolve_stop_rule(options, n_docs, callbacks.evaluate_heldout != nullptr)
                    : (options.stop == StopRule::automatic ? StopRule::elbo : options.stop);
    if (ctx_.rule == StopRule::heldout && !callbacks.evaluate_heldout) set_aside_slice();
    ctx_.block_vocab = build_block_vocabularies(corpus, ctx_.blocks, options.n_threads);
  }

  FitReport run() {
    const FitOptions& options = ctx_.options;
    const bool moves = options.max_moves > 0;
    if (p_.phase == BatchProgress::Phase::warmup) {
      warm_up();
      p_.phase = BatchProgress::Phase::main;
    }
    if (p_.phase == BatchProgress::Phase::main) {
      continue_run(run_budget(), moves ? Goal::explore : Goal::stop, /*skip_first=*/false);
      p_.phase = moves ? BatchProgress::Phase::moves : BatchProgress::Phase::fold_in;
      p_.round_tried = 0;
    }
    while (p_.phase == BatchProgress::Phase::moves || p_.phase == BatchProgress::Phase::finishing ||
           p_.phase == BatchProgress::Phase::final) {
      if (p_.phase == BatchProgress::Phase::finishing) {
        continue_run(run_budget(), Goal::explore, /*skip_first=*/true);
        p_.phase = BatchProgress::Phase::moves;
        p_.round_tried = 0;
      } else if (p_.phase == BatchProgress::Phase::final) {
        continue_run(run_budget(), Goal::stop, /*skip_first=*/true);
        p_.phase = BatchProgress::Phase::fold_in;
      } else if (!try_round()) {
        // No proposal of this round was kept: the fit goes on to its stopping rule, unless the
        // last run already met it.
        p_.phase = p_.converged || p_.passes >= options.max_passes ? BatchProgress::Phase::fold_in
                                                                   : BatchProgress::Phase::final;
        p_.run_lines.clear();
        p_.run_passes = 0;
        p_.calm_passes = 0;
      }
    }
    if (p_.phase == BatchProgress::Phase::fold_in) {
      safe_point();
      if (ctx_.slice_docs > 0) join_slice();
      if (options.fold_in_gamma) fold_in();
      p_.phase = BatchProgress::Phase::done;
    }
    p_.seconds = ctx_.seconds();
    FitReport report;
    report.converged = p_.converged;
    report.stop = ctx_.rule;
    report.passes = p_.passes;
    report.heldout_docs = ctx_.slice_docs;
    report.moves_budget_ran_out = moves_budget_ran_out_;
    report.trace = p_.trace;
    report.moves = p_.moves;
    report.final_elbo = p_.trace.back().elbo;
    report.seconds = p_.seconds;
    return report;
  }

 private:
  // The stopping slice's documents among this process's, halved for document completion.
  void set_aside_slice() {
    const FitOptions& options = ctx_.options;
    const std::vector<std::size_t> slice =
        stopping_slice(static_cast<std::size_t>(ctx_.n_docs), options);
    const Corpus& corpus = ctx_.corpus;
    ctx_.in_slice.assign(corpus.n_docs(), 0);
    Corpus local(corpus.vocab());
    std::size_t n_local = 0;
    for (const std::size_t global : slice) {
      if (global < ctx_.shard.first_doc || global >= ctx_.shard.first_doc + corpus.n_docs()) {
        continue;
      }
      const std::size_t d = global - ctx_.shard.first_doc;
      ctx_.in_slice[d] = 1;
      const DocView doc = corpus.doc(d);
      std::vector<std::pair<WordId, Count>> entries(doc.n);
      for (std::size_t i = 0; i < doc.n; ++i) entries[i] = {doc.ids[i], doc.counts[i]};
      local.add_document(std::move(entries));
      ++n_local;
    }
    ctx_.slice_docs = ctx_.shard.comm->sum(std::uint64_t{n_local});
    ctx_.slice_split = split_documents(local, options.seed ^ kSliceSeedSalt);
  }

  // The M-steps the run under way may take in all: what the budget leaves after the passes
  // before it.
  std::size_t run_budget() const { return ctx_.options.max_passes - (p_.passes - p_.run_passes); }

  // Every line published describes model_ as it stands at that moment.
  void publish(const PassReport& line) {
    p_.trace.push_back(line);
    if (ctx_.callbacks.on_pass) ctx_.callbacks.on_pass(line);
  }

  // Polls for a stop and a due checkpoint; hands the state to on_checkpoint when either holds and
  // throws Interrupted when stopping.
  bool safe_point() {
    const FitCallbacks& cb = ctx_.callbacks;
    const bool stop = ctx_.shard.comm->any(cb.work.stop());
    if (stop || (cb.checkpoint_due && cb.checkpoint_due(p_.passes))) {
      p_.seconds = ctx_.seconds();
      if (cb.on_checkpoint) cb.on_checkpoint(model_, p_);
    }
    if (stop) throw Interrupted("interrupted after " + std::to_string(p_.passes) + " passes");
    return false;
  }

  // The tempered passes that end the initialisation: the E-step sees tempered_topics(), the M-step
  // keeps eta and alpha as they are. Their states are not part of the trace.
  void warm_up() {
    const FitOptions& options = ctx_.options;
    const std::size_t warmup =
        std::min(options.warmup_passes, options.max_passes / kWarmupShareOfBudget);
    arma::mat stats;
    arma::vec elog_theta_sum;
    while (p_.run_passes < warmup) {
      if (p_.run_passes > 0) safe_point();
      const TopicExpectations topics =
          tempered_topics(model_, p_.run_passes, warmup, options.n_threads);
      SweepPlan plan;
      plan.estep = options.estep;
      plan.estep.tol = std::max(options.estep.tol, kWarmupEstepTol);
      plan.restart_period = 1;  // every document chooses afresh while the topics form
      estep_sweep(ctx_, topics, model_.alpha, model_.gamma, plan, &stats, &elog_theta_sum);
      m_step(ctx_, model_, stats, topics, elog_theta_sum, /*update_priors=*/false);
      ++p_.run_passes;
      ++p_.passes;
      if (ctx_.callbacks.on_warmup) ctx_.callbacks.on_warmup(p_.run_passes, warmup);
    }
    p_.run_passes = 0;
  }

  // Continues the run of the main, finishing or final phase (its state kept in p_), publishing its
  // lines (a later run's first line repeats the state the run before published, so it is skipped).
  void continue_run(std::size_t max_passes, Goal goal, bool skip_first) {
    run_.lines = p_.run_lines;
    run_.passes = p_.run_passes;
    run_.calm_passes = p_.calm_passes;
    run_.converged = false;
    const std::size_t passes_before = p_.passes - p_.run_passes;
    run_passes(
        ctx_, model_, run_, max_passes, passes_before, goal, ctx_.monitored(),
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
    p_.converged = run_.converged;
    p_.run_lines.clear();
    p_.run_passes = 0;
    p_.calm_passes = 0;
  }

  // Tries the proposals of one round from p_.round_tried on; true when one was kept (the fit then
  // goes on with the finishing run, and a new round after it).
  bool try_round() {
    const FitOptions& options = ctx_.options;
    // A trial is started only with its full --move-passes left: one cut short by the budget would
    // be judged on too few passes, and "rejected" for it.
    const auto budget_left = [&] {
      const bool enough = options.max_passes - p_.passes >= options.move_passes;
      if (!enough && p_.moves_left > 0) moves_budget_ran_out_ = true;
      return enough;
    };
    if (p_.moves_left == 0 || !budget_left()) return false;
    const std::vector<Proposal> proposals =
        round_proposals(ctx_.corpus, model_, options, *ctx_.shard.comm);
    for (; p_.round_tried < proposals.size(); ++p_.round_tried) {
      if (p_.moves_left == 0 || !budget_left()) return false;
      safe_point();
      const Proposal& proposal = proposals[p_.round_tried];
      LdaModel trial_model =
          propose_merge_split(ctx_.corpus, model_, proposal.merge, proposal.split);
      for (const auto& [split, merge] : proposal.more) {
        trial_model = propose_merge_split(ctx_.corpus, trial_model, merge, split);
      }
      const double before = p_.trace.back().elbo;
      RunState trial;
      const FitCallbacks& cb = ctx_.callbacks;
      run_passes(
          ctx_, trial_model, trial, options.move_passes, p_.passes, Goal::explore,
          /*monitor=*/false, nullptr, [&] { return ctx_.shard.comm->any(cb.work.stop()); }, before);
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
      move.n_pairs = 1 + proposal.more.size();
      move.elbo_before = before;
      move.elbo_after = trial.final_elbo();
      move.passes = trial.passes;
      move.accepted = move.elbo_after > before;
      if (move.accepted && ctx_.monitored()) {
        // A move must not cost held-out perplexity either (it can raise the bound of the training
        // documents by fitting them more closely, and a user cares about the documents to come).
        move.heldout_before = p_.trace.back().heldout_perplexity;
        move.heldout_after = ctx_.heldout_perplexity(trial_model);
        move.accepted = !(move.heldout_after > move.heldout_before * (1.0 + options.heldout_tol));
      }
      p_.moves.push_back(move);
      if (cb.on_move) cb.on_move(move);
      if (!move.accepted) continue;
      model_ = std::move(trial_model);
      PassReport line = trial.lines.back();
      line.relative_change = (line.elbo - before) / std::fabs(before);
      line.after_move = true;
      line.heldout_perplexity = move.heldout_after;
      publish(line);
      p_.converged = false;
      p_.round_tried = 0;
      p_.phase = BatchProgress::Phase::finishing;
      p_.run_lines.clear();
      p_.run_passes = 0;
      p_.calm_passes = 0;
      return true;
    }
    return false;
  }

  [[noreturn]] void safe_point_stopping() {
    p_.seconds = ctx_.seconds();
    if (ctx_.callbacks.on_checkpoint) ctx_.callbacks.on_checkpoint(model_, p_);
    throw Interrupted("interrupted after " + std::to_string(p_.passes) + " passes");
  }

  // The stopping slice joins the fit: its documents are folded into the final topics from the
  // neutral start, the others keep their gamma. From this line on the ELBO covers every document.
  // A sweep with no M-step after it (joining the slice, the final fold-in) as a line of the trace.
  PassReport evaluation_line(const TopicExpectations& topics, const SweepPlan& plan) {
    const Sweep sweep =
        estep_sweep(ctx_, topics, model_.alpha, model_.gamma, plan, nullptr, nullptr);
    PassReport line;
    line.pass = p_.passes;
    line.elbo = sweep.elbo_at_end + topics.beta_term(model_.eta);
    line.seconds = ctx_.seconds();
    line.mean_estep_iterations = sweep.mean_iterations;
    return line;
  }

  void join_slice() {
    const FitOptions& options = ctx_.options;
    const TopicExpectations topics = topic_expectations(model_.lambda, options.n_threads);
    SweepPlan plan;
    plan.training = DocStep::evaluate;
    plan.slice = DocStep::fold_in_neutral;
    plan.estep = options.estep;
    PassReport line = evaluation_line(topics, plan);
    line.join = true;
    publish(line);
    ctx_.in_slice.clear();  // every document is a training document from here on
  }

  // Folds every document into the final topics by fold_in_document: the best of a fresh fold-in
  // from the neutral start (what tm-infer does with new documents), the E-step continued from its
  // gamma, and its gamma as it is. So the line is never below the one before, and tm-infer given
  // the saved gamma reproduces it (docs/math/inference.md).
  void fold_in() {
    const FitOptions& options = ctx_.options;
    const TopicExpectations topics = topic_expectations(model_.lambda, options.n_threads);
    SweepPlan plan;
    plan.training = DocStep::fold_in;
    plan.estep = options.estep;
    PassReport line = evaluation_line(topics, plan);
    line.relative_change = (line.elbo - p_.trace.back().elbo) / std::fabs(p_.trace.back().elbo);
    line.fold_in = true;
    publish(line);
  }

  FitContext ctx_;
  LdaModel& model_;
  BatchProgress p_;
  RunState run_;
  bool moves_budget_ran_out_ = false;  ///< a proposal was left untried for want of passes
};

void check_shape(const Corpus& corpus, const FitOptions& options, const LdaModel& model) {
  validate_fit_options(corpus, options);
  if (model.n_topics() != options.n_topics || model.n_words() != corpus.n_words() ||
      model.n_docs() != corpus.n_docs() || model.alpha.n_elem != options.n_topics) {
    throw UsageError("fit_batch: the model's shape does not match the corpus and options");
  }
}

}  // namespace

namespace {
constexpr Named<StopRule> kStopRules[] = {
    {StopRule::automatic, "auto"}, {StopRule::heldout, "heldout"}, {StopRule::elbo, "elbo"}};
}  // namespace

StopRule parse_stop_rule(const std::string& name) {
  return parse_named(kStopRules, name, "stop", "a stopping rule");
}

std::string stop_rule_name(StopRule rule) { return name_of(kStopRules, rule); }

StopRule resolve_stop_rule(const FitOptions& options, std::size_t n_docs, bool caller_heldout) {
  if (options.stop != StopRule::automatic) return options.stop;
  return caller_heldout || n_docs >= kMinDocsForHeldoutStop ? StopRule::heldout : StopRule::elbo;
}

std::vector<std::size_t> stopping_slice(std::size_t n_docs, const FitOptions& options) {
  if (resolve_stop_rule(options, n_docs, false) != StopRule::heldout || n_docs < 2) return {};
  const std::size_t wanted = std::min(kSliceMax, std::max(kSliceMin, n_docs / kSliceDivisor));
  const double fraction = std::min(0.5, static_cast<double>(wanted) / static_cast<double>(n_docs));
  return choose_heldout_documents(n_docs, fraction, options.seed ^ kSliceSeedSalt);
}

std::string stop_summary(const FitReport& report, const FitOptions& options) {
  char text[320];
  if (!report.converged) {
    std::snprintf(text, sizeof text,
                  "the pass budget (%zu) ran out before the %s stopping rule was met",
                  options.max_passes, report.stop == StopRule::heldout ? "held-out" : "ELBO");
    return text;
  }
  if (report.stop == StopRule::elbo) {
    std::snprintf(text, sizeof text,
                  "stopped by the ELBO rule: the relative change stayed below %g for %zu passes",
                  options.tol, options.patience);
    return text;
  }
  const PassReport* best = nullptr;
  const PassReport* last = nullptr;
  for (const PassReport& line : report.trace) {
    if (std::isnan(line.heldout_perplexity)) continue;
    if (!best || line.heldout_perplexity < best->heldout_perplexity) best = &line;
    last = &line;
  }
  if (!best) return "stopped by the held-out rule";
  std::snprintf(text, sizeof text,
                "stopped by the held-out rule: perplexity %.6g at pass %zu, best %.6g at pass %zu "
                "(no gain over %g%% in %zu passes)",
                last->heldout_perplexity, last->pass, best->heldout_perplexity, best->pass,
                100.0 * options.heldout_tol, options.heldout_patience);
  return text;
}

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
  FitOptions options;
  options.n_topics = model.n_topics();
  options.n_threads = n_threads;
  options.stop = StopRule::elbo;
  const FitCallbacks no_callbacks;
  FitContext ctx{corpus,
                 options,
                 no_callbacks,
                 shard,
                 StopRule::elbo,
                 0,
                 BlockPartition{corpus.n_docs(), kDocsPerBlock},
                 std::vector<BlockVocabulary>(0),
                 {},
                 0,
                 {},
                 std::chrono::steady_clock::now()};
  ctx.block_vocab.resize(ctx.blocks.n_blocks());
  const TopicExpectations topics = topic_expectations(model.lambda, n_threads);
  SweepPlan evaluate;
  evaluate.estep.max_iter = 0;
  arma::mat gamma = model.gamma;
  const Sweep sweep = estep_sweep(ctx, topics, model.alpha, gamma, evaluate, nullptr, nullptr);
  return sweep.elbo_at_start + topics.beta_term(model.eta);
}

}  // namespace tmkit
