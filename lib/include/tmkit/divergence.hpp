// Divergences between discrete distributions (natural log unless a base is given): KL, reverse KL,
// symmetric KL, Jensen-Shannon divergence and distance, Hellinger, total variation. Definitions:
// DESIGN.md §4 and docs/math/divergences.md; conventions match scipy.special.rel_entr and
// scipy.spatial.distance.jensenshannon: 0 log 0 = 0, and KL(p||q) = +inf where q = 0 < p.
#pragma once

#include <cstddef>

namespace tmkit {

/// KL(p || q) = sum_i p_i log(p_i / q_i) over n entries.
double kl_divergence(const double* p, const double* q, std::size_t n) noexcept;

/// JS(p, q) = KL(p || m)/2 + KL(q || m)/2 with m = (p + q)/2; finite, at most log 2.
double js_divergence(const double* p, const double* q, std::size_t n) noexcept;

}  // namespace tmkit
