// The modes of a route as stored and typed by administrators, with one parse/print pair each: TLS mode
// (starttls | tls | none), authentication (none | password | xoauth2 | oauthbearer) and OAuth grant
// (client_credentials | refresh_token). Parsing answers nullopt for anything else: an unknown value is an
// error someone sees (RouteAdmin refuses it naming the setting; StoredRoutes makes the route unusable and
// logs it), never a silent default.
// Owns: the spellings. Must not know: what the modes do (relay, oauth). Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "oauth/token.h"
#include "relay/relay.h"

namespace postern::routing {

std::optional<relay::TlsMode> parseTlsMode(std::string_view text);
std::string_view tlsModeName(relay::TlsMode mode);

// Password means AUTH PLAIN/LOGIN with a user name and password.
std::optional<relay::AuthMechanism> parseAuthMode(std::string_view text);
std::string_view authModeName(relay::AuthMechanism mechanism);

std::optional<oauth::Grant> parseGrant(std::string_view text);
std::string_view grantName(oauth::Grant grant);

}  // namespace postern::routing
