// admin::DomainChecker: the background check's schedule (a minute after start, then every interval, off at
// zero) and its stop between domains, over a real store and a fake resolver; time moves by a fake clock.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "admin/domain_checker.h"
#include "admin/domains.h"
#include "store/dkim_key_repository.h"
#include "store/domain_repository.h"
#include "store/route_repository.h"
#include "support/migrated_database.h"
#include "unit/domains/fake_resolver.h"

using namespace postern;
using namespace std::chrono_literals;

namespace {

struct CheckerFixture : test::MigratedDatabase {
  store::DomainRepository domainStore{db, clock};
  store::DkimKeyRepository keys{db, clock};
  store::RouteRepository routes{db, clock};
  test::FakeResolver dns;
  admin::Domains domains{domainStore, keys, routes, dns, clock};

  CheckerFixture() {
    domains.add("example.org");
    domains.add("example.net");
  }
  bool checked(const std::string& domain) { return domains.show(domain)->lastCheck.has_value(); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(domain_checker, CheckerFixture)

BOOST_AUTO_TEST_CASE(the_first_check_is_due_one_minute_after_start) {
  admin::DomainChecker checker(domains, 6h, clock);
  BOOST_TEST(!checker.due());
  BOOST_TEST((checker.untilDue() == std::chrono::system_clock::duration(1min)));
  BOOST_TEST(!checker.runDue().has_value());
  BOOST_TEST(dns.asked.empty());
  clock.advance(1min);
  BOOST_TEST(checker.due());
  BOOST_TEST((checker.untilDue() == std::chrono::system_clock::duration::zero()));
  BOOST_TEST((checker.runDue() == std::optional<std::size_t>(0)));
  BOOST_TEST(checked("example.org"));
  BOOST_TEST(checked("example.net"));
}

BOOST_AUTO_TEST_CASE(later_checks_come_one_interval_after_the_previous_one) {
  admin::DomainChecker checker(domains, 6h, clock);
  clock.advance(1min);
  checker.runDue();
  clock.advance(6h - 1s);
  BOOST_TEST(!checker.due());
  BOOST_TEST((checker.untilDue() == std::chrono::system_clock::duration(1s)));
  clock.advance(1s);
  BOOST_TEST(checker.due());
}

BOOST_AUTO_TEST_CASE(an_interval_of_zero_turns_the_check_off) {
  admin::DomainChecker checker(domains, 0s, clock);
  clock.advance(24h);
  BOOST_TEST(!checker.enabled());
  BOOST_TEST(!checker.due());
  BOOST_TEST(!checker.untilDue().has_value());
  BOOST_TEST(!checker.runDue().has_value());
  BOOST_TEST(dns.asked.empty());
}

BOOST_AUTO_TEST_CASE(a_stop_leaves_the_domains_not_yet_checked) {
  admin::DomainChecker checker(domains, 6h, clock);
  clock.advance(1min);
  BOOST_TEST((checker.runDue([] { return true; }) == std::optional<std::size_t>(2)));
  BOOST_TEST(dns.asked.empty());
  BOOST_TEST(!checked("example.org"));
}

BOOST_AUTO_TEST_SUITE_END()
