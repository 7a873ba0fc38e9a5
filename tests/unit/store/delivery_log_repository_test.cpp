#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

#include "store/delivery_log_repository.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {

using TimePoint = std::chrono::system_clock::time_point;

struct LogFixture {
  TempDir dir;
  Database db{dir.file("postern.db")};
  DeliveryLogRepository log{db};
  LogFixture() { MigrationRunner(db).run(); }

  static DeliveryLogRecord record(const std::string& id, const std::string& rcpt, const std::string& outcome,
                                  TimePoint at) {
    return DeliveryLogRecord{
        0, at, id, "alice@example.org", rcpt, outcome, "smtp.example.net:587", "250 2.0.0 Ok"};
  }
};

const TimePoint t0 = TimePoint(std::chrono::seconds(1'800'000'000));

}  // namespace

BOOST_FIXTURE_TEST_SUITE(delivery_log, LogFixture)

BOOST_AUTO_TEST_CASE(records_come_back_newest_first_per_message_or_all) {
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "deferred", t0),
              record("AAAAAAAAAAAAAAA", "carol@example.net", "delivered", t0)});
  log.append({record("BBBBBBBBBBBBBBB", "dave@example.com", "failed", t0 + 1s)});
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0 + 60s)});
  const auto all = log.recent("", 0);
  BOOST_TEST_REQUIRE(all.size() == 4u);
  BOOST_TEST(all[0].outcome == "delivered");
  BOOST_TEST(all[0].recipient == "bob@example.com");
  BOOST_TEST((all[0].at == t0 + 60s));
  BOOST_TEST(all[0].remote == "smtp.example.net:587");
  const auto one = log.recent("AAAAAAAAAAAAAAA", 0);
  BOOST_TEST(one.size() == 3u);
  BOOST_TEST(log.recent("AAAAAAAAAAAAAAA", 2).size() == 2u);
  BOOST_TEST(log.recent("CCCCCCCCCCCCCCC", 0).empty());
}

BOOST_AUTO_TEST_CASE(purge_removes_only_older_records) {
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "deferred", t0),
              record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0 + 1h)});
  BOOST_TEST(log.purgeBefore(t0 + 1s) == 1u);
  const auto left = log.recent("", 0);
  BOOST_TEST_REQUIRE(left.size() == 1u);
  BOOST_TEST(left[0].outcome == "delivered");
}

BOOST_AUTO_TEST_CASE(an_unknown_outcome_is_refused_and_nothing_of_the_batch_is_kept) {
  BOOST_CHECK_THROW(log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0),
                                record("AAAAAAAAAAAAAAA", "carol@example.net", "lost", t0)}),
                    InvalidValue);
  BOOST_TEST(log.recent("", 0).empty());
}

BOOST_AUTO_TEST_CASE(a_search_filters_by_recipient_substring_case_insensitively_and_pages) {
  log.append({record("AAAAAAAAAAAAAAA", "Bob@Example.com", "deferred", t0),
              record("AAAAAAAAAAAAAAA", "carol@example.net", "delivered", t0)});
  log.append({record("BBBBBBBBBBBBBBB", "bob@example.com", "delivered", t0 + 1s)});
  const auto bob = log.search(DeliveryLogQuery{"", "BOB@example", 0, 50});
  BOOST_TEST_REQUIRE(bob.size() == 2u);
  BOOST_TEST(bob[0].queueId == "BBBBBBBBBBBBBBB");  // newest first
  BOOST_TEST(log.search(DeliveryLogQuery{"AAAAAAAAAAAAAAA", "bob", 0, 50}).size() == 1u);
  const auto second = log.search(DeliveryLogQuery{"", "", 1, 1});
  BOOST_TEST_REQUIRE(second.size() == 1u);
  BOOST_TEST(second[0].recipient == "carol@example.net");
}

BOOST_AUTO_TEST_CASE(sql_wildcards_in_a_recipient_filter_are_ordinary_characters) {
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0)});
  BOOST_TEST(log.search(DeliveryLogQuery{"", "%", 0, 50}).empty());
  BOOST_TEST(log.search(DeliveryLogQuery{"", "b_b", 0, 50}).empty());
  BOOST_TEST(log.search(DeliveryLogQuery{"", "' OR 1=1 --", 0, 50}).empty());
}

BOOST_AUTO_TEST_CASE(outcomes_are_counted_from_a_point_in_time_and_the_latest_of_each_is_found) {
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "deferred", t0 - 1h)});
  log.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "deferred", t0),
              record("AAAAAAAAAAAAAAA", "carol@example.net", "delivered", t0)});
  log.append({record("BBBBBBBBBBBBBBB", "dave@example.com", "failed", t0 + 1s),
              record("BBBBBBBBBBBBBBB", "erin@example.com", "expired", t0 + 2s)});
  const DeliveryOutcomeCounts counts = log.countSince(t0);
  BOOST_TEST(counts.delivered == 1u);
  BOOST_TEST(counts.deferred == 1u);
  BOOST_TEST(counts.failed == 1u);
  BOOST_TEST(counts.expired == 1u);
  const auto deferred = log.latest("deferred");
  BOOST_TEST_REQUIRE(deferred.has_value());
  BOOST_TEST((deferred->at == t0));
  BOOST_TEST(!log.latest("nonexistent").has_value());
}

BOOST_AUTO_TEST_CASE(a_batched_log_shows_every_append_to_a_reader_in_this_process_at_once) {
  DeliveryLogOptions options;
  options.batchInterval = 1h;  // the writer thread would wait far longer than this test
  DeliveryLogRepository batched(db, options);
  batched.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0)});
  BOOST_TEST(batched.recent("", 0).size() == 1u);
  BOOST_TEST(batched.countSince(t0).delivered == 1u);
}

BOOST_AUTO_TEST_CASE(a_batched_log_commits_by_itself_within_its_interval) {
  DeliveryLogOptions options;
  options.batchInterval = 20ms;
  DeliveryLogRepository batched(db, options);
  batched.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0),
                  record("AAAAAAAAAAAAAAA", "carol@example.net", "deferred", t0)});
  // Another reader (like `postern queue log` in another process) sees it without any flush from here.
  std::size_t seen = 0;
  for (int i = 0; i < 500 && seen < 2; ++i) {
    std::this_thread::sleep_for(10ms);
    seen = log.recent("", 0).size();
  }
  BOOST_TEST(seen == 2u);
}

BOOST_AUTO_TEST_CASE(a_batched_log_writes_what_is_queued_when_it_is_destroyed) {
  {
    DeliveryLogOptions options;
    options.batchInterval = 1h;
    DeliveryLogRepository batched(db, options);
    batched.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0)});
  }
  BOOST_TEST(log.recent("", 0).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_batched_log_refuses_an_unknown_outcome_before_queueing_any_of_the_batch) {
  DeliveryLogOptions options;
  options.batchInterval = 1h;
  DeliveryLogRepository batched(db, options);
  BOOST_CHECK_THROW(batched.append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0),
                                    record("AAAAAAAAAAAAAAA", "carol@example.net", "lost", t0)}),
                    InvalidValue);
  BOOST_TEST(batched.recent("", 0).empty());
}

BOOST_AUTO_TEST_CASE(appends_from_many_threads_land_whole_and_in_each_threads_order) {
  DeliveryLogOptions options;
  options.batchInterval = 2ms;
  DeliveryLogRepository batched(db, options);
  constexpr int kThreads = 8, kAppends = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&batched, t] {
      const std::string id = std::string(14, 'A') + char('A' + t);
      for (int i = 0; i < kAppends; ++i)
        batched.append({record(id, "r" + std::to_string(i) + "@example.com", "delivered", t0),
                        record(id, "r" + std::to_string(i) + "@example.net", "deferred", t0)});
    });
  }
  for (auto& t : threads) t.join();
  const auto all = batched.recent("", 0);  // newest first
  BOOST_TEST_REQUIRE(all.size() == std::size_t(kThreads * kAppends * 2));
  for (int t = 0; t < kThreads; ++t) {
    const auto mine = batched.recent(std::string(14, 'A') + char('A' + t), 0);
    BOOST_TEST_REQUIRE(mine.size() == std::size_t(kAppends * 2));
    for (int i = 0; i < kAppends; ++i) {  // oldest last; each append's two records next to each other
      BOOST_TEST(mine[mine.size() - 1 - 2 * i].recipient == "r" + std::to_string(i) + "@example.com");
      BOOST_TEST(mine[mine.size() - 2 - 2 * i].recipient == "r" + std::to_string(i) + "@example.net");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_logs_connection_goes_back_to_the_pool_with_full_synchronous) {
  DatabaseOptions one;
  one.poolSize = 1;  // so the next lease is the connection the log used
  Database single(dir.file("single.db"), one);
  MigrationRunner(single).run();
  DeliveryLogRepository(single).append({record("AAAAAAAAAAAAAAA", "bob@example.com", "delivered", t0)});
  auto connection = single.acquire();
  Statement pragma = connection->prepare("PRAGMA synchronous");
  BOOST_TEST_REQUIRE(pragma.step());
  BOOST_TEST(pragma.columnInt64(0) == 2);  // FULL
}

BOOST_AUTO_TEST_SUITE_END()
