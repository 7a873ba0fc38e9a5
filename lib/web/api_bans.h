// The JSON API's brute-force ban list (web/openapi.json, "Bans"): GET /api/v1/bans[?all=true],
// POST /api/v1/bans/lift {"kind": "addr"|"login", "key": "..."} and DELETE /api/v1/bans (lift every ban).
// A key is taken from the body rather than the path, since an IPv6 client's key holds a '/'
// ("2001:db8:1:2::/64").
//
// Owns these rules: every signed-in role may list; lifting needs role admin (guard.change) and is
// audited as ban.lift (object "KIND:KEY") or ban.lift_all. The server's process holds the list, so a
// lift here applies to the next AUTH at once. An unknown ban is 404; a bad kind 422 naming the field.
// Must not know: SQL. Thread-safety: the handlers run on every connection thread at once (the list is
// thread-safe).
#pragma once

#include "admin/bans.h"
#include "web/api_guard.h"
#include "web/router.h"

namespace postern::web {

void addBanRoutes(Router& router, admin::Bans& bans, const ApiGuard& guard);

}  // namespace postern::web
