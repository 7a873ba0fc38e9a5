#include <boost/test/unit_test.hpp>

#include <string>

#include "admin/admin_accounts.h"
#include "core/error.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::auth::PasswordHasher;
using postern::test::AdminFixture;
using postern::test::kRootPassword;
using namespace std::chrono_literals;

namespace {
struct Fixture : AdminFixture {
  bool passwordIs(const std::string& login, const std::string& password) {
    const auto record = accountStore.find(login);
    return record && hasher.verify(record->passwordHash, password) == PasswordHasher::Verdict::Match;
  }
};

template <typename E, typename F>
std::string messageOf(F&& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  }
  return "(no exception)";
}

template <typename F>
std::string fieldOf(F&& call) {
  try {
    call();
  } catch (const postern::core::InvalidValue& e) {
    return e.field();
  }
  return "(accepted)";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_accounts)

BOOST_FIXTURE_TEST_CASE(an_added_account_has_its_role_and_only_an_argon2_hash_is_stored, Fixture) {
  const auto view = accounts.add("Ops@Example.org", "ops password 1", AdminRole::Viewer);
  BOOST_TEST(view.login == "ops@example.org");
  BOOST_TEST((view.role == AdminRole::Viewer));
  BOOST_TEST(view.enabled);
  BOOST_TEST((view.createdAt == clock.now()));
  BOOST_TEST(!view.lastLoginAt.has_value());
  BOOST_TEST(accountStore.find("ops@example.org")->passwordHash.rfind("$argon2id$", 0) == 0);
  BOOST_TEST(rowsWith("admin_accounts", "password_hash", "ops password") == 0);
  BOOST_TEST(passwordIs("ops@example.org", "ops password 1"));
}

BOOST_FIXTURE_TEST_CASE(a_login_need_not_be_an_address_and_is_stored_lower_case, Fixture) {
  BOOST_TEST(accounts.add("Night.Shift_2", "ops password 1", AdminRole::Viewer).login == "night.shift_2");
  BOOST_TEST(accounts.find("NIGHT.SHIFT_2").has_value());
}

BOOST_FIXTURE_TEST_CASE(an_invalid_login_is_refused_naming_the_login_field, Fixture) {
  BOOST_TEST(fieldOf([&] { accounts.add("night shift", "ops password 1", AdminRole::Viewer); }) == "login");
  BOOST_TEST(fieldOf([&] { accounts.add(std::string(65, 'a'), "ops password 1", AdminRole::Viewer); }) ==
             "login");
  BOOST_TEST(fieldOf([&] { accounts.add("", "ops password 1", AdminRole::Viewer); }) == "login");
  BOOST_TEST(accounts.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(passwords_follow_the_mail_users_policy, Fixture) {
  BOOST_TEST(fieldOf([&] { accounts.add("ops", "short", AdminRole::Viewer); }) == "password");
  BOOST_TEST(fieldOf([&] { accounts.setPassword("root", "short"); }) == "password");
  BOOST_TEST(passwordIs("root", kRootPassword));
}

BOOST_FIXTURE_TEST_CASE(a_role_is_admin_or_viewer_in_any_case, Fixture) {
  BOOST_TEST((AdminAccounts::requireRole("Viewer") == AdminRole::Viewer));
  BOOST_TEST((AdminAccounts::requireRole("ADMIN") == AdminRole::Admin));
  BOOST_TEST(fieldOf([] { AdminAccounts::requireRole("owner"); }) == "role");
  BOOST_TEST(adminRoleName(AdminRole::Viewer) == "viewer");
}

BOOST_FIXTURE_TEST_CASE(a_duplicate_login_already_exists, Fixture) {
  BOOST_CHECK_THROW(accounts.add("ROOT", "ops password 1", AdminRole::Viewer), postern::core::AlreadyExists);
}

BOOST_FIXTURE_TEST_CASE(the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted_and_is_told_why,
                        Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  using postern::core::Conflict;
  const std::string why = "the last enabled administrator with role admin";
  BOOST_TEST(messageOf<Conflict>([&] { accounts.setEnabled("root", false); }).find(why) != std::string::npos);
  BOOST_TEST(messageOf<Conflict>([&] { accounts.setRole("root", AdminRole::Viewer); }).find(why) !=
             std::string::npos);
  BOOST_TEST(messageOf<Conflict>([&] { accounts.remove("root"); }).find(why) != std::string::npos);
  accounts.setRole("ops", AdminRole::Admin);
  accounts.setEnabled("root", false);  // ops is an enabled admin now
  BOOST_TEST(!accounts.find("root")->enabled);
}

BOOST_FIXTURE_TEST_CASE(a_password_change_keeps_only_the_callers_own_session, Fixture) {
  const auto mine = sessions.create("root", "192.0.2.1");
  const auto other = sessions.create("root", "192.0.2.2");
  accounts.setPassword("root", "new root password", std::string_view(mine.token));
  BOOST_TEST(passwordIs("root", "new root password"));
  BOOST_TEST(sessions.validate(mine.token).has_value());
  BOOST_TEST(!sessions.validate(other.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(a_password_set_by_another_administrator_ends_every_session_of_the_account, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  const auto callers = sessions.create("root", "192.0.2.1");
  const auto ops = sessions.create("ops", "192.0.2.2");
  accounts.setPassword("ops", "ops password 2", std::string_view(callers.token));
  BOOST_TEST(!sessions.validate(ops.token).has_value());
  BOOST_TEST(sessions.validate(callers.token).has_value());  // the caller's session is another account's
}

BOOST_FIXTURE_TEST_CASE(a_password_set_from_the_command_line_ends_every_session, Fixture) {
  const auto session = sessions.create("root", "192.0.2.1");
  accounts.setPassword("root", "new root password");
  BOOST_TEST(!sessions.validate(session.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(disabling_or_deleting_an_account_ends_its_sessions, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  accounts.add("night", "ops password 1", AdminRole::Viewer);
  const auto ops = sessions.create("ops", "192.0.2.1");
  const auto night = sessions.create("night", "192.0.2.2");
  accounts.setEnabled("ops", false);
  accounts.remove("night");
  accounts.setEnabled("ops", true);
  BOOST_TEST(!sessions.validate(ops.token).has_value());
  BOOST_TEST(!sessions.validate(night.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(the_list_is_ordered_by_login_and_says_role_and_state, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  accounts.add("alice", "ops password 1", AdminRole::Admin);
  accounts.setEnabled("ops", false);
  const auto all = accounts.list();
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].login == "alice");
  BOOST_TEST(all[1].login == "ops");
  BOOST_TEST(!all[1].enabled);
  BOOST_TEST((all[1].role == AdminRole::Viewer));
  BOOST_TEST(all[2].login == "root");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_bootstrap)

struct NoAccount : AdminFixture {
  NoAccount() : AdminFixture(false) {}
};

BOOST_FIXTURE_TEST_CASE(bootstrap_creates_admin_with_role_admin_when_no_account_exists, NoAccount) {
  const auto created = accounts.bootstrapFromPassword("container secret 1");
  BOOST_REQUIRE(created.has_value());
  BOOST_TEST(created->login == "admin");
  BOOST_TEST((created->role == AdminRole::Admin));
  const auto record = accountStore.find("admin");
  BOOST_TEST((hasher.verify(record->passwordHash, "container secret 1") == PasswordHasher::Verdict::Match));
}

BOOST_FIXTURE_TEST_CASE(bootstrap_does_nothing_when_an_account_exists, NoAccount) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  BOOST_TEST(!accounts.bootstrapFromPassword("container secret 1").has_value());
  BOOST_TEST(!accounts.find("admin").has_value());
}

BOOST_FIXTURE_TEST_CASE(bootstrap_leaves_an_existing_admins_password_alone, NoAccount) {
  accounts.bootstrapFromPassword("container secret 1");
  const std::string hash = accountStore.find("admin")->passwordHash;
  BOOST_TEST(!accounts.bootstrapFromPassword("another secret 2").has_value());
  BOOST_TEST(accountStore.find("admin")->passwordHash == hash);
}

BOOST_FIXTURE_TEST_CASE(bootstrap_refuses_a_password_the_policy_refuses, NoAccount) {
  BOOST_CHECK_THROW(accounts.bootstrapFromPassword("short"), postern::core::InvalidValue);
  BOOST_CHECK_THROW(accounts.bootstrapFromPassword(""), postern::core::InvalidValue);
  BOOST_TEST(!accounts.anyExists());
}

BOOST_AUTO_TEST_SUITE_END()
