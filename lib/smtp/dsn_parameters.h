// smtp DSN parameters — the RFC 3461 MAIL parameters RET and ENVID and RCPT parameters NOTIFY and ORCPT:
// their values once parsed, and the parsers that check each one's grammar.
//
// Implements: RFC 3461 §4.1 (NOTIFY: NEVER alone, or a list of SUCCESS, FAILURE, DELAY), §4.2 (ORCPT:
// addr-type ";" xtext, at most 500 characters; the decoded address printable US-ASCII), §4.3 (RET: FULL or
// HDRS), §4.4 (ENVID: xtext, at most 100 characters, printable when decoded); RFC 6533 §3 (the utf-8
// address type). Must not know: session state, the queue. Thread-safety: pure functions and values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postern::smtp {

// RFC 3461 §4.3; Unspecified: the client sent no RET.
enum class DsnReturn { Unspecified, Full, Headers };

// RFC 3461 §4.1 NOTIFY as bits; 0: the client sent no NOTIFY.
namespace notify {
constexpr unsigned kSuccess = 1;
constexpr unsigned kFailure = 2;
constexpr unsigned kDelay = 4;
constexpr unsigned kNever = 8;
}  // namespace notify

// RFC 3461 §4.2 ORCPT, decoded: type is "rfc822" or "utf-8" (lower case), address the decoded text.
struct OriginalRecipient {
  std::string type;
  std::string address;
  friend bool operator==(const OriginalRecipient&, const OriginalRecipient&) = default;
};

// What the client asked of one recipient.
struct RecipientDsn {
  unsigned notify = 0;
  std::optional<OriginalRecipient> orcpt;
  friend bool operator==(const RecipientDsn&, const RecipientDsn&) = default;
};

// Each returns nullopt when the value breaks the parameter's grammar.
std::optional<DsnReturn> parseDsnReturn(std::string_view value);
std::optional<std::string> parseEnvelopeId(std::string_view value);
std::optional<unsigned> parseNotify(std::string_view value);
// smtputf8: the transaction has SMTPUTF8, so a utf-8 address may carry raw UTF-8 (RFC 6533 unitext).
std::optional<OriginalRecipient> parseOriginalRecipient(std::string_view value, bool smtputf8);

}  // namespace postern::smtp
