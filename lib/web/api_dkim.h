// The JSON API's DKIM key endpoints: GET /api/v1/dkim, GET and POST /api/v1/dkim/{domain}, and GET, PATCH
// and DELETE /api/v1/dkim/{domain}/{selector} (list, generate or import, show, activate or retire, delete).
//
// Owns: the JSON of admin::DkimKeyView (with the record's name and TXT value apart, for a DNS provider's
// form) and telling a generate request from an import one by its fields. An imported private key is a
// secret: the handler's copy is wiped (core::SecretString) and neither the audit row nor the log names
// anything but "domain/selector".
// Must not know: SQL, the vault. Thread-safety: the handlers run on every connection thread at once
// (admin::DkimKeys serialises its calls).
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addDkimRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
