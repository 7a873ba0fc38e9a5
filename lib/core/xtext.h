// core xtext — the encodings Delivery Status Notification parameters travel in: RFC 3461 §4 xtext
// ("+HH" for anything outside "!".."~" and for "+" and "="), and RFC 6533 §3 utf-8-addr-xtext /
// utf-8-addr-unitext ("\x{HHHH}" for a code point, raw UTF-8 only in unitext).
//
// Must not know: any I/O, SMTP sessions. Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postern::core {

// RFC 3461 §4: xtext = *( xchar / hexchar ); xchar = "!".."~" except "+" and "="; hexchar = "+" two
// upper-case hex digits. nullopt when the text breaks that grammar (lower-case hex included).
std::optional<std::string> xtextDecode(std::string_view text);
// Every byte outside xchar as "+HH" (upper case), so xtextDecode(xtextEncode(x)) == x for any bytes.
std::string xtextEncode(std::string_view bytes);

// RFC 6533 §3: utf-8-addr-xtext (allowRawUtf8 false) or utf-8-addr-unitext (true: well-formed UTF-8
// beyond ASCII may appear as itself). "\x{HEXPOINT}" stands for a code point that may not appear as
// itself (controls, space, "+", "=", "\", DEL, and anything beyond ASCII), with upper-case hex and no
// leading zeros beyond two digits. nullopt when malformed; the result is UTF-8.
std::optional<std::string> utf8AddrDecode(std::string_view text, bool allowRawUtf8);
// The utf-8-addr-xtext form of UTF-8 text (pure ASCII on the wire). Bytes that are not well-formed UTF-8
// are not representable: nullopt.
std::optional<std::string> utf8AddrXtextEncode(std::string_view utf8);

}  // namespace postern::core
