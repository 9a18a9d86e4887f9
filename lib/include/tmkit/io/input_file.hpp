// Files read as their content: a gzip, bzip2 or xz file comes out decompressed, judged by its magic
// bytes and never by its name, so that every reader of corpora and matrices takes files as they are
// distributed (UCI's docword.nytimes.txt.gz, say).
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tmkit {

/// The compressions tmkit reads transparently.
enum class Compression { none, gzip, bzip2, xz };

/// Which of them `head` (a file's first bytes) starts with; none for anything else, including
/// compressions tmkit does not read (zstd, zip: check_text_content refuses those with advice).
Compression compression_of(std::string_view head) noexcept;

/// The compression of the file at `path`, from its first bytes (none if it cannot be read).
Compression compression_of_file(const std::string& path);

/// "gzip", "bzip2", "xz" or "none".
const char* compression_name(Compression compression) noexcept;

/// An input stream over the content of the file at `path`, decompressed as it is read. Opening
/// throws InputError naming the file when it cannot be read; reading throws InputError when the
/// compressed data are corrupt, cut short, or followed by data of another kind (the stream has
/// badbit in its exception mask, so the error reaches the caller unchanged).
class InputFile : public std::istream {
 public:
  explicit InputFile(const std::string& path);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  Compression compression() const noexcept;

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
};

/// What tells that a file is unchanged without reading it: its device, inode, size and time of
/// last modification (in nanoseconds). Equal stamps taken before some work and after it mean the
/// file was neither replaced nor rewritten in between.
struct FileStamp {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileStamp& o) const noexcept {
    return device == o.device && inode == o.inode && size == o.size && modified_ns == o.modified_ns;
  }
};

/// The stamp of the file at `path`; std::nullopt when it cannot be looked at.
std::optional<FileStamp> stamp_of(const std::string& path);

/// The first `max_bytes` bytes of the file's content (fewer if it is shorter), decompressed.
std::string read_head(const std::string& path, std::size_t max_bytes);

}  // namespace tmkit
