#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "modes/route_modes.h"
#include "store/route_repository.h"
#include "store/store_error.h"
#include "support/migrated_database.h"

using namespace postern::store;
using postern::modes::AuthMechanism;
using postern::modes::Grant;
using postern::modes::TlsMode;

namespace {

struct RouteFixture : postern::test::MigratedDatabase {
  RouteRepository routes{db, clock};

  // The text of one column of one route, as stored.
  std::string column(const std::string& name, const std::string& column) {
    auto connection = db.acquire();
    Statement q = connection->prepare("SELECT " + column + " FROM relay_routes WHERE name = ?1");
    q.bindText(1, name);
    BOOST_TEST_REQUIRE(q.step());
    return q.columnText(0);
  }

  static RouteRecord route(const std::string& name, std::vector<std::string> senders) {
    RouteRecord r;
    r.name = name;
    r.senders = std::move(senders);
    r.hosts = {"smtp.example.net:587"};
    r.auth = AuthMechanism::Password;
    r.username = "relay@example.org";
    r.sealedPassword = "v1:sealed-password";
    return r;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(relay_routes, RouteFixture)

BOOST_AUTO_TEST_CASE(routes_round_trip_with_their_senders) {
  auto r = route("m365", {"@example.org", "alice@example.net"});
  r.auth = AuthMechanism::XOAuth2;
  r.oauthGrant = Grant::ClientCredentials;
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
  changed.tls = TlsMode::Implicit;
  const RouteRecord after = routes.update(changed);
  BOOST_TEST(after.version == 2);
  BOOST_TEST(after.hosts == (std::vector<std::string>{"backup.example.net:465", "[2001:db8::1]:587"}));
  BOOST_TEST(after.senders == std::vector<std::string>{"@example.net"});
  routes.add(route("b", {"@example.org"}));  // released by the update
  BOOST_CHECK_THROW(routes.update(route("nope", {})), NotFound);
}

BOOST_AUTO_TEST_CASE(schema_refuses_unknown_modes) {
  routes.add(route("a", {"*"}));
  BOOST_CHECK_THROW(db.acquire()->exec("UPDATE relay_routes SET tls = 'maybe' WHERE name = 'a'"),
                    ConstraintViolation);
  BOOST_TEST((routes.find("a")->tls == TlsMode::StartTls));
}

BOOST_AUTO_TEST_CASE(schema_refuses_a_pool_size_out_of_range) {
  auto r = route("a", {"*"});
  r.maxConnections = 0;
  BOOST_CHECK_THROW(routes.add(r), InvalidValue);
}

BOOST_AUTO_TEST_CASE(each_mode_is_stored_in_its_one_spelling_and_read_back) {
  for (const auto tls : {TlsMode::StartTls, TlsMode::Implicit, TlsMode::None}) {
    auto r = route("t", {"*"});
    r.tls = tls;
    r.auth = AuthMechanism::None;
    routes.add(r);
    BOOST_TEST(column("t", "tls") == postern::modes::tlsModeName(tls));
    BOOST_TEST((routes.find("t")->tls == tls));
    routes.remove("t");
  }
  for (const auto auth :
       {AuthMechanism::None, AuthMechanism::Password, AuthMechanism::XOAuth2, AuthMechanism::OAuthBearer}) {
    auto r = route("a", {"*"});
    r.auth = auth;
    routes.add(r);
    BOOST_TEST(column("a", "auth") == postern::modes::authModeName(auth));
    BOOST_TEST((routes.find("a")->auth == auth));
    routes.remove("a");
  }
  for (const auto grant : {Grant::ClientCredentials, Grant::RefreshToken}) {
    auto r = route("g", {"*"});
    r.auth = AuthMechanism::XOAuth2;
    r.oauthGrant = grant;
    routes.add(r);
    BOOST_TEST(column("g", "oauth_grant") == postern::modes::grantName(grant));
    BOOST_TEST((routes.find("g")->oauthGrant == grant));
    routes.remove("g");
  }
}

BOOST_AUTO_TEST_CASE(no_grant_is_stored_as_empty_text_and_read_back_as_none) {
  routes.add(route("a", {"*"}));
  BOOST_TEST(column("a", "oauth_grant") == "");
  BOOST_TEST(!routes.find("a")->oauthGrant.has_value());
  BOOST_TEST(routes.find("a")->unknownModes.empty());
}

BOOST_AUTO_TEST_CASE(stored_modes_postern_does_not_know_are_reported_with_their_text_not_defaulted) {
  routes.add(route("a", {"*"}));
  execUnchecked("UPDATE relay_routes SET tls = 'ssl', auth = 'plain', oauth_grant = 'implicit'");
  const auto r = routes.find("a");
  BOOST_TEST_REQUIRE(r->unknownModes.size() == 3u);
  BOOST_TEST(r->unknownModes[0].setting == "tls");
  BOOST_TEST(r->unknownModes[0].stored == "ssl");
  BOOST_TEST(r->unknownModes[1].setting == "auth");
  BOOST_TEST(r->unknownModes[1].stored == "plain");
  BOOST_TEST(r->unknownModes[2].setting == "grant");
  BOOST_TEST(r->unknownModes[2].stored == "implicit");
  BOOST_TEST(!r->oauthGrant.has_value());
  BOOST_TEST(routes.list().at(0).unknownModes.size() == 3u);  // listed too, not dropped
}

BOOST_AUTO_TEST_CASE(a_record_read_with_an_unknown_mode_is_not_written_back_over_it) {
  routes.add(route("a", {"*"}));
  execUnchecked("UPDATE relay_routes SET tls = 'ssl'");
  auto r = *routes.find("a");
  r.maxConnections = 2;
  BOOST_CHECK_EXCEPTION(routes.update(r), InvalidValue,
                        [](const InvalidValue& e) { return e.field() == "tls"; });
  BOOST_TEST(column("a", "tls") == "ssl");
  BOOST_TEST(routes.find("a")->maxConnections == 4);
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
