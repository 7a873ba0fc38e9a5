#include <boost/test/unit_test.hpp>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fs/file_io.h"
#include "queue/manager.h"
#include "queue/queue_control.h"
#include "support/fake_clock.h"
#include "unit/queue/spool_fixture.h"

using namespace postern::queue;
using namespace std::chrono_literals;
using postern::test::FakeClock;
using postern::testing::sampleEnvelope;

namespace {

// Answers each recipient from a script keyed by address ("bob@example.com" → outcome, reply); unknown
// recipients are delivered. Records every call.
class ScriptedTransport : public Transport {
 public:
  struct Answer {
    AttemptOutcome outcome;
    std::string reply;
  };
  std::map<std::string, Answer> script;
  std::function<void(const QueuedMessage&)> during;
  struct Call {
    std::string id;
    std::vector<std::string> recipients;
    bool bounce;
  };
  std::vector<Call> calls;
  std::mutex mutex;

  AttemptResult deliver(const QueuedMessage& message, const std::vector<std::size_t>& recipients) override {
    if (during) during(message);
    AttemptResult result;
    result.remote = "smtp.example.net:587";
    Call call{message.id, {}, message.isBounce()};
    for (const auto i : recipients) {
      const std::string address = message.envelope.recipients[i].address.str();
      call.recipients.push_back(address);
      const auto it = script.find(address);
      result.recipients.push_back(
          it == script.end() ? RecipientAttempt{AttemptOutcome::Delivered, "250 2.0.0 Ok: queued as X1"}
                             : RecipientAttempt{it->second.outcome, it->second.reply});
    }
    std::lock_guard lock(mutex);
    calls.push_back(std::move(call));
    return result;
  }
};

class MemoryLog : public DeliveryLog {
 public:
  std::vector<DeliveryLogEntry> entries;
  std::chrono::system_clock::time_point purgedBefore;
  std::mutex mutex;
  void record(const std::vector<DeliveryLogEntry>& e) override {
    std::lock_guard lock(mutex);
    entries.insert(entries.end(), e.begin(), e.end());
  }
  void purgeBefore(std::chrono::system_clock::time_point cutoff) override { purgedBefore = cutoff; }
};

struct ManagerFixture : postern::testing::SpoolFixture {
  FakeClock clock;
  ScriptedTransport transport;
  MemoryLog log;
  ManagerOptions options = [] {
    ManagerOptions o;
    o.hostname = "relay.example.org";
    o.retrySchedule = {1min, 5min, 15min};
    o.maxLifetime = 2h;
    o.delayWarning = 0s;
    return o;
  }();
  std::unique_ptr<Manager> manager;

  Manager& make() {
    manager = std::make_unique<Manager>(spool, transport, log, options, clock);
    manager->loadSchedule();
    return *manager;
  }

  std::string submit(const std::string& body = "Subject: hello\r\nFrom: alice@example.org\r\n\r\nHi.\r\n") {
    auto envelope = sampleEnvelope();
    envelope.arrival = clock.now();
    return commitMessage(body, "Received: by relay.example.org\r\n", envelope);
  }

  // The messages now queued other than those given.
  std::vector<QueuedMessage> others(const std::vector<std::string>& known) {
    std::vector<QueuedMessage> out;
    for (const auto& id : spool.list())
      if (std::find(known.begin(), known.end(), id) == known.end()) out.push_back(*spool.load(id));
    return out;
  }
};

std::string bodyOf(const QueuedMessage& m) { return postern::fs::readFile(m.bodyPath); }

// What the "queue" logger writes while it lives; the previous channel and level come back afterwards.
class QueueLogCapture final : public Poco::Channel {
 public:
  static Poco::AutoPtr<QueueLogCapture> install() {
    Poco::AutoPtr<QueueLogCapture> capture(new QueueLogCapture);
    auto& logger = Poco::Logger::get("queue");
    capture->previous_ = logger.getChannel();
    capture->previousLevel_ = logger.getLevel();
    logger.setChannel(capture);
    logger.setLevel(Poco::Message::PRIO_DEBUG);
    return capture;
  }
  void uninstall() {
    auto& logger = Poco::Logger::get("queue");
    logger.setChannel(previous_);
    logger.setLevel(previousLevel_);
  }
  void log(const Poco::Message& msg) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(msg.getText());
  }
  std::size_t countContaining(const std::string& text) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(lines_.begin(), lines_.end(), [&](const std::string& l) {
      return l.find(text) != std::string::npos;
    }));
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  Poco::Channel::Ptr previous_;
  int previousLevel_ = 0;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(manager, ManagerFixture)

BOOST_AUTO_TEST_CASE(a_delivered_message_is_sent_once_then_leaves_the_queue) {
  const std::string id = submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(m.runDue() == 0u);
  BOOST_TEST_REQUIRE(transport.calls.size() == 1u);
  BOOST_TEST(transport.calls[0].recipients ==
             (std::vector<std::string>{"bob@example.com", "carol@example.net"}));
  BOOST_TEST(spool.list().empty());
  BOOST_TEST(queueNames().empty());
  BOOST_TEST_REQUIRE(log.entries.size() == 2u);
  BOOST_TEST(log.entries[0].queueId == id);
  BOOST_TEST(log.entries[0].outcome == "delivered");
  BOOST_TEST(log.entries[0].remote == "smtp.example.net:587");
  BOOST_TEST(log.entries[0].reply == "250 2.0.0 Ok: queued as X1");
}

BOOST_AUTO_TEST_CASE(deferred_recipients_are_retried_on_the_schedule_and_only_they) {
  transport.script["carol@example.net"] = {AttemptOutcome::Deferred, "450 4.2.0 try later"};
  const std::string id = submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 1u);
  auto queued = spool.load(id);
  BOOST_TEST_REQUIRE(queued.has_value());
  BOOST_TEST((queued->envelope.recipients[0].state == DeliveryState::Delivered));
  BOOST_TEST((queued->envelope.recipients[1].state == DeliveryState::Pending));
  BOOST_TEST(queued->envelope.recipients[1].reply == "450 4.2.0 try later");
  BOOST_TEST(queued->progress.attempts == 1u);
  BOOST_TEST((queued->progress.nextAttempt == clock.now() + 1min));

  clock.advance(59s);
  BOOST_TEST(m.runDue() == 0u);
  clock.advance(1s);
  BOOST_TEST(m.runDue() == 1u);  // still deferred: next step is 5 minutes
  BOOST_TEST((spool.load(id)->progress.nextAttempt == clock.now() + 5min));
  transport.script.clear();
  clock.advance(5min);
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(spool.list().empty());
  BOOST_TEST_REQUIRE(transport.calls.size() == 3u);
  BOOST_TEST(transport.calls[2].recipients == std::vector<std::string>{"carol@example.net"});
}

BOOST_AUTO_TEST_CASE(the_last_retry_step_repeats_and_never_passes_the_lifetime) {
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  transport.script["carol@example.net"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string id = submit();
  Manager& m = make();
  const auto arrival = clock.now();
  std::vector<std::chrono::seconds> gaps;
  auto last = clock.now();
  for (int i = 0; i < 8 && !spool.list().empty(); ++i) {
    BOOST_TEST(m.runDue() == 1u);
    if (spool.list().empty()) break;
    const auto next = spool.load(id)->progress.nextAttempt;
    gaps.push_back(std::chrono::duration_cast<std::chrono::seconds>(next - clock.now()));
    clock.advance(next - clock.now());
    last = clock.now();
  }
  // 1m, 5m, 15m, 15m, ... capped so the expiry attempt happens exactly at arrival + 2h.
  BOOST_TEST_REQUIRE(gaps.size() >= 4u);
  BOOST_TEST(gaps[0].count() == 60);
  BOOST_TEST(gaps[1].count() == 300);
  BOOST_TEST(gaps[2].count() == 900);
  BOOST_TEST(gaps[3].count() == 900);
  BOOST_TEST((last <= arrival + 2h));
}

BOOST_AUTO_TEST_CASE(a_refused_recipient_is_bounced_to_the_sender_with_a_dsn) {
  transport.script["carol@example.net"] = {AttemptOutcome::Failed,
                                           "550 5.1.1 <carol@example.net>: Recipient address rejected"};
  const std::string id = submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 2u);  // the message, then its bounce (scheduled at once)
  BOOST_TEST(spool.list().empty());
  BOOST_TEST_REQUIRE(transport.calls.size() == 2u);
  BOOST_TEST(transport.calls[1].bounce);
  BOOST_TEST(transport.calls[1].recipients == std::vector<std::string>{"alice@example.org"});
}

BOOST_AUTO_TEST_CASE(bounce_content_names_the_failed_recipient_and_carries_the_headers) {
  transport.script["carol@example.net"] = {AttemptOutcome::Failed, "550 5.1.1 unknown user"};
  transport.script["alice@example.org"] = {AttemptOutcome::Deferred,
                                           "451 4.3.0 later"};  // keep the bounce queued
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  const auto bounces = others({});
  BOOST_TEST_REQUIRE(bounces.size() == 1u);
  const QueuedMessage& b = bounces[0];
  BOOST_TEST(b.isBounce());
  const std::string text = bodyOf(b);
  BOOST_TEST(text.find("Final-Recipient: rfc822;carol@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n") !=
             std::string::npos);
  BOOST_TEST(text.find("bob@example.com") == std::string::npos);  // delivered: not in the report
  BOOST_TEST(text.find("Received: by relay.example.org\r\nSubject: hello\r\nFrom: alice@example.org\r\n") !=
             std::string::npos);
  BOOST_TEST(text.find("Hi.") == std::string::npos);  // headers only, never the body
  BOOST_TEST(text.find("X-Postern-Queue-ID: " + id) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_bounce_that_fails_is_dropped_not_bounced_again) {
  transport.script["carol@example.net"] = {AttemptOutcome::Failed, "550 5.1.1 unknown user"};
  transport.script["alice@example.org"] = {AttemptOutcome::Failed, "550 5.1.1 no such sender mailbox"};
  submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 2u);
  BOOST_TEST(m.runDue() == 0u);
  BOOST_TEST(spool.list().empty());
  BOOST_TEST(transport.calls.size() == 2u);
}

BOOST_AUTO_TEST_CASE(expiry_fails_the_pending_recipients_and_bounces_with_the_last_error) {
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred,
                                         "connect to smtp.example.net:587: Connection refused"};
  transport.script["alice@example.org"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string id = submit();
  Manager& m = make();
  m.runDue();  // bob deferred, carol delivered
  clock.advance(2h);
  BOOST_TEST(m.runDue() == 2u);  // the expiry, then the bounce it queued
  BOOST_TEST(!spool.load(id).has_value());
  const auto bounces = others({});
  BOOST_TEST_REQUIRE(bounces.size() == 1u);
  const std::string text = bodyOf(bounces[0]);
  BOOST_TEST(text.find("Final-Recipient: rfc822;bob@example.com\r\nAction: failed\r\nStatus: 4.4.7\r\n") !=
             std::string::npos);
  BOOST_TEST(text.find("delivery time expired; last error: connect to smtp.example.net:587") !=
             std::string::npos);
  BOOST_TEST(std::count_if(log.entries.begin(), log.entries.end(),
                           [](const DeliveryLogEntry& e) { return e.outcome == "expired"; }) == 1);
  BOOST_TEST_REQUIRE(transport.calls.size() == 2u);  // expiry itself makes no attempt
  BOOST_TEST(transport.calls[1].bounce);
}

BOOST_AUTO_TEST_CASE(a_delay_warning_is_sent_once) {
  options.delayWarning = 10min;
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  transport.script["carol@example.net"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  transport.script["alice@example.org"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string id = submit();
  Manager& m = make();
  m.runDue();
  BOOST_TEST(others({id}).empty());
  clock.advance(6min);
  m.runDue();
  BOOST_TEST(others({id}).empty());  // 6 minutes: not yet
  clock.advance(15min);
  m.runDue();
  const auto warnings = others({id});
  BOOST_TEST_REQUIRE(warnings.size() == 1u);
  const std::string text = bodyOf(warnings[0]);
  BOOST_TEST(text.find("Action: delayed") != std::string::npos);
  BOOST_TEST(text.find("Final-Recipient: rfc822;carol@example.net") != std::string::npos);
  BOOST_TEST(spool.load(id)->progress.delayWarned);
  clock.advance(15min);
  m.runDue();
  BOOST_TEST(others({id}).size() == 1u);  // still one warning
}

BOOST_AUTO_TEST_CASE(a_restarted_manager_resumes_the_schedule_from_the_envelopes) {
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string id = submit();
  make().runDue();
  manager.reset();
  Manager& again = make();
  BOOST_TEST(again.runDue() == 0u);  // next attempt is a minute away, not now
  clock.advance(1min);
  transport.script.clear();
  BOOST_TEST(again.runDue() == 1u);
  BOOST_TEST(spool.list().empty());
  BOOST_TEST(transport.calls.back().recipients == std::vector<std::string>{"bob@example.com"});
}

BOOST_AUTO_TEST_CASE(control_requests_retry_and_delete) {
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string a = submit();
  const std::string b = submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 2u);
  postControlRequest(spool.layout(), ControlRequest{ControlAction::Retry, a});
  postControlRequest(spool.layout(), ControlRequest{ControlAction::Delete, b});
  BOOST_TEST(controlRequestPending(spool.layout(), ControlRequest{ControlAction::Retry, a}));
  m.pollControlRequests();
  BOOST_TEST(!controlRequestPending(spool.layout(), ControlRequest{ControlAction::Retry, a}));
  BOOST_TEST(!controlRequestPending(spool.layout(), ControlRequest{ControlAction::Delete, b}));
  BOOST_TEST(!spool.load(b).has_value());
  BOOST_TEST(m.runDue() == 1u);  // a, at once
  postControlRequest(spool.layout(), ControlRequest{ControlAction::Retry, ""});
  m.pollControlRequests();
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(others({}).size() == 1u);  // no bounce for the deleted one
}

BOOST_AUTO_TEST_CASE(a_bad_control_entry_is_skipped_and_logged_once_while_the_good_requests_are_carried_out) {
  auto capture = QueueLogCapture::install();
  struct Restore {
    QueueLogCapture& capture;
    ~Restore() { capture.uninstall(); }
  } restore{*capture};
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string a = submit();
  const std::string b = submit();
  Manager& m = make();
  BOOST_TEST(m.runDue() == 2u);
  const auto& control = spool.layout().control;
  std::filesystem::create_directories(control / "aaa-directory" / "inside");  // sorts first
  std::filesystem::create_directories(control / ("retry-" + b) / "inside");   // a request's name
  postControlRequest(spool.layout(), ControlRequest{ControlAction::Delete, a});
  m.pollControlRequests();
  BOOST_TEST(!controlRequestPending(spool.layout(), ControlRequest{ControlAction::Delete, a}));
  BOOST_TEST(!spool.load(a).has_value());
  BOOST_TEST(m.runDue() == 0u);  // b was not made due by the directory named like its retry

  for (int poll = 0; poll < 5; ++poll) m.pollControlRequests();
  postControlRequest(spool.layout(), ControlRequest{ControlAction::Retry, ""});
  m.pollControlRequests();
  BOOST_TEST(!controlRequestPending(spool.layout(), ControlRequest{ControlAction::Retry, ""}));
  BOOST_TEST(m.runDue() == 1u);  // b, at once

  BOOST_TEST(capture->countContaining("aaa-directory") == 1u);
  BOOST_TEST(capture->countContaining("retry-" + b) == 1u);
  BOOST_TEST(std::filesystem::is_directory(control / "aaa-directory"));  // left for the administrator

  // Once it is gone and comes back, it is news again.
  std::filesystem::remove_all(control / "aaa-directory");
  m.pollControlRequests();
  std::filesystem::create_directories(control / "aaa-directory");
  m.pollControlRequests();
  BOOST_TEST(capture->countContaining("aaa-directory") == 2u);
}

BOOST_AUTO_TEST_CASE(a_delivery_log_line_holds_each_client_or_server_chosen_value_in_one_field) {
  auto capture = QueueLogCapture::install();
  struct Restore {
    QueueLogCapture& capture;
    ~Restore() { capture.uninstall(); }
  } restore{*capture};
  auto envelope = sampleEnvelope();
  envelope.arrival = clock.now();
  // A quoted local part may hold spaces and '=' (RFC 5321 §4.1.2); the smarthost's reply is its own text.
  envelope.recipients = {Recipient::pending({"\"x status=sent relay=evil\"", "example.net"}),
                         Recipient::pending({"bob", "example.com"})};
  transport.script["\"x status=sent relay=evil\"@example.net"] = {AttemptOutcome::Deferred,
                                                                  "451 4.3.0 later\x1b[2J status=sent"};
  commitMessage("Subject: hello\r\nFrom: alice@example.org\r\n\r\nHi.\r\n", "", envelope);
  Manager& m = make();
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(capture->countContaining(
                 ": to=\"<\\\"x status=sent relay=evil\\\"@example.net>\", relay=smtp.example.net:587, "
                 "delay=0s, attempts=1, status=deferred, reply=\"451 4.3.0 later\\x1b[2J "
                 "status=sent\"") == 1u);
  // A plain address stays as it always was: to=<bob@example.com>.
  BOOST_TEST(
      capture->countContaining(": to=<bob@example.com>, relay=smtp.example.net:587, delay=0s, attempts=1, "
                               "status=sent, reply=\"250 2.0.0 Ok: queued as X1\"") == 1u);
  BOOST_TEST(capture->countContaining("\x1b") == 0u);
}

BOOST_AUTO_TEST_CASE(deleting_a_message_during_its_attempt_removes_it_afterwards) {
  transport.script["bob@example.com"] = {AttemptOutcome::Deferred, "451 4.3.0 later"};
  const std::string id = submit();
  Manager& m = make();
  transport.during = [&](const QueuedMessage& msg) { BOOST_TEST(m.remove(msg.id)); };
  m.runDue();
  BOOST_TEST(!spool.load(id).has_value());
  BOOST_TEST(queueNames().empty());
}

BOOST_AUTO_TEST_CASE(workers_deliver_everything_exactly_once) {
  ManagerOptions o = options;
  o.workers = 4;
  o.maxSleep = 20ms;
  o.controlPollInterval = 20ms;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(submit());
  Manager threaded(spool, transport, log, o, postern::core::SystemClock::instance());
  threaded.loadSchedule();
  threaded.start();
  for (int i = 0; i < 40; ++i) ids.push_back(submit()), threaded.enqueue(ids.back());
  for (int i = 0; i < 1000 && !spool.list().empty(); ++i) std::this_thread::sleep_for(10ms);
  BOOST_TEST(threaded.stop(5s));
  BOOST_TEST(spool.list().empty());
  std::map<std::string, int> seen;
  for (const auto& call : transport.calls) ++seen[call.id];
  BOOST_TEST(seen.size() == 80u);
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(manager_hold, ManagerFixture)

BOOST_AUTO_TEST_CASE(an_unavailable_transport_holds_the_queue_without_expiring_it) {
  struct Held : ScriptedTransport {
    bool open = false;
    bool available() override { return open; }
  } held;
  const std::string id = submit();
  Manager m(spool, held, log, options, clock);
  m.loadSchedule();
  clock.advance(3h);  // past the lifetime
  BOOST_TEST(m.runDue() == 0u);
  BOOST_TEST(held.calls.empty());
  BOOST_TEST(spool.load(id)->progress.attempts == 0u);
  held.open = true;
  BOOST_TEST(m.runDue() == 1u);  // attempted (and delivered) before anything expires
  BOOST_TEST(held.calls.size() == 1u);
  BOOST_TEST(spool.list().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(manager_busy, ManagerFixture)

BOOST_AUTO_TEST_CASE(a_busy_route_puts_the_message_back_without_counting_an_attempt) {
  struct Busy : ScriptedTransport {
    bool busy = true;
    AttemptResult deliver(const QueuedMessage& m, const std::vector<std::size_t>& r) override {
      if (!busy) return ScriptedTransport::deliver(m, r);
      AttemptResult result;
      result.notAttempted = true;
      return result;
    }
  } transport2;
  const std::string id = submit();
  Manager m(spool, transport2, log, options, clock);
  m.loadSchedule();
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(spool.load(id)->progress.attempts == 0u);
  BOOST_TEST(log.entries.empty());
  BOOST_TEST(m.runDue() == 0u);  // not again at once
  transport2.busy = false;
  clock.advance(1s);
  BOOST_TEST(m.runDue() == 1u);
  BOOST_TEST(spool.list().empty());
}

BOOST_AUTO_TEST_SUITE_END()
