// The JSON API's mail users and their sender addresses: GET/POST /api/v1/users,
// GET/PATCH/DELETE /api/v1/users/{login}, GET/POST /api/v1/users/{login}/addresses and
// DELETE /api/v1/users/{login}/addresses/{pattern} (web/openapi.json, "Users").
//
// Owns: the JSON form of admin::UserView; a login or pattern in the path that cannot name anything is
// 404 (nothing of that name exists), while the same text in a body is 422 naming its field; the audit
// actions user.add, user.enable, user.disable, user.password, user.delete, address.add and address.remove,
// each with the login (and "login/pattern" for an address) as its object, never the password. A PATCH
// refused before its body was read is audited as user.change.
// Must not know: SQL, SASL. Thread-safety: the handlers run on every connection thread at once.
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addUserRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
