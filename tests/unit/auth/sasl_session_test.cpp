#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth/sasl_library.h"
#include "auth/sasl_session.h"
#include "core/error.h"
#include "unit/auth/auth_fixture.h"

using namespace postern::auth;
using postern::test::AuthFixture;
using Status = SaslOutcome::Status;

namespace {
// Cyrus is initialised once per process; the library lives until exit, recording what it logs.
struct LogCapture {
  std::mutex mutex;
  std::vector<std::string> lines;
};

LogCapture& logCapture() {
  static LogCapture capture;
  return capture;
}

SaslLibrary& library() {
  static SaslLibrary instance([](SaslLibrary::LogLevel, std::string_view message) {
    std::lock_guard lock(logCapture().mutex);
    logCapture().lines.emplace_back(message);
  });
  return instance;
}

std::string plain(const std::string& authzid, const std::string& login, const std::string& password) {
  return authzid + std::string(1, '\0') + login + std::string(1, '\0') + password;
}

struct Fixture : AuthFixture {
  SaslSession session{library(), verifier, "mail.example.org"};
  Fixture() { session.setExternalSsf(256); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(sasl_session)

BOOST_AUTO_TEST_CASE(library_offers_plain_and_login) {
  const auto& mechanisms = library().mechanisms();
  BOOST_TEST((std::find(mechanisms.begin(), mechanisms.end(), "PLAIN") != mechanisms.end()));
  BOOST_TEST((std::find(mechanisms.begin(), mechanisms.end(), "LOGIN") != mechanisms.end()));
  BOOST_TEST(mechanisms.size() == 2u);  // mech_list keeps CRAM-MD5, DIGEST-MD5, SCRAM ... out
}

BOOST_AUTO_TEST_CASE(second_library_in_one_process_is_refused) {
  library();
  BOOST_CHECK_THROW(SaslLibrary(), postern::core::Error);
}

BOOST_FIXTURE_TEST_CASE(mechanisms_are_hidden_until_tls_is_up, AuthFixture) {
  SaslSession plaintext(library(), verifier, "mail.example.org");
  BOOST_TEST(plaintext.mechanisms().empty());
  const auto outcome = plaintext.start("PLAIN", plain("", "alice@example.org", "correct horse"));
  BOOST_TEST((outcome.status == Status::NoMechanism));
  plaintext.setExternalSsf(256);
  BOOST_TEST(plaintext.mechanisms() == (std::vector<std::string>{"PLAIN", "LOGIN"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(plain_with_initial_response_succeeds_with_the_canonical_login, Fixture) {
  const auto outcome = session.start("PLAIN", plain("", "Alice@EXAMPLE.org", "correct horse"));
  BOOST_TEST((outcome.status == Status::Success));
  BOOST_TEST(outcome.login == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(plain_without_initial_response_sends_an_empty_challenge, Fixture) {
  const auto first = session.start("PLAIN", std::nullopt);
  BOOST_TEST((first.status == Status::Continue));
  BOOST_TEST(first.challenge.empty());
  const auto second = session.step(plain("", "alice@example.org", "correct horse"));
  BOOST_TEST((second.status == Status::Success));
  BOOST_TEST(second.login == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(login_prompts_for_username_then_password, Fixture) {
  const auto first = session.start("LOGIN", std::nullopt);
  BOOST_TEST((first.status == Status::Continue));
  BOOST_TEST(first.challenge == "Username:");
  const auto second = session.step("ALICE@example.org");
  BOOST_TEST((second.status == Status::Continue));
  BOOST_TEST(second.challenge == "Password:");
  const auto third = session.step("correct horse");
  BOOST_TEST((third.status == Status::Success));
  BOOST_TEST(third.login == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(login_with_the_username_as_initial_response_asks_only_for_the_password, Fixture) {
  const auto first = session.start("LOGIN", std::string("alice@example.org"));
  BOOST_TEST((first.status == Status::Continue));
  BOOST_TEST(first.challenge == "Password:");
  BOOST_TEST((session.step("correct horse").status == Status::Success));
}

BOOST_FIXTURE_TEST_CASE(wrong_password_and_unknown_user_are_both_plain_failure, Fixture) {
  const auto wrong = session.start("PLAIN", plain("", "alice@example.org", "wrong horse"));
  const auto unknown = session.start("PLAIN", plain("", "mallory@example.org", "correct horse"));
  BOOST_TEST((wrong.status == Status::Failure));
  BOOST_TEST((unknown.status == Status::Failure));
  BOOST_TEST(wrong.login.empty());
  BOOST_TEST(unknown.login.empty());
  BOOST_TEST((wrong.reason == FailureReason::WrongPassword));  // for the log only
  BOOST_TEST((unknown.reason == FailureReason::UnknownUser));
}

BOOST_FIXTURE_TEST_CASE(wrong_password_through_login_is_failure, Fixture) {
  session.start("LOGIN", std::nullopt);
  session.step("alice@example.org");
  BOOST_TEST((session.step("wrong horse").status == Status::Failure));
}

BOOST_FIXTURE_TEST_CASE(empty_and_disabled_logins_are_failure, Fixture) {
  BOOST_TEST((session.start("PLAIN", plain("", "alice@example.org", "")).status == Status::Failure));
  users.setEnabled("alice@example.org", false);
  BOOST_TEST(
      (session.start("PLAIN", plain("", "alice@example.org", "correct horse")).status == Status::Failure));
}

BOOST_FIXTURE_TEST_CASE(authorization_identity_other_than_the_login_is_refused, Fixture) {
  const auto outcome = session.start("PLAIN", plain("bob@example.org", "alice@example.org", "correct horse"));
  BOOST_TEST((outcome.status == Status::AuthzRefused));
  BOOST_TEST(outcome.login.empty());
}

BOOST_FIXTURE_TEST_CASE(authorization_identity_equal_to_the_login_is_accepted, Fixture) {
  const auto outcome =
      session.start("PLAIN", plain("alice@example.org", "alice@example.org", "correct horse"));
  BOOST_TEST((outcome.status == Status::Success));
  BOOST_TEST(outcome.login == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(authorization_identity_with_a_wrong_password_is_plain_failure, Fixture) {
  const auto outcome = session.start("PLAIN", plain("bob@example.org", "alice@example.org", "wrong horse"));
  BOOST_TEST((outcome.status == Status::Failure));
}

BOOST_FIXTURE_TEST_CASE(malformed_plain_message_is_malformed, Fixture) {
  for (const std::string& message :
       {std::string("alice@example.org correct horse"), std::string("alice@example.org\0correct horse", 31),
        plain("", "alice@example.org", "correct horse") + std::string(1, '\0') + "x", std::string()}) {
    const auto outcome = session.start("PLAIN", message);
    BOOST_TEST((outcome.status == Status::Malformed), "message of " << message.size() << " bytes");
  }
}

BOOST_FIXTURE_TEST_CASE(unknown_or_unoffered_mechanism_is_no_mechanism, Fixture) {
  BOOST_TEST((session.start("CRAM-MD5", std::nullopt).status == Status::NoMechanism));
  BOOST_TEST((session.start("XYZZY", std::nullopt).status == Status::NoMechanism));
}

BOOST_FIXTURE_TEST_CASE(session_can_authenticate_after_a_failure, Fixture) {
  BOOST_TEST(
      (session.start("PLAIN", plain("", "alice@example.org", "wrong horse")).status == Status::Failure));
  BOOST_TEST(
      (session.start("PLAIN", plain("", "alice@example.org", "correct horse")).status == Status::Success));
}

BOOST_FIXTURE_TEST_CASE(reset_abandons_the_exchange_in_progress, Fixture) {
  BOOST_TEST((session.start("LOGIN", std::nullopt).status == Status::Continue));
  session.reset();
  BOOST_TEST((session.step("alice@example.org").status == Status::Malformed));  // nothing in progress
  BOOST_TEST(!session.mechanisms().empty());  // TLS strength survives the reset
  BOOST_TEST(
      (session.start("PLAIN", plain("", "alice@example.org", "correct horse")).status == Status::Success));
}

BOOST_FIXTURE_TEST_CASE(store_failure_is_temporary, Fixture) {
  breakStore();
  const auto outcome = session.start("PLAIN", plain("", "alice@example.org", "correct horse"));
  BOOST_TEST((outcome.status == Status::Temporary));
  BOOST_TEST((outcome.reason == FailureReason::StoreUnavailable));
}

BOOST_FIXTURE_TEST_CASE(library_log_never_contains_the_password, Fixture) {
  const std::string secret = "Sup3rSecretPassw0rd";
  session.start("PLAIN", plain("", "alice@example.org", secret));
  session.start("PLAIN", plain("", "mallory@example.org", secret));
  session.start("PLAIN", plain("bob@example.org", "alice@example.org", "correct horse"));
  session.start("LOGIN", std::nullopt);
  session.step("alice@example.org");
  session.step(secret);
  std::lock_guard lock(logCapture().mutex);
  for (const auto& line : logCapture().lines) {
    BOOST_TEST(line.find(secret) == std::string::npos, "logged: " << line);
    BOOST_TEST(line.find("correct horse") == std::string::npos, "logged: " << line);
  }
}

BOOST_FIXTURE_TEST_CASE(sessions_on_several_threads_authenticate_independently, Fixture) {
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  users.createUser("bob@example.org", hasher.hash("bob password"));
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      SaslSession mine(library(), verifier, "mail.example.org");
      mine.setExternalSsf(256);
      for (int i = 0; i < 25; ++i) {
        const bool good = (i + t) % 3 != 0;
        const bool asBob = (i % 2) == 0;
        const auto outcome =
            mine.start("PLAIN", plain("", asBob ? "bob@example.org" : "alice@example.org",
                                      good ? (asBob ? "bob password" : "correct horse") : "nope"));
        const bool ok = outcome.status == Status::Success &&
                        outcome.login == (asBob ? "bob@example.org" : "alice@example.org");
        if (ok != good || (!good && outcome.status != Status::Failure)) ++mismatches;
      }
    });
  for (auto& th : threads) th.join();
  BOOST_TEST(mismatches.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
