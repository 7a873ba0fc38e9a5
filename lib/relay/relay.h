// relay::Relay — the outbound SMTP client and its pool of connections to the smarthost.
//
// Owns: which smarthost to use (in order, failing over on connection-level trouble), the pool (at most
// maxConnections open; idle ones reused after RSET and closed with QUIT after idleTimeout), and turning
// every network or SMTP problem into a per-recipient outcome with a one-line, loggable reply text.
// Implements the client side of RFC 5321, STARTTLS (RFC 3207), implicit TLS (RFC 8314), AUTH PLAIN/LOGIN
// (RFC 4954, 4616), OAUTHBEARER (RFC 7628) and Google/Microsoft XOAUTH2, PIPELINING (RFC 2920), SIZE
// (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531).
// AUTH policy: configured credentials are used with the configured mechanism or not at all. A smarthost
// that does not offer it (or no AUTH at all), a plaintext connection, or an access token that cannot be
// had, defers the message; MAIL is never sent unauthenticated when credentials are configured.
// Per-sender routes over several Relays: relay/router.h.
// Must not know: the inbound session, the queue's files or retry policy, the admin interface.
// Thread-safety: deliver() and stop() may be called from any number of threads at once. Destroy the
// Relay only after every deliver() call has returned.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "modes/route_modes.h"

namespace postern::relay {

// The route modes' types (modes/route_modes.h), where the store and the CLI spell them too.
using TlsMode = modes::TlsMode;

struct Endpoint {
  std::string host;
  std::uint16_t port = 587;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// Password: AUTH PLAIN (RFC 4616), else LOGIN when the smarthost offers only that. XOAuth2: AUTH XOAUTH2
// (Google, Microsoft 365), "user=U^Aauth=Bearer T^A^A". OAuthBearer: AUTH OAUTHBEARER (RFC 7628).
using AuthMechanism = modes::AuthMechanism;

// "PLAIN/LOGIN", "XOAUTH2", "OAUTHBEARER" ("none" for None): for logs and error texts.
std::string mechanismName(AuthMechanism mechanism);

struct AuthOptions {
  AuthMechanism mechanism = AuthMechanism::None;
  std::string username;  // Password: the login; XOAuth2/OAuthBearer: the mailbox the token is for
  std::string password;  // Password only
  // XOAuth2/OAuthBearer: returns a current access token (RFC 6750 b64token characters). Called once per
  // new connection attempt, before connecting, from the delivering thread (so from several threads at
  // once: it must be thread-safe, and should cache); never per message. It may throw
  // core::Error whose what() is safe to show ("OAuth token refresh failed: ..."): every recipient is then
  // Deferred "4.7.0 OAuth token unavailable: <what()>", nothing is sent, no other mechanism is tried.
  std::function<std::string()> accessToken;
  // Optional: called (from the delivering thread) when a smarthost rejects the token (an error challenge
  // or a 5xx reply to AUTH; not a 4xx), so that the next accessToken() call fetches a new one instead of
  // returning a cached token. Exceptions from it are ignored.
  std::function<void()> tokenRejected;
  // Optional, as tokenRejected but told which token was rejected, for a cache that drops it only if it is
  // still the current one (oauth::TokenSource::invalidate(token)): another connection may already hold a
  // newer token. Both are called when both are set.
  std::function<void(const std::string& rejectedToken)> tokenRejectedFor;
};

// What the outbound client reports for the server's metrics (README "Metrics"). Thread-safe; must not throw.
class RelayEvents {
 public:
  virtual ~RelayEvents() = default;
  // A complete reply of a smarthost (greeting included) arrived this long after the client began waiting
  // for it.
  virtual void replyReceived(std::chrono::duration<double> waited) = 0;
};

struct RelayOptions {
  std::vector<Endpoint> smarthosts;  // tried in order; empty: every delivery is Deferred
  TlsMode tls = TlsMode::StartTls;
  std::string caFile;              // empty: the system CA bundle
  std::string username, password;  // both empty: no AUTH; set: AUTH with mechanism Password (the same as
                                   // auth = {Password, username, password}); leave empty when auth is set
  AuthOptions auth;                // mechanism None: username/password above decide
  std::string heloName;            // our FQDN for EHLO
  std::chrono::seconds connectTimeout{30};   // connect + TLS handshake + greeting
  std::chrono::seconds commandTimeout{120};  // each command's reply (and its write)
  std::chrono::seconds dataTimeout{600};     // each write of the content, and the reply to the final "."
  std::chrono::seconds idleTimeout{30};      // an unused pooled connection is closed (QUIT) after this
  std::size_t maxConnections = 4;
  // How long deliver() waits for one of the maxConnections to free up before it gives up with
  // DeliveryReport::busy (nothing sent). Bounded, so that a saturated smarthost never holds a thread.
  std::chrono::milliseconds connectionWait{std::chrono::minutes(10)};
  RelayEvents* events = nullptr;  // metrics; none: nothing is counted
};

struct OutboundMessage {
  std::string sender;                   // "local@domain"; empty for the null reverse-path <>
  std::vector<std::string> recipients;  // "local@domain" as stored (the local part may be a quoted string)
  bool smtputf8 = false;
  bool eightBitMime = false;
  std::string prefix;              // header fields Postern prepends ("Name: value\r\n"...), sent first
  std::filesystem::path bodyPath;  // the rest, exactly as received: CRLF lines, not dot-stuffed
  std::uint64_t bodySize = 0;      // informational; SIZE= is computed from the file itself
  // RFC 3461, passed on only to a smarthost that offers DSN: RET ("FULL", "HDRS"; empty: none), ENVID
  // (decoded; empty: none), and for each recipient (same order as recipients, or none at all) NOTIFY
  // ("NEVER", "SUCCESS,DELAY"...; empty: none) and ORCPT (type "rfc822" or "utf-8", decoded address).
  struct RecipientDsn {
    std::string notify;
    std::string orcptType;
    std::string orcpt;
  };
  std::string dsnReturn;
  std::string envid;
  std::vector<RecipientDsn> recipientDsn;
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
  std::string route;                        // Router: the name of the route taken; empty if none (or Relay)
  // Nothing was tried: no connection freed within connectionWait. Every recipient is Deferred; the
  // caller may put the message back without counting an attempt.
  bool busy = false;
  // The smarthost offered DSN (RFC 3461) and got the message's DSN parameters: it reports from now on.
  bool dsnPassedOn = false;
};

// One smarthost as Relay::check() found it: how far a connection got, without sending mail.
struct SmarthostCheck {
  std::string host;                  // "host:port"
  bool ok = false;                   // greeting, EHLO, TLS (unless the route has none) and AUTH succeeded
  bool connected = false;            // the TCP connection was made
  std::string tlsVersion;            // "TLSv1.3"; empty when TLS was not (or could not be) established
  std::string cipher;                // "TLS_AES_256_GCM_SHA384"
  bool certificateVerified = false;  // TLS is up, so the certificate verified and named the host
  std::string certificateError;      // why it did not verify ("unable to get local issuer certificate")
  std::string authMechanism;         // the mechanism that succeeded; empty without AUTH
  bool authOk = false;               // AUTH succeeded, or the route uses none
  std::string error;                 // the first problem, one line, never a credential; empty when ok
};

class Relay {
 public:
  // Validates the options and builds the TLS contexts (reads caFile); no network. Throws core::Error
  // (permanent) naming the problem: no HELO name, a smarthost without host or port, half the
  // credentials, OAuth without a user name or token source, both username/password and auth set, zero
  // connections or timeouts, a negative connectionWait, an unreadable CA file.
  explicit Relay(RelayOptions options);
  ~Relay();  // stop(): closes idle connections with QUIT
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Sends one message to the smarthost. Waits up to connectionWait while maxConnections connections are
  // busy (then report.busy, nothing sent). Never throws
  // for network or SMTP trouble: that becomes Deferred or Failed per recipient, with the reply text.
  DeliveryReport deliver(const OutboundMessage& message);

  // Connects to every smarthost in turn as a delivery would (greeting, EHLO, TLS with verification, AUTH,
  // fetching an OAuth token first), sends no mail, says QUIT. Outside the pool: a check neither waits for
  // nor takes one of maxConnections. Without smarthosts, one entry whose error says so.
  std::vector<SmarthostCheck> check();

  // Wakes deliver() calls waiting for a connection and closes idle connections; deliver() then answers
  // Deferred "shutting down". Deliveries already on the wire finish (bounded by the timeouts), and their
  // connections are closed afterwards.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::relay
