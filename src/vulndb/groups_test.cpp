#include "vulndb/groups.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace ig::vulndb {
namespace {

std::map<std::string, std::string> groups_of(std::vector<AliasLink> links) {
  std::map<std::string, std::string> out;
  for (auto& [id, group] : compute_alias_groups(std::move(links))) out[id] = group;
  return out;
}

TEST(AliasGroups, ChainOverThreeRecordsIsOneGroupNamedByItsCve) {
  // GO names only the GHSA; the GHSA names the CVE.
  auto g = groups_of({{"GO-2099-0001", "GHSA-c4a1-n111-aaaa"}, {"GHSA-c4a1-n111-aaaa", "CVE-2099-1000"}});
  ASSERT_EQ(g.size(), 3u);
  for (const auto& [id, group] : g) EXPECT_EQ(group, "CVE-2099-1000") << id;
}

TEST(AliasGroups, SharedAliasJoinsRecordsThatDoNotNameEachOther) {
  auto g = groups_of({{"PYSEC-2099-1", "CVE-2099-3000"}, {"GHSA-aaaa-bbbb-cccc", "CVE-2099-3000"}});
  EXPECT_EQ(g.at("PYSEC-2099-1"), "CVE-2099-3000");
  EXPECT_EQ(g.at("GHSA-aaaa-bbbb-cccc"), "CVE-2099-3000");
}

TEST(AliasGroups, WithoutCveTheGhsaNamesTheGroup) {
  auto g = groups_of({{"GO-2099-0002", "GHSA-zzzz-zzzz-zzzz"}, {"RUSTSEC-2099-0001", "GHSA-zzzz-zzzz-zzzz"}});
  EXPECT_EQ(g.at("GO-2099-0002"), "GHSA-zzzz-zzzz-zzzz");
  EXPECT_EQ(g.at("RUSTSEC-2099-0001"), "GHSA-zzzz-zzzz-zzzz");
}

TEST(AliasGroups, UmbrellaRecordDoesNotJoinItsCves) {
  // A DSA fixing two CVEs, and a single-CVE DSA for the first of them.
  auto g = groups_of({{"DSA-9998-1", "CVE-2099-2000"}, {"DSA-9998-1", "CVE-2099-2001"},
                      {"DSA-9999-1", "CVE-2099-2000"}});
  EXPECT_EQ(g.at("DSA-9999-1"), "CVE-2099-2000");
  EXPECT_EQ(g.at("CVE-2099-2000"), "CVE-2099-2000");
  EXPECT_FALSE(g.contains("CVE-2099-2001"));
  EXPECT_FALSE(g.contains("DSA-9998-1"));
}

TEST(AliasGroups, LinkBetweenTwoCvesGroupsIsRefused) {
  // A GO record naming two GHSAs that belong to different CVEs joins only one.
  auto g = groups_of({{"GHSA-aaaa-aaaa-aaaa", "CVE-2099-0001"}, {"GHSA-bbbb-bbbb-bbbb", "CVE-2099-0002"},
                      {"GO-2099-0003", "GHSA-aaaa-aaaa-aaaa"}, {"GO-2099-0003", "GHSA-bbbb-bbbb-bbbb"}});
  EXPECT_EQ(g.at("GHSA-aaaa-aaaa-aaaa"), "CVE-2099-0001");
  EXPECT_EQ(g.at("GHSA-bbbb-bbbb-bbbb"), "CVE-2099-0002");
  EXPECT_EQ(g.at("GO-2099-0003"), "CVE-2099-0001");  // the first link in id order
}

TEST(AliasGroups, OrderOfLinksDoesNotMatter) {
  std::vector<AliasLink> links = {{"GO-1", "GHSA-x"}, {"GHSA-x", "CVE-1"}, {"PYSEC-1", "CVE-1"}, {"GO-2", "GHSA-y"}};
  auto a = compute_alias_groups(links);
  std::reverse(links.begin(), links.end());
  EXPECT_EQ(a, compute_alias_groups(links));
}

TEST(AliasGroups, PreferredIdOrder) {
  EXPECT_TRUE(preferred_id_less("CVE-2099-9", "GHSA-aaaa-aaaa-aaaa"));
  EXPECT_TRUE(preferred_id_less("GHSA-aaaa-aaaa-aaaa", "GO-2099-0001"));
  EXPECT_TRUE(preferred_id_less("GO-2099-0001", "PYSEC-2099-1"));
  EXPECT_FALSE(preferred_id_less("PYSEC-2099-1", "CVE-2099-9"));
}

}  // namespace
}  // namespace ig::vulndb
