// Per-sender routes: the lookup rules, validation, delivery through the chosen route, and update()
// without restart (unchanged routes keep their connections, changed ones are replaced, a delivery in
// flight on a removed route completes).
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

#include "core/error.h"
#include "fake_smarthost.h"
#include "relay/route_table.h"
#include "relay/router.h"
#include "relay_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;

namespace {

Route route(std::string name, std::vector<std::string> senders, std::string version, std::uint16_t port) {
  Route r;
  r.name = std::move(name);
  r.senders = std::move(senders);
  r.version = std::move(version);
  r.options = plainOptions(port);
  return r;
}

std::string nameOf(const std::vector<RoutePatterns>& routes, std::optional<std::size_t> index) {
  return index ? routes.at(*index).name : "(none)";
}

// The what() of the core::Error that building this table throws, or "(accepted)".
std::string tableError(const std::vector<RoutePatterns>& routes) {
  try {
    RouteTable table(routes);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string routerError(std::vector<Route> routes) {
  try {
    Router router(std::move(routes));
  } catch (const core::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string port(const FakeSmarthost& fake) { return std::to_string(fake.port()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(route_table)

const std::vector<RoutePatterns> kRoutes{
    {"exec", {"CEO@example.org", "cfo@example.org"}},
    {"corp", {"@Example.org"}},
    {"partner", {"@partner.example"}},
    {"default", {"*"}},
};

BOOST_AUTO_TEST_CASE(address_beats_domain_beats_default) {
  const RouteTable table(kRoutes);
  BOOST_TEST(nameOf(kRoutes, table.lookup("ceo@example.org")) == "exec");
  BOOST_TEST(nameOf(kRoutes, table.lookup("cfo@example.org")) == "exec");
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@example.org")) == "corp");
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@partner.example")) == "partner");
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@other.net")) == "default");
}

BOOST_AUTO_TEST_CASE(matching_ignores_ascii_case) {
  const RouteTable table(kRoutes);
  BOOST_TEST(nameOf(kRoutes, table.lookup("Ceo@EXAMPLE.org")) == "exec");
  BOOST_TEST(nameOf(kRoutes, table.lookup("BOB@EXAMPLE.ORG")) == "corp");
}

BOOST_AUTO_TEST_CASE(a_domain_matches_itself_only) {
  const RouteTable table(kRoutes);
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@mail.example.org")) == "default");
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@example.org.evil.net")) == "default");
  // The domain is what follows the last '@' (a quoted local part may hold one).
  BOOST_TEST(nameOf(kRoutes, table.lookup("\"a@other.net\"@example.org")) == "corp");
}

BOOST_AUTO_TEST_CASE(a_bounce_goes_by_its_first_recipient) {
  const RouteTable table(kRoutes);
  BOOST_TEST(nameOf(kRoutes, table.lookup("", "ceo@example.org")) == "exec");
  BOOST_TEST(nameOf(kRoutes, table.lookup("", "someone@partner.example")) == "partner");
  BOOST_TEST(nameOf(kRoutes, table.lookup("", "x@other.net")) == "default");
  BOOST_TEST(nameOf(kRoutes, table.lookup("bob@partner.example", "ceo@example.org")) ==
             "partner");  // only <>
}

BOOST_AUTO_TEST_CASE(without_a_default_unknown_senders_have_no_route) {
  const std::vector<RoutePatterns> routes{{"corp", {"@example.org"}}};
  const RouteTable table(routes);
  BOOST_TEST(nameOf(routes, table.lookup("bob@other.net")) == "(none)");
  BOOST_TEST(nameOf(routes, table.lookup("", "bob@other.net")) == "(none)");
  BOOST_TEST(nameOf(routes, table.lookup("")) == "(none)");
}

BOOST_AUTO_TEST_CASE(invalid_tables_are_refused_naming_the_route) {
  BOOST_TEST(tableError({{"a", {"@x.org"}}, {"a", {"@y.org"}}}) == "route 'a': the name is used twice");
  BOOST_TEST(tableError({{"a", {"@x.org"}}, {"b", {"@X.ORG"}}}) ==
             "route 'b': sender '@X.ORG' is also in route 'a'");
  BOOST_TEST(tableError({{"a", {"bob@x.org"}}, {"b", {"Bob@x.org"}}}) ==
             "route 'b': sender 'Bob@x.org' is also in route 'a'");
  BOOST_TEST(tableError({{"a", {"*"}}, {"b", {"*"}}}) ==
             "route 'b': a second default route \"*\" (the first is 'a')");
  BOOST_TEST(tableError({{"a", {"example.org"}}}) ==
             "route 'a': sender pattern 'example.org' needs an '@' (\"@example.org\" for the domain)");
  BOOST_TEST(tableError({{"a", {"@"}}}) == "route 'a': sender pattern '@' has no domain");
  BOOST_TEST(tableError({{"a", {""}}}) == "route 'a': sender pattern '' is malformed");
  BOOST_TEST(tableError({{"a", {"bob @x.org"}}}) == "route 'a': sender pattern 'bob @x.org' is malformed");
  BOOST_TEST(tableError({{"a", {}}}) == "route 'a': no senders (use \"*\" for the default route)");
  BOOST_TEST(tableError({{"", {"*"}}}) == "route #1 has no name");
  BOOST_TEST(tableError({{"my route", {"*"}}}) ==
             "route 'my route': a name without spaces or control characters");
  BOOST_TEST(tableError({{"a", {"@x.org", "@x.org", "*"}}}) ==
             "(accepted)");  // twice in one route is harmless
  BOOST_TEST(tableError({}) == "(accepted)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(delivers_through_the_senders_route_and_reports_it) {
  FakeSmarthost corp(FakeScript{}), other(FakeScript{});
  MessageFiles files;
  Router router(
      {route("corp", {"@example.org"}, "1", corp.port()), route("default", {"*"}, "1", other.port())});
  const DeliveryReport a = router.deliver(files.message("x\r\n", {"r@x"}, "alice@example.org"));
  BOOST_TEST(outcomeName(a.recipients[0].outcome) == "Delivered", a.recipients[0].reply);
  BOOST_TEST(a.route == "corp");
  BOOST_TEST(a.smarthost == "127.0.0.1:" + port(corp));
  const DeliveryReport b = router.deliver(files.message("x\r\n", {"r@x"}, "bob@other.net"));
  BOOST_TEST(b.route == "default");
  BOOST_TEST(b.smarthost == "127.0.0.1:" + port(other));
  const DeliveryReport bounce = router.deliver(files.message("x\r\n", {"alice@EXAMPLE.org"}, ""));
  BOOST_TEST(bounce.route == "corp");
  BOOST_TEST(bounce.smarthost == "127.0.0.1:" + port(corp));
  BOOST_TEST(router.routeFor("carol@example.org") == "corp");
  BOOST_TEST(router.routeFor("carol@elsewhere.net") == "default");
  BOOST_TEST(router.routeFor("", "alice@example.org") == "corp");
}

BOOST_AUTO_TEST_CASE(no_route_defers_every_recipient_without_connecting) {
  FakeSmarthost corp(FakeScript{});
  MessageFiles files;
  Router router({route("corp", {"@example.org"}, "1", corp.port())});
  const DeliveryReport report = router.deliver(files.message("x\r\n", {"a@x", "b@x"}, "bob@other.net"));
  for (const auto& r : report.recipients) {
    BOOST_TEST(outcomeName(r.outcome) == "Deferred");
    BOOST_TEST(r.reply == "no route for sender <bob@other.net> (and no default route)");
  }
  BOOST_TEST(report.route.empty());
  BOOST_TEST(report.smarthost.empty());
  const DeliveryReport bounce = router.deliver(files.message("x\r\n", {"someone@other.net"}, ""));
  BOOST_TEST(bounce.recipients[0].reply ==
             "no route for sender <> to <someone@other.net> (and no default route)");
  BOOST_TEST(router.routeFor("bob@other.net") == "");
  BOOST_TEST(corp.connections().empty());
}

BOOST_AUTO_TEST_CASE(route_failover_follows_its_hosts_in_order) {
  FakeScript busy;
  busy.greeting = "421 4.3.2 busy";
  FakeSmarthost first(busy), second(FakeScript{});
  MessageFiles files;
  Route r = route("corp", {"*"}, "1", first.port());
  r.options.smarthosts = {
      {"127.0.0.1", unusedPort()}, {"127.0.0.1", first.port()}, {"127.0.0.1", second.port()}};
  Router router({r});
  const DeliveryReport report = router.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == "127.0.0.1:" + port(second));
  BOOST_TEST(report.route == "corp");
  BOOST_TEST(first.connections().size() == 1u);
}

BOOST_AUTO_TEST_CASE(invalid_routes_are_refused_naming_the_route) {
  Route broken = route("broken", {"*"}, "1", 25);
  broken.options.heloName.clear();
  BOOST_TEST(routerError({route("ok", {"@x.org"}, "1", 25), broken}) ==
             "route 'broken': relay: no HELO name (hostname) configured");
  BOOST_TEST(routerError({route("a", {"*"}, "1", 25), route("b", {"*"}, "1", 25)}) ==
             "route 'b': a second default route \"*\" (the first is 'a')");
  Route badCa = route("m365", {"*"}, "1", 25);
  badCa.options.tls = TlsMode::StartTls;
  badCa.options.caFile = "/nonexistent/ca.pem";
  BOOST_TEST(startsWith(routerError({badCa}), "route 'm365': "), routerError({badCa}));
}

BOOST_AUTO_TEST_CASE(update_keeps_an_unchanged_routes_pooled_connection) {
  FakeSmarthost corp(FakeScript{}), partner(FakeScript{});
  MessageFiles files;
  Router router({route("corp", {"@example.org"}, "v1", corp.port())});
  BOOST_TEST(outcomeName(router.deliver(files.message("one\r\n")).recipients[0].outcome) == "Delivered");
  router.update({route("corp", {"@example.org"}, "v1", corp.port()),
                 route("partner", {"@partner.example"}, "v1", partner.port())});
  const DeliveryReport second = router.deliver(files.message("two\r\n"));
  BOOST_TEST(outcomeName(second.recipients[0].outcome) == "Delivered", second.recipients[0].reply);
  BOOST_TEST(second.route == "corp");
  const auto connections = corp.connections();
  BOOST_REQUIRE_EQUAL(connections.size(), 1u);  // the same connection across the update
  BOOST_TEST(connections[0].count("MAIL") == 2u);
  BOOST_TEST(connections[0].has("RSET"));
  BOOST_TEST(!connections[0].ended);
  BOOST_TEST(router.routeFor("x@partner.example") == "partner");
  bool logged = false;
  for (const std::string& line : LogCapture::instance().lines())
    logged = logged || line == "event=routes-updated added=partner changed=- removed=- unchanged=corp";
  BOOST_TEST(logged);
}

BOOST_AUTO_TEST_CASE(update_replaces_a_changed_route_and_closes_its_old_connections) {
  FakeSmarthost before(FakeScript{}), after(FakeScript{});
  MessageFiles files;
  Router router({route("corp", {"@example.org"}, "v1", before.port())});
  BOOST_TEST(outcomeName(router.deliver(files.message("one\r\n")).recipients[0].outcome) == "Delivered");
  router.update({route("corp", {"@example.org"}, "v2", after.port())});
  // The old Relay had nothing in flight: it is gone, and its idle connection said QUIT.
  BOOST_REQUIRE(before.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit && c[0].ended; }));
  const DeliveryReport report = router.deliver(files.message("two\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(report.smarthost == "127.0.0.1:" + port(after));
  BOOST_TEST(after.connections().size() == 1u);
  BOOST_TEST(before.connections().size() == 1u);
  bool logged = false;
  for (const std::string& line : LogCapture::instance().lines())
    logged = logged || line == "event=routes-updated added=- changed=corp removed=- unchanged=-";
  BOOST_TEST(logged);
}

BOOST_AUTO_TEST_CASE(a_delivery_in_flight_on_a_removed_route_completes) {
  std::promise<void> gate;
  const std::shared_future<void> released = gate.get_future().share();
  FakeScript held;
  held.beforeFinalReply = [released] { released.wait_for(std::chrono::seconds(20)); };
  FakeSmarthost fake(held);
  MessageFiles files;
  Route corp = route("corp", {"@example.org"}, "v1", fake.port());
  corp.options.dataTimeout = std::chrono::seconds(60);
  Router router({corp});
  const OutboundMessage message = files.message("x\r\n");
  DeliveryReport report;
  std::thread delivering([&] { report = router.deliver(message); });
  // The final dot has arrived; the fake holds its reply.
  const bool inFlight =
      fake.waitFor([](const auto& c) { return c.size() == 1 && contains(c[0].data, ".\r\n"); });
  BOOST_CHECK(inFlight);
  router.update({});
  BOOST_TEST(router.routeFor("alice@example.org") == "");
  gate.set_value();
  delivering.join();
  BOOST_TEST(outcomeName(report.recipients.at(0).outcome) == "Delivered", report.recipients.at(0).reply);
  BOOST_TEST(report.route == "corp");
  // Once that delivery returned, the removed route's Relay was destroyed: QUIT.
  BOOST_TEST(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit && c[0].ended; }));
  const DeliveryReport later = router.deliver(files.message("y\r\n"));
  BOOST_TEST(later.recipients[0].reply == "no route for sender <alice@example.org> (and no default route)");
}

BOOST_AUTO_TEST_CASE(a_refused_update_leaves_the_old_table_in_force) {
  FakeSmarthost corp(FakeScript{});
  MessageFiles files;
  Router router({route("corp", {"@example.org"}, "v1", corp.port())});
  BOOST_TEST(outcomeName(router.deliver(files.message("one\r\n")).recipients[0].outcome) == "Delivered");
  Route broken = route("new", {"*"}, "v1", corp.port());
  broken.options.maxConnections = 0;
  BOOST_CHECK_EXCEPTION(router.update({route("corp", {"@example.org"}, "v2", corp.port()), broken}),
                        core::Error,
                        [](const core::Error& e) { return startsWith(e.what(), "route 'new': "); });
  BOOST_CHECK_EXCEPTION(router.update({route("corp", {"@example.org"}, "v2", corp.port()),
                                       route("corp", {"*"}, "v1", corp.port())}),
                        core::Error,
                        [](const core::Error& e) { return contains(e.what(), "the name is used twice"); });
  BOOST_TEST(router.routeFor("x@other.net") == "");
  const DeliveryReport report = router.deliver(files.message("two\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  BOOST_TEST(corp.connections().size() == 1u);  // still the v1 Relay and its connection
}

BOOST_AUTO_TEST_CASE(stop_closes_every_route_and_later_deliveries_defer) {
  FakeSmarthost a(FakeScript{}), b(FakeScript{});
  MessageFiles files;
  Router router({route("a", {"@a.example"}, "1", a.port()), route("b", {"*"}, "1", b.port())});
  router.deliver(files.message("x\r\n", {"r@x"}, "s@a.example"));
  router.deliver(files.message("x\r\n", {"r@x"}, "s@b.example"));
  router.stop();
  BOOST_TEST(a.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit; }));
  BOOST_TEST(b.waitFor([](const auto& c) { return c.size() == 1 && c[0].quit; }));
  const DeliveryReport report = router.deliver(files.message("y\r\n"));
  BOOST_TEST(report.recipients[0].reply == "shutting down");
  router.stop();
}

BOOST_AUTO_TEST_SUITE_END()
