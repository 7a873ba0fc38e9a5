// Reading a token endpoint's answer: RFC 6749 §5.1 (success) and §5.2 (error), RFC 6750 §2.1 (the
// access token's syntax), with HTTP status classification. No I/O, so every answer shape is testable
// without a server.
//
// Must not know: sockets, TLS. Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/oauth_error.h"
#include "oauth/token.h"

namespace postern::oauth {

struct EndpointAnswer {
  int status = 0;
  std::string reason;  // the HTTP reason phrase
  std::string body;    // already bounded by the reader
};

// The token in a 200 answer, or throws OAuthError (see oauth_error.h for the classes). host names the
// endpoint in messages; requestedAt + expires_in (default 3600 s when absent) gives Token::expiresAt;
// secrets are redacted from any text quoted from the answer.
Token parseTokenAnswer(const EndpointAnswer& answer, std::string_view host,
                       std::chrono::system_clock::time_point requestedAt,
                       const std::vector<std::string_view>& secrets);

// RFC 6749 §5.2 error codes that need the administrator (permanent); every other code is temporary.
bool errorNeedsAdmin(std::string_view code);

}  // namespace postern::oauth
