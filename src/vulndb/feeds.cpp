#include "vulndb/feeds.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "vulndb/document.h"

namespace ig::vulndb {

namespace {

constexpr std::string_view k_default_yaml =
#include "vulndb/feeds_default.inc"
    ;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

bool climbs_out(std::string_view path) {
  if (path.empty() || path.front() == '/') return true;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Keeps the feeds whose `field` is in `wanted` (all of them for an empty
// list, none for {"none"}); feeds with an empty `field` are not this group's.
Result<std::set<std::string>> wanted_names(const std::vector<std::string>& wanted, const std::set<std::string>& known,
                                           std::string_view flag) {
  std::set<std::string> out;
  for (const auto& w : wanted) {
    std::string n = lower(w);
    if (n.empty()) continue;
    if (n != "none" && !known.contains(n)) {
      return fail(ErrorCode::usage, "{} {}: no feed serves '{}'; choose from: {} (or none)", flag, w, w, join(known));
    }
    out.insert(n);
  }
  return out;
}

}  // namespace

std::string_view default_feed_list_yaml() { return k_default_yaml; }

Result<FeedList> parse_feed_list(std::string_view yaml, std::string_view origin) {
  auto doc = parse_document(yaml, origin);
  if (!doc) return fail(ErrorCode::usage, "{}; fix the feeds file", doc.error().message);
  auto bad = [&](std::string what) {
    return fail(ErrorCode::usage, "feeds file {}: {}; see docs/db-update.md for the format", origin, what);
  };
  if (!doc->is_object()) return bad("not a mapping with 'bases' and 'feeds'");
  FeedList list;
  list.mirror = trim_slashes(json_string(*doc, "mirror"));
  const auto& bases = json_child(*doc, "bases");
  if (!bases.is_object()) return bad("no 'bases' mapping");
  for (const auto& [name, url] : bases.items()) {
    if (!url.is_string() || url.get<std::string>().empty()) return bad("base '" + name + "' is not a URL");
    list.bases[name] = trim_slashes(url.get<std::string>());
  }
  const auto& feeds = json_child(*doc, "feeds");
  if (!feeds.is_array()) return bad("no 'feeds' list");
  std::set<std::string> names;
  for (size_t i = 0; i < feeds.size(); ++i) {
    const auto& f = feeds[i];
    Feed feed;
    feed.name = json_string(f, "name");
    std::string where = feed.name.empty() ? "feed #" + std::to_string(i + 1) : "feed '" + feed.name + "'";
    if (feed.name.empty()) return bad(where + " has no name");
    if (!names.insert(feed.name).second) return bad(where + " is listed twice");
    auto kind = parse_source_kind(json_string(f, "kind"));
    if (!kind) return bad(where + ": " + kind.error().message);
    feed.kind = *kind;
    feed.ecosystem = lower(json_string(f, "ecosystem"));
    feed.distro = lower(json_string(f, "distro"));
    if (!feed.ecosystem.empty() && !feed.distro.empty()) return bad(where + " names both an ecosystem and a distro");
    feed.base = json_string(f, "base");
    if (!list.bases.contains(feed.base)) return bad(where + ": base '" + feed.base + "' is not defined under 'bases'");
    feed.release = json_string(f, "release");
    feed.via = json_string(f, "via");
    if (!feed.via.empty() && feed.via != "mirrorlist") return bad(where + ": via '" + feed.via + "' is not mirrorlist");
    if (!feed.via.empty() && feed.kind != SourceKind::updateinfo) return bad(where + ": via needs kind updateinfo");
    feed.path = json_string(f, "path");
    if (climbs_out(feed.path)) return bad(where + ": path '" + feed.path + "' must be relative, without '..'");
    list.feeds.push_back(std::move(feed));
  }
  if (list.feeds.empty()) return bad("the 'feeds' list is empty");
  return list;
}

Result<std::vector<Feed>> select_feeds(const FeedList& list, const FeedSelection& selection) {
  std::set<std::string> ecosystems, distros;
  for (const auto& f : list.feeds) {
    if (!f.ecosystem.empty()) ecosystems.insert(f.ecosystem);
    if (!f.distro.empty()) distros.insert(f.distro);
  }
  IG_ASSIGN(auto want_eco, wanted_names(selection.ecosystems, ecosystems, "--ecosystems"));
  IG_ASSIGN(auto want_distro, wanted_names(selection.distros, distros, "--distros"));
  std::string mirror = trim_slashes(selection.mirror.empty() ? list.mirror : selection.mirror);
  std::vector<Feed> out;
  for (const auto& f : list.feeds) {
    if (!f.ecosystem.empty() && !want_eco.empty() && !want_eco.contains(f.ecosystem)) continue;
    if (!f.distro.empty() && !want_distro.empty() && !want_distro.contains(f.distro)) continue;
    Feed kept = f;
    kept.url = (mirror.empty() ? list.bases.at(f.base) : mirror + "/" + f.base) + "/" + f.path;
    out.push_back(std::move(kept));
  }
  return out;
}

}  // namespace ig::vulndb
