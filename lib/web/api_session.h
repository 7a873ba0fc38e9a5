// The JSON API's sign-in endpoints: POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me, and the
// first administrator's setup (GET and POST /api/v1/setup).
//
// Owns: one answer (401 "wrong login or password") for an unknown account, a wrong password and a
// disabled account, after a fixed delay; 429 with Retry-After while admin::AdminSignIn throttles the
// client or the login; a new session for every sign-in (a cookie the browser had before is ended, never
// reused: no fixation); the setup link's token refused with one 403 whatever was wrong with it.
// Must not know: SQL. Thread-safety: the handlers run on every connection thread at once.
#pragma once

#include <chrono>

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

struct SessionEndpointOptions {
  std::chrono::milliseconds failureDelay{500};  // before a refused sign-in is answered
  std::chrono::seconds retryAfter{60};          // Retry-After of a throttled sign-in
};

void addSessionRoutes(Router& router, ApiServices& services, const ApiGuard& guard,
                      SessionEndpointOptions options = {});

}  // namespace postern::web
