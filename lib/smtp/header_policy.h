// smtp header policy — the author rules of Postern's sender checks (README "Sender rules") applied to the
// header fields a HeaderScanner collected: exactly one From, at most one Sender, and every mailbox in them
// owned by the authenticated user.
//
// Implements: RFC 5322 §3.6 (From: exactly once, Sender: at most once and a single mailbox), RFC 6409
// §8.1 (a submission server may refuse a message whose author it cannot vouch for).
// Must not know: the spool, the session. Thread-safety: a pure function.
#pragma once

#include <optional>

#include "core/reply.h"
#include "mail/allowed_senders.h"
#include "smtp/header_scanner.h"

namespace postern::smtp {

// The rejection, or nullopt when the author fields are acceptable.
std::optional<core::Reply> checkAuthorFields(const HeaderScanner& headers,
                                             const mail::AllowedSenders& allowed);

}  // namespace postern::smtp
