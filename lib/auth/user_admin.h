// auth::UserAdmin — the user-management operations the CLI and the admin web UI share: create users with
// a password (hashed here, never stored or logged in clear), change passwords, enable, disable, delete,
// and manage each user's sender patterns.
//
// Password policy: at least 8 characters (Unicode code points, so "pässwörd" counts 8), at most 1024
// bytes, no NUL (SASL PLAIN could not carry it) and no other control characters.
// Errors: core::InvalidValue (bad login, pattern or password; message fit for a CLI), core::NotFound,
// core::AlreadyExists, core::Error (temporary) when the store or hashing fails.
// Must not know: HTTP, the command line, SASL. Thread-safety: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "store/user_repository.h"

namespace postern::auth {

class UserAdmin {
 public:
  static constexpr std::size_t kMinPasswordCharacters = 8;
  static constexpr std::size_t kMaxPasswordBytes = 1024;

  UserAdmin(store::UserRepository& users, const PasswordHasher& hasher) : users_(users), hasher_(hasher) {}

  // Throws core::InvalidValue naming the rule the password breaks.
  static void checkPasswordPolicy(std::string_view password);

  store::UserRecord addUser(std::string_view login, std::string_view password);
  void setPassword(std::string_view login, std::string_view password);
  void enableUser(std::string_view login) { users_.setEnabled(login, true); }
  void disableUser(std::string_view login) { users_.setEnabled(login, false); }
  void deleteUser(std::string_view login) { users_.deleteUser(login); }
  std::vector<store::UserRecord> listUsers() { return users_.listUsers(); }

  void addAddress(std::string_view login, std::string_view pattern) {
    users_.addSenderPattern(login, pattern);
  }
  void removeAddress(std::string_view login, std::string_view pattern) {
    users_.removeSenderPattern(login, pattern);
  }
  std::vector<std::string> listAddresses(std::string_view login) { return users_.listSenderPatterns(login); }

 private:
  store::UserRepository& users_;
  const PasswordHasher& hasher_;
};

}  // namespace postern::auth
