// web::ApiServices — everything the JSON API's endpoints call: the admin services (lib/admin), each built
// once by app/ and shared with nothing else's rules, plus the one relay operation the API needs (checking a
// route's smarthosts), passed as a function so that web never links the relay's connection pool.
//
// Must not know: SQL, spool files, sockets. Thread-safety: every service is thread-safe (see each).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_accounts.h"
#include "admin/admin_sessions.h"
#include "admin/admin_sign_in.h"
#include "admin/admin_totp.h"
#include "admin/audit.h"
#include "admin/bans.h"
#include "admin/client_setup.h"
#include "admin/dkim_keys.h"
#include "admin/domains.h"
#include "admin/queue.h"
#include "admin/routes.h"
#include "admin/sending_limits.h"
#include "admin/setup_tokens.h"
#include "admin/status.h"
#include "admin/test_message.h"
#include "admin/users.h"
#include "relay/relay.h"

namespace postern::web {

struct ApiServices {
  admin::Users& users;
  admin::DkimKeys& dkimKeys;
  admin::Routes& routes;
  admin::Queue& queue;
  admin::Status& status;
  admin::TestMessages& testMessages;
  admin::AdminAccounts& admins;
  admin::AdminSignIn& signIn;
  admin::AdminSessions& sessions;
  admin::SetupTokens& setupTokens;
  admin::Audit& audit;
  // The smarthosts of a route in force, checked without sending mail; nullopt for no such route.
  std::function<std::optional<std::vector<relay::SmarthostCheck>>(const std::string& route)> checkRoute;
  admin::Domains& domains;
  admin::ClientSetup& clientSetup;  // the mail client documents (the admin API's profile download)
  // Admin second factor (README "Admin second factor (TOTP)"): none offers no enrollment.
  admin::AdminTotp* totp = nullptr;
  bool requireTotp = false;     // admin.require_totp
  admin::Bans* bans = nullptr;  // the brute-force ban list (api_bans.h); null: no /api/v1/bans
  admin::SendingLimits* sendingLimits = nullptr;  // README "Sending limits"; none: no /limits endpoints
};

}  // namespace postern::web
