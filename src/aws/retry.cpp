#include "aws/retry.h"

#include <algorithm>
#include <array>

namespace ig::aws {

namespace {
constexpr std::chrono::milliseconds k_max_backoff{20000};
}

bool is_throttling_code(std::string_view code) {
  // The SDKs' list of throttling codes.
  static constexpr std::array<std::string_view, 13> k_codes{
      "Throttling",           "ThrottlingException",     "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
      "RequestThrottled",     "SlowDown",                "PriorRequestNotComplete",
      "EC2ThrottledException"};
  return std::find(k_codes.begin(), k_codes.end(), code) != k_codes.end();
}

bool is_retryable(bool transport_error, long status, std::string_view code) {
  if (transport_error) return true;
  if (is_throttling_code(code)) return true;
  if (code == "RequestTimeout" || code == "RequestTimeoutException" || code == "InternalError" ||
      code == "InternalFailure" || code == "ServiceUnavailable") {
    return true;
  }
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base, double unit) {
  if (retry < 1) retry = 1;
  unit = std::clamp(unit, 0.0, 1.0);
  // 2^(retry-1), bounded before it can overflow: 2^20 * base is far past the cap.
  long long factor = 1LL << std::min(retry - 1, 20);
  long long ceiling = std::min<long long>(k_max_backoff.count(), base.count() * factor);
  return std::chrono::milliseconds(static_cast<long long>(unit * static_cast<double>(ceiling)));
}

}  // namespace ig::aws
