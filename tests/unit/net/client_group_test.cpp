#define BOOST_TEST_MODULE net
#include <boost/test/unit_test.hpp>

#include "net/smtp_server.h"

using postern::net::clientGroup;

BOOST_AUTO_TEST_CASE(ipv4_addresses_count_alone) {
  BOOST_TEST(clientGroup("192.0.2.7") == "192.0.2.7");
  BOOST_TEST(clientGroup("192.0.2.8") != clientGroup("192.0.2.7"));
}

BOOST_AUTO_TEST_CASE(ipv6_addresses_count_by_their_64_prefix) {
  BOOST_TEST(clientGroup("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  BOOST_TEST(clientGroup("2001:db8:1:2:ffff:1:2:3") == clientGroup("2001:db8:1:2::9"));
  BOOST_TEST(clientGroup("2001:db8:1:3::1") != clientGroup("2001:db8:1:2::1"));
  BOOST_TEST(clientGroup("::1") == "::/64");
}

BOOST_AUTO_TEST_CASE(ipv4_mapped_addresses_count_as_ipv4) {
  BOOST_TEST(clientGroup("::ffff:192.0.2.7") == "192.0.2.7");
  BOOST_TEST(clientGroup("::ffff:192.0.2.8") != clientGroup("::ffff:192.0.2.7"));
}

BOOST_AUTO_TEST_CASE(text_that_is_no_address_is_its_own_group) {
  BOOST_TEST(clientGroup("unknown") == "unknown");
}
