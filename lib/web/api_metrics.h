// The metrics endpoint: GET /metrics in the Prometheus text exposition format 0.0.4, for a Prometheus
// server (README "Metrics"). No admin sign-in and no CSRF token: a scraper has neither.
//
// Access: only the admin listener serves it, so admin.allowed_networks decides who may connect at all (the
// listener refuses other clients at accept). With admin.metrics_token set, a request must also carry
// "Authorization: Bearer <token>" (RFC 6750 §2.1); the token is compared in constant time, and a missing or
// wrong one gets 401 with WWW-Authenticate (RFC 6750 §3) and is never logged. The answer holds counts
// only: no login, address or message (metrics::Registry's label sets are fixed).
// Must not know: what is measured (metrics::Registry), sockets. Thread-safety: the handler runs on every
// connection thread at once; Registry::render() is safe for that.
#pragma once

#include <string>

#include "core/secret.h"
#include "metrics/registry.h"
#include "web/router.h"

namespace postern::web {

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// True when an Authorization field value presents the token as a Bearer credential. The scheme is
// case-insensitive (RFC 9110 §11.1); an empty token never matches.
bool presentsBearerToken(std::string_view authorization, std::string_view token);

// token: admin.metrics_token; empty: no token is asked for.
void addMetricsRoutes(Router& router, const metrics::Registry& registry, core::SecretString token);

}  // namespace postern::web
