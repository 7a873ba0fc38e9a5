#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

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
  BOOST_TEST(text.rfind("postern-envelope 2\n", 0) == 0u);
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
  BOOST_CHECK_THROW(decodeEnvelope(replaced(text, "postern-envelope 2", "postern-envelope 3")),
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

// ---- version 2: RFC 3461 DSN data
// ---------------------------------------------------------------------------

namespace {
QueuedMessage dsnMessage() {
  using namespace postern::queue;
  QueuedMessage m = sampleMessage();
  m.envelope.dsnReturn = DsnReturn::Full;
  m.envelope.envid = "QQ 314+159=%";
  Recipient& bob = m.envelope.recipients[0];
  bob.notify = notify::kSuccess | notify::kDelay;
  bob.orcptType = "rfc822";
  bob.orcpt = "Bob Old;x@old.example";
  bob.state = DeliveryState::Delivered;
  bob.relayed = true;
  m.envelope.recipients[1].notify = notify::kNever;
  m.envelope.recipients[1].orcptType = "utf-8";
  m.envelope.recipients[1].orcpt = "j\xc3\xb6rg@example.net";
  return m;
}
}  // namespace

BOOST_AUTO_TEST_CASE(dsn_parameters_round_trip) { requireRoundTrip(dsnMessage()); }

BOOST_AUTO_TEST_CASE(dsn_parameters_are_written_as_documented) {
  const std::string text = encodeEnvelope(dsnMessage());
  BOOST_TEST(text.find("\ndsn-ret full\n") != std::string::npos);
  BOOST_TEST(text.find("\ndsn-envid QQ%20314+159=%25\n") != std::string::npos);
  BOOST_TEST(text.find("\nrcpt bob@example.com state=delivered notify=success,delay "
                       "orcpt=rfc822;Bob%20Old;x@old.example relayed=yes\n") != std::string::npos);
  BOOST_TEST(
      text.find(
          "\nrcpt carol@example.net state=pending notify=never orcpt=utf-8;j\xc3\xb6rg@example.net\n") !=
      std::string::npos);
  // Without DSN parameters nothing DSN is written.
  const std::string plain = encodeEnvelope(sampleMessage());
  BOOST_TEST(plain.find("dsn-") == std::string::npos);
  BOOST_TEST(plain.find("notify=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_dsn_data) {
  const std::string text = encodeEnvelope(dsnMessage());
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"dsn-ret full", "dsn-ret both"},
           {"dsn-ret full", "dsn-ret full\ndsn-ret hdrs"},
           {"dsn-envid QQ%20314+159=%25", "dsn-envid"},
           {"notify=success,delay", "notify=success,success"},
           {"notify=success,delay", "notify=never,delay"},
           {"notify=success,delay", "notify=sometimes"},
           {"orcpt=rfc822;", "orcpt=x400;"},
           {"orcpt=rfc822;Bob%20Old;x@old.example", "orcpt=rfc822"},
           {"relayed=yes", "relayed=maybe"}})
    BOOST_CHECK_THROW(decodeEnvelope(replaced(text, from, to)), MalformedEnvelope);
}

BOOST_AUTO_TEST_CASE(an_envelope_written_before_dsn_still_loads_as_version_1) {
  // Exactly what the queue wrote before version 2, delivery progress and all.
  const std::string v1 =
      "postern-envelope 1\nid 0PN5Q7ZK3M1T2AB\narrival 1764523673\nsender alice@example.org\nlogin alice\n"
      "client 192.0.2.7\nhelo laptop.example.org\nsmtputf8 no\n8bitmime yes\nbody-size 4096\n"
      "rcpt bob@example.com state=pending\n"
      "rcpt carol@example.net state=failed reply=550%205.1.1%20unknown notified=yes\n"
      "headers Date:%20x%0D%0A\nattempts 2\nlast-attempt 1764523700\nnext-attempt 1764524000\n"
      "remote smtp.example.net:587\ndelay-warned no\nend\n";
  const QueuedMessage m = decodeEnvelope(v1);
  BOOST_TEST(m.progress.attempts == 2u);
  BOOST_REQUIRE(m.envelope.recipients.size() == 2u);
  BOOST_TEST(m.envelope.recipients[0].notify == 0u);
  BOOST_TEST(m.envelope.recipients[0].orcptType.empty());
  BOOST_TEST(m.envelope.recipients[1].notified);
  BOOST_TEST((m.envelope.dsnReturn == postern::queue::DsnReturn::Unspecified));
  BOOST_TEST(m.envelope.envid.empty());
  // Read back in, it is written as version 2 and loses nothing.
  requireRoundTrip(m);
  BOOST_TEST(encodeEnvelope(m).rfind("postern-envelope 2\n", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(a_version_1_envelope_cannot_carry_dsn_data) {
  const std::string v2 = encodeEnvelope(dsnMessage());
  BOOST_CHECK_THROW(decodeEnvelope(replaced(v2, "postern-envelope 2", "postern-envelope 1")),
                    MalformedEnvelope);
}
