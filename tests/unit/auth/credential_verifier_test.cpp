#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

#include "auth/credential_verifier.h"
#include "unit/auth/auth_fixture.h"

using namespace postern::auth;
using postern::test::AuthFixture;
using Status = VerifyResult::Status;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(credential_verifier)

BOOST_FIXTURE_TEST_CASE(correct_password_is_ok_with_the_canonical_login, AuthFixture) {
  const auto result = verifier.verify("ALICE@Example.ORG", "correct horse");
  BOOST_TEST((result.status == Status::Ok));
  BOOST_TEST((result.reason == FailureReason::None));
  BOOST_TEST(result.login == "alice@example.org");
  BOOST_TEST(!result.cached);
}

BOOST_FIXTURE_TEST_CASE(unknown_user_and_wrong_password_look_the_same_except_for_the_log_reason,
                        AuthFixture) {
  const auto unknown = verifier.verify("mallory@example.org", "correct horse");
  const auto wrong = verifier.verify("alice@example.org", "wrong horse");
  BOOST_TEST((unknown.status == Status::Failed));
  BOOST_TEST((wrong.status == Status::Failed));
  BOOST_TEST(unknown.login == wrong.login);
  BOOST_TEST(unknown.login.empty());
  BOOST_TEST((unknown.reason == FailureReason::UnknownUser));
  BOOST_TEST((wrong.reason == FailureReason::WrongPassword));
  BOOST_TEST(describe(unknown.reason) == "unknown user");
}

BOOST_AUTO_TEST_CASE(unknown_user_costs_about_as_much_time_as_a_wrong_password) {
  // Dearer parameters than the other tests, so that Argon2 dominates the store lookup.
  postern::test::TempDir dir;
  postern::store::Database db(dir.file("p.db"));
  postern::store::MigrationRunner(db).run();
  postern::store::UserRepository users(db);
  const PasswordHasher hasher(Argon2Params{2, 4096, 1});
  CredentialCache cache;
  CredentialVerifier verifier(users, hasher, cache);
  users.createUser("alice@example.org", hasher.hash("correct horse"));

  auto median = [&](const char* login) {
    std::vector<double> ms;
    for (int i = 0; i < 7; ++i) {
      const auto start = std::chrono::steady_clock::now();
      (void)verifier.verify(login, "wrong horse");
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  };
  const double wrong = median("alice@example.org");
  const double unknown = median("mallory@example.org");
  BOOST_TEST_MESSAGE("median wrong password " << wrong << " ms, unknown user " << unknown << " ms");
  // Without the dummy hash an unknown user answers in microseconds, a hundred times faster.
  BOOST_TEST(unknown > wrong * 0.3);
  BOOST_TEST(unknown < wrong * 3.0);
}

BOOST_FIXTURE_TEST_CASE(empty_password_fails, AuthFixture) {
  const auto result = verifier.verify("alice@example.org", "");
  BOOST_TEST((result.status == Status::Failed));
  BOOST_TEST((result.reason == FailureReason::EmptyPassword));
}

BOOST_FIXTURE_TEST_CASE(disabled_user_fails_even_with_the_right_password, AuthFixture) {
  users.setEnabled("alice@example.org", false);
  const auto result = verifier.verify("alice@example.org", "correct horse");
  BOOST_TEST((result.status == Status::Failed));
  BOOST_TEST((result.reason == FailureReason::DisabledUser));
}

BOOST_FIXTURE_TEST_CASE(disabling_a_user_takes_effect_despite_a_cached_success, AuthFixture) {
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Ok));
  users.setEnabled("alice@example.org", false);
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Failed));
}

BOOST_FIXTURE_TEST_CASE(second_success_is_answered_from_the_cache_until_it_expires, AuthFixture) {
  BOOST_TEST(!verifier.verify("alice@example.org", "correct horse").cached);
  BOOST_TEST(verifier.verify("alice@example.org", "correct horse").cached);
  clock.advance(301s);
  const auto later = verifier.verify("alice@example.org", "correct horse");
  BOOST_TEST((later.status == Status::Ok));
  BOOST_TEST(!later.cached);
}

BOOST_FIXTURE_TEST_CASE(password_change_invalidates_a_cached_success, AuthFixture) {
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Ok));
  users.setPasswordHash("alice@example.org", hasher.hash("battery staple"));
  BOOST_TEST((verifier.verify("alice@example.org", "correct horse").status == Status::Failed));
  BOOST_TEST((verifier.verify("alice@example.org", "battery staple").status == Status::Ok));
}

BOOST_FIXTURE_TEST_CASE(unusable_stored_hash_fails, AuthFixture) {
  users.setPasswordHash("alice@example.org", "{PLAIN}correct horse");
  const auto result = verifier.verify("alice@example.org", "correct horse");
  BOOST_TEST((result.status == Status::Failed));
  BOOST_TEST((result.reason == FailureReason::UnusableHash));
}

BOOST_FIXTURE_TEST_CASE(store_failure_is_temporary, AuthFixture) {
  breakStore();
  const auto result = verifier.verify("alice@example.org", "correct horse");
  BOOST_TEST((result.status == Status::Temporary));
  BOOST_TEST((result.reason == FailureReason::StoreUnavailable));
}

BOOST_FIXTURE_TEST_CASE(weaker_stored_hash_is_replaced_after_a_successful_login, AuthFixture) {
  const PasswordHasher stronger(Argon2Params{1, 128, 1});
  CredentialVerifier upgrading(users, stronger, cache);
  BOOST_TEST((upgrading.verify("alice@example.org", "correct horse").status == Status::Ok));
  const auto stored = users.findByLogin("alice@example.org")->passwordHash;
  BOOST_TEST(stored.find("m=128,t=1,p=1") != std::string::npos);
  BOOST_TEST(!stronger.needsRehash(stored));
  BOOST_TEST((stronger.verify(stored, "correct horse") == PasswordHasher::Verdict::Match));
}

BOOST_AUTO_TEST_SUITE_END()
