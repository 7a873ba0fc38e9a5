#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "admin/domains.h"
#include "core/error.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"
#include "store/user_repository.h"
#include "support/migrated_database.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using postern::admin::DomainChange;

namespace {

struct DomainsFixture : test::MigratedDatabase {
  store::DomainRepository domainStore{db, clock};
  store::DkimKeyRepository keys{db, clock};
  store::RouteRepository routes{db, clock};
  store::UserRepository users{db, clock};
  test::FakeResolver dns;
  admin::Domains domains{domainStore, keys, routes, dns, clock};

  void key(const std::string& domain, const std::string& selector, const std::string& publicKey = "AAAA") {
    keys.add(store::NewDkimKey{domain, selector, "rsa", 2048, "v1:sealed", publicKey});
  }
  void route(const std::string& name, std::vector<std::string> senders, std::string host) {
    store::RouteRecord r;
    r.name = name;
    r.senders = std::move(senders);
    r.hosts = {std::move(host)};
    routes.add(r);
  }
  const admin::RecordView& record(const admin::DomainView& v, admin::RecordKind kind) {
    for (const auto& r : v.records)
      if (r.kind == kind) return r;
    BOOST_FAIL("no such record");
    return v.records.front();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(domains, DomainsFixture)

BOOST_AUTO_TEST_CASE(a_domain_is_known_from_addresses_keys_routes_and_the_admin) {
  users.createUser("alice@example.org", "$argon2id$x", {"@example.net"});
  key("example.com", "s1");
  route("relay", {"@example.edu"}, "smtp.example.net:587");
  domains.add("example.info");
  std::vector<std::string> names;
  for (const auto& d : domains.list()) names.push_back(d.domain);
  BOOST_TEST(names == (std::vector<std::string>{"example.com", "example.edu", "example.info", "example.net",
                                                "example.org"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(adding_a_name_that_is_no_domain_is_refused_naming_the_field) {
  try {
    domains.add("not a domain");
    BOOST_FAIL("accepted");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "domain");
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_domain_is_not_shown) { BOOST_TEST(!domains.show("example.org").has_value()); }

BOOST_AUTO_TEST_CASE(a_new_domain_asks_for_a_quarantine_dmarc_policy) {
  const auto v = domains.add("example.org");
  BOOST_TEST(record(v, admin::RecordKind::Dmarc).value.find("p=quarantine") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_microsoft_365_route_puts_its_include_into_the_spf_record) {
  route("m365", {"@example.org"}, "smtp.office365.com:587");
  const auto v = *domains.show("example.org");
  BOOST_TEST(record(v, admin::RecordKind::Spf).value == "v=spf1 include:spf.protection.outlook.com -all");
}

BOOST_AUTO_TEST_CASE(a_routes_own_spf_setting_is_in_the_record_of_the_domains_it_carries) {
  route("relay", {"*"}, "smtp.example.net:587");
  routes.storeSpf("relay", "ip4:192.0.2.10");
  domains.add("example.org");
  const auto v = *domains.show("example.org");
  BOOST_TEST(record(v, admin::RecordKind::Spf).value == "v=spf1 ip4:192.0.2.10 -all");
}

BOOST_AUTO_TEST_CASE(a_key_retired_more_than_30_days_ago_is_no_longer_published) {
  key("example.org", "old");
  keys.retire("example.org", "old");
  key("example.org", "recent");
  clock.advance(std::chrono::hours(24 * 31));
  keys.retire("example.org", "recent");
  std::vector<std::string> selectors;
  const auto v = *domains.show("example.org");
  for (const auto& r : v.records)
    if (r.kind == admin::RecordKind::Dkim) selectors.push_back(r.selector);
  BOOST_TEST(selectors == std::vector<std::string>{"recent"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mta_sts_records_appear_only_when_the_mode_is_not_none) {
  domains.add("example.org");
  BOOST_TEST(!domains.show("example.org")->mtaStsPolicy.has_value());
  admin::MtaStsSettings sts;
  sts.policy.mode = postern::domains::StsMode::Testing;
  sts.policy.mx = {"mx.example.org"};
  sts.tlsRptRua = {"mailto:tls@example.org"};
  const auto v = domains.change("example.org", DomainChange{std::nullopt, std::nullopt, sts});
  BOOST_TEST(v.mtaStsPolicy.has_value());
  BOOST_TEST(record(v, admin::RecordKind::MtaSts).name == "_mta-sts.example.org");
  BOOST_TEST(record(v, admin::RecordKind::TlsRpt).name == "_smtp._tls.example.org");
}

BOOST_AUTO_TEST_CASE(the_policy_is_served_for_mta_sts_dot_domain_only_while_its_mode_is_not_none) {
  domains.add("example.org");
  BOOST_TEST(!domains.policyForHost("mta-sts.example.org").has_value());  // mode none
  admin::MtaStsSettings sts;
  sts.policy.mode = postern::domains::StsMode::Enforce;
  sts.policy.mx = {"mx.example.org"};
  const auto v = domains.change("example.org", DomainChange{std::nullopt, std::nullopt, sts});
  const auto policy = domains.policyForHost("mta-sts.example.org");
  BOOST_TEST_REQUIRE(policy.has_value());
  BOOST_TEST(policy->text == v.mtaStsPolicy->text);
  BOOST_TEST(policy->text.find("mode: enforce\r\n") != std::string::npos);
  BOOST_TEST(policy->id == v.mtaStsPolicy->id);
  for (const char* host : {"example.org", "www.example.org", "mta-sts.example.net", "mta-sts.", "mta-sts",
                           "mta-sts.mta-sts.example.org", "x.mta-sts.example.org"})
    BOOST_TEST(!domains.policyForHost(host).has_value(), host);
}

BOOST_AUTO_TEST_CASE(the_policy_of_a_domain_no_longer_known_is_not_served) {
  domains.add("example.org");
  admin::MtaStsSettings sts;
  sts.policy.mode = postern::domains::StsMode::Testing;
  sts.policy.mx = {"mx.example.org"};
  domains.change("example.org", DomainChange{std::nullopt, std::nullopt, sts});
  BOOST_TEST(domains.policyForHost("mta-sts.example.org").has_value());
  domains.remove("example.org");
  BOOST_TEST(!domains.policyForHost("mta-sts.example.org").has_value());
}

BOOST_AUTO_TEST_CASE(a_dmarc_report_address_that_is_no_mailto_uri_is_refused_as_dmarc_rua) {
  domains.add("example.org");
  postern::domains::DmarcSettings dmarc;
  dmarc.aggregateReports = {"dmarc@example.org"};
  try {
    domains.change("example.org", DomainChange{dmarc, std::nullopt, std::nullopt});
    BOOST_FAIL("accepted");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "dmarc.rua");
  }
}

BOOST_AUTO_TEST_CASE(an_mta_sts_policy_without_mx_is_refused_as_mta_sts_mx) {
  domains.add("example.org");
  admin::MtaStsSettings sts;
  sts.policy.mode = postern::domains::StsMode::Enforce;
  try {
    domains.change("example.org", DomainChange{std::nullopt, std::nullopt, sts});
    BOOST_FAIL("accepted");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "mtaSts.mx");
  }
}

BOOST_AUTO_TEST_CASE(an_spf_extra_that_is_no_mechanism_is_refused_as_spf_extra) {
  domains.add("example.org");
  admin::SpfSettings spf;
  spf.extra = {"+all"};
  try {
    domains.change("example.org", DomainChange{std::nullopt, spf, std::nullopt});
    BOOST_FAIL("accepted");
  } catch (const core::InvalidValue& e) {
    BOOST_TEST(e.field() == "spf.extra");
  }
}

BOOST_AUTO_TEST_CASE(a_domain_still_named_by_a_key_cannot_be_removed) {
  key("example.org", "s1");
  domains.add("example.org");
  BOOST_CHECK_THROW(domains.remove("example.org"), core::Conflict);
}

BOOST_AUTO_TEST_CASE(removing_an_added_domain_forgets_it) {
  domains.add("example.org");
  domains.remove("example.org");
  BOOST_TEST(!domains.show("example.org").has_value());
}

BOOST_AUTO_TEST_CASE(a_check_stores_a_verdict_for_every_record) {
  key("example.org", "s1");
  dns.publish("s1._domainkey.example.org", "v=DKIM1; k=rsa; p=AAAA");
  const auto v = domains.check("example.org");
  BOOST_TEST(record(v, admin::RecordKind::Dkim).check.status == "matches");
  BOOST_TEST(record(v, admin::RecordKind::Spf).check.status == "missing");
  BOOST_TEST(v.lastCheck.has_value());
  BOOST_TEST(domains.list().front().problems >= 2);
}

BOOST_AUTO_TEST_CASE(a_failing_resolver_gives_lookup_failed_for_every_record) {
  domains.add("example.org");
  dns.failEverything(dns::FailureKind::Timeout);
  const auto v = domains.check("example.org");
  for (const auto& r : v.records) BOOST_TEST(r.check.status == "lookup_failed");
}

BOOST_AUTO_TEST_CASE(a_dmarc_policy_none_is_published_with_a_warning) {
  domains.add("example.org");
  postern::domains::DmarcSettings dmarc;  // policy none
  dmarc.aggregateReports = {"mailto:dmarc@example.org"};
  domains.change("example.org", DomainChange{dmarc, std::nullopt, std::nullopt});
  dns.publish("_dmarc.example.org", "v=DMARC1; p=none; rua=mailto:dmarc@example.org");
  const auto v = domains.check("example.org");
  const auto& check = record(v, admin::RecordKind::Dmarc).check;
  BOOST_TEST(check.status == "matches");
  BOOST_TEST_REQUIRE(!check.warnings.empty());
  BOOST_TEST(check.warnings.front().finding == "dmarc_policy_none");
}

BOOST_AUTO_TEST_CASE(failing_records_are_reported_per_domain) {
  domains.add("example.org");
  domains.check("example.org");
  const auto failing = domains.failing();
  BOOST_TEST_REQUIRE(failing.size() == 1u);
  BOOST_TEST(failing[0].domain == "example.org");
  BOOST_TEST(failing[0].records.size() == 2u);  // spf and dmarc are missing
}

BOOST_AUTO_TEST_CASE(a_key_whose_record_differs_fails_its_check) {
  key("example.org", "s1", "AAAA");
  dns.publish("s1._domainkey.example.org", "v=DKIM1; k=rsa; p=BBBB");
  BOOST_TEST(admin::statusName(domains.checkDkimKey("example.org", "s1").status) == "differs");
}

BOOST_AUTO_TEST_SUITE_END()
