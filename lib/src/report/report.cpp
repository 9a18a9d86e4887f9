#include "tmkit/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "tmkit/core/error.hpp"
#include "tmkit/corpus/corpus_io.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/divergence/row_set.hpp"
#include "tmkit/divergence/topic_drift.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/output_guard.hpp"
#include "tmkit/lda/model_dir.hpp"
#include "tmkit/report/mds.hpp"
#include "tmkit/topics/topics.hpp"

namespace tmkit {

namespace {

// The slider's grid: lambda = step / kGridSteps.
constexpr int kGridSteps = 100;

// The top `n` of `words` by relevance at `lambda`, ties to the smaller word id.
std::vector<WordId> top_by_relevance(std::vector<WordId> words, const double* log_phi_of_word,
                                     const std::vector<double>& log_marginal, double lambda,
                                     std::size_t n) {
  n = std::min(n, words.size());
  const auto better = [&](WordId a, WordId b) {
    const double ra = relevance(lambda, log_phi_of_word[a], log_marginal[a]);
    const double rb = relevance(lambda, log_phi_of_word[b], log_marginal[b]);
    return ra != rb ? ra > rb : a < b;
  };
  std::partial_sort(words.begin(), words.begin() + static_cast<long>(n), words.end(), better);
  words.resize(n);
  return words;
}

// The words that can be among the top `n` by relevance at some lambda in [0, 1]. Relevance is
// log phi_w - c log p(w) with c = 1 - lambda >= 0, so a word with at least n others of strictly
// higher log phi and strictly lower log p(w) is beaten by all of them at every lambda. The
// others (a few times n on real topics) are swept in order of log phi with the n smallest log p(w)
// seen so far in a heap: O(V log V) instead of ranking all V words at every slider position.
std::vector<WordId> possible_top_words(const std::vector<double>& log_phi,
                                       const std::vector<double>& log_marginal, std::size_t n) {
  std::vector<WordId> order(log_phi.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](WordId a, WordId b) {
    return log_phi[a] != log_phi[b] ? log_phi[a] > log_phi[b] : a < b;
  });
  std::vector<double> smallest;  // max-heap of the n smallest log p(w) of strictly higher log phi
  std::vector<WordId> possible;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t group_end = i;  // words of equal log phi: none beats another strictly
    while (group_end < order.size() && log_phi[order[group_end]] == log_phi[order[i]]) ++group_end;
    for (std::size_t j = i; j < group_end; ++j) {
      const WordId w = order[j];
      if (smallest.size() < n || !(smallest.front() < log_marginal[w])) possible.push_back(w);
    }
    for (std::size_t j = i; j < group_end; ++j) {
      const double m = log_marginal[order[j]];
      if (smallest.size() < n) {
        smallest.push_back(m);
        std::push_heap(smallest.begin(), smallest.end());
      } else if (m < smallest.front()) {
        std::pop_heap(smallest.begin(), smallest.end());
        smallest.back() = m;
        std::push_heap(smallest.begin(), smallest.end());
      }
    }
    i = group_end;
  }
  std::sort(possible.begin(), possible.end());
  return possible;
}

// The file `name` of an optional output directory of `app`, refused when the directory is not
// that app's output.
std::string read_output_file(const std::string& dir, const std::string& option,
                             const std::string& manifest, const std::string& app,
                             const std::string& name) {
  const OutputTarget target{option, dir, true, manifest, app};
  if (!holds_previous_output(dir, target)) {
    throw InputError(dir, "is not an output directory of " + app + " (no " + manifest +
                              " written by it); expected what " + option + " names");
  }
  return read_file(dir + "/" + name);
}

// The first `max_bytes` of `text` (cut at a character boundary), its runs of white space made one
// space, with "…" when cut.
std::string snippet_of(const std::string& text, std::size_t max_bytes) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= max_bytes) break;
  }
  if (out.size() < max_bytes) return out;
  // Drop a character the cut split: its continuation bytes, then its lead byte.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  return out + "\u2026";
}

// Snippets of the listed documents from the raw text the model was fitted on, when it is still
// there; none when it is not (a report needs no corpus).
std::map<std::size_t, std::string> text_snippets(const SavedModel& saved,
                                                 const std::vector<ReportTopic>& topics) {
  std::map<std::size_t, std::string> snippets;
  std::error_code ec;
  if (!saved.corpus.has_text_options || !std::filesystem::exists(saved.corpus.path, ec)) {
    return snippets;
  }
  std::map<std::string, std::size_t> listed;  // document id -> index
  for (const ReportTopic& topic : topics) {
    for (std::size_t d : topic.documents) listed.emplace(saved.doc_ids[d], d);
  }
  try {
    const auto documents =
        read_text_documents(saved.corpus.path, parse_corpus_format(saved.corpus.format),
                            saved.corpus.text_options.columns);
    for (const TextDocument& document : documents) {
      const auto it = listed.find(document.id);
      if (it != listed.end()) snippets[it->second] = snippet_of(document.text, 240);
    }
  } catch (const InputError&) {
    snippets.clear();  // the text changed since the fit: no snippets rather than wrong ones
  }
  return snippets;
}

}  // namespace

ReportData build_report(const ReportPlan& plan) {
  if (plan.top_terms == 0 || plan.top_documents == 0) {
    throw OptionError(plan.top_terms == 0 ? "terms" : "documents", "0; expected at least 1");
  }
  const SavedModel saved = load_model(plan.model);
  const std::string manifest = plan.model + "/model.json";
  if (saved.term_frequency.is_empty()) {
    throw InputError(manifest,
                     "records no term frequencies (term_frequency.npy), which the "
                     "report shows; expected a model written by this tmkit's tm-fit "
                     "(fit it again)");
  }
  if (saved.umass.empty()) {
    throw InputError(manifest,
                     "records no topic coherence, which the report shows; expected a "
                     "model written by this tmkit's tm-fit (fit it again)");
  }
  const LdaModel& model = saved.model;
  const std::size_t n_topics = model.n_topics(), n_words = model.n_words();
  ReportData data;
  data.model = plan.model;
  data.n_docs = model.n_docs();
  data.n_words = n_words;
  data.vocab = saved.vocab;
  data.term_frequency.assign(saved.term_frequency.begin(), saved.term_frequency.end());
  data.doc_ids = saved.doc_ids;
  data.labels = saved.labels;

  // Shares and the marginal p(w) exactly as summarize_topics computes them (one topic's summary
  // gives the shares; the marginal is share' phi).
  const std::vector<TopicSummary> summaries = summarize_topics(model, 1);
  const arma::mat phi = topic_word_distributions(model);  // K x V
  arma::vec share(n_topics);
  for (std::size_t k = 0; k < n_topics; ++k) share[k] = summaries[k].share;
  const arma::rowvec marginal = share.t() * phi;
  data.log_marginal.resize(n_words);
  for (std::size_t w = 0; w < n_words; ++w) data.log_marginal[w] = std::log(marginal[w]);

  // The map: classical MDS of the topics' JS distances, the numbers tm-similarity --topics --metric
  // jsd gives (the same rows, prepared the same way).
  DivergenceOptions jsd;
  jsd.metric = Metric::jsd;
  const arma::mat distances =
      divergence_matrix(load_rows(plan.model, "", true, RowPolicy{}).columns, jsd);
  const arma::mat coordinates =
      n_topics >= 2 ? classical_mds(distances) : arma::mat(1, 2, arma::fill::zeros);

  const arma::mat theta = document_topic_distributions(model);  // D x K
  std::vector<double> log_phi(n_words);
  data.topics.resize(n_topics);
  for (std::size_t k = 0; k < n_topics; ++k) {
    ReportTopic& topic = data.topics[k];
    topic.share = share[k];
    topic.x = coordinates(k, 0);
    topic.y = coordinates(k, 1);
    topic.umass = saved.umass[k];
    topic.npmi = saved.npmi[k];
    for (std::size_t w = 0; w < n_words; ++w) log_phi[w] = std::log(phi(k, w));
    const std::vector<WordId> possible =
        possible_top_words(log_phi, data.log_marginal, plan.top_terms);
    std::vector<char> chosen(n_words, 0);
    for (int step = 0; step <= kGridSteps; ++step) {
      const double lambda = step / static_cast<double>(kGridSteps);
      for (WordId w :
           top_by_relevance(possible, log_phi.data(), data.log_marginal, lambda, plan.top_terms)) {
        chosen[w] = 1;
      }
    }
    for (std::size_t w = 0; w < n_words; ++w) {
      if (!chosen[w]) continue;
      topic.terms.push_back({static_cast<WordId>(w), log_phi[w], model.lambda(k, w) - model.eta});
    }
    std::vector<std::size_t> docs(theta.n_rows);
    std::iota(docs.begin(), docs.end(), 0);
    const std::size_t n_docs = std::min(plan.top_documents, docs.size());
    std::partial_sort(docs.begin(), docs.begin() + static_cast<long>(n_docs), docs.end(),
                      [&](std::size_t a, std::size_t b) {
                        return theta(a, k) != theta(b, k) ? theta(a, k) > theta(b, k) : a < b;
                      });
    for (std::size_t i = 0; i < n_docs; ++i) {
      topic.documents.push_back(docs[i]);
      topic.document_shares.push_back(theta(docs[i], k));
    }
  }

  data.snippets = text_snippets(saved, data.topics);
  if (!plan.groups.empty()) {
    // As tm-similarity --groups computes it, from the same prepared rows.
    const TopicDrift drift =
        compute_topic_drift(load_rows(plan.model, "", false, RowPolicy{}).columns,
                            read_group_labels(plan.groups), plan.drift_threshold);
    data.drift_svg = render_topic_drift(drift);
    data.drift_note = format_topic_drift(drift);
  }
  data.elbo_svg = read_file(plan.model + "/elbo.svg");
  if (!plan.select.empty()) {
    data.selection_svg =
        read_output_file(plan.select, "--select", "selection.json", "tm-select", "selection.svg");
    data.selection_note = read_file(plan.select + "/summary.txt");
  }
  if (!plan.cluster.empty()) {
    data.dendrogram_svg =
        read_output_file(plan.cluster, "--cluster", "cluster.json", "tm-cluster", "dendrogram.svg");
    data.cluster_note = read_file(plan.cluster + "/summary.txt");
  }
  return data;
}

std::vector<WordId> rank_terms(const ReportData& data, const ReportTopic& topic, double lambda,
                               std::size_t n) {
  std::vector<double> log_phi(data.n_words, 0.0);
  std::vector<WordId> words;
  for (const ReportTerm& term : topic.terms) {
    log_phi[term.word] = term.log_phi;
    words.push_back(term.word);
  }
  return top_by_relevance(std::move(words), log_phi.data(), data.log_marginal, lambda, n);
}

std::string run_report(const ReportPlan& plan) {
  if (plan.model.empty() || plan.out.empty()) {
    throw UsageError("a report needs a model directory and an output file");
  }
  check_output_file("out", plan.out,
                    {{"--model", plan.model},
                     {"--select", plan.select},
                     {"--cluster", plan.cluster},
                     {"--groups", plan.groups}});
  const ReportData data = build_report(plan);
  const std::string page = render_report(data, plan.top_terms);
  write_file_atomically(plan.out, page);
  return format_text("report of %zu topics, %zu words, %zu documents written to %s (%.1f KiB)",
                     data.topics.size(), data.n_words, data.n_docs, plan.out.c_str(),
                     static_cast<double>(page.size()) / 1024.0);
}

}  // namespace tmkit
