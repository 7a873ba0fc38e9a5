#include <boost/test/unit_test.hpp>

#include "auth/failure_throttle.h"
#include "support/fake_clock.h"

using namespace postern::auth;
using postern::test::FakeClock;
using namespace std::chrono_literals;

namespace {
struct Fixture {
  FakeClock clock;
  FailureThrottle throttle{clock, FailureThrottleOptions{3, 600s, 100}};
};
}  // namespace

BOOST_AUTO_TEST_SUITE(failure_throttle)

BOOST_FIXTURE_TEST_CASE(client_is_blocked_after_max_failures_within_the_window, Fixture) {
  throttle.recordFailure("192.0.2.7");
  throttle.recordFailure("192.0.2.7");
  BOOST_TEST(!throttle.blocked("192.0.2.7"));
  throttle.recordFailure("192.0.2.7");
  BOOST_TEST(throttle.blocked("192.0.2.7"));
}

BOOST_FIXTURE_TEST_CASE(failures_age_out_of_the_sliding_window_one_by_one, Fixture) {
  throttle.recordFailure("192.0.2.7");  // t=0
  clock.advance(100s);
  throttle.recordFailure("192.0.2.7");  // t=100
  clock.advance(100s);
  throttle.recordFailure("192.0.2.7");  // t=200
  BOOST_TEST(throttle.blocked("192.0.2.7"));
  clock.advance(399s);  // t=599: all three still inside
  BOOST_TEST(throttle.blocked("192.0.2.7"));
  clock.advance(1s);  // t=600: the first has left the window
  BOOST_TEST(!throttle.blocked("192.0.2.7"));
  BOOST_TEST(throttle.failures("192.0.2.7") == 2u);
  throttle.recordFailure("192.0.2.7");  // one more fills the window again
  BOOST_TEST(throttle.blocked("192.0.2.7"));
  clock.advance(600s);
  BOOST_TEST(throttle.failures("192.0.2.7") == 0u);
  BOOST_TEST(throttle.trackedClients() == 0u);
}

BOOST_FIXTURE_TEST_CASE(clients_are_counted_separately, Fixture) {
  for (int i = 0; i < 3; ++i) throttle.recordFailure("192.0.2.7");
  BOOST_TEST(throttle.blocked("192.0.2.7"));
  BOOST_TEST(!throttle.blocked("2001:db8::1"));
  BOOST_TEST(throttle.failures("2001:db8::1") == 0u);
}

BOOST_FIXTURE_TEST_CASE(continued_failures_keep_a_client_blocked, Fixture) {
  for (int i = 0; i < 20; ++i) {
    throttle.recordFailure("192.0.2.7");
    clock.advance(250s);
  }
  // One failure every 250 s: 250 s after the last one only two remain inside the 600 s window.
  BOOST_TEST(!throttle.blocked("192.0.2.7"));
  for (int i = 0; i < 20; ++i) {
    throttle.recordFailure("192.0.2.7");
    clock.advance(100s);
  }
  // One every 100 s: the newest three always lie within the window.
  BOOST_TEST(throttle.blocked("192.0.2.7"));
}

BOOST_AUTO_TEST_CASE(tracked_clients_are_bounded_dropping_the_stalest_first) {
  FakeClock clock;
  FailureThrottle throttle(clock, FailureThrottleOptions{2, 600s, 3});
  throttle.recordFailure("a");
  clock.advance(1s);
  throttle.recordFailure("b");
  throttle.recordFailure("b");
  clock.advance(1s);
  throttle.recordFailure("c");
  clock.advance(1s);
  throttle.recordFailure("d");
  BOOST_TEST(throttle.trackedClients() == 3u);
  BOOST_TEST(throttle.failures("a") == 0u);  // the stalest went
  BOOST_TEST(throttle.blocked("b"));
}

BOOST_AUTO_TEST_SUITE_END()
