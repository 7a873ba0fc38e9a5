#include "smtp/header_policy.h"

#include "mail/address.h"

namespace postern::smtp {

namespace {

using core::Reply;

std::optional<Reply> checkMailboxes(const std::string& value, const mail::AllowedSenders& allowed,
                                    const char* field, bool single) {
  const auto mailboxes = mail::parseAddressList(value);
  if (!mailboxes || mailboxes->empty() || (single && mailboxes->size() != 1))
    return Reply(550, "5.6.0", std::string("Malformed ") + field + " header");
  for (const auto& m : *mailboxes)
    if (!allowed.allows(m))
      return Reply(550, "5.7.1", std::string(field) + " header address <" + m.str() + "> not owned by you");
  return std::nullopt;
}

}  // namespace

std::optional<Reply> checkHeaderSyntax(const HeaderScanner& headers) {
  if (headers.tooLarge()) return Reply(552, "5.3.4", "Header section too large");
  // RFC 5322 §2.2: a NUL would let "From\0:" pass here and read as a second From where NUL is dropped.
  if (headers.sawControlCharacter())
    return Reply(550, "5.6.0", "Message header contains a control character");
  // Postern's own fields go right before the client's first line: a continuation line there would write
  // into Postern's Received (or Message-ID).
  if (headers.firstLineIsNotAField()) return Reply(550, "5.6.0", "Message must begin with a header field");
  return std::nullopt;
}

std::optional<Reply> checkAuthorFields(const HeaderScanner& headers, const mail::AllowedSenders& allowed) {
  if (headers.tooLarge()) return Reply(552, "5.3.4", "Header section too large");
  // RFC 5322 §3.6: From occurs exactly once, Sender at most once.
  if (headers.from().empty()) return Reply(550, "5.6.0", "Message has no From header");
  if (headers.from().size() > 1) return Reply(550, "5.7.1", "Message has more than one From header");
  if (headers.sender().size() > 1) return Reply(550, "5.7.1", "Message has more than one Sender header");
  if (auto r = checkMailboxes(headers.from().front(), allowed, "From", false)) return r;
  // RFC 5322 §3.6.2: Sender is a single mailbox.
  if (!headers.sender().empty())
    if (auto r = checkMailboxes(headers.sender().front(), allowed, "Sender", true)) return r;
  // RFC 5322 §3.6.6: whoever resends names themselves in Resent-From (a mailbox list) and, optionally,
  // Resent-Sender (one mailbox). Each resent block has its own, so several fields are allowed; each is
  // held to the rule From and Sender are held to.
  for (const auto& value : headers.resentFrom())
    if (auto r = checkMailboxes(value, allowed, "Resent-From", false)) return r;
  for (const auto& value : headers.resentSender())
    if (auto r = checkMailboxes(value, allowed, "Resent-Sender", true)) return r;
  return std::nullopt;
}

}  // namespace postern::smtp
