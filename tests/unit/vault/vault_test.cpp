#define BOOST_TEST_MODULE vault
// vault::KeyVault and MasterKey (with the DKIM row binding): AES-256-GCM round trip, a fresh nonce per
// seal, tampering, a wrong master key, a sealed key moved to another row (AAD), and the master key file
// (created 0600, shared by racing creators, malformed content refused without echoing it). The messages
// speak of sealed secrets, not of what they are for.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "core/text.h"
#include "dkim/key_binding.h"
#include "support/temp_dir.h"

using namespace postern::dkim;
using postern::test::TempDir;

namespace {

const std::string kPem =
    "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+secret+seed+material==\n-----END PRIVATE KEY-----\n";
const std::string kRow = keyRowBinding("example.org", "202611e", "ed25519");

KeyVault vaultA() {
  return KeyVault(MasterKey::fromBase64(postern::core::base64Encode(std::string(32, 'a'))));
}
KeyVault vaultB() {
  return KeyVault(MasterKey::fromBase64(postern::core::base64Encode(std::string(32, 'b'))));
}

std::string flipOneBit(std::string sealed, std::size_t index) {
  auto raw = *postern::core::base64Decode(sealed.substr(3));
  raw[index] = static_cast<char>(raw[index] ^ 0x01);
  return "v1:" + postern::core::base64Encode(raw);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(key_vault)

BOOST_AUTO_TEST_CASE(seals_and_opens) {
  const auto vault = vaultA();
  const std::string sealed = vault.seal(kPem, kRow);
  BOOST_TEST(sealed.starts_with("v1:"));
  BOOST_TEST(sealed.find("PRIVATE KEY") == std::string::npos);
  BOOST_TEST(vault.open(sealed, kRow) == kPem);
}

BOOST_AUTO_TEST_CASE(every_seal_uses_a_fresh_nonce) {
  const auto vault = vaultA();
  const std::string a = vault.seal(kPem, kRow);
  const std::string b = vault.seal(kPem, kRow);
  BOOST_TEST(a != b);
  BOOST_TEST(postern::core::base64Decode(a.substr(3))->substr(0, 12) !=
             postern::core::base64Decode(b.substr(3))->substr(0, 12));
}

BOOST_AUTO_TEST_CASE(a_wrong_master_key_is_an_error_not_garbage) {
  const std::string sealed = vaultA().seal(kPem, kRow);
  try {
    vaultB().open(sealed, kRow);
    BOOST_FAIL("opened with the wrong key");
  } catch (const VaultError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("the sealed secret for example.org/202611e/ed25519 does not open") !=
               std::string::npos);
    BOOST_TEST(what.find("wrong master key") != std::string::npos);
    BOOST_TEST(what.find("DKIM") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(any_altered_byte_is_detected) {
  const auto vault = vaultA();
  const std::string sealed = vault.seal(kPem, kRow);
  const std::size_t size = postern::core::base64Decode(sealed.substr(3))->size();
  for (const std::size_t i :
       {std::size_t(0), std::size_t(11), std::size_t(12), size / 2, size - 17, size - 1})
    BOOST_CHECK_THROW(vault.open(flipOneBit(sealed, i), kRow), VaultError);
  BOOST_CHECK_THROW(vault.open(sealed.substr(0, sealed.size() - 8), kRow), VaultError);
  BOOST_CHECK_THROW(vault.open("v1:!!", kRow), VaultError);
  BOOST_CHECK_THROW(vault.open(kPem, kRow), VaultError);  // plaintext in the column: refused
}

BOOST_AUTO_TEST_CASE(a_sealed_key_does_not_open_in_another_row) {
  const auto vault = vaultA();
  const std::string sealed = vault.seal(kPem, kRow);
  BOOST_CHECK_THROW(vault.open(sealed, keyRowBinding("example.net", "202611e", "ed25519")), VaultError);
  BOOST_CHECK_THROW(vault.open(sealed, keyRowBinding("example.org", "other", "ed25519")), VaultError);
  BOOST_CHECK_THROW(vault.open(sealed, keyRowBinding("example.org", "202611e", "rsa")), VaultError);
}

BOOST_AUTO_TEST_CASE(master_key_text_must_be_32_bytes_of_base64) {
  BOOST_CHECK_NO_THROW(MasterKey::fromBase64("  " + MasterKey::generate().toBase64() + "\n"));
  BOOST_CHECK_THROW(MasterKey::fromBase64(""), VaultError);
  BOOST_CHECK_THROW(MasterKey::fromBase64(postern::core::base64Encode(std::string(31, 'x'))), VaultError);
  BOOST_CHECK_THROW(MasterKey::fromBase64(postern::core::base64Encode(std::string(33, 'x'))), VaultError);
  try {
    MasterKey::fromBase64("not-base64-secret-text");
    BOOST_FAIL("accepted");
  } catch (const VaultError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "the master key must be the base64 of exactly 32 bytes");  // not echoed
  }
}

BOOST_AUTO_TEST_CASE(the_check_value_identifies_the_master_key) {
  BOOST_TEST(vaultA().checkValue() == vaultA().checkValue());
  BOOST_TEST(vaultA().checkValue() != vaultB().checkValue());
  BOOST_TEST(vaultA().matchesCheckValue(vaultA().checkValue()));
  BOOST_TEST(!vaultA().matchesCheckValue(vaultB().checkValue()));
  BOOST_TEST(vaultA().checkValue().find("YWFhYWFh") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_master_key_file_is_created_0600_on_first_use) {
  TempDir dir;
  const std::string path = dir.file("master.key");
  try {
    MasterKey::fromFile(path, false);
    BOOST_FAIL("a missing file was accepted");
  } catch (const VaultError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "the master key file " + path +
                   " does not exist: the sealed secrets cannot be opened without it");
  }
  bool created = false;
  const MasterKey first = MasterKey::fromFile(path, true, &created);
  BOOST_TEST(created);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  const MasterKey again = MasterKey::fromFile(path, true, &created);
  BOOST_TEST(!created);
  BOOST_TEST(again.toBase64() == first.toBase64());
  // Sealed under the file's key, opened under the same key read back.
  BOOST_TEST(KeyVault(again).open(KeyVault(first).seal(kPem, kRow), kRow) == kPem);
  // No temporary file is left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  BOOST_TEST(entries == 1u);
}

BOOST_AUTO_TEST_CASE(a_malformed_master_key_file_is_refused) {
  TempDir dir;
  const std::string path = dir.file("master.key");
  std::ofstream(path) << "hunter2\n";
  try {
    MasterKey::fromFile(path, true);
    BOOST_FAIL("accepted");
  } catch (const VaultError& e) {
    BOOST_TEST(std::string(e.what()) ==
               "the master key file " + path + " does not hold the base64 of 32 bytes");
    BOOST_TEST(std::string(e.what()).find("hunter2") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
