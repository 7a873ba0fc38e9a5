#define BOOST_TEST_MODULE limits
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "limits/sending_limits.h"
#include "support/fake_clock.h"

using namespace postern::limits;
using postern::test::FakeClock;
using namespace std::chrono_literals;

namespace {
// A UsageStore in memory, whose add() may be made to fail.
class MemoryStore final : public UsageStore {
 public:
  std::vector<UsageBucket> loadSince(std::int64_t sinceMinute) override {
    std::vector<UsageBucket> out;
    for (const auto& b : rows)
      if (b.minute >= sinceMinute) out.push_back(b);
    return out;
  }
  void add(const std::vector<UsageBucket>& deltas) override {
    ++writes;
    if (failing) throw std::runtime_error("disk I/O error");
    for (const auto& d : deltas) {
      bool found = false;
      for (auto& r : rows)
        if (r.login == d.login && r.minute == d.minute) {
          r.messages += d.messages;
          r.recipients += d.recipients;
          r.refusals += d.refusals;
          found = true;
        }
      if (!found) rows.push_back(d);
    }
  }
  void purgeBefore(std::int64_t beforeMinute) override {
    std::erase_if(rows, [&](const UsageBucket& b) { return b.minute < beforeMinute; });
  }
  std::vector<UsageBucket> rows;
  bool failing = false;
  std::atomic<int> writes{0};
};

struct Fixture {
  FakeClock clock;  // starts on a minute boundary
  SendingCounter counter{clock, 100};
};
}  // namespace

BOOST_AUTO_TEST_SUITE(sending_limits)

BOOST_AUTO_TEST_CASE(a_user_override_wins_over_the_default_and_null_keeps_the_default) {
  const Limits defaults{200, 1000};
  const Limits mine = effectiveLimits(defaults, Overrides{5, std::nullopt});
  BOOST_TEST(mine.messagesPerHour == 5u);
  BOOST_TEST(mine.recipientsPerDay == 1000u);
  const Limits none = effectiveLimits(defaults, Overrides{});
  BOOST_TEST(none.messagesPerHour == 200u);
}

BOOST_AUTO_TEST_CASE(zero_means_unlimited_whatever_the_use) {
  const Allowance left = allowance(Limits{0, 0}, Usage{1000000, 1000000, 0, std::nullopt});
  BOOST_TEST(!left.messages.has_value());
  BOOST_TEST(!left.recipients.has_value());
  // An override of 0 lifts a default limit.
  const Limits lifted = effectiveLimits(Limits{2, 10}, Overrides{0, 0});
  BOOST_TEST(!allowance(lifted, Usage{5, 50, 0, std::nullopt}).messages.has_value());
}

BOOST_AUTO_TEST_CASE(allowance_is_what_is_left_and_never_below_zero) {
  const Allowance left = allowance(Limits{3, 10}, Usage{2, 12, 0, std::nullopt});
  BOOST_TEST(*left.messages == 1u);
  BOOST_TEST(*left.recipients == 0u);
}

BOOST_FIXTURE_TEST_CASE(messages_count_for_sixty_minutes_then_age_out, Fixture) {
  clock.advance(30s);  // 10:00:30
  counter.charge("alice@example.org", 3);
  clock.advance(20min);
  counter.charge("alice@example.org", 1);
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 2u);
  clock.advance(39min);  // 10:59:30: both still inside the hour
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 2u);
  clock.advance(30s);  // 11:00:00: the first one's minute has left the window
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 1u);
  clock.advance(20min);
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 0u);
  // Recipients stay for the day.
  BOOST_TEST(counter.usage("alice@example.org").recipientsLastDay == 4u);
}

BOOST_FIXTURE_TEST_CASE(recipients_count_for_twenty_four_hours, Fixture) {
  counter.charge("alice@example.org", 7);
  clock.advance(23h + 59min);
  BOOST_TEST(counter.usage("alice@example.org").recipientsLastDay == 7u);
  clock.advance(1min);
  BOOST_TEST(counter.usage("alice@example.org").recipientsLastDay == 0u);
  BOOST_TEST(counter.all().empty());
}

BOOST_FIXTURE_TEST_CASE(logins_are_counted_apart, Fixture) {
  counter.charge("alice@example.org", 1);
  counter.charge("bob@example.org", 2);
  counter.charge("bob@example.org", 2);
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 1u);
  BOOST_TEST(counter.usage("bob@example.org").messagesLastHour == 2u);
  BOOST_TEST(counter.usage("carol@example.org").messagesLastHour == 0u);
  const auto all = counter.all();
  BOOST_TEST(all.size() == 2u);
  BOOST_TEST(all[0].first == "alice@example.org");
}

BOOST_FIXTURE_TEST_CASE(refusals_are_remembered_for_the_day_with_their_time, Fixture) {
  clock.advance(5min + 10s);
  counter.recordRefusal("alice@example.org");
  const Usage u = counter.usage("alice@example.org");
  BOOST_TEST(u.refusalsLastDay == 1u);
  BOOST_TEST(u.messagesLastHour == 0u);
  BOOST_REQUIRE(u.lastRefusal.has_value());
  BOOST_TEST((clock.now() - *u.lastRefusal < 1min));
}

BOOST_FIXTURE_TEST_CASE(memory_is_bounded_by_dropping_the_least_recently_active_login, Fixture) {
  SendingCounter small(clock, 3);
  small.charge("a@example.org", 1);
  clock.advance(1min);
  small.charge("b@example.org", 1);
  small.charge("c@example.org", 1);
  small.charge("a@example.org", 1);  // a is active again
  clock.advance(1min);
  small.charge("d@example.org", 1);
  BOOST_TEST(small.trackedLogins() == 3u);
  BOOST_TEST(small.usage("a@example.org").messagesLastHour == 2u);
  BOOST_TEST(small.usage("d@example.org").messagesLastHour == 1u);
  BOOST_TEST(small.usage("b@example.org").messagesLastHour + small.usage("c@example.org").messagesLastHour ==
             1u);
}

BOOST_FIXTURE_TEST_CASE(pending_holds_only_the_changes_since_the_last_take, Fixture) {
  counter.charge("alice@example.org", 2);
  counter.charge("alice@example.org", 3);
  counter.recordRefusal("alice@example.org");
  auto pending = counter.takePending();
  BOOST_REQUIRE(pending.size() == 1u);
  BOOST_TEST(pending[0].messages == 2u);
  BOOST_TEST(pending[0].recipients == 5u);
  BOOST_TEST(pending[0].refusals == 1u);
  BOOST_TEST(counter.takePending().empty());
}

BOOST_FIXTURE_TEST_CASE(a_restart_seeded_from_the_store_keeps_the_counts, Fixture) {
  MemoryStore store;
  {
    UsageRecorder recorder(counter, store, 0ms, clock);  // no thread: stop() writes
    counter.charge("alice@example.org", 4);
    counter.charge("alice@example.org", 4);
    clock.advance(10min);
    counter.charge("alice@example.org", 1);
  }  // the destructor stops and writes down
  SendingCounter restarted(clock);
  seedFromStore(restarted, store, clock);
  const Usage u = restarted.usage("alice@example.org");
  BOOST_TEST(u.messagesLastHour == 3u);
  BOOST_TEST(u.recipientsLastDay == 9u);
  // Seeded counts are not written again.
  BOOST_TEST(restarted.takePending().empty());
}

BOOST_FIXTURE_TEST_CASE(seeding_ignores_buckets_older_than_a_day, Fixture) {
  const auto now = std::chrono::duration_cast<std::chrono::minutes>(clock.now().time_since_epoch()).count();
  counter.seed({{"alice@example.org", now - kMinutesPerDay, 5, 50, 0},
                {"alice@example.org", now - kMinutesPerDay + 1, 1, 10, 0}});
  BOOST_TEST(counter.usage("alice@example.org").recipientsLastDay == 10u);
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_failed_write_keeps_the_counts_for_the_next_round, Fixture) {
  MemoryStore store;
  std::string error;
  UsageRecorder recorder(counter, store, 0ms, clock, [&](const std::string& e) { error = e; });
  counter.charge("alice@example.org", 2);
  store.failing = true;
  BOOST_TEST(!recorder.flush());
  BOOST_TEST(error.find("disk I/O error") != std::string::npos);
  store.failing = false;
  counter.charge("alice@example.org", 1);
  BOOST_TEST(recorder.flush());
  BOOST_REQUIRE(store.rows.size() == 1u);
  BOOST_TEST(store.rows[0].messages == 2u);
  BOOST_TEST(store.rows[0].recipients == 3u);
}

BOOST_FIXTURE_TEST_CASE(the_recorder_purges_what_is_older_than_a_day, Fixture) {
  MemoryStore store;
  UsageRecorder recorder(counter, store, 0ms, clock);
  counter.charge("alice@example.org", 1);
  recorder.flush();
  clock.advance(24h + 1min);
  recorder.flush();
  BOOST_TEST(store.rows.empty());
}

BOOST_FIXTURE_TEST_CASE(the_recorder_thread_writes_without_being_asked, Fixture) {
  MemoryStore store;
  UsageRecorder recorder(counter, store, 20ms, clock);
  counter.charge("alice@example.org", 1);
  for (int i = 0; i < 200 && store.writes == 0; ++i) std::this_thread::sleep_for(10ms);
  recorder.stop();
  BOOST_REQUIRE(store.rows.size() == 1u);
  BOOST_TEST(store.rows[0].messages == 1u);
}

BOOST_FIXTURE_TEST_CASE(parallel_charges_are_all_counted, Fixture) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([this] {
      for (int i = 0; i < 500; ++i) counter.charge("alice@example.org", 2);
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(counter.usage("alice@example.org").messagesLastHour == 2000u);
  BOOST_TEST(counter.takePending()[0].recipients == 4000u);
}

BOOST_AUTO_TEST_SUITE_END()
