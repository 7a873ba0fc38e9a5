// TokenEndpointClient against a real local token endpoint: HTTPS with a certificate from a throwaway CA
// (or plain HTTP on loopback), scripted answers, recorded requests.
#include <boost/test/unit_test.hpp>

#include <Poco/Net/ServerSocket.h>

#include "fake_token_endpoint.h"
#include "oauth/form_encoding.h"
#include "oauth/token_endpoint_client.h"
#include "secrets.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "support/test_pki.h"
#include "tls/server_context.h"

using namespace postern;
using namespace postern::oauth;
using namespace postern::test;
using namespace std::chrono_literals;

namespace {

struct Pki {
  TempDir dir;
  TestCa ca = makeTestCa(dir.path().string(), "ca", "Postern OAuth Test CA");
  TestCa otherCa = makeTestCa(dir.path().string(), "other-ca", "Somebody Else's CA");

  Poco::Net::Context::Ptr serverContext(const std::vector<std::string>& names, const TestCa& issuer) {
    const TestServerCertificate cert =
        makeServerCertificate(dir.path().string(), "leaf" + std::to_string(next++), issuer, names);
    return tls::makeServerContext(tls::ServerPolicy{cert.certificateFile, cert.privateKeyFile});
  }
  int next = 0;
};

std::string tokenJson(const std::string& accessToken, const std::string& extra = R"(,"expires_in":3599)") {
  return R"({"token_type":"Bearer","access_token":")" + accessToken + "\"" + extra + "}";
}

struct HttpsEndpoint {
  Pki pki;
  FakeTokenEndpoint endpoint{pki.serverContext({"127.0.0.1"}, pki.ca)};
  FakeClock clock;
  TokenEndpointClient client;

  TokenRequest clientCredentials() const {
    TokenRequest request;
    request.tokenEndpoint = endpoint.url();
    request.clientId = "00000000-app id";
    request.clientSecret = kClientSecret;
    request.scope = "https://outlook.office365.com/.default";
    request.caFile = pki.ca.certificateFile;
    request.timeout = 10s;
    return request;
  }
  TokenRequest refreshGrant() const {
    TokenRequest request = clientCredentials();
    request.grant = Grant::RefreshToken;
    request.clientSecret.clear();
    request.refreshToken = kRefreshToken;
    request.scope = "https://outlook.office.com/SMTP.Send offline_access";
    return request;
  }
  OAuthError failure(const TokenRequest& request) {
    return requireOAuthError([&] { client.request(request, clock); });
  }
  void answer(int status, std::string body) {
    ScriptedAnswer a;
    a.status = status;
    a.body = std::move(body);
    endpoint.enqueue(std::move(a));
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(endpoint_client, HttpsEndpoint)

BOOST_AUTO_TEST_CASE(client_credentials_request_is_an_exact_form_encoded_post) {
  answer(200, tokenJson(kAccessToken));
  const Token token = client.request(clientCredentials(), clock);
  BOOST_TEST(token.accessToken == kAccessToken);
  BOOST_CHECK(token.expiresAt == clock.now() + 3599s);
  const auto requests = endpoint.requests();
  BOOST_TEST_REQUIRE(requests.size() == 1u);
  BOOST_TEST(requests[0].method == "POST");
  BOOST_TEST(requests[0].uri == "/tenant-id/oauth2/v2.0/token");
  BOOST_TEST(requests[0].contentType == "application/x-www-form-urlencoded");
  BOOST_TEST(requests[0].accept == "application/json");
  // RFC 6749 §4.4.2 with client authentication in the body (§2.3.1); every value form-encoded.
  BOOST_TEST(requests[0].body ==
             "grant_type=client_credentials&client_id=00000000-app+id"
             "&client_secret=cl1ent~S3cret%2B%2F%3D%26%25%C3%A9+ok"
             "&scope=https%3A%2F%2Foutlook.office365.com%2F.default");
}

BOOST_AUTO_TEST_CASE(refresh_token_grant_sends_the_refresh_token_and_no_empty_secret) {
  answer(200, tokenJson(kAccessToken));
  client.request(refreshGrant(), clock);
  const auto requests = endpoint.requests();
  BOOST_TEST_REQUIRE(requests.size() == 1u);
  // RFC 6749 §6
  BOOST_TEST(requests[0].body ==
             "grant_type=refresh_token&client_id=00000000-app+id"
             "&scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send+offline_access"
             "&refresh_token=0.AXoA-refresh%2AToken%21one");
}

BOOST_AUTO_TEST_CASE(a_confidential_client_sends_its_secret_with_the_refresh_token) {
  answer(200, tokenJson(kAccessToken));
  TokenRequest request = refreshGrant();
  request.clientSecret = "google-secret";
  request.scope.clear();
  client.request(request, clock);
  BOOST_TEST(endpoint.requests().at(0).body ==
             "grant_type=refresh_token&client_id=00000000-app+id&client_secret=google-secret"
             "&refresh_token=0.AXoA-refresh%2AToken%21one");
}

BOOST_AUTO_TEST_CASE(expires_in_defaults_to_an_hour) {
  answer(200, tokenJson(kAccessToken, ""));
  BOOST_CHECK(client.request(clientCredentials(), clock).expiresAt == clock.now() + 3600s);
}

BOOST_AUTO_TEST_CASE(returns_the_rotated_refresh_token) {
  answer(200,
         tokenJson(kAccessToken, R"(,"expires_in":"4000","refresh_token":")" + kRotatedRefreshToken + "\""));
  const Token token = client.request(refreshGrant(), clock);
  BOOST_TEST(token.refreshToken == kRotatedRefreshToken);
  BOOST_CHECK(token.expiresAt == clock.now() + 4000s);
}

BOOST_AUTO_TEST_CASE(a_chunked_answer_is_read_whole) {
  ScriptedAnswer a;
  a.body = tokenJson(kAccessToken);
  a.chunked = true;
  endpoint.enqueue(a);
  BOOST_TEST(client.request(clientCredentials(), clock).accessToken == kAccessToken);
}

BOOST_AUTO_TEST_CASE(token_type_must_be_bearer) {
  answer(200, R"({"token_type":"bearer","access_token":")" + kAccessToken + "\"}");
  BOOST_TEST(client.request(clientCredentials(), clock).accessToken == kAccessToken);
  answer(200, R"({"token_type":"N_A","access_token":")" + kAccessToken + "\"}");
  const OAuthError e = failure(clientCredentials());
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "is not Bearer"));
}

BOOST_AUTO_TEST_CASE(invalid_grant_is_permanent_and_quotes_the_description) {
  answer(
      400,
      R"({"error":"invalid_grant","error_description":"AADSTS70000: The provided grant is invalid or malformed."})");
  const OAuthError e = failure(refreshGrant());
  BOOST_TEST(!e.temporary());
  BOOST_TEST(e.code() == "invalid_grant");
  BOOST_TEST(std::string(e.what()) ==
             "token endpoint 127.0.0.1 answered 400 invalid_grant: AADSTS70000: The provided grant is "
             "invalid or malformed.");
}

BOOST_AUTO_TEST_CASE(invalid_client_is_permanent) {
  answer(
      401,
      R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
  const OAuthError e = failure(clientCredentials());
  BOOST_TEST(!e.temporary());
  BOOST_TEST(contains(e.what(), "401 invalid_client: AADSTS7000215"));
}

BOOST_AUTO_TEST_CASE(server_errors_and_rate_limits_are_temporary) {
  for (const int status : {500, 503, 429}) {
    BOOST_TEST_CONTEXT(status) {
      answer(status, R"({"error":"server_error","error_description":"try later"})");
      const OAuthError e = failure(clientCredentials());
      BOOST_TEST(e.temporary());
      BOOST_TEST(contains(e.what(), "answered " + std::to_string(status)));
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_answers_are_temporary) {
  for (const std::string body : {"{not json", R"({"token_type":"Bearer"})", "", R"({"error":)"}) {
    BOOST_TEST_CONTEXT(body) {
      answer(200, body);
      const OAuthError e = failure(clientCredentials());
      BOOST_TEST(e.temporary());
      BOOST_TEST(contains(e.what(), "malformed answer"));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_oversized_answer_is_refused) {
  const std::string huge = tokenJson(kAccessToken, ",\"padding\":\"" + std::string(100 * 1024, 'p') + "\"");
  answer(200, huge);  // with Content-Length
  const OAuthError sized = failure(clientCredentials());
  BOOST_TEST(sized.temporary());
  BOOST_TEST(contains(sized.what(), "answer larger than 65536 bytes"));
  ScriptedAnswer chunked;
  chunked.body = huge;
  chunked.chunked = true;  // no length announced: the reader stops at the limit
  endpoint.enqueue(chunked);
  const OAuthError streamed = failure(clientCredentials());
  BOOST_TEST(streamed.temporary());
  BOOST_TEST(contains(streamed.what(), "answer larger than 65536 bytes"));
}

BOOST_AUTO_TEST_CASE(a_redirect_is_not_followed) {
  ScriptedAnswer a;
  a.status = 307;
  a.location = "https://elsewhere.example/token";
  endpoint.enqueue(a);
  const OAuthError e = failure(clientCredentials());
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "307"));
  BOOST_TEST(endpoint.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_echoed_secret_is_redacted) {
  answer(401, R"({"error":"invalid_client","error_description":"secret )" + formEncode(kClientSecret) +
                  " rejected, refresh token " + kRefreshToken + "\"}");
  TokenRequest request = refreshGrant();
  request.clientSecret = kClientSecret;
  const OAuthError e = failure(request);
  BOOST_TEST(contains(e.what(), "secret [redacted] rejected, refresh token [redacted]"));
}

BOOST_AUTO_TEST_CASE(an_unknown_ca_fails_before_anything_is_sent) {
  TokenRequest request = clientCredentials();
  request.caFile = pki.otherCa.certificateFile;
  const OAuthError e = failure(request);
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "certificate"));
  BOOST_TEST(contains(e.what(), "token endpoint 127.0.0.1"));
  BOOST_TEST(endpoint.requests().empty());
}

BOOST_AUTO_TEST_CASE(the_system_bundle_does_not_trust_a_private_ca) {
  TokenRequest request = clientCredentials();
  request.caFile.clear();
  const OAuthError e = failure(request);
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "certificate"));
  BOOST_TEST(endpoint.requests().empty());
}

BOOST_AUTO_TEST_CASE(a_missing_ca_file_is_permanent) {
  TokenRequest request = clientCredentials();
  request.caFile = pki.dir.file("missing.pem");
  const OAuthError e = failure(request);
  BOOST_TEST(!e.temporary());
  BOOST_TEST(endpoint.requests().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(endpoint_client_transport)

BOOST_AUTO_TEST_CASE(a_certificate_for_another_name_fails_before_anything_is_sent) {
  Pki pki;
  FakeTokenEndpoint endpoint(pki.serverContext({"token.example.net"}, pki.ca));
  TokenRequest request;
  request.tokenEndpoint = endpoint.url();
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  request.caFile = pki.ca.certificateFile;
  FakeClock clock;
  const OAuthError e = requireOAuthError([&] { TokenEndpointClient().request(request, clock); });
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "certificate verify failed"));
  BOOST_TEST(endpoint.requests().empty());
}

BOOST_AUTO_TEST_CASE(plain_http_to_loopback_is_allowed_for_tests) {
  FakeTokenEndpoint endpoint;
  ScriptedAnswer a;
  a.body = tokenJson(kAccessToken);
  endpoint.enqueue(a);
  TokenRequest request;
  request.tokenEndpoint = endpoint.url();
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  FakeClock clock;
  BOOST_TEST(TokenEndpointClient().request(request, clock).accessToken == kAccessToken);
  BOOST_TEST(endpoint.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(plain_http_elsewhere_is_refused_without_connecting) {
  TokenRequest request;
  request.tokenEndpoint = "http://login.microsoftonline.com/tenant/oauth2/v2.0/token";
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  FakeClock clock;
  const OAuthError e = requireOAuthError([&] { TokenEndpointClient().request(request, clock); });
  BOOST_TEST(!e.temporary());
  BOOST_TEST(contains(e.what(), "http:// is refused"));
  request.tokenEndpoint = "http://10.0.0.1:8080/token";
  BOOST_TEST(!requireOAuthError([&] { TokenEndpointClient().request(request, clock); }).temporary());
}

BOOST_AUTO_TEST_CASE(bad_urls_and_missing_fields_are_reported_together) {
  TokenRequest request;
  request.tokenEndpoint = "https://user:pw@login.example/token";
  request.grant = Grant::RefreshToken;
  const auto problems = requestProblems(request);
  BOOST_TEST_REQUIRE(problems.size() == 3u);
  BOOST_TEST(contains(problems[0], "user information"));
  BOOST_TEST(problems[1] == "client id: missing");
  BOOST_TEST(contains(problems[2], "refresh token: missing"));
  request.tokenEndpoint = "ftp://login.example/token";
  BOOST_TEST(contains(requestProblems(request).at(0), "https://"));
  request.tokenEndpoint = "https://login.example/token#x";
  BOOST_TEST(contains(requestProblems(request).at(0), "fragment"));
  request.tokenEndpoint = "https://[::1]:8443/t?x=1";
  request.clientId = "app";
  request.refreshToken = kRefreshToken;
  BOOST_TEST(requestProblems(request).empty());
  const EndpointUrl url = parseEndpointUrl(request.tokenEndpoint);
  BOOST_TEST(url.host == "::1");
  BOOST_TEST(url.port == 8443);
  BOOST_TEST(url.pathAndQuery == "/t?x=1");
  BOOST_TEST(parseEndpointUrl("https://login.example").pathAndQuery == "/");
  BOOST_TEST(parseEndpointUrl("https://login.example").port == 443);
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_a_temporary_error) {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto port = probe.address().port();
  probe.close();
  TokenRequest request;
  request.tokenEndpoint = "http://127.0.0.1:" + std::to_string(port) + "/token";
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  FakeClock clock;
  const OAuthError e = requireOAuthError([&] { TokenEndpointClient().request(request, clock); });
  BOOST_TEST(e.temporary());
  BOOST_TEST(std::string(e.what()) == "token endpoint 127.0.0.1: connection refused");
}

BOOST_AUTO_TEST_CASE(a_silent_endpoint_is_a_temporary_timeout) {
  // The kernel completes the connection (backlog) but nobody ever answers.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  TokenRequest request;
  request.tokenEndpoint = "http://127.0.0.1:" + std::to_string(silent.address().port()) + "/token";
  request.clientId = "app";
  request.clientSecret = kClientSecret;
  request.timeout = 1s;
  FakeClock clock;
  const OAuthError e = requireOAuthError([&] { TokenEndpointClient().request(request, clock); });
  BOOST_TEST(e.temporary());
  BOOST_TEST(contains(e.what(), "timed out"));
}

BOOST_AUTO_TEST_SUITE_END()
