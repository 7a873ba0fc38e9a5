// store::AdminAccountRepository — the web admin's accounts (db/006_admin.sql: login, Argon2id PHC hash,
// role, enabled, created, last login) and the one-time setup token that creates the first of them.
//
// Owns: the SQL for admin_accounts and admin_setup_tokens; login normalisation (1-64 characters of
// [a-z0-9._@-] after lower-casing); and the invariant that the last enabled account with role admin is
// never disabled, demoted or deleted. The invariant is checked inside the write's own BEGIN IMMEDIATE
// transaction, so two administrators demoting each other at once cannot both succeed. Changes that must
// end sign-in sessions (a new password, disabling) delete them in that same transaction: no session
// survives a password change because a second step failed.
// Must not know: how passwords are hashed or tokens made (hashes are opaque strings here), HTTP.
// Errors: core::NotFound ("no such administrator: x"), core::AlreadyExists, core::Conflict (the last
// administrator), core::InvalidValue (login, empty hash), store::DatabaseError (busy: temporary).
// Messages name logins only, never a hash or token.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/database.h"

namespace postern::store {

// admin may change everything the web admin offers; viewer may only look.
enum class AdminRole { Admin, Viewer };

std::string_view adminRoleName(AdminRole role);                  // "admin" | "viewer"
std::optional<AdminRole> parseAdminRole(std::string_view text);  // either name, in any case

struct AdminAccountRecord {
  std::int64_t id = 0;
  std::string login;         // canonical, lower-case
  std::string passwordHash;  // PHC string
  AdminRole role = AdminRole::Viewer;
  bool enabled = true;
  std::chrono::system_clock::time_point createdAt;
  std::optional<std::chrono::system_clock::time_point> lastLoginAt;  // nullopt: never signed in
};

class AdminAccountRepository {
 public:
  static constexpr std::size_t kMaxLogin = 64;

  explicit AdminAccountRepository(Database& database,
                                  const core::Clock& clock = core::SystemClock::instance());

  // The stored form of a login (lower-cased), or nullopt when it is empty, longer than kMaxLogin or holds a
  // character outside [a-z0-9._@-].
  static std::optional<std::string> normaliseLogin(std::string_view login);

  // Throws InvalidValue, AlreadyExists.
  AdminAccountRecord create(std::string_view login, std::string_view passwordHash, AdminRole role);
  // Creates the account only while there is no administrator account at all (one statement, so two
  // processes starting at once create one); nullopt when one exists.
  std::optional<AdminAccountRecord> createFirst(std::string_view login, std::string_view passwordHash,
                                                AdminRole role);

  // Also ends the account's sign-in sessions, except the one whose token hash is keepSessionHash (the
  // caller's own, when administrators change their own password). Throws NotFound.
  void setPasswordHash(std::string_view login, std::string_view passwordHash,
                       std::optional<std::string_view> keepSessionHash = std::nullopt);
  // Compare-and-set for the upgrade of a weaker hash after a sign-in: false when the hash had changed
  // meanwhile or the account is gone. Sessions stay (the password is the same).
  bool replacePasswordHash(std::string_view login, std::string_view expectedHash, std::string_view newHash);
  // Disabling ends the account's sessions, so enabling it again does not bring them back.
  // Throw NotFound; Conflict when the change would leave no enabled account with role admin.
  void setEnabled(std::string_view login, bool enabled);
  void setRole(std::string_view login, AdminRole role);
  void remove(std::string_view login);  // the account's sessions go with it (ON DELETE CASCADE)
  // Sets the last login to now; an account deleted meanwhile is not an error.
  void recordLogin(std::string_view login);

  // nullopt for an unknown login and for text that is no valid login.
  std::optional<AdminAccountRecord> find(std::string_view login);
  std::vector<AdminAccountRecord> list();  // ordered by login
  bool empty();                            // no administrator account of any role

  // Replaces any earlier setup token (there is at most one).
  void replaceSetupToken(std::string_view tokenHash, std::chrono::system_clock::time_point expiresAt);
  // A cheap look before spending an Argon2 run on a redemption: a token with this hash exists and has not
  // expired. The redemption checks again.
  bool setupTokenUsable(std::string_view tokenHash);
  // In one transaction: the token with this hash exists and has not expired, there is still no
  // administrator account; then the account is created with role admin and the token deleted. nullopt when
  // any of that does not hold (and nothing changed). Throws InvalidValue (login).
  std::optional<AdminAccountRecord> redeemSetupToken(std::string_view tokenHash, std::string_view login,
                                                     std::string_view passwordHash);

 private:
  std::string requireLogin(std::string_view login) const;
  std::int64_t now() const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
