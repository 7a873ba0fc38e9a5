// The pool and failover: connection reuse, dead idle connections, idle timeout, the connection bound,
// stop(), and trying the next smarthost.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "fake_smarthost.h"
#include "relay_fixture.h"

using namespace postern::relay;
using namespace postern::test;

BOOST_AUTO_TEST_SUITE(pool)

BOOST_AUTO_TEST_CASE(second_message_reuses_the_connection_after_rset) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  {
    Relay relay(plainOptions(fake.port()));
    BOOST_TEST(outcomeName(relay.deliver(files.message("one\r\n")).recipients[0].outcome) == "Delivered");
    BOOST_TEST(outcomeName(relay.deliver(files.message("two\r\n")).recipients[0].outcome) == "Delivered");
  }
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return !c.empty() && c.back().ended; }));
  const auto connections = fake.connections();
  BOOST_REQUIRE_EQUAL(connections.size(), 1u);
  const auto& commands = connections[0].commands;
  std::vector<std::string> verbs;
  for (const auto& c : commands) verbs.push_back(c.substr(0, 4));
  const std::vector<std::string> expected{"EHLO", "MAIL", "RCPT", "DATA", "RSET",
                                          "MAIL", "RCPT", "DATA", "QUIT"};
  BOOST_TEST(verbs == expected, boost::test_tools::per_element());
  BOOST_TEST(connections[0].data == "one\r\n.\r\ntwo\r\n.\r\n");
}

BOOST_AUTO_TEST_CASE(dead_idle_connection_is_replaced_transparently) {
  FakeScript script;
  script.closeAfterTransaction = true;  // the server hangs up while the connection sits in the pool
  FakeSmarthost fake(script);
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  BOOST_TEST(outcomeName(relay.deliver(files.message("one\r\n")).recipients[0].outcome) == "Delivered");
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  const DeliveryReport second = relay.deliver(files.message("two\r\n"));
  BOOST_TEST(outcomeName(second.recipients[0].outcome) == "Delivered", second.recipients[0].reply);
  BOOST_TEST(fake.connections().size() == 2u);
}

BOOST_AUTO_TEST_CASE(server_that_closes_without_being_noticed_costs_only_a_reconnect) {
  // The server closes right after the final reply; the relay may find out at RSET rather than by polling.
  FakeScript script;
  script.closeAfterTransaction = true;
  FakeSmarthost fake(script);
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  for (int i = 0; i < 3; ++i) {
    const DeliveryReport r = relay.deliver(files.message("m\r\n"));
    BOOST_TEST(outcomeName(r.recipients[0].outcome) == "Delivered", r.recipients[0].reply);
  }
}

BOOST_AUTO_TEST_CASE(a_421_closes_the_connection_and_the_next_message_gets_a_new_one) {
  FakeScript script;
  script.rcptReplies = {{"closing@x", "421 4.3.2 shutting down"}};
  FakeSmarthost fake(script);
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  const DeliveryReport first = relay.deliver(files.message("one\r\n", {"ok@x", "closing@x", "late@x"}));
  for (const auto& r : first.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(r.reply == "421 4.3.2 shutting down");
  }
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(!fake.connections()[0].quit);  // RFC 5321 §3.8: nothing more is said after a 421
  const DeliveryReport second = relay.deliver(files.message("two\r\n"));
  BOOST_TEST(outcomeName(second.recipients[0].outcome) == "Delivered", second.recipients[0].reply);
  BOOST_TEST(fake.connections().size() == 2u);
}

BOOST_AUTO_TEST_CASE(idle_connection_is_closed_with_quit_after_the_idle_timeout) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  RelayOptions options = plainOptions(fake.port());
  options.idleTimeout = std::chrono::seconds(1);
  Relay relay(options);
  BOOST_TEST(outcomeName(relay.deliver(files.message("x\r\n")).recipients[0].outcome) == "Delivered");
  // Not a speed measurement: the QUIT must come, well before the fake's own ten-second read timeout.
  BOOST_TEST(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit && c[0].ended; },
                          std::chrono::seconds(8)));
}

BOOST_AUTO_TEST_CASE(callers_wait_for_the_only_connection_and_share_it) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  std::vector<OutboundMessage> messages;
  for (int i = 0; i < 4; ++i) messages.push_back(files.message("m" + std::to_string(i) + "\r\n"));
  RelayOptions options = plainOptions(fake.port());
  options.maxConnections = 1;
  std::vector<Outcome> outcomes(messages.size(), Outcome::Failed);
  {
    Relay relay(options);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < messages.size(); ++i)
      threads.emplace_back([&, i] { outcomes[i] = relay.deliver(messages[i]).recipients[0].outcome; });
    for (auto& t : threads) t.join();
  }
  for (const Outcome o : outcomes) BOOST_TEST(outcomeName(o) == "Delivered");
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return !c.empty() && c.back().ended; }));
  BOOST_TEST(fake.connections().size() == 1u);
  BOOST_TEST(fake.connections()[0].count("MAIL") == 4u);
}

BOOST_AUTO_TEST_CASE(stop_turns_later_deliveries_into_shutting_down) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  Relay relay(plainOptions(fake.port()));
  BOOST_TEST(outcomeName(relay.deliver(files.message("x\r\n")).recipients[0].outcome) == "Delivered");
  relay.stop();
  BOOST_TEST(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit; }));
  const DeliveryReport report = relay.deliver(files.message("y\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "shutting down");
  relay.stop();  // twice is harmless
}

BOOST_AUTO_TEST_CASE(stop_wakes_a_caller_waiting_for_a_connection) {
  FakeScript stuck;
  stuck.ehloRaw = "250-half a reply\r\n";  // holds the only connection until the command timeout
  FakeSmarthost fake(stuck);
  MessageFiles files;
  const OutboundMessage a = files.message("a\r\n"), b = files.message("b\r\n");
  RelayOptions options = plainOptions(fake.port());
  options.maxConnections = 1;
  options.commandTimeout = std::chrono::seconds(6);
  Relay relay(options);
  std::atomic<bool> firstDone{false};
  std::thread first([&] {
    relay.deliver(a);
    firstDone = true;
  });
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].has("EHLO"); }));
  std::string secondReply;
  std::thread second([&] { secondReply = relay.deliver(b).recipients[0].reply; });
  relay.stop();
  second.join();  // woken (or refused at once), not left waiting for the busy connection
  BOOST_TEST(secondReply == "shutting down");
  BOOST_TEST(!firstDone.load());
  first.join();
}

BOOST_AUTO_TEST_CASE(fails_over_to_the_next_smarthost_when_the_first_refuses) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  RelayOptions options = plainOptions(fake.port());
  const std::uint16_t dead = unusedPort();
  options.smarthosts = {{"127.0.0.1", dead}, {"127.0.0.1", fake.port()}};
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == "127.0.0.1:" + std::to_string(fake.port()));
}

BOOST_AUTO_TEST_CASE(fails_over_on_a_busy_greeting_and_a_temporary_mail_refusal) {
  FakeScript busyGreeting;
  busyGreeting.greeting = "421 4.3.2 too busy";
  FakeScript busyMail;
  busyMail.mailReply = "451 4.3.0 queue full";
  FakeSmarthost first(busyGreeting), second(busyMail), third(FakeScript{});
  MessageFiles files;
  RelayOptions options = plainOptions(first.port());
  options.smarthosts = {
      {"127.0.0.1", first.port()}, {"127.0.0.1", second.port()}, {"127.0.0.1", third.port()}};
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == "127.0.0.1:" + std::to_string(third.port()));
}

BOOST_AUTO_TEST_CASE(reports_the_last_hosts_error_when_every_smarthost_fails) {
  MessageFiles files;
  RelayOptions options = plainOptions(1);
  const std::uint16_t a = unusedPort(), b = unusedPort();
  options.smarthosts = {{"127.0.0.1", a}, {"127.0.0.1", b}};
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n", {"a@x", "b@x"}));
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(r.reply == "connect to 127.0.0.1:" + std::to_string(b) + ": Connection refused");
  }
  BOOST_TEST(report.smarthost.empty());
}

BOOST_AUTO_TEST_SUITE_END()
