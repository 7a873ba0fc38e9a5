// relay::ClientSession — one SMTP conversation with one smarthost. Internal to relay.
//
// Owns: the client's side of the dialogue over a SmarthostSocket: greeting, EHLO (HELO when a server refuses
// EHLO with 5xx: then no extension, and a route that needs STARTTLS or AUTH gets nothing), STARTTLS (and
// refusing to continue without it), AUTH with exactly the configured mechanism (client_auth.cpp: PLAIN/LOGIN,
// XOAUTH2, OAUTHBEARER; fetching the access token for a new connection), the MAIL/RCPT/DATA transaction
// (pipelined when offered), RSET before reuse, QUIT. Per-command deadlines. Reply texts it hands out have
// every credential (password, token, and their base64 forms) removed.
// Must not know: the pool or failover (relay.cpp), the queue. Thread-safety: one thread at a time.
#pragma once

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "relay/extensions.h"
#include "relay/relay.h"
#include "relay/server_reply.h"
#include "relay/smarthost_socket.h"

namespace postern::relay {

class BodyFile;

// Something went wrong with the conversation; what() is a loggable one-line reason, free of secrets.
class SessionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The access token source failed: the same for every smarthost, so no failover; what() is the
// recipients' reply ("4.7.0 OAuth token unavailable: ...").
class TokenUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SessionSettings {
  TlsMode tls = TlsMode::StartTls;
  std::string heloName;
  AuthOptions auth;  // resolved: mechanism None means no AUTH (RelayOptions::username/password folded in)
  std::chrono::milliseconds connectTimeout{30000};
  std::chrono::milliseconds commandTimeout{120000};
  std::chrono::milliseconds dataTimeout{600000};
  std::chrono::milliseconds quitTimeout{5000};
  RelayEvents* events = nullptr;  // RelayOptions::events
  BlockingLookup lookup;          // the smarthost's name lookup; empty: the system resolver (tests inject)
};

struct TransactionResult {
  std::vector<RecipientResult> recipients;
  bool tryNextHost = false;  // MAIL was refused with 4xx: another smarthost may take the message
  bool dsnPassedOn = false;  // the smarthost offers DSN: RET/ENVID/NOTIFY/ORCPT went with the envelope
};

// How far open() got with one smarthost, for an administrator's check of a route (Relay::check).
struct OpenProgress {
  bool connected = false;
  std::string tlsVersion, tlsCipher;  // set once TLS is up
  std::string authMechanism;          // "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER" once authenticated
};

class ClientSession {
 public:
  // Connects and prepares the session up to the first MAIL: greeting, EHLO, TLS, AUTH. With an OAuth
  // mechanism the token is fetched first, and TokenUnavailable thrown (before any connection) when it
  // cannot be had. Throws SessionError naming the host and the reason when the smarthost cannot be used.
  // With progress, records each step as it completes (also when a later step throws).
  static std::unique_ptr<ClientSession> open(const Endpoint& endpoint, std::size_t hostIndex,
                                             const SessionSettings& settings, Poco::Net::Context::Ptr context,
                                             OpenProgress* progress = nullptr);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // One transaction. Never throws for network or SMTP trouble; afterwards usable() says whether the
  // connection may carry another message.
  TransactionResult send(const OutboundMessage& message, BodyFile& body);

  // RSET before reuse: false when the connection turned out dead or unwilling (it is then closed).
  bool reset();

  // QUIT, a bounded wait for its reply, close. Safe on a broken session (just closes).
  void quit() noexcept;

  bool usable() const { return usable_ && transport_.connected(); }
  const std::string& name() const { return name_; }
  std::size_t hostIndex() const { return hostIndex_; }
  std::chrono::steady_clock::time_point idleSince() const { return idleSince_; }
  void markIdle() { idleSince_ = std::chrono::steady_clock::now(); }

 private:
  ClientSession(const Endpoint& endpoint, std::size_t hostIndex, const SessionSettings& settings);
  class Transaction;  // client_transaction.cpp

  void connect(const Poco::Net::Context::Ptr& context);
  void greet(Deadline deadline);
  void ehlo(Deadline deadline);  // falls back to HELO after a 5xx (heloOnly_)
  std::string heloOnlyNote() const;
  void startTls(const Poco::Net::Context::Ptr& context);
  void tlsEstablished();
  // client_auth.cpp
  void fetchToken();
  void authenticate();
  void requireOffered(std::string_view mechanism);
  ServerReply passwordExchange(std::string_view mechanism);
  struct OAuthReply {
    ServerReply reply;            // the final reply to the exchange
    bool errorChallenge = false;  // the server sent a 334 error challenge: the token was refused
    std::string status;           // the challenge's JSON "status", when safe to show
  };
  OAuthReply oauthExchange(std::string_view mechanism, const std::string& initialResponse,
                           std::string_view afterErrorChallenge);
  void tokenRejected(const std::string& token) noexcept;

  void write(std::string_view bytes, std::string_view phase, Deadline deadline);
  void writeSecret(std::string_view line, Deadline deadline);  // never logged
  ServerReply readReply(std::string_view phase, Deadline deadline);
  ServerReply command(std::string_view line, std::string_view phase, std::chrono::milliseconds timeout);
  [[noreturn]] void fail(const TransportError& e, std::string_view phase);
  [[noreturn]] void refuse(const std::string& why);
  std::string redact(std::string text) const;

  Endpoint endpoint_;
  std::size_t hostIndex_;
  std::string name_;  // "host:port"
  SessionSettings settings_;
  SmarthostSocket transport_;
  Extensions extensions_;
  bool heloOnly_ = false;  // EHLO was refused and HELO accepted: no extension at all (RFC 5321 §3.2)
  bool usable_ = false;
  std::chrono::steady_clock::time_point idleSince_;
  std::string token_;                 // the access token for this connection's AUTH (OAuth only)
  std::string authUsed_;              // "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER" once authenticated
  std::vector<std::string> secrets_;  // never in a reply text we hand out
  OpenProgress* progress_ = nullptr;  // during open() only
  Poco::Logger& logger_;
};

}  // namespace postern::relay
