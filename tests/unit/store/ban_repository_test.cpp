#include <boost/test/unit_test.hpp>

#include "store/ban_repository.h"
#include "store/store_error.h"
#include "support/migrated_database.h"

using namespace postern::store;
using namespace std::chrono_literals;

namespace {
struct Fixture : postern::test::MigratedDatabase {
  BanRepository bans{db};

  BanRecord record(const std::string& kind, const std::string& key, std::chrono::seconds length) {
    BanRecord r;
    r.kind = kind;
    r.key = key;
    r.startedAt = clock.now();
    r.until = clock.now() + length;
    r.count = 1;
    r.reason = "3 failed logins in 600 s";
    return r;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(ban_repository)

BOOST_FIXTURE_TEST_CASE(a_saved_ban_reads_back_as_written, Fixture) {
  BanRecord r = record("login", "alice@example.org", 900s);
  r.count = 3;
  bans.save(r);
  const auto list = bans.list();
  BOOST_REQUIRE(list.size() == 1u);
  BOOST_TEST(list[0].kind == "login");
  BOOST_TEST(list[0].key == "alice@example.org");
  BOOST_TEST((list[0].startedAt == r.startedAt));
  BOOST_TEST((list[0].until == r.until));
  BOOST_TEST(list[0].count == 3u);
  BOOST_TEST(list[0].reason == r.reason);
}

BOOST_FIXTURE_TEST_CASE(saving_the_same_key_again_replaces_the_row, Fixture) {
  bans.save(record("addr", "192.0.2.7", 900s));
  BanRecord again = record("addr", "192.0.2.7", 3600s);
  again.count = 2;
  bans.save(again);
  bans.save(record("login", "192.0.2.7", 900s));  // another kind: another row
  const auto list = bans.list();
  BOOST_REQUIRE(list.size() == 2u);
  BOOST_TEST(list[0].kind == "addr");
  BOOST_TEST(list[0].count == 2u);
}

BOOST_FIXTURE_TEST_CASE(rows_are_removed_one_by_age_or_all, Fixture) {
  bans.save(record("addr", "192.0.2.7", 900s));
  bans.save(record("addr", "192.0.2.8", 3600s));
  bans.save(record("login", "bob@example.org", 7200s));
  BOOST_TEST(bans.remove("addr", "192.0.2.7"));
  BOOST_TEST(!bans.remove("addr", "192.0.2.7"));
  BOOST_TEST(bans.removeEndedBy(clock.now() + 3601s) == 1u);
  BOOST_TEST(bans.list().size() == 1u);
  BOOST_TEST(bans.removeAll() == 1u);
  BOOST_TEST(bans.list().empty());
}

BOOST_FIXTURE_TEST_CASE(a_bad_kind_or_key_is_refused, Fixture) {
  BOOST_CHECK_THROW(bans.save(record("host", "x", 900s)), InvalidValue);
  BOOST_CHECK_THROW(bans.save(record("addr", "", 900s)), InvalidValue);
  BOOST_CHECK_THROW(bans.save(record("login", std::string(321, 'a'), 900s)), InvalidValue);
}

BOOST_AUTO_TEST_SUITE_END()
