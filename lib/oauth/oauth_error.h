// oauth::OAuthError — why no access token could be had, classified like every Postern failure.
//
// Temporary: the network, timeouts, TLS and certificate failures, HTTP 5xx and 429, redirects, malformed or
// oversized answers, RFC 6749 §5.2 errors that say "later" (temporarily_unavailable, server_error), and
// anything unknown (DESIGN.md "Errors"). Permanent: the endpoint refused the credential or the request
// (invalid_grant, invalid_client, unauthorized_client, invalid_scope, ...) or the configuration cannot
// work (bad URL): only the administrator can fix it.
//
// Mail must still be deferred, not bounced, on either kind: the message is fine, the relay's credential is
// not. severity() says whether retrying can help without an administrator; the wiring turns any
// OAuthError into a temporary delivery failure.
//
// what() is safe to log: the endpoint's host (never the URL's path or query), the HTTP status, and the
// RFC 6749 §5.2 error and error_description, with control characters turned into spaces, truncated, and
// any secret of the request (client secret, refresh token, also form-encoded; the access token of a 200
// answer) replaced by "[redacted]". The access token itself is never part of an error.
// Thread-safety: a plain value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace postern::oauth {

class OAuthError : public core::Error {
 public:
  OAuthError(core::Severity severity, const std::string& what, std::string code = {})
      : core::Error(severity, what), code_(std::move(code)) {}

  static OAuthError temporary(const std::string& what, std::string code = {}) {
    return OAuthError(core::Severity::Temporary, what, std::move(code));
  }
  static OAuthError permanent(const std::string& what, std::string code = {}) {
    return OAuthError(core::Severity::Permanent, what, std::move(code));
  }

  // Re-declared: the factories above hide core::Error::temporary().
  bool temporary() const { return core::Error::temporary(); }

  // The RFC 6749 §5.2 "error" value ("invalid_grant"), sanitised; empty when there was none.
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// Text from a peer or a library made safe for what(): every secret (and its form-encoded spelling) replaced
// by "[redacted]" — also when control characters interrupt it —, each run of control characters turned
// into one space, other bytes outside printable ASCII dropped, at most maxLength characters (then "...").
// Secrets shorter than 4 characters are not searched for (they would redact ordinary words).
std::string safeText(std::string_view text, const std::vector<std::string_view>& secrets,
                     std::size_t maxLength = 300);

}  // namespace postern::oauth
