// modes — the settings of a route to a smarthost that take one of a few values: the TLS mode, the
// authentication mechanism and the OAuth grant; and their one spelling each, a parse/print pair read from
// one table. Text exists only where Postern meets people and files: the database columns (store), the
// command line's arguments and output, the web API's JSON; everything between carries these types.
// relay::TlsMode, relay::AuthMechanism and oauth::Grant are these types: they live here, below relay, oauth
// and store, because the store may know neither relay nor oauth and still maps its columns.
//
// Parsing is exact (case-sensitive, no trimming) and answers nullopt for anything else: an unknown value is
// an error someone sees (a change is refused naming the setting; a stored route becomes unusable), never a
// silent default.
// Owns: the values and their spellings. Must not know: what the modes do (relay, oauth), SQL, JSON.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace postern::modes {

enum class TlsMode {
  StartTls,  // "starttls": plaintext, then STARTTLS (RFC 3207), refusing to go on without it
  Implicit,  // "tls": TLS from the first byte (RFC 8314 §3.3)
  None,      // "none": no TLS at all (a smarthost on this machine or network)
};

enum class AuthMechanism {
  None,         // "none"
  Password,     // "password": AUTH PLAIN or LOGIN with a user name and password (RFC 4954, 4616)
  XOAuth2,      // "xoauth2": Google's and Microsoft's AUTH XOAUTH2 with an OAuth access token
  OAuthBearer,  // "oauthbearer": AUTH OAUTHBEARER (RFC 7628)
};

// RFC 6749 §4.4 (client credentials) and §6 (refresh token); the spellings are the grant_type values.
enum class Grant {
  ClientCredentials,  // "client_credentials"
  RefreshToken,       // "refresh_token"
};

std::optional<TlsMode> parseTlsMode(std::string_view text);
std::string_view tlsModeName(TlsMode mode);
std::optional<AuthMechanism> parseAuthMode(std::string_view text);
std::string_view authModeName(AuthMechanism mechanism);
std::optional<Grant> parseGrant(std::string_view text);
std::string_view grantName(Grant grant);

// As the parse functions, for a value a person typed or a client sent: throw core::InvalidValue naming
// the setting ("tls", "auth", "grant"), with the spellings it accepts.
TlsMode requireTlsMode(std::string_view text);
AuthMechanism requireAuthMode(std::string_view text);
Grant requireGrant(std::string_view text);

// XOAuth2 or OAuthBearer: the mechanisms that log in with an access token from a grant.
bool isOAuth(AuthMechanism mechanism);

}  // namespace postern::modes
