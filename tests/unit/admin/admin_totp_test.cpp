// admin::AdminTotp and the second step of admin::AdminSignIn over a real SQLite store, a vault with a fixed
// master key and a fake clock: the codes are computed here from the secret the enrollment shows.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "admin/admin_pending_sign_ins.h"
#include "admin/admin_sign_in.h"
#include "admin/admin_totp.h"
#include "auth/failure_throttle.h"
#include "auth/totp.h"
#include "core/text.h"
#include "store/admin_totp_repository.h"
#include "store/unix_time.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::auth::FailureThrottle;
using postern::auth::FailureThrottleOptions;
using postern::test::AdminFixture;
using postern::test::kRootPassword;
using Status = SignInResult::Status;
using Verdict = AdminTotp::Verdict;
using namespace std::chrono_literals;

namespace {

postern::vault::KeyVault vaultWith(char fill) {
  return postern::vault::KeyVault(
      postern::vault::MasterKey::fromBase64(postern::core::base64Encode(std::string(32, fill))));
}

struct Fixture : AdminFixture {
  postern::store::AdminTotpRepository totpStore{db, clock};
  char masterKeyFill = 'a';
  AdminTotp totp{totpStore, accountStore,      hasher, [this] { return vaultWith(masterKeyFill); },
                 clock,     "mail.example.org"};
  FailureThrottle perAddress{clock, FailureThrottleOptions{3, 600s, 1000}};
  FailureThrottle perLogin{clock, FailureThrottleOptions{5, 600s, 1000}};
  PendingSignIns pending{clock, 300s};
  AdminSignIn signIn{accountStore, hasher, perAddress, perLogin, nullptr, &totp, &pending};
  std::string secret;  // raw bytes, as the app holds them

  Fixture() { clock.advance(std::chrono::seconds(1'700'000'000) - clock.now().time_since_epoch()); }

  std::string code(std::chrono::seconds offset = 0s) const {
    return postern::auth::totpAt(secret, postern::store::toUnix(clock.now() + offset));
  }

  std::vector<std::string> enroll(const std::string& login = "root") {
    const TotpEnrollment enrollment = totp.startEnrollment(login);
    secret = *postern::auth::base32Decode(enrollment.secret);
    return totp.confirmEnrollment(login, code());
  }

  // The step after the one enrollment spent, so a fresh code exists.
  void nextStep() { clock.advance(30s); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(admin_totp)

BOOST_FIXTURE_TEST_CASE(enrollment_shows_the_secret_as_base32_and_an_otpauth_uri_for_login_at_host, Fixture) {
  const TotpEnrollment enrollment = totp.startEnrollment("root");
  BOOST_TEST(enrollment.secret.size() == 32u);  // 160 bits
  BOOST_TEST(enrollment.uri.find("otpauth://totp/Postern:root@mail.example.org?secret=" + enrollment.secret +
                                 "&issuer=Postern") == 0u);
  BOOST_TEST(totp.label("ops@example.org") == "ops@example.org");  // an address already
}

BOOST_FIXTURE_TEST_CASE(the_secret_is_stored_sealed_and_does_not_open_for_another_account_or_master_key,
                        Fixture) {
  const TotpEnrollment enrollment = totp.startEnrollment("root");
  BOOST_TEST(rowsWith("admin_totp", "sealed_secret", enrollment.secret) == 0);
  const auto raw = *postern::auth::base32Decode(enrollment.secret);
  const auto record = totpStore.find("root");
  BOOST_REQUIRE(record.has_value());
  BOOST_TEST(record->sealedSecret.find(raw) == std::string::npos);
  BOOST_TEST(vaultWith('a').open(record->sealedSecret, totpBinding("root")) == raw);
  BOOST_CHECK_THROW(vaultWith('a').open(record->sealedSecret, totpBinding("ops")),
                    postern::vault::VaultError);
  BOOST_CHECK_THROW(vaultWith('b').open(record->sealedSecret, totpBinding("root")),
                    postern::vault::VaultError);
}

BOOST_FIXTURE_TEST_CASE(an_unconfirmed_enrollment_changes_nothing_for_signing_in, Fixture) {
  totp.startEnrollment("root");
  BOOST_TEST(!totp.enrolled("root"));
  BOOST_TEST(totp.status("root").pending);
  BOOST_TEST((signIn.signIn("root", kRootPassword, "192.0.2.1").status == Status::Ok));
}

BOOST_FIXTURE_TEST_CASE(confirmation_needs_a_current_code_and_returns_ten_distinct_recovery_codes, Fixture) {
  const TotpEnrollment enrollment = totp.startEnrollment("root");
  secret = *postern::auth::base32Decode(enrollment.secret);
  BOOST_CHECK_THROW(totp.confirmEnrollment("root", code(-90s)), postern::core::InvalidValue);
  BOOST_CHECK_THROW(totp.confirmEnrollment("root", "abcdef"), postern::core::InvalidValue);
  const auto codes = totp.confirmEnrollment("root", code());
  BOOST_TEST(codes.size() == 10u);
  BOOST_TEST(std::set<std::string>(codes.begin(), codes.end()).size() == 10u);
  for (const auto& c : codes) {
    BOOST_TEST(c.size() == 19u);                                                     // XXXX-XXXX-XXXX-XXXX
    BOOST_TEST(rowsWith("admin_recovery_codes", "code_hash", c.substr(0, 4)) == 0);  // only hashes kept
  }
  BOOST_TEST(totp.enrolled("root"));
  BOOST_TEST(totp.status("root").recoveryCodesLeft == 10);
  BOOST_CHECK_THROW(totp.startEnrollment("root"), postern::core::Conflict);  // turn it off first
}

BOOST_FIXTURE_TEST_CASE(a_code_signs_in_once_and_its_replay_within_the_window_fails, Fixture) {
  enroll();
  nextStep();
  const std::string now = code();
  BOOST_TEST((totp.verify("root", now) == Verdict::Code));
  BOOST_TEST((totp.verify("root", now) == Verdict::Wrong));
  clock.advance(20s);  // still inside the ±1 step window of that code
  BOOST_TEST((totp.verify("root", now) == Verdict::Wrong));
  BOOST_TEST((totp.verify("root", code(-30s)) == Verdict::Wrong));  // an older step after a newer one
}

BOOST_FIXTURE_TEST_CASE(the_code_used_to_confirm_cannot_sign_in, Fixture) {
  const TotpEnrollment enrollment = totp.startEnrollment("root");
  secret = *postern::auth::base32Decode(enrollment.secret);
  const std::string first = code();
  totp.confirmEnrollment("root", first);
  BOOST_TEST((totp.verify("root", first) == Verdict::Wrong));
}

BOOST_FIXTURE_TEST_CASE(codes_one_step_early_or_late_are_accepted_two_steps_are_not, Fixture) {
  enroll();
  clock.advance(10min);
  BOOST_TEST((totp.verify("root", code(-60s)) == Verdict::Wrong));
  BOOST_TEST((totp.verify("root", code(-30s)) == Verdict::Code));
  BOOST_TEST((totp.verify("root", code(30s)) == Verdict::Code));
  BOOST_TEST((totp.verify("root", code(90s)) == Verdict::Wrong));
}

BOOST_FIXTURE_TEST_CASE(each_recovery_code_works_once_in_any_case_and_grouping, Fixture) {
  const auto codes = enroll();
  BOOST_TEST((totp.verify("root", codes[0]) == Verdict::RecoveryCode));
  BOOST_TEST((totp.verify("root", codes[0]) == Verdict::Wrong));
  std::string loose = postern::core::toLowerAscii(codes[1]);
  loose.erase(std::remove(loose.begin(), loose.end(), '-'), loose.end());
  BOOST_TEST((totp.verify("root", loose) == Verdict::RecoveryCode));
  BOOST_TEST(totp.status("root").recoveryCodesLeft == 8);
  BOOST_TEST((totp.verify("root", "AAAA-AAAA-AAAA-AAAA") == Verdict::Wrong));
}

BOOST_FIXTURE_TEST_CASE(one_accounts_codes_do_not_open_another, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Admin);
  const auto rootCodes = enroll("root");
  const std::string rootSecret = secret;
  enroll("ops");
  nextStep();
  secret = rootSecret;
  BOOST_TEST((totp.verify("ops", code()) == Verdict::Wrong));
  BOOST_TEST((totp.verify("ops", rootCodes[0]) == Verdict::Wrong));
}

BOOST_FIXTURE_TEST_CASE(disabling_needs_a_current_code_or_the_password, Fixture) {
  enroll();
  nextStep();
  BOOST_CHECK_THROW(totp.disable("root", std::string("000000"), std::nullopt), postern::core::InvalidValue);
  BOOST_CHECK_THROW(totp.disable("root", std::nullopt, std::string("wrong password")),
                    postern::core::InvalidValue);
  BOOST_CHECK_THROW(totp.disable("root", std::nullopt, std::nullopt), postern::core::InvalidValue);
  BOOST_TEST(totp.enrolled("root"));
  totp.disable("root", std::nullopt, std::string(kRootPassword));
  BOOST_TEST(!totp.enrolled("root"));
  BOOST_CHECK_THROW(totp.disable("root", std::nullopt, std::string(kRootPassword)), postern::core::Conflict);
  enroll();
  nextStep();
  totp.disable("root", code(), std::nullopt);
  BOOST_TEST(!totp.enrolled("root"));
  BOOST_TEST(rowsWith("admin_recovery_codes", "code_hash", "") == 0);  // the codes went with it
}

BOOST_FIXTURE_TEST_CASE(reset_removes_the_factor_without_proof, Fixture) {
  enroll();
  BOOST_TEST(totp.reset("root"));
  BOOST_TEST(!totp.reset("root"));
  BOOST_TEST(!totp.enrolled("root"));
  BOOST_CHECK_THROW(totp.reset("ghost"), postern::core::NotFound);
}

BOOST_FIXTURE_TEST_CASE(a_deleted_account_takes_its_second_factor_with_it, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Admin);
  enroll("ops");
  accounts.remove("ops");
  BOOST_TEST(rowsWith("admin_totp", "sealed_secret", "") == 0);
  BOOST_TEST(rowsWith("admin_recovery_codes", "code_hash", "") == 0);
}

BOOST_FIXTURE_TEST_CASE(with_a_second_factor_the_password_alone_gives_no_account_only_a_pending_token,
                        Fixture) {
  enroll();
  nextStep();
  const auto first = signIn.signIn("root", kRootPassword, "192.0.2.1");
  BOOST_TEST((first.status == Status::SecondFactor));
  BOOST_TEST(!first.account.has_value());
  BOOST_TEST(first.pendingToken.size() == 43u);
  BOOST_TEST(!accounts.find("root")->lastLoginAt.has_value());
  const auto second = signIn.completeSecondFactor(first.pendingToken, code(), "192.0.2.1");
  BOOST_TEST((second.status == Status::Ok));
  BOOST_REQUIRE(second.account.has_value());
  BOOST_TEST(second.account->login == "root");
  BOOST_TEST(!second.recoveryCodeUsed);
  // The token was single-use.
  nextStep();
  BOOST_TEST(
      (signIn.completeSecondFactor(first.pendingToken, code(), "192.0.2.1").status == Status::Refused));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_code_spends_the_token_and_counts_as_a_failed_sign_in, Fixture) {
  enroll();
  nextStep();
  const auto first = signIn.signIn("root", kRootPassword, "192.0.2.1");
  const auto wrong = signIn.completeSecondFactor(first.pendingToken, "000000", "192.0.2.1");
  BOOST_TEST((wrong.status == Status::Refused));
  BOOST_TEST(wrong.login == "root");
  BOOST_TEST(perAddress.failures("192.0.2.1") == 1u);
  BOOST_TEST(perLogin.failures("root") == 1u);
  BOOST_TEST(
      (signIn.completeSecondFactor(first.pendingToken, code(), "192.0.2.1").status == Status::Refused));
}

BOOST_FIXTURE_TEST_CASE(wrong_codes_lead_to_throttling_like_wrong_passwords, Fixture) {
  enroll();
  nextStep();
  for (int i = 0; i < 3; ++i) {
    const auto first = signIn.signIn("root", kRootPassword, "192.0.2.1");
    BOOST_REQUIRE((first.status == Status::SecondFactor));
    BOOST_TEST(
        (signIn.completeSecondFactor(first.pendingToken, "000000", "192.0.2.1").status == Status::Refused));
  }
  BOOST_TEST((signIn.signIn("root", kRootPassword, "192.0.2.1").status == Status::Throttled));
}

BOOST_FIXTURE_TEST_CASE(an_expired_or_unknown_pending_token_is_refused, Fixture) {
  enroll();
  nextStep();
  const auto first = signIn.signIn("root", kRootPassword, "192.0.2.1");
  clock.advance(301s);
  BOOST_TEST(
      (signIn.completeSecondFactor(first.pendingToken, code(), "192.0.2.1").status == Status::Refused));
  BOOST_TEST((signIn.completeSecondFactor("made-up", code(), "192.0.2.1").status == Status::Refused));
  BOOST_TEST((signIn.completeSecondFactor("", code(), "192.0.2.1").status == Status::Refused));
}

BOOST_FIXTURE_TEST_CASE(a_recovery_code_completes_a_sign_in_and_says_so, Fixture) {
  const auto codes = enroll();
  const auto first = signIn.signIn("root", kRootPassword, "192.0.2.1");
  const auto second = signIn.completeSecondFactor(first.pendingToken, codes[3], "192.0.2.1");
  BOOST_TEST((second.status == Status::Ok));
  BOOST_TEST(second.recoveryCodeUsed);
}

BOOST_FIXTURE_TEST_CASE(an_account_disabled_between_the_steps_is_refused, Fixture) {
  accounts.add("ops", "ops password 1", AdminRole::Admin);
  enroll("ops");
  nextStep();
  const auto first = signIn.signIn("ops", "ops password 1", "192.0.2.1");
  accounts.setEnabled("ops", false);
  BOOST_TEST(
      (signIn.completeSecondFactor(first.pendingToken, code(), "192.0.2.1").status == Status::Refused));
}

BOOST_AUTO_TEST_SUITE_END()
