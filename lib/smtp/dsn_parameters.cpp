#include "smtp/dsn_parameters.h"

#include "core/text.h"
#include "core/xtext.h"

namespace postern::smtp {
namespace {

constexpr std::size_t kMaxEnvelopeId = 100;         // RFC 3461 §4.4
constexpr std::size_t kMaxOriginalRecipient = 500;  // RFC 3461 §4.2

// RFC 3461 §4.2/§4.4: the decoded value is printable US-ASCII (graphic characters and space), so it can go
// into a delivery-status field as it is.
bool isPrintableAscii(std::string_view s) {
  for (const char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return true;
}

// Well-formed UTF-8 with no control character (C0, DEL, C1).
bool isPrintableUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = core::decodeUtf8(s, i, cp);
    if (n == 0 || cp <= 0x9F) return false;
    i += n;
  }
  return true;
}

}  // namespace

std::optional<DsnReturn> parseDsnReturn(std::string_view value) {
  if (core::iequalsAscii(value, "FULL")) return DsnReturn::Full;
  if (core::iequalsAscii(value, "HDRS")) return DsnReturn::Headers;
  return std::nullopt;
}

std::optional<std::string> parseEnvelopeId(std::string_view value) {
  if (value.empty() || value.size() > kMaxEnvelopeId) return std::nullopt;
  auto decoded = core::xtextDecode(value);
  if (!decoded || decoded->empty() || !isPrintableAscii(*decoded)) return std::nullopt;
  return decoded;
}

std::optional<unsigned> parseNotify(std::string_view value) {
  unsigned bits = 0;
  std::size_t items = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view item = value.substr(0, comma);
    unsigned bit = 0;
    if (core::iequalsAscii(item, "NEVER"))
      bit = notify::kNever;
    else if (core::iequalsAscii(item, "SUCCESS"))
      bit = notify::kSuccess;
    else if (core::iequalsAscii(item, "FAILURE"))
      bit = notify::kFailure;
    else if (core::iequalsAscii(item, "DELAY"))
      bit = notify::kDelay;
    else
      return std::nullopt;                // unknown or empty item
    if (bits & bit) return std::nullopt;  // named twice
    bits |= bit;
    ++items;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  // RFC 3461 §4.1: "NEVER" must appear by itself.
  if ((bits & notify::kNever) && items > 1) return std::nullopt;
  return bits;
}

std::optional<OriginalRecipient> parseOriginalRecipient(std::string_view value, bool smtputf8) {
  if (value.size() > kMaxOriginalRecipient) return std::nullopt;
  const std::size_t semicolon = value.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  const std::string_view type = value.substr(0, semicolon);
  const std::string_view text = value.substr(semicolon + 1);
  OriginalRecipient out;
  if (core::iequalsAscii(type, "rfc822")) {
    auto decoded = core::xtextDecode(text);
    if (!decoded || !isPrintableAscii(*decoded)) return std::nullopt;
    out = {"rfc822", std::move(*decoded)};
  } else if (core::iequalsAscii(type, "utf-8")) {  // RFC 6533 §3
    auto decoded = core::utf8AddrDecode(text, smtputf8);
    if (!decoded || !isPrintableUtf8(*decoded)) return std::nullopt;
    out = {"utf-8", std::move(*decoded)};
  } else {
    return std::nullopt;
  }
  if (out.address.empty()) return std::nullopt;
  return out;
}

}  // namespace postern::smtp
