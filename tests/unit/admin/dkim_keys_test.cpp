// admin::DkimKeys over a real SQLite store and a vault with a fixed master key: views carry the record to
// publish and never the sealed key, states and times as stored, KeyAdmin's rules passed through, and
// concurrent calls serialised by the service's one mutex.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "admin/dkim_keys.h"
#include "core/error.h"
#include "core/text.h"
#include "dkim/keys.h"
#include "store/migration_runner.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"

using namespace postern;
using admin::DkimKeys;
using admin::DkimKeyView;
using dkim::KeyAlgorithm;
using postern::test::FakeClock;
using postern::test::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  store::Database db{dir.file("postern.db")};
  FakeClock clock{FakeClock::TimePoint(std::chrono::seconds(1796059673))};  // November 2026
  store::DkimKeyRepository keys{db, clock};
  DkimKeys service{
      keys,
      [] { return dkim::KeyVault(dkim::MasterKey::fromBase64(core::base64Encode(std::string(32, 'a')))); },
      clock};

  Fixture() { store::MigrationRunner(db, clock).run(); }

  // Every string a view carries, to look for sealed bytes in.
  static std::vector<std::string> strings(const DkimKeyView& v) {
    return {v.domain, v.selector, v.algorithm, v.state, v.dnsName, v.dnsValue, v.dnsRecord};
  }
  bool carriesSealedKey(const DkimKeyView& v) {
    const auto stored = keys.find(v.domain, v.selector);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST_REQUIRE(stored->sealedPrivateKey.size() > 16u);
    for (const auto& s : strings(v))
      if (s.find(stored->sealedPrivateKey) != std::string::npos ||
          s.find(stored->sealedPrivateKey.substr(0, 16)) != std::string::npos ||
          s.find("PRIVATE") != std::string::npos)
        return true;
    return false;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dkim_keys, Fixture)

BOOST_AUTO_TEST_CASE(a_view_carries_the_record_to_publish_and_never_the_sealed_key) {
  const auto generated = service.generate("Example.ORG", KeyAlgorithm::Ed25519);
  BOOST_TEST(generated.domain == "example.org");
  BOOST_TEST(generated.selector == "202611e");
  BOOST_TEST(generated.algorithm == "ed25519");
  BOOST_TEST(generated.bits == 256);
  BOOST_TEST(generated.state == "pending");
  BOOST_TEST(
      generated.dnsRecord.starts_with("202611e._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p="));
  BOOST_TEST(!carriesSealedKey(generated));
  const auto listed = service.list();
  BOOST_TEST_REQUIRE(listed.size() == 1u);
  BOOST_TEST(listed[0].dnsRecord == generated.dnsRecord);
  BOOST_TEST(!carriesSealedKey(listed[0]));
  BOOST_TEST(service.dnsRecords("example.org") == std::vector<std::string>{generated.dnsRecord});
}

BOOST_AUTO_TEST_CASE(a_view_names_the_record_and_its_value_apart_as_a_dns_form_asks) {
  const dkim::PrivateKey key = dkim::generateEd25519Key();
  const auto v = service.import("Example.ORG", "Sel", dkim::privateKeyToPem(key.get()));
  BOOST_TEST(v.dnsName == "sel._domainkey.example.org");
  BOOST_TEST(v.dnsValue == dkim::dnsRecordValue(key.get()));
  BOOST_TEST(v.dnsRecord == v.dnsName + ". IN TXT \"" + v.dnsValue + "\"");
}

BOOST_AUTO_TEST_CASE(show_finds_one_key_by_its_names_in_any_case) {
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "one");
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "two");
  BOOST_TEST(service.show("EXAMPLE.org.", "TWO").selector == "two");
}

BOOST_AUTO_TEST_CASE(show_of_an_unknown_or_malformed_key_is_not_found) {
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "one");
  BOOST_CHECK_THROW(service.show("example.org", "other"), core::NotFound);
  BOOST_CHECK_THROW(service.show("example.net", "one"), core::NotFound);
  BOOST_CHECK_THROW(service.show("not a domain", "one"), core::NotFound);
  BOOST_CHECK_THROW(service.show("example.org", "x'; --"), core::NotFound);
}

BOOST_AUTO_TEST_CASE(an_imported_key_is_viewed_as_generated_ones) {
  const dkim::PrivateKey key = dkim::generateEd25519Key();
  const auto imported = service.import("example.org", "imported", dkim::privateKeyToPem(key.get()));
  BOOST_TEST(imported.selector == "imported");
  BOOST_TEST(imported.state == "pending");
  BOOST_TEST(imported.dnsRecord == dkim::zoneFileRecord("imported", "example.org", key.get()));
  BOOST_TEST(!carriesSealedKey(imported));
}

BOOST_AUTO_TEST_CASE(activation_and_retirement_show_in_state_and_times) {
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "old");
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "new");
  BOOST_TEST(!service.activate("example.org", "old").has_value());
  BOOST_TEST((service.activate("example.org", "new") == std::optional<std::string>("old")));
  for (const auto& v : service.list("example.org")) {
    BOOST_TEST(v.activatedAt.has_value());
    BOOST_TEST(v.state == (v.selector == "new" ? "active" : "retired"));
    BOOST_TEST(v.retiredAt.has_value() == (v.selector == "old"));
  }
  service.retire("example.org", "new");
  BOOST_CHECK_THROW(service.dnsRecords("example.org"), core::NotFound);  // retired keys only
  const auto removed = service.remove("example.org", "old", false);
  BOOST_TEST(removed.selector == "old");
  BOOST_TEST(service.list().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_key_size_rule_is_key_admins_and_names_its_field) {
  BOOST_CHECK_EXCEPTION(service.generate("example.org", KeyAlgorithm::Ed25519, 2048), core::InvalidValue,
                        [](const core::InvalidValue& e) { return e.field() == "bits"; });
  BOOST_CHECK_EXCEPTION(service.generate("example.org", KeyAlgorithm::Rsa, 1024), core::InvalidValue,
                        [](const core::InvalidValue& e) { return e.field() == "bits"; });
  BOOST_TEST(service.list().empty());
}

BOOST_AUTO_TEST_CASE(concurrent_generations_are_serialised_and_get_distinct_default_selectors) {
  // KeyAdmin picks the next free default selector and then stores: unserialised, two calls could pick the
  // same one. Each call holds the service's mutex, and no call takes it twice (no deadlock).
  std::vector<std::thread> threads;
  std::vector<std::string> selectors(4);
  for (std::size_t i = 0; i < selectors.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        selectors[i] = service.generate("example.org", KeyAlgorithm::Ed25519).selector;
        service.list();
        service.dnsRecords("example.org", selectors[i]);
      } catch (const std::exception& e) {
        selectors[i] = std::string("error: ") + e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (const auto& s : selectors) BOOST_TEST(s.starts_with("202611e"));
  BOOST_TEST(std::set<std::string>(selectors.begin(), selectors.end()).size() == selectors.size());
  BOOST_TEST(service.list().size() == selectors.size());
}

BOOST_AUTO_TEST_CASE(a_key_whose_record_is_not_published_is_not_activated) {
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "s1");
  const auto missing = [](std::string_view, std::string_view) {
    postern::domains::Verdict v;
    v.status = postern::domains::Status::Missing;
    v.advice = "Publish the record first.";
    return v;
  };
  BOOST_CHECK_EXCEPTION(
      service.activateIfPublished("example.org", "s1", missing, false), postern::core::Conflict,
      [](const postern::core::Conflict& e) {
        // It names the record to publish, and the check's advice.
        return std::string(e.what()) ==
               "s1._domainkey.example.org is not published as this key's record, so the key stays pending. "
               "Publish the record first.";
      });
  BOOST_TEST(service.show("example.org", "s1").state == "pending");
}

BOOST_AUTO_TEST_CASE(a_forced_activation_skips_the_record_check) {
  service.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "s1");
  bool asked = false;
  service.activateIfPublished(
      "example.org", "s1",
      [&](std::string_view, std::string_view) {
        asked = true;
        return postern::domains::Verdict{};
      },
      true);
  BOOST_TEST(!asked);
  BOOST_TEST(service.show("example.org", "s1").state == "active");
}

BOOST_AUTO_TEST_SUITE_END()
