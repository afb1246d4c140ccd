// The verdict predicate (attestation.h).
#include "policy/attestation.h"

#include <ctime>

#include <fmt/format.h>

namespace ig::policy {

using nlohmann::json;

namespace {

constexpr const char* k_count_keys[] = {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"};
// A registry hands us this JSON: bound what one predicate may hold.
constexpr size_t k_max_list = 10000;

constexpr std::string_view k_what = "the verdict predicate";

Result<std::string> str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return fail(ErrorCode::invalid_signature, "{}: '{}' must be a string", k_what, key);
  }
  return it->get<std::string>();
}

Result<std::vector<std::string>> strings(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->size() > k_max_list) {
    return fail(ErrorCode::invalid_signature, "{}: '{}' must be an array of at most {} strings", k_what, key,
                k_max_list);
  }
  std::vector<std::string> out;
  for (const auto& s : *it) {
    if (!s.is_string()) return fail(ErrorCode::invalid_signature, "{}: '{}' must hold strings only", k_what, key);
    out.push_back(s.get<std::string>());
  }
  return out;
}

Result<Reason> reason_of(const json& j) {
  if (!j.is_object()) return fail(ErrorCode::invalid_signature, "{}: each reason must be an object", k_what);
  Reason r;
  IG_ASSIGN(r.rule, str(j, "rule"));
  IG_ASSIGN(std::string kind, str(j, "kind"));
  IG_ASSIGN(std::string mode, str(j, "mode"));
  IG_ASSIGN(r.saw, str(j, "saw"));
  IG_ASSIGN(r.items, strings(j, "items"));
  IG_ASSIGN(r.fix, str(j, "fix"));
  bool known_kind = false;
  for (Kind k : {Kind::signature, Kind::vulnerability, Kind::config, Kind::license}) {
    if (kind == kind_name(k)) r.kind = k, known_kind = true;
  }
  if (!known_kind) return fail(ErrorCode::invalid_signature, "{}: reason kind '{}' is unknown", k_what, kind);
  if (mode == mode_name(Mode::enforce)) r.mode = Mode::enforce;
  else if (mode == mode_name(Mode::notify)) r.mode = Mode::notify;
  else return fail(ErrorCode::invalid_signature, "{}: reason mode '{}' is unknown", k_what, mode);
  return r;
}

bool digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

}  // namespace

VerdictPredicate predicate_of(const CheckReport& report, const std::string& db_built,
                              const std::vector<std::string>& db_sources, int64_t checked_at,
                              const std::string& tool_version) {
  VerdictPredicate p;
  p.image = report.repository;
  p.image_digest = report.image_digest;
  p.decision = report.verdict.decision;
  p.exit_code = report.exit_code;
  p.policy_source = report.policy_source;
  p.policy_digest = report.policy_digest;
  p.db_built = db_built;
  p.db_sources = db_sources;
  p.counts = report.counts;
  p.reasons = report.verdict.reasons;
  p.checked_at = format_utc_seconds(checked_at);
  p.tool_version = tool_version;
  return p;
}

json predicate_to_json(const VerdictPredicate& p) {
  json reasons = json::array();
  for (const auto& r : p.reasons) {
    reasons.push_back(json{{"rule", r.rule},
                           {"kind", kind_name(r.kind)},
                           {"mode", mode_name(r.mode)},
                           {"saw", r.saw},
                           {"items", r.items},
                           {"fix", r.fix}});
  }
  json counts = json::object();
  for (size_t i = 0; i < p.counts.size(); ++i) counts[k_count_keys[i]] = p.counts[i];
  // nlohmann's object keeps keys sorted: the dump is canonical.
  return json{{"decision", decision_name(p.decision)},
              {"exitCode", p.exit_code},
              {"image", {{"name", p.image}, {"digest", p.image_digest}}},
              {"policy", {{"source", p.policy_source}, {"digest", p.policy_digest}}},
              {"database", {{"built", p.db_built}, {"sources", p.db_sources}}},
              {"counts", counts},
              {"reasons", reasons},
              {"checkedAt", p.checked_at},
              {"tool", {{"name", "imagegate"}, {"version", p.tool_version}}}};
}

Result<VerdictPredicate> parse_predicate(const json& j) {
  if (!j.is_object()) return fail(ErrorCode::invalid_signature, "{} is not a JSON object", k_what);
  VerdictPredicate p;
  IG_ASSIGN(std::string decision, str(j, "decision"));
  bool known = false;
  for (Decision d : {Decision::allow, Decision::warn, Decision::deny}) {
    if (decision == decision_name(d)) p.decision = d, known = true;
  }
  if (!known) return fail(ErrorCode::invalid_signature, "{}: decision '{}' is unknown", k_what, decision);
  auto code = j.find("exitCode");
  if (code == j.end() || !code->is_number_integer()) {
    return fail(ErrorCode::invalid_signature, "{}: 'exitCode' must be an integer", k_what);
  }
  p.exit_code = code->get<int>();
  for (const char* key : {"image", "policy", "database", "counts", "tool"}) {
    if (auto it = j.find(key); it == j.end() || !it->is_object()) {
      return fail(ErrorCode::invalid_signature, "{}: '{}' must be an object", k_what, key);
    }
  }
  IG_ASSIGN(p.image, str(j["image"], "name"));
  IG_ASSIGN(p.image_digest, str(j["image"], "digest"));
  IG_ASSIGN(p.policy_source, str(j["policy"], "source"));
  IG_ASSIGN(p.policy_digest, str(j["policy"], "digest"));
  IG_ASSIGN(p.db_built, str(j["database"], "built"));
  IG_ASSIGN(p.db_sources, strings(j["database"], "sources"));
  IG_ASSIGN(p.tool_version, str(j["tool"], "version"));
  for (size_t i = 0; i < p.counts.size(); ++i) {
    auto c = j["counts"].find(k_count_keys[i]);
    if (c == j["counts"].end() || !c->is_number_integer() || c->get<int64_t>() < 0 ||
        c->get<int64_t>() > 1'000'000'000) {
      return fail(ErrorCode::invalid_signature, "{}: counts.{} must be a whole number", k_what, k_count_keys[i]);
    }
    p.counts[i] = c->get<int>();
  }
  auto reasons = j.find("reasons");
  if (reasons == j.end() || !reasons->is_array() || reasons->size() > k_max_list) {
    return fail(ErrorCode::invalid_signature, "{}: 'reasons' must be an array", k_what);
  }
  for (const auto& r : *reasons) {
    IG_ASSIGN(Reason reason, reason_of(r));
    p.reasons.push_back(std::move(reason));
  }
  IG_ASSIGN(p.checked_at, str(j, "checkedAt"));
  IG_TRY(parse_utc_seconds(p.checked_at));
  // The decision and exit code must be the ones the reasons make: a signed
  // "allow" beside enforced reasons is not a verdict we wrote.
  Verdict v = decide(p.reasons);
  if (v.decision != p.decision || verdict_exit_code(v) != p.exit_code) {
    return fail(ErrorCode::invalid_signature, "{}: decision '{}' with exit code {} does not follow from its reasons",
                k_what, decision, p.exit_code);
  }
  return p;
}

std::string format_utc_seconds(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

Result<int64_t> parse_utc_seconds(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorCode::invalid_signature, "{}: time '{}' is not YYYY-MM-DDTHH:MM:SSZ", k_what,
                s.substr(0, 40));
  };
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') {
    return bad();
  }
  for (size_t at : {0, 5, 8, 11, 14, 17}) {
    if (!digits(s.substr(at, at == 0 ? 4 : 2))) return bad();
  }
  auto num = [&](size_t at, size_t n) { return std::stoi(std::string(s.substr(at, n))); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) {
    return bad();
  }
  int64_t t = timegm(&tm);
  // timegm normalises 31 February into March: only a round trip is a date.
  if (format_utc_seconds(t) != s) return bad();
  return t;
}

Result<void> accept_predicate(const VerdictPredicate& p, const AcceptRules& rules) {
  if (!rules.policy_digest.empty() && p.policy_digest != rules.policy_digest) {
    return fail(ErrorCode::invalid_signature,
                "the attested verdict was made under policy {}, not {}: check the image again under this policy",
                p.policy_digest, rules.policy_digest);
  }
  IG_ASSIGN(int64_t at, parse_utc_seconds(p.checked_at));
  // A minute of clock skew between the checking and the deploying machine.
  constexpr int64_t k_skew = 60;
  if (at > rules.now + k_skew) {
    return fail(ErrorCode::invalid_signature, "the attested verdict is dated {}, in the future (is a clock wrong?)",
                p.checked_at);
  }
  if (rules.now - at > rules.max_age_seconds) {
    return fail(ErrorCode::invalid_signature,
                "the attested verdict is from {}, older than the {}s allowed: check the image again, or raise --max-age",
                p.checked_at, rules.max_age_seconds);
  }
  return {};
}

CheckReport report_of(const VerdictPredicate& p) {
  CheckReport r;
  r.image_name = p.image;
  r.image_digest = p.image_digest;
  r.repository = p.image;
  r.policy_source = p.policy_source;
  r.policy_digest = p.policy_digest;
  r.checked_on = p.checked_at.substr(0, 10);
  r.verdict = decide(p.reasons);
  r.exit_code = p.exit_code;
  r.counts = p.counts;
  r.scanned = true;
  return r;
}

}  // namespace ig::policy
