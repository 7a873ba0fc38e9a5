#include <boost/test/unit_test.hpp>

#include <string>

#include "store/change_monitor.h"
#include "store/database.h"
#include "store/migration_runner.h"
#include "store/user_repository.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::TempDir;

namespace {

struct MonitorFixture {
  TempDir dir;
  Database db{dir.file("postern.db")};
  MonitorFixture() { MigrationRunner(db).run(); }
  void commitSomething() { db.acquire()->exec("CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)"); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(change_monitor, MonitorFixture)

BOOST_AUTO_TEST_CASE(the_stamp_holds_while_nobody_commits_and_changes_after_any_commit) {
  ChangeMonitor monitor(db.path());
  const auto first = monitor.stamp();
  BOOST_TEST(monitor.stamp() == first);
  commitSomething();  // another connection of this process
  const auto second = monitor.stamp();
  BOOST_TEST(second != first);
  BOOST_TEST(monitor.stamp() == second);
  {
    Database other(db.path());  // another process's connection looks the same to SQLite
    other.acquire()->exec("INSERT INTO t VALUES (2)");
  }
  BOOST_TEST(monitor.stamp() != second);
}

BOOST_AUTO_TEST_CASE(a_cached_value_is_read_again_only_after_a_commit) {
  ChangeMonitor monitor(db.path());
  StampedCache<int> cache(monitor);
  int loads = 0;
  const auto load = [&loads] { return ++loads; };
  BOOST_TEST(cache.get("a", load) == 1);
  BOOST_TEST(cache.get("a", load) == 1);
  BOOST_TEST(cache.get("b", load) == 2);  // each key on its own
  commitSomething();
  BOOST_TEST(cache.get("a", load) == 3);
  BOOST_TEST(cache.get("a", load) == 3);
}

BOOST_AUTO_TEST_CASE(a_failed_load_keeps_nothing) {
  ChangeMonitor monitor(db.path());
  StampedCache<int> cache(monitor);
  BOOST_CHECK_THROW(cache.get("a", []() -> int { throw std::runtime_error("store down"); }),
                    std::runtime_error);
  BOOST_TEST(cache.get("a", [] { return 7; }) == 7);
}

BOOST_AUTO_TEST_CASE(the_cache_forgets_everything_when_full_rather_than_growing) {
  ChangeMonitor monitor(db.path());
  StampedCache<int> cache(monitor, 2);
  int loads = 0;
  const auto load = [&loads] { return ++loads; };
  cache.get("a", load);
  cache.get("b", load);
  cache.get("c", load);  // full: starts afresh with c
  BOOST_TEST(cache.get("c", load) == 3);
  BOOST_TEST(cache.get("a", load) == 4);
}

BOOST_AUTO_TEST_SUITE_END()
