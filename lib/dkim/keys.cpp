#include "dkim/keys.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/error.h"
#include "core/text.h"

namespace postern::dkim {

namespace {

using Bio = core::CHandle<BIO, BIO_free_all>;

[[noreturn]] void fail(const std::string& what) { throw core::Error::permanent("dkim: " + what); }

}  // namespace

std::string_view keyTypeName(KeyAlgorithm a) { return a == KeyAlgorithm::Rsa ? "rsa" : "ed25519"; }

std::string_view signatureAlgorithmName(KeyAlgorithm a) {
  return a == KeyAlgorithm::Rsa ? "rsa-sha256" : "ed25519-sha256";
}

KeyAlgorithm algorithmOf(const EVP_PKEY* key) {
  if (!key) fail("no key");
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return KeyAlgorithm::Rsa;
    case EVP_PKEY_ED25519:
      return KeyAlgorithm::Ed25519;
    default:
      fail("key is neither RSA nor Ed25519");
  }
}

PrivateKey generateRsaKey(int bits) {
  if (bits != 2048 && bits != 3072 && bits != 4096)
    fail("RSA key size " + std::to_string(bits) + " refused: use 2048, 3072 or 4096");
  // The cast is required: EVP_PKEY_Q_keygen is variadic (NOTES-platform §6).
  PrivateKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) throw core::Error::temporary("dkim: RSA key generation failed");
  return key;
}

PrivateKey generateEd25519Key() {
  PrivateKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) throw core::Error::temporary("dkim: Ed25519 key generation failed");
  return key;
}

void requireAcceptableNewKey(const EVP_PKEY* key) {
  if (algorithmOf(key) == KeyAlgorithm::Rsa && EVP_PKEY_get_bits(key) < 2048)
    fail("RSA key of " + std::to_string(EVP_PKEY_get_bits(key)) + " bits refused: at least 2048 required");
}

std::string privateKeyToPem(const EVP_PKEY* key) {
  algorithmOf(key);
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw core::Error::temporary("dkim: cannot write the private key as PEM");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

PrivateKey privateKeyFromPem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw core::Error::temporary("dkim: BIO_new_mem_buf failed");
  PrivateKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail("no private key in the PEM text");
  algorithmOf(key.get());
  return key;
}

PrivateKey ed25519FromSeed(std::string_view seed) {
  if (seed.size() != 32) fail("an Ed25519 seed is 32 bytes");
  PrivateKey key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  if (!key) fail("invalid Ed25519 seed");
  return key;
}

std::string dnsPublicKey(const EVP_PKEY* key) {
  if (algorithmOf(key) == KeyAlgorithm::Ed25519) {
    // RFC 8463 §4: p= is the bare 32-byte public key, not a SubjectPublicKeyInfo.
    unsigned char raw[32];
    size_t length = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &length) != 1 || length != sizeof raw)
      throw core::Error::temporary("dkim: cannot read the Ed25519 public key");
    return core::base64Encode(std::string_view(reinterpret_cast<const char*>(raw), length));
  }
  // RFC 6376 §3.6.1: an RSA p= is the DER SubjectPublicKeyInfo.
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) throw core::Error::temporary("dkim: cannot encode the RSA public key");
  std::string out = core::base64Encode(std::string_view(reinterpret_cast<const char*>(der), length));
  OPENSSL_free(der);
  return out;
}

std::string dnsRecordValue(const EVP_PKEY* key) {
  return dnsRecordValue(algorithmOf(key), dnsPublicKey(key));
}

std::string dnsRecordValue(KeyAlgorithm algorithm, std::string_view publicKey) {
  return "v=DKIM1; k=" + std::string(keyTypeName(algorithm)) + "; p=" + std::string(publicKey);
}

std::optional<KeyAlgorithm> keyAlgorithmFromName(std::string_view name) {
  if (name == "rsa") return KeyAlgorithm::Rsa;
  if (name == "ed25519") return KeyAlgorithm::Ed25519;
  return std::nullopt;
}

int keyBits(const EVP_PKEY* key) {
  algorithmOf(key);
  return EVP_PKEY_get_bits(key);
}

std::vector<std::string> splitTxtStrings(std::string_view value) {
  // RFC 1035 §3.3.14: a TXT RDATA is one or more <character-string>s of at most 255 octets; a verifier
  // joins them without separators (RFC 6376 §3.6.2.2).
  std::vector<std::string> parts;
  for (std::size_t pos = 0; pos < value.size(); pos += 255) parts.emplace_back(value.substr(pos, 255));
  if (parts.empty()) parts.emplace_back();
  return parts;
}

std::string dnsRecordName(std::string_view selector, std::string_view domain) {
  std::string name = std::string(selector) + "._domainkey." + std::string(domain);
  if (!name.ends_with('.')) name += '.';
  return name;
}

std::string zoneFileRecord(std::string_view selector, std::string_view domain, const EVP_PKEY* key) {
  return zoneFileRecord(selector, domain, algorithmOf(key), dnsPublicKey(key));
}

std::string zoneFileRecord(std::string_view selector, std::string_view domain, KeyAlgorithm algorithm,
                           std::string_view publicKey) {
  std::string line = dnsRecordName(selector, domain) + " IN TXT";
  // The value is base64 and fixed words: no '"' or '\\' needs escaping (RFC 1035 §5.1).
  for (const auto& part : splitTxtStrings(dnsRecordValue(algorithm, publicKey))) line += " \"" + part + "\"";
  return line;
}

}  // namespace postern::dkim
