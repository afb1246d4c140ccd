// Test helpers for the layer tests: builds tar layers with libarchive's writer,
// compresses them, and serves them through a Source test double.
#pragma once

#include <clocale>

#include <archive.h>
#include <archive_entry.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "image/resolve.h"
#include "image/source.h"
#include "util/digest.h"

namespace ig::image::layer_test {

struct TarEntry {
  // type: 'f' file, 'd' dir, 'l' symlink, 'h' hard link, 'c' char device.
  // sparse_hole > 0 makes a sparse file of that many zero bytes, then content.
  TarEntry(std::string n, char t = 'f', std::string c = "", std::string l = "", unsigned m = 0644, int64_t hole = 0)
      : name(std::move(n)), type(t), content(std::move(c)), link(std::move(l)), mode(m), sparse_hole(hole) {}
  std::string name;
  char type;
  std::string content;
  std::string link;  // symlink or hard-link target
  unsigned mode;
  int64_t sparse_hole;
};

enum class TarFormat { pax, gnu, ustar };

inline la_ssize_t append_cb(struct archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

inline std::string make_tar(const std::vector<TarEntry>& entries, TarFormat format = TarFormat::pax) {
  // libarchive's writers convert UTF-8 names through the process locale; in the
  // default "C" locale that conversion yields NULL and the pax writer crashes.
  static const bool k_utf8_locale = std::setlocale(LC_ALL, "C.UTF-8") != nullptr;
  (void)k_utf8_locale;
  std::string out;
  struct archive* a = archive_write_new();
  if (format == TarFormat::pax) archive_write_set_format_pax(a);
  if (format == TarFormat::gnu) archive_write_set_format_gnutar(a);
  if (format == TarFormat::ustar) archive_write_set_format_ustar(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, append_cb, nullptr);
  for (const auto& e : entries) {
    struct archive_entry* ae = archive_entry_new();
    archive_entry_set_pathname_utf8(ae, e.name.c_str());
    archive_entry_set_perm(ae, e.mode);
    archive_entry_set_mtime(ae, 1700000000, 0);
    int64_t size = 0;
    switch (e.type) {
      case 'd': archive_entry_set_filetype(ae, AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(ae, AE_IFLNK);
        archive_entry_set_symlink_utf8(ae, e.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_hardlink_utf8(ae, e.link.c_str());
        break;
      case 'c': archive_entry_set_filetype(ae, AE_IFCHR); break;
      default:
        archive_entry_set_filetype(ae, AE_IFREG);
        size = static_cast<int64_t>(e.content.size()) + e.sparse_hole;
        if (e.sparse_hole > 0) archive_entry_sparse_add_entry(ae, e.sparse_hole, static_cast<int64_t>(e.content.size()));
        break;
    }
    archive_entry_set_size(ae, size);
    archive_write_header(a, ae);
    if (e.type == 'f' && !e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// gzip with ISA-L; `members` > 1 splits the data into that many gzip members.
inline std::string gzip_member(std::string_view part) {
  std::string out;
  std::vector<uint8_t> obuf(1 << 16);
  isal_zstream z;
  isal_deflate_init(&z);
  z.gzip_flag = IGZIP_GZIP;
  z.end_of_stream = 1;
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(part.data()));
  z.avail_in = static_cast<uint32_t>(part.size());
  do {
    z.next_out = obuf.data();
    z.avail_out = static_cast<uint32_t>(obuf.size());
    isal_deflate(&z);
    out.append(reinterpret_cast<const char*>(obuf.data()), obuf.size() - z.avail_out);
  } while (z.internal_state.state != ZSTATE_END);
  return out;
}

inline std::string gzip(std::string_view data, int members = 1) {
  if (members <= 1 || data.empty()) return gzip_member(data);
  std::string out;
  size_t chunk = data.size() / static_cast<size_t>(members) + 1;
  for (size_t off = 0; off < data.size(); off += chunk) out += gzip_member(data.substr(off, chunk));
  return out;
}

inline std::string zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  out.resize(n);
  return out;
}

class StringStream final : public ByteStream {
 public:
  explicit StringStream(std::shared_ptr<const std::string> data) : data_(std::move(data)) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    size_t n = std::min(buf.size(), data_->size() - pos_);
    std::memcpy(buf.data(), data_->data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::shared_ptr<const std::string> data_;
  size_t pos_ = 0;
};

// A Source test double serving blobs from memory through the real verifying stream.
class MemorySource final : public Source {
 public:
  void add(const std::string& digest, std::string bytes) {
    blobs_[digest] = std::make_shared<const std::string>(std::move(bytes));
  }
  Result<RawManifest> fetch_root() override { return fail(ErrorCode::not_found, "no manifest in test source"); }
  Result<RawManifest> fetch_manifest(const Descriptor&) override {
    return fail(ErrorCode::not_found, "no manifest in test source");
  }
  Result<std::unique_ptr<ByteStream>> open_blob(const Descriptor& d) override {
    ++opens;
    auto it = blobs_.find(d.digest);
    if (it == blobs_.end()) return fail(ErrorCode::not_found, "blob {} not found", d.digest);
    return verifying_stream(std::make_unique<StringStream>(it->second), d, "blob " + d.digest);
  }
  std::string describe() const override { return "memory"; }
  std::atomic<int> opens{0};

 private:
  std::map<std::string, std::shared_ptr<const std::string>> blobs_;
};

struct LayerSpec {
  // compression: gzip, zstd, none, or any other string used as the media type.
  LayerSpec(std::string t, std::string c = "gzip", std::string d = "")
      : tar(std::move(t)), compression(std::move(c)), diff_id_override(std::move(d)) {}
  std::string tar;
  std::string compression;
  std::string diff_id_override;
};

inline ResolvedImage make_image(const std::vector<LayerSpec>& specs, std::shared_ptr<MemorySource> src = nullptr) {
  if (!src) src = std::make_shared<MemorySource>();
  ResolvedImage img;
  img.kind = SourceKind::oci_layout;
  img.name = "test";
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& s = specs[i];
    Layer l;
    l.index = i;
    std::string blob = s.tar;
    if (s.compression == "gzip") {
      blob = gzip(s.tar);
      l.blob.media_type = std::string(media_type::oci_layer_gzip);
    } else if (s.compression == "zstd") {
      blob = zstd(s.tar);
      l.blob.media_type = std::string(media_type::oci_layer_zstd);
    } else if (s.compression == "none") {
      l.blob.media_type = std::string(media_type::oci_layer);
    } else {
      l.blob.media_type = s.compression;
    }
    l.blob.digest = sha256_digest(blob);
    l.blob.size = static_cast<int64_t>(blob.size());
    l.diff_id = s.diff_id_override.empty() ? sha256_digest(s.tar) : s.diff_id_override;
    src->add(l.blob.digest, std::move(blob));
    img.layers.push_back(std::move(l));
  }
  img.source = std::move(src);
  return img;
}

}  // namespace ig::image::layer_test
