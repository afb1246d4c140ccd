// Go binaries cataloger; see lang_golang.h.
#include "inventory/lang_golang.h"

#include <algorithm>
#include <optional>

#include "inventory/lang_common.h"
#include "inventory/lang_elf.h"

namespace ig::inventory::lang {

namespace {

constexpr std::string_view k_magic = "\xff Go buildinf:";
constexpr uint64_t k_header_size = 32;
constexpr uint64_t k_align = 16;
constexpr uint64_t k_max_string = 4ull << 20;     // version and modinfo strings
constexpr uint64_t k_scan_chunk = 1ull << 20;
constexpr uint64_t k_max_binary = 512ull << 20;
// Old-format pointers lead back into .rodata, so a Go binary (known by its
// build ID note) is kept in memory from its start, up to this size.
constexpr uint64_t k_max_retained = k_go_window;
constexpr uint32_t k_pf_x = 1;
constexpr uint32_t k_pf_w = 2;

// Splits a modinfo line on tabs into at most 4 fields.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (out.size() < 4) {
    size_t tab = line.find('\t');
    out.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return out;
}

Package module_package(std::string_view mod_path, std::string_view version, std::string_view path) {
  return make_package("golang", std::string(mod_path), std::string(version), path);
}

// Reads a uvarint at `off` in `w`; advances off.
std::optional<uint64_t> uvarint(std::string_view d, size_t& off) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && off < d.size(); shift += 7) {
    auto b = static_cast<uint8_t>(d[off++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) return v;
  }
  return std::nullopt;
}

// Inline format: two uvarint-length-prefixed strings right after the header.
Result<std::pair<std::string, std::string>> read_inline(StreamWindow& w, uint64_t at) {
  std::pair<std::string, std::string> out;
  for (std::string* s : {&out.first, &out.second}) {
    IG_TRY(w.ensure(at + 10));
    size_t off = 0;
    std::string_view head = w.view(at, std::min<uint64_t>(10, w.end() - at));
    auto len = uvarint(head, off);
    if (!len || *len > k_max_string) return fail(ErrorCode::invalid_image, "bad Go build info string length");
    IG_ASSIGN(bool ok, w.ensure(at + off + *len));
    if (!ok) return fail(ErrorCode::invalid_image, "truncated Go build info");
    *s = std::string(w.view(at + off, *len));
    at += off + *len;
  }
  return out;
}

// Old format: a pointer to a Go string header {data, len} at a virtual address.
Result<std::string> read_go_string(StreamWindow& w, const ElfFile& elf, uint64_t vaddr, size_t ptr_size, bool little) {
  ElfFile e = elf;
  e.little = little;
  auto hdr_off = elf.file_offset(vaddr, 2 * ptr_size);
  if (!hdr_off) return fail(ErrorCode::invalid_image, "Go build info pointer is outside the file");
  if (*hdr_off < w.base()) return fail(ErrorCode::invalid_image, "Go build info points before the kept window");
  IG_ASSIGN(bool ok, w.ensure(*hdr_off + 2 * ptr_size));
  if (!ok) return fail(ErrorCode::invalid_image, "truncated Go build info");
  std::string_view hdr = w.view(*hdr_off, 2 * ptr_size);
  uint64_t data = e.uint_at(hdr, 0, ptr_size);
  uint64_t len = e.uint_at(hdr, ptr_size, ptr_size);
  if (len == 0) return std::string();
  if (len > k_max_string) return fail(ErrorCode::invalid_image, "Go build info string too long");
  auto data_off = elf.file_offset(data, len);
  if (!data_off || *data_off < w.base()) return fail(ErrorCode::invalid_image, "Go build info string is not readable");
  IG_TRY(w.ensure(*data_off + len));
  if (!w.holds(*data_off, len)) return fail(ErrorCode::invalid_image, "truncated Go build info");
  return std::string(w.view(*data_off, len));
}

// Scans [seg.offset, seg.offset+seg.filesz) for the magic at a 16-byte aligned offset.
Result<std::optional<uint64_t>> find_magic(StreamWindow& w, const ElfSegment& seg, bool retain) {
  uint64_t pos = seg.offset;
  uint64_t seg_end = seg.offset + seg.filesz;
  if (pos < w.base()) return std::optional<uint64_t>();
  while (pos + k_header_size <= seg_end) {
    if (!retain) IG_TRY(w.drop_before(pos));
    uint64_t chunk_end = std::min(seg_end, pos + k_scan_chunk + k_header_size);
    IG_ASSIGN(bool ok, w.ensure(chunk_end));
    chunk_end = std::min(chunk_end, w.end());
    if (chunk_end < pos + k_header_size) break;
    std::string_view chunk = w.view(pos, chunk_end - pos);
    // Aligned in the file (and in memory), not relative to the segment start,
    // which the linker need not align (e.g. after .data.rel.ro in RELRO).
    for (size_t i = chunk.find(k_magic); i != std::string_view::npos; i = chunk.find(k_magic, i + 1)) {
      if (((pos + i) % k_align) == 0 && i + k_header_size <= chunk.size()) return std::optional<uint64_t>(pos + i);
    }
    if (!ok) break;
    pos += k_scan_chunk;  // chunks overlap by k_header_size, so no match is split
  }
  return std::optional<uint64_t>();
}

std::string strip_sentinels(std::string mod) {
  if (mod.size() >= 33 && mod[mod.size() - 17] == '\n') return mod.substr(16, mod.size() - 32);
  return {};
}

class GolangAnalyzer final : public image::Analyzer {
 public:
  GolangAnalyzer() {
    sel_.magic = {"\x7f" "ELF"};
    sel_.max_size = k_max_binary;
    // Like Trivy, only executables: shared libraries (most ELF bytes in an
    // image) are neither Go programs nor cargo-auditable binaries in practice.
    sel_.executable_only_for_magic = true;
  }
  std::string_view name() const override { return "golang"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(auto pkgs, parse_go_binary(in, meta.size, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

std::vector<Package> parse_go_modinfo(std::string_view go_version, std::string_view modinfo, std::string_view path) {
  std::vector<Package> out;
  nlohmann::json build = nlohmann::json::object();
  std::string main_package;
  constexpr size_t k_none = static_cast<size_t>(-1);
  size_t last = k_none;  // the module a "=>" line replaces
  size_t pos = 0;
  while (pos < modinfo.size()) {
    size_t eol = modinfo.find('\n', pos);
    if (eol == std::string_view::npos) eol = modinfo.size();
    auto f = fields(modinfo.substr(pos, eol - pos));
    pos = eol + 1;
    if (f[0] == "path" && f.size() >= 2) {
      main_package = f[1];
    } else if ((f[0] == "mod" || f[0] == "dep") && f.size() >= 3) {
      out.push_back(module_package(f[1], f[2], path));
      if (f[0] == "mod") out.back().extra["main"] = true;
      if (f.size() >= 4 && !f[3].empty()) out.back().extra["sum"] = std::string(f[3]);
      last = out.size() - 1;
    } else if (f[0] == "=>" && f.size() >= 3 && last != k_none && f[2].empty()) {
      out[last].extra["replace"] = {{"path", std::string(f[1])}};  // a local directory: no version to report
      last = k_none;
    } else if (f[0] == "=>" && f.size() >= 3 && last != k_none) {
      Package& p = out[last];
      p.extra["replaced"] = {{"path", p.name}, {"version", p.version}};
      Package r = module_package(f[1], f[2], path);
      r.extra = std::move(p.extra);
      r.extra.erase("sum");
      if (f.size() >= 4 && !f[3].empty()) r.extra["sum"] = std::string(f[3]);
      p = std::move(r);
      last = k_none;
    } else if (f[0] == "build" && f.size() >= 2) {
      std::string_view kv = f[1];
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos) build[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
  }
  std::string toolchain(go_version.substr(0, go_version.find(' ')));  // "go1.22.1 X:boringcrypto"
  if (toolchain.size() > 2 && toolchain.substr(0, 2) == "go") {
    out.push_back(make_package("golang", "stdlib", "v" + toolchain.substr(2), path));
  }
  // Binaries built outside module mode (GOPATH, as Debian does) have no main
  // module: the binary's details then go on the stdlib entry.
  auto main_it = std::find_if(out.begin(), out.end(), [](const Package& p) { return p.extra.contains("main"); });
  Package* carrier = main_it != out.end() ? &*main_it : nullptr;
  if (carrier == nullptr && !out.empty() && out.back().name == "stdlib") carrier = &out.back();
  if (carrier != nullptr && !main_package.empty()) carrier->extra["main_package"] = main_package;
  if (carrier != nullptr && !build.empty()) carrier->extra["build"] = build;
  for (auto& p : out) {
    if (!go_version.empty()) p.extra["go_version"] = std::string(go_version);
  }
  return out;
}

Result<std::vector<Package>> parse_go_binary(image::FileReader& in, uint64_t size, std::string_view path) {
  StreamWindow w(in, k_go_window);
  IG_ASSIGN(ElfFile elf, read_elf_headers(w, path));
  IG_ASSIGN(bool go_note, has_go_note(w, elf));
  return parse_go_elf(w, elf, go_note, size, path);
}

Result<std::vector<Package>> parse_go_elf(StreamWindow& w, const ElfFile& elf, bool go_note, uint64_t size,
                                          std::string_view path) {
  bool retain = go_note && size <= k_max_retained;
  std::vector<ElfSegment> writable;
  for (const auto& s : elf.segments) {
    if (s.type == 1 && (s.flags & k_pf_w) && s.filesz > 0) writable.push_back(s);
  }
  std::sort(writable.begin(), writable.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
  if (retain && !writable.empty()) {
    // Old-format pointers lead to strings, never to code: the bytes of the
    // executable segments before the data need not be kept (about half of a
    // Go binary's bytes before its data).
    uint64_t keep_from = w.base();
    for (const auto& s : elf.segments) {
      uint64_t end = s.offset + s.filesz;
      if (s.type == 1 && (s.flags & k_pf_x) && end <= writable.front().offset && end > keep_from) keep_from = end;
    }
    IG_ASSIGN(bool ok, w.drop_before(keep_from));
    if (!ok) return std::vector<Package>();
    w.reserve(writable.front().offset + k_scan_chunk + k_header_size);
  }
  std::optional<uint64_t> at;
  for (const auto& seg : writable) {
    IG_ASSIGN(at, find_magic(w, seg, retain));
    if (at) break;
  }
  if (!at) return std::vector<Package>();
  IG_ASSIGN(bool ok, w.ensure(*at + k_header_size));
  if (!ok) return fail(ErrorCode::invalid_image, "{}: truncated Go build info", path);
  std::string_view hdr = w.view(*at, k_header_size);
  auto ptr_size = static_cast<size_t>(static_cast<uint8_t>(hdr[14]));
  auto flags = static_cast<uint8_t>(hdr[15]);
  std::string version, modinfo;
  if (flags & 2) {
    auto strs = read_inline(w, *at + k_header_size);
    if (!strs) return fail(strs.error().with_context(std::string(path)));
    version = std::move(strs->first);
    modinfo = std::move(strs->second);
  } else {
    if (ptr_size != 4 && ptr_size != 8) return fail(ErrorCode::invalid_image, "{}: bad Go build info pointer size", path);
    bool little = (flags & 1) == 0;
    ElfFile e = elf;
    e.little = little;
    uint64_t vptr = e.uint_at(hdr, 16, ptr_size);
    uint64_t mptr = e.uint_at(hdr, 16 + ptr_size, ptr_size);
    auto v = read_go_string(w, elf, vptr, ptr_size, little);
    if (!v) return fail(v.error().with_context(std::string(path)));
    auto m = read_go_string(w, elf, mptr, ptr_size, little);
    if (!m) return fail(m.error().with_context(std::string(path)));
    version = std::move(*v);
    modinfo = std::move(*m);
  }
  return parse_go_modinfo(version, strip_sentinels(std::move(modinfo)), path);
}

std::unique_ptr<image::Analyzer> make_golang_analyzer() { return std::make_unique<GolangAnalyzer>(); }

}  // namespace ig::inventory::lang
