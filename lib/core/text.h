// core text helpers: ASCII case folding, trimming, base64 (RFC 4648 §4), constant-time comparison,
// RFC 5322 date rendering.
//
// Must not know: any I/O. Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace postern::core {

std::string toLowerAscii(std::string_view s);
bool iequalsAscii(std::string_view a, std::string_view b);
bool istartsWithAscii(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);  // spaces and horizontal tabs

std::string base64Encode(std::string_view data);
// Strict decoding: only the RFC 4648 alphabet, correct padding, no whitespace. nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// RFC 5322 §3.3 date-time in UTC: "Mon, 30 Nov 2026 17:27:53 +0000".
std::string rfc5322Date(std::chrono::system_clock::time_point t);

}  // namespace postern::core
