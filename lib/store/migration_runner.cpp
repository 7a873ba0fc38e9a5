#include "store/migration_runner.h"

#include <chrono>
#include <stdexcept>

#include "store/store_error.h"
#include "store/transaction.h"
#include "store/unix_time.h"

namespace postern::store {

namespace {
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version    INTEGER PRIMARY KEY,"
    " name       TEXT    NOT NULL,"
    " applied_at INTEGER NOT NULL)";

int maxVersion(Connection& connection) {
  Statement query = connection.prepare("SELECT coalesce(max(version), 0) FROM schema_version");
  query.step();
  return static_cast<int>(query.columnInt64(0));
}

bool tableExists(Connection& connection, const char* name) {
  Statement query = connection.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  query.bindText(1, name);
  return query.step();
}

void checkOrder(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const auto& m : migrations) {
    if (m.version <= previous)
      throw std::logic_error("store::MigrationRunner: migrations not sorted by increasing version at " +
                             std::string(m.name));
    previous = m.version;
  }
}

// The recorded name of every version both sides know must match: a mismatch means the database was built
// by a different line of development, and applying our later migrations on top could corrupt it.
void checkHistory(Connection& connection, const std::vector<Migration>& migrations, const std::string& path) {
  Statement query = connection.prepare("SELECT version, name FROM schema_version ORDER BY version");
  while (query.step()) {
    const int version = static_cast<int>(query.columnInt64(0));
    const std::string name = query.columnText(1);
    for (const auto& m : migrations) {
      if (m.version == version && name != m.name)
        throw core::Error::permanent("database " + path + " records migration " + std::to_string(version) +
                                     " as '" + name + "', but this postern has '" + m.name +
                                     "': refusing to migrate");
    }
  }
}
}  // namespace

MigrationRunner::MigrationRunner(Database& database, const core::Clock& clock)
    : database_(database), clock_(clock) {}

int MigrationRunner::currentVersion() {
  auto connection = database_.acquire();
  if (!tableExists(*connection, "schema_version")) return 0;
  return maxVersion(*connection);
}

MigrationReport MigrationRunner::run(const std::vector<Migration>& migrations) {
  checkOrder(migrations);
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  auto connection = database_.acquire();
  {
    Transaction transaction(*connection);
    connection->exec(kCreateVersionTable);
    transaction.commit();
  }

  MigrationReport report;
  report.fromVersion = maxVersion(*connection);
  if (report.fromVersion > latest)
    throw core::Error::permanent("database " + database_.path() + " has schema version " +
                                 std::to_string(report.fromVersion) + ", newer than this postern supports (" +
                                 std::to_string(latest) + "): upgrade postern or restore a matching backup");
  checkHistory(*connection, migrations, database_.path());

  for (const auto& m : migrations) {
    if (m.version <= report.fromVersion) continue;
    Transaction transaction(*connection);
    // Another process may have applied it while we waited for the write lock.
    if (maxVersion(*connection) >= m.version) continue;
    try {
      connection->exec(m.sql);
    } catch (const DatabaseError& e) {
      throw DatabaseError(e.severity(), e.code(),
                          "migration " + std::string(m.name) + " failed: " + e.what());
    }
    Statement record =
        connection->prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)");
    record.bindInt64(1, m.version).bindText(2, m.name).bindInt64(3, toUnix(clock_.now())).run();
    transaction.commit();
    report.applied.emplace_back(m.name);
  }
  report.toVersion = maxVersion(*connection);
  return report;
}

}  // namespace postern::store
