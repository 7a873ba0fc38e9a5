// Adapters from the library modules to the SMTP session's ports (smtp/ports.h). They live in app/
// because only app/ may know both sides: smtp must not know Cyrus or files, auth and queue must not know
// sessions.
#pragma once

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <string>

#include "admin/admin_sign_in.h"
#include "admin/sending_limits.h"
#include "auth/ban_list.h"
#include "auth/failure_throttle.h"
#include "auth/sasl_session.h"
#include "auth/sender_policy.h"
#include "limits/sending_limits.h"
#include "queue/spool.h"
#include "smtp/ports.h"

namespace postern::app {

// smtp::Authenticator over a Cyrus SASL session, guarded by the brute-force ban list (auth/ban_list.h).
// Every call that may verify a password (start(), step()) is first admitted by the list, which reserves
// the attempt (so parallel connections cannot all pass the check first) or refuses it with a temporary
// error when the client is banned or has its limit in flight; the attempt is resolved when the call
// returns: a failure after 535, given back after a challenge (nothing was verified: a client that stalls
// in the middle of LOGIN holds no place), a success, a malformed exchange or a temporary error. A right
// password for a banned login is answered as a wrong one (BanList::mayLogIn). Each counted failure is
// logged as one line in the fixed format of auth/auth_log.h.
class SaslAuthenticator final : public smtp::Authenticator {
 public:
  SaslAuthenticator(std::unique_ptr<auth::SaslSession> session, auth::BanList& bans, auth::BanClient client);

  std::vector<std::string> mechanisms() const override { return session_->mechanisms(); }
  smtp::AuthOutcome start(const std::string& mechanism,
                          const std::optional<std::string>& initialResponse) override;
  smtp::AuthOutcome step(const std::string& decodedResponse) override;
  void reset() override;
  void tlsEstablished(unsigned ssfBits) override { session_->setExternalSsf(ssfBits); }

 private:
  bool admit();  // false (and logged) when the client is banned or has reached the throttle's limit
  smtp::AuthOutcome translate(const auth::SaslOutcome& outcome);
  void logFailure(const std::string& login, std::string_view reason);

  std::unique_ptr<auth::SaslSession> session_;
  auth::BanList& bans_;
  const auth::BanClient client_;
  std::string mechanism_;
  Poco::Logger& logger_;
  auth::BanList::Admission attempt_;  // holds a reservation only while a call into SASL may verify a password
};

// admin::SignInEvents that logs each refused web admin sign-in in the auth log format (service=admin)
// and hands every event on to next (the metrics).
class LoggedSignInEvents final : public admin::SignInEvents {
 public:
  explicit LoggedSignInEvents(admin::SignInEvents* next) : next_(next), logger_(Poco::Logger::get("auth")) {}
  void signInEnded(admin::SignInResult::Status status) override {
    if (next_) next_->signInEnded(status);
  }
  void signInRefused(std::string_view login, std::string_view clientAddress) override;

 private:
  admin::SignInEvents* next_;
  Poco::Logger& logger_;
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
