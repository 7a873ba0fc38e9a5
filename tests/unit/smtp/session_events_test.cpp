// Session: what it reports for the metrics (SessionEvents) — each AUTH result, each accepted message, each
// refused transaction once with its reason, each DKIM signature with its algorithm — and that nothing a
// client typed reaches the port (its methods take no text but a signature algorithm of Postern's keys).
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMessage = "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nHello.\r\n";
using Seen = std::vector<std::string>;

struct SigningHarness : Harness {
  FakeSigner fake;
  SigningHarness() { signer = &fake; }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(session_events)

BOOST_FIXTURE_TEST_CASE(a_successful_and_a_failed_login_are_reported, Harness) {
  tlsReady();
  line("AUTH PLAIN " + plainResponse("alice", "wrong"));
  line("AUTH PLAIN " + plainResponse("alice", "secret"));
  BOOST_TEST(events.seen == (Seen{"auth:failure", "auth:success"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(an_accepted_message_is_reported_once, Harness) {
  inTransaction();
  deliver(kMessage);
  BOOST_TEST(events.seen == (Seen{"auth:success", "accepted"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_sender_not_owned_is_refused_with_its_reason, Harness) {
  authenticated();
  line("MAIL FROM:<mallory@example.org>");
  BOOST_TEST(events.seen.back() == "refused:sender_not_owned");
}

BOOST_FIXTURE_TEST_CASE(a_header_from_not_owned_is_refused_with_its_reason, Harness) {
  inTransaction();
  deliver("From: <mallory@example.org>\r\n\r\nHi\r\n");
  BOOST_TEST(events.seen.back() == "refused:header_from");
}

BOOST_FIXTURE_TEST_CASE(a_message_over_the_size_limit_is_refused_as_too_large, Harness) {
  config.maxMessageSize = 100;
  inTransaction();
  deliver(kMessage + std::string(200, 'x') + "\r\n");
  BOOST_TEST(events.seen.back() == "refused:too_large");
  line("MAIL FROM:<alice@example.org> SIZE=5000");  // announced too large at MAIL
  BOOST_TEST(events.seen == (Seen{"auth:success", "refused:too_large", "refused:too_large"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_message_without_from_is_refused_as_malformed, Harness) {
  inTransaction();
  deliver("Subject: no author\r\n\r\nHi\r\n");
  BOOST_TEST(events.seen.back() == "refused:malformed");
}

BOOST_FIXTURE_TEST_CASE(a_full_spool_is_refused_as_storage, Harness) {
  spool.accepting = false;
  authenticated();
  line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(events.seen.back() == "refused:storage");
}

BOOST_FIXTURE_TEST_CASE(a_failed_commit_is_refused_as_a_local_error, Harness) {
  spool.failCommit = FakeSpool::Failure::Other;
  inTransaction();
  deliver(kMessage);
  BOOST_TEST(events.seen.back() == "refused:local_error");
}

BOOST_FIXTURE_TEST_CASE(a_signed_message_reports_each_signature_algorithm, SigningHarness) {
  inTransaction();
  deliver(kMessage);
  BOOST_TEST(events.seen == (Seen{"auth:success", "signed:ed25519-sha256", "accepted"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_signing_failure_is_reported_and_refused_as_a_local_error, SigningHarness) {
  fake.status = SigningOutcome::Status::Failed;
  inTransaction();
  deliver(kMessage);
  BOOST_TEST(events.seen == (Seen{"auth:success", "signing_failed", "refused:local_error"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_missing_dkim_key_under_reject_is_refused_as_no_dkim_key, SigningHarness) {
  fake.status = SigningOutcome::Status::NoKey;
  config.rejectWithoutDkimKey = true;
  inTransaction();
  deliver(kMessage);
  BOOST_TEST(events.seen.back() == "refused:no_dkim_key");
}

BOOST_AUTO_TEST_SUITE_END()
