#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/migration_runner.h"
#include "store/route_repository.h"
#include "store/store_error.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;

namespace {

struct RouteFixture {
  TempDir dir;
  Database db{dir.file("postern.db")};
  FakeClock clock;
  RouteRepository routes{db, clock};
  RouteFixture() { MigrationRunner(db, clock).run(); }

  static RouteRecord route(const std::string& name, std::vector<std::string> senders) {
    RouteRecord r;
    r.name = name;
    r.senders = std::move(senders);
    r.hosts = {"smtp.example.net:587"};
    r.auth = "password";
    r.username = "relay@example.org";
    r.sealedPassword = "v1:sealed-password";
    return r;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(relay_routes, RouteFixture)

BOOST_AUTO_TEST_CASE(routes_round_trip_with_their_senders) {
  auto r = route("m365", {"@example.org", "alice@example.net"});
  r.auth = "xoauth2";
  r.oauthGrant = "client_credentials";
  r.oauthTokenUrl = "https://login.microsoftonline.com/t/oauth2/v2.0/token";
  r.oauthClientId = "client-id";
  r.sealedClientSecret = "v1:sealed-secret";
  r.oauthScope = "https://outlook.office365.com/.default";
  r.maxConnections = 2;
  const RouteRecord stored = routes.add(r);
  BOOST_TEST(stored.version == 1);
  BOOST_TEST(stored.senders == (std::vector<std::string>{"@example.org", "alice@example.net"}));
  BOOST_TEST(stored.sealedClientSecret == "v1:sealed-secret");
  BOOST_TEST(stored.maxConnections == 2);
  routes.add(route("default", {"*"}));
  const auto all = routes.list();
  BOOST_TEST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].name == "default");
  BOOST_TEST(all[1].oauthScope == "https://outlook.office365.com/.default");
}

BOOST_AUTO_TEST_CASE(names_and_sender_patterns_are_unique) {
  routes.add(route("a", {"@example.org"}));
  BOOST_CHECK_THROW(routes.add(route("a", {"@example.net"})), AlreadyExists);
  BOOST_CHECK_THROW(routes.add(route("b", {"@example.org"})), AlreadyExists);
  BOOST_TEST(routes.list().size() == 1u);  // the failed add left nothing behind
}

BOOST_AUTO_TEST_CASE(update_replaces_settings_and_senders_and_raises_the_version) {
  routes.add(route("a", {"@example.org", "@example.com"}));
  auto changed = route("a", {"@example.net"});
  changed.hosts = {"backup.example.net:465", "[2001:db8::1]:587"};
  changed.tls = "tls";
  const RouteRecord after = routes.update(changed);
  BOOST_TEST(after.version == 2);
  BOOST_TEST(after.hosts == (std::vector<std::string>{"backup.example.net:465", "[2001:db8::1]:587"}));
  BOOST_TEST(after.senders == std::vector<std::string>{"@example.net"});
  routes.add(route("b", {"@example.org"}));  // released by the update
  BOOST_CHECK_THROW(routes.update(route("nope", {})), NotFound);
}

BOOST_AUTO_TEST_CASE(schema_refuses_unknown_modes) {
  auto r = route("a", {"*"});
  r.tls = "maybe";
  BOOST_CHECK_THROW(routes.add(r), InvalidValue);
  r = route("a", {"*"});
  r.maxConnections = 0;
  BOOST_CHECK_THROW(routes.add(r), InvalidValue);
}

BOOST_AUTO_TEST_CASE(every_change_raises_the_generation_but_a_rotated_token_keeps_the_version) {
  const auto g0 = routes.generation();
  routes.add(route("a", {"*"}));
  const auto g1 = routes.generation();
  BOOST_TEST(g1 > g0);
  BOOST_TEST(routes.storeRefreshToken("a", "v1:new-refresh"));
  BOOST_TEST(routes.generation() > g1);
  BOOST_TEST(routes.find("a")->version == 1);
  BOOST_TEST(routes.find("a")->sealedRefreshToken == "v1:new-refresh");
  BOOST_TEST(!routes.storeRefreshToken("gone", "x"));
  routes.remove("a");
  BOOST_TEST(routes.list().empty());
  BOOST_CHECK_THROW(routes.remove("a"), NotFound);
}

BOOST_AUTO_TEST_SUITE_END()
