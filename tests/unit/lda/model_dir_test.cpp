#include "tmkit/lda/model_dir.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "support/test_support.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"
#include "tmkit/io/sha256.hpp"

BOOST_AUTO_TEST_SUITE(model_dir)

using tmkit::test::ScratchDir;

tmkit::SavedModel small_model() {
  tmkit::SavedModel saved;
  saved.model.lambda = {{1.5, 2.5, 0.25}, {3.0, 0.125, 7.0}};
  saved.model.gamma = {{1.0, 2.0, 3.0, 4.0}, {0.5, 0.25, 8.0, 1.0 / 3.0}};
  saved.model.alpha = {0.1, 0.3};
  saved.model.eta = 0.01;
  saved.vocab = {"alpha", "beta", "gamma"};
  saved.doc_ids = {"d1", "d2", "d3", "d4"};
  saved.labels = {"x", "", "y", "z"};
  saved.corpus.path = "/data/c.txt";
  saved.corpus.format = "uci";
  saved.corpus.fingerprint = std::string(64, 'a');
  saved.passes = 7;
  saved.final_elbo = -123.5;
  return saved;
}

void expect_refused(const std::string& dir, const std::string& part) {
  try {
    tmkit::load_model(dir);
    BOOST_ERROR("expected load_model to refuse " << dir);
  } catch (const tmkit::InputError& e) {
    BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(round_trip_is_exact) {
  ScratchDir dir;
  const tmkit::SavedModel saved = small_model();
  tmkit::save_model(dir.file("m"), saved, {}, "topics\n");
  const tmkit::SavedModel back = tmkit::load_model(dir.file("m"));
  BOOST_TEST(tmkit::test::bit_identical(back.model.lambda, saved.model.lambda));
  BOOST_TEST(tmkit::test::bit_identical(back.model.gamma, saved.model.gamma));
  BOOST_TEST(tmkit::test::bit_identical(back.model.alpha, saved.model.alpha));
  BOOST_TEST(back.model.eta == saved.model.eta);
  BOOST_TEST(back.vocab == saved.vocab, boost::test_tools::per_element());
  BOOST_TEST(back.labels == saved.labels, boost::test_tools::per_element());
  BOOST_TEST(back.passes == 7u);
  // gamma.npy is D x K, as numpy users expect.
  const tmkit::NpyArray gamma = tmkit::read_npy(dir.file("m/gamma.npy"));
  BOOST_TEST(gamma.shape == (std::vector<std::size_t>{4, 2}), boost::test_tools::per_element());
}

// Term frequencies are optional (older models lack them); when present they round-trip and are
// checked like every other file.
BOOST_AUTO_TEST_CASE(term_frequencies_round_trip_when_recorded) {
  ScratchDir dir;
  tmkit::SavedModel saved = small_model();
  tmkit::save_model(dir.file("old"), saved, {}, "topics\n");
  BOOST_TEST(tmkit::load_model(dir.file("old")).term_frequency.is_empty());
  BOOST_TEST(!std::filesystem::exists(dir.file("old/term_frequency.npy")));
  saved.term_frequency = {4, 0, 9};
  tmkit::save_model(dir.file("m"), saved, {}, "topics\n");
  BOOST_TEST(tmkit::test::bit_identical(tmkit::load_model(dir.file("m")).term_frequency,
                                        saved.term_frequency));
  tmkit::write_file_atomically(dir.file("m/term_frequency.npy"), "changed");
  expect_refused(dir.file("m"), "term_frequency.npy");
  saved.term_frequency = {4, 0};
  BOOST_CHECK_THROW(tmkit::save_model(dir.file("bad"), saved, {}, "topics\n"), tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(damaged_directories_are_refused) {
  ScratchDir dir;
  tmkit::save_model(dir.file("m"), small_model(), {}, "topics\n");
  // One flipped byte in gamma.npy.
  std::string bytes = tmkit::read_file(dir.file("m/gamma.npy"));
  bytes[bytes.size() - 3] ^= 0x01;
  dir.write("m/gamma.npy", bytes);
  expect_refused(dir.file("m"), "gamma.npy: sha256 does not match");

  tmkit::save_model(dir.file("m"), small_model(), {}, "topics\n");
  std::filesystem::remove(dir.file("m/vocab.txt"));
  expect_refused(dir.file("m"), "vocab.txt: is missing");

  tmkit::save_model(dir.file("m"), small_model(), {}, "topics\n");
  dir.write("m/model.json", "{ \"format_version\": 1, ");
  expect_refused(dir.file("m"), "model.json: is not valid JSON");

  expect_refused(dir.file("nowhere"), "is not a model directory");

  // A number beyond a double's range (found by mutating model.json): bad input, not an internal
  // error.
  tmkit::save_model(dir.file("m"), small_model(), {}, "topics\n");
  std::string json = tmkit::read_file(dir.file("m/model.json"));
  json.replace(json.find("\"eta\": ") + 7, 0, "1e999");
  dir.write("m/model.json", json);
  expect_refused(dir.file("m"), "model.json: is not valid JSON");

  tmkit::save_model(dir.file("m"), small_model(), {}, "topics\n");
  json = tmkit::read_file(dir.file("m/model.json"));
  json.replace(json.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  dir.write("m/model.json", json);
  expect_refused(dir.file("m"), "model.json: format_version 9 is not supported; expected 1");
}

BOOST_AUTO_TEST_CASE(non_finite_parameters_are_refused_even_with_good_checksums) {
  ScratchDir dir;
  tmkit::SavedModel saved = small_model();
  saved.model.lambda(1, 2) = arma::datum::nan;
  // save_model does not judge the numbers; load_model must.
  tmkit::save_model(dir.file("m"), saved, {}, "topics\n");
  expect_refused(dir.file("m"), "lambda holds nan");
}

BOOST_AUTO_TEST_SUITE_END()
