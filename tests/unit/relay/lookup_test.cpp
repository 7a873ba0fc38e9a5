// A smarthost's name lookup is bounded by relay.timeout.connect: a resolver that never answers costs the
// connect timeout, then a temporary failure that names the host and the wait.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <Poco/Net/NetException.h>

#include "fake_smarthost.h"
#include "relay/client_session.h"
#include "relay/host_lookup.h"
#include "relay_fixture.h"

using namespace postern;
using namespace postern::relay;
using namespace postern::test;
using namespace std::chrono_literals;

namespace {

// A resolver that does not answer until released (at the end of the test), like one whose DNS server is
// silent. Owned by the lookup thread too, so releasing after the test has given up is safe.
struct Silence {
  std::mutex mutex;
  std::condition_variable changed;
  bool released = false;
  std::atomic<int> asked{0};
  void release() {
    {
      std::lock_guard lock(mutex);
      released = true;
    }
    changed.notify_all();
  }
};

BlockingLookup silentResolver(const std::shared_ptr<Silence>& silence) {
  return [silence](const std::string&) -> std::vector<Poco::Net::IPAddress> {
    ++silence->asked;
    std::unique_lock lock(silence->mutex);
    silence->changed.wait(lock, [&] { return silence->released; });
    throw Poco::Net::HostNotFoundException("released");
  };
}

BlockingLookup resolvesTo(const std::string& address) {
  return [address](const std::string&) {
    return std::vector<Poco::Net::IPAddress>{Poco::Net::IPAddress(address)};
  };
}

SessionSettings plainSettings(std::chrono::milliseconds connectTimeout) {
  SessionSettings settings;
  settings.tls = TlsMode::None;
  settings.heloName = "relay.test";
  settings.connectTimeout = connectTimeout;
  settings.commandTimeout = 5s;
  return settings;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(smarthost_lookup)

BOOST_AUTO_TEST_CASE(a_lookup_that_does_not_answer_times_out_at_the_limit) {
  auto silence = std::make_shared<Silence>();
  const auto start = std::chrono::steady_clock::now();
  try {
    lookupWithin("smarthost.test", 300ms, silentResolver(silence));
    BOOST_FAIL("the lookup should have timed out");
  } catch (const TransportError& e) {
    BOOST_TEST(e.what() == std::string("DNS lookup timed out after 0.3 s"));
    BOOST_TEST((e.kind() == TransportError::Kind::Timeout));
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  BOOST_TEST((waited >= 300ms));
  BOOST_TEST((waited < 3s));
  BOOST_TEST(silence->asked == 1);
  silence->release();
}

BOOST_AUTO_TEST_CASE(a_lookup_that_answers_in_time_gives_its_addresses_and_a_failure_its_reason) {
  const auto addresses = lookupWithin("smarthost.test", 2s, resolvesTo("192.0.2.7"));
  BOOST_REQUIRE_EQUAL(addresses.size(), 1u);
  BOOST_TEST(addresses[0].toString() == "192.0.2.7");
  try {
    lookupWithin("nowhere.test", 2s, [](const std::string& host) -> std::vector<Poco::Net::IPAddress> {
      throw Poco::Net::HostNotFoundException(host);
    });
    BOOST_FAIL("the lookup should have failed");
  } catch (const TransportError& e) {
    BOOST_TEST(e.what() == std::string("host not found"));
    BOOST_TEST((e.kind() == TransportError::Kind::Failed));
  }
  try {
    lookupWithin("empty.test", 2s, [](const std::string&) { return std::vector<Poco::Net::IPAddress>{}; });
    BOOST_FAIL("an empty answer should fail");
  } catch (const TransportError& e) {
    BOOST_TEST(e.what() == std::string("host not found"));
  }
}

BOOST_AUTO_TEST_CASE(the_timeout_text_shows_whole_and_tenth_seconds) {
  BOOST_TEST(secondsText(30000ms) == "30 s");
  BOOST_TEST(secondsText(29996ms) == "30 s");
  BOOST_TEST(secondsText(1500ms) == "1.5 s");
}

BOOST_AUTO_TEST_CASE(
    a_smarthost_whose_name_does_not_resolve_in_the_connect_timeout_is_a_temporary_failure_naming_it) {
  auto silence = std::make_shared<Silence>();
  SessionSettings settings = plainSettings(400ms);
  settings.lookup = silentResolver(silence);
  const auto start = std::chrono::steady_clock::now();
  try {
    ClientSession::open(Endpoint{"smarthost.test", 2525}, 0, settings, nullptr);
    BOOST_FAIL("open should have failed");
  } catch (const SessionError& e) {
    BOOST_TEST(e.what() == std::string("connect to smarthost.test:2525: DNS lookup timed out after 0.4 s"));
  }
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
  silence->release();
}

BOOST_AUTO_TEST_CASE(the_resolved_address_is_the_one_connected_to) {
  FakeSmarthost fake(FakeScript{});
  SessionSettings settings = plainSettings(5s);
  settings.lookup = resolvesTo("127.0.0.1");
  auto session = ClientSession::open(Endpoint{"smarthost.test", fake.port()}, 0, settings, nullptr);
  BOOST_TEST(session->usable());
  session->quit();
  BOOST_REQUIRE(fake.waitFor([](const auto& c) { return c.size() == 1 && c[0].ended; }));
  BOOST_TEST(fake.connections()[0].has("EHLO relay.test"));
}

BOOST_AUTO_TEST_SUITE_END()
