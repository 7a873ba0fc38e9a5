// smtp ports — what smtp::Session needs from the rest of Postern, as small interfaces. The session calls
// them; app/ adapts the real implementations (auth over Cyrus SASL, the queue's spool) to them, and unit
// tests use fakes (tests/unit/smtp/fakes.h).
//
// Must not know: sockets, OpenSSL, Cyrus, SQLite, files. Thread-safety: one session uses its ports from
// one thread; a Spool and a SenderDirectory are shared by all sessions and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reply.h"
#include "mail/address.h"
#include "mail/allowed_senders.h"
#include "smtp/dsn_parameters.h"

namespace postern::smtp {

// ---- Authentication (RFC 4954): one Authenticator per session. -----------------------------------------
struct AuthOutcome {
  enum class Status {
    Continue,      // send "334 " + base64(challenge) and pass the client's next line to step()
    Success,       // login holds the authenticated user
    Failure,       // wrong password, unknown user, disabled user: all the same to the client (535 5.7.8)
    Malformed,     // the mechanism's message is malformed (501 5.5.2)
    NoMechanism,   // mechanism not offered (504 5.5.4)
    AuthzRefused,  // an authorization identity other than the login (535 5.7.8, logged distinctly)
    Temporary,     // the user store or SASL failed (454 4.7.0)
  };
  Status status = Status::Failure;
  std::string challenge;  // raw bytes, with Continue
  std::string login;      // with Success
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::vector<std::string> mechanisms() const = 0;  // e.g. {"PLAIN", "LOGIN"}, upper case
  // initialResponse is already base64-decoded; nullopt when the client sent none, "" for "=".
  virtual AuthOutcome start(const std::string& mechanism,
                            const std::optional<std::string>& initialResponse) = 0;
  virtual AuthOutcome step(const std::string& decodedResponse) = 0;
  // Forget any exchange in progress (client sent "*", or the exchange failed). The next start() begins anew.
  virtual void reset() = 0;
  // TLS is up with this many bits of security (RFC 4422 external SSF).
  virtual void tlsEstablished(unsigned ssfBits) = 0;
};

// ---- Who may send as whom. Shared; thread-safe. --------------------------------------------------------
class SenderDirectory {
 public:
  virtual ~SenderDirectory() = default;
  // The addresses the authenticated login may use. Throws core::Error when the store fails.
  virtual mail::AllowedSenders sendersFor(const std::string& login) = 0;
};

// ---- The spool an accepted message lands in. Shared; thread-safe. --------------------------------------
struct Envelope {
  mail::Address sender;
  std::vector<mail::Address> recipients;
  std::string login;          // authenticated user
  std::string clientAddress;  // "192.0.2.7" or "2001:db8::1"
  std::string heloName;
  bool smtputf8 = false;      // RFC 6531 SMTPUTF8 parameter given
  bool eightBitMime = false;  // BODY=8BITMIME given (RFC 6152)
  std::chrono::system_clock::time_point arrival;
  // RFC 3461: RET and ENVID from MAIL; NOTIFY and ORCPT of each recipient, in the order of recipients.
  DsnReturn dsnReturn = DsnReturn::Unspecified;
  std::optional<std::string> envid;
  std::vector<RecipientDsn> recipientDsn;
};

class MessageWriter {
 public:
  // Destroying a writer that was not committed removes everything it wrote (intake as a transaction).
  virtual ~MessageWriter() = default;
  virtual const std::string& queueId() const = 0;
  // Appends message bytes (CRLF line ends, dot-unstuffed). Throws core::Error; core::InsufficientStorage
  // when the disk is full.
  virtual void write(std::string_view bytes) = 0;
  // Makes the message durable: returns only when message, prepended header lines and envelope are fsynced
  // and renamed into the queue. prependedHeaders is zero or more complete "Name: value\r\n" fields.
  virtual void commit(const std::string& prependedHeaders) = 0;
};

class Spool {
 public:
  virtual ~Spool() = default;
  // false when free space is below the configured reserve: MAIL gets 452 4.3.1 (RFC 3463).
  virtual bool acceptingMail() const = 0;
  // Throws core::Error (core::InsufficientStorage when the disk is full).
  virtual std::unique_ptr<MessageWriter> begin(const Envelope& envelope) = 0;
};

// ---- DKIM signing (RFC 6376): the signature is made before the message is committed. Shared; thread-safe.
struct SigningOutcome {
  enum class Status {
    Signed,  // fields holds the DKIM-Signature fields to put on top of the message
    NoKey,   // neither the From domain nor a parent has an active key: dkim.missing_key decides
    Failed,  // a key could not be used or signing failed: 451 4.3.0, never an unsigned send
  };
  Status status = Status::NoKey;
  std::string fields;                   // "DKIM-Signature: ...\r\n" (one or more), with Signed
  std::vector<std::string> algorithms;  // a= of each signature, with Signed ("rsa-sha256", "ed25519-sha256")
  std::string detail;  // for the log: "d=example.org s=202611e,202611r", or the reason; never key material
};

// One message's signature in the making: it sees every message byte as it streams in (the body hash is
// computed on the way, so the body is never read twice).
class MessageSignature {
 public:
  virtual ~MessageSignature() = default;
  // Message bytes (CRLF line ends, dot-unstuffed), the same the MessageWriter gets. Should not throw.
  virtual void write(std::string_view bytes) = 0;
  // The message is complete and acceptable. fromDomain: the domain of the header From (its first
  // mailbox); addedHeaders: the fields Postern adds that belong to the signed header section (Date and
  // Message-ID when the client left them out). Call once.
  virtual SigningOutcome finish(std::string_view fromDomain, std::string_view addedHeaders) = 0;
};

class MessageSigner {
 public:
  virtual ~MessageSigner() = default;
  virtual std::unique_ptr<MessageSignature> begin() = 0;
};

// ---- What the session reports for the server's metrics (README "Metrics"). Optional; shared by all
// sessions; thread-safe; must not throw. Nothing a client chose (a login, an address) is passed on.
// Why a mail transaction was refused, at MAIL or at the end of DATA: what the session already tells apart.
enum class Refusal {
  SenderNotOwned,  // MAIL FROM an address the login may not use (553 5.7.1)
  HeaderFrom,      // From, Sender, Resent-* not owned, or From/Sender more than once (550 5.7.1)
  DisplayName,     // a From/Sender/Reply-To name posing as another address, or a bidi control (550 5.7.1)
  TooLarge,        // message or header section over the limit (552 5.3.4)
  Malformed,       // bare CR or LF, an overlong line, a broken header section (550 5.5.2 / 5.6.0)
  NoDkimKey,       // dkim.missing_key = reject and no key for the From domain (550 5.7.1)
  Storage,         // the spool is below its free-space reserve or full (452 4.3.1)
  LocalError,      // the spool, the user store or DKIM signing failed (451 4.3.0)
  SendingLimit,    // the login has used up its messages per hour, at MAIL (451 4.7.1)
};
// "sender_not_owned", "header_from", "display_name", "too_large", "malformed", "no_dkim_key", "storage",
// "local_error", "sending_limit".
const char* refusalName(Refusal reason);

class SessionEvents {
 public:
  virtual ~SessionEvents() = default;
  enum class Auth { Success, Failure, Error };  // 235; 535 (credentials); 454 (the user store failed)
  virtual void authenticated(Auth result) = 0;
  virtual void messageAccepted() = 0;
  virtual void messageRefused(Refusal reason) = 0;
  // One per signature put on an accepted message ("rsa-sha256", "ed25519-sha256").
  virtual void messageSigned(std::string_view algorithm) = 0;
  // A signature could not be made: the message was refused with 451 (also counted as LocalError).
  virtual void signingFailed() = 0;
};

// ---- Sending limits (README "Sending limits"). Optional; shared by all sessions; thread-safe. ----------
// What a login may still send, read once per transaction at MAIL.
struct SendingQuota {
  std::optional<std::uint64_t> messagesLeft;  // this hour; nullopt: unlimited
  std::uint64_t messagesPerHour = 0;
  std::optional<std::uint64_t> recipientsLeft;  // these 24 hours; nullopt: unlimited
  std::uint64_t recipientsPerDay = 0;
};
enum class SendingLimit { MessagesPerHour, RecipientsPerDay };

class SendingLimits {
 public:
  virtual ~SendingLimits() = default;
  // Throws core::Error when the user store fails (the session answers 451 4.3.0).
  virtual SendingQuota quotaFor(const std::string& login) = 0;
  // A message of login was queued (after its 250): it counts against both limits from now on.
  virtual void charge(const std::string& login, std::size_t recipients) = 0;
  // A command of login was refused by that limit (the session has logged it). Must not throw.
  virtual void refused(const std::string& login, SendingLimit limit) = 0;
};

// ---- What the session tells its connection. ------------------------------------------------------------
enum class LogLevel { Debug, Info, Warning, Error };

class SessionOutput {
 public:
  virtual ~SessionOutput() = default;
  // Queue a reply. The connection writes queued replies when the session has consumed all complete input
  // (RFC 2920 pipelining) and closes the connection after a reply with close set.
  virtual void send(const core::Reply& reply) = 0;
  // After the "220 Ready to start TLS" reply: flush, then run the TLS handshake, then call
  // Session::tlsStarted() or close on failure.
  virtual void startTls() = 0;
  // Delay before the next reply is written (after a failed AUTH). Never blocks inside the session.
  virtual void pause(std::chrono::milliseconds delay) = 0;
  // One log line for a session event ("auth", "mail", "queued", "rejected", ...). The connection adds the
  // session id and client address. Never called with a password or an AUTH exchange.
  virtual void log(LogLevel level, std::string_view event, std::string_view detail) = 0;
};

}  // namespace postern::smtp
