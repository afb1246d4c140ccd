#include "image/archive_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "image/oci_layout.h"
#include "image/reference.h"
#include "util/digest.h"

namespace ig::image {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr uint64_t k_max_config_size = 16ull << 20;
constexpr uint64_t k_max_archive_manifest_size = 16ull << 20;

Result<void> pread_exact(int fd, uint64_t offset, std::span<std::byte> out, std::string_view what) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(ErrorCode::io, "cannot read {}: {}", what, std::strerror(errno));
    if (n == 0) return fail(ErrorCode::invalid_image, "{} is truncated", what);
    done += static_cast<size_t>(n);
  }
  return {};
}

// The members of an archive, seen as the files of a layout.
class TarFiles : public LayoutFiles {
 public:
  TarFiles(std::shared_ptr<const int> fd, TarIndex index, std::string what)
      : fd_(std::move(fd)), index_(std::move(index)), what_(std::move(what)) {}

  Result<std::string> read(const std::string& rel, uint64_t max_size) override {
    const TarMember* m = index_.find_file(rel);
    if (m == nullptr) return fail(ErrorCode::not_found, "'{}' is missing from {}", rel, what_);
    if (m->size > max_size) {
      return fail(ErrorCode::invalid_image, "'{}' in {} is {} bytes, more than the {} bytes allowed", rel, what_,
                  m->size, max_size);
    }
    std::string out(static_cast<size_t>(m->size), '\0');
    IG_TRY(pread_exact(*fd_, m->offset, std::as_writable_bytes(std::span(out)), what_));
    return out;
  }

  Result<std::pair<std::unique_ptr<ByteStream>, uint64_t>> open(const std::string& rel) override {
    const TarMember* m = index_.find_file(rel);
    if (m == nullptr) return fail(ErrorCode::not_found, "'{}' is missing from {}", rel, what_);
    return std::make_pair(file_region_stream(fd_, m->offset, m->size), m->size);
  }

  bool exists(const std::string& rel) override { return index_.find_file(rel) != nullptr; }
  std::string describe() const override { return what_; }

  const TarMember* find(const std::string& rel) const { return index_.find_file(rel); }
  int fd() const { return *fd_; }
  const std::shared_ptr<const int>& shared_fd() const { return fd_; }

 private:
  std::shared_ptr<const int> fd_;
  TarIndex index_;
  std::string what_;
};

Result<std::shared_ptr<TarFiles>> open_tar(const std::string& path, std::string what) {
  auto fd = open_shared_fd(path);
  if (!fd) {
    if (fd.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "{} does not exist: check the path", what);
    }
    return fail(fd.error());
  }
  struct stat st {};
  if (::fstat(**fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorCode::usage, "{} is not a regular file: archives must be tar files", what);
  }
  int raw = **fd;
  auto read_at = [raw, &what](uint64_t off, std::span<std::byte> out) { return pread_exact(raw, off, out, what); };
  IG_ASSIGN(TarIndex index, TarIndex::build(read_at, static_cast<uint64_t>(st.st_size), what));
  return std::make_shared<TarFiles>(std::move(*fd), std::move(index), std::move(what));
}

bool is_valid_tag(std::string_view t) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  if (t.empty() || t.size() > 128 || !word(t.front())) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

// docker-archive: a Source over `docker save` output.
//
// Classic archives hold no registry manifest, so one is synthesized: a Docker
// schema2 manifest whose config is the config file and whose layers are the
// layer files, each with its real sha256 and size. The image digest is then
// the sha256 of that synthesized JSON (compact, keys in Docker's order),
// stable for the same archive but not the digest a registry would show. The
// config digest is Docker's image ID. Newer Docker (v25+) also writes an OCI
// layout into the archive; then the real manifest whose config matches is used.
class DockerArchiveSource : public Source {
 public:
  DockerArchiveSource(std::shared_ptr<TarFiles> files, RawManifest root, std::map<std::string, TarMember> blobs)
      : files_(std::move(files)), root_(std::move(root)), blobs_(std::move(blobs)) {}

  Result<RawManifest> fetch_root() override { return root_; }
  Result<RawManifest> fetch_manifest(const Descriptor& d) override { return read_manifest_blob(*files_, d); }

  Result<std::unique_ptr<ByteStream>> open_blob(const Descriptor& d) override {
    auto it = blobs_.find(d.digest);
    if (it == blobs_.end()) return open_layout_blob(*files_, d);
    const TarMember& m = it->second;
    std::string what = fmt::format("blob {} in {}", d.digest, describe());
    if (d.size < 0 || m.size != static_cast<uint64_t>(d.size)) {
      return fail(ErrorCode::integrity, "{} is {} bytes but its descriptor says {}", what, m.size, d.size);
    }
    return verifying_stream(file_region_stream(files_->shared_fd(), m.offset, m.size), d, std::move(what));
  }

  std::string describe() const override { return files_->describe(); }

 private:
  std::shared_ptr<TarFiles> files_;
  RawManifest root_;
  std::map<std::string, TarMember> blobs_;  // digest → member, for synthesized manifests
};

Result<const DockerArchiveEntry*> pick_entry(const std::vector<DockerArchiveEntry>& entries, const std::string& ref,
                                             const std::string& what) {
  auto listing = [&] {
    std::string out;
    for (size_t i = 0; i < entries.size(); ++i) {
      std::string tags;
      for (const auto& t : entries[i].repo_tags) tags += (tags.empty() ? "" : ", ") + t;
      out += fmt::format("{}@{} ({})", i ? "; " : "", i, tags.empty() ? "untagged" : tags);
    }
    return out;
  };
  if (entries.empty()) return fail(ErrorCode::invalid_image, "{} holds no images (manifest.json is empty)", what);
  if (ref.empty()) {
    if (entries.size() == 1) return &entries[0];
    return fail(ErrorCode::not_found, "{} holds {} images: name one as docker-archive:FILE:REF or FILE:@N; images: {}",
                what, entries.size(), listing());
  }
  if (ref.front() == '@' && ref.size() > 1 && ref.size() < 8 &&
      std::all_of(ref.begin() + 1, ref.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    size_t n = std::stoul(ref.substr(1));
    if (n < entries.size()) return &entries[n];
    return fail(ErrorCode::not_found, "{} has no image {}; images: {}", what, ref, listing());
  }
  auto want = Reference::parse(ref);
  for (const auto& e : entries) {
    for (const auto& t : e.repo_tags) {
      if (t == ref) return &e;
      auto have = Reference::parse(t);
      if (want && have && want->str() == have->str()) return &e;
    }
  }
  return fail(ErrorCode::not_found, "image '{}' is not in {}; images: {}", ref, what, listing());
}

// Docker v25+ archives carry the registry manifest too: find the one whose
// config is `config_digest`, looking one index level deep.
std::optional<RawManifest> find_real_manifest(TarFiles& files, const std::string& config_digest) {
  auto bytes = files.read("index.json", k_max_archive_manifest_size);
  if (!bytes) return std::nullopt;
  auto idx = parse_index(*bytes);
  if (!idx) return std::nullopt;
  std::vector<Descriptor> todo = idx->manifests;
  for (size_t i = 0; i < todo.size() && i < 256; ++i) {
    auto raw = read_manifest_blob(files, todo[i]);
    if (!raw) continue;
    auto kind = sniff_manifest_kind(raw->bytes, raw->media_type);
    if (!kind) continue;
    if (*kind == ManifestKind::index) {
      if (auto child = parse_index(raw->bytes)) todo.insert(todo.end(), child->manifests.begin(), child->manifests.end());
      continue;
    }
    auto m = parse_manifest(raw->bytes);
    if (m && m->config.digest == config_digest) return std::move(*raw);
  }
  return std::nullopt;
}

Result<std::pair<std::string, const TarMember*>> hash_member(TarFiles& files, const std::string& path,
                                                             std::string_view role) {
  const TarMember* m = files.find(path);
  if (m == nullptr) {
    return fail(ErrorCode::invalid_image, "{}: manifest.json names {} '{}', which is not in the archive",
                files.describe(), role, path);
  }
  Hasher h("sha256");
  std::vector<std::byte> buf(1 << 20);
  uint64_t done = 0;
  while (done < m->size) {
    auto chunk = std::span(buf).first(static_cast<size_t>(std::min<uint64_t>(buf.size(), m->size - done)));
    IG_TRY(pread_exact(files.fd(), m->offset + done, chunk, files.describe()));
    h.update(chunk.data(), chunk.size());
    done += chunk.size();
  }
  return std::make_pair(h.finish(), m);
}

// docker save records no media types, so the layer's compression is sniffed.
Result<std::string> layer_media_type(TarFiles& files, const TarMember& m) {
  std::array<std::byte, 4> magic{};
  if (m.size < magic.size()) return std::string(media_type::docker_layer_tar);
  IG_TRY(pread_exact(files.fd(), m.offset, magic, files.describe()));
  auto b = [&](size_t i) { return std::to_integer<unsigned>(magic[i]); };
  if (b(0) == 0x1f && b(1) == 0x8b) return std::string(media_type::docker_layer_gzip);
  if (b(0) == 0x28 && b(1) == 0xb5 && b(2) == 0x2f && b(3) == 0xfd) return std::string(media_type::docker_layer_zstd);
  return std::string(media_type::docker_layer_tar);
}

Result<std::shared_ptr<Source>> synthesize(std::shared_ptr<TarFiles> files, const DockerArchiveEntry& e) {
  std::map<std::string, TarMember> blobs;
  IG_ASSIGN(auto config, hash_member(*files, e.config, "config"));
  if (config.second->size > k_max_config_size) {
    return fail(ErrorCode::invalid_image, "{}: config '{}' is {} bytes, more than the {} allowed", files->describe(),
                e.config, config.second->size, k_max_config_size);
  }
  if (auto real = find_real_manifest(*files, config.first)) {
    return std::shared_ptr<Source>(std::make_shared<DockerArchiveSource>(files, std::move(*real), std::move(blobs)));
  }
  blobs[config.first] = *config.second;
  // Key order as Docker and registries write it, for a manifest a person can read.
  nlohmann::ordered_json manifest{{"schemaVersion", 2},
                                  {"mediaType", media_type::docker_manifest},
                                  {"config",
                                   {{"mediaType", media_type::docker_config},
                                    {"size", config.second->size},
                                    {"digest", config.first}}},
                                  {"layers", nlohmann::ordered_json::array()}};
  for (const auto& path : e.layers) {
    IG_ASSIGN(auto layer, hash_member(*files, path, "layer"));
    IG_ASSIGN(std::string mt, layer_media_type(*files, *layer.second));
    manifest["layers"].push_back({{"mediaType", mt}, {"size", layer.second->size}, {"digest", layer.first}});
    blobs[layer.first] = *layer.second;
  }
  std::string bytes = manifest.dump();
  RawManifest root{bytes, sha256_digest(bytes), std::string(media_type::docker_manifest)};
  return std::shared_ptr<Source>(std::make_shared<DockerArchiveSource>(files, std::move(root), std::move(blobs)));
}

}  // namespace

ArchiveRef split_archive_ref(std::string_view spec) {
  std::error_code ec;
  if (fs::exists(fs::path(spec), ec)) return {std::string(spec), {}};
  for (size_t colon = spec.find(':'); colon != std::string_view::npos; colon = spec.find(':', colon + 1)) {
    if (colon > 0 && fs::is_regular_file(fs::path(spec.substr(0, colon)), ec)) {
      return {std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1))};
    }
  }
  return {std::string(spec), {}};
}

Result<std::vector<DockerArchiveEntry>> parse_docker_archive_manifest(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_image, "manifest.json of the docker archive is not valid JSON");
  if (!j.is_array()) return fail(ErrorCode::invalid_image, "manifest.json of the docker archive must be a JSON array");
  std::vector<DockerArchiveEntry> out;
  auto path_ok = [](const std::string& p) { return !TarIndex::normalize(p).empty() && p.find('\0') == std::string::npos; };
  for (size_t i = 0; i < j.size(); ++i) {
    const json& e = j[i];
    auto bad = [i](std::string_view f, std::string_view why) {
      return fail(ErrorCode::invalid_image, "manifest.json of the docker archive: field '[{}].{}' {}", i, f, why);
    };
    if (!e.is_object()) return fail(ErrorCode::invalid_image, "manifest.json of the docker archive: entry {} is not an object", i);
    DockerArchiveEntry d;
    auto c = e.find("Config");
    if (c == e.end() || !c->is_string()) return bad("Config", "must be a string");
    d.config = c->get<std::string>();
    if (!path_ok(d.config)) return bad("Config", "is not a path inside the archive");
    if (auto t = e.find("RepoTags"); t != e.end() && !t->is_null()) {
      if (!t->is_array()) return bad("RepoTags", "must be an array of strings");
      for (const auto& v : *t) {
        if (!v.is_string()) return bad("RepoTags", "must hold only strings");
        d.repo_tags.push_back(v.get<std::string>());
      }
    }
    auto l = e.find("Layers");
    if (l == e.end() || !l->is_array()) return bad("Layers", "must be an array of strings");
    for (const auto& v : *l) {
      if (!v.is_string()) return bad("Layers", "must hold only strings");
      d.layers.push_back(v.get<std::string>());
      if (!path_ok(d.layers.back())) return bad("Layers", "holds a path that is not inside the archive");
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::shared_ptr<Source>> open_oci_archive(std::string_view spec) {
  ArchiveRef ref = split_archive_ref(spec);
  if (ref.path.empty()) return fail(ErrorCode::usage, "'oci-archive:' needs a file, e.g. oci-archive:image.tar");
  if (!ref.suffix.empty() && !is_valid_tag(ref.suffix)) {
    return fail(ErrorCode::usage, "oci-archive:{}: '{}' is not a valid tag", spec, ref.suffix);
  }
  IG_ASSIGN(auto files, open_tar(ref.path, "oci archive " + ref.path));
  if (!files->exists("index.json")) {
    return fail(ErrorCode::invalid_image, "{} has no index.json: it is not a tar of an OCI image layout{}",
                files->describe(), files->exists("manifest.json") ? " (it looks like docker save output: use docker-archive:)" : "");
  }
  return std::shared_ptr<Source>(std::make_shared<OciLayoutSource>(files, ref.suffix, std::string()));
}

Result<std::shared_ptr<Source>> open_docker_archive(std::string_view spec) {
  ArchiveRef ref = split_archive_ref(spec);
  if (ref.path.empty()) return fail(ErrorCode::usage, "'docker-archive:' needs a file, e.g. docker-archive:image.tar");
  IG_ASSIGN(auto files, open_tar(ref.path, "docker archive " + ref.path));
  auto text = files->read("manifest.json", k_max_archive_manifest_size);
  if (!text) {
    if (text.error().code != ErrorCode::not_found) return fail(text.error());
    return fail(ErrorCode::invalid_image, "{} has no manifest.json: it is not 'docker save' output{}", files->describe(),
                files->exists("index.json") ? " (it looks like an OCI archive: use oci-archive:)" : "");
  }
  IG_ASSIGN(auto entries, parse_docker_archive_manifest(*text));
  IG_ASSIGN(const DockerArchiveEntry* entry, pick_entry(entries, ref.suffix, files->describe()));
  return synthesize(files, *entry);
}

Result<std::string> archive_input(const std::string& path) {
  IG_ASSIGN(auto files, open_tar(path, "archive " + path));
  if (files->exists("manifest.json")) return "docker-archive:" + path;
  if (files->exists("index.json")) return "oci-archive:" + path;
  return fail(ErrorCode::invalid_image,
              "{} holds neither manifest.json (docker save output) nor index.json (an OCI image layout): give "
              "--input a docker-archive or oci-archive tar",
              files->describe());
}

}  // namespace ig::image
