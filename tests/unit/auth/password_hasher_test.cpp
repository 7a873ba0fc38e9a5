#define BOOST_TEST_MODULE auth
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "auth/concurrency_limit.h"
#include "auth/password_hasher.h"
#include "auth/phc_hash.h"
#include "unit/auth/auth_fixture.h"

using namespace postern::auth;
using postern::test::kCheapArgon2;
using Verdict = PasswordHasher::Verdict;

BOOST_AUTO_TEST_SUITE(password_hasher)

BOOST_AUTO_TEST_CASE(default_parameters_are_argon2id_t2_m19456_p1_with_16_byte_salt_and_32_byte_hash) {
  const PasswordHasher hasher;
  const std::string phc = hasher.hash("correct horse");
  BOOST_TEST(phc.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  BOOST_TEST(phc.size() == 97u);  // NOTES-platform §5
  const auto parsed = PhcHash::parse(phc);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->salt.size() == 16u);
  BOOST_TEST(parsed->hash.size() == 32u);
  BOOST_TEST((hasher.verify(phc, "correct horse") == Verdict::Match));
  BOOST_TEST(hasher.maxConcurrent() == 2u);
}

BOOST_AUTO_TEST_CASE(verify_matches_only_the_hashed_password) {
  const PasswordHasher hasher(kCheapArgon2);
  const std::string phc = hasher.hash("correct horse");
  BOOST_TEST(phc.rfind("$argon2id$v=19$m=64,t=1,p=1$", 0) == 0);
  BOOST_TEST((hasher.verify(phc, "correct horse") == Verdict::Match));
  BOOST_TEST((hasher.verify(phc, "correct horsE") == Verdict::Mismatch));
  BOOST_TEST((hasher.verify(phc, "") == Verdict::Mismatch));
  BOOST_TEST((hasher.verify(phc, std::string("correct horse\0", 14)) == Verdict::Mismatch));
}

BOOST_AUTO_TEST_CASE(verify_uses_the_parameters_stored_in_the_hash_not_the_current_ones) {
  const std::string phc = PasswordHasher(kCheapArgon2).hash("pw-123456");
  const PasswordHasher stronger(Argon2Params{2, 128, 1});
  BOOST_TEST((stronger.verify(phc, "pw-123456") == Verdict::Match));
}

BOOST_AUTO_TEST_CASE(same_password_gets_a_fresh_salt_each_time) {
  const PasswordHasher hasher(kCheapArgon2);
  BOOST_TEST(hasher.hash("same") != hasher.hash("same"));
}

BOOST_AUTO_TEST_CASE(malformed_hashes_are_reported_as_malformed) {
  const PasswordHasher hasher(kCheapArgon2);
  const std::string good = hasher.hash("x");
  const std::string tail = good.substr(good.find("$m="));
  for (const std::string& bad : std::vector<std::string>{
           "", "plaintext", "$argon2id$", "$argon2i" + good.substr(9), "$argon2id$v=16" + tail,
           "$argon2id" + tail,                                                       // no version
           "$argon2id$v=19$m=64,t=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",  // no p
           "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
           "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
           "$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
           "$argon2id$v=19$m=64,t=1,p=1$c2Fs$aGFzaGhhc2hoYXNoaGFzaA",  // salt too short
           "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a!Fz",  // hash not base64
           good + "$extra"})
    BOOST_TEST((hasher.verify(bad, "x") == Verdict::Malformed), "accepted: " << bad);
}

BOOST_AUTO_TEST_CASE(phc_string_parses_into_parameters_salt_and_hash_and_renders_back) {
  const std::string phc = PasswordHasher(Argon2Params{3, 256, 2}).hash("pw");
  const auto parsed = PhcHash::parse(phc);
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->params.timeCost == 3u);
  BOOST_TEST(parsed->params.memoryKiB == 256u);
  BOOST_TEST(parsed->params.parallelism == 2u);
  BOOST_TEST(parsed->str() == phc);  // libargon2's encoder and ours agree byte for byte
}

BOOST_AUTO_TEST_CASE(hash_needs_rehash_when_weaker_than_current_parameters) {
  const PasswordHasher current(Argon2Params{2, 128, 1});
  BOOST_TEST(!current.needsRehash(current.hash("pw")));
  BOOST_TEST(current.needsRehash(PasswordHasher(Argon2Params{1, 128, 1}).hash("pw")));   // fewer passes
  BOOST_TEST(current.needsRehash(PasswordHasher(Argon2Params{2, 64, 1}).hash("pw")));    // less memory
  BOOST_TEST(!current.needsRehash(PasswordHasher(Argon2Params{3, 256, 1}).hash("pw")));  // stronger is fine
  BOOST_TEST(current.needsRehash("not a hash"));
}

BOOST_AUTO_TEST_CASE(parameters_argon2_refuses_are_rejected_at_construction) {
  BOOST_CHECK_THROW(PasswordHasher(Argon2Params{0, 64, 1}), std::invalid_argument);
  BOOST_CHECK_THROW(PasswordHasher(Argon2Params{1, 8, 2}), std::invalid_argument);
  BOOST_CHECK_THROW(PasswordHasher(kCheapArgon2, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(concurrency_limit_blocks_callers_beyond_the_limit) {
  ConcurrencyLimit limit(2);
  std::atomic<int> active{0}, peak{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      const auto permit = limit.acquire();
      const int now = ++active;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      --active;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(peak.load() <= 2);
  BOOST_TEST(limit.inUse() == 0u);
}

BOOST_AUTO_TEST_CASE(hasher_is_usable_from_many_threads) {
  const PasswordHasher hasher(kCheapArgon2, 2);
  const std::string phc = hasher.hash("shared");
  std::atomic<int> matches{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k)
        if (hasher.verify(phc, "shared") == Verdict::Match) ++matches;
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(matches.load() == 20);
}

BOOST_AUTO_TEST_SUITE_END()
