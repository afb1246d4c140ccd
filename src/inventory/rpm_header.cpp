// rpm header blob decoding; every read is bounds-checked against the blob.
#include "inventory/rpm_header.h"

#include <unordered_map>

namespace ig::inventory {
namespace {

enum : uint32_t {
  k_type_int32 = 4,
  k_type_int64 = 5,
  k_type_string = 6,
  k_type_string_array = 8,
  k_type_i18nstring = 9,
};

enum : int32_t {
  k_tag_name = 1000,
  k_tag_version = 1001,
  k_tag_release = 1002,
  k_tag_epoch = 1003,
  k_tag_size = 1009,
  k_tag_vendor = 1011,
  k_tag_license = 1014,
  k_tag_arch = 1022,
  k_tag_oldfilenames = 1027,
  k_tag_sourcerpm = 1044,
  k_tag_dirindexes = 1116,
  k_tag_basenames = 1117,
  k_tag_dirnames = 1118,
  k_tag_longsize = 5009,
  k_tag_modularitylabel = 5096,
};

uint32_t be32(const char* p) {
  auto u = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[i])); };
  return u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3);
}

struct Entry {
  uint32_t type = 0;
  uint32_t offset = 0;
  uint32_t count = 0;
};

class HeaderReader {
 public:
  HeaderReader(std::string_view data, std::unordered_map<int32_t, Entry> entries)
      : data_(data), entries_(std::move(entries)) {}

  // A STRING or I18NSTRING (first translation) tag; "" when absent.
  Result<std::string_view> str(int32_t tag) const {
    auto it = entries_.find(tag);
    if (it == entries_.end()) return std::string_view{};
    const Entry& e = it->second;
    if (e.type != k_type_string && e.type != k_type_i18nstring && e.type != k_type_string_array) {
      return fail(ErrorCode::invalid_image, "rpm header tag {} has type {}, expected a string", tag, e.type);
    }
    return cstr(e.offset, tag);
  }

  // STRING_ARRAY (or a lone STRING) tag values; empty when absent.
  Result<std::vector<std::string_view>> strs(int32_t tag) const {
    std::vector<std::string_view> out;
    auto it = entries_.find(tag);
    if (it == entries_.end()) return out;
    const Entry& e = it->second;
    if (e.type != k_type_string_array && e.type != k_type_string) {
      return fail(ErrorCode::invalid_image, "rpm header tag {} has type {}, expected a string array", tag, e.type);
    }
    // Each string takes at least one byte, which bounds count by the data.
    if (e.count > data_.size()) return fail(ErrorCode::invalid_image, "rpm header tag {} count too large", tag);
    out.reserve(e.count);
    size_t off = e.offset;
    for (uint32_t i = 0; i < e.count; ++i) {
      IG_ASSIGN(std::string_view s, cstr(off, tag));
      out.push_back(s);
      off += s.size() + 1;
    }
    return out;
  }

  // INT32 tag values; empty when absent.
  Result<std::vector<uint32_t>> ints(int32_t tag) const {
    std::vector<uint32_t> out;
    auto it = entries_.find(tag);
    if (it == entries_.end()) return out;
    const Entry& e = it->second;
    if (e.type != k_type_int32) {
      return fail(ErrorCode::invalid_image, "rpm header tag {} has type {}, expected INT32", tag, e.type);
    }
    if (e.offset > data_.size() || e.count > (data_.size() - e.offset) / 4) {
      return fail(ErrorCode::invalid_image, "rpm header tag {} runs past the header data", tag);
    }
    out.reserve(e.count);
    for (uint32_t i = 0; i < e.count; ++i) out.push_back(be32(data_.data() + e.offset + 4 * i));
    return out;
  }

  // First value of an INT32 or INT64 tag.
  std::optional<uint64_t> number(int32_t tag) const {
    auto it = entries_.find(tag);
    if (it == entries_.end() || it->second.count == 0) return std::nullopt;
    const Entry& e = it->second;
    size_t width = e.type == k_type_int32 ? 4 : e.type == k_type_int64 ? 8 : 0;
    if (width == 0 || e.offset > data_.size() || data_.size() - e.offset < width) return std::nullopt;
    const char* p = data_.data() + e.offset;
    if (width == 4) return be32(p);
    return static_cast<uint64_t>(be32(p)) << 32 | be32(p + 4);
  }

 private:
  Result<std::string_view> cstr(size_t off, int32_t tag) const {
    if (off >= data_.size()) return fail(ErrorCode::invalid_image, "rpm header tag {} points past the data", tag);
    auto nul = data_.find('\0', off);
    if (nul == std::string_view::npos) {
      return fail(ErrorCode::invalid_image, "rpm header tag {} holds an unterminated string", tag);
    }
    return data_.substr(off, nul - off);
  }

  std::string_view data_;
  std::unordered_map<int32_t, Entry> entries_;
};

bool charge(const RpmHeaderLimits& limits, uint64_t bytes) {
  if (limits.file_bytes_budget == nullptr) return true;
  if (*limits.file_bytes_budget < bytes) {
    *limits.file_bytes_budget = 0;
    return false;
  }
  *limits.file_bytes_budget -= bytes;
  return true;
}

Result<std::vector<std::string>> read_files(const HeaderReader& r, const RpmHeaderLimits& limits) {
  std::vector<std::string> files;
  IG_ASSIGN(auto base, r.strs(k_tag_basenames));
  if (base.empty()) {
    IG_ASSIGN(auto old, r.strs(k_tag_oldfilenames));
    for (auto f : old) {
      if (!charge(limits, f.size() + 32)) return std::vector<std::string>{};
      files.emplace_back(f);
    }
    return files;
  }
  IG_ASSIGN(auto dirs, r.strs(k_tag_dirnames));
  IG_ASSIGN(auto idx, r.ints(k_tag_dirindexes));
  if (idx.size() != base.size()) {
    return fail(ErrorCode::invalid_image, "rpm header lists {} file names but {} directory indexes", base.size(),
                idx.size());
  }
  files.reserve(base.size());
  for (size_t i = 0; i < base.size(); ++i) {
    if (idx[i] >= dirs.size()) {
      return fail(ErrorCode::invalid_image, "rpm header directory index {} out of range ({} directories)", idx[i],
                  dirs.size());
    }
    std::string_view d = dirs[idx[i]];
    if (!charge(limits, d.size() + base[i].size() + 32)) return std::vector<std::string>{};
    std::string f;
    f.reserve(d.size() + base[i].size());
    f.append(d).append(base[i]);
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace

Result<RpmHeader> parse_rpm_header(std::string_view blob, const RpmHeaderLimits& limits) {
  if (blob.size() < 8) return fail(ErrorCode::invalid_image, "rpm header blob of {} bytes is truncated", blob.size());
  uint32_t il = be32(blob.data());
  uint32_t dl = be32(blob.data() + 4);
  if (il == 0 || il > limits.max_entries) {
    return fail(ErrorCode::invalid_image, "rpm header has {} index entries (limit {})", il, limits.max_entries);
  }
  if (dl > limits.max_data) {
    return fail(ErrorCode::invalid_image, "rpm header has {} data bytes (limit {})", dl, limits.max_data);
  }
  uint64_t need = 8 + uint64_t{il} * 16 + dl;
  if (need > blob.size()) {
    return fail(ErrorCode::invalid_image, "rpm header needs {} bytes but the blob has {}", need, blob.size());
  }
  std::string_view data = blob.substr(8 + size_t{il} * 16, dl);
  std::unordered_map<int32_t, Entry> entries;
  for (uint32_t i = 0; i < il; ++i) {
    const char* p = blob.data() + 8 + size_t{i} * 16;
    auto tag = static_cast<int32_t>(be32(p));
    Entry e{be32(p + 4), be32(p + 8), be32(p + 12)};
    // Only tags we read are kept: region tags and others are irrelevant here.
    if (tag >= 1000 && tag <= 1118) entries[tag] = e;
    if (tag == k_tag_longsize || tag == k_tag_modularitylabel) entries[tag] = e;
  }
  HeaderReader r(data, std::move(entries));
  RpmHeader h;
  IG_ASSIGN(auto name, r.str(k_tag_name));
  if (name.empty()) return fail(ErrorCode::invalid_image, "rpm header has no NAME");
  h.name = std::string(name);
  IG_ASSIGN(auto version, r.str(k_tag_version));
  IG_ASSIGN(auto release, r.str(k_tag_release));
  IG_ASSIGN(auto arch, r.str(k_tag_arch));
  IG_ASSIGN(auto srpm, r.str(k_tag_sourcerpm));
  IG_ASSIGN(auto license, r.str(k_tag_license));
  IG_ASSIGN(auto vendor, r.str(k_tag_vendor));
  IG_ASSIGN(auto modularity, r.str(k_tag_modularitylabel));
  h.version = std::string(version);
  h.release = std::string(release);
  h.arch = std::string(arch);
  h.source_rpm = std::string(srpm);
  h.license = std::string(license);
  h.vendor = std::string(vendor);
  h.modularity_label = std::string(modularity);
  if (auto e = r.number(k_tag_epoch)) h.epoch = static_cast<uint32_t>(*e);
  if (auto s = r.number(k_tag_longsize)) {
    h.size = *s;
  } else if (auto s32 = r.number(k_tag_size)) {
    h.size = *s32;
  }
  IG_ASSIGN(h.files, read_files(r, limits));
  return h;
}

bool split_source_rpm(std::string_view srpm, std::string& name, std::string& version) {
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (srpm.ends_with(suffix)) {
      srpm.remove_suffix(suffix.size());
      break;
    }
  }
  auto rel = srpm.rfind('-');
  if (rel == std::string_view::npos || rel == 0) return false;
  auto ver = srpm.rfind('-', rel - 1);
  if (ver == std::string_view::npos || ver == 0) return false;
  name = std::string(srpm.substr(0, ver));
  version = std::string(srpm.substr(ver + 1));
  return true;
}

Package rpm_package(RpmHeader h) {
  Package p;
  p.ecosystem = "rpm";
  p.name = std::move(h.name);
  p.version = h.version + "-" + h.release;
  if (h.epoch) p.version = std::to_string(*h.epoch) + ":" + p.version;
  p.arch = std::move(h.arch);
  if (!h.license.empty()) p.licenses.push_back(std::move(h.license));
  p.maintainer = std::move(h.vendor);
  p.installed_size = h.size;
  p.modularity_label = std::move(h.modularity_label);
  if (!h.source_rpm.empty()) {
    p.extra["source_rpm"] = h.source_rpm;
    split_source_rpm(h.source_rpm, p.source_name, p.source_version);
  }
  if (h.epoch) p.extra["epoch"] = *h.epoch;
  p.files.reserve(h.files.size());
  for (auto& f : h.files) {
    size_t skip = 0;
    while (skip < f.size() && f[skip] == '/') ++skip;
    if (skip < f.size()) p.files.push_back(f.substr(skip));
  }
  return p;
}

}  // namespace ig::inventory
