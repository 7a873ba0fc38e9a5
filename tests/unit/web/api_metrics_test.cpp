// GET /metrics through the dispatcher: the registry's text with the 0.0.4 content type and no caching; with a
// token, 401 and a Bearer challenge unless the request presents exactly that token.
#include <boost/test/unit_test.hpp>

#include "fake_exchange.h"
#include "metrics/registry.h"
#include "web/api_metrics.h"
#include "web/request_dispatcher.h"
#include "web/static_assets.h"

using namespace postern;
using test::FakeExchange;

namespace {

const std::string kToken = "0123456789abcdef-token";

struct Site {
  metrics::Registry registry;
  web::AssetTable assets{std::vector<web::Asset>{}};
  std::unique_ptr<web::RequestDispatcher> dispatcher;

  explicit Site(const std::string& token) {
    registry.counter("postern_things_total", "Things.").inc(3);
    web::Router router;
    web::addMetricsRoutes(router, registry, core::SecretString(std::string(token)));
    dispatcher = std::make_unique<web::RequestDispatcher>(std::move(router), web::assetHandler(assets));
  }
  FakeExchange& run(FakeExchange& exchange, const std::string& authorization = {}) {
    if (!authorization.empty()) exchange.request.set("Authorization", authorization);
    dispatcher->dispatch(exchange.context);
    return exchange;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(api_metrics)

BOOST_AUTO_TEST_CASE(without_a_token_setting_the_metrics_are_served_as_text_and_never_cached) {
  Site site("");
  FakeExchange exchange("GET", "/metrics");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 200);
  BOOST_TEST(exchange.response.getContentType() == "text/plain; version=0.0.4; charset=utf-8");
  BOOST_TEST(exchange.response.field("Cache-Control") == "no-store");
  BOOST_TEST(
      exchange.response.body() ==
      "# HELP postern_things_total Things.\n# TYPE postern_things_total counter\npostern_things_total 3\n");
}

BOOST_AUTO_TEST_CASE(with_a_token_setting_a_request_without_one_gets_401_and_a_bearer_challenge) {
  Site site(kToken);
  FakeExchange exchange("GET", "/metrics");
  site.run(exchange);
  BOOST_TEST(exchange.response.status() == 401);
  BOOST_TEST(exchange.response.field("WWW-Authenticate") == "Bearer realm=\"postern metrics\"");
  BOOST_TEST(exchange.response.body().find("postern_things_total") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_wrong_token_gets_401_invalid_token) {
  Site site(kToken);
  for (const std::string& wrong : {"Bearer " + kToken.substr(1), "Bearer " + kToken + "0", "Basic " + kToken,
                                   std::string("Bearer"), kToken}) {
    FakeExchange exchange("GET", "/metrics");
    site.run(exchange, wrong);
    BOOST_TEST(exchange.response.status() == 401, wrong);
    BOOST_TEST(exchange.response.field("WWW-Authenticate").find("error=\"invalid_token\"") !=
               std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_right_token_is_served_whatever_the_case_of_the_scheme) {
  Site site(kToken);
  for (const std::string& scheme : {"Bearer", "bearer", "BeArEr"}) {
    FakeExchange exchange("GET", "/metrics");
    site.run(exchange, scheme + " " + kToken);
    BOOST_TEST(exchange.response.status() == 200, scheme);
  }
}

BOOST_AUTO_TEST_CASE(an_empty_token_is_never_presented) {
  BOOST_TEST(!web::presentsBearerToken("Bearer ", ""));
  BOOST_TEST(!web::presentsBearerToken("", ""));
  BOOST_TEST(web::presentsBearerToken("Bearer  abc ", "abc"));
}

BOOST_AUTO_TEST_SUITE_END()
