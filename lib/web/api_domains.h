// The domains API (/api/v1/domains...): the mail domains, their settings, the records to publish with the
// last check, and the check on demand, over admin::Domains. HTTP and JSON only; the rules are the service's.
// Thread-safety: as the service.
#pragma once

#include "web/api_guard.h"
#include "web/api_services.h"
#include "web/router.h"

namespace postern::web {

void addDomainRoutes(Router& router, ApiServices& services, const ApiGuard& guard);

}  // namespace postern::web
