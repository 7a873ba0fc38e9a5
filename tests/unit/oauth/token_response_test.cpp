#define BOOST_TEST_MODULE oauth
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "oauth/form_encoding.h"
#include "oauth/token_response.h"
#include "secrets.h"

using namespace postern;
using namespace postern::oauth;
using namespace postern::test;
using namespace std::chrono_literals;

// A peer that vanishes mid-answer costs an error return, not the process (as in app/server.cpp).
struct SuiteSetup {
  SuiteSetup() { std::signal(SIGPIPE, SIG_IGN); }
};
BOOST_TEST_GLOBAL_FIXTURE(SuiteSetup);

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
const std::vector<std::string_view> kSecrets{kClientSecret, kRefreshToken};

Token parse(int status, const std::string& body, const std::string& reason = "") {
  return parseTokenAnswer(EndpointAnswer{status, reason, body}, "login.example", kNow, kSecrets);
}

OAuthError parseError(int status, const std::string& body, const std::string& reason = "") {
  return requireOAuthError([&] { parse(status, body, reason); });
}

std::string success(const std::string& extra) {
  return R"({"token_type":"Bearer","access_token":")" + kAccessToken + "\"" + extra + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(form_encoding)

BOOST_AUTO_TEST_CASE(encodes_the_rfc6749_appendix_b_example) {
  // RFC 6749 Appendix B: " %&+£€" → "+%25%26%2B%C2%A3%E2%82%AC"
  BOOST_TEST(formEncode(" %&+\xC2\xA3\xE2\x82\xAC") == "+%25%26%2B%C2%A3%E2%82%AC");
}

BOOST_AUTO_TEST_CASE(keeps_unreserved_characters_and_encodes_the_rest) {
  BOOST_TEST(formEncode("AZaz09-._~") == "AZaz09-._~");
  BOOST_TEST(formEncode("a=b&c/d:e?f#g\x01") == "a%3Db%26c%2Fd%3Ae%3Ff%23g%01");
}

BOOST_AUTO_TEST_CASE(joins_fields_in_order) {
  BOOST_TEST(formBody({{"grant_type", "client_credentials"}, {"scope", "a b"}}) ==
             "grant_type=client_credentials&scope=a+b");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(safe_text)

BOOST_AUTO_TEST_CASE(redacts_secrets_also_form_encoded) {
  const std::string text =
      "bad secret " + kClientSecret + " and " + formEncode(kClientSecret) + " and " + kRefreshToken;
  const std::string safe = safeText(text, kSecrets, 1000);
  requireNoSecret(safe);
  BOOST_TEST(safe == "bad secret [redacted] and [redacted] and [redacted]");
}

BOOST_AUTO_TEST_CASE(turns_control_characters_into_spaces_even_inside_a_secret) {
  const std::string split = kRefreshToken.substr(0, 5) + "\r\n" + kRefreshToken.substr(5);
  const std::string safe = safeText("line\r\nbreak\x1b[31m " + split, kSecrets);
  requireNoSecret(safe);
  BOOST_TEST(safe == "line break [31m [redacted]");
}

BOOST_AUTO_TEST_CASE(drops_trailing_line_ends_and_non_ascii_bytes) {
  BOOST_TEST(safeText("caf\xC3\xA9 closed\r\n", {}) == "caf closed");
}

BOOST_AUTO_TEST_CASE(overlapping_secrets_split_by_a_line_end_are_redacted_once) {
  const std::string split = kRefreshToken.substr(0, 5) + "\n" + kRefreshToken.substr(5);
  BOOST_TEST(safeText("xx" + split + "yy", {kRefreshToken, std::string_view(kRefreshToken).substr(3, 10)}) ==
             "xx[redacted]yy");
}

// Found by fuzz_oauth_token (tests/fuzz/corpus/oauth_token/regression_secret_completed_by_a_space): a
// secret holding a space, written in the answer with a control character where the space is, became the
// secret once the control character was shown as a space.
BOOST_AUTO_TEST_CASE(a_control_character_shown_as_a_space_cannot_complete_a_secret) {
  const std::string secret = "RT-Bad Request";
  const std::string safe = safeText("{\"error\": RT-Bad\x15Request}", {secret}, 1000);
  BOOST_TEST(safe.find(secret) == std::string::npos, safe);
  BOOST_TEST(safe == "{\"error\": [redacted]}");
}

BOOST_AUTO_TEST_CASE(truncates_long_text) {
  BOOST_TEST(safeText(std::string(500, 'x'), {}, 10) == "xxxxxxxxxx...");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_answer)

BOOST_AUTO_TEST_CASE(reads_access_token_and_expires_in) {
  const Token token = parse(200, success(R"(,"expires_in":1234,"scope":"x","ext_expires_in":9999)"));
  BOOST_TEST(token.accessToken == kAccessToken);
  BOOST_CHECK(token.expiresAt == kNow + 1234s);
  BOOST_TEST(token.refreshToken.empty());
}

BOOST_AUTO_TEST_CASE(expires_in_defaults_to_an_hour_and_may_be_a_string) {
  BOOST_CHECK(parse(200, success("")).expiresAt == kNow + 3600s);
  BOOST_CHECK(parse(200, success(R"(,"expires_in":null)")).expiresAt == kNow + 3600s);
  BOOST_CHECK(parse(200, success(R"(,"expires_in":"3599")")).expiresAt == kNow + 3599s);
  BOOST_CHECK(parse(200, success(R"(,"expires_in":3599.0)")).expiresAt == kNow + 3599s);
}

BOOST_AUTO_TEST_CASE(an_absurd_lifetime_is_capped_at_a_day) {
  BOOST_CHECK(parse(200, success(R"(,"expires_in":315360000)")).expiresAt == kNow + 24h);
}

BOOST_AUTO_TEST_CASE(unusable_expires_in_is_a_temporary_error) {
  for (const std::string value : {R"("soon")", "-5", "true", "[1]", R"("12x")", "1e300"}) {
    BOOST_TEST_CONTEXT("expires_in " << value) {
      const OAuthError e = parseError(200, success(",\"expires_in\":" + value));
      BOOST_TEST(e.temporary());
      BOOST_TEST(std::string(e.what()).find("expires_in") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(token_type_bearer_is_case_insensitive) {
  const std::string body = R"({"token_type":"bEaReR","access_token":")" + kAccessToken + "\"}";
  BOOST_TEST(parse(200, body).accessToken == kAccessToken);
}

BOOST_AUTO_TEST_CASE(other_token_types_are_refused) {
  const OAuthError mac = parseError(200, R"({"token_type":"mac","access_token":")" + kAccessToken + "\"}");
  BOOST_TEST(mac.temporary());
  BOOST_TEST(std::string(mac.what()) == "token endpoint login.example: token_type 'mac' is not Bearer");
  const OAuthError missing = parseError(200, R"({"access_token":")" + kAccessToken + "\"}");
  BOOST_TEST(std::string(missing.what()).find("no token_type") != std::string::npos);
  // A token_type that quotes the access token does not leak it.
  parseError(200, R"({"token_type":")" + kAccessToken + R"(","access_token":")" + kAccessToken + "\"}");
}

BOOST_AUTO_TEST_CASE(returns_a_rotated_refresh_token) {
  BOOST_TEST(parse(200, success(R"(,"refresh_token":")" + kRotatedRefreshToken + "\"")).refreshToken ==
             kRotatedRefreshToken);
}

BOOST_AUTO_TEST_CASE(malformed_answers_are_temporary) {
  const std::vector<std::string> bodies{
      "",
      "not json",
      R"({"token_type":"Bearer","access_token":"abc")",  // truncated
      R"(["Bearer"])",
      R"({"token_type":"Bearer"})",
      R"({"token_type":"Bearer","access_token":""})",
      R"({"token_type":"Bearer","access_token":42})",
      R"({"token_type":"Bearer","access_token":"with space"})",
      R"({"token_type":"Bearer","access_token":"ctl\u0001A"})",
      R"({"token_type":"Bearer","access_token":"ok","refresh_token":"a\nb"})",
      std::string(100000, '[') + std::string(100000, ']'),
  };
  for (const std::string& body : bodies) {
    BOOST_TEST_CONTEXT("body " << body.substr(0, 60)) {
      const OAuthError e = parseError(200, body);
      BOOST_TEST(e.temporary());
      BOOST_TEST(std::string(e.what()).find("malformed answer") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_grant_is_permanent_with_its_description) {
  const OAuthError e = parseError(
      400,
      R"({"error":"invalid_grant","error_description":"AADSTS70000: The request was denied.\r\nTrace ID: 1","error_codes":[70000]})",
      "Bad Request");
  BOOST_TEST(!e.temporary());
  BOOST_TEST(e.code() == "invalid_grant");
  BOOST_TEST(std::string(e.what()) ==
             "token endpoint login.example answered 400 invalid_grant: AADSTS70000: The request was "
             "denied. Trace ID: 1");
}

BOOST_AUTO_TEST_CASE(errors_that_need_the_administrator_are_permanent) {
  for (const std::string code : {"invalid_client", "unauthorized_client", "invalid_scope",
                                 "unsupported_grant_type", "invalid_request", "interaction_required"}) {
    BOOST_TEST_CONTEXT(code) {
      const OAuthError e = parseError(code == "invalid_client" ? 401 : 400, R"({"error":")" + code + "\"}");
      BOOST_TEST(!e.temporary());
      BOOST_TEST(e.code() == code);
    }
  }
}

BOOST_AUTO_TEST_CASE(server_errors_and_rate_limits_are_temporary_whatever_the_body_says) {
  for (const int status : {500, 502, 503, 504, 429, 408}) {
    BOOST_TEST_CONTEXT(status) {
      BOOST_TEST(parseError(status, R"({"error":"invalid_grant"})").temporary());
      BOOST_TEST(parseError(status, "<html>busy</html>", "Service Unavailable").temporary());
    }
  }
  const OAuthError e = parseError(503, "", "Service Unavailable");
  BOOST_TEST(std::string(e.what()) == "token endpoint login.example answered 503 Service Unavailable");
}

BOOST_AUTO_TEST_CASE(unknown_error_codes_and_bodies_are_temporary) {
  BOOST_TEST(parseError(400, R"({"error":"temporarily_unavailable"})").temporary());
  BOOST_TEST(parseError(400, "<html>proxy says no</html>", "Bad Request").temporary());
  BOOST_TEST(parseError(403, "", "Forbidden").temporary());
}

BOOST_AUTO_TEST_CASE(redirects_are_not_followed) {
  const OAuthError e = parseError(302, "", "Found");
  BOOST_TEST(e.temporary());
  BOOST_TEST(std::string(e.what()).find("redirects are not followed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(descriptions_are_cleaned_truncated_and_never_echo_secrets) {
  const std::string description =
      "secret " + kClientSecret + " token " + kRefreshToken + "\\u001b[2J" + std::string(1000, 'y');
  const OAuthError e =
      parseError(401, R"({"error":"invalid_client","error_description":")" + description + "\"}");
  const std::string text = e.what();
  BOOST_TEST(text.find("secret [redacted] token [redacted] [2J") != std::string::npos);
  BOOST_TEST(text.find('\x1b') == std::string::npos);
  BOOST_TEST(text.size() < 400u);
  BOOST_TEST(text.substr(text.size() - 3) == "...");
}

BOOST_AUTO_TEST_SUITE_END()
