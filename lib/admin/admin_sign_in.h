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
// Second factor: when the account has a confirmed TOTP factor (admin::AdminTotp), a right password does not
// sign in: the answer is SecondFactor with a short-lived single-use token (admin::PendingSignIns), and only
// completeSecondFactor() with that token and a current code (or a recovery code) answers Ok. That step takes
// reservations in the same two throttles, so wrong codes count as failed sign-ins of the client and of the
// login; a wrong code also spends the token (one code per password check). The last login is recorded and
// the metrics told only once the whole sign-in is decided.
// Nothing here writes the audit log: the caller records the sign-in with the request it came with.
// Must not know: HTTP, sessions, the audit log. Never logs, never returns the hash or the password.
// Errors: core::Error (temporary) when the store or Argon2 fails; the reservations are then given back.
// Thread-safety: thread-safe (the store, the hasher and the throttles are).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "admin/admin_accounts.h"
#include "admin/admin_pending_sign_ins.h"
#include "admin/admin_totp.h"
#include "auth/failure_throttle.h"
#include "auth/password_hasher.h"
#include "store/admin_account_repository.h"

namespace postern::admin {

struct SignInResult {
  // SecondFactor: the password was right; a code is owed with pendingToken.
  enum class Status { Ok, Refused, Throttled, SecondFactor };
  Status status = Status::Refused;
  std::optional<AdminView> account;  // with Ok: as stored after the sign-in (last login now)
  std::string pendingToken;          // with SecondFactor
  std::string login;                 // with SecondFactor, and after completeSecondFactor: whose it was
  bool recoveryCodeUsed = false;     // with Ok after completeSecondFactor
};

// What sign-ins report for the server's metrics (README "Metrics"): each answer, never the login.
// Thread-safe; must not throw. Never told SecondFactor: the step that follows reports the outcome.
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
  // totp and pending: both or neither; without them no second factor is asked.
  AdminSignIn(store::AdminAccountRepository& accounts, const auth::PasswordHasher& hasher,
              auth::FailureThrottle& perAddress, auth::FailureThrottle& perLogin,
              SignInEvents* events = nullptr, AdminTotp* totp = nullptr, PendingSignIns* pending = nullptr);

  SignInResult signIn(std::string_view login, std::string_view password, std::string_view clientAddress);
  // The second step: Ok (with the account) for a current code or unused recovery code; Refused for an
  // unknown, expired or spent token or a wrong code (login set when the token was known); Throttled.
  SignInResult completeSecondFactor(std::string_view pendingToken, std::string_view code,
                                    std::string_view clientAddress);

 private:
  SignInResult attempt(std::string_view login, std::string_view password, std::string_view clientAddress);
  SignInResult secondStep(std::string_view pendingToken, std::string_view code,
                          std::string_view clientAddress);
  void spendComparableTime(std::string_view password) const;

  store::AdminAccountRepository& accounts_;
  const auth::PasswordHasher& hasher_;
  auth::FailureThrottle& perAddress_;
  auth::FailureThrottle& perLogin_;
  SignInEvents* events_;
  AdminTotp* totp_;
  PendingSignIns* pending_;
  const std::string dummyHash_;
};

}  // namespace postern::admin
