// Java archive cataloger; see lang_java.h.
#include "inventory/lang_java.h"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <map>

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {

constexpr int k_max_depth = 3;                       // outer archive is depth 0
constexpr uint64_t k_max_small_entry = 1ull << 20;   // pom.properties, MANIFEST.MF
constexpr uint64_t k_max_nested = 64ull << 20;       // one nested archive held in memory
constexpr uint64_t k_max_nested_total = 256ull << 20;
constexpr uint64_t k_max_entries = 200'000;

bool is_java_archive_name(std::string_view name) {
  for (std::string_view ext : {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"}) {
    if (name.size() > ext.size() && iequals(name.substr(name.size() - ext.size()), ext)) return true;
  }
  return false;
}

// libarchive's message for the last error; it may have none.
const char* archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown archive error";
}

using Properties = std::map<std::string, std::string, std::less<>>;

// key=value / key: value lines; '#' and '!' start comments.
Properties parse_properties(std::string_view text) {
  Properties out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) continue;
    out.emplace(std::string(trim(line.substr(0, sep))), std::string(trim(line.substr(sep + 1))));
  }
  return out;
}

// The main section of a manifest, with continuation lines (" x") joined.
Properties parse_manifest(std::string_view text) {
  Properties out;
  std::string key, value;
  auto flush = [&] {
    if (!key.empty()) out.emplace(std::move(key), std::string(trim(value)));
    key.clear();
    value.clear();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the main section
    if (line[0] == ' ') {
      value.append(line.substr(1));
      continue;
    }
    flush();
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    key = std::string(trim(line.substr(0, colon)));
    value = std::string(line.substr(colon + 1));
  }
  flush();
  return out;
}

std::string prop(const Properties& p, std::string_view key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

// "commons-lang3-3.12.0.jar" -> {"commons-lang3", "3.12.0"}: the version starts
// at the first '-' followed by a digit.
std::pair<std::string, std::string> name_from_file(std::string_view file) {
  size_t dot = file.rfind('.');
  std::string_view stem = file.substr(0, dot);
  for (size_t i = 0; i + 1 < stem.size(); ++i) {
    if (stem[i] == '-' && stem[i + 1] >= '0' && stem[i + 1] <= '9') {
      return {std::string(stem.substr(0, i)), std::string(stem.substr(i + 1))};
    }
  }
  return {std::string(stem), std::string()};
}

struct ScanState {
  std::string_view image_path;
  uint64_t nested_bytes = 0;
  std::vector<Package> out;
};

Result<std::string> read_entry(archive* a, uint64_t max, std::string_view what) {
  std::string data;
  std::array<char, 64 * 1024> buf;
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0) return fail(ErrorCode::invalid_image, "{}: {}", what, archive_message(a));
    if (n == 0) return data;
    if (data.size() + static_cast<uint64_t>(n) > max) {
      return fail(ErrorCode::invalid_image, "{} is larger than {} bytes", what, max);
    }
    data.append(buf.data(), static_cast<size_t>(n));
  }
}

Result<void> scan_archive(archive* a, std::string_view inner_path, int depth, ScanState& st);

Result<void> scan_memory(std::string_view bytes, std::string_view inner_path, int depth, ScanState& st) {
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  auto r = archive_read_open_memory(a, bytes.data(), bytes.size()) == ARCHIVE_OK
               ? scan_archive(a, inner_path, depth, st)
               : Result<void>(fail(ErrorCode::invalid_image, "not a zip archive: {}", archive_message(a)));
  archive_read_free(a);
  return r;
}

void emit(ScanState& st, std::string group, std::string artifact, std::string version, std::string_view inner,
          nlohmann::json extra) {
  if (artifact.empty() || version.empty()) return;
  std::string name = group.empty() ? artifact : group + ":" + artifact;
  Package p = make_package("maven", std::move(name), std::move(version), st.image_path);
  if (!inner.empty()) extra["archive_path"] = std::string(inner);
  p.extra = std::move(extra);
  st.out.push_back(std::move(p));
}

// Manifest fallback: the version from the manifest or file name, the artifact
// from the file name (what vulnerability data keys on) or the manifest titles.
void emit_from_manifest(ScanState& st, const Properties& mf, std::string_view inner) {
  std::string_view file = base_name(inner.empty() ? st.image_path : inner);
  auto [file_name, file_version] = name_from_file(file);
  std::string version = prop(mf, "Implementation-Version");
  if (version.empty()) version = prop(mf, "Bundle-Version");
  if (version.empty()) version = prop(mf, "Specification-Version");
  if (version.empty()) version = file_version;
  std::string bsn = prop(mf, "Bundle-SymbolicName");
  bsn = bsn.substr(0, bsn.find(';'));
  std::string artifact = !file_version.empty() ? file_name : "";
  for (const std::string& alt : {bsn, prop(mf, "Implementation-Title"), prop(mf, "Specification-Title"), file_name}) {
    if (artifact.empty()) artifact = alt;
  }
  nlohmann::json extra = {{"evidence", mf.empty() ? "file name" : "MANIFEST.MF"}};
  for (const char* k : {"Implementation-Title", "Implementation-Vendor", "Bundle-SymbolicName"}) {
    if (std::string v = prop(mf, k); !v.empty()) extra[k] = v;
  }
  emit(st, prop(mf, "Implementation-Vendor-Id"), artifact, version, inner, std::move(extra));
}

Result<void> scan_archive(archive* a, std::string_view inner_path, int depth, ScanState& st) {
  std::vector<Properties> poms;
  Properties manifest;
  archive_entry* e = nullptr;
  uint64_t entries = 0;
  int rc;
  while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (++entries > k_max_entries) return fail(ErrorCode::invalid_image, "more than {} entries", k_max_entries);
    const char* raw = archive_entry_pathname(e);
    if (raw == nullptr || archive_entry_filetype(e) != AE_IFREG) continue;
    std::string_view name = raw;
    if (name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties")) {
      IG_ASSIGN(std::string text, read_entry(a, k_max_small_entry, name));
      poms.push_back(parse_properties(text));
    } else if (iequals(name, "META-INF/MANIFEST.MF")) {
      IG_ASSIGN(std::string text, read_entry(a, k_max_small_entry, name));
      manifest = parse_manifest(text);
    } else if (depth < k_max_depth && is_java_archive_name(name)) {
      auto size = static_cast<uint64_t>(archive_entry_size(e));
      std::string nested_path = inner_path.empty() ? std::string(name) : std::string(inner_path) + "!" + std::string(name);
      if (size > k_max_nested || st.nested_bytes + size > k_max_nested_total) continue;  // bounded work
      auto bytes = read_entry(a, std::min(k_max_nested, k_max_nested_total - st.nested_bytes), nested_path);
      if (!bytes) continue;  // an unreadable nested archive does not spoil the outer one
      st.nested_bytes += bytes->size();
      (void)scan_memory(*bytes, nested_path, depth + 1, st);
    }
  }
  if (rc != ARCHIVE_EOF && entries == 0) {
    return fail(ErrorCode::invalid_image, "not a readable zip archive: {}", archive_message(a));
  }
  for (const auto& pom : poms) {
    emit(st, prop(pom, "groupId"), prop(pom, "artifactId"), prop(pom, "version"), inner_path,
         {{"evidence", "pom.properties"}});
  }
  if (poms.empty()) emit_from_manifest(st, manifest, inner_path);
  return {};
}

struct StreamCtx {
  image::FileReader* in = nullptr;
  std::array<std::byte, 64 * 1024> buf;
  Error error;
  bool failed = false;
};

la_ssize_t stream_read(archive* a, void* ud, const void** out) {
  auto* ctx = static_cast<StreamCtx*>(ud);
  auto n = ctx->in->read(ctx->buf);
  if (!n) {
    ctx->error = n.error();
    ctx->failed = true;
    archive_set_error(a, EIO, "%s", n.error().message.c_str());
    return -1;
  }
  *out = ctx->buf.data();
  return static_cast<la_ssize_t>(*n);
}

class JavaAnalyzer final : public image::Analyzer {
 public:
  JavaAnalyzer() {
    sel_.suffixes = {".jar", ".war", ".ear", ".par", ".jpi", ".hpi"};
    sel_.max_size = 1ull << 30;  // streamed: only nested archives are held in memory
  }
  std::string_view name() const override { return "java"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(auto pkgs, parse_java_archive_stream(in, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_java_archive(std::string_view bytes, std::string_view path) {
  ScanState st;
  st.image_path = path;
  auto r = scan_memory(bytes, "", 0, st);
  if (!r) return fail(r.error().with_context(std::string(path)));
  return std::move(st.out);
}

Result<std::vector<Package>> parse_java_archive_stream(image::FileReader& in, std::string_view path) {
  ScanState st;
  st.image_path = path;
  auto ctx = std::make_unique<StreamCtx>();
  ctx->in = &in;
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  Result<void> r;
  if (archive_read_open(a, ctx.get(), nullptr, stream_read, nullptr) != ARCHIVE_OK) {
    r = fail(ErrorCode::invalid_image, "not a zip archive: {}", archive_message(a));
  } else {
    r = scan_archive(a, "", 0, st);
  }
  archive_read_free(a);
  if (ctx->failed) return fail(ctx->error.with_context(std::string(path)));
  if (!r) return fail(r.error().with_context(std::string(path)));
  return std::move(st.out);
}

std::unique_ptr<image::Analyzer> make_java_analyzer() { return std::make_unique<JavaAnalyzer>(); }

}  // namespace ig::inventory::lang
