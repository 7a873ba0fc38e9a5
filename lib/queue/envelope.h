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
#include <string>
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

// Grows with delivery (delivered, failed, attempts, last error); intake only creates pending recipients.
enum class DeliveryState { Pending };

struct Recipient {
  Mailbox address;
  DeliveryState state = DeliveryState::Pending;
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
  friend bool operator==(const EnvelopeData&, const EnvelopeData&) = default;
};

// A committed message as readers see it. Delivery sends prependedHeaders followed by the body file's
// bytes; the body file is never rewritten after commit.
struct QueuedMessage {
  std::string id;
  EnvelopeData envelope;
  std::uint64_t bodySize = 0;      // octets in the body file
  std::string prependedHeaders;    // "Name: value\r\n" fields the session added at commit
  std::filesystem::path bodyPath;  // filled in by the Spool; not part of the envelope file
};

}  // namespace postern::queue
