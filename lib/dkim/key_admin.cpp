#include "dkim/key_admin.h"

#include <ctime>

#include "core/error.h"
#include "core/secret.h"

namespace postern::dkim {

namespace {

// The vault does not know what it seals: its errors are given the key's name here.
template <class Use>
auto forKey(const std::string& domain, const std::string& selector, Use&& use) -> decltype(use()) {
  try {
    return use();
  } catch (const VaultError& e) {
    throw VaultError("DKIM key " + domain + "/" + selector + ": " + e.what());
  }
}

}  // namespace

KeyAdmin::KeyAdmin(store::DkimKeyRepository& keys, VaultOpener openVault, const core::Clock& clock)
    : keys_(keys), vaultMeta_(keys.database()), openVault_(std::move(openVault)), clock_(clock) {}

const KeyVault& KeyAdmin::checkedVault(vault::SecretAccess access) {
  if (!vault_) vault_.emplace(openVault_());
  vault::requireMatchingMasterKey(*vault_, vaultMeta_, access);
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
  const core::SecretString pem(privateKeyToPem(key));
  row.sealedPrivateKey = forKey(row.domain, row.selector, [&] {
    return checkedVault(vault::SecretAccess::Seal)
        .seal(pem.view(), keyRowBinding(row.domain, row.selector, row.algorithm));
  });
  return keys_.add(row);
}

store::DkimKeyRecord KeyAdmin::generate(std::string_view domain, KeyAlgorithm algorithm,
                                        std::optional<int> bits, std::optional<std::string> selector) {
  // Checked before the (slow) generation so a refused size costs nothing. RFC 8301 §3.2: no RSA below 2048.
  if (bits && algorithm != KeyAlgorithm::Rsa)
    throw core::InvalidValue("bits", "a key size applies to RSA keys only (Ed25519 keys have one size)");
  if (bits && *bits != 2048 && *bits != 3072 && *bits != 4096)
    throw core::InvalidValue("bits",
                             "RSA key size " + std::to_string(*bits) +
                                 " refused: use 2048, 3072 or 4096 (1024-bit keys are refused: RFC 8301)");
  const auto d = store::DkimKeyRepository::normaliseDomain(domain);
  if (!d) throw core::InvalidValue("not a domain name: '" + std::string(domain) + "'");
  const std::string s = selector ? *selector : defaultSelector(*d, algorithm);
  if (!store::DkimKeyRepository::normaliseSelector(s))
    throw core::InvalidValue("not a valid selector: '" + s +
                             "' (letters, digits and '-', at most 63 characters)");
  if (keys_.selectorExists(*d, s))
    throw core::AlreadyExists("a DKIM key with selector " + s + " exists already for " + *d);
  const PrivateKey key =
      algorithm == KeyAlgorithm::Rsa ? generateRsaKey(bits.value_or(2048)) : generateEd25519Key();
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
  const core::SecretString pem = forKey(record->domain, record->selector, [&] {
    return core::SecretString(checkedVault(vault::SecretAccess::Open)
                                  .open(record->sealedPrivateKey,
                                        keyRowBinding(record->domain, record->selector, record->algorithm)));
  });
  const PrivateKey key = privateKeyFromPem(pem.view());
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
