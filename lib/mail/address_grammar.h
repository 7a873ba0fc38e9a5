// mail address grammar: the character classes and the small RFC 5321/5322 productions (dot-string,
// domain, address literal, UTF-8 well-formedness) that the mailbox parser and the header address-list
// parser share. Internal to lib/mail: include it only from lib/mail's own files and their tests.
//
// Must not know: SMTP sessions, headers as a whole. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace postern::mail::grammar {

// RFC 5321 §4.5.3.1.1-3: local part 64 octets, domain 255, path 256 including "<" and ">".
constexpr std::size_t kMaxLocal = 64;
constexpr std::size_t kMaxDomain = 255;
constexpr std::size_t kMaxMailbox = 256 - 2;
constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4

// Character classes (ASCII; isNonAscii: a byte of a UTF-8 sequence; isAtextAscii: RFC 5322 §3.2.3).
bool isAlpha(char c);
bool isDigit(char c);
bool isNonAscii(char c);
bool isAtextAscii(char c);
// UTF-8 (RFC 3629): the length of the well-formed sequence at i (0: none), and the whole text.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i);
bool validUtf8(std::string_view s);
// RFC 5321 §4.1.2 productions: Dot-string, a quoted local part in canonical form, sub-domain, Domain,
// the looser labels EHLO names may use, and address literals (IPv4, IPv6, RFC 5321 §4.1.3).
bool isDotString(std::string_view s);
std::string canonicalLocal(std::string_view content);
bool isSubDomain(std::string_view label);
bool isDomain(std::string_view d);
bool isHeloLabel(std::string_view label);
bool isIpv4(std::string_view s);
bool isHex(char c);
bool isIpv6(std::string_view s);
bool isAddressLiteral(std::string_view s);

}  // namespace postern::mail::grammar
