// Ecosystem names and the Version front end that dispatches to the
// per-ecosystem parsers and comparators.
#include "version/version.h"

#include <array>
#include <cctype>

#include "version/repr.h"

namespace ig::version {

namespace {

struct Name {
  const char* name;
  Ecosystem eco;
};

constexpr std::array<Name, 11> k_names = {{
    {"deb", Ecosystem::deb},
    {"apk", Ecosystem::apk},
    {"rpm", Ecosystem::rpm},
    {"semver", Ecosystem::semver},
    {"npm", Ecosystem::npm},
    {"pypi", Ecosystem::pypi},
    {"golang", Ecosystem::golang},
    {"maven", Ecosystem::maven},
    {"gem", Ecosystem::gem},
    {"nuget", Ecosystem::nuget},
    {"composer", Ecosystem::composer},
}};

// OSV ecosystem names (https://ossf.github.io/osv-schema/#affectedpackage-field).
constexpr std::array<Name, 24> k_osv_names = {{
    {"Debian", Ecosystem::deb},          {"Ubuntu", Ecosystem::deb},
    {"Alpine", Ecosystem::apk},          {"Wolfi", Ecosystem::apk},
    {"Chainguard", Ecosystem::apk},      {"Rocky Linux", Ecosystem::rpm},
    {"AlmaLinux", Ecosystem::rpm},       {"Red Hat", Ecosystem::rpm},
    {"openSUSE", Ecosystem::rpm},        {"SUSE", Ecosystem::rpm},
    {"Mageia", Ecosystem::rpm},          {"Photon OS", Ecosystem::rpm},
    {"npm", Ecosystem::npm},             {"PyPI", Ecosystem::pypi},
    {"Go", Ecosystem::golang},           {"Maven", Ecosystem::maven},
    {"RubyGems", Ecosystem::gem},        {"NuGet", Ecosystem::nuget},
    {"Packagist", Ecosystem::composer},  {"crates.io", Ecosystem::semver},
    {"Hex", Ecosystem::semver},          {"Pub", Ecosystem::semver},
    {"SwiftURL", Ecosystem::semver},     {"Bitnami", Ecosystem::semver},
}};

detail::ParseResult parse_repr(Ecosystem eco, std::string_view s) {
  switch (eco) {
    case Ecosystem::deb: return detail::parse_deb(s);
    case Ecosystem::apk: return detail::parse_apk(s);
    case Ecosystem::rpm: return detail::parse_rpm(s);
    case Ecosystem::semver: return detail::parse_semver(s);
    case Ecosystem::npm: return detail::parse_npm(s);
    case Ecosystem::pypi: return detail::parse_pep440(s);
    case Ecosystem::golang: return detail::parse_golang(s);
    case Ecosystem::maven: return detail::parse_maven(s);
    case Ecosystem::gem: return detail::parse_gem(s);
    case Ecosystem::nuget: return detail::parse_nuget(s);
    case Ecosystem::composer: return detail::parse_composer(s);
  }
  return fail(ErrorCode::internal, "unknown ecosystem");
}

// Dispatches on the variant both sides hold (parse guarantees they match).
struct Comparer {
  const detail::Repr& b;
  int operator()(const detail::DebRepr& a) const { return detail::compare_deb(a, std::get<detail::DebRepr>(b.v)); }
  int operator()(const detail::RpmRepr& a) const { return detail::compare_rpm(a, std::get<detail::RpmRepr>(b.v)); }
  int operator()(const detail::ApkRepr& a) const { return detail::compare_apk(a, std::get<detail::ApkRepr>(b.v)); }
  int operator()(const detail::SemverRepr& a) const {
    return detail::compare_semver(a, std::get<detail::SemverRepr>(b.v));
  }
  int operator()(const detail::Pep440Repr& a) const {
    return detail::compare_pep440(a, std::get<detail::Pep440Repr>(b.v));
  }
  int operator()(const detail::MavenItem& a) const {
    return detail::compare_maven(a, std::get<detail::MavenItem>(b.v));
  }
  int operator()(const detail::GemRepr& a) const { return detail::compare_gem(a, std::get<detail::GemRepr>(b.v)); }
  int operator()(const detail::NugetRepr& a) const {
    return detail::compare_nuget(a, std::get<detail::NugetRepr>(b.v));
  }
  int operator()(const detail::ComposerRepr& a) const {
    return detail::compare_composer(a, std::get<detail::ComposerRepr>(b.v));
  }
};

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (s.size() > 200) out += "...";
  return out;
}

}  // namespace

Result<Ecosystem> parse_ecosystem(std::string_view name) {
  for (const auto& n : k_names) {
    if (name == n.name) return n.eco;
  }
  return fail(ErrorCode::usage,
              "unknown ecosystem \"{}\": use one of deb, apk, rpm, semver, npm, pypi, golang, maven, gem, nuget, "
              "composer",
              printable(name));
}

Result<Ecosystem> ecosystem_from_osv(std::string_view osv_name) {
  std::string_view base = osv_name.substr(0, osv_name.find(':'));
  for (const auto& n : k_osv_names) {
    if (base == n.name) return n.eco;
  }
  return fail(ErrorCode::usage, "unknown OSV ecosystem \"{}\": imagegate has no version ordering for it",
              printable(osv_name));
}

const char* ecosystem_name(Ecosystem e) {
  for (const auto& n : k_names) {
    if (n.eco == e) return n.name;
  }
  return "unknown";
}

Version::Version(Ecosystem eco, std::string text, std::shared_ptr<const detail::Repr> repr)
    : eco_(eco), text_(std::move(text)), repr_(std::move(repr)) {}

Result<Version> Version::parse(Ecosystem eco, std::string_view text) {
  if (text.empty()) return detail::invalid_version(eco, text, "the version is empty");
  if (text.size() > detail::k_max_version_length) {
    return detail::invalid_version(eco, text,
                                   fmt::format("longer than {} characters", detail::k_max_version_length));
  }
  auto repr = parse_repr(eco, text);
  if (!repr) return detail::invalid_version(eco, text, repr.error().message);
  return Version(eco, std::string(text), std::make_shared<const detail::Repr>(std::move(*repr)));
}

int Version::compare(const Version& other) const {
  return detail::sign(std::visit(Comparer{*other.repr_}, repr_->v));
}

Result<int> compare(Ecosystem eco, std::string_view a, std::string_view b) {
  IG_ASSIGN(auto va, Version::parse(eco, a));
  IG_ASSIGN(auto vb, Version::parse(eco, b));
  return va.compare(vb);
}

namespace detail {

std::string_view strip_zeros(std::string_view d) {
  size_t i = 0;
  while (i + 1 < d.size() && d[i] == '0') ++i;
  return d.substr(i);
}

int compare_digits(std::string_view a, std::string_view b) {
  a = strip_zeros(a);
  b = strip_zeros(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return sign(c);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

tl::unexpected<Error> invalid_version(Ecosystem eco, std::string_view text, std::string_view why) {
  return fail(ErrorCode::usage, "invalid {} version \"{}\": {}", ecosystem_name(eco), printable(text), why);
}

}  // namespace detail

}  // namespace ig::version
