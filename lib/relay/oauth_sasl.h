// relay OAuth SASL messages — the client's messages for AUTH XOAUTH2 and AUTH OAUTHBEARER, and reading
// the server's error challenge. Internal to relay.
//
// Owns: the exact bytes of the initial client responses (before base64): RFC 7628 §3.1 for OAUTHBEARER
// (GS2 header with the RFC 5801 saslname escaping, host, port, "auth=Bearer"), Google's XOAUTH2 format
// (https://developers.google.com/gmail/imap/xoauth2-protocol), and what the client sends back after an
// error challenge (RFC 7628 §3.2.3). Must not know: sockets, where tokens come from (lib/oauth's cache
// reaches the relay only through AuthOptions::accessToken). Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::relay {

// RFC 5801 §4 saslname: ',' → "=2C", '=' → "=3D"; everything else unchanged.
std::string escapeSaslName(std::string_view name);

// "user=" U ^A "auth=Bearer " T ^A ^A
std::string xoauth2Response(std::string_view user, std::string_view token);

// "n,a=" saslname(U) "," ^A "host=" H ^A "port=" P ^A "auth=Bearer " T ^A ^A   (RFC 7628 §3.1)
std::string oauthBearerResponse(std::string_view user, std::string_view host, std::uint16_t port,
                                std::string_view token);

// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". A token outside
// this grammar could smuggle ^A separators or line ends into the exchange, so it is never sent.
bool isBearerToken(std::string_view token);

// No control characters (the ^A separator above all) and not empty: a user name safe to put in a message.
bool isSafeSaslUser(std::string_view user);

// The "status" member of the server's base64 JSON error challenge (RFC 7628 §3.2.2; Google sends
// {"status":"401","schemes":"bearer","scope":"..."}), when it is short and made of letters, digits and
// "-._": safe to show. nullopt otherwise (bad base64, no status, anything odd).
std::optional<std::string> errorChallengeStatus(std::string_view base64Challenge);

}  // namespace postern::relay
