#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/credential_cache.h"
#include "support/fake_clock.h"

using namespace postern::auth;
using postern::test::FakeClock;
using namespace std::chrono_literals;

namespace {
struct Fixture {
  FakeClock clock;
  CredentialCache cache{clock, CredentialCacheOptions{300s, 3}};
};
}  // namespace

BOOST_AUTO_TEST_SUITE(credential_cache)

BOOST_FIXTURE_TEST_CASE(remembered_credentials_hit_until_the_ttl_ends, Fixture) {
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "pw"));
  cache.remember("alice@example.org", "$hash1", "pw");
  BOOST_TEST(cache.contains("alice@example.org", "$hash1", "pw"));
  clock.advance(299s);
  BOOST_TEST(cache.contains("alice@example.org", "$hash1", "pw"));
  clock.advance(1s);
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "pw"));
  BOOST_TEST(cache.size() == 0u);  // the expired entry is dropped
}

BOOST_FIXTURE_TEST_CASE(a_hit_does_not_extend_the_ttl, Fixture) {
  cache.remember("alice@example.org", "$hash1", "pw");
  clock.advance(200s);
  BOOST_TEST(cache.contains("alice@example.org", "$hash1", "pw"));
  clock.advance(100s);
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "pw"));
}

BOOST_FIXTURE_TEST_CASE(a_different_password_misses, Fixture) {
  cache.remember("alice@example.org", "$hash1", "pw");
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "pw2"));
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", ""));
  // ...and does not disturb the good entry.
  BOOST_TEST(cache.contains("alice@example.org", "$hash1", "pw"));
}

BOOST_FIXTURE_TEST_CASE(a_changed_stored_hash_invalidates_the_entry, Fixture) {
  cache.remember("alice@example.org", "$hash1", "pw");
  // The administrator set a new password: the row now holds another hash, even for the same password.
  BOOST_TEST(!cache.contains("alice@example.org", "$hash2", "pw"));
}

BOOST_FIXTURE_TEST_CASE(fields_cannot_be_shifted_between_login_hash_and_password, Fixture) {
  cache.remember("alice@example.org", "$hash1", "pw");
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1p", "w"));
  BOOST_TEST(!cache.contains("bob@example.org", "$hash1", "pw"));
}

BOOST_FIXTURE_TEST_CASE(a_clock_that_went_backwards_expires_the_entry, Fixture) {
  cache.remember("alice@example.org", "$hash1", "pw");
  clock.advance(-1s);
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "pw"));
}

BOOST_FIXTURE_TEST_CASE(least_recently_used_entry_is_evicted_beyond_the_bound, Fixture) {
  cache.remember("a@example.org", "$h", "pw");
  cache.remember("b@example.org", "$h", "pw");
  cache.remember("c@example.org", "$h", "pw");
  BOOST_TEST(cache.contains("a@example.org", "$h", "pw"));  // a is now the most recently used
  cache.remember("d@example.org", "$h", "pw");
  BOOST_TEST(cache.size() == 3u);
  BOOST_TEST(!cache.contains("b@example.org", "$h", "pw"));
  BOOST_TEST(cache.contains("a@example.org", "$h", "pw"));
  BOOST_TEST(cache.contains("c@example.org", "$h", "pw"));
  BOOST_TEST(cache.contains("d@example.org", "$h", "pw"));
}

BOOST_FIXTURE_TEST_CASE(one_entry_per_login_holds_the_latest_success, Fixture) {
  cache.remember("alice@example.org", "$hash1", "old");
  cache.remember("alice@example.org", "$hash2", "new");
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(!cache.contains("alice@example.org", "$hash1", "old"));
  BOOST_TEST(cache.contains("alice@example.org", "$hash2", "new"));
  cache.forget("alice@example.org");
  BOOST_TEST(!cache.contains("alice@example.org", "$hash2", "new"));
}

BOOST_FIXTURE_TEST_CASE(two_caches_use_different_keys_and_share_nothing, Fixture) {
  CredentialCache other(clock);
  cache.remember("alice@example.org", "$hash1", "pw");
  BOOST_TEST(!other.contains("alice@example.org", "$hash1", "pw"));
}

BOOST_AUTO_TEST_CASE(cache_is_safe_to_use_from_many_threads) {
  FakeClock clock;
  CredentialCache cache(clock, CredentialCacheOptions{300s, 16});
  std::atomic<int> misses{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string login = "u" + std::to_string((t * 7 + i) % 8) + "@example.org";
        cache.remember(login, "$h", "pw");
        if (!cache.contains(login, "$h", "pw")) ++misses;  // 8 logins never exceed the bound of 16
      }
    });
  for (auto& th : threads) th.join();
  BOOST_TEST(misses.load() == 0);
  BOOST_TEST(cache.size() == 8u);
}

BOOST_AUTO_TEST_SUITE_END()
