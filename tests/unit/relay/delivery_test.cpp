// One transaction over plaintext: what is sent, and how each reply decides each recipient.
#include <boost/test/unit_test.hpp>

#include "fake_smarthost.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

namespace {

DeliveryReport deliverOnce(const FakeScript& script, const OutboundMessage& message,
                           FakeSmarthost** out = nullptr) {
  static std::unique_ptr<FakeSmarthost> keep;  // outlives the relay so its conversation can be inspected
  keep = std::make_unique<FakeSmarthost>(script);
  Relay relay(plainOptions(keep->port()));
  DeliveryReport report = relay.deliver(message);
  if (out) *out = keep.get();
  return report;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery)

BOOST_AUTO_TEST_CASE(delivers_once_with_dot_stuffing_and_crlf_dot_crlf) {
  MessageFiles files;
  OutboundMessage m = files.message("Subject: dots\r\n\r\n.hello\r\n..two\r\nmiddle.dot\r\n.\r\nlast line");
  m.prefix = "DKIM-Signature: v=1\r\n";
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(FakeScript{}, m, &fake);
  BOOST_REQUIRE_EQUAL(report.recipients.size(), 1u);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_TEST(report.recipients[0].reply == "250 2.0.0 Ok: queued as FAKE");
  BOOST_TEST(report.smarthost == "127.0.0.1:" + std::to_string(fake->port()));
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const ReceivedConnection c = fake->connections().at(0);
  BOOST_TEST(c.data ==
             "DKIM-Signature: v=1\r\nSubject: dots\r\n\r\n..hello\r\n...two\r\nmiddle.dot\r\n..\r\nlast "
             "line\r\n.\r\n");
  BOOST_TEST(c.count("MAIL FROM:") == 1u);
  BOOST_TEST(c.commands.front() == "EHLO relay.test");
  BOOST_TEST(c.quit);  // the relay's destructor says goodbye
}

BOOST_AUTO_TEST_CASE(large_body_is_streamed_and_stuffed_across_chunks) {
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i)
    body += (i % 3 == 0 ? ".line " : "line ") + std::to_string(i) + "\r\n";
  std::string expected;
  for (std::size_t pos = 0; pos < body.size();) {
    const auto end = body.find("\r\n", pos) + 2;
    if (body[pos] == '.') expected += '.';
    expected += body.substr(pos, end - pos);
    pos = end;
  }
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(FakeScript{}, files.message(body), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST((fake->connections()[0].data == expected + ".\r\n"));
}

BOOST_AUTO_TEST_CASE(mail_carries_size_body_and_smtputf8_parameters) {
  MessageFiles files;
  OutboundMessage m = files.message("x\r\n", {"bob@example.net"}, "");
  m.prefix = "A: b\r\n";
  m.eightBitMime = true;
  m.smtputf8 = true;
  FakeSmarthost* fake = nullptr;
  deliverOnce(FakeScript{}, m, &fake);
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(fake->connections()[0].has("MAIL FROM:<> SIZE=9 BODY=8BITMIME SMTPUTF8"));
}

BOOST_AUTO_TEST_CASE(pipelines_envelope_when_offered) {
  FakeScript script;
  script.holdPipelinedReplies = true;  // a client waiting for the MAIL reply would time out
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"a@x", "b@x", "c@x"}), &fake);
  for (const auto& r : report.recipients) BOOST_TEST(outcomeName(r.outcome) == "Delivered");
}

BOOST_AUTO_TEST_CASE(waits_for_each_reply_without_pipelining) {
  FakeScript script;
  script.extensions = {"SIZE 1000000", "8BITMIME"};
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"a@x", "b@x", "c@x"}), &fake);
  for (const auto& r : report.recipients) BOOST_TEST(outcomeName(r.outcome) == "Delivered");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake->connections()[0].spokeOutOfTurn);
  BOOST_TEST(fake->connections()[0].count("RCPT TO:") == 3u);
}

BOOST_AUTO_TEST_CASE(each_recipient_gets_its_own_rcpt_outcome) {
  for (const bool pipelining : {true, false}) {
    FakeScript script;
    if (!pipelining) script.extensions = {"8BITMIME"};
    script.rcptReplies = {{"later@x", "450 4.2.1 <later@x>: mailbox busy"},
                          {"never@x", "550 5.1.1 <never@x>: unknown"}};
    MessageFiles files;
    const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"ok@x", "later@x", "never@x"}));
    BOOST_REQUIRE_EQUAL(report.recipients.size(), 3u);
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
    BOOST_TEST(outcomeName(report.recipients[1].outcome) == "Deferred");
    BOOST_TEST(report.recipients[1].reply == "450 4.2.1 <later@x>: mailbox busy");
    BOOST_TEST(outcomeName(report.recipients[2].outcome) == "Failed");
    BOOST_TEST(report.recipients[2].reply == "550 5.1.1 <never@x>: unknown");
  }
}

BOOST_AUTO_TEST_CASE(data_and_final_replies_decide_the_accepted_recipients) {
  struct Case {
    std::string dataReply, finalReply;
    Outcome accepted;
    std::string reply;
  };
  const std::vector<Case> cases{
      {"451 4.3.0 try later", "", Outcome::Deferred, "451 4.3.0 try later"},
      {"554 5.5.1 no", "", Outcome::Failed, "554 5.5.1 no"},
      {"354 go", "452 4.3.1 full", Outcome::Deferred, "452 4.3.1 full"},
      {"354 go", "554 5.7.1 rejected: spam", Outcome::Failed, "554 5.7.1 rejected: spam"},
  };
  for (const Case& c : cases) {
    FakeScript script;
    script.dataReply = c.dataReply;
    script.finalReply = c.finalReply;
    script.rcptReplies = {{"no@x", "550 5.1.1 no"}};
    MessageFiles files;
    const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"a@x", "no@x"}));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == outcomeName(c.accepted));
    BOOST_TEST(report.recipients[0].reply == c.reply);
    BOOST_TEST(outcomeName(report.recipients[1].outcome) == "Failed");
    BOOST_TEST(report.recipients[1].reply == "550 5.1.1 no");
  }
}

BOOST_AUTO_TEST_CASE(mail_refusal_decides_every_recipient) {
  for (const bool pipelining : {true, false}) {
    FakeScript script;
    if (!pipelining) script.extensions = {};
    script.mailReply = "553 5.7.1 <alice@example.org>: sender rejected";
    MessageFiles files;
    FakeSmarthost* fake = nullptr;
    const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"a@x", "b@x"}), &fake);
    for (const auto& r : report.recipients) {
      BOOST_TEST(outcomeName(r.outcome) == "Failed");
      BOOST_TEST(r.reply == "553 5.7.1 <alice@example.org>: sender rejected");
    }
    BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
    BOOST_TEST(fake->connections()[0].data.empty());
  }
  FakeScript busy;
  busy.mailReply = "451 4.3.0 busy";
  MessageFiles files;
  const DeliveryReport report = deliverOnce(busy, files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "451 4.3.0 busy");
}

BOOST_AUTO_TEST_CASE(no_accepted_recipient_means_no_data) {
  FakeScript script;
  script.extensions = {"8BITMIME"};
  script.rcptReplies = {{"a@x", "550 5.1.1 no"}};
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n", {"a@x"}), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake->connections()[0].has("DATA"));
}

BOOST_AUTO_TEST_CASE(pipelined_data_answered_354_without_recipients_gets_an_empty_end) {
  FakeScript script;
  script.rcptReplies = {{"a@x", "550 5.1.1 no"}};
  script.dataReplyWithoutRecipients = "354 go ahead anyway";  // breaks RFC 2920 §3.1
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("secret body\r\n", {"a@x"}), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_TEST(report.recipients[0].reply == "550 5.1.1 no");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(fake->connections()[0].data == ".\r\n");  // no message bytes
}

BOOST_AUTO_TEST_CASE(message_bigger_than_the_smarthost_limit_fails_before_mail) {
  FakeScript script;
  script.extensions = {"PIPELINING", "SIZE 100"};
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message(std::string(200, 'x')), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_TEST(report.recipients[0].reply == "552 5.3.4 message too big for the smarthost");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake->connections()[0].has("MAIL"));
}

BOOST_AUTO_TEST_CASE(smtputf8_message_fails_when_the_smarthost_lacks_it) {
  FakeScript script;
  script.extensions = {"PIPELINING", "8BITMIME"};
  MessageFiles files;
  OutboundMessage m = files.message("x\r\n", {"\xc3\xa9t\xc3\xa9@example.net"});
  m.smtputf8 = true;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, m, &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
  BOOST_TEST(report.recipients[0].reply == "550 5.6.7 smarthost does not support SMTPUTF8");
  BOOST_REQUIRE(fake->waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake->connections()[0].has("MAIL"));
}

BOOST_AUTO_TEST_CASE(connection_dropped_during_data_defers) {
  FakeScript script;
  script.dropDuringData = true;
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report =
      deliverOnce(script, files.message(std::string(300000, 'x') + "\r\n", {"a@x", "b@x"}), &fake);
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(
        startsWith(r.reply, "lost connection with 127.0.0.1:" + std::to_string(fake->port()) + " while "),
        r.reply);
  }
}

BOOST_AUTO_TEST_CASE(greeting_refusal_defers_with_the_servers_words) {
  FakeScript script;
  script.greeting = "554 5.3.2 not now";
  MessageFiles files;
  FakeSmarthost* fake = nullptr;
  const DeliveryReport report = deliverOnce(script, files.message("x\r\n"), &fake);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost 127.0.0.1:" + std::to_string(fake->port()) + " greeted with: 554 5.3.2 not now");
  BOOST_TEST(report.smarthost.empty());
}

BOOST_AUTO_TEST_CASE(unreadable_body_defers_without_connecting) {
  FakeSmarthost fake(FakeScript{});
  Relay relay(plainOptions(fake.port()));
  MessageFiles files;
  OutboundMessage m = files.message("x");
  m.bodyPath = files.dir().file("missing");
  const DeliveryReport report = relay.deliver(m);
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(startsWith(report.recipients[0].reply, "cannot open message body"));
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(options_are_validated_without_network) {
  RelayOptions ok = plainOptions(25);
  BOOST_CHECK_NO_THROW(Relay{ok});
  RelayOptions noHelo = ok;
  noHelo.heloName.clear();
  BOOST_CHECK_THROW(Relay{noHelo}, std::exception);
  RelayOptions halfCredentials = ok;
  halfCredentials.username = "u";
  BOOST_CHECK_THROW(Relay{halfCredentials}, std::exception);
  RelayOptions noConnections = ok;
  noConnections.maxConnections = 0;
  BOOST_CHECK_THROW(Relay{noConnections}, std::exception);
  RelayOptions badCa = ok;
  badCa.tls = TlsMode::StartTls;
  badCa.caFile = "/nonexistent/ca.pem";
  BOOST_CHECK_THROW(Relay{badCa}, std::exception);
}

BOOST_AUTO_TEST_CASE(no_smarthost_defers) {
  RelayOptions options = plainOptions(25);
  options.smarthosts.clear();
  Relay relay(options);
  MessageFiles files;
  const DeliveryReport report = relay.deliver(files.message("x"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "no usable smarthost configured for this route (see the server log)");
}

BOOST_AUTO_TEST_SUITE_END()
