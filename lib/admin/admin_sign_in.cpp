#include "admin/admin_sign_in.h"

#include "admin/secret_token.h"
#include "core/error.h"
#include "core/text.h"

namespace postern::admin {

namespace {
using Status = SignInResult::Status;
using Verdict = auth::PasswordHasher::Verdict;

// A hash of a random secret nobody knows, so no password ever matches it.
std::string makeDummyHash(const auth::PasswordHasher& hasher) { return hasher.hash(newSecretToken()); }
}  // namespace

AdminSignIn::AdminSignIn(store::AdminAccountRepository& accounts, const auth::PasswordHasher& hasher,
                         auth::FailureThrottle& perAddress, auth::FailureThrottle& perLogin,
                         SignInEvents* events, AdminTotp* totp, PendingSignIns* pending)
    : accounts_(accounts),
      hasher_(hasher),
      perAddress_(perAddress),
      perLogin_(perLogin),
      events_(events),
      totp_(pending ? totp : nullptr),
      pending_(totp ? pending : nullptr),
      dummyHash_(makeDummyHash(hasher)) {}

void AdminSignIn::spendComparableTime(std::string_view password) const {
  try {
    (void)hasher_.verify(dummyHash_, password);
  } catch (const core::Error&) {
    // Only the time matters here; the answer is Refused either way.
  }
}

SignInResult AdminSignIn::signIn(std::string_view login, std::string_view password,
                                 std::string_view clientAddress) {
  SignInResult result = attempt(login, password, clientAddress);
  if (events_ && result.status != Status::SecondFactor) events_->signInEnded(result.status);
  return result;
}

SignInResult AdminSignIn::completeSecondFactor(std::string_view pendingToken, std::string_view code,
                                               std::string_view clientAddress) {
  SignInResult result = secondStep(pendingToken, code, clientAddress);
  if (events_) events_->signInEnded(result.status);
  return result;
}

SignInResult AdminSignIn::secondStep(std::string_view pendingToken, std::string_view code,
                                     std::string_view clientAddress) {
  auto byAddress = perAddress_.tryReserve(clientAddress);
  if (!byAddress) return {Status::Throttled, std::nullopt};
  const auto login = pending_ ? pending_->redeem(pendingToken) : std::nullopt;
  if (!login) {
    byAddress.confirmFailure();
    return {Status::Refused, std::nullopt};
  }
  SignInResult refused{Status::Refused, std::nullopt};
  refused.login = *login;
  auto byLogin = perLogin_.tryReserve(*login);
  if (!byLogin) {
    SignInResult throttled{Status::Throttled, std::nullopt};
    throttled.login = *login;
    return throttled;
  }
  const AdminTotp::Verdict verdict = totp_->verify(*login, code);
  if (verdict == AdminTotp::Verdict::Wrong) {
    byAddress.confirmFailure();
    byLogin.confirmFailure();
    return refused;
  }
  accounts_.recordLogin(*login);
  const auto now = accounts_.find(*login);
  if (!now || !now->enabled) return refused;  // disabled or deleted since the password step
  byAddress.release();
  byLogin.release();
  SignInResult ok{Status::Ok, adminView(*now)};
  ok.login = *login;
  ok.recoveryCodeUsed = verdict == AdminTotp::Verdict::RecoveryCode;
  return ok;
}

SignInResult AdminSignIn::attempt(std::string_view login, std::string_view password,
                                  std::string_view clientAddress) {
  const auto normal = store::AdminAccountRepository::normaliseLogin(login);
  // A login that cannot exist is throttled under the text as typed (bounded, so a long one costs no memory).
  const std::string loginKey =
      normal ? *normal : core::toLowerAscii(login.substr(0, store::AdminAccountRepository::kMaxLogin));

  auto byAddress = perAddress_.tryReserve(clientAddress);
  if (!byAddress) return {Status::Throttled, std::nullopt};
  auto byLogin = perLogin_.tryReserve(loginKey);
  if (!byLogin) return {Status::Throttled, std::nullopt};  // byAddress is given back: nothing was checked

  const auto refuse = [&] {
    byAddress.confirmFailure();
    byLogin.confirmFailure();
    if (events_) events_->signInRefused(login, clientAddress);
    return SignInResult{Status::Refused, std::nullopt};
  };

  // An empty password says nothing about the account, so failing fast leaks nothing.
  if (password.empty()) return refuse();
  std::optional<store::AdminAccountRecord> account;
  if (normal) account = accounts_.find(*normal);
  if (!account) {
    spendComparableTime(password);
    return refuse();
  }
  switch (hasher_.verify(account->passwordHash, password)) {
    case Verdict::Malformed:
      spendComparableTime(password);
      return refuse();
    case Verdict::Mismatch:
      return refuse();
    case Verdict::Match:
      break;
  }
  // Looked at after the hash, so that a disabled account costs the same time as an enabled one.
  if (!account->enabled) return refuse();

  if (hasher_.needsRehash(account->passwordHash)) {
    try {
      (void)accounts_.replacePasswordHash(account->login, account->passwordHash, hasher_.hash(password));
    } catch (const core::Error&) {
      // Best effort: the sign-in itself succeeded; the next one tries again.
    }
  }
  if (totp_ && totp_->enrolled(account->login)) {
    byAddress.release();
    byLogin.release();
    SignInResult owed{Status::SecondFactor, std::nullopt};
    owed.pendingToken = pending_->issue(account->login);
    owed.login = account->login;
    return owed;
  }
  accounts_.recordLogin(account->login);
  const auto now = accounts_.find(account->login);
  if (!now || !now->enabled) return refuse();  // disabled or deleted while the password was checked
  byAddress.release();
  byLogin.release();
  return {Status::Ok, adminView(*now)};
}

}  // namespace postern::admin
