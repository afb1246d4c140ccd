// The list of feeds `imagegate db update` downloads: where each lives, what
// kind of document it is, and which ecosystem or distro it serves. The
// defaults are built in (feeds_default.inc, printed by `db update
// --print-feeds`); a feeds file in the same YAML shape replaces them. The
// format is documented in docs/db-update.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "vulndb/importer.h"

namespace ig::vulndb {

struct Feed {
  std::string name;       // the source name recorded in the database ("osv-pypi")
  SourceKind kind = SourceKind::osv;
  std::string ecosystem;  // for --ecosystems ("pypi"); "" when the feed is not a language ecosystem's
  std::string distro;     // for --distros ("debian"); "" when the feed is not a distro's
  std::string base;       // key into FeedList::bases
  std::string path;       // below the base URL
  std::string url;        // resolved by select_feeds()
  // updateinfo feeds: the release the advisories are for ("amazonlinux:2023"),
  // as `db import --distro`; "" to infer it from the advisory ids.
  std::string release;
  // "mirrorlist": `path` names a yum mirror.list; the feed is the updateinfo
  // of the repository its first URL names, found through that repository's
  // repodata/repomd.xml when `db update` runs. "" for a plain download.
  std::string via;
};

struct FeedList {
  std::map<std::string, std::string> bases;  // name → base URL, no trailing '/'
  std::vector<Feed> feeds;
  std::string mirror;  // optional `mirror:` key: as --mirror, which overrides it
};

// The built-in feed list, as YAML.
std::string_view default_feed_list_yaml();

// Parses a feed list. usage error naming `origin` (the file) and the entry
// for anything missing or unknown: a kind, a base no `bases:` entry defines, a
// duplicate name, a path that climbs out of its base ("..").
Result<FeedList> parse_feed_list(std::string_view yaml, std::string_view origin);

struct FeedSelection {
  // Empty: every feed of that group. {"none"}: none. Compared case-insensitively.
  std::vector<std::string> ecosystems;
  std::vector<std::string> distros;
  // Replaces every base: a feed's URL becomes MIRROR/BASE-NAME/PATH.
  std::string mirror;
};

// The feeds `selection` keeps, with `url` filled in. Feeds with neither an
// ecosystem nor a distro (KEV, EPSS) are always kept. usage error listing the
// known names when a selection names an ecosystem or distro no feed has.
Result<std::vector<Feed>> select_feeds(const FeedList& list, const FeedSelection& selection);

}  // namespace ig::vulndb
