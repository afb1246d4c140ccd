// What the AWS sinks read or cut from text they do not control: report text
// cut into CloudWatch events (any bytes: valid_utf8, split_utf8,
// report_events must reassemble to the valid text), log event messages read
// back (reassemble) and verdict documents trimmed for
// EventBridge (event_detail). Nothing may crash, and the round trips hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "aws/events.h"
#include "aws/logs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string valid = ig::aws::valid_utf8(text);
  if (ig::aws::valid_utf8(valid) != valid) std::abort();

  std::string joined;
  for (const auto& piece : ig::aws::split_utf8(text, 4 + size % 13)) joined += piece;
  if (joined != text) std::abort();

  // Small events (the marker takes 21 to 27 bytes) so that inputs cut often.
  auto events = ig::aws::report_events(text, "fuzz", 0, 26 + 40 + size % 7);
  std::vector<std::string> messages;
  for (const auto& e : events) messages.push_back(e.message);
  auto back = ig::aws::reassemble(messages, "fuzz");
  if (!back || *back != valid) std::abort();

  // The input as log messages, one per line.
  std::vector<std::string> lines;
  for (size_t pos = 0; pos <= text.size();) {
    auto nl = text.find('\x1e', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  (void)ig::aws::reassemble(lines, "fuzz");
  (void)ig::aws::event_detail(text, 200 + size % 500);
  return 0;
}
