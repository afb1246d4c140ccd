#include "vulndb/model.h"

#include <cctype>

namespace ig::vulndb {

const char* fix_status_name(FixStatus s) {
  switch (s) {
    case FixStatus::fixed: return "fixed";
    case FixStatus::affected: return "affected";
    case FixStatus::will_not_fix: return "will_not_fix";
    case FixStatus::fix_deferred: return "fix_deferred";
    case FixStatus::end_of_life: return "end_of_life";
    case FixStatus::not_affected: return "not_affected";
  }
  return "affected";
}

std::optional<FixStatus> parse_fix_status(std::string_view s) {
  for (auto st : {FixStatus::fixed, FixStatus::affected, FixStatus::will_not_fix, FixStatus::fix_deferred,
                  FixStatus::end_of_life, FixStatus::not_affected}) {
    if (s == fix_status_name(st)) return st;
  }
  return std::nullopt;
}

std::string normalize_package_name(std::string_view ecosystem, std::string_view name) {
  std::string out;
  out.reserve(name.size());
  if (ecosystem == "pypi") {
    bool in_sep = false;
    for (char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!in_sep) out += '-';
        in_sep = true;
      } else {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        in_sep = false;
      }
    }
    return out;
  }
  bool fold = ecosystem == "npm" || ecosystem == "composer" || ecosystem == "nuget" || ecosystem == "cargo" ||
              ecosystem == "deb";
  for (char c : name) out += fold ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  return out;
}

namespace {
const char* event_key(RangeEvent::Kind k) {
  switch (k) {
    case RangeEvent::Kind::introduced: return "introduced";
    case RangeEvent::Kind::fixed: return "fixed";
    case RangeEvent::Kind::last_affected: return "last_affected";
    case RangeEvent::Kind::limit: return "limit";
  }
  return "introduced";
}
}  // namespace

std::string ranges_to_json(const std::vector<VersionRange>& ranges) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : ranges) {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : r.events) events.push_back({{event_key(e.kind), e.version}});
    arr.push_back({{"type", r.type}, {"events", std::move(events)}});
  }
  return arr.dump();
}

namespace {

// A cursor over the compact JSON that ranges_to_json() writes. Lookups parse
// ranges for every matching record, so this avoids building a DOM; anything
// unexpected (whitespace, escapes, other shapes) makes it give up, and the
// caller falls back to the full JSON parser.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    // find_first_of() would call memchr per character: scan for the quote
    // and reject escapes in one pass (the caller falls back to full JSON).
    size_t end = i;
    while (end < s.size() && s[end] != '"' && s[end] != '\\') ++end;
    if (end == s.size() || s[end] != '"') return false;
    out.assign(s.substr(i, end - i));
    i = end + 1;
    return true;
  }
};

bool event_kind(std::string_view k, RangeEvent::Kind& kind) {
  if (k == "introduced") kind = RangeEvent::Kind::introduced;
  else if (k == "fixed") kind = RangeEvent::Kind::fixed;
  else if (k == "last_affected") kind = RangeEvent::Kind::last_affected;
  else if (k == "limit") kind = RangeEvent::Kind::limit;
  else return false;
  return true;
}

// The next slot of `v` past its first `n` in-use elements, reusing an old
// element (and its string capacity) when there is one.
template <typename T>
T& next_slot(std::vector<T>& v, size_t& n) {
  if (n == v.size()) v.emplace_back();
  return v[n++];
}

bool parse_events(Cursor& c, std::vector<RangeEvent>& events, std::string& key) {
  size_t n = 0;
  bool ok = c.eat('[');
  if (ok && !c.eat(']')) {
    do {
      RangeEvent& e = next_slot(events, n);
      ok = c.eat('{') && c.string(key) && c.eat(':') && c.string(e.version) && c.eat('}') && event_kind(key, e.kind);
    } while (ok && c.eat(','));
    ok = ok && c.eat(']');
  }
  events.resize(n);
  return ok;
}

bool ranges_fast(std::string_view text, std::vector<VersionRange>& out) {
  Cursor c{text};
  size_t n = 0;
  std::string key;  // short keys: no allocation
  bool ok = c.eat('[');
  if (ok && !c.eat(']')) {
    do {
      if (!c.eat('{')) {
        ok = false;
        break;
      }
      VersionRange& vr = next_slot(out, n);
      vr.type.clear();
      bool has_events = false;
      do {
        if (!c.string(key) || !c.eat(':')) ok = false;
        else if (key == "type") ok = c.string(vr.type);
        else if (key == "events") ok = has_events = parse_events(c, vr.events, key);
        else ok = false;
      } while (ok && c.eat(','));
      if (!has_events) vr.events.clear();
      ok = ok && c.eat('}');
    } while (ok && c.eat(','));
    ok = ok && c.eat(']');
  }
  out.resize(n);
  return ok && c.i == text.size();
}

}  // namespace

std::vector<VersionRange> ranges_from_json(std::string_view text) {
  std::vector<VersionRange> out;
  ranges_from_json(text, out);
  return out;
}

void ranges_from_json(std::string_view text, std::vector<VersionRange>& out) {
  if (ranges_fast(text, out)) return;
  out.clear();
  auto arr = nlohmann::json::parse(text, nullptr, false);
  if (!arr.is_array()) return;
  for (const auto& r : arr) {
    if (!r.is_object()) continue;
    VersionRange vr;
    if (auto t = r.find("type"); t != r.end() && t->is_string()) vr.type = t->get<std::string>();
    if (auto ev = r.find("events"); ev != r.end() && ev->is_array()) {
      for (const auto& e : *ev) {
        if (!e.is_object() || e.empty() || !e.begin().value().is_string()) continue;
        const std::string& k = e.begin().key();
        RangeEvent re;
        if (k == "introduced") re.kind = RangeEvent::Kind::introduced;
        else if (k == "fixed") re.kind = RangeEvent::Kind::fixed;
        else if (k == "last_affected") re.kind = RangeEvent::Kind::last_affected;
        else if (k == "limit") re.kind = RangeEvent::Kind::limit;
        else continue;
        re.version = e.begin().value().get<std::string>();
        vr.events.push_back(std::move(re));
      }
    }
    out.push_back(std::move(vr));
  }
}

}  // namespace ig::vulndb
