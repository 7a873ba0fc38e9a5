#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "store/domain_repository.h"
#include "store/route_repository.h"
#include "store/store_error.h"
#include "store/user_repository.h"
#include "support/migrated_database.h"

using namespace postern::store;

namespace {

struct DomainFixture : postern::test::MigratedDatabase {
  DomainRepository domains{db, clock};

  static RecordCheckRecord check(const std::string& kind, const std::string& name,
                                 const std::string& status) {
    RecordCheckRecord c;
    c.kind = kind;
    c.name = name;
    c.status = status;
    c.advice = "advice for " + name;
    return c;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(domain_repository, DomainFixture)

BOOST_AUTO_TEST_CASE(an_added_domain_starts_with_the_protecting_defaults) {
  const DomainRecord r = domains.add("example.org");
  BOOST_TEST(r.added);
  BOOST_TEST(r.dmarcPolicy == "quarantine");
  BOOST_TEST(r.dmarcPercent == 100);
  BOOST_TEST(r.dmarcAdkim == "r");
  BOOST_TEST(r.dmarcRua.empty());
  BOOST_TEST(r.spfAll == "-all");
  BOOST_TEST(r.mtaStsMode == "none");
  BOOST_TEST(r.mtaStsMaxAge == 604800);
}

BOOST_AUTO_TEST_CASE(a_domain_cannot_be_added_twice) {
  domains.add("example.org");
  BOOST_CHECK_THROW(domains.add("example.org"), postern::core::AlreadyExists);
}

BOOST_AUTO_TEST_CASE(adding_a_domain_with_settings_keeps_them) {
  DomainRecord r;
  r.name = "example.org";
  r.dmarcPolicy = "reject";
  domains.save(r);
  BOOST_TEST(domains.add("example.org").dmarcPolicy == "reject");
}

BOOST_AUTO_TEST_CASE(saved_settings_read_back_with_their_lists) {
  DomainRecord r;
  r.name = "example.org";
  r.dmarcRua = {"mailto:a@example.org", "mailto:b@example.org"};
  r.spfExtra = {"ip4:192.0.2.10"};
  r.mtaStsMode = "testing";
  r.mtaStsMx = {"mx1.example.org", "*.example.net"};
  domains.save(r);
  const auto read = domains.find("example.org");
  BOOST_TEST_REQUIRE(read.has_value());
  BOOST_TEST(read->dmarcRua == r.dmarcRua);
  BOOST_TEST(read->spfExtra == r.spfExtra);
  BOOST_TEST(read->mtaStsMx == r.mtaStsMx);
  BOOST_TEST(!read->added);
}

BOOST_AUTO_TEST_CASE(a_percentage_outside_0_to_100_is_refused_by_the_schema) {
  DomainRecord r;
  r.name = "example.org";
  r.dmarcPercent = 101;
  BOOST_CHECK_THROW(domains.save(r), postern::core::InvalidValue);
}

BOOST_AUTO_TEST_CASE(removing_an_unknown_domain_is_not_found) {
  BOOST_CHECK_THROW(domains.remove("example.org"), postern::core::NotFound);
}

BOOST_AUTO_TEST_CASE(sender_domains_come_from_logins_and_sender_patterns) {
  UserRepository users(db, clock);
  users.createUser("alice@example.org", "$argon2id$x", {"@example.net", "bob@sub.example.com"});
  BOOST_TEST(
      domains.senderDomains() == (std::vector<std::string>{"example.net", "example.org", "sub.example.com"}),
      boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(storing_checks_replaces_the_domains_previous_checks) {
  auto old = check("dkim", "old._domainkey.example.org", "missing");
  old.checkedAt = clock.now();
  domains.storeChecks("example.org", {old});
  auto spf = check("spf", "example.org", "matches");
  spf.lookups = 11;
  spf.published = {"v=spf1 -all", "v=spf1 ~all"};
  spf.warnings = {{"spf_too_many_lookups", "Too many."}};
  domains.storeChecks("example.org", {spf});
  const auto read = domains.checks("example.org");
  BOOST_TEST_REQUIRE(read.size() == 1u);
  BOOST_TEST(read[0].kind == "spf");
  BOOST_TEST(read[0].lookups.value_or(0) == 11);
  BOOST_TEST(read[0].published == spf.published, boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(read[0].warnings.size() == 1u);
  BOOST_TEST(read[0].warnings[0].finding == "spf_too_many_lookups");
  BOOST_TEST(read[0].warnings[0].advice == "Too many.");
}

BOOST_AUTO_TEST_CASE(checks_of_other_domains_stay) {
  domains.storeChecks("example.org", {check("spf", "example.org", "matches")});
  domains.storeChecks("example.net", {check("spf", "example.net", "differs")});
  BOOST_TEST(domains.allChecks().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_routes_spf_is_kept_when_its_settings_change) {
  RouteRepository routes(db, clock);
  RouteRecord r;
  r.name = "relay";
  r.senders = {"*"};
  r.hosts = {"smtp.example.net:587"};
  routes.add(r);
  routes.storeSpf("relay", "include:_spf.example.net");
  routes.update(r);
  BOOST_TEST(routes.find("relay")->spf == "include:_spf.example.net");
}

BOOST_AUTO_TEST_SUITE_END()
