#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "fake_exchange.h"
#include "web/http_error.h"
#include "web/public_documents.h"
#include "web/request_dispatcher.h"
#include "web/security_headers.h"
#include "web/static_assets.h"

using namespace postern;
using test::FakeExchange;

namespace {

const web::Asset kIndex{"/index.html", "text/html; charset=utf-8", "<!doctype html><title>t</title>",
                        "\"00112233445566778899aabbccddeeff\""};
const web::Asset kOpenApi{"/openapi.json", "application/json; charset=utf-8", "{\"openapi\":\"3.1.0\"}",
                          "\"ffeeddccbbaa99887766554433221100\""};

// The dispatcher app/ builds, with a few API routes standing in for the coming ones.
struct Site {
  web::AssetTable assets{{kIndex, kOpenApi}};
  web::RequestDispatcher dispatcher{router(), web::assetHandler(assets)};

  web::Router router() {
    web::Router r;
    r.add(web::Method::Get, "/api/v1/openapi.json", web::assetAt(assets, "/openapi.json"));
    r.add(web::Method::Get, "/api/v1/users/{login}", [](web::RequestContext& c) {
      Poco::JSON::Object body;
      body.set("login", c.param("login"));
      body.set("q", c.query("q").value_or("-"));
      c.sendJson(200, body);
    });
    r.add(web::Method::Delete, "/api/v1/users/{login}",
          [](web::RequestContext&) { throw core::InvalidValue("login", "login must be an e-mail address"); });
    r.add(web::Method::Post, "/api/v1/users", [](web::RequestContext& c) {
      c.response.set("Set-Cookie", "__Host-postern=abc; Secure; HttpOnly");
      c.response.set("ETag", "\"x\"");
      throw std::runtime_error("sqlite3: disk I/O error at /var/lib/postern/postern.db");
    });
    r.add(web::Method::Put, "/api/v1/users", [](web::RequestContext&) {});  // forgets to answer
    return r;
  }

  FakeExchange& run(FakeExchange& exchange) {
    dispatcher.dispatch(exchange.context);
    return exchange;
  }
};

void checkSecurityFields(const test::FakeResponse& response, const std::string& cacheControl) {
  BOOST_TEST(response.field("Content-Security-Policy") ==
             "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  BOOST_TEST(response.field("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(response.field("Referrer-Policy") == "no-referrer");
  BOOST_TEST(response.field("Strict-Transport-Security") == "max-age=31536000");
  BOOST_TEST(response.field("Cache-Control") == cacheControl);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(security_headers)

BOOST_AUTO_TEST_CASE(the_api_is_never_stored_and_the_pages_are_revalidated) {
  BOOST_TEST((web::cachePolicyFor("/api/v1/users") == web::CachePolicy::NoStore));
  BOOST_TEST((web::cachePolicyFor("/api") == web::CachePolicy::NoStore));
  BOOST_TEST((web::cachePolicyFor("/apidocs.html") == web::CachePolicy::NoCache));
  BOOST_TEST((web::cachePolicyFor("/") == web::CachePolicy::NoCache));
}

BOOST_AUTO_TEST_CASE(applying_the_fields_replaces_what_was_there) {
  Poco::Net::HTTPResponse response;
  response.set("Cache-Control", "public, max-age=3600");
  web::applySecurityHeaders(response, web::CachePolicy::NoStore);
  BOOST_TEST(response.get("Cache-Control") == "no-store");
  BOOST_TEST(response.get("X-Content-Type-Options") == "nosniff");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dispatcher)

BOOST_AUTO_TEST_CASE(an_asset_is_served_with_the_security_fields_and_revalidation) {
  Site site;
  FakeExchange exchange("GET", "/");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 200);
  BOOST_TEST(exchange.response.body() == std::string(kIndex.bytes));
  BOOST_TEST(exchange.response.getContentType() == "text/html; charset=utf-8");
  BOOST_TEST(exchange.response.field("ETag") == std::string(kIndex.etag));
  checkSecurityFields(exchange.response, "no-cache");
}

BOOST_AUTO_TEST_CASE(a_matching_if_none_match_is_304_without_a_body) {
  Site site;
  FakeExchange exchange("GET", "/index.html");
  exchange.request.set("If-None-Match", "\"other\", W/" + std::string(kIndex.etag));
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 304);
  BOOST_TEST(exchange.response.body().empty());
  BOOST_TEST(exchange.response.field("ETag") == std::string(kIndex.etag));
  checkSecurityFields(exchange.response, "no-cache");
}

BOOST_AUTO_TEST_CASE(a_stale_if_none_match_gets_the_asset) {
  Site site;
  FakeExchange exchange("GET", "/index.html");
  exchange.request.set("If-None-Match", "\"0000\"");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 200);
}

BOOST_AUTO_TEST_CASE(a_path_outside_the_table_is_a_json_404_whatever_its_escapes) {
  Site site;
  for (const char* path :
       {"/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../x", "/index.html/",
        "/INDEX.html", "/index%2ehtml", "//index.html", "/index.html%00"}) {
    FakeExchange exchange("GET", path);
    site.run(exchange);
    BOOST_TEST(exchange.response.status() == 404, path);
    BOOST_TEST(exchange.response.getContentType() == "application/json; charset=utf-8");
    BOOST_TEST(exchange.response.body() == R"({"error":{"code":"not_found","message":"no such resource"}})");
    checkSecurityFields(exchange.response, "no-cache");
  }
}

BOOST_AUTO_TEST_CASE(an_asset_only_answers_get_and_head) {
  Site site;
  FakeExchange exchange("POST", "/index.html");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 405);
  BOOST_TEST(exchange.response.field("Allow") == "GET, HEAD");
  checkSecurityFields(exchange.response, "no-cache");
}

BOOST_AUTO_TEST_CASE(an_unknown_api_path_is_a_json_404_that_is_never_stored) {
  Site site;
  FakeExchange exchange("GET", "/api/v1/nothing");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 404);
  BOOST_TEST(exchange.response.body() == R"({"error":{"code":"not_found","message":"no such resource"}})");
  checkSecurityFields(exchange.response, "no-store");
}

BOOST_AUTO_TEST_CASE(a_wrong_method_on_an_api_path_is_405_with_allow) {
  Site site;
  FakeExchange exchange("PATCH", "/api/v1/users/bob");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 405);
  BOOST_TEST(exchange.response.field("Allow") == "GET, HEAD, DELETE");
  BOOST_TEST(exchange.response.body().find("\"method_not_allowed\"") != std::string::npos);
  checkSecurityFields(exchange.response, "no-store");
}

BOOST_AUTO_TEST_CASE(an_api_handler_gets_its_decoded_parameters_and_query) {
  Site site;
  FakeExchange exchange("GET", "/api/v1/users/alice%40example.org?q=a+b%26c&x=1");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 200);
  BOOST_TEST(exchange.response.body() == R"({"login":"alice@example.org","q":"a b&c"})");
  checkSecurityFields(exchange.response, "no-store");
}

BOOST_AUTO_TEST_CASE(a_malformed_escape_in_the_path_or_query_is_400) {
  Site site;
  for (const char* target : {"/api/v1/users/a%zz", "/api/v1/users/a%00", "/api/v1/users/bob?q=%zz"}) {
    FakeExchange exchange("GET", target);
    site.run(exchange);
    BOOST_TEST(exchange.response.status() == 400, target);
    checkSecurityFields(exchange.response, "no-store");
  }
}

BOOST_AUTO_TEST_CASE(a_domain_error_becomes_its_contract_answer) {
  Site site;
  FakeExchange exchange("DELETE", "/api/v1/users/bob");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 422);
  BOOST_TEST(
      exchange.response.body() ==
      R"({"error":{"code":"invalid_value","message":"login must be an e-mail address","field":"login"}})");
}

BOOST_AUTO_TEST_CASE(a_failed_answer_drops_the_fields_its_handler_had_set_and_hides_the_detail) {
  Site site;
  FakeExchange exchange("POST", "/api/v1/users", "{}");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 500);
  BOOST_TEST(exchange.response.field("Set-Cookie") == "<absent>");
  BOOST_TEST(exchange.response.field("ETag") == "<absent>");
  BOOST_TEST(exchange.response.body() == R"({"error":{"code":"internal_error","message":"internal error"}})");
  checkSecurityFields(exchange.response, "no-store");
}

BOOST_AUTO_TEST_CASE(a_handler_that_does_not_answer_is_a_500) {
  Site site;
  FakeExchange exchange("PUT", "/api/v1/users");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 500);
}

BOOST_AUTO_TEST_CASE(the_openapi_document_is_served_under_the_api) {
  Site site;
  FakeExchange exchange("GET", "/api/v1/openapi.json");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 200);
  BOOST_TEST(exchange.response.body() == std::string(kOpenApi.bytes));
  checkSecurityFields(exchange.response, "no-store");
}

BOOST_AUTO_TEST_CASE(without_an_openapi_document_its_address_is_404) {
  web::AssetTable assets{{kIndex}};
  web::Router router;
  router.add(web::Method::Get, "/api/v1/openapi.json", web::assetAt(assets, "/openapi.json"));
  web::RequestDispatcher dispatcher(std::move(router), web::assetHandler(assets));
  FakeExchange exchange("GET", "/api/v1/openapi.json");
  dispatcher.dispatch(exchange.context);
  BOOST_TEST(exchange.response.status() == 404);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(public_site)

// The public listener's dispatcher: no page handler, so the router decides every path.
struct PublicSite {
  web::RequestDispatcher dispatcher{router()};

  static web::Router router() {
    web::Router r;
    r.add(web::Method::Get, "/.well-known/mta-sts.txt", [](web::RequestContext& c) {
      c.response.setContentType("text/plain");
      c.response.sendBuffer("version: STSv1\r\n", 16);
    });
    return r;
  }
};

BOOST_AUTO_TEST_CASE(a_dispatcher_without_pages_serves_only_its_routes) {
  PublicSite site;
  FakeExchange policy("GET", "/.well-known/mta-sts.txt");
  site.dispatcher.dispatch(policy.context);
  BOOST_TEST(policy.response.status() == 200);
  checkSecurityFields(policy.response, "no-cache");
  for (const char* path : {"/", "/index.html", "/api/v1/users", "/api/v1/session", "/healthz", "/metrics",
                           "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.txt"}) {
    FakeExchange other("GET", path);
    site.dispatcher.dispatch(other.context);
    BOOST_TEST(other.response.status() == 404, path);
  }
  FakeExchange post("POST", "/.well-known/mta-sts.txt");
  site.dispatcher.dispatch(post.context);
  BOOST_TEST(post.response.status() == 405);
}

BOOST_AUTO_TEST_CASE(the_host_name_ignores_case_port_and_a_final_dot) {
  auto host = [](const char* value) {
    Poco::Net::HTTPRequest request("GET", "/");
    if (value) request.set("Host", value);
    return web::requestHostName(request).value_or("(none)");
  };
  BOOST_TEST(host("MTA-STS.Example.org") == "mta-sts.example.org");
  BOOST_TEST(host("mta-sts.example.org:443") == "mta-sts.example.org");
  BOOST_TEST(host("mta-sts.example.org.") == "mta-sts.example.org");
  BOOST_TEST(host(nullptr) == "(none)");
  BOOST_TEST(host("") == "(none)");
  BOOST_TEST(host("192.0.2.1") == "(none)");
  BOOST_TEST(host("[2001:db8::1]:443") == "(none)");
  BOOST_TEST(host("mta-sts.example.org:x") == "(none)");
  BOOST_TEST(host("mta-sts.example.org:443:443") == "(none)");
  BOOST_TEST(host("mta sts.example.org") == "(none)");
  BOOST_TEST(host("mta-sts.example.org/evil") == "(none)");
}

BOOST_AUTO_TEST_SUITE_END()
