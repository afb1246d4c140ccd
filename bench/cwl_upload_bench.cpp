// The CloudWatch Logs upload of one large report, as check's
// --cloudwatch-log-group sends it (aws::upload_report: CreateLogStream, then
// PutLogEvents batches), against whatever AWS_ENDPOINT_URL names (moto in
// bench/run-cwl-bench.sh). Writes the report to OUT so the script can check
// that it reassembles, and prints one line of figures.
//
// usage: cwl_upload_bench GROUP STREAM MEBIBYTES OUT
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "aws/client.h"
#include "aws/logs.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: cwl_upload_bench GROUP STREAM MEBIBYTES OUT\n");
    return 2;
  }
  const size_t size = std::strtoull(argv[3], nullptr, 10) * 1024 * 1024;
  // A findings-like JSON report with multi-byte characters, so that cuts
  // fall inside them.
  std::string report = "{\"findings\":[\n";
  for (size_t i = 0; report.size() < size; ++i) {
    report += fmt::format(
        "  {{\"id\":\"CVE-2024-{:05d}\",\"package\":\"paquet-é-{}\",\"version\":\"1.0.{}\",\"severity\":\"HIGH\","
        "\"title\":\"débordement de tampon 📦 in the parser\"}},\n",
        i % 100000, i, i);
  }
  report += "]}\n";
  std::ofstream(argv[4], std::ios::binary) << report;

  auto client = ig::aws::Client::make(ig::aws::k_logs, ig::aws::default_region(), ig::aws::default_credentials());
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message.c_str());
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto stats = ig::aws::upload_report(*client, argv[1], argv[2], report, "bench", now_ms, false);
  auto t1 = std::chrono::steady_clock::now();
  if (!stats) {
    std::fprintf(stderr, "%s\n", stats.error().message.c_str());
    return 1;
  }
  double ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  // One CreateLogStream, then one PutLogEvents per batch.
  std::printf("report_bytes=%zu events=%zu put_log_events=%zu requests=%zu counted_bytes=%zu wall_ms=%.1f\n",
              report.size(), stats->events, stats->calls, stats->calls + 1, stats->bytes, ms);
  return 0;
}
