#include <boost/test/unit_test.hpp>

#include <string>

#include "queue/envelope_format.h"
#include "unit/queue/spool_fixture.h"

using postern::queue::decodeEnvelope;
using postern::queue::DeliveryState;
using postern::queue::encodeEnvelope;
using postern::queue::Mailbox;
using postern::queue::MalformedEnvelope;
using postern::queue::QueuedMessage;
using postern::testing::sampleEnvelope;

namespace {

QueuedMessage sampleMessage() {
  QueuedMessage m;
  m.id = "0PN5Q7ZK3M1T2AB";
  m.envelope = sampleEnvelope();
  m.bodySize = 4096;
  m.prependedHeaders =
      "Received: from laptop.example.org ([192.0.2.7])\r\n\tby mx.example.org with ESMTPSA id "
      "0PN5Q7ZK3M1T2AB\r\n"
      "Date: Sun, 30 Nov 2025 17:27:53 +0000\r\nMessage-ID: <0PN5Q7ZK3M1T2AB@mx.example.org>\r\n";
  return m;
}

void requireRoundTrip(const QueuedMessage& m) {
  const QueuedMessage back = decodeEnvelope(encodeEnvelope(m));
  BOOST_TEST(back.id == m.id);
  BOOST_TEST((back.envelope == m.envelope));
  BOOST_TEST(back.bodySize == m.bodySize);
  BOOST_TEST(back.prependedHeaders == m.prependedHeaders);
  BOOST_TEST((back.progress == m.progress));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(envelope_round_trips_every_field) { requireRoundTrip(sampleMessage()); }

BOOST_AUTO_TEST_CASE(envelope_starts_with_its_version_and_ends_with_end) {
  const std::string text = encodeEnvelope(sampleMessage());
  BOOST_TEST(text.rfind("postern-envelope 1\n", 0) == 0u);
  BOOST_TEST(text.ends_with("\nend\n"));
  BOOST_TEST(text.find("\nrcpt bob@example.com state=pending\n") != std::string::npos);
  BOOST_TEST(text.find("\nsender alice@example.org\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(envelope_round_trips_odd_addresses) {
  QueuedMessage m = sampleMessage();
  m.envelope.sender = {"\"john doe\"", "example.org"};
  using postern::queue::Recipient;
  m.envelope.recipients = {
      Recipient::pending({"\"a@b\"", "example.com"}),          // '@' inside a quoted local part
      Recipient::pending({"jörg.müller", "bücher.example"}),   // SMTPUTF8
      Recipient::pending({"\"100%\"", "[IPv6:2001:db8::1]"}),  // escape character and an address literal
      Recipient::pending({"\"tab\there\"", "example.com"}),
      Recipient::pending({std::string("nul\0byte", 8), "example.com"}),
      Recipient::pending({"\xff\xfe", "example.com"}),  // not even UTF-8
  };
  m.envelope.smtputf8 = true;
  requireRoundTrip(m);
}

BOOST_AUTO_TEST_CASE(line_breaks_in_addresses_cannot_forge_fields) {
  QueuedMessage m = sampleMessage();
  m.envelope.recipients = {postern::queue::Recipient::pending(
      {"\"x\r\nrcpt evil@attacker.example state=pending\r\nend\n\"", "example.com"})};
  m.envelope.login = "alice\nlogin root";
  m.envelope.heloName = "h\rbody-size 0";
  const std::string text = encodeEnvelope(m);
  BOOST_TEST(text.find("\nrcpt evil@") == std::string::npos);
  BOOST_TEST(text.find('\r') == std::string::npos);
  const QueuedMessage back = decodeEnvelope(text);
  BOOST_TEST(back.envelope.recipients.size() == 1u);
  requireRoundTrip(m);
}

BOOST_AUTO_TEST_CASE(null_sender_and_empty_fields_round_trip) {
  QueuedMessage m = sampleMessage();
  m.envelope.sender = {};
  m.envelope.login = "";
  m.envelope.heloName = "";
  m.prependedHeaders = "";
  const std::string text = encodeEnvelope(m);
  BOOST_TEST(text.find("\nsender <>\n") != std::string::npos);
  requireRoundTrip(m);
  // A literal "<>" as a local part is not the null path.
  m.envelope.sender = {"\"<>\"", "example.org"};
  requireRoundTrip(m);
}

BOOST_AUTO_TEST_CASE(arrival_keeps_whole_seconds) {
  QueuedMessage m = sampleMessage();
  m.envelope.arrival += std::chrono::milliseconds(999);
  const QueuedMessage back = decodeEnvelope(encodeEnvelope(m));
  BOOST_TEST((back.envelope.arrival == std::chrono::floor<std::chrono::seconds>(m.envelope.arrival)));
}

BOOST_AUTO_TEST_CASE(rejects_truncated_envelopes) {
  const std::string text = encodeEnvelope(sampleMessage());
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{10}, text.size() / 2, text.size() - 5, text.size() - 1}) {
    BOOST_CHECK_THROW(decodeEnvelope(text.substr(0, cut)), MalformedEnvelope);
  }
}

BOOST_AUTO_TEST_CASE(rejects_unknown_repeated_and_missing_fields) {
  const std::string text = encodeEnvelope(sampleMessage());
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "\nlogin alice\n", "\nlogin alice\nlogin bob\n")),
                    MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "\nlogin alice\n", "\nflavour vanilla\n")),
                    MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "\nlogin alice\n", "\n")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "postern-envelope 1", "postern-envelope 2")),
                    MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(text + "rcpt x@y state=pending\n"), MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_values) {
  const std::string text = encodeEnvelope(sampleMessage());
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "body-size 4096", "body-size 4o96")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "body-size 4096", "body-size -1")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "8bitmime yes", "8bitmime maybe")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "login alice", "login al%4")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "login alice", "login al%zz")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "login alice", "login al ice")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "login alice", "login al\rice")), MalformedEnvelope);
  BOOST_CHECK_THROW(
      decodeEnvelope(replaced(text, "rcpt bob@example.com state=pending", "rcpt bob@example.com state=lost")),
      MalformedEnvelope);
  BOOST_CHECK_THROW(
      decodeEnvelope(replaced(text, "rcpt bob@example.com state=pending", "rcpt bob@example.com")),
      MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "rcpt bob@example.com", "rcpt bob@ex@ample.com")),
                    MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "sender alice@example.org", "sender alice")),
                    MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(rejects_envelopes_without_recipients) {
  QueuedMessage m = sampleMessage();
  m.envelope.recipients.clear();
  BOOST_CHECK_THROW(decodeEnvelope(encodeEnvelope(m)), MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(malformed_envelopes_are_permanent_errors) {
  try {
    decodeEnvelope("garbage\n");
    BOOST_FAIL("garbage decoded");
  } catch (const postern::core::Error& e) {
    BOOST_TEST(!e.temporary());
  }
}

BOOST_AUTO_TEST_CASE(delivery_state_round_trips) {
  QueuedMessage m = sampleMessage();
  m.envelope.recipients[0].state = DeliveryState::Delivered;
  m.envelope.recipients[0].reply = "250 2.0.0 Ok: queued as 4ABC";
  m.envelope.recipients[1].state = DeliveryState::Failed;
  m.envelope.recipients[1].reply = "550 5.1.1 <carol@example.net>: Recipient address rejected\r\nend";
  m.envelope.recipients[1].notified = true;
  m.progress.attempts = 3;
  m.progress.lastAttempt = std::chrono::system_clock::time_point(std::chrono::seconds(1764523700));
  m.progress.nextAttempt = std::chrono::system_clock::time_point(std::chrono::seconds(1764524000));
  m.progress.remote = "smtp.example.net:587";
  m.progress.delayWarned = true;
  requireRoundTrip(m);
  const std::string text = encodeEnvelope(m);
  BOOST_TEST(
      text.find("\nrcpt bob@example.com state=delivered reply=250%202.0.0%20Ok:%20queued%20as%204ABC\n") !=
      std::string::npos);
  BOOST_TEST(text.find("notified=yes\n") != std::string::npos);
  BOOST_TEST(text.find("\nattempts 3\nlast-attempt 1764523700\nnext-attempt 1764524000\n") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_recipient_attributes) {
  const std::string text = encodeEnvelope(sampleMessage());
  const std::string rcpt = "rcpt bob@example.com state=pending";
  for (const char* bad :
       {" state=failed", " reply=a%2", " reply=x reply=y", " notified=maybe", " colour=blue"})
    BOOST_CHECK_THROW(decodeEnvelope(replaced(text, rcpt, rcpt + std::string(bad))), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "\nattempts 0\n", "\nattempts -1\n")), MalformedEnvelope);
  BOOST_CHECK_THROW(decodeEnvelope(text + "attempts 1\n"), MalformedEnvelope);  // after end
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "\nattempts 0\n", "\nattempts 0\nattempts 0\n")),
                    MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(envelopes_written_before_delivery_existed_read_as_never_attempted) {
  // The envelope an intake of the first release wrote: no delivery progress at all.
  const std::string old =
      "postern-envelope 1\nid 0PN5Q7ZK3M1T2AB\narrival 1764523673\nsender alice@example.org\nlogin alice\n"
      "client 192.0.2.7\nhelo laptop.example.org\nsmtputf8 no\n8bitmime yes\nbody-size 4096\n"
      "rcpt bob@example.com state=pending\nheaders Date:%20x%0D%0A\nend\n";
  const QueuedMessage m = decodeEnvelope(old);
  BOOST_TEST(m.progress.attempts == 0u);
  BOOST_TEST(m.progress.nextAttempt.time_since_epoch().count() == 0);
  BOOST_TEST(!m.progress.delayWarned);
  BOOST_TEST(m.envelope.recipients.size() == 1u);
}

// Found by the envelope fuzz harness's property that every recipient read back is a mailbox
// (tests/fuzz/corpus/envelope/regression_null_recipient): "<>" was accepted as a recipient, and delivery
// would have sent RCPT TO:<>.
BOOST_AUTO_TEST_CASE(a_recipient_cannot_be_the_null_path) {
  const std::string text = encodeEnvelope(sampleMessage());
  BOOST_CHECK_THROW(
      decodeEnvelope(replaced(text, "rcpt bob@example.com state=pending", "rcpt <> state=pending")),
      MalformedEnvelope);
}
