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

#include "tmkit/core/error.hpp"
#include "tmkit/core/interrupt.hpp"

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
