#include "tmkit/corpus/tmc.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/sha256.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error ".tmc files are little-endian and mapped as they are; this tmkit needs a little-endian host"
#endif

namespace tmkit {

namespace {

// The layout (docs/formats.md, ".tmc"): a fixed header, a table of kSections sections, the
// header's own checksum, then the sections in table order, each starting on an 8-byte boundary.
constexpr char kMagic[8] = {'T', 'M', 'K', 'I', 'T', 'C', 'R', 'P'};
constexpr std::uint32_t kVersion = 1;
enum SectionId : int {
  kDocOffsets,    // D + 1 u64: document d owns entries [offsets[d], offsets[d+1])
  kWordIds,       // NNZ u32
  kCounts,        // NNZ u32
  kBlockSums,     // ceil(D / block_docs) SHA-256 digests of a block's word ids then counts
  kVocabOffsets,  // V + 1 u64 into kVocabBytes
  kVocabBytes,
  kIdOffsets,  // D + 1 u64 into kIdBytes
  kIdBytes,
  kLabelOffsets,  // D + 1 u64 into kLabelBytes
  kLabelBytes,
  kSections
};
constexpr std::size_t kFixedHeader = 64;   // magic .. file size
constexpr std::size_t kSectionEntry = 48;  // offset, bytes, SHA-256
constexpr std::size_t kTableEnd = kFixedHeader + kSections * kSectionEntry;
constexpr std::size_t kDataStart = kTableEnd + 32;  // after the header's SHA-256

std::size_t padded(std::size_t n) { return (n + 7) / 8 * 8; }

void put_u32(std::string& out, std::size_t at, std::uint32_t v) { std::memcpy(&out[at], &v, 4); }
void put_u64(std::string& out, std::size_t at, std::uint64_t v) { std::memcpy(&out[at], &v, 8); }
std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

std::array<unsigned char, 32> sha256_of(const void* data, std::size_t n) {
  Sha256 hash;
  hash.update(data, n);
  return hash.digest();
}

// A string table: offsets (n + 1 u64) and the concatenated bytes.
struct StringTable {
  std::vector<std::uint64_t> offsets{0};
  std::string bytes;
  explicit StringTable(const std::vector<std::string>& strings) {
    for (const auto& s : strings) {
      bytes += s;
      offsets.push_back(bytes.size());
    }
  }
};

// Checks that `offsets` (n + 1 values) start at 0, never decrease and end at `end`.
void check_offsets(const std::string& path, const char* what, const std::uint64_t* offsets,
                   std::size_t n, std::uint64_t end) {
  if (offsets[0] != 0) {
    throw InputError(path, std::string(what) + " offsets start at " + std::to_string(offsets[0]) +
                               "; expected 0 (the file is corrupted)");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (offsets[i + 1] < offsets[i]) {
      throw InputError(path, std::string(what) + " offset " + std::to_string(i + 1) +
                                 " decreases; expected non-decreasing offsets (the file is "
                                 "corrupted)");
    }
  }
  if (offsets[n] != end) {
    throw InputError(path, std::string(what) + " offsets end at " + std::to_string(offsets[n]) +
                               "; expected " + std::to_string(end) + " (the file is corrupted)");
  }
}

}  // namespace

void write_tmc(const Corpus& corpus, const std::string& path, std::size_t block_docs) {
  if (block_docs == 0) throw UsageError("write_tmc: block_docs must be at least 1");
  const std::size_t n_docs = corpus.n_docs(), n_nnz = corpus.n_nonzeros();
  const std::size_t n_blocks = (n_docs + block_docs - 1) / block_docs;
  std::vector<std::uint64_t> doc_offsets(n_docs + 1, 0);
  require_file_counts(corpus);
  std::vector<WordId> ids;
  std::vector<std::uint32_t> counts;
  ids.reserve(n_nnz);
  counts.reserve(n_nnz);
  for (std::size_t d = 0; d < n_docs; ++d) {
    const DocView doc = corpus.doc(d);
    ids.insert(ids.end(), doc.ids, doc.ids + doc.n);
    for (std::size_t i = 0; i < doc.n; ++i) {
      counts.push_back(static_cast<std::uint32_t>(doc.counts[i]));
    }
    doc_offsets[d + 1] = ids.size();
  }
  std::string block_sums(32 * n_blocks, '\0');
  for (std::size_t b = 0; b < n_blocks; ++b) {
    const std::uint64_t begin = doc_offsets[b * block_docs];
    const std::uint64_t end = doc_offsets[std::min(n_docs, (b + 1) * block_docs)];
    Sha256 hash;
    hash.update(ids.data() + begin, (end - begin) * sizeof(WordId));
    hash.update(counts.data() + begin, (end - begin) * sizeof(std::uint32_t));
    const auto digest = hash.digest();
    std::memcpy(&block_sums[32 * b], digest.data(), 32);
  }
  const StringTable vocab(corpus.vocab()), doc_ids(corpus.doc_ids()), labels(corpus.labels());

  struct Part {
    const void* data;
    std::size_t bytes;
    bool checksummed;  // word ids and counts are covered by the block checksums instead
  };
  const Part parts[kSections] = {
      {doc_offsets.data(), doc_offsets.size() * 8, true},
      {ids.data(), ids.size() * sizeof(WordId), false},
      {counts.data(), counts.size() * sizeof(std::uint32_t), false},
      {block_sums.data(), block_sums.size(), true},
      {vocab.offsets.data(), vocab.offsets.size() * 8, true},
      {vocab.bytes.data(), vocab.bytes.size(), true},
      {doc_ids.offsets.data(), doc_ids.offsets.size() * 8, true},
      {doc_ids.bytes.data(), doc_ids.bytes.size(), true},
      {labels.offsets.data(), labels.offsets.size() * 8, true},
      {labels.bytes.data(), labels.bytes.size(), true},
  };
  std::string header(kDataStart, '\0');
  std::memcpy(&header[0], kMagic, 8);
  put_u32(header, 8, kVersion);
  put_u32(header, 12, kSections);
  put_u64(header, 16, n_docs);
  put_u64(header, 24, corpus.n_words());
  put_u64(header, 32, n_nnz);
  put_u64(header, 40, static_cast<std::uint64_t>(corpus.n_tokens()));
  put_u64(header, 48, block_docs);
  std::size_t at = kDataStart;
  for (int s = 0; s < kSections; ++s) {
    const std::size_t entry = kFixedHeader + static_cast<std::size_t>(s) * kSectionEntry;
    put_u64(header, entry, at);
    put_u64(header, entry + 8, parts[s].bytes);
    if (parts[s].checksummed) {
      const auto digest = sha256_of(parts[s].data, parts[s].bytes);
      std::memcpy(&header[entry + 16], digest.data(), 32);
    }
    at += padded(parts[s].bytes);
  }
  put_u64(header, 56, at);  // the file's size
  const auto header_sum = sha256_of(header.data(), kTableEnd);
  std::memcpy(&header[kTableEnd], header_sum.data(), 32);

  AtomicFile file(path, true);
  auto& out = file.stream();
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  const char zeros[8] = {};
  for (const Part& part : parts) {
    if (part.bytes > 0)
      out.write(static_cast<const char*>(part.data), static_cast<std::streamsize>(part.bytes));
    out.write(zeros, static_cast<std::streamsize>(padded(part.bytes) - part.bytes));
  }
  file.commit();
}

bool is_tmc_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && std::memcmp(magic, kMagic, 8) == 0;
}

TmcFile::TmcFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, std::string("cannot be opened: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path, "is not a regular file; expected a .tmc corpus");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ < kDataStart) {
    ::close(fd);
    throw InputError(path, "is " + std::to_string(size_) + " bytes, shorter than a .tmc header (" +
                               std::to_string(kDataStart) + "); the file is truncated");
  }
  void* map = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) {
    throw InputError(path, std::string("cannot be memory-mapped: ") + std::strerror(errno));
  }
  base_ = static_cast<const unsigned char*>(map);
  try {
    if (std::memcmp(base_, kMagic, 8) != 0) {
      throw InputError(path, "does not start with the .tmc magic bytes \"TMKITCRP\"");
    }
    const std::uint32_t version = get_u32(base_ + 8);
    if (version != kVersion) {
      throw InputError(path, "is .tmc version " + std::to_string(version) +
                                 "; this tmkit reads version " + std::to_string(kVersion));
    }
    if (get_u32(base_ + 12) != kSections) {
      throw InputError(path, "has " + std::to_string(get_u32(base_ + 12)) + " sections; expected " +
                                 std::to_string(int{kSections}));
    }
    if (sha256_of(base_, kTableEnd) != [&] {
          std::array<unsigned char, 32> stored;
          std::memcpy(stored.data(), base_ + kTableEnd, 32);
          return stored;
        }()) {
      throw InputError(path, "header checksum does not match; the file is corrupted");
    }
    n_docs_ = get_u64(base_ + 16);
    const std::uint64_t n_words = get_u64(base_ + 24);
    n_nonzeros_ = get_u64(base_ + 32);
    n_tokens_ = get_u64(base_ + 40);
    block_docs_ = get_u64(base_ + 48);
    const std::uint64_t file_size = get_u64(base_ + 56);
    if (file_size != size_) {
      throw InputError(
          path, "is " + std::to_string(size_) + " bytes; its header says " +
                    std::to_string(file_size) +
                    (size_ < file_size ? " (the file is truncated)" : " (bytes were appended)"));
    }
    if (n_docs_ == 0) throw InputError(path, "holds no documents; expected at least one");
    if (n_words == 0) throw InputError(path, "has an empty vocabulary; expected at least one word");
    if (block_docs_ == 0) throw InputError(path, "has a block size of 0; the file is corrupted");
    // Sizes bounded by the file before any arithmetic on them can overflow.
    if (n_docs_ >= size_ / 8 || n_words >= size_ / 8 || n_nonzeros_ > size_ / 4) {
      throw InputError(path, "header counts (" + std::to_string(n_docs_) + " documents, " +
                                 std::to_string(n_words) + " words, " +
                                 std::to_string(n_nonzeros_) +
                                 " entries) do not fit in the file; the file is corrupted");
    }
    const std::size_t n_blocks = (n_docs_ + block_docs_ - 1) / block_docs_;
    const std::size_t expected_bytes[kSections] = {8 * (n_docs_ + 1), 4 * n_nonzeros_,
                                                   4 * n_nonzeros_,   32 * n_blocks,
                                                   8 * (n_words + 1), 0,
                                                   8 * (n_docs_ + 1), 0,
                                                   8 * (n_docs_ + 1), 0};
    sections_.resize(kSections);
    for (int s = 0; s < kSections; ++s) {
      const unsigned char* entry =
          base_ + kFixedHeader + static_cast<std::size_t>(s) * kSectionEntry;
      Section& section = sections_[static_cast<std::size_t>(s)];
      section.offset = get_u64(entry);
      section.bytes = get_u64(entry + 8);
      std::memcpy(section.sha256.data(), entry + 16, 32);
      const bool sized = s != kVocabBytes && s != kIdBytes && s != kLabelBytes;
      if (section.offset % 8 != 0 || section.offset < kDataStart || section.offset > size_ ||
          section.bytes > size_ - section.offset || (sized && section.bytes != expected_bytes[s])) {
        throw InputError(path, "section " + std::to_string(s) + " (offset " +
                                   std::to_string(section.offset) + ", " +
                                   std::to_string(section.bytes) +
                                   " bytes) does not fit the header or the file; the file is "
                                   "corrupted");
      }
      if (s != kWordIds && s != kCounts &&
          sha256_of(base_ + section.offset, section.bytes) != section.sha256) {
        static const char* const kNames[kSections] = {"document offsets",
                                                      "",
                                                      "",
                                                      "block checksums",
                                                      "vocabulary offsets",
                                                      "vocabulary",
                                                      "document id offsets",
                                                      "document ids",
                                                      "label offsets",
                                                      "labels"};
        throw InputError(
            path, std::string(kNames[s]) + " checksum does not match; the file is corrupted");
      }
    }
    offsets_ = reinterpret_cast<const std::uint64_t*>(section_data(kDocOffsets));
    ids_ = reinterpret_cast<const WordId*>(section_data(kWordIds));
    counts_ = reinterpret_cast<const std::uint32_t*>(section_data(kCounts));
    check_offsets(path, "document", offsets_, n_docs_, n_nonzeros_);
    for (const auto& [offsets, bytes] :
         {std::pair{kVocabOffsets, kVocabBytes}, std::pair{kIdOffsets, kIdBytes},
          std::pair{kLabelOffsets, kLabelBytes}}) {
      const std::size_t n = offsets == kVocabOffsets ? n_words : n_docs_;
      check_offsets(path, offsets == kVocabOffsets ? "vocabulary" : "id or label",
                    reinterpret_cast<const std::uint64_t*>(section_data(offsets)), n,
                    sections_[static_cast<std::size_t>(bytes)].bytes);
    }
    vocab_.resize(n_words);
    for (std::size_t w = 0; w < n_words; ++w) vocab_[w] = string_at(kVocabOffsets, kVocabBytes, w);
    block_checked_.assign(n_blocks, 0);
    Sha256 table;
    table.update(base_, kDataStart);
    fingerprint_ = "tmc-sha256:" + table.hex_digest();
  } catch (...) {
    ::munmap(const_cast<unsigned char*>(base_), size_);
    throw;
  }
}

TmcFile::~TmcFile() { ::munmap(const_cast<unsigned char*>(base_), size_); }

std::string TmcFile::string_at(int offsets_section, int bytes_section, std::size_t i) const {
  const auto* offsets = reinterpret_cast<const std::uint64_t*>(section_data(offsets_section));
  const auto* bytes = reinterpret_cast<const char*>(section_data(bytes_section));
  return std::string(bytes + offsets[i], bytes + offsets[i + 1]);
}

std::string TmcFile::doc_id(std::size_t d) const { return string_at(kIdOffsets, kIdBytes, d); }
std::string TmcFile::label(std::size_t d) const { return string_at(kLabelOffsets, kLabelBytes, d); }

TmcDocView TmcFile::doc(std::size_t d) const noexcept {
  const std::size_t begin = offsets_[d];
  return {ids_ + begin, counts_ + begin, static_cast<std::size_t>(offsets_[d + 1] - begin)};
}

void TmcFile::check_block(std::size_t b) {
  if (block_checked_[b]) return;
  const std::size_t first = b * block_docs_, last = std::min(n_docs_, first + block_docs_);
  const std::uint64_t begin = offsets_[first], end = offsets_[last];
  Sha256 hash;
  hash.update(ids_ + begin, (end - begin) * sizeof(WordId));
  hash.update(counts_ + begin, (end - begin) * sizeof(std::uint32_t));
  std::array<unsigned char, 32> stored;
  std::memcpy(stored.data(), section_data(kBlockSums) + 32 * b, 32);
  if (hash.digest() != stored) {
    throw InputError(path_, "documents " + std::to_string(first + 1) + " to " +
                                std::to_string(last) +
                                ": checksum does not match; the file is corrupted");
  }
  for (std::size_t d = first; d < last; ++d) {
    const TmcDocView view = doc(d);
    for (std::size_t i = 0; i < view.n; ++i) {
      if (view.ids[i] >= vocab_.size() || (i > 0 && view.ids[i] <= view.ids[i - 1]) ||
          view.counts[i] == 0) {
        throw InputError(path_, "document " + std::to_string(d + 1) + ": entry " +
                                    std::to_string(i + 1) + " (word id " +
                                    std::to_string(view.ids[i]) + ", count " +
                                    std::to_string(view.counts[i]) +
                                    ") is invalid; expected increasing word ids below " +
                                    std::to_string(vocab_.size()) + " and counts >= 1");
      }
    }
  }
  block_checked_[b] = 1;
}

void TmcFile::check_documents(std::size_t first, std::size_t last) {
  if (first > last || last > n_docs_) {
    throw UsageError(path_ + ": documents [" + std::to_string(first) + ", " + std::to_string(last) +
                     ") out of range; it holds " + std::to_string(n_docs_));
  }
  if (first == last) return;
  for (std::size_t b = first / block_docs_; b <= (last - 1) / block_docs_; ++b) check_block(b);
}

Corpus TmcFile::read(std::size_t first, std::size_t last) {
  check_documents(first, last);
  Corpus corpus(vocab_);
  std::vector<std::string> ids, labels;
  std::vector<std::pair<WordId, Count>> entries;
  for (std::size_t d = first; d < last; ++d) {
    const TmcDocView view = doc(d);
    entries.resize(view.n);
    for (std::size_t i = 0; i < view.n; ++i) entries[i] = {view.ids[i], view.counts[i]};
    corpus.add_document(entries, doc_id(d), label(d));
  }
  if (first == 0 && last == n_docs_ && corpus.n_tokens() != static_cast<double>(n_tokens_)) {
    throw InputError(path_, "holds " +
                                std::to_string(static_cast<std::uint64_t>(corpus.n_tokens())) +
                                " tokens; its header says " + std::to_string(n_tokens_) +
                                " (the file is corrupted)");
  }
  return corpus;
}

}  // namespace tmkit
