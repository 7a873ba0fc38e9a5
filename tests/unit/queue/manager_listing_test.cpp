// queue::Manager::queued(): the queue list served from the schedule, without the spool directory.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "queue/manager.h"
#include "support/fake_clock.h"
#include "unit/queue/spool_fixture.h"

using namespace postern::queue;
using namespace std::chrono_literals;
using postern::test::FakeClock;

namespace {

// Defers every recipient; `during` runs inside the attempt, while the message is in flight.
struct DeferringTransport : Transport {
  std::function<void(const QueuedMessage&)> during;
  AttemptResult deliver(const QueuedMessage& message, const std::vector<std::size_t>& recipients) override {
    if (during) during(message);
    AttemptResult result;
    for (std::size_t i = 0; i < recipients.size(); ++i)
      result.recipients.push_back({AttemptOutcome::Deferred, "451 4.3.0 later"});
    return result;
  }
};

struct NoLog : DeliveryLog {
  void record(const std::vector<DeliveryLogEntry>&) override {}
  void purgeBefore(std::chrono::system_clock::time_point) override {}
};

struct ListingFixture : postern::testing::SpoolFixture {
  FakeClock clock;
  DeferringTransport transport;
  NoLog log;
  Manager manager{spool, transport, log,
                  [] {
                    ManagerOptions o;
                    o.delayWarning = 0s;
                    return o;
                  }(),
                  clock};

  std::string submit() {
    auto envelope = postern::testing::sampleEnvelope();
    envelope.arrival = clock.now();  // young: no expiry, no bounce
    return commitMessage("Subject: hi\r\n\r\nbody\r\n", "", envelope);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(manager_listing, ListingFixture)

BOOST_AUTO_TEST_CASE(the_loaded_schedule_lists_every_message_in_arrival_order_with_the_total) {
  const std::vector<std::string> ids{submit(), submit(), submit()};
  manager.loadSchedule();
  const QueuedIds all = manager.queued(0, 0);
  BOOST_TEST(all.total == 3u);
  BOOST_TEST(all.ids == ids);
  BOOST_TEST(std::is_sorted(all.ids.begin(), all.ids.end()));
}

BOOST_AUTO_TEST_CASE(a_page_holds_only_its_ids_and_the_total_of_the_whole_queue) {
  const std::vector<std::string> ids{submit(), submit(), submit(), submit()};
  manager.loadSchedule();
  const QueuedIds page = manager.queued(1, 2);
  BOOST_TEST(page.total == 4u);
  BOOST_TEST(page.ids == (std::vector<std::string>{ids[1], ids[2]}));
  BOOST_TEST(manager.queued(3, 10).ids == std::vector<std::string>{ids[3]});
}

BOOST_AUTO_TEST_CASE(a_page_past_the_end_is_empty_and_keeps_the_total) {
  submit();
  manager.loadSchedule();
  const QueuedIds page = manager.queued(5, 10);
  BOOST_TEST(page.total == 1u);
  BOOST_TEST(page.ids.empty());
  BOOST_TEST(manager.queued(static_cast<std::size_t>(-1), static_cast<std::size_t>(-1)).ids.empty());
}

BOOST_AUTO_TEST_CASE(a_message_enqueued_after_start_is_listed_before_its_first_attempt) {
  manager.loadSchedule();
  const std::string id = submit();
  manager.enqueue(id);
  BOOST_TEST(manager.queued(0, 0).ids == std::vector<std::string>{id});
}

BOOST_AUTO_TEST_CASE(a_message_in_an_attempt_is_still_listed_in_its_place) {
  const std::vector<std::string> ids{submit(), submit()};
  manager.loadSchedule();
  std::vector<std::vector<std::string>> seen;
  transport.during = [&](const QueuedMessage&) { seen.push_back(manager.queued(0, 0).ids); };
  BOOST_TEST(manager.runDue() == 2u);
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0] == ids);  // the first in flight, the second scheduled
  BOOST_TEST(seen[1] == ids);  // the first scheduled again, the second in flight
  BOOST_TEST(manager.queued(0, 0).ids == ids);
}

BOOST_AUTO_TEST_CASE(a_removed_message_leaves_the_listing) {
  const std::vector<std::string> ids{submit(), submit()};
  manager.loadSchedule();
  BOOST_TEST(manager.remove(ids[0]));
  const QueuedIds after = manager.queued(0, 0);
  BOOST_TEST(after.total == 1u);
  BOOST_TEST(after.ids == std::vector<std::string>{ids[1]});
}

BOOST_AUTO_TEST_CASE(an_unreadable_envelope_stays_listed_until_it_is_removed) {
  const std::string good = submit();
  const std::string bad = submit();
  std::ofstream(spool.layout().queuedEnvelope(bad), std::ios::trunc) << "not an envelope";
  manager.loadSchedule();
  BOOST_TEST(manager.counts().scheduled == 1u);
  BOOST_TEST(manager.queued(0, 0).ids == (std::vector<std::string>{good, bad}));
  BOOST_TEST(manager.remove(bad));
  BOOST_TEST(manager.queued(0, 0).ids == std::vector<std::string>{good});
}

BOOST_AUTO_TEST_SUITE_END()
