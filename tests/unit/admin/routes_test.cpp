// admin::Routes over a real SQLite store and a vault with a fixed master key: views say which secrets are
// stored and carry none of their sealed bytes, a change lays a preset and then the values given over a
// route, routeFor follows the default-route rule, and concurrent calls are serialised.
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

#include "admin/routes.h"
#include "core/error.h"
#include "modes/route_modes.h"
#include "support/route_store.h"

using namespace postern;
using admin::RouteChange;
using admin::Routes;
using admin::RouteView;
using modes::AuthMechanism;
using modes::Grant;
using modes::TlsMode;

namespace {

struct Fixture : test::RouteStore {
  Routes withSmarthost{repository, vaultOpener(), true};
  Routes withoutSmarthost{repository, vaultOpener(), false};
  Routes& service = withSmarthost;

  static RouteChange password(std::vector<std::string> senders) {
    RouteChange c;
    c.senders = std::move(senders);
    c.hosts = {"smtp.example.net:587"};
    c.auth = AuthMechanism::Password;
    c.username = "relay@example.org";
    c.password = "hunter2-relay";
    return c;
  }

  static RouteChange m365() {
    RouteChange c;
    c.preset = "microsoft365";
    c.tenant = "contoso.onmicrosoft.com";
    c.senders = {"@example.com"};
    c.username = "sender@example.com";
    c.oauthClientId = "0000-client";
    c.oauthClientSecret = "client-secret-value";
    c.oauthRefreshToken = "refresh-token-value";
    return c;
  }

  static std::vector<std::string> strings(const RouteView& v) {
    std::vector<std::string> all{v.name,          v.caFile,        v.username,
                                 v.oauthTokenUrl, v.oauthClientId, v.oauthScope};
    all.insert(all.end(), v.senders.begin(), v.senders.end());
    all.insert(all.end(), v.hosts.begin(), v.hosts.end());
    return all;
  }

  // No sealed value of the stored route, nor a secret in clear, appears in any string of the view.
  bool carriesSecrets(const RouteView& v) {
    const auto stored = repository.find(v.name);
    BOOST_TEST_REQUIRE(stored.has_value());
    for (const auto& s : strings(v))
      for (const std::string& secret :
           {stored->sealedPassword, stored->sealedClientSecret, stored->sealedRefreshToken,
            std::string("hunter2"), std::string("secret-value"), std::string("token-value")})
        if (!secret.empty() && s.find(secret.substr(0, 12)) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(routes, Fixture)

BOOST_AUTO_TEST_CASE(views_say_which_secrets_are_stored_and_carry_no_sealed_bytes) {
  const auto office = service.add("office", password({"@example.org"}));
  BOOST_TEST(office.hasPassword);
  BOOST_TEST(!office.hasClientSecret);
  BOOST_TEST(!office.hasRefreshToken);
  BOOST_TEST(!carriesSecrets(office));
  const auto m = service.add("m365", m365());
  BOOST_TEST(!m.hasPassword);
  BOOST_TEST(m.hasClientSecret);
  BOOST_TEST(m.hasRefreshToken);
  BOOST_TEST(!carriesSecrets(m));
  for (const auto& v : service.list()) BOOST_TEST(!carriesSecrets(v));
  BOOST_TEST(!carriesSecrets(*service.show("m365")));
  BOOST_TEST(!service.show("nosuch").has_value());
}

BOOST_AUTO_TEST_CASE(hosts_come_back_in_failover_order) {
  auto c = password({"*"});
  c.hosts = {"a.example.net:587", "[2001:db8::1]:25"};
  BOOST_TEST(service.add("office", c).hosts ==
             (std::vector<std::string>{"a.example.net:587", "[2001:db8::1]:25"}));
}

BOOST_AUTO_TEST_CASE(a_new_route_sends_for_everybody_unless_senders_are_given) {
  auto c = password({});
  c.senders.reset();
  BOOST_TEST(service.add("office", c).senders == std::vector<std::string>{"*"});
  BOOST_TEST(service.add("other", password({"@Example.NET"})).senders ==
             std::vector<std::string>{"@example.net"});
}

BOOST_AUTO_TEST_CASE(a_change_keeps_what_it_does_not_name_and_the_stored_secrets) {
  const auto before = service.add("office", password({"@example.org"}));
  RouteChange c;
  c.maxConnections = 2;
  const auto after = service.set("office", c);
  BOOST_TEST(after.maxConnections == 2);
  BOOST_TEST(after.senders == before.senders);
  BOOST_TEST(after.hosts == before.hosts);
  BOOST_TEST(after.username == "relay@example.org");
  BOOST_TEST(after.hasPassword);
  BOOST_TEST(after.version > before.version);
  BOOST_CHECK_EXCEPTION(service.set("nosuch", c), core::NotFound,
                        [](const core::NotFound& e) { return std::string(e.what()) == "no route nosuch"; });
}

BOOST_AUTO_TEST_CASE(a_routes_spf_is_stored_normalised_and_kept_by_a_change_that_does_not_name_it) {
  auto c = password({"@example.org"});
  c.spf = "  include:_spf.Example.NET   ip4:192.0.2.10 ";
  BOOST_TEST(service.add("office", c).spf == "include:_spf.example.net ip4:192.0.2.10");
  RouteChange other;
  other.maxConnections = 2;
  BOOST_TEST(service.set("office", other).spf == "include:_spf.example.net ip4:192.0.2.10");
  RouteChange cleared;
  cleared.spf = "";
  BOOST_TEST(service.set("office", cleared).spf == "");
  BOOST_TEST(service.show("office")->spf == "");
}

BOOST_AUTO_TEST_CASE(a_routes_spf_takes_only_include_ip4_and_ip6_mechanisms) {
  for (const char* bad : {"a", "mx:example.org", "exists:example.org", "-all", "redirect=example.org",
                          "ip4:not-an-address", "ip6:192.0.2.1", "include:", "-ip4:192.0.2.10"}) {
    auto c = password({"@example.org"});
    c.spf = bad;
    BOOST_CHECK_EXCEPTION(service.add("office", c), core::InvalidValue,
                          [](const core::InvalidValue& e) { return e.field() == "spf"; });
  }
  BOOST_TEST(service.list().empty());  // refused before the route was stored
  BOOST_TEST(Routes::normaliseSpf("ip6:2001:db8::/32") == "ip6:2001:db8::/32");
}

BOOST_AUTO_TEST_CASE(auth_none_drops_the_username) {
  service.add("office", password({"@example.org"}));
  RouteChange c;
  c.auth = AuthMechanism::None;
  c.tls = TlsMode::Implicit;
  BOOST_TEST(service.set("office", c).username.empty());
}

BOOST_AUTO_TEST_CASE(the_microsoft365_preset_fills_smarthost_tls_xoauth2_endpoint_scope_and_grant) {
  routing::RouteSettings s;
  Routes::apply(m365(), s, true);
  BOOST_TEST(s.hosts == std::vector<std::string>{"smtp.office365.com:587"});
  BOOST_TEST((s.tls == TlsMode::StartTls));
  BOOST_TEST((s.auth == AuthMechanism::XOAuth2));
  BOOST_TEST(s.oauthTokenUrl ==
             "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  BOOST_TEST(s.oauthScope == "https://outlook.office365.com/.default");
  BOOST_TEST((s.oauthGrant == Grant::ClientCredentials));
  BOOST_TEST(s.oauthClientId == "0000-client");  // the values given are laid over the preset
  BOOST_TEST(s.senders == std::vector<std::string>{"@example.com"});
}

BOOST_AUTO_TEST_CASE(the_google_preset_takes_the_refresh_token_grant_and_given_values_win) {
  RouteChange c;
  c.preset = "Google";
  c.maxConnections = 1;
  c.hosts = {"smtp-relay.gmail.com:587"};
  routing::RouteSettings s;
  Routes::apply(c, s, true);
  BOOST_TEST((s.oauthGrant == Grant::RefreshToken));
  BOOST_TEST(s.oauthTokenUrl == "https://oauth2.googleapis.com/token");
  BOOST_TEST(s.oauthScope == "https://mail.google.com/");
  BOOST_TEST(s.hosts == std::vector<std::string>{"smtp-relay.gmail.com:587"});
  BOOST_TEST(s.maxConnections == 1);
  c.preset = "microsoft365";
  c.tenant = "contoso.onmicrosoft.com";
  c.oauthGrant = Grant::RefreshToken;
  Routes::apply(c, s, true);
  BOOST_TEST(s.oauthScope == "https://outlook.office.com/SMTP.Send offline_access");
}

BOOST_AUTO_TEST_CASE(an_unknown_preset_is_refused_naming_the_known_ones) {
  RouteChange c;
  c.preset = "yahoo";
  BOOST_CHECK_EXCEPTION(service.add("y", c), core::InvalidValue, [](const core::InvalidValue& e) {
    return e.field() == "preset" &&
           std::string(e.what()) == "unknown preset 'yahoo' (known: microsoft365, google)";
  });
  BOOST_TEST(service.list().empty());
}

BOOST_AUTO_TEST_CASE(a_view_shows_a_stored_mode_postern_does_not_know_with_its_text) {
  service.add("office", password({"@example.org"}));
  execUnchecked("UPDATE relay_routes SET tls = 'ssl' WHERE name = 'office'");
  const auto v = service.show("office");
  BOOST_TEST_REQUIRE(v->unknownModes.size() == 1u);
  BOOST_TEST(v->unknownModes[0].setting == "tls");
  BOOST_TEST(v->unknownModes[0].stored == "ssl");
  BOOST_TEST(service.list().at(0).unknownModes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_change_that_leaves_an_unknown_stored_mode_in_place_is_refused_naming_it) {
  service.add("office", password({"@example.org"}));
  execUnchecked("UPDATE relay_routes SET auth = 'plain' WHERE name = 'office'");
  RouteChange c;
  c.maxConnections = 2;
  BOOST_CHECK_EXCEPTION(service.set("office", c), core::InvalidValue, [](const core::InvalidValue& e) {
    return e.field() == "auth" &&
           std::string(e.what()) ==
               "route office: the stored auth 'plain' is unknown; set auth in this change";
  });
  BOOST_TEST(service.show("office")->maxConnections == 4);
}

BOOST_AUTO_TEST_CASE(a_change_that_sets_an_unknown_stored_mode_repairs_the_route) {
  const auto before = service.add("office", password({"@example.org"}));
  execUnchecked("UPDATE relay_routes SET tls = 'ssl' WHERE name = 'office'");
  RouteChange c;
  c.tls = TlsMode::Implicit;
  const auto after = service.set("office", c);
  BOOST_TEST(after.unknownModes.empty());
  BOOST_TEST((after.tls == TlsMode::Implicit));
  BOOST_TEST(after.hasPassword);  // the rest of the route as it was
  BOOST_TEST(after.hosts == before.hosts);
}

BOOST_AUTO_TEST_CASE(an_unknown_stored_grant_need_not_be_set_by_a_change_that_leaves_oauth) {
  service.add("m365", m365());
  execUnchecked("UPDATE relay_routes SET oauth_grant = 'implicit' WHERE name = 'm365'");
  RouteChange keepsOAuth;
  keepsOAuth.maxConnections = 2;
  BOOST_CHECK_EXCEPTION(service.set("m365", keepsOAuth), core::InvalidValue,
                        [](const core::InvalidValue& e) { return e.field() == "grant"; });
  RouteChange leavesOAuth = password({"@example.com"});
  const auto after = service.set("m365", leavesOAuth);
  BOOST_TEST((after.auth == AuthMechanism::Password));
  BOOST_TEST(!after.oauthGrant.has_value());
  BOOST_TEST(after.unknownModes.empty());
}

BOOST_AUTO_TEST_CASE(with_no_routes_the_configured_smarthost_takes_every_sender) {
  BOOST_TEST((withSmarthost.routeFor("alice@example.org") == std::optional<std::string>("config")));
  BOOST_TEST((withSmarthost.routeFor("", "bob@example.net") == std::optional<std::string>("config")));
}

BOOST_AUTO_TEST_CASE(with_neither_routes_nor_a_smarthost_mail_has_no_route) {
  BOOST_TEST(!withoutSmarthost.routeFor("alice@example.org").has_value());
}

BOOST_AUTO_TEST_CASE(the_smarthost_takes_the_senders_no_route_matches) {
  service.add("office", password({"@example.org"}));
  BOOST_TEST((withSmarthost.routeFor("alice@example.org") == std::optional<std::string>("office")));
  BOOST_TEST((withSmarthost.routeFor("carol@example.net") == std::optional<std::string>("config")));
  BOOST_TEST(!withoutSmarthost.routeFor("carol@example.net").has_value());
}

BOOST_AUTO_TEST_CASE(a_star_route_replaces_the_configured_smarthost) {
  service.add("office", password({"@example.org"}));
  service.add("everybody", password({"*"}));
  BOOST_TEST((withSmarthost.routeFor("carol@example.net") == std::optional<std::string>("everybody")));
  BOOST_TEST((withSmarthost.routeFor("alice@example.org") == std::optional<std::string>("office")));
}

BOOST_AUTO_TEST_CASE(concurrent_calls_are_serialised_without_deadlock) {
  std::vector<std::thread> threads;
  std::vector<std::optional<std::string>> found(4);  // Boost.Test checks stay on the main thread
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      try {
        const std::string name = "r" + std::to_string(i);
        service.add(name, password({"@d" + std::to_string(i) + ".example"}));
        RouteChange c;
        c.maxConnections = 1;
        service.set(name, c);
        service.list();
        found[i] = service.routeFor("x@d" + std::to_string(i) + ".example");
      } catch (const std::exception& e) {
        found[i] = std::string("error: ") + e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) BOOST_TEST(found[i].value_or("(none)") == "r" + std::to_string(i));
  BOOST_TEST(service.list().size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
