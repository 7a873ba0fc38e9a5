#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/audit_log_repository.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "support/fake_clock.h"
#include "support/migrated_database.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;
using namespace std::chrono_literals;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  AuditLogRepository log{db};

  void add(const std::string& actor, const std::string& action, const std::string& object,
           std::size_t keep = 1000) {
    AuditRecord r;
    r.at = clock.now();
    r.actor = actor;
    r.clientAddress = actor.empty() ? "" : "192.0.2.1";
    r.action = action;
    r.object = object;
    r.outcome = "ok";
    log.append(r, keep);
  }

  std::vector<std::string> objects(const AuditFilter& filter) {
    std::vector<std::string> out;
    for (const auto& r : log.list(filter)) out.push_back(r.object);
    return out;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(audit_log_repository)

BOOST_FIXTURE_TEST_CASE(entries_come_back_newest_first_with_their_fields, Fixture) {
  add("root", "user.add", "alice@example.org");
  clock.advance(1s);
  add("root", "user.delete", "bob@example.org");
  const auto records = log.list({});
  BOOST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].action == "user.delete");
  BOOST_TEST(records[0].object == "bob@example.org");
  BOOST_TEST(records[0].actor == "root");
  BOOST_TEST(records[0].clientAddress == "192.0.2.1");
  BOOST_TEST(records[0].outcome == "ok");
  BOOST_TEST((records[0].at == clock.now()));
  BOOST_TEST(records[1].action == "user.add");
  BOOST_TEST(records[0].id > records[1].id);
}

BOOST_FIXTURE_TEST_CASE(entries_of_the_same_second_keep_their_order, Fixture) {
  add("root", "user.add", "first");
  add("root", "user.add", "second");
  BOOST_TEST(objects({}) == (std::vector<std::string>{"second", "first"}));
}

BOOST_FIXTURE_TEST_CASE(the_log_keeps_at_most_the_newest_n_entries, Fixture) {
  for (int i = 1; i <= 5; ++i) add("root", "user.add", std::to_string(i), 3);
  BOOST_TEST(log.count() == 3u);
  BOOST_TEST(objects({}) == (std::vector<std::string>{"5", "4", "3"}));
}

BOOST_FIXTURE_TEST_CASE(filters_by_actor_and_action_and_pages, Fixture) {
  add("root", "user.add", "1");
  add("ops", "user.add", "2");
  add("root", "admin.login", "3");
  add("root", "user.add", "4");
  add("", "admin.bootstrap", "5");
  AuditFilter byRoot;
  byRoot.actor = "root";
  BOOST_TEST(objects(byRoot) == (std::vector<std::string>{"4", "3", "1"}));
  AuditFilter adds;
  adds.action = "user.add";
  BOOST_TEST(objects(adds) == (std::vector<std::string>{"4", "2", "1"}));
  AuditFilter both = byRoot;
  both.action = "user.add";
  BOOST_TEST(objects(both) == (std::vector<std::string>{"4", "1"}));
  AuditFilter system;
  system.actor = "";
  BOOST_TEST(objects(system) == (std::vector<std::string>{"5"}));
  AuditFilter page;
  page.offset = 1;
  page.limit = 2;
  BOOST_TEST(objects(page) == (std::vector<std::string>{"4", "3"}));
}

BOOST_FIXTURE_TEST_CASE(the_count_of_a_filter_ignores_its_page, Fixture) {
  add("root", "user.add", "1");
  add("ops", "user.add", "2");
  add("root", "admin.login", "3");
  AuditFilter adds;
  adds.action = "user.add";
  adds.offset = 1;
  adds.limit = 1;
  BOOST_TEST(log.count(adds) == 2u);
  AuditFilter rootAdds = adds;
  rootAdds.actor = "root";
  BOOST_TEST(log.count(rootAdds) == 1u);
  BOOST_TEST(log.count() == 3u);
}

BOOST_FIXTURE_TEST_CASE(keeping_no_entry_is_refused, Fixture) {
  BOOST_CHECK_THROW(add("root", "user.add", "1", 0), InvalidValue);
}

BOOST_AUTO_TEST_SUITE_END()
