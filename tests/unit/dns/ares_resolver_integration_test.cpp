// dns::AresResolver against a real DNS server: Debian's dnsmasq on loopback, authoritative for ".test",
// plus a UDP socket that never answers. Registered as integration.dns_resolver (it starts a process).
#define BOOST_TEST_MODULE dns_resolver
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "dns/ares_resolver.h"
#include "unit/dns/dnsmasq_server.h"

using namespace postern;
using dns::LookupStatus;
using test::SilentDnsServer;

namespace {

const std::string kLongText = "v=DKIM1; k=rsa; p=" + std::string(300, 'A');

test::Dnsmasq* server = nullptr;

struct GlobalServer {
  GlobalServer() {
    server = new test::Dnsmasq(
        {{"one.test", "v=spf1 -all"},
         {"long.test", kLongText},
         {"strings.test", "v=spf1 ,-all"},
         {"two.test", "first"},
         {"two.test", "second"}},
        {"--mx-host=mx.test,mail.test,10", "--host-record=mail.test,192.0.2.25,2001:db8::25"});
  }
  ~GlobalServer() { delete server; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalServer);

dns::AresResolver resolverFor(const std::string& servers) {
  dns::ResolverSettings settings;
  settings.servers = dns::parseServerList(servers);
  settings.timeout = std::chrono::milliseconds(300);
  settings.tries = 2;
  return dns::AresResolver(settings);
}

dns::AresResolver resolver() { return resolverFor(server->address()); }

}  // namespace
BOOST_AUTO_TEST_CASE(a_published_record_is_found_with_its_text) {
  const auto answer = resolver().txt("one.test");
  BOOST_REQUIRE(answer.status == LookupStatus::Found);
  BOOST_REQUIRE_EQUAL(answer.records.size(), 1u);
  BOOST_TEST(answer.records[0].text() == "v=spf1 -all");
}

BOOST_AUTO_TEST_CASE(a_record_longer_than_255_octets_arrives_split_and_joins_to_the_whole) {
  const auto answer = resolver().txt("long.test.");
  BOOST_REQUIRE(answer.found());
  BOOST_REQUIRE_EQUAL(answer.records.size(), 1u);
  BOOST_REQUIRE_EQUAL(answer.records[0].strings.size(), 2u);
  BOOST_TEST(answer.records[0].strings[0].size() == 255u);
  BOOST_TEST(answer.records[0].text() == kLongText);
}

BOOST_AUTO_TEST_CASE(the_strings_of_one_record_stay_one_record) {
  const auto answer = resolver().txt("strings.test");
  BOOST_REQUIRE_EQUAL(answer.records.size(), 1u);
  BOOST_TEST(answer.records[0].strings == (std::vector<std::string>{"v=spf1 ", "-all"}));
}

BOOST_AUTO_TEST_CASE(two_records_at_one_name_are_two_records) {
  const auto answer = resolver().txt("two.test");
  BOOST_REQUIRE_EQUAL(answer.records.size(), 2u);
  std::vector<std::string> texts{answer.records[0].text(), answer.records[1].text()};
  std::sort(texts.begin(), texts.end());
  BOOST_TEST(texts == (std::vector<std::string>{"first", "second"}));
}

BOOST_AUTO_TEST_CASE(a_name_that_does_not_exist_is_no_such_name) {
  BOOST_TEST((resolver().txt("absent.test").status == LookupStatus::NoSuchName));
}

BOOST_AUTO_TEST_CASE(a_name_without_records_of_the_type_is_no_records) {
  BOOST_TEST((resolver().txt("mail.test").status == LookupStatus::NoRecords));
  BOOST_TEST((resolver().mx("one.test").status == LookupStatus::NoRecords));
}

BOOST_AUTO_TEST_CASE(mx_hosts_and_their_addresses_are_found) {
  const auto mx = resolver().mx("mx.test");
  BOOST_REQUIRE_EQUAL(mx.records.size(), 1u);
  BOOST_TEST(mx.records[0].host == "mail.test");
  BOOST_TEST(mx.records[0].preference == 10);
  auto addresses = resolver().addresses("mail.test").records;
  std::sort(addresses.begin(), addresses.end());
  BOOST_TEST(addresses == (std::vector<std::string>{"192.0.2.25", "2001:db8::25"}));
  BOOST_TEST((resolver().addresses("absent.test").status == LookupStatus::NoSuchName));
}

BOOST_AUTO_TEST_CASE(a_refused_query_is_a_failed_lookup_that_says_so) {
  const auto answer = resolver().txt("example.org");  // outside dnsmasq's zone, and it has no upstream
  BOOST_REQUIRE(answer.failed());
  BOOST_TEST((answer.failure == dns::FailureKind::Refused));
}

BOOST_AUTO_TEST_CASE(a_server_that_never_answers_fails_with_a_timeout_within_the_bound) {
  SilentDnsServer silent;
  dns::ResolverSettings settings;
  settings.servers = dns::parseServerList(silent.address());
  settings.timeout = std::chrono::milliseconds(200);
  settings.tries = 3;
  dns::AresResolver resolver(settings);
  const auto started = std::chrono::steady_clock::now();
  const auto answer = resolver.txt("one.test");
  const auto took = std::chrono::steady_clock::now() - started;
  BOOST_REQUIRE(answer.failed());
  BOOST_TEST((answer.failure == dns::FailureKind::Timeout));
  // The bound is three tries of 200 ms; c-ares alone doubles each round and would wait 200 + 400 + 800 ms.
  BOOST_TEST(took >= std::chrono::milliseconds(550));  // the deadline is kept to the millisecond
  BOOST_TEST(took < std::chrono::milliseconds(1200));
}

BOOST_AUTO_TEST_CASE(a_silent_first_server_gives_way_to_the_next) {
  SilentDnsServer silent;
  const auto answer = resolverFor(silent.address() + "," + server->address()).txt("one.test");
  BOOST_REQUIRE(answer.found());
  BOOST_TEST(answer.records[0].text() == "v=spf1 -all");
}
