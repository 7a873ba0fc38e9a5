#include "mail/display_name.h"

#include <optional>

#include "core/text.h"

namespace postern::mail {

namespace {

enum class Charset { Utf8, Latin1, Windows1252 };

// RFC 2047 §2: charset names are case-insensitive; RFC 2231 §5 may append "*language".
std::optional<Charset> charsetNamed(std::string_view name) {
  if (const auto star = name.find('*'); star != std::string_view::npos) name = name.substr(0, star);
  const std::string n = core::toLowerAscii(name);
  if (n == "utf-8" || n == "utf8") return Charset::Utf8;
  // US-ASCII is a subset of both; a stray high byte in "us-ascii" text is read as Latin-1, as clients do.
  if (n == "us-ascii" || n == "ascii" || n == "iso-8859-1" || n == "iso8859-1" || n == "latin1" || n == "l1")
    return Charset::Latin1;
  if (n == "windows-1252" || n == "cp1252") return Charset::Windows1252;
  return std::nullopt;
}

void appendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// windows-1252 0x80..0x9F (WHATWG encoding table); 0 where the byte is unassigned (read as Latin-1).
constexpr char32_t kCp1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

std::string toUtf8(std::string_view bytes, Charset charset) {
  if (charset == Charset::Utf8) return std::string(bytes);  // malformed UTF-8 is kept: the checks read bytes
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    char32_t c = b;
    if (charset == Charset::Windows1252 && b >= 0x80 && b <= 0x9F && kCp1252High[b - 0x80] != 0)
      c = kCp1252High[b - 0x80];
    appendUtf8(out, c);
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2047 §4.2: "_" is a space, "=XX" an octet; anything else stands for itself.
std::optional<std::string> decodeQ(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hexValue(text[i + 1]), lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// One encoded word at text[pos] ("=?" already seen there): its decoded text and the position after it.
std::optional<std::string> encodedWord(std::string_view text, std::size_t pos, std::size_t& end) {
  // RFC 2047 §2: charset and encoding are tokens (no spaces, no "?"); encoded-text holds no "?" nor space.
  std::size_t i = pos + 2;
  const std::size_t charsetStart = i;
  while (i < text.size() && text[i] != '?' && !isSpace(text[i])) ++i;
  if (i >= text.size() || text[i] != '?' || i == charsetStart) return std::nullopt;
  const std::string_view charsetName = text.substr(charsetStart, i - charsetStart);
  ++i;
  if (i + 1 >= text.size() || text[i + 1] != '?') return std::nullopt;
  const char encoding = text[i];
  i += 2;
  const std::size_t textStart = i;
  while (i < text.size() && text[i] != '?' && !isSpace(text[i])) ++i;
  if (i + 1 >= text.size() || text[i] != '?' || text[i + 1] != '=') return std::nullopt;
  const std::string_view encoded = text.substr(textStart, i - textStart);
  end = i + 2;
  const auto charset = charsetNamed(charsetName);
  if (!charset) return std::nullopt;
  std::optional<std::string> bytes;
  if (encoding == 'B' || encoding == 'b')
    bytes = core::base64Decode(encoded);
  else if (encoding == 'Q' || encoding == 'q')
    bytes = decodeQ(encoded);
  if (!bytes) return std::nullopt;
  return toUtf8(*bytes, *charset);
}

bool isAtextAscii(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}
bool isNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool isLocalChar(char c) { return isAtextAscii(c) || c == '.' || isNonAscii(c); }
bool isDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || isNonAscii(c);
}

// Lower-cased (ASCII) text with the look-alike at signs and full stops replaced by "@" and ".", and the
// spaces next to an at sign removed.
std::string normalized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = core::decodeUtf8(text, i, cp);
    if (n == 0) {
      const char c = text[i++];
      if (c == '@') {
        while (!out.empty() && isSpace(out.back())) out.pop_back();
        out += '@';
        while (i < text.size() && isSpace(text[i])) ++i;
      } else {
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      continue;
    }
    if (cp == 0xFF20 || cp == 0xFE6B) {
      while (!out.empty() && isSpace(out.back())) out.pop_back();
      out += '@';
      i += n;
      while (i < text.size() && isSpace(text[i])) ++i;
      continue;
    }
    if (cp == 0xFF0E || cp == 0x3002 || cp == 0xFF61)
      out += '.';
    else
      out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

bool isLetterOrNonAscii(char c) { return (c >= 'a' && c <= 'z') || isNonAscii(c); }

}  // namespace

std::string decodeEncodedWords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::string pendingSpace;  // whitespace after an encoded word: dropped if another one follows (§6.2)
  bool afterEncodedWord = false;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '=' && i + 1 < text.size() && text[i + 1] == '?') {
      std::size_t end = 0;
      if (auto decoded = encodedWord(text, i, end)) {
        if (!afterEncodedWord) out += pendingSpace;
        pendingSpace.clear();
        out += *decoded;
        afterEncodedWord = true;
        i = end;
        continue;
      }
    }
    if (afterEncodedWord && isSpace(text[i])) {
      pendingSpace += text[i++];
      continue;
    }
    out += pendingSpace;
    pendingSpace.clear();
    afterEncodedWord = false;
    out += text[i++];
  }
  out += pendingSpace;
  return out;
}

bool containsBidiControl(std::string_view text) {
  // UTF-8: U+202A..U+202E are E2 80 AA..AE, U+2066..U+2069 are E2 81 A6..A9.
  for (std::size_t i = 0; i + 2 < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) != 0xE2) continue;
    const auto b1 = static_cast<unsigned char>(text[i + 1]), b2 = static_cast<unsigned char>(text[i + 2]);
    if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;
    if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;
  }
  return false;
}

std::vector<std::string> addressesIn(std::string_view text) {
  const std::string s = normalized(text);
  std::vector<std::string> found;
  // Each scan stops at the neighbouring at signs (no local or domain character), so every octet is read
  // at most twice: linear however many at signs there are.
  for (std::size_t at = s.find('@'); at != std::string::npos; at = s.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && isLocalChar(s[begin - 1])) --begin;
    std::size_t end = at + 1;
    while (end < s.size() && isDomainChar(s[end])) ++end;
    std::string_view local(s.data() + begin, at - begin);
    std::string_view domain(s.data() + at + 1, end - at - 1);
    while (!local.empty() && local.front() == '.') local.remove_prefix(1);
    while (!local.empty() && local.back() == '.') local.remove_suffix(1);
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) domain.remove_suffix(1);
    while (!domain.empty() && (domain.front() == '.' || domain.front() == '-')) domain.remove_prefix(1);
    if (local.empty()) continue;
    const std::size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) continue;
    const std::string_view tld = domain.substr(dot + 1);
    bool letters = tld.size() >= 2;
    for (const char c : tld)
      if (!isLetterOrNonAscii(c)) letters = false;
    if (!letters) continue;
    found.push_back(std::string(local) + "@" + std::string(domain));
  }
  return found;
}

}  // namespace postern::mail
