// What the client retries and how long it waits: the AWS SDKs' "standard"
// retry mode (throttling, 5xx and transport errors; full-jitter exponential
// backoff capped at 20 s). Pure functions, so the policy is unit-tested
// without a server.
#pragma once

#include <chrono>
#include <string_view>

namespace ig::aws {

// True for the error codes AWS uses for throttling ("ThrottlingException",
// "TooManyRequestsException", "SlowDown", ...). ECR's LimitExceededException
// (one scan per image per day) is not throttling and is not retried.
bool is_throttling_code(std::string_view code);

// True when an answer is worth another attempt: a transport failure, HTTP
// 429, 500, 502, 503, 504, or a throttling / transient error code.
bool is_retryable(bool transport_error, long status, std::string_view code);

// The wait before retry number `retry` (1 for the first retry): a uniformly
// random time in [0, min(20 s, base * 2^(retry-1))], `unit` in [0,1) being
// the random draw.
std::chrono::milliseconds backoff_delay(int retry, std::chrono::milliseconds base, double unit);

}  // namespace ig::aws
