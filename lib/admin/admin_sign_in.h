// admin::AdminSignIn — decides whether a login and password open the web admin: the check before
// AdminSessions::create.
//
// One answer, Refused, for an unknown account, a wrong password, an empty password and a disabled account,
// so the answer does not tell which logins exist. The time does not either: an unknown login is checked
// against a dummy hash (one Argon2 run, like a real one), and a disabled account's password is verified
// before the flag is looked at.
// Guessing is throttled twice with auth::FailureThrottle: per client address (one client trying many
// accounts) and per login (many clients trying one account). Each attempt reserves a slot in both before
// the password is checked, so parallel requests cannot exceed the limit (see failure_throttle.h); a
// refusal confirms both reservations as failures, success gives them back. When either throttle is full
// the answer is Throttled and no password is checked. The per-login throttle lets someone who fails often
// enough lock a login out for the window: the price of bounding guesses against one account.
// Success records the last login, and upgrades a hash made with weaker Argon2 parameters
// (compare-and-set, best effort).
// Nothing here writes the audit log: the caller records the sign-in with the request it came with.
// Must not know: HTTP, sessions, the audit log. Never logs, never returns the hash or the password.
// Errors: core::Error (temporary) when the store or Argon2 fails; the reservations are then given back.
// Thread-safety: thread-safe (the store, the hasher and the throttles are).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "admin/admin_accounts.h"
#include "auth/failure_throttle.h"
#include "auth/password_hasher.h"
#include "store/admin_account_repository.h"

namespace postern::admin {

struct SignInResult {
  enum class Status { Ok, Refused, Throttled };
  Status status = Status::Refused;
  std::optional<AdminView> account;  // with Ok: as stored after the sign-in (last login now)
};

// What sign-ins report for the server's metrics (README "Metrics"): each answer, never the login.
// Thread-safe; must not throw.
class SignInEvents {
 public:
  virtual ~SignInEvents() = default;
  virtual void signInEnded(SignInResult::Status status) = 0;
  // A refused sign-in (not a throttled one), for the auth log line; login is as typed, never trusted.
  virtual void signInRefused(std::string_view /*login*/, std::string_view /*clientAddress*/) {}
};

class AdminSignIn {
 public:
  // Computes the dummy hash with the hasher's parameters (one Argon2 run). events: none counts nothing.
  AdminSignIn(store::AdminAccountRepository& accounts, const auth::PasswordHasher& hasher,
              auth::FailureThrottle& perAddress, auth::FailureThrottle& perLogin,
              SignInEvents* events = nullptr);

  SignInResult signIn(std::string_view login, std::string_view password, std::string_view clientAddress);

 private:
  SignInResult attempt(std::string_view login, std::string_view password, std::string_view clientAddress);
  void spendComparableTime(std::string_view password) const;

  store::AdminAccountRepository& accounts_;
  const auth::PasswordHasher& hasher_;
  auth::FailureThrottle& perAddress_;
  auth::FailureThrottle& perLogin_;
  SignInEvents* events_;
  const std::string dummyHash_;
};

}  // namespace postern::admin
