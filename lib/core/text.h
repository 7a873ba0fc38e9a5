// core text helpers: ASCII case folding, trimming, base64 (RFC 4648 §4), constant-time comparison,
// RFC 5322 date rendering, and the two ways client-chosen text is shown: printable() for a terminal,
// logValue() for one value of a key=value log line.
//
// Must not know: any I/O. Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::core {

std::string toLowerAscii(std::string_view s);
bool iequalsAscii(std::string_view a, std::string_view b);
bool istartsWithAscii(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);  // spaces and horizontal tabs

// The items with the separator between them: join({"a", "b"}, ", ") == "a, b".
std::string join(const std::vector<std::string>& items, std::string_view separator);
// The items of a separated list, each trimmed (trim()); empty items dropped: "a, b,,c" → {"a", "b", "c"}.
std::vector<std::string> splitList(std::string_view text, char separator = ',');

std::string base64Encode(std::string_view data);
// Strict decoding: only the RFC 4648 alphabet, correct padding, no whitespace. nullopt when malformed.
std::optional<std::string> base64Decode(std::string_view text);

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629 §4: no overlongs, no surrogates,
// nothing above U+10FFFF), with its code point; 0 when it is malformed (or s[i] is ASCII).
std::size_t decodeUtf8(std::string_view s, std::size_t i, char32_t& codePoint);

// The text with everything that could act on a terminal or split a log line made visible: C0 controls
// except TAB, DEL, C1 controls (U+0080..U+009F), the Unicode line and paragraph separators, bidirectional
// and zero-width format characters, and bytes that are not well-formed UTF-8 become "\xHH" (bytes) or
// "\u{HHHH}" (code points). Everything else, backslash included, is kept, so printable(printable(x)) ==
// printable(x). For what the CLI prints and as the last filter before a log line is written.
std::string printable(std::string_view text);

// One value of a key=value log line that a reader can split unambiguously whatever the client sent: as
// printable(), with TAB as "\t" too; then, when it is empty or holds a space, '=', '"' or '\', it is
// quoted ("...", with '"' and '\' escaped by a backslash). Plain values (an address, a queue ID) stay
// unquoted: logValue("<bob@example.org>") == "<bob@example.org>".
std::string logValue(std::string_view text);

// RFC 5322 §3.3 date-time in UTC: "Mon, 30 Nov 2026 17:27:53 +0000".
std::string rfc5322Date(std::chrono::system_clock::time_point t);

}  // namespace postern::core
