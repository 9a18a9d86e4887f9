// kl-directions: fits one Gaussian to a mixture of two by minimising the forward and the reverse
// KL divergence from many starts, prints every local optimum with its KL, and draws p with the
// fitted curves. The program of docs/tutorials/forward-vs-reverse-kl.md.
// usage: kl-directions [PICTURE.svg]
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "kl_fit.hpp"
#include "tmkit/io/io.hpp"
#include "tmkit/io/svg.hpp"

namespace {

using namespace tmkit::tutorial;

constexpr double kFrom = -4.0, kTo = 5.0;
constexpr int kPoints = 361;

tmkit::LineSeries curve(const std::string& name, double mu, double sigma, const Mixture* p) {
  tmkit::LineSeries series;
  series.name = name;
  for (int i = 0; i < kPoints; ++i) {
    const double x = kFrom + (kTo - kFrom) * i / (kPoints - 1);
    const double z = (x - mu) / sigma;
    series.x.push_back(x);
    series.y.push_back(p ? std::exp(p->log_density(x))
                         : std::exp(-0.5 * z * z) / (sigma * std::sqrt(2.0 * M_PI)));
  }
  return series;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string picture = argc > 1 ? argv[1] : "kl-directions.svg";
    const Mixture p = tutorial_mixture();
    const auto starts = tutorial_starts();
    tmkit::LineChart chart;
    chart.title = "One Gaussian fitted to p = 0.5 N(-1, 0.5^2) + 0.5 N(2, 0.5)";
    chart.x_label = "x";
    chart.y_label = "density";
    chart.series.push_back(curve("p", 0, 1, &p));
    std::printf("%zu starts: mu from -3 to 4 by 0.5, sigma 0.3, 1 and 3\n\n", starts.size());
    std::printf("direction     mu            sigma         KL (nats)\n");
    for (const Direction direction : {Direction::forward, Direction::reverse}) {
      const char* name = direction == Direction::forward ? "forward" : "reverse";
      for (const Optimum& o : local_optima(p, direction, starts)) {
        std::printf("%-12s %13.9f %13.9f %13.9f\n", name, o.mu, o.sigma, o.kl);
        char label[96];
        std::snprintf(label, sizeof label, "%s KL: N(%.3f, %.3f^2)", name, o.mu, o.sigma);
        chart.series.push_back(curve(label, o.mu, o.sigma, nullptr));
      }
    }
    tmkit::write_file_atomically(picture, tmkit::render_line_chart(chart));
    std::printf("\npicture written to %s\n", picture.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kl-directions: %s\n", e.what());
    return 2;
  }
}
