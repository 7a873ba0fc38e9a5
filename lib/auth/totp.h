// auth::Totp — one-time passwords of RFC 4226 (HOTP) and RFC 6238 (TOTP), and the base32 text (RFC 4648
// §6) authenticator apps read a secret in.
//
// Owns: the HOTP computation (HMAC over the 8-byte big-endian counter, dynamic truncation, RFC 4226 §5.3),
// the TOTP time step (T = floor((unix time - T0) / X), RFC 6238 §4.2, T0 = 0, X = 30 s), the check of a
// presented code against the steps around now (±window) that compares every candidate in constant time and
// never stops early, the random secret (160 bits from RAND_bytes: RFC 4226 §4 R6 asks for at least 128 and
// recommends 160), and the otpauth:// URI (Key Uri Format, the de-facto standard of authenticator apps).
// The check takes the last step already accepted and accepts only a later one, so a code is used once: the
// caller stores the step it returns (compare-and-set in the store) — RFC 6238 §5.2.
// Must not know: the store, accounts, HTTP. Secrets: never logs; messages never hold a secret or a code.
// Thread-safety: pure functions (OpenSSL's HMAC and RAND_bytes are thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::auth {

enum class TotpHash { Sha1, Sha256, Sha512 };  // RFC 6238 §1.2; the apps and Postern use SHA-1

struct TotpParameters {
  TotpHash hash = TotpHash::Sha1;
  int digits = 6;
  std::chrono::seconds period{30};
  int window = 1;  // steps accepted on either side of now (RFC 6238 §5.2: clock drift, network delay)
};

// RFC 4226 §5.3: the code for a counter, zero-padded to `digits` (6..8). Throws core::Error when HMAC fails,
// core::InvalidValue for digits out of range or an empty key.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = 6, TotpHash hash = TotpHash::Sha1);

// RFC 6238 §4.2: the time step of a Unix time (seconds).
std::int64_t totpStep(std::int64_t unixSeconds, std::chrono::seconds period = std::chrono::seconds(30));
std::string totpAt(std::string_view key, std::int64_t unixSeconds, const TotpParameters& parameters = {});

// The step in [now - window, now + window] whose code equals `code`, provided it is later than
// `lastAcceptedStep` (a code is good once); nullopt otherwise, also for text that is not `digits` digits.
// Every candidate is computed and compared with CRYPTO_memcmp, so the time does not tell which step or
// digit was close.
std::optional<std::int64_t> matchTotp(std::string_view key, std::string_view code, std::int64_t unixSeconds,
                                      std::optional<std::int64_t> lastAcceptedStep,
                                      const TotpParameters& parameters = {});

// 20 random bytes (RAND_bytes). Throws core::Error (temporary) when the generator fails.
std::string newTotpSecret();

// RFC 4648 §6, upper case, without padding (as the apps print and read it).
std::string base32Encode(std::string_view bytes);
// Upper or lower case, blanks and '-' ignored, '=' padding allowed at the end; nullopt when not base32.
std::optional<std::string> base32Decode(std::string_view text);

// otpauth://totp/ISSUER:LABEL?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30, with issuer
// and label percent-encoded (RFC 3986 unreserved characters and '@' left as they are).
std::string otpauthUri(std::string_view issuer, std::string_view label, std::string_view key,
                       const TotpParameters& parameters = {});

}  // namespace postern::auth
