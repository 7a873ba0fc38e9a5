#define BOOST_TEST_MODULE domains
#include <boost/test/unit_test.hpp>

#include "dkim/keys.h"
#include "domains/dkim_record.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using domains::Finding;
using domains::Status;

namespace {

const std::string& rsaPublicKey() {
  static const std::string key = [] {
    const auto k = dkim::generateRsaKey(2048);
    return dkim::dnsPublicKey(k.get());
  }();
  return key;
}

domains::DkimPublicKey rsaKey() { return {"example.org", "s2026", dkim::KeyAlgorithm::Rsa, rsaPublicKey()}; }

const std::string kName = "s2026._domainkey.example.org";

}  // namespace

BOOST_AUTO_TEST_CASE(the_record_to_publish_is_the_one_the_dkim_admin_shows) {
  const auto record = domains::dkimRecord(rsaKey());
  BOOST_TEST(record.name == kName);
  BOOST_TEST(record.value == dkim::dnsRecordValue(dkim::KeyAlgorithm::Rsa, rsaPublicKey()));
}

BOOST_AUTO_TEST_CASE(an_rsa_record_is_split_into_strings_of_at_most_255_octets) {
  const auto record = domains::dkimRecord(rsaKey());
  const auto strings = record.strings();
  BOOST_REQUIRE_EQUAL(strings.size(), 2u);
  BOOST_TEST(strings[0].size() == 255u);
  BOOST_TEST(strings[0] + strings[1] == record.value);
}

BOOST_AUTO_TEST_CASE(a_key_published_split_into_several_strings_matches) {
  test::FakeResolver dns;
  dns.publishStrings(kName, domains::dkimRecord(rsaKey()).strings());
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::Matches));
  BOOST_TEST(v.published.at(0) == domains::dkimRecord(rsaKey()).value);
}

BOOST_AUTO_TEST_CASE(a_key_published_with_other_tag_order_and_spaces_matches) {
  test::FakeResolver dns;
  const auto& key = rsaPublicKey();
  dns.publish(kName, "k=rsa ;  p=" + key.substr(0, 100) + " " + key.substr(100) + " ; v=DKIM1");
  BOOST_TEST((domains::checkDkim(rsaKey(), dns).status == Status::Matches));
}

BOOST_AUTO_TEST_CASE(another_key_at_the_name_differs_and_says_which) {
  test::FakeResolver dns;
  const auto other = dkim::generateEd25519Key();
  dns.publish(kName, dkim::dnsRecordValue(dkim::KeyAlgorithm::Rsa, dkim::dnsPublicKey(other.get())));
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.difference.find("published p=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_record_for_another_algorithm_differs) {
  test::FakeResolver dns;
  dns.publish(kName, "v=DKIM1; k=ed25519; p=" + rsaPublicKey());
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.difference == "published k=ed25519, expected k=rsa");
}

BOOST_AUTO_TEST_CASE(a_revoked_key_differs) {
  test::FakeResolver dns;
  dns.publish(kName, "v=DKIM1; k=rsa; p=");
  BOOST_TEST(domains::checkDkim(rsaKey(), dns).difference ==
             "the published record revokes the key (empty p=)");
}

BOOST_AUTO_TEST_CASE(quotes_typed_into_the_value_are_named) {
  test::FakeResolver dns;
  const auto strings = domains::dkimRecord(rsaKey()).strings();
  dns.publish(kName, strings[0] + "\" \"" + strings[1]);
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.has(Finding::DkimQuotedStrings));
}

BOOST_AUTO_TEST_CASE(two_records_at_the_name_differ_even_when_one_matches) {
  test::FakeResolver dns;
  dns.publish(kName, domains::dkimRecord(rsaKey()).value);
  dns.publish(kName, "v=DKIM1; k=rsa; p=AAAA");
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::Differs));
  BOOST_TEST(v.has(Finding::DkimSeveralRecords));
}

BOOST_AUTO_TEST_CASE(no_record_at_the_name_is_missing) {
  test::FakeResolver dns;
  BOOST_TEST((domains::checkDkim(rsaKey(), dns).status == Status::Missing));
}

BOOST_AUTO_TEST_CASE(a_resolver_that_times_out_gives_lookup_failed_with_the_reason) {
  test::FakeResolver dns;
  dns.failEverything(dns::FailureKind::Timeout);
  const auto v = domains::checkDkim(rsaKey(), dns);
  BOOST_TEST((v.status == Status::LookupFailed));
  BOOST_TEST(v.advice.find(dns::describe(dns::FailureKind::Timeout)) != std::string::npos);
}
