// The JSON API's sending limits (README "Sending limits"; web/openapi.json, "Sending limits"):
// GET /api/v1/limits (the defaults and the users with any use in the last 24 hours, the most used first,
// each marked near (80 % of a limit) and limited (refused by a limit within 24 hours)),
// GET /api/v1/users/{login}/limits and PATCH /api/v1/users/{login}/limits with
// {"messagesPerHour": N | "default", "recipientsPerDay": N | "default"} (0 = unlimited; an absent field is
// left as it is). The use shown is the running server's live count.
//
// Owns: the JSON form of admin::SendingLimitsView; the audit action user.limits with the login as its
// object. Must not know: SQL, SMTP. Thread-safety: the handlers run on every connection thread at once.
#pragma once

#include "admin/sending_limits.h"
#include "web/api_guard.h"
#include "web/router.h"

namespace postern::web {

void addLimitRoutes(Router& router, admin::SendingLimits& limits, const ApiGuard& guard);

}  // namespace postern::web
