// smtp command parser — splits a command line into verb and argument, and parses the arguments of MAIL,
// RCPT and AUTH once into values (STYLE.md §3: check, then policy, then apply on the parsed value).
//
// Implements: RFC 5321 §4.1.1 (verbs case-insensitive), §4.1.2 (Path, Reverse-path, Forward-path,
// Mail-parameters; source routes accepted and ignored per §3.3/appendix C), RFC 1870 (SIZE), RFC 6152
// (BODY), RFC 6531 §3.4 (SMTPUTF8), RFC 4954 §4 (AUTH argument, AUTH= parameter), RFC 3461 §4 (RET,
// ENVID, NOTIFY, ORCPT: dsn_parameters.h), RFC 3463 codes. Each parameter at most once.
// Must not know: session state, policy limits, ports. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/reply.h"
#include "mail/address.h"
#include "smtp/dsn_parameters.h"

namespace postern::smtp {

struct CommandText {
  std::string_view verb;      // as sent (compare case-insensitively)
  std::string_view argument;  // after the first space, trimmed; empty when none
};
CommandText splitCommand(std::string_view line);

enum class BodyType { Unspecified, SevenBit, EightBitMime };

struct MailFrom {
  std::optional<mail::Address> sender;  // nullopt: the null reverse-path "<>"
  std::optional<std::uint64_t> size;    // SIZE=; saturates at UINT64_MAX
  BodyType body = BodyType::Unspecified;
  bool smtputf8 = false;
  DsnReturn ret = DsnReturn::Unspecified;  // RFC 3461 §4.3 RET=
  std::optional<std::string> envid;        // RFC 3461 §4.4 ENVID=, decoded from xtext
};

struct RcptTo {
  mail::Address recipient;
  RecipientDsn dsn;  // RFC 3461 §4.1 NOTIFY=, §4.2 ORCPT=
};

struct AuthRequest {
  std::string mechanism;                       // upper case
  std::optional<std::string> initialResponse;  // still base64 ("=" for empty); nullopt when absent
};

// Either the parsed value or the reply that explains why the argument was refused.
template <typename T>
class Parsed {
 public:
  Parsed(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor): reads as a return
  Parsed(core::Reply error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  const core::Reply& error() const { return std::get<core::Reply>(v_); }

 private:
  std::variant<T, core::Reply> v_;
};

// "FROM:<reverse-path> [SP Mail-parameters]".
Parsed<MailFrom> parseMailFrom(std::string_view argument);
// "TO:<forward-path> [SP Rcpt-parameters]"; NOTIFY and ORCPT are the RCPT parameters supported.
// smtputf8: MAIL carried it.
Parsed<RcptTo> parseRcptTo(std::string_view argument, bool smtputf8);
// "mechanism [SP initial-response]".
Parsed<AuthRequest> parseAuth(std::string_view argument);

}  // namespace postern::smtp
