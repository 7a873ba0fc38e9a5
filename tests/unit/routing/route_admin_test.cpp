#define BOOST_TEST_MODULE routing
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "modes/route_modes.h"
#include "routing/route_admin.h"
#include "store/store_error.h"
#include "support/route_store.h"

using namespace postern;
using modes::AuthMechanism;
using modes::Grant;
using modes::TlsMode;
using routing::RouteAdmin;
using routing::RouteSettings;

namespace {

struct Fixture : test::RouteStore {
  RouteAdmin admin{repository, vaultOpener()};

  static RouteSettings password(const std::string& name, std::vector<std::string> senders) {
    RouteSettings s;
    s.name = name;
    s.senders = std::move(senders);
    s.hosts = {"smtp.example.net:587"};
    s.auth = AuthMechanism::Password;
    s.username = "relay@example.org";
    s.password = "hunter2-relay";
    return s;
  }

  static RouteSettings m365(const std::string& name) {
    RouteSettings s;
    s.name = name;
    s.senders = {"@example.com"};
    s.hosts = {"smtp.office365.com:587"};
    s.auth = AuthMechanism::XOAuth2;
    s.username = "sender@example.com";
    s.oauthGrant = Grant::ClientCredentials;
    s.oauthTokenUrl = "https://login.microsoftonline.com/tenant/oauth2/v2.0/token";
    s.oauthClientId = "0000-client";
    s.oauthClientSecret = "client-secret-value";
    s.oauthScope = "https://outlook.office365.com/.default";
    return s;
  }

  std::string message(const RouteSettings& s) {
    try {
      admin.add(s);
    } catch (const core::InvalidValue& e) {
      return e.what();
    }
    return "";
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(route_admin, Fixture)

BOOST_AUTO_TEST_CASE(secrets_are_sealed_and_resolve_opens_them) {
  admin.add(password("office", {"@Example.ORG", "*"}));
  admin.add(m365("m365"));
  const auto stored = repository.find("office");
  BOOST_TEST_REQUIRE(stored.has_value());
  BOOST_TEST(!stored->sealedPassword.empty());
  BOOST_TEST(!has(stored->sealedPassword, "hunter2"));
  BOOST_TEST(stored->senders == (std::vector<std::string>{"*", "@example.org"}));
  const auto resolved = admin.resolve();
  BOOST_TEST(resolved.unusable.empty());
  BOOST_TEST_REQUIRE(resolved.routes.size() == 2u);
  const auto& m = resolved.routes[0];
  BOOST_TEST(m.name == "m365");
  BOOST_TEST(m.oauthClientSecret == "client-secret-value");
  BOOST_TEST(m.hosts.at(0).first == "smtp.office365.com");
  BOOST_TEST(m.hosts.at(0).second == 587);
  BOOST_TEST(resolved.routes[1].password == "hunter2-relay");
}

BOOST_AUTO_TEST_CASE(a_sealed_secret_moved_to_another_route_does_not_open) {
  admin.add(password("a", {"@a.example"}));
  admin.add(password("b", {"@b.example"}));
  auto a = *repository.find("a");
  auto b = *repository.find("b");
  b.sealedPassword = a.sealedPassword;
  repository.update(b);
  const auto resolved = admin.resolve();
  BOOST_TEST(resolved.routes.size() == 1u);
  BOOST_TEST_REQUIRE(resolved.unusable.size() == 1u);
  BOOST_TEST(has(resolved.unusable[0].error, "route b"));
  BOOST_TEST(resolved.unusable[0].senders == std::vector<std::string>{"@b.example"});
}

BOOST_AUTO_TEST_CASE(a_wrong_master_key_is_reported_per_route) {
  admin.add(password("a", {"*"}));
  masterKey = 'b';
  const auto resolved = admin.resolve();
  BOOST_TEST(resolved.routes.empty());
  BOOST_TEST(resolved.unusable.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_secret_is_never_sealed_under_a_second_master_key) {
  admin.add(password("a", {"@a.example"}));  // records the check value of key 'a'
  masterKey = 'b';
  BOOST_CHECK_EXCEPTION(admin.add(password("b", {"@b.example"})), vault::VaultError,
                        [](const vault::VaultError& e) { return has(e.what(), "secrets.master_key"); });
  BOOST_TEST(!repository.find("b").has_value());
  BOOST_CHECK_THROW(admin.storeRotatedRefreshToken("a", "rotated"), vault::VaultError);
}

BOOST_AUTO_TEST_CASE(settings_are_validated_with_a_clear_message) {
  auto s = password("Bad Name", {"*"});
  BOOST_TEST(has(message(s), "name"));
  s = password("a", {"not an address"});
  BOOST_TEST(has(message(s), "sender 'not an address'"));
  s = password("a", {});
  BOOST_TEST(has(message(s), "at least one sender"));
  s = password("a", {"*"});
  s.hosts = {"smtp.example.net"};
  BOOST_TEST(has(message(s), "HOST:PORT"));
  s = password("a", {"*"});
  s.tls = TlsMode::None;
  BOOST_TEST(has(message(s), "only sent over TLS"));
  s = password("a", {"*"});
  s.password.reset();
  BOOST_TEST(has(message(s), "needs a password"));
  auto o = m365("o");
  o.oauthTokenUrl = "http://login.example.com/token";
  BOOST_TEST(has(message(o), "https://"));
  o = m365("o");
  o.oauthClientSecret.reset();
  BOOST_TEST(has(message(o), "client secret"));
  o = m365("o");
  o.oauthGrant = Grant::RefreshToken;
  BOOST_TEST(has(message(o), "refresh token"));
  o = m365("o");
  o.oauthGrant.reset();
  BOOST_TEST(has(message(o), "needs a grant"));
  BOOST_TEST(repository.list().empty());
  for (const auto& e : {message(password("x y", {"*"}))}) BOOST_TEST(!has(e, "hunter2"));
}

BOOST_AUTO_TEST_CASE(update_keeps_secrets_not_given_and_raises_the_version) {
  admin.add(password("a", {"*"}));
  auto s = *admin.settingsOf("a");
  BOOST_TEST(!s.password.has_value());
  s.hosts = {"smtp2.example.net:465", "[2001:db8::1]:587"};
  s.tls = TlsMode::Implicit;
  const auto updated = admin.update(s);
  BOOST_TEST(updated.version == 2);
  BOOST_TEST(updated.hosts == (std::vector<std::string>{"smtp2.example.net:465", "[2001:db8::1]:587"}));
  const auto resolved = admin.resolve();
  BOOST_TEST_REQUIRE(resolved.routes.size() == 1u);
  BOOST_TEST(resolved.routes[0].password == "hunter2-relay");
  BOOST_TEST(resolved.routes[0].hosts.at(1).first == "2001:db8::1");
  s.auth = AuthMechanism::None;
  s.username.clear();
  admin.update(s);
  BOOST_TEST(repository.find("a")->sealedPassword.empty());  // no stale secret once auth is off
}

BOOST_AUTO_TEST_CASE(rotated_refresh_tokens_are_sealed) {
  auto s = m365("g");
  s.oauthGrant = Grant::RefreshToken;
  s.oauthRefreshToken = "refresh-1";
  admin.add(s);
  admin.storeRotatedRefreshToken("g", "refresh-2");
  BOOST_TEST(!has(repository.find("g")->sealedRefreshToken, "refresh-2"));
  BOOST_TEST(admin.resolve().routes.at(0).oauthRefreshToken == "refresh-2");
  BOOST_TEST(repository.find("g")->version == 1);
}

BOOST_AUTO_TEST_CASE(a_change_keeps_a_refresh_token_the_server_rotated_meanwhile) {
  auto s = m365("g");
  s.oauthGrant = Grant::RefreshToken;
  s.oauthRefreshToken = "refresh-1";
  admin.add(s);
  auto change = *admin.settingsOf("g");              // read by the administrator's command...
  admin.storeRotatedRefreshToken("g", "refresh-2");  // ...while the server stores a rotated token
  change.maxConnections = 2;
  admin.update(change);
  BOOST_TEST(admin.resolve().routes.at(0).oauthRefreshToken == "refresh-2");
}

BOOST_AUTO_TEST_CASE(an_unreadable_ca_file_is_refused) {
  auto s = password("a", {"*"});
  s.caFile = "/nonexistent/ca.pem";
  BOOST_TEST(has(message(s), "cannot be read"));
}

BOOST_AUTO_TEST_CASE(the_vault_is_opened_only_when_a_secret_is_involved) {
  RouteSettings s;
  s.name = "plain";
  s.senders = {"*"};
  s.hosts = {"127.0.0.1:2525"};
  s.tls = TlsMode::None;
  admin.add(s);
  admin.resolve();
  BOOST_TEST(vaultsOpened.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_stored_auth_postern_does_not_know_makes_the_route_unusable) {
  admin.add(password("a", {"@a.example"}));
  admin.add(password("b", {"@b.example"}));
  execUnchecked("UPDATE relay_routes SET auth = 'plain' WHERE name = 'a'");
  const auto resolved = admin.resolve();
  BOOST_TEST_REQUIRE(resolved.routes.size() == 1u);
  BOOST_TEST(resolved.routes[0].name == "b");
  BOOST_TEST_REQUIRE(resolved.unusable.size() == 1u);
  BOOST_TEST(resolved.unusable[0].error == "route a: unknown auth mode 'plain'");
}

BOOST_AUTO_TEST_CASE(a_stored_grant_postern_does_not_know_makes_an_oauth_route_unusable) {
  admin.add(m365("m365"));
  execUnchecked("UPDATE relay_routes SET oauth_grant = 'password' WHERE name = 'm365'");
  const auto resolved = admin.resolve();
  BOOST_TEST(resolved.routes.empty());
  BOOST_TEST_REQUIRE(resolved.unusable.size() == 1u);
  BOOST_TEST(resolved.unusable[0].error == "route m365: unknown oauth grant 'password'");
}

BOOST_AUTO_TEST_CASE(a_grant_left_in_a_route_without_oauth_is_never_read) {
  admin.add(password("a", {"*"}));
  execUnchecked("UPDATE relay_routes SET oauth_grant = 'password' WHERE name = 'a'");
  const auto resolved = admin.resolve();
  BOOST_TEST(resolved.unusable.empty());
  BOOST_TEST_REQUIRE(resolved.routes.size() == 1u);
  BOOST_TEST(!resolved.routes[0].oauthGrant.has_value());
}

BOOST_AUTO_TEST_CASE(host_and_sender_syntax) {
  BOOST_TEST(RouteAdmin::parseHost("SMTP.Example.net:587")->first == "smtp.example.net");
  BOOST_TEST(!RouteAdmin::parseHost("smtp.example.net:0"));
  BOOST_TEST(!RouteAdmin::parseHost("smtp.example.net:70000"));
  BOOST_TEST(!RouteAdmin::parseHost("2001:db8::1:25"));
  BOOST_TEST(!RouteAdmin::parseHost("smtp example:25"));
  BOOST_TEST(*RouteAdmin::normaliseSender("*") == "*");
  BOOST_TEST(*RouteAdmin::normaliseSender("Alice@Example.org") == "alice@example.org");
  BOOST_TEST(!RouteAdmin::normaliseSender("@"));
}

BOOST_AUTO_TEST_SUITE_END()
