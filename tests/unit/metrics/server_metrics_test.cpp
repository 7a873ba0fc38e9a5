// metrics::ServerMetrics: Postern's own metric set renders with valid names, every family at zero from the
// start (so rate() and alerts work before the first event), and the build info.
#include <boost/test/unit_test.hpp>

#include "metrics/server_metrics.h"

using namespace postern;

BOOST_AUTO_TEST_SUITE(server_metrics)

BOOST_AUTO_TEST_CASE(every_family_is_exported_at_zero_before_anything_happened) {
  metrics::ServerMetrics m("1.2.3");
  const std::string text = m.registry.render();
  BOOST_TEST(text.find("postern_build_info{version=\"1.2.3\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("postern_smtp_connections_total{listener=\"submissions\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("postern_messages_refused_total{reason=\"sender_not_owned\"} 0\n") !=
             std::string::npos);
  BOOST_TEST(text.find("postern_smtp_auth_total{result=\"failure\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("postern_smarthost_reply_duration_seconds_bucket{le=\"+Inf\"} 0\n") !=
             std::string::npos);
  BOOST_TEST(text.find("postern_admin_logins_total{result=\"success\"} 0\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_event_moves_only_its_own_series) {
  metrics::ServerMetrics m("1");
  m.messagesRefused.at("too_large").inc();
  m.deliveries.at("deferred").inc(2);
  const std::string text = m.registry.render();
  BOOST_TEST(text.find("postern_messages_refused_total{reason=\"too_large\"} 1\n") != std::string::npos);
  BOOST_TEST(text.find("postern_messages_refused_total{reason=\"header_from\"} 0\n") != std::string::npos);
  BOOST_TEST(text.find("postern_deliveries_total{outcome=\"deferred\"} 2\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
