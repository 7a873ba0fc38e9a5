// dkim::KeyAdmin and dkim::ActiveKeys over a real SQLite store: generation, import and the size policy,
// default selectors, activation checks, rotation seen by the signer without a restart, the parsed-key
// cache, what a wrong master key or an altered row does (a broken entry, never a crash), and the one master
// key check shared with every other sealed secret (vault_meta), kept across the migration that moved it.
#include <boost/test/unit_test.hpp>

#include <openssl/pem.h>

#include <string>
#include <vector>

#include "core/text.h"
#include "dkim/active_keys.h"
#include "dkim/key_admin.h"
#include "store/migration_runner.h"
#include "store/store_error.h"
#include "store/vault_meta_repository.h"
#include "support/fake_clock.h"
#include "support/temp_dir.h"
#include "vault/master_key_check.h"

using namespace postern;
using namespace postern::dkim;
using postern::test::FakeClock;
using postern::test::TempDir;

namespace {

KeyVault vaultA() {
  return KeyVault(MasterKey::fromBase64(postern::core::base64Encode(std::string(32, 'a'))));
}
KeyVault vaultB() {
  return KeyVault(MasterKey::fromBase64(postern::core::base64Encode(std::string(32, 'b'))));
}

struct Fixture {
  TempDir dir;
  store::Database db{dir.file("postern.db")};
  FakeClock clock{FakeClock::TimePoint(std::chrono::seconds(1796059673))};  // November 2026
  store::DkimKeyRepository keys{db, clock};
  KeyAdmin admin{keys, vaultA, clock};
  std::vector<std::string> notes;
  ActiveKeys active{keys, vaultA, SigningSettings{},
                    [this](bool error, const std::string& m) { notes.push_back((error ? "E " : "I ") + m); }};

  Fixture() { store::MigrationRunner(db, clock).run(); }

  const KeyRing::Entry* entry(const std::string& domain) { return active.current()->find(domain); }
};

std::string rsa1024Pem() {
  PrivateKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
  return privateKeyToPem(key.get());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_store)

BOOST_FIXTURE_TEST_CASE(default_selectors_follow_the_month_and_algorithm, Fixture) {
  BOOST_TEST(admin.generate("example.org", KeyAlgorithm::Ed25519).selector == "202611e");
  BOOST_TEST(admin.generate("example.org", KeyAlgorithm::Ed25519).selector == "202611e2");
  BOOST_TEST(admin.generate("example.org", KeyAlgorithm::Rsa).selector == "202611r");
  BOOST_TEST(admin.generate("example.net", KeyAlgorithm::Rsa, 3072).bits == 3072);
  BOOST_TEST(admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "custom").selector ==
             "custom");
  BOOST_CHECK_THROW(admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "custom"),
                    core::AlreadyExists);
}

BOOST_FIXTURE_TEST_CASE(a_key_size_is_for_rsa_only_and_one_of_three, Fixture) {
  const auto fieldOf = [&](KeyAlgorithm a, int bits) -> std::string {
    try {
      admin.generate("example.org", a, bits);
    } catch (const core::InvalidValue& e) {
      return e.field();
    }
    return "(accepted)";
  };
  BOOST_TEST(fieldOf(KeyAlgorithm::Ed25519, 256) == "bits");
  BOOST_TEST(fieldOf(KeyAlgorithm::Rsa, 2000) == "bits");
  BOOST_TEST(fieldOf(KeyAlgorithm::Rsa, 8192) == "bits");
  BOOST_TEST(keys.list().empty());
}

BOOST_FIXTURE_TEST_CASE(small_rsa_keys_are_refused, Fixture) {
  BOOST_CHECK_THROW(admin.generate("example.org", KeyAlgorithm::Rsa, 1024), core::InvalidValue);
  BOOST_CHECK_THROW(admin.import("example.org", "old", rsa1024Pem()), core::Error);
  BOOST_TEST(keys.list().empty());
}

BOOST_FIXTURE_TEST_CASE(an_imported_key_keeps_its_public_key, Fixture) {
  const PrivateKey key = generateRsaKey(2048);
  const auto record = admin.import("Example.org", "imported", privateKeyToPem(key.get()));
  BOOST_TEST(record.domain == "example.org");
  BOOST_TEST(record.publicKey == dnsPublicKey(key.get()));
  const auto records = admin.dnsRecords("example.org", std::string("imported"));
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST(records[0] == zoneFileRecord("imported", "example.org", key.get()));
  BOOST_CHECK_THROW(admin.import("example.org", "x", "not a pem"), core::Error);
}

BOOST_FIXTURE_TEST_CASE(the_database_holds_no_plaintext_key, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Rsa);
  auto c = db.acquire();
  auto q = c->prepare("SELECT private_key FROM dkim_keys");
  BOOST_TEST_REQUIRE(q.step());
  BOOST_TEST(q.columnText(0).starts_with("v1:"));
  BOOST_TEST(q.columnText(0).find("PRIVATE KEY") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(dns_lists_pending_and_active_keys_not_retired_ones, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Rsa, 2048, "a");
  admin.generate("example.org", KeyAlgorithm::Rsa, 2048, "b");
  admin.generate("example.org", KeyAlgorithm::Rsa, 2048, "c");
  admin.activate("example.org", "a");
  admin.activate("example.org", "b");  // a retires
  const auto records = admin.dnsRecords("example.org");
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].starts_with("b._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p="));
  BOOST_TEST(records[1].starts_with("c._domainkey.example.org. IN TXT"));
  BOOST_TEST(admin.dnsRecords("example.org", std::string("a")).size() == 1u);  // asked for by name
  BOOST_CHECK_THROW(admin.dnsRecords("example.net"), core::NotFound);
}

BOOST_FIXTURE_TEST_CASE(the_signer_sees_activation_and_rotation_without_a_restart, Fixture) {
  BOOST_TEST(!entry("example.org"));
  admin.generate("example.org", KeyAlgorithm::Rsa, 2048, "old");
  BOOST_TEST(!entry("example.org"));  // pending keys do not sign
  admin.activate("example.org", "old");
  BOOST_TEST_REQUIRE(entry("example.org"));
  BOOST_TEST(entry("example.org")->signers.at(0)->selector() == "old");

  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "ed");
  admin.activate("example.org", "ed");
  BOOST_TEST(entry("example.org")->signers.size() == 2u);  // dual

  admin.generate("example.org", KeyAlgorithm::Rsa, 2048, "new");
  BOOST_TEST(entry("example.org")->signers.at(1)->selector() == "old");
  admin.activate("example.org", "new");
  BOOST_TEST(entry("example.org")->signers.at(1)->selector() == "new");

  admin.retire("example.org", "ed");
  admin.retire("example.org", "new");
  BOOST_TEST(!entry("example.org"));
}

BOOST_FIXTURE_TEST_CASE(unchanged_keys_are_not_decrypted_again, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "e");
  admin.activate("example.org", "e");
  const auto first = active.current();
  BOOST_TEST(active.current() == first);  // nothing changed: the same ring, no reload
  const auto signer = first->find("example.org")->signers.at(0);
  admin.generate("example.net", KeyAlgorithm::Ed25519, std::nullopt, "e");
  admin.activate("example.net", "e");
  const auto second = active.current();
  BOOST_TEST(second != first);
  BOOST_TEST(second->find("example.org")->signers.at(0) == signer);  // the parsed key was kept
}

BOOST_FIXTURE_TEST_CASE(a_wrong_master_key_breaks_the_domain_with_a_clear_note, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "e");
  admin.activate("example.org", "e");
  ActiveKeys wrong(keys, vaultB, SigningSettings{}, [this](bool error, const std::string& m) {
    if (error) notes.push_back(m);
  });
  const auto ring = wrong.current();
  const auto* e = ring->find("example.org");
  BOOST_TEST_REQUIRE(e);
  BOOST_TEST(e->signers.empty());
  BOOST_TEST(e->error.find("master key") != std::string::npos);
  wrong.current();
  wrong.current();
  BOOST_TEST(notes.size() == 1u);  // noted once, not per message
  BOOST_TEST(notes.at(0).find("example.org/e") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_missing_master_key_file_breaks_signing_not_the_server, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "e");
  admin.activate("example.org", "e");
  const std::string path = dir.file("absent.key");
  ActiveKeys noFile(
      keys, [&] { return KeyVault(MasterKey::fromFile(path, false)); }, SigningSettings{});
  const auto* e = noFile.current()->find("example.org");
  BOOST_TEST_REQUIRE(e);
  BOOST_TEST(e->error.find("does not exist") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(swapped_rows_do_not_open_and_cannot_be_activated, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "a");
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "b");
  admin.activate("example.org", "a");
  {
    auto c = db.acquire();
    c->exec(
        "UPDATE dkim_keys SET private_key = (SELECT private_key FROM dkim_keys WHERE selector = 'a') "
        "WHERE selector = 'b'");
  }
  BOOST_CHECK_THROW(admin.activate("example.org", "b"), VaultError);
  BOOST_TEST((keys.find("example.org", "a")->state == store::DkimKeyState::Active));  // unchanged
  {
    auto c = db.acquire();
    c->exec("UPDATE dkim_keys SET state = 'retired' WHERE selector = 'a'");
    c->exec("UPDATE dkim_keys SET state = 'active' WHERE selector = 'b'");
  }
  const auto* e = entry("example.org");
  BOOST_TEST_REQUIRE(e);
  BOOST_TEST(e->signers.empty());
  BOOST_TEST(
      e->error.find("DKIM key example.org/b cannot be used: the sealed secret for example.org/b/ed25519 "
                    "does not open") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_second_master_key_is_not_mixed_in, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519);
  KeyAdmin other(keys, vaultB, clock);
  try {
    other.generate("example.net", KeyAlgorithm::Ed25519, std::nullopt, "e");
    BOOST_FAIL("sealed under a second master key");
  } catch (const VaultError& e) {
    BOOST_TEST(
        std::string(e.what()).starts_with("DKIM key example.net/e: the master key is not the one the "
                                          "stored secrets are sealed with"));
    BOOST_TEST(std::string(e.what()).find("secrets.master_key_file") != std::string::npos);
  }
  BOOST_CHECK_THROW(other.import("example.net", "i", privateKeyToPem(generateEd25519Key().get())),
                    VaultError);
  BOOST_TEST(keys.list().size() == 1u);
  BOOST_TEST(other.list().size() == 1u);  // listing needs no master key
}

BOOST_FIXTURE_TEST_CASE(a_second_master_key_cannot_activate_a_key, Fixture) {
  const auto record = admin.generate("example.org", KeyAlgorithm::Ed25519);
  KeyAdmin other(keys, vaultB, clock);
  try {
    other.activate("example.org", record.selector);
    BOOST_FAIL("activated under a second master key");
  } catch (const VaultError& e) {
    BOOST_TEST(std::string(e.what()).starts_with("DKIM key example.org/" + record.selector +
                                                 ": the master key is not the one"));
  }
  BOOST_TEST((keys.find("example.org", record.selector)->state == store::DkimKeyState::Pending));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_master_key_is_named_before_any_key_is_opened, Fixture) {
  admin.generate("example.org", KeyAlgorithm::Ed25519, std::nullopt, "e");
  admin.activate("example.org", "e");
  ActiveKeys wrong(keys, vaultB, SigningSettings{});
  const auto* e = wrong.current()->find("example.org");
  BOOST_TEST_REQUIRE(e);
  BOOST_TEST(
      e->error ==
      "DKIM key example.org/e cannot be used: the master key is not the one the stored secrets are "
      "sealed with (check secrets.master_key, POSTERN_SECRETS_MASTER_KEY and secrets.master_key_file)");
}

BOOST_FIXTURE_TEST_CASE(dkim_keys_and_other_sealed_secrets_share_one_master_key_check, Fixture) {
  // Another owner of sealed secrets (a route's password) sealed first, under master key B.
  store::VaultMetaRepository vaultMeta(db);
  vault::requireMatchingMasterKey(vaultB(), vaultMeta, vault::SecretAccess::Seal);
  BOOST_CHECK_THROW(admin.generate("example.org", KeyAlgorithm::Ed25519), VaultError);  // admin uses A
  BOOST_TEST(keys.list().empty());
  KeyAdmin underB(keys, vaultB, clock);
  BOOST_CHECK_NO_THROW(underB.generate("example.org", KeyAlgorithm::Ed25519));
}

BOOST_AUTO_TEST_CASE(an_installation_keeps_its_master_key_across_the_vault_migration) {
  TempDir dir;
  store::Database db(dir.file("postern.db"));
  FakeClock clock{FakeClock::TimePoint(std::chrono::seconds(1796059673))};
  // A database as the previous release left it: a key sealed under A, A's check value in dkim_meta.
  std::vector<store::Migration> previous;
  for (const auto& m : store::embeddedMigrations())
    if (m.version < 5) previous.push_back(m);
  store::MigrationRunner(db, clock).run(previous);
  store::DkimKeyRepository keys(db, clock);
  const PrivateKey key = generateEd25519Key();
  keys.add(store::NewDkimKey{
      "example.org", "e", "ed25519", 256,
      vaultA().seal(privateKeyToPem(key.get()), keyRowBinding("example.org", "e", "ed25519")),
      dnsPublicKey(key.get())});
  keys.activate("example.org", "e");
  db.acquire()->exec("UPDATE dkim_meta SET master_key_check = '" + vaultA().checkValue() + "' WHERE id = 1");

  store::MigrationRunner(db, clock).run();

  ActiveKeys underA(keys, vaultA, SigningSettings{});
  BOOST_TEST_REQUIRE(underA.current()->find("example.org"));
  BOOST_TEST(underA.current()->find("example.org")->signers.size() == 1u);
  ActiveKeys underB(keys, vaultB, SigningSettings{});
  BOOST_TEST(underB.current()->find("example.org")->error.find("the master key is not the one") !=
             std::string::npos);
  BOOST_CHECK_THROW(KeyAdmin(keys, vaultB, clock).generate("example.net", KeyAlgorithm::Ed25519), VaultError);
  BOOST_CHECK_NO_THROW(KeyAdmin(keys, vaultA, clock).generate("example.net", KeyAlgorithm::Ed25519));
}

BOOST_AUTO_TEST_CASE(canonicalization_setting_parses) {
  const auto s = parseCanonicalization("simple/relaxed");
  BOOST_TEST_REQUIRE(s.has_value());
  BOOST_TEST((s->header == Canonicalization::Simple && s->body == Canonicalization::Relaxed));
  BOOST_TEST(!parseCanonicalization("relaxed"));
  BOOST_TEST(!parseCanonicalization("relaxed/nofws"));
}

BOOST_AUTO_TEST_SUITE_END()
