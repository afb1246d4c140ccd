// upload_report over a real loopback socket (the scripted server of the
// client's tests): the calls made, "already exists" taken as success, and
// the batches' bodies as CloudWatch would receive them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aws/client.h"
#include "aws/logs.h"
#include "aws/test_http_server.h"

namespace ig::aws {
namespace {

using testing::CannedResponse;
using testing::ScriptedServer;

Client client_at(const ScriptedServer& server) {
  RetryPolicy once;
  once.max_attempts = 1;
  return *Client::make_at(k_logs, server.url(), "us-east-1", static_credentials({"AKIDEXAMPLE", "secret", ""}), once);
}

nlohmann::json body_of(const std::string& request) {
  return nlohmann::json::parse(request.substr(request.find("\r\n\r\n") + 4));
}

TEST(LogsUpload, ExistingGroupAndStreamThenOrderedBatches) {
  const std::string exists = R"({"__type":"ResourceAlreadyExistsException","message":"exists"})";
  ScriptedServer server({{400, exists, {}}, {400, exists, {}}, {200, "{}", {}}, {200, "{}", {}}});
  std::string report(1'500'000, 'r');
  auto stats = upload_report(client_at(server), "/g", "app_v1/findings", report, "RUN", 1000, true);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->events, 6u);
  EXPECT_EQ(stats->calls, 2u);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_NE(reqs[0].find("X-Amz-Target: Logs_20140328.CreateLogGroup"), std::string::npos);
  EXPECT_NE(reqs[1].find("X-Amz-Target: Logs_20140328.CreateLogStream"), std::string::npos);
  EXPECT_EQ(body_of(reqs[1])["logStreamName"], "app_v1/findings");
  std::string joined;
  int64_t last = 0;
  for (int i : {2, 3}) {
    EXPECT_NE(reqs[i].find("X-Amz-Target: Logs_20140328.PutLogEvents"), std::string::npos);
    auto b = body_of(reqs[i]);
    EXPECT_EQ(b["logGroupName"], "/g");
    EXPECT_FALSE(b.contains("sequenceToken"));
    size_t bytes = 0;
    for (const auto& e : b["logEvents"]) {
      EXPECT_GT(e["timestamp"].get<int64_t>(), last);
      last = e["timestamp"];
      std::string m = e["message"];
      bytes += m.size() + k_logs_event_overhead;
      joined += m + "\x1e";
    }
    EXPECT_LE(bytes, k_logs_max_batch_bytes);
  }
  std::vector<std::string> messages;
  for (size_t p = 0, q; (q = joined.find('\x1e', p)) != std::string::npos; p = q + 1) {
    messages.push_back(joined.substr(p, q - p));
  }
  EXPECT_EQ(*reassemble(messages, "RUN"), report);
}

TEST(LogsUpload, MissingGroupSaysHowToCreateIt) {
  ScriptedServer server({{400, R"({"__type":"ResourceNotFoundException","message":"no group"})", {}}});
  auto r = upload_report(client_at(server), "/g", "s", "x", "RUN", 0, false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--cloudwatch-create-log-group"), std::string::npos) << r.error().message;
}

TEST(LogsUpload, RejectedEventsAreAnError) {
  ScriptedServer server({{200, "{}", {}}, {200, R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":0}})", {}}});
  auto r = upload_report(client_at(server), "/g", "s", "x", "RUN", 0, false);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rejected events"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace ig::aws
