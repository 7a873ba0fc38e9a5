// store::UserRepository — the users who may submit mail (login = e-mail address, Argon2id PHC hash,
// enabled flag) and the sender patterns each may use (db/001_users.sql).
//
// Owns: the SQL for users and sender_addresses, and login normalisation: a login is a mailbox
// (mail::parseMailbox) stored in its comparison form (mail::Address::key(), lower-case ASCII), and every
// lookup normalises the same way, so "Alice@Example.org" finds "alice@example.org".
// Must not know: SMTP, HTTP, how passwords are hashed (the hash is an opaque string here).
// Errors: core::NotFound ("no such user: x"), core::AlreadyExists ("user already exists: x"),
// core::InvalidValue (bad login or pattern), store::DatabaseError (busy: temporary). Messages name only
// the login and the pattern, never a hash.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "mail/allowed_senders.h"
#include "store/database.h"

namespace postern::store {

struct UserRecord {
  std::int64_t id = 0;
  std::string login;         // canonical, lower-case
  std::string passwordHash;  // PHC string
  bool enabled = true;
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point updatedAt;
};

class UserRepository {
 public:
  explicit UserRepository(Database& database, const core::Clock& clock = core::SystemClock::instance());

  // The stored form of a login, or nullopt when it is not an e-mail address. Surrounding blanks are
  // ignored.
  static std::optional<std::string> normaliseLogin(std::string_view login);

  // Returns the new user, stored in one transaction with its sender patterns (all or nothing). Throws
  // InvalidValue (login, hash or a pattern), AlreadyExists.
  UserRecord createUser(std::string_view login, std::string_view passwordHash,
                        const std::vector<std::string>& senderPatterns = {});
  // Throw NotFound.
  void setPasswordHash(std::string_view login, std::string_view passwordHash);
  void setEnabled(std::string_view login, bool enabled);
  void deleteUser(std::string_view login);  // the user's sender patterns go with it (ON DELETE CASCADE)
  // Compare-and-set: replaces the hash only if it still equals expectedHash, so an automatic rehash after
  // a login cannot overwrite a password an administrator set meanwhile. false when the hash had changed
  // or the user is gone.
  bool replacePasswordHash(std::string_view login, std::string_view expectedHash, std::string_view newHash);

  // nullopt for an unknown user and for a login that is no e-mail address.
  std::optional<UserRecord> findByLogin(std::string_view login);
  std::vector<UserRecord> listUsers();  // ordered by login
  std::size_t countUsers();
  // Users whose login contains `contains` (ASCII case-insensitive; "" for all), ordered by login: the
  // page from offset (at most limit; 0 for no limit), and how many match in all.
  struct Page {
    std::vector<UserRecord> users;
    std::vector<std::vector<std::string>> patterns;  // each user's sender patterns, ordered, in step
    std::size_t total = 0;
  };
  Page searchUsers(std::string_view contains, std::size_t offset, std::size_t limit);
  // Enabled users with a sender pattern that names this address exactly or its whole domain ("" and
  // nothing for a malformed address), exact patterns first, then by login.
  std::vector<std::string> loginsAllowedToSend(std::string_view address);
  // The sender patterns of every enabled user, without duplicates, ordered.
  std::vector<std::string> enabledSenderPatterns();

  // pattern: "local@domain" or "@domain", normalised by mail::AllowedSenders::normalisePattern.
  // Throw InvalidValue (malformed pattern), NotFound (user; or pattern, for remove), AlreadyExists.
  void addSenderPattern(std::string_view login, std::string_view pattern);
  void removeSenderPattern(std::string_view login, std::string_view pattern);
  std::vector<std::string> listSenderPatterns(std::string_view login);  // ordered; throws NotFound
  // The policy form of the patterns. An unknown or disabled user may send as no one (empty set), so a
  // user deleted or disabled between AUTH and MAIL is refused rather than an error.
  mail::AllowedSenders allowedSenders(std::string_view login);

 private:
  std::string requireLogin(std::string_view login) const;
  std::int64_t now() const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
