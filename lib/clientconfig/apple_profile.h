// clientconfig::appleProfile — an Apple configuration profile (.mobileconfig, a property list) with one
// com.apple.mail.managed payload, for Apple Mail on macOS and Mail on iOS/iPadOS.
//
// Owns the profile's fields and these decisions:
// - Outgoing: OutgoingMailServerHostName the submission host, port 465 (implicit TLS) when Postern offers
//   it, else 587 (STARTTLS: on Apple's side UseSSL means TLS either way), OutgoingMailServerUseSSL true,
//   authentication EmailAuthPassword, OutgoingMailServerUsername the login.
// - Incoming: the payload cannot be installed without an incoming server, so a profile needs the incoming
//   setting; without it appleProfile throws core::Conflict saying which setting to set.
// - No password inside, even when the user proved it to download the file: the file is an unencrypted
//   plist that lands in Downloads, is mailed or AirDropped between devices and can be read with any text
//   editor; the device asks for the password while installing and keeps it in its keychain.
// - Unsigned: the device shows it as "Unverified" before installing. Signing would need a key and
//   certificate of the organisation's own; what the profile holds (host names, ports, a login) is what
//   the user could type anyway.
// - Stable identities: PayloadIdentifier and both PayloadUUIDs are derived (name-based UUID, version 5,
//   RFC 4122 §4.3) from the submission host and the login, so downloading the profile again replaces the
//   installed one instead of adding a second account.
// Must not know: HTTP, users and passwords (the caller checks who may have which login's profile).
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "clientconfig/client_settings.h"

namespace postern::clientconfig {

inline constexpr const char* kAppleProfileContentType = "application/x-apple-aspen-config";

// The profile of a login (a lower-case address). Throws core::Conflict when settings.incoming is unset or
// no submission port is offered.
std::string appleProfile(const ClientSettings& settings, std::string_view login);

// "postern-alice-example.org.mobileconfig": a file name with only [a-z0-9._-] in it (anything else
// becomes '_'), for
// Content-Disposition.
std::string appleProfileFileName(std::string_view login);

}  // namespace postern::clientconfig
