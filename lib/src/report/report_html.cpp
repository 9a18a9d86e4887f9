// The page of tm-report: a fixed template with the data of one model embedded as JSON.
#include <nlohmann/json.hpp>

#include "tmkit/io/svg.hpp"
#include "tmkit/report/report.hpp"

namespace tmkit {

namespace {

using json = nlohmann::json;

// The data as the page's script reads it. Only words that some topic lists, and only documents
// that some topic lists, are embedded, so the page stays small for large vocabularies.
json page_data(const ReportData& data, std::size_t top_terms) {
  json words = json::object();      // word id -> [word, log p(w), corpus count]
  json documents = json::object();  // document index -> [id, label]
  json topics = json::array();
  for (std::size_t k = 0; k < data.topics.size(); ++k) {
    const ReportTopic& topic = data.topics[k];
    json terms = json::array();
    for (const ReportTerm& term : topic.terms) {
      terms.push_back({term.word, term.log_phi, term.topic_count});
      const std::string id = std::to_string(term.word);
      if (!words.contains(id)) {
        words[id] = {data.vocab[term.word], data.log_marginal[term.word],
                     data.term_frequency[term.word]};
      }
    }
    json docs = json::array();
    for (std::size_t i = 0; i < topic.documents.size(); ++i) {
      const std::size_t d = topic.documents[i];
      docs.push_back({d, topic.document_shares[i]});
      const std::string id = std::to_string(d);
      if (!documents.contains(id)) {
        const auto snippet = data.snippets.find(d);
        documents[id] = {data.doc_ids[d], data.labels.empty() ? std::string() : data.labels[d],
                         snippet == data.snippets.end() ? std::string() : snippet->second};
      }
    }
    topics.push_back({{"share", topic.share},
                      {"x", topic.x},
                      {"y", topic.y},
                      {"umass", topic.umass},
                      {"npmi", topic.npmi},
                      {"terms", terms},
                      {"docs", docs}});
  }
  return {{"model", data.model},
          {"n_docs", data.n_docs},
          {"n_words", data.n_words},
          {"top_terms", top_terms},
          {"words", words},
          {"documents", documents},
          {"topics", topics},
          {"selection_note", data.selection_note},
          {"cluster_note", data.cluster_note}};
}

// JSON safe inside a <script> element: "</" would end it.
std::string script_safe(std::string text) {
  for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) {
    text.replace(at, 2, "<\\/");
  }
  return text;
}

// An SVG file's markup without its XML declaration, for inline use.
std::string inline_svg(const std::string& svg) {
  const std::size_t start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

const char* const kStyle = R"CSS(
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 10px 18px; background: #26324a; color: #fff; }
header h1 { font-size: 18px; margin: 0; } header p { margin: 2px 0 0; opacity: .8; }
main { display: grid; grid-template-columns: minmax(320px, 520px) 1fr; gap: 16px; padding: 16px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; }
h2 { font-size: 15px; margin: 4px 0 8px; }
#map circle { fill: #7aa6d6; fill-opacity: .55; stroke: #34608f; cursor: pointer; }
#map circle.selected { fill: #d9534f; stroke: #8b1f1b; }
#map text { font-size: 11px; pointer-events: none; text-anchor: middle; dominant-baseline: middle; }
#terms .row { display: grid; grid-template-columns: 130px 1fr; align-items: center; height: 18px; }
#terms .word { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; padding-right: 6px; }
#terms .bars { position: relative; height: 13px; }
#terms .all, #terms .topic { position: absolute; left: 0; top: 0; height: 13px; }
#terms .all { background: #c9d3df; } #terms .topic { background: #d9534f; }
#documents li { margin: 2px 0; } #documents .share { color: #666; }
#documents .snippet { color: #555; font-size: 12px; }
.wide { grid-column: 1 / -1; } pre { white-space: pre-wrap; font-size: 12px; }
.legend span { display: inline-block; width: 12px; height: 10px; margin: 0 4px 0 10px; }
)CSS";

const char* const kScript = R"JS(
"use strict";
const data = JSON.parse(document.getElementById("tmkit-data").textContent);
const state = { topic: 0, lambda: 1 };
const svgNS = "http://www.w3.org/2000/svg";

// Relevance as tmkit computes it (topics.hpp), term for term, so that ranks agree bit for bit.
function rankTerms(topic, lambda, n) {
  const scored = data.topics[topic].terms.map(([word, logPhi, count]) => {
    const logMarginal = data.words[word][1];
    return { word, count, score: lambda * logPhi + (1.0 - lambda) * (logPhi - logMarginal) };
  });
  scored.sort((a, b) => (a.score !== b.score ? b.score - a.score : a.word - b.word));
  return scored.slice(0, n);
}

function topWords(topic, n) {
  return rankTerms(topic, 1, n).map((t) => data.words[t.word][0]).join(", ");
}

function drawMap() {
  const svg = document.getElementById("map");
  const size = 480, pad = 40;
  const xs = data.topics.map((t) => t.x), ys = data.topics.map((t) => t.y);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const scale = (size - 2 * pad) / span;
  const maxShare = Math.max(...data.topics.map((t) => t.share));
  data.topics.forEach((t, k) => {
    const circle = document.createElementNS(svgNS, "circle");
    circle.setAttribute("cx", size / 2 + (t.x - cx) * scale);
    circle.setAttribute("cy", size / 2 - (t.y - cy) * scale);
    circle.setAttribute("r", 40 * Math.sqrt(t.share / maxShare));  // area proportional to share
    circle.dataset.topic = k;
    const title = document.createElementNS(svgNS, "title");
    title.textContent = "topic " + k + " (" + (100 * t.share).toFixed(1) + "%): " + topWords(k, 8);
    circle.appendChild(title);
    circle.addEventListener("click", () => select(k));
    svg.appendChild(circle);
    const label = document.createElementNS(svgNS, "text");
    label.setAttribute("x", circle.getAttribute("cx"));
    label.setAttribute("y", circle.getAttribute("cy"));
    label.textContent = k;
    svg.appendChild(label);
  });
}

function drawTerms() {
  const terms = rankTerms(state.topic, state.lambda, data.top_terms);
  const box = document.getElementById("terms");
  box.textContent = "";
  const widest = Math.max(...terms.map((t) => data.words[t.word][2]), 1);
  for (const t of terms) {
    const [word, , frequency] = data.words[t.word];
    const row = document.createElement("div");
    row.className = "row";
    row.dataset.word = word;
    row.title = word + ": " + Math.round(t.count) + " of " + frequency + " occurrences in this topic";
    const name = document.createElement("span");
    name.className = "word";
    name.textContent = word;
    const bars = document.createElement("span");
    bars.className = "bars";
    const all = document.createElement("span");
    all.className = "all";
    all.style.width = (100 * frequency / widest) + "%";
    const topic = document.createElement("span");
    topic.className = "topic";
    topic.style.width = (100 * Math.min(t.count, frequency) / widest) + "%";
    bars.append(all, topic);
    row.append(name, bars);
    box.appendChild(row);
  }
  document.getElementById("lambda-value").textContent = state.lambda.toFixed(2);
}

function drawDocuments() {
  const list = document.getElementById("documents");
  list.textContent = "";
  for (const [d, share] of data.topics[state.topic].docs) {
    const [id, label, snippet] = data.documents[d];
    const item = document.createElement("li");
    item.dataset.doc = id;
    item.textContent = id + (label ? " — " + label : "") + " ";
    const part = document.createElement("span");
    part.className = "share";
    part.textContent = (100 * share).toFixed(1) + "%";
    item.appendChild(part);
    if (snippet) {
      const text = document.createElement("div");
      text.className = "snippet";
      text.textContent = snippet;
      item.appendChild(text);
    }
    list.appendChild(item);
  }
}

function select(k) {
  state.topic = k;
  document.querySelectorAll("#map circle").forEach((c) =>
    c.classList.toggle("selected", Number(c.dataset.topic) === k));
  const t = data.topics[k];
  const fmt = (v) => (v === null ? "n/a" : v.toFixed(3));
  document.getElementById("topic-title").textContent =
    "Topic " + k + ": " + (100 * t.share).toFixed(1) + "% of tokens; coherence UMass " +
    fmt(t.umass) + ", NPMI " + fmt(t.npmi);
  drawTerms();
  drawDocuments();
}

document.getElementById("lambda").addEventListener("input", (event) => {
  state.lambda = parseFloat(event.target.value);
  drawTerms();
});
drawMap();
select(0);
)JS";

}  // namespace

std::string render_report(const ReportData& data, std::size_t top_terms) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // No request to any network: everything is inline, and the policy forbids the rest.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
      "<title>tmkit report: " +
      xml_escape(data.model) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  page += "<header><h1>tmkit report: " + xml_escape(data.model) + "</h1><p>" +
          std::to_string(data.topics.size()) + " topics, " + std::to_string(data.n_words) +
          " words, " + std::to_string(data.n_docs) + " documents</p></header>\n<main>\n";
  page +=
      "<section><h2>Topic map</h2><p>Topics placed by classical MDS of their Jensen-Shannon "
      "distances; area proportional to the share of tokens. Hover for the top words, click to "
      "select.</p><svg id=\"map\" width=\"480\" height=\"480\" viewBox=\"0 0 480 480\"></svg>"
      "</section>\n";
  page +=
      "<section><h2 id=\"topic-title\"></h2><label>relevance &lambda; = <span "
      "id=\"lambda-value\"></span> <input id=\"lambda\" type=\"range\" min=\"0\" max=\"1\" "
      "step=\"0.01\" value=\"1\"></label><p class=\"legend\">ranked by &lambda; log p(w|k) + (1 "
      "&minus; &lambda;) log(p(w|k) / p(w))<span style=\"background:#c9d3df\"></span>all "
      "occurrences<span style=\"background:#d9534f\"></span>in this topic</p><div "
      "id=\"terms\"></div><h2>Documents most about it</h2><ol id=\"documents\"></ol></section>\n";
  page += "<section class=\"wide\"><h2>ELBO trace of the fit</h2>" + inline_svg(data.elbo_svg) +
          "</section>\n";
  if (!data.selection_svg.empty()) {
    page += "<section class=\"wide\" id=\"selection\"><h2>Choice of K (tm-select)</h2>" +
            inline_svg(data.selection_svg) + "<pre>" + xml_escape(data.selection_note) +
            "</pre></section>\n";
  }
  if (!data.dendrogram_svg.empty()) {
    page += "<section class=\"wide\" id=\"clusters\"><h2>Document clusters (tm-cluster)</h2>" +
            inline_svg(data.dendrogram_svg) + "<pre>" + xml_escape(data.cluster_note) +
            "</pre></section>\n";
  }
  if (!data.drift_svg.empty()) {
    page += "<section class=\"wide\" id=\"drift\"><h2>Topic drift between groups</h2>" +
            inline_svg(data.drift_svg) + "<pre>" + xml_escape(data.drift_note) +
            "</pre></section>\n";
  }
  page += "</main>\n<script type=\"application/json\" id=\"tmkit-data\">" +
          script_safe(page_data(data, top_terms).dump()) + "</script>\n<script>" + kScript +
          "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace tmkit
