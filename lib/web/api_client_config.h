// The documents mail clients configure themselves from (admin::ClientSetup, lib/clientconfig), as HTTP:
//
// Public (the public listener, beside the MTA-STS policy; no admin session, nothing of the admin UI):
// - GET /.well-known/autoconfig/mail/config-v1.1.xml and GET /mail/config-v1.1.xml: Thunderbird's
//   autoconfig, for ?emailaddress= or, without it, for the domain of an autoconfig.DOMAIN Host header.
// - POST and GET /autodiscover/autodiscover.xml (and the capitalised /Autodiscover/Autodiscover.xml that
//   Outlook also sends): the POX Autodiscover answer; a GET reads ?emailaddress=.
// - GET /profile.mobileconfig: the Apple profile of the user whose mail login and password come with HTTP
//   Basic authentication (RFC 7617). A missing, malformed or wrong credential is 401 with
//   WWW-Authenticate and one text whatever the reason; a throttled client is 429 with Retry-After and no
//   password checked; the store failing is 503. The password is never logged.
// Admin API: GET /api/v1/users/{login}/profile.mobileconfig (an administrator's session, as every user
// endpoint) and GET /api/v1/client-settings, what the user page shows to type by hand (web/openapi.json).
//
// Owns: the content types (XML, application/x-apple-aspen-config with a Content-Disposition file name),
// Cache-Control: no-store on every document (a profile is personal; the others follow the settings), and
// the mapping of ClientSetup's answers to HTTP statuses. Unknown domains and users are 404 through the
// dispatcher's error mapping.
// Must not know: SQL, the document formats. Thread-safety: the handlers run on every connection thread.
#pragma once

#include "admin/client_setup.h"
#include "web/api_guard.h"
#include "web/router.h"

namespace postern::web {

inline constexpr const char* kProfileRealm = "Basic realm=\"Postern mail profile\", charset=\"UTF-8\"";

// The public listener's routes for the client documents.
void addClientConfigRoutes(Router& router, admin::ClientSetup& setup);
// The admin API's download of a user's profile, and the settings the documents offer.
void addClientProfileAdminRoute(Router& router, admin::ClientSetup& setup, const ApiGuard& guard);

}  // namespace postern::web
