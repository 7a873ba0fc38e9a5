#include "store/user_repository.h"

#include <algorithm>

#include "core/text.h"
#include "mail/address.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {
// db/001_users.sql: CHECK (length(login) BETWEEN 3 AND 254), the RFC 5321 §4.5.3.1.3 path limit less "<>".
constexpr std::size_t kMaxLogin = 254;

constexpr const char* kUserColumns =
    "SELECT id, login, password_hash, enabled, created_at, updated_at FROM users ";

UserRecord readUser(const Statement& row) {
  UserRecord user;
  user.id = row.columnInt64(0);
  user.login = row.columnText(1);
  user.passwordHash = row.columnText(2);
  user.enabled = row.columnInt64(3) != 0;
  user.createdAt = fromUnix(row.columnInt64(4));
  user.updatedAt = fromUnix(row.columnInt64(5));
  return user;
}

std::string normalisePatternOrThrow(std::string_view pattern) {
  const auto normal = mail::AllowedSenders::normalisePattern(pattern);
  if (!normal)
    throw InvalidValue("invalid sender pattern: '" + std::string(pattern) +
                       "' (expected an address like alice@example.org or a domain like @example.org)");
  return *normal;
}

// The row id of an existing user; throws NotFound for an unknown login.
std::int64_t existingUserId(Connection& connection, const std::string& login) {
  Statement query = connection.prepare("SELECT id FROM users WHERE login = ?1");
  query.bindText(1, login);
  if (!query.step()) throw NotFound("no such user: " + login);
  return query.columnInt64(0);
}
}  // namespace

UserRepository::UserRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::optional<std::string> UserRepository::normaliseLogin(std::string_view login) {
  const auto address = mail::parseMailbox(core::trim(login), true);
  if (!address) return std::nullopt;
  std::string key = address->key();
  if (key.size() > kMaxLogin) return std::nullopt;
  return key;
}

std::string UserRepository::requireLogin(std::string_view login) const {
  auto normal = normaliseLogin(login);
  if (!normal)
    throw InvalidValue("not an e-mail address: '" + std::string(login) +
                       "' (a login is an address like alice@example.org)");
  return *normal;
}

std::int64_t UserRepository::now() const { return toUnix(clock_.now()); }

UserRecord UserRepository::createUser(std::string_view login, std::string_view passwordHash,
                                      const std::vector<std::string>& senderPatterns) {
  const std::string normal = requireLogin(login);
  if (passwordHash.empty()) throw InvalidValue("empty password hash for " + normal);
  std::vector<std::string> patterns;
  for (const auto& p : senderPatterns) {
    std::string normalPattern = normalisePatternOrThrow(p);
    if (std::find(patterns.begin(), patterns.end(), normalPattern) == patterns.end())
      patterns.push_back(std::move(normalPattern));
  }
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  Statement insert = connection->prepare(
      "INSERT INTO users (login, password_hash, enabled, created_at, updated_at) VALUES (?1, ?2, 1, ?3, ?3)");
  const std::int64_t created = now();
  insert.bindText(1, normal).bindText(2, passwordHash).bindInt64(3, created);
  try {
    insert.run();
  } catch (const ConstraintViolation& e) {
    if (e.kind() == ConstraintViolation::Kind::Unique) throw AlreadyExists("user already exists: " + normal);
    throw;
  }
  UserRecord user;
  user.id = connection->lastInsertRowid();
  for (const auto& pattern : patterns)
    connection->prepare("INSERT INTO sender_addresses (user_id, pattern, created_at) VALUES (?1, ?2, ?3)")
        .bindInt64(1, user.id)
        .bindText(2, pattern)
        .bindInt64(3, created)
        .run();
  transaction.commit();
  user.login = normal;
  user.passwordHash = std::string(passwordHash);
  user.enabled = true;
  user.createdAt = user.updatedAt = fromUnix(created);
  return user;
}

void UserRepository::setPasswordHash(std::string_view login, std::string_view passwordHash) {
  const std::string normal = requireLogin(login);
  if (passwordHash.empty()) throw InvalidValue("empty password hash for " + normal);
  auto connection = database_.acquire();
  connection->prepare("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE login = ?1")
      .bindText(1, normal)
      .bindText(2, passwordHash)
      .bindInt64(3, now())
      .run();
  if (connection->changes() == 0) throw NotFound("no such user: " + normal);
}

bool UserRepository::replacePasswordHash(std::string_view login, std::string_view expectedHash,
                                         std::string_view newHash) {
  const auto normal = normaliseLogin(login);
  if (!normal || newHash.empty()) return false;
  auto connection = database_.acquire();
  connection
      ->prepare(
          "UPDATE users SET password_hash = ?3, updated_at = ?4 WHERE login = ?1 AND password_hash = ?2")
      .bindText(1, *normal)
      .bindText(2, expectedHash)
      .bindText(3, newHash)
      .bindInt64(4, now())
      .run();
  return connection->changes() > 0;
}

void UserRepository::setEnabled(std::string_view login, bool enabled) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  connection->prepare("UPDATE users SET enabled = ?2, updated_at = ?3 WHERE login = ?1")
      .bindText(1, normal)
      .bindInt64(2, enabled ? 1 : 0)
      .bindInt64(3, now())
      .run();
  if (connection->changes() == 0) throw NotFound("no such user: " + normal);
}

void UserRepository::deleteUser(std::string_view login) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM users WHERE login = ?1").bindText(1, normal).run();
  if (connection->changes() == 0) throw NotFound("no such user: " + normal);
}

std::optional<UserRecord> UserRepository::findByLogin(std::string_view login) {
  const auto normal = normaliseLogin(login);
  if (!normal) return std::nullopt;
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kUserColumns) + "WHERE login = ?1");
  query.bindText(1, *normal);
  if (!query.step()) return std::nullopt;
  return readUser(query);
}

std::vector<UserRecord> UserRepository::listUsers() {
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kUserColumns) + "ORDER BY login");
  std::vector<UserRecord> users;
  while (query.step()) users.push_back(readUser(query));
  return users;
}

std::size_t UserRepository::countUsers() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT count(*) FROM users");
  query.step();
  return static_cast<std::size_t>(query.columnInt64(0));
}

UserRepository::Page UserRepository::searchUsers(std::string_view contains, std::size_t offset,
                                                 std::size_t limit) {
  const std::string needle = core::toLowerAscii(contains);
  const std::int64_t sqlLimit = limit == 0 ? -1 : static_cast<std::int64_t>(limit);
  // Logins are stored lower-case; instr() keeps % and _ ordinary characters. Without a filter there is no
  // WHERE at all: instr() on every row made the count of an unfiltered list ten times dearer.
  const std::string where = needle.empty() ? "" : "WHERE instr(login, ?1) > 0 ";
  auto connection = database_.acquire();
  Page page;
  Statement count = connection->prepare("SELECT count(*) FROM users " + where);
  if (!needle.empty()) count.bindText(1, needle);
  count.step();
  page.total = static_cast<std::size_t>(count.columnInt64(0));
  // The page and its patterns in one pass (the page's rows are found once, not again for the patterns).
  Statement query = connection->prepare(
      "SELECT u.id, u.login, u.password_hash, u.enabled, u.created_at, u.updated_at, s.pattern FROM "
      "(SELECT id, login, password_hash, enabled, created_at, updated_at FROM users " +
      where +
      "ORDER BY login LIMIT ?2 OFFSET ?3) u "
      "LEFT JOIN sender_addresses s ON s.user_id = u.id ORDER BY u.login, s.pattern");
  if (!needle.empty()) query.bindText(1, needle);
  query.bindInt64(2, sqlLimit).bindInt64(3, static_cast<std::int64_t>(offset));
  while (query.step()) {
    if (page.users.empty() || page.users.back().id != query.columnInt64(0)) {
      page.users.push_back(readUser(query));
      page.patterns.emplace_back();
    }
    if (!query.columnIsNull(6)) page.patterns.back().push_back(query.columnText(6));
  }
  return page;
}

std::vector<std::string> UserRepository::loginsAllowedToSend(std::string_view address) {
  const auto parsed = mail::parseMailbox(address);
  if (!parsed) return {};
  const std::string exact = parsed->key();
  const std::string domain = "@" + core::toLowerAscii(parsed->domain);
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT u.login FROM users u JOIN sender_addresses s ON s.user_id = u.id "
      "WHERE u.enabled = 1 AND (s.pattern = ?1 OR s.pattern = ?2) "
      "GROUP BY u.login ORDER BY max(s.pattern = ?1) DESC, u.login");
  query.bindText(1, exact).bindText(2, domain);
  std::vector<std::string> logins;
  while (query.step()) logins.push_back(query.columnText(0));
  return logins;
}

std::vector<std::string> UserRepository::enabledSenderPatterns() {
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT DISTINCT s.pattern FROM sender_addresses s JOIN users u ON u.id = s.user_id "
      "WHERE u.enabled = 1 ORDER BY s.pattern");
  std::vector<std::string> patterns;
  while (query.step()) patterns.push_back(query.columnText(0));
  return patterns;
}

void UserRepository::addSenderPattern(std::string_view login, std::string_view pattern) {
  const std::string normal = requireLogin(login);
  const std::string normalPattern = normalisePatternOrThrow(pattern);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const std::int64_t id = existingUserId(*connection, normal);
  Statement insert =
      connection->prepare("INSERT INTO sender_addresses (user_id, pattern, created_at) VALUES (?1, ?2, ?3)");
  insert.bindInt64(1, id).bindText(2, normalPattern).bindInt64(3, now());
  try {
    insert.run();
  } catch (const ConstraintViolation& e) {
    if (e.kind() == ConstraintViolation::Kind::Unique)
      throw AlreadyExists("user " + normal + " already has sender pattern " + normalPattern);
    throw;
  }
  transaction.commit();
}

void UserRepository::removeSenderPattern(std::string_view login, std::string_view pattern) {
  const std::string normal = requireLogin(login);
  const std::string normalPattern = normalisePatternOrThrow(pattern);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const std::int64_t id = existingUserId(*connection, normal);
  connection->prepare("DELETE FROM sender_addresses WHERE user_id = ?1 AND pattern = ?2")
      .bindInt64(1, id)
      .bindText(2, normalPattern)
      .run();
  if (connection->changes() == 0)
    throw NotFound("user " + normal + " has no sender pattern " + normalPattern);
  transaction.commit();
}

std::vector<std::string> UserRepository::listSenderPatterns(std::string_view login) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  const std::int64_t id = existingUserId(*connection, normal);
  Statement query =
      connection->prepare("SELECT pattern FROM sender_addresses WHERE user_id = ?1 ORDER BY pattern");
  query.bindInt64(1, id);
  std::vector<std::string> patterns;
  while (query.step()) patterns.push_back(query.columnText(0));
  return patterns;
}

mail::AllowedSenders UserRepository::allowedSenders(std::string_view login) {
  const auto normal = normaliseLogin(login);
  if (!normal) return mail::AllowedSenders();
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT s.pattern FROM sender_addresses s JOIN users u ON u.id = s.user_id "
      "WHERE u.login = ?1 AND u.enabled = 1 ORDER BY s.pattern");
  query.bindText(1, *normal);
  std::vector<std::string> patterns;
  while (query.step()) patterns.push_back(query.columnText(0));
  return mail::AllowedSenders(patterns);
}

}  // namespace postern::store
