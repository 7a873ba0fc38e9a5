// oauth::TokenRequest / Token — what Postern asks a token endpoint for, and what it gets back.
//
// Owns: the value types shared by the endpoint client, the cache and the presets. Must not know: HTTP,
// TLS, SMTP. Thread-safety: plain value types.
//
// RFC 6749 §4.4 (client credentials grant: Microsoft 365 app-only) and §6 (refreshing with a stored refresh
// token: Google, and Microsoft delegated access). The client authenticates with client_id/client_secret in
// the request body (§2.3.1), which both Microsoft and Google accept.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "modes/route_modes.h"

namespace postern::oauth {

// The route modes' type (modes/route_modes.h), where the store and the CLI spell it too.
using Grant = modes::Grant;

// "client_credentials" / "refresh_token": the grant_type value (RFC 6749 §4.4.2, §6).
std::string_view grantType(Grant grant);

struct TokenRequest {
  std::string tokenEndpoint;  // https://... (http:// only to 127.0.0.1, ::1 or localhost: tests)
  std::string clientId;
  std::string clientSecret;  // secret; may be empty (public client with a refresh token)
  std::string scope;         // space-separated; empty: not sent
  Grant grant = Grant::ClientCredentials;
  std::string refreshToken;          // secret; for Grant::RefreshToken
  std::string caFile;                // PEM file or directory; empty: the system CA bundle
  std::chrono::seconds timeout{30};  // the whole exchange: connect, TLS, request, answer
};

struct Token {
  std::string accessToken;                          // secret
  std::chrono::system_clock::time_point expiresAt;  // clock time before the request + expires_in
  std::string refreshToken;  // secret; non-empty when the endpoint returned one (Microsoft rotates it)
};

}  // namespace postern::oauth
