#include <boost/test/unit_test.hpp>

#include <string>

#include "admin/admin_sessions.h"
#include "admin/secret_token.h"
#include "core/error.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::test::AdminFixture;
using namespace std::chrono_literals;

namespace {
struct Fixture : AdminFixture {
  bool isBase64Url(const std::string& text) {
    return text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           std::string::npos;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_sessions)

BOOST_FIXTURE_TEST_CASE(a_session_token_is_32_random_bytes_in_base64url_and_only_its_hash_is_stored,
                        Fixture) {
  const auto a = sessions.create("root", "192.0.2.1");
  const auto b = sessions.create("root", "192.0.2.1");
  BOOST_TEST(a.token.size() == 43u);  // 32 bytes, no padding
  BOOST_TEST(isBase64Url(a.token));
  BOOST_TEST(a.token != b.token);
  BOOST_TEST(rowsWith("admin_sessions", "token_hash", a.token) == 0);
  BOOST_TEST(rowsWith("admin_sessions", "token_hash", secretTokenHash(a.token)) == 1);
}

BOOST_FIXTURE_TEST_CASE(a_valid_session_says_who_with_which_role_since_when, Fixture) {
  const auto created = sessions.create("ROOT", "192.0.2.1");
  BOOST_TEST(created.view.login == "root");
  clock.advance(10s);
  const auto view = sessions.validate(created.token);
  BOOST_REQUIRE(view.has_value());
  BOOST_TEST(view->login == "root");
  BOOST_TEST((view->role == AdminRole::Admin));
  BOOST_TEST((view->createdAt == clock.now() - 10s));
  BOOST_TEST(view->clientAddress == "192.0.2.1");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_or_empty_token_is_no_session, Fixture) {
  sessions.create("root", "192.0.2.1");
  BOOST_TEST(!sessions.validate("").has_value());
  BOOST_TEST(!sessions.validate(newSecretToken()).has_value());
}

BOOST_FIXTURE_TEST_CASE(a_session_idle_longer_than_the_idle_timeout_ends_and_its_row_goes, Fixture) {
  const auto created = sessions.create("root", "192.0.2.1");
  clock.advance(30min);
  BOOST_TEST(sessions.validate(created.token).has_value());  // exactly the timeout: still valid
  clock.advance(30min + 1s);
  BOOST_TEST(!sessions.validate(created.token).has_value());
  BOOST_TEST(sessionStore.count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(activity_keeps_a_session_alive_until_its_absolute_lifetime, Fixture) {
  const auto created = sessions.create("root", "192.0.2.1");
  for (int i = 0; i < 12 * 3; ++i) {  // a request every 20 minutes for 12 hours
    clock.advance(20min);
    BOOST_TEST_REQUIRE(sessions.validate(created.token).has_value());
  }
  clock.advance(1s);
  BOOST_TEST(!sessions.validate(created.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(last_seen_is_written_at_most_once_a_minute, Fixture) {
  const auto created = sessions.create("root", "192.0.2.1");
  const auto start = clock.now();
  clock.advance(59s);
  BOOST_TEST((sessions.validate(created.token)->lastSeen == start));
  BOOST_TEST((sessionStore.find(secretTokenHash(created.token))->lastSeen == start));
  clock.advance(1s);
  BOOST_TEST((sessions.validate(created.token)->lastSeen == clock.now()));
  BOOST_TEST((sessionStore.find(secretTokenHash(created.token))->lastSeen == clock.now()));
}

BOOST_FIXTURE_TEST_CASE(timeouts_come_from_the_options, Fixture) {
  AdminSessions shortLived(sessionStore, clock, AdminSessionOptions{5min, 1h, 60s});
  const auto created = shortLived.create("root", "192.0.2.1");
  clock.advance(5min + 1s);
  BOOST_TEST(!shortLived.validate(created.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(a_session_sees_the_role_the_account_has_now, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Admin);
  const auto created = sessions.create("ops", "192.0.2.1");
  accounts.setRole("ops", AdminRole::Viewer);
  BOOST_TEST((sessions.validate(created.token)->role == AdminRole::Viewer));
}

BOOST_FIXTURE_TEST_CASE(a_session_ends_when_its_account_is_disabled_or_deleted, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  accounts.add("night", "ops password 1", AdminRole::Viewer);
  const auto ops = sessions.create("ops", "192.0.2.1");
  const auto night = sessions.create("night", "192.0.2.1");
  accounts.setEnabled("ops", false);
  accounts.remove("night");
  BOOST_TEST(!sessions.validate(ops.token).has_value());
  BOOST_TEST(!sessions.validate(night.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(no_session_is_created_for_an_unknown_or_disabled_account, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  accounts.setEnabled("ops", false);
  BOOST_CHECK_THROW(sessions.create("ops", "192.0.2.1"), postern::core::NotFound);
  BOOST_CHECK_THROW(sessions.create("ghost", "192.0.2.1"), postern::core::NotFound);
}

BOOST_FIXTURE_TEST_CASE(signing_out_ends_the_session_and_twice_is_no_error, Fixture) {
  const auto created = sessions.create("root", "192.0.2.1");
  sessions.end(created.token);
  BOOST_TEST(!sessions.validate(created.token).has_value());
  sessions.end(created.token);
}

BOOST_FIXTURE_TEST_CASE(ending_all_of_an_account_can_spare_one_session, Fixture) {
  const auto mine = sessions.create("root", "192.0.2.1");
  const auto other = sessions.create("root", "192.0.2.2");
  BOOST_TEST(sessions.endAllOf("root", std::string_view(mine.token)) == 1u);
  BOOST_TEST(sessions.validate(mine.token).has_value());
  BOOST_TEST(!sessions.validate(other.token).has_value());
  BOOST_TEST(sessions.endAllOf("root") == 1u);
  BOOST_TEST(!sessions.validate(mine.token).has_value());
}

BOOST_FIXTURE_TEST_CASE(creating_a_session_removes_the_expired_ones, Fixture) {
  sessions.create("root", "192.0.2.1");
  clock.advance(31min);
  sessions.create("root", "192.0.2.2");
  BOOST_TEST(sessionStore.count() == 1u);
}

BOOST_AUTO_TEST_CASE(the_csrf_token_is_the_base64url_hmac_sha256_of_csrf_keyed_by_the_session_token) {
  // Computed independently: Python's hmac.new(token, b"csrf", sha256), urlsafe_b64encode without "=".
  BOOST_TEST(AdminSessions::csrfTokenFor("session-token-for-the-test") ==
             "TabTQfs-5XYHCbp7afhMbYMW4g7D6O7-czc4ksCjyd4");
}

BOOST_FIXTURE_TEST_CASE(a_session_gets_the_csrf_token_derived_from_its_token, Fixture) {
  const auto created = sessions.create("root", "192.0.2.1");
  BOOST_TEST(created.csrfToken == AdminSessions::csrfTokenFor(created.token));
  BOOST_TEST(rowsWith("admin_sessions", "token_hash", created.csrfToken) == 0);
}

BOOST_AUTO_TEST_CASE(only_the_sessions_own_csrf_token_matches) {
  const std::string token = newSecretToken();
  const std::string other = newSecretToken();
  const std::string csrf = AdminSessions::csrfTokenFor(token);
  BOOST_TEST(AdminSessions::csrfMatches(token, csrf));
  BOOST_TEST(!AdminSessions::csrfMatches(other, csrf));
  BOOST_TEST(!AdminSessions::csrfMatches(token, csrf.substr(0, 42)));
  BOOST_TEST(!AdminSessions::csrfMatches(token, csrf.substr(0, 42) + (csrf.back() == 'A' ? "B" : "A")));
  BOOST_TEST(!AdminSessions::csrfMatches(token, ""));
  BOOST_TEST(!AdminSessions::csrfMatches("", AdminSessions::csrfTokenFor("")));
}

BOOST_AUTO_TEST_CASE(a_token_hash_is_the_hex_sha256_of_the_token) {
  BOOST_TEST(secretTokenHash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_SUITE_END()
