#include "tmkit/divergence/row_set.hpp"

#include <algorithm>

namespace tmkit {

RowSet load_rows(const std::string& model_dir, const std::string& rows_path, bool topics,
                 const RowPolicy& policy) {
  RowSet set;
  if (!model_dir.empty()) {
    set.model = std::make_shared<SavedModel>(load_model(model_dir));
    const SavedModel& saved = *set.model;
    set.source = model_dir;
    if (topics) {
      set.columns = topic_word_distributions(saved.model).t();
      for (std::size_t k = 0; k < saved.model.n_topics(); ++k) {
        set.ids.push_back("topic" + std::to_string(k));
      }
    } else {
      set.columns = document_topic_distributions(saved.model).t();
      set.ids = saved.doc_ids;
      if (std::any_of(saved.labels.begin(), saved.labels.end(),
                      [](const std::string& l) { return !l.empty(); })) {
        set.labels = saved.labels;
      }
    }
    prepare_distributions(set.columns, policy, model_dir);
    return set;
  }
  auto file = read_distributions(rows_path);
  set.source = rows_path;
  set.columns = std::move(file.columns);
  prepare_distributions(set.columns, policy, rows_path, file.lines);
  return set;
}

}  // namespace tmkit
