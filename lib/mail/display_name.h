// mail display names — reading a display name the way a mail client shows it, to tell whether it poses as
// something it is not: RFC 2047 encoded words decoded to UTF-8, addresses found in the text (also written
// with look-alike at signs), and bidirectional control characters that reorder what is shown.
//
// Implements: RFC 2047 §2 (encoded-word syntax), §4.1 (B encoding), §4.2 (Q encoding), §6.2 (whitespace
// between adjacent encoded words is ignored), RFC 2231 §5 (a "*language" suffix on the charset); Unicode
// UAX #9 §2 (the explicit directional embeddings, overrides and isolates).
// Owns: decoding and the look-alike rules. Must not know: replies, policy settings, sessions.
// Thread-safety: pure functions. Every function is linear in the length of its input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postern::mail {

// The text with every RFC 2047 encoded word ("=?charset?B|Q?text?=") decoded to UTF-8. Charsets: UTF-8,
// US-ASCII, ISO-8859-1 and windows-1252 (names case-insensitive, common aliases too). A word that cannot
// be decoded (unknown charset or encoding, broken base64) is kept as written, so that it is still checked.
// Encoded words are decoded wherever they appear (inside a quoted string too), as many clients do: a
// check must see what any reader might show.
std::string decodeEncodedWords(std::string_view text);

// True when the UTF-8 text holds one of U+202A..U+202E (embeddings, overrides, pop) or U+2066..U+2069
// (isolates).
bool containsBidiControl(std::string_view text);

// Everything in the text that a reader would take for an e-mail address, as local@domain, lower-cased
// (ASCII): a local part of atext and dots, an at sign ("@", or the look-alikes U+FF20 FULLWIDTH COMMERCIAL
// AT and U+FE6B SMALL COMMERCIAL AT), with any spaces around it, and a domain of at least two labels
// whose last is two or more letters ("victim.example", not "home" nor "1.2"). Full-width full stops
// (U+FF0E, U+3002, U+FF61) count as dots. Spaces around the at sign are skipped because "boss @
// victim.example" reads as the address to a person; plain names never hold an at sign, and "Alice (at
// home)" holds none, so neither is taken for an address.
std::vector<std::string> addressesIn(std::string_view text);

}  // namespace postern::mail
