// imagegate db import|status|build|push|pull: fill, inspect and package the
// local vulnerability database, and move it through any OCI registry as the
// artifact described in docs/db-artifact.md (shape in vulndb/artifact.h).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>

#include "cli/command.h"
#include "cli/db_update.h"
#include "image/decompress.h"
#include "image/reference.h"
#include "image/registry.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/log.h"
#include "vulndb/artifact.h"
#include "vulndb/database.h"
#include "vulndb/import_updateinfo.h"
#include "vulndb/importer.h"

#ifndef IG_VERSION
#define IG_VERSION "dev"
#endif

namespace ig::cli {

std::filesystem::path database_path(const GlobalOptions& global) {
  if (!global.db.empty()) return global.db;
  if (const char* env = std::getenv("IMAGEGATE_DB"); env && *env) return env;
  std::filesystem::path cache = global.cache_dir.empty() ? default_cache_dir() : std::filesystem::path(global.cache_dir);
  return cache / "db" / "imagegate.db";
}

namespace {

struct DbOptions {
  std::vector<std::string> sources;
  std::string kind;
  std::string name;
  std::string distro;
  std::string format = "text";
  std::string output;
  bool force = false;
  std::string reference;
  ImageOptions registry;
};

std::string human_age(int64_t seconds) {
  if (seconds < 0) return "never";
  if (seconds < 120) return fmt::format("{} seconds ago", seconds);
  if (seconds < 7200) return fmt::format("{} minutes ago", seconds / 60);
  if (seconds < 172800) return fmt::format("{} hours ago", seconds / 3600);
  return fmt::format("{} days ago", seconds / 86400);
}

int run_import(const GlobalOptions& global, const DbOptions& o) {
  vulndb::ImportOptions opts;
  if (!o.kind.empty()) {
    auto k = vulndb::parse_source_kind(o.kind);
    if (!k) return report_error(k.error());
    opts.kind = *k;
  }
  if (!o.name.empty() && o.sources.size() > 1) {
    return report_error(Error{ErrorCode::usage, "--name names one source: import the sources one at a time"});
  }
  opts.name = o.name;
  if (!o.distro.empty()) {
    if (opts.kind && *opts.kind != vulndb::SourceKind::updateinfo) {
      return report_error(Error{ErrorCode::usage, "--distro applies to updateinfo files: drop it or use --kind updateinfo"});
    }
    auto d = vulndb::parse_updateinfo_distro(o.distro);
    if (!d) return report_error(d.error());
    opts.distro = *d;
  }
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::write);
  if (!db) return report_error(db.error());
  std::vector<std::filesystem::path> paths(o.sources.begin(), o.sources.end());
  auto results = vulndb::import_paths(*db, paths, opts);
  if (!results) return report_error(results.error().with_context("db import (nothing was imported)"));
  for (const auto& r : *results) {
    std::string files = r.stats.files > 1 ? fmt::format("{} files", r.stats.files) : "";
    std::string skipped = r.stats.skipped ? fmt::format("{} skipped, see warnings", r.stats.skipped) : "";
    std::string note = files.empty() || skipped.empty() ? files + skipped : files + ", " + skipped;
    fmt::print("imported {} {} record{} from {}{}\n", r.stats.records, vulndb::source_kind_name(r.kind),
               r.stats.records == 1 ? "" : "s", r.path.string(), note.empty() ? "" : " (" + note + ")");
  }
  return 0;
}

nlohmann::json status_json(const vulndb::DatabaseStatus& s) {
  nlohmann::json j;
  j["path"] = s.path;
  j["schema_version"] = s.schema_version;
  j["built_at"] = s.built_at.empty() ? nlohmann::json() : nlohmann::json(s.built_at);
  j["updated_at"] = s.updated_at.empty() ? nlohmann::json() : nlohmann::json(s.updated_at);
  j["age_seconds"] = s.age_seconds < 0 ? nlohmann::json() : nlohmann::json(s.age_seconds);
  j["sources"] = nlohmann::json::array();
  for (const auto& src : s.sources) {
    j["sources"].push_back({{"name", src.name},
                            {"kind", src.kind},
                            {"location", src.location},
                            {"records", src.records},
                            {"imported_at", src.imported_at}});
  }
  j["counts"] = {{"vulnerabilities", s.vulnerabilities}, {"affected", s.affected}, {"kev", s.kev}, {"epss", s.epss}};
  return j;
}

void status_text(const vulndb::DatabaseStatus& s) {
  fmt::print("Database:     {}\n", s.path);
  fmt::print("Schema:       {}\n", s.schema_version);
  if (!s.built_at.empty()) fmt::print("Built:        {}\n", s.built_at);
  fmt::print("Updated:      {}\n", s.updated_at.empty() ? "never" : s.updated_at);
  fmt::print("Age:          {}\n", human_age(s.age_seconds));
  fmt::print("Records:      {} vulnerabilities, {} affected packages, {} KEV entries, {} EPSS scores\n",
             s.vulnerabilities, s.affected, s.kev, s.epss);
  if (s.sources.empty()) {
    fmt::print("Sources:      none yet: run `imagegate db import SOURCE`\n");
    return;
  }
  fmt::print("Sources:\n  {:<8} {:>9}  {:<20}  {}\n", "KIND", "RECORDS", "IMPORTED", "NAME");
  for (const auto& src : s.sources) {
    fmt::print("  {:<8} {:>9}  {:<20}  {}\n", src.kind, src.records, src.imported_at, src.name);
  }
}

int run_status(const GlobalOptions& global, const DbOptions& o) {
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::read);
  if (!db) return report_error(db.error());
  auto s = db->status();
  if (!s) return report_error(s.error());
  if (o.format == "json") {
    std::cout << status_json(*s).dump(2) << "\n";
  } else {
    status_text(*s);
  }
  return 0;
}

int run_build(const GlobalOptions& global, const DbOptions& o) {
  auto db = vulndb::Database::open(database_path(global), vulndb::Database::Mode::read);
  if (!db) return report_error(db.error());
  auto r = db->build_into(o.output, "imagegate " IG_VERSION, o.force);
  if (!r) return report_error(r.error());
  log::info("wrote {}", o.output);
  return 0;
}

namespace fs = std::filesystem;

// A path removed (recursively) when this goes out of scope: push and pull never
// leave temporaries behind, whatever fails.
class ScratchPath {
 public:
  explicit ScratchPath(fs::path p) : path_(std::move(p)) {}
  ~ScratchPath() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// An owned file descriptor.
class OwnedFd {
 public:
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

constexpr size_t k_chunk = 1u << 20;
// zstd level for the database layer: SQLite pages compress ~4x at 9, and
// higher levels cost minutes on a 200 MiB file for a few percent.
constexpr int k_zstd_level = 9;

Result<std::unique_ptr<OwnedFd>> open_fd(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return fail(ErrorCode::io, "cannot open {}: {}", p.string(), std::strerror(errno));
  return std::make_unique<OwnedFd>(fd);
}

Result<void> write_all(int fd, const char* p, size_t n, const fs::path& what) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return fail(ErrorCode::io, "cannot write {}: {}", what.string(), std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

struct Compressed {
  std::string raw_digest, digest;
  int64_t raw_size = 0, size = 0;
};

// Compresses file `in` into `out` with zstd, hashing both sides on the way.
Result<Compressed> compress_file(const fs::path& in, const fs::path& out) {
  IG_ASSIGN(auto src, open_fd(in, O_RDONLY));
  IG_ASSIGN(auto dst, open_fd(out, O_WRONLY | O_CREAT | O_TRUNC));
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!cctx) return fail(ErrorCode::internal, "zstd: cannot allocate a compression context");
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, k_zstd_level);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  (void)ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_nbWorkers, 2);  // fails harmlessly without threads
  Hasher raw, packed;
  Compressed c;
  std::string ibuf(k_chunk, '\0'), obuf(ZSTD_CStreamOutSize(), '\0');
  bool eof = false;
  while (!eof) {
    ssize_t n = ::read(src->get(), ibuf.data(), ibuf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::io, "cannot read {}: {}", in.string(), std::strerror(errno));
    eof = n == 0;
    raw.update(ibuf.data(), static_cast<size_t>(n));
    c.raw_size += n;
    ZSTD_inBuffer ib{ibuf.data(), static_cast<size_t>(n), 0};
    size_t remaining = 0;
    do {
      ZSTD_outBuffer ob{obuf.data(), obuf.size(), 0};
      remaining = ZSTD_compressStream2(cctx.get(), &ob, &ib, eof ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(remaining)) {
        return fail(ErrorCode::internal, "zstd compression of {} failed: {}", in.string(),
                    ZSTD_getErrorName(remaining));
      }
      packed.update(obuf.data(), ob.pos);
      c.size += static_cast<int64_t>(ob.pos);
      IG_TRY(write_all(dst->get(), obuf.data(), ob.pos, out));
    } while (eof ? remaining != 0 : ib.pos < ib.size);
  }
  c.raw_digest = raw.finish();
  c.digest = packed.finish();
  return c;
}

// Decompresses the zstd file `in` into `out`, which must come out as exactly
// `size` bytes hashing to `digest` (integrity error naming `what` otherwise;
// it stops as soon as the output runs past `size`). Synced to disk on success.
Result<void> decompress_file(const fs::path& in, const fs::path& out, const std::string& digest, int64_t size,
                             const std::string& what) {
  IG_ASSIGN(auto src, image::open_file_stream(in.string()));
  auto dec = image::zstd_decoder(std::move(src), fmt::format("the database layer of {}", what));
  IG_ASSIGN(auto dst, open_fd(out, O_WRONLY | O_CREAT | O_TRUNC));
  auto parsed = Digest::parse(digest);
  Hasher h(parsed ? parsed->algorithm : "sha256");
  std::string buf(k_chunk, '\0');
  int64_t total = 0;
  while (true) {
    IG_ASSIGN(size_t n, dec->read(std::as_writable_bytes(std::span(buf.data(), buf.size()))));
    if (n == 0) break;
    total += static_cast<int64_t>(n);
    if (total > size) {
      return fail(ErrorCode::integrity, "the database in {} is larger than the {} bytes its metadata declares: the "
                  "artifact was altered; push it again", what, size);
    }
    h.update(buf.data(), n);
    IG_TRY(write_all(dst->get(), buf.data(), n, out));
  }
  if (total != size) {
    return fail(ErrorCode::integrity, "the database in {} is {} bytes, not the {} its metadata declares: the "
                "artifact was altered; push it again", what, total, size);
  }
  if (std::string got = h.finish(); got != digest) {
    return fail(ErrorCode::integrity, "the database in {} hashes to {}, not the {} its metadata declares: the "
                "artifact was altered; push it again", what, got, digest);
  }
  if (::fsync(dst->get()) != 0) return fail(ErrorCode::io, "cannot sync {}: {}", out.string(), std::strerror(errno));
  return {};
}

// The registry, repository and tag to push to; a digest is refused since the
// registry derives it from what we upload.
Result<image::Reference> push_reference(const std::string& text) {
  IG_ASSIGN(auto ref, image::Reference::parse(text));
  if (!ref.digest.empty()) {
    return fail(ErrorCode::usage, "db push {}: push to a tag (REPOSITORY:TAG), not a digest; the digest is printed "
                "after the push", text);
  }
  if (ref.tag.empty()) ref.tag = "latest";
  return ref;
}

Result<std::string> push_database(const GlobalOptions& global, const DbOptions& o) {
  IG_ASSIGN(auto ref, push_reference(o.reference));
  IG_ASSIGN(auto ropts, o.registry.to_resolve_options(global));
  std::string builder = "imagegate " IG_VERSION;
  std::string tmpl = (fs::temp_directory_path() / "imagegate-db-push-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return fail(ErrorCode::io, "cannot create a temporary directory: {}", std::strerror(errno));
  ScratchPath scratch(tmpl);
  fs::path built = scratch.path() / "imagegate.db", packed = scratch.path() / "imagegate.db.zst";
  vulndb::DatabaseStatus status;
  {
    IG_ASSIGN(auto db, vulndb::Database::open(database_path(global), vulndb::Database::Mode::read));
    IG_TRY(db.build_into(built, builder, true));
    IG_ASSIGN(auto copy, vulndb::Database::open(built, vulndb::Database::Mode::read));
    IG_ASSIGN(status, copy.status());
  }
  IG_ASSIGN(auto c, compress_file(built, packed));
  auto meta = vulndb::metadata_for(status, builder, c.raw_digest, c.raw_size);
  std::string meta_json = vulndb::metadata_to_json(meta);
  vulndb::BlobRef meta_ref{std::string(vulndb::k_metadata_media_type), sha256_digest(meta_json),
                           static_cast<int64_t>(meta_json.size())};
  vulndb::BlobRef layer_ref{std::string(vulndb::k_layer_media_type), c.digest, c.size};

  image::RegistryClient client(ref.registry, ropts.registry);
  log::info("pushing {} ({} MiB compressed from {} MiB)", ref.str(), c.size >> 20, c.raw_size >> 20);
  IG_TRY(client.upload_blob(ref.repository, meta_ref.digest, meta_json));
  IG_ASSIGN(bool have, client.blob_exists(ref.repository, layer_ref.digest));
  if (!have) IG_TRY(client.upload_blob_file(ref.repository, layer_ref.digest, packed));
  std::string manifest = vulndb::build_manifest(meta, meta_ref, layer_ref);
  IG_ASSIGN(std::string digest, client.put_manifest(ref.repository, ref.tag, manifest,
                                                    std::string(vulndb::k_manifest_media_type)));
  return fmt::format("{}@{}", ref.name(), digest);
}

int run_push(const GlobalOptions& global, const DbOptions& o) {
  auto r = push_database(global, o);
  if (!r) return report_error(r.error().with_context(fmt::format("db push {}", o.reference)));
  fmt::print("{}\n", *r);
  return 0;
}

Result<void> download(image::RegistryClient& client, const image::Reference& ref, const vulndb::BlobRef& b,
                      const fs::path& to) {
  IG_ASSIGN(auto fd, open_fd(to, O_RDWR | O_CREAT | O_TRUNC));
  image::Descriptor d;
  d.media_type = b.media_type;
  d.digest = b.digest;
  d.size = b.size;
  return client.download_blob(ref.repository, d, fd->get());
}

// Moves the verified file `from` over `to`. A working database's WAL side
// files belong to the old contents: SQLite would replay them onto the new file.
Result<void> replace_database(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm"}) {
    fs::path side = to;
    side += suffix;
    fs::remove(side, ec);
  }
  fs::rename(from, to, ec);
  if (ec) return fail(ErrorCode::io, "cannot move the pulled database into place as {}: {}", to.string(), ec.message());
  return {};
}

Result<vulndb::DatabaseStatus> pull_database(const GlobalOptions& global, const DbOptions& o) {
  IG_ASSIGN(auto ref, image::Reference::parse(o.reference));
  IG_ASSIGN(auto ropts, o.registry.to_resolve_options(global));
  const fs::path target = database_path(global);
  const std::string what = ref.str();
  image::RegistryClient client(ref.registry, ropts.registry);
  IG_ASSIGN(auto raw, client.get_manifest(ref.repository, ref.manifest_ref()));
  IG_ASSIGN(auto am, vulndb::parse_manifest(raw.bytes, what));

  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  IG_TRY(make_dirs(dir));
  std::string tmpl = (dir / fmt::format(".{}.pull-XXXXXX", target.filename().string())).string();
  if (!mkdtemp(tmpl.data())) {
    return fail(ErrorCode::io, "cannot create a temporary directory in {}: {}", dir.string(), std::strerror(errno));
  }
  ScratchPath scratch(tmpl);
  fs::path meta_file = scratch.path() / "metadata.json", layer_file = scratch.path() / "imagegate.db.zst",
           db_file = scratch.path() / "imagegate.db";
  IG_TRY(download(client, ref, am.metadata, meta_file));
  IG_ASSIGN(auto meta_json, read_file(meta_file, vulndb::k_max_metadata_size));
  IG_ASSIGN(auto meta, vulndb::parse_metadata(meta_json, what));
  log::info("pulling {} ({} MiB, built {})", what, am.layer.size >> 20, meta.built_at);
  IG_TRY(download(client, ref, am.layer, layer_file));
  IG_TRY(decompress_file(layer_file, db_file, meta.database_digest, meta.database_size, what));
  vulndb::DatabaseStatus status;
  {
    // The file itself must be a database this imagegate reads, whatever the
    // metadata claimed.
    auto db = vulndb::Database::open(db_file, vulndb::Database::Mode::read);
    if (!db) return fail(db.error().with_context(fmt::format("checking the database pulled from {}", what)));
    IG_ASSIGN(status, db->status());
  }
  IG_TRY(replace_database(db_file, target));
  status.path = target.string();
  return status;
}

int run_pull(const GlobalOptions& global, const DbOptions& o) {
  auto r = pull_database(global, o);
  if (!r) return report_error(r.error().with_context(fmt::format("db pull {}", o.reference)));
  fmt::print("pulled {} into {}: schema {}, built {}, {} vulnerabilities, {} affected packages\n", o.reference,
             r->path, r->schema_version, r->built_at.empty() ? "(unknown)" : r->built_at, r->vulnerabilities,
             r->affected);
  return 0;
}

}  // namespace

void register_db(CLI::App& app, GlobalOptions& global, Runner& run) {
  auto opts = std::make_shared<DbOptions>();
  auto* db = app.add_subcommand("db", "Manage the local vulnerability database");
  db->require_subcommand(1);

  auto* imp = db->add_subcommand("import", "Import advisories: OSV files/dirs/all.zip, Alpine secdb, Debian tracker "
                                           "JSON, CISA KEV, EPSS CSV, rpm-md updateinfo.xml, NVD CVE 2.0 JSON; all in one transaction");
  imp->add_option("SOURCE", opts->sources, "Files or folders to import (each file's kind is detected by content)")
      ->required();
  imp->add_option("--kind", opts->kind, "Feed kind for every file (default: detected from each file's content)")
      ->check(CLI::IsMember({"osv", "secdb", "debian", "kev", "epss", "updateinfo", "nvd"}));
  imp->add_option("--distro", opts->distro, "Release that updateinfo.xml files belong to, NAME:RELEASE (e.g. "
                                            "amazonlinux:2023); default: from the ALAS ids");
  imp->add_option("--name", opts->name, "Source name to record (default: KIND:ABSOLUTE-PATH); a re-import under "
                                        "the same name replaces the earlier one");
  imp->callback([&global, &run, opts] { run = [&global, opts] { return run_import(global, *opts); }; });

  auto* status = db->add_subcommand("status", "Show the database's sources, record counts and age");
  status->add_option("--format", opts->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  status->callback([&global, &run, opts] { run = [&global, opts] { return run_status(global, *opts); }; });

  auto* build = db->add_subcommand("build", "Write a compact, self-contained copy of the database for distribution");
  build->add_option("--output,-o", opts->output, "File to write")->required();
  build->add_flag("--force", opts->force, "Replace --output if it exists");
  build->callback([&global, &run, opts] { run = [&global, opts] { return run_build(global, *opts); }; });

  // Registry flags as for images, minus the ones that only make sense there.
  auto registry_flags = [opts](CLI::App* cmd) {
    opts->registry.add_to(*cmd);
    cmd->remove_option(cmd->get_option("--platform"));
    cmd->remove_option(cmd->get_option("--no-cache"));
  };
  auto* push = db->add_subcommand("push", "Push the database to a registry as an OCI artifact "
                                          "(docs/db-artifact.md)");
  push->add_option("REF", opts->reference, "Where to push: REGISTRY/REPOSITORY[:TAG] (default tag: latest)")
      ->required();
  registry_flags(push);
  push->callback([&global, &run, opts] { run = [&global, opts] { return run_push(global, *opts); }; });

  auto* pull = db->add_subcommand("pull", "Pull a database artifact from a registry and make it the --db file");
  pull->add_option("REF", opts->reference, "What to pull: REGISTRY/REPOSITORY[:TAG|@DIGEST]")->required();
  registry_flags(pull);
  pull->callback([&global, &run, opts] { run = [&global, opts] { return run_pull(global, *opts); }; });

  register_db_update(*db, global, run);
}

}  // namespace ig::cli
