// `imagegate db update`'s engine: downloads the feeds (feeds.h) with
// conditional requests and retries, imports the changed ones into a copy of
// the database built beside it, and renames the copy into place only when
// every feed imported. The previous file is never written: a failed or
// interrupted update leaves it as it was, and a reader that opened it before
// the rename keeps reading it, whole, until it closes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "util/error.h"
#include "vulndb/feeds.h"
#include "vulndb/import_osv.h"

namespace ig::vulndb {

struct FeedOutcome {
  std::string name;
  std::string url;        // redacted (no user info or query)
  bool modified = false;  // false: the server (or file) says nothing changed; nothing downloaded
  uint64_t bytes = 0;     // downloaded (for file:// URLs: the file's size)
  int attempts = 0;       // requests made
  ImportStats stats;      // filled once imported
};

// Notifications for the caller's progress display; each may be empty. They
// run on the calling thread.
struct UpdateEvents {
  std::function<void(const Feed&, size_t index, size_t count)> downloading;
  // `total` is 0 when the server did not say.
  std::function<void(const Feed&, uint64_t done, uint64_t total)> progress;
  std::function<void(const Feed&, int attempt, const std::string& why, std::chrono::milliseconds delay)> retrying;
  std::function<void(const FeedOutcome&, size_t index, size_t count)> fetched;
  std::function<void(const FeedOutcome&, size_t index, size_t count)> imported;
};

struct UpdateOptions {
  std::filesystem::path database;
  std::vector<Feed> feeds;  // with url set (select_feeds)
  std::string ca_file;      // extra CA certificates for https feeds
  std::chrono::seconds timeout{3600};  // one feed's whole transfer
  int max_attempts = 4;                // per feed, for 5xx, 429 and network errors
  std::chrono::milliseconds retry_base{500};  // doubled after each retry, at most 30 s
  UpdateEvents events;
};

struct UpdateResult {
  std::vector<FeedOutcome> feeds;  // in the order of UpdateOptions::feeds
  bool replaced = false;           // false: nothing changed, the database file was not touched
};

// Brings `options.database` up to date with `options.feeds` (see the file
// comment). Feeds not listed keep whatever the database holds for them.
// Errors name the feed and its URL: network (after the retries; a body
// shorter than its Content-Length counts), not_found (404, 401, 403, a
// missing file), invalid_image (a feed that does not parse), io (local
// files). Two updates of one database run one after the other (a lock file
// beside it).
Result<UpdateResult> update_database(const UpdateOptions& options);

// The meta key under which the validators (ETag, Last-Modified) of feed
// `name` are stored, as JSON {"url", "etag", "last_modified"}.
std::string feed_validator_key(std::string_view name);

}  // namespace ig::vulndb
