// CVSS scoring from the FIRST specifications: v2 (section 3.2.1), v3.0/v3.1
// (section 7), v4.0 (section 8: macro vectors, the expert lookup table and
// severity-distance interpolation).
#include "vulndb/cvss.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ig::vulndb {

namespace {

struct MetricSpec {
  std::string_view key;
  std::string_view values;  // allowed one-letter values
  bool mandatory;
};

using Metrics = std::map<std::string, char, std::less<>>;

// Splits "K:V/K:V" and checks keys, values, duplicates and mandatory metrics.
Result<Metrics> parse_metrics(std::string_view vector, std::string_view body, const std::vector<MetricSpec>& specs) {
  Metrics m;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t slash = body.find('/', pos);
    std::string_view part = body.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || part.size() != colon + 2) {
      return fail(ErrorCode::usage, "CVSS vector '{}': '{}' is not METRIC:VALUE", vector, part);
    }
    std::string_view key = part.substr(0, colon);
    char value = part[colon + 1];
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const MetricSpec& s) { return s.key == key; });
    if (spec == specs.end()) return fail(ErrorCode::usage, "CVSS vector '{}': unknown metric '{}'", vector, key);
    if (spec->values.find(value) == std::string_view::npos) {
      return fail(ErrorCode::usage, "CVSS vector '{}': '{}' is not a valid value for {}", vector, value, key);
    }
    if (!m.emplace(std::string(key), value).second) {
      return fail(ErrorCode::usage, "CVSS vector '{}': metric {} appears twice", vector, key);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  for (const auto& s : specs) {
    if (s.mandatory && !m.count(s.key)) {
      return fail(ErrorCode::usage, "CVSS vector '{}': mandatory metric {} is missing", vector, s.key);
    }
  }
  return m;
}

double round1(double x) { return std::round(x * 10.0) / 10.0; }

// --- v2 -------------------------------------------------------------------

const std::vector<MetricSpec>& v2_specs() {
  static const std::vector<MetricSpec> specs = {
      {"AV", "LAN", true},   {"AC", "HML", true},    {"Au", "MSN", true},    {"C", "NPC", true},
      {"I", "NPC", true},    {"A", "NPC", true},     {"E", "UPFHN", false},  {"RL", "OTWUN", false},
      {"RC", "UCN", false},  {"CDP", "NLMH", false}, {"TD", "NLMH", false},  {"CR", "LMHN", false},
      {"IR", "LMHN", false}, {"AR", "LMHN", false}};
  return specs;
}

double v2_base(const Metrics& m) {
  auto impact_of = [](char c) { return c == 'P' ? 0.275 : c == 'C' ? 0.660 : 0.0; };
  double av = m.at("AV") == 'L' ? 0.395 : m.at("AV") == 'A' ? 0.646 : 1.0;
  double ac = m.at("AC") == 'H' ? 0.35 : m.at("AC") == 'M' ? 0.61 : 0.71;
  double au = m.at("Au") == 'M' ? 0.45 : m.at("Au") == 'S' ? 0.56 : 0.704;
  double impact = 10.41 * (1 - (1 - impact_of(m.at("C"))) * (1 - impact_of(m.at("I"))) * (1 - impact_of(m.at("A"))));
  double exploitability = 20 * av * ac * au;
  double f = impact == 0 ? 0.0 : 1.176;
  return round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f);
}

// --- v3 -------------------------------------------------------------------

const std::vector<MetricSpec>& v3_specs() {
  static const std::vector<MetricSpec> specs = {
      {"AV", "NALP", true},   {"AC", "LH", true},     {"PR", "NLH", true},     {"UI", "NR", true},
      {"S", "UC", true},      {"C", "HLN", true},     {"I", "HLN", true},      {"A", "HLN", true},
      {"E", "XUPFH", false},  {"RL", "XOTWU", false}, {"RC", "XURC", false},   {"CR", "XLMH", false},
      {"IR", "XLMH", false},  {"AR", "XLMH", false},  {"MAV", "XNALP", false}, {"MAC", "XLH", false},
      {"MPR", "XNLH", false}, {"MUI", "XNR", false},  {"MS", "XUC", false},    {"MC", "XHLN", false},
      {"MI", "XHLN", false},  {"MA", "XHLN", false}};
  return specs;
}

// v3.1's Roundup works on integers so that 4.000000001 does not become 4.1.
double roundup_v31(double x) {
  long long i = std::llround(x * 100000.0);
  if (i % 10000 == 0) return static_cast<double>(i) / 100000.0;
  return (std::floor(static_cast<double>(i) / 10000.0) + 1) / 10.0;
}

double roundup_v30(double x) { return std::ceil(x * 10.0 - 1e-9) / 10.0; }

double v3_base(const Metrics& m, bool v31) {
  auto cia = [](char c) { return c == 'H' ? 0.56 : c == 'L' ? 0.22 : 0.0; };
  bool changed = m.at("S") == 'C';
  char avc = m.at("AV"), prc = m.at("PR");
  double av = avc == 'N' ? 0.85 : avc == 'A' ? 0.62 : avc == 'L' ? 0.55 : 0.2;
  double ac = m.at("AC") == 'L' ? 0.77 : 0.44;
  double pr = prc == 'N' ? 0.85 : prc == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
  double ui = m.at("UI") == 'N' ? 0.85 : 0.62;
  double iss = 1 - (1 - cia(m.at("C"))) * (1 - cia(m.at("I"))) * (1 - cia(m.at("A")));
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return v31 ? roundup_v31(raw) : roundup_v30(raw);
}

}  // namespace

// v4 lives in cvss4.cpp.
Result<double> cvss4_base_score(std::string_view vector, std::string_view body);

Result<CvssScore> score_cvss(std::string_view vector) {
  std::string_view v = vector;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  if (v.size() > 512) return fail(ErrorCode::usage, "CVSS vector of {} bytes is too long", v.size());
  if (v.empty()) return fail(ErrorCode::usage, "empty CVSS vector");
  CvssScore s;
  if (v.starts_with("CVSS:3.1/") || v.starts_with("CVSS:3.0/")) {
    bool v31 = v[7] == '1';
    IG_ASSIGN(auto m, parse_metrics(vector, v.substr(9), v3_specs()));
    s.version = v31 ? CvssVersion::v3_1 : CvssVersion::v3_0;
    s.base_score = v3_base(m, v31);
    return s;
  }
  if (v.starts_with("CVSS:4.0/")) {
    IG_ASSIGN(s.base_score, cvss4_base_score(vector, v.substr(9)));
    s.version = CvssVersion::v4_0;
    return s;
  }
  if (v.starts_with("CVSS:2.0/")) v.remove_prefix(9);
  if (v.size() >= 2 && v.front() == '(' && v.back() == ')') v = v.substr(1, v.size() - 2);
  if (v.starts_with("CVSS:")) return fail(ErrorCode::usage, "CVSS vector '{}': unsupported CVSS version", vector);
  IG_ASSIGN(auto m, parse_metrics(vector, v, v2_specs()));
  s.version = CvssVersion::v2;
  s.base_score = v2_base(m);
  return s;
}

std::string rating_for(CvssVersion version, double score) {
  if (version == CvssVersion::v2) return score >= 7.0 ? "High" : score >= 4.0 ? "Medium" : "Low";
  if (score <= 0.0) return "None";
  if (score < 4.0) return "Low";
  if (score < 7.0) return "Medium";
  if (score < 9.0) return "High";
  return "Critical";
}

std::string rating_from_label(std::string_view label) {
  std::string l;
  for (char c : label) {
    if (!std::isspace(static_cast<unsigned char>(c))) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!l.empty() && l.back() == '*') l.pop_back();  // Debian marks guessed urgencies "low*"
  static const std::map<std::string, std::string, std::less<>> bands = {
      {"critical", "Critical"}, {"high", "High"},         {"important", "High"}, {"moderate", "Medium"},
      {"medium", "Medium"},     {"low", "Low"},           {"negligible", "Low"}, {"unimportant", "Low"},
      {"none", "None"},         {"informational", "Low"}};
  auto it = bands.find(l);
  return it == bands.end() ? std::string() : it->second;
}

const char* cvss_type_name(CvssVersion version) {
  switch (version) {
    case CvssVersion::v2: return "CVSS_V2";
    case CvssVersion::v3_0:
    case CvssVersion::v3_1: return "CVSS_V3";
    case CvssVersion::v4_0: return "CVSS_V4";
  }
  return "CVSS_V3";
}

}  // namespace ig::vulndb
