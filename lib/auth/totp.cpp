#include "auth/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>

#include "core/error.h"

namespace postern::auth {

namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // RFC 4648 §6, Table 3

const EVP_MD* digestOf(TotpHash hash) {
  switch (hash) {
    case TotpHash::Sha256:
      return EVP_sha256();
    case TotpHash::Sha512:
      return EVP_sha512();
    case TotpHash::Sha1:
      break;
  }
  return EVP_sha1();
}

std::string_view hashName(TotpHash hash) {
  switch (hash) {
    case TotpHash::Sha256:
      return "SHA256";
    case TotpHash::Sha512:
      return "SHA512";
    case TotpHash::Sha1:
      break;
  }
  return "SHA1";
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                       u == '-' || u == '.' || u == '_' || u == '~' || u == '@';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits, TotpHash hash) {
  if (digits < 6 || digits > 8) throw core::InvalidValue("digits", "a one-time code has 6 to 8 digits");
  if (key.empty()) throw core::InvalidValue("secret", "the one-time password secret is empty");
  // RFC 4226 §5.2: the counter as 8 bytes, most significant first.
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(digestOf(hash), key.data(), static_cast<int>(key.size()), message.data(), message.size(), mac,
            &length))
    throw core::Error::temporary("HMAC failed");
  // RFC 4226 §5.3 dynamic truncation: the low 4 bits of the last byte choose 4 bytes, top bit masked.
  const unsigned offset = mac[length - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totpStep(std::int64_t unixSeconds, std::chrono::seconds period) {
  const std::int64_t x = period.count();
  // floor division, so a time before 1970 still maps to a step (never used, but never wrong).
  return unixSeconds >= 0 ? unixSeconds / x : -((-unixSeconds + x - 1) / x);
}

std::string totpAt(std::string_view key, std::int64_t unixSeconds, const TotpParameters& parameters) {
  return hotp(key, static_cast<std::uint64_t>(totpStep(unixSeconds, parameters.period)), parameters.digits,
              parameters.hash);
}

std::optional<std::int64_t> matchTotp(std::string_view key, std::string_view code, std::int64_t unixSeconds,
                                      std::optional<std::int64_t> lastAcceptedStep,
                                      const TotpParameters& parameters) {
  // The length of a code is no secret (the app shows it); only its digits are compared in constant time.
  if (code.size() != static_cast<std::size_t>(parameters.digits)) return std::nullopt;
  for (const char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  const std::int64_t now = totpStep(unixSeconds, parameters.period);
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now - parameters.window; step <= now + parameters.window; ++step) {
    const std::string expected =
        hotp(key, static_cast<std::uint64_t>(step), parameters.digits, parameters.hash);
    const bool equal = CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0;
    const bool fresh = !lastAcceptedStep || step > *lastAcceptedStep;
    // No early exit: every step of the window costs the same whatever matched.
    if (equal && fresh && !matched) matched = step;
  }
  return matched;
}

std::string newTotpSecret() {
  std::string secret(20, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()), static_cast<int>(secret.size())) != 1)
    throw core::Error::temporary("the random generator failed");
  return secret;
}

std::string base32Encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 0x1F];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 0x1F];
  return out;
}

std::optional<std::string> base32Decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return std::nullopt;  // '=' only at the end
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const auto at = kBase32.find(upper);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(at);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string otpauthUri(std::string_view issuer, std::string_view label, std::string_view key,
                       const TotpParameters& parameters) {
  const std::string encodedIssuer = percentEncode(issuer);
  return "otpauth://totp/" + encodedIssuer + ":" + percentEncode(label) + "?secret=" + base32Encode(key) +
         "&issuer=" + encodedIssuer + "&algorithm=" + std::string(hashName(parameters.hash)) +
         "&digits=" + std::to_string(parameters.digits) +
         "&period=" + std::to_string(parameters.period.count());
}

}  // namespace postern::auth
