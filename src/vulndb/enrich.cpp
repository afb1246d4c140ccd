#include "vulndb/enrich.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "util/fs.h"
#include "util/log.h"
#include "vulndb/document.h"
#include "vulndb/importer.h"

namespace ig::vulndb {

namespace {

constexpr uint64_t k_max_kev_file = 64ull << 20;
constexpr uint64_t k_max_epss_file = 256ull << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

bool parse_unit_interval(std::string_view s, double& out) {
  std::string tmp(trim(s));
  if (tmp.empty()) return false;
  char* end = nullptr;
  out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size() && std::isfinite(out) && out >= 0.0 && out <= 1.0;
}

// "model_version:v2023.03.01,score_date:2023-03-05T00:00:00+0000"
void parse_comment(std::string_view line, EpssFeed& feed) {
  line.remove_prefix(1);
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t comma = line.find(',', pos);
    std::string_view kv = line.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    size_t colon = kv.find(':');
    if (colon != std::string_view::npos) {
      auto key = trim(kv.substr(0, colon));
      auto value = trim(kv.substr(colon + 1));
      if (key == "model_version") feed.model_version = value;
      if (key == "score_date") feed.score_date = value;
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
}

}  // namespace

Result<std::vector<KevEntry>> parse_kev(const nlohmann::json& doc, std::string_view name, int64_t* skipped) {
  const auto& vulns = json_child(doc, "vulnerabilities");
  if (!vulns.is_array()) {
    return fail(ErrorCode::invalid_image, "{}: not a CISA KEV catalog (no 'vulnerabilities' array)", name);
  }
  std::vector<KevEntry> out;
  for (const auto& v : vulns) {
    KevEntry e;
    e.cve = json_string(v, "cveID");
    if (e.cve.empty()) {
      log::warn("{}: skipping a KEV entry without cveID", name);
      ++*skipped;
      continue;
    }
    e.vendor = json_string(v, "vendorProject");
    e.product = json_string(v, "product");
    e.name = json_string(v, "vulnerabilityName");
    e.date_added = json_string(v, "dateAdded");
    e.due_date = json_string(v, "dueDate");
    e.required_action = json_string(v, "requiredAction");
    e.known_ransomware = json_string(v, "knownRansomwareCampaignUse");
    out.push_back(std::move(e));
  }
  return out;
}

Result<EpssFeed> parse_epss(std::string_view csv, std::string_view name, int64_t* skipped) {
  EpssFeed feed;
  int cve_col = -1, epss_col = -1, pct_col = -1;
  size_t pos = 0, line_no = 0;
  while (pos < csv.size()) {
    size_t nl = csv.find('\n', pos);
    std::string_view line = trim(csv.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? csv.size() : nl + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line.front() == '#') {
      parse_comment(line, feed);
      continue;
    }
    std::vector<std::string_view> cols;
    for (size_t p = 0;;) {
      size_t c = line.find(',', p);
      cols.push_back(trim(line.substr(p, c == std::string_view::npos ? std::string_view::npos : c - p)));
      if (c == std::string_view::npos) break;
      p = c + 1;
    }
    if (cve_col < 0) {
      for (size_t i = 0; i < cols.size(); ++i) {
        if (cols[i] == "cve") cve_col = static_cast<int>(i);
        if (cols[i] == "epss") epss_col = static_cast<int>(i);
        if (cols[i] == "percentile") pct_col = static_cast<int>(i);
      }
      if (cve_col < 0 || epss_col < 0 || pct_col < 0) {
        return fail(ErrorCode::invalid_image, "{}: not an EPSS CSV (line {} is not the 'cve,epss,percentile' header)",
                    name, line_no);
      }
      continue;
    }
    EpssEntry e;
    size_t need = static_cast<size_t>(std::max({cve_col, epss_col, pct_col}));
    if (cols.size() <= need || cols[cve_col].empty() || !parse_unit_interval(cols[epss_col], e.score) ||
        !parse_unit_interval(cols[pct_col], e.percentile)) {
      log::warn("{}: skipping malformed line {}", name, line_no);
      ++*skipped;
      continue;
    }
    e.cve = cols[cve_col];
    feed.entries.push_back(std::move(e));
  }
  if (cve_col < 0) return fail(ErrorCode::invalid_image, "{}: not an EPSS CSV (no 'cve,epss,percentile' header)", name);
  return feed;
}

Result<ImportStats> import_kev(ImportSession& session, const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_file(path, k_max_kev_file));
  IG_ASSIGN(auto doc, parse_document(text, path.string()));
  ImportStats stats;
  IG_ASSIGN(auto entries, parse_kev(doc, path.string(), &stats.skipped));
  for (const auto& e : entries) {
    IG_TRY(session.add_kev(e));
    ++stats.records;
  }
  return stats;
}

Result<ImportStats> import_epss(ImportSession& session, const std::filesystem::path& path) {
  IG_ASSIGN(auto text, read_source_text(path, k_max_epss_file));
  ImportStats stats;
  IG_ASSIGN(auto feed, parse_epss(text, path.string(), &stats.skipped));
  for (const auto& e : feed.entries) {
    IG_TRY(session.add_epss(e));
    ++stats.records;
  }
  if (!feed.model_version.empty()) IG_TRY(session.set_meta("epss_model_version", feed.model_version));
  if (!feed.score_date.empty()) IG_TRY(session.set_meta("epss_score_date", feed.score_date));
  return stats;
}

}  // namespace ig::vulndb
