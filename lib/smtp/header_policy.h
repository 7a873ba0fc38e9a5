// smtp header policy — the rules Postern's sender checks (README "Sender rules") apply to the header fields
// a HeaderScanner collected: a header section every reader parses alike (it starts with a field, holds no
// control characters), exactly one From, at most one Sender, and every mailbox in From, Sender,
// Resent-From and Resent-Sender owned by the authenticated user; and (smtp.display_name_policy = strict)
// display names that show only what they are:
// - From, Sender and Reply-To are read as RFC 5322 §3.4 address lists: each mailbox's display name and
//   each group's name, with RFC 2047 encoded words decoded (B and Q; UTF-8, US-ASCII, ISO-8859-1,
//   windows-1252; an undecodable word is checked as written).
// - A mailbox's display name may hold no e-mail address but that mailbox's own (compared as Address::key
//   compares: the whole address case-insensitively); a group name may hold none at all. What counts as
//   an address, look-alike at signs included, is mail::addressesIn().
// - No bidi control (U+202A..U+202E, U+2066..U+2069) anywhere in those fields, raw or encoded.
// - A refusal is 550 5.7.1 naming the field and the reason, quoting the address found in ASCII only
//   (anything else escaped as \u{HHHH}); a Reply-To that is no address list is 550 5.6.0.
// - The work is linear in the header section, which HeaderScanner already bounds.
//
// Implements: RFC 5322 §2.2 (fields: no controls but TAB, a field name before the colon), §3.6 (From:
// exactly once, Sender: at most once and a single mailbox), §3.6.6 (Resent-From and Resent-Sender: one of
// each per resent block, several blocks allowed), RFC 6409 §8.1 (a submission server may refuse a message
// whose author it cannot vouch for), RFC 2047 (encoded words in display names).
// Must not know: the spool, the session. Thread-safety: pure functions.
#pragma once

#include <optional>

#include "core/reply.h"
#include "mail/allowed_senders.h"
#include "smtp/header_scanner.h"

namespace postern::smtp {

// The rejection of a header section that another reader could take apart differently from the scanner
// (or than Postern's prepended fields expect), or nullopt.
std::optional<core::Reply> checkHeaderSyntax(const HeaderScanner& headers);

// The rejection, or nullopt when the author fields are acceptable.
std::optional<core::Reply> checkAuthorFields(const HeaderScanner& headers,
                                             const mail::AllowedSenders& allowed);

// The rejection of a From, Sender or Reply-To whose display name or group name poses as another address
// or holds a bidi control character, or nullopt. Call after checkAuthorFields() passed.
std::optional<core::Reply> checkDisplayNames(const HeaderScanner& headers);

}  // namespace postern::smtp
