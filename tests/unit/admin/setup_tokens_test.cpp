#include <boost/test/unit_test.hpp>

#include <string>

#include "admin/secret_token.h"
#include "admin/setup_tokens.h"
#include "core/error.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::core::InvalidValue;
using postern::core::NotFound;
using postern::test::AdminFixture;
using namespace std::chrono_literals;

namespace {
struct Fixture : AdminFixture {
  Fixture() : AdminFixture(false) {}
  SetupTokens tokens{accountStore, hasher, clock};

  // The message of the refusal, or "(created)".
  std::string redeemed(const std::string& token, const std::string& login = "first") {
    try {
      tokens.redeem(token, login, "first password 1");
    } catch (const NotFound& e) {
      return e.what();
    }
    return "(created)";
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(setup_tokens)

BOOST_FIXTURE_TEST_CASE(a_setup_token_is_32_random_bytes_in_base64url_and_only_its_hash_is_stored, Fixture) {
  const std::string token = tokens.issue();
  BOOST_TEST(token.size() == 43u);
  BOOST_TEST(rowsWith("admin_setup_tokens", "token_hash", token) == 0);
  BOOST_TEST(rowsWith("admin_setup_tokens", "token_hash", secretTokenHash(token)) == 1);
}

BOOST_FIXTURE_TEST_CASE(redeeming_creates_the_first_administrator_with_role_admin, Fixture) {
  const std::string token = tokens.issue();
  const auto view = tokens.redeem(token, "First@Example.org", "first password 1");
  BOOST_TEST(view.login == "first@example.org");
  BOOST_TEST((view.role == AdminRole::Admin));
  BOOST_TEST(view.enabled);
  BOOST_TEST(accounts.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_works_once, Fixture) {
  const std::string token = tokens.issue();
  BOOST_TEST(redeemed(token) == "(created)");
  BOOST_TEST(redeemed(token, "second") == SetupTokens::kRefused);
  BOOST_TEST(!accounts.find("second").has_value());
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_expires_after_an_hour, Fixture) {
  const std::string token = tokens.issue();
  clock.advance(1h);
  BOOST_TEST(redeemed(token) == SetupTokens::kRefused);
  BOOST_TEST(!accounts.anyExists());
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_works_until_its_hour_is_over, Fixture) {
  const std::string token = tokens.issue();
  clock.advance(1h - 1s);
  BOOST_TEST(redeemed(token) == "(created)");
}

BOOST_FIXTURE_TEST_CASE(issuing_a_new_token_replaces_the_old_one, Fixture) {
  const std::string old = tokens.issue();
  const std::string fresh = tokens.issue();
  BOOST_TEST(redeemed(old) == SetupTokens::kRefused);
  BOOST_TEST(redeemed(fresh) == "(created)");
}

BOOST_FIXTURE_TEST_CASE(a_setup_token_creates_nothing_once_an_account_exists_and_says_no_more_than_a_bad_one,
                        Fixture) {
  const std::string token = tokens.issue();
  accounts.add("ops", "ops password 1", AdminRole::Admin);  // from the command line, meanwhile
  BOOST_TEST(redeemed(token) == SetupTokens::kRefused);
  BOOST_TEST(redeemed(newSecretToken()) == SetupTokens::kRefused);
  BOOST_TEST(redeemed("") == SetupTokens::kRefused);
  BOOST_TEST(!accounts.find("first").has_value());
}

BOOST_FIXTURE_TEST_CASE(no_setup_token_is_issued_once_an_account_exists, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  BOOST_CHECK_THROW(tokens.issue(), postern::core::Conflict);
}

BOOST_FIXTURE_TEST_CASE(a_bad_login_or_password_is_reported_and_leaves_the_token_usable, Fixture) {
  const std::string token = tokens.issue();
  BOOST_CHECK_THROW(tokens.redeem(token, "first", "short"), InvalidValue);
  BOOST_CHECK_THROW(tokens.redeem(token, "first login", "first password 1"), InvalidValue);
  BOOST_TEST(redeemed(token) == "(created)");
}

BOOST_FIXTURE_TEST_CASE(the_validity_comes_from_the_options, Fixture) {
  SetupTokens brief(accountStore, hasher, clock, SetupTokenOptions{10min});
  const std::string token = brief.issue();
  clock.advance(10min);
  BOOST_CHECK_THROW(brief.redeem(token, "first", "first password 1"), NotFound);
}

BOOST_AUTO_TEST_SUITE_END()
