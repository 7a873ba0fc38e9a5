// Session: DKIM wiring through the MessageSigner port — every byte streams into the signature, the
// signature is made before the commit and prepended, a signing failure is 451 4.3.0 (never an unsigned
// send), and a From domain without a key is refused (550 5.7.1) or queued unsigned with a warning.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMessage = "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nHello.\r\n..dot\r\n";
const std::string kQueued = "250 2.0.0 Ok: queued as Q1\r\n";

struct SigningHarness : Harness {
  FakeSigner fake;
  SigningHarness() { signer = &fake; }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(session_dkim)

BOOST_FIXTURE_TEST_CASE(the_signature_sees_the_message_as_queued, SigningHarness) {
  inTransaction();
  BOOST_TEST(deliver(kMessage) == kQueued);
  BOOST_TEST_REQUIRE(fake.records.size() == 1u);
  BOOST_TEST(fake.records[0]->data == spool.lastMessage().data);  // dot-unstuffed, byte for byte
  BOOST_TEST(fake.records[0]->fromDomain.value_or("") == "example.org");
}

BOOST_FIXTURE_TEST_CASE(the_signature_is_prepended_above_the_trace_and_covers_added_fields, SigningHarness) {
  inTransaction();
  deliver(kMessage);
  const std::string& p = spool.lastMessage().prepended;
  BOOST_TEST(p.starts_with(fake.fields + "Received: from client.example"));
  // Date and Message-ID were missing: they are added, handed to the signer, and follow Received.
  BOOST_TEST(fake.records[0]->addedHeaders ==
             "Date: Mon, 30 Nov 2026 17:27:53 +0000\r\nMessage-ID: <Q1.1796059673@mx.example.net>\r\n");
  BOOST_TEST(p.ends_with(fake.records[0]->addedHeaders));
  BOOST_TEST(fake.records[0]->addedHeaders.find("Received") == std::string::npos);  // trace stays unsigned
  BOOST_TEST(output.logged("dkim", "id=Q1 signed d=example.org s=e"));
}

BOOST_FIXTURE_TEST_CASE(nothing_is_added_to_sign_when_the_client_sent_date_and_message_id, SigningHarness) {
  inTransaction();
  deliver("Date: Sun, 1 Nov 2026 10:00:00 +0100\r\nMessage-ID: <x@client>\r\n" + kMessage);
  BOOST_TEST(fake.records[0]->addedHeaders.empty());
}

BOOST_FIXTURE_TEST_CASE(the_from_domain_is_the_first_author_mailbox, SigningHarness) {
  inTransaction();
  deliver("From: \"Sales\" <Alice@ALICE.example>, alice@example.org\r\n\r\nx\r\n");
  BOOST_TEST(fake.records[0]->fromDomain.value_or("") == "ALICE.example");
}

BOOST_FIXTURE_TEST_CASE(a_signing_failure_is_451_and_nothing_is_queued, SigningHarness) {
  fake.status = SigningOutcome::Status::Failed;
  inTransaction();
  BOOST_TEST(deliver(kMessage) == "451 4.3.0 Temporary failure, try again later\r\n");
  BOOST_TEST(!spool.lastMessage().committed);
  BOOST_TEST(spool.lastMessage().destroyed);
  // The signer's reason is one quoted log value (it may name the client's From domain).
  BOOST_TEST(output.logged("dkim", "id=Q1 signing failed: \"the key for example.org does not decrypt\""));
  BOOST_TEST(line("MAIL FROM:<alice@example.org>") == "250 2.1.0 Ok\r\n");  // the session goes on
}

BOOST_FIXTURE_TEST_CASE(a_failure_while_streaming_is_451_at_the_end, SigningHarness) {
  fake.throwOnWrite = true;
  inTransaction();
  BOOST_TEST(deliver(kMessage) == "451 4.3.0 Temporary failure, try again later\r\n");
  BOOST_TEST(!spool.lastMessage().committed);
  BOOST_TEST(output.logged("dkim", "EVP_DigestUpdate failed"));
}

BOOST_FIXTURE_TEST_CASE(a_signer_that_cannot_start_refuses_data_with_451, SigningHarness) {
  fake.throwOnBegin = true;
  inTransaction();
  BOOST_TEST(line("DATA") == "451 4.3.0 Temporary failure, try again later\r\n");
  BOOST_TEST(spool.lastMessage().destroyed);
}

BOOST_FIXTURE_TEST_CASE(no_key_with_reject_policy_is_550_5_7_1, SigningHarness) {
  fake.status = SigningOutcome::Status::NoKey;
  config.rejectWithoutDkimKey = true;
  inTransaction();
  BOOST_TEST(deliver(kMessage) ==
             "550 5.7.1 No DKIM signing key for the From domain example.org: message refused\r\n");
  BOOST_TEST(!spool.lastMessage().committed);
  BOOST_TEST(output.logged("rejected", "no DKIM key for example.org (dkim.missing_key = reject)"));
}

BOOST_FIXTURE_TEST_CASE(no_key_otherwise_queues_unsigned_with_a_warning, SigningHarness) {
  fake.status = SigningOutcome::Status::NoKey;
  inTransaction();
  BOOST_TEST(deliver(kMessage) == kQueued);
  BOOST_TEST(spool.lastMessage().prepended.starts_with("Received: "));
  BOOST_TEST(spool.lastMessage().prepended.find("DKIM-Signature") == std::string::npos);
  bool warned = false;
  for (const auto& l : output.logs)
    if (l.level == LogLevel::Warning && l.event == "dkim" &&
        l.detail == "id=Q1 no DKIM key for example.org or a parent domain: queued unsigned")
      warned = true;
  BOOST_TEST(warned);
}

BOOST_FIXTURE_TEST_CASE(other_rejections_come_before_signing, SigningHarness) {
  inTransaction();
  BOOST_TEST(deliver("From: mallory@evil.example\r\n\r\nx\r\n").starts_with("550 5.7.1 From header address"));
  BOOST_TEST(!fake.records.at(0)->fromDomain.has_value());  // finish() never ran
}

BOOST_FIXTURE_TEST_CASE(each_transaction_gets_its_own_signature, SigningHarness) {
  inTransaction();
  deliver(kMessage);
  line("MAIL FROM:<alice@example.org>");
  line("RCPT TO:<rcpt@example.com>");
  deliver("From: alice@alice.example\r\n\r\nsecond\r\n");
  BOOST_TEST_REQUIRE(fake.records.size() == 2u);
  BOOST_TEST(fake.records[1]->data == "From: alice@alice.example\r\n\r\nsecond\r\n");
  BOOST_TEST(fake.records[1]->fromDomain.value_or("") == "alice.example");
}

BOOST_AUTO_TEST_CASE(without_a_signer_nothing_changes) {
  Harness h;
  h.inTransaction();
  BOOST_TEST(h.deliver(kMessage) == kQueued);
  BOOST_TEST(h.spool.lastMessage().prepended.starts_with("Received: "));
}

BOOST_AUTO_TEST_SUITE_END()
