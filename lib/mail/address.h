// mail::Address and the parsers for the places an address appears: the SMTP path of MAIL FROM / RCPT TO
// (RFC 5321 §4.1.2, SMTPUTF8 RFC 6531 §3.3) and RFC 5322 §3.4 address lists in From:/Sender: headers;
// and the EHLO/HELO argument (RFC 5321 §4.1.1.1), which is the same Domain / address-literal grammar.
//
// Owns: address syntax and comparison rules. Must not know: sessions, stores, I/O.
// Thread-safety: pure functions and value types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::mail {

struct Address {
  std::string local;   // as written, without quotes when the quoted form was unnecessary
  std::string domain;  // as written (a domain name or an address literal "[192.0.2.1]")

  std::string str() const { return local + "@" + domain; }
  // Comparison key: the whole address lower-cased (ASCII). Postern treats local parts case-insensitively,
  // as every mailbox provider an office uses does; see README "Sender rules".
  std::string key() const;
  friend bool operator==(const Address&, const Address&) = default;
};

// RFC 5321 Mailbox (Local-part "@" ( Domain / address-literal )), with UTF-8 allowed when smtputf8 is
// true (RFC 6531). Limits: local part 64 octets, domain 255, whole path 256 (RFC 5321 §4.5.3.1).
std::optional<Address> parseMailbox(std::string_view text, bool smtputf8 = true);

// RFC 5322 address-list / mailbox-list as found in a header field body (unfolded or folded): display
// names, comments, angle addresses, groups. Returns every mailbox, or nullopt when the syntax is broken.
std::optional<std::vector<Address>> parseAddressList(std::string_view headerValue);

// The same address list with what a reader is shown beside each address: every mailbox with its display
// name (empty for a bare addr-spec) and the display name of every group (RFC 5322 §3.4). Names are the
// phrase's words joined by one space, quoted strings unescaped, comments dropped, RFC 2047 encoded words
// left as written. nullopt when the syntax is broken.
struct NamedMailbox {
  Address address;
  std::string displayName;
};
struct NamedAddressList {
  std::vector<NamedMailbox> mailboxes;
  std::vector<std::string> groupNames;
};
std::optional<NamedAddressList> parseNamedAddressList(std::string_view headerValue);

// True for a plain address: a dot-atom local part (not quoted) at a domain name (not an address literal),
// with nothing in it that would display as something else (controls, line separators, bidirectional or
// zero-width format characters: whatever core::printable() would escape). Only such an address is shown
// verbatim where a reader could mistake its content for syntax, such as a Received "for" clause.
bool isPlainAddress(const Address& address);

// RFC 5321 §4.1.1.1 "EHLO" SP ( Domain / address-literal ), as tolerant as Postfix's valid_hostname for the
// names real office devices send: "_" in labels (Windows and printer host names), one trailing dot, a bare
// IPv4 address (a syntactically valid Domain), U-labels in well-formed UTF-8 (RFC 6531 §3.7.1). An
// all-numeric name must be an IPv4 address; nothing core::printable() would escape is accepted.
bool isHeloName(std::string_view name);

}  // namespace postern::mail
