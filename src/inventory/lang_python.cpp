// Python cataloger; see lang_python.h.
#include "inventory/lang_python.h"

#include "inventory/lang_common.h"
#include "inventory/purl.h"

namespace ig::inventory::lang {

namespace {

// The header block ends at the first blank line; the long description after it
// can be large and is never needed, so reading stops there.
constexpr uint64_t k_max_header_bytes = 1ull << 20;
constexpr size_t k_max_license_field = 120;  // longer License fields hold the full license text

struct Headers {
  std::string name, version, license, license_expression, summary, home_page;
  std::vector<std::string> classifier_licenses;
};

void take_header(std::string_view key, std::string_view value, Headers& h) {
  if (iequals(key, "Name")) {
    h.name = value;
  } else if (iequals(key, "Version")) {
    h.version = value;
  } else if (iequals(key, "License")) {
    h.license = value;
  } else if (iequals(key, "License-Expression")) {
    h.license_expression = value;
  } else if (iequals(key, "Summary")) {
    h.summary = value;
  } else if (iequals(key, "Home-page")) {
    h.home_page = value;
  } else if (iequals(key, "Classifier")) {
    static constexpr std::string_view k_prefix = "License :: ";
    if (value.substr(0, k_prefix.size()) == k_prefix) {
      size_t last = value.rfind(" :: ");
      std::string_view lic = value.substr(last + 4);
      // "License :: OSI Approved" alone names no license.
      if (lic != "OSI Approved") h.classifier_licenses.emplace_back(lic);
    }
  }
}

Headers parse_headers(std::string_view content) {
  Headers h;
  bool in_license = false;  // continuation lines of License make it multi-line
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_license) h.license.clear();  // a multi-line License is a license text, not a name
      in_license = false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, colon));
    take_header(key, trim(line.substr(colon + 1)), h);
    in_license = iequals(key, "License");
  }
  return h;
}

class PythonAnalyzer final : public image::Analyzer {
 public:
  PythonAnalyzer() {
    sel_.suffixes = {".dist-info/METADATA", ".egg-info/PKG-INFO", "EGG-INFO/PKG-INFO", ".egg-info"};
    sel_.max_size = 64ull << 20;
  }
  std::string_view name() const override { return "python"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    std::string content;
    // Read in steps until the header block ends, so long descriptions are not kept.
    while (content.size() < k_max_header_bytes) {
      size_t before = content.size();
      IG_TRY(read_more(in, content, 16 * 1024));
      if (content.size() == before) break;
      if (content.find("\n\n", before > 0 ? before - 1 : 0) != std::string::npos) break;
      if (content.find("\r\n\r\n", before > 2 ? before - 3 : 0) != std::string::npos) break;
    }
    IG_ASSIGN(auto pkgs, parse_python_metadata(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

std::string pep503_normalize(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_sep) out.push_back('-');
      in_sep = true;
      continue;
    }
    in_sep = false;
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

Result<std::vector<Package>> parse_python_metadata(std::string_view content, std::string_view path) {
  std::vector<Package> out;
  Headers h = parse_headers(content);
  if (h.name.empty() || h.version.empty()) return out;
  std::string name = pep503_normalize(h.name);
  Package p = make_package("pypi", std::move(name), h.version, path);
  if (!h.license_expression.empty()) {
    add_license(p.licenses, h.license_expression);
  } else if (!h.license.empty() && h.license != "UNKNOWN" && h.license.size() <= k_max_license_field) {
    add_license(p.licenses, h.license);
  } else {
    for (const auto& l : h.classifier_licenses) add_license(p.licenses, l);
  }
  // The PURL is not PEP 503's form: the purl spec's pypi type lowercases and
  // maps "_" to "-" but keeps dots (pkg:pypi/zope.interface), as Trivy, Syft
  // and the advisory databases that key on PURLs write it.
  Package declared = p;
  declared.name = h.name;
  p.purl = package_purl(declared);
  if (h.name != p.name) p.extra["declared_name"] = h.name;
  if (!h.summary.empty()) p.extra["summary"] = h.summary;
  if (!h.home_page.empty()) p.extra["homepage"] = h.home_page;
  out.push_back(std::move(p));
  return out;
}

std::unique_ptr<image::Analyzer> make_python_analyzer() { return std::make_unique<PythonAnalyzer>(); }

}  // namespace ig::inventory::lang
