#include "tmkit/io/io.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "detail/utf8.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/core/interrupt.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/io/input_file.hpp"

namespace tmkit {
namespace fs = std::filesystem;

namespace {
std::string temp_name(const std::string& path) {
  return path + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
}
std::string errno_text() { return std::strerror(errno); }
}  // namespace

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path, "is a directory; expected a file");
  if (compression_of_file(path) != Compression::none) {
    // Decompressed as it is read, the size not known beforehand. (Not `<< rdbuf()`, which would
    // swallow a decoding error.)
    // Content larger than half the machine's memory is refused before it is held (a
    // decompression bomb: a few MB of gzip can decompress to terabytes).
    InputFile in(path);
    std::string content;
    std::vector<char> piece(std::size_t(1) << 16);
    const double limit = machine_memory() / 2;
    while (in) {
      in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
      if (static_cast<double>(content.size() + piece.size()) > limit) {
        throw InputError(path,
                         "decompresses to more than half this machine's memory; expected a "
                         "smaller file (is it what it should be?)");
      }
      content.append(piece.data(), static_cast<std::size_t>(in.gcount()));
    }
    return content;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open for reading: " + errno_text());
  // One allocation of the file's size and one read when the size is known (a regular file);
  // otherwise (a pipe) a growing buffer.
  const auto size = fs::file_size(path, ec);
  if (!ec) {
    std::string content(static_cast<std::size_t>(size), '\0');
    in.read(content.data(), static_cast<std::streamsize>(size));
    if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != size) {
      throw InputError(path, "read error");
    }
    if (in.peek() == std::ifstream::traits_type::eof()) return content;
    std::ostringstream rest;  // the file grew while being read
    rest << in.rdbuf();
    return content + std::move(rest).str();
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path, "read error");
  return std::move(buffer).str();
}

bool LineReader::next(std::string_view& line) {
  if (position_ >= text_.size()) return false;
  std::size_t end = text_.find('\n', position_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(position_, end - position_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  position_ = end + 1;
  ++line_number_;
  return true;
}

namespace {

// The packings tmkit does not undo itself: their magic bytes, name and the command that undoes
// them. (gzip, bzip2 and xz files are decompressed as they are read: input_file.hpp.)
struct Packing {
  std::string_view magic;
  const char* name;
  const char* undo;
};
const Packing* packing_of(std::string_view head) {
  static const Packing kPackings[] = {
      {"\x28\xb5\x2f\xfd", "zstd-compressed", "unzstd FILE"},
      {"PK\x03\x04", "a zip archive", "unzip FILE"},
      {"\x1f\x8b", "gzip-compressed twice", "gunzip -c FILE | gunzip"},
      {"BZh", "bzip2-compressed twice", "bunzip2 -c FILE | bunzip2"},
      {std::string_view("\xfd"
                        "7zXZ\0",
                        6),
       "xz-compressed twice", "unxz -c FILE | unxz"}};
  const Compression inner = compression_of(head);
  for (const Packing& packing : kPackings) {
    if (head.substr(0, packing.magic.size()) != packing.magic) continue;
    if (packing.magic == "BZh" && inner != Compression::bzip2) continue;  // "BZh" may be text
    return &packing;
  }
  return nullptr;
}

// Bytes of `text` that do not start a valid UTF-8 sequence (the tokenizer's decoder decides).
std::size_t invalid_utf8_bytes(std::string_view text) {
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = detail::decode_utf8(text, i, code_point);
    invalid += length == 0;
    i += length == 0 ? 1 : length;
  }
  return invalid;
}

}  // namespace

void check_text_content(std::string_view head, const std::string& path,
                        const std::string& expected) {
  head = head.substr(0, std::size_t(1) << 16);
  if (const Packing* packing = packing_of(head)) {
    std::string undo = packing->undo;
    undo.replace(undo.find("FILE"), 4, path);
    throw InputError(path, std::string("is ") + packing->name + "; expected " + expected +
                               ": unpack it first (e.g. " + undo + ")");
  }
  const std::size_t nul = head.find('\0');
  if (nul != std::string_view::npos) {
    throw InputError(path, "holds binary data (a NUL byte at offset " + std::to_string(nul) +
                               "); expected " + expected);
  }
  const std::size_t invalid = invalid_utf8_bytes(head);
  if (invalid * 10 > head.size()) {
    throw InputError(path, std::to_string(invalid) + " of its first " +
                               std::to_string(head.size()) + " bytes are not UTF-8; expected " +
                               expected + " (is this a binary file?)");
  }
}

std::string format_text(const char* pattern, ...) {
  va_list args;
  va_start(args, pattern);
  va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, pattern, args);
  va_end(args);
  std::string text(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(text.data(), text.size() + 1, pattern, again);
  va_end(again);
  return text;
}

std::vector<std::string> read_lines(const std::string& path) {
  const std::string content = read_file(path);
  LineReader reader(content);
  std::string_view line;
  std::vector<std::string> lines;
  while (reader.next(line)) lines.emplace_back(line);
  return lines;
}

AtomicFile::AtomicFile(std::string path, bool binary)
    : path_(std::move(path)), temp_path_(temp_name(path_)) {
  std::error_code ec;
  if (fs::is_directory(path_, ec)) throw OutputError(path_, "is a directory; expected a file path");
  stream_.open(temp_path_, binary ? std::ios::binary | std::ios::trunc : std::ios::trunc);
  if (!stream_) {
    throw OutputError(path_, "cannot write here (" + errno_text() + "); expected a writable path");
  }
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    stream_.close();
    std::remove(temp_path_.c_str());
  }
}

void AtomicFile::commit() {
  if (!commits_allowed()) throw Interrupted("interrupted");  // a run asked to stop writes nothing
  stream_.flush();
  if (!stream_) throw OutputError(path_, "write failed (disk full?)");
  stream_.close();
  if (stream_.fail()) throw OutputError(path_, "write failed on close");
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    throw OutputError(path_, "cannot move the finished file into place: " + errno_text());
  }
  committed_ = true;
}

AtomicDirectory::AtomicDirectory(std::string path)
    : path_(std::move(path)), temp_path_(temp_name(path_)) {
  while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
  temp_path_ = temp_name(path_);
  std::error_code ec;
  if (fs::exists(path_, ec) && !fs::is_directory(path_, ec)) {
    throw OutputError(path_, "exists and is not a directory; expected a directory path");
  }
  fs::remove_all(temp_path_, ec);
  if (!fs::create_directory(temp_path_, ec)) {
    throw OutputError(path_, "cannot create the output directory here (" + ec.message() +
                                 "); expected a writable location");
  }
}

AtomicDirectory::~AtomicDirectory() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(temp_path_, ec);
  }
}

void AtomicDirectory::commit() {
  if (!commits_allowed()) throw Interrupted("interrupted");  // a run asked to stop writes nothing
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      throw OutputError(path_, "cannot move the finished directory into place: " + errno_text());
    }
  } else {
    // Swap old and new in one step, then remove the old one (now at the temporary name).
    if (::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
      fs::remove_all(temp_path_, ec);
    } else if (errno == EINVAL || errno == ENOSYS) {
      // A file system without the exchange: move the old directory aside first.
      const std::string old_path = path_ + ".old-" + std::to_string(static_cast<long>(::getpid()));
      if (std::rename(path_.c_str(), old_path.c_str()) != 0 ||
          std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
        throw OutputError(path_, "cannot replace the existing directory: " + errno_text());
      }
      fs::remove_all(old_path, ec);
    } else {
      throw OutputError(path_, "cannot replace the existing directory: " + errno_text());
    }
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicFile file(path);
  file.stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
  file.commit();
}

std::string format_shortest(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace tmkit
