#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/migration_runner.h"
#include "store/store_error.h"
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
  MigrationRunner runner{db, clock};

  bool hasTable(const std::string& name) {
    auto c = db.acquire();
    auto q = c->prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    q.bindText(1, name);
    return q.step();
  }
};

const Migration kOne{1, "001_one", "CREATE TABLE one (x INTEGER);"};
const Migration kTwo{2, "002_two", "CREATE TABLE two (y INTEGER);\nINSERT INTO two VALUES (1);"};
const Migration kBrokenThree{3, "003_broken",
                             "CREATE TABLE three (z INTEGER); INSERT INTO nowhere VALUES (1);"};
}  // namespace

BOOST_AUTO_TEST_SUITE(migration_runner)

BOOST_FIXTURE_TEST_CASE(applies_every_embedded_migration_to_an_empty_database, Fixture) {
  const auto report = runner.run();
  BOOST_TEST(report.fromVersion == 0);
  BOOST_TEST(report.toVersion == embeddedMigrations().back().version);
  BOOST_TEST(report.applied.size() == embeddedMigrations().size());
  BOOST_TEST(hasTable("users"));
  BOOST_TEST(hasTable("sender_addresses"));
  BOOST_TEST(runner.currentVersion() == embeddedMigrations().back().version);
}

BOOST_FIXTURE_TEST_CASE(records_version_name_and_applied_time, Fixture) {
  runner.run({kOne, kTwo});
  auto c = db.acquire();
  auto q = c->prepare("SELECT version, name, applied_at FROM schema_version ORDER BY version");
  const auto expectedTime =
      std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  BOOST_REQUIRE(q.step());
  BOOST_TEST(q.columnInt64(0) == 1);
  BOOST_TEST(q.columnText(1) == "001_one");
  BOOST_TEST(q.columnInt64(2) == expectedTime);
  BOOST_REQUIRE(q.step());
  BOOST_TEST(q.columnInt64(0) == 2);
  BOOST_TEST(q.columnText(1) == "002_two");
  BOOST_TEST(!q.step());
}

BOOST_FIXTURE_TEST_CASE(running_again_applies_nothing, Fixture) {
  runner.run({kOne, kTwo});
  const auto again = runner.run({kOne, kTwo});
  BOOST_TEST(again.fromVersion == 2);
  BOOST_TEST(again.toVersion == 2);
  BOOST_TEST(again.applied.empty());
  auto c = db.acquire();
  auto q = c->prepare("SELECT count(*) FROM two");
  q.step();
  BOOST_TEST(q.columnInt64(0) == 1);  // 002's INSERT ran once
}

BOOST_FIXTURE_TEST_CASE(applies_only_migrations_newer_than_the_database, Fixture) {
  runner.run({kOne});
  const auto report = runner.run({kOne, kTwo});
  BOOST_TEST(report.fromVersion == 1);
  BOOST_TEST(report.toVersion == 2);
  BOOST_TEST(report.applied == std::vector<std::string>{"002_two"});
  BOOST_TEST(hasTable("two"));
}

BOOST_FIXTURE_TEST_CASE(refuses_a_database_newer_than_the_binary, Fixture) {
  runner.run({kOne, kTwo});
  try {
    runner.run({kOne});
    BOOST_FAIL("expected a refusal");
  } catch (const postern::core::Error& e) {
    BOOST_TEST(!e.temporary());
    BOOST_TEST(std::string(e.what()).find("newer than this postern") != std::string::npos);
  }
}

BOOST_FIXTURE_TEST_CASE(refuses_a_history_with_a_different_migration_name, Fixture) {
  runner.run({kOne});
  const Migration otherOne{1, "001_other", "CREATE TABLE other (x INTEGER);"};
  BOOST_CHECK_THROW(runner.run({otherOne, kTwo}), postern::core::Error);
  BOOST_TEST(!hasTable("two"));
}

BOOST_FIXTURE_TEST_CASE(failed_migration_is_rolled_back_and_leaves_the_previous_version, Fixture) {
  BOOST_CHECK_THROW(runner.run({kOne, kTwo, kBrokenThree}), DatabaseError);
  BOOST_TEST(runner.currentVersion() == 2);
  BOOST_TEST(!hasTable("three"));  // the statement before the failing one was undone too
}

BOOST_FIXTURE_TEST_CASE(unsorted_migrations_are_a_programming_error, Fixture) {
  BOOST_CHECK_THROW(runner.run({kTwo, kOne}), std::logic_error);
}

BOOST_FIXTURE_TEST_CASE(untouched_database_has_version_zero, Fixture) {
  BOOST_TEST(runner.currentVersion() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
