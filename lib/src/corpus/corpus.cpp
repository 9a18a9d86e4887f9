#include "tmkit/corpus/corpus.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tmkit/core/error.hpp"
#include "tmkit/io/sha256.hpp"

namespace tmkit {

double DocView::n_tokens() const noexcept {
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += counts[i];
  return total;
}

namespace {

bool is_whole(Count count) noexcept { return count == std::floor(count); }

void check_count(WordId word, Count count) {
  if (!(count >= 0) || !std::isfinite(count)) {
    throw UsageError("count of word " + std::to_string(word) + " is " + std::to_string(count) +
                     "; expected a finite number >= 0");
  }
}

}  // namespace

Corpus::Corpus(std::vector<std::string> vocab) : vocab_(std::move(vocab)) { bind(); }

Corpus::Corpus(const Corpus& other)
    : offsets_(other.offsets_),
      ids_(other.ids_),
      counts_(other.counts_),
      owned_(other.owned_),
      offsets_p_(other.offsets_p_),
      ids_p_(other.ids_p_),
      counts_p_(other.counts_p_),
      n_docs_(other.n_docs_),
      vocab_(other.vocab_),
      doc_ids_(other.doc_ids_),
      labels_(other.labels_),
      n_tokens_(other.n_tokens_),
      whole_counts_(other.whole_counts_) {
  bind();
}

Corpus::Corpus(Corpus&& other) noexcept
    : offsets_(std::move(other.offsets_)),
      ids_(std::move(other.ids_)),
      counts_(std::move(other.counts_)),
      owned_(other.owned_),
      offsets_p_(other.offsets_p_),
      ids_p_(other.ids_p_),
      counts_p_(other.counts_p_),
      n_docs_(other.n_docs_),
      vocab_(std::move(other.vocab_)),
      doc_ids_(std::move(other.doc_ids_)),
      labels_(std::move(other.labels_)),
      n_tokens_(other.n_tokens_),
      whole_counts_(other.whole_counts_) {
  bind();
  other = Corpus();
}

Corpus& Corpus::operator=(const Corpus& other) {
  if (this != &other) *this = Corpus(other);
  return *this;
}

Corpus& Corpus::operator=(Corpus&& other) noexcept {
  if (this == &other) return *this;
  offsets_ = std::move(other.offsets_);
  ids_ = std::move(other.ids_);
  counts_ = std::move(other.counts_);
  owned_ = other.owned_;
  offsets_p_ = other.offsets_p_;
  ids_p_ = other.ids_p_;
  counts_p_ = other.counts_p_;
  n_docs_ = other.n_docs_;
  vocab_ = std::move(other.vocab_);
  doc_ids_ = std::move(other.doc_ids_);
  labels_ = std::move(other.labels_);
  n_tokens_ = other.n_tokens_;
  whole_counts_ = other.whole_counts_;
  bind();
  other.offsets_.assign(1, 0);
  other.ids_.clear();
  other.counts_.clear();
  other.owned_ = true;
  other.n_docs_ = 0;
  other.n_tokens_ = 0;
  other.whole_counts_ = true;
  other.bind();
  return *this;
}

void Corpus::bind() noexcept {
  if (!owned_) return;
  offsets_p_ = offsets_.data();
  ids_p_ = ids_.data();
  counts_p_ = counts_.data();
}

Corpus Corpus::view(std::vector<std::string> vocab, const std::size_t* offsets, std::size_t n_docs,
                    const WordId* ids, const Count* counts) {
  if (offsets[0] != 0) {
    throw UsageError("the first document offset is " + std::to_string(offsets[0]) + "; expected 0");
  }
  Corpus corpus(std::move(vocab));
  const std::size_t n_words = corpus.n_words();
  double tokens = 0;
  bool whole = true;
  for (std::size_t d = 0; d < n_docs; ++d) {
    if (offsets[d + 1] < offsets[d]) {
      throw UsageError("document " + std::to_string(d) + ": its end offset " +
                       std::to_string(offsets[d + 1]) + " is below its start " +
                       std::to_string(offsets[d]));
    }
    for (std::size_t i = offsets[d]; i < offsets[d + 1]; ++i) {
      if (ids[i] >= n_words || (i > offsets[d] && ids[i] <= ids[i - 1])) {
        throw UsageError("document " + std::to_string(d) + ": word id " + std::to_string(ids[i]) +
                         " is out of range or out of order; expected strictly increasing ids "
                         "below V = " +
                         std::to_string(n_words));
      }
      check_count(ids[i], counts[i]);
      if (counts[i] == 0) {
        throw UsageError("document " + std::to_string(d) + ": word id " + std::to_string(ids[i]) +
                         " has count 0; a corpus stores only positive counts");
      }
      tokens += counts[i];
      whole = whole && is_whole(counts[i]);
    }
  }
  corpus.owned_ = false;
  corpus.offsets_p_ = offsets;
  corpus.ids_p_ = ids;
  corpus.counts_p_ = counts;
  corpus.n_docs_ = n_docs;
  corpus.doc_ids_.assign(n_docs, "");
  corpus.labels_.assign(n_docs, "");
  corpus.n_tokens_ = tokens;
  corpus.whole_counts_ = whole;
  return corpus;
}

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
  if (!owned_) throw UsageError("documents cannot be added to a corpus that views other arrays");
  std::sort(entries.begin(), entries.end());
  const std::size_t first = ids_.size();
  for (const auto& [word, count] : entries) {
    if (word >= vocab_.size()) {
      throw UsageError("word id " + std::to_string(word) + " is out of range; expected 0.." +
                       std::to_string(vocab_.size()) + " (V = " + std::to_string(vocab_.size()) +
                       ")");
    }
    check_count(word, count);
    if (count == 0) continue;
    if (ids_.size() > first && ids_.back() == word) {
      counts_.back() += count;
    } else {
      ids_.push_back(word);
      counts_.push_back(count);
    }
    n_tokens_ += count;
    whole_counts_ = whole_counts_ && is_whole(count);
  }
  offsets_.push_back(ids_.size());
  ++n_docs_;
  doc_ids_.push_back(std::move(id));
  labels_.push_back(std::move(label));
  bind();
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
  for (std::size_t i = 0; i < n_nonzeros(); ++i) ++df[ids_p_[i]];
  return df;
}

std::vector<double> Corpus::word_totals() const {
  std::vector<double> totals(n_words(), 0);
  for (std::size_t i = 0; i < n_nonzeros(); ++i) totals[ids_p_[i]] += counts_p_[i];
  return totals;
}

std::size_t Corpus::first_empty_document() const noexcept {
  for (std::size_t d = 0; d < n_docs(); ++d) {
    if (offsets_p_[d + 1] == offsets_p_[d]) return d;
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
  for (std::size_t d = 0; d <= n_docs(); ++d) {
    const std::uint64_t wide = offsets_p_[d];
    hash.update(&wide, sizeof wide);
  }
  hash.update(ids_p_, n_nonzeros() * sizeof(WordId));
  // Whole counts as 32-bit integers (as every corpus file holds them, and as fingerprints were
  // always taken); other weights as doubles, after a marker, so the two never collide.
  const bool narrow = whole_counts_ && std::all_of(counts_p_, counts_p_ + n_nonzeros(),
                                                   [](Count c) { return c <= kMaxFileCount; });
  if (!narrow) {
    hash.update("weights-f64\n");
    hash.update(counts_p_, n_nonzeros() * sizeof(Count));
    return hash.hex_digest();
  }
  std::uint32_t chunk[4096];
  for (std::size_t begin = 0; begin < n_nonzeros(); begin += 4096) {
    const std::size_t n = std::min<std::size_t>(4096, n_nonzeros() - begin);
    for (std::size_t i = 0; i < n; ++i) chunk[i] = static_cast<std::uint32_t>(counts_p_[begin + i]);
    hash.update(chunk, n * sizeof(std::uint32_t));
  }
  return hash.hex_digest();
}

void require_file_counts(const Corpus& corpus) {
  if (!corpus.whole_counts()) {
    throw UsageError(
        "the corpus holds counts that are not whole numbers; corpus files hold whole "
        "counts only");
  }
  for (std::size_t d = 0; d < corpus.n_docs(); ++d) {
    const DocView doc = corpus.doc(d);
    for (std::size_t i = 0; i < doc.n; ++i) {
      if (doc.counts[i] > kMaxFileCount) {
        throw UsageError("document " + std::to_string(d + 1) + " holds a count above 2^32 - 1, " +
                         "more than a corpus file can hold");
      }
    }
  }
}

}  // namespace tmkit
