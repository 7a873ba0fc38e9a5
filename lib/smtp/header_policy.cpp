#include "smtp/header_policy.h"

#include <cstdio>

#include "core/text.h"
#include "mail/address.h"
#include "mail/display_name.h"

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

// What a reply may quote of client text: ASCII only, anything else as \u{HHHH} (or \xHH for a byte that
// is no UTF-8), and at most kMaxQuoted octets, so a reply line stays short and shows nothing invisible.
std::string quotable(std::string_view text) {
  constexpr std::size_t kMaxQuoted = 100;
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < kMaxQuoted;) {
    const auto b = static_cast<unsigned char>(text[i]);
    char buf[16];
    if (b >= 0x21 && b < 0x7f) {
      out += text[i++];
      continue;
    }
    char32_t cp = 0;
    const std::size_t n = core::decodeUtf8(text, i, cp);
    if (n == 0) {
      std::snprintf(buf, sizeof buf, "\\x%02X", b);
      ++i;
    } else {
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
      i += n;
    }
    out += buf;
  }
  if (out.size() >= kMaxQuoted) out += "...";
  return out;
}

std::optional<Reply> checkNames(const std::vector<std::string>& values, const char* field) {
  for (const auto& value : values) {
    const std::string decoded = mail::decodeEncodedWords(value);
    // UAX #9: an override or isolate reorders what follows it, so "moc.elpmaxe@ecila" can show as
    // another address than the one the message carries. Anywhere in the field, comments included.
    if (mail::containsBidiControl(value) || mail::containsBidiControl(decoded))
      return Reply(550, "5.7.1", std::string(field) + " header contains a bidi control character");
    const auto named = mail::parseNamedAddressList(value);
    // From and Sender were parsed by the author rules already; Reply-To is read here first.
    if (!named) return Reply(550, "5.6.0", std::string("Malformed ") + field + " header");
    for (const auto& group : named->groupNames)
      for (const auto& found : mail::addressesIn(mail::decodeEncodedWords(group)))
        return Reply(
            550, "5.7.1",
            std::string(field) + " group name names an address (" + quotable(found) + "); use a plain name");
    for (const auto& m : named->mailboxes) {
      const std::string own = m.address.key();
      for (const auto& found : mail::addressesIn(mail::decodeEncodedWords(m.displayName)))
        if (found != own)
          return Reply(550, "5.7.1",
                       std::string(field) + " display name names another address (" + quotable(found) +
                           "); use your own name");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Reply> checkDisplayNames(const HeaderScanner& headers) {
  if (auto r = checkNames(headers.from(), "From")) return r;
  if (auto r = checkNames(headers.sender(), "Sender")) return r;
  return checkNames(headers.replyTo(), "Reply-To");
}

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
