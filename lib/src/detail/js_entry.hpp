// One entry's share of the Jensen-Shannon divergence, in a form without cancellation between
// entries, four entries at a time. Private to lib/src.
//
// With m = (p + q)/2 and t = (p - q)/(p + q), p log(p/m) + q log(q/m) = m f(t), where
// f(t) = (1 + t) log(1 + t) + (1 - t) log(1 - t) = sum_{k>=1} t^(2k) / (k (2k - 1)) >= 0,
// so 2 JS = sum_i m_i f(t_i) is a sum of non-negative terms, accurate to a few ulp even when p and
// q are nearly equal (where scipy's sum of rel_entr terms of both signs loses up to half its
// digits). For |t| < 0.1 the series to k = 8 is used (the first omitted term is below 1e-18 of
// the sum); otherwise the closed form, whose two terms then have the same order as f.
#pragma once

#include "vector_log.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tmkit::detail {

/// m f(t) for each lane (0 where p = q = 0, so zero padding adds nothing).
[[gnu::always_inline]] inline v4d js_entry4(v4d p, v4d q) noexcept {
  const v4d sum = p + q;
  const v4d t = (p - q) / (sum > splat(0.0) ? sum : splat(1.0));
  const v4d t2 = t * t;
  const v4d series =
      t2 *
      (1.0 +
       t2 * (1.0 / 6 +
             t2 * (1.0 / 15 +
                   t2 * (1.0 / 28 +
                         t2 * (1.0 / 45 + t2 * (1.0 / 66 + t2 * (1.0 / 91 + t2 * (1.0 / 120))))))));
  // At t = +-1 (a zero entry) the closed form is 2 log 2, as vector_log4(0) is finite.
  const v4d closed = (1.0 + t) * vector_log4(1.0 + t) + (1.0 - t) * vector_log4(1.0 - t);
  return 0.5 * sum * (t2 < splat(0.01) ? series : closed);
}

}  // namespace tmkit::detail

#pragma GCC diagnostic pop
