#include "auth/credential_verifier.h"

#include <openssl/rand.h>

#include "core/error.h"
#include "core/text.h"

namespace postern::auth {

namespace {
using Status = VerifyResult::Status;

VerifyResult failed(FailureReason reason) { return VerifyResult{Status::Failed, reason, {}, false}; }
VerifyResult temporary(FailureReason reason) { return VerifyResult{Status::Temporary, reason, {}, false}; }

// A hash of a random secret nobody knows, so no password ever matches it.
std::string makeDummyHash(const PasswordHasher& hasher) {
  unsigned char secret[32];
  if (RAND_bytes(secret, sizeof secret) != 1)
    throw core::Error::temporary("no random bytes for the dummy hash");
  return hasher.hash(
      core::base64Encode(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret)));
}
}  // namespace

std::string_view describe(FailureReason reason) {
  switch (reason) {
    case FailureReason::None:
      return "none";
    case FailureReason::UnknownUser:
      return "unknown user";
    case FailureReason::DisabledUser:
      return "disabled user";
    case FailureReason::WrongPassword:
      return "wrong password";
    case FailureReason::EmptyPassword:
      return "empty password";
    case FailureReason::UnusableHash:
      return "stored password hash unusable";
    case FailureReason::StoreUnavailable:
      return "user store unavailable";
    case FailureReason::HashingUnavailable:
      return "password hashing unavailable";
    case FailureReason::AuthzRefused:
      return "authorization identity differs from login";
    case FailureReason::Malformed:
      return "malformed exchange";
  }
  return "unknown";
}

CredentialVerifier::CredentialVerifier(store::UserRepository& users, const PasswordHasher& hasher,
                                       CredentialCache& cache)
    : users_(users), hasher_(hasher), cache_(cache), dummyHash_(makeDummyHash(hasher)) {}

void CredentialVerifier::spendComparableTime(std::string_view password) const {
  try {
    (void)hasher_.verify(dummyHash_, password);
  } catch (const core::Error&) {
    // Only the time matters here; the answer is Failed either way.
  }
}

VerifyResult CredentialVerifier::verify(std::string_view login, std::string_view password) {
  // An empty password says nothing about the account, so failing fast leaks nothing.
  if (password.empty()) return failed(FailureReason::EmptyPassword);

  std::optional<store::UserRecord> user;
  try {
    user = users_.findByLogin(login);
  } catch (const core::Error&) {
    return temporary(FailureReason::StoreUnavailable);
  }
  if (!user) {
    spendComparableTime(password);
    return failed(FailureReason::UnknownUser);
  }

  if (user->enabled && cache_.contains(user->login, user->passwordHash, password))
    return VerifyResult{Status::Ok, FailureReason::None, user->login, true};

  PasswordHasher::Verdict verdict;
  try {
    verdict = hasher_.verify(user->passwordHash, password);
  } catch (const core::Error&) {
    return temporary(FailureReason::HashingUnavailable);
  }
  switch (verdict) {
    case PasswordHasher::Verdict::Malformed:
      spendComparableTime(password);
      return failed(FailureReason::UnusableHash);
    case PasswordHasher::Verdict::Mismatch:
      return failed(FailureReason::WrongPassword);
    case PasswordHasher::Verdict::Match:
      break;
  }
  // Checked after the hash so that a disabled account costs the same time as an enabled one.
  if (!user->enabled) return failed(FailureReason::DisabledUser);

  if (hasher_.needsRehash(user->passwordHash))
    upgradeHash(user->login, user->passwordHash, password);
  else
    cache_.remember(user->login, user->passwordHash, password);
  return VerifyResult{Status::Ok, FailureReason::None, user->login, false};
}

void CredentialVerifier::upgradeHash(const std::string& login, const std::string& oldHash,
                                     std::string_view password) {
  try {
    const std::string fresh = hasher_.hash(password);
    if (users_.replacePasswordHash(login, oldHash, fresh)) cache_.remember(login, fresh, password);
  } catch (const core::Error&) {
    // Best effort: the login itself succeeded; the next one tries again.
  }
}

}  // namespace postern::auth
