#include "detail/lda_moves.hpp"

#include <algorithm>
#include <cmath>

#include "detail/blocks.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/special.hpp"
#include "tmkit/lda/lda_estep.hpp"
#include "tmkit/lda/lda_init.hpp"

namespace tmkit {
namespace {

constexpr double kDominantShare = 0.5;         // a document is the topic's when E[theta_dk] >= 1/2
constexpr std::size_t kSplitEmRounds = 30;     // EM rounds of the two-component split
constexpr double kSplitSmoothing = 0.01;       // pseudo-count per word in the split's multinomials
constexpr std::size_t kSubdocBlockDocs = 256;  // documents per task of topic_subdocuments
constexpr std::uint64_t kMinSubdocTokens = 2;  // shorter sub-documents tell a split nothing

// log-likelihood of documents under a two-component mixture of multinomials fitted by EM from two
// seed documents, minus that under one multinomial; both smoothed alike, so the multinomial
// coefficients cancel. Returns the gain and the components' word distributions and weights.
struct TwoComponents {
  double gain = 0;
  arma::vec q_a, q_b;  ///< V, word distributions
  double pi_a = 0.5;   ///< weight of component a
};

TwoComponents fit_two_components(const Corpus& corpus, const std::vector<std::size_t>& docs,
                                 double n_docs, const arma::vec& seed_a, const arma::vec& seed_b,
                                 Communicator& comm) {
  const std::size_t n_words = corpus.n_words();
  const auto smoothed = [&](const arma::vec& counts) {
    arma::vec q = counts + kSplitSmoothing;
    return arma::vec(q / arma::accu(q));
  };
  arma::vec total(n_words, arma::fill::zeros);
  for (const std::size_t d : docs) {
    const DocView doc = corpus.doc(d);
    for (std::size_t i = 0; i < doc.n; ++i) total[doc.ids[i]] += doc.counts[i];
  }
  comm.sum(total.memptr(), n_words);
  // One message per EM round: counts_a, counts_b, the weight of a and the log-likelihood.
  arma::vec round_sums(2 * n_words + 2);
  arma::vec counts_a(round_sums.memptr(), n_words, false, true);
  arma::vec counts_b(round_sums.memptr() + n_words, n_words, false, true);
  double& weight_a = round_sums[2 * n_words];
  double& mixture_ll = round_sums[2 * n_words + 1];
  TwoComponents result;
  arma::vec log_a = arma::log(smoothed(seed_a)), log_b = arma::log(smoothed(seed_b));
  double log_pi_a = std::log(0.5), log_pi_b = std::log(0.5);
  for (std::size_t round = 0; round <= kSplitEmRounds; ++round) {
    round_sums.zeros();
    for (const std::size_t d : docs) {
      const DocView doc = corpus.doc(d);
      double la = log_pi_a, lb = log_pi_b;
      for (std::size_t i = 0; i < doc.n; ++i) {
        la += doc.counts[i] * log_a[doc.ids[i]];
        lb += doc.counts[i] * log_b[doc.ids[i]];
      }
      const double top = std::max(la, lb);
      const double norm = top + std::log(std::exp(la - top) + std::exp(lb - top));
      mixture_ll += norm;
      const double r = std::exp(la - norm);
      weight_a += r;
      for (std::size_t i = 0; i < doc.n; ++i) {
        counts_a[doc.ids[i]] += r * doc.counts[i];
        counts_b[doc.ids[i]] += (1.0 - r) * doc.counts[i];
      }
    }
    comm.sum(round_sums.memptr(), round_sums.n_elem);
    if (round == kSplitEmRounds) break;  // the last round only evaluates
    const double pi_a = std::clamp(weight_a / n_docs, 1.0 / n_docs, 1.0 - 1.0 / n_docs);
    log_pi_a = std::log(pi_a);
    log_pi_b = std::log(1.0 - pi_a);
    log_a = arma::log(smoothed(counts_a));
    log_b = arma::log(smoothed(counts_b));
  }
  const arma::vec log_single = arma::log(smoothed(total));
  const double single_ll = arma::dot(total, log_single);
  result.gain = mixture_ll - single_ll;
  result.q_a = arma::exp(log_a);
  result.q_b = arma::exp(log_b);
  result.pi_a = std::exp(log_pi_a);
  return result;
}

// Each topic's share of every document: sub-document (d, k) holds n_dw phi_dwk rounded to whole
// tokens, phi at the model's optimum given gamma_d (eq. 4), so a topic's sub-documents are what it
// explains of each document. One Corpus per topic, each in document order.
std::vector<Corpus> topic_subdocuments(const Corpus& corpus, const LdaModel& model, int n_threads) {
  const std::size_t n_topics = model.n_topics();
  const TopicExpectations topics = topic_expectations(model.lambda, n_threads);
  const double* exp_elog_beta = topics.exp_elog_beta.memptr();
  // Per block of documents, per topic, the sub-documents' entries; joined in block order.
  const BlockPartition blocks{corpus.n_docs(), kSubdocBlockDocs};
  using Entries = std::vector<std::pair<WordId, Count>>;
  std::vector<std::vector<std::vector<Entries>>> parts(blocks.n_blocks());
  const bool whole = corpus.whole_counts();
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    auto& block = parts[b];
    block.assign(n_topics, {});
    std::vector<double> theta(n_topics), weight(n_topics);
    std::vector<Entries> doc_entries(n_topics);
    for (std::size_t d = blocks.begin(b); d < blocks.end(b); ++d) {
      const DocView doc = corpus.doc(d);
      const double* gamma = model.gamma.colptr(d);
      double sum = 0.0;
      for (std::size_t k = 0; k < n_topics; ++k) sum += gamma[k];
      const double psi_sum = digamma(sum);
      for (std::size_t k = 0; k < n_topics; ++k) theta[k] = std::exp(digamma(gamma[k]) - psi_sum);
      for (auto& entries : doc_entries) entries.clear();
      for (std::size_t i = 0; i < doc.n; ++i) {
        const double* beta = exp_elog_beta + static_cast<std::size_t>(doc.ids[i]) * n_topics;
        double norm = 0.0;
        for (std::size_t k = 0; k < n_topics; ++k) {
          weight[k] = theta[k] * beta[k];
          norm += weight[k];
        }
        for (std::size_t k = 0; k < n_topics; ++k) {
          // Whole tokens of a corpus of counts; a weighted corpus keeps its shares above a
          // thousandth of the weight.
          const double share = doc.counts[i] * weight[k] / norm;
          const double kept = whole ? std::round(share) : share >= 1e-3 * doc.counts[i] ? share : 0;
          if (kept > 0) doc_entries[k].push_back({doc.ids[i], kept});
        }
      }
      for (std::size_t k = 0; k < n_topics; ++k) {
        block[k].push_back(doc_entries[k]);  // empty when the topic explains nothing of d
      }
    }
  });
  std::vector<Corpus> subdocuments(n_topics, Corpus(corpus.vocab()));
  for_each_block(BlockPartition{n_topics, 1}, n_threads, [&](std::size_t k) {
    for (auto& block : parts) {
      for (Entries& entries : block[k]) {
        double tokens = 0;
        for (const auto& entry : entries) tokens += entry.second;
        if (tokens >= kMinSubdocTokens) subdocuments[k].add_document(std::move(entries));
      }
    }
  });
  return subdocuments;
}

}  // namespace

std::vector<SplitProposal> rank_splits(const Corpus& corpus, const LdaModel& model, double min_gain,
                                       int n_threads, Communicator& comm) {
  const std::size_t n_topics = model.n_topics();
  const std::vector<Corpus> subdocuments = topic_subdocuments(corpus, model, n_threads);
  std::vector<SplitProposal> slots(n_topics);
  std::vector<bool> usable(n_topics, false);
  const auto try_topic = [&](std::size_t k) {
    const Corpus& sub = subdocuments[k];
    std::vector<std::size_t> docs(sub.n_docs());
    for (std::size_t d = 0; d < docs.size(); ++d) docs[d] = d;
    double counted[2] = {static_cast<double>(docs.size()),
                         static_cast<double>(sub.n_tokens())};  // over every rank
    comm.sum(counted, 2);
    if (counted[0] < 2) return;
    std::vector<SpaSeed> seeds;
    try {
      seeds = spa_seeds(sub, docs, 2, 1, comm);
    } catch (const UsageError&) {
      return;  // too few sub-documents long enough to seed two parts (on every rank alike)
    }
    const TwoComponents parts =
        fit_two_components(sub, docs, counted[0], seeds[0].counts, seeds[1].counts, comm);
    SplitProposal& proposal = slots[k];
    proposal.topic = k;
    proposal.gain_per_token = parts.gain / counted[1];
    const arma::vec weighted_a = parts.pi_a * parts.q_a;
    const arma::vec weighted_b = (1.0 - parts.pi_a) * parts.q_b;
    proposal.share_a = weighted_a / (weighted_a + weighted_b);
    usable[k] = proposal.gain_per_token >= min_gain;
  };
  if (comm.size() == 1) {
    for_each_block(BlockPartition{n_topics, 1}, n_threads, try_topic);
  } else {
    for (std::size_t k = 0; k < n_topics; ++k) try_topic(k);  // collectives from one thread
  }
  std::vector<SplitProposal> ranked;
  for (std::size_t k = 0; k < n_topics; ++k) {
    if (usable[k]) ranked.push_back(std::move(slots[k]));
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.gain_per_token > b.gain_per_token;
  });
  return ranked;
}

// Every pair of topics scored by `score(i, j)`, in parallel, the one with more `weight` kept (so
// a merge moves the smaller topic), ranked by score: ascending, or descending with `descending`.
template <class Score>
std::vector<MergeProposal> ranked_pairs(std::size_t n_topics, const arma::vec& weight,
                                        int n_threads, bool descending, Score score) {
  std::vector<MergeProposal> pairs;
  for (std::size_t i = 0; i < n_topics; ++i)
    for (std::size_t j = i + 1; j < n_topics; ++j) pairs.push_back({i, j, 0.0});
  const BlockPartition blocks{pairs.size(), 16};
  for_each_block(blocks, n_threads, [&](std::size_t b) {
    for (std::size_t p = blocks.begin(b); p < blocks.end(b); ++p) {
      const std::size_t i = pairs[p].keep, j = pairs[p].drop;
      pairs[p].score = score(i, j);
      if (weight[j] > weight[i]) std::swap(pairs[p].keep, pairs[p].drop);
    }
  });
  std::stable_sort(pairs.begin(), pairs.end(), [descending](const auto& a, const auto& b) {
    return descending ? a.score > b.score : a.score < b.score;
  });
  return pairs;
}

std::vector<MergeProposal> rank_word_merges(const LdaModel& model, int n_threads) {
  const std::size_t n_topics = model.n_topics(), n_words = model.n_words();
  // c_k = lambda_k - eta: expected word counts of topic k (K x V, clamped at 0 against rounding).
  const arma::mat counts = arma::clamp(model.lambda - model.eta, 0.0, arma::datum::inf);
  const arma::vec mass = arma::sum(counts, 1);
  arma::vec self(n_topics, arma::fill::zeros);  // sum_w c_kw log(c_kw / N_k)
  for (std::size_t k = 0; k < n_topics; ++k) {
    for (std::size_t w = 0; w < n_words; ++w) {
      const double c = counts(k, w);
      if (c > 0) self[k] += c * std::log(c / mass[k]);
    }
  }
  return ranked_pairs(n_topics, mass, n_threads, /*descending=*/false,
                      [&](std::size_t i, std::size_t j) {
                        const double merged_mass = mass[i] + mass[j];
                        double merged = 0.0;
                        for (std::size_t w = 0; w < n_words; ++w) {
                          const double c = counts(i, w) + counts(j, w);
                          if (c > 0) merged += c * std::log(c / merged_mass);
                        }
                        return self[i] + self[j] - merged;
                      });
}

std::vector<MergeProposal> rank_usage_merges(const LdaModel& model, int n_threads,
                                             Communicator& comm) {
  const std::size_t n_topics = model.n_topics();
  const arma::mat theta = document_topic_distributions(model);  // D x K
  // Inner products of the topics' usage columns and each topic's total usage, over every rank.
  arma::mat sums(n_topics, n_topics + 1);
  sums.head_cols(n_topics) = theta.t() * theta;
  sums.col(n_topics) = arma::sum(model.gamma, 1);
  comm.sum(sums.memptr(), sums.n_elem);
  const arma::mat gram = sums.head_cols(n_topics);
  const arma::vec usage = sums.col(n_topics);
  const arma::vec norm = arma::sqrt(gram.diag());
  return ranked_pairs(
      n_topics, usage, n_threads, /*descending=*/true,
      [&](std::size_t i, std::size_t j) { return gram(i, j) / (norm[i] * norm[j]); });
}

LdaModel propose_merge_split(const Corpus& corpus, const LdaModel& model,
                             const MergeProposal& merge, const SplitProposal& split) {
  const std::size_t keep = merge.keep, drop = merge.drop, target = split.topic;
  if (keep == drop || target == keep || target == drop ||
      std::max({keep, drop, target}) >= model.n_topics()) {
    throw UsageError("merge-split: topics " + std::to_string(keep) + "+" + std::to_string(drop) +
                     " / " + std::to_string(target) + " must be three distinct topics");
  }
  LdaModel proposal = model;
  const double eta = model.eta;
  proposal.lambda.row(keep) = model.lambda.row(keep) + model.lambda.row(drop) - eta;
  const arma::rowvec counts = arma::clamp(model.lambda.row(target) - eta, 0.0, arma::datum::inf);
  const arma::rowvec share = split.share_a.t();
  proposal.lambda.row(target) = eta + counts % share;
  proposal.lambda.row(drop) = eta + counts % (1.0 - share);
  if (arma::any(model.alpha != model.alpha[0])) {
    proposal.alpha[keep] = model.alpha[keep] + model.alpha[drop];
    proposal.alpha[target] = model.alpha[target] / 2;
    proposal.alpha[drop] = model.alpha[target] / 2;
  }
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    neutral_gamma(corpus.doc(d), proposal.alpha, proposal.gamma.colptr(d));
  }
  return proposal;
}

}  // namespace tmkit
