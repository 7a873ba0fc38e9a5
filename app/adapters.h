// Adapters from the library modules to the SMTP session's ports (smtp/ports.h). They live in app/
// because only app/ may know both sides: smtp must not know Cyrus or files, auth and queue must not know
// sessions.
#pragma once

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <string>

#include "admin/sending_limits.h"
#include "auth/failure_throttle.h"
#include "auth/sasl_session.h"
#include "auth/sender_policy.h"
#include "limits/sending_limits.h"
#include "queue/spool.h"
#include "smtp/ports.h"

namespace postern::app {

// smtp::Authenticator over a Cyrus SASL session, with per-client-address failure throttling. Every call
// that may verify a password (start(), step()) first reserves the attempt in the throttle (so parallel
// connections cannot all pass the check first) and resolves it when the call returns: kept as a failure
// after 535, given back after a challenge (nothing was verified: a client that stalls in the middle of
// LOGIN holds no place), a success, a malformed exchange or a temporary error; reset() and the end of the
// connection give back anything still held.
class SaslAuthenticator final : public smtp::Authenticator {
 public:
  SaslAuthenticator(std::unique_ptr<auth::SaslSession> session, auth::FailureThrottle& throttle,
                    std::string clientAddress);

  std::vector<std::string> mechanisms() const override { return session_->mechanisms(); }
  smtp::AuthOutcome start(const std::string& mechanism,
                          const std::optional<std::string>& initialResponse) override;
  smtp::AuthOutcome step(const std::string& decodedResponse) override;
  void reset() override;
  void tlsEstablished(unsigned ssfBits) override { session_->setExternalSsf(ssfBits); }

 private:
  bool reserve();  // false (and logged) when the client has reached the throttle's limit
  smtp::AuthOutcome translate(const auth::SaslOutcome& outcome);

  std::unique_ptr<auth::SaslSession> session_;
  auth::FailureThrottle& throttle_;
  std::string clientAddress_;
  Poco::Logger& logger_;
  auth::FailureThrottle::Reservation attempt_;  // held only while a call into SASL may verify a password
};

class SenderDirectory final : public smtp::SenderDirectory {
 public:
  explicit SenderDirectory(auth::SenderPolicy& policy) : policy_(policy) {}
  mail::AllowedSenders sendersFor(const std::string& login) override { return policy_.sendersFor(login); }

 private:
  auth::SenderPolicy& policy_;
};

// smtp::Spool over the queue's spool directory. committed (optional) learns each durable message's ID,
// so delivery starts at once rather than at the next scan.
class SpoolSink final : public smtp::Spool {
 public:
  explicit SpoolSink(queue::Spool& spool, std::function<void(const std::string&)> committed = {})
      : spool_(spool), committed_(std::move(committed)) {}
  bool acceptingMail() const override { return spool_.acceptingMail(); }
  std::unique_ptr<smtp::MessageWriter> begin(const smtp::Envelope& envelope) override;

 private:
  queue::Spool& spool_;
  const std::function<void(const std::string&)> committed_;
};

// smtp::SendingLimits over the user's limits (admin::SendingLimits reads them from the store at every
// MAIL, so a change by the CLI applies to the next message) and the server's live counter. onRefused counts
// the refusal for the metrics.
class SessionSendingLimits final : public smtp::SendingLimits {
 public:
  SessionSendingLimits(admin::SendingLimits& limits, limits::SendingCounter& counter,
                       std::function<void(smtp::SendingLimit)> onRefused = {})
      : limits_(limits), counter_(counter), onRefused_(std::move(onRefused)) {}
  smtp::SendingQuota quotaFor(const std::string& login) override;
  void charge(const std::string& login, std::size_t recipients) override;
  void refused(const std::string& login, smtp::SendingLimit limit) override;

 private:
  admin::SendingLimits& limits_;
  limits::SendingCounter& counter_;
  const std::function<void(smtp::SendingLimit)> onRefused_;
};

}  // namespace postern::app
