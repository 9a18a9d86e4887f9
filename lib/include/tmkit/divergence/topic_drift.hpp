// Topic drift: how the mean topic distribution of groups of documents (months, sources, time
// slices) moves from one group to the next. Groups are taken in the order they first appear.
#pragma once

#include <armadillo>
#include <cstddef>
#include <string>
#include <vector>

namespace tmkit {

/// One step between consecutive groups a -> b.
struct DriftStep {
  std::size_t from = 0, to = 0;
  double kl_forward = 0;   ///< KL(mean_a || mean_b), nats
  double kl_backward = 0;  ///< KL(mean_b || mean_a), nats
  double js = 0;           ///< JS(mean_a, mean_b), nats
  bool flagged = false;    ///< js above the threshold
};

struct TopicDrift {
  std::vector<std::string> groups;  ///< in order of first appearance
  std::vector<std::size_t> sizes;   ///< documents per group
  arma::mat means;                  ///< K x G, column g = mean theta of group g
  std::vector<DriftStep> steps;     ///< G - 1 consecutive steps
  arma::mat js_pairs;               ///< G x G, JS between every pair of groups (nats)
  double threshold = 0;
};

/// `theta` is K x D (column d = document d's topic distribution), `group_of` one label per
/// document. UsageError if the counts differ or there are fewer than two groups.
TopicDrift compute_topic_drift(const arma::mat& theta, const std::vector<std::string>& group_of,
                               double threshold);

/// The drift as a tab-separated table: one line per step (from, to, documents, KL both ways, JS,
/// "*" when flagged), then the all-pairs JS matrix under a '#' header.
std::string format_topic_drift(const TopicDrift& drift);

/// One group label per document from the file at `path`, in document order; InputError naming the
/// line of an empty label.
std::vector<std::string> read_group_labels(const std::string& path);

/// An SVG line chart of the steps: JS and both KLs against the step, the threshold as a line.
std::string render_topic_drift(const TopicDrift& drift);

}  // namespace tmkit
