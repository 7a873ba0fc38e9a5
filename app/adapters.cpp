#include "app/adapters.h"

#include "auth/auth_log.h"
#include "auth/credential_verifier.h"
#include "core/text.h"
#include "store/user_repository.h"

namespace postern::app {

namespace {

class SpoolWriter final : public smtp::MessageWriter {
 public:
  SpoolWriter(queue::IncomingMessage message, const std::function<void(const std::string&)>& committed)
      : message_(std::move(message)), committed_(committed) {}
  const std::string& queueId() const override { return message_.queueId(); }
  void write(std::string_view bytes) override { message_.write(bytes); }
  void commit(const std::string& prependedHeaders) override {
    message_.commit(prependedHeaders);
    if (committed_) committed_(message_.queueId());
  }

 private:
  queue::IncomingMessage message_;  // its destructor removes the files unless commit() succeeded
  const std::function<void(const std::string&)>& committed_;
};

queue::Mailbox toMailbox(const mail::Address& a) { return queue::Mailbox{a.local, a.domain}; }

}  // namespace

SaslAuthenticator::SaslAuthenticator(std::unique_ptr<auth::SaslSession> session, auth::BanList& bans,
                                     auth::BanClient client)
    : session_(std::move(session)),
      bans_(bans),
      client_(std::move(client)),
      logger_(Poco::Logger::get("auth")) {}

bool SaslAuthenticator::admit() {
  attempt_ = bans_.admit(client_);  // gives back any reservation still held
  if (attempt_.allowed()) return true;
  logger_.information(
      "refused service=smtp client=" + core::logValue(client_.address) +
      " reason=" + (attempt_.status() == auth::BanList::Admission::Status::Banned ? "banned" : "throttled"));
  return false;
}

smtp::AuthOutcome SaslAuthenticator::start(const std::string& mechanism,
                                           const std::optional<std::string>& initialResponse) {
  mechanism_ = mechanism;
  if (!admit()) return smtp::AuthOutcome{smtp::AuthOutcome::Status::Temporary, {}, {}};
  return translate(session_->start(mechanism, initialResponse));
}

void SaslAuthenticator::reset() {
  attempt_.release();
  session_->reset();
}

smtp::AuthOutcome SaslAuthenticator::step(const std::string& decodedResponse) {
  if (!admit()) return smtp::AuthOutcome{smtp::AuthOutcome::Status::Temporary, {}, {}};
  return translate(session_->step(decodedResponse));
}

void SaslAuthenticator::logFailure(const std::string& login, std::string_view reason) {
  logger_.warning(auth::failureLine(
      auth::AuthFailure{"smtp", client_.address, login, mechanism_, auth::reasonWord(reason)}));
}

smtp::AuthOutcome SaslAuthenticator::translate(const auth::SaslOutcome& outcome) {
  using In = auth::SaslOutcome::Status;
  using Out = smtp::AuthOutcome::Status;
  smtp::AuthOutcome result;
  result.challenge = outcome.challenge;
  result.login = outcome.login;
  switch (outcome.status) {
    case In::Continue:
      result.status = Out::Continue;
      break;
    case In::Success:
      result.status = Out::Success;
      break;
    case In::Failure:
      result.status = Out::Failure;
      break;
    case In::Malformed:
      result.status = Out::Malformed;
      break;
    case In::NoMechanism:
      result.status = Out::NoMechanism;
      break;
    case In::AuthzRefused:
      result.status = Out::AuthzRefused;
      break;
    case In::Temporary:
      result.status = Out::Temporary;
      break;
  }
  if (outcome.status == In::Success && !bans_.mayLogIn(client_, outcome.login)) {
    // A banned login, from an address it never logged in from: answered exactly as a wrong password.
    session_->reset();
    bans_.failed(attempt_, client_, outcome.login);
    logFailure(outcome.attemptedLogin, "login banned");
    return smtp::AuthOutcome{Out::Failure, {}, {}};
  }
  if (outcome.status == In::Failure || outcome.status == In::AuthzRefused) {
    bans_.failed(attempt_, client_, outcome.attemptedLogin);
    logFailure(outcome.attemptedLogin, auth::describe(outcome.reason));
  } else {
    attempt_.release();  // a challenge, a success, or nothing verified
    if (outcome.reason != auth::FailureReason::None)
      logger_.information("client=" + core::logValue(client_.address) +
                          " event=auth-error reason=" + std::string(auth::describe(outcome.reason)));
  }
  return result;
}

void LoggedSignInEvents::signInRefused(std::string_view login, std::string_view clientAddress) {
  logger_.warning(auth::failureLine(auth::AuthFailure{"admin", clientAddress, login, "PASSWORD", "refused"}));
}

std::unique_ptr<smtp::MessageWriter> SpoolSink::begin(const smtp::Envelope& envelope) {
  queue::EnvelopeData data;
  data.sender = toMailbox(envelope.sender);
  for (std::size_t i = 0; i < envelope.recipients.size(); ++i) {
    queue::Recipient r = queue::Recipient::pending(toMailbox(envelope.recipients[i]));
    if (i < envelope.recipientDsn.size()) {  // RFC 3461 NOTIFY and ORCPT (the bits are the same values)
      const smtp::RecipientDsn& dsn = envelope.recipientDsn[i];
      r.notify = dsn.notify;
      if (dsn.orcpt) {
        r.orcptType = dsn.orcpt->type;
        r.orcpt = dsn.orcpt->address;
      }
    }
    data.recipients.push_back(std::move(r));
  }
  data.login = envelope.login;
  data.clientAddress = envelope.clientAddress;
  data.heloName = envelope.heloName;
  data.smtputf8 = envelope.smtputf8;
  data.eightBitMime = envelope.eightBitMime;
  data.arrival = envelope.arrival;
  data.dsnReturn = envelope.dsnReturn == smtp::DsnReturn::Full      ? queue::DsnReturn::Full
                   : envelope.dsnReturn == smtp::DsnReturn::Headers ? queue::DsnReturn::Headers
                                                                    : queue::DsnReturn::Unspecified;
  data.envid = envelope.envid.value_or("");
  return std::make_unique<SpoolWriter>(spool_.begin(data), committed_);
}

namespace {
// The counter's key: the stored form of the login, so that "Alice@Example.org" and "alice@example.org"
// share one allowance.
std::string countedLogin(const std::string& login) {
  const auto normal = store::UserRepository::normaliseLogin(login);
  return normal ? *normal : login;
}
}  // namespace

smtp::SendingQuota SessionSendingLimits::quotaFor(const std::string& login) {
  const limits::Limits effective = limits_.limitsFor(login);
  const limits::Allowance left = limits::allowance(effective, counter_.usage(countedLogin(login)));
  smtp::SendingQuota quota;
  quota.messagesLeft = left.messages;
  quota.messagesPerHour = effective.messagesPerHour;
  quota.recipientsLeft = left.recipients;
  quota.recipientsPerDay = effective.recipientsPerDay;
  return quota;
}

void SessionSendingLimits::charge(const std::string& login, std::size_t recipients) {
  counter_.charge(countedLogin(login), recipients);
}

void SessionSendingLimits::refused(const std::string& login, smtp::SendingLimit limit) {
  try {
    counter_.recordRefusal(countedLogin(login));
    if (onRefused_) onRefused_(limit);
  } catch (...) {  // the port must not throw; a lost count is no reason to fail the reply
  }
}

}  // namespace postern::app
