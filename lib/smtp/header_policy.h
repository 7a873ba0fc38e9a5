// smtp header policy — the rules Postern's sender checks (README "Sender rules") apply to the header fields
// a HeaderScanner collected: a header section every reader parses alike (it starts with a field, holds no
// control characters), exactly one From, at most one Sender, and every mailbox in From, Sender,
// Resent-From and Resent-Sender owned by the authenticated user.
//
// Implements: RFC 5322 §2.2 (fields: no controls but TAB, a field name before the colon), §3.6 (From:
// exactly once, Sender: at most once and a single mailbox), §3.6.6 (Resent-From and Resent-Sender: one of
// each per resent block, several blocks allowed), RFC 6409 §8.1 (a submission server may refuse a message
// whose author it cannot vouch for).
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

}  // namespace postern::smtp
