#include "store/admin_totp_repository.h"

#include "store/admin_account_repository.h"
#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {

std::optional<std::int64_t> idOn(Connection& connection, std::string_view login) {
  const auto normal = AdminAccountRepository::normaliseLogin(login);
  if (!normal) return std::nullopt;
  Statement query = connection.prepare("SELECT id FROM admin_accounts WHERE login = ?1");
  query.bindText(1, *normal);
  if (!query.step()) return std::nullopt;
  return query.columnInt64(0);
}

}  // namespace

AdminTotpRepository::AdminTotpRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

void AdminTotpRepository::startEnrollment(std::string_view login, std::string_view sealedSecret) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const auto id = idOn(*connection, login);
  if (!id) throw NotFound("no such administrator: " + std::string(login));
  {
    Statement query = connection->prepare("SELECT confirmed FROM admin_totp WHERE account_id = ?1");
    query.bindInt64(1, *id);
    if (query.step() && query.columnInt64(0) != 0)
      throw core::Conflict("a second factor is already in force for " + std::string(login) +
                           " (turn it off first)");
  }
  connection
      ->prepare(
          "INSERT OR REPLACE INTO admin_totp (account_id, sealed_secret, confirmed, last_step, created_at) "
          "VALUES (?1, ?2, 0, -1, ?3)")
      .bindInt64(1, *id)
      .bindText(2, sealedSecret)
      .bindInt64(3, toUnix(clock_.now()))
      .run();
  transaction.commit();
}

bool AdminTotpRepository::confirm(std::string_view login, std::int64_t acceptedStep,
                                  const std::vector<std::string>& codeHashes) {
  auto connection = database_.acquire();
  Transaction transaction(*connection);
  const auto id = idOn(*connection, login);
  if (!id) return false;
  connection
      ->prepare(
          "UPDATE admin_totp SET confirmed = 1, last_step = ?2, confirmed_at = ?3 "
          "WHERE account_id = ?1 AND confirmed = 0")
      .bindInt64(1, *id)
      .bindInt64(2, acceptedStep)
      .bindInt64(3, toUnix(clock_.now()))
      .run();
  if (connection->changes() == 0) return false;
  connection->prepare("DELETE FROM admin_recovery_codes WHERE account_id = ?1").bindInt64(1, *id).run();
  for (const auto& hash : codeHashes)
    connection->prepare("INSERT INTO admin_recovery_codes (account_id, code_hash) VALUES (?1, ?2)")
        .bindInt64(1, *id)
        .bindText(2, hash)
        .run();
  transaction.commit();
  return true;
}

std::optional<AdminTotpRecord> AdminTotpRepository::find(std::string_view login) {
  const auto normal = AdminAccountRepository::normaliseLogin(login);
  if (!normal) return std::nullopt;
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT t.sealed_secret, t.confirmed, t.last_step, "
      "(SELECT count(*) FROM admin_recovery_codes r WHERE r.account_id = t.account_id AND r.used_at IS NULL) "
      "FROM admin_totp t JOIN admin_accounts a ON a.id = t.account_id WHERE a.login = ?1");
  query.bindText(1, *normal);
  if (!query.step()) return std::nullopt;
  AdminTotpRecord record;
  record.login = *normal;
  record.sealedSecret = query.columnText(0);
  record.confirmed = query.columnInt64(1) != 0;
  if (const auto step = query.columnInt64(2); step >= 0) record.lastStep = step;
  record.recoveryCodesLeft = static_cast<int>(query.columnInt64(3));
  return record;
}

bool AdminTotpRepository::enrolled(std::string_view login) {
  const auto normal = AdminAccountRepository::normaliseLogin(login);
  if (!normal) return false;
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT EXISTS (SELECT 1 FROM admin_totp t JOIN admin_accounts a ON a.id = t.account_id "
      "WHERE a.login = ?1 AND t.confirmed = 1)");
  query.bindText(1, *normal);
  query.step();
  return query.columnInt64(0) != 0;
}

std::set<std::string> AdminTotpRepository::enrolledLogins() {
  auto connection = database_.acquire();
  Statement query = connection->prepare(
      "SELECT a.login FROM admin_totp t JOIN admin_accounts a ON a.id = t.account_id WHERE t.confirmed = 1");
  std::set<std::string> logins;
  while (query.step()) logins.insert(query.columnText(0));
  return logins;
}

bool AdminTotpRepository::acceptStep(std::string_view login, std::int64_t step) {
  auto connection = database_.acquire();
  const auto id = idOn(*connection, login);
  if (!id) return false;
  connection
      ->prepare(
          "UPDATE admin_totp SET last_step = ?2 WHERE account_id = ?1 AND confirmed = 1 AND last_step < ?2")
      .bindInt64(1, *id)
      .bindInt64(2, step)
      .run();
  return connection->changes() > 0;
}

bool AdminTotpRepository::useRecoveryCode(std::string_view login, std::string_view codeHash) {
  auto connection = database_.acquire();
  const auto id = idOn(*connection, login);
  if (!id) return false;
  connection
      ->prepare(
          "UPDATE admin_recovery_codes SET used_at = ?3 "
          "WHERE account_id = ?1 AND code_hash = ?2 AND used_at IS NULL")
      .bindInt64(1, *id)
      .bindText(2, codeHash)
      .bindInt64(3, toUnix(clock_.now()))
      .run();
  return connection->changes() > 0;
}

bool AdminTotpRepository::remove(std::string_view login) {
  auto connection = database_.acquire();
  const auto id = idOn(*connection, login);
  if (!id) return false;
  // The recovery codes go with it (ON DELETE CASCADE).
  connection->prepare("DELETE FROM admin_totp WHERE account_id = ?1").bindInt64(1, *id).run();
  return connection->changes() > 0;
}

}  // namespace postern::store
