#include "vulndb/import_updateinfo.h"

#include <expat.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <set>
#include <type_traits>

#include "util/log.h"
#include "vulndb/importer.h"

namespace ig::vulndb {

namespace {

constexpr uint64_t k_max_updateinfo_file = 1ull << 30;  // AL2's is ~100 MiB uncompressed
constexpr size_t k_max_text = 64 << 10;                 // per text field kept
constexpr int k_max_depth = 32;                         // updateinfo nests 6 deep

struct Pkg {
  std::string name, epoch, version, release, arch;
};

struct Update {
  std::string id, title, severity, description, issued, updated;
  std::vector<std::string> cves;
  std::vector<Reference> refs;
  std::vector<Pkg> packages;
};

// "2024-01-03 00:00:00" → "2024-01-03T00:00:00Z"; other spellings are kept.
std::string rfc3339(std::string d) {
  if (d.size() == 19 && d[10] == ' ') return d.replace(10, 1, "T") + "Z";
  if (d.size() == 10 && d[4] == '-' && d[7] == '-') return d + "T00:00:00Z";
  return d;
}

std::string evr(const Pkg& p) {
  std::string out = !p.epoch.empty() && p.epoch != "0" ? p.epoch + ":" : "";
  out += p.version;
  if (!p.release.empty()) out += "-" + p.release;
  return out;
}

// Expat callbacks' state. Text is collected only for the few fields kept.
struct Parser {
  XML_Parser xml = nullptr;
  std::string_view name;
  int64_t* skipped = nullptr;
  UpdateinfoDocument doc;
  std::vector<std::string> stack;
  std::optional<Update> cur;
  std::string* text = nullptr;  // field receiving character data
  std::string error;            // set by a callback that stops the parse

  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(xml, XML_FALSE);
  }

  static std::string attr(const XML_Char** atts, const char* key) {
    for (int i = 0; atts[i]; i += 2) {
      if (std::strcmp(atts[i], key) == 0) return atts[i + 1];
    }
    return {};
  }

  void start(const char* el, const XML_Char** atts) {
    if (static_cast<int>(stack.size()) >= k_max_depth) return stop(fmt::format("nested deeper than {} levels", k_max_depth));
    std::string_view e = el;
    if (stack.empty() && e != "updates") return stop(fmt::format("root element is <{}>, not <updates>", e));
    stack.emplace_back(el);
    if (stack.size() == 2 && e == "update") {
      cur.emplace();
      return;
    }
    if (!cur) return;
    if (stack.size() == 3) {
      if (e == "id") text = &cur->id;
      else if (e == "title") text = &cur->title;
      else if (e == "severity") text = &cur->severity;
      else if (e == "description") text = &cur->description;
      else if (e == "issued") cur->issued = attr(atts, "date");
      else if (e == "updated") cur->updated = attr(atts, "date");
    } else if (e == "reference") {
      std::string id = attr(atts, "id"), type = attr(atts, "type"), href = attr(atts, "href");
      if (!href.empty()) cur->refs.push_back({href, type == "cve" ? "ADVISORY" : "WEB"});
      if ((type == "cve" || id.starts_with("CVE-")) && id.starts_with("CVE-")) cur->cves.push_back(id);
    } else if (e == "package") {
      cur->packages.push_back(
          {attr(atts, "name"), attr(atts, "epoch"), attr(atts, "version"), attr(atts, "release"), attr(atts, "arch")});
    }
  }

  void end() {
    if (stack.size() == 2 && cur) finish_update();
    if (!stack.empty()) stack.pop_back();
    text = nullptr;
  }

  void chars(const XML_Char* s, int len) {
    if (text && text->size() + static_cast<size_t>(len) <= k_max_text) text->append(s, static_cast<size_t>(len));
  }

  static std::string trim(std::string s) {
    size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
  }

  void finish_update() {
    Update u = std::move(*cur);
    cur.reset();
    u.id = trim(u.id);
    if (u.id.empty()) {
      log::warn("{}: skipping an update without an <id> (line {})", name, XML_GetCurrentLineNumber(xml));
      ++*skipped;
      return;
    }
    doc.update_ids.push_back(u.id);
    // One record per binary package name; the source rpm (arch src) is not
    // what gets installed.
    std::vector<std::pair<std::string, std::string>> fixes;  // name, epoch:version-release
    std::set<std::string> names;
    for (const auto& p : u.packages) {
      if (p.arch == "src" || p.name.empty() || p.version.empty()) continue;
      if (names.insert(p.name).second) fixes.emplace_back(p.name, evr(p));
    }
    if (fixes.empty()) {
      log::warn("{}: skipping {}: it lists no binary packages", name, u.id);
      ++*skipped;
      return;
    }
    std::set<std::string> seen;
    std::vector<std::string> ids;
    for (const auto& c : u.cves) {
      if (seen.insert(c).second) ids.push_back(c);
    }
    if (ids.empty()) ids.push_back(u.id);
    std::string severity = trim(u.severity);
    for (const auto& id : ids) {
      Advisory a;
      a.vuln.id = id;
      if (id == u.id) {
        a.vuln.summary = trim(u.title);
        a.vuln.details = trim(u.description);
        a.vuln.published = rfc3339(trim(u.issued));
        a.vuln.modified = rfc3339(trim(u.updated.empty() ? u.issued : u.updated));
      } else {
        // A CVE's own details come from the feeds about it; the update is
        // how this distro fixed it.
        a.vuln.aliases.push_back(u.id);
      }
      a.vuln.references = u.refs;
      if (!a.vuln.references.empty()) a.vuln.primary_url = a.vuln.references.front().url;
      for (const auto& [pkg, fixed] : fixes) {
        AffectedRecord r;
        r.vuln_id = id;
        r.ecosystem = "rpm";
        r.package = normalize_package_name("rpm", pkg);
        r.version_type = "rpm";
        r.status = FixStatus::fixed;
        r.ranges.push_back({"ECOSYSTEM", {{RangeEvent::Kind::introduced, "0"}, {RangeEvent::Kind::fixed, fixed}}});
        r.fixed_versions.push_back(fixed);
        r.severity = severity;
        r.source_ecosystem = u.id;
        a.affected.push_back(std::move(r));
      }
      doc.advisories.push_back(std::move(a));
    }
  }
};

// Untrusted input may not declare a DTD: that is where entity expansion
// (billion laughs) and external entities live, and updateinfo never has one.
void XMLCALL on_doctype(void* p, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<Parser*>(p)->stop("a DOCTYPE declaration (not allowed in updateinfo)");
}
void XMLCALL on_entity(void* p, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                       const XML_Char*, const XML_Char*) {
  static_cast<Parser*>(p)->stop("an entity declaration (not allowed in updateinfo)");
}

}  // namespace

Result<std::string> parse_updateinfo_distro(std::string_view s) {
  auto colon = s.find(':');
  bool ok = colon != std::string_view::npos && colon > 0 && colon + 1 < s.size();
  for (size_t i = 0; ok && i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (i < colon) ok = std::islower(c) || std::isdigit(c) || c == '-';
    else if (i > colon) ok = std::isdigit(c) || c == '.';
  }
  if (!ok) {
    return fail(ErrorCode::usage,
                "--distro '{}' is not NAME:RELEASE: use for example amazonlinux:2 or amazonlinux:2023", s);
  }
  return std::string(s);
}

std::optional<std::string> updateinfo_distro_from_ids(const std::vector<std::string>& ids) {
  std::optional<std::string> out;
  for (const auto& id : ids) {
    std::string d;
    if (id.starts_with("ALAS2023-")) d = "amazonlinux:2023";
    else if (id.starts_with("ALAS2") && id.size() > 5 && !std::isdigit(static_cast<unsigned char>(id[5]))) d = "amazonlinux:2";
    else return std::nullopt;
    if (out && *out != d) return std::nullopt;
    out = d;
  }
  return out;
}

Result<UpdateinfoDocument> parse_updateinfo(std::string_view xml, std::string_view name, int64_t* skipped) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> holder(XML_ParserCreate("UTF-8"),
                                                                                       XML_ParserFree);
  if (!holder) return fail(ErrorCode::internal, "cannot create an XML parser");
  Parser p;
  p.xml = holder.get();
  p.name = name;
  p.skipped = skipped;
  XML_SetUserData(p.xml, &p);
  XML_SetElementHandler(
      p.xml, [](void* u, const XML_Char* el, const XML_Char** atts) { static_cast<Parser*>(u)->start(el, atts); },
      [](void* u, const XML_Char*) { static_cast<Parser*>(u)->end(); });
  XML_SetCharacterDataHandler(p.xml,
                              [](void* u, const XML_Char* s, int len) { static_cast<Parser*>(u)->chars(s, len); });
  XML_SetStartDoctypeDeclHandler(p.xml, on_doctype);
  XML_SetEntityDeclHandler(p.xml, on_entity);
  // Fed in slices: XML_Parse takes an int length.
  constexpr size_t k_slice = 1 << 20;
  size_t off = 0;
  do {
    size_t n = std::min(k_slice, xml.size() - off);
    bool last = off + n == xml.size();
    if (XML_Parse(p.xml, xml.data() + off, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
      std::string why = p.error.empty() ? XML_ErrorString(XML_GetErrorCode(p.xml)) : p.error;
      return fail(ErrorCode::invalid_image, "{}: not an rpm-md updateinfo document: line {}: {}", name,
                  XML_GetCurrentLineNumber(p.xml), why);
    }
    off += n;
  } while (off < xml.size());
  return std::move(p.doc);
}

Result<ImportStats> import_updateinfo(ImportSession& session, const std::filesystem::path& path,
                                      std::string_view distro) {
  IG_ASSIGN(auto text, read_source_text(path, k_max_updateinfo_file));
  ImportStats stats;
  IG_ASSIGN(auto doc, parse_updateinfo(text, path.string(), &stats.skipped));
  std::string release(distro);
  if (release.empty()) {
    auto inferred = updateinfo_distro_from_ids(doc.update_ids);
    if (!inferred) {
      return fail(ErrorCode::usage,
                  "{}: cannot tell which release these advisories are for: pass --distro NAME:RELEASE "
                  "(for example --distro amazonlinux:2023)",
                  path.string());
    }
    release = *inferred;
  }
  for (auto& a : doc.advisories) {
    for (auto& r : a.affected) r.distro_release = release;
    IG_TRY(session.add(a));
    ++stats.records;
  }
  return stats;
}

std::string mirror_list_first_url(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (line.starts_with("https://") || line.starts_with("http://") || line.starts_with("file://")) {
      while (line.size() > 8 && line.back() == '/') line.remove_suffix(1);
      return std::string(line);
    }
  }
  return "";
}

namespace {

struct RepomdParser {
  XML_Parser xml = nullptr;
  std::string_view want;
  bool in_data = false;
  std::string href, error;
  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(xml, XML_FALSE);
  }
};

}  // namespace

Result<std::string> repomd_location(std::string_view xml, std::string_view type, std::string_view name) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> holder(XML_ParserCreate("UTF-8"),
                                                                                       XML_ParserFree);
  if (!holder) return fail(ErrorCode::internal, "cannot create an XML parser");
  constexpr size_t k_max_repomd = 16u << 20;
  if (xml.size() > k_max_repomd) return fail(ErrorCode::invalid_image, "{}: larger than 16 MiB, not a repomd.xml", name);
  RepomdParser p;
  p.xml = holder.get();
  p.want = type;
  XML_SetUserData(p.xml, &p);
  XML_SetElementHandler(
      p.xml,
      [](void* u, const XML_Char* el, const XML_Char** atts) {
        auto& q = *static_cast<RepomdParser*>(u);
        std::string_view e(el);
        auto attr = [&](std::string_view key) {
          for (int i = 0; atts[i] && atts[i + 1]; i += 2) {
            if (key == atts[i]) return std::string(atts[i + 1]);
          }
          return std::string();
        };
        if (e == "data" || e.ends_with(":data")) q.in_data = attr("type") == q.want;
        if (q.in_data && q.href.empty() && (e == "location" || e.ends_with(":location"))) q.href = attr("href");
      },
      [](void* u, const XML_Char* el) {
        std::string_view e(el);
        if (e == "data" || e.ends_with(":data")) static_cast<RepomdParser*>(u)->in_data = false;
      });
  XML_SetStartDoctypeDeclHandler(p.xml, [](void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<RepomdParser*>(u)->stop("a DOCTYPE declaration (not allowed in repomd.xml)");
  });
  if (XML_Parse(p.xml, xml.data(), static_cast<int>(xml.size()), XML_TRUE) == XML_STATUS_ERROR || !p.error.empty()) {
    return fail(ErrorCode::invalid_image, "{}: not a readable repomd.xml: {} (line {})", name,
                p.error.empty() ? XML_ErrorString(XML_GetErrorCode(p.xml)) : p.error.c_str(),
                XML_GetCurrentLineNumber(p.xml));
  }
  if (p.href.empty()) return fail(ErrorCode::not_found, "{}: the repository lists no {} data", name, type);
  if (p.href.find("://") != std::string::npos || p.href.starts_with("/") || p.href.find("..") != std::string::npos) {
    return fail(ErrorCode::invalid_image, "{}: the {} location '{}' leaves the repository", name, type, p.href);
  }
  return p.href;
}

}  // namespace ig::vulndb
