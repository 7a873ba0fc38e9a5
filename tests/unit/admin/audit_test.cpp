#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "admin/audit.h"
#include "core/error.h"
#include "store/audit_log_repository.h"
#include "unit/admin/admin_fixture.h"

using namespace postern::admin;
using postern::test::AdminFixture;
using namespace std::chrono_literals;

namespace {
struct Fixture : AdminFixture {
  postern::store::AuditLogRepository log{db};
  Audit audit{log, clock};

  AuditEntry entry(const std::string& actor, const std::string& action, const std::string& object,
                   const std::string& outcome = "ok") {
    AuditEntry e;
    e.actor = actor;
    e.clientAddress = actor.empty() ? "" : "192.0.2.1";
    e.action = action;
    e.object = object;
    e.outcome = outcome;
    return e;
  }

  std::vector<std::string> objects(const AuditQuery& query) {
    std::vector<std::string> out;
    for (const auto& e : audit.list(query)) out.push_back(e.object);
    return out;
  }

  template <typename F>
  static std::string fieldOf(F&& call) {
    try {
      call();
    } catch (const postern::core::InvalidValue& e) {
      return e.field();
    }
    return "(accepted)";
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(audit)

BOOST_FIXTURE_TEST_CASE(an_entry_is_read_back_with_its_fields_and_the_time_it_was_recorded, Fixture) {
  audit.record(entry("root", "user.add", "alice@example.org"));
  const auto entries = audit.list({});
  BOOST_REQUIRE(entries.size() == 1u);
  BOOST_TEST(entries[0].actor == "root");
  BOOST_TEST(entries[0].clientAddress == "192.0.2.1");
  BOOST_TEST(entries[0].action == "user.add");
  BOOST_TEST(entries[0].object == "alice@example.org");
  BOOST_TEST(entries[0].outcome == "ok");
  BOOST_TEST((entries[0].time == clock.now()));
}

BOOST_FIXTURE_TEST_CASE(a_given_time_is_kept, Fixture) {
  auto e = entry("root", "admin.login", "root");
  e.time = clock.now() - 1h;
  audit.record(e);
  BOOST_TEST((audit.list({})[0].time == clock.now() - 1h));
}

BOOST_FIXTURE_TEST_CASE(entries_are_listed_newest_first, Fixture) {
  audit.record(entry("root", "user.add", "1"));
  clock.advance(1s);
  audit.record(entry("root", "user.add", "2"));
  audit.record(entry("root", "user.add", "3"));
  BOOST_TEST(objects({}) == (std::vector<std::string>{"3", "2", "1"}));
}

BOOST_FIXTURE_TEST_CASE(an_outcome_is_ok_denied_or_failed_with_a_reason, Fixture) {
  audit.record(entry("root", "admin.login", "root", "denied"));
  audit.record(entry("", "admin.delete", "root", Audit::failed("the last administrator")));
  BOOST_TEST(audit.list({})[0].outcome == "failed: the last administrator");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "user.add", "x", "fine")); }) == "outcome");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "user.add", "x", "failed: ")); }) == "outcome");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "user.add", "x", "")); }) == "outcome");
}

BOOST_FIXTURE_TEST_CASE(an_action_is_a_short_dotted_lower_case_name, Fixture) {
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "User.Add", "x")); }) == "action");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "", "x")); }) == "action");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", std::string(65, 'a'), "x")); }) == "action");
  BOOST_TEST(fieldOf([&] { audit.record(entry("root", "user add", "x")); }) == "action");
  BOOST_TEST(audit.list({}).empty());
}

BOOST_FIXTURE_TEST_CASE(long_values_are_cut_so_an_entry_stays_small, Fixture) {
  audit.record(
      entry(std::string(600, 'a'), "user.add", std::string(600, 'o'), Audit::failed(std::string(600, 'r'))));
  const auto e = audit.list({})[0];
  BOOST_TEST(e.actor.size() == Audit::kMaxText);
  BOOST_TEST(e.object.size() == Audit::kMaxText);
  BOOST_TEST(e.outcome.size() == std::string("failed: ").size() + Audit::kMaxText);
}

BOOST_FIXTURE_TEST_CASE(the_log_keeps_at_most_max_entries_deleting_the_oldest, Fixture) {
  Audit small(log, clock, AuditOptions{2});
  for (const char* object : {"1", "2", "3"}) small.record(entry("root", "user.add", object));
  BOOST_TEST(objects({}) == (std::vector<std::string>{"3", "2"}));
  BOOST_CHECK_THROW(Audit(log, clock, AuditOptions{0}), postern::core::InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(the_list_filters_by_actor_and_action_and_pages, Fixture) {
  audit.record(entry("root", "user.add", "1"));
  audit.record(entry("ops", "user.add", "2"));
  audit.record(entry("root", "admin.login", "3"));
  audit.record(entry("root", "user.add", "4"));
  AuditQuery query;
  query.actor = "root";
  query.action = "user.add";
  BOOST_TEST(objects(query) == (std::vector<std::string>{"4", "1"}));
  AuditQuery page;
  page.offset = 1;
  page.limit = 2;
  BOOST_TEST(objects(page) == (std::vector<std::string>{"3", "2"}));
}

BOOST_FIXTURE_TEST_CASE(the_count_is_of_every_matching_entry_not_of_the_page, Fixture) {
  audit.record(entry("root", "user.add", "1"));
  audit.record(entry("ops", "user.add", "2"));
  audit.record(entry("root", "admin.login", "3"));
  AuditQuery query;
  query.action = "user.add";
  query.limit = 1;
  BOOST_TEST(audit.count(query) == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_page_holds_at_most_max_limit_entries, Fixture) {
  for (std::size_t i = 0; i <= Audit::kMaxLimit; ++i)
    audit.record(entry("root", "user.add", std::to_string(i)));
  AuditQuery query;
  query.limit = Audit::kMaxLimit + 100;
  BOOST_TEST(audit.list(query).size() == Audit::kMaxLimit);
}

BOOST_AUTO_TEST_SUITE_END()
