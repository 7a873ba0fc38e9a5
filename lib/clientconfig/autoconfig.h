// clientconfig::thunderbirdAutoconfig — the Mozilla autoconfig v1.1 document (clientConfig/emailProvider)
// that Thunderbird (and K-9/Thunderbird for Android, Evolution, KMail) fetch from
// https://autoconfig.DOMAIN/mail/config-v1.1.xml or
// https://DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml.
//
// Owns: the document's fields. One outgoingServer per submission port, 465 (socketType SSL) before 587
// (STARTTLS), both with authentication password-cleartext (inside TLS) and username %EMAILADDRESS%, since a
// Postern login is the user's address. The incomingServer from the setting, with the same username; none
// when it is not set (Thunderbird then asks the user for the incoming server by hand).
// Must not know: HTTP, which domains Postern knows (the caller answers unknown ones with 404).
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "clientconfig/client_settings.h"

namespace postern::clientconfig {

inline constexpr const char* kAutoconfigContentType = "application/xml; charset=utf-8";

// The document for a domain (lower-case, already known to Postern).
std::string thunderbirdAutoconfig(const ClientSettings& settings, std::string_view domain);

}  // namespace postern::clientconfig
