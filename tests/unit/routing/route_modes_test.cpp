// The route modes' spellings: each parse/print pair round-trips, and anything else is refused (no silent
// default such as STARTTLS for an unknown TLS mode).
#include <boost/test/unit_test.hpp>

#include "routing/route_modes.h"

using namespace postern;
using namespace postern::routing;

BOOST_AUTO_TEST_SUITE(route_modes)

BOOST_AUTO_TEST_CASE(every_mode_prints_as_it_parses) {
  for (const auto mode : {relay::TlsMode::StartTls, relay::TlsMode::Implicit, relay::TlsMode::None})
    BOOST_TEST((parseTlsMode(tlsModeName(mode)) == mode));
  for (const auto mechanism : {relay::AuthMechanism::None, relay::AuthMechanism::Password,
                               relay::AuthMechanism::XOAuth2, relay::AuthMechanism::OAuthBearer})
    BOOST_TEST((parseAuthMode(authModeName(mechanism)) == mechanism));
  for (const auto grant : {oauth::Grant::ClientCredentials, oauth::Grant::RefreshToken})
    BOOST_TEST((parseGrant(grantName(grant)) == grant));
  BOOST_TEST(tlsModeName(relay::TlsMode::Implicit) == "tls");
  BOOST_TEST(grantName(oauth::Grant::RefreshToken) == oauth::grantType(oauth::Grant::RefreshToken));
}

BOOST_AUTO_TEST_CASE(an_unknown_mode_is_refused_not_defaulted) {
  BOOST_TEST(!parseTlsMode("ssl").has_value());
  BOOST_TEST(!parseTlsMode("STARTTLS").has_value());
  BOOST_TEST(!parseTlsMode("").has_value());
  BOOST_TEST(!parseAuthMode("plain").has_value());
  BOOST_TEST(!parseGrant("password").has_value());
  BOOST_TEST(!parseGrant("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
