#include <boost/test/unit_test.hpp>

#include <cctype>

#include "core/error.h"
#include "domains/mta_sts.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using domains::MtaStsPolicy;
using domains::Status;
using domains::StsMode;

namespace {

MtaStsPolicy policy() {
  MtaStsPolicy p;
  p.mode = StsMode::Enforce;
  p.mx = {"mail.example.org", "*.backup.example.org"};
  p.maxAge = std::chrono::seconds(604800);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mta_sts)

BOOST_AUTO_TEST_CASE(the_policy_file_follows_rfc_8461) {
  BOOST_TEST(domains::mtaStsPolicyText(policy()) ==
             "version: STSv1\r\nmode: enforce\r\nmx: mail.example.org\r\nmx: *.backup.example.org\r\n"
             "max_age: 604800\r\n");
}

BOOST_AUTO_TEST_CASE(the_policy_id_is_one_to_32_alphanumerics) {
  const auto id = domains::mtaStsPolicyId(policy());
  BOOST_TEST(!id.empty());
  BOOST_TEST(id.size() <= 32u);
  for (char c : id) BOOST_TEST(std::isalnum(static_cast<unsigned char>(c)));
  BOOST_TEST(domains::mtaStsPolicyId(policy()) == id);
}

BOOST_AUTO_TEST_CASE(the_policy_id_changes_whenever_the_policy_does) {
  const auto id = domains::mtaStsPolicyId(policy());
  auto p = policy();
  p.mode = StsMode::Testing;
  BOOST_TEST(domains::mtaStsPolicyId(p) != id);
  p = policy();
  p.mx.push_back("mail2.example.org");
  BOOST_TEST(domains::mtaStsPolicyId(p) != id);
  p = policy();
  p.maxAge = std::chrono::seconds(86400);
  BOOST_TEST(domains::mtaStsPolicyId(p) != id);
}

BOOST_AUTO_TEST_CASE(a_policy_outside_rfc_8461_is_refused) {
  auto p = policy();
  p.maxAge = std::chrono::seconds(31557601);
  BOOST_CHECK_THROW(domains::validate(p), core::InvalidValue);
  p = policy();
  p.mx = {"mail.*.example.org"};
  BOOST_CHECK_THROW(domains::validate(p), core::InvalidValue);
  p = policy();
  p.mx.clear();
  BOOST_CHECK_THROW(domains::validate(p), core::InvalidValue);
  p.mode = StsMode::None;
  BOOST_CHECK_NO_THROW(domains::validate(p));
}

BOOST_AUTO_TEST_CASE(the_txt_records_announce_the_policy_and_the_report_address) {
  const auto sts = domains::mtaStsRecord("Example.org", policy());
  BOOST_TEST(sts.name == "_mta-sts.example.org");
  BOOST_TEST(sts.value == "v=STSv1; id=" + domains::mtaStsPolicyId(policy()));
  const auto rpt = domains::tlsRptRecord("example.org", {"mailto:tls@example.org"});
  BOOST_TEST(rpt.name == "_smtp._tls.example.org");
  BOOST_TEST(rpt.value == "v=TLSRPTv1; rua=mailto:tls@example.org");
  BOOST_TEST(domains::mtaStsPolicyHost("example.org") == "mta-sts.example.org");
  BOOST_CHECK_THROW(domains::tlsRptRecord("example.org", {"tls@example.org"}), core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(the_current_id_published_matches) {
  test::FakeResolver dns;
  dns.publish("_mta-sts.example.org", domains::mtaStsRecord("example.org", policy()).value);
  BOOST_TEST((domains::checkMtaSts("example.org", policy(), dns).status == Status::Matches));
}

BOOST_AUTO_TEST_CASE(an_older_id_published_differs) {
  test::FakeResolver dns;
  dns.publish("_mta-sts.example.org", "v=STSv1; id=20240101");
  const auto v = domains::checkMtaSts("example.org", policy(), dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.difference.find("published id=20240101") == 0u);
}

BOOST_AUTO_TEST_CASE(two_sts_records_make_senders_ignore_the_policy) {
  test::FakeResolver dns;
  dns.publish("_mta-sts.example.org", domains::mtaStsRecord("example.org", policy()).value);
  dns.publish("_mta-sts.example.org", "v=STSv1; id=1");
  BOOST_TEST(domains::checkMtaSts("example.org", policy(), dns).has(domains::Finding::StsSeveralRecords));
}

BOOST_AUTO_TEST_CASE(no_sts_record_is_missing) {
  test::FakeResolver dns;
  BOOST_TEST((domains::checkMtaSts("example.org", policy(), dns).status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(the_tls_report_record_matches_or_differs_by_its_addresses) {
  test::FakeResolver dns;
  dns.publish("_smtp._tls.example.org", "v=TLSRPTv1;rua=mailto:tls@example.org");
  BOOST_TEST(
      (domains::checkTlsRpt("example.org", {"mailto:tls@example.org"}, dns).status == Status::Matches));
  BOOST_TEST(
      (domains::checkTlsRpt("example.org", {"mailto:other@example.org"}, dns).status == Status::Differs));
}

BOOST_AUTO_TEST_CASE(a_resolver_that_times_out_gives_lookup_failed) {
  test::FakeResolver dns;
  dns.failEverything(dns::FailureKind::Timeout);
  BOOST_TEST((domains::checkMtaSts("example.org", policy(), dns).status == Status::LookupFailed));
  BOOST_TEST(
      (domains::checkTlsRpt("example.org", {"mailto:tls@example.org"}, dns).status == Status::LookupFailed));
}

BOOST_AUTO_TEST_SUITE_END()
