#include "app/adapters.h"

#include "auth/credential_verifier.h"
#include "core/text.h"

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

SaslAuthenticator::SaslAuthenticator(std::unique_ptr<auth::SaslSession> session,
                                     auth::FailureThrottle& throttle, std::string clientAddress)
    : session_(std::move(session)),
      throttle_(throttle),
      clientAddress_(std::move(clientAddress)),
      logger_(Poco::Logger::get("auth")) {}

bool SaslAuthenticator::reserve() {
  attempt_ = throttle_.tryReserve(clientAddress_);  // gives back any reservation still held
  if (attempt_) return true;
  logger_.warning("client=" + core::logValue(clientAddress_) + " event=auth-throttled");
  return false;
}

smtp::AuthOutcome SaslAuthenticator::start(const std::string& mechanism,
                                           const std::optional<std::string>& initialResponse) {
  if (!reserve()) return smtp::AuthOutcome{smtp::AuthOutcome::Status::Temporary, {}, {}};
  return translate(session_->start(mechanism, initialResponse));
}

void SaslAuthenticator::reset() {
  attempt_.release();
  session_->reset();
}

smtp::AuthOutcome SaslAuthenticator::step(const std::string& decodedResponse) {
  if (!reserve()) return smtp::AuthOutcome{smtp::AuthOutcome::Status::Temporary, {}, {}};
  return translate(session_->step(decodedResponse));
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
  if (outcome.status == In::Failure || outcome.status == In::AuthzRefused) {
    if (attempt_)
      attempt_.confirmFailure();
    else
      throttle_.recordFailure(clientAddress_);  // a step() without start(): still a failed guess
  } else {
    attempt_.release();  // a challenge, a success, or nothing verified
  }
  if (outcome.reason != auth::FailureReason::None)
    logger_.information("client=" + core::logValue(clientAddress_) +
                        " event=auth-failed reason=" + std::string(auth::describe(outcome.reason)));
  return result;
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

}  // namespace postern::app
