// tm-report: one self-contained HTML page to explore a model, from its directory alone (LDAvis's
// views, Sievert & Shirley 2014, without the corpus): a map of the topics placed by classical MDS
// of their Jensen-Shannon distances, each topic's terms ranked by relevance under a lambda slider
// with the terms' corpus frequencies behind them, the documents most about a topic, the fit's
// ELBO trace, and, when given, tm-select's curves and tm-cluster's dendrogram. Every number the
// page shows is computed here, testable without a browser, and embedded as data.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

/// What to report on and where to write it.
struct ReportPlan {
  std::string model;               ///< tm-fit's model directory
  std::string out;                 ///< the HTML file (written complete or not at all)
  std::string select;              ///< tm-select's output directory, or ""
  std::string cluster;             ///< tm-cluster's output directory, or ""
  std::string groups;              ///< one group label per document (tm-similarity --groups), or ""
  double drift_threshold = 0.05;   ///< JS between consecutive groups flagged as drift
  std::size_t top_terms = 30;      ///< terms shown per topic, at every lambda
  std::size_t top_documents = 20;  ///< documents listed per topic
};

/// One term of a topic's candidate list.
struct ReportTerm {
  WordId word = 0;
  double log_phi = 0;      ///< log E[beta_kw]
  double topic_count = 0;  ///< expected occurrences of the word in the topic, lambda_kw - eta
};

/// One topic as the page shows it.
struct ReportTopic {
  double share = 0;            ///< of the corpus's tokens (summarize_topics)
  double x = 0, y = 0;         ///< position on the map: classical MDS of the topics' JS distances
  double umass = 0, npmi = 0;  ///< coherence as the fit computed it (NaN when unknown)
  /// Every term that is among the top `top_terms` by relevance at some lambda of the slider's
  /// grid 0, 0.01, ..., 1: the page re-ranks these and shows exactly what rank_terms gives.
  std::vector<ReportTerm> terms;
  std::vector<std::size_t> documents;   ///< indices of the documents most about the topic
  std::vector<double> document_shares;  ///< their theta_dk
};

/// Everything the page embeds.
struct ReportData {
  std::string model;  ///< the model directory as given
  std::size_t n_docs = 0, n_words = 0;
  std::vector<std::string> vocab;      ///< V words
  std::vector<double> log_marginal;    ///< log p(w) = log sum_k share_k phi_kw, per word
  std::vector<double> term_frequency;  ///< corpus count of each word (term_frequency.npy)
  std::vector<ReportTopic> topics;
  std::vector<std::string> doc_ids, labels;  ///< D (only listed documents are embedded)
  std::string elbo_svg;                      ///< the fit's ELBO trace (elbo.svg)
  std::string selection_svg;                 ///< tm-select's curves, or ""
  std::string selection_note;                ///< the K each criterion chose, or ""
  std::string dendrogram_svg;                ///< tm-cluster's dendrogram, or ""
  std::string cluster_note;                  ///< the clusters' sizes and top topics, or ""
  std::string drift_svg;   ///< topic drift between the groups (tm-similarity's chart), or ""
  std::string drift_note;  ///< its table, or ""
  /// The start of each listed document's text, by document index, when the model was fitted on
  /// raw text that is still where model.json says (the documents matched by id).
  std::map<std::size_t, std::string> snippets;
};

/// Reads the model directory (and the optional ones) and computes the page's numbers. InputError
/// naming the file for a model directory lacking what the report needs (term frequencies: refit
/// with this tmkit) or an optional directory that is not tm-select's or tm-cluster's output.
ReportData build_report(const ReportPlan& plan);

/// The `n` terms of `topic` ranked by relevance lambda log phi + (1 - lambda) log(phi / p(w)),
/// best first, ties to the smaller word id: summarize_topics's ranking, which the page's slider
/// reproduces bit for bit for lambda on the grid 0, 0.01, ..., 1.
std::vector<WordId> rank_terms(const ReportData& data, const ReportTopic& topic, double lambda,
                               std::size_t n);

/// The self-contained HTML page: inline styles, script and data, no request to any network (its
/// Content-Security-Policy forbids them).
std::string render_report(const ReportData& data, std::size_t top_terms);

/// build_report, render_report, and the page written to plan.out; returns a one-line summary.
std::string run_report(const ReportPlan& plan);

}  // namespace tmkit
