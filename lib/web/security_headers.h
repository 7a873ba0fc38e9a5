// web security headers — the header fields every answer of the web admin carries, whoever writes it: an
// asset, an API answer, an error from the dispatcher, and the answers written straight to the socket (403
// for a network that is not allowed, 400 for a head that cannot be read, 413).
//
//   Content-Security-Policy: scripts, styles and fetches from this origin only; no framing (clickjacking),
//     no <base> (relative URLs cannot be redirected), forms post only here.
//   X-Content-Type-Options: nosniff — a JSON error is never run as a script or shown as HTML.
//   Referrer-Policy: no-referrer — admin URLs (logins, queue IDs) do not leak to links followed.
//   Strict-Transport-Security — the admin is HTTPS only (RFC 6797); browsers stop offering plain HTTP.
//   Cache-Control: no-store for /api/ (answers hold addresses, queue contents and CSRF tokens, which must not
//     land in a disk cache); no-cache for the UI's files, revalidated through their ETag.
// Must not know: sockets, routes. Thread-safety: pure functions.
#pragma once

#include <Poco/Net/HTTPResponse.h>

#include <string_view>

namespace postern::web {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

enum class CachePolicy { NoStore, NoCache };

// NoStore for the API ("/api" and below) and /metrics, NoCache for everything else (the UI's files).
CachePolicy cachePolicyFor(std::string_view path);

// Sets the security header fields and Cache-Control on response, replacing values already there.
void applySecurityHeaders(Poco::Net::HTTPResponse& response, CachePolicy cache);

}  // namespace postern::web
