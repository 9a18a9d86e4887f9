#include "tmkit/selection/selection_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "tmkit/io/io.hpp"
#include "tmkit/io/svg.hpp"
#include "tmkit/lda/model_dir.hpp"

namespace tmkit {

namespace {

using nlohmann::json;

// NaN (not computed) is null; infinities are "inf" / "-inf", as in model.json.
json number(double value) {
  if (std::isnan(value)) return nullptr;
  if (std::isinf(value)) return format_double(value);
  return value;
}

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string pad(const std::string& text, std::size_t width, bool left = false) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return left ? text + fill : fill + text;
}

// What a criterion is called in the printed table.
const std::map<std::string, std::string>& display_names() {
  static const std::map<std::string, std::string> names = {
      {"elbo", "training ELBO (max)"},
      {"heldout_perplexity", "held-out perplexity (min)"},
      {"aic", "AIC (min)"},
      {"aicc", "AICc (min)"},
      {"bic", "BIC (min)"},
      {"hqic", "HQIC (min)"},
      {"elpd_loo", "elpd_loo, PSIS-LOO (max)"},
      {"heldout_elpd", "held-out elpd (max)"},
      {"elpd_kfold", "elpd, exact K-fold (max)"},
      {"umass", "UMass coherence (max)"},
      {"npmi", "NPMI coherence (max)"},
      {"stability_js", "stability, mean matched JS (min)"}};
  return names;
}

json candidate_json(const CandidateResult& r) {
  const Candidate& c = r.candidate;
  return json{
      {"label", c.label()},
      {"k", c.n_topics},
      {"alpha", c.alpha.to_string()},
      {"eta", c.eta.to_string()},
      {"seed", c.seed},
      {"converged", r.converged},
      {"passes", r.passes},
      {"elbo", number(r.elbo)},
      {"heldout_perplexity", number(r.heldout_perplexity)},
      {"log_likelihood", number(r.criteria.log_likelihood)},
      {"n_parameters", number(r.criteria.n_parameters)},
      {"n_observations", number(r.criteria.n_observations)},
      {"aic", number(r.criteria.aic)},
      {"aicc", number(r.criteria.aicc)},
      {"bic", number(r.criteria.bic)},
      {"hqic", number(r.criteria.hqic)},
      {"elpd_loo", number(r.loo.elpd_loo.value)},
      {"se_elpd_loo", number(r.loo.elpd_loo.se)},
      {"p_loo", number(r.loo.p_loo.value)},
      {"se_p_loo", number(r.loo.p_loo.se)},
      {"looic", number(r.loo.looic.value)},
      {"n_pareto_k_over_0_7", r.loo.count_pareto_k_above(0.7)},
      {"heldout_elpd", number(r.heldout_elpd.value)},
      {"se_heldout_elpd", number(r.heldout_elpd.se)},
      {"elpd_kfold", number(r.kfold_elpd.value)},
      {"se_elpd_kfold", number(r.kfold_elpd.se)},
      {"umass", number(r.umass)},
      {"npmi", number(r.npmi)},
      {"stability_js", number(r.stability_js)},
      {"fit_seconds", r.fit_seconds},
      {"loo_seconds", r.loo_seconds},
      // null, like every value not computed, when no K-fold cross-validation ran
      {"kfold_seconds", std::isnan(r.kfold_elpd.value) ? json(nullptr) : json(r.kfold_seconds)}};
}

}  // namespace

std::string format_selection(const SelectionReport& report, std::size_t n_words) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line,
                "%zu candidates; %zu training documents (%llu tokens), %zu held out (document "
                "completion: half of each observed, half scored)\n",
                report.candidates.size(), report.n_training_docs,
                static_cast<unsigned long long>(report.n_training_tokens), report.n_heldout_docs);
  out += line;
  std::snprintf(line, sizeof line,
                "information criteria: log L = sum of the training documents' bounds on log p(w_d "
                "| E[beta], alpha); k = K (V - 1) with V = %zu (+ alpha when learned); n = %llu "
                "training tokens\n\n",
                n_words, static_cast<unsigned long long>(report.n_training_tokens));
  out += line;
  const bool kfold =
      !report.candidates.empty() && std::isfinite(report.candidates[0].kfold_elpd.value);
  std::string header = pad("candidate", 22, true) + pad("ELBO", 14) + pad("perplexity", 12) +
                       pad("AIC", 14) + pad("AICc", 14) + pad("BIC", 14) + pad("HQIC", 14) +
                       pad("elpd_loo", 13) + pad("se", 8) + pad("k>0.7", 7) +
                       pad("heldout_elpd", 14) +
                       (kfold ? pad("elpd_kfold", 13) + pad("se", 8) : "") + pad("UMass", 8) +
                       pad("NPMI", 8) + pad("JS seeds", 10) + "\n";
  out += header;
  for (const CandidateResult& r : report.candidates) {
    out +=
        pad(r.candidate.label(), 22, true) + pad(fixed(r.elbo, 1), 14) +
        pad(fixed(r.heldout_perplexity, 2), 12) + pad(fixed(r.criteria.aic, 1), 14) +
        pad(fixed(r.criteria.aicc, 1), 14) + pad(fixed(r.criteria.bic, 1), 14) +
        pad(fixed(r.criteria.hqic, 1), 14) + pad(fixed(r.loo.elpd_loo.value, 1), 13) +
        pad(fixed(r.loo.elpd_loo.se, 1), 8) +
        pad(std::to_string(r.loo.count_pareto_k_above(0.7)), 7) +
        pad(fixed(r.heldout_elpd.value, 1), 14) +
        (kfold ? pad(fixed(r.kfold_elpd.value, 1), 13) + pad(fixed(r.kfold_elpd.se, 1), 8) : "") +
        pad(fixed(r.umass, 3), 8) + pad(fixed(r.npmi, 3), 8) + pad(fixed(r.stability_js, 4), 10) +
        "\n";
  }
  out += "\nchoice of each criterion:\n";
  for (const Criterion& criterion : selection_criteria()) {
    const auto found = report.choice.find(criterion.name);
    if (found == report.choice.end()) continue;
    const CandidateResult& r = report.candidates[found->second];
    const bool unreliable =
        std::find(report.unreliable_choices.begin(), report.unreliable_choices.end(),
                  criterion.name) != report.unreliable_choices.end();
    out +=
        "  " + pad(display_names().at(criterion.name), 34, true) +
        " K = " + std::to_string(r.candidate.n_topics) + "  (" + r.candidate.label() + ")" +
        (unreliable ? "  UNRELIABLE: " + std::to_string(r.loo.count_pareto_k_above(0.7)) + " of " +
                          std::to_string(r.loo.n_observations()) + " documents have k-hat > 0.7"
                    : "") +
        "\n";
  }
  std::vector<std::string> names;
  for (const CandidateResult& r : report.candidates) names.push_back(r.candidate.label());
  if (report.candidates.size() > 1) {
    out += "\nelpd_loo differences (as loo_compare):\n" +
           format_loo_comparison(report.loo_comparison, names);
  }
  if (report.loo_unreliable()) {
    out +=
        "\nwarning: for some candidates more than 10% of the training documents have Pareto k-hat "
        "above 0.7, so their PSIS-LOO estimates are unreliable (a document's log-likelihood sums "
        "over all its tokens and varies too much across draws of the topics for importance "
        "sampling). Trust the held-out elpd and perplexity, or run exact K-fold cross-validation "
        "with --kfold 10.\n";
  }
  double fit_seconds = 0, loo_seconds = 0, kfold_seconds = 0;
  for (const CandidateResult& r : report.candidates) {
    fit_seconds += r.fit_seconds;
    loo_seconds += r.loo_seconds;
    kfold_seconds += r.kfold_seconds;
  }
  std::snprintf(line, sizeof line,
                "\ntime: %.2f s wall; summed over candidates: fits %.2f s, pointwise "
                "log-likelihoods and PSIS-LOO %.2f s (%.0f%% of the fits)%s\n",
                report.seconds, fit_seconds, loo_seconds,
                fit_seconds > 0 ? 100 * loo_seconds / fit_seconds : 0.0,
                kfold ? (", K-fold refits " + fixed(kfold_seconds, 2) + " s").c_str() : "");
  out += line;
  return out;
}

std::string selection_json(const SelectionReport& report, std::size_t n_words) {
  json candidates = json::array();
  for (const CandidateResult& r : report.candidates) candidates.push_back(candidate_json(r));
  json choice = json::object(), choice_label = json::object();
  for (const auto& [criterion, index] : report.choice) {
    choice[criterion] = report.candidates[index].candidate.n_topics;
    choice_label[criterion] = report.candidates[index].candidate.label();
  }
  json compare = json::array();
  for (const LooComparison& c : report.loo_comparison) {
    compare.push_back({{"label", report.candidates[c.model].candidate.label()},
                       {"elpd_diff", number(c.elpd_diff)},
                       {"se_diff", number(c.se_diff)}});
  }
  const json out = {{"written_by", "tm-select"},
                    {"tmkit_version", tmkit_version()},
                    {"candidates", candidates},
                    {"choice", choice},
                    {"choice_candidate", choice_label},
                    {"loo_compare", compare},
                    {"loo_unreliable", report.loo_unreliable()},
                    {"choice_unreliable", report.unreliable_choices},
                    {"split",
                     {{"training_documents", report.n_training_docs},
                      {"heldout_documents", report.n_heldout_docs},
                      {"training_tokens", report.n_training_tokens}}},
                    {"counting",
                     {{"log_likelihood",
                       "sum over training documents of the variational bound on log p(w_d | "
                       "E[beta], alpha)"},
                      {"n_parameters",
                       "K (V - 1), plus K for a learned alpha vector or 1 for a learned "
                       "symmetric alpha"},
                      {"n_observations", "training tokens"},
                      {"V", n_words}}},
                    {"seconds", report.seconds}};
  return out.dump(2) + "\n";
}

std::string selection_csv(const SelectionReport& report) {
  static const char* const kFields[] = {"label",
                                        "k",
                                        "alpha",
                                        "eta",
                                        "seed",
                                        "converged",
                                        "passes",
                                        "elbo",
                                        "heldout_perplexity",
                                        "log_likelihood",
                                        "n_parameters",
                                        "n_observations",
                                        "aic",
                                        "aicc",
                                        "bic",
                                        "hqic",
                                        "elpd_loo",
                                        "se_elpd_loo",
                                        "p_loo",
                                        "se_p_loo",
                                        "looic",
                                        "n_pareto_k_over_0_7",
                                        "heldout_elpd",
                                        "se_heldout_elpd",
                                        "elpd_kfold",
                                        "se_elpd_kfold",
                                        "umass",
                                        "npmi",
                                        "stability_js",
                                        "fit_seconds",
                                        "loo_seconds",
                                        "kfold_seconds"};
  std::string out;
  for (const char* field : kFields) out += std::string(out.empty() ? "" : ",") + field;
  out += "\n";
  for (const CandidateResult& r : report.candidates) {
    const json row = candidate_json(r);
    std::string text;
    for (const char* field : kFields) {
      if (!text.empty()) text += ",";
      const json& v = row.at(field);
      if (v.is_null()) continue;
      if (v.is_number_float()) {
        text += format_double(v.get<double>());
      } else if (v.is_string()) {
        text += v.get<std::string>();
      } else {
        text += v.dump();
      }
    }
    out += text + "\n";
  }
  return out;
}

std::string render_selection_chart(const SelectionReport& report) {
  // One series per setting of alpha, eta and seed, across K.
  std::vector<std::string> settings;
  std::vector<std::size_t> setting_of;
  for (const CandidateResult& r : report.candidates) {
    const std::string s = "alpha " + r.candidate.alpha.to_string() + ", eta " +
                          r.candidate.eta.to_string() + ", seed " +
                          std::to_string(r.candidate.seed);
    std::size_t i = 0;
    while (i < settings.size() && settings[i] != s) ++i;
    if (i == settings.size()) settings.push_back(s);
    setting_of.push_back(i);
  }
  std::vector<LineChart> charts;
  for (const Criterion& criterion : selection_criteria()) {
    const auto chosen = report.choice.find(criterion.name);
    if (chosen == report.choice.end()) continue;  // NaN for every candidate
    LineChart chart;
    chart.title = display_names().at(criterion.name);
    chart.x_label = "K (topics)";
    chart.y_label = criterion.name;
    chart.mark_legend = "the choice";
    for (std::size_t s = 0; s < settings.size(); ++s) {
      LineSeries series;
      series.name = settings[s];
      for (std::size_t c = 0; c < report.candidates.size(); ++c) {
        if (setting_of[c] != s) continue;
        series.x.push_back(static_cast<double>(report.candidates[c].candidate.n_topics));
        series.y.push_back(criterion.value(report.candidates[c]));
        series.marked.push_back(c == chosen->second);
      }
      chart.series.push_back(std::move(series));
    }
    charts.push_back(std::move(chart));
  }
  return render_chart_grid(charts, "Model selection: every criterion against the number of topics");
}

std::string format_loo(const LooResult& loo, const std::string& source) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "PSIS-LOO of %s: %zu draws x %zu observations\n\n",
                source.c_str(), loo.n_draws, loo.n_observations());
  out += line;
  std::snprintf(line, sizeof line,
                "          Estimate        SE\nelpd_loo %9.2f %9.2f\np_loo    %9.2f "
                "%9.2f\nlooic    %9.2f %9.2f\n",
                loo.elpd_loo.value, loo.elpd_loo.se, loo.p_loo.value, loo.p_loo.se, loo.looic.value,
                loo.looic.se);
  out += line;
  const auto counts = loo.pareto_k_counts();
  const double n = static_cast<double>(loo.n_observations());
  static const char* const kClasses[] = {"(-Inf, 0.5]  (good)     ", "(0.5, 0.7]   (ok)       ",
                                         "(0.7, 1]     (bad)      ", "(1, Inf)     (very bad) "};
  out += "\nPareto k diagnostic values:\n                         Count  Pct.\n";
  for (int i = 0; i < 4; ++i) {
    std::snprintf(line, sizeof line, "%s%6zu %5.1f%%\n", kClasses[i],
                  counts[static_cast<std::size_t>(i)],
                  100.0 * static_cast<double>(counts[static_cast<std::size_t>(i)]) / n);
    out += line;
  }
  const std::size_t high = loo.count_pareto_k_above(0.7);
  if (high > 0) {
    std::snprintf(line, sizeof line,
                  "\n%zu observation%s k-hat above 0.7: %s PSIS estimate is unreliable; refit "
                  "without them (exact LOO) or use K-fold cross-validation.\n",
                  high, high == 1 ? " has" : "s have", high == 1 ? "its" : "their");
    out += line;
  } else {
    out += "\nAll Pareto k estimates are ok (k <= 0.7).\n";
  }
  return out;
}

std::string loo_json(const LooResult& loo) {
  json pointwise_elpd = json::array(), pointwise_p = json::array(), lpd = json::array(),
       k = json::array();
  for (std::size_t i = 0; i < loo.n_observations(); ++i) {
    pointwise_elpd.push_back(number(loo.pointwise_elpd_loo[i]));
    pointwise_p.push_back(number(loo.pointwise_p_loo[i]));
    lpd.push_back(number(loo.lpd[i]));
    k.push_back(number(loo.pareto_k[i]));
  }
  const auto counts = loo.pareto_k_counts();
  const json out = {
      {"elpd_loo", number(loo.elpd_loo.value)},
      {"se_elpd_loo", number(loo.elpd_loo.se)},
      {"p_loo", number(loo.p_loo.value)},
      {"se_p_loo", number(loo.p_loo.se)},
      {"looic", number(loo.looic.value)},
      {"se_looic", number(loo.looic.se)},
      {"n_draws", loo.n_draws},
      {"n_observations", loo.n_observations()},
      {"pareto_k_counts",
       {{"good", counts[0]}, {"ok", counts[1]}, {"bad", counts[2]}, {"very_bad", counts[3]}}},
      {"pointwise_elpd_loo", pointwise_elpd},
      {"pointwise_p_loo", pointwise_p},
      {"lpd", lpd},
      {"pareto_k", k}};
  return out.dump(2) + "\n";
}

std::string format_loo_comparison(const std::vector<LooComparison>& comparison,
                                  const std::vector<std::string>& names) {
  std::size_t width = 8;
  for (const auto& name : names) width = std::max(width, name.size() + 2);
  std::string out = pad("", width, true) + pad("elpd_diff", 11) + pad("se_diff", 10) + "\n";
  for (const LooComparison& c : comparison) {
    out += pad(names.at(c.model), width, true) + pad(fixed(c.elpd_diff, 1), 11) +
           pad(fixed(c.se_diff, 1), 10) + "\n";
  }
  return out;
}

}  // namespace tmkit
