// auth::CredentialVerifier — decides whether a login and password are good: the one place SASL's
// password callback (and any later web login) asks.
//
// Every call reads the user's row, so a disabled flag or a new password takes effect at once; the
// credential cache only saves the Argon2 run. Unknown user, disabled user, wrong password and empty
// password all give Failed: callers (and so clients) cannot tell them apart; the reason is for the log
// only. For an unknown user or an unusable stored hash the password is still checked against a dummy
// hash, so the time taken does not reveal which logins exist. A store or hashing failure gives
// Temporary (the client should try again later, not be told its password is wrong).
// After a successful Argon2 check of a hash weaker than the hasher's current parameters, the verifier
// stores a fresh hash (compare-and-set, so a password changed meanwhile wins); failures of that
// best-effort upgrade are ignored.
//
// Must not know: SASL, SMTP, sockets. Never logs, never returns the password or hash.
// Thread-safety: thread-safe if the repository, hasher and cache are (they are).
#pragma once

#include <string>
#include <string_view>

#include "auth/credential_cache.h"
#include "auth/password_hasher.h"
#include "store/user_repository.h"

namespace postern::auth {

enum class FailureReason {
  None,
  UnknownUser,
  DisabledUser,
  WrongPassword,
  EmptyPassword,
  UnusableHash,        // the stored hash does not parse: an operator should reset the password
  StoreUnavailable,    // Temporary
  HashingUnavailable,  // Temporary: Argon2 could not allocate its memory
  AuthzRefused,        // set by SaslSession: authorization identity other than the login
  Malformed,           // set by SaslSession: the client's mechanism message was malformed
};

// A short lower-case phrase for logs: "unknown user", "wrong password", ...
std::string_view describe(FailureReason reason);

struct VerifyResult {
  enum class Status { Ok, Failed, Temporary };
  Status status = Status::Failed;
  FailureReason reason = FailureReason::None;  // None exactly when Ok
  std::string login;                           // with Ok: the canonical login from the store
  bool cached = false;                         // with Ok: answered from the credential cache
};

class CredentialVerifier {
 public:
  // Computes the dummy hash with the hasher's parameters (one Argon2 run).
  CredentialVerifier(store::UserRepository& users, const PasswordHasher& hasher, CredentialCache& cache);

  VerifyResult verify(std::string_view login, std::string_view password);

 private:
  void spendComparableTime(std::string_view password) const;
  void upgradeHash(const std::string& login, const std::string& oldHash, std::string_view password);

  store::UserRepository& users_;
  const PasswordHasher& hasher_;
  CredentialCache& cache_;
  const std::string dummyHash_;
};

}  // namespace postern::auth
