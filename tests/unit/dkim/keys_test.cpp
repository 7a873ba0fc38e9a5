#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <string>

#include "core/error.h"
#include "core/text.h"
#include "dkim/keys.h"

using namespace postern::dkim;

BOOST_AUTO_TEST_CASE(refuses_rsa_keys_under_2048_bits_and_odd_sizes) {
  BOOST_CHECK_THROW(generateRsaKey(1024), postern::core::Error);
  BOOST_CHECK_THROW(generateRsaKey(2047), postern::core::Error);
  BOOST_CHECK_THROW(generateRsaKey(8192), postern::core::Error);
}

BOOST_AUTO_TEST_CASE(rsa_2048_key_round_trips_through_pkcs8_pem_and_publishes_its_spki) {
  const auto key = generateRsaKey();
  BOOST_TEST(EVP_PKEY_get_bits(key.get()) == 2048);
  BOOST_TEST(keyTypeName(algorithmOf(key.get())) == "rsa");
  const std::string pem = privateKeyToPem(key.get());
  BOOST_TEST(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
  const auto back = privateKeyFromPem(pem);
  BOOST_TEST(EVP_PKEY_eq(key.get(), back.get()) == 1);
  const std::string p = dnsPublicKey(key.get());
  BOOST_TEST(p.size() == 392u);  // base64 of the 294-byte SubjectPublicKeyInfo
  BOOST_TEST(postern::core::base64Decode(p).value().size() == 294u);
  BOOST_CHECK_NO_THROW(requireAcceptableNewKey(key.get()));
}

BOOST_AUTO_TEST_CASE(ed25519_key_publishes_its_raw_32_bytes) {
  const auto key = generateEd25519Key();
  BOOST_TEST(keyTypeName(algorithmOf(key.get())) == "ed25519");
  const auto back = privateKeyFromPem(privateKeyToPem(key.get()));
  BOOST_TEST(EVP_PKEY_eq(key.get(), back.get()) == 1);
  const std::string p = dnsPublicKey(key.get());
  BOOST_TEST(p.size() == 44u);
  BOOST_TEST(dnsRecordValue(key.get()) == "v=DKIM1; k=ed25519; p=" + p);
  BOOST_TEST(zoneFileRecord("s1", "example.org", key.get()) ==
             "s1._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p=" + p + "\"");
}

BOOST_AUTO_TEST_CASE(rsa_record_is_split_into_strings_of_at_most_255_octets) {
  const auto key = generateRsaKey();
  const std::string value = dnsRecordValue(key.get());
  BOOST_TEST(value.starts_with("v=DKIM1; k=rsa; p=MIIBIjAN"));
  const auto parts = splitTxtStrings(value);
  BOOST_TEST_REQUIRE(parts.size() == 2u);
  BOOST_TEST(parts[0].size() == 255u);
  BOOST_TEST(parts[0] + parts[1] == value);
  const std::string zone = zoneFileRecord("sel", "example.org.", key.get());
  BOOST_TEST(zone == "sel._domainkey.example.org. IN TXT \"" + parts[0] + "\" \"" + parts[1] + "\"");
}

BOOST_AUTO_TEST_CASE(rejects_pem_without_a_key_and_keys_of_other_types) {
  BOOST_CHECK_THROW(privateKeyFromPem("not a key"), postern::core::Error);
  PrivateKey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  BOOST_CHECK_THROW(algorithmOf(ec.get()), postern::core::Error);
}
