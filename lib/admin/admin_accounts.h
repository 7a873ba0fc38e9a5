// admin::AdminAccounts — the accounts of the web admin, shared by `postern admin ...` and the web API: add
// (role admin or viewer), change password, enable, disable, change role, delete, list; and the first
// account of a container, created from a password the operator supplies (bootstrapFromPassword).
//
// Administrator accounts are not mail users: a login is 1-64 characters of [a-z0-9._@-] after lower-casing
// (an e-mail address is allowed, not required). Passwords follow admin::Users::checkPasswordPolicy and are
// stored as Argon2id hashes; there is never a default password. The last enabled account with role admin
// cannot be disabled, demoted or deleted (core::Conflict saying why), so the web admin stays reachable.
// Sessions: a password change ends every session of the account but the caller's own (pass the caller's
// session token; it is kept only if it belongs to that account); disabling or deleting ends them all.
// The store does this in the same transaction as the change (store::AdminAccountRepository), rather than
// by a later AdminSessions::endAllOf that could fail after the change was committed.
// Views (AdminView) never carry the hash. Nothing here writes the audit log: the caller knows who asked
// and from where, and records the action (admin::Audit).
// Errors: core::InvalidValue with its field ("login", "password", "role"), core::NotFound,
// core::AlreadyExists, core::Conflict, core::Error (temporary) when the store or hashing fails.
// Must not know: HTTP, the command line, printing. Thread-safety: thread-safe (the store and hasher are).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "store/admin_account_repository.h"

namespace postern::admin {

using store::AdminRole;
using store::adminRoleName;
using store::parseAdminRole;

struct AdminView {
  std::string login;  // canonical, lower-case
  AdminRole role = AdminRole::Viewer;
  bool enabled = true;
  std::chrono::system_clock::time_point createdAt;
  std::optional<std::chrono::system_clock::time_point> lastLoginAt;  // nullopt: never signed in
};

AdminView adminView(const store::AdminAccountRecord& record);

class AdminAccounts {
 public:
  // The account bootstrapFromPassword creates.
  static constexpr std::string_view kFirstLogin = "admin";

  AdminAccounts(store::AdminAccountRepository& accounts, const auth::PasswordHasher& hasher)
      : accounts_(accounts), hasher_(hasher) {}

  // The stored form of a login; throws core::InvalidValue("login", …).
  static std::string requireLogin(std::string_view login);
  // "admin" or "viewer" in any case; throws core::InvalidValue("role", …).
  static AdminRole requireRole(std::string_view text);

  AdminView add(std::string_view login, std::string_view password, AdminRole role);
  // callerSessionToken: the session cookie of whoever asks (the web API); the one session kept if it
  // belongs to this account. nullopt (the CLI): every session of the account ends.
  void setPassword(std::string_view login, std::string_view password,
                   std::optional<std::string_view> callerSessionToken = std::nullopt);
  void setEnabled(std::string_view login, bool enabled);
  void setRole(std::string_view login, AdminRole role);
  void remove(std::string_view login);
  std::vector<AdminView> list();  // ordered by login
  std::optional<AdminView> find(std::string_view login);
  bool anyExists();  // an account of any role, enabled or not

  // The first account for containers: creates kFirstLogin with role admin and this password when no
  // administrator account exists (checked and created in one statement); does nothing when one exists.
  // Returns the new account, or nullopt when one existed (the password is then not even looked at).
  // Throws core::InvalidValue("password", …) when the password breaks the policy.
  std::optional<AdminView> bootstrapFromPassword(std::string_view password);

 private:
  store::AdminAccountRepository& accounts_;
  const auth::PasswordHasher& hasher_;
};

}  // namespace postern::admin
