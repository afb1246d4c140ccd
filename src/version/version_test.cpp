// Curated orderings per ecosystem. The bulk comparison against the real
// tools lives in tests/integration/version_*.sh; these pin the tricky cases
// (and the ecosystems with no tool on this machine: apk, golang, nuget).
#include "version/version.h"

#include <gtest/gtest.h>

namespace ig::version {
namespace {

struct Case {
  const char* a;
  const char* b;
  int want;
};

void check(Ecosystem eco, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    auto r = compare(eco, c.a, c.b);
    ASSERT_TRUE(r.has_value()) << ecosystem_name(eco) << " " << c.a << " vs " << c.b << ": " << r.error().message;
    EXPECT_EQ(*r, c.want) << ecosystem_name(eco) << " " << c.a << " vs " << c.b;
    auto back = compare(eco, c.b, c.a);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, -c.want) << ecosystem_name(eco) << " (reversed) " << c.b << " vs " << c.a;
  }
}

void check_invalid(Ecosystem eco, const std::vector<const char*>& versions) {
  for (const char* v : versions) {
    auto r = Version::parse(eco, v);
    ASSERT_FALSE(r.has_value()) << ecosystem_name(eco) << " accepted " << v;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
    EXPECT_NE(r.error().message.find(ecosystem_name(eco)), std::string::npos) << r.error().message;
  }
}

TEST(Ecosystem, Names) {
  EXPECT_EQ(*parse_ecosystem("pypi"), Ecosystem::pypi);
  EXPECT_FALSE(parse_ecosystem("PyPI").has_value());
  EXPECT_EQ(*ecosystem_from_osv("PyPI"), Ecosystem::pypi);
  EXPECT_EQ(*ecosystem_from_osv("Debian:12"), Ecosystem::deb);
  EXPECT_EQ(*ecosystem_from_osv("Alpine:v3.19"), Ecosystem::apk);
  EXPECT_EQ(*ecosystem_from_osv("crates.io"), Ecosystem::semver);
  EXPECT_EQ(*ecosystem_from_osv("Rocky Linux:9"), Ecosystem::rpm);
  EXPECT_EQ(*ecosystem_from_osv("Go"), Ecosystem::golang);
  EXPECT_FALSE(ecosystem_from_osv("Nonesuch").has_value());
  for (auto e : {Ecosystem::deb, Ecosystem::apk, Ecosystem::rpm, Ecosystem::semver, Ecosystem::npm, Ecosystem::pypi,
                 Ecosystem::golang, Ecosystem::maven, Ecosystem::gem, Ecosystem::nuget, Ecosystem::composer}) {
    EXPECT_EQ(*parse_ecosystem(ecosystem_name(e)), e);
  }
}

TEST(Version, EmptyIsInvalidEverywhere) {
  for (auto e : {Ecosystem::deb, Ecosystem::apk, Ecosystem::rpm, Ecosystem::semver, Ecosystem::npm, Ecosystem::pypi,
                 Ecosystem::golang, Ecosystem::maven, Ecosystem::gem, Ecosystem::nuget, Ecosystem::composer}) {
    EXPECT_FALSE(Version::parse(e, "").has_value()) << ecosystem_name(e);
  }
}

TEST(Deb, Ordering) {
  check(Ecosystem::deb, {{"1.0~rc1", "1.0", -1},   {"1.0~~", "1.0~", -1},     {"1.0", "1.0a", -1},
                         {"1.0a", "1.0+", -1},      {"1.0", "1.0-0", 0},       {"1:1.0", "2.0", 1},
                         {"0:1.0", "1.0", 0},       {"1.2.3", "1.02.3", 0},    {"10.1", "9.99", 1},
                         {"1:2:3-4", "1:2:3", 1},   {"2.30-1ubuntu1", "2.30-1", 1},
                         {"2.4.52-1~deb12u1", "2.4.52-1", -1}, {"1.0-1", "1.0-1~bpo1", 1}});
  check_invalid(Ecosystem::deb, {"1.0-", ":1.0", "a:1.0", "1:", "-1:1.0", "1.0 2", "99999999999:1"});
  // dpkg warns about these but still compares them.
  EXPECT_TRUE(Version::parse(Ecosystem::deb, "a1").has_value());
}

TEST(Rpm, Ordering) {
  check(Ecosystem::rpm, {{"1.0", "1.0.0", -1},     {"1.0~rc1", "1.0", -1},     {"1.0^", "1.0", 1},
                         {"1.0^git1", "1.01", -1}, {"1.0~rc1^git1", "1.0~rc1", 1}, {"1.0", "1.0-1", -1},
                         {"1.0-1", "1.0-2", -1},   {"1:1.0-1", "2.0-1", 1},   {"0:1.0", "1.0", 0},
                         {"1.0a", "1.0", 1},       {"1.0.a", "1.0.1", -1},    {"5.5p10", "5.5p2", 1},
                         {"1_0", "1.0", 0},        {"001", "1", 0},           {"10b2", "10a1", 1}});
}

TEST(Apk, Ordering) {
  check(Ecosystem::apk, {{"1.0", "1.0-r1", -1},          {"1.1_rc1", "1.1", -1},      {"1.0_alpha", "1.0_beta", -1},
                         {"1.0_beta", "1.0_pre", -1},    {"1.0_pre", "1.0_rc", -1},   {"1.0", "1.0_p1", -1},
                         {"1.0_cvs", "1.0_svn", -1},     {"1.0_git", "1.0_hg", -1},   {"1.0_hg", "1.0_p", -1},
                         {"1.2", "1.2a", -1},            {"1.2a", "1.2b", -1},        {"1.2b", "1.3", -1},
                         {"1.01", "1.1", -1},            {"1.001", "1.01", -1},       {"1", "1.0", -1},
                         {"1.0-r1", "1.0-r2", -1},       {"1.0_rc1", "1.0_rc2", -1},  {"2.36.1-r0", "2.36.1-r0", 0},
                         {"1.2.3_git20230101-r0", "1.2.3-r0", 1}, {"1.0_alpha1_p2", "1.0_alpha1", 1},
                         {"3.0.8-r3", "3.0.10-r0", -1},  {"1.10", "1.9", 1}});
  // apk-tools 2 reads the zero after a dot as its own token, so this holds
  // (while 1.1_rc1 < 1.1 above); we follow the tool.
  check(Ecosystem::apk, {{"1.0_rc1", "1.0", 1}});
  check_invalid(Ecosystem::apk, {"1.0_foo", "1.0-x", "1.2ab", "1.0_bogus1"});
}

TEST(Semver, Ordering) {
  check(Ecosystem::semver, {{"1.0.0-alpha", "1.0.0-alpha.1", -1}, {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
                            {"1.0.0-alpha.beta", "1.0.0-beta", -1},  {"1.0.0-beta.2", "1.0.0-beta.11", -1},
                            {"1.0.0-rc.1", "1.0.0", -1},             {"1.0.0+build", "1.0.0", 0},
                            {"v1.2.3", "1.2.3", 0},                  {"2.0.0", "10.0.0", -1},
                            {"1.0.0-99999999999999999999", "1.0.0-99999999999999999998", 1}});
  check_invalid(Ecosystem::semver, {"01.2.3", "1.2", "1.2.3-01", "1.2.3-", "1.2.3+", "1.2.3-a..b", "=1.2.3"});
}

TEST(Npm, OrderingAndQuirks) {
  check(Ecosystem::npm, {{"1.0.0-alpha", "1.0.0", -1}, {" 1.2.3 ", "1.2.3", 0}, {"v1.2.3", "1.2.3", 0}});
  // node-semver compares big numeric identifiers as doubles.
  check(Ecosystem::npm, {{"1.0.0-99999999999999999999", "1.0.0-99999999999999999998", 0}});
  check_invalid(Ecosystem::npm, {"9007199254740992.0.0", "=1.2.3", "1.2"});
}

TEST(Golang, Ordering) {
  check(Ecosystem::golang, {{"v1.2.3", "1.2.3", 0},
                            {"v1.2", "v1.2.0", 0},
                            {"v2.0.0+incompatible", "v2.0.0", 0},
                            {"v0.0.0-20230101000000-abcdefabcdef", "v0.0.0-20230202000000-abcdefabcdef", -1},
                            {"v1.2.4-0.20230101000000-abcdefabcdef", "v1.2.4", -1},
                            {"v1.2.4-0.20230101000000-abcdefabcdef", "v1.2.3", 1},
                            {"go1.22", "go1.22.0", 0},
                            {"go1.21rc2", "go1.21.0", -1},
                            {"go1.21beta1", "go1.21rc1", -1},
                            {"go1.21.10", "go1.21.9", 1},
                            {"go1.22.1", "1.22.1", 0}});
  check_invalid(Ecosystem::golang, {"v1.2-pre", "v01.2.3", "v1.2.3.4", "go1.21.0rc1", "vx"});
}

TEST(Pypi, Ordering) {
  check(Ecosystem::pypi, {{"1.0", "1.0.0", 0},           {"1.0a1", "1.0", -1},          {"1.0.dev0", "1.0a1", -1},
                          {"1.0.post1", "1.0", 1},       {"1.0+local", "1.0", 1},       {"1.0+abc.1", "1.0+abc.2", -1},
                          {"1.0+1", "1.0+abc", 1},       {"1!0.1", "2.0", 1},           {"1.0rc1", "1.0c1", 0},
                          {"1.0-alpha.1", "1.0a1", 0},   {"1.0-1", "1.0.post1", 0},     {"1.0a.1", "1.0a1", 0},
                          {"V1.0", "1.0", 0},            {"1.0-r4", "1.0.post4", 0},    {"1.0_preview_2", "1.0rc2", 0},
                          {"1.0.post1.dev2", "1.0.post1", -1}, {"1.0a1.dev1", "1.0a1", -1}, {"1.0.dev1", "1.0a0.dev1", -1},
                          {"1.0a-.post1", "1.0a0.post1", 0}});
}

// Not PEP 440: ordered as pip's fallback, packaging 21.3's LegacyVersion (the
// expectations are its answers): before every PEP 440 version.
TEST(Pypi, LegacyVersions) {
  check(Ecosystem::pypi, {{"0.1-bulbasaur", "0.1", -1},          {"0.1-bulbasaur", "0.0.1", -1},
                          {"0.1-bulbasaur", "0.2-bulbasaur", -1}, {"0.1-bulbasaur", "0.1-BULBASAUR", 0},
                          {"1.0-foo", "1.0.0-foo", 0},            {"1.0.x", "0.0.1.dev0", -1},
                          {"1.0.x", "1.0.y", -1},                 {"1.0+", "1.0+a..b", 1},
                          {"a1.0", "1.0.x", -1},                  {"1.0a1.1", "1.0a1.2", -1},
                          {"2.0-bulbasaur", "1.0-bulbasaur", 1},  {"1.0-pre-x", "1.0-x", -1},
                          {"1.0.dev-x", "1.0-x", -1},             {"1_0_x", "1.0.x", -1},
                          {"1.0.0.x", "1.0.x", 0},                {"10.0.x", "9.0.x", 1},
                          {"1.0-rc1-x", "1.0-c1-x", 0}});
}

TEST(Maven, Ordering) {
  check(Ecosystem::maven, {{"1", "1.0", 0},            {"1.0-alpha", "1.0", -1},     {"1-alpha", "1-a1", -1},
                           {"1-beta", "1-b2", -1},     {"1-rc", "1-cr", 0},          {"1-snapshot", "1-rc", 1},
                           {"1", "1-ga", 0},           {"1", "1-final", 0},          {"1-sp", "1", 1},
                           {"1-foo", "1-sp", 1},       {"1-foo", "1-bar", 1},        {"1.0-SNAPSHOT", "1.0", -1},
                           {"2.0.0.Final", "2.0.0", 0}, {"1-1", "1.1", -1},          {"1-abc", "1-ABC", 0}});
}

TEST(Gem, Ordering) {
  check(Ecosystem::gem, {{"1.0", "1.0.0", 0},    {"1.0.a", "1.0", -1},   {"1.0-1", "1.0", -1},
                         {"1.0.b1", "1.0.a2", 1}, {"1.0.0.a", "1.0.a", 0}, {"1.a.0", "1.a", 0},
                         {"2.0.0.rc1", "2.0.0", -1}, {"1.0-pre", "1.0.pre", -1}, {"1.0.A", "1.0.a", -1}});
  check_invalid(Ecosystem::gem, {"a1", "1..0", "1.0-", "1_0"});
}

TEST(Nuget, Ordering) {
  check(Ecosystem::nuget, {{"1.0", "1.0.0.0", 0},            {"1.01", "1.1", 0},               {"1.0.0-beta", "1.0.0", -1},
                           {"1.0.0-BETA", "1.0.0-beta", 0},   {"1.0.0-beta.2", "1.0.0-beta.10", -1},
                           {"1.0.0-2", "1.0.0-a", -1},        {"1.0.0.1", "1.0.0", 1},          {"1.0.0+meta", "1.0.0", 0},
                           {"1.0.0-alpha", "1.0.0-alpha.1", -1}});
  check_invalid(Ecosystem::nuget, {"1.0.0.0.0", "1.a", "1.0-", "1.0.0-a..b", "v1.0"});
}

TEST(Composer, Ordering) {
  check(Ecosystem::composer, {{"1.0", "1.0.0", 0},               {"1.0.0-beta", "1.0.0", -1},
                              {"1.0.0-beta2", "1.0.0-beta10", -1}, {"1.0.0-alpha", "1.0.0-beta", -1},
                              {"1.0.0-RC1", "1.0.0", -1},        {"1.0.0-dev", "1.0.0-alpha", -1},
                              {"1.0.0-patch1", "1.0.0", 1},      {"1.0.0-p1", "1.0.0-pl1", 0},
                              {"v1.0.0", "1.0.0", 0},            {"1.0b2", "1.0.0-beta2", 0},
                              {"1.0.0-stable", "1.0.0", 0},      {"1.0.x-dev", "1.0.9", 1}});
  check_invalid(Ecosystem::composer, {"dev-main", "master", "1.0-foo", "abc"});
}

bool sat(Ecosystem eco, const char* v, const char* range) {
  auto ver = Version::parse(eco, v);
  auto c = Constraint::parse(eco, range);
  EXPECT_TRUE(ver.has_value()) << v;
  EXPECT_TRUE(c.has_value()) << range << ": " << (c ? "" : c.error().message);
  return ver && c && c->contains(*ver);
}

TEST(Constraint, NpmRanges) {
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.3", "^1.2.3"));
  EXPECT_FALSE(sat(Ecosystem::npm, "2.0.0", "^1.2.3"));
  EXPECT_FALSE(sat(Ecosystem::npm, "0.3.0", "^0.2.3"));
  EXPECT_FALSE(sat(Ecosystem::npm, "0.0.4", "^0.0.3"));
  EXPECT_FALSE(sat(Ecosystem::npm, "1.2.4-beta", "^1.2.3"));
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.3-beta.3", ">=1.2.3-beta.2 <1.3.0"));
  EXPECT_FALSE(sat(Ecosystem::npm, "1.3.0", "~1.2.3"));
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.9", "1.0.0 - 1.2"));
  EXPECT_FALSE(sat(Ecosystem::npm, "1.3.0-0", "<1.3"));
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.3", "1.2.x || 2.x"));
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.3", "> 1.2.2 < 1.2.4"));
  EXPECT_TRUE(sat(Ecosystem::npm, "1.2.3", ""));
  EXPECT_FALSE(sat(Ecosystem::npm, "1.2.3", "<0.0.0-0"));
  EXPECT_FALSE(sat(Ecosystem::npm, "1.2.3-alpha", "*"));
  EXPECT_FALSE(Constraint::parse(Ecosystem::npm, "x.1").has_value());
  EXPECT_FALSE(Constraint::parse(Ecosystem::npm, "=1.2.3 - 2").has_value());
  EXPECT_TRUE(Constraint::parse(Ecosystem::npm, "v1.2.3 - 2").has_value());
}

TEST(Constraint, SimpleSyntax) {
  EXPECT_TRUE(sat(Ecosystem::pypi, "1.2.5", ">=1.2.0, <1.3.4"));
  EXPECT_FALSE(sat(Ecosystem::pypi, "1.3.4", ">=1.2.0, <1.3.4"));
  EXPECT_TRUE(sat(Ecosystem::deb, "1.0-1", "< 1.0-2"));
  EXPECT_TRUE(sat(Ecosystem::golang, "v1.5.0", "<1.0.0 || >=1.5.0"));
  EXPECT_TRUE(sat(Ecosystem::semver, "1.0.0-rc.1", "<1.0.0"));  // prereleases are plain versions here
  EXPECT_TRUE(sat(Ecosystem::maven, "2.0", "!=1.0"));
  EXPECT_TRUE(sat(Ecosystem::rpm, "7", "*"));
  auto bad = Constraint::parse(Ecosystem::pypi, ">=1.0, <");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  EXPECT_FALSE(Constraint::parse(Ecosystem::pypi, "=>1.0").has_value());
  EXPECT_FALSE(Constraint::parse(Ecosystem::pypi, ">=1.0 || ").has_value());
  EXPECT_FALSE(Constraint::parse(Ecosystem::gem, ">=not-a-version").has_value());
  // Any other string is a PyPI legacy version, before every PEP 440 one.
  EXPECT_TRUE(sat(Ecosystem::pypi, "0.1-bulbasaur", "<0.0.1"));
}

TEST(OsvRange, Events) {
  using K = Event::Kind;
  auto v = [](const char* s) { return *Version::parse(Ecosystem::semver, s); };
  std::vector<Event> ev = {{K::introduced, "0"}, {K::fixed, "1.2.0"}, {K::introduced, "2.0.0"}, {K::fixed, "2.1.0"}};
  EXPECT_TRUE(*in_osv_range(ev, v("1.0.0")));
  EXPECT_FALSE(*in_osv_range(ev, v("1.2.0")));
  EXPECT_FALSE(*in_osv_range(ev, v("1.9.0")));
  EXPECT_TRUE(*in_osv_range(ev, v("2.0.5")));
  EXPECT_FALSE(*in_osv_range(ev, v("2.1.0")));
  std::vector<Event> last = {{K::introduced, "1.0.0"}, {K::last_affected, "1.4.0"}};
  EXPECT_FALSE(*in_osv_range(last, v("0.9.0")));
  EXPECT_TRUE(*in_osv_range(last, v("1.4.0")));
  EXPECT_FALSE(*in_osv_range(last, v("1.4.1")));
  std::vector<Event> lim = {{K::introduced, "0"}, {K::limit, "3.0.0"}};
  EXPECT_TRUE(*in_osv_range(lim, v("2.9.9")));
  EXPECT_FALSE(*in_osv_range(lim, v("3.0.0")));
  std::vector<Event> bad = {{K::introduced, "not a version"}};
  EXPECT_FALSE(in_osv_range(bad, v("1.0.0")).has_value());
}

// Maven ranges in OSV are evaluated with OSV's Maven order (the POM
// reference's flat token list), which differs from ComparableVersion when '.'
// and '-' mix before a qualifier; compare() stays Maven's own answer.
TEST(OsvRange, MavenUsesOsvOrder) {
  using K = Event::Kind;
  auto v = [](const char* s) { return *Version::parse(Ecosystem::maven, s); };
  EXPECT_EQ(*compare(Ecosystem::maven, "1.0.0-RC16", "1.0.0.RC8-beta"), 1);  // Maven
  std::vector<Event> rc = {{K::introduced, "1.0.0-RC16"}, {K::fixed, "1.0.0.RC8-beta"}};
  EXPECT_TRUE(*in_osv_range(rc, v("1.0.0-RC16")));  // OSV: RC16 < RC8-beta
  EXPECT_FALSE(*in_osv_range(rc, v("1.0.0.RC8-beta")));
  EXPECT_EQ(*compare(Ecosystem::maven, "2.9.0-1", "2.9.0.RC1"), 1);
  std::vector<Event> dash = {{K::introduced, "0"}, {K::fixed, "2.9.0.RC1"}};
  EXPECT_TRUE(*in_osv_range(dash, v("2.9.0-1")));  // OSV: "-1" < ".RC1"
  EXPECT_FALSE(*in_osv_range(dash, v("2.9.1")));
  EXPECT_EQ(*compare(Ecosystem::maven, "1.2.68.sec10", "1.2.68_noneautotype"), 1);
  std::vector<Event> sec = {{K::introduced, "0"}, {K::fixed, "1.2.68_noneautotype"}};
  EXPECT_TRUE(*in_osv_range(sec, v("1.2.68.sec10")));  // OSV: ".sec" < "-_noneautotype"
  EXPECT_TRUE(*in_osv_range(sec, v("1.2.68")));
  EXPECT_FALSE(*in_osv_range(sec, v("1.2.83_noneautotype")));
  // Where both orders agree.
  std::vector<Event> plain = {{K::introduced, "1.0"}, {K::fixed, "1.2.83"}};
  for (const char* in : {"1.0", "1-ga", "1.1-SNAPSHOT", "1.2.83-rc1", "1.2.83.alpha", "1.2.68.sec10"}) {
    EXPECT_TRUE(*in_osv_range(plain, v(in))) << in;
  }
  for (const char* out : {"1.0-alpha", "0.9", "1.2.83", "1.2.83.0", "1.2.83-sp1", "1.2.83_noneautotype", "1.3"}) {
    EXPECT_FALSE(*in_osv_range(plain, v(out))) << out;
  }
}

// Packagist ranges in OSV are evaluated with PHP's version_compare of the raw
// string: stability words are case-sensitive and "stable" is a plain word.
TEST(OsvRange, PackagistUsesOsvOrder) {
  using K = Event::Kind;
  auto v = [](const char* s) { return *Version::parse(Ecosystem::composer, s); };
  EXPECT_EQ(*compare(Ecosystem::composer, "v1.9.0-ALPHA.1", "v1.9.0-BETA.1"), -1);  // Composer
  std::vector<Event> caps = {{K::introduced, "v1.9.0-ALPHA.1"}, {K::fixed, "v1.9.0-BETA.1"}};
  EXPECT_FALSE(*in_osv_range(caps, v("v1.9.0-ALPHA.1")));  // OSV: ALPHA.1 == BETA.1
  std::vector<Event> lower = {{K::introduced, "1.9.0-alpha.1"}, {K::fixed, "1.9.0-beta.1"}};
  EXPECT_TRUE(*in_osv_range(lower, v("1.9.0-alpha.1")));
  EXPECT_TRUE(*in_osv_range(lower, v("1.9.0-alpha.2")));
  EXPECT_FALSE(*in_osv_range(lower, v("1.9.0-beta.1")));
  EXPECT_FALSE(*in_osv_range(lower, v("1.9.0")));
  EXPECT_EQ(*compare(Ecosystem::composer, "1.0.0-stable", "1.0.0"), 0);
  std::vector<Event> stable = {{K::introduced, "0"}, {K::fixed, "1.0.0"}};
  EXPECT_TRUE(*in_osv_range(stable, v("1.0.0-stable")));  // OSV: "stable" < any number
  EXPECT_TRUE(*in_osv_range(stable, v("1.0.0-RC1")));
  EXPECT_TRUE(*in_osv_range(stable, v("v0.9.9")));
  EXPECT_FALSE(*in_osv_range(stable, v("1.0.0-p1")));
  EXPECT_FALSE(*in_osv_range(stable, v("1.0.0")));
  EXPECT_FALSE(*in_osv_range(stable, v("1.0.1")));
}

TEST(OsvRange, PypiLegacyVersions) {
  using K = Event::Kind;
  auto v = [](const char* s) { return *Version::parse(Ecosystem::pypi, s); };
  std::vector<Event> ev = {{K::introduced, "0"}, {K::fixed, "0.2"}};
  EXPECT_TRUE(*in_osv_range(ev, v("0.1-bulbasaur")));
  EXPECT_TRUE(*in_osv_range(ev, v("9.0-bulbasaur")));  // every legacy version is before 0.2
  std::vector<Event> legacy = {{K::introduced, "0.1-bulbasaur"}, {K::fixed, "0.1"}};
  EXPECT_TRUE(*in_osv_range(legacy, v("0.2-bulbasaur")));
  EXPECT_FALSE(*in_osv_range(legacy, v("0.0-bulbasaur")));
  EXPECT_FALSE(*in_osv_range(legacy, v("0.1")));
}

}  // namespace
}  // namespace ig::version
