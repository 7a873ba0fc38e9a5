// admin::TestMessages — "send a test message" from the admin UI: a short message from one of the known
// sender addresses to any recipient, submitted through the same smtp::Session every mail client goes
// through (sender binding of MAIL FROM and header From, header checks, Received, Date and Message-ID,
// DKIM signing, the durable spool and the queue), as the user who may send as that address. What arrives
// is what that user's mail client would have sent; the queue ID lets the UI follow its delivery.
//
// The session is fed in process, one command at a time, over an authenticator that accepts exactly the
// login chosen here (no password: the administrator is trusted, and nothing outside this class can reach
// that authenticator). Its connection is reported as TLS-protected, as the admin UI's HTTPS is.
// Errors: core::InvalidValue("from", …) when no enabled user may send as the address or the session
// refuses MAIL FROM; core::InvalidValue("to", …) for a recipient it refuses; core::Error (temporary, with
// the session's reply) when the message cannot be queued now (disk space, store trouble).
// Must not know: HTTP. Thread-safety: thread-safe (each call runs its own session; the ports are shared
// and thread-safe, as for connections).
#pragma once

#include <string>

#include "core/clock.h"
#include "smtp/ports.h"
#include "smtp/session.h"
#include "store/user_repository.h"

namespace postern::admin {

struct TestMessageRequest {
  std::string from, to;
  std::string adminLogin;     // who asked, for the text of the message
  std::string clientAddress;  // the administrator's address, for Received
};

struct TestMessageResult {
  std::string queueId;
  std::string login;  // the user it was sent as
};

class TestMessages {
 public:
  TestMessages(smtp::SessionConfig config, store::UserRepository& users, smtp::SenderDirectory& senders,
               smtp::Spool& spool, smtp::MessageSigner* signer,
               const core::Clock& clock = core::SystemClock::instance())
      : config_(std::move(config)),
        users_(users),
        senders_(senders),
        spool_(spool),
        signer_(signer),
        clock_(clock) {}

  TestMessageResult send(const TestMessageRequest& request);

  // The message's text (header section and body, CRLF line ends, not dot-stuffed).
  static std::string compose(const TestMessageRequest& request, std::chrono::system_clock::time_point now);

 private:
  const smtp::SessionConfig config_;
  store::UserRepository& users_;
  smtp::SenderDirectory& senders_;
  smtp::Spool& spool_;
  smtp::MessageSigner* signer_;
  const core::Clock& clock_;
};

}  // namespace postern::admin
