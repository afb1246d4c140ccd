// dpkg database parsing: one pass over each file with string_views, no regex.
#include "inventory/dpkg.h"

#include <charconv>

#include "inventory/analyzers.h"

namespace ig::inventory {
namespace {

constexpr uint64_t k_max_status = 256ull << 20;
constexpr uint64_t k_max_list = 64ull << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Pops the next line (without its '\n') from `text`.
std::string_view next_line(std::string_view& text) {
  auto nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  return line;
}

// The fields of one stanza that we keep.
struct Stanza {
  std::string_view package, status, version, arch, maintainer, installed_size, source;
  bool has_status = false;
  bool any = false;
};

bool status_installed(std::string_view status) {
  // "want flag status": the third word says whether the files are on disk.
  auto last = status.rfind(' ');
  return last != std::string_view::npos && trim(status.substr(last + 1)) == "installed";
}

void finish(const Stanza& s, bool status_required, std::vector<Package>& out) {
  if (!s.any || s.package.empty() || s.version.empty()) return;
  if (s.has_status ? !status_installed(s.status) : status_required) return;
  Package p;
  p.ecosystem = "deb";
  p.name = std::string(s.package);
  p.version = std::string(s.version);
  p.arch = std::string(s.arch);
  p.maintainer = std::string(s.maintainer);
  uint64_t kib = 0;
  auto r = std::from_chars(s.installed_size.data(), s.installed_size.data() + s.installed_size.size(), kib);
  if (r.ec == std::errc() && kib < (uint64_t{1} << 50)) p.installed_size = kib * 1024;
  if (s.source.empty()) {
    p.source_name = p.name;
    p.source_version = p.version;
  } else {
    auto paren = s.source.find('(');
    p.source_name = std::string(trim(s.source.substr(0, paren)));
    if (paren != std::string_view::npos) {
      auto close = s.source.find(')', paren);
      p.source_version = std::string(trim(s.source.substr(paren + 1, close == std::string_view::npos
                                                                              ? std::string_view::npos
                                                                              : close - paren - 1)));
    }
    if (p.source_version.empty()) p.source_version = p.version;
    if (p.source_name.empty()) p.source_name = p.name;
  }
  out.push_back(std::move(p));
}

// "var/lib/dpkg/info/libssl3:amd64.list" -> ("libssl3", "amd64").
std::pair<std::string, std::string> list_owner(std::string_view path, std::string_view suffix) {
  auto slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (base.ends_with(suffix)) base.remove_suffix(suffix.size());
  auto colon = base.find(':');
  if (colon == std::string_view::npos) return {std::string(base), ""};
  return {std::string(base.substr(0, colon)), std::string(base.substr(colon + 1))};
}

void push_path(std::string_view p, std::vector<std::string>& out) {
  p = trim(p);
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  if (p.empty() || p == ".") return;
  out.emplace_back(p);
}

}  // namespace

std::vector<Package> parse_dpkg_status(std::string_view text, bool status_required) {
  std::vector<Package> out;
  Stanza cur;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      finish(cur, status_required, out);
      cur = Stanza{};
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t' || line.front() == '#') continue;  // continuation, comment
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    cur.any = true;
    if (iequals(key, "Package")) {
      cur.package = value;
    } else if (iequals(key, "Status")) {
      cur.status = value;
      cur.has_status = true;
    } else if (iequals(key, "Version")) {
      cur.version = value;
    } else if (iequals(key, "Architecture")) {
      cur.arch = value;
    } else if (iequals(key, "Maintainer")) {
      cur.maintainer = value;
    } else if (iequals(key, "Installed-Size")) {
      cur.installed_size = value;
    } else if (iequals(key, "Source")) {
      cur.source = value;
    }
  }
  finish(cur, status_required, out);
  return out;
}

std::vector<std::string> parse_dpkg_file_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) push_path(next_line(text), out);
  return out;
}

std::vector<std::string> parse_dpkg_md5sums(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    std::string_view line = trim(next_line(text));
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    push_path(line.substr(sp + 1), out);
  }
  return out;
}

std::unique_ptr<image::Analyzer> make_dpkg_analyzer() {
  image::FileSelector sel;
  sel.exact = {"var/lib/dpkg/status"};
  sel.globs = {"var/lib/dpkg/status.d/*"};
  sel.max_size = k_max_status;
  return std::make_unique<FunctionAnalyzer>(
      std::string(k_dpkg_analyzer), 1, std::move(sel),
      [](const image::FileMeta& meta, image::FileReader& in) -> Result<nlohmann::json> {
        IG_ASSIGN(std::string text, in.read_all(k_max_status));
        nlohmann::json j;
        if (meta.path.ends_with(".md5sums")) {
          j["package"] = list_owner(meta.path, ".md5sums").first;
          j["files"] = parse_dpkg_md5sums(text);
          return j;
        }
        bool status_d = meta.path != "var/lib/dpkg/status";
        j["packages"] = parse_dpkg_status(text, !status_d);
        return j;
      });
}

std::unique_ptr<image::Analyzer> make_dpkg_files_analyzer() {
  image::FileSelector sel;
  sel.globs = {"var/lib/dpkg/info/*.list"};
  sel.max_size = k_max_list;
  return std::make_unique<FunctionAnalyzer>(
      std::string(k_dpkg_files_analyzer), 1, std::move(sel),
      [](const image::FileMeta& meta, image::FileReader& in) -> Result<nlohmann::json> {
        IG_ASSIGN(std::string text, in.read_all(k_max_list));
        auto [name, arch] = list_owner(meta.path, ".list");
        nlohmann::json j;
        j["package"] = name;
        j["arch"] = arch;
        j["files"] = parse_dpkg_file_list(text);
        return j;
      });
}

}  // namespace ig::inventory
