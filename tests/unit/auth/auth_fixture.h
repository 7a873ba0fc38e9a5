// AuthFixture — a migrated temporary database with a user repository, a cheap password hasher
// (t=1, m=64 KiB: Argon2's cost is not what these tests check), a credential cache on a fake clock and a
// verifier over them. Alice (alice@example.org / "correct horse") exists and is enabled.
#pragma once

#include "auth/credential_cache.h"
#include "auth/credential_verifier.h"
#include "auth/password_hasher.h"
#include "store/migration_runner.h"
#include "store/user_repository.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

namespace postern::test {

inline const auth::Argon2Params kCheapArgon2{1, 64, 1};

struct AuthFixture {
  TempDir dir;
  store::Database db{dir.file("postern.db")};
  FakeClock clock;
  store::UserRepository users{db, clock};
  auth::PasswordHasher hasher{kCheapArgon2};
  auth::CredentialCache cache{clock};
  auth::CredentialVerifier verifier{users, hasher, cache};

  AuthFixture() {
    store::MigrationRunner(db, clock).run();
    users.createUser("alice@example.org", hasher.hash("correct horse"));
  }

  // Makes every later lookup fail the way a broken database would.
  void breakStore() { db.acquire()->exec("DROP TABLE sender_addresses; DROP TABLE users"); }
};

}  // namespace postern::test
