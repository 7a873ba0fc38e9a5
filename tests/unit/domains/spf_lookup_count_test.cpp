// RFC 7208 §4.6.4: the DNS-querying terms counted through includes and redirects, the void-lookup limit,
// and the loop guard.
#include <boost/test/unit_test.hpp>

#include "domains/spf_check.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using domains::Finding;

namespace {

const domains::DnsRecord kExpected{"example.org", "v=spf1 -all"};

// example.org includes l1.example, which includes l2.example ... up to l<links>.example, which ends.
test::FakeResolver chainOf(int links) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 include:l1.example -all");
  for (int i = 1; i < links; ++i)
    dns.publish("l" + std::to_string(i) + ".example",
                "v=spf1 include:l" + std::to_string(i + 1) + ".example -all");
  dns.publish("l" + std::to_string(links) + ".example", "v=spf1 ip4:192.0.2.1 -all");
  return dns;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spf_lookup_count)

BOOST_AUTO_TEST_CASE(a_chain_of_ten_lookups_is_within_the_limit) {
  auto dns = chainOf(10);
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 10);
  BOOST_TEST(!r.verdict.has(Finding::SpfTooManyLookups));
}

BOOST_AUTO_TEST_CASE(a_chain_of_eleven_lookups_exceeds_the_limit) {
  auto dns = chainOf(11);
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 11);
  BOOST_TEST(r.verdict.has(Finding::SpfTooManyLookups));
}

BOOST_AUTO_TEST_CASE(a_long_chain_is_not_followed_far_past_the_limit) {
  auto dns = chainOf(40);
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.verdict.has(Finding::SpfTooManyLookups));
  BOOST_TEST(dns.asked.size() <= 12u);
}

BOOST_AUTO_TEST_CASE(a_and_mx_and_exists_count_as_lookups_in_every_included_record) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 a mx include:a.example -all");
  dns.publish("a.example", "v=spf1 a:host.a.example mx:a.example exists:%{i}._spf.a.example -all");
  dns.publishAddress("example.org", "192.0.2.1");
  dns.publishAddress("host.a.example", "192.0.2.2");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 6);
}

BOOST_AUTO_TEST_CASE(an_mx_with_more_than_ten_hosts_makes_spf_fail) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 mx mx:few.example -all");
  for (int i = 1; i <= 11; ++i) dns.publishMx("example.org", "mx" + std::to_string(i) + ".example.org");
  for (int i = 1; i <= 10; ++i) dns.publishMx("few.example", "mx" + std::to_string(i) + ".few.example");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 2);
  BOOST_TEST_REQUIRE(r.verdict.has(Finding::SpfTooManyMxHosts));
  BOOST_TEST(r.verdict.warnings.size() == 1u);
  BOOST_TEST(r.verdict.warnings[0].advice.find("mx of example.org names 11") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_mx_with_ten_hosts_is_within_the_limit) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 mx -all");
  for (int i = 1; i <= 10; ++i) dns.publishMx("example.org", "mx" + std::to_string(i) + ".example.org");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(!r.verdict.has(Finding::SpfTooManyMxHosts));
  BOOST_TEST(r.voidLookups == 0);
}

BOOST_AUTO_TEST_CASE(a_redirect_is_counted_and_followed) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 redirect=_spf.example.net");
  dns.publish("_spf.example.net", "v=spf1 include:x.example ?all");
  dns.publish("x.example", "v=spf1 ip4:192.0.2.1 -all");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 2);
  // The redirect target's ending is the domain's own ending.
  BOOST_TEST(r.verdict.has(Finding::SpfAllowsEveryone));
}

BOOST_AUTO_TEST_CASE(a_redirect_beside_all_is_ignored) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 -all redirect=_spf.example.net");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 0);
}

BOOST_AUTO_TEST_CASE(a_loop_of_includes_is_reported_and_stops_the_walk) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 include:a.example -all");
  dns.publish("a.example", "v=spf1 include:b.example -all");
  dns.publish("b.example", "v=spf1 include:A.example. -all");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.verdict.has(Finding::SpfIncludeLoop));
  BOOST_TEST(r.lookups == 3);
  BOOST_TEST(dns.asked.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_record_including_itself_is_a_loop) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 include:example.org -all");
  BOOST_TEST(domains::checkSpf("example.org", kExpected, {}, dns).verdict.has(Finding::SpfIncludeLoop));
}

BOOST_AUTO_TEST_CASE(the_same_include_reached_twice_is_counted_twice_but_is_no_loop) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 include:a.example include:b.example -all");
  dns.publish("a.example", "v=spf1 include:c.example -all");
  dns.publish("b.example", "v=spf1 include:c.example -all");
  dns.publish("c.example", "v=spf1 ip4:192.0.2.1 -all");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.lookups == 4);
  BOOST_TEST(!r.verdict.has(Finding::SpfIncludeLoop));
}

BOOST_AUTO_TEST_CASE(two_void_lookups_are_allowed) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 a:gone1.example mx:gone2.example -all");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.voidLookups == 2);
  BOOST_TEST(!r.verdict.has(Finding::SpfTooManyVoidLookups));
}

BOOST_AUTO_TEST_CASE(a_third_void_lookup_exceeds_the_limit) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 a:gone1.example mx:gone2.example include:gone3.example -all");
  const auto r = domains::checkSpf("example.org", kExpected, {}, dns);
  BOOST_TEST(r.voidLookups == 3);
  BOOST_TEST(r.verdict.has(Finding::SpfTooManyVoidLookups));
}

BOOST_AUTO_TEST_SUITE_END()
