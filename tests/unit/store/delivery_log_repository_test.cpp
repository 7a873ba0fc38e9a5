#include <boost/test/unit_test.hpp>

#include <string>
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

BOOST_AUTO_TEST_SUITE_END()
