#include "auth/sasl_session.h"

#include <sstream>

#include "auth/sasl_callback.h"
#include "core/error.h"

namespace postern::auth {

namespace {
using Status = SaslOutcome::Status;

SaslOutcome outcome(Status status, FailureReason reason) {
  SaslOutcome o;
  o.status = status;
  o.reason = reason;
  return o;
}
}  // namespace

SaslSession::SaslSession(SaslLibrary&, CredentialVerifier& verifier, std::string serverName)
    : verifier_(verifier), serverName_(std::move(serverName)) {
  callbacks_[0] = saslCallback(SASL_CB_SERVER_USERDB_CHECKPASS, &SaslSession::onCheckPassword, this);
  callbacks_[1] = {SASL_CB_LIST_END, nullptr, nullptr};
  renew();
}

void SaslSession::renew() {
  conn_.reset();
  inProgress_ = false;
  verified_.reset();
  sasl_conn_t* raw = nullptr;
  int rc = sasl_server_new("smtp", serverName_.c_str(), nullptr, nullptr, nullptr, callbacks_, 0, &raw);
  conn_.reset(raw);
  if (rc != SASL_OK)
    throw core::Error::temporary(std::string("Cyrus SASL cannot create a connection: ") +
                                 sasl_errstring(rc, nullptr, nullptr));
  sasl_security_properties_t properties{};
  properties.min_ssf = 0;
  properties.max_ssf = 0;  // no SASL security layer: TLS protects the connection
  properties.maxbufsize = 0;
  properties.security_flags = SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS;
  rc = sasl_setprop(conn_.get(), SASL_SEC_PROPS, &properties);
  if (rc == SASL_OK && externalSsf_ > 0) {
    const sasl_ssf_t ssf = externalSsf_;
    rc = sasl_setprop(conn_.get(), SASL_SSF_EXTERNAL, &ssf);
  }
  if (rc != SASL_OK)
    throw core::Error::temporary(std::string("Cyrus SASL refused connection properties: ") +
                                 sasl_errstring(rc, nullptr, nullptr));
}

std::vector<std::string> SaslSession::mechanisms() const {
  const char* list = nullptr;
  unsigned length = 0;
  int count = 0;
  std::vector<std::string> names;
  if (sasl_listmech(conn_.get(), nullptr, "", " ", "", &list, &length, &count) != SASL_OK || !list)
    return names;
  std::istringstream words(std::string(list, length));
  for (std::string w; words >> w;) names.push_back(w);
  return names;
}

void SaslSession::setExternalSsf(unsigned bits) {
  externalSsf_ = bits;
  const sasl_ssf_t ssf = bits;
  if (sasl_setprop(conn_.get(), SASL_SSF_EXTERNAL, &ssf) != SASL_OK) renew();  // renew() applies it afresh
}

void SaslSession::reset() { renew(); }

int SaslSession::onCheckPassword(sasl_conn_t*, void* context, const char* user, const char* password,
                                 unsigned passwordLength, struct propctx*) {
  auto* self = static_cast<SaslSession*>(context);
  try {
    self->attemptedLogin_ = user ? user : "";
    // The password is counted, not NUL-terminated (sasl.h: "may not be NUL terminated").
    self->verified_ = self->verifier_.verify(
        user ? user : "", std::string_view(password ? password : "", password ? passwordLength : 0));
  } catch (...) {
    // Nothing may unwind through libsasl's C frames; anything unexpected is a temporary failure.
    self->verified_ =
        VerifyResult{VerifyResult::Status::Temporary, FailureReason::StoreUnavailable, {}, false};
  }
  switch (self->verified_->status) {
    case VerifyResult::Status::Ok:
      return SASL_OK;
    case VerifyResult::Status::Failed:
      return SASL_NOUSER;
    case VerifyResult::Status::Temporary:
      return SASL_FAIL;
  }
  return SASL_FAIL;
}

SaslOutcome SaslSession::start(const std::string& mechanism,
                               const std::optional<std::string>& initialResponse) {
  if (inProgress_ || verified_) renew();
  inProgress_ = true;
  attemptedLogin_.clear();
  const char* out = nullptr;
  unsigned outLength = 0;
  const int rc = sasl_server_start(
      conn_.get(), mechanism.c_str(), initialResponse ? initialResponse->data() : nullptr,
      initialResponse ? static_cast<unsigned>(initialResponse->size()) : 0, &out, &outLength);
  return conclude(rc, out, outLength);
}

SaslOutcome SaslSession::step(const std::string& response) {
  if (!inProgress_) return outcome(Status::Malformed, FailureReason::Malformed);
  const char* out = nullptr;
  unsigned outLength = 0;
  const int rc = sasl_server_step(conn_.get(), response.data(), static_cast<unsigned>(response.size()), &out,
                                  &outLength);
  return conclude(rc, out, outLength);
}

SaslOutcome SaslSession::conclude(int rc, const char* out, unsigned outLength) {
  if (rc == SASL_CONTINUE) {
    SaslOutcome o;
    o.status = Status::Continue;
    if (out) o.challenge.assign(out, outLength);
    return o;
  }
  inProgress_ = false;
  const std::optional<VerifyResult> verified = verified_;
  SaslOutcome o;
  if (rc == SASL_OK && verified && verified->status == VerifyResult::Status::Ok) {
    o.status = Status::Success;
    o.login = verified->login;
    o.attemptedLogin = attemptedLogin_;
    return o;  // the connection stays: it now holds the authenticated state
  }
  if (verified && verified->status == VerifyResult::Status::Temporary) {
    o = outcome(Status::Temporary, verified->reason);
  } else {
    switch (rc) {
      case SASL_OK:  // succeeded without our password check: never trust that
        o = outcome(Status::Temporary, FailureReason::None);
        break;
      case SASL_NOUSER:
      case SASL_BADAUTH:
      case SASL_NOAUTHZ:
        if (verified && verified->status == VerifyResult::Status::Ok)
          o = outcome(Status::AuthzRefused, FailureReason::AuthzRefused);
        else
          o = outcome(Status::Failure, verified ? verified->reason : FailureReason::WrongPassword);
        break;
      case SASL_BADPROT:
      case SASL_BADPARAM:
        o = outcome(Status::Malformed, FailureReason::Malformed);
        break;
      case SASL_NOMECH:
      case SASL_ENCRYPT:
      case SASL_TOOWEAK:
        o = outcome(Status::NoMechanism, FailureReason::None);
        break;
      default:
        o = outcome(Status::Temporary, FailureReason::None);
        break;
    }
  }
  o.attemptedLogin = std::move(attemptedLogin_);
  attemptedLogin_.clear();
  renew();
  return o;
}

}  // namespace postern::auth
