// The JSON API's sign-in endpoints: POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me, and the
// first administrator's setup (GET and POST /api/v1/setup); the second factor: POST /api/v1/login/totp (the
// sign-in's second step) and one's own enrollment (POST /api/v1/me/totp, /me/totp/confirm, /me/totp/disable).
//
// Owns: one answer (401 "wrong login or password") for an unknown account, a wrong password and a
// disabled account, after a fixed delay; 429 with Retry-After while admin::AdminSignIn throttles the
// client or the login; a new session for every sign-in (a cookie the browser had before is ended, never
// reused: no fixation); the setup link's token refused with one 403 whatever was wrong with it.
// An account with a second factor gets no cookie from /login: the answer is {"secondFactor": "totp",
// "pending": token}, and /login/totp with that token and a code is the only way on (401
// "second_factor_failed" spends the token; the audit log records it as admin.totp.verify).
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
