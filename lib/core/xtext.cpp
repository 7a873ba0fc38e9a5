#include "core/xtext.h"

#include "core/text.h"

namespace postern::core {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// RFC 3461 §4 xchar: "!" to "~" except "+" and "=".
bool isXchar(unsigned char c) { return c >= 33 && c <= 126 && c != '+' && c != '='; }
// RFC 6533 §3 QCHAR: the same, and not "\" either.
bool isQchar(unsigned char c) { return isXchar(c) && c != '\\'; }

int upperHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// RFC 6533 §3 HEXPOINT: a code point that may not stand as itself in utf-8-addr-xtext.
bool mustBeEmbedded(char32_t cp) { return cp >= 0x80 || !isQchar(static_cast<unsigned char>(cp)); }

}  // namespace

std::optional<std::string> xtextDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '+') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = upperHexValue(text[i + 1]), lo = upperHexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (isXchar(c)) {
      out += static_cast<char>(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::string xtextEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (isXchar(c)) {
      out += ch;
    } else {
      out += '+';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

std::optional<std::string> utf8AddrDecode(std::string_view text, bool allowRawUtf8) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      // EmbeddedUnicodeChar = "\x{" HEXPOINT "}"
      if (text.substr(i, 3) != "\\x{") return std::nullopt;
      const std::size_t close = text.find('}', i + 3);
      if (close == std::string_view::npos) return std::nullopt;
      const std::string_view digits = text.substr(i + 3, close - i - 3);
      if (digits.size() < 2 || digits.size() > 6) return std::nullopt;
      char32_t cp = 0;
      for (const char d : digits) {
        const int v = upperHexValue(d);
        if (v < 0) return std::nullopt;
        cp = cp * 16 + static_cast<char32_t>(v);
      }
      // Two digits below U+0100, otherwise no leading zero; never NUL, a surrogate or beyond U+10FFFF, and
      // only for what could not stand as itself.
      if ((cp < 0x100) != (digits.size() == 2) || (digits.size() > 2 && digits.front() == '0'))
        return std::nullopt;
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || !mustBeEmbedded(cp))
        return std::nullopt;
      appendUtf8(out, cp);
      i = close + 1;
    } else if (isQchar(c)) {
      out += static_cast<char>(c);
      ++i;
    } else if (c >= 0x80 && allowRawUtf8) {
      char32_t cp = 0;
      const std::size_t n = decodeUtf8(text, i, cp);
      if (n == 0) return std::nullopt;
      out.append(text.substr(i, n));
      i += n;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> utf8AddrXtextEncode(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char32_t cp = c;
    std::size_t n = 1;
    if (c >= 0x80) {
      n = decodeUtf8(utf8, i, cp);
      if (n == 0) return std::nullopt;
    }
    if (cp == 0) return std::nullopt;
    if (mustBeEmbedded(cp)) {
      std::string hex;
      for (char32_t v = cp; v != 0; v >>= 4) hex.insert(hex.begin(), kHex[v & 0x0F]);
      if (hex.size() < 2) hex.insert(hex.begin(), '0');
      out += "\\x{" + hex + "}";
    } else {
      out += static_cast<char>(c);
    }
    i += n;
  }
  return out;
}

}  // namespace postern::core
