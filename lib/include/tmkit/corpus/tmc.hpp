// .tmc, tmkit's binary corpus: one file holding a Corpus (documents, vocabulary, ids, labels) in a
// layout a process can memory-map and read any range of documents from without touching the rest.
// Every part carries a SHA-256 checksum; the documents are checksummed in fixed blocks of
// documents, so a reader of a range checks only the blocks it reads. The byte layout is in
// docs/formats.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tmkit/corpus/corpus.hpp"

namespace tmkit {

/// One document as a .tmc file stores it: word ids and 32-bit whole counts.
struct TmcDocView {
  const WordId* ids = nullptr;
  const std::uint32_t* counts = nullptr;
  std::size_t n = 0;
};

/// Documents per checksummed block of a .tmc file written by write_tmc.
constexpr std::size_t kTmcBlockDocs = 1024;

/// Writes `corpus` to `path` as .tmc (complete or not at all); UsageError unless its counts are
/// whole numbers up to kMaxFileCount.
void write_tmc(const Corpus& corpus, const std::string& path,
               std::size_t block_docs = kTmcBlockDocs);

/// True when the file at `path` starts with the .tmc magic bytes.
bool is_tmc_file(const std::string& path);

/// A .tmc file mapped read-only. Opening it checks the header, the section table against the file's
/// size (a truncated file is refused), and the checksums and consistency of everything but the
/// document entries: offsets, vocabulary, ids and labels. The entries of a block of documents are
/// checked (checksum, word ids < V and increasing, counts >= 1) the first time a document of the
/// block is read through documents() or read(); doc() itself does not check. Throws InputError
/// naming the file and the problem.
class TmcFile {
 public:
  explicit TmcFile(const std::string& path);
  ~TmcFile();
  TmcFile(const TmcFile&) = delete;
  TmcFile& operator=(const TmcFile&) = delete;

  const std::string& path() const noexcept { return path_; }
  std::size_t n_docs() const noexcept { return n_docs_; }
  std::size_t n_words() const noexcept { return vocab_.size(); }
  std::size_t n_nonzeros() const noexcept { return n_nonzeros_; }
  std::uint64_t n_tokens() const noexcept { return n_tokens_; }
  std::size_t block_docs() const noexcept { return block_docs_; }
  const std::vector<std::string>& vocab() const noexcept { return vocab_; }
  std::string doc_id(std::size_t d) const;
  std::string label(std::size_t d) const;

  /// Document d straight from the map, unchecked (call check_documents first).
  TmcDocView doc(std::size_t d) const noexcept;
  /// Checks the blocks holding documents [first, last) (once per block per TmcFile).
  void check_documents(std::size_t first, std::size_t last);
  /// Documents [first, last) in memory, checked, with the vocabulary, ids and labels.
  Corpus read(std::size_t first, std::size_t last);
  /// Checks every block, then returns all documents.
  Corpus read_all() { return read(0, n_docs_); }

  /// "tmc-sha256:HEX": SHA-256 of the file's section table, which holds the checksum of every part
  /// (so it identifies the content without reading the documents).
  std::string fingerprint() const { return fingerprint_; }

 private:
  struct Section {
    std::uint64_t offset = 0, bytes = 0;
    std::array<unsigned char, 32> sha256{};
  };
  const unsigned char* section_data(int s) const noexcept { return base_ + sections_[s].offset; }
  std::string string_at(int offsets_section, int bytes_section, std::size_t i) const;
  void check_block(std::size_t b);

  std::string path_;
  const unsigned char* base_ = nullptr;
  std::size_t size_ = 0;
  std::size_t n_docs_ = 0, n_nonzeros_ = 0, block_docs_ = 0;
  std::uint64_t n_tokens_ = 0;
  std::vector<Section> sections_;
  const std::uint64_t* offsets_ = nullptr;
  const WordId* ids_ = nullptr;
  const std::uint32_t* counts_ = nullptr;
  std::vector<std::string> vocab_;
  std::vector<char> block_checked_;
  std::string fingerprint_;
};

}  // namespace tmkit
