// RFC 3461 parameters on the way out: passed on, xtext re-encoded, only to a smarthost that offers DSN.
#include <boost/test/unit_test.hpp>

#include "fake_smarthost.h"
#include "relay/extensions.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

namespace {

OutboundMessage withDsn(MessageFiles& files) {
  OutboundMessage m = files.message("x\r\n", {"bob@example.net", "carol@example.net", "dave@example.net"});
  m.dsnReturn = "HDRS";
  m.envid = "QQ 1+1=2";
  m.recipientDsn = {{"SUCCESS,DELAY", "rfc822", "Bob+x@old.example"},
                    {"", "", ""},
                    {"NEVER", "utf-8", "j\xc3\xb6rg@old.example"}};
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(relay_dsn)

BOOST_AUTO_TEST_CASE(ehlo_dsn_keyword_is_recognised) {
  ServerReply reply;
  reply.code = 250;
  reply.lines = {"fake.test", "PIPELINING", "dsn"};
  BOOST_TEST(Extensions::parse(reply).dsn);
  reply.lines = {"fake.test", "PIPELINING"};
  BOOST_TEST(!Extensions::parse(reply).dsn);
}

BOOST_AUTO_TEST_CASE(a_smarthost_offering_dsn_gets_the_parameters_re_encoded) {
  FakeScript script;
  script.extensions.push_back("DSN");
  FakeSmarthost fake(script);
  MessageFiles files;
  DeliveryReport report;
  {
    Relay relay(plainOptions(fake.port()));
    report = relay.deliver(withDsn(files));
  }
  BOOST_TEST(report.dsnPassedOn);
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const ReceivedConnection c = fake.connections()[0];
  BOOST_TEST(c.has("MAIL FROM:<alice@example.org> SIZE=3 RET=HDRS ENVID=QQ+201+2B1+3D2"));
  BOOST_TEST(c.has("RCPT TO:<bob@example.net> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;Bob+2Bx@old.example"));
  BOOST_TEST(c.has("RCPT TO:<carol@example.net>"));
  BOOST_TEST(!c.has("RCPT TO:<carol@example.net> "));
  BOOST_TEST(c.has("RCPT TO:<dave@example.net> NOTIFY=NEVER ORCPT=utf-8;j\\x{F6}rg@old.example"));
}

BOOST_AUTO_TEST_CASE(a_smarthost_without_dsn_gets_none_of_them) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  DeliveryReport report;
  {
    Relay relay(plainOptions(fake.port()));
    report = relay.deliver(withDsn(files));
  }
  BOOST_TEST(!report.dsnPassedOn);
  for (const auto& r : report.recipients) BOOST_TEST(outcomeName(r.outcome) == "Delivered");
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const ReceivedConnection c = fake.connections()[0];
  for (const auto& line : c.commands) {
    BOOST_TEST(line.find("RET=") == std::string::npos, line);
    BOOST_TEST(line.find("ENVID=") == std::string::npos, line);
    BOOST_TEST(line.find("NOTIFY=") == std::string::npos, line);
    BOOST_TEST(line.find("ORCPT=") == std::string::npos, line);
  }
}

BOOST_AUTO_TEST_SUITE_END()
