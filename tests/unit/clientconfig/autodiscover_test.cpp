#include <boost/test/unit_test.hpp>

#include "clientconfig/autodiscover.h"
#include "core/error.h"
#include "unit/clientconfig/settings_fixture.h"
#include "unit/clientconfig/xml_document.h"

using namespace postern::clientconfig;
using postern::test::configuredHost;
using postern::test::XmlDocument;

namespace {

std::string outlookRequest(const std::string& address, const std::string& schema = kOutlookResponseSchema) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<Autodiscover "
         "xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">\n"
         "  <Request>\n    <EMailAddress>" +
         address + "</EMailAddress>\n    <AcceptableResponseSchema>" + schema +
         "</AcceptableResponseSchema>\n  </Request>\n</Autodiscover>\n";
}

bool refusedAsRequest(const std::string& body) {
  try {
    parseAutodiscoverRequest(body);
  } catch (const postern::core::InvalidValue& e) {
    return e.field() == "request";
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(autodiscover_request)

BOOST_AUTO_TEST_CASE(outlooks_request_gives_its_address_and_schema) {
  const auto request = parseAutodiscoverRequest(outlookRequest("Alice@Example.org"));
  BOOST_TEST(request.emailAddress == "Alice@Example.org");
  BOOST_TEST(request.responseSchema == kOutlookResponseSchema);
  BOOST_TEST(wantsOutlookSchema(request));
}

BOOST_AUTO_TEST_CASE(another_response_schema_is_not_the_outlook_one) {
  const auto request = parseAutodiscoverRequest(
      outlookRequest("alice@example.org",
                     "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"));
  BOOST_TEST(!wantsOutlookSchema(request));
}

BOOST_AUTO_TEST_CASE(an_escaped_address_is_read_as_its_text) {
  BOOST_TEST(parseAutodiscoverRequest(outlookRequest("a&amp;b@example.org")).emailAddress ==
             "a&b@example.org");
}

BOOST_AUTO_TEST_CASE(a_document_type_declaration_is_refused_before_parsing) {
  const std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE Autodiscover [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>";
  BOOST_TEST(refusedAsRequest(xxe));
  const std::string laughs =
      "<!doctype a [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<Autodiscover><Request><EMailAddress>&b;</EMailAddress></Request></Autodiscover>";
  BOOST_TEST(refusedAsRequest(laughs));
}

BOOST_AUTO_TEST_CASE(malformed_oversized_or_addressless_requests_are_refused) {
  BOOST_TEST(refusedAsRequest("<Autodiscover><Request><EMailAddress>a@b.org</Request>"));
  BOOST_TEST(refusedAsRequest("not xml at all"));
  BOOST_TEST(refusedAsRequest(""));
  BOOST_TEST(refusedAsRequest("<Autodiscover><Request></Request></Autodiscover>"));
  BOOST_TEST(refusedAsRequest("<Autodiscover><EMailAddress>a@b.org</EMailAddress></Autodiscover>"));
  BOOST_TEST(refusedAsRequest(outlookRequest("a@example.org" + std::string(kMaxAutodiscoverRequest, ' '))));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(autodiscover_response)

BOOST_AUTO_TEST_CASE(a_configured_host_gets_imap_then_smtp_on_465_and_587_with_ssl_on_and_spa_off) {
  const XmlDocument doc(autodiscoverResponse(configuredHost(), "alice@example.org"));
  BOOST_TEST(doc.root()->localName() == "Autodiscover");
  BOOST_TEST(doc.root()->namespaceURI() ==
             "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
  const auto* response = XmlDocument::child(doc.root(), "Response");
  BOOST_REQUIRE(response);
  BOOST_TEST(response->namespaceURI() == kOutlookResponseSchema);
  BOOST_TEST(XmlDocument::text(XmlDocument::child(response, "User"), "DisplayName") == "Example Office");
  const auto* account = XmlDocument::child(response, "Account");
  BOOST_REQUIRE(account);
  BOOST_TEST(XmlDocument::text(account, "AccountType") == "email");
  BOOST_TEST(XmlDocument::text(account, "Action") == "settings");
  const auto protocols = XmlDocument::children(account, "Protocol");
  BOOST_REQUIRE_EQUAL(protocols.size(), 3u);

  BOOST_TEST(XmlDocument::text(protocols[0], "Type") == "IMAP");
  BOOST_TEST(XmlDocument::text(protocols[0], "Server") == "imap.provider.example");
  BOOST_TEST(XmlDocument::text(protocols[0], "Port") == "993");

  const char* ports[] = {"465", "587"};
  const char* encryption[] = {"SSL", "TLS"};
  for (std::size_t i = 1; i < 3; ++i) {
    BOOST_TEST(XmlDocument::text(protocols[i], "Type") == "SMTP");
    BOOST_TEST(XmlDocument::text(protocols[i], "Server") == "mail.example.org");
    BOOST_TEST(XmlDocument::text(protocols[i], "Port") == ports[i - 1]);
    BOOST_TEST(XmlDocument::text(protocols[i], "Encryption") == encryption[i - 1]);
    BOOST_TEST(XmlDocument::text(protocols[i], "UsePOPAuth") == "off");
  }
  for (const auto* p : protocols) {
    BOOST_TEST(XmlDocument::text(p, "SSL") == "on");
    BOOST_TEST(XmlDocument::text(p, "SPA") == "off");
    BOOST_TEST(XmlDocument::text(p, "AuthRequired") == "on");
    BOOST_TEST(XmlDocument::text(p, "DomainRequired") == "off");
    BOOST_TEST(XmlDocument::text(p, "LoginName") == "alice@example.org");
  }
}

BOOST_AUTO_TEST_CASE(without_an_incoming_setting_only_smtp_is_offered) {
  auto settings = configuredHost();
  settings.incoming.reset();
  const XmlDocument doc(autodiscoverResponse(settings, "alice@example.org"));
  const auto protocols = XmlDocument::children(
      XmlDocument::child(XmlDocument::child(doc.root(), "Response"), "Account"), "Protocol");
  BOOST_REQUIRE_EQUAL(protocols.size(), 2u);
  for (const auto* p : protocols) BOOST_TEST(XmlDocument::text(p, "Type") == "SMTP");
}

BOOST_AUTO_TEST_CASE(a_hostile_login_name_stays_text) {
  const std::string address = "\"</LoginName><Server>evil.example</Server>\"@example.org";
  const XmlDocument doc(autodiscoverResponse(configuredHost(), address));
  const auto protocols = XmlDocument::children(
      XmlDocument::child(XmlDocument::child(doc.root(), "Response"), "Account"), "Protocol");
  BOOST_REQUIRE_EQUAL(protocols.size(), 3u);
  BOOST_TEST(XmlDocument::text(protocols[1], "LoginName") == address);
  BOOST_TEST(XmlDocument::children(protocols[1], "Server").size() == 1u);
}

BOOST_AUTO_TEST_CASE(another_schema_gets_error_601) {
  const XmlDocument doc(autodiscoverSchemaNotAvailable());
  const auto* error = XmlDocument::child(XmlDocument::child(doc.root(), "Response"), "Error");
  BOOST_REQUIRE(error);
  BOOST_TEST(XmlDocument::text(error, "ErrorCode") == "601");
}

BOOST_AUTO_TEST_SUITE_END()
