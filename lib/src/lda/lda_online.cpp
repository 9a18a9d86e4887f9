#include "tmkit/lda/lda_online.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/lda/hyperparameters.hpp"

namespace tmkit {
namespace {

constexpr std::size_t kDocsPerBlock = 64;
// The batch fit of the first documents that starts an online fit: passes at most, ELBO tolerance.
constexpr std::size_t kInitSamplePasses = 40;
constexpr double kInitSampleTol = 1e-4;
// Below this scale, a M + b is folded back into M (a = 1), long before a could underflow.
constexpr double kMinScale = 1e-100;

// lambda = scale * M + offset, entrywise; row_sums_m holds the row sums of M (updated with it).
struct LazyLambda {
  arma::mat m;
  double scale = 1, offset = 0;
  arma::vec row_sums_m;

  explicit LazyLambda(const arma::mat& lambda) : m(lambda), row_sums_m(arma::sum(lambda, 1)) {}
  LazyLambda(arma::mat m_in, double scale_in, double offset_in, arma::vec row_sums_in)
      : m(std::move(m_in)),
        scale(scale_in),
        offset(offset_in),
        row_sums_m(std::move(row_sums_in)) {}
  arma::mat materialize() const { return m * scale + offset; }
  arma::vec row_sums() const { return row_sums_m * scale + offset * static_cast<double>(m.n_cols); }
  arma::mat columns(const std::vector<WordId>& words) const {
    arma::mat out(m.n_rows, words.size());
    for (std::size_t j = 0; j < words.size(); ++j) {
      const double* source = m.colptr(words[j]);
      double* target = out.colptr(j);
      for (std::size_t k = 0; k < m.n_rows; ++k) target[k] = source[k] * scale + offset;
    }
    return out;
  }
  // lambda <- (1 - rho) lambda + rho (eta + columns `words` of `update`)
  void step(double rho, double eta, const std::vector<WordId>& words, const arma::mat& update) {
    scale *= 1.0 - rho;
    offset = (1.0 - rho) * offset + rho * eta;
    if (scale < kMinScale) {
      m *= scale;
      row_sums_m *= scale;
      scale = 1.0;
    }
    const double factor = rho / scale;
    for (std::size_t j = 0; j < words.size(); ++j) {
      double* target = m.colptr(words[j]);
      const double* source = update.colptr(j);
      for (std::size_t k = 0; k < m.n_rows; ++k) {
        target[k] += factor * source[k];
        row_sums_m[k] += factor * source[k];
      }
    }
  }
};

// A mini-batch with its words renumbered 0..n-1 in increasing order (`words` maps back), so that
// the E-step and the statistics use K x (batch words) matrices.
struct LocalBatch {
  std::vector<WordId> words;
  DocumentBatch docs;
};

// Renumbers with two V-long arrays reused from batch to batch (`seen` stamps the words of the
// current batch), in O(entries + words log words).
class Localizer {
 public:
  explicit Localizer(std::size_t n_words) : stamp_(n_words, 0), local_(n_words, 0) {}
  void localize(DocumentBatch& batch, LocalBatch& out) {
    ++round_;
    out.words.clear();
    for (WordId id : batch.ids) {
      if (stamp_[id] != round_) {
        stamp_[id] = round_;
        out.words.push_back(id);
      }
    }
    std::sort(out.words.begin(), out.words.end());
    for (std::size_t j = 0; j < out.words.size(); ++j) {
      local_[out.words[j]] = static_cast<WordId>(j);
    }
    std::swap(out.docs, batch);
    for (auto& id : out.docs.ids) id = local_[id];  // increasing order within a document is kept
  }

 private:
  std::vector<std::uint64_t> stamp_;
  std::vector<WordId> local_;
  std::uint64_t round_ = 0;
};

// A block's documents' parts of the statistics, kept until the block's turn to add them: per
// document its exp(E[log theta]) (K) and per entry its ratio n_w / (theta . beta_w).
struct BatchWork {
  EstepWorkspace estep;
  std::vector<double> thetas;  // K per document of the block
  std::vector<double> ratios;  // one per entry of the block
  arma::vec elog_theta_sum;    // K
  double elbo = 0, iterations = 0;
};

struct BatchResult {
  arma::mat stats;  // sum_d n_dw phi_dwk, K x batch words
  arma::vec elog_theta_sum;
  double elbo = 0, iterations = 0;
};

// The E-step over one batch from the neutral start; with `gamma_out` (K x batch docs) keeps gamma.
// Each block keeps its documents' parts, and they are added into the K x (batch words) statistics
// block by block in order: no per-thread copy of the statistics, and the same sums on any number
// of threads.
void batch_estep(const LocalBatch& batch, const TopicExpectations& topics, const arma::vec& alpha,
                 const EstepOptions& estep, int n_threads, arma::mat* gamma_out,
                 BatchResult& result) {
  const std::size_t n_topics = topics.n_topics();
  const DocumentPrior prior(alpha);
  EstepOptions options = estep;
  options.restart = false;
  options.evaluate_end = true;
  result.stats.zeros(n_topics, batch.words.size());
  result.elog_theta_sum.zeros(n_topics);
  result.elbo = 0;
  result.iterations = 0;
  if (gamma_out) gamma_out->set_size(n_topics, batch.docs.n_docs());
  const BlockPartition blocks{batch.docs.n_docs(), kDocsPerBlock};
  for_each_block_ordered(
      blocks, n_threads, [] { return BatchWork{}; },
      [&](std::size_t b, BatchWork& work) {
        work.elog_theta_sum.zeros(n_topics);
        work.elbo = 0;
        work.iterations = 0;
        work.thetas.clear();
        work.ratios.clear();
        std::vector<double> gamma(n_topics);
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = batch.docs.doc(d);
          neutral_gamma(doc, alpha, gamma.data());
          const DocumentFit fit =
              fit_document(doc, topics, prior, gamma.data(), work.estep, options);
          work.elbo += fit.elbo_at_end;
          work.iterations += static_cast<double>(fit.iterations);
          if (gamma_out) std::copy(gamma.begin(), gamma.end(), gamma_out->colptr(d));
          work.thetas.insert(work.thetas.end(), work.estep.exp_elog_theta.begin(),
                             work.estep.exp_elog_theta.end());
          work.ratios.insert(work.ratios.end(), work.estep.ratio.begin(),
                             work.estep.ratio.begin() + static_cast<long>(doc.n));
          for (std::size_t k = 0; k < n_topics; ++k)
            work.elog_theta_sum[k] += work.estep.elog_theta[k];
        }
      },
      [&](std::size_t b, BatchWork& work) {
        std::size_t entry = 0;
        for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
          const DocView doc = batch.docs.doc(d);
          const double* theta = work.thetas.data() + (d - blocks.begin(b)) * n_topics;
          for (std::size_t i = 0; i < doc.n; ++i, ++entry) {
            double* column = result.stats.colptr(doc.ids[i]);
            const double r = work.ratios[entry];
#pragma omp simd
            for (std::size_t k = 0; k < n_topics; ++k) column[k] += r * theta[k];
          }
        }
        result.elog_theta_sum += work.elog_theta_sum;
        result.elbo += work.elbo;
        result.iterations += work.iterations;
      });
  // phi carries exp_elog_beta: sum_d n_dw phi_dwk = exp_elog_beta_kw * sum_d ratio_dw theta_dk.
  result.stats %= topics.exp_elog_beta;
}

}  // namespace

void validate_online_options(const OnlineOptions& online) {
  if (online.batch_size == 0) throw OptionError("batch-size", "0; expected at least 1 document");
  if (!(online.tau0 >= 0) || !std::isfinite(online.tau0)) {
    throw OptionError("tau0", format_shortest(online.tau0) + "; expected a number >= 0");
  }
  if (!(online.kappa > 0.5 && online.kappa <= 1)) {
    throw OptionError("kappa",
                      format_shortest(online.kappa) +
                          "; expected a number in (0.5, 1], where the steps provably converge "
                          "(Hoffman et al. 2010)");
  }
}

LdaModel initialize_online_model(DocumentSource& source, const FitOptions& options) {
  const Corpus sample = read_all(source, kInitSampleDocs);
  FitOptions sample_options = options;
  sample_options.stop = StopRule::elbo;
  sample_options.tol = kInitSampleTol;
  sample_options.patience = 2;
  sample_options.max_passes = kInitSamplePasses;
  sample_options.fold_in_gamma = false;
  LdaModel model = initialize_model(sample, sample_options);
  if (options.init == InitMethod::spa) {
    fit_batch(sample, sample_options, model);
    // The sample's expected counts, scaled to the whole corpus as an online step scales its
    // mini-batch's: lambda = eta + (D / D_sample) (lambda_sample - eta).
    const double scale =
        static_cast<double>(source.n_docs()) / static_cast<double>(sample.n_docs());
    model.lambda = (model.lambda - model.eta) * scale + model.eta;
  }
  model.gamma.reset();
  return model;
}

namespace {

// One rank's part of a mini-batch spread over ranks, added to the other ranks' parts: the
// statistics over the union of the ranks' words (in increasing order), summed in rank order, with
// the ELBO terms, iterations and E[log theta] sums. In one process, the batch's own.
void combine_parts(Communicator& comm, std::vector<WordId>& words, BatchResult& result) {
  if (comm.size() == 1) return;
  const std::vector<double> mine(words.begin(), words.end());
  std::vector<double> all = comm.all_gather(mine);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  const std::size_t n_topics = result.stats.n_rows;
  arma::vec sums(n_topics * all.size() + n_topics + 2, arma::fill::zeros);
  for (std::size_t j = 0, u = 0; j < words.size(); ++j) {
    while (all[u] != static_cast<double>(words[j])) ++u;
    std::copy_n(result.stats.colptr(j), n_topics, sums.memptr() + u * n_topics);
  }
  double* tail = sums.memptr() + n_topics * all.size();
  std::copy_n(result.elog_theta_sum.memptr(), n_topics, tail);
  tail[n_topics] = result.elbo;
  tail[n_topics + 1] = result.iterations;
  comm.sum(sums.memptr(), sums.n_elem);
  words.assign(all.begin(), all.end());
  result.stats = arma::mat(sums.memptr(), n_topics, all.size());
  result.elog_theta_sum = arma::vec(tail, n_topics);
  result.elbo = tail[n_topics];
  result.iterations = tail[n_topics + 1];
}

// This rank's documents of the next mini-batch (all of them in one process): whole blocks of it,
// as rank_documents spreads them. False at the end of the corpus.
bool next_batch_part(DocumentSource& source, std::size_t next_doc, std::size_t batch_size,
                     Communicator& comm, DocumentBatch& batch, std::size_t& batch_docs) {
  batch_docs = std::min(batch_size, source.n_docs() - std::min(source.n_docs(), next_doc));
  if (comm.size() == 1) return source.next(batch_size, batch);
  const DocumentRange part = rank_documents(batch_docs, kDocsPerBlock, comm.rank(), comm.size());
  return source.next_part(batch_size, part.first, part.last, batch);
}

}  // namespace

FitReport fit_online(DocumentSource& source, const FitOptions& options, const OnlineOptions& online,
                     LdaModel& model, OnlineProgress& progress, const OnlineCallbacks& callbacks,
                     Communicator& comm) {
  validate_online_options(online);
  const std::size_t n_topics = options.n_topics, n_words = source.vocab().size();
  if (model.n_topics() != n_topics || model.n_words() != n_words ||
      model.alpha.n_elem != n_topics) {
    throw UsageError("fit_online: the model's shape does not match the corpus and options");
  }
  const auto start = std::chrono::steady_clock::now() -
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double>(progress.seconds));
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double n_docs =
      online.total_docs > 0 ? online.total_docs : static_cast<double>(source.n_docs());
  const int n_threads = options.n_threads;
  const FitCallbacks& hooks = callbacks.fit;
  Localizer localizer(n_words);
  LocalBatch local;
  BatchResult result;
  LazyLambda lambda = progress.lambda_m.is_empty()
                          ? LazyLambda(model.lambda)
                          : LazyLambda(progress.lambda_m, progress.lambda_scale,
                                       progress.lambda_offset, progress.lambda_m_row_sums);
  progress.lambda_m.reset();
  // A safe point: the state is consistent here. Hands it to on_checkpoint when a checkpoint is due
  // or a stop requested, then stops if asked.
  const auto safe_point = [&](bool mid_pass) {
    const bool stop = comm.any(hooks.work.stop());
    if (!stop && !(callbacks.checkpoint_due && callbacks.checkpoint_due(progress.updates))) return;
    model.lambda = lambda.materialize();
    progress.seconds = seconds();
    if (mid_pass) {
      progress.lambda_m = lambda.m;
      progress.lambda_m_row_sums = lambda.row_sums_m;
      progress.lambda_scale = lambda.scale;
      progress.lambda_offset = lambda.offset;
    }
    if (callbacks.on_checkpoint) callbacks.on_checkpoint(model, progress);
    progress.lambda_m.reset();
    if (stop) {
      throw Interrupted("interrupted after " + std::to_string(progress.updates) + " mini-batches");
    }
  };
  DocumentBatch batch;
  FitReport report;

  const auto publish = [&](PassReport line) {
    const double previous = progress.trace.empty() ? line.elbo : progress.trace.back().elbo;
    line.relative_change =
        progress.trace.empty() ? 0.0 : (line.elbo - previous) / std::fabs(previous);
    line.seconds = seconds();
    if (hooks.evaluate_heldout) line.heldout_perplexity = hooks.evaluate_heldout(model);
    progress.trace.push_back(line);
    if (hooks.on_pass) hooks.on_pass(line);
  };

  while (progress.passes < options.max_passes) {
    source.seek(progress.next_doc);
    std::size_t batch_docs_count = 0;
    while (next_batch_part(source, progress.next_doc, online.batch_size, comm, batch,
                           batch_docs_count)) {
      localizer.localize(batch, local);
      const TopicExpectations topics =
          topic_expectations_of_columns(lambda.columns(local.words), lambda.row_sums(), n_threads);
      batch_estep(local, topics, model.alpha, options.estep, n_threads, nullptr, result);
      combine_parts(comm, local.words, result);
      const double rho =
          std::pow(online.tau0 + static_cast<double>(progress.updates) + 1.0, -online.kappa);
      const double batch_docs = static_cast<double>(batch_docs_count);
      lambda.step(rho, model.eta, local.words, result.stats * (n_docs / batch_docs));
      if (options.alpha.kind == AlphaOption::Kind::learn) {
        const arma::vec target =
            fit_dirichlet_asymmetric(batch_docs, result.elog_theta_sum, model.alpha);
        model.alpha = (1.0 - rho) * model.alpha + rho * target;
      } else if (options.alpha.kind == AlphaOption::Kind::learn_symmetric) {
        const double target = fit_dirichlet_symmetric(
            batch_docs, n_topics, arma::accu(result.elog_theta_sum), model.alpha[0]);
        model.alpha.fill((1.0 - rho) * model.alpha[0] + rho * target);
      }
      ++progress.updates;
      progress.next_doc += batch_docs_count;
      progress.pass_elbo += result.elbo;
      progress.pass_iterations += result.iterations;
      hooks.work.progress(progress.next_doc, source.n_docs());
      safe_point(/*mid_pass=*/true);
    }
    // End of a pass: the topics' own term with the topics as they now are, eta's update.
    model.lambda = lambda.materialize();
    const TopicExpectations topics = topic_expectations(model.lambda, n_threads);
    if (options.eta.learn) {
      const double rho =
          std::pow(online.tau0 + static_cast<double>(progress.updates), -online.kappa);
      const double target = fit_dirichlet_symmetric(static_cast<double>(n_topics), n_words,
                                                    topics.sum_elog_beta, model.eta);
      model.eta = (1.0 - rho) * model.eta + rho * target;
    }
    ++progress.passes;
    PassReport line;
    line.pass = progress.passes;
    line.elbo = progress.pass_elbo + topics.beta_term(model.eta);
    line.mean_estep_iterations = progress.pass_iterations / static_cast<double>(source.n_docs());
    progress.next_doc = 0;
    progress.pass_elbo = 0;
    progress.pass_iterations = 0;
    publish(line);
    lambda = LazyLambda(model.lambda);
  }

  // The fold-in pass: every document from the neutral start into the final topics; exact ELBO.
  model.lambda = lambda.materialize();
  safe_point(/*mid_pass=*/false);
  if (online.fold_in) {
    const LazyLambda final_topics(model.lambda);
    const TopicExpectations all = topic_expectations(model.lambda, n_threads);
    source.rewind();
    double elbo = 0, iterations = 0;
    arma::mat gamma;
    std::size_t batch_first = 0, batch_docs_count = 0;
    while (next_batch_part(source, batch_first, online.batch_size, comm, batch, batch_docs_count)) {
      localizer.localize(batch, local);
      const TopicExpectations topics = topic_expectations_of_columns(
          final_topics.columns(local.words), final_topics.row_sums(), n_threads);
      batch_estep(local, topics, model.alpha, options.estep, n_threads, &gamma, result);
      double terms[2] = {result.elbo, result.iterations};
      comm.sum(terms, 2);
      elbo += terms[0];
      iterations += terms[1];
      if (comm.size() > 1) {
        // Rank 0 receives every rank's gamma of the batch, in document order.
        const std::vector<double> gathered =
            comm.gather(std::vector<double>(gamma.begin(), gamma.end()), 0);
        local.docs.clear(batch_first);
        local.docs.offsets.assign(batch_docs_count + 1, 0);  // only first and n_docs() are told
        if (comm.is_root()) {
          gamma = arma::mat(gathered.data(), model.n_topics(), batch_docs_count);
        }
      }
      if (callbacks.on_gamma && comm.is_root()) callbacks.on_gamma(local.docs, gamma);
      batch_first += batch_docs_count;
      hooks.work.progress(batch_first, source.n_docs());
    }
    PassReport line;
    line.pass = progress.passes;
    line.elbo = elbo + all.beta_term(model.eta);
    line.mean_estep_iterations = iterations / static_cast<double>(source.n_docs());
    line.fold_in = true;
    publish(line);
  }
  progress.seconds = seconds();
  report.passes = progress.passes;
  report.converged = false;
  report.trace = progress.trace;
  report.final_elbo = progress.trace.empty() ? 0.0 : progress.trace.back().elbo;
  report.seconds = progress.seconds;
  return report;
}

}  // namespace tmkit
