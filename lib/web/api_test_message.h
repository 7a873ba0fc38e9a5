// The JSON API's test message: POST /api/v1/test-message {"from","to"} → 202 {"queueId"}, a short message
// submitted through admin::TestMessages as the user who may send as "from", so it takes the same path (sender
// rules, DKIM signing, queue, route) as that user's own mail; the UI follows it by its queue ID.
//
// Must not know: SMTP sessions, the spool. Thread-safety: the handler runs on every connection thread at
// once (admin::TestMessages is thread-safe).
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addTestMessageRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
