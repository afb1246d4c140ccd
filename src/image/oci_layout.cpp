#include "image/oci_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "util/digest.h"

namespace ig::image {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_index_size = 16ull << 20;
constexpr std::string_view k_ref_name = "org.opencontainers.image.ref.name";

class DirectoryFiles : public LayoutFiles {
 public:
  explicit DirectoryFiles(fs::path dir) : dir_(std::move(dir)) {}

  Result<std::string> read(const std::string& rel, uint64_t max_size) override {
    IG_ASSIGN(auto opened, open_fd(rel));
    auto [fd, size] = opened;
    if (size > max_size) {
      return fail(ErrorCode::invalid_image, "'{}' in {} is {} bytes, more than the {} bytes allowed", rel, describe(),
                  size, max_size);
    }
    std::string out(static_cast<size_t>(size), '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(*fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(ErrorCode::io, "cannot read '{}' in {}: {}", rel, describe(), std::strerror(errno));
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    out.resize(done);
    return out;
  }

  Result<std::pair<std::unique_ptr<ByteStream>, uint64_t>> open(const std::string& rel) override {
    IG_ASSIGN(auto opened, open_fd(rel));
    auto [fd, size] = opened;
    return std::make_pair(file_region_stream(fd, 0, size), size);
  }

  bool exists(const std::string& rel) override {
    std::error_code ec;
    return fs::exists(dir_ / rel, ec);
  }

  std::string describe() const override { return "oci layout " + dir_.string(); }

 private:
  Result<std::pair<std::shared_ptr<const int>, uint64_t>> open_fd(const std::string& rel) {
    fs::path p = dir_ / rel;
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT) return fail(ErrorCode::not_found, "'{}' is missing from {}", rel, describe());
      if (err == ELOOP) {
        return fail(ErrorCode::invalid_image, "'{}' in {} is a symbolic link; layouts must hold real files", rel,
                    describe());
      }
      return fail(ErrorCode::io, "cannot open '{}': {}", p.string(), std::strerror(err));
    }
    auto shared = std::shared_ptr<const int>(new int(fd), [](const int* q) {
      ::close(*q);
      delete q;
    });
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      return fail(ErrorCode::invalid_image, "'{}' in {} is not a regular file", rel, describe());
    }
    return std::make_pair(shared, static_cast<uint64_t>(st.st_size));
  }

  fs::path dir_;
};

bool is_valid_tag(std::string_view t) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  if (t.empty() || t.size() > 128 || !word(t.front())) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

std::string ref_name(const Descriptor& d) {
  auto it = d.annotations.find(std::string(k_ref_name));
  return it == d.annotations.end() ? std::string() : it->second;
}

std::string list_tags(const Index& idx) {
  std::vector<std::string> tags;
  for (const auto& m : idx.manifests) {
    std::string t = ref_name(m);
    if (!t.empty() && std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  }
  if (tags.empty()) return "it has no tagged entries (no org.opencontainers.image.ref.name annotations)";
  std::string out = "tags present: ";
  for (size_t i = 0; i < tags.size(); ++i) out += (i ? ", " : "") + tags[i];
  return out;
}

// Several entries share a tag and each names a platform: together they are a
// multi-platform image. When they are the whole of index.json its bytes are the
// index; otherwise a new index of just those entries is made (its digest is of
// those bytes, as no such blob exists in the layout).
RawManifest multi_platform_root(const std::string& index_bytes, const Index& idx, const std::vector<Descriptor>& picked) {
  if (picked.size() == idx.manifests.size()) {
    return RawManifest{index_bytes, sha256_digest(index_bytes), std::string(media_type::oci_index)};
  }
  nlohmann::json j{{"schemaVersion", 2}, {"mediaType", media_type::oci_index}, {"manifests", nlohmann::json::array()}};
  for (const auto& d : picked) {
    nlohmann::json e{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
    if (d.platform) {
      e["platform"] = {{"os", d.platform->os}, {"architecture", d.platform->architecture}};
      if (!d.platform->variant.empty()) e["platform"]["variant"] = d.platform->variant;
    }
    j["manifests"].push_back(std::move(e));
  }
  std::string bytes = j.dump();
  return RawManifest{bytes, sha256_digest(bytes), std::string(media_type::oci_index)};
}

}  // namespace

std::shared_ptr<LayoutFiles> directory_files(fs::path dir) { return std::make_shared<DirectoryFiles>(std::move(dir)); }

Result<LayoutRef> split_layout_ref(std::string_view spec) {
  if (spec.empty()) {
    return fail(ErrorCode::usage, "'oci:' needs a layout directory, e.g. oci:./image:latest or oci:./image@sha256:…");
  }
  LayoutRef out;
  std::error_code ec;
  if (fs::is_directory(fs::path(spec), ec)) {
    out.path = std::string(spec);
    return out;
  }
  if (size_t at = spec.rfind('@'); at != std::string_view::npos && Digest::parse(spec.substr(at + 1))) {
    out.path = std::string(spec.substr(0, at));
    out.digest = std::string(spec.substr(at + 1));
  } else if (size_t colon = spec.rfind(':'); colon != std::string_view::npos && colon > 0 &&
                                             is_valid_tag(spec.substr(colon + 1))) {
    out.path = std::string(spec.substr(0, colon));
    out.tag = std::string(spec.substr(colon + 1));
  } else {
    out.path = std::string(spec);
  }
  if (out.path.empty()) return fail(ErrorCode::usage, "'oci:{}' names no layout directory", spec);
  return out;
}

Result<std::string> blob_path(std::string_view digest) {
  auto d = Digest::parse(digest);
  if (!d) return fail(ErrorCode::invalid_image, "invalid blob digest: {}", d.error().message);
  return "blobs/" + d->algorithm + "/" + d->hex;
}

Result<RawManifest> read_manifest_blob(LayoutFiles& files, const Descriptor& d) {
  if (d.size < 0 || static_cast<uint64_t>(d.size) > k_max_layout_manifest_size) {
    return fail(ErrorCode::invalid_image, "manifest {} in {} is {} bytes, more than the {} bytes allowed", d.digest,
                files.describe(), d.size, k_max_layout_manifest_size);
  }
  IG_ASSIGN(std::string rel, blob_path(d.digest));
  auto bytes = files.read(rel, k_max_layout_manifest_size);
  if (!bytes) {
    if (bytes.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "manifest {} is missing from {} (expected at {})", d.digest, files.describe(), rel);
    }
    return fail(bytes.error());
  }
  if (bytes->size() != static_cast<uint64_t>(d.size)) {
    return fail(ErrorCode::integrity, "manifest {} in {} is {} bytes but its descriptor says {}", d.digest,
                files.describe(), bytes->size(), d.size);
  }
  IG_TRY(verify_digest(*bytes, d.digest, fmt::format("manifest {} in {}", d.digest, files.describe())));
  return RawManifest{std::move(*bytes), d.digest, d.media_type};
}

Result<std::unique_ptr<ByteStream>> open_layout_blob(LayoutFiles& files, const Descriptor& d) {
  IG_ASSIGN(std::string rel, blob_path(d.digest));
  auto opened = files.open(rel);
  if (!opened) {
    if (opened.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "blob {} is missing from {} (expected at {}){}", d.digest, files.describe(), rel,
                  d.urls.empty() ? "" : "; it is a foreign layer that must be fetched from its URLs, which imagegate does not do");
    }
    return fail(opened.error());
  }
  auto [stream, size] = std::move(*opened);
  std::string what = fmt::format("blob {} in {}", d.digest, files.describe());
  if (d.size < 0 || size != static_cast<uint64_t>(d.size)) {
    return fail(ErrorCode::integrity, "{} is {} bytes but its descriptor says {}; the layout is corrupt", what, size,
                d.size);
  }
  return verifying_stream(std::move(stream), d, std::move(what));
}

OciLayoutSource::OciLayoutSource(std::shared_ptr<LayoutFiles> files, std::string tag, std::string digest)
    : files_(std::move(files)), tag_(std::move(tag)), digest_(std::move(digest)) {}

std::string OciLayoutSource::describe() const { return files_->describe(); }

Result<RawManifest> OciLayoutSource::fetch_root() {
  auto index_bytes = files_->read("index.json", k_max_index_size);
  if (!index_bytes) {
    if (index_bytes.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "{} has no index.json: it is not an OCI image layout", describe());
    }
    return fail(index_bytes.error());
  }
  auto parsed = parse_index(*index_bytes);
  if (!parsed) return fail(parsed.error().with_context(fmt::format("index.json of {}", describe())));
  const Index& idx = *parsed;

  if (!digest_.empty()) {
    for (const auto& m : idx.manifests) {
      if (m.digest == digest_) return read_manifest_blob(*files_, m);
    }
    return fail(ErrorCode::not_found, "no manifest with digest {} is listed in index.json of {}", digest_, describe());
  }

  std::vector<Descriptor> picked;
  if (!tag_.empty()) {
    for (const auto& m : idx.manifests) {
      if (ref_name(m) == tag_) picked.push_back(m);
    }
    if (picked.empty()) {
      return fail(ErrorCode::not_found, "tag '{}' is not in {}; {}", tag_, describe(), list_tags(idx));
    }
  } else if (idx.manifests.size() == 1) {
    picked = idx.manifests;
  } else {
    for (const auto& m : idx.manifests) {
      if (ref_name(m) == "latest") picked.push_back(m);
    }
    bool untagged_platforms = !idx.manifests.empty() && std::all_of(idx.manifests.begin(), idx.manifests.end(), [](const Descriptor& m) {
      return ref_name(m).empty() && m.platform.has_value();
    });
    if (picked.empty() && untagged_platforms) picked = idx.manifests;
    if (picked.empty()) {
      if (idx.manifests.empty()) return fail(ErrorCode::not_found, "{} holds no images (index.json is empty)", describe());
      return fail(ErrorCode::not_found, "{} holds {} images and none is tagged 'latest': name one as oci:DIR:TAG; {}",
                  describe(), idx.manifests.size(), list_tags(idx));
    }
  }
  if (picked.size() == 1) return read_manifest_blob(*files_, picked[0]);
  bool all_platforms = std::all_of(picked.begin(), picked.end(), [](const Descriptor& m) { return m.platform.has_value(); });
  if (!all_platforms) {
    return fail(ErrorCode::invalid_image, "{} has {} entries tagged '{}' and they do not all name a platform", describe(),
                picked.size(), tag_.empty() ? "latest" : tag_);
  }
  return multi_platform_root(*index_bytes, idx, picked);
}

Result<RawManifest> OciLayoutSource::fetch_manifest(const Descriptor& d) { return read_manifest_blob(*files_, d); }

Result<std::unique_ptr<ByteStream>> OciLayoutSource::open_blob(const Descriptor& d) {
  return open_layout_blob(*files_, d);
}

}  // namespace ig::image
