// OS detection from os-release and the distribution-specific release files.
#include "inventory/os_release.h"

#include <array>

#include "inventory/analyzers.h"

namespace ig::inventory {
namespace {

constexpr uint64_t k_max_release_file = 64 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string first_line(std::string_view text) {
  auto nl = text.find('\n');
  return std::string(trim(text.substr(0, nl)));
}

// Unquotes an os-release value: "..." and '...' with backslash escapes inside
// double quotes, as the shell would.
std::string unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    char q = v.front();
    v = v.substr(1, v.size() - 2);
    std::string out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      if (q == '"' && v[i] == '\\' && i + 1 < v.size()) ++i;
      out.push_back(v[i]);
    }
    return out;
  }
  return std::string(v);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::map<std::string, std::string> parse_os_release_fields(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out[std::string(trim(line.substr(0, eq)))] = unquote(trim(line.substr(eq + 1)));
  }
  return out;
}

OsInfo os_from_os_release(std::string_view text) {
  auto f = parse_os_release_fields(text);
  OsInfo os;
  auto get = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  os.id = get("ID");
  for (char& c : os.id) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  os.version_id = get("VERSION_ID");
  os.codename = get("VERSION_CODENAME");
  os.pretty_name = get("PRETTY_NAME");
  os.id_like = get("ID_LIKE");
  os.distroless = os.pretty_name.rfind("Distroless", 0) == 0;
  return os;
}

OsInfo os_from_alpine_release(std::string_view text) {
  OsInfo os;
  std::string v = first_line(text);
  if (v.empty() || !is_digit(v.front())) return os;
  os.id = "alpine";
  os.version_id = v;
  os.pretty_name = "Alpine Linux v" + v;
  return os;
}

OsInfo os_from_debian_version(std::string_view text) {
  OsInfo os;
  std::string v = first_line(text);
  if (v.empty()) return os;
  os.id = "debian";
  if (is_digit(v.front())) {
    // os-release says "12" where debian_version says "12.4": keep the major,
    // which is what Debian's advisories are keyed by.
    auto dot = v.find('.');
    os.version_id = v.substr(0, dot);
  } else {
    os.codename = v;  // "trixie/sid": a testing or unstable system
  }
  os.pretty_name = "Debian GNU/Linux " + v;
  return os;
}

OsInfo os_from_redhat_release(std::string_view text) {
  struct Known {
    std::string_view prefix;
    std::string_view id;
  };
  static constexpr std::array<Known, 8> known{{
      {"Red Hat Enterprise Linux", "rhel"},
      {"CentOS Stream", "centos"},
      {"CentOS Linux", "centos"},
      {"CentOS", "centos"},
      {"Fedora", "fedora"},
      {"Rocky Linux", "rocky"},
      {"AlmaLinux", "almalinux"},
      {"Oracle Linux", "ol"},
  }};
  OsInfo os;
  std::string line = first_line(text);
  for (const auto& k : known) {
    if (line.rfind(k.prefix, 0) != 0) continue;
    auto rel = line.find(" release ");
    if (rel == std::string::npos) return os;
    std::string_view rest = std::string_view(line).substr(rel + 9);
    auto sp = rest.find(' ');
    std::string_view ver = rest.substr(0, sp);
    if (ver.empty() || !is_digit(ver.front())) return os;
    os.id = std::string(k.id);
    os.version_id = std::string(ver);
    os.pretty_name = line;
    return os;
  }
  return os;
}

OsInfo os_from_file(std::string_view path, std::string_view text) {
  if (path.ends_with("os-release")) return os_from_os_release(text);
  if (path == "etc/alpine-release") return os_from_alpine_release(text);
  if (path == "etc/debian_version") return os_from_debian_version(text);
  if (path.ends_with("-release")) return os_from_redhat_release(text);
  return {};
}

std::unique_ptr<image::Analyzer> make_os_release_analyzer() {
  image::FileSelector sel;
  sel.exact = {"etc/os-release",     "usr/lib/os-release", "etc/alpine-release", "etc/debian_version",
               "etc/redhat-release", "etc/centos-release", "etc/fedora-release", "etc/rocky-release",
               "etc/almalinux-release", "etc/oracle-release"};
  sel.max_size = k_max_release_file;
  return std::make_unique<FunctionAnalyzer>(
      std::string(k_os_release_analyzer), 1, std::move(sel),
      [](const image::FileMeta& meta, image::FileReader& in) -> Result<nlohmann::json> {
        IG_ASSIGN(std::string text, in.read_all(k_max_release_file));
        OsInfo os = os_from_file(meta.path, text);
        nlohmann::json j;
        j["os"] = os;
        return j;
      });
}

namespace {

// The parsed OsInfo stored for the file `path` resolves to, if any.
bool lookup_os(const image::ImageAnalysis& a, const std::vector<image::FileResult>& results, std::string_view path,
               OsInfo& out) {
  std::string real = image::resolve_in_image(a, path);
  for (const auto& r : results) {
    if (r.path != real) continue;
    auto it = r.result.find("os");
    if (it == r.result.end()) return false;
    try {
      out = it->get<OsInfo>();
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return true;
  }
  return false;
}

bool has_dpkg_status_d(const image::ImageAnalysis& a) {
  auto it = a.results.find(std::string(k_dpkg_analyzer));
  if (it == a.results.end()) return false;
  for (const auto& r : it->second) {
    if (r.path.rfind("var/lib/dpkg/status.d/", 0) == 0) return true;
  }
  return false;
}

}  // namespace

OsInfo detect_os(const image::ImageAnalysis& analysis) {
  OsInfo os;
  auto it = analysis.results.find(std::string(k_os_release_analyzer));
  bool found_file = false;
  if (it != analysis.results.end()) {
    static constexpr std::array<std::string_view, 9> order{
        "etc/os-release",     "usr/lib/os-release", "etc/alpine-release", "etc/redhat-release",
        "etc/centos-release", "etc/fedora-release", "etc/rocky-release",  "etc/almalinux-release",
        "etc/debian_version"};
    for (auto path : order) {
      OsInfo candidate;
      if (!lookup_os(analysis, it->second, path, candidate)) continue;
      found_file = true;
      if (candidate.known() || candidate.distroless) {
        os = std::move(candidate);
        break;
      }
    }
  }
  if (!found_file && has_dpkg_status_d(analysis)) {
    os.distroless = true;
    os.pretty_name = "Distroless";
  }
  return os;
}

}  // namespace ig::inventory
