// Fuzzes the AWS shared config/credentials file parser, credential_process
// output, the shell-like splitting of credential_process command lines, and
// ISO 8601 times; none may crash, and the parsed config must hold no empty key.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/credential_providers.h"
#include "aws/credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool credentials_file : {false, true}) {
    ig::aws::SharedConfig cfg;
    if (ig::aws::parse_shared_file(input, credentials_file, "fuzz", cfg)) {
      for (const auto& [name, section] : cfg.profiles) {
        for (const auto& [key, value] : section) {
          if (key.empty()) __builtin_trap();
        }
      }
    }
  }
  (void)ig::aws::parse_process_output(input, "fuzz");
  (void)ig::aws::split_command_line(input);
  (void)ig::aws::parse_iso8601(input);
  return 0;
}
