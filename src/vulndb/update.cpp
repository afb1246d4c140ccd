#include "vulndb/update.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "image/http.h"
#include "util/fs.h"
#include "vulndb/database.h"
#include "vulndb/enrich.h"
#include "vulndb/import_updateinfo.h"
#include "vulndb/importer.h"
#include "vulndb/sqlite.h"

namespace ig::vulndb {

namespace fs = std::filesystem;

namespace {

constexpr auto k_max_backoff = std::chrono::milliseconds(30000);
// Larger than any real feed (OSV's biggest all.zip is a few hundred MiB) yet
// bounded, so a misbehaving server cannot fill the disk.
constexpr int64_t k_max_feed_size = 8ll << 30;
constexpr std::string_view k_validator_prefix = "feed_validator:";

// What a server said about a feed's content last time, to ask "changed since?".
struct Validator {
  std::string url, etag, last_modified;
};

// The result of fetching one feed: where its content is, when it changed.
struct Fetched {
  FeedOutcome outcome;
  fs::path file;
  Validator validator;  // to store when imported
};

// A directory removed with everything in it when this goes out of scope.
class ScratchDir {
 public:
  explicit ScratchDir(fs::path p) : path_(std::move(p)) {}
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string scratch_prefix(const fs::path& db) { return "." + db.filename().string() + ".update-"; }

fs::path dir_of(const fs::path& db) { return db.has_parent_path() ? db.parent_path() : fs::path("."); }

// Earlier updates that were killed leave their scratch folders; we hold the
// lock, so none of them is in use.
void remove_stale_scratch(const fs::path& db) {
  std::error_code ec;
  std::string prefix = scratch_prefix(db);
  for (fs::directory_iterator it(dir_of(db), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(prefix)) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
}

// The validators stored in `db` for feeds whose data it still holds.
std::map<std::string, Validator> stored_validators(const fs::path& db) {
  std::map<std::string, Validator> out;
  std::error_code ec;
  if (!fs::exists(db, ec)) return out;
  auto c = Connection::open(db, SQLITE_OPEN_READONLY);
  if (!c) return out;
  auto st = c->prepare(
      "SELECT s.name, m.value FROM sources s JOIN meta m ON m.key = '" + std::string(k_validator_prefix) +
      "' || s.name");
  if (!st) return out;  // not a database we know: the copy reports it properly
  while (true) {
    auto row = st->step();
    if (!row || !*row) break;
    auto j = nlohmann::json::parse(st->text(1), nullptr, false);
    if (!j.is_object()) continue;
    Validator v;
    v.url = j.value("url", "");
    v.etag = j.value("etag", "");
    v.last_modified = j.value("last_modified", "");
    out.emplace(std::string(st->text(0)), std::move(v));
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Error feed_error(const Feed& f, ErrorCode code, std::string_view why) {
  return Error{code, fmt::format("feed {} ({}): {}", f.name, image::redact_url(f.url), why)};
}

// file:// feeds are read in place; their size and modification time stand in
// for an ETag.
Result<Fetched> fetch_file(const Feed& f, const Validator* old) {
  fs::path path = percent_decode(std::string_view(f.url).substr(std::string_view("file://").size()));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(feed_error(f, ErrorCode::not_found,
                           fmt::format("{} is not a readable file: fix the feed's path or the --mirror folder",
                                       path.string())));
  }
  Fetched r;
  r.outcome.name = f.name;
  r.outcome.url = f.url;
  r.outcome.attempts = 1;
  r.validator.url = f.url;
  r.validator.etag = fmt::format("file:{}.{:09}:{}", static_cast<int64_t>(st.st_mtim.tv_sec),
                                 static_cast<int64_t>(st.st_mtim.tv_nsec), static_cast<int64_t>(st.st_size));
  r.outcome.modified = !(old && old->url == f.url && old->etag == r.validator.etag);
  if (r.outcome.modified) {
    r.outcome.bytes = static_cast<uint64_t>(st.st_size);
    r.file = path;
  }
  return r;
}

bool retryable_status(long status) { return status >= 500 || status == 429 || status == 408; }

bool retryable_transport(image::TransportError e) {
  using image::TransportError;
  return e == TransportError::connect || e == TransportError::timeout || e == TransportError::interrupted;
}

// A small document a feed is found through (a mirror.list, a repomd.xml).
Result<std::string> fetch_small(const Feed& f, const std::string& url, const UpdateOptions& o,
                                image::HttpSession& session) {
  if (url.starts_with("file://")) {
    auto text = read_file(percent_decode(std::string_view(url).substr(7)), 16u << 20);
    if (!text) return fail(feed_error(f, ErrorCode::not_found, text.error().message));
    return text;
  }
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return fail(feed_error(f, ErrorCode::usage, fmt::format("{}: unsupported URL scheme", image::redact_url(url))));
  }
  std::string why;
  for (int attempt = 1;; ++attempt) {
    image::HttpRequest req;
    req.url = url;
    req.redirect_protocols = url.starts_with("http://") ? "http,https" : "https";
    req.timeout = o.timeout;
    req.ca_file = o.ca_file;
    req.session = &session;
    req.max_body = 16u << 20;
    auto resp = image::http_perform(req);
    if (resp.error == image::TransportError::none && resp.status >= 200 && resp.status < 300) return resp.body;
    why = resp.error != image::TransportError::none ? resp.error_message
                                                     : fmt::format("the server answered HTTP {}", resp.status);
    bool retry = resp.error != image::TransportError::none ? retryable_transport(resp.error)
                                                           : retryable_status(resp.status);
    if (!retry || attempt >= o.max_attempts) {
      return fail(feed_error(f, ErrorCode::network,
                             fmt::format("{}: {}: check the URL, or point --mirror at a copy", image::redact_url(url), why)));
    }
    std::this_thread::sleep_for(std::min(k_max_backoff, o.retry_base * (1 << std::min(attempt - 1, 16))));
  }
}

// A via: mirrorlist feed's updateinfo URL: the mirror.list's first URL is the
// repository; its repomd.xml names the updateinfo file (whose name changes
// with its content, so an unchanged repository still answers 304 below).
Result<std::string> resolve_mirrorlist(const Feed& f, const UpdateOptions& o, image::HttpSession& session) {
  IG_ASSIGN(auto list, fetch_small(f, f.url, o, session));
  std::string repo = mirror_list_first_url(list);
  if (repo.empty()) {
    return fail(feed_error(f, ErrorCode::invalid_image, "the mirror list names no repository URL"));
  }
  IG_ASSIGN(auto repomd, fetch_small(f, repo + "/repodata/repomd.xml", o, session));
  auto href = repomd_location(repomd, "updateinfo", repo + "/repodata/repomd.xml");
  if (!href) return fail(feed_error(f, href.error().code, href.error().message));
  return repo + "/" + *href;
}


class OutputFile {
 public:
  ~OutputFile() { close(); }
  bool open(const fs::path& p) {
    close();
    f_ = std::fopen(p.c_str(), "wbe");
    return f_ != nullptr;
  }
  bool write(std::string_view d) { return std::fwrite(d.data(), 1, d.size(), f_) == d.size(); }
  bool close() {
    bool ok = true;
    if (f_) ok = std::fclose(f_) == 0;
    f_ = nullptr;
    return ok;
  }

 private:
  FILE* f_ = nullptr;
};

std::optional<int64_t> content_length(const image::HttpResponse& r) {
  auto v = r.header("content-length");
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (*end != '\0' || n < 0) return std::nullopt;
  return n;
}

Result<Fetched> fetch_http(const Feed& f, const Validator* old, const fs::path& out, const UpdateOptions& o,
                           image::HttpSession& session) {
  Fetched r;
  r.outcome.name = f.name;
  r.outcome.url = image::redact_url(f.url);
  bool conditional = old && old->url == f.url && (!old->etag.empty() || !old->last_modified.empty());
  for (int attempt = 1;; ++attempt) {
    r.outcome.attempts = attempt;
    OutputFile file;
    if (!file.open(out)) {
      return fail(ErrorCode::io, "cannot create {} for feed {}: {}", out.string(), f.name, std::strerror(errno));
    }
    bool write_failed = false;
    std::optional<int64_t> expected;
    image::HttpRequest req;
    req.url = f.url;
    if (conditional && !old->etag.empty()) req.headers.push_back("If-None-Match: " + old->etag);
    if (conditional && !old->last_modified.empty()) req.headers.push_back("If-Modified-Since: " + old->last_modified);
    // A mirror on plain http may redirect within http; public feeds are https.
    req.redirect_protocols = f.url.starts_with("http://") ? "http,https" : "https";
    req.timeout = o.timeout;
    req.ca_file = o.ca_file;
    req.session = &session;
    req.max_download = k_max_feed_size;
    req.on_data = [&](const image::HttpResponse& resp, std::string_view data) {
      if (!expected) expected = content_length(resp);
      if (!file.write(data)) {
        write_failed = true;
        return false;
      }
      if (o.events.progress) {
        o.events.progress(f, resp.received, expected ? static_cast<uint64_t>(*expected) : 0);
      }
      return true;
    };
    auto resp = image::http_perform(req);
    bool closed = file.close();
    if (write_failed || !closed) {
      return fail(ErrorCode::io, "cannot write {} for feed {}: {}", out.string(), f.name, std::strerror(errno));
    }
    std::string why;
    bool retry = false;
    if (resp.error == image::TransportError::none) {
      if (resp.status == 304 && conditional) {
        r.outcome.modified = false;
        return r;
      }
      if (resp.status >= 200 && resp.status < 300) {
        auto cl = content_length(resp);
        bool encoded = resp.header("content-encoding").has_value();
        if (cl && !encoded && static_cast<int64_t>(resp.received) != *cl) {
          why = fmt::format("the body was {} bytes, not the {} its Content-Length announced", resp.received, *cl);
          retry = true;
        } else {
          r.outcome.modified = true;
          r.outcome.bytes = resp.received;
          r.file = out;
          r.validator.url = f.url;
          r.validator.etag = resp.header("etag").value_or("");
          r.validator.last_modified = resp.header("last-modified").value_or("");
          return r;
        }
      } else if (resp.status == 404 || resp.status == 401 || resp.status == 403) {
        return fail(feed_error(f, ErrorCode::not_found,
                               fmt::format("the server answered HTTP {}: fix the feed's URL in the feeds file, or "
                                           "the --mirror layout (MIRROR/{}/{})",
                                           resp.status, f.base, f.path)));
      } else {
        why = fmt::format("the server answered HTTP {}", resp.status);
        retry = retryable_status(resp.status);
      }
    } else if (resp.error == image::TransportError::too_large) {
      return fail(feed_error(f, ErrorCode::invalid_image,
                             fmt::format("larger than {} GiB: check the URL", k_max_feed_size >> 30)));
    } else {
      auto cl = content_length(resp);
      if (resp.error == image::TransportError::interrupted && cl) {
        why = fmt::format("the body was cut off after {} of the {} bytes its Content-Length announced (truncated)",
                          resp.received, *cl);
      } else {
        why = resp.error_message.empty() ? std::string("transfer failed") : resp.error_message;
      }
      retry = retryable_transport(resp.error);
    }
    if (!retry || attempt >= o.max_attempts) {
      return fail(feed_error(
          f, ErrorCode::network,
          fmt::format("{}{}: check the network and proxy (HTTPS_PROXY, NO_PROXY), or point --mirror at a copy", why,
                      attempt > 1 ? fmt::format(" (after {} attempts)", attempt) : "")));
    }
    auto delay = std::min(k_max_backoff, o.retry_base * (1 << std::min(attempt - 1, 16)));
    if (o.events.retrying) o.events.retrying(f, attempt, why, delay);
    std::this_thread::sleep_for(delay);
  }
}

Result<void> sync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, "cannot open {}: {}", p.string(), std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return fail(ErrorCode::io, "cannot sync {}: {}", p.string(), std::strerror(err));
  return {};
}

// Builds the new database at `out`: a copy of `current` (if it exists) with
// the changed feeds imported again.
Result<void> build_updated(const fs::path& current, const fs::path& out, const std::vector<Fetched>& fetched,
                           const std::vector<Feed>& feeds, const UpdateOptions& o, UpdateResult& result) {
  std::error_code ec;
  if (fs::exists(current, ec)) {
    // VACUUM INTO reads one consistent snapshot (the WAL included) and never
    // writes the source.
    IG_ASSIGN(auto src, Connection::open(current, SQLITE_OPEN_READONLY));
    IG_ASSIGN(auto st, src.prepare("VACUUM INTO ?"));
    st.bind(1, std::string_view(out.string()));
    auto copied = st.run();
    if (!copied) {
      return fail(copied.error().with_context(
          fmt::format("copying {} to update it (a database that cannot be read must be removed first)",
                      current.string())));
    }
  }
  {
    IG_ASSIGN(auto db, Database::open(out, Database::Mode::build));
    // One transaction for every feed: the file is ours until the rename, and
    // the alias groups are then rebuilt once instead of once per feed.
    IG_ASSIGN(auto batch, db.begin_batch());
    for (size_t i = 0; i < fetched.size(); ++i) {
      if (!fetched[i].outcome.modified) continue;
      const Feed& f = feeds[i];
      IG_ASSIGN(auto session, db.begin_import(f.name, source_kind_name(f.kind), image::redact_url(f.url)));
      auto stats = import_file(session, f.kind, fetched[i].file, f.release);
      if (!stats) return fail(feed_error(f, stats.error().code, stats.error().message));
      const auto& v = fetched[i].validator;
      nlohmann::json j = {{"url", v.url}, {"etag", v.etag}, {"last_modified", v.last_modified}};
      IG_TRY(session.set_meta(feed_validator_key(f.name), j.dump()));
      IG_TRY(session.commit());
      result.feeds[i].stats = *stats;
      if (o.events.imported) o.events.imported(result.feeds[i], i, feeds.size());
    }
    IG_TRY(batch.commit());
  }
  // One self-contained file: no WAL side files to move with it.
  {
    IG_ASSIGN(auto c, Connection::open(out, SQLITE_OPEN_READWRITE));
    IG_TRY(c.exec("PRAGMA journal_mode=DELETE"));
  }
  return sync_path(out, O_RDONLY);
}

// Moves `from` over `to`. The old file's WAL side files go first: SQLite would
// otherwise replay them onto the new file. Readers that have the old file
// open keep their descriptors to all three and see the old data to the end.
Result<void> replace_database(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm"}) {
    fs::path side = to;
    side += suffix;
    fs::remove(side, ec);
  }
  fs::rename(from, to, ec);
  if (ec) {
    return fail(ErrorCode::io, "cannot move the updated database into place as {}: {}", to.string(), ec.message());
  }
  (void)sync_path(dir_of(to), O_RDONLY | O_DIRECTORY);  // best effort: the rename is already atomic
  return {};
}

}  // namespace

std::string feed_validator_key(std::string_view name) { return std::string(k_validator_prefix) + std::string(name); }

Result<UpdateResult> update_database(const UpdateOptions& o) {
  const fs::path& target = o.database;
  fs::path dir = dir_of(target);
  IG_TRY(make_dirs(dir));
  fs::path lock_path = target;
  lock_path += ".update-lock";
  IG_ASSIGN(auto lock, FileLock::acquire(lock_path));
  remove_stale_scratch(target);

  std::string tmpl = (dir / (scratch_prefix(target) + "XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) {
    return fail(ErrorCode::io, "cannot create a temporary directory in {}: {}", dir.string(), std::strerror(errno));
  }
  ScratchDir scratch(tmpl);

  auto validators = stored_validators(target);
  image::HttpSession session;
  UpdateResult result;
  std::vector<Fetched> fetched;
  std::vector<Feed> feeds = o.feeds;
  for (size_t i = 0; i < feeds.size(); ++i) {
    Feed& f = feeds[i];
    if (f.via == "mirrorlist") {
      IG_ASSIGN(f.url, resolve_mirrorlist(f, o, session));
    }
    if (o.events.downloading) o.events.downloading(f, i, o.feeds.size());
    auto v = validators.find(f.name);
    const Validator* old = v == validators.end() ? nullptr : &v->second;
    Result<Fetched> r;
    if (f.url.starts_with("file://")) {
      r = fetch_file(f, old);
    } else if (f.url.starts_with("https://") || f.url.starts_with("http://")) {
      r = fetch_http(f, old, scratch.path() / fmt::format("feed-{}", i), o, session);
    } else {
      return fail(feed_error(f, ErrorCode::usage, "unsupported URL scheme: use https://, http:// or file://"));
    }
    if (!r) return fail(r.error());
    result.feeds.push_back(r->outcome);
    if (o.events.fetched) o.events.fetched(r->outcome, i, o.feeds.size());
    fetched.push_back(std::move(*r));
  }
  bool any = std::any_of(fetched.begin(), fetched.end(), [](const Fetched& f) { return f.outcome.modified; });
  if (!any) return result;

  fs::path built = scratch.path() / "new.db";
  IG_TRY(build_updated(target, built, fetched, feeds, o, result));
  IG_TRY(replace_database(built, target));
  result.replaced = true;
  return result;
}

}  // namespace ig::vulndb
