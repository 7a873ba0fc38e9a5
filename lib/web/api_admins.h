// The JSON API's administration: the web admin's own accounts (GET/POST /api/v1/admins,
// PATCH/DELETE /api/v1/admins/{login}) and the audit log (GET /api/v1/audit) (web/openapi.json,
// "Administration").
//
// Owns these rules:
// - Listing, adding and deleting accounts, and changing another account or any role or state, need role
//   admin. Any signed-in account may change its own password (PATCH of its own login with only
//   "password"); that keeps the caller's session and ends the account's others (admin::AdminAccounts).
// - The last enabled account with role admin cannot be disabled, demoted or deleted: 409 from the service.
// - Audit actions admin.add, admin.role, admin.enable, admin.disable, admin.password and admin.delete, with
//   the account's login as object; a PATCH refused before its body was read is audited as admin.change.
// - DELETE /api/v1/admins/{login}/totp (role admin) resets a colleague's second factor (audit
//   admin.totp.reset); each account in the list says whether it has one ("totp").
// - The audit log is readable by every signed-in role, newest first, filtered by exact actor and action.
// Must not know: SQL. Thread-safety: the handlers run on every connection thread at once.
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addAdminRoutes(Router& router, ApiServices& services, const ApiGuard& guard);
void addAuditRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
