// auth log lines — the fixed format of the lines a log watcher (fail2ban, deploy/fail2ban/) reads: one per
// failed password login, one per ban started. Written by the "auth" logger, so that a line reads
//   2026-12-07T15:04:05.123Z Warning auth: failure service=smtp client=203.0.113.7 login="x" mechanism=PLAIN
//   reason=wrong-password 2026-12-07T15:04:05.124Z Warning auth: ban started kind=addr key=203.0.113.7
//   count=1 until=2026-12-07T15:19:05Z reason="10 failed logins in 600 s"
// The fields come in this order, and everything before login= is chosen by the server, never the
// client: client= is the connection's address as the socket reported it. The login is client-chosen: it
// is always quoted, with '"' and '\' escaped by a backslash and control, line-breaking and invisible
// characters made visible (core::logValue), so it can neither end the line nor pass for another field.
// Never a password.
//
// Must not know: sockets, SMTP, HTTP. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "auth/ban_list.h"

namespace postern::auth {

struct AuthFailure {
  std::string_view service;    // "smtp", "admin", "client-setup"
  std::string_view client;     // the client's address
  std::string_view login;      // as the client sent it; may be empty
  std::string_view mechanism;  // "PLAIN", "LOGIN"; "PASSWORD" for a form
  std::string_view reason;     // one word: wrong-password, unknown-user, ...
};

// "failure service=... client=... login="..." mechanism=... reason=..." (the logger adds "auth: ").
std::string failureLine(const AuthFailure& failure);
// "ban started kind=... key=... count=N until=YYYY-MM-DDTHH:MM:SSZ reason="..."".
std::string banStartedLine(const Ban& ban);
// A reason word for a log line: "wrong password" → "wrong-password".
std::string reasonWord(std::string_view phrase);
// The quoted form of client-chosen text used for login=: always between double quotes.
std::string quotedValue(std::string_view text);

}  // namespace postern::auth
