// An administrator's check of a route (Relay::check, RoutedTransport::check): every smarthost is reached
// as a delivery would reach it, what TLS and AUTH gave is reported per host, no mail is sent, and the
// reasons a host cannot be used come back without a credential in them.
#include <boost/test/unit_test.hpp>

#include "core/text.h"
#include "fake_smarthost.h"
#include "relay/relay.h"
#include "relay/route_source.h"
#include "relay/routed_transport.h"
#include "relay_fixture.h"
#include "tls_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;

namespace {

const std::string kPassword = "s3cret-Pa55word";

FakeScript startTlsAuthScript() {
  FakeScript script;
  script.offerStartTls = true;
  script.authMechanisms = {"PLAIN", "LOGIN"};
  script.authUser = "relay-user";
  script.authPassword = kPassword;
  return script;
}

RelayOptions startTlsOptions(std::uint16_t port, const Pki& pki, const std::string& password = kPassword) {
  RelayOptions options = plainOptions(port);
  options.smarthosts = {{"localhost", port}};
  options.tls = TlsMode::StartTls;
  options.caFile = pki.ca.certificateFile;
  options.username = "relay-user";
  options.password = password;
  return options;
}

class OneRouteSource final : public RouteSource {
 public:
  explicit OneRouteSource(RouteSet set) : set_(std::move(set)) {}
  std::int64_t generation() override { return 1; }
  RouteSet routes() override { return set_; }

 private:
  RouteSet set_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(route_check)

BOOST_AUTO_TEST_CASE(a_working_host_reports_tls_and_auth_and_receives_no_mail) {
  Pki pki;
  FakeSmarthost fake(startTlsAuthScript(), pki.serverContext({"localhost"}, pki.ca));
  Relay relay(startTlsOptions(fake.port(), pki));
  const std::vector<SmarthostCheck> checks = relay.check();
  BOOST_REQUIRE_EQUAL(checks.size(), 1u);
  const SmarthostCheck& c = checks[0];
  BOOST_TEST(c.ok, c.error);
  BOOST_TEST(c.host == "localhost:" + std::to_string(fake.port()));
  BOOST_TEST(c.connected);
  BOOST_TEST(c.certificateVerified);
  BOOST_TEST(c.tlsVersion.rfind("TLSv1.", 0) == 0u, c.tlsVersion);
  BOOST_TEST(!c.cipher.empty());
  BOOST_TEST(c.authMechanism == "PLAIN");
  BOOST_TEST(c.authOk);
  BOOST_TEST(c.error.empty());
  BOOST_REQUIRE(fake.waitFor([](const auto& conns) { return conns.size() == 1 && conns[0].ended; }));
  const ReceivedConnection conn = fake.connections()[0];
  BOOST_TEST(!conn.has("MAIL"));
  BOOST_TEST(conn.quit);
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_reported_with_the_reason_and_no_auth_is_tried) {
  Pki pki;
  FakeSmarthost fake(startTlsAuthScript(), pki.serverContext({"localhost"}, pki.otherCa));
  Relay relay(startTlsOptions(fake.port(), pki));
  const SmarthostCheck c = relay.check().at(0);
  BOOST_TEST(!c.ok);
  BOOST_TEST(c.connected);
  BOOST_TEST(!c.certificateVerified);
  BOOST_TEST(c.certificateError.find("issuer") != std::string::npos, c.certificateError);
  BOOST_TEST(c.tlsVersion.empty());
  BOOST_TEST(!c.authOk);
  BOOST_TEST(c.error.find("certificate verify failed") != std::string::npos, c.error);
  BOOST_REQUIRE(fake.waitFor([](const auto& conns) { return conns.size() == 1 && conns[0].ended; }));
  BOOST_TEST(!fake.connections()[0].has("AUTH"));
}

BOOST_AUTO_TEST_CASE(a_wrong_password_fails_auth_after_verified_tls_and_the_password_stays_out_of_the_error) {
  Pki pki;
  FakeSmarthost fake(startTlsAuthScript(), pki.serverContext({"localhost"}, pki.ca));
  const std::string wrong = "not-the-Pa55word";
  Relay relay(startTlsOptions(fake.port(), pki, wrong));
  const SmarthostCheck c = relay.check().at(0);
  BOOST_TEST(!c.ok);
  BOOST_TEST(c.certificateVerified);
  BOOST_TEST(!c.authOk);
  BOOST_TEST(c.authMechanism.empty());
  BOOST_TEST(c.error.find("535") != std::string::npos, c.error);
  BOOST_TEST(c.error.find(wrong) == std::string::npos, c.error);
  BOOST_TEST(c.error.find(core::base64Encode(wrong)) == std::string::npos, c.error);
}

BOOST_AUTO_TEST_CASE(every_host_is_checked_in_failover_order_with_its_own_outcome) {
  FakeSmarthost fake{FakeScript{}};
  RelayOptions options = plainOptions(fake.port());
  const std::uint16_t closed = unusedPort();
  options.smarthosts = {{"127.0.0.1", closed}, {"127.0.0.1", fake.port()}};
  Relay relay(options);
  const std::vector<SmarthostCheck> checks = relay.check();
  BOOST_REQUIRE_EQUAL(checks.size(), 2u);
  BOOST_TEST(!checks[0].ok);
  BOOST_TEST(!checks[0].connected);
  BOOST_TEST(checks[0].error.find("connect to 127.0.0.1:" + std::to_string(closed)) != std::string::npos,
             checks[0].error);
  BOOST_TEST(checks[1].ok, checks[1].error);
  BOOST_TEST(checks[1].authOk);  // the route uses no AUTH
  BOOST_TEST(checks[1].tlsVersion.empty());
}

BOOST_AUTO_TEST_CASE(credentials_without_tls_are_refused_before_connecting) {
  FakeSmarthost fake{FakeScript{}};
  RelayOptions options = plainOptions(fake.port());
  options.username = "relay-user";
  options.password = kPassword;
  Relay relay(options);
  const SmarthostCheck c = relay.check().at(0);
  BOOST_TEST(!c.ok);
  BOOST_TEST(!c.connected);
  BOOST_TEST(c.error == "refusing to send credentials without TLS");
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(the_routed_transport_checks_a_route_by_name_and_says_why_an_unusable_one_cannot_work) {
  FakeSmarthost fake{FakeScript{}};
  RouteSet set;
  set.routes.push_back(Route{"office", {"*"}, "1", plainOptions(fake.port())});
  set.unusable.push_back(UnusableRoute{"m365", {"@example.org"}, "route m365: the vault does not open"});
  OneRouteSource source(set);
  RoutedTransportOptions options;
  options.base = plainOptions(unusedPort());
  options.base.smarthosts.clear();
  RoutedTransport transport(source, options);

  const auto office = transport.check("office");
  BOOST_REQUIRE(office.has_value());
  BOOST_TEST(office->at(0).ok, office->at(0).error);

  const auto m365 = transport.check("m365");
  BOOST_REQUIRE(m365.has_value());
  BOOST_REQUIRE_EQUAL(m365->size(), 1u);
  BOOST_TEST(!m365->at(0).ok);
  BOOST_TEST(m365->at(0).error == "the route cannot be used: route m365: the vault does not open");

  BOOST_TEST(!transport.check("nonexistent").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
