// Session: per-user sending limits (README "Sending limits") — messages per hour checked at MAIL, recipients
// per day at each RCPT (the RCPTs past the limit get 451 4.7.1, the earlier ones stay accepted), the use
// charged only once a message is queued, each refusal logged with login, limit and client, and counted.
#include <boost/test/unit_test.hpp>

#include "fakes.h"

using namespace postern::smtp;
using namespace postern::smtp::test;

namespace {
const std::string kMessage = "From: Alice <alice@example.org>\r\nSubject: hi\r\n\r\nHello.\r\n";

// A limits port that applies fixed limits to a use it counts itself.
class FakeLimits final : public SendingLimits {
 public:
  std::uint64_t messagesPerHour = 0, recipientsPerDay = 0;  // 0: unlimited
  std::uint64_t messages = 0, recipients = 0;
  std::vector<std::string> refusals;  // "login:messages" / "login:recipients"
  std::vector<std::string> charges;   // "login:recipients"
  bool failing = false;

  SendingQuota quotaFor(const std::string&) override {
    if (failing) throw std::runtime_error("database is locked");
    SendingQuota q;
    q.messagesPerHour = messagesPerHour;
    q.recipientsPerDay = recipientsPerDay;
    if (messagesPerHour) q.messagesLeft = messages >= messagesPerHour ? 0 : messagesPerHour - messages;
    if (recipientsPerDay)
      q.recipientsLeft = recipients >= recipientsPerDay ? 0 : recipientsPerDay - recipients;
    return q;
  }
  void charge(const std::string& login, std::size_t n) override {
    ++messages;
    recipients += n;
    charges.push_back(login + ":" + std::to_string(n));
  }
  void refused(const std::string& login, SendingLimit limit) override {
    refusals.push_back(login + (limit == SendingLimit::MessagesPerHour ? ":messages" : ":recipients"));
  }
};

struct LimitHarness : Harness {
  FakeLimits limits;
  Session& openLimited() {
    SessionServices services{authenticator, senders, spool, clock, signer, &events};
    services.limits = &limits;
    session = std::make_unique<Session>(config, connection, services, output);
    session->start();
    return *session;
  }
  LimitHarness() { openLimited(); }
  std::string sendOne() {
    line("MAIL FROM:<alice@example.org>");
    line("RCPT TO:<rcpt@example.com>");
    return deliver(kMessage);
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(session_limits)

BOOST_FIXTURE_TEST_CASE(mail_over_the_messages_per_hour_gets_451_4_7_1, LimitHarness) {
  limits.messagesPerHour = 2;
  authenticated();
  BOOST_TEST(sendOne().substr(0, 3) == "250");
  BOOST_TEST(sendOne().substr(0, 3) == "250");
  const std::string reply = line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(reply ==
             "451 4.7.1 Sending limit reached: 2 messages per hour for this account; try again later\r\n");
  BOOST_TEST(line("RCPT TO:<rcpt@example.com>").substr(0, 3) == "503");  // no transaction was opened
  BOOST_TEST(limits.refusals == std::vector<std::string>{"alice:messages"}, boost::test_tools::per_element());
  BOOST_TEST(events.seen.back() == "refused:sending_limit");
}

BOOST_FIXTURE_TEST_CASE(a_limit_refusal_is_logged_with_login_limit_and_client, LimitHarness) {
  limits.messagesPerHour = 1;
  limits.messages = 1;
  authenticated();
  line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(output.logged("limit", "login=alice limit=messages_per_hour max=1 client=192.0.2.7"));
}

BOOST_FIXTURE_TEST_CASE(rcpts_past_the_recipients_per_day_get_451_and_the_earlier_ones_stay, LimitHarness) {
  limits.recipientsPerDay = 5;
  limits.recipients = 3;  // two left today
  authenticated();
  line("MAIL FROM:<alice@example.org>");
  BOOST_TEST(line("RCPT TO:<a@example.com>").substr(0, 3) == "250");
  BOOST_TEST(line("RCPT TO:<a@example.com>").substr(0, 3) == "250");  // the same recipient again: no new one
  BOOST_TEST(line("RCPT TO:<b@example.com>").substr(0, 3) == "250");
  BOOST_TEST(line("RCPT TO:<c@example.com>") ==
             "451 4.7.1 Sending limit reached: 5 recipients per day for this account; try again later\r\n");
  BOOST_TEST(line("RCPT TO:<d@example.com>").substr(0, 9) == "451 4.7.1");
  BOOST_TEST(deliver(kMessage).substr(0, 3) == "250");
  BOOST_TEST(spool.lastMessage().envelope.recipients.size() == 2u);
  BOOST_TEST(limits.charges == std::vector<std::string>{"alice:2"}, boost::test_tools::per_element());
  BOOST_TEST(limits.refusals.size() == 2u);
  BOOST_TEST(output.logged("limit", "limit=recipients_per_day max=5"));
}

BOOST_FIXTURE_TEST_CASE(the_use_is_charged_only_when_the_message_is_queued, LimitHarness) {
  limits.messagesPerHour = 10;
  authenticated();
  line("MAIL FROM:<alice@example.org>");
  line("RCPT TO:<rcpt@example.com>");
  line("RSET");  // abandoned
  line("MAIL FROM:<alice@example.org>");
  line("RCPT TO:<rcpt@example.com>");
  BOOST_TEST(deliver("Subject: no author\r\n\r\nHi\r\n").substr(0, 3) == "550");  // refused at the end
  BOOST_TEST(limits.charges.empty());
  BOOST_TEST(sendOne().substr(0, 3) == "250");
  BOOST_TEST(limits.charges == std::vector<std::string>{"alice:1"}, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(unlimited_means_no_refusal_however_much_is_sent, LimitHarness) {
  limits.messages = 1000000;
  limits.recipients = 1000000;
  authenticated();
  BOOST_TEST(sendOne().substr(0, 3) == "250");
  BOOST_TEST(limits.refusals.empty());
}

BOOST_FIXTURE_TEST_CASE(a_failing_limits_lookup_is_a_temporary_local_error, LimitHarness) {
  limits.failing = true;
  authenticated();
  BOOST_TEST(line("MAIL FROM:<alice@example.org>").substr(0, 9) == "451 4.3.0");
  BOOST_TEST(output.allLogs().find("database is locked") != std::string::npos);
  BOOST_TEST(events.seen.back() == "refused:local_error");
}

BOOST_FIXTURE_TEST_CASE(a_sender_not_owned_is_refused_before_the_limit_is_asked, LimitHarness) {
  limits.messagesPerHour = 1;
  limits.messages = 1;
  authenticated();
  BOOST_TEST(line("MAIL FROM:<mallory@example.org>").substr(0, 3) == "553");
  BOOST_TEST(limits.refusals.empty());
}

BOOST_AUTO_TEST_SUITE_END()
