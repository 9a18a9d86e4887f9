// How well flat clusters agree with known labels: purity, normalized mutual information and the
// adjusted Rand index, with scikit-learn's definitions (normalized_mutual_info_score with its
// default arithmetic mean, adjusted_rand_score).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace tmkit {

struct ClusterAgreement {
  std::size_t n = 0;         ///< items compared
  std::size_t clusters = 0;  ///< distinct clusters
  std::size_t classes = 0;   ///< distinct labels
  double purity = 0;         ///< share of items in their cluster's most common label
  double nmi = 0;            ///< I(C; L) / ((H(C) + H(L)) / 2); 1 when both have one group
  double ari = 0;            ///< Rand index adjusted for chance (Hubert & Arabie 1985)
};

/// Compares clusters (any integers) with labels (any strings), item by item; UsageError if the
/// lengths differ or there are no items.
ClusterAgreement compare_with_labels(const std::vector<int>& clusters,
                                     const std::vector<std::string>& labels);

}  // namespace tmkit
