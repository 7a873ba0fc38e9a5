// queue envelope file format, version 2 — the text the spool stores as <id>.env.
//
//   postern-envelope 2
//   id 0PN5Q7ZK3M1T2AB
//   arrival 1764523673
//   sender alice@example.org                 ("<>" for the null reverse-path)
//   login alice
//   client 192.0.2.7
//   helo laptop.example.org
//   smtputf8 no
//   8bitmime yes
//   dsn-ret full                             (RFC 3461 RET: full or hdrs; absent when not given)
//   dsn-envid QQ314159                        (RFC 3461 ENVID, decoded then escaped; absent when not given)
//   body-size 4096
//   rcpt bob@example.com state=pending       (one line per recipient, in RCPT order; state is
//   rcpt carol@example.net state=failed reply=550%205.1.1%20unknown notified=yes   pending, delivered or
//                                            failed; reply= the last word on it; notified= bounce sent)
//   rcpt dave@example.org state=delivered notify=success,delay orcpt=rfc822;Dave@old.example relayed=yes
//                                            (RFC 3461 NOTIFY: never, or a list of success, failure,
//                                            delay; ORCPT: type;address; relayed= a "relayed" notice is
//                                            owed, notified= it was sent)
//   headers Received:%20from%20...%0D%0A
//   attempts 2                               (delivery progress: intake writes 0 / 0 / 0 / empty / no;
//                                             optional when read: envelopes from before delivery lack it)
//   last-attempt 1764523700
//   next-attempt 1764524000                  (0: as soon as possible)
//   remote smtp.example.net:587
//   delay-warned no
//   end
//
// Every value is one token: bytes 0x00-0x20, 0x7F and '%' are written as %XX (in mailbox parts '@' too),
// so no address or header byte can start a line, split a field or forge one; UTF-8 stays readable. The
// "end" line lets a reader tell a complete file from a truncated one. Lines end in LF.
//
// Versions: 1 had no DSN fields (dsn-ret, dsn-envid, notify=, orcpt=, relayed=); it is still read, so a
// spool written before DSN keeps working. Writing is always version 2.
//
// Owns: encoding and strict decoding (unknown keys, duplicates, bad escapes, missing fields are errors: a
// file that does not parse is quarantined, never guessed at). Must not know: files, sessions.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "queue/envelope.h"

namespace postern::queue {

// Permanent: reading the same bytes again will not help.
class MalformedEnvelope : public core::Error {
 public:
  explicit MalformedEnvelope(const std::string& what) : core::Error(core::Severity::Permanent, what) {}
};

// bodyPath is not encoded.
std::string encodeEnvelope(const QueuedMessage& message);
// Throws MalformedEnvelope. bodyPath stays empty.
QueuedMessage decodeEnvelope(std::string_view text);

}  // namespace postern::queue
