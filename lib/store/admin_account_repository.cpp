#include "store/admin_account_repository.h"

#include "core/text.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {

constexpr const char* kAccountColumns =
    "SELECT id, login, password_hash, role, enabled, created_at, last_login_at FROM admin_accounts ";

AdminAccountRecord readAccount(const Statement& row) {
  AdminAccountRecord account;
  account.id = row.columnInt64(0);
  account.login = row.columnText(1);
  account.passwordHash = row.columnText(2);
  // The schema's CHECK admits only the two names.
  account.role = parseAdminRole(row.columnText(3)).value_or(AdminRole::Viewer);
  account.enabled = row.columnInt64(4) != 0;
  account.createdAt = fromUnix(row.columnInt64(5));
  if (!row.columnIsNull(6)) account.lastLoginAt = fromUnix(row.columnInt64(6));
  return account;
}

std::optional<AdminAccountRecord> findOn(Connection& connection, const std::string& login) {
  Statement query = connection.prepare(std::string(kAccountColumns) + "WHERE login = ?1");
  query.bindText(1, login);
  if (!query.step()) return std::nullopt;
  return readAccount(query);
}

AdminAccountRecord existing(Connection& connection, const std::string& login) {
  auto account = findOn(connection, login);
  if (!account) throw NotFound("no such administrator: " + login);
  return *account;
}

// The rule that keeps the admin interface reachable: call inside the transaction making a change that
// takes `account` out of the enabled admins.
void requireAnotherAdmin(Connection& connection, const AdminAccountRecord& account, const std::string& verb) {
  if (account.role != AdminRole::Admin || !account.enabled) return;
  Statement others = connection.prepare(
      "SELECT count(*) FROM admin_accounts WHERE role = 'admin' AND enabled = 1 AND id != ?1");
  others.bindInt64(1, account.id);
  others.step();
  if (others.columnInt64(0) == 0)
    throw core::Conflict("cannot " + verb + " " + account.login +
                         ": it is the last enabled administrator with role admin (enable or promote "
                         "another administrator first)");
}

// A duplicate login becomes AlreadyExists, not a bare constraint violation.
void insertAccount(Connection& connection, const std::string& login, std::string_view passwordHash,
                   AdminRole role, std::int64_t created) {
  Statement insert = connection.prepare(
      "INSERT INTO admin_accounts (login, password_hash, role, enabled, created_at) VALUES (?1, ?2, ?3, 1, "
      "?4)");
  insert.bindText(1, login).bindText(2, passwordHash).bindText(3, adminRoleName(role)).bindInt64(4, created);
  try {
    insert.run();
  } catch (const ConstraintViolation& e) {
    if (e.kind() == ConstraintViolation::Kind::Unique)
      throw AlreadyExists("administrator already exists: " + login);
    throw;
  }
}

AdminAccountRecord newRecord(std::int64_t id, const std::string& login, std::string_view passwordHash,
                             AdminRole role, std::int64_t created) {
  AdminAccountRecord account;
  account.id = id;
  account.login = login;
  account.passwordHash = std::string(passwordHash);
  account.role = role;
  account.enabled = true;
  account.createdAt = fromUnix(created);
  return account;
}

void requireHash(std::string_view passwordHash, const std::string& login) {
  if (passwordHash.empty()) throw InvalidValue("empty password hash for " + login);
}

}  // namespace

std::string_view adminRoleName(AdminRole role) { return role == AdminRole::Admin ? "admin" : "viewer"; }

std::optional<AdminRole> parseAdminRole(std::string_view text) {
  const std::string lower = core::toLowerAscii(text);
  if (lower == "admin") return AdminRole::Admin;
  if (lower == "viewer") return AdminRole::Viewer;
  return std::nullopt;
}

AdminAccountRepository::AdminAccountRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::optional<std::string> AdminAccountRepository::normaliseLogin(std::string_view login) {
  if (login.empty() || login.size() > kMaxLogin) return std::nullopt;
  std::string lower = core::toLowerAscii(login);
  for (const char c : lower) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-';
    if (!allowed) return std::nullopt;
  }
  return lower;
}

std::string AdminAccountRepository::requireLogin(std::string_view login) const {
  auto normal = normaliseLogin(login);
  if (!normal)
    throw InvalidValue("login", "invalid administrator login: '" + std::string(login) +
                                    "' (1 to 64 characters: letters, digits, '.', '_', '@', '-')");
  return *normal;
}

std::int64_t AdminAccountRepository::now() const { return toUnix(clock_.now()); }

AdminAccountRecord AdminAccountRepository::create(std::string_view login, std::string_view passwordHash,
                                                  AdminRole role) {
  const std::string normal = requireLogin(login);
  requireHash(passwordHash, normal);
  auto connection = database_.acquire();
  const std::int64_t created = now();
  insertAccount(*connection, normal, passwordHash, role, created);
  return newRecord(connection->lastInsertRowid(), normal, passwordHash, role, created);
}

std::optional<AdminAccountRecord> AdminAccountRepository::createFirst(std::string_view login,
                                                                      std::string_view passwordHash,
                                                                      AdminRole role) {
  const std::string normal = requireLogin(login);
  requireHash(passwordHash, normal);
  auto connection = database_.acquire();
  const std::int64_t created = now();
  connection
      ->prepare(
          "INSERT INTO admin_accounts (login, password_hash, role, enabled, created_at) "
          "SELECT ?1, ?2, ?3, 1, ?4 WHERE NOT EXISTS (SELECT 1 FROM admin_accounts)")
      .bindText(1, normal)
      .bindText(2, passwordHash)
      .bindText(3, adminRoleName(role))
      .bindInt64(4, created)
      .run();
  if (connection->changes() == 0) return std::nullopt;
  return newRecord(connection->lastInsertRowid(), normal, passwordHash, role, created);
}

void AdminAccountRepository::setPasswordHash(std::string_view login, std::string_view passwordHash,
                                             std::optional<std::string_view> keepSessionHash) {
  const std::string normal = requireLogin(login);
  requireHash(passwordHash, normal);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const AdminAccountRecord account = existing(*connection, normal);
  connection->prepare("UPDATE admin_accounts SET password_hash = ?2 WHERE id = ?1")
      .bindInt64(1, account.id)
      .bindText(2, passwordHash)
      .run();
  // A token hash is never empty, so '' keeps nothing.
  connection->prepare("DELETE FROM admin_sessions WHERE account_id = ?1 AND token_hash != ?2")
      .bindInt64(1, account.id)
      .bindText(2, keepSessionHash.value_or(""))
      .run();
  transaction.commit();
}

bool AdminAccountRepository::replacePasswordHash(std::string_view login, std::string_view expectedHash,
                                                 std::string_view newHash) {
  const auto normal = normaliseLogin(login);
  if (!normal || newHash.empty()) return false;
  auto connection = database_.acquire();
  connection->prepare("UPDATE admin_accounts SET password_hash = ?3 WHERE login = ?1 AND password_hash = ?2")
      .bindText(1, *normal)
      .bindText(2, expectedHash)
      .bindText(3, newHash)
      .run();
  return connection->changes() > 0;
}

void AdminAccountRepository::setEnabled(std::string_view login, bool enabled) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const AdminAccountRecord account = existing(*connection, normal);
  if (!enabled) requireAnotherAdmin(*connection, account, "disable");
  connection->prepare("UPDATE admin_accounts SET enabled = ?2 WHERE id = ?1")
      .bindInt64(1, account.id)
      .bindInt64(2, enabled ? 1 : 0)
      .run();
  if (!enabled)
    connection->prepare("DELETE FROM admin_sessions WHERE account_id = ?1").bindInt64(1, account.id).run();
  transaction.commit();
}

void AdminAccountRepository::setRole(std::string_view login, AdminRole role) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const AdminAccountRecord account = existing(*connection, normal);
  if (role != AdminRole::Admin) requireAnotherAdmin(*connection, account, "demote");
  connection->prepare("UPDATE admin_accounts SET role = ?2 WHERE id = ?1")
      .bindInt64(1, account.id)
      .bindText(2, adminRoleName(role))
      .run();
  transaction.commit();
}

void AdminAccountRepository::remove(std::string_view login) {
  const std::string normal = requireLogin(login);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const AdminAccountRecord account = existing(*connection, normal);
  requireAnotherAdmin(*connection, account, "delete");
  connection->prepare("DELETE FROM admin_accounts WHERE id = ?1").bindInt64(1, account.id).run();
  transaction.commit();
}

void AdminAccountRepository::recordLogin(std::string_view login) {
  const auto normal = normaliseLogin(login);
  if (!normal) return;
  auto connection = database_.acquire();
  connection->prepare("UPDATE admin_accounts SET last_login_at = ?2 WHERE login = ?1")
      .bindText(1, *normal)
      .bindInt64(2, now())
      .run();
}

std::optional<AdminAccountRecord> AdminAccountRepository::find(std::string_view login) {
  const auto normal = normaliseLogin(login);
  if (!normal) return std::nullopt;
  auto connection = database_.acquire();
  return findOn(*connection, *normal);
}

std::vector<AdminAccountRecord> AdminAccountRepository::list() {
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kAccountColumns) + "ORDER BY login");
  std::vector<AdminAccountRecord> accounts;
  while (query.step()) accounts.push_back(readAccount(query));
  return accounts;
}

bool AdminAccountRepository::empty() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT EXISTS (SELECT 1 FROM admin_accounts)");
  query.step();
  return query.columnInt64(0) == 0;
}

void AdminAccountRepository::replaceSetupToken(std::string_view tokenHash,
                                               std::chrono::system_clock::time_point expiresAt) {
  auto connection = database_.acquire();
  connection
      ->prepare(
          "INSERT OR REPLACE INTO admin_setup_tokens (id, token_hash, created_at, expires_at) "
          "VALUES (1, ?1, ?2, ?3)")
      .bindText(1, tokenHash)
      .bindInt64(2, now())
      .bindInt64(3, toUnix(expiresAt))
      .run();
}

bool AdminAccountRepository::setupTokenUsable(std::string_view tokenHash) {
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT EXISTS (SELECT 1 FROM admin_setup_tokens WHERE token_hash = ?1 AND expires_at > ?2)");
  query.bindText(1, tokenHash).bindInt64(2, now());
  query.step();
  return query.columnInt64(0) != 0;
}

std::optional<AdminAccountRecord> AdminAccountRepository::redeemSetupToken(std::string_view tokenHash,
                                                                           std::string_view login,
                                                                           std::string_view passwordHash) {
  const std::string normal = requireLogin(login);
  requireHash(passwordHash, normal);
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const std::int64_t created = now();
  connection->prepare("DELETE FROM admin_setup_tokens WHERE token_hash = ?1 AND expires_at > ?2")
      .bindText(1, tokenHash)
      .bindInt64(2, created)
      .run();
  if (connection->changes() == 0) return std::nullopt;  // unknown, expired or used: rolled back
  {
    Statement any = connection->prepare("SELECT EXISTS (SELECT 1 FROM admin_accounts)");
    any.step();
    if (any.columnInt64(0) != 0) return std::nullopt;
  }
  insertAccount(*connection, normal, passwordHash, AdminRole::Admin, created);
  const std::int64_t id = connection->lastInsertRowid();
  transaction.commit();
  return newRecord(id, normal, passwordHash, AdminRole::Admin, created);
}

}  // namespace postern::store
