#include "dkim/key_admin.h"

#include <openssl/crypto.h>

#include <ctime>

#include "core/error.h"

namespace postern::dkim {

KeyAdmin::KeyAdmin(store::DkimKeyRepository& keys, VaultOpener openVault, const core::Clock& clock)
    : keys_(keys), openVault_(std::move(openVault)), clock_(clock) {}

const KeyVault& KeyAdmin::vault() {
  if (!vault_) {
    KeyVault opened = openVault_();
    // Every key in one database is sealed under one master key: refuse to mix in a second one.
    const std::string check = opened.checkValue();
    const std::string recorded = keys_.recordMasterKeyCheck(check);
    if (!opened.matchesCheckValue(recorded))
      throw VaultError(
          "this DKIM master key is not the one the stored keys are sealed with (see secrets.master_key and "
          "secrets.master_key_file)");
    vault_.emplace(std::move(opened));
  }
  return *vault_;
}

std::string KeyAdmin::defaultSelector(std::string_view domain, KeyAlgorithm algorithm) {
  const std::time_t now = std::chrono::system_clock::to_time_t(clock_.now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char month[16];
  std::strftime(month, sizeof month, "%Y%m", &tm);
  const std::string base = std::string(month) + (algorithm == KeyAlgorithm::Rsa ? "r" : "e");
  if (!keys_.selectorExists(domain, base)) return base;
  for (int n = 2;; ++n) {
    const std::string candidate = base + std::to_string(n);
    if (!keys_.selectorExists(domain, candidate)) return candidate;
  }
}

store::DkimKeyRecord KeyAdmin::store(std::string_view domain, std::string_view selector,
                                     const EVP_PKEY* key) {
  requireAcceptableNewKey(key);
  const auto d = store::DkimKeyRepository::normaliseDomain(domain);
  const auto s = store::DkimKeyRepository::normaliseSelector(selector);
  if (!d) throw core::InvalidValue("not a domain name: '" + std::string(domain) + "'");
  if (!s) throw core::InvalidValue("not a valid selector: '" + std::string(selector) + "'");
  store::NewDkimKey row;
  row.domain = *d;
  row.selector = *s;
  row.algorithm = std::string(keyTypeName(algorithmOf(key)));
  row.bits = keyBits(key);
  row.publicKey = dnsPublicKey(key);
  std::string pem = privateKeyToPem(key);
  try {
    row.sealedPrivateKey = vault().seal(pem, keyRowBinding(row.domain, row.selector, row.algorithm));
  } catch (...) {
    OPENSSL_cleanse(pem.data(), pem.size());
    throw;
  }
  OPENSSL_cleanse(pem.data(), pem.size());
  return keys_.add(row);
}

store::DkimKeyRecord KeyAdmin::generate(std::string_view domain, KeyAlgorithm algorithm, int bits,
                                        std::optional<std::string> selector) {
  const auto d = store::DkimKeyRepository::normaliseDomain(domain);
  if (!d) throw core::InvalidValue("not a domain name: '" + std::string(domain) + "'");
  const std::string s = selector ? *selector : defaultSelector(*d, algorithm);
  if (!store::DkimKeyRepository::normaliseSelector(s))
    throw core::InvalidValue("not a valid selector: '" + s +
                              "' (letters, digits and '-', at most 63 characters)");
  if (keys_.selectorExists(*d, s))
    throw core::AlreadyExists("a DKIM key with selector " + s + " exists already for " + *d);
  // Checked before the (slow) generation so a refused size costs nothing.
  if (algorithm == KeyAlgorithm::Rsa && bits != 2048 && bits != 3072 && bits != 4096)
    throw core::InvalidValue("RSA key size " + std::to_string(bits) + " refused: use 2048, 3072 or 4096");
  const PrivateKey key = algorithm == KeyAlgorithm::Rsa ? generateRsaKey(bits) : generateEd25519Key();
  return store(*d, s, key.get());
}

store::DkimKeyRecord KeyAdmin::import(std::string_view domain, std::string_view selector,
                                      std::string_view pem) {
  const PrivateKey key = privateKeyFromPem(pem);
  return store(domain, selector, key.get());
}

std::vector<store::DkimKeyRecord> KeyAdmin::list(std::optional<std::string_view> domain) {
  return keys_.list(domain);
}

std::optional<std::string> KeyAdmin::activate(std::string_view domain, std::string_view selector) {
  const auto record = keys_.find(domain, selector);
  if (!record) throw core::NotFound("no DKIM key " + std::string(domain) + "/" + std::string(selector));
  // A key the server cannot open would turn every message of the domain into a 451: check it now.
  std::string pem = vault().open(record->sealedPrivateKey,
                                 keyRowBinding(record->domain, record->selector, record->algorithm));
  PrivateKey key;
  try {
    key = privateKeyFromPem(pem);
  } catch (...) {
    OPENSSL_cleanse(pem.data(), pem.size());
    throw;
  }
  OPENSSL_cleanse(pem.data(), pem.size());
  if (keyTypeName(algorithmOf(key.get())) != record->algorithm ||
      dnsPublicKey(key.get()) != record->publicKey)
    throw VaultError("the DKIM key " + record->domain + "/" + record->selector +
                     " does not match its stored public key: the database row is damaged");
  return keys_.activate(record->domain, record->selector);
}

void KeyAdmin::retire(std::string_view domain, std::string_view selector) { keys_.retire(domain, selector); }

store::DkimKeyRecord KeyAdmin::remove(std::string_view domain, std::string_view selector, bool force) {
  return keys_.remove(domain, selector, force);
}

std::vector<std::string> KeyAdmin::dnsRecords(std::string_view domain,
                                              std::optional<std::string_view> selector) {
  std::vector<std::string> out;
  for (const auto& key : keys_.list(domain)) {
    const bool wanted = selector ? store::DkimKeyRepository::normaliseSelector(*selector) == key.selector
                                 : key.state != store::DkimKeyState::Retired;
    if (!wanted) continue;
    const auto algorithm = keyAlgorithmFromName(key.algorithm);
    if (!algorithm) continue;
    out.push_back(zoneFileRecord(key.selector, key.domain, *algorithm, key.publicKey));
  }
  if (out.empty())
    throw core::NotFound(selector ? "no DKIM key " + std::string(domain) + "/" + std::string(*selector)
                                   : "no pending or active DKIM key for " + std::string(domain));
  return out;
}

}  // namespace postern::dkim
