// File-level plumbing shared by every reader and writer: whole-file reads with line numbers,
// outputs that appear complete or not at all, and the number format of tmkit's text outputs.
#pragma once

#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace tmkit {

/// The whole content of a file, decompressed when it is gzip, bzip2 or xz (input_file.hpp);
/// InputError naming the file if it cannot be opened or read.
std::string read_file(const std::string& path);

/// Iterates over the lines of a text held in memory, counting them from 1. Accepts "\n" and
/// "\r\n" line ends; the last line need not end with one.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}
  /// Sets `line` to the next line without its end; false at the end of the text.
  bool next(std::string_view& line);
  /// 1-based number of the line last returned by next().
  std::size_t line_number() const noexcept { return line_number_; }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_number_ = 0;
};

/// Refuses (InputError naming `path`) content that cannot be the text `expected` names ("a text
/// corpus"), judged by the first bytes `head` of its content (decompressed, input_file.hpp): a
/// packing tmkit does not undo (zstd, zip, or a second layer of gzip, bzip2 or xz; by their magic
/// bytes, whatever the file's name), binary data (a NUL byte), or bytes that are mostly not UTF-8
/// (more than 10% of the first 64 KiB in invalid sequences; text in Latin-1 has a few percent).
void check_text_content(std::string_view head, const std::string& path,
                        const std::string& expected);

/// printf into a string, of any length.
std::string format_text(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

/// The lines of the file at `path` as LineReader reads them (InputError when it cannot be read).
std::vector<std::string> read_lines(const std::string& path);

/// A file written under a temporary name next to its destination and renamed over it by commit(),
/// so that readers see either the old file or the complete new one. Destroyed without commit(),
/// it removes the temporary file (a failed run leaves nothing behind).
class AtomicFile {
 public:
  /// Opens `<path>.tmp-<pid>` for writing; InputError if the directory is not writable.
  explicit AtomicFile(std::string path, bool binary = false);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ofstream& stream() noexcept { return stream_; }
  const std::string& path() const noexcept { return path_; }
  /// The file being written (for a writer that reads back what it wrote, after a flush).
  const std::string& temp_path() const noexcept { return temp_path_; }
  /// Flushes, checks the stream, closes and renames into place; InputError on any write failure,
  /// Interrupted (and nothing renamed) when a stop was requested (interrupt.hpp).
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  std::ofstream stream_;
  bool committed_ = false;
};

/// A directory built under a temporary name beside its destination, then swapped in by commit():
/// an existing directory at the destination is replaced only by a complete new one (Linux's
/// renameat2 RENAME_EXCHANGE makes the swap atomic). Destroyed without commit(), it removes the
/// temporary directory and leaves the destination untouched.
class AtomicDirectory {
 public:
  /// Creates `<path>.tmp-<pid>`; InputError if that is impossible (unwritable parent, say) or if
  /// `path` exists and is not a directory.
  explicit AtomicDirectory(std::string path);
  ~AtomicDirectory();
  AtomicDirectory(const AtomicDirectory&) = delete;
  AtomicDirectory& operator=(const AtomicDirectory&) = delete;

  /// Path of a file inside the temporary directory.
  std::string file(const std::string& name) const { return temp_path_ + "/" + name; }
  const std::string& temp_path() const noexcept { return temp_path_; }
  const std::string& path() const noexcept { return path_; }
  /// Moves the finished directory into place (replacing an old one); InputError on failure,
  /// Interrupted (and nothing moved) when a stop was requested (interrupt.hpp).
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  bool committed_ = false;
};

/// Writes `contents` to `path` through an AtomicFile.
void write_file_atomically(const std::string& path, std::string_view contents);

/// A double as tmkit writes numbers in text: "%.17g" (round-trip exact), "inf", "-inf", "nan".
std::string format_double(double value);

/// A double as messages quote it: the shortest form that reads back as the same double ("0.3",
/// not "0.29999999999999999"), "inf", "-inf", "nan".
std::string format_shortest(double value);

}  // namespace tmkit
