// metrics::Registry: the exact text exposition format 0.0.4, escaping, histogram buckets, and the rules that
// keep names valid and label sets bounded.
#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

#include "metrics/registry.h"

using namespace postern;

BOOST_AUTO_TEST_SUITE(registry)

BOOST_AUTO_TEST_CASE(a_counter_renders_help_type_and_its_value) {
  metrics::Registry r;
  auto& c = r.counter("postern_things_total", "Things that happened.");
  c.inc();
  c.inc(41);
  BOOST_TEST(r.render() ==
             "# HELP postern_things_total Things that happened.\n"
             "# TYPE postern_things_total counter\n"
             "postern_things_total 42\n");
}

BOOST_AUTO_TEST_CASE(a_labelled_counter_renders_every_registered_value_even_at_zero) {
  metrics::Registry r;
  auto& f = r.labelledCounter("postern_results_total", "Results.", "result", {"success", "failure"});
  f.at("failure").inc(3);
  BOOST_TEST(r.render() ==
             "# HELP postern_results_total Results.\n"
             "# TYPE postern_results_total counter\n"
             "postern_results_total{result=\"success\"} 0\n"
             "postern_results_total{result=\"failure\"} 3\n");
}

BOOST_AUTO_TEST_CASE(a_label_value_outside_the_registered_set_is_never_created) {
  metrics::Registry r;
  auto& f = r.labelledCounter("postern_results_total", "Results.", "result", {"success"});
  BOOST_CHECK_THROW(f.at("alice@example.org"), std::out_of_range);
  BOOST_TEST(f.find("alice@example.org") == nullptr);
  BOOST_TEST(r.render().find("alice") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_and_label_values_are_escaped) {
  metrics::Registry r;
  r.labelledCounter("postern_odd_total", "A \\ backslash\nand a new line \"kept\".", "what", {"a\"b\\c\nd"});
  BOOST_TEST(r.render() ==
             "# HELP postern_odd_total A \\\\ backslash\\nand a new line \"kept\".\n"
             "# TYPE postern_odd_total counter\n"
             "postern_odd_total{what=\"a\\\"b\\\\c\\nd\"} 0\n");
}

BOOST_AUTO_TEST_CASE(a_histogram_renders_cumulative_buckets_up_to_inf_then_sum_and_count) {
  metrics::Registry r;
  auto& h = r.histogram("postern_wait_seconds", "Waits.", {0.1, 0.5, 2});
  h.observe(0.05);
  h.observe(0.1);  // on a bound: counted in that bucket ("le" is less than or equal)
  h.observe(0.3);
  h.observe(7);
  BOOST_TEST(r.render() ==
             "# HELP postern_wait_seconds Waits.\n"
             "# TYPE postern_wait_seconds histogram\n"
             "postern_wait_seconds_bucket{le=\"0.1\"} 2\n"
             "postern_wait_seconds_bucket{le=\"0.5\"} 3\n"
             "postern_wait_seconds_bucket{le=\"2\"} 3\n"
             "postern_wait_seconds_bucket{le=\"+Inf\"} 4\n"
             "postern_wait_seconds_sum 7.45\n"
             "postern_wait_seconds_count 4\n");
}

BOOST_AUTO_TEST_CASE(an_empty_histogram_renders_zeros) {
  metrics::Registry r;
  r.histogram("postern_wait_seconds", "Waits.", {1});
  BOOST_TEST(r.render() ==
             "# HELP postern_wait_seconds Waits.\n"
             "# TYPE postern_wait_seconds histogram\n"
             "postern_wait_seconds_bucket{le=\"1\"} 0\n"
             "postern_wait_seconds_bucket{le=\"+Inf\"} 0\n"
             "postern_wait_seconds_sum 0\n"
             "postern_wait_seconds_count 0\n");
}

BOOST_AUTO_TEST_CASE(gauges_are_read_at_scrape_time_and_left_out_when_they_have_no_value) {
  metrics::Registry r;
  double depth = 1;
  r.gauge("postern_depth", "Depth.", [&depth] { return depth; });
  r.gauge("postern_nothing", "Nothing to say.", [] { return std::optional<double>(); });
  r.gauge("postern_broken", "Its source fails.",
          []() -> std::optional<double> { throw std::runtime_error("no file"); });
  r.labelledGauge("postern_expiry_timestamp_seconds", "Expiry.", "listener",
                  {{"smtp", [] { return 1.8e9; }}, {"admin", [] { return std::optional<double>(); }}});
  depth = 5;
  BOOST_TEST(r.render() ==
             "# HELP postern_depth Depth.\n"
             "# TYPE postern_depth gauge\n"
             "postern_depth 5\n"
             "# HELP postern_nothing Nothing to say.\n"
             "# TYPE postern_nothing gauge\n"
             "# HELP postern_broken Its source fails.\n"
             "# TYPE postern_broken gauge\n"
             "# HELP postern_expiry_timestamp_seconds Expiry.\n"
             "# TYPE postern_expiry_timestamp_seconds gauge\n"
             "postern_expiry_timestamp_seconds{listener=\"smtp\"} 1800000000\n");
}

BOOST_AUTO_TEST_CASE(values_are_formatted_as_the_format_expects) {
  BOOST_TEST(metrics::formatValue(0) == "0");
  BOOST_TEST(metrics::formatValue(42) == "42");
  BOOST_TEST(metrics::formatValue(0.005) == "0.005");
  BOOST_TEST(metrics::formatValue(-1.5) == "-1.5");
  BOOST_TEST(metrics::formatValue(std::numeric_limits<double>::infinity()) == "+Inf");
  BOOST_TEST(metrics::formatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  BOOST_TEST(metrics::formatValue(std::nan("")) == "NaN");
}

BOOST_AUTO_TEST_CASE(counters_must_end_in_total) {
  metrics::Registry r;
  BOOST_CHECK_THROW(r.counter("postern_things", "x"), std::logic_error);
  BOOST_CHECK_THROW(r.labelledCounter("postern_things", "x", "a", {"b"}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(invalid_or_duplicate_names_are_refused) {
  metrics::Registry r;
  r.counter("postern_a_total", "x");
  BOOST_CHECK_THROW(r.counter("postern_a_total", "again"), std::logic_error);
  BOOST_CHECK_THROW(r.gauge("9lives", "x", [] { return 1.0; }), std::logic_error);
  BOOST_CHECK_THROW(r.gauge("has-dash", "x", [] { return 1.0; }), std::logic_error);
  BOOST_CHECK_THROW(r.labelledCounter("postern_b_total", "x", "__reserved", {"v"}), std::logic_error);
  BOOST_CHECK_THROW(r.labelledCounter("postern_c_total", "x", "le", {"v"}), std::logic_error);
  BOOST_CHECK_THROW(r.labelledCounter("postern_d_total", "x", "v", {"same", "same"}), std::logic_error);
  BOOST_CHECK_THROW(r.histogram("postern_e_seconds", "x", {1, 1}), std::logic_error);
  BOOST_CHECK_THROW(r.histogram("postern_f_seconds", "x", {2, 1}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(counters_and_histograms_lose_no_update_under_concurrent_writers) {
  metrics::Registry r;
  auto& c = r.counter("postern_c_total", "x");
  auto& h = r.histogram("postern_h_seconds", "x", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(c.value() == 40000u);
  const auto s = h.snapshot();
  BOOST_TEST(s.count == 40000u);
  BOOST_TEST(s.cumulative.front() == 40000u);
  BOOST_TEST(s.sum == 20000.0);
}

BOOST_AUTO_TEST_SUITE_END()
