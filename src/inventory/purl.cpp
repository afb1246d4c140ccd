// Package URL construction; see purl.h for the rules followed.
#include "inventory/purl.h"

#include <algorithm>

namespace ig::inventory {
namespace {

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '~' || c == ':';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits "a/b/c" into ("a/b", "c"); no slash gives ("", s).
std::pair<std::string, std::string> split_last_slash(std::string_view s) {
  auto pos = s.rfind('/');
  if (pos == std::string_view::npos) return {"", std::string(s)};
  return {std::string(s.substr(0, pos)), std::string(s.substr(pos + 1))};
}

void add_os_qualifiers(const Package& p, const OsInfo& os, Purl& u) {
  if (!p.arch.empty()) u.qualifiers.emplace_back("arch", p.arch);
  u.qualifiers.emplace_back("distro", purl_distro(os));
  if (!p.source_name.empty() && p.source_name != p.name) u.qualifiers.emplace_back("upstream", p.source_name);
}

}  // namespace

std::string purl_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
    }
  }
  return out;
}

std::string Purl::str() const {
  std::string out = "pkg:";
  out += lower(type);
  out += '/';
  std::string_view rest = ns;
  while (!rest.empty()) {
    auto pos = rest.find('/');
    auto seg = rest.substr(0, pos);
    if (!seg.empty()) {
      out += purl_encode(seg);
      out += '/';
    }
    if (pos == std::string_view::npos) break;
    rest.remove_prefix(pos + 1);
  }
  out += purl_encode(name);
  if (!version.empty()) {
    out += '@';
    out += purl_encode(version);
  }
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : qualifiers) {
    if (!v.empty()) q.emplace_back(lower(k), v);
  }
  std::stable_sort(q.begin(), q.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < q.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += q[i].first;
    out += '=';
    out += purl_encode(q[i].second);
  }
  if (!subpath.empty()) {
    char sep = '#';
    std::string_view sp = subpath;
    while (!sp.empty()) {
      auto pos = sp.find('/');
      auto seg = sp.substr(0, pos);
      if (!seg.empty() && seg != "." && seg != "..") {
        out += sep;
        out += purl_encode(seg);
        sep = '/';
      }
      if (pos == std::string_view::npos) break;
      sp.remove_prefix(pos + 1);
    }
  }
  return out;
}

std::string purl_distro(const OsInfo& os) {
  if (!os.known()) return "";
  if (os.id == "alpine") return os.version_id;
  // Amazon Linux's os-release says ID=amzn; advisories and peers name the
  // release amazonlinux-2 / amazonlinux-2023.
  if (os.id == "amzn" && !os.version_id.empty()) return "amazonlinux-" + os.version_id;
  std::string v = !os.version_id.empty() ? os.version_id : os.codename;
  if (v.empty()) return os.id;
  return os.id + "-" + v;
}

std::string purl_os_namespace(const OsInfo& os) {
  if (!os.known()) return "";
  if (os.id == "rhel") return "redhat";
  return os.id;
}

std::string package_purl(const Package& p, const OsInfo& os) {
  Purl u;
  const std::string& eco = p.ecosystem;
  u.version = p.version;
  if (eco == "deb" || eco == "apk") {
    u.type = eco;
    u.ns = purl_os_namespace(os);
    u.name = p.name;
    add_os_qualifiers(p, os, u);
  } else if (eco == "rpm") {
    u.type = "rpm";
    u.ns = purl_os_namespace(os);
    u.name = p.name;
    auto colon = p.version.find(':');
    if (colon != std::string::npos) {
      u.qualifiers.emplace_back("epoch", p.version.substr(0, colon));
      u.version = p.version.substr(colon + 1);
    }
    if (!p.arch.empty()) u.qualifiers.emplace_back("arch", p.arch);
    u.qualifiers.emplace_back("distro", purl_distro(os));
  } else if (eco == "npm") {
    u.type = "npm";
    if (!p.name.empty() && p.name[0] == '@') {
      std::tie(u.ns, u.name) = split_last_slash(p.name);
    } else {
      u.name = p.name;
    }
  } else if (eco == "pypi") {
    u.type = "pypi";
    u.name = lower(p.name);
    std::replace(u.name.begin(), u.name.end(), '_', '-');
  } else if (eco == "golang") {
    u.type = "golang";
    std::tie(u.ns, u.name) = split_last_slash(p.name);
  } else if (eco == "maven") {
    u.type = "maven";
    auto colon = p.name.find(':');
    if (colon != std::string::npos) {
      u.ns = p.name.substr(0, colon);
      u.name = p.name.substr(colon + 1);
    } else {
      u.name = p.name;
    }
  } else if (eco == "composer") {
    u.type = "composer";
    std::tie(u.ns, u.name) = split_last_slash(p.name);
  } else if (eco == "gem" || eco == "cargo" || eco == "nuget") {
    u.type = eco;
    u.name = p.name;
  } else {
    return "";
  }
  if (u.name.empty()) return "";
  return u.str();
}

}  // namespace ig::inventory
