#include "report/sbom_licenses.h"

#include <gtest/gtest.h>

namespace ig::report {
namespace {

TEST(SbomLicenses, CanonicalIdIsCaseInsensitive) {
  EXPECT_EQ(canonical_license_id("mit"), "MIT");
  EXPECT_EQ(canonical_license_id("apache-2.0"), "Apache-2.0");
  EXPECT_EQ(canonical_license_id("GPL-2.0"), "GPL-2.0");  // deprecated ids stay valid
  EXPECT_EQ(canonical_license_id("GPL-2.0+"), "");        // an id with "+" is an expression
  EXPECT_EQ(canonical_license_id("GPL-2+"), "");             // Debian's short name is not an SPDX id
  EXPECT_EQ(canonical_license_id(""), "");
  EXPECT_EQ(canonical_exception_id("classpath-exception-2.0"), "Classpath-exception-2.0");
  EXPECT_EQ(canonical_exception_id("MIT"), "");
}

TEST(SbomLicenses, NormalizesValidExpressions) {
  EXPECT_EQ(normalize_license_expression("mit"), "MIT");
  EXPECT_EQ(normalize_license_expression("MIT or apache-2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(normalize_license_expression("  (MIT)  "), "MIT");
  EXPECT_EQ(normalize_license_expression("(MIT OR BSD-3-Clause) AND Zlib"), "(MIT OR BSD-3-Clause) AND Zlib");
  EXPECT_EQ(normalize_license_expression("MIT OR (BSD-3-Clause AND Zlib)"), "MIT OR BSD-3-Clause AND Zlib");
  EXPECT_EQ(normalize_license_expression("GPL-2.0-only WITH classpath-exception-2.0"),
            "GPL-2.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(normalize_license_expression("LGPL-2.1+"), "LGPL-2.1+");
  EXPECT_EQ(normalize_license_expression("Apache-2.0+"), "Apache-2.0+");
  EXPECT_EQ(normalize_license_expression("LicenseRef-Acme AND MIT"), "LicenseRef-Acme AND MIT");
  EXPECT_EQ(normalize_license_expression("DocumentRef-x:LicenseRef-y"), "DocumentRef-x:LicenseRef-y");
}

TEST(SbomLicenses, RejectsInvalidExpressions) {
  for (const char* bad : {"", "   ", "Apache 2.0", "GPL-2+", "MIT OR", "AND MIT", "(MIT", "MIT)", "MIT WITH MIT",
                          "MIT WITH", "LicenseRef-", "LicenseRef-a b", "MIT And Zlib", "()", "MIT MIT"}) {
    EXPECT_FALSE(normalize_license_expression(bad).has_value()) << bad;
  }
}

TEST(SbomLicenses, BoundsHostileInput) {
  std::string deep(40, '(');
  deep += "MIT" + std::string(40, ')');
  EXPECT_FALSE(normalize_license_expression(deep).has_value());
  std::string shallow = std::string(10, '(') + "MIT" + std::string(10, ')');
  EXPECT_EQ(normalize_license_expression(shallow), "MIT");
  std::string lng;
  for (int i = 0; i < 1000; ++i) lng += "MIT OR ";
  lng += "MIT";
  EXPECT_FALSE(normalize_license_expression(lng).has_value());
}

TEST(SbomLicenses, CompoundDetection) {
  EXPECT_FALSE(is_compound_license_expression("MIT"));
  EXPECT_FALSE(is_compound_license_expression("GPL-2.0+"));
  EXPECT_TRUE(is_compound_license_expression("MIT OR Zlib"));
}

TEST(SbomLicenses, IdString) {
  EXPECT_EQ(spdx_idstring("left-pad"), "left-pad");
  EXPECT_EQ(spdx_idstring("@scope/x_y"), "-scope-x-y");
  EXPECT_EQ(spdx_idstring(""), "unknown");
}

}  // namespace
}  // namespace ig::report
