// MigratedDatabase — a database in a fresh temporary directory with every migration of db/ applied, whose
// timestamps come from a FakeClock the test can move. A base for the fixtures of the suites that need the
// schema.
#pragma once

#include <string>

#include "store/connection.h"
#include "store/database.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace postern::test {

struct MigratedDatabase {
  FakeClock clock;
  TempDir dir;
  store::Database db{dir.file("postern.db")};

  MigratedDatabase() { store::MigrationRunner(db, clock).run(); }

  // Runs sql with the schema's CHECK constraints off, to write what a database from elsewhere or a hand
  // edit may hold.
  void execUnchecked(const std::string& sql) {
    db.acquire()->exec("PRAGMA ignore_check_constraints = ON; " + sql +
                       "; PRAGMA ignore_check_constraints = OFF;");
  }
};

}  // namespace postern::test
