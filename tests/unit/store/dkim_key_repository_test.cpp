// store::DkimKeyRepository: names, states, rotation (activating retires the previous key of the same domain
// and algorithm, never the other algorithm's), deletion rules, and the change counter the server watches.
#include <boost/test/unit_test.hpp>

#include <string>

#include "store/dkim_key_repository.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

using namespace postern::store;
using postern::test::FakeClock;
using postern::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  Database db{dir.file("postern.db")};
  FakeClock clock;
  DkimKeyRepository keys{db, clock};

  Fixture() { MigrationRunner(db, clock).run(); }

  DkimKeyRecord add(const std::string& domain, const std::string& selector,
                    const std::string& algorithm = "rsa") {
    return keys.add(NewDkimKey{domain, selector, algorithm, algorithm == "rsa" ? 2048 : 256,
                               "v1:sealed-" + selector, "p-" + selector});
  }
  DkimKeyState stateOf(const std::string& domain, const std::string& selector) {
    const auto k = keys.find(domain, selector);
    BOOST_TEST_REQUIRE(k.has_value());
    return k->state;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(dkim_key_repository)

BOOST_AUTO_TEST_CASE(normalises_domains_and_selectors) {
  BOOST_TEST(*DkimKeyRepository::normaliseDomain("Example.ORG.") == "example.org");
  BOOST_TEST(*DkimKeyRepository::normaliseDomain("mail.xn--bcher-kva.example") ==
             "mail.xn--bcher-kva.example");
  BOOST_TEST(!DkimKeyRepository::normaliseDomain("org"));  // a single label never signs
  BOOST_TEST(!DkimKeyRepository::normaliseDomain("exa mple.org"));
  BOOST_TEST(!DkimKeyRepository::normaliseDomain("-bad.example.org"));
  BOOST_TEST(!DkimKeyRepository::normaliseDomain("a..example.org"));
  BOOST_TEST(!DkimKeyRepository::normaliseDomain("x;s=evil.example.org"));
  BOOST_TEST(*DkimKeyRepository::normaliseSelector("202611R") == "202611r");
  BOOST_TEST(*DkimKeyRepository::normaliseSelector("eu.2026") == "eu.2026");
  BOOST_TEST(!DkimKeyRepository::normaliseSelector(""));
  BOOST_TEST(!DkimKeyRepository::normaliseSelector("sel_1"));
  BOOST_TEST(!DkimKeyRepository::normaliseSelector(std::string(64, 'a')));
}

BOOST_FIXTURE_TEST_CASE(a_new_key_is_pending_and_listed_without_its_private_key, Fixture) {
  const auto k = add("Example.org", "202611r");
  BOOST_TEST(k.domain == "example.org");
  BOOST_TEST((k.state == DkimKeyState::Pending));
  const auto listed = keys.list();
  BOOST_TEST_REQUIRE(listed.size() == 1u);
  BOOST_TEST(listed[0].selector == "202611r");
  BOOST_TEST(listed[0].sealedPrivateKey.empty());
  BOOST_TEST(listed[0].publicKey == "p-202611r");
  BOOST_TEST(keys.find("example.org", "202611r")->sealedPrivateKey == "v1:sealed-202611r");
  BOOST_TEST(keys.activeKeys().empty());
}

BOOST_FIXTURE_TEST_CASE(a_selector_is_unique_per_domain, Fixture) {
  add("example.org", "s1");
  BOOST_CHECK_THROW(add("example.org", "s1", "ed25519"), AlreadyExists);
  add("example.net", "s1");  // another domain may use it
  BOOST_TEST(keys.selectorExists("example.org", "S1"));
  BOOST_TEST(!keys.selectorExists("example.org", "s2"));
}

BOOST_FIXTURE_TEST_CASE(activating_retires_the_previous_key_of_the_same_algorithm_only, Fixture) {
  add("example.org", "old");
  add("example.org", "ed", "ed25519");
  add("example.org", "new");
  BOOST_TEST(!keys.activate("example.org", "old").has_value());
  BOOST_TEST(!keys.activate("example.org", "ed").has_value());
  BOOST_TEST(keys.activeKeys().size() == 2u);  // rsa and ed25519 side by side (dual signature)

  clock.advance(std::chrono::hours(24));
  const auto previous = keys.activate("example.org", "new");
  BOOST_TEST(previous.value_or("") == "old");
  BOOST_TEST((stateOf("example.org", "old") == DkimKeyState::Retired));
  BOOST_TEST((stateOf("example.org", "new") == DkimKeyState::Active));
  BOOST_TEST((stateOf("example.org", "ed") == DkimKeyState::Active));
  const auto old = keys.find("example.org", "old");
  BOOST_TEST(old->retiredAt.has_value());
  BOOST_TEST((*keys.find("example.org", "new")->activatedAt == clock.now()));
}

BOOST_FIXTURE_TEST_CASE(rotation_leaves_no_moment_without_an_active_key, Fixture) {
  add("example.org", "old");
  keys.activate("example.org", "old");
  add("example.org", "new");  // pending: published in DNS while "old" still signs
  BOOST_TEST(keys.activeKeys().size() == 1u);
  BOOST_TEST(keys.activeKeys()[0].selector == "old");
  keys.activate("example.org", "new");  // one transaction: the switch
  BOOST_TEST(keys.activeKeys().size() == 1u);
  BOOST_TEST(keys.activeKeys()[0].selector == "new");
}

BOOST_FIXTURE_TEST_CASE(a_retired_key_can_be_activated_again, Fixture) {
  add("example.org", "a");
  add("example.org", "b");
  keys.activate("example.org", "a");
  keys.activate("example.org", "b");
  BOOST_TEST(keys.activate("example.org", "a").value_or("") == "b");
  BOOST_TEST((stateOf("example.org", "a") == DkimKeyState::Active));
  BOOST_TEST(!keys.find("example.org", "a")->retiredAt.has_value());
}

BOOST_FIXTURE_TEST_CASE(activating_the_active_key_changes_nothing, Fixture) {
  add("example.org", "a");
  keys.activate("example.org", "a");
  const auto before = keys.generation();
  BOOST_TEST(!keys.activate("example.org", "a").has_value());
  BOOST_TEST(keys.generation() == before);
}

BOOST_FIXTURE_TEST_CASE(retire_stops_signing, Fixture) {
  add("example.org", "a");
  keys.activate("example.org", "a");
  keys.retire("example.org", "a");
  BOOST_TEST(keys.activeKeys().empty());
  BOOST_TEST((stateOf("example.org", "a") == DkimKeyState::Retired));
  BOOST_CHECK_THROW(keys.retire("example.org", "missing"), NotFound);
  BOOST_CHECK_THROW(keys.activate("example.org", "missing"), NotFound);
}

BOOST_FIXTURE_TEST_CASE(deleting_an_active_key_needs_force, Fixture) {
  add("example.org", "a");
  add("example.org", "p");
  keys.activate("example.org", "a");
  BOOST_CHECK_THROW(keys.remove("example.org", "a", false), InvalidValue);
  BOOST_TEST(keys.find("example.org", "a").has_value());
  keys.remove("example.org", "p", false);  // pending: no force needed
  BOOST_TEST(!keys.find("example.org", "p").has_value());
  keys.remove("example.org", "a", true);
  BOOST_TEST(keys.list().empty());
  BOOST_CHECK_THROW(keys.remove("example.org", "a", true), NotFound);
}

BOOST_FIXTURE_TEST_CASE(every_change_raises_the_generation, Fixture) {
  auto g = keys.generation();
  add("example.org", "a");
  BOOST_TEST(keys.generation() > g);
  g = keys.generation();
  keys.activate("example.org", "a");
  BOOST_TEST(keys.generation() > g);
  g = keys.generation();
  keys.retire("example.org", "a");
  BOOST_TEST(keys.generation() > g);
  g = keys.generation();
  keys.remove("example.org", "a", false);
  BOOST_TEST(keys.generation() > g);
  g = keys.generation();
  keys.list();
  keys.activeKeys();
  BOOST_TEST(keys.generation() == g);  // reading changes nothing
}

BOOST_FIXTURE_TEST_CASE(the_database_allows_one_active_key_per_domain_and_algorithm, Fixture) {
  add("example.org", "a");
  add("example.org", "b");
  keys.activate("example.org", "a");
  auto c = db.acquire();
  BOOST_CHECK_THROW(c->exec("UPDATE dkim_keys SET state = 'active' WHERE selector = 'b'"),
                    ConstraintViolation);
}

BOOST_AUTO_TEST_SUITE_END()
