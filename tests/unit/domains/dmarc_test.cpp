#include <boost/test/unit_test.hpp>

#include "core/error.h"
#include "domains/dmarc_check.h"
#include "domains/dmarc_record.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using domains::DmarcAlignment;
using domains::DmarcPolicy;
using domains::DmarcSettings;
using domains::Finding;
using domains::Status;

namespace {

DmarcSettings wanted() {
  DmarcSettings s;
  s.policy = DmarcPolicy::Reject;
  s.aggregateReports = {"mailto:dmarc@example.org"};
  return s;
}

const std::vector<std::string> kSigners = {"example.org"};

domains::Verdict check(test::FakeResolver& dns, const std::vector<std::string>& signers = kSigners) {
  return domains::checkDmarc("example.org", wanted(), signers, dns);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dmarc)

BOOST_AUTO_TEST_CASE(the_record_has_every_chosen_tag_and_leaves_defaults_out) {
  DmarcSettings s;
  s.policy = DmarcPolicy::Quarantine;
  s.subdomainPolicy = DmarcPolicy::Reject;
  s.percent = 50;
  s.aggregateReports = {"mailto:a@example.org", "mailto:b@example.net"};
  s.failureReports = {"mailto:f@example.org"};
  s.dkimAlignment = DmarcAlignment::Strict;
  s.spfAlignment = DmarcAlignment::Strict;
  const auto record = domains::buildDmarcRecord("Example.org", s);
  BOOST_TEST(record.name == "_dmarc.example.org");
  BOOST_TEST(record.value ==
             "v=DMARC1; p=quarantine; sp=reject; pct=50; rua=mailto:a@example.org,mailto:b@example.net; "
             "ruf=mailto:f@example.org; adkim=s; aspf=s");
  BOOST_TEST(domains::buildDmarcRecord("example.org", wanted()).value ==
             "v=DMARC1; p=reject; rua=mailto:dmarc@example.org");
}

BOOST_AUTO_TEST_CASE(a_percentage_out_of_range_or_a_report_address_that_is_no_mailto_is_refused) {
  DmarcSettings s = wanted();
  s.percent = 101;
  BOOST_CHECK_THROW(domains::buildDmarcRecord("example.org", s), core::InvalidValue);
  s = wanted();
  s.aggregateReports = {"dmarc@example.org"};
  try {
    domains::buildDmarcRecord("example.org", s);
    BOOST_FAIL("accepted a report address without mailto:");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "rua");
  }
}

BOOST_AUTO_TEST_CASE(a_published_record_parses_back_to_its_settings) {
  const auto parsed = domains::parseDmarcRecord(
      "v=DMARC1;pct=20 ; P=Quarantine; rua=mailto:a@example.org!10m, mailto:b@example.net; adkim=s; fo=1");
  BOOST_REQUIRE(parsed.settings);
  BOOST_TEST((parsed.settings->policy == DmarcPolicy::Quarantine));
  BOOST_TEST(parsed.settings->percent == 20);
  BOOST_TEST(parsed.settings->aggregateReports.size() == 2u);
  BOOST_TEST((parsed.settings->dkimAlignment == DmarcAlignment::Strict));
  BOOST_TEST(domains::reportDomain(parsed.settings->aggregateReports[0]) == "example.org");
}

BOOST_AUTO_TEST_CASE(a_record_must_start_with_its_version) {
  BOOST_TEST(!domains::parseDmarcRecord("p=reject; v=DMARC1").settings);
  BOOST_TEST(!domains::parseDmarcRecord("v=DMARC1; p=block").settings);
  BOOST_TEST(!domains::parseDmarcRecord("v=DMARC1; pct=200; p=none").settings);
}

BOOST_AUTO_TEST_CASE(a_record_without_a_policy_but_with_reports_reads_as_none) {
  const auto parsed = domains::parseDmarcRecord("v=DMARC1; rua=mailto:a@example.org");
  BOOST_REQUIRE(parsed.settings);
  BOOST_TEST((parsed.settings->policy == DmarcPolicy::None));
}

BOOST_AUTO_TEST_CASE(the_chosen_policy_published_matches_without_warnings) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:dmarc@example.org");
  const auto v = check(dns);
  BOOST_TEST((v.status == Status::Matches));
  BOOST_TEST(v.warnings.empty());
}

BOOST_AUTO_TEST_CASE(another_policy_differs_and_says_how) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org");
  const auto v = check(dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.difference == "published p=quarantine, wanted p=reject");
}

BOOST_AUTO_TEST_CASE(no_dmarc_record_is_missing) {
  test::FakeResolver dns;
  dns.publish("example.org", "v=spf1 -all");
  BOOST_TEST((check(dns).status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(a_subdomain_without_a_record_is_missing_but_says_which_parent_policy_applies) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.org");
  const auto v = domains::checkDmarc("mail.office.example.org", wanted(), kSigners, dns);
  BOOST_TEST((v.status == Status::Missing));
  BOOST_TEST(v.difference ==
             "no record at _dmarc.mail.office.example.org; the record of example.org applies "
             "(p=quarantine, from its sp=)");
  BOOST_TEST(v.warnings.empty());
  // The walk: the name itself, then each parent up to the first record; never the top-level domain.
  BOOST_TEST(dns.asked == (std::vector<std::string>{"_dmarc.mail.office.example.org",
                                                    "_dmarc.office.example.org", "_dmarc.example.org"}));
}

BOOST_AUTO_TEST_CASE(a_parent_policy_of_none_is_warned_about_for_the_subdomain) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=none; rua=mailto:dmarc@example.org");
  const auto v = domains::checkDmarc("sub.example.org", wanted(), kSigners, dns);
  BOOST_TEST((v.status == Status::Missing));
  BOOST_TEST(v.has(Finding::DmarcPolicyNone));
}

BOOST_AUTO_TEST_CASE(a_domain_with_no_record_anywhere_up_the_tree_is_plainly_missing) {
  test::FakeResolver dns;
  const auto v = domains::checkDmarc("sub.example.org", wanted(), kSigners, dns);
  BOOST_TEST((v.status == Status::Missing));
  BOOST_TEST(v.difference.empty());
  BOOST_TEST(dns.asked == (std::vector<std::string>{"_dmarc.sub.example.org", "_dmarc.example.org"}));
}

BOOST_AUTO_TEST_CASE(two_dmarc_records_apply_no_policy) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:dmarc@example.org");
  dns.publish("_dmarc.example.org", "v=DMARC1; p=none");
  BOOST_TEST(check(dns).has(Finding::DmarcSeveralRecords));
}

BOOST_AUTO_TEST_CASE(an_unreadable_record_differs) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=sometimes");
  const auto v = check(dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.has(Finding::DmarcMalformed));
}

BOOST_AUTO_TEST_CASE(policy_none_is_warned_about) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=none; rua=mailto:dmarc@example.org");
  BOOST_TEST(check(dns).has(Finding::DmarcPolicyNone));
}

BOOST_AUTO_TEST_CASE(pct_zero_applies_the_policy_to_no_mail) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; pct=0; rua=mailto:dmarc@example.org");
  const auto v = check(dns);
  BOOST_TEST(v.has(Finding::DmarcPercentZero));
  BOOST_TEST(!v.has(Finding::DmarcPercentBelow100));
}

BOOST_AUTO_TEST_CASE(pct_below_100_is_warned_about) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; pct=25; rua=mailto:dmarc@example.org");
  BOOST_TEST(check(dns).has(Finding::DmarcPercentBelow100));
}

BOOST_AUTO_TEST_CASE(no_rua_means_nobody_sees_the_reports) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject");
  BOOST_TEST(check(dns).has(Finding::DmarcNoReports));
}

BOOST_AUTO_TEST_CASE(rua_at_another_domain_without_its_authorisation_is_warned_about) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:d@reports.example.net");
  const auto v = check(dns);
  BOOST_TEST(v.has(Finding::DmarcReportsNotAuthorised));
  BOOST_TEST(dns.asked.back() == "example.org._report._dmarc.reports.example.net");
}

BOOST_AUTO_TEST_CASE(rua_at_another_domain_that_authorised_it_is_fine) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:d@reports.example.net");
  dns.publish("example.org._report._dmarc.reports.example.net", "v=DMARC1");
  const auto v = check(dns);
  BOOST_TEST(!v.has(Finding::DmarcReportsNotAuthorised));
  BOOST_TEST(!v.has(Finding::DmarcReportsAuthorisationUnknown));
}

BOOST_AUTO_TEST_CASE(rua_at_a_subdomain_needs_no_authorisation) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:d@reports.example.org");
  BOOST_TEST(!check(dns).has(Finding::DmarcReportsNotAuthorised));
  BOOST_TEST(dns.asked.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_authorisation_that_cannot_be_looked_up_is_unknown_not_missing) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; rua=mailto:d@reports.example.net");
  dns.fail("example.org._report._dmarc.reports.example.net", dns::FailureKind::Timeout);
  const auto v = check(dns);
  BOOST_TEST(v.has(Finding::DmarcReportsAuthorisationUnknown));
  BOOST_TEST(!v.has(Finding::DmarcReportsNotAuthorised));
}

BOOST_AUTO_TEST_CASE(strict_dkim_alignment_fails_when_no_key_signs_as_the_domain_itself) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.org");
  BOOST_TEST(check(dns, {"mail.example.org"}).has(Finding::DmarcStrictDkimAlignmentFails));
  BOOST_TEST(check(dns, {}).has(Finding::DmarcStrictDkimAlignmentFails));
}

BOOST_AUTO_TEST_CASE(strict_dkim_alignment_holds_when_a_key_signs_as_the_domain) {
  test::FakeResolver dns;
  dns.publish("_dmarc.example.org", "v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.org");
  BOOST_TEST(!check(dns, {"other.example", "Example.ORG"}).has(Finding::DmarcStrictDkimAlignmentFails));
}

BOOST_AUTO_TEST_CASE(a_resolver_that_times_out_gives_lookup_failed) {
  test::FakeResolver dns;
  dns.failEverything(dns::FailureKind::Timeout);
  BOOST_TEST((check(dns).status == Status::LookupFailed));
}

BOOST_AUTO_TEST_SUITE_END()
