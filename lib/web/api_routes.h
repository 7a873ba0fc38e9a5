// The JSON API's relay route endpoints: GET and POST /api/v1/routes, GET /api/v1/routes/presets,
// GET /api/v1/routes/test?sender=, GET, PATCH and DELETE /api/v1/routes/{name}, and
// POST /api/v1/routes/{name}/check (connects to the route's smarthosts without sending mail).
//
// Owns: the JSON of admin::RouteView and admin::RouteChange (modes parsed once here with lib/modes, so an
// unknown spelling is a 422 naming the field), the presets' labels for the UI, and the rule that secrets
// (password, OAuth client secret, refresh token) are write-only: a view says only whether one is stored,
// the handler wipes its copies, and audit rows name the route alone.
// Must not know: SQL, the vault, the relay's connections (ApiServices::checkRoute does the connecting).
// Thread-safety: the handlers run on every connection thread at once (admin::Routes serialises its calls).
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addRouteRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
