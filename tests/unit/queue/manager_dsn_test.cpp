// The queue manager's notices follow RFC 3461: NOTIFY picks who is told of what, RET what is returned,
// ENVID and ORCPT are echoed, and a smarthost without DSN makes Postern send the "relayed" notice.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fs/file_io.h"
#include "queue/manager.h"
#include "support/fake_clock.h"
#include "unit/queue/spool_fixture.h"

using namespace postern::queue;
using namespace std::chrono_literals;
using postern::test::FakeClock;
using postern::testing::sampleEnvelope;

namespace {

// Answers each recipient from a script keyed by address; unknown recipients are delivered. Offers DSN
// (passes the parameters on) when dsn is set.
class DsnTransport : public Transport {
 public:
  std::map<std::string, RecipientAttempt> script;
  bool dsn = false;
  std::vector<std::string> bounceCalls;  // recipients of notices handed to the transport

  AttemptResult deliver(const QueuedMessage& message, const std::vector<std::size_t>& recipients) override {
    AttemptResult result;
    result.remote = "smtp.example.net:587";
    result.dsnPassedOn = dsn;
    for (const auto i : recipients) {
      const std::string address = message.envelope.recipients[i].address.str();
      if (message.isBounce()) bounceCalls.push_back(address);
      const auto it = script.find(address);
      result.recipients.push_back(
          it == script.end() ? RecipientAttempt{AttemptOutcome::Delivered, "250 2.0.0 Ok: queued as X1"}
                             : it->second);
    }
    return result;
  }
};

class NullLog : public DeliveryLog {
 public:
  void record(const std::vector<DeliveryLogEntry>&) override {}
  void purgeBefore(std::chrono::system_clock::time_point) override {}
};

const RecipientAttempt kRefused{AttemptOutcome::Failed, "550 5.1.1 unknown user"};
const RecipientAttempt kLater{AttemptOutcome::Deferred, "451 4.3.0 later"};

struct DsnFixture : postern::testing::SpoolFixture {
  FakeClock clock;
  DsnTransport transport;
  NullLog log;
  ManagerOptions options = [] {
    ManagerOptions o;
    o.hostname = "relay.example.org";
    o.retrySchedule = {1min, 5min, 15min};
    o.maxLifetime = 2h;
    o.delayWarning = 0s;
    return o;
  }();
  std::unique_ptr<Manager> manager;
  EnvelopeData envelope = [] {
    EnvelopeData e = sampleEnvelope();  // bob@example.com, carol@example.net
    return e;
  }();
  std::string body = "Subject: hello\r\nFrom: alice@example.org\r\n\r\nHi, the body.\r\n";

  Manager& make() {
    // Notices stay queued (the sender's smarthost defers them) so the test can read them.
    transport.script.emplace("alice@example.org", kLater);
    manager = std::make_unique<Manager>(spool, transport, log, options, clock);
    manager->loadSchedule();
    return *manager;
  }

  std::string submit() {
    envelope.arrival = clock.now();
    return commitMessage(body, "Received: by relay.example.org\r\n", envelope);
  }

  Recipient& bob() { return envelope.recipients[0]; }
  Recipient& carol() { return envelope.recipients[1]; }

  // The notices now queued (every message other than id).
  std::vector<std::string> notices(const std::string& id) {
    std::vector<std::string> out;
    for (const auto& other : spool.list())
      if (other != id) out.push_back(postern::fs::readFile(spool.load(other)->bodyPath));
    return out;
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(manager_dsn, DsnFixture)

BOOST_AUTO_TEST_CASE(notify_never_gets_no_bounce) {
  carol().notify = notify::kNever;
  transport.script["carol@example.net"] = kRefused;
  const std::string id = submit();
  make().runDue();
  BOOST_TEST(notices(id).empty());
  BOOST_TEST(spool.list().empty());  // bob delivered, carol failed and (by her choice) not reported
}

BOOST_AUTO_TEST_CASE(notify_without_failure_gets_no_bounce) {
  carol().notify = notify::kSuccess | notify::kDelay;
  transport.script["carol@example.net"] = kRefused;
  transport.dsn = true;  // no relayed notice either: the smarthost reports bob's success
  bob().notify = notify::kSuccess;
  const std::string id = submit();
  make().runDue();
  BOOST_TEST(notices(id).empty());
}

BOOST_AUTO_TEST_CASE(no_notify_and_notify_failure_get_a_bounce_for_just_those) {
  bob().notify = notify::kNever;
  carol().notify = notify::kFailure;
  transport.script["bob@example.com"] = kRefused;
  transport.script["carol@example.net"] = kRefused;
  const std::string id = submit();
  make().runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Final-Recipient: rfc822;carol@example.net\r\nAction: failed\r\n"));
  BOOST_TEST(!has(found[0], "bob@example.com"));
}

BOOST_AUTO_TEST_CASE(the_bounce_carries_envid_and_orcpt_rfc3464) {
  envelope.envid = "QQ314159";
  carol().orcptType = "rfc822";
  carol().orcpt = "Carol@old.example";
  transport.script["carol@example.net"] = kRefused;
  const std::string id = submit();
  make().runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(
      has(found[0], "\r\n\r\nOriginal-Envelope-Id: QQ314159\r\nReporting-MTA: dns;relay.example.org\r\n"));
  BOOST_TEST(has(found[0],
                 "\r\nOriginal-Recipient: rfc822;Carol@old.example\r\n"
                 "Final-Recipient: rfc822;carol@example.net\r\n"));
}

BOOST_AUTO_TEST_CASE(notify_success_to_a_smarthost_without_dsn_gets_a_relayed_notice) {
  bob().notify = notify::kSuccess | notify::kFailure;
  bob().orcptType = "rfc822";
  bob().orcpt = "bob@old.example";
  envelope.envid = "E-1";
  const std::string id = submit();
  make().runDue();
  BOOST_TEST(!spool.load(id).has_value());  // delivered, and the notice is queued
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  const std::string& n = found[0];
  BOOST_TEST(has(n, "Subject: Successful Mail Delivery Report\r\n"));
  BOOST_TEST(has(n, "Original-Envelope-Id: E-1\r\n"));
  BOOST_TEST(has(n,
                 "Original-Recipient: rfc822;bob@old.example\r\nFinal-Recipient: rfc822;bob@example.com\r\n"
                 "Action: relayed\r\nStatus: 2.0.0\r\n"));
  BOOST_TEST(!has(n, "carol@example.net"));  // carol asked for nothing on success
  BOOST_TEST(has(n, "Content-Type: text/rfc822-headers\r\n"));
  BOOST_TEST(!has(n, "Hi, the body."));
}

BOOST_AUTO_TEST_CASE(notify_success_to_a_smarthost_with_dsn_is_left_to_it) {
  bob().notify = notify::kSuccess;
  transport.dsn = true;
  const std::string id = submit();
  make().runDue();
  BOOST_TEST(spool.list().empty());
}

BOOST_AUTO_TEST_CASE(a_relayed_notice_owed_survives_a_restart) {
  bob().notify = notify::kSuccess;
  bob().state = DeliveryState::Delivered;
  bob().relayed = true;  // delivered without DSN; the notice was not yet queued when Postern stopped
  carol().state = DeliveryState::Delivered;
  const std::string id = submit();
  make().runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Action: relayed"));
  BOOST_TEST(!spool.load(id).has_value());
}

BOOST_AUTO_TEST_CASE(delay_warnings_only_for_recipients_that_asked_for_delay) {
  options.delayWarning = 10min;
  bob().notify = notify::kFailure;  // no DELAY: not warned
  carol().notify = notify::kDelay | notify::kSuccess;
  transport.script["bob@example.com"] = kLater;
  transport.script["carol@example.net"] = kLater;
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  clock.advance(11min);
  m.runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Final-Recipient: rfc822;carol@example.net\r\nAction: delayed\r\n"));
  BOOST_TEST(!has(found[0], "Final-Recipient: rfc822;bob@example.com"));
}

BOOST_AUTO_TEST_CASE(no_delay_warning_when_nobody_asked_for_one_and_it_is_not_asked_again) {
  options.delayWarning = 10min;
  bob().notify = notify::kFailure;
  carol().notify = notify::kNever;
  transport.script["bob@example.com"] = kLater;
  transport.script["carol@example.net"] = kLater;
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  clock.advance(11min);
  m.runDue();
  BOOST_TEST(notices(id).empty());
  BOOST_TEST(spool.load(id)->progress.delayWarned);
}

BOOST_AUTO_TEST_CASE(without_notify_delays_are_warned_as_before) {
  options.delayWarning = 10min;
  transport.script["bob@example.com"] = kLater;
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  clock.advance(11min);
  m.runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Final-Recipient: rfc822;bob@example.com\r\nAction: delayed\r\n"));
}

BOOST_AUTO_TEST_CASE(ret_full_returns_the_whole_message_in_a_bounce_rfc3461_4_3) {
  envelope.dsnReturn = DsnReturn::Full;
  transport.script["carol@example.net"] = kRefused;
  const std::string id = submit();
  make().runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0],
                 "Content-Description: Undelivered message\r\nContent-Type: message/rfc822\r\n\r\n"
                 "Received: by relay.example.org\r\nSubject: hello\r\nFrom: alice@example.org\r\n"
                 "\r\nHi, the body.\r\n"));
}

BOOST_AUTO_TEST_CASE(ret_hdrs_and_no_ret_return_the_header_section_only) {
  for (const DsnReturn ret : {DsnReturn::Headers, DsnReturn::Unspecified}) {
    envelope.dsnReturn = ret;
    transport.script["carol@example.net"] = kRefused;
    const std::string id = submit();
    Manager& m = make();
    m.runDue();
    const auto found = notices(id);
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(has(found[0], "Content-Type: text/rfc822-headers\r\n\r\nReceived: by relay.example.org\r\n"));
    BOOST_TEST(!has(found[0], "Hi, the body."));
    for (const auto& other : spool.list()) spool.remove(other);
  }
}

BOOST_AUTO_TEST_CASE(ret_full_of_a_message_over_the_cap_returns_the_headers_and_says_so) {
  envelope.dsnReturn = DsnReturn::Full;
  body += std::string(Spool::kReturnedMessageLimit, 'x') + "\r\n";
  transport.script["carol@example.net"] = kRefused;
  const std::string id = submit();
  make().runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Content-Type: text/rfc822-headers\r\n"));
  BOOST_TEST(has(found[0], "too large to return in full"));
  BOOST_TEST(!has(found[0], "Hi, the body."));
}

BOOST_AUTO_TEST_CASE(ret_full_does_not_put_the_body_in_a_delay_warning) {
  options.delayWarning = 10min;
  envelope.dsnReturn = DsnReturn::Full;
  transport.script["bob@example.com"] = kLater;
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  clock.advance(11min);
  m.runDue();
  const auto found = notices(id);
  BOOST_TEST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0], "Action: delayed"));
  BOOST_TEST(!has(found[0], "Hi, the body."));
}

BOOST_AUTO_TEST_SUITE_END()
