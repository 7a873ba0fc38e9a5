#define BOOST_TEST_MODULE dns
#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "dns/ares_resolver.h"

using namespace postern;
using dns::parseServerList;

BOOST_AUTO_TEST_CASE(a_server_without_a_port_uses_port_53) {
  const auto servers = parseServerList("192.0.2.1");
  BOOST_REQUIRE_EQUAL(servers.size(), 1u);
  BOOST_TEST(servers[0].host == "192.0.2.1");
  BOOST_TEST(servers[0].port == 53);
}

BOOST_AUTO_TEST_CASE(a_list_keeps_its_order_and_ports) {
  const auto servers = parseServerList("127.0.0.1:5353, [2001:db8::1]:54,2001:db8::2");
  BOOST_REQUIRE_EQUAL(servers.size(), 3u);
  BOOST_TEST(servers[0].str() == "127.0.0.1:5353");
  BOOST_TEST(servers[1].str() == "[2001:db8::1]:54");
  BOOST_TEST(servers[2].str() == "[2001:db8::2]:53");
}

BOOST_AUTO_TEST_CASE(a_resolver_named_by_host_name_is_refused_with_the_setting_named) {
  try {
    parseServerList("dns.example.net");
    BOOST_FAIL("accepted a host name");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "dns.resolvers");
  }
}

BOOST_AUTO_TEST_CASE(a_port_out_of_range_is_refused) {
  BOOST_CHECK_THROW(parseServerList("127.0.0.1:65536"), core::InvalidValue);
  BOOST_CHECK_THROW(parseServerList("127.0.0.1:0"), core::InvalidValue);
  BOOST_CHECK_THROW(parseServerList("127.0.0.1:x"), core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(an_empty_list_is_refused) {
  BOOST_CHECK_THROW(parseServerList(" , "), core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(a_record_reads_as_its_strings_joined_without_separators) {
  dns::TxtRecord record{{"v=spf1 ", "include:a.example -all"}};
  BOOST_TEST(record.text() == "v=spf1 include:a.example -all");
}

BOOST_AUTO_TEST_CASE(a_resolver_refuses_a_timeout_of_zero) {
  dns::ResolverSettings settings;
  settings.timeout = std::chrono::milliseconds(0);
  BOOST_CHECK_THROW(dns::AresResolver{settings}, core::InvalidValue);
}
