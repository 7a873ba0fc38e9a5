#define BOOST_TEST_MODULE queue
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "queue/queue_id.h"

using postern::queue::isValidQueueId;
using postern::queue::QueueIdGenerator;

namespace {

struct FixedClock final : postern::core::Clock {
  TimePoint now() const override { return at; }
  TimePoint at = TimePoint(std::chrono::seconds(1764523673));
};

}  // namespace

BOOST_AUTO_TEST_CASE(ids_are_fifteen_filename_safe_characters) {
  QueueIdGenerator ids;
  const std::string id = ids.next();
  BOOST_TEST(id.size() == postern::queue::kQueueIdLength);
  BOOST_TEST(isValidQueueId(id));
  BOOST_TEST(std::all_of(id.begin(), id.end(),
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }));
}

BOOST_AUTO_TEST_CASE(ids_sort_by_arrival_even_within_one_microsecond) {
  FixedClock clock;
  QueueIdGenerator ids(clock);
  std::vector<std::string> issued;
  for (int i = 0; i < 100; ++i) issued.push_back(ids.next());
  clock.at += std::chrono::seconds(1);
  issued.push_back(ids.next());
  BOOST_TEST(std::is_sorted(issued.begin(), issued.end()));
  BOOST_TEST(std::set<std::string>(issued.begin(), issued.end()).size() == issued.size());
}

BOOST_AUTO_TEST_CASE(ids_keep_increasing_when_the_clock_steps_back) {
  FixedClock clock;
  QueueIdGenerator ids(clock);
  const std::string before = ids.next();
  clock.at -= std::chrono::hours(1);
  BOOST_TEST(ids.next() > before);
}

BOOST_AUTO_TEST_CASE(ids_are_unique_across_threads) {
  QueueIdGenerator ids;
  std::mutex m;
  std::set<std::string> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 1000; ++i) mine.push_back(ids.next());
      std::lock_guard lock(m);
      all.insert(mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(all.size() == 8000u);
}

BOOST_AUTO_TEST_CASE(validation_rejects_anything_that_could_become_another_path) {
  BOOST_TEST(!isValidQueueId(""));
  BOOST_TEST(!isValidQueueId("../../etc/passw"));
  BOOST_TEST(!isValidQueueId("0PN5Q7ZK3M1T2A"));    // too short
  BOOST_TEST(!isValidQueueId("0PN5Q7ZK3M1T2ABC"));  // too long
  BOOST_TEST(!isValidQueueId("0pn5q7zk3m1t2ab"));   // lower case
  BOOST_TEST(!isValidQueueId("0PN5Q7ZK3M1T2AI"));   // I is not in the alphabet
  BOOST_TEST(isValidQueueId("0PN5Q7ZK3M1T2AB"));
}

BOOST_AUTO_TEST_CASE(an_id_gives_back_the_arrival_time_it_was_made_at) {
  FixedClock clock;
  clock.at += std::chrono::microseconds(123456);
  QueueIdGenerator ids(clock);
  BOOST_TEST((postern::queue::arrivalOf(ids.next()) == clock.at));
  BOOST_TEST(!postern::queue::arrivalOf("not an id").has_value());
}
