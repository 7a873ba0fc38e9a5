#include <boost/test/unit_test.hpp>

#include <atomic>
#include <latch>
#include <ostream>
#include <thread>
#include <vector>

#include "auth/ban_list.h"
#include "store/ban_repository.h"
#include "support/migrated_database.h"

namespace postern::auth {
std::ostream& operator<<(std::ostream& out, BanList::Admission::Status status) {
  switch (status) {
    case BanList::Admission::Status::Allowed:
      return out << "Allowed";
    case BanList::Admission::Status::Banned:
      return out << "Banned";
    case BanList::Admission::Status::Throttled:
      return out << "Throttled";
  }
  return out << "?";
}
}  // namespace postern::auth

using namespace postern::auth;
using postern::core::IpNetwork;
using namespace std::chrono_literals;

namespace {
BanOptions options() {
  BanOptions o;
  o.addressFailures = 3;
  o.window = 600s;
  o.loginFailures = 4;
  o.loginMinAddresses = 2;
  o.banTime = 900s;
  o.banMaxTime = 86400s;
  o.refreshInterval = 5s;
  return o;
}

const BanClient kAttacker{"192.0.2.7", "192.0.2.7"};
const BanClient kOther{"198.51.100.9", "198.51.100.9"};

struct Fixture : postern::test::MigratedDatabase {
  postern::store::BanRepository repository{db};
  std::vector<Ban> started;
  BanList bans{repository, clock, options(), [this](const Ban& ban) { started.push_back(ban); }};

  // One failed attempt, admitted first as the server does; false when it was not even admitted.
  bool fail(const BanClient& client, const std::string& login = "") {
    auto admission = bans.admit(client);
    if (!admission.allowed()) return false;
    bans.failed(admission, client, login);
    return true;
  }
  BanList::Admission::Status status(const BanClient& client) { return bans.admit(client).status(); }
};
using Status = BanList::Admission::Status;
}  // namespace

BOOST_AUTO_TEST_SUITE(ban_list)

BOOST_FIXTURE_TEST_CASE(an_address_is_banned_at_its_failure_limit_until_the_ban_time_has_passed, Fixture) {
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(status(kAttacker) == Status::Allowed);
  BOOST_TEST(repository.list().empty());  // failures are counted in memory, never written
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(status(kAttacker) == Status::Banned);
  BOOST_TEST(status(kOther) == Status::Allowed);
  BOOST_REQUIRE(started.size() == 1u);
  BOOST_TEST(started[0].key == "192.0.2.7");
  BOOST_TEST(started[0].count == 1u);
  BOOST_TEST((started[0].until - started[0].startedAt == std::chrono::seconds(900)));
  BOOST_TEST(repository.list().size() == 1u);
  clock.advance(899s);
  BOOST_TEST(status(kAttacker) == Status::Banned);
  clock.advance(1s);
  BOOST_TEST(status(kAttacker) == Status::Allowed);  // and with a clean slate: three more tries
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(status(kAttacker) == Status::Allowed);
}

BOOST_FIXTURE_TEST_CASE(each_repeat_ban_lasts_four_times_longer_up_to_the_longest_ban_time, Fixture) {
  std::vector<std::chrono::seconds> lengths;
  for (int ban = 0; ban < 6; ++ban) {
    while (fail(kAttacker)) {
    }
    BOOST_REQUIRE(started.size() == static_cast<std::size_t>(ban + 1));
    lengths.push_back(
        std::chrono::duration_cast<std::chrono::seconds>(started.back().until - started.back().startedAt));
    clock.advance(started.back().until - clock.now());
  }
  const std::vector<std::chrono::seconds> expected{900s, 3600s, 14400s, 57600s, 86400s, 86400s};
  BOOST_TEST(lengths == expected, boost::test_tools::per_element());
  BOOST_TEST(started.back().count == 6u);
}

BOOST_FIXTURE_TEST_CASE(repeats_are_forgotten_once_the_longest_ban_time_has_passed_after_a_ban, Fixture) {
  while (fail(kAttacker)) {
  }
  clock.advance(900s + 86400s);
  bans.refresh();
  BOOST_TEST(repository.list().empty());  // pruned
  while (fail(kAttacker)) {
  }
  BOOST_REQUIRE(started.size() == 2u);
  BOOST_TEST(started[1].count == 1u);
}

BOOST_FIXTURE_TEST_CASE(never_ban_networks_are_neither_refused_nor_counted, Fixture) {
  BanOptions o = options();
  o.neverBan = {*IpNetwork::parse("192.0.2.0/24")};
  BanList lan(repository, clock, o);
  for (int i = 0; i < 20; ++i) {
    auto admission = lan.admit(kAttacker);
    BOOST_REQUIRE(admission.allowed());
    BOOST_TEST(admission.exempt());
    lan.failed(admission, kAttacker, "alice@example.org");
  }
  BOOST_TEST(lan.activeCount() == 0u);
  BOOST_TEST(lan.mayLogIn(kAttacker, "alice@example.org"));
  BOOST_TEST(lan.admit(kOther).allowed());
  BOOST_TEST(!lan.admit(kOther).exempt());
}

BOOST_AUTO_TEST_CASE(parallel_attempts_from_one_address_are_bounded_by_the_failure_limit) {
  postern::test::MigratedDatabase base;
  postern::store::BanRepository repository(base.db);
  BanOptions o = options();
  o.addressFailures = 10;
  BanList bans(repository, base.clock, o);
  constexpr int threads = 40;
  std::atomic<int> admitted{0};
  std::latch start(threads);
  std::latch allTried(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      start.arrive_and_wait();
      auto admission = bans.admit(kAttacker);
      if (admission.allowed()) ++admitted;
      allTried.arrive_and_wait();  // every admitted attempt is "verifying" while the others try
      if (admission.allowed()) bans.failed(admission, kAttacker, "");
      for (int more = 0; more < 3; ++more) {
        auto again = bans.admit(kAttacker);
        if (again.allowed()) {
          ++admitted;
          bans.failed(again, kAttacker, "");
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  BOOST_TEST(admitted.load() == 10);
  BOOST_TEST(bans.activeCount() == 1u);
  BOOST_TEST(repository.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_login_is_banned_only_by_failures_from_several_addresses, Fixture) {
  BanOptions o = options();
  o.addressFailures = 10;  // more than loginFailures: one address alone could reach the login's limit
  BanList list(repository, clock, o);
  for (int i = 0; i < 8; ++i) {
    auto admission = list.admit(kAttacker);
    BOOST_REQUIRE(admission.allowed());
    list.failed(admission, kAttacker, "alice@example.org");
  }
  BOOST_TEST(list.activeCount() == 0u);  // one address guessing one login is the address rule's job
  BOOST_TEST(list.mayLogIn(kOther, "alice@example.org"));
  auto admission = list.admit(kOther);
  list.failed(admission, kOther, "alice@example.org");  // a second address: now the login is banned
  BOOST_TEST(list.activeCount() == 1u);
  BOOST_TEST(!list.mayLogIn(BanClient{"203.0.113.5", "203.0.113.5"}, "alice@example.org"));
}

BOOST_FIXTURE_TEST_CASE(failures_spread_over_addresses_ban_the_login_whatever_its_case, Fixture) {
  const BanClient a{"203.0.113.1", "203.0.113.1"}, b{"203.0.113.2", "203.0.113.2"};
  fail(a, "Alice@Example.org");
  fail(b, "alice@example.org");
  fail(a, "ALICE@example.org");
  BOOST_TEST(started.empty());
  fail(b, "alice@example.org");
  BOOST_REQUIRE(started.size() == 1u);
  BOOST_TEST((started[0].kind == BanKind::Login));
  BOOST_TEST(started[0].key == "alice@example.org");
  // The addresses themselves (two failures each) are not banned; the login is, for everyone new.
  BOOST_TEST(status(a) == Status::Allowed);
  BOOST_TEST(!bans.mayLogIn(kOther, "alice@example.org"));
  BOOST_TEST(bans.mayLogIn(kOther, "bob@example.org"));
}

BOOST_FIXTURE_TEST_CASE(an_address_that_logged_in_before_still_gets_in_while_its_login_is_banned, Fixture) {
  const BanClient home{"192.0.2.50", "192.0.2.50"};
  BOOST_TEST(bans.mayLogIn(home, "alice@example.org"));  // the user's usual address, remembered
  const BanClient a{"203.0.113.1", "203.0.113.1"}, b{"203.0.113.2", "203.0.113.2"};
  for (int i = 0; i < 2; ++i) {
    fail(a, "alice@example.org");
    fail(b, "alice@example.org");
  }
  BOOST_REQUIRE(bans.activeCount() == 1u);
  BOOST_TEST(bans.mayLogIn(home, "ALICE@example.org"));
  BOOST_TEST(!bans.mayLogIn(a, "alice@example.org"));
  BOOST_TEST(!bans.mayLogIn(kOther, "alice@example.org"));
}

BOOST_FIXTURE_TEST_CASE(bans_survive_a_restart, Fixture) {
  while (fail(kAttacker)) {
  }
  clock.advance(60s);
  BanList restarted(repository, clock, options());
  BOOST_TEST(restarted.activeCount() == 1u);
  const auto banned = restarted.admit(kAttacker);
  BOOST_TEST((banned.status() == Status::Banned));
  BOOST_REQUIRE(banned.bannedUntil().has_value());
  BOOST_TEST((*banned.bannedUntil() == started[0].until));
  // The repeat count survives too: the next ban after this one is longer.
  clock.advance(900s);
  for (;;) {
    auto admission = restarted.admit(kAttacker);
    if (!admission.allowed()) break;
    restarted.failed(admission, kAttacker, "");
  }
  const auto rows = repository.list();
  BOOST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].count == 2u);
  BOOST_TEST((rows[0].until - rows[0].startedAt == std::chrono::seconds(3600)));
}

BOOST_FIXTURE_TEST_CASE(a_lift_by_another_process_reaches_the_running_list_within_the_refresh_interval,
                        Fixture) {
  while (fail(kAttacker)) {
  }
  BanList cli(repository, clock, options());  // what `postern ban lift` builds over the same database
  BOOST_TEST(cli.lift(BanKind::Address, "192.0.2.7"));
  BOOST_TEST(status(kAttacker) == Status::Banned);  // not read again yet
  clock.advance(5s);
  BOOST_TEST(status(kAttacker) == Status::Allowed);
  // And the failures counted before are gone: the full allowance again.
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(fail(kAttacker));
  BOOST_TEST(status(kAttacker) == Status::Allowed);
}

BOOST_FIXTURE_TEST_CASE(lifting_forgets_the_ban_and_its_repeats, Fixture) {
  while (fail(kAttacker)) {
  }
  BOOST_TEST(bans.lift(BanKind::Address, "192.0.2.7"));
  BOOST_TEST(!bans.lift(BanKind::Address, "192.0.2.7"));
  BOOST_TEST(status(kAttacker) == Status::Allowed);
  while (fail(kAttacker)) {
  }
  BOOST_TEST(started.back().count == 1u);
  BOOST_TEST(bans.liftAll() == 1u);
  BOOST_TEST(bans.list().empty());
  BOOST_TEST(repository.list().empty());
}

BOOST_FIXTURE_TEST_CASE(lifting_all_bans_also_clears_failures_of_clients_not_banned, Fixture) {
  fail(kOther);
  fail(kOther);
  bans.liftAll();
  fail(kOther);
  fail(kOther);
  BOOST_TEST(status(kOther) == Status::Allowed);
}

BOOST_FIXTURE_TEST_CASE(a_login_ban_is_lifted_by_its_login_in_any_case, Fixture) {
  const BanClient a{"203.0.113.1", "203.0.113.1"}, b{"203.0.113.2", "203.0.113.2"};
  for (int i = 0; i < 2; ++i) {
    fail(a, "alice@example.org");
    fail(b, "alice@example.org");
  }
  BOOST_TEST(bans.lift(BanKind::Login, "Alice@Example.org"));
  BOOST_TEST(bans.mayLogIn(kOther, "alice@example.org"));
}

BOOST_FIXTURE_TEST_CASE(listing_shows_active_bans_before_ended_ones, Fixture) {
  while (fail(kAttacker)) {
  }
  clock.advance(1000s);
  while (fail(kOther)) {
  }
  const auto list = bans.list();
  BOOST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].key == "198.51.100.9");
  BOOST_TEST(list[0].active(clock.now()));
  BOOST_TEST(!list[1].active(clock.now()));
  BOOST_TEST(bans.activeCount() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
