#include "store/admin_session_repository.h"

#include "store/store_error.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {
constexpr const char* kSessionColumns =
    "SELECT s.id, a.login, a.role, a.enabled, s.client_address, s.created_at, s.last_seen_at "
    "FROM admin_sessions s JOIN admin_accounts a ON a.id = s.account_id ";

AdminSessionRecord readSession(const Statement& row) {
  AdminSessionRecord session;
  session.id = row.columnInt64(0);
  session.login = row.columnText(1);
  session.role = parseAdminRole(row.columnText(2)).value_or(AdminRole::Viewer);
  session.accountEnabled = row.columnInt64(3) != 0;
  session.clientAddress = row.columnText(4);
  session.createdAt = fromUnix(row.columnInt64(5));
  session.lastSeen = fromUnix(row.columnInt64(6));
  return session;
}
}  // namespace

AdminSessionRepository::AdminSessionRepository(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

std::int64_t AdminSessionRepository::now() const { return toUnix(clock_.now()); }

AdminSessionRecord AdminSessionRepository::create(std::string_view tokenHash, std::string_view login,
                                                  std::string_view clientAddress) {
  auto connection = database_.acquire();
  const std::int64_t created = now();
  // One statement: an account disabled between sign-in and this insert gets no session.
  connection
      ->prepare(
          "INSERT INTO admin_sessions (token_hash, account_id, client_address, created_at, last_seen_at) "
          "SELECT ?1, id, ?3, ?4, ?4 FROM admin_accounts WHERE login = ?2 AND enabled = 1")
      .bindText(1, tokenHash)
      .bindText(2, login)
      .bindText(3, clientAddress)
      .bindInt64(4, created)
      .run();
  if (connection->changes() == 0) throw NotFound("no enabled administrator: " + std::string(login));
  Statement query = connection->prepare(std::string(kSessionColumns) + "WHERE s.id = ?1");
  query.bindInt64(1, connection->lastInsertRowid());
  query.step();
  return readSession(query);
}

std::optional<AdminSessionRecord> AdminSessionRepository::find(std::string_view tokenHash) {
  auto connection = database_.acquire();
  Statement query = connection->prepare(std::string(kSessionColumns) + "WHERE s.token_hash = ?1");
  query.bindText(1, tokenHash);
  if (!query.step()) return std::nullopt;
  return readSession(query);
}

void AdminSessionRepository::touch(std::int64_t id) {
  auto connection = database_.acquire();
  connection->prepare("UPDATE admin_sessions SET last_seen_at = ?2 WHERE id = ?1")
      .bindInt64(1, id)
      .bindInt64(2, now())
      .run();
}

bool AdminSessionRepository::remove(std::string_view tokenHash) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM admin_sessions WHERE token_hash = ?1").bindText(1, tokenHash).run();
  return connection->changes() > 0;
}

void AdminSessionRepository::remove(std::int64_t id) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM admin_sessions WHERE id = ?1").bindInt64(1, id).run();
}

std::size_t AdminSessionRepository::removeAllOf(std::string_view login,
                                                std::optional<std::string_view> keepTokenHash) {
  auto connection = database_.acquire();
  // A token hash is never empty, so '' keeps nothing.
  connection
      ->prepare(
          "DELETE FROM admin_sessions WHERE token_hash != ?2 "
          "AND account_id = (SELECT id FROM admin_accounts WHERE login = ?1)")
      .bindText(1, login)
      .bindText(2, keepTokenHash.value_or(""))
      .run();
  return static_cast<std::size_t>(connection->changes());
}

std::size_t AdminSessionRepository::removeExpired(std::chrono::system_clock::time_point idleCutoff,
                                                  std::chrono::system_clock::time_point absoluteCutoff) {
  auto connection = database_.acquire();
  connection->prepare("DELETE FROM admin_sessions WHERE last_seen_at < ?1 OR created_at < ?2")
      .bindInt64(1, toUnix(idleCutoff))
      .bindInt64(2, toUnix(absoluteCutoff))
      .run();
  return static_cast<std::size_t>(connection->changes());
}

std::size_t AdminSessionRepository::count() {
  auto connection = database_.acquire();
  Statement query = connection->prepare("SELECT count(*) FROM admin_sessions");
  query.step();
  return static_cast<std::size_t>(query.columnInt64(0));
}

}  // namespace postern::store
