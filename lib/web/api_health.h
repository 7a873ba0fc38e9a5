// The health endpoint: GET /healthz, no sign-in, for container health checks (`postern healthcheck`),
// load balancers and monitoring. 200 {"status":"ok"} when admin::Health finds the server able to work,
// 503 {"status":"unavailable","problems":[...]} otherwise.
//
// Outside /api/v1 on purpose: it is not part of the admin API and no tool should need a session or a
// CSRF token for it. Who may ask is still decided by admin.allowed_networks (the listener refuses other
// clients at accept), and the answer names no user, message or secret, only what failed.
// Must not know: what the probes do (admin::Health). Thread-safety: the handler runs on every connection
// thread at once (admin::Health is thread-safe).
#pragma once

#include "admin/health.h"
#include "web/router.h"

namespace postern::web {

void addHealthRoutes(Router& router, admin::Health& health);

}  // namespace postern::web
