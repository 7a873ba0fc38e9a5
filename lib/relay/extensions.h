// relay::Extensions — what the smarthost's EHLO reply offers (RFC 5321 §4.1.1.1).
//
// Owns: parsing the EHLO keywords the client uses: STARTTLS (RFC 3207), PIPELINING (RFC 2920), SIZE
// (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), DSN (RFC 3461), AUTH (RFC 4954, also the old "AUTH="
// form), CHUNKING (RFC 3030). Must not know: sockets. Thread-safety: a value.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "relay/server_reply.h"

namespace postern::relay {

struct Extensions {
  bool startTls = false;
  bool pipelining = false;
  bool size = false;
  std::optional<std::uint64_t> sizeLimit;  // SIZE with a non-zero number
  bool eightBitMime = false;
  bool smtputf8 = false;
  bool dsn = false;                      // RFC 3461
  std::set<std::string> authMechanisms;  // upper case
  bool chunking = false;                 // BDAT (RFC 3030)

  // The first line is the greeting's domain; every later line is a keyword with optional parameters.
  static Extensions parse(const ServerReply& ehloReply);
};

}  // namespace postern::relay
