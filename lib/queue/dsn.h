// queue DSN — the delivery status notifications Postern sends back to a sender: a bounce when recipients
// failed for good, a warning when delivery has been delayed, a "relayed" notice when a recipient that asked
// NOTIFY=SUCCESS went to a smarthost that does not do DSN (RFC 3461 §4.1). RFC 3464 (message/delivery-status)
// inside an RFC 6522 multipart/report, with the original message's header section (text/rfc822-headers).
// Messages with internationalised addresses get the RFC 6533 forms (message/global-delivery-status, utf-8
// address types, message/global-headers).
//
// Owns: the text of a notification and the reply → status-code mapping. Must not know: files, sockets,
// the queue manager's schedule, which recipients asked for which notice (the manager picks them by
// NOTIFY). Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "queue/envelope.h"

namespace postern::queue {

enum class DsnAction { Failed, Delayed, Relayed };

struct DsnRecipient {
  Mailbox address;
  std::string reply;        // the smarthost's reply ("550 5.1.1 ...") or Postern's own reason (no reply code)
  bool expired = false;     // failed because queue.max_lifetime ran out, not because it was refused
  std::string orcptType{};  // RFC 3461 ORCPT ("rfc822", "utf-8"), empty when none: Original-Recipient
  std::string orcpt{};
};

struct DsnRequest {
  DsnAction action = DsnAction::Failed;
  std::string reportingMta;    // Postern's host name
  std::string remoteMta;       // the smarthost's host name, empty when none answered
  std::string notificationId;  // unique; used in the Message-ID and the MIME boundary
  std::chrono::system_clock::time_point now;
  std::chrono::system_clock::time_point retryUntil;  // Delayed: when Postern gives up
  std::vector<DsnRecipient> recipients;              // at least one
  // The returned text (buildDsn's `returned`) is the whole message, not its header section: RET=FULL on a
  // failure notice (RFC 3461 §4.3), when the message fit the size cap.
  bool fullMessage = false;
  // RET=FULL was asked for, but the message was too large: the header section is returned instead.
  bool fullMessageTooLarge = false;
};

struct DsnMessage {
  EnvelopeData envelope;  // MAIL FROM:<> to the original sender
  std::string content;    // the whole message, CRLF lines
};

// original: the message the notification is about (its envelope: sender, arrival, SMTPUTF8, ENVID).
// returned: its header section as sent ("Name: value\r\n"..., prepended fields first), or the whole
// message with request.fullMessage.
DsnMessage buildDsn(const QueuedMessage& original, std::string_view returned, const DsnRequest& request);

// The RFC 3463 status a reply stands for: its enhanced code when it has a valid one whose class matches
// the reply code, else X.0.0 from the reply code; for Postern's own reasons (no reply code) 4.4.1 (no
// answer from host) — or, for an expired recipient, 4.4.7 (delivery time expired).
std::string statusOf(std::string_view reply, bool expired = false);

// The header section of a message file's bytes: up to and including the empty line's CRLF (or everything
// when there is no body). limit bounds what is copied into a notification.
std::string_view headerSection(std::string_view message, std::size_t limit = 64 * 1024);

}  // namespace postern::queue
