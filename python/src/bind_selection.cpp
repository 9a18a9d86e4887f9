// Model selection over numpy arrays: PSIS-LOO of a pointwise log-likelihood matrix (with R loo's
// names), information criteria, and the grid of candidate fits tm-select runs.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/selection/information_criteria.hpp"
#include "tmkit/selection/psis_loo.hpp"
#include "tmkit/selection/selection.hpp"

namespace tmkit::python {

namespace {

py::dict loo_dict(LooResult loo) {
  py::dict out;
  out["elpd_loo"] = loo.elpd_loo.value;
  out["se_elpd_loo"] = loo.elpd_loo.se;
  out["p_loo"] = loo.p_loo.value;
  out["se_p_loo"] = loo.p_loo.se;
  out["looic"] = loo.looic.value;
  out["se_looic"] = loo.looic.se;
  out["n_draws"] = loo.n_draws;
  out["pointwise_elpd_loo"] = to_numpy(std::move(loo.pointwise_elpd_loo));
  out["pointwise_p_loo"] = to_numpy(std::move(loo.pointwise_p_loo));
  out["pointwise_looic"] = to_numpy(std::move(loo.pointwise_looic));
  out["lpd"] = to_numpy(std::move(loo.lpd));
  out["pareto_k"] = to_numpy(std::move(loo.pareto_k));
  return out;
}

// log_lik: S x N (draws x observations), as R's loo takes it. A Fortran-ordered array is read in
// place; a C-ordered one is converted once.
py::dict loo(const FArray& log_lik, int n_threads) {
  const arma::mat matrix = matrix_view(log_lik, "log_lik");
  check_pointwise(matrix, "log_lik");
  Released released;
  return loo_dict(released.run([&] { return psis_loo(matrix, n_threads); }));
}

py::dict criteria(double log_likelihood, double n_parameters, double n_observations) {
  const InformationCriteria c = information_criteria(log_likelihood, n_parameters, n_observations);
  py::dict out;
  out["log_likelihood"] = c.log_likelihood;
  out["n_parameters"] = c.n_parameters;
  out["n_observations"] = c.n_observations;
  out["aic"] = c.aic;
  out["aicc"] = c.aicc;
  out["bic"] = c.bic;
  out["hqic"] = c.hqic;
  return out;
}

std::vector<AlphaOption> alphas_of(const std::vector<std::string>& texts) {
  std::vector<AlphaOption> out;
  for (const auto& text : texts) out.push_back(AlphaOption::parse(text));
  return out;
}

std::vector<EtaOption> etas_of(const std::vector<std::string>& texts) {
  std::vector<EtaOption> out;
  for (const auto& text : texts) out.push_back(EtaOption::parse(text));
  return out;
}

// The candidates of the grid fitted and scored as tm-select does, one dict per candidate.
py::dict select(const CsrCorpus& x, const std::vector<std::size_t>& topics,
                const std::vector<std::string>& alphas, const std::vector<std::string>& etas,
                const std::vector<std::uint64_t>& seeds, double heldout_fraction,
                std::size_t n_draws, std::size_t draw_iterations, std::size_t kfold,
                std::size_t max_passes, std::uint64_t split_seed, int n_threads) {
  const std::vector<Candidate> grid =
      candidate_grid(topics, alphas_of(alphas), etas_of(etas), seeds);
  const Corpus corpus = x.view();
  SelectionOptions options;
  options.heldout_fraction = heldout_fraction;
  options.n_draws = n_draws;
  options.draw_iterations = draw_iterations;
  options.kfold = kfold;
  options.split_seed = split_seed;
  options.fit.max_passes = max_passes;
  options.n_threads = n_threads;
  options.fit.n_threads = n_threads;
  validate_selection(corpus, grid, options);
  Released released;
  SelectionHooks hooks;
  hooks.work = released.hooks();
  SelectionReport report =
      released.run([&] { return select_models(corpus, grid, options, hooks); });
  py::list rows;
  for (CandidateResult& result : report.candidates) {
    py::dict row;
    row["label"] = result.candidate.label();
    row["n_components"] = result.candidate.n_topics;
    row["alpha"] = result.candidate.alpha.to_string();
    row["eta"] = result.candidate.eta.to_string();
    row["seed"] = result.candidate.seed;
    for (const Criterion& criterion : selection_criteria()) {
      row[criterion.name.c_str()] = criterion.value(result);
    }
    row["converged"] = result.converged;
    row["passes"] = result.passes;
    row["loo"] = loo_dict(std::move(result.loo));
    row["fit_seconds"] = result.fit_seconds;
    row["loo_seconds"] = result.loo_seconds;
    rows.append(row);
  }
  py::dict out;
  out["candidates"] = rows;
  out["choice"] = report.choice;
  out["unreliable_choices"] = report.unreliable_choices;
  out["n_training_docs"] = report.n_training_docs;
  out["n_heldout_docs"] = report.n_heldout_docs;
  out["seconds"] = report.seconds;
  return out;
}

}  // namespace

void bind_selection(py::module_& m) {
  m.def("psis_loo", &loo, py::arg("log_lik"), py::arg("n_threads"));
  m.def("information_criteria", &criteria, py::arg("log_likelihood"), py::arg("n_parameters"),
        py::arg("n_observations"));
  m.def("select_models", &select, py::arg("corpus"), py::arg("topics"), py::arg("alphas"),
        py::arg("etas"), py::arg("seeds"), py::arg("heldout_fraction"), py::arg("n_draws"),
        py::arg("draw_iterations"), py::arg("kfold"), py::arg("max_passes"), py::arg("split_seed"),
        py::arg("n_threads"));
}

}  // namespace tmkit::python
