// admin::Status: the dashboard's figures from the real stores and spool, the first-steps checklist and each
// problem rule (and its absence when things are fine).
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "admin/status.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "unit/domains/fake_resolver.h"
#include "unit/queue/spool_fixture.h"

using namespace postern;
using namespace std::chrono_literals;

namespace {

const auto kArrival = testing::sampleEnvelope().arrival;

struct StatusFixture : testing::SpoolFixture {
  test::FakeClock clock{kArrival + 10min};
  store::Database db{dir.file("postern.db")};
  store::UserRepository users{db, clock};
  store::DkimKeyRepository keys{db, clock};
  store::RouteRepository routes{db, clock};
  store::DeliveryLogRepository log{db};
  core::RollingCount accepted{clock};
  store::DomainRepository domainStore{db, clock};
  test::FakeResolver dns;
  admin::Domains domains{domainStore, keys, routes, dns, clock};
  admin::StatusFacts facts;

  StatusFixture() {
    store::MigrationRunner(db, clock).run();
    facts.version = "1.0";
    facts.hostname = "relay.example.org";
    facts.startedAt = clock.now() - 5min;
  }

  admin::StatusView status() {
    return admin::Status(facts, users, keys, routes, spool, log, accepted, nullptr, clock).now();
  }

  admin::StatusView statusWithDomains() {
    return admin::Status(facts, users, keys, routes, spool, log, accepted, &domains, clock).now();
  }

  void logAttempt(const std::string& outcome, std::chrono::system_clock::time_point at,
                  const std::string& reply = "250 2.0.0 Ok") {
    log.append({store::DeliveryLogRecord{0, at, "AAAAAAAAAAAAAAA", "alice@example.org", "bob@example.com",
                                         outcome, "smtp.example.net:587", reply}});
  }

  void addActiveKey(const std::string& domain) {
    store::NewDkimKey key;
    key.domain = domain;
    key.selector = "s1";
    key.algorithm = "ed25519";
    key.bits = 256;
    key.sealedPrivateKey = "sealed";
    key.publicKey = "p";
    keys.add(key);
    keys.activate(domain, "s1");
  }
};

bool hasProblem(const admin::StatusView& view, const std::string& kind) {
  return std::any_of(view.problems.begin(), view.problems.end(),
                     [&](const admin::StatusProblem& p) { return p.kind == kind; });
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(status, StatusFixture)

BOOST_AUTO_TEST_CASE(a_fresh_installation_shows_an_empty_checklist_and_no_problem) {
  const auto view = status();
  BOOST_TEST(view.uptime.count() == 300);
  BOOST_TEST(view.queueMessages == 0u);
  BOOST_TEST(!view.oldestArrival.has_value());
  BOOST_TEST(!view.hasUser);
  BOOST_TEST(!view.hasActiveDkimKey);
  BOOST_TEST(!view.hasRoute);
  BOOST_TEST(!view.deliveredOnce);
  BOOST_TEST(view.problems.empty());
}

BOOST_AUTO_TEST_CASE(the_checklist_follows_users_keys_routes_and_the_first_delivery) {
  users.createUser("alice@example.org", "$argon2id$x", {"alice@example.org"});
  addActiveKey("example.org");
  facts.smarthostConfigured = true;
  logAttempt("delivered", clock.now());
  const auto view = status();
  BOOST_TEST(view.hasUser);
  BOOST_TEST(view.hasActiveDkimKey);
  BOOST_TEST(view.hasRoute);
  BOOST_TEST(view.deliveredOnce);
  BOOST_TEST(view.problems.empty());
}

BOOST_AUTO_TEST_CASE(traffic_counts_the_last_24_hours_and_bounced_joins_failed_and_expired) {
  accepted.add(3);
  // In time order, as the log is written.
  logAttempt("delivered", clock.now() - 25h);
  logAttempt("expired", clock.now() - 4h, "gave up");
  logAttempt("failed", clock.now() - 3h, "550 5.1.1 unknown");
  logAttempt("deferred", clock.now() - 2h, "451 4.3.0 try later");
  logAttempt("delivered", clock.now() - 1h);
  const auto view = status();
  BOOST_TEST(view.accepted == 3u);
  BOOST_TEST(view.delivered == 1u);
  BOOST_TEST(view.deferred == 1u);
  BOOST_TEST(view.bounced == 2u);
  BOOST_REQUIRE(view.lastRelayError.has_value());
  BOOST_TEST(view.lastRelayError->reply == "451 4.3.0 try later");  // the newest problem row
}

BOOST_AUTO_TEST_CASE(a_deferral_newer_than_the_last_delivery_and_under_an_hour_old_means_the_relay_fails) {
  logAttempt("delivered", clock.now() - 30min);
  logAttempt("deferred", clock.now() - 5min, "535 5.7.8 authentication failed");
  auto view = status();
  BOOST_TEST(hasProblem(view, "relay_failing"));
  logAttempt("delivered", clock.now());
  view = status();
  BOOST_TEST(!hasProblem(view, "relay_failing"));
}

BOOST_AUTO_TEST_CASE(an_old_deferral_is_no_longer_reported_as_a_failing_relay) {
  logAttempt("deferred", clock.now() - 2h, "connect failed");
  BOOST_TEST(!hasProblem(status(), "relay_failing"));
}

BOOST_AUTO_TEST_CASE(a_message_queued_for_more_than_an_hour_is_a_problem) {
  commitMessage("Subject: hi\r\n\r\nbody\r\n");
  auto view = status();
  BOOST_TEST(view.queueMessages == 1u);
  BOOST_REQUIRE(view.oldestArrival.has_value());
  BOOST_TEST((*view.oldestArrival == kArrival));
  BOOST_TEST(!hasProblem(view, "deferred_over_an_hour"));
  clock.advance(1h);
  BOOST_TEST(hasProblem(status(), "deferred_over_an_hour"));
}

BOOST_AUTO_TEST_CASE(a_domain_users_send_as_without_an_active_key_is_named_once) {
  users.createUser("alice@example.org", "$argon2id$x", {"alice@example.org", "@Example.org"});
  users.createUser("bob@example.net", "$argon2id$x", {"bob@example.net"});
  users.createUser("carol@example.com", "$argon2id$x", {"carol@example.com"});
  users.setEnabled("carol@example.com", false);
  addActiveKey("example.net");
  const auto view = status();
  std::vector<std::string> messages;
  for (const auto& p : view.problems)
    if (p.kind == "domain_without_dkim") messages.push_back(p.message);
  BOOST_REQUIRE_EQUAL(messages.size(), 1u);
  BOOST_TEST(messages[0].find("example.org") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_self_signed_or_expiring_certificate_is_a_problem) {
  facts.certificate = tls::CertificateInfo{"relay.example.org", clock.now() + 24h * 10, true};
  auto view = status();
  BOOST_TEST(hasProblem(view, "certificate_self_signed"));
  BOOST_TEST(hasProblem(view, "certificate_expiring"));
  facts.certificate = tls::CertificateInfo{"relay.example.org", clock.now() - 1h, false};
  view = status();
  BOOST_TEST(hasProblem(view, "certificate_expired"));
  BOOST_TEST(!hasProblem(view, "certificate_self_signed"));
  facts.certificate = tls::CertificateInfo{"relay.example.org", clock.now() + 24h * 90, false};
  BOOST_TEST(status().problems.empty());
}

BOOST_AUTO_TEST_CASE(a_domain_whose_last_check_failed_is_one_dns_record_problem_naming_its_records) {
  domains.add("example.org");
  domains.check("example.org");  // nothing is published: SPF and DMARC are missing
  const auto view = statusWithDomains();
  const auto problems = std::count_if(view.problems.begin(), view.problems.end(),
                                      [](const admin::StatusProblem& p) { return p.kind == "dns_record"; });
  BOOST_TEST(problems == 1);
  const auto& dns = *std::find_if(view.problems.begin(), view.problems.end(),
                                  [](const admin::StatusProblem& p) { return p.kind == "dns_record"; });
  BOOST_TEST(dns.link == "#/domains/example.org");
  BOOST_TEST(dns.message.find("example.org") != std::string::npos);
  BOOST_TEST(dns.message.find("the SPF record at example.org is not published") != std::string::npos);
  BOOST_TEST(dns.message.find("the DMARC record at _dmarc.example.org is not published") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_domain_never_checked_is_no_dns_record_problem) {
  domains.add("example.org");
  BOOST_TEST(!hasProblem(statusWithDomains(), "dns_record"));
}

BOOST_AUTO_TEST_CASE(the_dns_record_problem_joins_the_records_in_plain_words) {
  const auto p = admin::Status::dnsRecordProblem({"example.org",
                                                  {{"dkim", "s1._domainkey.example.org", "differs"},
                                                   {"spf", "example.org", "lookup_failed"},
                                                   {"mta-sts", "_mta-sts.example.org", "missing"}}});
  BOOST_TEST(p.message ==
             "The DNS of example.org needs attention: the DKIM record at s1._domainkey.example.org differs "
             "from what it should be, the SPF record at example.org could not be looked up and the MTA-STS "
             "record at _mta-sts.example.org is not published. Publish the records as the domain's page "
             "shows them, then check again.");
}

BOOST_AUTO_TEST_CASE(the_domain_of_a_pattern_is_after_its_last_at_sign) {
  BOOST_TEST(admin::Status::patternDomain("@Example.ORG") == "example.org");
  BOOST_TEST(admin::Status::patternDomain("\"a@b\"@example.org") == "example.org");
  BOOST_TEST(admin::Status::patternDomain("nodomain") == "");
}

BOOST_AUTO_TEST_SUITE_END()
