// CVSS v4.0 scoring (FIRST CVSS v4.0 specification, section 8.2 and 8.3): a
// vector falls into a macro vector (six equivalence classes EQ1..EQ6) whose
// expert-assigned score comes from the specification's lookup table; the score
// is then lowered by how far the vector sits from the most severe vector of
// its macro vector, proportionally to the gap to the next lower macro vectors.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/cvss.h"

namespace ig::vulndb {

namespace {

// The specification's macro-vector scores, keyed by the digits EQ1..EQ6.
const std::map<std::string_view, double>& macro_scores() {
  static const std::map<std::string_view, double> t = {
      {"000000", 10},  {"000001", 9.9}, {"000010", 9.8}, {"000011", 9.5}, {"000020", 9.5}, {"000021", 9.2},
      {"000100", 10},  {"000101", 9.6}, {"000110", 9.3}, {"000111", 8.7}, {"000120", 9.1}, {"000121", 8.1},
      {"000200", 9.3}, {"000201", 9},   {"000210", 8.9}, {"000211", 8},   {"000220", 8.1}, {"000221", 6.8},
      {"001000", 9.8}, {"001001", 9.5}, {"001010", 9.5}, {"001011", 9.2}, {"001020", 9},   {"001021", 8.4},
      {"001100", 9.3}, {"001101", 9.2}, {"001110", 8.9}, {"001111", 8.1}, {"001120", 8.1}, {"001121", 6.5},
      {"001200", 8.8}, {"001201", 8},   {"001210", 7.8}, {"001211", 7},   {"001220", 6.9}, {"001221", 4.8},
      {"002001", 9.2}, {"002011", 8.2}, {"002021", 7.2}, {"002101", 7.9}, {"002111", 6.9}, {"002121", 5},
      {"002201", 6.9}, {"002211", 5.5}, {"002221", 2.7}, {"010000", 9.9}, {"010001", 9.7}, {"010010", 9.5},
      {"010011", 9.2}, {"010020", 9.2}, {"010021", 8.5}, {"010100", 9.5}, {"010101", 9.1}, {"010110", 9},
      {"010111", 8.3}, {"010120", 8.4}, {"010121", 7.1}, {"010200", 9.2}, {"010201", 8.1}, {"010210", 8.2},
      {"010211", 7.1}, {"010220", 7.2}, {"010221", 5.3}, {"011000", 9.5}, {"011001", 9.3}, {"011010", 9.2},
      {"011011", 8.5}, {"011020", 8.5}, {"011021", 7.3}, {"011100", 9.2}, {"011101", 8.2}, {"011110", 8},
      {"011111", 7.2}, {"011120", 7},   {"011121", 5.9}, {"011200", 8.4}, {"011201", 7},   {"011210", 7.1},
      {"011211", 5.2}, {"011220", 5},   {"011221", 3},   {"012001", 8.6}, {"012011", 7.5}, {"012021", 5.2},
      {"012101", 7.1}, {"012111", 5.2}, {"012121", 2.9}, {"012201", 6.3}, {"012211", 2.9}, {"012221", 1.7},
      {"100000", 9.8}, {"100001", 9.5}, {"100010", 9.4}, {"100011", 8.7}, {"100020", 9.1}, {"100021", 8.1},
      {"100100", 9.4}, {"100101", 8.9}, {"100110", 8.6}, {"100111", 7.4}, {"100120", 7.7}, {"100121", 6.4},
      {"100200", 8.7}, {"100201", 7.5}, {"100210", 7.4}, {"100211", 6.3}, {"100220", 6.3}, {"100221", 4.9},
      {"101000", 9.4}, {"101001", 8.9}, {"101010", 8.8}, {"101011", 7.7}, {"101020", 7.6}, {"101021", 6.7},
      {"101100", 8.6}, {"101101", 7.6}, {"101110", 7.4}, {"101111", 5.8}, {"101120", 5.9}, {"101121", 5},
      {"101200", 7.2}, {"101201", 5.7}, {"101210", 5.7}, {"101211", 5.2}, {"101220", 5.2}, {"101221", 2.5},
      {"102001", 8.3}, {"102011", 7},   {"102021", 5.4}, {"102101", 6.5}, {"102111", 5.8}, {"102121", 2.6},
      {"102201", 5.3}, {"102211", 2.1}, {"102221", 1.3}, {"110000", 9.5}, {"110001", 9},   {"110010", 8.8},
      {"110011", 7.6}, {"110020", 7.6}, {"110021", 7},   {"110100", 9},   {"110101", 7.7}, {"110110", 7.5},
      {"110111", 6.2}, {"110120", 6.1}, {"110121", 5.3}, {"110200", 7.7}, {"110201", 6.6}, {"110210", 6.8},
      {"110211", 5.9}, {"110220", 5.2}, {"110221", 3},   {"111000", 8.9}, {"111001", 7.8}, {"111010", 7.6},
      {"111011", 6.7}, {"111020", 6.2}, {"111021", 5.8}, {"111100", 7.4}, {"111101", 5.9}, {"111110", 5.7},
      {"111111", 5.7}, {"111120", 4.7}, {"111121", 2.3}, {"111200", 6.1}, {"111201", 5.2}, {"111210", 5.7},
      {"111211", 2.9}, {"111220", 2.4}, {"111221", 1.6}, {"112001", 7.1}, {"112011", 5.9}, {"112021", 3},
      {"112101", 5.8}, {"112111", 2.6}, {"112121", 1.5}, {"112201", 2.3}, {"112211", 1.3}, {"112221", 0.6},
      {"200000", 9.3}, {"200001", 8.7}, {"200010", 8.6}, {"200011", 7.2}, {"200020", 7.5}, {"200021", 5.8},
      {"200100", 8.6}, {"200101", 7.4}, {"200110", 7.4}, {"200111", 6.1}, {"200120", 5.6}, {"200121", 3.4},
      {"200200", 7},   {"200201", 5.4}, {"200210", 5.2}, {"200211", 4},   {"200220", 4},   {"200221", 2.2},
      {"201000", 8.5}, {"201001", 7.5}, {"201010", 7.4}, {"201011", 5.5}, {"201020", 6.2}, {"201021", 5.1},
      {"201100", 7.2}, {"201101", 5.7}, {"201110", 5.5}, {"201111", 4.1}, {"201120", 4.6}, {"201121", 1.9},
      {"201200", 5.3}, {"201201", 3.6}, {"201210", 3.4}, {"201211", 1.9}, {"201220", 1.9}, {"201221", 0.8},
      {"202001", 6.4}, {"202011", 5.1}, {"202021", 2},   {"202101", 4.7}, {"202111", 2.1}, {"202121", 1.1},
      {"202201", 2.4}, {"202211", 0.9}, {"202221", 0.4}, {"210000", 8.8}, {"210001", 7.5}, {"210010", 7.3},
      {"210011", 5.3}, {"210020", 6},   {"210021", 5},   {"210100", 7.3}, {"210101", 5.5}, {"210110", 5.9},
      {"210111", 4},   {"210120", 4.1}, {"210121", 2},   {"210200", 5.4}, {"210201", 4.3}, {"210210", 4.5},
      {"210211", 2.2}, {"210220", 2},   {"210221", 1.1}, {"211000", 7.5}, {"211001", 5.5}, {"211010", 5.8},
      {"211011", 4.5}, {"211020", 4},   {"211021", 2.1}, {"211100", 6.1}, {"211101", 5.1}, {"211110", 4.8},
      {"211111", 1.8}, {"211120", 2},   {"211121", 0.9}, {"211200", 4.6}, {"211201", 1.8}, {"211210", 1.7},
      {"211211", 0.7}, {"211220", 0.8}, {"211221", 0.2}, {"212001", 5.3}, {"212011", 2.4}, {"212021", 1.4},
      {"212101", 2.4}, {"212111", 1.2}, {"212121", 0.5}, {"212201", 1},   {"212211", 0.3}, {"212221", 0.1}};
  return t;
}

// The highest-severity vectors of each equivalence class level (spec table
// "max composed"); EQ3 and EQ6 are combined, indexed [eq3][eq6].
const std::vector<std::string_view>& eq1_max(int l) {
  static const std::array<std::vector<std::string_view>, 3> t = {{
      {"AV:N/PR:N/UI:N"},
      {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"},
      {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"},
  }};
  return t[l];
}
const std::vector<std::string_view>& eq2_max(int l) {
  static const std::array<std::vector<std::string_view>, 2> t = {{{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}}};
  return t[l];
}
const std::vector<std::string_view>& eq3eq6_max(int eq3, int eq6) {
  static const std::array<std::array<std::vector<std::string_view>, 2>, 3> t = {{
      {{{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}}},
      {{{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
        {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
         "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}}},
      {{{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}}},
  }};
  return t[eq3][eq6];
}
const std::vector<std::string_view>& eq4_max(int l) {
  static const std::array<std::vector<std::string_view>, 3> t = {
      {{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}}};
  return t[l];
}
const std::vector<std::string_view>& eq5_max(int l) {
  static const std::array<std::vector<std::string_view>, 3> t = {{{"E:A"}, {"E:P"}, {"E:U"}}};
  return t[l];
}

// Maximal severity distance (in steps of 0.1) inside each class level.
double max_severity_eq1(int l) { return std::array{1, 4, 5}[l]; }
double max_severity_eq2(int l) { return std::array{1, 2}[l]; }
double max_severity_eq3eq6(int eq3, int eq6) {
  static const int t[3][2] = {{7, 6}, {8, 8}, {0, 10}};
  return t[eq3][eq6];
}
double max_severity_eq4(int l) { return std::array{6, 5, 4}[l]; }

// Severity level of a metric value: 0 is most severe, in steps of 0.1.
double level(std::string_view metric, char v) {
  auto pick = [v](std::string_view order, double start) {
    size_t i = order.find(v);
    return start + 0.1 * static_cast<double>(i == std::string_view::npos ? 0 : i);
  };
  if (metric == "AV") return pick("NALP", 0);
  if (metric == "PR") return pick("NLH", 0);
  if (metric == "UI") return pick("NPA", 0);
  if (metric == "AC") return pick("LH", 0);
  if (metric == "AT") return pick("NP", 0);
  if (metric == "VC" || metric == "VI" || metric == "VA") return pick("HLN", 0);
  if (metric == "SC") return pick("HLN", 0.1);
  if (metric == "SI" || metric == "SA") return pick("SHLN", 0);
  if (metric == "CR" || metric == "IR" || metric == "AR") return pick("HML", 0);
  return 0;
}

struct MetricSpec4 {
  std::string_view key;
  std::string_view values;
  bool mandatory;
};

const std::vector<MetricSpec4>& v4_specs() {
  static const std::vector<MetricSpec4> s = {
      {"AV", "NALP", true},     {"AC", "LH", true},      {"AT", "NP", true},      {"PR", "NLH", true},
      {"UI", "NPA", true},      {"VC", "HLN", true},     {"VI", "HLN", true},     {"VA", "HLN", true},
      {"SC", "HLN", true},      {"SI", "HLN", true},     {"SA", "HLN", true},     {"E", "XAPU", false},
      {"CR", "XHML", false},    {"IR", "XHML", false},   {"AR", "XHML", false},   {"MAV", "XNALP", false},
      {"MAC", "XLH", false},    {"MAT", "XNP", false},   {"MPR", "XNLH", false},  {"MUI", "XNPA", false},
      {"MVC", "XHLN", false},   {"MVI", "XHLN", false},  {"MVA", "XHLN", false},  {"MSC", "XHLN", false},
      {"MSI", "XSHLN", false},  {"MSA", "XSHLN", false}, {"S", "XNP", false},     {"AU", "XNY", false},
      {"R", "XAUI", false},     {"V", "XDC", false},     {"RE", "XLMH", false},   {"U", "XCGAR", false}};
  return s;
}

// A parsed v4 vector; eff() gives the value scoring uses: the modified metric
// when set, and the specification's defaults for unset threat/requirements.
struct Vector4 {
  std::map<std::string, char, std::less<>> m;
  char get(std::string_view k) const {
    auto it = m.find(k);
    return it == m.end() ? 'X' : it->second;
  }
  char eff(std::string_view k) const {
    if (k == "E") return get("E") == 'X' ? 'A' : get("E");
    if (k == "CR" || k == "IR" || k == "AR") return get(k) == 'X' ? 'H' : get(k);
    char mod = get(std::string("M") + std::string(k));
    return mod != 'X' ? mod : get(k);
  }
};

Result<Vector4> parse_v4(std::string_view vector, std::string_view body) {
  Vector4 v;
  size_t pos = 0;
  while (true) {
    size_t slash = body.find('/', pos);
    std::string_view part = body.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || part.size() != colon + 2) {
      return fail(ErrorCode::usage, "CVSS vector '{}': '{}' is not METRIC:VALUE", vector, part);
    }
    std::string_view key = part.substr(0, colon);
    char value = part[colon + 1];
    const auto& specs = v4_specs();
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const MetricSpec4& s) { return s.key == key; });
    if (spec == specs.end()) return fail(ErrorCode::usage, "CVSS vector '{}': unknown metric '{}'", vector, key);
    if (spec->values.find(value) == std::string_view::npos) {
      return fail(ErrorCode::usage, "CVSS vector '{}': '{}' is not a valid value for {}", vector, value, key);
    }
    if (!v.m.emplace(std::string(key), value).second) {
      return fail(ErrorCode::usage, "CVSS vector '{}': metric {} appears twice", vector, key);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  for (const auto& s : v4_specs()) {
    if (s.mandatory && !v.m.count(s.key)) {
      return fail(ErrorCode::usage, "CVSS vector '{}': mandatory metric {} is missing", vector, s.key);
    }
  }
  return v;
}

std::array<int, 6> macro_vector(const Vector4& v) {
  auto is = [&](std::string_view k, char c) { return v.eff(k) == c; };
  std::array<int, 6> eq{};
  bool all_n = is("AV", 'N') && is("PR", 'N') && is("UI", 'N');
  bool any_n = is("AV", 'N') || is("PR", 'N') || is("UI", 'N');
  eq[0] = all_n ? 0 : (any_n && !is("AV", 'P')) ? 1 : 2;
  eq[1] = is("AC", 'L') && is("AT", 'N') ? 0 : 1;
  eq[2] = is("VC", 'H') && is("VI", 'H') ? 0 : (is("VC", 'H') || is("VI", 'H') || is("VA", 'H')) ? 1 : 2;
  bool safety = is("SI", 'S') || is("SA", 'S');
  eq[3] = safety ? 0 : (is("SC", 'H') || is("SI", 'H') || is("SA", 'H')) ? 1 : 2;
  eq[4] = is("E", 'A') ? 0 : is("E", 'P') ? 1 : 2;
  eq[5] = (is("CR", 'H') && is("VC", 'H')) || (is("IR", 'H') && is("VI", 'H')) || (is("AR", 'H') && is("VA", 'H')) ? 0 : 1;
  return eq;
}

double lookup(std::array<int, 6> eq) {
  std::string key;
  for (int d : eq) key += static_cast<char>('0' + d);
  auto it = macro_scores().find(key);
  return it == macro_scores().end() ? NAN : it->second;
}

// Value of metric `k` inside a "K:V/K:V" max-vector fragment.
char fragment_value(std::string_view frag, std::string_view k) {
  size_t pos = 0;
  while (pos < frag.size()) {
    size_t slash = frag.find('/', pos);
    std::string_view part = frag.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (part.size() == k.size() + 2 && part.substr(0, k.size()) == k && part[k.size()] == ':') return part.back();
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return 'X';
}

constexpr std::array<std::string_view, 14> k_distance_metrics = {"AV", "PR", "UI", "AC", "AT", "VC", "VI",
                                                                  "VA", "SC", "SI", "SA", "CR", "IR", "AR"};

// Severity distances of `v` from the first max vector of its macro vector that
// it does not exceed in any metric.
std::map<std::string_view, double> distances(const Vector4& v, const std::array<int, 6>& eq) {
  std::map<std::string_view, double> best;
  for (auto a : eq1_max(eq[0]))
    for (auto b : eq2_max(eq[1]))
      for (auto c : eq3eq6_max(eq[2], eq[5]))
        for (auto d : eq4_max(eq[3]))
          for (auto e : eq5_max(eq[4])) {
            std::string frag = std::string(a) + "/" + std::string(b) + "/" + std::string(c) + "/" + std::string(d) +
                               "/" + std::string(e);
            std::map<std::string_view, double> dist;
            bool ok = true;
            for (auto k : k_distance_metrics) {
              double dd = level(k, v.eff(k)) - level(k, fragment_value(frag, k));
              if (dd < -1e-9) ok = false;
              dist[k] = dd;
            }
            if (ok) return dist;
            if (best.empty()) best = dist;
          }
  return best;
}

}  // namespace

Result<double> cvss4_base_score(std::string_view vector, std::string_view body);

Result<double> cvss4_base_score(std::string_view vector, std::string_view body) {
  IG_ASSIGN(auto v, parse_v4(vector, body));
  const char* impacts[] = {"VC", "VI", "VA", "SC", "SI", "SA"};
  if (std::all_of(std::begin(impacts), std::end(impacts), [&](const char* k) { return v.eff(k) == 'N'; })) return 0.0;
  auto eq = macro_vector(v);
  double value = lookup(eq);
  if (std::isnan(value)) return fail(ErrorCode::usage, "CVSS vector '{}': no score for its macro vector", vector);

  auto lower = [&](int i) {
    auto e = eq;
    e[i] += 1;
    return lookup(e);
  };
  double next_eq1 = lower(0), next_eq2 = lower(1), next_eq4 = lower(3), next_eq5 = lower(4);
  double next_eq3eq6;
  int eq3 = eq[2], eq6 = eq[5];
  if (eq3 == 0 && eq6 == 0) {
    // Two lower neighbours: the closer (higher scoring) one bounds the interval.
    double left = lower(5), right = lower(2);
    next_eq3eq6 = left > right ? left : right;
  } else if ((eq3 == 1 && eq6 == 1) || (eq3 == 0 && eq6 == 1)) {
    next_eq3eq6 = lower(2);
  } else if (eq3 == 1 && eq6 == 0) {
    next_eq3eq6 = lower(5);
  } else {
    next_eq3eq6 = NAN;
  }

  auto d = distances(v, eq);
  double cur_eq1 = d["AV"] + d["PR"] + d["UI"];
  double cur_eq2 = d["AC"] + d["AT"];
  double cur_eq3eq6 = d["VC"] + d["VI"] + d["VA"] + d["CR"] + d["IR"] + d["AR"];
  double cur_eq4 = d["SC"] + d["SI"] + d["SA"];
  constexpr double step = 0.1;

  int n_lower = 0;
  double total = 0;
  auto add = [&](double next, double current, double max_steps) {
    if (std::isnan(next)) return;
    ++n_lower;
    if (max_steps > 0) total += (value - next) * (current / (max_steps * step));
  };
  add(next_eq1, cur_eq1, max_severity_eq1(eq[0]));
  add(next_eq2, cur_eq2, max_severity_eq2(eq[1]));
  add(next_eq3eq6, cur_eq3eq6, max_severity_eq3eq6(eq3, eq6));
  add(next_eq4, cur_eq4, max_severity_eq4(eq[3]));
  add(next_eq5, 0.0, 1);  // EQ5 has no distance within its levels
  if (n_lower > 0) value -= total / n_lower;
  value = std::clamp(value, 0.0, 10.0);
  return std::round(value * 10.0 + 1e-9) / 10.0;
}

}  // namespace ig::vulndb
