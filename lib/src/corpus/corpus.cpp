#include "tmkit/corpus/corpus.hpp"

#include <algorithm>
#include <limits>

#include "tmkit/core/error.hpp"
#include "tmkit/io/sha256.hpp"

namespace tmkit {

std::uint64_t DocView::n_tokens() const noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) total += counts[i];
  return total;
}

Corpus::Corpus(std::vector<std::string> vocab) : vocab_(std::move(vocab)) {}

Corpus Corpus::select_documents(const std::vector<std::size_t>& docs) const {
  Corpus out(vocab_);
  std::vector<std::pair<WordId, Count>> entries;
  for (const std::size_t d : docs) {
    if (d >= n_docs()) {
      throw UsageError("document " + std::to_string(d) + " is out of range; the corpus has " +
                       std::to_string(n_docs()));
    }
    const DocView view = doc(d);
    entries.clear();
    for (std::size_t i = 0; i < view.n; ++i) entries.emplace_back(view.ids[i], view.counts[i]);
    out.add_document(entries, doc_ids_[d], labels_[d]);
  }
  return out;
}

void Corpus::add_document(std::vector<std::pair<WordId, Count>> entries, std::string id,
                          std::string label) {
  std::sort(entries.begin(), entries.end());
  const std::size_t first = ids_.size();
  for (const auto& [word, count] : entries) {
    if (word >= vocab_.size()) {
      throw UsageError("word id " + std::to_string(word) + " is out of range; expected 0.." +
                       std::to_string(vocab_.size()) + " (V = " + std::to_string(vocab_.size()) +
                       ")");
    }
    if (count == 0) continue;
    if (ids_.size() > first && ids_.back() == word) {
      if (counts_.back() > std::numeric_limits<Count>::max() - count) {
        throw UsageError("count of word " + std::to_string(word) + " overflows 32 bits");
      }
      counts_.back() += count;
    } else {
      ids_.push_back(word);
      counts_.push_back(count);
    }
    n_tokens_ += count;
  }
  offsets_.push_back(ids_.size());
  doc_ids_.push_back(std::move(id));
  labels_.push_back(std::move(label));
}

bool Corpus::has_labels() const noexcept {
  return std::any_of(labels_.begin(), labels_.end(), [](const auto& l) { return !l.empty(); });
}

void Corpus::set_doc_ids(std::vector<std::string> ids) {
  if (ids.size() != n_docs()) {
    throw UsageError("got " + std::to_string(ids.size()) + " document ids; expected " +
                     std::to_string(n_docs()));
  }
  doc_ids_ = std::move(ids);
}

void Corpus::set_labels(std::vector<std::string> labels) {
  if (labels.size() != n_docs()) {
    throw UsageError("got " + std::to_string(labels.size()) + " labels; expected " +
                     std::to_string(n_docs()));
  }
  labels_ = std::move(labels);
}

std::vector<std::uint32_t> Corpus::document_frequencies() const {
  std::vector<std::uint32_t> df(n_words(), 0);
  for (WordId w : ids_) ++df[w];
  return df;
}

std::vector<std::uint64_t> Corpus::word_totals() const {
  std::vector<std::uint64_t> totals(n_words(), 0);
  for (std::size_t i = 0; i < ids_.size(); ++i) totals[ids_[i]] += counts_[i];
  return totals;
}

std::size_t Corpus::first_empty_document() const noexcept {
  for (std::size_t d = 0; d < n_docs(); ++d) {
    if (offsets_[d + 1] == offsets_[d]) return d;
  }
  return n_docs();
}

std::string Corpus::fingerprint() const {
  Sha256 hash;
  hash.update("tmkit-corpus-v1\n");
  const std::uint64_t sizes[3] = {n_docs(), n_words(), n_nonzeros()};
  hash.update(sizes, sizeof sizes);
  for (const auto& word : vocab_) {
    hash.update(word);
    hash.update("\n");
  }
  // Offsets are fixed-width so that the hash does not depend on the platform's size_t.
  for (std::size_t offset : offsets_) {
    const std::uint64_t wide = offset;
    hash.update(&wide, sizeof wide);
  }
  hash.update(ids_.data(), ids_.size() * sizeof(WordId));
  hash.update(counts_.data(), counts_.size() * sizeof(Count));
  return hash.hex_digest();
}

}  // namespace tmkit
