// Variational LDA from Python: fit (batch or online), one online update (partial_fit), folding
// documents in (transform, score), document-completion perplexity, model directories.
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "tmkit/corpus/corpus.hpp"
#include "tmkit/corpus/corpus_stream.hpp"
#include "tmkit/lda/completion.hpp"
#include "tmkit/lda/inference.hpp"
#include "tmkit/lda/lda.hpp"
#include "tmkit/lda/lda_online.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit::python {

Corpus CsrCorpus::view() const {
  if (indptr.ndim() != 1 || indptr.shape(0) < 1 || indices.ndim() != 1 || data.ndim() != 1 ||
      indices.shape(0) != data.shape(0)) {
    throw UsageError("the CSR arrays disagree in shape");
  }
  const auto n_docs = static_cast<std::size_t>(indptr.shape(0) - 1);
  for (std::size_t d = 0; d <= n_docs; ++d) {
    if (indptr.data()[d] < 0) throw UsageError("a CSR row pointer is negative");
  }
  const auto* offsets = reinterpret_cast<const std::size_t*>(indptr.data());
  if (offsets[n_docs] != static_cast<std::size_t>(indices.shape(0))) {
    throw UsageError("the CSR row pointers end at " + std::to_string(offsets[n_docs]) +
                     " but there are " + std::to_string(indices.shape(0)) + " entries");
  }
  // A negative column index reads as a word id beyond V, which Corpus::view refuses.
  return Corpus::view(std::vector<std::string>(n_features), offsets, n_docs,
                      reinterpret_cast<const WordId*>(indices.data()), data.data());
}

namespace {

CsrCorpus csr(const py::array_t<std::int64_t, py::array::c_style>& indptr,
              const py::array_t<std::int32_t, py::array::c_style>& indices,
              const py::array_t<double, py::array::c_style>& data, std::size_t n_features) {
  return CsrCorpus{indptr, indices, data, n_features};
}

FitOptions fit_options(const py::dict& o) {
  FitOptions options;
  options.n_topics = o["n_topics"].cast<std::size_t>();
  options.alpha = AlphaOption::parse(o["alpha"].cast<std::string>());
  options.eta = EtaOption::parse(o["eta"].cast<std::string>());
  options.max_passes = o["max_passes"].cast<std::size_t>();
  options.stop = parse_stop_rule(o["stop"].cast<std::string>());
  options.tol = o["tol"].cast<double>();
  options.estep.tol = o["estep_tol"].cast<double>();
  options.estep.max_iter = o["estep_max_iter"].cast<std::size_t>();
  options.init = parse_init_method(o["init"].cast<std::string>());
  options.max_moves = o["max_moves"].cast<std::size_t>();
  options.warmup_passes = o["warmup_passes"].cast<std::size_t>();
  options.seed = o["seed"].cast<std::uint64_t>();
  options.n_threads = o["n_threads"].cast<int>();
  return options;
}

OnlineOptions online_options(const py::dict& o) {
  OnlineOptions online;
  online.batch_size = o["batch_size"].cast<std::size_t>();
  online.tau0 = o["tau0"].cast<double>();
  online.kappa = o["kappa"].cast<double>();
  validate_online_options(online);
  return online;
}

py::list trace_rows(const std::vector<PassReport>& trace) {
  py::list rows;
  for (const PassReport& line : trace) {
    rows.append(py::make_tuple(line.pass, line.elbo, line.seconds, line.after_move, line.join,
                               line.fold_in, line.heldout_perplexity));
  }
  return rows;
}

LdaModel model_of(const FArray& lambda, const CArray& alpha, double eta) {
  LdaModel model;
  model.lambda = arma::mat(lambda.data(), static_cast<arma::uword>(lambda.shape(0)),
                           static_cast<arma::uword>(lambda.shape(1)));
  model.alpha = arma::vec(alpha.data(), static_cast<arma::uword>(alpha.size()));
  model.eta = eta;
  if (lambda.ndim() != 2 || model.alpha.n_elem != model.lambda.n_rows) {
    throw UsageError("the topics and alpha disagree in shape");
  }
  return model;
}

// The batch or online fit of the documents; gamma (D x K) covers every document.
py::dict fit(const CsrCorpus& x, const py::dict& options) {
  const Corpus corpus = x.view();
  const FitOptions fit = fit_options(options);
  const bool online = options["algorithm"].cast<std::string>() == "online";
  const OnlineOptions schedule = online ? online_options(options) : OnlineOptions{};
  validate_fit_options(corpus, fit);
  Released released;
  LdaModel model;
  FitReport report;
  released.run([&] {
    FitCallbacks callbacks;
    callbacks.work = released.hooks();
    if (!online) {
      model = initialize_model(corpus, fit);
      report = fit_batch(corpus, fit, model, callbacks);
      return;
    }
    CorpusSource source(corpus);
    model = initialize_online_model(source, fit);
    OnlineProgress progress;
    OnlineCallbacks online_callbacks;
    online_callbacks.fit = callbacks;
    model.gamma.set_size(fit.n_topics, corpus.n_docs());
    online_callbacks.on_gamma = [&](const DocumentBatch& batch, const arma::mat& gamma) {
      model.gamma.cols(batch.first, batch.first + batch.n_docs() - 1) = gamma;
    };
    report = fit_online(source, fit, schedule, model, progress, online_callbacks);
  });
  py::dict out;
  out["n_tokens"] = corpus.n_tokens();
  out["lambda"] = to_numpy(std::move(model.lambda));
  out["gamma"] = to_numpy_transposed(std::move(model.gamma));
  out["alpha"] = to_numpy(std::move(model.alpha));
  out["eta"] = model.eta;
  out["passes"] = report.passes;
  out["converged"] = report.converged;
  out["final_elbo"] = report.final_elbo;
  out["seconds"] = report.seconds;
  out["stop"] = online ? std::string("online: every pass ran") : stop_summary(report, fit);
  out["trace"] = trace_rows(report.trace);
  return out;
}

// One pass of online updates over the documents given, continuing from `lambda` after `updates`
// mini-batches, the statistics scaled to `total_docs` (scikit-learn's partial_fit).
py::dict online_update(const CsrCorpus& x, const py::object& lambda, const py::object& alpha,
                       double eta, std::size_t updates, double total_docs,
                       const py::dict& options) {
  const Corpus corpus = x.view();
  FitOptions fit = fit_options(options);
  fit.max_passes = 1;
  OnlineOptions schedule = online_options(options);
  schedule.total_docs = total_docs;
  schedule.fold_in = false;
  validate_fit_options(corpus, fit);
  LdaModel model;
  if (!lambda.is_none()) model = model_of(lambda.cast<FArray>(), alpha.cast<CArray>(), eta);
  Released released;
  OnlineProgress progress;
  progress.updates = updates;
  released.run([&] {
    CorpusSource source(corpus);
    if (lambda.is_none()) model = initialize_online_model(source, fit);
    OnlineCallbacks callbacks;
    callbacks.fit.work = released.hooks();
    fit_online(source, fit, schedule, model, progress, callbacks);
  });
  py::dict out;
  out["lambda"] = to_numpy(std::move(model.lambda));
  out["alpha"] = to_numpy(std::move(model.alpha));
  out["eta"] = model.eta;
  out["updates"] = progress.updates;
  return out;
}

// Each document folded into the topics: gamma (D x K) and the ELBO of the documents under them
// plus the topics' own term (scikit-learn's score).
py::tuple infer(const CsrCorpus& x, const FArray& lambda, const CArray& alpha, double eta,
                double estep_tol, std::size_t estep_max_iter, int n_threads) {
  const Corpus corpus = x.view();
  const LdaModel model = model_of(lambda, alpha, eta);
  if (corpus.n_words() != model.n_words()) {
    throw UsageError("X has " + std::to_string(corpus.n_words()) +
                     " features, but the model was fitted with " + std::to_string(model.n_words()) +
                     " features");
  }
  EstepOptions estep;
  estep.tol = estep_tol;
  estep.max_iter = estep_max_iter;
  Released released;
  double documents = 0, topics_term = 0;
  arma::mat gamma = released.run([&] {
    const TopicExpectations topics = topic_expectations(model.lambda, n_threads);
    Inference inference =
        infer_documents(corpus, topics, model.alpha, estep, n_threads, released.hooks());
    documents = arma::accu(inference.elbo);
    topics_term = topics.beta_term(eta);
    return std::move(inference.gamma);
  });
  return py::make_tuple(to_numpy_transposed(std::move(gamma)), documents, topics_term);
}

// Held-out perplexity by document completion (completion.hpp): each document's tokens split in
// halves at random by `seed`; the first half folded in, the second scored.
py::dict completion(const CsrCorpus& x, const FArray& lambda, const CArray& alpha, double eta,
                    std::uint64_t seed, int n_threads) {
  const Corpus corpus = x.view();
  const LdaModel model = model_of(lambda, alpha, eta);
  Released released;
  const CompletionScore score = released.run([&] {
    const CompletionSplit split = split_documents(corpus, seed);
    const Inference observed =
        infer_documents(split.observed, model, EstepOptions{}, n_threads, released.hooks());
    return score_heldout(topic_word_distributions(model), observed.gamma, split.heldout, n_threads);
  });
  py::dict out;
  out["perplexity"] = score.perplexity();
  out["log_likelihood"] = score.log_likelihood;
  out["n_tokens"] = score.n_tokens;
  out["n_documents"] = score.n_documents;
  return out;
}

py::dict load(const std::string& dir) {
  SavedModel saved = load_model(dir);
  py::dict out;
  out["lambda"] = to_numpy(std::move(saved.model.lambda));
  out["gamma"] = to_numpy_transposed(std::move(saved.model.gamma));
  out["alpha"] = to_numpy(std::move(saved.model.alpha));
  out["eta"] = saved.model.eta;
  out["vocab"] = saved.vocab;
  out["doc_ids"] = saved.doc_ids;
  out["options_json"] = saved.options_json;
  out["algorithm"] = saved.algorithm;
  out["seed"] = saved.seed;
  out["passes"] = saved.passes;
  out["converged"] = saved.converged;
  out["final_elbo"] = saved.final_elbo;
  out["n_tokens"] = saved.corpus.n_tokens;
  return out;
}

void save(const std::string& dir, const FArray& lambda, const CArray& gamma, const CArray& alpha,
          double eta, const std::vector<std::string>& vocab, const py::dict& options,
          const py::dict& fit, const std::vector<double>& term_frequency) {
  SavedModel saved;
  saved.model = model_of(lambda, alpha, eta);
  if (gamma.ndim() != 2 || static_cast<std::size_t>(gamma.shape(1)) != saved.model.n_topics()) {
    throw UsageError("gamma must hold one row of K values per training document");
  }
  // gamma arrives as D x K rows: the K x D columns of the model directory.
  saved.model.gamma = columns_of_rows(gamma, "gamma");
  if (vocab.size() != saved.model.n_words()) {
    throw UsageError("the vocabulary has " + std::to_string(vocab.size()) +
                     " words; the model has " + std::to_string(saved.model.n_words()));
  }
  saved.vocab = vocab;
  saved.doc_ids.assign(saved.model.n_docs(), "");
  saved.labels.assign(saved.model.n_docs(), "");
  const FitOptions fit_opts = fit_options(options);
  saved.algorithm = options["algorithm"].cast<std::string>();
  saved.options_json = options_to_json(fit_opts);
  saved.seed = fit_opts.seed;
  saved.passes = fit["passes"].cast<std::size_t>();
  saved.converged = fit["converged"].cast<bool>();
  saved.final_elbo = fit["final_elbo"].cast<double>();
  saved.corpus.format = "python";
  saved.corpus.n_tokens = static_cast<std::uint64_t>(fit["n_tokens"].cast<double>());
  saved.term_frequency = arma::vec(term_frequency);
  std::vector<TopicSummary> topics = summarize_topics(saved.model, 10);
  save_model(dir, saved, {}, format_topics(topics, vocab));
}

}  // namespace

void bind_lda(py::module_& m) {
  py::class_<CsrCorpus>(m, "CsrCorpus",
                        "A CSR matrix of counts read in place (see tmkit._lda.as_corpus)")
      .def_readonly("indptr", &CsrCorpus::indptr)
      .def_readonly("indices", &CsrCorpus::indices)
      .def_readonly("data", &CsrCorpus::data)
      .def("shares_memory_with_arrays", [](const CsrCorpus& x) {
        // The corpus the library reads is the arrays themselves, not a copy.
        const Corpus corpus = x.view();
        const DocView first = corpus.n_nonzeros() ? corpus.doc(0) : DocView{};
        return corpus.is_view() && (corpus.n_nonzeros() == 0 ||
                                    (static_cast<const void*>(first.counts) == x.data.data() &&
                                     static_cast<const void*>(first.ids) == x.indices.data()));
      });
  m.def("csr_corpus", &csr, py::arg("indptr"), py::arg("indices"), py::arg("data"),
        py::arg("n_features"), py::keep_alive<0, 1>(), py::keep_alive<0, 2>(),
        py::keep_alive<0, 3>());
  m.def("fit", &fit, py::arg("X"), py::arg("options"));
  m.def("online_update", &online_update, py::arg("X"), py::arg("lambda_"), py::arg("alpha"),
        py::arg("eta"), py::arg("updates"), py::arg("total_docs"), py::arg("options"));
  m.def("infer", &infer, py::arg("X"), py::arg("lambda_"), py::arg("alpha"), py::arg("eta"),
        py::arg("estep_tol"), py::arg("estep_max_iter"), py::arg("n_threads"));
  m.def("completion", &completion, py::arg("X"), py::arg("lambda_"), py::arg("alpha"),
        py::arg("eta"), py::arg("seed"), py::arg("n_threads"));
  m.def("load_model", &load, py::arg("path"));
  m.def("save_model", &save, py::arg("path"), py::arg("lambda_"), py::arg("gamma"),
        py::arg("alpha"), py::arg("eta"), py::arg("vocab"), py::arg("options"), py::arg("fit"),
        py::arg("term_frequency"));
}

}  // namespace tmkit::python
