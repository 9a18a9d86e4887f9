#include "tmkit/io/input_file.hpp"

#include <bzlib.h>
#include <lzma.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <streambuf>
#include <vector>

#include "tmkit/core/error.hpp"

namespace tmkit {

Compression compression_of(std::string_view head) noexcept {
  if (head.substr(0, 2) == "\x1f\x8b") return Compression::gzip;
  // bzip2's "BZh" is followed by the block size, a digit 1-9 ("BZh" alone may be text).
  if (head.size() > 3 && head.substr(0, 3) == "BZh" && head[3] >= '1' && head[3] <= '9') {
    return Compression::bzip2;
  }
  if (head.substr(0, 6) == std::string_view("\xfd"
                                            "7zXZ\0",
                                            6))
    return Compression::xz;
  return Compression::none;
}

Compression compression_of_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Compression::none;
  char magic[6] = {};
  const std::size_t size = std::fread(magic, 1, sizeof magic, file);
  std::fclose(file);
  return compression_of(std::string_view(magic, size));
}

const char* compression_name(Compression compression) noexcept {
  switch (compression) {
    case Compression::gzip:
      return "gzip";
    case Compression::bzip2:
      return "bzip2";
    case Compression::xz:
      return "xz";
    case Compression::none:
      break;
  }
  return "none";
}

namespace {

// What one call of a decoder did.
struct Step {
  std::size_t consumed = 0;
  std::size_t produced = 0;
  bool ended = false;  // the end of a compressed stream (a gzip member, a bzip2 stream)
};

// One compressed format: turns input bytes into output bytes, one call at a time.
class Decoder {
 public:
  Decoder(const std::string& path, Compression kind) : path_(path), kind_(kind) {}
  virtual ~Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  /// Decodes from `in` into `out`; `last` says that `in` holds all the input there is.
  virtual Step step(const char* in, std::size_t in_size, char* out, std::size_t out_size,
                    bool last) = 0;
  /// Starts over for another stream that follows the one that ended.
  void restart() {
    following_ = true;
    start_over();
  }

 protected:
  virtual void start_over() = 0;
  [[noreturn]] void corrupt(const std::string& detail) const {
    const std::string name = compression_name(kind_);
    if (following_) {
      throw InputError(path_, "holds data after the end of its " + name + " stream that are not " +
                                  name + " (" + detail + ")");
    }
    throw InputError(path_, "is not valid " + name + " data (" + detail +
                                "); the file is damaged or not what its start says");
  }

 private:
  const std::string& path_;
  Compression kind_;
  bool following_ = false;
};

class GzipDecoder final : public Decoder {
 public:
  explicit GzipDecoder(const std::string& path) : Decoder(path, Compression::gzip) {
    // 15 + 32: the largest window, and a gzip or zlib header detected from the data.
    if (inflateInit2(&stream_, 15 + 32) != Z_OK) throw std::bad_alloc();
  }
  ~GzipDecoder() override { inflateEnd(&stream_); }
  Step step(const char* in, std::size_t in_size, char* out, std::size_t out_size,
            bool /*last*/) override {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    stream_.avail_in = static_cast<uInt>(in_size);
    stream_.next_out = reinterpret_cast<Bytef*>(out);
    stream_.avail_out = static_cast<uInt>(out_size);
    const int status = inflate(&stream_, Z_NO_FLUSH);
    if (status == Z_MEM_ERROR) throw std::bad_alloc();
    if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
      corrupt(stream_.msg != nullptr ? stream_.msg : "zlib error " + std::to_string(status));
    }
    return {in_size - stream_.avail_in, out_size - stream_.avail_out, status == Z_STREAM_END};
  }
  void start_over() override { inflateReset(&stream_); }

 private:
  z_stream stream_{};
};

class Bzip2Decoder final : public Decoder {
 public:
  explicit Bzip2Decoder(const std::string& path) : Decoder(path, Compression::bzip2) { start(); }
  ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&stream_); }
  Step step(const char* in, std::size_t in_size, char* out, std::size_t out_size,
            bool /*last*/) override {
    stream_.next_in = const_cast<char*>(in);
    stream_.avail_in = static_cast<unsigned>(in_size);
    stream_.next_out = out;
    stream_.avail_out = static_cast<unsigned>(out_size);
    const int status = BZ2_bzDecompress(&stream_);
    if (status == BZ_MEM_ERROR) throw std::bad_alloc();
    if (status == BZ_DATA_ERROR_MAGIC) corrupt("a stream does not start with bzip2's header");
    if (status != BZ_OK && status != BZ_STREAM_END) corrupt("a block fails its integrity check");
    return {in_size - stream_.avail_in, out_size - stream_.avail_out, status == BZ_STREAM_END};
  }
  void start_over() override {
    BZ2_bzDecompressEnd(&stream_);
    start();
  }

 private:
  void start() {
    stream_ = bz_stream{};
    if (BZ2_bzDecompressInit(&stream_, 0, 0) != BZ_OK) throw std::bad_alloc();
  }
  bz_stream stream_{};
};

class XzDecoder final : public Decoder {
 public:
  explicit XzDecoder(const std::string& path) : Decoder(path, Compression::xz) { start(); }
  ~XzDecoder() override { lzma_end(&stream_); }
  Step step(const char* in, std::size_t in_size, char* out, std::size_t out_size,
            bool last) override {
    stream_.next_in = reinterpret_cast<const std::uint8_t*>(in);
    stream_.avail_in = in_size;
    stream_.next_out = reinterpret_cast<std::uint8_t*>(out);
    stream_.avail_out = out_size;
    const lzma_ret status = lzma_code(&stream_, last ? LZMA_FINISH : LZMA_RUN);
    if (status == LZMA_MEM_ERROR) throw std::bad_alloc();
    if (status == LZMA_FORMAT_ERROR) corrupt("a stream does not start with xz's header");
    if (status == LZMA_DATA_ERROR) corrupt("a block fails its integrity check");
    if (status == LZMA_OPTIONS_ERROR) corrupt("options this liblzma does not support");
    if (status != LZMA_OK && status != LZMA_STREAM_END && status != LZMA_BUF_ERROR) {
      corrupt("lzma error " + std::to_string(static_cast<int>(status)));
    }
    return {in_size - stream_.avail_in, out_size - stream_.avail_out, status == LZMA_STREAM_END};
  }
  void start_over() override {
    lzma_end(&stream_);
    start();
  }

 private:
  void start() {
    stream_ = LZMA_STREAM_INIT;
    // One stream at a time: the reader restarts the decoder for each stream that follows.
    if (lzma_stream_decoder(&stream_, UINT64_MAX, 0) != LZMA_OK) {
      throw std::bad_alloc();
    }
  }
  lzma_stream stream_ = LZMA_STREAM_INIT;
};

std::unique_ptr<Decoder> decoder_for(Compression kind, const std::string& path) {
  switch (kind) {
    case Compression::gzip:
      return std::make_unique<GzipDecoder>(path);
    case Compression::bzip2:
      return std::make_unique<Bzip2Decoder>(path);
    case Compression::xz:
      return std::make_unique<XzDecoder>(path);
    case Compression::none:
      break;
  }
  return nullptr;
}

}  // namespace

// Reads the file in 64 KiB pieces and hands out its content, through a decoder when compressed.
class InputFile::Buffer final : public std::streambuf {
 public:
  explicit Buffer(const std::string& path) : path_(path), input_(kChunk), output_(kChunk) {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      throw InputError(path, std::string("cannot open for reading: ") + std::strerror(errno));
    }
    refill();  // the first bytes tell the compression
    kind_ = compression_of(std::string_view(input_.data(), input_size_));
    decoder_ = decoder_for(kind_, path_);
  }
  ~Buffer() override { std::fclose(file_); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  Compression compression() const noexcept { return kind_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    const std::size_t size = kind_ == Compression::none ? copy_plain() : decode();
    if (size == 0) return traits_type::eof();
    setg(output_.data(), output_.data(), output_.data() + size);
    return traits_type::to_int_type(*gptr());
  }

  // A plain file's large reads (a .npy matrix) go from the file straight to the caller's memory,
  // not through the two 64 KiB buffers: on a 144 MB matrix the two copies took 2-3% of
  // tm-cluster's run.
  std::streamsize xsgetn(char* to, std::streamsize count) override {
    if (kind_ != Compression::none || count < static_cast<std::streamsize>(kChunk)) {
      return std::streambuf::xsgetn(to, count);
    }
    auto wanted = static_cast<std::size_t>(count);
    std::size_t done = 0;
    const auto take = [&](const char* from, std::size_t available) {
      const std::size_t n = std::min(available, wanted - done);
      if (n > 0) std::memcpy(to + done, from, n);  // `from` is null before the first refill
      done += n;
      return n;
    };
    gbump(static_cast<int>(take(gptr(), static_cast<std::size_t>(egptr() - gptr()))));
    input_position_ += take(input_.data() + input_position_, input_size_ - input_position_);
    if (done < wanted && !input_ended_) {
      const std::size_t got = std::fread(to + done, 1, wanted - done, file_);
      if (got < wanted - done) {
        if (std::ferror(file_)) throw InputError(path_, "read error");
        input_ended_ = true;
      }
      done += got;
    }
    return static_cast<std::streamsize>(done);
  }

 private:
  static constexpr std::size_t kChunk = std::size_t(1) << 16;

  void refill() {
    input_position_ = 0;
    input_size_ = std::fread(input_.data(), 1, input_.size(), file_);
    if (input_size_ == 0) {
      if (std::ferror(file_)) throw InputError(path_, "read error");
      input_ended_ = true;
    }
  }

  std::size_t copy_plain() {
    if (input_position_ == input_size_ && !input_ended_) refill();
    const std::size_t size = input_size_ - input_position_;
    std::memcpy(output_.data(), input_.data() + input_position_, size);
    input_position_ = input_size_;
    return size;
  }

  std::size_t decode() {
    for (;;) {
      if (input_position_ == input_size_ && !input_ended_) refill();
      if (stream_ended_) {
        if (input_ended_ && input_position_ == input_size_) return 0;
        decoder_->restart();  // another stream follows (concatenated .gz or .bz2 files)
        stream_ended_ = false;
      }
      const Step step =
          decoder_->step(input_.data() + input_position_, input_size_ - input_position_,
                         output_.data(), output_.size(), input_ended_);
      input_position_ += step.consumed;
      stream_ended_ = step.ended;
      if (step.produced > 0) return step.produced;
      if (step.ended || step.consumed > 0) continue;
      if (input_ended_) {
        throw InputError(path_, std::string("ends in the middle of its ") +
                                    compression_name(kind_) +
                                    " data; the file is truncated (an interrupted download?)");
      }
      if (input_position_ < input_size_) {
        throw InputError(path_, std::string("holds ") + compression_name(kind_) +
                                    " data its decoder cannot go on with");
      }
    }
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<char> input_, output_;
  std::size_t input_position_ = 0, input_size_ = 0;
  bool input_ended_ = false, stream_ended_ = false;
  Compression kind_ = Compression::none;
  std::unique_ptr<Decoder> decoder_;
};

InputFile::InputFile(const std::string& path) : std::istream(nullptr) {
  buffer_ = std::make_unique<Buffer>(path);
  rdbuf(buffer_.get());
  exceptions(std::ios::badbit);  // a decoding error thrown by the buffer reaches the caller
}

InputFile::~InputFile() = default;

Compression InputFile::compression() const noexcept { return buffer_->compression(); }

std::string read_head(const std::string& path, std::size_t max_bytes) {
  InputFile in(path);
  std::string head(max_bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(max_bytes));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileStamp stamp;
  stamp.device = static_cast<std::uint64_t>(st.st_dev);
  stamp.inode = static_cast<std::uint64_t>(st.st_ino);
  stamp.size = static_cast<std::uint64_t>(st.st_size);
  stamp.modified_ns =
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return stamp;
}

}  // namespace tmkit
