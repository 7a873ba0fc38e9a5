#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/admin_account_repository.h"
#include "store/admin_totp_repository.h"
#include "support/migrated_database.h"

using namespace postern::store;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  AdminAccountRepository accounts{db, clock};
  AdminTotpRepository totp{db, clock};

  Fixture() {
    accounts.create("root", "h", AdminRole::Admin);
    accounts.create("ops", "h", AdminRole::Admin);
  }

  void enrolled(const std::string& login, std::int64_t step = 100) {
    totp.startEnrollment(login, "sealed-" + login);
    BOOST_REQUIRE(totp.confirm(login, step, {"hash-1", "hash-2"}));
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_totp_repository)

BOOST_FIXTURE_TEST_CASE(an_enrollment_is_pending_until_confirmed_and_can_be_restarted_until_then, Fixture) {
  totp.startEnrollment("root", "first");
  totp.startEnrollment("ROOT", "second");
  const auto pending = totp.find("root");
  BOOST_REQUIRE(pending.has_value());
  BOOST_TEST(pending->sealedSecret == "second");
  BOOST_TEST(!pending->confirmed);
  BOOST_TEST(!pending->lastStep.has_value());
  BOOST_TEST(!totp.enrolled("root"));
  BOOST_TEST(totp.confirm("root", 7, {"a", "b", "c"}));
  BOOST_TEST(!totp.confirm("root", 8, {"d"}));  // confirmed already
  const auto now = totp.find("root");
  BOOST_TEST(now->confirmed);
  BOOST_TEST(now->lastStep.value_or(-1) == 7);
  BOOST_TEST(now->recoveryCodesLeft == 3);
  BOOST_TEST(totp.enrolled("root"));
  BOOST_TEST((totp.enrolledLogins() == std::set<std::string>{"root"}));
  BOOST_CHECK_THROW(totp.startEnrollment("root", "third"), postern::core::Conflict);
  BOOST_CHECK_THROW(totp.startEnrollment("ghost", "x"), postern::core::NotFound);
}

BOOST_FIXTURE_TEST_CASE(a_step_is_accepted_only_when_later_than_the_last, Fixture) {
  enrolled("root", 100);
  BOOST_TEST(!totp.acceptStep("root", 99));
  BOOST_TEST(!totp.acceptStep("root", 100));
  BOOST_TEST(totp.acceptStep("root", 101));
  BOOST_TEST(!totp.acceptStep("root", 101));
  BOOST_TEST(!totp.acceptStep("ops", 500));  // no second factor
}

BOOST_FIXTURE_TEST_CASE(of_many_threads_presenting_one_step_exactly_one_wins, Fixture) {
  enrolled("root", 100);
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (totp.acceptStep("root", 101)) ++wins;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(wins.load() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_recovery_code_is_used_once_and_only_by_its_account, Fixture) {
  enrolled("root");
  enrolled("ops");
  BOOST_TEST(totp.useRecoveryCode("root", "hash-1"));
  BOOST_TEST(!totp.useRecoveryCode("root", "hash-1"));
  BOOST_TEST(totp.useRecoveryCode("ops", "hash-1"));  // ops' own code with the same hash
  BOOST_TEST(!totp.useRecoveryCode("root", "hash-9"));
  BOOST_TEST(totp.find("root")->recoveryCodesLeft == 1);
}

BOOST_FIXTURE_TEST_CASE(removing_takes_the_recovery_codes_and_a_new_confirmation_replaces_them, Fixture) {
  enrolled("root");
  BOOST_TEST(totp.remove("root"));
  BOOST_TEST(!totp.remove("root"));
  BOOST_TEST(!totp.find("root").has_value());
  BOOST_TEST(!totp.useRecoveryCode("root", "hash-1"));
  totp.startEnrollment("root", "again");
  BOOST_TEST(totp.confirm("root", 5, {"hash-3"}));
  BOOST_TEST(!totp.useRecoveryCode("root", "hash-1"));
  BOOST_TEST(totp.useRecoveryCode("root", "hash-3"));
}

BOOST_AUTO_TEST_SUITE_END()
