// Delivery through the routes of a RouteSource (relay::RoutedTransport): a table change while deliveries
// run, the configured smarthost as the default route, unusable routes deferring only their own senders,
// a saturated route giving the message back, and the pool's bounded wait underneath.
#include <boost/test/unit_test.hpp>

#include <future>
#include <thread>

#include "fake_smarthost.h"
#include "relay/connection_pool.h"
#include "relay/routed_transport.h"
#include "relay_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;
using namespace std::chrono_literals;

namespace {

// The routes table as a test sets it; every set() is a new generation.
class FakeRouteSource final : public RouteSource {
 public:
  void set(RouteSet routes) {
    std::lock_guard lock(mutex_);
    routes_ = std::move(routes);
    ++generation_;
  }
  std::int64_t generation() override {
    std::lock_guard lock(mutex_);
    return generation_;
  }
  RouteSet routes() override {
    std::lock_guard lock(mutex_);
    ++reads_;
    return routes_;
  }
  int reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }

 private:
  std::mutex mutex_;
  RouteSet routes_;
  std::int64_t generation_ = 1;
  int reads_ = 0;
};

Route route(std::string name, std::vector<std::string> senders, std::uint16_t port,
            std::string version = "1") {
  return Route{std::move(name), std::move(senders), std::move(version), plainOptions(port)};
}

RoutedTransportOptions options(std::optional<std::uint16_t> smarthost = std::nullopt) {
  RoutedTransportOptions o;
  o.base = plainOptions(unusedPort());
  o.base.smarthosts.clear();
  if (smarthost) o.smarthost = plainOptions(*smarthost);
  o.checkInterval = 0ms;  // every delivery looks at the generation
  o.connectionWait = 100ms;
  return o;
}

// A fake whose final reply waits until release() (or ten seconds): holds a delivery in flight.
struct HeldSmarthost {
  std::promise<void> released;
  std::shared_future<void> gate{released.get_future().share()};
  FakeSmarthost fake{script()};
  FakeScript script() {
    FakeScript s;
    s.beforeFinalReply = [gate = gate] { gate.wait_for(10s); };
    return s;
  }
  void release() { released.set_value(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(routed_transport)

BOOST_AUTO_TEST_CASE(a_table_change_applies_to_the_next_delivery_while_one_in_flight_completes) {
  HeldSmarthost first;
  FakeSmarthost second(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  source.set(RouteSet{{route("a", {"*"}, first.fake.port())}, {}});
  RoutedTransport transport(source, options());

  auto inFlight = std::async(std::launch::async, [&] { return transport.deliver(files.message("one\r\n")); });
  BOOST_REQUIRE(first.fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].has("DATA"); }));

  source.set(RouteSet{{route("b", {"*"}, second.port())}, {}});
  const DeliveryReport next = transport.deliver(files.message("two\r\n"));
  BOOST_TEST(next.route == "b");
  BOOST_TEST(outcomeName(next.recipients[0].outcome) == "Delivered", next.recipients[0].reply);
  BOOST_TEST(transport.routeNames() == std::vector<std::string>{"b"}, boost::test_tools::per_element());

  first.release();
  const DeliveryReport old = inFlight.get();
  BOOST_TEST(old.route == "a");
  BOOST_TEST(outcomeName(old.recipients[0].outcome) == "Delivered", old.recipients[0].reply);
}

BOOST_AUTO_TEST_CASE(an_unchanged_generation_does_not_read_the_table_again) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  source.set(RouteSet{{route("a", {"*"}, fake.port())}, {}});
  RoutedTransport transport(source, options());
  transport.deliver(files.message("one\r\n"));
  transport.deliver(files.message("two\r\n"));
  BOOST_TEST(source.reads() == 1);
}

BOOST_AUTO_TEST_CASE(the_configured_smarthost_is_the_default_route_unless_the_table_has_a_star_route) {
  FakeSmarthost corp(FakeScript{}), smarthost(FakeScript{}), star(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  source.set(RouteSet{{route("corp", {"@example.org"}, corp.port())}, {}});
  RoutedTransport transport(source, options(smarthost.port()));
  BOOST_TEST(transport.routeNames() == (std::vector<std::string>{"corp", "config"}),
             boost::test_tools::per_element());
  BOOST_TEST(transport.routeFor("bob@other.net") == "config");
  BOOST_TEST(transport.deliver(files.message("x\r\n", {"r@x"}, "bob@other.net")).route == "config");
  BOOST_TEST(transport.routeFor("alice@example.org") == "corp");

  source.set(RouteSet{{route("corp", {"@example.org"}, corp.port()), route("all", {"*"}, star.port())}, {}});
  BOOST_TEST(transport.deliver(files.message("y\r\n", {"r@x"}, "bob@other.net")).route == "all");
  BOOST_TEST(transport.routeNames() == (std::vector<std::string>{"corp", "all"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_default_route_rule_for_route_test_matches_delivery) {
  const std::vector<RoutePatterns> table{{"corp", {"@example.org"}}};
  BOOST_TEST(withConfiguredDefault(table, true).back().name == "config");
  BOOST_TEST(withConfiguredDefault(table, false).size() == 1u);
  const std::vector<RoutePatterns> withStar{{"corp", {"@example.org"}}, {"all", {"*"}}};
  BOOST_TEST(withConfiguredDefault(withStar, true).size() == 2u);
}

BOOST_AUTO_TEST_CASE(with_neither_routes_nor_a_smarthost_the_queue_is_held) {
  FakeRouteSource source;
  MessageFiles files;
  RoutedTransport transport(source, options());
  BOOST_TEST(!transport.available());
  BOOST_TEST(transport.routeNames().empty());
  const DeliveryReport report = transport.deliver(files.message("x\r\n"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(!report.busy);

  FakeSmarthost fake(FakeScript{});
  source.set(RouteSet{{route("a", {"*"}, fake.port())}, {}});
  BOOST_TEST(transport.available());  // a route added later releases the queue without a restart
}

BOOST_AUTO_TEST_CASE(a_route_whose_secrets_do_not_open_defers_its_senders_only) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  source.set(RouteSet{{route("all", {"*"}, fake.port())},
                      {UnusableRoute{"locked", {"@example.org"}, "route locked: wrong master key"}}});
  RoutedTransport transport(source, options());

  const DeliveryReport locked = transport.deliver(files.message("x\r\n", {"r@x"}, "alice@example.org"));
  BOOST_TEST(locked.route == "locked");
  BOOST_TEST(outcomeName(locked.recipients[0].outcome) == "Deferred");
  BOOST_TEST(contains(locked.recipients[0].reply, "no usable smarthost"), locked.recipients[0].reply);

  const DeliveryReport other = transport.deliver(files.message("y\r\n", {"r@x"}, "bob@other.net"));
  BOOST_TEST(other.route == "all");
  BOOST_TEST(outcomeName(other.recipients[0].outcome) == "Delivered", other.recipients[0].reply);
  BOOST_TEST(fake.connections().size() == 1u);  // alice's mail did not fall through to "*"
  BOOST_TEST(fake.connections()[0].count("MAIL") == 1u);
}

BOOST_AUTO_TEST_CASE(a_route_whose_relay_cannot_be_built_defers_its_senders_and_the_others_load) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  Route broken = route("broken", {"@example.org"}, fake.port());
  broken.options.tls = TlsMode::StartTls;
  broken.options.caFile = files.dir().file("no-such-ca.pem");
  source.set(RouteSet{{broken, route("all", {"*"}, fake.port())}, {}});
  RoutedTransport transport(source, options());

  BOOST_TEST(transport.routeNames() == (std::vector<std::string>{"broken", "all"}),
             boost::test_tools::per_element());
  const DeliveryReport report = transport.deliver(files.message("x\r\n", {"r@x"}, "alice@example.org"));
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Deferred");
  BOOST_TEST(contains(report.recipients[0].reply, "no usable smarthost"), report.recipients[0].reply);
  BOOST_TEST(fake.connections().empty());
}

BOOST_AUTO_TEST_CASE(a_table_that_cannot_be_built_keeps_the_routes_in_force) {
  FakeSmarthost fake(FakeScript{});
  MessageFiles files;
  FakeRouteSource source;
  source.set(RouteSet{{route("a", {"*"}, fake.port())}, {}});
  RoutedTransport transport(source, options());
  source.set(RouteSet{{route("a", {"*"}, fake.port()), route("b", {"*"}, fake.port())}, {}});  // two "*"
  const DeliveryReport report = transport.deliver(files.message("x\r\n"));
  BOOST_TEST(report.route == "a");
  BOOST_TEST(outcomeName(report.recipients[0].outcome) == "Delivered", report.recipients[0].reply);
  const int reads = source.reads();
  transport.deliver(files.message("y\r\n"));
  BOOST_TEST(source.reads() == reads);  // not rebuilt at every check: retried after retryFailedAfter
}

BOOST_AUTO_TEST_CASE(a_saturated_route_gives_the_message_back_without_sending_anything) {
  HeldSmarthost held;
  MessageFiles files;
  FakeRouteSource source;
  Route one = route("one", {"*"}, held.fake.port());
  one.options.maxConnections = 1;
  source.set(RouteSet{{one}, {}});
  RoutedTransport transport(source, options());

  auto inFlight = std::async(std::launch::async, [&] { return transport.deliver(files.message("one\r\n")); });
  BOOST_REQUIRE(held.fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].has("DATA"); }));
  const DeliveryReport busy = transport.deliver(files.message("two\r\n"));
  BOOST_TEST(busy.busy);
  BOOST_TEST(outcomeName(busy.recipients[0].outcome) == "Deferred");
  BOOST_TEST(busy.smarthost.empty());

  held.release();
  BOOST_TEST(outcomeName(inFlight.get().recipients[0].outcome) == "Delivered");
  BOOST_TEST(held.fake.connections().size() == 1u);
  BOOST_TEST(held.fake.connections()[0].count("MAIL") == 1u);
  // The connection is free again: the message given back goes through on its next try.
  const DeliveryReport again = transport.deliver(files.message("two\r\n"));
  BOOST_TEST(!again.busy);
  BOOST_TEST(outcomeName(again.recipients[0].outcome) == "Delivered", again.recipients[0].reply);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pool_bounded_wait)

BOOST_AUTO_TEST_CASE(try_acquire_times_out_while_every_slot_is_taken) {
  ConnectionPool pool(1, 60s);
  std::optional<Lease> first = pool.tryAcquire(0ms);
  BOOST_REQUIRE(first.has_value());
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(!pool.tryAcquire(50ms).has_value());
  BOOST_TEST((std::chrono::steady_clock::now() - start >= 50ms));
  BOOST_TEST(!pool.stopped());
}

BOOST_AUTO_TEST_CASE(try_acquire_succeeds_when_a_connection_frees_during_the_wait) {
  ConnectionPool pool(1, 60s);
  std::optional<Lease> first = pool.tryAcquire(0ms);
  BOOST_REQUIRE(first.has_value());
  std::thread giveBack([&] {
    std::this_thread::sleep_for(50ms);
    first.reset();
  });
  const std::optional<Lease> second = pool.tryAcquire(10s);
  giveBack.join();
  BOOST_TEST(second.has_value());
  BOOST_TEST(pool.openConnections() == 1u);
}

BOOST_AUTO_TEST_CASE(try_acquire_answers_empty_once_stopped) {
  ConnectionPool pool(1, 60s);
  pool.stop();
  BOOST_TEST(!pool.tryAcquire(10s).has_value());
  BOOST_TEST(pool.stopped());
}

BOOST_AUTO_TEST_SUITE_END()
