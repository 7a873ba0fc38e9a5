// Session: AUTH (RFC 4954) through the Authenticator port, and what it may log.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;
using postern::core::base64Encode;

namespace {
const std::string kOk = "235 2.7.0 Authentication successful\r\n";
const std::string kInvalid = "535 5.7.8 Authentication credentials invalid\r\n";
}  // namespace

BOOST_AUTO_TEST_SUITE(session_auth)

BOOST_AUTO_TEST_CASE(plain_with_initial_response_succeeds) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) == kOk);
  BOOST_TEST(h.session->authenticated());
}

BOOST_AUTO_TEST_CASE(plain_without_initial_response_gets_an_empty_challenge) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN") == "334 \r\n");
  BOOST_TEST(h.line(plainResponse("alice", "secret")) == kOk);
}

BOOST_AUTO_TEST_CASE(login_exchanges_base64_challenges) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH LOGIN") == "334 " + base64Encode("Username:") + "\r\n");
  BOOST_TEST(h.line(base64Encode("bob")) == "334 " + base64Encode("Password:") + "\r\n");
  BOOST_TEST(h.line(base64Encode("hunter2")) == kOk);
}

BOOST_AUTO_TEST_CASE(equals_sign_is_an_empty_initial_response) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN =") == "501 5.5.2 Malformed authentication response\r\n");
}

BOOST_AUTO_TEST_CASE(mechanism_names_are_case_insensitive) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("auth plain " + plainResponse("alice", "secret")) == kOk);
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_user_look_the_same) {
  Harness h;
  h.tlsReady();
  const std::string wrong = h.line("AUTH PLAIN " + plainResponse("alice", "nope"));
  const std::string unknown = h.line("AUTH PLAIN " + plainResponse("mallory", "secret"));
  BOOST_TEST(wrong == kInvalid);
  BOOST_TEST(unknown == kInvalid);
  BOOST_TEST(h.output.pauses.size() == 2u);
  BOOST_TEST(h.output.pauses[0].count() == 1000);
}

BOOST_AUTO_TEST_CASE(a_foreign_authorization_identity_is_refused_like_a_bad_password) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret", "bob")) == kInvalid);
  BOOST_TEST(h.output.logged("auth", "authorization identity refused"));
  BOOST_TEST(!h.session->authenticated());
}

BOOST_AUTO_TEST_CASE(closes_after_too_many_failures) {
  Harness h;
  h.tlsReady();
  h.line("AUTH PLAIN " + plainResponse("alice", "1"));
  h.line("AUTH PLAIN " + plainResponse("alice", "2"));
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "3")) ==
             kInvalid + "421 4.7.0 Too many failed authentication attempts\r\n");
  BOOST_TEST(h.session->closed());
}

BOOST_AUTO_TEST_CASE(star_cancels_the_exchange) {
  Harness h;
  h.tlsReady();
  h.line("AUTH LOGIN");
  const int resetsBefore = h.authenticator.resets;
  BOOST_TEST(h.line("*") == "501 5.0.0 Authentication cancelled\r\n");
  BOOST_TEST(h.authenticator.resets == resetsBefore + 1);
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) == kOk);
}

BOOST_AUTO_TEST_CASE(bad_base64_is_refused_and_resets_the_exchange) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN not*base64") == "501 5.5.2 Invalid base64 data\r\n");
  h.line("AUTH LOGIN");
  const int resetsBefore = h.authenticator.resets;
  BOOST_TEST(h.line("%%%%") == "501 5.5.2 Invalid base64 data\r\n");
  BOOST_TEST(h.authenticator.resets == resetsBefore + 1);
  BOOST_TEST(h.line("NOOP") == "250 2.0.0 Ok\r\n");  // back in command mode
}

BOOST_AUTO_TEST_CASE(unknown_mechanism_is_504) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH CRAM-MD5") == "504 5.5.4 Unrecognized authentication type\r\n");
}

BOOST_AUTO_TEST_CASE(authenticator_without_the_mechanism_is_504) {
  Harness h;
  h.authenticator.forced = AuthOutcome::Status::NoMechanism;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN") == "504 5.5.4 Unrecognized authentication type\r\n");
}

BOOST_AUTO_TEST_CASE(temporary_authenticator_failure_is_454) {
  Harness h;
  h.authenticator.forced = AuthOutcome::Status::Temporary;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) ==
             "454 4.7.0 Temporary authentication failure\r\n");
}

BOOST_AUTO_TEST_CASE(sender_directory_failure_is_454_and_stays_unauthenticated) {
  Harness h;
  h.senders.fail = true;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) ==
             "454 4.7.0 Temporary authentication failure\r\n");
  BOOST_TEST(!h.session->authenticated());
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "530 5.7.0 Authentication required\r\n");
}

BOOST_AUTO_TEST_CASE(authenticator_exception_is_454_not_a_dropped_connection) {
  Harness h;
  h.authenticator.throws = true;
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) ==
             "454 4.7.0 Temporary authentication failure\r\n");
  BOOST_TEST(!h.session->closed());
  BOOST_TEST(!h.session->authenticated());
}

BOOST_AUTO_TEST_CASE(auth_after_helo_is_out_of_sequence) {
  Harness h;
  h.line("EHLO client.example");
  h.line("STARTTLS");
  h.session->tlsStarted(testTls());
  h.line("HELO client.example");
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) == "503 5.5.1 Send EHLO first\r\n");
}

BOOST_AUTO_TEST_CASE(auth_twice_is_out_of_sequence) {
  Harness h;
  h.authenticated();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", "secret")) ==
             "503 5.5.1 Already authenticated\r\n");
}

BOOST_AUTO_TEST_CASE(mail_before_auth_requires_authentication) {
  Harness h;
  h.tlsReady();
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "530 5.7.0 Authentication required\r\n");
}

BOOST_AUTO_TEST_CASE(a_second_ehlo_keeps_authentication) {
  Harness h;
  h.authenticated();
  h.line("EHLO again.example");
  BOOST_TEST(h.session->authenticated());
  BOOST_TEST(h.line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");
}

BOOST_AUTO_TEST_CASE(response_lines_may_be_longer_than_command_lines_rfc4954_4) {
  Harness h;
  h.authenticator.users["alice"] = std::string(8000, 'p');
  h.tlsReady();
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse("alice", std::string(8000, 'p'))) == kOk);
}

BOOST_AUTO_TEST_CASE(continuation_lines_may_be_long_too) {
  Harness h;
  h.authenticator.users["alice"] = std::string(8000, 'p');
  h.tlsReady();
  h.line("AUTH PLAIN");
  BOOST_TEST(h.line(plainResponse("alice", std::string(8000, 'p'))) == kOk);
}

BOOST_AUTO_TEST_CASE(never_logs_passwords_or_the_exchange) {
  Harness h;
  h.tlsReady();
  const std::string good = plainResponse("alice", "secret");
  const std::string bad = plainResponse("alice", "wrong-pass");
  h.line("AUTH PLAIN " + bad);
  h.line("AUTH LOGIN");
  h.line(base64Encode("alice"));
  h.line(base64Encode("wrong-pass"));
  h.line("AUTH PLAIN " + good);
  const std::string logs = h.output.allLogs();
  for (const std::string& secret : {good, bad, std::string("secret"), std::string("wrong-pass"),
                                    base64Encode("wrong-pass"), base64Encode("alice")})
    BOOST_TEST(logs.find(secret) == std::string::npos, secret);
  BOOST_TEST(h.output.logged("auth", "login=alice mechanism=PLAIN succeeded"));
}

BOOST_AUTO_TEST_CASE(a_failed_login_is_logged_as_one_quoted_value) {
  Harness h;
  h.authenticator.reportsFailedLogin = true;
  h.tlsReady();
  // A client-chosen login that would otherwise add fields to the log line (and a U+2028 line separator).
  h.line("AUTH PLAIN " + plainResponse("x mechanism=PLAIN succeeded login=ceo\xe2\x80\xa8", "nope"));
  BOOST_TEST(h.output.logged(
      "auth", "login=\"x mechanism=PLAIN succeeded login=ceo\\u{2028}\" mechanism=PLAIN failed"));
}

BOOST_AUTO_TEST_CASE(a_login_with_spaces_is_logged_as_one_quoted_value) {
  Harness h;
  const std::string login = "\"al ice=admin\"@example.org";
  h.authenticator.users[login] = "secret";
  h.line("EHLO client.example");
  h.line("STARTTLS");
  h.session->tlsStarted(testTls());
  h.line("EHLO client.example");
  BOOST_TEST(h.line("AUTH PLAIN " + plainResponse(login, "secret")) == kOk);
  BOOST_TEST(h.output.logged("auth", "login=\"\\\"al ice=admin\\\"@example.org\" mechanism=PLAIN succeeded"));
}

BOOST_AUTO_TEST_SUITE_END()
