// dkim::KeyAdmin — DKIM key management as the CLI (`postern dkim ...`) and the web UI use it: generate or
// import a key (stored pending, sealed under the master key), list, activate (verifying first that the key
// opens and matches its public key), retire, delete, and the TXT records to publish.
//
// Default selectors: YYYYMM of the current UTC month plus "r" (rsa) or "e" (ed25519), e.g. "202611r";
// when that is taken for the domain, "202611r2", "202611r3", ... (a rotation within one month).
//
// Owns: the rules that join the key store (store::DkimKeyRepository) and the vault (dkim::KeyVault).
// Must not know: SMTP, HTTP, terminals. The vault is opened only by the operations that need the private
// key (generate, import, activate), so listing and printing records works without the master key; each of
// them first checks the master key against the database's record (vault::requireMatchingMasterKey, kept by
// store::VaultMetaRepository in the keys' database), so a second master key is never mixed in.
// Errors: vault::VaultError naming the DKIM key when it cannot be sealed or opened.
// Thread-safety: not thread-safe (one administrator's command at a time); the store underneath is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "dkim/key_binding.h"
#include "dkim/keys.h"
#include "store/dkim_key_repository.h"
#include "store/vault_meta_repository.h"
#include "vault/master_key_check.h"

namespace postern::dkim {

class KeyAdmin {
 public:
  using VaultOpener = std::function<KeyVault()>;
  KeyAdmin(store::DkimKeyRepository& keys, VaultOpener openVault,
           const core::Clock& clock = core::SystemClock::instance());

  // A new key, pending. bits: RSA only, 2048 (the default), 3072 or 4096; given with ed25519, or any other
  // size, it is refused (core::InvalidValue with field "bits"), before any key is generated.
  store::DkimKeyRecord generate(std::string_view domain, KeyAlgorithm algorithm,
                                std::optional<int> bits = std::nullopt,
                                std::optional<std::string> selector = std::nullopt);
  // A key from PEM text (PKCS#8 or traditional RSA), pending. RSA under 2048 bits is refused.
  store::DkimKeyRecord import(std::string_view domain, std::string_view selector, std::string_view pem);

  std::vector<store::DkimKeyRecord> list(std::optional<std::string_view> domain = std::nullopt);
  // Returns the selector of the key it retired (the previous active key of the same algorithm).
  std::optional<std::string> activate(std::string_view domain, std::string_view selector);
  void retire(std::string_view domain, std::string_view selector);
  store::DkimKeyRecord remove(std::string_view domain, std::string_view selector, bool force);

  // Zone-file lines (dkim::zoneFileRecord): the named key, or every pending and active key of the domain.
  // Throws core::NotFound when there is nothing to print.
  std::vector<std::string> dnsRecords(std::string_view domain,
                                      std::optional<std::string_view> selector = std::nullopt);

  std::string defaultSelector(std::string_view domain, KeyAlgorithm algorithm);

 private:
  // The vault, its master key checked for this use.
  const KeyVault& checkedVault(vault::SecretAccess access);
  store::DkimKeyRecord store(std::string_view domain, std::string_view selector, const EVP_PKEY* key);

  store::DkimKeyRepository& keys_;
  store::VaultMetaRepository vaultMeta_;
  VaultOpener openVault_;
  const core::Clock& clock_;
  std::optional<KeyVault> vault_;
};

}  // namespace postern::dkim
