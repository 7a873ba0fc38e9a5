// core::RollingCount: events within the window are counted, older minutes fall out, memory is fixed.
#include <boost/test/unit_test.hpp>

#include "core/rolling_count.h"
#include "support/fake_clock.h"

using namespace postern;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rolling_count)

BOOST_AUTO_TEST_CASE(events_inside_the_window_are_counted_and_older_ones_fall_out) {
  test::FakeClock clock;
  core::RollingCount count(clock, std::chrono::minutes(60));
  count.add();
  count.add(2);
  clock.advance(30min);
  count.add();
  BOOST_TEST(count.total() == 4u);
  clock.advance(30min);  // the first minute is now 60 minutes old: outside a 60-minute window
  BOOST_TEST(count.total() == 1u);
  clock.advance(30min);
  BOOST_TEST(count.total() == 0u);
}

BOOST_AUTO_TEST_CASE(a_bucket_reused_after_a_full_turn_starts_from_zero) {
  test::FakeClock clock;
  core::RollingCount count(clock, std::chrono::minutes(10));
  count.add(5);
  clock.advance(10min);  // same slot, a new minute
  count.add();
  BOOST_TEST(count.total() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
