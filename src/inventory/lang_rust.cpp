// Rust catalogers; see lang_rust.h.
#include "inventory/lang_rust.h"

#include <isa-l/igzip_lib.h>

#include "inventory/lang_common.h"
#include "inventory/lang_elf.h"
#include "inventory/purl.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_lock = 16ull << 20;
constexpr uint64_t k_max_binary = 512ull << 20;
constexpr uint64_t k_max_dep_json = 16ull << 20;
constexpr uint64_t k_max_dep_section = 4ull << 20;
// What is kept of an ELF file's unmapped tail (see parse_rust_elf): its start,
// where linkers put .comment and then orphan sections such as .dep-v0, and
// its end, where the section headers and their name table are.
constexpr uint64_t k_max_tail_head = 8ull << 20;
constexpr uint64_t k_max_tail_end = 16ull << 20;
constexpr uint64_t k_max_window = k_max_tail_head + k_max_tail_end + (1ull << 20);

// The value of a TOML basic string `"..."` (escapes \" and \\ only; others kept).
std::string toml_string(std::string_view v) {
  v = trim(v);
  if (v.size() < 2 || v.front() != '"') return {};
  std::string out;
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '"') return out;
    if (c == '\\' && i + 1 < v.size()) c = v[++i];
    out.push_back(c);
  }
  return {};  // unterminated
}

void finish_package(Package& p, std::vector<Package>& out) {
  if (!p.name.empty() && !p.version.empty()) {
    p.purl = package_purl(p);
    out.push_back(std::move(p));
  }
  p = Package();
}

class CargoLockAnalyzer final : public image::Analyzer {
 public:
  CargoLockAnalyzer() {
    sel_.exact = {"Cargo.lock"};
    sel_.globs = {"*/Cargo.lock"};
    sel_.max_size = k_max_lock;
  }
  std::string_view name() const override { return "cargo-lock"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(std::string content, read_bounded(in, k_max_lock, meta.path));
    IG_ASSIGN(auto pkgs, parse_cargo_lock(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

class RustBinaryAnalyzer final : public image::Analyzer {
 public:
  RustBinaryAnalyzer() {
    sel_.magic = {"\x7f" "ELF"};
    sel_.max_size = k_max_binary;
    // Like Trivy, only executables: shared libraries (most ELF bytes in an
    // image) are neither Go programs nor cargo-auditable binaries in practice.
    sel_.executable_only_for_magic = true;
  }
  std::string_view name() const override { return "rust-binary"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(auto pkgs, parse_rust_binary(in, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_cargo_lock(std::string_view content, std::string_view path) {
  std::vector<Package> out;
  Package cur;
  bool in_package = false;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = trim(content.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      if (in_package) finish_package(cur, out);
      in_package = line == "[[package]]";
      if (in_package) {
        cur.ecosystem = "cargo";
        cur.locations.emplace_back(path);
      }
      continue;
    }
    if (!in_package) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = line.substr(eq + 1);
    if (key == "name") {
      cur.name = toml_string(value);
    } else if (key == "version") {
      cur.version = toml_string(value);
    } else if (key == "source") {
      std::string src = toml_string(value);
      if (!src.empty()) cur.extra["source"] = src;
    } else if (key == "checksum") {
      std::string sum = toml_string(value);
      if (!sum.empty()) cur.extra["checksum"] = sum;
    }
  }
  if (in_package) finish_package(cur, out);
  return out;
}

Result<std::vector<Package>> parse_cargo_auditable_json(std::string_view json, std::string_view path) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("packages") || !doc["packages"].is_array()) {
    return fail(ErrorCode::invalid_image, "{}: the .dep-v0 section is not cargo-auditable JSON", path);
  }
  std::vector<Package> out;
  for (const auto& e : doc["packages"]) {
    if (!e.is_object()) continue;
    auto str = [&](const char* k) {
      auto it = e.find(k);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string name = str("name"), version = str("version");
    if (name.empty() || version.empty()) continue;
    Package p = make_package("cargo", name, version, path);
    if (std::string s = str("source"); !s.empty()) p.extra["source"] = s;
    if (std::string k = str("kind"); !k.empty()) p.extra["kind"] = k;
    if (auto it = e.find("root"); it != e.end() && it->is_boolean() && it->get<bool>()) p.extra["root"] = true;
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string> zlib_inflate(std::string_view compressed, uint64_t max_out) {
  auto state = std::make_unique<inflate_state>();
  isal_inflate_init(state.get());
  state->crc_flag = ISAL_ZLIB;
  state->next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(compressed.data()));
  state->avail_in = static_cast<uint32_t>(compressed.size());
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    state->next_out = reinterpret_cast<uint8_t*>(buf);
    state->avail_out = sizeof(buf);
    int rc = isal_inflate(state.get());
    if (rc != ISAL_DECOMP_OK) return fail(ErrorCode::invalid_image, "corrupt zlib data (ISA-L error {})", rc);
    size_t produced = sizeof(buf) - state->avail_out;
    if (out.size() + produced > max_out) {
      return fail(ErrorCode::invalid_image, "zlib data inflates to more than {} bytes", max_out);
    }
    out.append(buf, produced);
    if (state->block_state == ISAL_BLOCK_FINISH) return out;
    if (produced == 0 && state->avail_in == 0) return fail(ErrorCode::invalid_image, "truncated zlib data");
  }
}

Result<std::vector<Package>> parse_rust_elf(StreamWindow& w, const ElfFile& elf, std::string_view path) {
  uint64_t table_end = elf.section_table_end();
  if (table_end == 0) return std::vector<Package>();
  // cargo-auditable gives .dep-v0 no SHF_ALLOC flag, so no segment maps it and
  // linkers place it after every mapped byte, with the symbol tables and debug
  // info, before the section headers at the end. The stream cannot seek back
  // to it once the headers say where it is, so only that unmapped tail is
  // kept, and of a large (unstripped) tail only its two ends.
  uint64_t tail = std::max(std::min(elf.mapped_end(), elf.shoff), w.base());
  if (tail > elf.shoff) return fail(ErrorCode::invalid_image, "{}: ELF section headers overlap data already read", path);
  auto truncated = [&] { return fail(ErrorCode::invalid_image, "{}: truncated ELF section headers", path); };
  IG_ASSIGN(bool ok, w.drop_before(tail));
  if (!ok) return truncated();
  std::string head;
  if (table_end - tail > k_max_tail_head + k_max_tail_end) {
    IG_ASSIGN(ok, w.ensure(tail + k_max_tail_head));
    if (!ok) return truncated();
    head = std::string(w.view(tail, k_max_tail_head));
    IG_ASSIGN(ok, w.drop_before(table_end - k_max_tail_end));
    if (!ok) return truncated();
  }
  IG_ASSIGN(ok, w.ensure(table_end));
  if (!ok) return truncated();
  ElfBytes bytes = [&](uint64_t off, uint64_t len) -> std::optional<std::string_view> {
    if (w.holds(off, len)) return w.view(off, len);
    if (off >= tail && len <= head.size() && off - tail <= head.size() - len) {
      return std::string_view(head).substr(static_cast<size_t>(off - tail), static_cast<size_t>(len));
    }
    return std::nullopt;
  };
  IG_ASSIGN(auto sections, read_elf_sections(bytes, elf, path));
  for (const auto& s : sections) {
    if (s.name != ".dep-v0") continue;
    if (s.size > k_max_dep_section) return fail(ErrorCode::invalid_image, "{}: .dep-v0 section too large", path);
    auto data = bytes(s.offset, s.size);
    if (!data) {
      return fail(ErrorCode::invalid_image,
                  "{}: .dep-v0 lies outside the first {} MiB and last {} MiB of the unmapped tail that are read",
                  path, k_max_tail_head >> 20, k_max_tail_end >> 20);
    }
    auto json = zlib_inflate(*data, k_max_dep_json);
    if (!json) return fail(json.error().with_context(std::string(path) + ": .dep-v0"));
    return parse_cargo_auditable_json(*json, path);
  }
  return std::vector<Package>();
}

Result<std::vector<Package>> parse_rust_binary(image::FileReader& in, std::string_view path) {
  StreamWindow w(in, k_max_window);
  IG_ASSIGN(ElfFile elf, read_elf_headers(w, path));
  IG_ASSIGN(bool go, has_go_note(w, elf));
  if (go) return std::vector<Package>();
  return parse_rust_elf(w, elf, path);
}

std::unique_ptr<image::Analyzer> make_cargo_lock_analyzer() { return std::make_unique<CargoLockAnalyzer>(); }
std::unique_ptr<image::Analyzer> make_rust_binary_analyzer() { return std::make_unique<RustBinaryAnalyzer>(); }

}  // namespace ig::inventory::lang
