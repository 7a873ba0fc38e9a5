// smtp::Session — the SMTP submission protocol as a pure state machine: bytes in, replies and actions out
// through SessionOutput, no sockets inside (STYLE.md §1).
//
// Implements: RFC 5321 (commands, replies, limits §4.5.3, trace §4.4), RFC 6409 (submission: Date and
// Message-ID added when missing), RFC 3207 (STARTTLS, state reset, pipelined plaintext discarded),
// RFC 4954 (AUTH), RFC 2920 (PIPELINING), RFC 1870 (SIZE), RFC 6152 (8BITMIME), RFC 2034 (enhanced codes),
// RFC 6531 (SMTPUTF8), RFC 3030 (CHUNKING: BDAT, without BINARYMIME). Sender rules: README "Sender rules".
// Must not know: sockets, OpenSSL, Cyrus, SQLite, files (those sit behind smtp/ports.h).
// Thread-safety: one thread at a time (a session belongs to one connection).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "smtp/ports.h"

namespace postern::smtp {

struct SessionConfig {
  std::string hostname = "localhost";             // our name in the greeting, EHLO and Received
  std::size_t maxMessageSize = 50 * 1024 * 1024;  // SIZE; octets of the message as received
  std::size_t maxRecipients = 100;                // per message; more → 452 4.5.3
  std::size_t maxCommandLine = 512;               // octets including CRLF (RFC 5321 §4.5.3.1.4)
  std::size_t maxTextLine = 1000;                 // DATA line incl. CRLF (RFC 5321 §4.5.3.1.6)
  std::size_t maxHeaderSection = 256 * 1024;      // octets of header the session inspects
  std::size_t maxAuthFailures = 3;                // then 421 and close
  std::size_t maxProtocolErrors = 5;              // consecutive errors, then 421 and close
  std::chrono::milliseconds authFailureDelay{1000};
  bool receivedIncludesClientAddress = true;  // false: the Received header leaves out the client IP
  std::chrono::seconds preAuthTimeout{60};    // idle limit before AUTH succeeded
  std::chrono::seconds commandTimeout{300};   // RFC 5321 §4.5.3.2.7 after AUTH
  std::chrono::seconds dataTimeout{300};      // between DATA chunks (RFC 5321 §4.5.3.2.7)
  // dkim.missing_key: with a signer, a message whose From domain has no key is refused (550 5.7.1)
  // instead of queued unsigned with a warning.
  bool rejectWithoutDkimKey = false;
  // smtp.display_name_policy = strict: From, Sender and Reply-To names may not pose as another address nor
  // hold bidi controls (header_policy.h checkDisplayNames); false (off) skips only that rule.
  bool checkDisplayNames = true;
};

struct TlsInfo {
  std::string version;  // "TLSv1.3"
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  unsigned bits = 0;    // symmetric key bits, for the SASL external SSF
};

struct ConnectionInfo {
  std::string clientAddress;   // textual IP
  bool implicitTls = false;    // port 465 style: TLS from the first byte (then `tls` is set)
  std::optional<TlsInfo> tls;  // set when TLS is already active at start (implicit TLS)
};

struct SessionServices {
  Authenticator& authenticator;
  SenderDirectory& senders;
  Spool& spool;
  const core::Clock& clock;
  MessageSigner* signer = nullptr;  // DKIM; none: messages are queued unsigned
  SessionEvents* events = nullptr;  // metrics; none: nothing is counted
  SendingLimits* limits = nullptr;  // sending limits; none: no limit
};

class Session {
 public:
  Session(const SessionConfig& config, ConnectionInfo connection, SessionServices services,
          SessionOutput& output);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Sends the 220 greeting. For implicit TLS the connection calls this after the handshake.
  void start();
  // Feeds bytes from the client. Every complete line is handled; an incomplete tail is kept for the next
  // call. Bytes arriving after STARTTLS and before tlsStarted() are discarded (RFC 3207 §5 / CVE-2011-0411).
  void feed(std::string_view bytes);
  // The TLS handshake requested by startTls() succeeded: the session forgets everything it knew from the
  // client (RFC 3207 §4.2) and expects a new EHLO.
  void tlsStarted(const TlsInfo& tls);
  // The connection's read timed out: 421 4.4.2 and close.
  void timedOut();
  // The server is shutting down: 421 4.3.2 and close. The connection calls it between transactions, or
  // when the grace period for one in DATA has passed.
  void shutdown();

  bool closed() const;         // a reply with close was sent; feed() ignores further input
  bool inTransaction() const;  // between MAIL and the end of DATA (shutdown waits for these)
  bool authenticated() const;
  const std::string& login() const;  // the authenticated login; empty before AUTH
  // How long the connection waits for the next bytes: shorter before AUTH (README "Timeouts").
  std::chrono::seconds readTimeout() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postern::smtp
