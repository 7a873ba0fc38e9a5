// admin::Users — the user-management operations the CLI and the admin web API share: create a user with a
// password (hashed here, never stored or logged in clear) and the login as its first sender address, in
// one transaction; change passwords; enable, disable, delete; manage each user's sender patterns.
//
// Password policy: at least 8 characters (Unicode code points, so "pässwörd" counts 8), at most 1024
// bytes, no NUL (SASL PLAIN could not carry it) and no other control characters.
// Views (UserView) never carry the password hash.
// Errors: core::InvalidValue with its field ("login", "password", "pattern"; message fit for the person
// who typed it), core::NotFound, core::AlreadyExists, core::Error (temporary) when the store or hashing
// fails.
// Must not know: HTTP, the command line, SASL. Thread-safety: thread-safe (the store and hasher are).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "store/user_repository.h"

namespace postern::admin {

struct UserView {
  std::string login;  // canonical, lower-case
  bool enabled = true;
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point updatedAt;
  std::vector<std::string> addresses;  // sender patterns, ordered
};

struct UserPage {
  std::vector<UserView> users;  // ordered by login
  std::size_t total = 0;        // users matching in all
};

class Users {
 public:
  static constexpr std::size_t kMinPasswordCharacters = 8;
  static constexpr std::size_t kMaxPasswordBytes = 1024;

  Users(store::UserRepository& users, const auth::PasswordHasher& hasher) : users_(users), hasher_(hasher) {}

  // Throws core::InvalidValue("password", …) naming the rule the password breaks.
  static void checkPasswordPolicy(std::string_view password);
  // The stored form of a login; throws core::InvalidValue("login", …) when it is not an e-mail address.
  static std::string requireLogin(std::string_view login);
  // The stored form of a sender pattern ("Alice@Example.ORG" → "alice@example.org", "@Example.org" →
  // "@example.org"); throws core::InvalidValue("pattern", …) when it is neither an address nor "@domain".
  static std::string requirePattern(std::string_view pattern);

  // The user with the login as its first sender address, both or neither.
  UserView add(std::string_view login, std::string_view password);
  void setPassword(std::string_view login, std::string_view password);
  void setEnabled(std::string_view login, bool enabled);
  void remove(std::string_view login);  // the user's sender addresses go with it
  std::vector<UserView> list();
  // Users whose login contains `contains` (case-insensitive), a page of them: what the admin UI's list
  // and search show. Two queries whatever the page size.
  UserPage search(std::string_view contains, std::size_t offset, std::size_t limit);
  std::optional<UserView> find(std::string_view login);

  // Returns the pattern as stored (requirePattern).
  std::string addAddress(std::string_view login, std::string_view pattern);
  void removeAddress(std::string_view login, std::string_view pattern);
  std::vector<std::string> addresses(std::string_view login);

 private:
  UserView view(const store::UserRecord& record);

  store::UserRepository& users_;
  const auth::PasswordHasher& hasher_;
};

}  // namespace postern::admin
