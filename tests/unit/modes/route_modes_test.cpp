// The route modes' spellings: each parse/print pair round-trips, the spellings are the ones the database
// and the CLI hold, and anything else is refused (no silent default such as STARTTLS for an unknown TLS
// mode); text a person typed is refused naming the setting.
#define BOOST_TEST_MODULE modes
#include <boost/test/unit_test.hpp>

#include <string>

#include "core/error.h"
#include "modes/route_modes.h"

using namespace postern;
using namespace postern::modes;

namespace {

bool refusedNaming(const std::string& field, const std::string& message, const core::InvalidValue& e) {
  return e.field() == field && std::string(e.what()) == message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(route_modes)

BOOST_AUTO_TEST_CASE(every_mode_prints_as_it_parses) {
  for (const auto mode : {TlsMode::StartTls, TlsMode::Implicit, TlsMode::None})
    BOOST_TEST((parseTlsMode(tlsModeName(mode)) == mode));
  for (const auto mechanism :
       {AuthMechanism::None, AuthMechanism::Password, AuthMechanism::XOAuth2, AuthMechanism::OAuthBearer})
    BOOST_TEST((parseAuthMode(authModeName(mechanism)) == mechanism));
  for (const auto grant : {Grant::ClientCredentials, Grant::RefreshToken})
    BOOST_TEST((parseGrant(grantName(grant)) == grant));
}

// Stored in the database's mode columns (whose CHECK lists them) and typed on the command line: changing
// one strands every route stored with it.
BOOST_AUTO_TEST_CASE(the_spellings_are_those_stored_and_typed) {
  BOOST_TEST(tlsModeName(TlsMode::StartTls) == "starttls");
  BOOST_TEST(tlsModeName(TlsMode::Implicit) == "tls");
  BOOST_TEST(tlsModeName(TlsMode::None) == "none");
  BOOST_TEST(authModeName(AuthMechanism::None) == "none");
  BOOST_TEST(authModeName(AuthMechanism::Password) == "password");
  BOOST_TEST(authModeName(AuthMechanism::XOAuth2) == "xoauth2");
  BOOST_TEST(authModeName(AuthMechanism::OAuthBearer) == "oauthbearer");
  BOOST_TEST(grantName(Grant::ClientCredentials) == "client_credentials");  // RFC 6749 §4.4.2 grant_type
  BOOST_TEST(grantName(Grant::RefreshToken) == "refresh_token");            // RFC 6749 §6 grant_type
}

BOOST_AUTO_TEST_CASE(an_unknown_mode_is_refused_not_defaulted) {
  BOOST_TEST(!parseTlsMode("ssl").has_value());
  BOOST_TEST(!parseTlsMode("STARTTLS").has_value());
  BOOST_TEST(!parseTlsMode(" starttls").has_value());
  BOOST_TEST(!parseTlsMode("").has_value());
  BOOST_TEST(!parseAuthMode("plain").has_value());
  BOOST_TEST(!parseAuthMode("").has_value());
  BOOST_TEST(!parseGrant("password").has_value());
  BOOST_TEST(!parseGrant("").has_value());
}

BOOST_AUTO_TEST_CASE(an_unknown_spelling_typed_is_refused_naming_the_setting_and_the_choices) {
  BOOST_CHECK_EXCEPTION(requireTlsMode("ssl"), core::InvalidValue, [](const core::InvalidValue& e) {
    return refusedNaming("tls", "tls must be starttls, tls or none", e);
  });
  BOOST_CHECK_EXCEPTION(requireAuthMode("plain"), core::InvalidValue, [](const core::InvalidValue& e) {
    return refusedNaming("auth", "auth must be none, password, xoauth2 or oauthbearer", e);
  });
  BOOST_CHECK_EXCEPTION(requireGrant("password"), core::InvalidValue, [](const core::InvalidValue& e) {
    return refusedNaming("grant", "grant must be client_credentials or refresh_token", e);
  });
}

BOOST_AUTO_TEST_CASE(a_known_spelling_typed_is_its_mode) {
  BOOST_TEST((requireTlsMode("tls") == TlsMode::Implicit));
  BOOST_TEST((requireAuthMode("oauthbearer") == AuthMechanism::OAuthBearer));
  BOOST_TEST((requireGrant("refresh_token") == Grant::RefreshToken));
}

BOOST_AUTO_TEST_CASE(only_the_token_mechanisms_are_oauth) {
  BOOST_TEST(isOAuth(AuthMechanism::XOAuth2));
  BOOST_TEST(isOAuth(AuthMechanism::OAuthBearer));
  BOOST_TEST(!isOAuth(AuthMechanism::Password));
  BOOST_TEST(!isOAuth(AuthMechanism::None));
}

BOOST_AUTO_TEST_SUITE_END()
