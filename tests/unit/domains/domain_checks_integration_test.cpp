// The record checks through the c-ares resolver against Debian's dnsmasq on loopback, serving the issue's
// scenarios: matching, differing and missing records, a DKIM record split into several strings, two SPF
// records, an SPF chain of eleven lookups, a loop of includes, DMARC p=none and pct=0, a foreign rua with
// and without its authorisation, and a server that never answers. Registered as
// integration.domain_checks (it starts a process).
#define BOOST_TEST_MODULE domain_checks
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "dkim/keys.h"
#include "dns/ares_resolver.h"
#include "domains/dkim_record.h"
#include "domains/dmarc_check.h"
#include "domains/mta_sts.h"
#include "domains/spf_check.h"
#include "unit/dns/dnsmasq_server.h"

using namespace postern;
using domains::Finding;
using domains::Status;

namespace {

std::string publicKey() {
  const auto key = dkim::generateRsaKey(2048);
  return dkim::dnsPublicKey(key.get());
}

const std::string kKey = publicKey();
const std::string kOtherKey = publicKey();

domains::DkimPublicKey key(const std::string& domain) {
  return {domain, "s1", dkim::KeyAlgorithm::Rsa, kKey};
}

domains::MtaStsPolicy policy() {
  domains::MtaStsPolicy p;
  p.mode = domains::StsMode::Enforce;
  p.mx = {"mail.match.test"};
  return p;
}

std::vector<std::pair<std::string, std::string>> zone() {
  std::vector<std::pair<std::string, std::string>> r = {
      {"s1._domainkey.match.test", domains::dkimRecord(key("match.test")).value},
      {"s1._domainkey.differ.test", dkim::dnsRecordValue(dkim::KeyAlgorithm::Rsa, kOtherKey)},
      {"match.test", "v=spf1 include:spf.provider.test -all"},
      {"spf.provider.test", "v=spf1 ip4:192.0.2.0/24 -all"},
      {"differ.test", "v=spf1 ip4:198.51.100.1 -all"},
      {"two.test", "v=spf1 include:spf.provider.test -all"},
      {"two.test", "v=spf1 ip4:192.0.2.1 -all"},
      {"loop.test", "v=spf1 include:loopa.test -all"},
      {"loopa.test", "v=spf1 include:loop.test -all"},
      {"chain.test", "v=spf1 include:l1.chain.test -all"},
      {"l11.chain.test", "v=spf1 ip4:192.0.2.1 -all"},
      {"_dmarc.match.test", "v=DMARC1; p=reject; rua=mailto:dmarc@match.test"},
      {"_dmarc.none.test", "v=DMARC1; p=none; rua=mailto:dmarc@none.test"},
      {"_dmarc.zero.test", "v=DMARC1; p=reject; pct=0; rua=mailto:dmarc@zero.test"},
      {"_dmarc.foreign.test", "v=DMARC1; p=reject; rua=mailto:d@reports.test"},
      {"_dmarc.authorised.test", "v=DMARC1; p=reject; rua=mailto:d@reports.test"},
      {"authorised.test._report._dmarc.reports.test", "v=DMARC1"},
      {"_mta-sts.match.test", domains::mtaStsRecord("match.test", policy()).value},
  };
  for (int i = 1; i < 11; ++i)
    r.emplace_back("l" + std::to_string(i) + ".chain.test",
                   "v=spf1 include:l" + std::to_string(i + 1) + ".chain.test -all");
  return r;
}

test::Dnsmasq* server = nullptr;

struct GlobalServer {
  GlobalServer() { server = new test::Dnsmasq(zone()); }
  ~GlobalServer() { delete server; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalServer);

dns::AresResolver resolverAt(const std::string& address) {
  dns::ResolverSettings settings;
  settings.servers = dns::parseServerList(address);
  settings.timeout = std::chrono::milliseconds(300);
  settings.tries = 1;
  return dns::AresResolver(settings);
}

dns::AresResolver resolver() { return resolverAt(server->address()); }

domains::SpfVerdict spf(const std::string& domain) {
  auto r = resolver();
  const auto expected =
      domains::buildSpfRecord(domain, {{"provider", "include:spf.provider.test"}}, {}, domains::SpfAll::Fail);
  return domains::checkSpf(domain, expected, {{"provider", "include:spf.provider.test"}}, r);
}

domains::Verdict dmarc(const std::string& domain) {
  auto r = resolver();
  domains::DmarcSettings wanted;
  wanted.policy = domains::DmarcPolicy::Reject;
  wanted.aggregateReports = {"mailto:dmarc@" + domain};
  return domains::checkDmarc(domain, wanted, {domain}, r);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_dkim_record_served_in_two_strings_matches) {
  auto r = resolver();
  BOOST_TEST((domains::checkDkim(key("match.test"), r).status == Status::Matches));
}

BOOST_AUTO_TEST_CASE(a_dkim_record_with_another_key_differs) {
  auto r = resolver();
  BOOST_TEST((domains::checkDkim(key("differ.test"), r).status == Status::Differs));
}

BOOST_AUTO_TEST_CASE(a_dkim_record_not_published_is_missing) {
  auto r = resolver();
  BOOST_TEST((domains::checkDkim(key("missing.test"), r).status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(the_expected_spf_record_matches) {
  const auto v = spf("match.test");
  BOOST_TEST((v.verdict.status == Status::Matches));
  BOOST_TEST(v.lookups == 1);
}

BOOST_AUTO_TEST_CASE(another_spf_record_differs_and_lacks_the_provider) {
  const auto v = spf("differ.test");
  BOOST_TEST((v.verdict.status == Status::Differs));
  BOOST_TEST(v.verdict.has(Finding::SpfProviderMissing));
}

BOOST_AUTO_TEST_CASE(no_spf_record_is_missing) {
  BOOST_TEST((spf("missing.test").verdict.status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(two_spf_records_are_found_out) {
  BOOST_TEST(spf("two.test").verdict.has(Finding::SpfSeveralRecords));
}

BOOST_AUTO_TEST_CASE(an_spf_chain_of_eleven_lookups_exceeds_the_limit) {
  const auto v = spf("chain.test");
  BOOST_TEST(v.lookups == 11);
  BOOST_TEST(v.verdict.has(Finding::SpfTooManyLookups));
}

BOOST_AUTO_TEST_CASE(a_loop_of_spf_includes_is_found_out) {
  BOOST_TEST(spf("loop.test").verdict.has(Finding::SpfIncludeLoop));
}

BOOST_AUTO_TEST_CASE(the_chosen_dmarc_policy_matches) {
  const auto v = dmarc("match.test");
  BOOST_TEST((v.status == Status::Matches));
  BOOST_TEST(v.warnings.empty());
}

BOOST_AUTO_TEST_CASE(dmarc_p_none_is_warned_about) {
  BOOST_TEST(dmarc("none.test").has(Finding::DmarcPolicyNone));
}

BOOST_AUTO_TEST_CASE(dmarc_pct_zero_is_warned_about) {
  BOOST_TEST(dmarc("zero.test").has(Finding::DmarcPercentZero));
}

BOOST_AUTO_TEST_CASE(a_foreign_rua_without_authorisation_is_warned_about) {
  BOOST_TEST(dmarc("foreign.test").has(Finding::DmarcReportsNotAuthorised));
}

BOOST_AUTO_TEST_CASE(a_foreign_rua_with_authorisation_is_fine) {
  const auto v = dmarc("authorised.test");
  BOOST_TEST(!v.has(Finding::DmarcReportsNotAuthorised));
  BOOST_TEST(!v.has(Finding::DmarcReportsAuthorisationUnknown));
}

BOOST_AUTO_TEST_CASE(the_current_mta_sts_id_matches) {
  auto r = resolver();
  BOOST_TEST((domains::checkMtaSts("match.test", policy(), r).status == Status::Matches));
}

BOOST_AUTO_TEST_CASE(every_check_against_a_server_that_never_answers_is_a_failed_lookup) {
  test::SilentDnsServer silent;
  auto r = resolverAt(silent.address());
  BOOST_TEST((domains::checkDkim(key("match.test"), r).status == Status::LookupFailed));
  const auto expected = domains::buildSpfRecord("match.test", {}, {}, domains::SpfAll::Fail);
  BOOST_TEST((domains::checkSpf("match.test", expected, {}, r).verdict.status == Status::LookupFailed));
  BOOST_TEST((domains::checkDmarc("match.test", {}, {}, r).status == Status::LookupFailed));
  const auto v = domains::checkMtaSts("match.test", policy(), r);
  BOOST_TEST((v.status == Status::LookupFailed));
  BOOST_TEST(v.advice.find("did not answer in time") != std::string::npos);
}
