// Ruby gemspec cataloger; see lang_ruby.h.
#include "inventory/lang_ruby.h"

#include "inventory/lang_common.h"

namespace ig::inventory::lang {

namespace {

constexpr uint64_t k_max_gemspec = 1ull << 20;

// The quoted strings of a Ruby expression: `["MIT".freeze, 'BSD']` -> MIT, BSD.
std::vector<std::string> quoted_strings(std::string_view v) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < v.size()) {
    char q = v[i];
    if (q != '"' && q != '\'') {
      if (q == '#') break;  // a comment ends the expression
      ++i;
      continue;
    }
    std::string s;
    size_t j = i + 1;
    for (; j < v.size() && v[j] != q; ++j) {
      if (v[j] == '\\' && j + 1 < v.size()) ++j;
      s.push_back(v[j]);
    }
    out.push_back(std::move(s));
    i = j + 1;
  }
  return out;
}

// `s.version = "1.2.3"` or `s.version = Gem::Version.new("1.2.3")`: key "version".
bool spec_assignment(std::string_view line, std::string_view& key, std::string_view& value) {
  size_t dot = line.find('.');
  size_t eq = line.find('=');
  if (dot == std::string_view::npos || eq == std::string_view::npos || dot > eq) return false;
  if (eq + 1 < line.size() && line[eq + 1] == '=') return false;  // a comparison
  key = trim(line.substr(dot + 1, eq - dot - 1));
  value = line.substr(eq + 1);
  return true;
}

class RubyAnalyzer final : public image::Analyzer {
 public:
  RubyAnalyzer() {
    sel_.globs = {"*specifications/*.gemspec"};
    sel_.max_size = k_max_gemspec;
  }
  std::string_view name() const override { return "gemspec"; }
  int version() const override { return 1; }
  const image::FileSelector& selector() const override { return sel_; }
  Result<nlohmann::json> analyze(const image::FileMeta& meta, image::FileReader& in) const override {
    IG_ASSIGN(std::string content, read_bounded(in, k_max_gemspec, meta.path));
    IG_ASSIGN(auto pkgs, parse_gemspec(content, meta.path));
    return packages_result(pkgs);
  }

 private:
  image::FileSelector sel_;
};

}  // namespace

Result<std::vector<Package>> parse_gemspec(std::string_view content, std::string_view path) {
  std::string name, version, homepage;
  std::vector<std::string> licenses;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = trim(content.substr(pos, eol - pos));
    pos = eol + 1;
    std::string_view key, value;
    if (line.empty() || line[0] == '#' || !spec_assignment(line, key, value)) continue;
    auto strs = quoted_strings(value);
    if (strs.empty()) continue;
    if (key == "name" && name.empty()) {
      name = strs[0];
    } else if (key == "version" && version.empty()) {
      version = strs[0];
    } else if (key == "license" || key == "licenses") {
      for (const auto& l : strs) add_license(licenses, l);
    } else if (key == "homepage") {
      homepage = strs[0];
    }
  }
  std::vector<Package> out;
  if (name.empty() || version.empty()) return out;
  Package p = make_package("gem", name, version, path);
  p.licenses = std::move(licenses);
  if (!homepage.empty()) p.extra["homepage"] = homepage;
  out.push_back(std::move(p));
  return out;
}

std::unique_ptr<image::Analyzer> make_ruby_analyzer() { return std::make_unique<RubyAnalyzer>(); }

}  // namespace ig::inventory::lang
