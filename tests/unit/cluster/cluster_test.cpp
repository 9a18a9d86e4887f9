#include "tmkit/cluster/cluster.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "support/test_support.hpp"
#include "tmkit/cluster/cluster_agreement.hpp"
#include "tmkit/cluster/cluster_profile.hpp"
#include "tmkit/cluster/cluster_tree.hpp"
#include "tmkit/cluster/dendrogram.hpp"
#include "tmkit/core/error.hpp"
#include "tmkit/divergence/condensed.hpp"
#include "tmkit/divergence/divergence.hpp"
#include "tmkit/io/npy.hpp"

namespace {

using tmkit::CondensedMatrix;
using tmkit::Linkage;

const Linkage kScipyLinkages[] = {Linkage::single,   Linkage::complete, Linkage::average,
                                  Linkage::weighted, Linkage::centroid, Linkage::median,
                                  Linkage::ward};

std::string reference(const std::string& name) {
  return tmkit::test::source_path("tests/reference/cluster/" + name);
}

// Random points' Euclidean distances, condensed.
CondensedMatrix<double> random_distances(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  arma::mat x(3, n);
  for (double& v : x) v = normal(rng);
  CondensedMatrix<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) d(i, j) = arma::norm(x.col(i) - x.col(j));
  }
  return d;
}

// Two labelings are the same partition (labels renamed one to one).
bool same_partition(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) return false;
  std::map<int, int> ab, ba;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ab.emplace(a[i], b[i]).first->second != b[i]) return false;
    if (ba.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

// ---- against scipy (tests/reference/generate_cluster.py) ---------------------------------------

BOOST_AUTO_TEST_SUITE(cluster_reference)

BOOST_AUTO_TEST_CASE(every_linkage_and_what_is_read_off_it_equals_scipy) {
  int compared = 0;
  for (const std::string input : {"euclid", "tied", "js"}) {
    const auto y = tmkit::read_distance_matrix<double>(reference(input + "_y.npy"));
    for (const Linkage method : kScipyLinkages) {
      const std::string prefix = input + "_" + tmkit::linkage_name(method);
      BOOST_TEST_CONTEXT(prefix) {
        const arma::mat want = tmkit::read_npy_matrix(reference(prefix + "_Z.npy"));
        const arma::mat z = tmkit::linkage(y, method, 1);
        BOOST_TEST_REQUIRE(z.n_rows == want.n_rows);
        // Merge order and cluster names identical (ties included: scipy's own tie-breaking),
        // heights to 1e-12.
        for (arma::uword m = 0; m < z.n_rows; ++m) {
          BOOST_TEST(z(m, 0) == want(m, 0), "row " << m);
          BOOST_TEST(z(m, 1) == want(m, 1), "row " << m);
          BOOST_TEST(z(m, 3) == want(m, 3), "row " << m);
          BOOST_TEST(std::fabs(z(m, 2) - want(m, 2)) <= 1e-12, "row " << m);
        }
        tmkit::check_linkage(z, prefix);

        const arma::mat coph = tmkit::read_npy_matrix(reference(prefix + "_cophenet.npy"));
        const auto c = tmkit::cophenetic_distances(z);
        BOOST_TEST_REQUIRE(c.size() + 1 == coph.n_elem);
        double worst = 0;
        for (std::size_t i = 0; i < c.size(); ++i) {
          worst = std::max(worst, std::fabs(c.values()[i] - coph[i]));
        }
        BOOST_TEST(worst <= 1e-12);
        BOOST_TEST(std::fabs(tmkit::cophenetic_correlation(z, y, 1) - coph[c.size()]) <= 1e-12);
        BOOST_TEST(std::fabs(tmkit::cophenetic_correlation(z, y, 2) - coph[c.size()]) <= 1e-12);

        const arma::mat r_want = tmkit::read_npy_matrix(reference(prefix + "_inconsistent.npy"));
        BOOST_TEST(arma::abs(tmkit::inconsistency(z, 2) - r_want).max() <= 1e-12);

        const arma::mat labels = tmkit::read_npy_matrix(reference(prefix + "_fcluster.npy"));
        const tmkit::FlatCriterion criteria[] = {tmkit::FlatCriterion::maxclust,
                                                 tmkit::FlatCriterion::distance,
                                                 tmkit::FlatCriterion::inconsistent};
        const double thresholds[] = {4.0, arma::median(want.col(2)), 0.8};
        for (std::size_t c_i = 0; c_i < 3; ++c_i) {
          const auto got = tmkit::flat_clusters(z, criteria[c_i], thresholds[c_i], 2);
          std::vector<int> scipy(got.size());
          for (std::size_t i = 0; i < got.size(); ++i) {
            scipy[i] = static_cast<int>(labels(c_i, i));
          }
          BOOST_TEST(same_partition(got, scipy), "criterion " << c_i);
          BOOST_TEST(got == scipy, "criterion " << c_i << ": labels numbered as scipy's");
        }

        const arma::mat leaves = tmkit::read_npy_matrix(reference(prefix + "_leaves.npy"));
        const auto order = tmkit::leaves_order(z);
        for (std::size_t i = 0; i < order.size(); ++i) {
          BOOST_TEST(static_cast<double>(order[i]) == leaves(0, i));
        }

        // Optimal leaf ordering: the same tree (rows equal up to the order of their two
        // children), and an order at least as good as scipy's, which computes in float32.
        const arma::mat olo = tmkit::optimal_leaf_ordering(z, y);
        const arma::mat scipy_olo = tmkit::read_npy_matrix(reference(prefix + "_olo_Z.npy"));
        for (arma::uword m = 0; m < z.n_rows; ++m) {
          BOOST_TEST(std::min(olo(m, 0), olo(m, 1)) == z(m, 0));
          BOOST_TEST(std::max(olo(m, 0), olo(m, 1)) == z(m, 1));
          BOOST_TEST(olo(m, 2) == z(m, 2));
        }
        const double ours = tmkit::ordering_cost(olo, y);
        const double theirs = tmkit::ordering_cost(scipy_olo, y);
        BOOST_TEST(ours <= theirs + 1e-5 * theirs, "ours " << ours << ", scipy's " << theirs);
        BOOST_TEST(ours <= tmkit::ordering_cost(z, y) + 1e-12);
        ++compared;
      }
    }
  }
  BOOST_TEST(compared == 21);
}

BOOST_AUTO_TEST_CASE(purity_nmi_and_ari_equal_scikit_learn) {
  // Rows: [n, clusters (n), labels (n), nmi, ari, purity], NaN-padded.
  const arma::mat cases = tmkit::read_npy_matrix(reference("agreement.npy"));
  BOOST_TEST_REQUIRE(cases.n_rows == 6u);
  for (arma::uword c = 0; c < cases.n_rows; ++c) {
    const auto n = static_cast<std::size_t>(cases(c, 0));
    std::vector<int> clusters(n);
    std::vector<std::string> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
      clusters[i] = static_cast<int>(cases(c, 1 + i));
      labels[i] = "class" + std::to_string(static_cast<int>(cases(c, 1 + n + i)));
    }
    const auto a = tmkit::compare_with_labels(clusters, labels);
    BOOST_TEST(std::fabs(a.nmi - cases(c, 1 + 2 * n)) <= 1e-12, "case " << c);
    BOOST_TEST(std::fabs(a.ari - cases(c, 2 + 2 * n)) <= 1e-12, "case " << c);
    BOOST_TEST(std::fabs(a.purity - cases(c, 3 + 2 * n)) <= 1e-15, "case " << c);
  }
  const auto same = tmkit::compare_with_labels({1, 1, 2, 2}, {"a", "a", "b", "b"});
  BOOST_TEST(same.nmi == 1.0);
  BOOST_TEST(same.ari == 1.0);
  BOOST_TEST(same.purity == 1.0);
  BOOST_CHECK_THROW((void)tmkit::compare_with_labels({1}, {"a", "b"}), tmkit::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- properties
// ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(cluster)

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_thread_count_or_parallel_scans) {
  // Above 4096 clusters the scans are split across threads.
  const auto d = random_distances(4300, 7);
  for (const Linkage method :
       {Linkage::single, Linkage::average, Linkage::ward, Linkage::centroid}) {
    BOOST_TEST_CONTEXT(tmkit::linkage_name(method)) {
      const arma::mat one = tmkit::linkage(d, method, 1);
      const arma::mat two = tmkit::linkage(d, method, 2);
      BOOST_TEST(arma::approx_equal(one, two, "absdiff", 0.0));
    }
  }
}

BOOST_AUTO_TEST_CASE(ties_are_broken_alike_by_serial_and_parallel_scans) {
  // Distances rounded to two digits: thousands of ties, which each thread's share of a scan and
  // the parts' combination must break as one serial scan does (lowest index first).
  auto d = random_distances(4300, 11);
  for (std::size_t i = 0; i < d.size(); ++i) d.data()[i] = std::round(d.data()[i] * 100) / 100;
  for (const Linkage method : {Linkage::average, Linkage::complete, Linkage::single}) {
    BOOST_TEST_CONTEXT(tmkit::linkage_name(method)) {
      const arma::mat one = tmkit::linkage(d, method, 1);
      const arma::mat two = tmkit::linkage(d, method, 2);
      BOOST_TEST(arma::approx_equal(one, two, "absdiff", 0.0));
    }
  }
}

BOOST_AUTO_TEST_CASE(float32_distances_give_the_same_tree_on_well_separated_points) {
  const auto d = random_distances(300, 3);
  CondensedMatrix<float> f(300);
  for (std::size_t i = 0; i < d.size(); ++i) f.data()[i] = static_cast<float>(d.data()[i]);
  const arma::mat z64 = tmkit::linkage(d, Linkage::average, 1);
  const arma::mat z32 = tmkit::linkage(f, Linkage::average, 1);
  BOOST_TEST(arma::abs(z64.col(2) - z32.col(2)).max() <= 1e-5);
  BOOST_TEST(tmkit::flat_clusters(z64, tmkit::FlatCriterion::maxclust, 5) ==
             tmkit::flat_clusters(z32, tmkit::FlatCriterion::maxclust, 5));
}

// Well-separated groups of distributions: each group is a peaked distribution with noise.
arma::mat grouped_distributions(std::size_t groups, std::size_t per_group, std::size_t k,
                                unsigned seed) {
  std::mt19937_64 rng(seed);
  std::gamma_distribution<double> gamma(0.5, 1.0);
  arma::mat x(k, groups * per_group);
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t m = 0; m < per_group; ++m) {
      arma::vec col(k);
      for (double& v : col) v = 0.02 * gamma(rng);
      col(g % k) += 1.0;
      col((g + 1) % k) += 0.5 * static_cast<double>(g / k);
      x.col(g * per_group + m) = col / arma::accu(col);
    }
  }
  return x;
}

double entropy(const arma::vec& p) {
  double h = 0;
  for (const double v : p) {
    if (v > 0) h -= v * std::log(v);
  }
  return h;
}

BOOST_AUTO_TEST_CASE(ib_recovers_separated_groups_and_every_merge_costs_the_weighted_js_loss) {
  const std::size_t groups = 5, per_group = 12, n = groups * per_group;
  const arma::mat x = grouped_distributions(groups, per_group, 8, 11);
  const arma::mat z = tmkit::ib_linkage(x, 2);
  tmkit::check_linkage(z, "ib");
  const auto labels = tmkit::flat_clusters(z, tmkit::FlatCriterion::maxclust, 5);
  std::vector<int> truth(n);
  for (std::size_t i = 0; i < n; ++i) truth[i] = static_cast<int>(i / per_group) + 1;
  BOOST_TEST(same_partition(labels, truth));

  // Replay: each cluster's distribution is the mean of its leaves, its weight their share; the
  // loss of a merge is (wa + wb) (H(m) - pa H(a) - pb H(b)), written with entropies, not KL.
  std::vector<std::vector<std::size_t>> members(2 * n - 1);
  for (std::size_t i = 0; i < n; ++i) members[i] = {i};
  const auto mean_of = [&](const std::vector<std::size_t>& leaves) {
    arma::vec m(x.n_rows, arma::fill::zeros);
    for (const std::size_t i : leaves) m += x.col(i);
    return arma::vec(m / static_cast<double>(leaves.size()));
  };
  double worst = 0;
  for (std::size_t m = 0; m + 1 < n; ++m) {
    const auto& a = members[static_cast<std::size_t>(z(m, 0))];
    const auto& b = members[static_cast<std::size_t>(z(m, 1))];
    const double wa = double(a.size()) / double(n), wb = double(b.size()) / double(n);
    const arma::vec pa = mean_of(a), pb = mean_of(b);
    const arma::vec merged = (wa * pa + wb * pb) / (wa + wb);
    const double loss = (wa + wb) * entropy(merged) - wa * entropy(pa) - wb * entropy(pb);
    worst = std::max(worst, std::fabs(loss - z(m, 2)));
    members[n + m] = a;
    members[n + m].insert(members[n + m].end(), b.begin(), b.end());
    BOOST_TEST(z(m, 3) == double(members[n + m].size()));
  }
  BOOST_TEST(worst <= 1e-12, "largest difference " << worst);
  // Merging is greedy: the first merge is the cheapest pair of all.
  double cheapest = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      cheapest = std::min(cheapest, tmkit::ib_merge_cost(x.colptr(i), 1.0 / double(n), x.colptr(j),
                                                         1.0 / double(n), x.n_rows));
    }
  }
  BOOST_TEST(z(0, 2) == cheapest);
  BOOST_TEST(arma::approx_equal(z, tmkit::ib_linkage(x, 1), "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(optimal_leaf_ordering_is_the_best_of_all_child_swaps) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    const auto d = random_distances(9, seed);
    const arma::mat z = tmkit::linkage(d, seed % 2 ? Linkage::average : Linkage::complete);
    double brute = std::numeric_limits<double>::infinity();
    for (unsigned mask = 0; mask < (1u << z.n_rows); ++mask) {
      arma::mat swapped = z;
      for (arma::uword m = 0; m < z.n_rows; ++m) {
        if (mask & (1u << m)) std::swap(swapped(m, 0), swapped(m, 1));
      }
      brute = std::min(brute, tmkit::ordering_cost(swapped, d));
    }
    const double got = tmkit::ordering_cost(tmkit::optimal_leaf_ordering(z, d), d);
    BOOST_TEST(std::fabs(got - brute) <= 1e-12, "seed " << seed << ": " << got << " vs " << brute);
  }
}

BOOST_AUTO_TEST_CASE(newick_names_leaves_and_gives_branch_lengths) {
  CondensedMatrix<double> d(3);
  d(0, 1) = 1;
  d(0, 2) = 4;
  d(1, 2) = 4;
  const arma::mat z = tmkit::linkage(d, Linkage::average);
  BOOST_TEST(tmkit::to_newick(z, {"a", "b", "c"}) == "(c:4,(a:1,b:1):3);\n");
  BOOST_TEST(tmkit::to_newick(z, {"it's", "x y", "c"}) == "(c:4,('it''s':1,'x y':1):3);\n");
}

BOOST_AUTO_TEST_CASE(distance_files_are_checked) {
  tmkit::test::ScratchDir dir;
  const auto refused = [&](const std::string& text, const std::string& expected) {
    const std::string path = dir.path() + "/d.txt";
    write_text(path, text);
    try {
      (void)tmkit::read_distance_matrix<double>(path);
    } catch (const tmkit::InputError& e) {
      BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos,
                 e.what() << " should mention " << expected);
      return;
    }
    BOOST_ERROR("accepted: " << text);
  };
  refused("0 1 2\n1 0 3\n", "expected a square distance matrix");
  refused("0 1 2\n1 0 3\n2 4 0\n", "not symmetric");
  refused("0 -1\n-1 0\n", "negative");
  refused("1 2\n", "not a condensed distance matrix");
  refused("0 1\n1 0.5\n", "diagonal");
  refused("1 nan 2\n", "");
  refused("\n", "no rows of numbers");
  const std::string ok = dir.path() + "/ok.txt";
  write_text(ok, "0 1 2\n1 0 3\n2 3 0\n");
  const auto square = tmkit::read_distance_matrix<double>(ok);
  write_text(ok, "1\n2\n3\n");
  const auto column = tmkit::read_distance_matrix<double>(ok);
  BOOST_TEST(square.values() == column.values());
  BOOST_TEST(square.n_points() == 3u);
  CondensedMatrix<double> single_point(1);
  BOOST_CHECK_THROW(tmkit::check_distances(single_point, "x"), tmkit::InputError);
  BOOST_CHECK_THROW((void)tmkit::linkage(single_point, Linkage::average), tmkit::UsageError);
  BOOST_CHECK_THROW((void)tmkit::parse_linkage("wards"), tmkit::UsageError);
}

// A matrix read again after a linkage worked in its storage: the values read_distance_matrix
// reads, in that storage (no fresh allocation); bad values refused as when read, unless the stamp
// of a check made before says the file is the one checked; a file rewritten since is checked again.
BOOST_AUTO_TEST_CASE(distance_files_are_read_again_into_the_linkage_storage) {
  tmkit::test::ScratchDir dir;
  const std::string path = dir.path() + "/y.npy";
  std::vector<double> y(10 * 9 / 2);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.5 + 0.01 * static_cast<double>(i);
  const auto write = [&] {
    std::ofstream out(path, std::ios::binary);
    tmkit::write_npy(out, y.data(), {y.size()});
  };
  write();
  const std::optional<tmkit::FileStamp> stamp = tmkit::stamp_of(path);
  BOOST_REQUIRE(stamp.has_value());
  auto work = tmkit::read_distance_matrix<double>(path);
  const std::vector<double> want = work.values();
  const arma::mat z = tmkit::linkage(work, Linkage::average);
  BOOST_TEST(tmkit::linkage_in_place(work, Linkage::average) == z,
             boost::test_tools::per_element());
  BOOST_TEST(work.values() != want);  // the linkage worked in it
  const double* storage = work.data();
  for (const auto& checked : {std::optional<tmkit::FileStamp>(), stamp}) {
    auto again = tmkit::read_distance_matrix_again<double>(path, std::move(work), checked);
    BOOST_TEST(again.values() == want);
    BOOST_TEST(again.data() == storage);
    BOOST_TEST(work.n_points() == 0u);
    work = std::move(again);
  }
  // A text file is read as ever.
  const std::string text = dir.path() + "/y.txt";
  write_text(text, "1 2 3\n");
  BOOST_TEST(tmkit::read_distance_matrix_again<double>(text, {}, std::nullopt).n_points() == 3u);
  // A NaN is refused, unless the file's stamp is that of the check made before...
  y[17] = std::nan("");
  write();
  BOOST_CHECK_THROW((void)tmkit::read_distance_matrix_again<double>(path, {}, std::nullopt),
                    tmkit::InputError);
  const std::optional<tmkit::FileStamp> bad = tmkit::stamp_of(path);
  BOOST_TEST(std::isnan(tmkit::read_distance_matrix_again<double>(path, {}, bad)(2, 3)));
  // ... and a file rewritten since that check is checked again.
  std::optional<tmkit::FileStamp> old = bad;
  old->modified_ns -= 1;  // as if the check had been made one tick before the rewrite
  BOOST_CHECK_THROW((void)tmkit::read_distance_matrix_again<double>(path, {}, old),
                    tmkit::InputError);
}

// The cophenetic correlation in one pass over the matrix (rows centred on their own means, joined
// by exact identities) equals the textbook two-pass formula over the cophenetic distances, on a
// matrix of many row blocks, bit for bit the same on 1, 2 and 3 threads.
BOOST_AUTO_TEST_CASE(cophenetic_correlation_is_the_two_pass_one_on_any_thread_count) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t n = 700;  // 11 blocks of 64 rows
  CondensedMatrix<double> d(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      d(i, j) = 1000.0 + u(rng);  // a large mean: cancellation
  const arma::mat z = tmkit::linkage(d, Linkage::average);
  const auto c = tmkit::cophenetic_distances(z);
  const std::vector<double>& y = d.values();
  double mean_y = 0, mean_c = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    mean_y += y[i];
    mean_c += c.values()[i];
  }
  mean_y /= double(y.size());
  mean_c /= double(y.size());
  double yc = 0, yy = 0, cc = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double a = y[i] - mean_y, b = c.values()[i] - mean_c;
    yc += a * b;
    yy += a * a;
    cc += b * b;
  }
  const double want = yc / std::sqrt(yy * cc);
  const double one = tmkit::cophenetic_correlation(z, d, 1);
  BOOST_TEST(std::fabs(one - want) <= 1e-12 * std::fabs(want), one << " vs " << want);
  BOOST_TEST(tmkit::cophenetic_correlation(z, d, 2) == one);
  BOOST_TEST(tmkit::cophenetic_correlation(z, d, 3) == one);
}

// The medoid of each cluster, found in one pass over the matrix in storage order, is the member
// with the least summed distance to the others (ties to the lower index) on any thread count.
BOOST_AUTO_TEST_CASE(medoids_are_the_least_summed_distance) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const std::size_t n = 300;
  CondensedMatrix<double> d(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) d(i, j) = std::round(u(rng) * 50) / 50;  // many ties
  std::vector<int> labels(n);
  for (int& l : labels) l = 1 + static_cast<int>(u(rng) * 4);
  labels[0] = 5;  // a cluster of one member
  const auto first = tmkit::profile_clusters(d, labels, 1);
  for (const int threads : {2, 3}) {
    const auto again = tmkit::profile_clusters(d, labels, threads);
    for (std::size_t c = 0; c < first.size(); ++c) {
      BOOST_TEST(again[c].central == first[c].central);
      BOOST_TEST(again[c].central_value == first[c].central_value);
    }
  }
  for (const auto& p : first) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t medoid = p.members.front();
    for (const std::size_t i : p.members) {
      double sum = 0;
      for (const std::size_t j : p.members) sum += i == j ? 0.0 : d(i, j);
      if (sum < best - 1e-9) {  // sums here are multiples of 1/50: equal ones are ties
        best = sum;
        medoid = i;
      }
    }
    BOOST_TEST(p.central == medoid, "cluster " << p.cluster);
    const double mean = p.members.size() < 2 ? 0.0 : best / double(p.members.size() - 1);
    BOOST_TEST(std::fabs(p.central_value - mean) <= 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(condensed_divergences_equal_the_full_matrix) {
  std::mt19937_64 rng(5);
  std::gamma_distribution<double> gamma(0.3, 1.0);
  arma::mat x(6, 130);
  for (double& v : x) v = gamma(rng) + 1e-12;
  x.each_row() /= arma::sum(x, 0);
  for (const auto metric : {tmkit::Metric::js, tmkit::Metric::hellinger}) {
    const tmkit::DivergenceOptions options{metric, false};
    const arma::mat full = tmkit::divergence_matrix(x, options, 2);
    const auto condensed = tmkit::condensed_divergences<double>(x, options, 2);
    double worst = 0;
    for (std::size_t i = 0; i < 130; ++i) {
      for (std::size_t j = i + 1; j < 130; ++j) {
        worst = std::max(worst, std::fabs(condensed(i, j) - full(i, j)));
      }
    }
    BOOST_TEST(worst <= 1e-15);
  }
  BOOST_CHECK_THROW((void)tmkit::condensed_divergences<double>(x, {tmkit::Metric::kl, false}),
                    tmkit::UsageError);
}

BOOST_AUTO_TEST_CASE(linkage_matrices_read_from_elsewhere_are_checked) {
  arma::mat z = {{0, 1, 0.5, 2}, {2, 3, 1.0, 3}};
  BOOST_CHECK_NO_THROW(tmkit::check_linkage(z, "z"));
  arma::mat twice = z;
  twice(1, 0) = 1;
  BOOST_CHECK_THROW(tmkit::check_linkage(twice, "z"), tmkit::InputError);
  arma::mat size = z;
  size(1, 3) = 4;
  BOOST_CHECK_THROW(tmkit::check_linkage(size, "z"), tmkit::InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cluster_deep_trees)

// A linkage of 10^6 leaves shaped as one long chain (each merge adds one leaf to the cluster made
// just before): a tree writer that recursed once per level would overflow the stack. Every walker
// of a tree is explicit-stack iterative; this checks each of them on the deepest tree there is.
BOOST_AUTO_TEST_CASE(a_chain_of_a_million_leaves_walks_without_recursion) {
  const std::size_t n = 1000000;
  arma::mat z(n - 1, 4);
  z(0, 0) = 0;
  z(0, 1) = 1;
  z(0, 2) = 1;
  z(0, 3) = 2;
  for (std::size_t i = 1; i < n - 1; ++i) {
    z(i, 0) = static_cast<double>(i + 1);      // the next leaf
    z(i, 1) = static_cast<double>(n + i - 1);  // the cluster made by the merge before
    z(i, 2) = static_cast<double>(i + 1);
    z(i, 3) = static_cast<double>(i + 2);
  }
  tmkit::check_linkage(z, "chain");
  const std::vector<std::size_t> order = tmkit::leaves_order(z);
  BOOST_TEST(order.size() == n);
  BOOST_TEST(order.front() == n - 1);  // the last leaf merged stands first, as scipy draws it
  std::vector<std::string> names(n);
  for (std::size_t i = 0; i < n; ++i) names[i] = std::to_string(i);
  const std::string newick = tmkit::to_newick(z, names);
  BOOST_TEST(std::count(newick.begin(), newick.end(), '(') == static_cast<long>(n - 1));
  const std::vector<int> flat = tmkit::flat_clusters(z, tmkit::FlatCriterion::maxclust, 3);
  BOOST_TEST(*std::max_element(flat.begin(), flat.end()) == 3);
  const std::vector<int> cut = tmkit::flat_clusters(z, tmkit::FlatCriterion::inconsistent, 1.0);
  BOOST_TEST(cut.size() == n);
  tmkit::DendrogramOptions picture;
  picture.last_p = 30;
  BOOST_TEST(tmkit::render_dendrogram(z, names, picture).find("</svg>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
