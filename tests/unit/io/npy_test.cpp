#include "tmkit/io/npy.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>
#include <tuple>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"

BOOST_AUTO_TEST_SUITE(npy)

using tmkit::test::ScratchDir;

BOOST_AUTO_TEST_CASE(round_trip_keeps_shape_order_and_bits) {
  ScratchDir dir;
  arma::mat m = {{1.0, 2.0, 3.0}, {4.0, 5.0, 1.0 / 3.0}};
  tmkit::write_npy_file(dir.file("m.npy"), m);
  const std::string bytes = tmkit::read_file(dir.file("m.npy"));
  BOOST_TEST(bytes.compare(0, 6, "\x93NUMPY") == 0);
  const std::size_t header = 10 + static_cast<unsigned char>(bytes[8]);
  BOOST_TEST(header % 64 == 0u);  // data aligned as numpy writes it
  BOOST_TEST(bytes.find("'shape': (2, 3)") != std::string::npos);
  BOOST_TEST(bytes.find("'descr': '<f8'") != std::string::npos);
  double second;  // C order: the second value stored is m(0, 1)
  std::memcpy(&second, bytes.data() + header + 8, 8);
  BOOST_TEST(second == 2.0);
  BOOST_TEST(tmkit::test::bit_identical(tmkit::read_npy_matrix(dir.file("m.npy")), m));
}

// Hand-made files in other dtypes and Fortran order, as numpy.save writes them.
std::string npy_bytes(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

BOOST_AUTO_TEST_CASE(reads_float32_int64_and_fortran_order) {
  ScratchDir dir;
  const float f[4] = {1.5f, 2.5f, 3.5f, 4.5f};
  dir.write("f.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                               std::string(reinterpret_cast<const char*>(f), sizeof f)));
  const arma::mat a = tmkit::read_npy_matrix(dir.file("f.npy"));
  BOOST_TEST(a(0, 1) == 3.5);  // Fortran order: column 0 is (1.5, 2.5)
  BOOST_TEST(a(1, 0) == 2.5);
  const std::int64_t i[3] = {7, -2, 9};
  dir.write("i.npy", npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                               std::string(reinterpret_cast<const char*>(i), sizeof i)));
  const tmkit::NpyArray v = tmkit::read_npy(dir.file("i.npy"));
  BOOST_TEST(v.shape.size() == 1u);
  BOOST_TEST(v.data[1] == -2.0);
}

BOOST_AUTO_TEST_CASE(damaged_files_are_refused) {
  ScratchDir dir;
  tmkit::write_npy_file(dir.file("m.npy"), arma::mat(3, 3, arma::fill::ones));
  const std::string good = tmkit::read_file(dir.file("m.npy"));
  dir.write("short.npy", good.substr(0, good.size() - 5));
  BOOST_CHECK_THROW(tmkit::read_npy(dir.file("short.npy")), tmkit::InputError);
  dir.write("magic.npy", "NOTNUMPY" + good.substr(8));
  BOOST_CHECK_THROW(tmkit::read_npy(dir.file("magic.npy")), tmkit::InputError);
  dir.write("dtype.npy", npy_bytes("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }",
                                   std::string(16, '\0')));
  BOOST_CHECK_THROW(tmkit::read_npy(dir.file("dtype.npy")), tmkit::InputError);
  // Shapes cut or garbled (found by mutating valid files): bad input, never an internal error.
  for (const char* shape : {"", "(", ")", "(3, x)", "(-1,)", "(3 4)", "3"}) {
    const std::string header =
        std::string("{'descr': '<f8', 'fortran_order': False, 'shape': ") + shape + "}";
    dir.write("shape.npy", npy_bytes(header, std::string(8, '\0')));
    BOOST_CHECK_THROW(tmkit::read_npy(dir.file("shape.npy")), tmkit::InputError);
  }
  // Found by fuzzing: an empty or unquoted dtype read past its end; a shape whose element count
  // overflows wrapped to 0 and passed the data-size check.
  for (const char* descr : {"\"\"", "''", "'<'", "<f8", "'<f8\"", "'(f8'"}) {
    const std::string header =
        std::string("{'descr': ") + descr + ", 'fortran_order': False, 'shape': (1,), }";
    dir.write("descr.npy", npy_bytes(header, std::string(8, '\0')));
    BOOST_CHECK_THROW(tmkit::read_npy(dir.file("descr.npy")), tmkit::InputError);
  }
  // An empty array reads as an empty matrix of its shape (it pointed Armadillo at no data).
  dir.write("empty.npy",
            npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", ""));
  const arma::mat empty = tmkit::read_npy_matrix(dir.file("empty.npy"));
  BOOST_TEST(empty.n_rows == 0u);
  BOOST_TEST(empty.n_cols == 3u);
  dir.write("wide.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, "
                                  "'shape': (0, 88888888888888888), }",
                                  ""));
  BOOST_CHECK_THROW(tmkit::read_npy(dir.file("wide.npy")), tmkit::InputError);
  dir.write("huge.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, "
                                  "'shape': (4294967296, 4294967296), }",
                                  ""));
  try {
    tmkit::read_npy(dir.file("huge.npy"));
    BOOST_ERROR("an overflowing shape was accepted");
  } catch (const tmkit::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("larger than any file can hold") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(streamed_reading_and_banded_writing_keep_every_value) {
  // Larger than one chunk of the reader (2^16 items) and one band of the writer (2^17 values):
  // every value in its place, either way.
  ScratchDir dir;
  arma::mat m(700, 333);
  for (arma::uword j = 0; j < m.n_cols; ++j)
    for (arma::uword i = 0; i < m.n_rows; ++i) m(i, j) = double(i) * 1000.0 + double(j) + 0.25;
  tmkit::write_npy_file(dir.file("big.npy"), m);
  BOOST_TEST(tmkit::test::bit_identical(tmkit::read_npy_matrix(dir.file("big.npy")), m));
  // The same gzip-compressed reads the same.
  dir.write("big.npy.gz",
            tmkit::test::compress(tmkit::read_file(dir.file("big.npy")), tmkit::Compression::gzip));
  BOOST_TEST(tmkit::test::bit_identical(tmkit::read_npy_matrix(dir.file("big.npy.gz")), m));
  // Big-endian values are swapped.
  const unsigned char be[16] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0};
  dir.write("be.npy", npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                                std::string(reinterpret_cast<const char*>(be), sizeof be)));
  const tmkit::NpyArray v = tmkit::read_npy(dir.file("be.npy"));
  BOOST_TEST(v.data[0] == 1.5);
  BOOST_TEST(v.data[1] == -2.0);
}

BOOST_AUTO_TEST_CASE(data_after_the_array_or_missing_is_named) {
  ScratchDir dir;
  tmkit::write_npy_file(dir.file("m.npy"), arma::mat(2, 2, arma::fill::ones));
  const std::string good = tmkit::read_file(dir.file("m.npy"));
  for (const auto& [name, bytes, held] :
       {std::tuple{"long.npy", good + "xyz", "holds 35 data bytes; expected 32"},
        std::tuple{"cut.npy", good.substr(0, good.size() - 3), "holds 29 data bytes"}}) {
    dir.write(name, bytes);
    try {
      tmkit::read_npy(dir.file(name));
      BOOST_ERROR(name << " was accepted");
    } catch (const tmkit::InputError& e) {
      BOOST_TEST(std::string(e.what()).find(held) != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
