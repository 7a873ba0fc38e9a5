#include "oauth/oauth_error.h"

#include "oauth/form_encoding.h"

namespace postern::oauth {

namespace {

constexpr std::size_t kShortestSecret = 4;
constexpr std::string_view kRedacted = "[redacted]";

void replaceAll(std::string& text, std::string_view needle) {
  if (needle.size() < kShortestSecret) return;
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + kRedacted.size()))
    text.replace(pos, needle.size(), kRedacted);
}

void redact(std::string& text, const std::vector<std::string_view>& secrets) {
  for (const std::string_view secret : secrets) {
    replaceAll(text, secret);
    const std::string encoded = formEncode(secret);
    if (encoded != secret) replaceAll(text, encoded);
  }
}

}  // namespace

std::string safeText(std::string_view text, const std::vector<std::string_view>& secrets,
                     std::size_t maxLength) {
  // Redact before and after dropping control characters: a secret interrupted by a control character in
  // the raw text becomes whole once the character is gone.
  std::string raw(text);
  redact(raw, secrets);
  std::string printable;
  printable.reserve(raw.size());
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) printable += c;
  }
  redact(printable, secrets);
  if (printable.size() > maxLength) {
    printable.resize(maxLength);
    printable += "...";
  }
  return printable;
}

}  // namespace postern::oauth
