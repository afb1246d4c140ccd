// apk installed-database parsing: one pass with string_views.
#include "inventory/apk.h"

#include <charconv>

#include "inventory/analyzers.h"

namespace ig::inventory {
namespace {

constexpr uint64_t k_max_installed = 256ull << 20;

void finish(Package& p, std::vector<Package>& out) {
  if (!p.name.empty() && !p.version.empty()) {
    if (p.source_name.empty()) p.source_name = p.name;
    p.source_version = p.version;
    p.ecosystem = "apk";
    out.push_back(std::move(p));
  }
  p = Package{};
}

}  // namespace

std::vector<Package> parse_apk_installed(std::string_view text) {
  std::vector<Package> out;
  Package cur;
  std::string dir;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      finish(cur, out);
      dir.clear();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') continue;
    std::string_view v = line.substr(2);
    switch (line[0]) {
      case 'P': cur.name = std::string(v); break;
      case 'V': cur.version = std::string(v); break;
      case 'A': cur.arch = std::string(v); break;
      case 'o': cur.source_name = std::string(v); break;
      case 'L':
        if (!v.empty()) cur.licenses = {std::string(v)};
        break;
      case 'm': cur.maintainer = std::string(v); break;
      case 'I': {
        uint64_t n = 0;
        if (std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc()) cur.installed_size = n;
        break;
      }
      case 'F': dir = std::string(v); break;
      case 'R':
        if (!v.empty()) cur.files.push_back(dir.empty() ? std::string(v) : dir + "/" + std::string(v));
        break;
      default: break;
    }
  }
  finish(cur, out);
  return out;
}

std::unique_ptr<image::Analyzer> make_apk_analyzer() {
  image::FileSelector sel;
  sel.exact = {"lib/apk/db/installed", "usr/lib/apk/db/installed"};
  sel.max_size = k_max_installed;
  return std::make_unique<FunctionAnalyzer>(
      std::string(k_apk_analyzer), 1, std::move(sel),
      [](const image::FileMeta&, image::FileReader& in) -> Result<nlohmann::json> {
        IG_ASSIGN(std::string text, in.read_all(k_max_installed));
        nlohmann::json j;
        j["packages"] = parse_apk_installed(text);
        return j;
      });
}

}  // namespace ig::inventory
