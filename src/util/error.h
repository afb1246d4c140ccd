// Errors that a user can cause, and the exit codes they map to.
//
// Every failure a user can cause carries a message that names the thing, the
// cause and the fix. Engines return Result<T>; only the CLI turns an Error into
// an exit code, so the same engines can serve an HTTP server later.
#pragma once

#include <fmt/format.h>

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace ig {

// Exit codes are part of the public interface: see README.md "Exit codes".
enum class ErrorCode : int {
  internal = 1,       // a bug in imagegate; please report it
  usage = 2,          // bad flags, bad reference syntax, bad option values
  not_found = 3,      // image, tag, blob or file not found, or access denied
  integrity = 4,      // digest or size mismatch
  invalid_image = 5,  // malformed manifest/config/layer, unsafe content, limits hit
  network = 6,        // registry unreachable, timeouts, server errors after retries
  io = 7,             // local file system or cache errors
  // Signature verification outcomes (verify, verify-blob), distinct so that a
  // deploy gate can tell "nobody signed this" from "somebody tampered with it".
  no_signatures = 10,     // no signature of the wanted kind is attached
  invalid_signature = 11, // a signature is present but does not verify (bytes, digest, tlog, chain)
  untrusted_signer = 12,  // the signature verifies but the signer is not the one required
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;

  int exit_code() const { return static_cast<int>(code); }
  // Prefixes context ("reading layer sha256:…: ") to the message.
  Error with_context(std::string_view context) const {
    return Error{code, std::string(context) + ": " + message};
  }
};

template <typename T>
using Result = tl::expected<T, Error>;

// Builds a failed Result: `return fail(ErrorCode::usage, "bad {}", x);`
template <typename... Args>
tl::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  return tl::unexpected<Error>(Error{code, fmt::format(f, std::forward<Args>(args)...)});
}

inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

const char* error_code_name(ErrorCode code);

}  // namespace ig

// Evaluates a Result-returning expression; on failure returns its error from the
// enclosing function, otherwise yields nothing. Use IG_ASSIGN to keep the value.
#define IG_TRY(expr)                                      \
  do {                                                    \
    auto ig_try_result_ = (expr);                         \
    if (!ig_try_result_) return ::ig::fail(std::move(ig_try_result_.error())); \
  } while (0)

#define IG_CONCAT_INNER_(a, b) a##b
#define IG_CONCAT_(a, b) IG_CONCAT_INNER_(a, b)
#define IG_ASSIGN(lhs, expr) IG_ASSIGN_IMPL_(IG_CONCAT_(ig_assign_tmp_, __LINE__), lhs, expr)
#define IG_ASSIGN_IMPL_(tmp, lhs, expr)                               \
  auto tmp = (expr);                                                  \
  if (!tmp) return ::ig::fail(std::move(tmp.error()));                \
  lhs = std::move(*tmp)
