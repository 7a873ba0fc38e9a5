// The JSON API's dashboard endpoint: GET /api/v1/status, admin::StatusView in the shape of
// web/openapi.json's Status (figures, the first-steps checklist and the problems, each with its page).
//
// Must not know: SQL, how the figures are counted (admin::Status). Thread-safety: the handler runs on every
// connection thread at once (admin::Status is thread-safe).
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addStatusRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
