// queue envelope types — what the spool keeps beside each message body: who sent it, to whom, over which
// connection, and each recipient's delivery state.
//
// Owns: the queue's own value types. They mirror smtp::Envelope field for field (app/ converts 1:1) so
// the queue never has to know the SMTP session or mail::Address. Must not know: sessions, sockets, SASL,
// files. Thread-safety: plain value types.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern::queue {

// An RFC 5321 mailbox as the session parsed it; local and domain are kept apart (not joined and re-split)
// so any byte, '@' in a quoted local part included, survives the round trip.
struct Mailbox {
  std::string local;   // as written, quotes included when the quoted form was necessary
  std::string domain;  // domain name or address literal

  // The null reverse-path "<>" (RFC 5321 §4.5.5) has neither part.
  bool isNull() const { return local.empty() && domain.empty(); }
  std::string str() const { return isNull() ? std::string() : local + "@" + domain; }
  friend bool operator==(const Mailbox&, const Mailbox&) = default;
};

// Intake creates pending recipients; delivery moves each to delivered (the smarthost took it) or failed
// (permanently refused, or still undelivered when the message expired). Both are final.
enum class DeliveryState { Pending, Delivered, Failed };
// "pending", "delivered", "failed": the envelope's state= values and what administrators read.
std::string_view deliveryStateName(DeliveryState state);
std::optional<DeliveryState> deliveryStateFromName(std::string_view name);

// RFC 3461 §4.3 RET; Unspecified: the client sent none (a bounce then carries the header section).
enum class DsnReturn { Unspecified, Full, Headers };

// RFC 3461 §4.1 NOTIFY as bits (the same values as smtp::notify); 0: the client sent no NOTIFY, which
// Postern reads as FAILURE and DELAY (Postfix's default: bounces and delay warnings, no success notices).
namespace notify {
constexpr unsigned kSuccess = 1;
constexpr unsigned kFailure = 2;
constexpr unsigned kDelay = 4;
constexpr unsigned kNever = 8;
}  // namespace notify

struct Recipient {
  static Recipient pending(Mailbox address) {
    Recipient r;
    r.address = std::move(address);
    return r;
  }

  Mailbox address;
  DeliveryState state = DeliveryState::Pending;
  // The last word on this recipient: the smarthost's reply ("550 5.1.1 <bob@x>: unknown user") or the
  // local reason ("connect to smtp.example.net:587: Connection refused"). Empty before the first attempt.
  std::string reply;
  // For failed recipients: the sender has been sent a bounce for them (or none was due: null sender,
  // NOTIFY without FAILURE). For relayed ones: the "relayed" notice has been sent.
  bool notified = false;
  unsigned notify = 0;    // RFC 3461 NOTIFY bits (notify::k*); 0: none given
  std::string orcptType;  // RFC 3461 ORCPT: "rfc822" or "utf-8"; empty: none given
  std::string orcpt;      // the original recipient, decoded from xtext
  // Delivered to a smarthost that does not offer DSN while the sender asked NOTIFY=SUCCESS: Postern owes
  // the sender a "relayed" notice (RFC 3461 §4.1, RFC 3464 Action: relayed) until notified.
  bool relayed = false;

  // Whether the sender wants to hear of this outcome (RFC 3461 §4.1; no NOTIFY: failures and delays).
  bool wantsNotice(unsigned bit) const {
    if (notify == 0) return bit != notify::kSuccess;
    return (notify & bit) != 0;
  }
  // A notice is still owed for this recipient: a bounce for a failure, a relayed notice for a success.
  bool owesNotice() const {
    return !notified && (state == DeliveryState::Failed || (state == DeliveryState::Delivered && relayed));
  }
  friend bool operator==(const Recipient&, const Recipient&) = default;
};

struct EnvelopeData {
  Mailbox sender;
  std::vector<Recipient> recipients;  // at least one
  std::string login;                  // authenticated user
  std::string clientAddress;          // textual IP
  std::string heloName;
  bool smtputf8 = false;                          // RFC 6531
  bool eightBitMime = false;                      // RFC 6152
  std::chrono::system_clock::time_point arrival;  // stored with one-second resolution
  DsnReturn dsnReturn = DsnReturn::Unspecified;   // RFC 3461 §4.3 RET
  std::string envid;                              // RFC 3461 §4.4 ENVID, decoded; empty: none given
  friend bool operator==(const EnvelopeData&, const EnvelopeData&) = default;
};

// Where delivery of a message stands; intake writes the zero state.
struct DeliveryProgress {
  unsigned attempts = 0;
  std::chrono::system_clock::time_point lastAttempt;  // epoch: never tried
  std::chrono::system_clock::time_point nextAttempt;  // epoch: as soon as possible
  std::string remote;                                 // smarthost of the last attempt ("host:port"), if any
  bool delayWarned = false;                           // the sender got the delay warning
  friend bool operator==(const DeliveryProgress&, const DeliveryProgress&) = default;
};

// A committed message as readers see it. Delivery sends prependedHeaders followed by the body file's
// bytes; the body file is never rewritten after commit.
struct QueuedMessage {
  std::string id;
  EnvelopeData envelope;
  std::uint64_t bodySize = 0;    // octets in the body file
  std::string prependedHeaders;  // "Name: value\r\n" fields the session added at commit
  DeliveryProgress progress;
  std::filesystem::path bodyPath;  // filled in by the Spool; not part of the envelope file

  // A message with the null reverse-path is itself a bounce: it is never bounced again (RFC 5321 §4.5.5).
  bool isBounce() const { return envelope.sender.isNull(); }
  std::size_t pendingCount() const {
    std::size_t n = 0;
    for (const auto& r : envelope.recipients) n += r.state == DeliveryState::Pending;
    return n;
  }
};

}  // namespace postern::queue
