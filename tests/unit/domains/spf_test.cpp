#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "domains/spf_check.h"
#include "domains/spf_record.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using domains::Finding;
using domains::SpfAll;
using domains::SpfContribution;
using domains::Status;

namespace {

const std::vector<SpfContribution> kRoutes = {{"m365", "include:spf.protection.outlook.com"},
                                              {"office", "ip4:192.0.2.10"}};

domains::DnsRecord expected() { return domains::buildSpfRecord("example.org", kRoutes, {}, SpfAll::Fail); }

test::FakeResolver withProviders() {
  test::FakeResolver dns;
  dns.publish("spf.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 -all");
  dns.publish("_spf.google.com", "v=spf1 ip4:35.190.247.0/24 ~all");
  return dns;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spf)

BOOST_AUTO_TEST_CASE(the_record_lists_each_route_contribution_once_then_the_extras_then_the_ending) {
  const auto record = domains::buildSpfRecord(
      "Example.org.", {kRoutes[0], kRoutes[1], {"backup", "include:spf.protection.outlook.com"}}, {"mx"},
      SpfAll::SoftFail);
  BOOST_TEST(record.name == "example.org");
  BOOST_TEST(record.value == "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.10 mx ~all");
}

BOOST_AUTO_TEST_CASE(provider_presets_name_their_published_includes) {
  BOOST_TEST(*domains::providerSpfMechanism("microsoft365") == "include:spf.protection.outlook.com");
  BOOST_TEST(*domains::providerSpfMechanism("google") == "include:_spf.google.com");
  BOOST_TEST(!domains::providerSpfMechanism("other"));
}

BOOST_AUTO_TEST_CASE(an_extra_that_would_weaken_or_break_the_record_is_refused) {
  for (const std::string bad : {"+all", "all", "ptr", "redirect=_spf.example.org", "-include:x.example",
                                "ip4:300.1.1.1", "ip6:192.0.2.1", "include:", "include:a b", "nonsense"})
    BOOST_CHECK_THROW(domains::buildSpfRecord("example.org", {}, {bad}, SpfAll::Fail), core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(a_published_record_equal_to_the_expected_one_matches) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1  INCLUDE:spf.protection.outlook.com +ip4:192.0.2.10 -all");
  const auto r = domains::checkSpf("example.org", expected(), kRoutes, dns);
  BOOST_TEST((r.verdict.status == Status::Matches));
  BOOST_TEST(r.verdict.warnings.empty());
  BOOST_TEST(r.lookups == 1);
}

BOOST_AUTO_TEST_CASE(a_different_record_differs_and_shows_what_is_lacking_and_extra) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 include:spf.protection.outlook.com ip4:198.51.100.7 -all");
  const auto r = domains::checkSpf("example.org", expected(), kRoutes, dns);
  BOOST_TEST((r.verdict.status == Status::Differs));
  BOOST_TEST(r.verdict.difference == "the published record lacks ip4:192.0.2.10; also has ip4:198.51.100.7");
}

BOOST_AUTO_TEST_CASE(no_spf_record_among_the_txt_records_is_missing) {
  test::FakeResolver dns;
  dns.publish("example.org", "google-site-verification=abc");
  BOOST_TEST((domains::checkSpf("example.org", expected(), kRoutes, dns).verdict.status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(two_spf_records_are_a_permanent_error) {
  auto dns = withProviders();
  dns.publish("example.org", expected().value);
  dns.publish("example.org", "v=spf1 include:_spf.google.com ~all");
  const auto r = domains::checkSpf("example.org", expected(), kRoutes, dns);
  BOOST_TEST((r.verdict.status == Status::Differs));
  BOOST_TEST(r.verdict.has(Finding::SpfSeveralRecords));
}

BOOST_AUTO_TEST_CASE(plus_all_and_question_all_let_anyone_send) {
  for (const std::string ending : {"+all", "?all", "all"}) {
    auto dns = withProviders();
    dns.publish("example.org", "v=spf1 include:spf.protection.outlook.com " + ending);
    BOOST_TEST(domains::checkSpf("example.org", expected(), {}, dns).verdict.has(Finding::SpfAllowsEveryone));
  }
}

BOOST_AUTO_TEST_CASE(soft_fail_does_not_let_anyone_send) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 include:spf.protection.outlook.com ~all");
  BOOST_TEST(!domains::checkSpf("example.org", expected(), {}, dns).verdict.has(Finding::SpfAllowsEveryone));
}

BOOST_AUTO_TEST_CASE(ptr_is_warned_about_and_counted) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 ptr -all");
  const auto r = domains::checkSpf("example.org", expected(), {}, dns);
  BOOST_TEST(r.verdict.has(Finding::SpfUsesPtr));
  BOOST_TEST(r.lookups == 1);
}

BOOST_AUTO_TEST_CASE(a_route_provider_absent_from_the_published_record_is_named) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 include:_spf.google.com ip4:192.0.2.10 -all");
  const auto r = domains::checkSpf("example.org", expected(), kRoutes, dns);
  BOOST_REQUIRE(r.verdict.has(Finding::SpfProviderMissing));
  BOOST_TEST(r.verdict.warnings.front().advice.find("'m365'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_route_provider_included_through_another_include_is_present) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 include:_spf.example.org -all");
  dns.publish("_spf.example.org", "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.10 -all");
  BOOST_TEST(
      !domains::checkSpf("example.org", expected(), kRoutes, dns).verdict.has(Finding::SpfProviderMissing));
}

BOOST_AUTO_TEST_CASE(an_include_of_a_domain_without_spf_is_broken) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 include:nothing.example -all");
  const auto r = domains::checkSpf("example.org", expected(), {}, dns);
  BOOST_TEST(r.verdict.has(Finding::SpfBrokenInclude));
  BOOST_TEST(r.voidLookups == 1);
}

BOOST_AUTO_TEST_CASE(a_resolver_that_times_out_gives_lookup_failed) {
  test::FakeResolver dns;
  dns.failEverything(dns::FailureKind::Timeout);
  const auto r = domains::checkSpf("example.org", expected(), kRoutes, dns);
  BOOST_TEST((r.verdict.status == Status::LookupFailed));
}

BOOST_AUTO_TEST_CASE(an_include_that_cannot_be_looked_up_says_the_count_is_incomplete) {
  auto dns = withProviders();
  dns.publish("example.org", "v=spf1 include:slow.example -all");
  dns.fail("slow.example", dns::FailureKind::ServerFailure);
  BOOST_TEST(domains::checkSpf("example.org", expected(), {}, dns).verdict.has(Finding::SpfLookupFailed));
}

BOOST_AUTO_TEST_SUITE_END()
