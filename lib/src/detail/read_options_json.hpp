// The raw-text options of a corpus read (CorpusReadOptions) as JSON and back: model.json's
// corpus.text and the plan a checkpoint keeps (run_fit.hpp). Internal: nlohmann::json is the
// library's private dependency.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus_io.hpp"

namespace tmkit::detail {

inline nlohmann::json text_options_json(const CorpusReadOptions& o) {
  const auto limit = [](const DocFrequencyLimit& l) {
    return nlohmann::json{{"value", l.value}, {"is_fraction", l.is_fraction}};
  };
  return {{"columns", text_columns_name(o.columns)},
          {"lowercase", o.tokenizer.lowercase},
          {"min_length", o.tokenizer.min_length},
          {"builtin_stop_words", o.tokenizer.builtin_stop_words},
          {"extra_stop_words", o.tokenizer.extra_stop_words},
          {"min_df", limit(o.vocabulary.min_df)},
          {"max_df", limit(o.vocabulary.max_df)},
          {"max_vocab", o.vocabulary.max_vocab},
          {"keep_empty", o.keep_empty}};
}

inline void read_text_options(const nlohmann::json& j, CorpusReadOptions& o) {
  const auto limit = [](const nlohmann::json& l) {
    return DocFrequencyLimit{l.at("value").get<double>(), l.at("is_fraction").get<bool>()};
  };
  o.columns = parse_text_columns(j.at("columns").get<std::string>());
  o.tokenizer.lowercase = j.at("lowercase").get<bool>();
  o.tokenizer.min_length = j.at("min_length").get<std::size_t>();
  o.tokenizer.builtin_stop_words = j.at("builtin_stop_words").get<bool>();
  o.tokenizer.extra_stop_words = j.at("extra_stop_words").get<std::vector<std::string>>();
  o.vocabulary.min_df = limit(j.at("min_df"));
  o.vocabulary.max_df = limit(j.at("max_df"));
  o.vocabulary.max_vocab = j.at("max_vocab").get<std::size_t>();
  o.keep_empty = j.at("keep_empty").get<bool>();
}

}  // namespace tmkit::detail
