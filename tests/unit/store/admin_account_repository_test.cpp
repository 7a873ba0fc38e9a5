#include <boost/test/unit_test.hpp>

#include <functional>
#include <string>

#include "core/error.h"
#include "store/admin_account_repository.h"
#include "store/admin_session_repository.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "support/fake_clock.h"
#include "support/migrated_database.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::core::Conflict;
using postern::test::FakeClock;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  AdminAccountRepository accounts{db, clock};
  AdminSessionRepository sessions{db, clock};

  std::string conflictOf(const std::function<void()>& change) {
    try {
      change();
    } catch (const Conflict& e) {
      return e.what();
    }
    return "(no conflict)";
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_account_repository)

BOOST_AUTO_TEST_CASE(a_login_is_1_to_64_characters_of_letters_digits_and_dot_underscore_at_hyphen) {
  BOOST_TEST(AdminAccountRepository::normaliseLogin("Ops.Team_1-x@Example.org").value_or("-") ==
             "ops.team_1-x@example.org");
  BOOST_TEST(AdminAccountRepository::normaliseLogin("a").value_or("-") == "a");
  BOOST_TEST(AdminAccountRepository::normaliseLogin(std::string(64, 'a')).has_value());
  BOOST_TEST(!AdminAccountRepository::normaliseLogin(std::string(65, 'a')).has_value());
  BOOST_TEST(!AdminAccountRepository::normaliseLogin("").has_value());
  for (const char* bad : {"al ice", " alice", "alice+x", "al'ice", "\xc3\xa9mile", "a/b", "a\nb"})
    BOOST_TEST(!AdminAccountRepository::normaliseLogin(bad).has_value(), bad);
}

BOOST_FIXTURE_TEST_CASE(a_created_account_is_found_with_its_fields, Fixture) {
  const auto created = accounts.create("Alice", "$argon2id$h", AdminRole::Viewer);
  const auto found = accounts.find("ALICE");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->id == created.id);
  BOOST_TEST(found->login == "alice");
  BOOST_TEST(found->passwordHash == "$argon2id$h");
  BOOST_TEST((found->role == AdminRole::Viewer));
  BOOST_TEST(found->enabled);
  BOOST_TEST((found->createdAt == clock.now()));
  BOOST_TEST(!found->lastLoginAt.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_login_exists_once_whatever_its_case, Fixture) {
  accounts.create("alice", "h", AdminRole::Admin);
  BOOST_CHECK_THROW(accounts.create("ALICE", "h", AdminRole::Viewer), AlreadyExists);
}

BOOST_FIXTURE_TEST_CASE(an_invalid_login_or_empty_hash_is_refused, Fixture) {
  BOOST_CHECK_THROW(accounts.create("al ice", "h", AdminRole::Admin), InvalidValue);
  BOOST_CHECK_THROW(accounts.create("alice", "", AdminRole::Admin), InvalidValue);
  BOOST_TEST(accounts.empty());
}

BOOST_FIXTURE_TEST_CASE(the_first_account_is_created_only_into_an_empty_table, Fixture) {
  const auto first = accounts.createFirst("admin", "h1", AdminRole::Admin);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST((first->role == AdminRole::Admin));
  BOOST_TEST(!accounts.createFirst("other", "h2", AdminRole::Admin).has_value());
  BOOST_TEST(!accounts.find("other").has_value());
  BOOST_TEST(accounts.find("admin")->passwordHash == "h1");
}

BOOST_FIXTURE_TEST_CASE(a_viewer_alone_also_counts_as_an_existing_account, Fixture) {
  accounts.create("watcher", "h", AdminRole::Viewer);
  BOOST_TEST(!accounts.empty());
  BOOST_TEST(!accounts.createFirst("admin", "h", AdminRole::Admin).has_value());
}

BOOST_FIXTURE_TEST_CASE(the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("watcher", "h", AdminRole::Viewer);
  const std::string why = "the last enabled administrator with role admin";
  BOOST_TEST(conflictOf([&] {
               accounts.setEnabled("root", false);
             }).find("cannot disable root: it is " + why) != std::string::npos);
  BOOST_TEST(conflictOf([&] { accounts.setRole("root", AdminRole::Viewer); }).find("cannot demote root") !=
             std::string::npos);
  BOOST_TEST(conflictOf([&] { accounts.remove("root"); }).find("cannot delete root") != std::string::npos);
  const auto root = accounts.find("root");
  BOOST_TEST(root->enabled);
  BOOST_TEST((root->role == AdminRole::Admin));
}

BOOST_FIXTURE_TEST_CASE(an_admin_may_go_while_another_enabled_admin_remains, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("second", "h", AdminRole::Admin);
  accounts.setRole("root", AdminRole::Viewer);
  BOOST_TEST(conflictOf([&] { accounts.remove("second"); }) != "(no conflict)");  // now the last one
  accounts.setRole("root", AdminRole::Admin);
  accounts.setEnabled("second", false);
  accounts.remove("second");
  BOOST_TEST(!accounts.find("second").has_value());
}

BOOST_FIXTURE_TEST_CASE(a_disabled_admin_does_not_count_as_the_other_admin, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("second", "h", AdminRole::Admin);
  accounts.setEnabled("second", false);
  BOOST_TEST(conflictOf([&] { accounts.setEnabled("root", false); }) != "(no conflict)");
  BOOST_TEST(conflictOf([&] { accounts.setRole("root", AdminRole::Viewer); }) != "(no conflict)");
}

BOOST_FIXTURE_TEST_CASE(viewers_and_disabled_admins_may_be_changed_freely, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("watcher", "h", AdminRole::Viewer);
  accounts.create("old", "h", AdminRole::Admin);
  accounts.setEnabled("old", false);
  accounts.setEnabled("watcher", false);
  accounts.remove("watcher");
  accounts.setRole("old", AdminRole::Viewer);
  accounts.remove("old");
  BOOST_TEST(accounts.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(changes_to_an_unknown_account_are_not_found, Fixture) {
  BOOST_CHECK_THROW(accounts.setEnabled("ghost", true), NotFound);
  BOOST_CHECK_THROW(accounts.setRole("ghost", AdminRole::Admin), NotFound);
  BOOST_CHECK_THROW(accounts.setPasswordHash("ghost", "h"), NotFound);
  BOOST_CHECK_THROW(accounts.remove("ghost"), NotFound);
}

BOOST_FIXTURE_TEST_CASE(a_new_password_ends_every_session_of_the_account_but_the_kept_one, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("other", "h", AdminRole::Admin);
  sessions.create("hash-a", "root", "192.0.2.1");
  sessions.create("hash-b", "root", "192.0.2.2");
  sessions.create("hash-c", "other", "192.0.2.3");
  accounts.setPasswordHash("root", "h2", std::string_view("hash-a"));
  BOOST_TEST(accounts.find("root")->passwordHash == "h2");
  BOOST_TEST(sessions.find("hash-a").has_value());
  BOOST_TEST(!sessions.find("hash-b").has_value());
  BOOST_TEST(sessions.find("hash-c").has_value());  // another account's
  accounts.setPasswordHash("root", "h3");
  BOOST_TEST(!sessions.find("hash-a").has_value());
}

BOOST_FIXTURE_TEST_CASE(disabling_ends_the_sessions_so_enabling_does_not_bring_them_back, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("ops", "h", AdminRole::Viewer);
  sessions.create("hash-a", "ops", "192.0.2.1");
  accounts.setEnabled("ops", false);
  accounts.setEnabled("ops", true);
  BOOST_TEST(!sessions.find("hash-a").has_value());
}

BOOST_FIXTURE_TEST_CASE(deleting_an_account_ends_its_sessions, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  accounts.create("ops", "h", AdminRole::Viewer);
  sessions.create("hash-a", "ops", "192.0.2.1");
  accounts.remove("ops");
  BOOST_TEST(sessions.count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_sign_in_records_the_last_login, Fixture) {
  accounts.create("root", "h", AdminRole::Admin);
  clock.advance(90s);
  accounts.recordLogin("ROOT");
  BOOST_TEST((accounts.find("root")->lastLoginAt == clock.now()));
  accounts.recordLogin("ghost");  // gone meanwhile: no error
}

BOOST_FIXTURE_TEST_CASE(a_hash_upgrade_loses_to_a_password_changed_meanwhile, Fixture) {
  accounts.create("root", "old", AdminRole::Admin);
  BOOST_TEST(accounts.replacePasswordHash("root", "old", "upgraded"));
  accounts.setPasswordHash("root", "new");
  BOOST_TEST(!accounts.replacePasswordHash("root", "upgraded", "again"));
  BOOST_TEST(accounts.find("root")->passwordHash == "new");
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_creates_the_first_admin_once, Fixture) {
  accounts.replaceSetupToken("token-hash", clock.now() + 1h);
  BOOST_TEST(accounts.setupTokenUsable("token-hash"));
  const auto created = accounts.redeemSetupToken("token-hash", "First", "h");
  BOOST_REQUIRE(created.has_value());
  BOOST_TEST(created->login == "first");
  BOOST_TEST((accounts.find("first")->role == AdminRole::Admin));
  BOOST_TEST(!accounts.setupTokenUsable("token-hash"));
  db.acquire()->exec("DELETE FROM admin_accounts");  // no account again: still the token must not work
  BOOST_TEST(!accounts.redeemSetupToken("token-hash", "again", "h").has_value());
}

BOOST_FIXTURE_TEST_CASE(an_expired_or_replaced_setup_token_creates_nothing, Fixture) {
  accounts.replaceSetupToken("old-hash", clock.now() + 1h);
  accounts.replaceSetupToken("new-hash", clock.now() + 1h);
  BOOST_TEST(!accounts.redeemSetupToken("old-hash", "first", "h").has_value());
  clock.advance(1h);
  BOOST_TEST(!accounts.setupTokenUsable("new-hash"));
  BOOST_TEST(!accounts.redeemSetupToken("new-hash", "first", "h").has_value());
  BOOST_TEST(accounts.empty());
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_creates_nothing_once_an_account_exists_and_stays_unused, Fixture) {
  accounts.replaceSetupToken("token-hash", clock.now() + 1h);
  accounts.create("root", "h", AdminRole::Admin);
  BOOST_TEST(!accounts.redeemSetupToken("token-hash", "first", "h").has_value());
  BOOST_TEST(!accounts.find("first").has_value());
  BOOST_TEST(accounts.setupTokenUsable("token-hash"));  // the refused redemption changed nothing
}

BOOST_AUTO_TEST_SUITE_END()
