// A smarthost that refuses EHLO is greeted with HELO (RFC 5321 §3.2, §4.1.1.1) and has no extension: mail
// goes through only when the route needs neither STARTTLS nor AUTH nor 8-bit content, and never in the
// clear because of the downgrade. A 4xx to EHLO stays a temporary failure.
#include <boost/test/unit_test.hpp>

#include "fake_smarthost.h"
#include "relay_fixture.h"
#include "tls_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;

namespace {

const std::string kNote = "refused EHLO and answered HELO; it offers no STARTTLS/AUTH";

FakeScript refusingEhlo(const std::string& reply = "502 5.5.2 Error: command not recognized") {
  FakeScript script;
  script.ehloRaw = reply + "\r\n";
  return script;
}

ReceivedConnection onlyConnection(const FakeSmarthost& fake) {
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  return fake.connections()[0];
}

RelayOptions tlsOptions(std::uint16_t port, const Pki& pki, TlsMode mode) {
  RelayOptions options = plainOptions(port);
  options.tls = mode;
  options.caFile = pki.ca.certificateFile;
  return options;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(helo_fallback)

BOOST_AUTO_TEST_CASE(ehlo_answered_502_gets_helo_on_the_same_connection_and_mail_without_extensions) {
  FakeSmarthost fake(refusingEhlo());
  MessageFiles files;
  {
    Relay relay(plainOptions(fake.port()));
    const DeliveryReport report = relay.deliver(files.message("x\r\n", {"a@x", "b@x"}));
    for (const auto& r : report.recipients) BOOST_TEST(outcomeName(r.outcome) == "Delivered", r.reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_REQUIRE(c.commands.size() >= 6u);
  BOOST_TEST(c.commands[0] == "EHLO relay.test");
  BOOST_TEST(c.commands[1] == "HELO relay.test");
  BOOST_TEST(c.commands[2] == "MAIL FROM:<alice@example.org>");  // no SIZE=, no BODY=
  BOOST_TEST(c.commands[3] == "RCPT TO:<a@x>");
  BOOST_TEST(c.commands[4] == "RCPT TO:<b@x>");
  BOOST_TEST(c.commands[5] == "DATA");
  BOOST_TEST(!c.spokeOutOfTurn);  // no PIPELINING without EHLO
  BOOST_TEST(c.data == "x\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(any_permanent_reply_to_ehlo_also_falls_back_to_helo) {
  FakeSmarthost fake(refusingEhlo("550 5.7.1 go away with your extensions"));
  MessageFiles files;
  {
    Relay relay(plainOptions(fake.port()));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  BOOST_TEST(onlyConnection(fake).has("HELO relay.test"));
}

BOOST_AUTO_TEST_CASE(ehlo_answered_421_is_temporary_and_no_helo_is_sent) {
  FakeSmarthost fake(refusingEhlo("421 4.3.2 shutting down"));
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "smarthost 127.0.0.1:" + std::to_string(fake.port()) +
                                               " rejected EHLO: 421 4.3.2 shutting down");
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("HELO"));
  BOOST_TEST(!c.has("MAIL"));
}

BOOST_AUTO_TEST_CASE(ehlo_answered_451_is_temporary_and_no_helo_is_sent) {
  FakeSmarthost fake(refusingEhlo("451 4.3.0 try later"));
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(contains(report.recipients[0].reply, "rejected EHLO: 451 4.3.0 try later"),
             report.recipients[0].reply);
  BOOST_TEST(!onlyConnection(fake).has("HELO"));
}

BOOST_AUTO_TEST_CASE(helo_refused_too_defers_with_both_replies) {
  FakeScript script = refusingEhlo();
  script.heloReply = "554 5.7.1 no thanks";
  FakeSmarthost fake(script);
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost 127.0.0.1:" + std::to_string(fake.port()) +
                 " rejected EHLO (502 5.5.2 Error: command not recognized) and HELO: 554 5.7.1 no thanks");
  BOOST_TEST(!onlyConnection(fake).has("MAIL"));
}

BOOST_AUTO_TEST_CASE(starttls_required_and_ehlo_refused_defers_with_the_note_and_sends_nothing_in_clear) {
  Pki pki;
  FakeScript script = refusingEhlo();
  script.offerStartTls = true;  // a STARTTLS the client must not try without EHLO
  FakeSmarthost fake(script, pki.serverContext({"127.0.0.1"}));
  MessageFiles files;
  {
    Relay relay(tlsOptions(fake.port(), pki, TlsMode::StartTls));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(report.recipients[0].reply == "smarthost 127.0.0.1:" + std::to_string(fake.port()) + " " +
                                                 kNote + " (the route requires STARTTLS)");
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(c.has("HELO"));
  BOOST_TEST(!c.has("STARTTLS"));
  BOOST_TEST(!c.has("AUTH"));
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(c.quit);
}

BOOST_AUTO_TEST_CASE(implicit_tls_without_auth_delivers_through_helo) {
  Pki pki;
  FakeScript script = refusingEhlo();
  script.implicitTls = true;
  FakeSmarthost fake(script, pki.serverContext({"127.0.0.1"}));
  MessageFiles files;
  {
    Relay relay(tlsOptions(fake.port(), pki, TlsMode::Implicit));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(c.tls);
  BOOST_TEST(c.has("HELO relay.test"));
}

BOOST_AUTO_TEST_CASE(implicit_tls_with_auth_defers_with_the_note_and_never_sends_credentials) {
  Pki pki;
  FakeScript script = refusingEhlo();
  script.implicitTls = true;
  script.authMechanisms = {"PLAIN", "LOGIN"};
  script.authUser = "relay-user";
  script.authPassword = "s3cret-Pa55word";
  FakeSmarthost fake(script, pki.serverContext({"127.0.0.1"}));
  MessageFiles files;
  {
    RelayOptions options = tlsOptions(fake.port(), pki, TlsMode::Implicit);
    options.username = "relay-user";
    options.password = "s3cret-Pa55word";
    Relay relay(options);
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(report.recipients[0].reply == "smarthost 127.0.0.1:" + std::to_string(fake.port()) + " " +
                                                 kNote + " (the route requires AUTH PLAIN/LOGIN)");
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("AUTH"));
  BOOST_TEST(!c.has("MAIL"));
}

BOOST_AUTO_TEST_CASE(eight_bit_and_smtputf8_messages_are_deferred_by_a_helo_only_smarthost_but_7bit_goes) {
  FakeSmarthost fake(refusingEhlo());
  MessageFiles files;
  {
    Relay relay(plainOptions(fake.port()));
    OutboundMessage eight = files.message("caf\xc3\xa9\r\n");
    eight.eightBitMime = true;
    DeliveryReport report = relay.deliver(eight);
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(report.recipients[0].reply == "451 4.3.5 smarthost 127.0.0.1:" + std::to_string(fake.port()) +
                                                 " " + kNote +
                                                 ", so it cannot take this 8BITMIME (8-bit) message");

    OutboundMessage utf8 = files.message("x\r\n", {"\xc3\xa9t\xc3\xa9@example.net"});
    utf8.smtputf8 = true;
    report = relay.deliver(utf8);
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(contains(report.recipients[0].reply, "cannot take this SMTPUTF8 (internationalised) message"),
               report.recipients[0].reply);

    report = relay.deliver(files.message("plain\r\n"));  // the same connection, reused after RSET
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(c.count("MAIL") == 1u);
  BOOST_TEST(c.data == "plain\r\n.\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
