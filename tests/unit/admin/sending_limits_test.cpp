// admin::SendingLimits over a real (temporary) database: each user's own limits (set, back to the default,
// 0 = unlimited), the use shown live or as written down, the users near or over a limit, and the counts
// surviving a restart through the sending_usage table.
#include <boost/test/unit_test.hpp>

#include "admin/sending_limits.h"
#include "core/error.h"
#include "unit/auth/auth_fixture.h"

using namespace postern;
using admin::LimitChange;
using postern::test::AuthFixture;
using namespace std::chrono_literals;

namespace {
const limits::Limits kDefaults{200, 1000};

struct Fixture : AuthFixture {
  store::SendingLimitRepository repository{db, clock};
  limits::SendingCounter counter{clock};
  admin::SendingLimits live{repository, kDefaults, &counter, clock};
  admin::SendingLimits offline{repository, kDefaults, nullptr, clock};
  Fixture() { users.createUser("bob@example.org", hasher.hash("battery staple")); }
};

std::string fieldOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::InvalidValue& e) {
    return e.field();
  }
  return "(accepted)";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sending_limits_admin)

BOOST_FIXTURE_TEST_CASE(a_new_user_has_the_configured_defaults, Fixture) {
  const auto v = live.view("Alice@Example.org");
  BOOST_TEST(v.login == "alice@example.org");
  BOOST_TEST(!v.overrides.messagesPerHour.has_value());
  BOOST_TEST(v.effective.messagesPerHour == 200u);
  BOOST_TEST(v.effective.recipientsPerDay == 1000u);
  BOOST_TEST(v.live);
}

BOOST_FIXTURE_TEST_CASE(an_override_is_stored_and_default_clears_it, Fixture) {
  LimitChange change;
  change.messagesPerHour = std::optional<std::uint64_t>(5);
  change.recipientsPerDay = std::optional<std::uint64_t>(0);  // unlimited
  auto v = live.change("alice@example.org", change);
  BOOST_TEST(*v.overrides.messagesPerHour == 5u);
  BOOST_TEST(v.effective.messagesPerHour == 5u);
  BOOST_TEST(v.effective.recipientsPerDay == 0u);
  BOOST_TEST(live.limitsFor("alice@example.org").messagesPerHour == 5u);
  // Only the field given changes.
  LimitChange back;
  back.messagesPerHour = std::optional<std::uint64_t>();
  v = live.change("alice@example.org", back);
  BOOST_TEST(!v.overrides.messagesPerHour.has_value());
  BOOST_TEST(v.effective.messagesPerHour == 200u);
  BOOST_TEST(v.effective.recipientsPerDay == 0u);
  // Bob is untouched.
  BOOST_TEST(live.limitsFor("bob@example.org").recipientsPerDay == 1000u);
}

BOOST_FIXTURE_TEST_CASE(bad_values_name_their_field_and_unknown_users_are_not_found, Fixture) {
  BOOST_TEST(fieldOf([] { admin::parseLimit("-1", "messagesPerHour"); }) == "messagesPerHour");
  BOOST_TEST(fieldOf([] { admin::parseLimit("lots", "recipientsPerDay"); }) == "recipientsPerDay");
  BOOST_TEST(fieldOf([] { admin::parseLimit("100000001", "recipientsPerDay"); }) == "recipientsPerDay");
  BOOST_TEST(!admin::parseLimit("default", "x").has_value());
  BOOST_TEST(*admin::parseLimit("0", "x") == 0u);
  LimitChange huge;
  huge.recipientsPerDay = std::optional<std::uint64_t>(limits::kMaxLimit + 1);
  BOOST_TEST(fieldOf([&] { live.change("alice@example.org", huge); }) == "recipientsPerDay");
  BOOST_CHECK_THROW(live.view("carol@example.org"), core::NotFound);
  BOOST_CHECK_THROW(live.change("carol@example.org", LimitChange{}), core::NotFound);
  BOOST_TEST(fieldOf([&] { live.view("not an address"); }) == "login");
}

BOOST_FIXTURE_TEST_CASE(the_live_view_shows_the_servers_counter, Fixture) {
  counter.charge("alice@example.org", 4);
  const auto v = live.view("alice@example.org");
  BOOST_TEST(v.usage.messagesLastHour == 1u);
  BOOST_TEST(v.usage.recipientsLastDay == 4u);
  // Not yet written down: the offline (CLI) view does not see it, and says it is not live.
  const auto o = offline.view("alice@example.org");
  BOOST_TEST(o.usage.messagesLastHour == 0u);
  BOOST_TEST(!o.live);
}

BOOST_FIXTURE_TEST_CASE(the_offline_view_reads_what_was_written_down, Fixture) {
  admin::RecordedUsage store(repository);
  limits::UsageRecorder recorder(counter, store, 0ms, clock);
  counter.charge("alice@example.org", 4);
  counter.recordRefusal("alice@example.org");
  BOOST_TEST(recorder.flush());
  const auto o = offline.view("alice@example.org");
  BOOST_TEST(o.usage.messagesLastHour == 1u);
  BOOST_TEST(o.usage.recipientsLastDay == 4u);
  BOOST_TEST(o.limited);
}

BOOST_FIXTURE_TEST_CASE(a_restart_seeds_the_counts_from_the_database, Fixture) {
  admin::RecordedUsage store(repository);
  {
    limits::UsageRecorder recorder(counter, store, 0ms, clock);
    counter.charge("alice@example.org", 2);
    counter.charge("alice@example.org", 2);
  }  // stop() writes down
  clock.advance(30min);
  limits::SendingCounter restarted(clock);
  limits::seedFromStore(restarted, store, clock);
  BOOST_TEST(restarted.usage("alice@example.org").messagesLastHour == 2u);
  clock.advance(31min);
  BOOST_TEST(restarted.usage("alice@example.org").messagesLastHour == 0u);
  BOOST_TEST(restarted.usage("alice@example.org").recipientsLastDay == 4u);
}

BOOST_FIXTURE_TEST_CASE(repeated_batches_add_up_in_the_same_minute, Fixture) {
  admin::RecordedUsage store(repository);
  limits::UsageRecorder recorder(counter, store, 0ms, clock);
  counter.charge("alice@example.org", 1);
  recorder.flush();
  counter.charge("alice@example.org", 2);
  recorder.flush();
  const auto rows = repository.usageSince(0);
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].messages == 2);
  BOOST_TEST(rows[0].recipients == 3);
}

BOOST_FIXTURE_TEST_CASE(active_lists_the_most_used_first_and_marks_near_and_limited, Fixture) {
  LimitChange small;
  small.messagesPerHour = std::optional<std::uint64_t>(5);
  live.change("bob@example.org", small);
  for (int i = 0; i < 4; ++i) counter.charge("bob@example.org", 1);  // 80 % of 5
  counter.charge("alice@example.org", 1);
  counter.recordRefusal("alice@example.org");
  counter.charge("deleted@example.org", 1);  // no such user: not listed
  const auto active = live.active();
  BOOST_REQUIRE(active.size() == 2u);
  BOOST_TEST(active[0].login == "bob@example.org");
  BOOST_TEST(active[0].near);
  BOOST_TEST(!active[0].limited);
  BOOST_TEST(active[1].login == "alice@example.org");
  BOOST_TEST(!active[1].near);
  BOOST_TEST(active[1].limited);
  const auto limited = live.limitedRecently();
  BOOST_REQUIRE(limited.size() == 1u);
  BOOST_TEST(limited[0].login == "alice@example.org");
}

BOOST_AUTO_TEST_SUITE_END()
