// relay::Relay — the outbound SMTP client and its pool of connections to the smarthost.
//
// Owns: which smarthost to use (in order, failing over on connection-level trouble), the pool (at most
// maxConnections open; idle ones reused after RSET and closed with QUIT after idleTimeout), and turning
// every network or SMTP problem into a per-recipient outcome with a one-line, loggable reply text.
// Implements the client side of RFC 5321, STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH PLAIN/LOGIN
// (RFC 4954, 4616), PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531).
// Must not know: the inbound session, the queue's files or retry policy, the admin interface.
// Thread-safety: deliver() and stop() may be called from any number of threads at once. Destroy the
// Relay only after every deliver() call has returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace postern::relay {

enum class TlsMode { StartTls, Implicit, None };

struct Endpoint {
  std::string host;
  std::uint16_t port = 587;
  std::string str() const { return host + ":" + std::to_string(port); }
};

struct RelayOptions {
  std::vector<Endpoint> smarthosts;  // tried in order; empty: every delivery is Deferred
  TlsMode tls = TlsMode::StartTls;
  std::string caFile;                // empty: the system CA bundle
  std::string username, password;    // both empty: no AUTH
  std::string heloName;              // our FQDN for EHLO
  std::chrono::seconds connectTimeout{30};  // connect + TLS handshake + greeting
  std::chrono::seconds commandTimeout{120};  // each command's reply (and its write)
  std::chrono::seconds dataTimeout{600};     // each write of the content, and the reply to the final "."
  std::chrono::seconds idleTimeout{30};      // an unused pooled connection is closed (QUIT) after this
  std::size_t maxConnections = 4;
};

struct OutboundMessage {
  std::string sender;                   // "local@domain"; empty for the null reverse-path <>
  std::vector<std::string> recipients;  // "local@domain" as stored (the local part may be a quoted string)
  bool smtputf8 = false;
  bool eightBitMime = false;
  std::string prefix;                   // header fields Postern prepends ("Name: value\r\n"...), sent first
  std::filesystem::path bodyPath;       // the rest, exactly as received: CRLF lines, not dot-stuffed
  std::uint64_t bodySize = 0;           // informational; SIZE= is computed from the file itself
};

enum class Outcome { Delivered, Deferred, Failed };  // 2xx / 4xx or any local or network error / 5xx

struct RecipientResult {
  Outcome outcome = Outcome::Deferred;
  std::string reply;  // "250 2.0.0 Ok: queued as X", "550 5.1.1 <bob@x>: unknown",
                      // "connect to smtp.example.net:587: Connection refused"; one line, never credentials
};

struct DeliveryReport {
  std::vector<RecipientResult> recipients;  // in the order of OutboundMessage::recipients
  std::string smarthost;                    // "host:port" that answered the transaction; empty if none
};

class Relay {
 public:
  // Validates the options and builds the TLS contexts (reads caFile); no network. Throws core::Error
  // (permanent) naming the problem: no HELO name, a smarthost without host or port, half the
  // credentials, zero connections or timeouts, an unreadable CA file.
  explicit Relay(RelayOptions options);
  ~Relay();  // stop(): closes idle connections with QUIT
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Sends one message to the smarthost. Blocks while maxConnections connections are busy. Never throws
  // for network or SMTP trouble: that becomes Deferred or Failed per recipient, with the reply text.
  DeliveryReport deliver(const OutboundMessage& message);

  // Wakes deliver() calls waiting for a connection and closes idle connections; deliver() then answers
  // Deferred "shutting down". Deliveries already on the wire finish (bounded by the timeouts), and their
  // connections are closed afterwards.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::relay
