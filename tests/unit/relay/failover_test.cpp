// Failover within one list of smarthosts: tried in the configured order, on connection-level failures
// and 4xx before any RCPT; never on a 5xx, nor on a recipient's own 4xx.
#include <boost/test/unit_test.hpp>

#include "fake_smarthost.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

namespace {

std::string hostOf(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Positions of the "smarthost-failed" log lines for these hosts, in the log written from `from` on.
std::vector<std::string> failuresInOrder(std::size_t from) {
  std::vector<std::string> hosts;
  const auto lines = LogCapture::instance().lines();
  for (std::size_t i = from; i < lines.size(); ++i) {
    const std::string marker = "event=smarthost-failed smarthost=";
    if (!startsWith(lines[i], marker)) continue;
    const std::string rest = lines[i].substr(marker.size());
    hosts.push_back(rest.substr(0, rest.find(' ')));
  }
  return hosts;
}

FakeScript greeting(const std::string& text) {
  FakeScript script;
  script.greeting = text;
  return script;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(failover)

BOOST_AUTO_TEST_CASE(refused_then_421_then_the_third_delivers_and_the_fourth_is_never_asked) {
  FakeSmarthost busy(greeting("421 4.3.2 too busy")), good(FakeScript{}), spare(FakeScript{});
  const std::uint16_t dead = unusedPort();
  MessageFiles files;
  RelayOptions options = plainOptions(good.port());
  options.smarthosts = {{"127.0.0.1", dead},
                        {"127.0.0.1", busy.port()},
                        {"127.0.0.1", good.port()},
                        {"127.0.0.1", spare.port()}};
  Relay relay(options);
  const std::size_t logStart = LogCapture::instance().lines().size();
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == hostOf(good.port()));
  const std::vector<std::string> expected{hostOf(dead), hostOf(busy.port())};
  BOOST_TEST(failuresInOrder(logStart) == expected, boost::test_tools::per_element());
  BOOST_TEST(busy.connections().size() == 1u);
  BOOST_TEST(!busy.connections()[0].has("MAIL"));
  BOOST_TEST(spare.connections().empty());
}

BOOST_AUTO_TEST_CASE(when_every_host_fails_each_is_tried_once_in_order_and_the_last_error_is_reported) {
  FakeSmarthost first(greeting("421 4.3.2 first busy")), third(greeting("554 5.3.2 third says no"));
  const std::uint16_t dead = unusedPort();
  MessageFiles files;
  RelayOptions options = plainOptions(first.port());
  options.smarthosts = {{"127.0.0.1", first.port()}, {"127.0.0.1", dead}, {"127.0.0.1", third.port()}};
  Relay relay(options);
  const std::size_t logStart = LogCapture::instance().lines().size();
  const DeliveryReport report = relay.deliver(files.message("x\r\n", {"a@x", "b@x"}));
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) ==
               "Deferred");  // even a 554 greeting: the host is unusable, not the mail
    BOOST_TEST(r.reply == "smarthost " + hostOf(third.port()) + " greeted with: 554 5.3.2 third says no");
  }
  BOOST_TEST(report.smarthost.empty());
  const std::vector<std::string> expected{hostOf(first.port()), hostOf(dead), hostOf(third.port())};
  BOOST_TEST(failuresInOrder(logStart) == expected, boost::test_tools::per_element());
  BOOST_TEST(first.connections().size() == 1u);
  BOOST_TEST(third.connections().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_temporary_mail_refusal_moves_on_but_a_permanent_one_decides) {
  FakeScript busyMail;
  busyMail.mailReply = "451 4.3.0 queue full";
  FakeScript noMail;
  noMail.mailReply = "550 5.7.1 sender not allowed";
  {
    FakeSmarthost first(busyMail), second(FakeScript{});
    MessageFiles files;
    RelayOptions options = plainOptions(first.port());
    options.smarthosts = {{"127.0.0.1", first.port()}, {"127.0.0.1", second.port()}};
    Relay relay(options);
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
    BOOST_TEST(report.smarthost == hostOf(second.port()));
    BOOST_REQUIRE(first.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
    BOOST_TEST(first.connections()[0].quit);  // its slot is needed for the next host
  }
  {
    FakeSmarthost first(noMail), second(FakeScript{});
    MessageFiles files;
    RelayOptions options = plainOptions(first.port());
    options.smarthosts = {{"127.0.0.1", first.port()}, {"127.0.0.1", second.port()}};
    Relay relay(options);
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Failed");
    BOOST_TEST(report.recipients[0].reply == "550 5.7.1 sender not allowed");
    BOOST_TEST(second.connections().empty());
  }
}

BOOST_AUTO_TEST_CASE(a_recipients_own_4xx_is_not_a_reason_to_change_hosts) {
  FakeScript greylisting;
  greylisting.rcptReplies = {{"later@x", "450 4.2.0 greylisted"}};
  FakeSmarthost first(greylisting), second(FakeScript{});
  MessageFiles files;
  RelayOptions options = plainOptions(first.port());
  options.smarthosts = {{"127.0.0.1", first.port()}, {"127.0.0.1", second.port()}};
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n", {"ok@x", "later@x"}));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered");
  BOOST_TEST(outcomeName(report.recipients[1].outcome) == "Deferred");
  BOOST_TEST(report.recipients[1].reply == "450 4.2.0 greylisted");
  BOOST_TEST(second.connections().empty());
}

BOOST_AUTO_TEST_SUITE_END()
