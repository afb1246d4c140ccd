#include "report/sbom_table.h"

#include <gtest/gtest.h>

#include "report/sbom_test_support.h"

namespace ig::report {
namespace {

TEST(SbomTable, HeaderAndSortedRows) {
  auto out = write_sbom_table(testing::example_input());
  EXPECT_EQ(out,
            "Image: docker.io/library/example:1.0\n"
            "Digest: sha256:abababababababababababababababababababababababababababababababab\n"
            "Platform: linux/amd64\n"
            "OS: Debian GNU/Linux 12 (bookworm)\n"
            "Packages: 4\n"
            "\n"
            "NAME      VERSION           TYPE\n"
            "bash      5.2.15-2+b2       deb\n"
            "left-pad  1.3.0             npm\n"
            "libssl3   3.0.11-1~deb12u2  deb\n"
            "zlib1g    1:1.2.13.dfsg-1   deb\n");
}

TEST(SbomTable, UnknownOsAndControlCharacters) {
  SbomInput in;
  in.image.name = "dir:/";
  inventory::Package p;
  p.ecosystem = "npm";
  p.name = "evil\x1b[2J";
  p.version = "1";
  in.inventory.packages.push_back(p);
  auto out = write_sbom_table(in);
  EXPECT_NE(out.find("OS: unknown\n"), std::string::npos);
  EXPECT_NE(out.find("evil?[2J"), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace ig::report
