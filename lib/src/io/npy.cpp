#include "tmkit/io/npy.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "tmkit/core/error.hpp"
#include "tmkit/core/memory_limit.hpp"
#include "tmkit/core/process.hpp"
#include "tmkit/io/input_file.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/numbers.hpp"

namespace tmkit {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLength = 6;
constexpr std::size_t kHeaderAlignment = 64;  // numpy >= 1.x pads the header so data is aligned

bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  unsigned char first = 0;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) text += ",";
    if (i + 1 < shape.size()) text += " ";
  }
  return text + ")";
}

// Finds the value text after 'key': in a numpy header dict.
std::string header_value(const std::string& header, const std::string& key,
                         const std::string& path) {
  const std::string quoted_key = "'" + key + "'";
  std::size_t at = header.find(quoted_key);
  if (at == std::string::npos) throw InputError(path, "npy header lacks '" + key + "'");
  at = header.find(':', at + quoted_key.size());
  if (at == std::string::npos) throw InputError(path, "npy header is malformed near '" + key + "'");
  ++at;
  while (at < header.size() && header[at] == ' ') ++at;
  std::size_t end = at;
  if (header[at] == '(') {
    end = header.find(')', at);
    if (end == std::string::npos) throw InputError(path, "npy header has an unclosed shape");
    ++end;
  } else if (header[at] == '\'' || header[at] == '"') {
    end = header.find(header[at], at + 1);
    if (end == std::string::npos) throw InputError(path, "npy header has an unclosed string");
    ++end;
  } else {
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  }
  return header.substr(at, end - at);
}

}  // namespace

void write_npy_header(std::ostream& out, const std::vector<std::size_t>& shape) {
  std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  // Pad with spaces and end with '\n' so that magic + version + length + header is a multiple
  // of 64.
  const std::size_t preamble = kMagicLength + 2 + 2;
  const std::size_t total = preamble + header.size() + 1;
  header.append((kHeaderAlignment - total % kHeaderAlignment) % kHeaderAlignment, ' ');
  header += '\n';
  out.write(kMagic, kMagicLength);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const auto length = static_cast<std::uint16_t>(header.size());
  const char length_bytes[2] = {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8)};
  out.write(length_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
}

void write_npy_values(std::ostream& out, const double* data, std::size_t count) {
  if (host_is_little_endian()) {
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(count * sizeof(double)));
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      char bytes[8];
      std::memcpy(bytes, data + i, 8);
      for (int b = 7; b >= 0; --b) out.put(bytes[b]);
    }
  }
}

void write_npy(std::ostream& out, const double* data, const std::vector<std::size_t>& shape) {
  write_npy_header(out, shape);
  std::size_t count = 1;
  for (std::size_t n : shape) count *= n;
  write_npy_values(out, data, count);
}

void write_npy(std::ostream& out, const arma::mat& matrix) {
  write_npy_header(out, {matrix.n_rows, matrix.n_cols});
  // Row-major rows, a band of rows at a time (transposed through a buffer of about 1 MiB), so that
  // writing never holds a second copy of the matrix.
  const std::size_t n_rows = matrix.n_rows, n_cols = matrix.n_cols;
  if (n_rows == 0 || n_cols == 0) return;
  const std::size_t band = std::max<std::size_t>(1, (std::size_t(1) << 17) / n_cols);
  std::vector<double> rows(std::min(band, n_rows) * n_cols);
  for (std::size_t first = 0; first < n_rows; first += band) {
    const std::size_t last = std::min(n_rows, first + band);
    for (std::size_t j = 0; j < n_cols; ++j) {
      const double* column = matrix.colptr(j);
      for (std::size_t i = first; i < last; ++i) rows[(i - first) * n_cols + j] = column[i];
    }
    write_npy_values(out, rows.data(), (last - first) * n_cols);
  }
}

void write_npy_file(const std::string& path, const arma::mat& matrix) {
  AtomicFile file(path, /*binary=*/true);
  write_npy(file.stream(), matrix);
  file.commit();
}

namespace {

// Converts `count` items of `kind` ("f8", "f4", "i8", "i4") from `raw` to doubles at `out`,
// swapping the byte order when `swap`. One loop per kind: the kind is not looked at per item.
template <class Item>
void convert_items(const char* raw, std::size_t count, bool swap, double* out) {
  for (std::size_t i = 0; i < count; ++i) {
    unsigned char bytes[sizeof(Item)];
    std::memcpy(bytes, raw + i * sizeof(Item), sizeof(Item));
    if (swap) std::reverse(bytes, bytes + sizeof(Item));
    Item v;
    std::memcpy(&v, bytes, sizeof(Item));
    out[i] = static_cast<double>(v);
  }
}

// Reads up to `n` bytes; returns how many were read.
std::size_t read_some(std::istream& in, char* to, std::size_t n) {
  in.read(to, static_cast<std::streamsize>(n));
  return static_cast<std::size_t>(in.gcount());
}

}  // namespace

NpyArray read_npy(const std::string& path) { return read_npy(path, NpyChunkCheck{}); }

NpyArray read_npy(const std::string& path, const NpyChunkCheck& check,
                  std::vector<double> storage) {
  // Streamed: the header first, then the data straight into the array, a chunk at a time, so that
  // reading never holds the file's bytes and the array at once.
  InputFile in(path);
  char preamble[12];
  std::size_t got = read_some(in, preamble, kMagicLength + 4);
  if (got < kMagicLength + 4 || std::memcmp(preamble, kMagic, kMagicLength) != 0) {
    throw InputError(path, "is not a .npy file (bad magic string); expected NumPy's format");
  }
  const auto major = static_cast<unsigned char>(preamble[kMagicLength]);
  std::size_t header_length = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(preamble[8]) |
                    (static_cast<std::size_t>(static_cast<unsigned char>(preamble[9])) << 8);
  } else if (major == 2 || major == 3) {
    if (read_some(in, preamble + 10, 2) < 2) throw InputError(path, "truncated .npy header");
    for (int i = 3; i >= 0; --i) {
      header_length = (header_length << 8) | static_cast<unsigned char>(preamble[8 + i]);
    }
  } else {
    throw InputError(
        path, ".npy version " + std::to_string(major) + " is not supported; expected 1, 2 or 3");
  }
  // NumPy's headers are a few hundred bytes; a length beyond this is a damaged file, not a header
  // to allocate for.
  constexpr std::size_t kMaxHeader = std::size_t(1) << 20;
  if (header_length > kMaxHeader) throw InputError(path, "truncated .npy header");
  std::string header(header_length, '\0');
  if (read_some(in, header.data(), header_length) < header_length) {
    throw InputError(path, "truncated .npy header");
  }
  std::string descr = header_value(header, "descr", path);
  const std::string fortran = header_value(header, "fortran_order", path);
  const std::string shape_str = header_value(header, "shape", path);
  // A quoted byte order and type: '<f8'. (Found by fuzzing: "" read past the end.)
  if (descr.size() < 5 || (descr.front() != '\'' && descr.front() != '"') ||
      descr.back() != descr.front()) {
    throw InputError(path,
                     "npy dtype " + descr + " is malformed; expected a quoted type like '<f8'");
  }
  descr = descr.substr(1, descr.size() - 2);
  NpyArray array;
  if (shape_str.size() < 2 || shape_str.front() != '(' || shape_str.back() != ')') {
    throw InputError(path,
                     "npy shape \"" + shape_str + "\" is malformed; expected a tuple like (3, 4)");
  }
  {
    std::string_view inner(shape_str);
    inner = inner.substr(1, inner.size() - 2);
    while (!inner.empty()) {
      const std::size_t comma = inner.find(',');
      std::string_view part = inner.substr(0, comma);
      inner = comma == std::string_view::npos ? std::string_view() : inner.substr(comma + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && (part.back() == ' ' || part.back() == 'L')) part.remove_suffix(1);
      if (part.empty()) continue;  // (3,) and trailing spaces
      const std::optional<std::uint64_t> n = parse_whole_number(part);
      if (!n) throw InputError(path, "npy shape " + shape_str + " is malformed");
      array.shape.push_back(static_cast<std::size_t>(*n));
    }
  }
  if (array.shape.size() > 2) {
    throw InputError(path, "has " + std::to_string(array.shape.size()) +
                               " dimensions; expected a vector or a matrix");
  }
  if (array.shape.empty()) array.shape.push_back(1);
  // Elements and bytes the shape announces, refused when they overflow (a shape of 2^32 x 2^32
  // would otherwise wrap to 0 and pass the size check below with no data).
  std::size_t count = 1;
  // Each dimension is bounded too: a shape (0, 10^16) holds no element but would have readers
  // walk 10^16 empty columns (found by fuzzing: a 10 s hang).
  for (std::size_t n : array.shape) {
    if (__builtin_mul_overflow(count, n, &count) || count > (std::size_t(1) << 60) ||
        n > (std::size_t(1) << 40)) {
      throw InputError(path, "npy shape " + shape_str + " is larger than any file can hold");
    }
  }
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '=' && order != '|') {
    throw InputError(path, "npy dtype '" + descr +
                               "' has no byte order; expected it to start with <, >, = or |");
  }
  const std::string kind = descr.substr(1);
  std::size_t item = 0;
  if (kind == "f8" || kind == "i8")
    item = 8;
  else if (kind == "f4" || kind == "i4")
    item = 4;
  else
    throw InputError(
        path, "dtype '" + descr + "' is not supported; expected float64, float32, int64 or int32");
  const bool little = order == '<' || (order == '=' && host_is_little_endian()) || order == '|';
  const bool swap = little != host_is_little_endian();
  const auto data_bytes_error = [&](std::size_t bytes) {
    return InputError(path, "holds " + std::to_string(bytes) + " data bytes; expected " +
                                std::to_string(count * item) + " for shape " + shape_str +
                                " (is the file truncated?)");
  };
  check_header_memory(path, 0, "a .npy array of shape " + shape_str, double(count) * 8.0);
  // An uncompressed file's size says at once whether the data is all there: a damaged header is
  // refused before anything is allocated for it. A compressed file's array grows as it is read.
  const bool plain = in.compression() == Compression::none;
  if (plain) {
    std::error_code ec;
    const auto size = static_cast<std::size_t>(std::filesystem::file_size(path, ec));
    const std::size_t data_start = (major == 1 ? 10 : 12) + header_length;
    if (!ec && size >= data_start && size - data_start != count * item) {
      throw data_bytes_error(size - data_start);
    }
    if (storage.size() == count) {
      array.data = std::move(storage);  // memory already touched: overwritten as read
    } else {
      // On huge pages where Linux offers them: a 144 MB matrix read into 4 KiB pages took 35,000
      // page faults, 43% of a tm-cluster run.
      array.data.reserve(count);
      advise_huge_pages(array.data.data(), count * sizeof(double));
      array.data.resize(count);
    }
  }
  // The data, a chunk at a time (512 KiB of doubles, which stay in cache for `check`): read, then
  // converted in place into the array; float64 in the machine's byte order is read straight in.
  constexpr std::size_t kChunkItems = std::size_t(1) << 16;
  const bool native = kind == "f8" && !swap;
  std::vector<char> chunk(native ? 0 : kChunkItems * item);
  std::size_t done = 0;
  while (done < count) {
    const std::size_t want = std::min(kChunkItems, count - done);
    if (!plain) array.data.resize(done + want);
    double* out = array.data.data() + done;
    char* to = native ? reinterpret_cast<char*>(out) : chunk.data();
    const std::size_t bytes = read_some(in, to, want * item);
    if (bytes < want * item) throw data_bytes_error(done * item + bytes);
    if (native) {
      // already in place
    } else if (kind == "f8") {
      convert_items<double>(chunk.data(), want, true, out);
    } else if (kind == "f4") {
      convert_items<float>(chunk.data(), want, swap, out);
    } else if (kind == "i8") {
      convert_items<std::int64_t>(chunk.data(), want, swap, out);
    } else {
      convert_items<std::int32_t>(chunk.data(), want, swap, out);
    }
    if (check) check(out, done, want);
    done += want;
  }
  // Nothing may follow the data.
  std::size_t extra = 0;
  chunk.resize(4096);
  while (true) {
    const std::size_t bytes = read_some(in, chunk.data(), chunk.size());
    if (bytes == 0) break;
    extra += bytes;
  }
  if (extra > 0) throw data_bytes_error(count * item + extra);
  if (fortran.find("True") != std::string::npos && array.shape.size() == 2 && count > 0) {
    const std::size_t rows = array.shape[0], cols = array.shape[1];
    std::vector<double> c_order(count);
    for (std::size_t j = 0; j < cols; ++j)
      for (std::size_t i = 0; i < rows; ++i) c_order[i * cols + j] = array.data[j * rows + i];
    array.data = std::move(c_order);
  }
  return array;
}

arma::mat read_npy_matrix(const std::string& path) {
  const NpyArray array = read_npy(path);
  const std::size_t rows = array.shape.size() == 2 ? array.shape[0] : 1;
  const std::size_t cols = array.shape.size() == 2 ? array.shape[1] : array.shape[0];
  if (array.data.empty()) return arma::mat(rows, cols);  // no data to point at (found by fuzzing)
  // The row-major data is the column-major store of the transpose.
  const arma::mat transposed(array.data.data(), cols, rows);
  return transposed.t();
}

}  // namespace tmkit
