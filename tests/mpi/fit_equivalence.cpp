// Run under `mpirun -np P`: the batch fit spread over P ranks (each holding only its own blocks of
// documents, read from a .tmc by range) equals the one-process fit of the whole corpus to 1e-9
// relative in lambda, alpha, eta, every ELBO of the trace and gamma (relative to each document's
// sum of gamma, the precision of E[theta]), with merge-split moves, SPA
// seeding and learned priors. Rank 0 computes the one-process fit itself and compares; exit 0 when
// everything matches, 1 otherwise (with the largest differences).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "support/test_support.hpp"
#include "tmkit/core/communicator.hpp"
#include "tmkit/core/mpi_world.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/corpus/tmc.hpp"
#include "tmkit/lda/lda.hpp"

namespace {

constexpr double kTolerance = 1e-9;

// Largest |a - b| / |b| over the entries (|b| floored at 1e-300).
double max_relative(const double* a, const double* b, std::size_t n) {
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    worst = std::max(worst, std::fabs(a[i] - b[i]) / std::max(std::fabs(b[i]), 1e-300));
  }
  return worst;
}

struct Config {
  const char* name;
  const char* alpha;
  const char* eta;
};

bool check(tmkit::Communicator& comm, const std::string& tmc_path, const Config& config) {
  tmkit::FitOptions options;
  options.n_topics = 8;
  options.alpha = tmkit::AlphaOption::parse(config.alpha);
  options.eta = tmkit::EtaOption::parse(config.eta);
  options.max_passes = 60;
  options.tol = 1e-4;  // converge early, so that the passes left go to merge-split moves
  options.max_moves = 4;
  options.seed = 5;
  options.n_threads = 1;
  tmkit::TmcFile file(tmc_path);
  const tmkit::DocumentRange range =
      tmkit::rank_documents(file.n_docs(), tmkit::kFitBlockDocs, comm.rank(), comm.size());
  const tmkit::Corpus shard_corpus = file.read(range.first, range.last);
  const tmkit::Shard shard{&comm, range.first};
  tmkit::LdaModel model = tmkit::initialize_model(shard_corpus, options, shard);
  const tmkit::FitReport report = tmkit::fit_batch(shard_corpus, options, model, {}, shard);
  const std::vector<double> local_gamma(model.gamma.begin(), model.gamma.end());
  const std::vector<double> gamma = comm.gather(local_gamma, 0);
  if (!comm.is_root()) return true;

  const tmkit::Corpus whole = file.read_all();
  tmkit::LdaModel one = tmkit::initialize_model(whole, options);
  const tmkit::FitReport one_report = tmkit::fit_batch(whole, options, one);
  std::size_t kept = 0;
  for (const auto& move : one_report.moves) kept += move.accepted;
  bool ok = report.trace.size() == one_report.trace.size() &&
            report.moves.size() == one_report.moves.size();
  std::vector<double> elbo, one_elbo;
  for (const auto& line : report.trace) elbo.push_back(line.elbo);
  for (const auto& line : one_report.trace) one_elbo.push_back(line.elbo);
  const std::size_t lines = std::min(elbo.size(), one_elbo.size());
  const double d_lambda =
      max_relative(model.lambda.memptr(), one.lambda.memptr(), one.lambda.n_elem);
  const double d_alpha = max_relative(model.alpha.memptr(), one.alpha.memptr(), one.alpha.n_elem);
  const double d_eta = max_relative(&model.eta, &one.eta, 1);
  // gamma relative to each document's total (sum_k gamma_dk): the precision of E[theta_d]. Entries
  // near alpha carry the rounding of every other entry, so entry by entry they can differ by more.
  double d_gamma = gamma.size() == one.gamma.n_elem ? 0.0 : HUGE_VAL;
  for (std::size_t d = 0; d_gamma < HUGE_VAL && d < one.gamma.n_cols; ++d) {
    const double total = arma::accu(one.gamma.col(d));
    for (std::size_t k = 0; k < one.gamma.n_rows; ++k) {
      d_gamma =
          std::max(d_gamma, std::fabs(gamma[d * one.gamma.n_rows + k] - one.gamma(k, d)) / total);
    }
  }
  const double d_elbo = max_relative(elbo.data(), one_elbo.data(), lines);
  ok = ok && d_lambda <= kTolerance && d_alpha <= kTolerance && d_eta <= kTolerance &&
       d_gamma <= kTolerance && d_elbo <= kTolerance;
  std::printf(
      "%s: %d ranks, %zu passes (one process %zu), %zu moves tried (%zu kept); largest relative "
      "difference: lambda %.2e, gamma (of its document's sum) %.2e, alpha %.2e, eta %.2e, ELBO "
      "trace %.2e -> %s\n",
      config.name, comm.size(), report.passes, one_report.passes, one_report.moves.size(), kept,
      d_lambda, d_gamma, d_alpha, d_eta, d_elbo, ok ? "ok" : "FAIL");
  if (one_report.moves.empty()) {
    std::printf("%s: no merge-split move was tried; the check does not cover them -> FAIL\n",
                config.name);
    ok = false;
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  tmkit::Communicator& comm = tmkit::mpi_world(argc, argv);
  try {
    // Rank 0 writes the corpus as .tmc; every rank then maps it and reads its own range.
    const std::string tmc_path = argc > 1 ? argv[1] : "fit_equivalence.tmc";
    if (comm.is_root()) {
      tmkit::write_tmc(tmkit::read_corpus(tmkit::test::source_path("corpora/kjv/docword.kjv.txt")),
                       tmc_path);
    }
    comm.any(false);  // a barrier: the file is complete before anyone opens it
    bool ok = true;
    for (const Config& config :
         {Config{"fixed priors", "0.1", "0.05"}, Config{"learned priors", "auto", "auto"}}) {
      ok = check(comm, tmc_path, config) && ok;
    }
    ok = !comm.any(!ok);
    if (comm.is_root()) std::remove(tmc_path.c_str());
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: %s\n", comm.rank(), e.what());
    tmkit::abort_world(1);
    return 1;
  }
}
