#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "oauth/presets.h"

using namespace postern;
using namespace postern::oauth;

BOOST_AUTO_TEST_SUITE(presets)

BOOST_AUTO_TEST_CASE(microsoft365_app_only_uses_the_default_scope) {
  const auto p = preset("microsoft365", "contoso.onmicrosoft.com", Grant::ClientCredentials);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->name == "microsoft365");
  BOOST_TEST(p->tokenEndpoint ==
             "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  BOOST_TEST(p->scope == "https://outlook.office365.com/.default");
  BOOST_CHECK(p->grant == Grant::ClientCredentials);
  BOOST_TEST(p->smarthost == "smtp.office365.com:587");
  BOOST_TEST((p->tls == modes::TlsMode::StartTls));
}

BOOST_AUTO_TEST_CASE(microsoft365_delegated_asks_for_smtp_send_and_offline_access) {
  const auto p = preset("Microsoft365", "9188040d-6c67-4c5b-b112-36a304b66dad", Grant::RefreshToken);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->tokenEndpoint ==
             "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/token");
  BOOST_TEST(p->scope == "https://outlook.office.com/SMTP.Send offline_access");
  BOOST_CHECK(p->grant == Grant::RefreshToken);
}

BOOST_AUTO_TEST_CASE(microsoft365_needs_a_tenant_that_cannot_change_the_url) {
  BOOST_CHECK_THROW(preset("microsoft365", "", Grant::ClientCredentials), core::Error);
  BOOST_CHECK_THROW(preset("microsoft365", "  ", Grant::ClientCredentials), core::Error);
  BOOST_CHECK_THROW(preset("microsoft365", "evil/../x", Grant::ClientCredentials), core::Error);
  BOOST_CHECK_THROW(preset("microsoft365", "a?b", Grant::ClientCredentials), core::Error);
  try {
    preset("microsoft365", "", Grant::ClientCredentials);
  } catch (const core::Error& e) {
    BOOST_TEST(!e.temporary());
    BOOST_TEST(std::string(e.what()).find("tenant") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(google_uses_a_refresh_token) {
  const auto p = preset("google", "", Grant::RefreshToken);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->tokenEndpoint == "https://oauth2.googleapis.com/token");
  BOOST_TEST(p->scope == "https://mail.google.com/");
  BOOST_TEST(p->smarthost == "smtp.gmail.com:587");
  BOOST_TEST((p->tls == modes::TlsMode::StartTls));
}

BOOST_AUTO_TEST_CASE(google_refuses_client_credentials_with_a_reason) {
  try {
    preset("google", "", Grant::ClientCredentials);
    BOOST_FAIL("expected core::Error");
  } catch (const core::Error& e) {
    BOOST_TEST(!e.temporary());
    BOOST_TEST(std::string(e.what()).find("refresh token") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_name_has_no_preset) {
  BOOST_TEST(!preset("yahoo", "x", Grant::RefreshToken).has_value());
  BOOST_TEST(presetNames().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
