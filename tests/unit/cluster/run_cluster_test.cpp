#include "tmkit/cluster/run_cluster.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/test_support.hpp"
#include "tmkit/cluster/cluster_tree.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/npy.hpp"

namespace fs = std::filesystem;
using tmkit::test::ScratchDir;

namespace {

// Three well-separated groups of 8 distributions over 5 outcomes.
tmkit::RowSet three_groups() {
  tmkit::RowSet rows;
  rows.source = "three groups";
  rows.columns.set_size(5, 24);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> noise(0.0, 0.05);
  for (std::size_t i = 0; i < 24; ++i) {
    for (std::size_t k = 0; k < 5; ++k) rows.columns(k, i) = noise(rng) + (k == i / 8 ? 1.0 : 0.0);
    rows.columns.col(i) /= arma::accu(rows.columns.col(i));
    rows.ids.push_back("doc" + std::to_string(i));
    rows.labels.push_back("group" + std::to_string(i / 8));
  }
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_cluster)

// Two points have one distance, whose correlation with anything is 0/0; so do three points at
// distances 1, 1, 2 under single linkage, whose tree merges twice at 1 (the heights do not vary).
// The summary says so in words, not "-nan" (scipy's cophenet returns nan for both).
BOOST_AUTO_TEST_CASE(two_points_have_no_cophenetic_correlation) {
  ScratchDir dir;
  tmkit::RowSet rows = three_groups();
  rows.columns = arma::mat(rows.columns.cols(0, 1));
  rows.ids.resize(2);
  rows.labels.resize(2);
  tmkit::ClusterPlan plan;
  plan.out = dir.file("clusters");
  tmkit::check_cluster_plan(plan, {});
  const auto outcome = tmkit::run_cluster(plan, rows, 1);
  BOOST_TEST(outcome.points == 2u);
  BOOST_TEST(std::isnan(outcome.cophenetic));
  BOOST_TEST(outcome.summary.find("cophenetic correlation undefined") != std::string::npos);
  BOOST_TEST(outcome.summary.find(" -nan") == std::string::npos, outcome.summary);
  BOOST_TEST(outcome.summary.find(" nan") == std::string::npos, outcome.summary);

  tmkit::ClusterPlan given = plan;
  given.out = dir.file("given");
  given.matrix = dir.file("condensed.npy");
  given.method = tmkit::Linkage::single;
  {
    const double condensed[] = {1.0, 1.0, 2.0};  // d(0,1), d(0,2), d(1,2)
    std::ofstream out(given.matrix, std::ios::binary);
    tmkit::write_npy(out, condensed, {3});
  }
  const auto flat_tree = tmkit::run_cluster(given, {}, 1);
  BOOST_TEST(flat_tree.points == 3u);
  BOOST_TEST(std::isnan(flat_tree.cophenetic));
  BOOST_TEST(flat_tree.summary.find("cophenetic correlation undefined") != std::string::npos,
             flat_tree.summary);
}

BOOST_AUTO_TEST_CASE(writes_what_the_parts_compute) {
  ScratchDir dir;
  const tmkit::RowSet rows = three_groups();
  tmkit::ClusterPlan plan;
  plan.cut = 3;
  plan.cut_given = true;
  plan.out = dir.file("clusters");
  tmkit::check_cluster_plan(plan, {});
  std::vector<std::string> stages;
  const auto outcome = tmkit::run_cluster(plan, rows, 2, [&](const std::string& stage) {
    stages.push_back(stage);
    return tmkit::WorkHooks{};
  });
  BOOST_TEST((stages == std::vector<std::string>{"distances", "merges"}));
  BOOST_TEST(outcome.points == 24u);
  BOOST_TEST(outcome.clusters == 3u);
  BOOST_TEST(outcome.cophenetic > 0.9);
  for (const auto& f : outcome.files) BOOST_TEST(fs::exists(plan.out + "/" + f), f);
  BOOST_TEST(fs::exists(plan.out + "/cluster.json"));

  // The linkage is the library's own of the same distances; the labels agree perfectly.
  const auto distances = tmkit::condensed_divergences<double>(rows.columns, plan.divergence);
  const arma::mat z = tmkit::linkage(distances, tmkit::Linkage::average);
  const arma::mat written = tmkit::read_npy_matrix(plan.out + "/linkage.npy");
  BOOST_TEST(arma::approx_equal(written, z, "absdiff", 0.0));
  BOOST_TEST(outcome.summary.find("purity 1.0000") != std::string::npos, outcome.summary);
  BOOST_TEST(tmkit::read_file(plan.out + "/summary.txt") == outcome.summary);

  // A second run may replace its own output; a directory of the user's is refused.
  tmkit::check_cluster_plan(plan, {});
  fs::create_directory(dir.file("mine"));
  dir.write("mine/notes.txt", "mine");
  plan.out = dir.file("mine");
  BOOST_CHECK_THROW(tmkit::check_cluster_plan(plan, {}), tmkit::UsageError);
  BOOST_CHECK_THROW(tmkit::check_cluster_plan(plan, {{"--rows", dir.file("mine/notes.txt")}}),
                    tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(refuses_bad_plans_by_option) {
  tmkit::ClusterPlan plan;
  plan.out = "unused";
  auto option_of = [](const tmkit::ClusterPlan& p) {
    try {
      tmkit::check_cluster_plan(p, {});
    } catch (const tmkit::OptionError& e) {
      return e.option();
    }
    return std::string("none");
  };
  tmkit::ClusterPlan p = plan;
  p.divergence.metric = tmkit::Metric::kl;
  BOOST_TEST(option_of(p) == "metric");
  p = plan;
  p.method = tmkit::Linkage::ib;
  p.matrix = "d.npy";
  BOOST_TEST(option_of(p) == "linkage");
  p = plan;
  p.cut = 2.5;
  BOOST_TEST(option_of(p) == "clusters");
  p = plan;
  p.optimal_ordering = true;
  p.cophenet = false;
  BOOST_TEST(option_of(p) == "optimal-ordering");
  p = plan;
  p.depth = 0;
  BOOST_TEST(option_of(p) == "depth");
}

BOOST_AUTO_TEST_CASE(an_interrupted_run_writes_nothing) {
  ScratchDir dir;
  tmkit::ClusterPlan plan;
  plan.out = dir.file("clusters");
  const auto stop = [](const std::string&) {
    tmkit::WorkHooks hooks;
    hooks.stop_requested = [] { return true; };
    return hooks;
  };
  BOOST_CHECK_THROW(tmkit::run_cluster(plan, three_groups(), 1, stop), tmkit::Interrupted);
  BOOST_TEST(!fs::exists(plan.out));
  BOOST_TEST(fs::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(more_clusters_than_points_names_the_option) {
  ScratchDir dir;
  tmkit::ClusterPlan plan;
  plan.cut = 30;
  plan.cut_given = true;
  plan.out = dir.file("c");
  try {
    tmkit::run_cluster(plan, three_groups());
    BOOST_FAIL("30 clusters of 24 points accepted");
  } catch (const tmkit::OptionError& e) {
    BOOST_TEST(e.option() == "clusters");
  }
  BOOST_TEST(!fs::exists(plan.out));
}

BOOST_AUTO_TEST_SUITE_END()
