#include "web/security_headers.h"

#include <string>

namespace postern::web {

CachePolicy cachePolicyFor(std::string_view path) {
  // /metrics: a scrape is a reading of now; a cached one would hide a stalled server.
  const bool api = path == "/api" || path.substr(0, 5) == "/api/" || path == "/metrics";
  return api ? CachePolicy::NoStore : CachePolicy::NoCache;
}

void applySecurityHeaders(Poco::Net::HTTPResponse& response, CachePolicy cache) {
  response.set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Strict-Transport-Security", "max-age=31536000");
  response.set("Cache-Control", cache == CachePolicy::NoStore ? "no-store" : "no-cache");
}

}  // namespace postern::web
