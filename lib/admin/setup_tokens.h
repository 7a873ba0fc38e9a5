// admin::SetupTokens — the one-time setup link for a web admin that has no account yet and no password
// from the environment: whoever opens the link before it expires chooses the first administrator's login
// and password.
//
// A token is 32 random bytes in base64url (admin/secret_token.h); only its SHA-256 is stored, with an expiry
// of validity (one hour by default). There is at most one: issuing a new token replaces the old. Redeeming
// checks the token (known, unexpired, unused), that there is still no administrator account, creates the
// account with role admin and deletes the token, all in one transaction; so it works once, and never
// after an account was made some other way (the CLI, bootstrapFromPassword).
// Every refusal is the same core::NotFound ("the setup link is invalid or has expired"): the answer does
// not say whether the token was unknown, expired, used or superseded, or an account exists. Only the login
// and the password are reported apart (core::InvalidValue with field "login" or "password"), since they
// tell nothing about the token.
// Must not know: HTTP, how the link is shown to the operator (the caller prints the token; it is a secret
// for its hour). Never logs.
// Errors: as above; core::Conflict from issue() when an administrator account exists; core::Error
// (temporary) when the store, the random generator or Argon2 fails.
// Thread-safety: thread-safe (the store and the hasher are).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "admin/admin_accounts.h"
#include "auth/password_hasher.h"
#include "core/clock.h"
#include "store/admin_account_repository.h"

namespace postern::admin {

struct SetupTokenOptions {
  std::chrono::seconds validity{60 * 60};
};

class SetupTokens {
 public:
  static constexpr const char* kRefused = "the setup link is invalid or has expired";

  SetupTokens(store::AdminAccountRepository& accounts, const auth::PasswordHasher& hasher,
              const core::Clock& clock, SetupTokenOptions options = {})
      : accounts_(accounts), hasher_(hasher), clock_(clock), options_(options) {}

  // A fresh token, valid for options.validity; the previous one no longer works.
  std::string issue();
  // The first administrator, role admin.
  AdminView redeem(std::string_view token, std::string_view login, std::string_view password);

 private:
  store::AdminAccountRepository& accounts_;
  const auth::PasswordHasher& hasher_;
  const core::Clock& clock_;
  const SetupTokenOptions options_;
};

}  // namespace postern::admin
