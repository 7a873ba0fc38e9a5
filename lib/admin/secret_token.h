// admin secret tokens — the random values that stand for a signed-in browser (the session cookie) or for
// the right to create the first administrator (the setup link), and the one form they are stored in.
//
// A token is 32 bytes from OpenSSL's RAND_bytes in base64url without padding (RFC 4648 §5): 43 characters
// safe in a cookie and a URL. Only its SHA-256 reaches the database, so a copy of the database signs no
// one in; SHA-256 without a salt is enough because the token has 256 bits of entropy (nothing to guess).
//
// Must not know: the store, HTTP. Never logs. Thread-safety: pure functions (RAND_bytes is thread-safe).
#pragma once

#include <string>
#include <string_view>

namespace postern::admin {

// Throws core::Error (temporary) when the random generator fails.
std::string newSecretToken();
// Lower-case hex SHA-256 of the token's text.
std::string secretTokenHash(std::string_view token);
// RFC 4648 §5 alphabet, no padding.
std::string base64Url(std::string_view bytes);

}  // namespace postern::admin
