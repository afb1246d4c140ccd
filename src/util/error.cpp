#include "util/error.h"

namespace ig {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::internal: return "internal error";
    case ErrorCode::usage: return "usage error";
    case ErrorCode::not_found: return "not found";
    case ErrorCode::integrity: return "integrity failure";
    case ErrorCode::invalid_image: return "invalid image";
    case ErrorCode::network: return "network error";
    case ErrorCode::io: return "I/O error";
    case ErrorCode::no_signatures: return "no signatures";
    case ErrorCode::invalid_signature: return "invalid signature";
    case ErrorCode::untrusted_signer: return "untrusted signer";
  }
  return "error";
}

}  // namespace ig
