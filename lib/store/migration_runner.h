// store::MigrationRunner — brings a database's schema up to the version this binary carries (db/*.sql,
// embedded by db/embed_migrations.cmake, listed by store/migrations.h).
//
// The table schema_version records each applied migration (version, name, applied_at in Unix seconds).
// Each pending migration runs in its own BEGIN IMMEDIATE transaction together with its schema_version row,
// so a crash leaves the schema at a whole version, and two processes starting at once apply each
// migration once. Running again is a no-op. A database whose version is newer than the binary knows, or
// whose recorded migration names differ from the binary's, is refused with a permanent core::Error.
//
// Must not know: SMTP, HTTP. Thread-safety: run() may be called from any thread (it takes one lease).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/migrations.h"

namespace postern::store {

struct MigrationReport {
  int fromVersion = 0;
  int toVersion = 0;
  std::vector<std::string> applied;  // names, in order
};

class MigrationRunner {
 public:
  explicit MigrationRunner(Database& database, const core::Clock& clock = core::SystemClock::instance());

  // migrations must be sorted by strictly increasing positive version. Throws core::Error.
  MigrationReport run(const std::vector<Migration>& migrations = embeddedMigrations());

  // 0 for a database no migration has touched.
  int currentVersion();

 private:
  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
