// oauth::TokenEndpointClient — one token request: an HTTPS POST to the token endpoint and its answer.
//
// Owns: the endpoint URL rules (https only, except http to 127.0.0.1 / ::1 / localhost for tests; no user
// info, no fragment), the form-encoded body (RFC 6749 §4.4.2 client credentials, §6 refresh token, client
// authentication in the body per §2.3.1), the TLS policy of the request (tls::makeClientContext: the
// endpoint's certificate must chain to caFile or the system bundle and carry the URL's host name — checked
// by OpenSSL during the handshake, so nothing, least of all the secret, is sent to an unverified peer),
// one overall deadline (TokenRequest::timeout), no redirects followed (a 3xx is a temporary error: the
// secret never goes anywhere but the configured URL), and a bounded answer (64 KiB by default).
// Must not know: caching, SMTP, the configuration file.
// Thread-safety: request() may run on several threads at once (no state besides the limit).
// Virtual so that TokenSource can be tested with a fake and callers can substitute it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "oauth/oauth_error.h"
#include "oauth/token.h"

namespace postern::oauth {

struct EndpointUrl {
  bool https = true;
  std::string host;  // without brackets for IPv6 literals
  std::uint16_t port = 443;
  std::string pathAndQuery;  // "/tenant/oauth2/v2.0/token"
};

// Throws OAuthError (permanent) naming the rule that the URL breaks; never quotes the URL's query.
EndpointUrl parseEndpointUrl(std::string_view url);

// Every configuration problem of a request, each naming the field ("token endpoint: ..."), never quoting a
// secret; empty when the request can be sent. For config validation at start-up (STYLE.md §8); request()
// checks the same rules and refuses with a permanent OAuthError.
std::vector<std::string> requestProblems(const TokenRequest& request);

// The request body for request, exactly as sent (RFC 6749 §4.4.2 / §6): grant_type, client_id,
// client_secret (when not empty), scope (when not empty), refresh_token (refresh grant).
std::string tokenRequestBody(const TokenRequest& request);

class TokenEndpointClient {
 public:
  static constexpr std::size_t kDefaultMaxAnswerBytes = 64 * 1024;

  explicit TokenEndpointClient(std::size_t maxAnswerBytes = kDefaultMaxAnswerBytes)
      : maxAnswerBytes_(maxAnswerBytes) {}
  virtual ~TokenEndpointClient();

  // Sends request and returns the token; throws OAuthError (nothing else). clock stamps expiresAt.
  virtual Token request(const TokenRequest& request, const core::Clock& clock);

 private:
  std::size_t maxAnswerBytes_;
};

}  // namespace postern::oauth
