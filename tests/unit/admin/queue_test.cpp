// admin::Queue over a real spool: views, the bounded header section, NotFound, and each control.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "admin/queue.h"
#include "core/error.h"
#include "queue/queue_control.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "unit/queue/spool_fixture.h"

using namespace postern;
using admin::ControlOutcome;

namespace {

struct QueueFixture : testing::SpoolFixture {
  admin::OfflineControl offline{spool};
  admin::Queue queue{spool, offline};
};

// Never delivers: the manager holds every message (no attempt, no expiry).
struct NowhereTransport : queue::Transport {
  queue::AttemptResult deliver(const queue::QueuedMessage&, const std::vector<std::size_t>&) override {
    return {};
  }
  bool available() override { return false; }
};
struct NoLog : queue::DeliveryLog {
  void record(const std::vector<queue::DeliveryLogEntry>&) override {}
  void purgeBefore(std::chrono::system_clock::time_point) override {}
};

store::DeliveryLogRecord attempt(std::chrono::system_clock::time_point at, const std::string& queueId,
                                 const std::string& recipient, const std::string& outcome) {
  return store::DeliveryLogRecord{0,         at,      queueId,        "alice@example.org",
                                  recipient, outcome, "127.0.0.1:25", "250 ok"};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(queue_service, QueueFixture)

BOOST_AUTO_TEST_CASE(a_listing_shows_each_message_with_its_recipients_states) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n", "Received: x\r\n");
  const auto listing = queue.list();
  BOOST_REQUIRE(listing.messages.size() == 1u);
  const auto& m = listing.messages.front();
  BOOST_TEST(m.id == id);
  BOOST_TEST(m.sender == "alice@example.org");
  BOOST_TEST(m.size == std::string("Received: x\r\nSubject: hi\r\n\r\nbody\r\n").size());
  BOOST_TEST(!m.lastAttempt.has_value());
  BOOST_TEST(m.nextAttempt.has_value());
  BOOST_REQUIRE(m.recipients.size() == 2u);
  BOOST_TEST(m.recipients[0].address == "bob@example.com");
  BOOST_TEST(m.recipients[0].state == "pending");
  BOOST_TEST(listing.bytes == m.size);
}

BOOST_AUTO_TEST_CASE(show_gives_the_header_section_and_never_the_body) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nsecret body\r\n", "Received: x\r\n");
  const auto detail = queue.show(id);
  BOOST_REQUIRE(detail.has_value());
  BOOST_TEST(detail->headerSection == "Received: x\r\nSubject: hi\r\n");
  BOOST_TEST(!queue.show("0000000000000AA").has_value());
}

BOOST_AUTO_TEST_CASE(an_unknown_message_cannot_be_retried_or_deleted) {
  BOOST_CHECK_THROW(queue.retry("0000000000000AA"), core::NotFound);
  BOOST_CHECK_THROW(queue.remove("0000000000000AA"), core::NotFound);
}

BOOST_AUTO_TEST_CASE(without_a_server_retry_makes_pending_messages_due_at_the_next_start) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n");
  auto m = *spool.load(id);
  m.progress.nextAttempt = std::chrono::system_clock::now() + std::chrono::hours(1);
  spool.updateEnvelope(m);
  const auto outcome = queue.retry("");
  BOOST_TEST((outcome.kind == ControlOutcome::Kind::Later));
  BOOST_TEST(outcome.messages == 1u);
  BOOST_TEST(spool.load(id)->progress.nextAttempt.time_since_epoch().count() == 0);
}

BOOST_AUTO_TEST_CASE(without_a_server_delete_removes_at_once) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n");
  BOOST_TEST((queue.remove(id).kind == ControlOutcome::Kind::Done));
  BOOST_TEST(!spool.load(id).has_value());
}

BOOST_AUTO_TEST_CASE(beside_a_server_a_request_file_is_posted_and_waited_for) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n");
  std::atomic<bool> stop{false};
  std::thread server([&] {  // stands in for the manager's control poller
    while (!stop) {
      for (const auto& request : queue::scanControlRequests(spool.layout()).requests) {
        if (request.action == queue::ControlAction::Delete) spool.remove(request.id);
        queue::completeControlRequest(spool.layout(), request);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  admin::ControlFileClient client(spool, std::chrono::seconds(10));
  admin::Queue beside(spool, client);
  BOOST_TEST((beside.retry(id).kind == ControlOutcome::Kind::Done));
  BOOST_TEST((beside.remove(id).kind == ControlOutcome::Kind::Done));
  stop = true;
  server.join();
  BOOST_TEST(!spool.load(id).has_value());
}

BOOST_AUTO_TEST_CASE(a_server_that_does_not_take_the_request_is_reported_with_where_it_waits) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n");
  admin::ControlFileClient client(spool, std::chrono::milliseconds(200));
  admin::Queue beside(spool, client);
  const auto outcome = beside.retry(id);
  BOOST_TEST((outcome.kind == ControlOutcome::Kind::TimedOut));
  BOOST_TEST(outcome.detail.find("retry-" + id) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(inside_the_server_the_manager_carries_changes_out) {
  const std::string id = commitMessage("Subject: hi\r\n\r\nbody\r\n");
  NowhereTransport transport;
  NoLog log;
  queue::Manager manager(spool, transport, log, queue::ManagerOptions{});
  manager.loadSchedule();
  admin::ManagerControl control(manager, spool);
  admin::Queue inside(spool, control);
  BOOST_TEST((inside.retry(id).kind == ControlOutcome::Kind::Done));
  BOOST_TEST((inside.remove(id).kind == ControlOutcome::Kind::Done));
  BOOST_TEST(!spool.load(id).has_value());
}

BOOST_AUTO_TEST_CASE(a_page_reads_only_its_messages_in_arrival_order_and_counts_the_whole_queue) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(commitMessage("Subject: " + std::to_string(i) + "\r\n\r\nx\r\n"));
  const auto page = queue.list(1, 2);
  BOOST_TEST(page.total == 5u);
  BOOST_REQUIRE_EQUAL(page.messages.size(), 2u);
  BOOST_TEST(page.messages[0].id == ids[1]);
  BOOST_TEST(page.messages[1].id == ids[2]);
  BOOST_TEST(queue.list(4, 10).messages.size() == 1u);
  BOOST_TEST(queue.list(9, 10).messages.empty());
  BOOST_TEST(queue.list(0, 0).messages.size() == 5u);
}

BOOST_AUTO_TEST_CASE(with_an_index_the_order_and_the_total_come_from_it_not_from_the_directory) {
  const std::vector<std::string> ids{commitMessage("Subject: 0\r\n\r\nx\r\n"),
                                     commitMessage("Subject: 1\r\n\r\nx\r\n"),
                                     commitMessage("Subject: 2\r\n\r\nx\r\n")};
  struct TwoOfThree final : admin::QueueIndex {  // a message the index knows of, the directory no longer
    std::vector<std::string> ids;
    queue::QueuedIds queued(std::size_t offset, std::size_t limit) const override {
      BOOST_TEST(offset == 1u);
      BOOST_TEST(limit == 2u);
      return {7, ids};
    }
  } index;
  index.ids = {ids[2], "0000000000000AA", ids[0]};
  const admin::Queue indexed{spool, offline, nullptr, &index};
  const auto page = indexed.list(1, 2);
  BOOST_TEST(page.total == 7u);
  BOOST_REQUIRE_EQUAL(page.messages.size(), 2u);
  BOOST_TEST(page.messages[0].id == ids[2]);
  BOOST_TEST(page.messages[1].id == ids[0]);
}

BOOST_AUTO_TEST_CASE(inside_the_server_a_page_comes_from_the_managers_schedule) {
  const std::vector<std::string> ids{commitMessage("Subject: 0\r\n\r\nx\r\n"),
                                     commitMessage("Subject: 1\r\n\r\nx\r\n")};
  NowhereTransport transport;
  NoLog log;
  queue::Manager manager(spool, transport, log, queue::ManagerOptions{});
  manager.loadSchedule();
  const std::string late = commitMessage("Subject: 2\r\n\r\nx\r\n");
  manager.enqueue(late);
  admin::ManagerControl control(manager, spool);
  admin::ManagerIndex index(manager);
  const admin::Queue inside(spool, control, nullptr, &index);
  const auto page = inside.list(1, 5);
  BOOST_TEST(page.total == 3u);
  BOOST_REQUIRE_EQUAL(page.messages.size(), 2u);
  BOOST_TEST(page.messages[0].id == ids[1]);
  BOOST_TEST(page.messages[1].id == late);
}

BOOST_AUTO_TEST_CASE(the_log_search_pages_one_messages_attempts_newest_first) {
  test::FakeClock clock{testing::sampleEnvelope().arrival};
  store::Database db{dir.file("postern.db")};
  store::MigrationRunner(db, clock).run();
  store::DeliveryLogRepository log{db};
  const auto t0 = clock.now();
  log.append({attempt(t0, "A1", "bob@example.net", "deferred")});
  log.append({attempt(t0 + std::chrono::seconds(1), "B2", "carol@example.net", "delivered")});
  log.append({attempt(t0 + std::chrono::seconds(2), "A1", "bob@example.net", "delivered")});
  log.append({attempt(t0 + std::chrono::seconds(3), "A1", "dave@example.net", "failed")});
  const admin::Queue withLog{spool, offline, &log};

  const auto page = withLog.searchLog(store::DeliveryLogQuery{"A1", "BOB@", 0, 1});
  BOOST_REQUIRE_EQUAL(page.size(), 1u);
  BOOST_TEST(page[0].outcome == "delivered");
  const auto next = withLog.searchLog(store::DeliveryLogQuery{"A1", "bob@", 1, 1});
  BOOST_REQUIRE_EQUAL(next.size(), 1u);
  BOOST_TEST(next[0].outcome == "deferred");
}

BOOST_AUTO_TEST_SUITE_END()
