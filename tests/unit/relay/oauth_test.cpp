// AUTH XOAUTH2 and OAUTHBEARER (RFC 7628): the exact bytes, token rejection and refresh, a token source
// that fails, and the AUTH policy: the configured mechanism or nothing (no downgrade, no plaintext, no
// unauthenticated MAIL).
#include <boost/test/unit_test.hpp>

#include <mutex>

#include "core/error.h"
#include "core/text.h"
#include "fake_smarthost.h"
#include "relay/oauth_sasl.h"
#include "relay_fixture.h"
#include "tls_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;

namespace {

const std::string kUser = "relay@example.org";
const std::string kGoodToken = "ya29.a0Good-Token_for~relay+test/0==";
const std::string kStaleToken = "ya29.a0Stale-Token_long-gone";
const std::string kFreshToken = "eyJ0eXAiOiJKV1Qi.eyJhdWQiOiJodHRwcz.Fresh-Signature_x";

// A token source as lib/oauth's cache would behave: it hands out `sequence[at]`; a rejection (or, with
// advanceEachCall, every call: a token that expired meanwhile) moves on to the next one.
struct Tokens {
  std::mutex mutex;
  std::vector<std::string> sequence;
  std::size_t at = 0;
  bool advanceEachCall = false;
  int calls = 0;
  int rejected = 0;
  std::vector<std::string> rejectedTokens;  // as tokenRejectedFor was told

  int callCount() {
    std::lock_guard lock(mutex);
    return calls;
  }
  int rejectedCount() {
    std::lock_guard lock(mutex);
    return rejected;
  }
};

AuthOptions oauthAuth(AuthMechanism mechanism, const std::shared_ptr<Tokens>& tokens,
                      const std::string& user = kUser) {
  AuthOptions auth;
  auth.mechanism = mechanism;
  auth.username = user;
  auth.accessToken = [tokens] {
    std::lock_guard lock(tokens->mutex);
    ++tokens->calls;
    const std::string token = tokens->sequence.at(tokens->at);
    if (tokens->advanceEachCall && tokens->at + 1 < tokens->sequence.size()) ++tokens->at;
    return token;
  };
  auth.tokenRejected = [tokens] {
    std::lock_guard lock(tokens->mutex);
    ++tokens->rejected;
    if (tokens->at + 1 < tokens->sequence.size()) ++tokens->at;
  };
  auth.tokenRejectedFor = [tokens](const std::string& token) {
    std::lock_guard lock(tokens->mutex);
    tokens->rejectedTokens.push_back(token);
  };
  return auth;
}

std::shared_ptr<Tokens> tokensOf(std::vector<std::string> sequence) {
  auto tokens = std::make_shared<Tokens>();
  tokens->sequence = std::move(sequence);
  return tokens;
}

RelayOptions oauthOptions(std::uint16_t port, const Pki& pki, AuthOptions auth) {
  RelayOptions options = plainOptions(port);
  options.smarthosts = {{"localhost", port}};
  options.tls = TlsMode::StartTls;
  options.caFile = pki.ca.certificateFile;
  options.auth = std::move(auth);
  return options;
}

FakeScript oauthScript(std::vector<std::string> mechanisms,
                       std::vector<std::string> accepted = {kGoodToken}) {
  FakeScript script;
  script.offerStartTls = true;
  script.authMechanisms = std::move(mechanisms);
  script.oauthTokens = std::move(accepted);
  return script;
}

ReceivedConnection onlyConnection(const FakeSmarthost& fake) {
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  return fake.connections()[0];
}

// The line the client sent right after its AUTH command (its answer to a 334), or "(none)".
std::string answerAfterAuth(const ReceivedConnection& c) {
  for (std::size_t i = 0; i + 1 < c.commands.size(); ++i)
    if (startsWith(c.commands[i], "AUTH ")) return c.commands[i + 1];
  return "(none)";
}

std::string port(const FakeSmarthost& fake) { return std::to_string(fake.port()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth_messages)

BOOST_AUTO_TEST_CASE(xoauth2_response_is_googles_format) {
  BOOST_TEST(xoauth2Response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg") ==
             std::string("user=someuser@example.com\x01"
                         "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01"));
  // Google's published example, base64 as sent on the AUTH line.
  BOOST_TEST(core::base64Encode(
                 xoauth2Response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")) ==
             "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1"
             "semRHRXVZMjl0Q2cBAQ==");
}

BOOST_AUTO_TEST_CASE(oauthbearer_response_is_rfc7628_section_3_1) {
  // RFC 7628 §4.1's example, with the authorization identity added.
  BOOST_TEST(oauthBearerResponse("user@example.com", "server.example.com", 143,
                                 "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==") ==
             std::string("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
                         "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"));
}

BOOST_AUTO_TEST_CASE(authorization_identity_escapes_comma_and_equals) {
  BOOST_TEST(escapeSaslName("a,b=c,,==") == "a=2Cb=3Dc=2C=2C=3D=3D");
  BOOST_TEST(escapeSaslName("plain@example.org") == "plain@example.org");
  BOOST_TEST(startsWith(oauthBearerResponse("we,ird=user@example.org", "h", 587, "t"),
                        "n,a=we=2Cird=3Duser@example.org,\x01"));
}

BOOST_AUTO_TEST_CASE(only_rfc6750_b64tokens_are_sent) {
  BOOST_TEST(isBearerToken(kGoodToken));
  BOOST_TEST(isBearerToken(kFreshToken));
  BOOST_TEST(isBearerToken("abc=="));
  BOOST_TEST(!isBearerToken(""));
  BOOST_TEST(!isBearerToken("=abc"));
  BOOST_TEST(!isBearerToken("ab=c"));
  BOOST_TEST(!isBearerToken("two words"));
  BOOST_TEST(
      !isBearerToken(std::string("tok\x01"
                                 "auth=Bearer x")));
  BOOST_TEST(!isBearerToken("tok\r\nMAIL FROM:<x>"));
}

BOOST_AUTO_TEST_CASE(error_challenge_status_is_shown_only_when_short_and_plain) {
  BOOST_TEST(
      errorChallengeStatus(
          core::base64Encode(R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})"))
          .value_or("-") == "401");
  BOOST_TEST(errorChallengeStatus(core::base64Encode(R"({ "status" : "invalid_token", "scope":"x"})"))
                 .value_or("-") == "invalid_token");
  BOOST_TEST(!errorChallengeStatus("not base64!"));
  BOOST_TEST(!errorChallengeStatus(core::base64Encode(R"({"scope":"x"})")));
  BOOST_TEST(!errorChallengeStatus(core::base64Encode(R"({"status":"<script>"})")));
  BOOST_TEST(!errorChallengeStatus(core::base64Encode(R"({"status":")" + std::string(200, 'a') + R"("})")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(oauth)

BOOST_AUTO_TEST_CASE(xoauth2_sends_the_exact_bytes_and_delivers_with_one_token_per_connection) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"LOGIN", "PLAIN", "XOAUTH2"}), pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kGoodToken});
  MessageFiles files;
  {
    Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
    for (int i = 0; i < 2; ++i) {
      const DeliveryReport report = relay.deliver(files.message("x\r\n"));
      BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
    }
  }
  BOOST_TEST(tokens->callCount() == 1);  // fetched for the connection, not per message
  const ReceivedConnection c = onlyConnection(fake);
  const std::string expected = "user=" + kUser + "\x01" + "auth=Bearer " + kGoodToken + "\x01\x01";
  BOOST_REQUIRE_EQUAL(c.authDecoded.size(), 1u);
  BOOST_TEST(c.authDecoded[0] == expected);
  BOOST_TEST(c.has("AUTH XOAUTH2 " + core::base64Encode(expected)));
  BOOST_TEST(!c.has("AUTH PLAIN"));
  BOOST_TEST(!c.has("AUTH LOGIN"));
  BOOST_TEST(c.count("MAIL FROM:") == 2u);
}

BOOST_AUTO_TEST_CASE(oauthbearer_sends_the_rfc7628_bytes_with_an_escaped_user_and_delivers) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"OAUTHBEARER", "XOAUTH2"}), pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kGoodToken});
  MessageFiles files;
  {
    Relay relay(oauthOptions(fake.port(), pki,
                             oauthAuth(AuthMechanism::OAuthBearer, tokens, "we,ird=user@example.org")));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  }
  const ReceivedConnection c = onlyConnection(fake);
  const std::string expected = "n,a=we=2Cird=3Duser@example.org,\x01host=localhost\x01port=" + port(fake) +
                               "\x01" + "auth=Bearer " + kGoodToken + "\x01\x01";
  BOOST_REQUIRE_EQUAL(c.authDecoded.size(), 1u);
  BOOST_TEST(c.authDecoded[0] == expected);
  BOOST_TEST(c.has("AUTH OAUTHBEARER " + core::base64Encode(expected)));
  BOOST_TEST(!c.has("AUTH XOAUTH2"));
}

BOOST_AUTO_TEST_CASE(xoauth2_rejected_token_answers_the_error_challenge_empty_and_defers_without_mail) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"XOAUTH2"}), pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kStaleToken});
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n", {"a@x", "b@x"}));
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(r.reply ==
               "authentication to smarthost localhost:" + port(fake) +
                   " failed: 535 5.7.8 Authentication credentials invalid (OAuth error status 401)");
  }
  BOOST_TEST(tokens->rejectedCount() == 1);
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(answerAfterAuth(c) == "");  // Google's XOAUTH2: an empty response to the error challenge
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(c.quit);
}

BOOST_AUTO_TEST_CASE(oauthbearer_rejected_token_answers_the_error_challenge_with_ctrl_a) {
  Pki pki;
  FakeScript script = oauthScript({"OAUTHBEARER"});
  script.oauthErrorJson = R"({"status":"invalid_token","scope":"example_scope"})";
  FakeSmarthost fake(script, pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kStaleToken});
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::OAuthBearer, tokens)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(contains(report.recipients[0].reply, "(OAuth error status invalid_token)"),
             report.recipients[0].reply);
  BOOST_TEST(tokens->rejectedCount() == 1);
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(answerAfterAuth(c) == "AQ==");  // RFC 7628 §3.2.3: a single %x01
  BOOST_TEST(!c.has("MAIL"));
}

BOOST_AUTO_TEST_CASE(a_535_without_challenge_also_marks_the_token_rejected) {
  Pki pki;
  FakeScript script = oauthScript({"XOAUTH2"});
  script.oauthErrorChallenge = false;  // Microsoft 365 style
  script.authFailure = "535 5.7.3 Authentication unsuccessful";
  FakeSmarthost fake(script, pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kStaleToken});
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(report.recipients[0].reply == "authentication to smarthost localhost:" + port(fake) +
                                               " failed: 535 5.7.3 Authentication unsuccessful");
  BOOST_TEST(tokens->rejectedCount() == 1);
  BOOST_TEST(answerAfterAuth(onlyConnection(fake)) == "QUIT");
}

BOOST_AUTO_TEST_CASE(a_server_that_echoes_the_token_does_not_get_it_into_the_reply) {
  Pki pki;
  FakeScript script = oauthScript({"XOAUTH2"});
  script.oauthErrorChallenge = false;
  script.authFailure =
      "535 5.7.3 bad token " + kStaleToken + " " +
      core::base64Encode("user=" + kUser + "\x01" + "auth=Bearer " + kStaleToken + "\x01\x01");
  FakeSmarthost fake(script, pki.serverContext({"localhost"}));
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokensOf({kStaleToken}))));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(report.recipients[0].reply == "authentication to smarthost localhost:" + port(fake) +
                                               " failed: 535 5.7.3 bad token (hidden) (hidden)");
}

BOOST_AUTO_TEST_CASE(a_temporary_auth_failure_does_not_blame_the_token) {
  Pki pki;
  FakeScript script = oauthScript({"XOAUTH2"});
  script.oauthErrorChallenge = false;
  script.authFailure = "454 4.7.0 Temporary authentication failure";
  FakeSmarthost fake(script, pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kStaleToken});
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(tokens->rejectedCount() == 0);
}

BOOST_AUTO_TEST_CASE(rejected_token_is_refreshed_and_the_next_smarthost_gets_the_new_one) {
  Pki pki;
  const auto context = pki.serverContext({"localhost"});
  FakeSmarthost first(oauthScript({"XOAUTH2"}, {kFreshToken}), context);
  FakeSmarthost second(oauthScript({"XOAUTH2"}, {kFreshToken}), context);
  const auto tokens = tokensOf({kStaleToken, kFreshToken});  // a cache holding a token revoked meanwhile
  MessageFiles files;
  RelayOptions options = oauthOptions(first.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens));
  options.smarthosts = {{"localhost", first.port()}, {"localhost", second.port()}};
  Relay relay(options);
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == "localhost:" + port(second));
  BOOST_TEST(tokens->rejectedCount() == 1);
  BOOST_TEST(tokens->rejectedTokens == std::vector<std::string>{kStaleToken},
             boost::test_tools::per_element());
  BOOST_TEST(tokens->callCount() == 2);
  BOOST_TEST(onlyConnection(first).authDecoded.at(0) ==
             "user=" + kUser + "\x01" + "auth=Bearer " + kStaleToken + "\x01\x01");
  BOOST_TEST(!onlyConnection(first).has("MAIL"));
  BOOST_REQUIRE(second.waitFor([](const auto& c) { return c.size() == 1 && c[0].has("MAIL"); }));
  BOOST_TEST(second.connections()[0].authDecoded.at(0) ==
             "user=" + kUser + "\x01" + "auth=Bearer " + kFreshToken + "\x01\x01");
}

BOOST_AUTO_TEST_CASE(each_new_connection_asks_for_a_current_token) {
  // The source renews tokens as they expire; a new connection must never reuse the old one.
  Pki pki;
  FakeScript script = oauthScript({"XOAUTH2"}, {kGoodToken, kFreshToken});
  script.closeAfterTransaction = true;  // every message needs a new connection
  FakeSmarthost fake(script, pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kGoodToken, kFreshToken});
  tokens->advanceEachCall = true;
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
  for (int i = 0; i < 2; ++i) {
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
    BOOST_REQUIRE(fake.waitFor([i](const auto& c) { return c.size() == std::size_t(i + 1) && c[i].ended; }));
  }
  const auto connections = fake.connections();
  BOOST_TEST(tokens->callCount() == 2);
  BOOST_TEST(contains(connections[0].authDecoded.at(0), "auth=Bearer " + kGoodToken + "\x01"));
  BOOST_TEST(contains(connections[1].authDecoded.at(0), "auth=Bearer " + kFreshToken + "\x01"));
}

BOOST_AUTO_TEST_CASE(failed_token_refresh_defers_every_recipient_without_connecting_or_falling_back) {
  Pki pki;
  FakeScript script = oauthScript({"PLAIN", "LOGIN", "XOAUTH2"});
  FakeSmarthost first(script, pki.serverContext({"localhost"})),
      second(script, pki.serverContext({"localhost"}));
  int calls = 0;
  AuthOptions auth;
  auth.mechanism = AuthMechanism::XOAuth2;
  auth.username = kUser;
  auth.accessToken = [&calls]() -> std::string {
    ++calls;
    throw core::Error::temporary(
        "OAuth token refresh failed: invalid_grant (AADSTS70008: the refresh token has expired)");
  };
  RelayOptions options = oauthOptions(first.port(), pki, auth);
  options.smarthosts = {{"localhost", first.port()}, {"localhost", second.port()}};
  Relay relay(options);
  MessageFiles files;
  const DeliveryReport report = relay.deliver(files.message("x\r\n", {"a@x", "b@x"}));
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(r.reply ==
               "4.7.0 OAuth token unavailable: OAuth token refresh failed: invalid_grant (AADSTS70008: "
               "the refresh token has expired)");
  }
  BOOST_TEST(report.smarthost.empty());
  BOOST_TEST(calls == 1);  // the same for every host: no failover
  BOOST_TEST(first.connections().empty());
  BOOST_TEST(second.connections().empty());
  // The slot was given back: the next attempt asks again rather than waiting for a connection.
  relay.deliver(files.message("y\r\n"));
  BOOST_TEST(calls == 2);
}

BOOST_AUTO_TEST_CASE(token_source_output_is_checked_and_other_exceptions_stay_in_the_log) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"XOAUTH2"}), pki.serverContext({"localhost"}));
  MessageFiles files;
  struct Case {
    std::function<std::string()> source;
    std::string reply;
  };
  const std::vector<Case> cases{
      {[]() -> std::string { throw std::runtime_error("socket: internal detail"); },
       "4.7.0 OAuth token unavailable: the token source failed (details in the log)"},
      {[] { return std::string(); }, "4.7.0 OAuth token unavailable: the token source returned no token"},
      {[] { return std::string("tok\r\nMAIL FROM:<evil@x>"); },
       "4.7.0 OAuth token unavailable: the token source returned a malformed token"},
  };
  for (const Case& c : cases) {
    AuthOptions auth;
    auth.mechanism = AuthMechanism::XOAuth2;
    auth.username = kUser;
    auth.accessToken = c.source;
    Relay relay(oauthOptions(fake.port(), pki, auth));
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(report.recipients[0].reply == c.reply);
  }
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(configured_xoauth2_is_not_downgraded_to_plain_or_login) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"PLAIN", "LOGIN"}), pki.serverContext({"localhost"}));
  const auto tokens = tokensOf({kGoodToken});
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokens)));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost localhost:" + port(fake) +
                 " does not offer AUTH XOAUTH2 (offers LOGIN PLAIN); not sending with a "
                 "weaker mechanism");
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("AUTH"));
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(c.quit);
}

BOOST_AUTO_TEST_CASE(configured_oauthbearer_does_not_switch_to_xoauth2) {
  Pki pki;
  FakeSmarthost fake(oauthScript({"XOAUTH2"}), pki.serverContext({"localhost"}));
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::OAuthBearer, tokensOf({kGoodToken}))));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(startsWith(report.recipients[0].reply, "smarthost localhost:" + port(fake) +
                                                        " does not offer AUTH OAUTHBEARER (offers XOAUTH2)"),
             report.recipients[0].reply);
  BOOST_TEST(!onlyConnection(fake).has("AUTH"));
}

BOOST_AUTO_TEST_CASE(smarthost_that_stops_offering_auth_gets_no_mail) {
  Pki pki;
  FakeSmarthost fake(oauthScript({}), pki.serverContext({"localhost"}));
  MessageFiles files;
  Relay relay(oauthOptions(fake.port(), pki, oauthAuth(AuthMechanism::XOAuth2, tokensOf({kGoodToken}))));
  const DeliveryReport report = relay.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(report.recipients[0].reply ==
             "smarthost localhost:" + port(fake) +
                 " does not offer AUTH XOAUTH2 (offers no AUTH at all); not sending "
                 "without authentication");
  const ReceivedConnection c = onlyConnection(fake);
  BOOST_TEST(!c.has("MAIL"));
  BOOST_TEST(!c.has("AUTH"));
}

BOOST_AUTO_TEST_CASE(oauth_without_tls_is_refused_before_fetching_a_token) {
  FakeScript script;
  script.authMechanisms = {"XOAUTH2"};
  script.oauthTokens = {kGoodToken};
  FakeSmarthost fake(script);
  const auto tokens = tokensOf({kGoodToken});
  for (const AuthMechanism mechanism : {AuthMechanism::XOAuth2, AuthMechanism::OAuthBearer}) {
    RelayOptions options = plainOptions(fake.port());
    options.auth = oauthAuth(mechanism, tokens);
    Relay relay(options);
    MessageFiles files;
    const DeliveryReport report = relay.deliver(files.message("x\r\n"));
    BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
    BOOST_TEST(report.recipients[0].reply == "refusing to send credentials without TLS");
  }
  BOOST_TEST(tokens->callCount() == 0);
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(auth_options_are_validated_without_network) {
  const auto tokens = tokensOf({kGoodToken});
  const RelayOptions base = plainOptions(25);
  const auto rejects = [&](const std::function<void(RelayOptions&)>& change, const std::string& part) {
    RelayOptions options = base;
    change(options);
    try {
      Relay relay(options);
      BOOST_ERROR("accepted: " + part);
    } catch (const core::Error& e) {
      BOOST_TEST(contains(e.what(), part), e.what());
    }
  };
  rejects(
      [&](RelayOptions& o) {
        o.auth = oauthAuth(AuthMechanism::XOAuth2, tokens);
        o.auth.accessToken = nullptr;
      },
      "needs an access token source");
  rejects([&](RelayOptions& o) { o.auth = oauthAuth(AuthMechanism::OAuthBearer, tokens, ""); },
          "needs a username");
  rejects(
      [&](RelayOptions& o) {
        o.auth = oauthAuth(AuthMechanism::XOAuth2, tokens,
                           "a\x01"
                           "b@x");
      },
      "without control characters");
  rejects(
      [&](RelayOptions& o) {
        o.auth = oauthAuth(AuthMechanism::XOAuth2, tokens);
        o.auth.password = "p";
      },
      "takes no password");
  rejects(
      [&](RelayOptions& o) {
        o.auth = oauthAuth(AuthMechanism::XOAuth2, tokens);
        o.username = "u";
        o.password = "p";
      },
      "not both");
  rejects(
      [&](RelayOptions& o) {
        o.auth.mechanism = AuthMechanism::Password;
        o.auth.username = "u";
      },
      "needs a username and a password");
  rejects([&](RelayOptions& o) { o.auth.username = "u"; }, "no mechanism chosen");
  RelayOptions password = base;
  password.auth.mechanism = AuthMechanism::Password;
  password.auth.username = "u";
  password.auth.password = "p";
  BOOST_CHECK_NO_THROW(Relay{password});
}

BOOST_AUTO_TEST_CASE(tokens_never_reach_the_log) {
  // Runs last in this suite: every case above has logged at debug level by now.
  const std::vector<std::string> secrets{
      kGoodToken, kStaleToken, kFreshToken,
      core::base64Encode("user=" + kUser + "\x01" + "auth=Bearer " + kGoodToken + "\x01\x01"),
      core::base64Encode("user=" + kUser + "\x01" + "auth=Bearer " + kStaleToken + "\x01\x01")};
  std::vector<std::string> leaks;
  for (const std::string& line : LogCapture::instance().lines())
    for (const std::string& secret : secrets)
      if (contains(line, secret)) leaks.push_back(line);
  BOOST_TEST(leaks.empty(), (leaks.empty() ? std::string() : leaks.front()));
  bool rejectionLogged = false, unavailableLogged = false;
  for (const std::string& line : LogCapture::instance().lines()) {
    rejectionLogged = rejectionLogged || contains(line, "event=oauth-token-rejected");
    unavailableLogged = unavailableLogged || contains(line, "event=oauth-token-unavailable");
  }
  BOOST_TEST(rejectionLogged);
  BOOST_TEST(unavailableLogged);
}

BOOST_AUTO_TEST_SUITE_END()
