#include <boost/test/unit_test.hpp>

#include "core/ip_network.h"

using postern::core::IpNetwork;

namespace {

IpNetwork network(const char* text) {
  const auto parsed = IpNetwork::parse(text);
  BOOST_TEST_REQUIRE(parsed.has_value(), text);
  return *parsed;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ip_network)

BOOST_AUTO_TEST_CASE(an_ipv4_network_holds_the_addresses_under_its_prefix) {
  const auto net = network("10.0.0.0/8");
  BOOST_TEST(net.contains("10.0.0.1"));
  BOOST_TEST(net.contains("10.255.255.255"));
  BOOST_TEST(!net.contains("11.0.0.1"));
  BOOST_TEST(!net.contains("9.255.255.255"));
  const auto odd = network("172.16.0.0/12");
  BOOST_TEST(odd.contains("172.31.1.1"));
  BOOST_TEST(!odd.contains("172.32.0.1"));
}

BOOST_AUTO_TEST_CASE(an_ipv6_network_holds_the_addresses_under_its_prefix) {
  const auto net = network("fe80::/10");
  BOOST_TEST(net.contains("fe80::1"));
  BOOST_TEST(net.contains("febf:ffff::1"));
  BOOST_TEST(!net.contains("fec0::1"));
  BOOST_TEST(network("::1/128").contains("::1"));
  BOOST_TEST(!network("::1/128").contains("::2"));
}

BOOST_AUTO_TEST_CASE(ipv4_mapped_ipv6_addresses_match_ipv4_networks) {
  BOOST_TEST(network("127.0.0.0/8").contains("::ffff:127.0.0.1"));
  BOOST_TEST(!network("127.0.0.0/8").contains("::ffff:128.0.0.1"));
  const std::uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 2};
  BOOST_TEST(network("192.168.0.0/16").contains(mapped, sizeof mapped));
}

BOOST_AUTO_TEST_CASE(an_ipv4_mapped_network_is_the_ipv4_network_it_carries) {
  const auto net = network("::ffff:10.0.0.0/104");
  BOOST_TEST(net.ipv4());
  BOOST_TEST(net.str() == "10.0.0.0/8");
  BOOST_TEST(net.contains("10.1.2.3"));
}

BOOST_AUTO_TEST_CASE(families_never_match_each_other) {
  BOOST_TEST(!network("0.0.0.0/0").contains("::1"));
  BOOST_TEST(!network("::/0").contains("127.0.0.1"));
  BOOST_TEST(network("0.0.0.0/0").contains("203.0.113.9"));
  BOOST_TEST(network("::/0").contains("2001:db8::1"));
}

BOOST_AUTO_TEST_CASE(a_bare_address_is_a_single_host_network) {
  BOOST_TEST(network("192.0.2.7").str() == "192.0.2.7/32");
  BOOST_TEST(network("2001:db8::7").str() == "2001:db8::7/128");
  BOOST_TEST(!network("192.0.2.7").contains("192.0.2.8"));
}

BOOST_AUTO_TEST_CASE(malformed_networks_are_refused) {
  for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/8/8",
                          "10.0.0.0/+8", "10.0.0.0/-1", "10.0.0.0/ 8", " 10.0.0.0/8", "host.example/8",
                          "fe80::1%eth0/64", "[::1]/128", "10.0.0.0/0008"})
    BOOST_TEST(!IpNetwork::parse(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(a_network_with_host_bits_set_is_refused) {
  BOOST_TEST(!IpNetwork::parse("10.1.2.3/8").has_value());
  BOOST_TEST(!IpNetwork::parse("fe80::1/10").has_value());
  BOOST_TEST(IpNetwork::parse("10.1.2.3/32").has_value());
}

BOOST_AUTO_TEST_CASE(the_canonical_text_parses_back_to_the_same_network) {
  for (const char* text : {"127.0.0.0/8", "fc00::/7", "169.254.0.0/16", "2001:db8:0:0:0:0:0:0/32"}) {
    const auto net = network(text);
    BOOST_TEST((IpNetwork::parse(net.str()) == net), text);
  }
  BOOST_TEST(network("2001:db8:0:0:0:0:0:0/32").str() == "2001:db8::/32");
}

BOOST_AUTO_TEST_CASE(text_that_is_no_address_matches_nothing) {
  BOOST_TEST(!network("0.0.0.0/0").contains("unknown"));
  BOOST_TEST(!network("0.0.0.0/0").contains(""));
}

BOOST_AUTO_TEST_SUITE_END()
