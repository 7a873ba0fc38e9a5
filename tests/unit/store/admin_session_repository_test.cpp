#include <boost/test/unit_test.hpp>

#include <string>

#include "store/admin_account_repository.h"
#include "store/admin_session_repository.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "support/fake_clock.h"
#include "support/migrated_database.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  AdminAccountRepository accounts{db, clock};
  AdminSessionRepository sessions{db, clock};

  Fixture() {
    accounts.create("root", "h", AdminRole::Admin);
    accounts.create("ops", "h", AdminRole::Viewer);
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_session_repository)

BOOST_FIXTURE_TEST_CASE(a_session_is_found_by_its_token_hash_with_its_account, Fixture) {
  const auto created = sessions.create("hash-a", "ops", "192.0.2.7");
  const auto found = sessions.find("hash-a");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->id == created.id);
  BOOST_TEST(found->login == "ops");
  BOOST_TEST((found->role == AdminRole::Viewer));
  BOOST_TEST(found->accountEnabled);
  BOOST_TEST(found->clientAddress == "192.0.2.7");
  BOOST_TEST((found->createdAt == clock.now()));
  BOOST_TEST((found->lastSeen == clock.now()));
  BOOST_TEST(!sessions.find("hash-b").has_value());
}

BOOST_FIXTURE_TEST_CASE(a_session_reads_the_role_the_account_has_now, Fixture) {
  sessions.create("hash-a", "ops", "192.0.2.7");
  accounts.setRole("ops", AdminRole::Admin);
  BOOST_TEST((sessions.find("hash-a")->role == AdminRole::Admin));
}

BOOST_FIXTURE_TEST_CASE(no_session_for_an_unknown_or_disabled_account, Fixture) {
  BOOST_CHECK_THROW(sessions.create("hash-a", "ghost", "192.0.2.7"), NotFound);
  accounts.setEnabled("ops", false);
  BOOST_CHECK_THROW(sessions.create("hash-b", "ops", "192.0.2.7"), NotFound);
  BOOST_TEST(sessions.count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(touch_moves_last_seen_to_now, Fixture) {
  const auto created = sessions.create("hash-a", "ops", "192.0.2.7");
  clock.advance(5min);
  sessions.touch(created.id);
  const auto found = sessions.find("hash-a");
  BOOST_TEST((found->lastSeen == clock.now()));
  BOOST_TEST((found->createdAt == clock.now() - 5min));
}

BOOST_FIXTURE_TEST_CASE(removing_all_of_an_account_keeps_the_one_asked_for_and_other_accounts, Fixture) {
  sessions.create("hash-a", "ops", "192.0.2.7");
  sessions.create("hash-b", "ops", "192.0.2.8");
  sessions.create("hash-c", "root", "192.0.2.9");
  BOOST_TEST(sessions.removeAllOf("ops", std::string_view("hash-b")) == 1u);
  BOOST_TEST(sessions.find("hash-b").has_value());
  BOOST_TEST(sessions.find("hash-c").has_value());
  BOOST_TEST(sessions.removeAllOf("ops", std::nullopt) == 1u);
  BOOST_TEST(sessions.count() == 1u);
}

BOOST_FIXTURE_TEST_CASE(removing_expired_sessions_takes_the_idle_and_the_too_old, Fixture) {
  const auto old = sessions.create("hash-old", "ops", "192.0.2.7");  // created first, kept active
  clock.advance(10min);
  sessions.create("hash-idle", "ops", "192.0.2.8");
  clock.advance(10min);
  sessions.create("hash-fresh", "ops", "192.0.2.9");
  sessions.touch(old.id);
  // Idle: last seen more than 5 minutes ago; too old: created more than 15 minutes ago.
  BOOST_TEST(sessions.removeExpired(clock.now() - 5min, clock.now() - 15min) == 2u);
  BOOST_TEST(sessions.find("hash-fresh").has_value());
  BOOST_TEST(sessions.count() == 1u);
}

BOOST_FIXTURE_TEST_CASE(removing_by_token_hash_says_whether_there_was_one, Fixture) {
  sessions.create("hash-a", "ops", "192.0.2.7");
  BOOST_TEST(sessions.remove("hash-a"));
  BOOST_TEST(!sessions.remove("hash-a"));
}

BOOST_AUTO_TEST_SUITE_END()
