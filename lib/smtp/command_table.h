// smtp command table — every verb the session knows, with the flags that decide where it may appear
// (STYLE.md §2, after Postfix's smtpd_cmd_table). The session checks the flags in one place before any
// handler runs, so no handler repeats a TLS or AUTH check.
//
// Implements: RFC 3207 §4 (commands refused before STARTTLS), RFC 2920 §3.1 (commands that end a
// pipeline group), RFC 4954 §4 (AUTH before MAIL), RFC 3030 §3 (BDAT, and the commands that may not come
// between the chunks of one message). Must not know: replies, session state.
// Thread-safety: immutable data.
#pragma once

#include <string_view>

namespace postern::smtp {

enum class Verb { Helo, Ehlo, StartTls, Auth, Mail, Rcpt, Data, Bdat, Rset, Noop, Vrfy, Expn, Help, Quit };

struct CommandSpec {
  Verb verb;
  std::string_view name;   // upper case, as on the wire
  bool allowedBeforeTls;   // false: 530 5.7.0 until STARTTLS succeeded
  bool needsHelo;          // false: may come before EHLO/HELO
  bool needsAuth;          // true: 530 5.7.0 until AUTH succeeded
  bool endsPipelineGroup;  // RFC 2920 §3.1: the client must wait for the reply before sending more
  bool betweenChunks;      // false: 503 5.5.1 once a BDAT chunk of the message arrived (RFC 3030 §3)
};

// The entry for a verb (case-insensitive), or nullptr when the verb is unknown.
const CommandSpec* findCommand(std::string_view verb);

}  // namespace postern::smtp
