// The stored routes as the server delivers through them (routing::StoredRoutes): a stored route becomes
// relay options, an OAuth route keeps its token source (and cached token) while it is unchanged and gets
// a new one when it changes, routes whose secrets do not open or whose stored modes Postern does not know
// are passed on as unusable, and the generation follows the table.
#include <boost/test/unit_test.hpp>

#include <atomic>

#include "modes/route_modes.h"
#include "routing/stored_routes.h"
#include "support/route_store.h"

using namespace postern;
using modes::AuthMechanism;
using modes::Grant;
using modes::TlsMode;
using routing::RouteSettings;

namespace {

// Counts token requests and answers each with a fresh token valid for an hour.
class CountingTokenClient final : public oauth::TokenEndpointClient {
 public:
  oauth::Token request(const oauth::TokenRequest&, const core::Clock& clock) override {
    const int n = ++requests;
    return oauth::Token{"token-" + std::to_string(n), clock.now() + std::chrono::hours(1), ""};
  }
  std::atomic<int> requests{0};
};

relay::RelayOptions base() {
  relay::RelayOptions o;
  o.heloName = "relay.test";
  return o;
}

struct Fixture : test::RouteStore {
  routing::RouteAdmin admin{repository, vaultOpener()};
  std::shared_ptr<CountingTokenClient> client = std::make_shared<CountingTokenClient>();
  routing::StoredRoutes stored{admin, repository, base(), client, clock};

  static RouteSettings oauthRoute(const std::string& name) {
    RouteSettings s;
    s.name = name;
    s.senders = {"@example.com"};
    s.hosts = {"smtp.office365.com:587"};
    s.auth = AuthMechanism::XOAuth2;
    s.username = "sender@example.com";
    s.oauthGrant = Grant::ClientCredentials;
    s.oauthTokenUrl = "https://login.example.com/token";
    s.oauthClientId = "client";
    s.oauthClientSecret = "client-secret-value";
    return s;
  }
  static RouteSettings passwordRoute(const std::string& name, std::vector<std::string> senders) {
    RouteSettings s;
    s.name = name;
    s.senders = std::move(senders);
    s.hosts = {"smtp.example.net:2525", "backup.example.net:587"};
    s.tls = TlsMode::Implicit;
    s.auth = AuthMechanism::Password;
    s.username = "relay@example.org";
    s.password = "hunter2-relay";
    s.maxConnections = 7;
    return s;
  }
};

const relay::Route& named(const relay::RouteSet& set, const std::string& name) {
  for (const auto& r : set.routes)
    if (r.name == name) return r;
  throw std::runtime_error("no route " + name);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(stored_routes, Fixture)

BOOST_AUTO_TEST_CASE(a_stored_route_becomes_relay_options_over_the_shared_base) {
  admin.add(passwordRoute("corp", {"@example.org"}));
  const relay::RouteSet set = stored.routes();
  const relay::Route& corp = named(set, "corp");
  BOOST_TEST(corp.options.heloName == "relay.test");
  BOOST_REQUIRE(corp.options.smarthosts.size() == 2u);
  BOOST_TEST(corp.options.smarthosts[0].str() == "smtp.example.net:2525");
  BOOST_TEST(corp.options.smarthosts[1].str() == "backup.example.net:587");
  BOOST_TEST((corp.options.tls == relay::TlsMode::Implicit));
  BOOST_TEST((corp.options.auth.mechanism == relay::AuthMechanism::Password));
  BOOST_TEST(corp.options.auth.password == "hunter2-relay");
  BOOST_TEST(corp.options.maxConnections == 7u);
}

BOOST_AUTO_TEST_CASE(an_unchanged_oauth_route_keeps_its_token_source_and_a_changed_one_gets_a_new_one) {
  admin.add(oauthRoute("m365"));
  const relay::RouteSet first = stored.routes();
  BOOST_TEST(named(first, "m365").options.auth.accessToken() == "token-1");
  const relay::RouteSet again = stored.routes();
  BOOST_TEST(named(again, "m365").options.auth.accessToken() == "token-1");  // cached: no new request
  BOOST_TEST(client->requests.load() == 1);
  BOOST_TEST(stored.tokenSources() == 1u);

  RouteSettings changed = oauthRoute("m365");
  changed.oauthScope = "https://outlook.office365.com/.default";
  changed.oauthClientSecret.reset();
  admin.update(changed);
  const relay::RouteSet after = stored.routes();
  BOOST_TEST(named(after, "m365").options.auth.accessToken() == "token-2");
  BOOST_TEST(stored.tokenSources() == 1u);  // the old route's source went with it

  admin.remove("m365");
  stored.routes();
  BOOST_TEST(stored.tokenSources() == 0u);
}

BOOST_AUTO_TEST_CASE(routes_whose_secrets_do_not_open_are_passed_on_as_unusable) {
  admin.add(passwordRoute("corp", {"@example.org"}));
  admin.add(passwordRoute("other", {"*"}));
  masterKey = 'b';  // another master key: no secret opens
  const relay::RouteSet set = stored.routes();
  BOOST_TEST(set.routes.empty());
  BOOST_REQUIRE(set.unusable.size() == 2u);
  for (const auto& u : set.unusable) {
    BOOST_TEST(!u.senders.empty());
    BOOST_TEST(u.error.find("hunter2") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_stored_tls_mode_postern_does_not_know_makes_the_route_unusable_not_starttls) {
  admin.add(passwordRoute("corp", {"@example.org"}));
  admin.add(passwordRoute("other", {"*"}));
  // The schema refuses it; a database from elsewhere or a hand edit may not.
  execUnchecked("UPDATE relay_routes SET tls = 'ssl' WHERE name = 'corp'");
  const relay::RouteSet set = stored.routes();
  BOOST_REQUIRE(set.routes.size() == 1u);
  BOOST_TEST(set.routes[0].name == "other");
  BOOST_REQUIRE(set.unusable.size() == 1u);
  BOOST_TEST(set.unusable[0].name == "corp");
  BOOST_TEST(set.unusable[0].error == "route corp: unknown tls mode 'ssl'");
  BOOST_TEST(set.unusable[0].senders == std::vector<std::string>{"@example.org"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_oauth_route_stored_without_a_grant_is_unusable_not_given_a_default_grant) {
  admin.add(oauthRoute("m365"));
  execUnchecked("UPDATE relay_routes SET oauth_grant = '' WHERE name = 'm365'");
  const relay::RouteSet set = stored.routes();
  BOOST_TEST(set.routes.empty());
  BOOST_REQUIRE(set.unusable.size() == 1u);
  BOOST_TEST(set.unusable[0].error == "route m365: no oauth grant stored");
  BOOST_TEST(client->requests.load() == 0);
}

BOOST_AUTO_TEST_CASE(the_generation_changes_with_the_table) {
  const auto before = stored.generation();
  admin.add(passwordRoute("corp", {"@example.org"}));
  BOOST_TEST(stored.generation() != before);
}

BOOST_AUTO_TEST_SUITE_END()
