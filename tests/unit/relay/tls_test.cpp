// STARTTLS, implicit TLS, certificate verification and AUTH against a fake smarthost with certificates
// from a throwaway CA.
#include <boost/test/unit_test.hpp>

#include "core/text.h"
#include "fake_smarthost.h"
#include "relay_fixture.h"
#include "tls_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;

namespace {

const std::string kPassword = "s3cret-Pa55word";

RelayOptions tlsOptions(const std::string& host, std::uint16_t port, const Pki& pki,
                        TlsMode mode = TlsMode::StartTls) {
  RelayOptions options = plainOptions(port);
  options.smarthosts = {{host, port}};
  options.tls = mode;
  options.caFile = pki.ca.certificateFile;
  return options;
}

FakeScript startTlsScript() {
  FakeScript script;
  script.offerStartTls = true;
  return script;
}

FakeScript authScript(std::vector<std::string> mechanisms) {
  FakeScript script = startTlsScript();
  script.authMechanisms = std::move(mechanisms);
  script.authUser = "relay-user";
  script.authPassword = kPassword;
  return script;
}

RelayOptions withCredentials(RelayOptions options, const std::string& password = kPassword) {
  options.username = "relay-user";
  options.password = password;
  return options;
}

void requireNoSecretIn(const DeliveryReport& report) {
  for (const auto& r : report.recipients) {
    BOOST_TEST(!contains(r.reply, kPassword), r.reply);
    BOOST_TEST(!contains(r.reply, core::base64Encode(kPassword)), r.reply);
  }
}

ReceivedConnection onlyConnection(const FakeSmarthost& fake) {
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  return fake.connections()[0];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_and_auth)

BOOST_AUTO_TEST_CASE(starttls_with_a_trusted_certificate_delivers_and_says_ehlo_twice) {
  Pki pki;
  FakeSmarthost fake(startTlsScript(), pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  {
    Relay relay(tlsOptions("localhost", fake.port(), pki));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(c.tls);
  BOOST_TEST(c.count("EHLO") == 2u);
  BOOST_REQUIRE(c.commands.size() >= 3u);
  BOOST_TEST(c.commands[1] == "STARTTLS");
}

BOOST_AUTO_TEST_CASE(implicit_tls_and_ip_address_names_are_verified_too) {
  Pki pki;
  FakeScript script;
  script.implicitTls = true;
  FakeSmarthost fake(script, pki.serverContext({"127.0.0.1"}, pki.ca));
  MessageFiles files;
  {
    Relay relay(tlsOptions("127.0.0.1", fake.port(), pki, TlsMode::Implicit));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  BOOST_TEST(onlyConnection(fake).tls);
}

BOOST_AUTO_TEST_CASE(missing_starttls_defers_before_any_message_byte) {
  Pki pki;
  FakeSmarthost fake(FakeScript{});  // no STARTTLS offered
  MessageFiles files;
  Relay relay(tlsOptions("127.0.0.1", fake.port(), pki));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "smarthost 127.0.0.1:" + std::to_string(fake.port()) +
                                               " does not offer STARTTLS; relay.tls requires it");
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(c.data.empty());
}

BOOST_AUTO_TEST_CASE(certificate_from_an_unknown_ca_defers) {
  Pki pki;
  FakeSmarthost fake(startTlsScript(), pki.serverContext({"localhost"}, pki.otherCa));
  MessageFiles files;
  Relay relay(tlsOptions("localhost", fake.port(), pki));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(startsWith(report.recipients[0].reply, "TLS to localhost:" + std::to_string(fake.port()) +
                                                        " failed: certificate verify failed ("),
             report.recipients[0].reply);
  BOOST_TEST(contains(report.recipients[0].reply, "issuer"), report.recipients[0].reply);
  BOOST_TEST(!onlyConnection(fake).has("MAIL"));
}

BOOST_AUTO_TEST_CASE(certificate_for_another_name_defers) {
  Pki pki;
  FakeSmarthost fake(startTlsScript(), pki.serverContext({"mail.example.org"}, pki.ca));
  MessageFiles files;
  Relay relay(tlsOptions("localhost", fake.port(), pki));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "TLS to localhost:" + std::to_string(fake.port()) +
                                               " failed: certificate verify failed (hostname mismatch)");
  BOOST_TEST(!onlyConnection(fake).has("MAIL"));
}

BOOST_AUTO_TEST_CASE(loopback_gets_no_pass_on_the_name_check) {
  // Poco's own check skips loopback peers; OpenSSL's does not.
  Pki pki;
  FakeSmarthost fake(startTlsScript(), pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  Relay relay(tlsOptions("127.0.0.1", fake.port(), pki));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(contains(report.recipients[0].reply, "certificate verify failed (IP address mismatch)"),
             report.recipients[0].reply);
}

BOOST_AUTO_TEST_CASE(auth_plain_sends_the_rfc4616_bytes) {
  Pki pki;
  FakeSmarthost fake(authScript({"LOGIN", "PLAIN"}), pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  {
    Relay relay(withCredentials(tlsOptions("localhost", fake.port(), pki)));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  const std::string expected =
      "AUTH PLAIN " + core::base64Encode(std::string("\0relay-user\0", 12) + kPassword);
  BOOST_TEST(c.has(expected));
  BOOST_TEST(!c.has("AUTH LOGIN"));
}

BOOST_AUTO_TEST_CASE(auth_login_is_the_fallback) {
  Pki pki;
  FakeSmarthost fake(authScript({"LOGIN", "CRAM-MD5"}), pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  {
    Relay relay(withCredentials(tlsOptions("localhost", fake.port(), pki)));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(c.has("AUTH LOGIN"));
  BOOST_TEST(c.has(core::base64Encode(kPassword)));
}

BOOST_AUTO_TEST_CASE(rejected_credentials_defer_with_the_servers_text_but_never_the_password) {
  Pki pki;
  FakeScript script = authScript({"PLAIN"});
  const std::string wrong = "wrong-" + kPassword;
  // A careless server that echoes what it was sent.
  script.authFailure = "535 5.7.8 bad credentials " +
                       core::base64Encode(std::string("\0relay-user\0", 12) + wrong) + " " + wrong;
  FakeSmarthost fake(script, pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  Relay relay(withCredentials(tlsOptions("localhost", fake.port(), pki), wrong));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(startsWith(report.recipients[0].reply,
                        "authentication to smarthost localhost:" + std::to_string(fake.port()) +
                            " failed: 535 5.7.8 bad credentials"),
             report.recipients[0].reply);
  BOOST_TEST(!contains(report.recipients[0].reply, wrong), report.recipients[0].reply);
  BOOST_TEST(!onlyConnection(fake).has("MAIL"));
}

BOOST_AUTO_TEST_CASE(credentials_without_an_offered_mechanism_defer) {
  Pki pki;
  FakeSmarthost fake(authScript({"CRAM-MD5"}), pki.serverContext({"localhost"}, pki.ca));
  MessageFiles files;
  Relay relay(withCredentials(tlsOptions("localhost", fake.port(), pki)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost localhost:" + std::to_string(fake.port()) + " does not offer AUTH PLAIN or LOGIN");
  BOOST_TEST(!onlyConnection(fake).has("MAIL"));
  requireNoSecretIn(report);
}

BOOST_AUTO_TEST_CASE(credentials_with_no_auth_advertised_defer_and_mail_is_never_sent_unauthenticated) {
  Pki pki;
  FakeSmarthost fake(authScript({}), pki.serverContext({"localhost"}, pki.ca));  // stopped offering AUTH
  MessageFiles files;
  Relay relay(withCredentials(tlsOptions("localhost", fake.port(), pki)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost localhost:" + std::to_string(fake.port()) + " does not offer AUTH PLAIN or LOGIN");
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("AUTH"));
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(c.quit);
}

BOOST_AUTO_TEST_CASE(credentials_are_never_sent_without_tls) {
  FakeScript script;
  script.authMechanisms = {"PLAIN"};
  FakeSmarthost fake(script);
  MessageFiles files;
  RelayOptions options = plainOptions(fake.port());
  options.username = "relay-user";
  options.password = kPassword;
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply == "refusing to send credentials without TLS");
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(the_password_never_reaches_the_log) {
  // Runs last in this suite: by now every AUTH case above has logged at debug level.
  std::vector<std::string> leaks;
  for (const std::string& line : LogCapture::instance().lines())
    if (contains(line, kPassword) || contains(line, core::base64Encode(kPassword)) ||
        contains(line, core::base64Encode(std::string("\0relay-user\0", 12) + kPassword)))
      leaks.push_back(line);
  BOOST_TEST(leaks.empty(), (leaks.empty() ? std::string() : leaks.front()));
  BOOST_TEST(!LogCapture::instance().lines().empty());
}

BOOST_AUTO_TEST_SUITE_END()
