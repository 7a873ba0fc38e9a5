#include <boost/test/unit_test.hpp>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

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

// ---- reservations: the check and the count are one step, so parallel attempts cannot overshoot

BOOST_FIXTURE_TEST_CASE(held_reservations_count_like_failures, Fixture) {
  auto first = throttle.tryReserve("192.0.2.7");
  auto second = throttle.tryReserve("192.0.2.7");
  throttle.recordFailure("192.0.2.7");
  BOOST_TEST(static_cast<bool>(first));
  BOOST_TEST(static_cast<bool>(second));
  BOOST_TEST(throttle.reservations("192.0.2.7") == 2u);
  BOOST_TEST(throttle.failures("192.0.2.7") == 1u);
  BOOST_TEST(throttle.blocked("192.0.2.7"));
  BOOST_TEST(!throttle.tryReserve("192.0.2.7"));
  BOOST_TEST(static_cast<bool>(throttle.tryReserve("2001:db8::1")));  // other clients are not affected
}

BOOST_FIXTURE_TEST_CASE(a_released_reservation_frees_its_slot, Fixture) {
  auto first = throttle.tryReserve("192.0.2.7");
  auto second = throttle.tryReserve("192.0.2.7");
  auto third = throttle.tryReserve("192.0.2.7");
  BOOST_TEST(!throttle.tryReserve("192.0.2.7"));
  second.release();  // a success, a cancel, a malformed exchange or a temporary error
  BOOST_TEST(!second);
  BOOST_TEST(throttle.reservations("192.0.2.7") == 2u);
  BOOST_TEST(static_cast<bool>(throttle.tryReserve("192.0.2.7")));  // taken and given back at once
  BOOST_TEST(throttle.failures("192.0.2.7") == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_reservation_destroyed_unresolved_is_released, Fixture) {
  {
    auto dropped = throttle.tryReserve("192.0.2.7");  // the connection went away mid-exchange
    BOOST_TEST(throttle.reservations("192.0.2.7") == 1u);
  }
  BOOST_TEST(throttle.reservations("192.0.2.7") == 0u);
  BOOST_TEST(throttle.failures("192.0.2.7") == 0u);
  BOOST_TEST(throttle.trackedClients() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_confirmed_reservation_stays_as_a_failure_that_ages_out, Fixture) {
  auto attempt = throttle.tryReserve("192.0.2.7");
  attempt.confirmFailure();
  BOOST_TEST(!attempt);
  attempt.release();  // resolved once: neither this nor the destructor gives the slot back again
  BOOST_TEST(throttle.reservations("192.0.2.7") == 0u);
  BOOST_TEST(throttle.failures("192.0.2.7") == 1u);
  clock.advance(600s);
  BOOST_TEST(throttle.failures("192.0.2.7") == 0u);
  BOOST_TEST(throttle.trackedClients() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_moved_reservation_is_counted_once, Fixture) {
  auto first = throttle.tryReserve("192.0.2.7");
  FailureThrottle::Reservation moved(std::move(first));
  BOOST_TEST(!first);  // NOLINT(bugprone-use-after-move): a moved-from reservation is empty by contract
  BOOST_TEST(throttle.reservations("192.0.2.7") == 1u);
  auto other = throttle.tryReserve("192.0.2.7");
  moved = std::move(other);  // the reservation moved over is released
  BOOST_TEST(throttle.reservations("192.0.2.7") == 1u);
  moved.confirmFailure();
  BOOST_TEST(throttle.failures("192.0.2.7") == 1u);
  BOOST_TEST(throttle.reservations("192.0.2.7") == 0u);
}

BOOST_AUTO_TEST_CASE(a_client_with_an_attempt_in_flight_is_never_evicted) {
  FakeClock clock;
  FailureThrottle throttle(clock, FailureThrottleOptions{2, 600s, 2});
  auto held = throttle.tryReserve("a");
  clock.advance(1s);
  throttle.recordFailure("b");
  clock.advance(1s);
  throttle.recordFailure("c");  // full: "b" goes, not "a" whose attempt is still being verified
  BOOST_TEST(throttle.reservations("a") == 1u);
  BOOST_TEST(throttle.failures("b") == 0u);
  BOOST_TEST(throttle.failures("c") == 1u);
  held.confirmFailure();
  BOOST_TEST(throttle.failures("a") == 1u);
}

BOOST_AUTO_TEST_CASE(parallel_attempts_from_one_client_get_exactly_max_failures_reservations) {
  constexpr std::size_t maxFailures = 10;
  constexpr int threads = 40;
  FakeClock clock;
  FailureThrottle throttle(clock, FailureThrottleOptions{maxFailures, 600s, 100});
  std::atomic<std::size_t> granted{0};
  std::latch start(threads);
  std::latch allTried(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      start.arrive_and_wait();  // every thread reserves at the same moment
      auto attempt = throttle.tryReserve("192.0.2.7");
      if (attempt) ++granted;
      allTried.arrive_and_wait();  // all hold their reservations while the others try (the slow verify)
      attempt.confirmFailure();    // every verification failed
      for (int more = 0; more < 3; ++more) {  // and each connection keeps guessing
        auto again = throttle.tryReserve("192.0.2.7");
        if (again) ++granted;
        again.confirmFailure();
      }
    });
  }
  for (auto& t : workers) t.join();
  BOOST_TEST(granted.load() == maxFailures);
  BOOST_TEST(throttle.failures("192.0.2.7") == maxFailures);
  BOOST_TEST(throttle.reservations("192.0.2.7") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
