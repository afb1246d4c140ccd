#include "util/spelling.h"

#include <gtest/gtest.h>

namespace ig {
namespace {

TEST(Spelling, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("--ignorefle", "--ignorefile"), 1u);
  EXPECT_EQ(edit_distance("--severty", "--severity"), 1u);
}

TEST(Spelling, SuggestsTheNearestPlausibleWord) {
  std::vector<std::string> opts{"--ignore-file", "--ignorefile", "--severity", "--severity-threshold", "--format"};
  EXPECT_EQ(closest_word("--ignorefle", opts), "--ignorefile");
  EXPECT_EQ(closest_word("--ignore-fiel", opts), "--ignore-file");
  EXPECT_EQ(closest_word("--severty", opts), "--severity");
  EXPECT_EQ(closest_word("--fromat", opts), "--format");
  EXPECT_EQ(closest_word("--zzzzzzzzzz", opts), "");
  EXPECT_EQ(closest_word("--x", {}), "");
}

}  // namespace
}  // namespace ig
