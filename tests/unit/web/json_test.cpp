#include <boost/test/unit_test.hpp>

#include <string>

#include "core/error.h"
#include "fake_exchange.h"
#include "web/http_error.h"
#include "web/json_body.h"
#include "web/json_response.h"

using namespace postern;
using web::ErrorAnswer;
using web::HttpError;
using web::JsonBody;

namespace {

// What the client would get for whatever f throws.
template <typename F>
ErrorAnswer answerFor(F f) {
  try {
    f();
  } catch (...) {
    return web::errorAnswer(std::current_exception());
  }
  BOOST_FAIL("nothing was thrown");
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_body)

BOOST_AUTO_TEST_CASE(a_body_that_is_no_json_object_is_a_bad_request) {
  for (const char* text : {"", "   ", "{", "[1, 2]", "\"text\"", "42", "null", "{\"a\": 1} x", "{'a': 1}"}) {
    const auto answer = answerFor([&] { JsonBody::parse(text); });
    BOOST_TEST(answer.status == 400, text);
    BOOST_TEST(answer.code == "bad_request", text);
  }
}

BOOST_AUTO_TEST_CASE(typed_getters_read_present_fields) {
  const auto body = JsonBody::parse(
      R"({"login": "alice@example.org", "enabled": false, "bits": 3072, "senders": ["*", "@example.org"]})");
  BOOST_TEST(body.requiredString("login") == "alice@example.org");
  BOOST_TEST(body.requiredBool("enabled") == false);
  BOOST_TEST(body.requiredInteger("bits") == 3072);
  BOOST_TEST(body.requiredStringList("senders").size() == 2u);
  BOOST_TEST(!body.optionalString("password").has_value());
  BOOST_TEST(!body.optionalBool("missing").has_value());
}

BOOST_AUTO_TEST_CASE(a_wrong_type_is_400_naming_the_field) {
  const auto body = JsonBody::parse(R"({"login": 5, "enabled": "yes", "bits": true, "senders": ["*", 1],
                                        "ratio": 2048.5, "huge": 18446744073709551615})");
  const std::pair<const char*, std::function<void()>> cases[] = {{"login", [&] { body.requiredString("login"); }},
                                                                 {"enabled", [&] { body.optionalBool("enabled"); }},
                                                                 {"bits", [&] { body.requiredInteger("bits"); }},
                                                                 {"senders", [&] { body.optionalStringList("senders"); }},
                                                                 {"ratio", [&] { body.optionalInteger("ratio"); }},
                                                                 {"huge", [&] { body.optionalInteger("huge"); }},
                                                                 {"login", [&] { body.optionalStringList("login"); }}};
  for (const auto& [field, read] : cases) {
    const auto answer = answerFor(read);
    BOOST_TEST(answer.status == 400, field);
    BOOST_TEST(answer.code == "bad_request", field);
    BOOST_TEST(answer.field == field);
  }
}

BOOST_AUTO_TEST_CASE(a_missing_required_field_is_422_invalid_value_naming_it) {
  const auto body = JsonBody::parse(R"({"login": "a@example.org"})");
  const auto answer = answerFor([&] { body.requiredString("password"); });
  BOOST_TEST(answer.status == 422);
  BOOST_TEST(answer.code == "invalid_value");
  BOOST_TEST(answer.field == "password");
}

BOOST_AUTO_TEST_CASE(null_counts_as_absent) {
  const auto body = JsonBody::parse(R"({"selector": null})");
  BOOST_TEST(!body.has("selector"));
  BOOST_TEST(!body.optionalString("selector").has_value());
  BOOST_TEST(answerFor([&] { body.requiredString("selector"); }).status == 422);
}

BOOST_AUTO_TEST_CASE(an_unknown_field_is_refused_when_the_endpoint_lists_its_fields) {
  const auto body = JsonBody::parse(R"({"login": "a@example.org", "pasword": "x"})");
  BOOST_CHECK_NO_THROW(body.allowOnly({"login", "pasword"}));
  const auto answer = answerFor([&] { body.allowOnly({"login", "password"}); });
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(answer.field == "pasword");
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_before_parsing) {
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  BOOST_TEST(answerFor([&] { JsonBody::parse(deep); }).status == 400);
  std::string shallow = "{\"a\":" + std::string(20, '[') + std::string(20, ']') + "}";
  BOOST_CHECK_NO_THROW(JsonBody::parse(shallow));
  // Brackets inside strings are text, not nesting.
  BOOST_CHECK_NO_THROW(JsonBody::parse("{\"a\": \"" + std::string(1000, '[') + "\"}"));
}

BOOST_AUTO_TEST_CASE(text_that_is_not_utf8_or_holds_nul_is_refused) {
  BOOST_TEST(answerFor([] { JsonBody::parse("{\"login\": \"a\xff\"}"); }).status == 400);
  const auto body = JsonBody::parse(R"({"login": "a\u0000b"})");
  const auto answer = answerFor([&] { body.requiredString("login"); });
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(answer.field == "login");
  BOOST_TEST(JsonBody::parse(R"({"name": "Zoë \u20ac"})").requiredString("name") ==
             "Zo\xC3\xAB \xE2\x82\xAC");
}

BOOST_AUTO_TEST_CASE(a_body_must_be_sent_as_application_json) {
  test::FakeExchange plain("POST", "/api/v1/users", R"({"login": "a@example.org"})", "text/plain");
  BOOST_TEST(answerFor([&] { plain.context.json(); }).status == 400);
  test::FakeExchange none("POST", "/api/v1/users", R"({"login": "a@example.org"})");
  BOOST_TEST(answerFor([&] { none.context.json(); }).status == 400);
  test::FakeExchange json("POST", "/api/v1/users", R"({"login": "a@example.org"})",
                          "application/json; charset=utf-8");
  BOOST_TEST(json.context.json().requiredString("login") == "a@example.org");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(error_mapping)

BOOST_AUTO_TEST_CASE(an_invalid_value_is_422_with_its_field_and_message) {
  const auto answer =
      web::errorAnswer(core::InvalidValue("password", "password must have at least 8 characters"));
  BOOST_TEST(answer.status == 422);
  BOOST_TEST(answer.code == "invalid_value");
  BOOST_TEST(answer.field == "password");
  BOOST_TEST(answer.message == "password must have at least 8 characters");
  BOOST_TEST(answer.logDetail.empty());
}

BOOST_AUTO_TEST_CASE(not_found_already_exists_and_conflict_keep_their_message) {
  const auto notFound = web::errorAnswer(core::NotFound("no such user: bob@example.org"));
  BOOST_TEST(notFound.status == 404);
  BOOST_TEST(notFound.code == "not_found");
  BOOST_TEST(notFound.message == "no such user: bob@example.org");
  const auto exists = web::errorAnswer(core::AlreadyExists("user already exists: bob@example.org"));
  BOOST_TEST(exists.status == 409);
  BOOST_TEST(exists.code == "already_exists");
  const auto conflict = web::errorAnswer(core::Conflict("the last enabled administrator cannot be disabled"));
  BOOST_TEST(conflict.status == 409);
  BOOST_TEST(conflict.code == "conflict");
  BOOST_TEST(conflict.message == "the last enabled administrator cannot be disabled");
}

BOOST_AUTO_TEST_CASE(a_temporary_error_is_503_and_its_detail_stays_in_the_log) {
  const auto answer =
      web::errorAnswer(core::Error::temporary("database is locked: /var/lib/postern/postern.db"));
  BOOST_TEST(answer.status == 503);
  BOOST_TEST(answer.code == "unavailable");
  BOOST_TEST(answer.message.find("postern.db") == std::string::npos);
  BOOST_TEST(answer.logDetail.find("postern.db") != std::string::npos);
  BOOST_TEST(web::errorAnswer(core::InsufficientStorage("disk full")).status == 503);
}

BOOST_AUTO_TEST_CASE(anything_else_is_500_with_a_generic_message) {
  for (const auto& answer : {web::errorAnswer(core::Error::permanent("sqlite3_prepare: no such table")),
                             web::errorAnswer(std::runtime_error("vault: key /etc/secret unreadable")),
                             web::errorAnswer(std::make_exception_ptr(42))}) {
    BOOST_TEST(answer.status == 500);
    BOOST_TEST(answer.code == "internal_error");
    BOOST_TEST(answer.message == "internal error");
    BOOST_TEST(!answer.logDetail.empty());
    BOOST_TEST(answer.field.empty());
  }
}

BOOST_AUTO_TEST_CASE(an_http_error_keeps_its_status_code_field_and_header_fields) {
  const auto answer = web::errorAnswer(
      HttpError(429, "too_many_requests", "too many sign-in attempts", "", {{"Retry-After", "60"}}));
  BOOST_TEST(answer.status == 429);
  BOOST_TEST(answer.code == "too_many_requests");
  BOOST_REQUIRE_EQUAL(answer.headers.size(), 1u);
  BOOST_TEST(answer.headers[0].second == "60");
  BOOST_TEST(web::errorAnswer(HttpError::methodNotAllowed("GET, HEAD")).headers.at(0).first == "Allow");
}

BOOST_AUTO_TEST_CASE(the_error_json_names_the_field_only_when_one_is_at_fault) {
  ErrorAnswer answer;
  answer.status = 422;
  answer.code = "invalid_value";
  answer.message = "login must be an e-mail address";
  answer.field = "login";
  BOOST_TEST(
      web::errorJson(answer) ==
      R"({"error":{"code":"invalid_value","message":"login must be an e-mail address","field":"login"}})");
  answer.field.clear();
  BOOST_TEST(web::errorJson(answer) ==
             R"({"error":{"code":"invalid_value","message":"login must be an e-mail address"}})");
}

BOOST_AUTO_TEST_CASE(a_json_answer_has_its_status_type_and_length) {
  test::FakeResponse response;
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("needed", true);
  web::sendJson(response, 200, body);
  BOOST_TEST(response.status() == 200);
  BOOST_TEST(response.getContentType() == "application/json; charset=utf-8");
  BOOST_TEST(response.body() == R"({"needed":true})");
  BOOST_TEST(response.getContentLength64() == 15);
}

BOOST_AUTO_TEST_CASE(a_standalone_answer_carries_the_security_fields_and_closes) {
  const std::string text = web::standaloneErrorResponse(
      web::errorAnswer(HttpError(403, "forbidden", "this address may not use the admin interface")));
  BOOST_TEST(text.rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  for (const char* field : {"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; base-uri "
                            "'none'; form-action 'self'\r\n",
                            "X-Content-Type-Options: nosniff\r\n", "Referrer-Policy: no-referrer\r\n",
                            "Strict-Transport-Security: max-age=31536000\r\n", "Cache-Control: no-store\r\n",
                            "Content-Type: application/json; charset=utf-8\r\n", "Connection: close\r\n"})
    BOOST_TEST(text.find(field) != std::string::npos, field);
  const std::string body =
      R"({"error":{"code":"forbidden","message":"this address may not use the admin interface"}})";
  BOOST_TEST(text.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
  BOOST_TEST(text.substr(text.size() - body.size()) == body);
  BOOST_TEST(text.find("\r\n\r\n") + 4 == text.size() - body.size());
}

BOOST_AUTO_TEST_SUITE_END()
