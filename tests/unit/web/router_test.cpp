#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "fake_exchange.h"
#include "web/router.h"

using namespace postern::web;

namespace {

// A router whose handlers are never called: each test looks at which route matched through its params.
Router apiRouter() {
  Router router;
  const Handler none = [](RequestContext&) {};
  router.add(Method::Get, "/api/v1/users", none);
  router.add(Method::Post, "/api/v1/users", none);
  router.add(Method::Get, "/api/v1/users/{login}", none);
  router.add(Method::Patch, "/api/v1/users/{login}", none);
  router.add(Method::Delete, "/api/v1/users/{login}", none);
  router.add(Method::Delete, "/api/v1/users/{login}/addresses/{pattern}", none);
  router.add(Method::Get, "/api/v1/routes/presets", none);
  router.add(Method::Get, "/api/v1/routes/{name}", none);
  router.add(Method::Delete, "/api/v1/routes/{name}", none);
  return router;
}

bool found(const RouteMatch& match) { return match.outcome == RouteMatch::Outcome::Found; }

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(a_literal_template_matches_its_path_only) {
  const Router router = apiRouter();
  BOOST_TEST(found(router.match(Method::Get, "/api/v1/users")));
  BOOST_TEST((router.match(Method::Get, "/api/v1/user").outcome == RouteMatch::Outcome::NotFound));
  BOOST_TEST((router.match(Method::Get, "/api/v1/users/").outcome == RouteMatch::Outcome::NotFound));
  BOOST_TEST((router.match(Method::Get, "/api//v1/users").outcome == RouteMatch::Outcome::NotFound));
  BOOST_TEST((router.match(Method::Get, "/api/v1/users/a/b").outcome == RouteMatch::Outcome::NotFound));
}

BOOST_AUTO_TEST_CASE(the_table_describes_itself_as_method_and_template_in_the_order_added) {
  const std::vector<std::string> lines = apiRouter().describe();
  BOOST_REQUIRE_EQUAL(lines.size(), 9u);
  BOOST_TEST(lines[0] == "GET /api/v1/users");
  BOOST_TEST(lines[5] == "DELETE /api/v1/users/{login}/addresses/{pattern}");
  BOOST_TEST(lines[6] == "GET /api/v1/routes/presets");
}

BOOST_AUTO_TEST_CASE(parameters_are_named_and_percent_decoded) {
  const auto match =
      apiRouter().match(Method::Delete, "/api/v1/users/alice%40example.org/addresses/%40example.org");
  BOOST_TEST_REQUIRE(found(match));
  BOOST_TEST(match.params.get("login") == "alice@example.org");
  BOOST_TEST(match.params.get("pattern") == "@example.org");
}

BOOST_AUTO_TEST_CASE(an_encoded_slash_is_data_inside_its_segment) {
  const auto match = apiRouter().match(Method::Get, "/api/v1/users/a%2Fb%2f..%2F..");
  BOOST_TEST_REQUIRE(found(match));
  BOOST_TEST(match.params.get("login") == "a/b/../..");
}

BOOST_AUTO_TEST_CASE(malformed_escapes_nul_and_control_characters_make_a_bad_path) {
  const Router router = apiRouter();
  for (const char* path : {"/api/v1/users/a%", "/api/v1/users/a%4", "/api/v1/users/%G0",
                           "/api/v1/users/a%00b", "/api/v1/users/a%0Ab", "/api/v1/users/a\x01"}) {
    const auto match = router.match(Method::Get, path);
    BOOST_TEST((match.outcome == RouteMatch::Outcome::BadPath), path);
    BOOST_TEST(!match.problem.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_target_that_is_no_path_is_a_bad_path) {
  const Router router = apiRouter();
  for (const char* target : {"", "*", "api/v1/users", "https://host/api/v1/users"})
    BOOST_TEST((router.match(Method::Get, target).outcome == RouteMatch::Outcome::BadPath), target);
}

BOOST_AUTO_TEST_CASE(a_known_path_with_another_method_is_405_listing_its_methods) {
  const auto match = apiRouter().match(Method::Put, "/api/v1/users/bob");
  BOOST_TEST_REQUIRE((match.outcome == RouteMatch::Outcome::MethodNotAllowed));
  BOOST_TEST(match.allow == "GET, HEAD, PATCH, DELETE");
  BOOST_TEST(apiRouter().match(Method::Delete, "/api/v1/users").allow == "GET, HEAD, POST");
}

BOOST_AUTO_TEST_CASE(an_unknown_method_token_on_a_known_path_is_405) {
  const auto match = apiRouter().match(std::string_view("BREW"), "/api/v1/users");
  BOOST_TEST((match.outcome == RouteMatch::Outcome::MethodNotAllowed));
  BOOST_TEST(match.allow == "GET, HEAD, POST");
  BOOST_TEST((apiRouter().match(std::string_view("get"), "/api/v1/users").outcome ==
              RouteMatch::Outcome::MethodNotAllowed));  // methods are case-sensitive
}

BOOST_AUTO_TEST_CASE(head_follows_get) {
  const auto match = apiRouter().match(Method::Head, "/api/v1/users/bob");
  BOOST_TEST_REQUIRE(found(match));
  BOOST_TEST(match.params.get("login") == "bob");
}

BOOST_AUTO_TEST_CASE(a_literal_segment_wins_over_a_parameter_for_the_same_method) {
  const Router router = apiRouter();
  const auto presets = router.match(Method::Get, "/api/v1/routes/presets");
  BOOST_TEST_REQUIRE(found(presets));
  BOOST_TEST(presets.params.empty());
  const auto named = router.match(Method::Get, "/api/v1/routes/office");
  BOOST_TEST_REQUIRE(found(named));
  BOOST_TEST(named.params.get("name") == "office");
}

BOOST_AUTO_TEST_CASE(a_parameter_route_serves_a_method_the_literal_route_lacks) {
  const auto match = apiRouter().match(Method::Delete, "/api/v1/routes/presets");
  BOOST_TEST_REQUIRE(found(match));
  BOOST_TEST(match.params.get("name") == "presets");
}

BOOST_AUTO_TEST_CASE(the_matched_handler_is_the_registered_one) {
  Router router;
  int called = 0;
  router.add(Method::Get, "/a", [&called](RequestContext&) { called = 1; });
  router.add(Method::Post, "/a", [&called](RequestContext&) { called = 2; });
  const auto match = router.match(Method::Post, "/a");
  BOOST_TEST_REQUIRE(found(match));
  postern::test::FakeExchange exchange("POST", "/a");
  (*match.handler)(exchange.context);
  BOOST_TEST(called == 2);
}

BOOST_AUTO_TEST_CASE(malformed_templates_and_second_routes_are_refused_while_wiring) {
  Router router;
  const Handler none = [](RequestContext&) {};
  router.add(Method::Get, "/a/{id}", none);
  BOOST_CHECK_THROW(router.add(Method::Get, "/a/{other}", none), std::logic_error);
  BOOST_CHECK_NO_THROW(router.add(Method::Post, "/a/{id}", none));
  for (const char* bad : {"", "a/b", "/a/{}", "/a/{1x}", "/a/{x", "/a/x}", "/a/%41", "/a//b", "/a/{x}/{x}"})
    BOOST_CHECK_THROW(router.add(Method::Get, bad, none), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_parameter_the_template_lacks_is_a_wiring_mistake) {
  PathParams params;
  params.add("login", "bob");
  BOOST_TEST(params.get("login") == "bob");
  BOOST_CHECK_THROW(params.get("domain"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(percent_decoding_turns_plus_into_space_only_when_asked) {
  BOOST_TEST(percentDecode("a+b%20c").value() == "a+b c");
  BOOST_TEST(percentDecode("a+b%20c", true).value() == "a b c");
  BOOST_TEST(percentDecode("%e2%82%AC").value() == "\xE2\x82\xAC");
  BOOST_TEST(!percentDecode("%7F").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
