#define BOOST_TEST_MODULE web
#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "web/network_list.h"

using Poco::Net::IPAddress;
using postern::web::NetworkList;

BOOST_AUTO_TEST_SUITE(network_list)

BOOST_AUTO_TEST_CASE(an_address_in_any_network_of_the_list_is_admitted) {
  const auto list = NetworkList::parse("127.0.0.0/8, ::1/128, 192.168.0.0/16, fc00::/7");
  BOOST_TEST(list.contains(IPAddress("127.0.0.1")));
  BOOST_TEST(list.contains(IPAddress("192.168.200.3")));
  BOOST_TEST(list.contains(IPAddress("::1")));
  BOOST_TEST(list.contains(IPAddress("fd12:3456::1")));
  BOOST_TEST(!list.contains(IPAddress("10.0.0.1")));
  BOOST_TEST(!list.contains(IPAddress("2001:db8::1")));
}

BOOST_AUTO_TEST_CASE(an_ipv4_client_of_an_ipv6_listener_matches_the_ipv4_networks) {
  const auto list = NetworkList::parse("10.0.0.0/8");
  BOOST_TEST(list.contains(IPAddress("::ffff:10.1.2.3")));
  BOOST_TEST(!list.contains(IPAddress("::ffff:127.0.0.1")));
}

BOOST_AUTO_TEST_CASE(loopback_is_outside_a_list_without_it) {
  const auto list = NetworkList::parse("10.0.0.0/8");
  BOOST_TEST(!list.contains(IPAddress("127.0.0.1")));
  BOOST_TEST(!list.contains(IPAddress("::1")));
}

BOOST_AUTO_TEST_CASE(a_bad_entry_is_named_in_the_error) {
  try {
    NetworkList::parse("10.0.0.0/8, 192.168.1.0/33, ::1");
    BOOST_FAIL("parsed");
  } catch (const postern::core::InvalidValue& e) {
    BOOST_TEST(std::string(e.what()).find("'192.168.1.0/33'") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_list_prints_in_canonical_form) {
  BOOST_TEST(NetworkList::parse("10.0.0.0/8,2001:db8:0::/32 , 192.0.2.1").str() ==
             "10.0.0.0/8, 2001:db8::/32, 192.0.2.1/32");
}

BOOST_AUTO_TEST_CASE(an_empty_list_admits_nobody) {
  const auto list = NetworkList::parse("");
  BOOST_TEST(!list.contains(IPAddress("127.0.0.1")));
}

BOOST_AUTO_TEST_SUITE_END()
