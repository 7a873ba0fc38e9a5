// AdminFixture — a migrated temporary database with the web admin's repositories and services on a fake
// clock, and a cheap password hasher (t=1, m=64 KiB: Argon2's cost is not what these tests check). Root
// (role admin, "root password 1") exists and is enabled.
#pragma once

#include "admin/admin_accounts.h"
#include "admin/admin_sessions.h"
#include "auth/password_hasher.h"
#include "store/admin_account_repository.h"
#include "store/admin_session_repository.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "unit/auth/auth_fixture.h"

namespace postern::test {

inline constexpr const char* kRootPassword = "root password 1";

struct AdminFixture {
  TempDir dir;
  store::Database db{dir.file("postern.db")};
  FakeClock clock;
  store::AdminAccountRepository accountStore{db, clock};
  store::AdminSessionRepository sessionStore{db, clock};
  auth::PasswordHasher hasher{kCheapArgon2};
  admin::AdminAccounts accounts{accountStore, hasher};
  admin::AdminSessions sessions{sessionStore, clock};

  explicit AdminFixture(bool withRoot = true) {
    store::MigrationRunner(db, clock).run();
    if (withRoot) accounts.add("root", kRootPassword, admin::AdminRole::Admin);
  }

  // How many rows of a table hold this text in any column given: to show what is (not) stored.
  long long rowsWith(const std::string& table, const std::string& column, const std::string& text) {
    auto c = db.acquire();
    auto q = c->prepare("SELECT count(*) FROM " + table + " WHERE instr(" + column + ", ?1) > 0");
    q.bindText(1, text);
    q.step();
    return q.columnInt64(0);
  }
};

}  // namespace postern::test
