// Distributions to compare or cluster, one per column: a model's documents (theta from gamma) or
// topics, or rows from a file (.npy, CSV or text), with their names and labels when known.
#pragma once

#include <armadillo>
#include <memory>
#include <string>
#include <vector>

#include "tmkit/divergence/divergence.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit {

struct RowSet {
  arma::mat columns;                  ///< K x N, prepared (finite, non-negative, summing to 1)
  std::vector<std::string> ids;       ///< a name per column when known
  std::vector<std::string> labels;    ///< a document's label, when the model's corpus had them
  std::string source;                 ///< the model directory or file, for messages
  std::shared_ptr<SavedModel> model;  ///< the model, when the rows came from one
};

/// From `model_dir` (documents, or with `topics` its topics) when given, else from `rows_path`
/// (.npy, CSV or text), checked and prepared by `policy`.
RowSet load_rows(const std::string& model_dir, const std::string& rows_path, bool topics,
                 const RowPolicy& policy);

}  // namespace tmkit
