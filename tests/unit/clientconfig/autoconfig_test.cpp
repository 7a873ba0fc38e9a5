#include <boost/test/unit_test.hpp>

#include "clientconfig/autoconfig.h"
#include "unit/clientconfig/settings_fixture.h"
#include "unit/clientconfig/xml_document.h"

using postern::clientconfig::thunderbirdAutoconfig;
using postern::test::configuredHost;
using postern::test::XmlDocument;

BOOST_AUTO_TEST_SUITE(thunderbird_autoconfig)

BOOST_AUTO_TEST_CASE(a_configured_host_gets_every_field_of_the_v1_1_document) {
  const XmlDocument doc(thunderbirdAutoconfig(configuredHost(), "example.org"));
  BOOST_TEST(doc.root()->localName() == "clientConfig");
  BOOST_TEST(doc.root()->getAttribute("version") == "1.1");
  const auto* provider = XmlDocument::child(doc.root(), "emailProvider");
  BOOST_REQUIRE(provider);
  BOOST_TEST(provider->getAttribute("id") == "example.org");
  BOOST_TEST(XmlDocument::text(provider, "domain") == "example.org");
  BOOST_TEST(XmlDocument::text(provider, "displayName") == "Example Office");
  BOOST_TEST(XmlDocument::text(provider, "displayShortName") == "Example Office");

  const auto incoming = XmlDocument::children(provider, "incomingServer");
  BOOST_REQUIRE_EQUAL(incoming.size(), 1u);
  BOOST_TEST(incoming[0]->getAttribute("type") == "imap");
  BOOST_TEST(XmlDocument::text(incoming[0], "hostname") == "imap.provider.example");
  BOOST_TEST(XmlDocument::text(incoming[0], "port") == "993");
  BOOST_TEST(XmlDocument::text(incoming[0], "socketType") == "SSL");
  BOOST_TEST(XmlDocument::text(incoming[0], "authentication") == "password-cleartext");
  BOOST_TEST(XmlDocument::text(incoming[0], "username") == "%EMAILADDRESS%");
}

BOOST_AUTO_TEST_CASE(submission_is_offered_on_465_with_tls_first_then_587_with_starttls_password_only) {
  const XmlDocument doc(thunderbirdAutoconfig(configuredHost(), "example.org"));
  const auto outgoing =
      XmlDocument::children(XmlDocument::child(doc.root(), "emailProvider"), "outgoingServer");
  BOOST_REQUIRE_EQUAL(outgoing.size(), 2u);
  const char* ports[] = {"465", "587"};
  const char* sockets[] = {"SSL", "STARTTLS"};
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST(outgoing[i]->getAttribute("type") == "smtp");
    BOOST_TEST(XmlDocument::text(outgoing[i], "hostname") == "mail.example.org");
    BOOST_TEST(XmlDocument::text(outgoing[i], "port") == ports[i]);
    BOOST_TEST(XmlDocument::text(outgoing[i], "socketType") == sockets[i]);
    BOOST_TEST(XmlDocument::children(outgoing[i], "authentication").size() == 1u);
    BOOST_TEST(XmlDocument::text(outgoing[i], "authentication") == "password-cleartext");
    BOOST_TEST(XmlDocument::text(outgoing[i], "username") == "%EMAILADDRESS%");
  }
}

BOOST_AUTO_TEST_CASE(only_the_ports_postern_listens_on_are_offered) {
  auto settings = configuredHost();
  settings.implicitTls.reset();
  settings.startTls = 10587;
  const XmlDocument doc(thunderbirdAutoconfig(settings, "example.org"));
  const auto outgoing =
      XmlDocument::children(XmlDocument::child(doc.root(), "emailProvider"), "outgoingServer");
  BOOST_REQUIRE_EQUAL(outgoing.size(), 1u);
  BOOST_TEST(XmlDocument::text(outgoing[0], "port") == "10587");
  BOOST_TEST(XmlDocument::text(outgoing[0], "socketType") == "STARTTLS");
}

BOOST_AUTO_TEST_CASE(without_an_incoming_setting_the_document_offers_sending_only) {
  auto settings = configuredHost();
  settings.incoming.reset();
  settings.displayName.clear();
  const XmlDocument doc(thunderbirdAutoconfig(settings, "example.org"));
  const auto* provider = XmlDocument::child(doc.root(), "emailProvider");
  BOOST_TEST(XmlDocument::children(provider, "incomingServer").empty());
  BOOST_TEST(XmlDocument::children(provider, "outgoingServer").size() == 2u);
  BOOST_TEST(XmlDocument::text(provider, "displayName") == "example.org");
}

BOOST_AUTO_TEST_CASE(a_pop3_server_is_offered_as_pop3) {
  auto settings = configuredHost();
  settings.incoming = postern::clientconfig::IncomingServer{postern::clientconfig::IncomingProtocol::Pop3,
                                                            "pop.provider.example", 995,
                                                            postern::clientconfig::Security::ImplicitTls};
  const XmlDocument doc(thunderbirdAutoconfig(settings, "example.org"));
  const auto* in = XmlDocument::child(XmlDocument::child(doc.root(), "emailProvider"), "incomingServer");
  BOOST_TEST(in->getAttribute("type") == "pop3");
  BOOST_TEST(XmlDocument::text(in, "port") == "995");
}

BOOST_AUTO_TEST_CASE(hostile_text_in_settings_and_domain_is_escaped_and_stays_text) {
  auto settings = configuredHost();
  settings.displayName = "</displayName><outgoingServer type=\"smtp\"><hostname>evil.example";
  const std::string domain = "x\"><incomingServer>";
  const XmlDocument doc(thunderbirdAutoconfig(settings, domain));
  const auto* provider = XmlDocument::child(doc.root(), "emailProvider");
  BOOST_TEST(provider->getAttribute("id") == domain);
  BOOST_TEST(XmlDocument::text(provider, "displayName") == settings.displayName);
  BOOST_TEST(XmlDocument::children(provider, "outgoingServer").size() == 2u);
  BOOST_TEST(XmlDocument::children(provider, "incomingServer").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
