#include <boost/test/unit_test.hpp>

#include <string>

#include "queue/dsn.h"
#include "unit/queue/spool_fixture.h"

using namespace postern::queue;
using postern::testing::sampleEnvelope;

namespace {

QueuedMessage original() {
  QueuedMessage m;
  m.id = "0PN5Q7ZK3M1T2AB";
  m.envelope = sampleEnvelope();
  return m;
}

DsnRequest request(DsnAction action) {
  DsnRequest r;
  r.action = action;
  r.reportingMta = "relay.example.org";
  r.remoteMta = "smtp.example.net";
  r.notificationId = "0PN5Q7ZK3M1T2AB.failed.1";
  r.now = std::chrono::system_clock::time_point(std::chrono::seconds(1764530000));
  r.retryUntil = r.now + std::chrono::hours(100);
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(dsn)

BOOST_AUTO_TEST_CASE(status_comes_from_the_enhanced_code_or_the_reply_class) {
  BOOST_TEST(statusOf("550 5.1.1 <bob@example.com>: unknown") == "5.1.1");
  BOOST_TEST(statusOf("452 4.2.2 mailbox full") == "4.2.2");
  BOOST_TEST(statusOf("554 transaction failed") == "5.0.0");
  BOOST_TEST(statusOf("450 too busy") == "4.0.0");
  BOOST_TEST(statusOf("550 4.1.1 class mismatch") == "5.0.0");  // enhanced class must match the reply
  BOOST_TEST(statusOf("550 5.1234.1 too long") == "5.0.0");
  BOOST_TEST(statusOf("connect to smtp.example.net:587: Connection refused") == "4.4.1");
  BOOST_TEST(statusOf("connect to smtp.example.net:587: Connection refused", true) == "4.4.7");
  BOOST_TEST(statusOf("") == "4.4.1");
}

BOOST_AUTO_TEST_CASE(header_section_stops_at_the_empty_line_and_at_the_limit) {
  BOOST_TEST(std::string(headerSection("Subject: a\r\nTo: b\r\n\r\nbody\r\n")) == "Subject: a\r\nTo: b\r\n");
  BOOST_TEST(std::string(headerSection("\r\nbody only\r\n")).empty());
  BOOST_TEST(std::string(headerSection("Subject: no body\r\n")) == "Subject: no body\r\n");
  BOOST_TEST(std::string(headerSection("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", 10)) == "A: 1\r\n");
}

BOOST_AUTO_TEST_CASE(bounce_is_a_multipart_report_to_the_sender_from_the_null_path) {
  DsnRequest r = request(DsnAction::Failed);
  r.recipients = {
      {{"carol", "example.net"}, "550 5.1.1 <carol@example.net>: Recipient address rejected", false}};
  const DsnMessage dsn = buildDsn(original(), "Subject: hello\r\nFrom: alice@example.org\r\n", r);
  BOOST_TEST(dsn.envelope.sender.isNull());
  BOOST_TEST_REQUIRE(dsn.envelope.recipients.size() == 1u);
  BOOST_TEST(dsn.envelope.recipients[0].address.str() == "alice@example.org");
  const std::string& m = dsn.content;
  BOOST_TEST(has(m, "From: Mail Delivery System <MAILER-DAEMON@relay.example.org>\r\n"));
  BOOST_TEST(has(m, "To: <alice@example.org>\r\n"));
  BOOST_TEST(has(m, "Auto-Submitted: auto-replied\r\n"));
  BOOST_TEST(has(m, "Content-Type: multipart/report; report-type=delivery-status;"));
  BOOST_TEST(has(m, "Content-Type: message/delivery-status\r\n"));
  BOOST_TEST(
      has(m, "Content-Type: text/rfc822-headers\r\n\r\nSubject: hello\r\nFrom: alice@example.org\r\n"));
  BOOST_TEST(has(m, "Reporting-MTA: dns;relay.example.org\r\n"));
  BOOST_TEST(has(m, "Final-Recipient: rfc822;carol@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"));
  BOOST_TEST(has(m, "Remote-MTA: dns;smtp.example.net\r\n"));
  BOOST_TEST(has(m, "Diagnostic-Code: smtp;550 5.1.1 <carol@example.net>: Recipient address rejected\r\n"));
  BOOST_TEST(!has(m, "Will-Retry-Until"));
  BOOST_TEST(m.ends_with("--=_postern-dsn-0PN5Q7ZK3M1T2AB.failed.1--\r\n"));
  BOOST_TEST(!has(m, "8bit"));
  for (std::size_t at = 0; (at = m.find('\n', at)) != std::string::npos; ++at)
    BOOST_TEST_REQUIRE(m[at - 1] == '\r');
}

BOOST_AUTO_TEST_CASE(delay_warning_says_until_when_delivery_is_retried) {
  DsnRequest r = request(DsnAction::Delayed);
  r.recipients = {{{"bob", "example.com"}, "connect to smtp.example.net:587: Connection refused", false}};
  const std::string m = buildDsn(original(), "Subject: hi\r\n", r).content;
  BOOST_TEST(has(m, "Subject: Delayed Mail (still being retried)\r\n"));
  BOOST_TEST(has(m, "Action: delayed\r\nStatus: 4.4.1\r\n"));
  BOOST_TEST(has(m, "Diagnostic-Code: X-Postern;connect to smtp.example.net:587: Connection refused\r\n"));
  BOOST_TEST(has(m, "Will-Retry-Until: "));
  BOOST_TEST(has(m, "You do not need to send it again"));
}

BOOST_AUTO_TEST_CASE(expired_recipients_say_so_with_status_4_4_7) {
  DsnRequest r = request(DsnAction::Failed);
  r.recipients = {{{"bob", "example.com"}, "timed out waiting for smtp.example.net", true}};
  const std::string m = buildDsn(original(), "", r).content;
  BOOST_TEST(has(m, "Action: failed\r\nStatus: 4.4.7\r\n"));
  BOOST_TEST(has(m, "delivery time expired; last error: timed out"));
}

BOOST_AUTO_TEST_CASE(remote_replies_cannot_inject_fields) {
  DsnRequest r = request(DsnAction::Failed);
  r.recipients = {{{"bob", "example.com"}, "550 5.7.1 no\r\nAction: delivered", false}};
  const std::string m = buildDsn(original(), "", r).content;
  BOOST_TEST(!has(m, "\r\nAction: delivered"));
}

BOOST_AUTO_TEST_CASE(international_addresses_use_the_rfc_6533_types) {
  QueuedMessage m = original();
  m.envelope.smtputf8 = true;
  m.envelope.sender = {"jörg", "example.org"};
  DsnRequest r = request(DsnAction::Failed);
  r.recipients = {{{"zoë", "example.com"}, "550 5.1.1 unknown", false}};
  const DsnMessage dsn = buildDsn(m, "Subject: grüße\r\n", r);
  BOOST_TEST(dsn.envelope.smtputf8);
  BOOST_TEST(has(dsn.content, "Content-Type: message/global-delivery-status\r\n"));
  BOOST_TEST(has(dsn.content, "Content-Type: message/global-headers\r\n"));
  BOOST_TEST(has(dsn.content, "Final-Recipient: utf-8;zoë@example.com\r\n"));
  BOOST_TEST(has(dsn.content, "Content-Transfer-Encoding: 8bit\r\n"));
}

BOOST_AUTO_TEST_CASE(a_relayed_notice_says_relayed_with_the_success_status_rfc3464_2_3_3) {
  DsnRequest r = request(DsnAction::Relayed);
  r.recipients = {{{"bob", "example.com"}, "250 2.0.0 Ok: queued as X1", false, "rfc822", "Bob@old.example"}};
  const std::string m = buildDsn(original(), "Subject: hi\r\n", r).content;
  BOOST_TEST(has(m, "Subject: Successful Mail Delivery Report\r\n"));
  BOOST_TEST(has(m,
                 "Original-Recipient: rfc822;Bob@old.example\r\nFinal-Recipient: rfc822;bob@example.com\r\n"
                 "Action: relayed\r\nStatus: 2.0.0\r\n"));
  BOOST_TEST(has(m, "Content-Description: Relayed message headers\r\n"));
  BOOST_TEST(!has(m, "Will-Retry-Until"));
}

BOOST_AUTO_TEST_CASE(envid_opens_the_per_message_fields) {
  QueuedMessage m = original();
  m.envelope.envid = "QQ 314";
  DsnRequest r = request(DsnAction::Failed);
  r.recipients = {{{"bob", "example.com"}, "550 5.1.1 unknown", false}};
  const std::string text = buildDsn(m, "", r).content;
  BOOST_TEST(has(text, "message/delivery-status\r\n\r\nOriginal-Envelope-Id: QQ 314\r\nReporting-MTA: "));
  BOOST_TEST(!has(buildDsn(original(), "", r).content, "Original-Envelope-Id"));
}

BOOST_AUTO_TEST_CASE(a_returned_whole_international_message_is_message_global_rfc6533) {
  QueuedMessage m = original();
  m.envelope.smtputf8 = true;
  DsnRequest r = request(DsnAction::Failed);
  r.fullMessage = true;
  r.recipients = {{{"bob", "example.com"}, "550 5.1.1 unknown", false}};
  const std::string text = buildDsn(m, "Subject: gr\xc3\xbc\xc3\x9f\r\n\r\nbody\r\n", r).content;
  BOOST_TEST(has(text, "Content-Description: Undelivered message\r\nContent-Type: message/global\r\n"));
  BOOST_TEST(has(text, "\r\nbody\r\n"));
}

BOOST_AUTO_TEST_SUITE_END()
