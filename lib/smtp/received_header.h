// smtp Received header — the trace field the submission server prepends to every accepted message.
//
// Implements: RFC 5321 §4.4 (Time-stamp-line: from, by, with, id, for; address literals per §4.1.3),
// RFC 3848 §2 ("with ESMTPSA": ESMTP with STARTTLS or implicit TLS and AUTH), RFC 5322 §2.2.3 (folding
// with CRLF + TAB, no line over 998 octets), §3.2.2 (comments). Everything the client chose (HELO name,
// login) is reduced to printable ASCII so it cannot break the field; the recipient appears in the "for"
// clause only when it is a plain address (mail::isPlainAddress: no quoted local part, no address literal),
// since a quoted local part can hold "; by ...; date" and look like the end of the field (RFC 5321 §4.4
// makes the clause optional). Must not know: sessions, the spool.
// Thread-safety: a pure function.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "mail/address.h"

namespace postern::smtp {

struct ReceivedInfo {
  std::string heloName;
  std::optional<std::string> clientAddress;  // textual IP; nullopt leaves it out (privacy setting)
  std::string hostname;
  std::string queueId;
  std::string tlsVersion;
  std::string tlsCipher;
  std::string login;
  std::optional<mail::Address> recipient;  // only with exactly one recipient: more would disclose Bcc
  std::chrono::system_clock::time_point time;
};

// "Received: ...\r\n" with its continuation lines.
std::string receivedHeader(const ReceivedInfo& info);

}  // namespace postern::smtp
