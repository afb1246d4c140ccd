#include "aws/events.h"

#include <gtest/gtest.h>

namespace ig::aws {
namespace {

TEST(EventBridge, EntryCarriesTheVerdictAsDetail) {
  std::string verdict = R"({"schema_version":1,"decision":"deny","reasons":[{"rule":"r","items":["a"]}]})";
  auto e = verdict_event_entry(verdict, "");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["Source"], "imagegate");
  EXPECT_EQ((*e)["DetailType"], "imagegate check verdict");
  EXPECT_EQ(nlohmann::json::parse(std::string((*e)["Detail"])), nlohmann::json::parse(verdict));
  EXPECT_FALSE(e->contains("EventBusName"));
  EXPECT_FALSE(verdict_event_entry(verdict, "default")->contains("EventBusName"));
  EXPECT_EQ((*verdict_event_entry(verdict, "deploys"))["EventBusName"], "deploys");
  EXPECT_EQ(entry_size(*e), 9 + 23 + std::string((*e)["Detail"]).size());
  EXPECT_EQ(verdict_event_entry("[1]", "").error().code, ErrorCode::invalid_image);
}

TEST(EventBridge, LargeVerdictsAreTrimmedToFit) {
  nlohmann::json v{{"schema_version", 1}, {"decision", "deny"}, {"counts", {{"CRITICAL", 3}}}};
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 20'000; ++i) items.push_back("CVE-2024-" + std::to_string(i) + " in some-package 1.0 (HIGH)");
  v["reasons"] = {{{"rule", "vulnerabilities.severity"}, {"items", items}}};
  v["waived"] = items;
  auto e = verdict_event_entry(v.dump(), "");
  ASSERT_TRUE(e);
  EXPECT_LE(entry_size(*e), k_event_max_entry_bytes);
  auto d = nlohmann::json::parse(std::string((*e)["Detail"]));
  EXPECT_EQ(d["truncated"], true);
  EXPECT_EQ(d["decision"], "deny");
  EXPECT_EQ(d["counts"]["CRITICAL"], 3);
  EXPECT_EQ(d["reasons"][0]["items_count"], 20'000);
  EXPECT_FALSE(d["reasons"][0].contains("items"));
  EXPECT_FALSE(d.contains("waived"));

  // Without room even for the reasons, their rule names stay.
  auto tiny = event_detail(v.dump(), 170);
  ASSERT_TRUE(tiny);
  auto t = nlohmann::json::parse(*tiny);
  EXPECT_EQ(t["rules_fired"], nlohmann::json::array({"vulnerabilities.severity"}));
  EXPECT_FALSE(t.contains("reasons"));
}

TEST(EventBridgeAnswer, FailedEntriesAreErrors) {
  auto ok = put_events_result(nlohmann::json::parse(R"({"FailedEntryCount":0,"Entries":[{"EventId":"e-1"}]})"), "b");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "e-1");
  auto failed = put_events_result(
      nlohmann::json::parse(
          R"({"FailedEntryCount":1,"Entries":[{"ErrorCode":"AccessDeniedException","ErrorMessage":"not allowed"}]})"),
      "deploys");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::network);
  EXPECT_NE(failed.error().message.find("bus deploys"), std::string::npos);
  EXPECT_NE(failed.error().message.find("AccessDeniedException: not allowed"), std::string::npos);
  EXPECT_NE(failed.error().message.find("events:PutEvents"), std::string::npos);
  for (const char* odd : {"{}", "[]", R"({"Entries":"x"})", R"({"Entries":[1]})", R"({"FailedEntryCount":"1"})"}) {
    EXPECT_FALSE(put_events_result(nlohmann::json::parse(odd), "b")) << odd;
  }
}

}  // namespace
}  // namespace ig::aws
