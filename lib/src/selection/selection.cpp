#include "tmkit/selection/selection.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

#include "detail/blocks.hpp"
#include "detail/pointwise.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/random.hpp"
#include "tmkit/divergence/topic_matching.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Random stream of the split seed that orders the training documents into folds.
constexpr std::uint64_t kFoldStream = 0x6b666f6c64ULL;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// One unit of parallel work: a candidate's fit and scoring (fold < 0) or one of its fold refits.
struct Job {
  std::size_t candidate = 0;
  long fold = -1;
};

FitOptions fit_options_of(const SelectionOptions& options, const Candidate& c, int threads) {
  FitOptions fit = options.fit;
  fit.n_topics = c.n_topics;
  fit.alpha = c.alpha;
  fit.eta = c.eta;
  fit.seed = c.seed;
  fit.n_threads = threads;
  return fit;
}

struct Fitted {
  LdaModel model;
  FitReport report;
};

Fitted fit_candidate(const Corpus& corpus, const FitOptions& fit, const SelectionHooks& hooks) {
  Fitted out;
  out.model = initialize_model(corpus, fit);
  FitCallbacks callbacks;
  callbacks.work.stop_requested = hooks.work.stop_requested;
  out.report = fit_batch(corpus, fit, out.model, callbacks);
  return out;
}

std::string number(double v, int precision = 4) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
  return buffer;
}

}  // namespace

std::string Candidate::label() const {
  std::string out = "k" + std::to_string(n_topics);
  if (alpha.kind != AlphaOption::Kind::symmetric || alpha.value > 0) {
    out += "-alpha" + alpha.to_string();
  }
  if (eta.learn || eta.value > 0) out += "-eta" + eta.to_string();
  if (seed != 1) out += "-seed" + std::to_string(seed);
  return out;
}

std::vector<Candidate> candidate_grid(const std::vector<std::size_t>& topics,
                                      const std::vector<AlphaOption>& alphas,
                                      const std::vector<EtaOption>& etas,
                                      const std::vector<std::uint64_t>& seeds) {
  if (topics.empty() || alphas.empty() || etas.empty() || seeds.empty()) {
    throw UsageError(
        "the grid of candidates is empty; expected at least one K, alpha, eta and "
        "seed");
  }
  std::vector<Candidate> grid;
  for (const std::size_t k : topics) {
    for (const AlphaOption& alpha : alphas) {
      for (const EtaOption& eta : etas) {
        for (const std::uint64_t seed : seeds) grid.push_back({k, alpha, eta, seed});
      }
    }
  }
  return grid;
}

double count_parameters(const Candidate& candidate, std::size_t n_words) {
  const double k = static_cast<double>(candidate.n_topics);
  double count = k * (static_cast<double>(n_words) - 1);
  if (candidate.alpha.kind == AlphaOption::Kind::learn) count += k;
  if (candidate.alpha.kind == AlphaOption::Kind::learn_symmetric) count += 1;
  return count;
}

const std::vector<Criterion>& selection_criteria() {
  static const std::vector<Criterion> criteria = {
      {"elbo", true, [](const CandidateResult& r) { return r.elbo; }},
      {"heldout_perplexity", false, [](const CandidateResult& r) { return r.heldout_perplexity; }},
      {"aic", false, [](const CandidateResult& r) { return r.criteria.aic; }},
      {"aicc", false, [](const CandidateResult& r) { return r.criteria.aicc; }},
      {"bic", false, [](const CandidateResult& r) { return r.criteria.bic; }},
      {"hqic", false, [](const CandidateResult& r) { return r.criteria.hqic; }},
      {"elpd_loo", true, [](const CandidateResult& r) { return r.loo.elpd_loo.value; }},
      {"heldout_elpd", true, [](const CandidateResult& r) { return r.heldout_elpd.value; }},
      {"elpd_kfold", true, [](const CandidateResult& r) { return r.kfold_elpd.value; }},
      {"umass", true, [](const CandidateResult& r) { return r.umass; }},
      {"npmi", true, [](const CandidateResult& r) { return r.npmi; }},
      {"stability_js", false, [](const CandidateResult& r) { return r.stability_js; }},
  };
  return criteria;
}

// PSIS-LOO of a candidate is unreliable when more than kUnreliableShare of its documents have
// Pareto k-hat above kUnreliableParetoK (loo 2.5's threshold for a good estimate).
constexpr double kUnreliableParetoK = 0.7;
constexpr double kUnreliableShare = 0.1;

bool SelectionReport::loo_unreliable() const {
  for (const CandidateResult& r : candidates) {
    if (r.loo.n_observations() > 0 &&
        static_cast<double>(r.loo.count_pareto_k_above(kUnreliableParetoK)) >
            kUnreliableShare * static_cast<double>(r.loo.n_observations())) {
      return true;
    }
  }
  return false;
}

void validate_selection(const Corpus& corpus, const std::vector<Candidate>& grid,
                        const SelectionOptions& options) {
  if (grid.empty()) {
    throw UsageError("the grid of candidates is empty; expected at least one candidate");
  }
  if (corpus.n_docs() == 0 || corpus.n_tokens() == 0) {
    throw UsageError("the corpus holds no words; expected at least one document with words");
  }
  for (const Candidate& c : grid) {
    if (c.n_topics < 1 || c.n_topics > corpus.n_words()) {
      throw UsageError("candidate " + c.label() + ": K = " + std::to_string(c.n_topics) +
                       " topics; expected 1..V = " + std::to_string(corpus.n_words()) +
                       " (the vocabulary size)");
    }
  }
  if (!(options.heldout_fraction > 0 && options.heldout_fraction < 1)) {
    throw OptionError("heldout-fraction", number(options.heldout_fraction) +
                                              "; expected a value strictly between 0 and 1");
  }
  if (options.n_draws < 2) {
    throw OptionError("draws",
                      std::to_string(options.n_draws) +
                          "; expected at least 2 (PSIS-LOO needs several, 100 or more is advised)");
  }
  if (options.kfold == 1) throw OptionError("kfold", "1; expected 0 (none) or at least 2 folds");
  const auto heldout =
      choose_heldout_documents(corpus.n_docs(), options.heldout_fraction, options.split_seed);
  const std::size_t n_training = corpus.n_docs() - heldout.size();
  if (heldout.empty() || n_training < 2) {
    throw OptionError("heldout-fraction", number(options.heldout_fraction) + " leaves " +
                                              std::to_string(heldout.size()) + " held-out and " +
                                              std::to_string(n_training) +
                                              " training documents; expected some of each");
  }
  if (options.kfold > n_training) {
    throw OptionError("kfold", std::to_string(options.kfold) + " folds but only " +
                                   std::to_string(n_training) + " training documents");
  }
}

namespace {

// Every field of a candidate's result that goes from rank to rank, each named once, in the one
// order that both pack_result and unpack_result walk.
template <class Result, class Visit>
void visit_result_fields(Result& r, Visit&& visit) {
  visit("converged", r.converged);
  visit("passes", r.passes);
  visit("elbo", r.elbo);
  visit("heldout_perplexity", r.heldout_perplexity);
  visit("criteria.log_likelihood", r.criteria.log_likelihood);
  visit("criteria.n_parameters", r.criteria.n_parameters);
  visit("criteria.n_observations", r.criteria.n_observations);
  visit("criteria.aic", r.criteria.aic);
  visit("criteria.aicc", r.criteria.aicc);
  visit("criteria.bic", r.criteria.bic);
  visit("criteria.hqic", r.criteria.hqic);
  visit("loo.elpd_loo.value", r.loo.elpd_loo.value);
  visit("loo.elpd_loo.se", r.loo.elpd_loo.se);
  visit("loo.p_loo.value", r.loo.p_loo.value);
  visit("loo.p_loo.se", r.loo.p_loo.se);
  visit("loo.looic.value", r.loo.looic.value);
  visit("loo.looic.se", r.loo.looic.se);
  visit("loo.n_draws", r.loo.n_draws);
  visit("heldout_elpd.value", r.heldout_elpd.value);
  visit("heldout_elpd.se", r.heldout_elpd.se);
  visit("umass", r.umass);
  visit("npmi", r.npmi);
  visit("fit_seconds", r.fit_seconds);
  visit("loo_seconds", r.loo_seconds);
  visit("model.eta", r.model.eta);
  visit("loo.pointwise_elpd_loo", r.loo.pointwise_elpd_loo);
  visit("loo.pointwise_p_loo", r.loo.pointwise_p_loo);
  visit("loo.pointwise_looic", r.loo.pointwise_looic);
  visit("loo.lpd", r.loo.lpd);
  visit("loo.pareto_k", r.loo.pareto_k);
  visit("model.alpha", r.model.alpha);
  visit("pointwise", r.pointwise);
  visit("model.lambda", r.model.lambda);
  visit("model.gamma", r.model.gamma);
}

// A field as doubles: a number as itself, a vector or matrix as its shape and then its entries.
struct Packer {
  std::vector<double>& out;
  void operator()(const char*, double v) { out.push_back(v); }
  void operator()(const char*, std::size_t v) { out.push_back(static_cast<double>(v)); }
  void operator()(const char*, bool v) { out.push_back(v ? 1.0 : 0.0); }
  template <class M>
  void operator()(const char*, const M& m) {
    out.push_back(static_cast<double>(m.n_rows));
    out.push_back(static_cast<double>(m.n_cols));
    out.insert(out.end(), m.begin(), m.end());
  }
};

struct Unpacker {
  const std::vector<double>& in;
  std::size_t& at;
  double next(const char* name) {
    check(name, 1);
    return in[at++];
  }
  // A message from another rank is the one this code packed; a short one is a bug, named.
  void check(const char* name, std::size_t count) const {
    if (at + count > in.size()) {
      throw std::logic_error(std::string("a rank's results end before their field ") + name);
    }
  }
  void operator()(const char* name, double& v) { v = next(name); }
  void operator()(const char* name, std::size_t& v) { v = static_cast<std::size_t>(next(name)); }
  void operator()(const char* name, bool& v) { v = next(name) != 0; }
  template <class M>
  void operator()(const char* name, M& m) {
    const auto rows = static_cast<arma::uword>(next(name));
    const auto cols = static_cast<arma::uword>(next(name));
    check(name, std::size_t(rows) * cols);
    m = M(arma::mat(in.data() + at, rows, cols));
    at += std::size_t(rows) * cols;
  }
};

void pack_result(const CandidateResult& r, std::vector<double>& out) {
  visit_result_fields(r, Packer{out});
}

void unpack_result(const std::vector<double>& in, std::size_t& at, CandidateResult& r) {
  visit_result_fields(r, Unpacker{in, at});
}

}  // namespace

SelectionReport select_models(const Corpus& corpus, const std::vector<Candidate>& grid,
                              const SelectionOptions& options, const SelectionHooks& hooks,
                              Communicator& comm) {
  validate_selection(corpus, grid, options);
  const auto start = std::chrono::steady_clock::now();

  // The shared split: training documents, and held-out ones cut into observed / scored halves.
  const std::vector<std::size_t> heldout_docs =
      choose_heldout_documents(corpus.n_docs(), options.heldout_fraction, options.split_seed);
  std::vector<std::size_t> training_docs;
  for (std::size_t d = 0, h = 0; d < corpus.n_docs(); ++d) {
    if (h < heldout_docs.size() && heldout_docs[h] == d) {
      ++h;
    } else {
      training_docs.push_back(d);
    }
  }
  const Corpus training = corpus.select_documents(training_docs);
  const Corpus heldout = corpus.select_documents(heldout_docs);
  const CompletionSplit completion = split_documents(heldout, options.split_seed);

  // Folds of the training documents for K-fold: a random order cut in turn.
  std::vector<Corpus> fold_train, fold_test;
  std::vector<std::vector<std::size_t>> fold_members;
  if (options.kfold >= 2) {
    std::vector<std::size_t> order(training.n_docs());
    std::iota(order.begin(), order.end(), 0);
    Rng rng = make_rng(options.split_seed, kFoldStream);
    for (std::size_t i = order.size(); i > 1; --i) {
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng() % i)]);
    }
    fold_members.resize(options.kfold);
    for (std::size_t i = 0; i < order.size(); ++i) {
      fold_members[i % options.kfold].push_back(order[i]);
    }
    for (auto& members : fold_members) {
      std::sort(members.begin(), members.end());
      std::vector<std::size_t> rest;
      for (std::size_t d = 0, m = 0; d < training.n_docs(); ++d) {
        if (m < members.size() && members[m] == d) {
          ++m;
        } else {
          rest.push_back(d);
        }
      }
      fold_train.push_back(training.select_documents(rest));
      fold_test.push_back(training.select_documents(members));
    }
  }

  // Jobs, largest K first so that the longest fits start first.
  std::vector<Job> jobs;
  for (std::size_t c = 0; c < grid.size(); ++c) {
    jobs.push_back({c, -1});
    for (std::size_t f = 0; f < options.kfold; ++f) jobs.push_back({c, static_cast<long>(f)});
  }
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    return grid[a.candidate].n_topics > grid[b.candidate].n_topics;
  });
  // Under MPI, rank r runs jobs r, r + P, ...: the largest fits spread over the ranks first.
  std::vector<std::size_t> my_jobs;
  for (std::size_t j = static_cast<std::size_t>(comm.rank()); j < jobs.size();
       j += static_cast<std::size_t>(comm.size())) {
    my_jobs.push_back(j);
  }
  const int threads = resolve_threads(options.n_threads);
  const int outer = static_cast<int>(std::max<std::size_t>(
      1, std::min<std::size_t>(static_cast<std::size_t>(threads), my_jobs.size())));
  const int inner = std::max(1, threads / outer);

  SelectionReport report;
  report.candidates.resize(grid.size());
  std::vector<arma::mat> fold_pointwise(grid.size());  // per candidate: log mean exp per doc
  for (std::size_t c = 0; c < grid.size(); ++c) {
    report.candidates[c].candidate = grid[c];
    report.candidates[c].kfold_elpd = {kNaN, kNaN};
    if (options.kfold >= 2) fold_pointwise[c].zeros(training.n_docs(), 1);
  }
  std::vector<double> fold_seconds(grid.size() * std::max<std::size_t>(options.kfold, 1), 0.0);
  std::mutex report_mutex;
  std::size_t jobs_done = 0;
  PointwiseOptions pointwise;
  pointwise.n_draws = options.n_draws;
  pointwise.seed = options.split_seed;
  pointwise.estep = options.fit.estep;
  pointwise.draw_max_iter = options.draw_iterations;

  for_each_block(BlockPartition{my_jobs.size(), 1}, outer, [&](std::size_t mine) {
    hooks.work.poll();
    const Job job = jobs[my_jobs[mine]];
    const Candidate& candidate = grid[job.candidate];
    const FitOptions fit = fit_options_of(options, candidate, inner);
    const auto job_start = std::chrono::steady_clock::now();
    std::string line;
    if (job.fold < 0) {
      CandidateResult& r = report.candidates[job.candidate];
      Fitted fitted = fit_candidate(training, fit, hooks);
      r.fit_seconds = seconds_since(job_start);
      r.converged = fitted.report.converged;
      r.passes = fitted.report.passes;
      r.elbo = fitted.report.final_elbo;
      r.model = std::move(fitted.model);
      r.heldout_perplexity =
          document_completion(r.model, completion, options.fit.estep, inner).perplexity();
      const auto loo_start = std::chrono::steady_clock::now();
      const DocumentBounds plugin = plugin_bounds(training, r.model, options.fit.estep, inner);
      r.criteria = information_criteria(arma::accu(plugin.log_likelihood),
                                        count_parameters(candidate, corpus.n_words()),
                                        static_cast<double>(training.n_tokens()));
      const WorkHooks work{nullptr, hooks.work.stop_requested};
      // Training and held-out documents scored under the same draws, each drawn once.
      std::vector<arma::mat> ll = pointwise_log_likelihoods(
          {{&training, &plugin}, {&heldout, nullptr}}, r.model, pointwise, inner, work);
      r.loo = psis_loo(ll[0], inner);
      if (options.keep_pointwise) r.pointwise = std::move(ll[0]);
      r.heldout_elpd = sum_with_se(log_mean_exp_columns(ll[1]));
      r.loo_seconds = seconds_since(loo_start);
      std::vector<TopicSummary> topics = summarize_topics(r.model, options.coherence_top);
      compute_coherence(training, topics);
      double umass = 0, npmi = 0;
      std::size_t n_umass = 0, n_npmi = 0;
      for (const TopicSummary& t : topics) {
        if (std::isfinite(t.umass)) umass += t.umass, ++n_umass;
        if (std::isfinite(t.npmi)) npmi += t.npmi, ++n_npmi;
      }
      r.umass = n_umass ? umass / static_cast<double>(n_umass) : kNaN;
      r.npmi = n_npmi ? npmi / static_cast<double>(n_npmi) : kNaN;
      line = candidate.label() + ": fitted in " + number(r.fit_seconds, 3) + " s (" +
             std::to_string(r.passes) + " passes), scored in " + number(r.loo_seconds, 3) +
             " s; held-out perplexity " + number(r.heldout_perplexity, 6) + ", elpd_loo " +
             number(r.loo.elpd_loo.value, 8);
    } else {
      const auto f = static_cast<std::size_t>(job.fold);
      Fitted fitted = fit_candidate(fold_train[f], fit, hooks);
      const arma::vec elpd = log_mean_exp_columns(
          pointwise_log_likelihood(fold_test[f], fitted.model, pointwise, inner));
      for (std::size_t i = 0; i < fold_members[f].size(); ++i) {
        fold_pointwise[job.candidate](fold_members[f][i], 0) = elpd[i];
      }
      fold_seconds[job.candidate * options.kfold + f] = seconds_since(job_start);
      line = candidate.label() + ": fold " + std::to_string(f + 1) + "/" +
             std::to_string(options.kfold) + " refitted and scored in " +
             number(seconds_since(job_start), 3) + " s";
    }
    const std::lock_guard<std::mutex> lock(report_mutex);
    ++jobs_done;
    if (hooks.on_job) hooks.on_job(jobs_done, my_jobs.size(), line);
  });

  if (comm.size() > 1) {
    // Rank 0 collects every job's results; the other ranks are done.
    std::vector<double> packed;
    for (const std::size_t j : my_jobs) {
      const Job& job = jobs[j];
      if (job.fold < 0) {
        pack_result(report.candidates[job.candidate], packed);
      } else {
        const auto f = static_cast<std::size_t>(job.fold);
        for (const std::size_t member : fold_members[f]) {
          packed.push_back(fold_pointwise[job.candidate](member, 0));
        }
        packed.push_back(fold_seconds[job.candidate * options.kfold + f]);
      }
    }
    const std::vector<double> all = comm.gather(packed, 0);
    if (!comm.is_root()) return report;
    // Rank r's jobs come in the order it ran them, one rank after another.
    std::size_t at = 0;
    for (int r = 0; r < comm.size(); ++r) {
      for (std::size_t j = static_cast<std::size_t>(r); j < jobs.size();
           j += static_cast<std::size_t>(comm.size())) {
        const Job& job = jobs[j];
        if (job.fold < 0) {
          unpack_result(all, at, report.candidates[job.candidate]);
        } else {
          const auto f = static_cast<std::size_t>(job.fold);
          for (const std::size_t member : fold_members[f]) {
            fold_pointwise[job.candidate](member, 0) = all[at++];
          }
          fold_seconds[job.candidate * options.kfold + f] = all[at++];
        }
      }
    }
  }

  if (options.kfold >= 2) {
    for (std::size_t c = 0; c < grid.size(); ++c) {
      CandidateResult& r = report.candidates[c];
      r.kfold_elpd = sum_with_se(fold_pointwise[c].col(0));
      for (std::size_t f = 0; f < options.kfold; ++f) {
        r.kfold_seconds += fold_seconds[c * options.kfold + f];
      }
    }
  }

  // Stability: candidates that differ only in the seed, compared topic to topic.
  for (std::size_t a = 0; a < grid.size(); ++a) {
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t b = 0; b < grid.size(); ++b) {
      const Candidate &ca = grid[a], &cb = grid[b];
      if (a == b || ca.n_topics != cb.n_topics || ca.alpha.to_string() != cb.alpha.to_string() ||
          ca.eta.to_string() != cb.eta.to_string()) {
        continue;
      }
      sum += compare_topics(report.candidates[a].model, report.candidates[b].model, {},
                            options.n_threads)
                 .mean_matched;
      ++n;
    }
    report.candidates[a].stability_js = n ? sum / static_cast<double>(n) : kNaN;
  }

  // The choice of each criterion: its best finite value, the first candidate on ties.
  for (const Criterion& criterion : selection_criteria()) {
    std::size_t best = grid.size();
    for (std::size_t c = 0; c < grid.size(); ++c) {
      const double v = criterion.value(report.candidates[c]);
      if (!std::isfinite(v)) continue;
      const double current = best < grid.size() ? criterion.value(report.candidates[best]) : kNaN;
      if (best == grid.size() || (criterion.larger_is_better ? v > current : v < current)) {
        best = c;
      }
    }
    if (best < grid.size()) report.choice[criterion.name] = best;
  }
  const auto loo_choice = report.choice.find("elpd_loo");
  if (loo_choice != report.choice.end()) {
    const LooResult& loo = report.candidates[loo_choice->second].loo;
    if (static_cast<double>(loo.count_pareto_k_above(kUnreliableParetoK)) >
        kUnreliableShare * static_cast<double>(loo.n_observations())) {
      report.unreliable_choices.push_back("elpd_loo");
    }
  }

  std::vector<const LooResult*> loos;
  for (const CandidateResult& r : report.candidates) loos.push_back(&r.loo);
  report.loo_comparison = compare_loo(loos);
  report.n_training_docs = training.n_docs();
  report.n_heldout_docs = heldout.n_docs();
  report.n_training_tokens = static_cast<std::uint64_t>(training.n_tokens());
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace tmkit
