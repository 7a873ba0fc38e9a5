// store::VaultMetaRepository: the master key check is recorded once, and a value recorded in
// dkim_meta before db/005_vault.sql moves to vault_meta, so an installation keeps its master key.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/migration_runner.h"
#include "store/store_error.h"
#include "store/vault_meta_repository.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  Database db{dir.file("postern.db")};
  FakeClock clock;
  VaultMetaRepository vaultMeta{db};

  std::vector<Migration> migrationsBefore(int version) {
    std::vector<Migration> out;
    for (const auto& m : embeddedMigrations())
      if (m.version < version) out.push_back(m);
    return out;
  }
  bool dkimMetaHasColumn(const std::string& column) {
    auto c = db.acquire();
    auto q = c->prepare("SELECT 1 FROM pragma_table_info('dkim_meta') WHERE name = ?1");
    q.bindText(1, column);
    return q.step();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(vault_meta_repository)

BOOST_FIXTURE_TEST_CASE(the_master_key_check_is_recorded_once, Fixture) {
  MigrationRunner(db, clock).run();
  BOOST_TEST(!vaultMeta.masterKeyCheck().has_value());
  BOOST_TEST(vaultMeta.recordMasterKeyCheck("first") == "first");
  BOOST_TEST(vaultMeta.recordMasterKeyCheck("second") == "first");
  BOOST_TEST(vaultMeta.masterKeyCheck().value_or("") == "first");
}

BOOST_FIXTURE_TEST_CASE(a_check_recorded_for_dkim_keys_moves_to_the_vault, Fixture) {
  MigrationRunner(db, clock).run(migrationsBefore(5));
  db.acquire()->exec("UPDATE dkim_meta SET master_key_check = 'hmac-sha256:recorded' WHERE id = 1");
  MigrationRunner(db, clock).run();
  BOOST_TEST(vaultMeta.masterKeyCheck().value_or("") == "hmac-sha256:recorded");
  BOOST_TEST(vaultMeta.recordMasterKeyCheck("other") == "hmac-sha256:recorded");
  // One home: the DKIM table no longer carries a copy that could disagree.
  BOOST_TEST(!dkimMetaHasColumn("master_key_check"));
  BOOST_TEST(dkimMetaHasColumn("generation"));
}

BOOST_FIXTURE_TEST_CASE(an_installation_without_a_check_starts_with_none, Fixture) {
  MigrationRunner(db, clock).run(migrationsBefore(5));
  MigrationRunner(db, clock).run();
  BOOST_TEST(!vaultMeta.masterKeyCheck().has_value());
}

BOOST_AUTO_TEST_SUITE_END()
