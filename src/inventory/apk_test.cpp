#include "inventory/apk.h"

#include <gtest/gtest.h>

#include "inventory/os_test_util.h"

namespace ig::inventory {
namespace {

// Two records in the real lib/apk/db/installed layout (as apk-tools writes
// it on Alpine 3.18), including the checksum, dependency and ACL lines we
// ignore.
constexpr const char* k_installed =
    "C:Q1T0ZXyThJNa2cJbk4GG3ujrNUDbY=\n"
    "P:busybox\n"
    "V:1.36.1-r5\n"
    "A:x86_64\n"
    "S:509279\n"
    "I:946176\n"
    "T:Size optimized toolbox of many common UNIX utilities\n"
    "U:https://busybox.net/\n"
    "L:GPL-2.0-only\n"
    "o:busybox\n"
    "m:Sören Tempel <soeren+alpine@soeren-tempel.net>\n"
    "t:1700000000\n"
    "c:1c6fcbb2ef1c2c4a54c1e8e4cf7ac1f5ad9f3c10\n"
    "D:so:libc.musl-x86_64.so.1\n"
    "p:/bin/sh cmd:busybox=1.36.1-r5\n"
    "r:busybox-initscripts\n"
    "F:bin\n"
    "R:busybox\n"
    "a:0:0:755\n"
    "Z:Q1WUwBY0eOGgzgVxTZxJBZPyQUicI=\n"
    "F:etc\n"
    "R:securetty\n"
    "Z:Q1mB95Hq2NUTZ599RDiSsj9w5FrOU=\n"
    "\n"
    "C:Q1abc=\n"
    "P:libcrypto3\n"
    "V:3.1.4-r1\n"
    "A:x86_64\n"
    "I:4370432\n"
    "L:Apache-2.0\n"
    "o:openssl\n"
    "F:lib\n"
    "R:libcrypto.so.3\n"
    "F:usr/lib/engines-3\n"
    "R:afalg.so\n"
    "R:capi.so\n"
    "\n";

TEST(ApkInstalled, ParsesRealFormat) {
  auto pkgs = parse_apk_installed(k_installed);
  ASSERT_EQ(pkgs.size(), 2u);
  const Package& bb = pkgs[0];
  EXPECT_EQ(bb.ecosystem, "apk");
  EXPECT_EQ(bb.name, "busybox");
  EXPECT_EQ(bb.version, "1.36.1-r5");
  EXPECT_EQ(bb.arch, "x86_64");
  EXPECT_EQ(bb.licenses, std::vector<std::string>{"GPL-2.0-only"});
  EXPECT_EQ(bb.installed_size, 946176u);
  EXPECT_EQ(bb.source_name, "busybox");
  EXPECT_EQ(bb.source_version, "1.36.1-r5");
  EXPECT_EQ(bb.files, (std::vector<std::string>{"bin/busybox", "etc/securetty"}));
  const Package& lc = pkgs[1];
  EXPECT_EQ(lc.source_name, "openssl");
  EXPECT_EQ(lc.files,
            (std::vector<std::string>{"lib/libcrypto.so.3", "usr/lib/engines-3/afalg.so", "usr/lib/engines-3/capi.so"}));
}

TEST(ApkInstalled, ToleratesJunkAndMissingTrailingBlankLine) {
  auto pkgs = parse_apk_installed("junk\nP:a\nX\n::\nV:1\nR:orphan\n\n\nP:noversion\n\nP:b\nV:2");
  ASSERT_EQ(pkgs.size(), 2u);
  EXPECT_EQ(pkgs[0].files, std::vector<std::string>{"orphan"});
  EXPECT_EQ(pkgs[1].name, "b");
  EXPECT_TRUE(parse_apk_installed("").empty());
}

TEST(ApkAnalyzer, ReturnsPackagesJson) {
  auto an = make_apk_analyzer();
  image::FileMeta meta;
  meta.path = "lib/apk/db/installed";
  testing::StringReader in(k_installed);
  auto j = an->analyze(meta, in);
  ASSERT_TRUE(j);
  ASSERT_EQ((*j)["packages"].size(), 2u);
  EXPECT_EQ((*j)["packages"][1]["name"], "libcrypto3");
}

}  // namespace
}  // namespace ig::inventory
