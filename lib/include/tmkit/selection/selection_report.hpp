// What tm-select shows and writes: the table of candidates with the choice of each criterion and
// the elpd differences (printed), selection.json / selection.csv (DESIGN.md §2), the chart of every
// criterion against K (selection.svg), and PSIS-LOO of a given matrix with R loo's names.
#pragma once

#include <string>
#include <vector>

#include "tmkit/selection/psis_loo.hpp"
#include "tmkit/selection/selection.hpp"

namespace tmkit {

/// The printed summary: the split and the counting behind the information criteria, one row per
/// candidate, the choice of each criterion, the elpd differences (loo_compare), a plain warning
/// when PSIS-LOO is unreliable, and where the time went.
std::string format_selection(const SelectionReport& report, std::size_t n_words);

/// selection.json: {"candidates": [...], "choice": {criterion: k}, "choice_candidate":
/// {criterion: label}, "loo_compare": [...], "split": {...}, "counting": {...}}; NaN and infinities
/// are written as null.
std::string selection_json(const SelectionReport& report, std::size_t n_words);

/// selection.csv: a header and one row per candidate (the JSON candidates' fields); NaN empty.
std::string selection_csv(const SelectionReport& report);

/// selection.svg: one panel per criterion against K, one line per setting of alpha, eta and seed,
/// the chosen candidate marked.
std::string render_selection_chart(const SelectionReport& report);

/// PSIS-LOO as `print(loo(...))` shows it: the estimates with their standard errors and the table
/// of Pareto k-hat classes, with a plain sentence when some exceed 0.7.
std::string format_loo(const LooResult& loo, const std::string& source);

/// R loo's names (DESIGN.md §2): elpd_loo, se_elpd_loo, p_loo, se_p_loo, looic, se_looic,
/// pointwise_elpd_loo, pareto_k (+ pointwise_p_loo, lpd, n_draws, n_observations).
std::string loo_json(const LooResult& loo);

/// loo_compare's table for models named `names`.
std::string format_loo_comparison(const std::vector<LooComparison>& comparison,
                                  const std::vector<std::string>& names);

}  // namespace tmkit
