// dns::AresResolver against a real DNS server: Debian's dnsmasq on loopback, authoritative for ".test",
// plus a UDP socket that never answers. Registered as integration.dns_resolver (it starts a process).
#define BOOST_TEST_MODULE dns_resolver
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "dns/ares_resolver.h"

extern char** environ;

using namespace postern;
using dns::LookupStatus;

namespace {

// A loopback UDP socket bound to a free port; it reads nothing, so queries sent to it go unanswered.
struct SilentServer {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  std::uint16_t port = 0;
  SilentServer() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot bind a UDP socket on loopback");
    port = ntohs(a.sin_port);
  }
  ~SilentServer() { close(fd); }
};

const std::string kLongText = "v=DKIM1; k=rsa; p=" + std::string(300, 'A');

struct Dnsmasq {
  pid_t pid = -1;
  std::uint16_t port = 0;

  Dnsmasq() {
    {
      SilentServer probe;  // a port free for UDP; dnsmasq takes the same number for TCP
      port = probe.port;
    }
    std::vector<std::string> args = {"dnsmasq",
                                     "--no-daemon",
                                     "--no-resolv",
                                     "--no-hosts",
                                     "--conf-file=/dev/null",
                                     "--pid-file",
                                     "--port=" + std::to_string(port),
                                     "--listen-address=127.0.0.1",
                                     "--bind-interfaces",
                                     "--local=/test/",
                                     "--txt-record=one.test,v=spf1 -all",
                                     "--txt-record=long.test," + kLongText,
                                     "--txt-record=strings.test,v=spf1 ,-all",
                                     "--txt-record=two.test,first",
                                     "--txt-record=two.test,second",
                                     "--mx-host=mx.test,mail.test,10",
                                     "--host-record=mail.test,192.0.2.25,2001:db8::25"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid, "dnsmasq", nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start dnsmasq (apt-get install dnsmasq-base)");
    waitUntilListening();
  }
  ~Dnsmasq() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
  }

  void waitUntilListening() const {
    // Readiness, not timing: poll the TCP port until dnsmasq accepts, for at most five seconds.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < until) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(fd);
      if (up) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("dnsmasq did not start listening");
  }
};

Dnsmasq* server = nullptr;

struct GlobalServer {
  GlobalServer() { server = new Dnsmasq(); }
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

dns::AresResolver resolver() { return resolverFor("127.0.0.1:" + std::to_string(server->port)); }

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
  SilentServer silent;
  const auto started = std::chrono::steady_clock::now();
  const auto answer = resolverFor("127.0.0.1:" + std::to_string(silent.port)).txt("one.test");
  const auto took = std::chrono::steady_clock::now() - started;
  BOOST_REQUIRE(answer.failed());
  BOOST_TEST((answer.failure == dns::FailureKind::Timeout));
  // Two tries of 300 ms: c-ares alone would wait 300 + 600 ms.
  BOOST_TEST(took < std::chrono::milliseconds(800));
}

BOOST_AUTO_TEST_CASE(a_silent_first_server_gives_way_to_the_next) {
  SilentServer silent;
  const auto answer =
      resolverFor("127.0.0.1:" + std::to_string(silent.port) + ",127.0.0.1:" + std::to_string(server->port))
          .txt("one.test");
  BOOST_REQUIRE(answer.found());
  BOOST_TEST(answer.records[0].text() == "v=spf1 -all");
}
