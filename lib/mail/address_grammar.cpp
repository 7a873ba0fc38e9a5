#include "mail/address_grammar.h"

#include <cstdint>

#include "core/text.h"

namespace postern::mail::grammar {

bool isAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// RFC 5322 §3.2.3 atext (ASCII part).
bool isAtextAscii(char c) {
  if (isAlpha(c) || isDigit(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when it is malformed (core::decodeUtf8).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
  char32_t ignored = 0;
  return core::decodeUtf8(s, i, ignored);
}

bool validUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!isNonAscii(s[i])) {
      ++i;
      continue;
    }
    const std::size_t n = utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// RFC 5321 Dot-string = Atom *("." Atom); RFC 6531 §3.3 adds UTF8-non-ascii to atext. The caller has
// already checked UTF-8 well-formedness and the utf8 permission.
bool isDotString(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (s[i - 1] == '.') return false;
      continue;
    }
    if (!isAtextAscii(c) && !isNonAscii(c)) return false;
  }
  return true;
}

// The stored form of a local part: bare when it is a valid Dot-string, otherwise quoted with only '"'
// and '\' escaped, so that "john"@x and john@x compare equal.
std::string canonicalLocal(std::string_view content) {
  if (isDotString(content)) return std::string(content);
  std::string out = "\"";
  for (const char c : content) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// RFC 5321 sub-domain = Let-dig [Ldh-str]; a U-label (RFC 6531 §3.3) may carry UTF-8.
bool isSubDomain(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  const auto letDig = [](char c) { return isAlpha(c) || isDigit(c) || isNonAscii(c); };
  if (!letDig(label.front()) || !letDig(label.back())) return false;
  for (const char c : label)
    if (!letDig(c) && c != '-') return false;
  return true;
}

bool isDomain(std::string_view d) {
  if (d.empty() || d.size() > kMaxDomain) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = d.find('.', start);
    if (!isSubDomain(d.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// A label of an EHLO name: an RFC 5321 sub-domain in which "_" counts as a letter, as in Postfix's
// valid_hostname (Windows and printer host names carry it); no hyphen first or last (RFC 1035 §2.3.1).
bool isHeloLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  const auto letDig = [](char c) { return isAlpha(c) || isDigit(c) || isNonAscii(c) || c == '_'; };
  if (!letDig(label.front()) || !letDig(label.back())) return false;
  for (const char c : label)
    if (!letDig(c) && c != '-') return false;
  return true;
}

// RFC 5321 §4.1.3 IPv4-address-literal: Snum 3("." Snum), Snum = 1*3DIGIT in 0..255.
bool isIpv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t digits = 0;
    int value = 0;
    while (i < s.size() && isDigit(s[i]) && digits < 4) {
      value = value * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 5321 §4.1.3 IPv6-addr: full, compressed ("::" once), and both with a trailing IPv4 address.
bool isIpv6(std::string_view s) {
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && isHex(s[j]) && j - i < 5) ++j;
    if (j < s.size() && s[j] == '.') {
      // Embedded IPv4 must be last and counts as two groups.
      if (!isIpv4(s.substr(i))) return false;
      groups += 2;
      break;
    }
    if (j == i || j - i > 4) return false;
    ++groups;
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// RFC 5321 §4.1.3 address-literal = "[" ( IPv4 / "IPv6:" IPv6 / General-address-literal ) "]".
bool isAddressLiteral(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  const std::string_view inner = s.substr(1, s.size() - 2);
  if (isIpv4(inner)) return true;
  if (core::istartsWithAscii(inner, "IPv6:")) return isIpv6(inner.substr(5));
  // General-address-literal = Standardized-tag ":" 1*dcontent; Standardized-tag = Ldh-str.
  const std::size_t colon = inner.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == inner.size()) return false;
  for (const char c : inner.substr(0, colon))
    if (!isAlpha(c) && !isDigit(c) && c != '-') return false;
  if (inner[colon - 1] == '-') return false;
  for (const char c : inner.substr(colon + 1)) {
    const auto u = static_cast<unsigned char>(c);
    if (!((u >= 33 && u <= 90) || (u >= 94 && u <= 126))) return false;  // dcontent
  }
  return true;
}

}  // namespace postern::mail::grammar
