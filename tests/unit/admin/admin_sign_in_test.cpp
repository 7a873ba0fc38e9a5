#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "admin/admin_sign_in.h"
#include "auth/failure_throttle.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::auth::FailureThrottle;
using postern::auth::FailureThrottleOptions;
using postern::test::AdminFixture;
using postern::test::kRootPassword;
using Status = SignInResult::Status;
using namespace std::chrono_literals;

namespace {
struct RecordingEvents final : SignInEvents {
  std::vector<Status> seen;
  void signInEnded(Status status) override { seen.push_back(status); }
};

struct Fixture : AdminFixture {
  FailureThrottle perAddress{clock, FailureThrottleOptions{3, 600s, 1000}};
  FailureThrottle perLogin{clock, FailureThrottleOptions{5, 600s, 1000}};
  RecordingEvents events;
  AdminSignIn signIn{accountStore, hasher, perAddress, perLogin, &events};

  Status status(const std::string& login, const std::string& password, const std::string& address) {
    return signIn.signIn(login, password, address).status;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_sign_in)

BOOST_FIXTURE_TEST_CASE(the_right_password_signs_in_and_records_the_last_login, Fixture) {
  clock.advance(1h);
  const auto result = signIn.signIn("Root", kRootPassword, "192.0.2.1");
  BOOST_TEST((result.status == Status::Ok));
  BOOST_REQUIRE(result.account.has_value());
  BOOST_TEST(result.account->login == "root");
  BOOST_TEST((result.account->role == AdminRole::Admin));
  BOOST_TEST((result.account->lastLoginAt == clock.now()));
  BOOST_TEST((accounts.find("root")->lastLoginAt == clock.now()));
}

BOOST_FIXTURE_TEST_CASE(wrong_password_unknown_account_empty_password_and_disabled_account_get_one_answer,
                        Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Admin);
  accounts.add("night", "night password 1", AdminRole::Viewer);
  accounts.setEnabled("night", false);
  for (const auto& [login, password] : {std::pair<std::string, std::string>{"ops", "wrong password"},
                                        {"ghost", "ops password 1"},
                                        {"ops", ""},
                                        {"night", "night password 1"},
                                        {"not a login", "ops password 1"}}) {
    const auto result = signIn.signIn(login, password, "192.0.2." + std::to_string(login.size()));
    BOOST_TEST((result.status == Status::Refused), login);
    BOOST_TEST(!result.account.has_value());
  }
  BOOST_TEST(!accounts.find("night")->lastLoginAt.has_value());
}

BOOST_FIXTURE_TEST_CASE(an_address_with_too_many_failures_is_throttled_even_with_the_right_password,
                        Fixture) {
  for (int i = 0; i < 3; ++i) BOOST_TEST((status("root", "wrong password", "192.0.2.1") == Status::Refused));
  BOOST_TEST((status("root", kRootPassword, "192.0.2.1") == Status::Throttled));
  BOOST_TEST((status("root", kRootPassword, "192.0.2.2") == Status::Ok));  // another address
  clock.advance(601s);
  BOOST_TEST((status("root", kRootPassword, "192.0.2.1") == Status::Ok));  // the failures aged out
}

BOOST_FIXTURE_TEST_CASE(a_login_with_too_many_failures_is_throttled_from_every_address, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Viewer);
  for (int i = 0; i < 5; ++i)
    BOOST_TEST((status("ROOT", "wrong password", "198.51.100." + std::to_string(i)) == Status::Refused));
  BOOST_TEST((status("root", kRootPassword, "203.0.113.9") == Status::Throttled));
  BOOST_TEST((status("ops", "ops password 1", "203.0.113.9") == Status::Ok));  // another login
}

BOOST_FIXTURE_TEST_CASE(unknown_logins_are_throttled_like_real_ones, Fixture) {
  for (int i = 0; i < 5; ++i)
    BOOST_TEST((status("ghost", "some password", "198.51.100." + std::to_string(i)) == Status::Refused));
  BOOST_TEST((status("ghost", "some password", "203.0.113.9") == Status::Throttled));
}

BOOST_FIXTURE_TEST_CASE(successful_sign_ins_are_not_counted_as_failures, Fixture) {
  for (int i = 0; i < 10; ++i) BOOST_TEST((status("root", kRootPassword, "192.0.2.1") == Status::Ok));
  BOOST_TEST(perAddress.failures("192.0.2.1") == 0u);
  BOOST_TEST(perAddress.reservations("192.0.2.1") == 0u);
  BOOST_TEST(perLogin.reservations("root") == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_throttled_attempt_checks_no_password_and_counts_nothing_more, Fixture) {
  for (int i = 0; i < 3; ++i) status("root", "wrong password", "192.0.2.1");
  BOOST_TEST((status("root", "wrong password", "192.0.2.1") == Status::Throttled));
  BOOST_TEST(perLogin.failures("root") == 3u);  // the throttled attempt added no failure to the login
}

BOOST_FIXTURE_TEST_CASE(a_hash_with_weaker_parameters_is_upgraded_at_sign_in, Fixture) {
  postern::auth::PasswordHasher weaker{postern::auth::Argon2Params{1, 32, 1}};
  accountStore.setPasswordHash("root", weaker.hash(kRootPassword));
  BOOST_TEST(hasher.needsRehash(accountStore.find("root")->passwordHash));
  BOOST_TEST((status("root", kRootPassword, "192.0.2.1") == Status::Ok));
  BOOST_TEST(!hasher.needsRehash(accountStore.find("root")->passwordHash));
  BOOST_TEST((status("root", kRootPassword, "192.0.2.1") == Status::Ok));
}

BOOST_FIXTURE_TEST_CASE(every_answer_is_reported_for_the_metrics, Fixture) {
  status("root", "wrong password", "192.0.2.9");
  status("root", kRootPassword, "192.0.2.9");
  for (int i = 0; i < 3; ++i) status("root", "wrong password", "192.0.2.10");
  status("root", kRootPassword, "192.0.2.10");  // the address is throttled now
  const std::vector<Status> expected{Status::Refused, Status::Ok,      Status::Refused,
                                     Status::Refused, Status::Refused, Status::Throttled};
  BOOST_TEST((events.seen == expected));
}

BOOST_AUTO_TEST_SUITE_END()
