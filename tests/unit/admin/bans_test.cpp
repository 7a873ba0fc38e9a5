#include <boost/test/unit_test.hpp>

#include "admin/bans.h"
#include "core/error.h"
#include "store/ban_repository.h"
#include "support/migrated_database.h"

using namespace postern;
using namespace std::chrono_literals;

namespace {
struct Fixture : test::MigratedDatabase {
  store::BanRepository repository{db};
  auth::BanList list{repository, clock, [] {
                       auth::BanOptions o;
                       o.addressFailures = 2;
                       return o;
                     }()};
  admin::Bans bans{list, clock};

  void ban(const std::string& address) {
    const auth::BanClient client{address, address};
    for (int i = 0; i < 2; ++i) {
      auto admission = list.admit(client);
      list.failed(admission, client, "");
    }
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(admin_bans)

BOOST_AUTO_TEST_CASE(a_key_names_its_kind_or_the_kind_is_inferred) {
  BOOST_TEST((admin::Bans::parseKey("203.0.113.7").kind == auth::BanKind::Address));
  BOOST_TEST((admin::Bans::parseKey("2001:db8:1:2::/64").kind == auth::BanKind::Address));
  BOOST_TEST((admin::Bans::parseKey("bob@example.org").kind == auth::BanKind::Login));
  const auto explicitLogin = admin::Bans::parseKey("login:10.0.0.1");
  BOOST_TEST((explicitLogin.kind == auth::BanKind::Login));
  BOOST_TEST(explicitLogin.key == "10.0.0.1");
  BOOST_TEST(admin::Bans::parseKey("addr:2001:db8::/64").key == "2001:db8::/64");
  BOOST_CHECK_THROW(admin::Bans::parseKey(""), core::InvalidValue);
  BOOST_CHECK_THROW(admin::Bans::makeKey("host", "x"), core::InvalidValue);
}

BOOST_FIXTURE_TEST_CASE(listing_shows_active_bans_and_ended_ones_on_request, Fixture) {
  ban("192.0.2.7");
  clock.advance(1000s);
  ban("192.0.2.8");
  const auto active = bans.list();
  BOOST_REQUIRE(active.size() == 1u);
  BOOST_TEST(active[0].key == "192.0.2.8");
  BOOST_TEST(admin::Bans::keyText(active[0]) == "addr:192.0.2.8");
  BOOST_TEST(bans.list(true).size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(lifting_an_unknown_ban_is_not_found, Fixture) {
  ban("192.0.2.7");
  bans.lift(admin::Bans::parseKey("192.0.2.7"));
  BOOST_CHECK_THROW(bans.lift(admin::Bans::parseKey("192.0.2.7")), core::NotFound);
  ban("192.0.2.7");
  ban("192.0.2.9");
  BOOST_TEST(bans.liftAll() == 2u);
  BOOST_TEST(bans.list(true).empty());
}

BOOST_AUTO_TEST_SUITE_END()
