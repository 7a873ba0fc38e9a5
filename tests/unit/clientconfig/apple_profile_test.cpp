#include <boost/test/unit_test.hpp>

#include <map>
#include <regex>

#include "clientconfig/apple_profile.h"
#include "core/error.h"
#include "unit/clientconfig/settings_fixture.h"
#include "unit/clientconfig/xml_document.h"

using namespace postern::clientconfig;
using postern::test::configuredHost;
using postern::test::XmlDocument;

namespace {

// A plist <dict> as key → value element: what a property list reader makes of it.
std::map<std::string, Poco::XML::Element*> entries(const Poco::XML::Element* dict) {
  std::map<std::string, Poco::XML::Element*> out;
  std::string key;
  for (Poco::XML::Node* n = dict->firstChild(); n; n = n->nextSibling()) {
    if (n->nodeType() != Poco::XML::Node::ELEMENT_NODE) continue;
    if (n->nodeName() == "key") {
      key = n->innerText();
    } else {
      BOOST_REQUIRE_MESSAGE(!key.empty(), "a value without its key");
      BOOST_REQUIRE_MESSAGE(out.count(key) == 0, "key twice: " + key);
      out[key] = static_cast<Poco::XML::Element*>(n);
      key.clear();
    }
  }
  return out;
}

std::string string(const std::map<std::string, Poco::XML::Element*>& dict, const std::string& key) {
  const auto it = dict.find(key);
  if (it == dict.end()) return "<absent>";
  return it->second->nodeName() + ":" + it->second->innerText();
}

struct Profile {
  explicit Profile(const std::string& text) : doc(text) {
    top = entries(XmlDocument::child(doc.root(), "dict"));
    const auto payloads = XmlDocument::children(top.at("PayloadContent"), "dict");
    BOOST_REQUIRE_EQUAL(payloads.size(), 1u);
    mail = entries(payloads[0]);
  }
  XmlDocument doc;
  std::map<std::string, Poco::XML::Element*> top, mail;
};

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

}  // namespace

BOOST_AUTO_TEST_SUITE(apple_profile)

BOOST_AUTO_TEST_CASE(a_configured_host_gets_a_managed_mail_payload_field_by_field) {
  const Profile p(appleProfile(configuredHost(), "alice@example.org"));
  BOOST_TEST(p.doc.root()->nodeName() == "plist");
  BOOST_TEST(string(p.top, "PayloadType") == "string:Configuration");
  BOOST_TEST(string(p.top, "PayloadVersion") == "integer:1");
  BOOST_TEST(string(p.top, "PayloadRemovalDisallowed") == "false:");

  BOOST_TEST(string(p.mail, "PayloadType") == "string:com.apple.mail.managed");
  BOOST_TEST(string(p.mail, "PayloadVersion") == "integer:1");
  BOOST_TEST(string(p.mail, "EmailAddress") == "string:alice@example.org");
  BOOST_TEST(string(p.mail, "EmailAccountType") == "string:EmailTypeIMAP");
  BOOST_TEST(string(p.mail, "IncomingMailServerHostName") == "string:imap.provider.example");
  BOOST_TEST(string(p.mail, "IncomingMailServerPortNumber") == "integer:993");
  BOOST_TEST(string(p.mail, "IncomingMailServerUseSSL") == "true:");
  BOOST_TEST(string(p.mail, "IncomingMailServerAuthentication") == "string:EmailAuthPassword");
  BOOST_TEST(string(p.mail, "IncomingMailServerUsername") == "string:alice@example.org");
  BOOST_TEST(string(p.mail, "OutgoingMailServerHostName") == "string:mail.example.org");
  BOOST_TEST(string(p.mail, "OutgoingMailServerPortNumber") == "integer:465");
  BOOST_TEST(string(p.mail, "OutgoingMailServerUseSSL") == "true:");
  BOOST_TEST(string(p.mail, "OutgoingMailServerAuthentication") == "string:EmailAuthPassword");
  BOOST_TEST(string(p.mail, "OutgoingMailServerUsername") == "string:alice@example.org");
}

BOOST_AUTO_TEST_CASE(the_profile_holds_no_password) {
  const Profile p(appleProfile(configuredHost(), "alice@example.org"));
  BOOST_TEST(string(p.mail, "OutgoingPassword") == "<absent>");
  BOOST_TEST(string(p.mail, "IncomingPassword") == "<absent>");
}

BOOST_AUTO_TEST_CASE(port_587_is_offered_when_postern_has_no_465_listener) {
  auto settings = configuredHost();
  settings.implicitTls.reset();
  const Profile p(appleProfile(settings, "alice@example.org"));
  BOOST_TEST(string(p.mail, "OutgoingMailServerPortNumber") == "integer:587");
  BOOST_TEST(string(p.mail, "OutgoingMailServerUseSSL") == "true:");
}

BOOST_AUTO_TEST_CASE(identifiers_are_stable_per_host_and_login_and_differ_between_logins) {
  const Profile a(appleProfile(configuredHost(), "alice@example.org"));
  const Profile again(appleProfile(configuredHost(), "alice@example.org"));
  const Profile b(appleProfile(configuredHost(), "bob@example.org"));
  const std::string uuid = a.top.at("PayloadUUID")->innerText();
  const std::string mailUuid = a.mail.at("PayloadUUID")->innerText();
  BOOST_TEST(std::regex_match(uuid, kUuid), uuid);
  BOOST_TEST(std::regex_match(mailUuid, kUuid), mailUuid);
  BOOST_TEST(uuid != mailUuid);
  BOOST_TEST(again.top.at("PayloadUUID")->innerText() == uuid);
  BOOST_TEST(again.mail.at("PayloadIdentifier")->innerText() == a.mail.at("PayloadIdentifier")->innerText());
  BOOST_TEST(b.top.at("PayloadUUID")->innerText() != uuid);
  BOOST_TEST(a.top.at("PayloadIdentifier")->innerText() == "org.example.mail.postern.profile." + uuid);
  BOOST_TEST(a.mail.at("PayloadIdentifier")->innerText() == "org.example.mail.postern.mail." + mailUuid);
}

BOOST_AUTO_TEST_CASE(hostile_text_stays_text) {
  auto settings = configuredHost();
  settings.displayName = "</string><key>OutgoingPassword</key><string>x";
  const std::string login = "\"</string><key>x</key>\"@example.org";
  const Profile p(appleProfile(settings, login));
  BOOST_TEST(string(p.mail, "EmailAddress") == "string:" + login);
  BOOST_TEST(string(p.mail, "OutgoingPassword") == "<absent>");
  BOOST_TEST(string(p.top, "PayloadDisplayName") ==
             "string:" + settings.displayName + " mail (" + login + ")");
}

BOOST_AUTO_TEST_CASE(a_profile_needs_the_incoming_server) {
  auto settings = configuredHost();
  settings.incoming.reset();
  BOOST_CHECK_THROW(appleProfile(settings, "alice@example.org"), postern::core::Conflict);
}

BOOST_AUTO_TEST_CASE(the_file_name_holds_only_safe_characters) {
  BOOST_TEST(appleProfileFileName("Alice@Example.org") == "postern-alice-example.org.mobileconfig");
  BOOST_TEST(appleProfileFileName("\"a\\\"b\r\n;c\"@x.org") == "postern-_a__b_c_-x.org.mobileconfig");
}

BOOST_AUTO_TEST_SUITE_END()
