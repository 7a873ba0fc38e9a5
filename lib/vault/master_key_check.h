// vault master key check — every secret sealed in one database (DKIM private keys, route passwords, OAuth
// client secrets and refresh tokens) is sealed under one master key. The database keeps that key's check
// value (KeyVault::checkValue, a non-secret fingerprint); requireMatchingMasterKey is the one place that
// records it and compares against it, and every owner of sealed secrets calls it:
//   - before sealing (SecretAccess::Seal): the first seal records the key; any other key is refused, so a
//     second master key is never mixed in;
//   - before opening (SecretAccess::Open): a recorded check value must match, so a wrong master key is named
//     as such instead of looking like a damaged row. Opening records nothing: a key that has not opened
//     anything yet proves nothing, and recording a wrong one would lock the right one out.
//
// Owns: the rule and its message. Must not know: SQLite (the check value's home is reached through the
// MasterKeyCheckStore requirement, met by store::VaultMetaRepository without either module linking the
// other), what the secrets are for (callers name the secret in their own messages).
// Thread-safety: as the store given; requireMatchingMasterKey keeps no state.
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <string_view>

#include "vault/vault.h"

namespace postern::vault {

// What keeps the check value: one per database.
template <class T>
concept MasterKeyCheckStore = requires(T& store, std::string_view check) {
  // The recorded check value; nullopt until the first secret is sealed.
  { store.masterKeyCheck() } -> std::same_as<std::optional<std::string>>;
  // Records `check` unless one is recorded already (atomically); returns the recorded one.
  { store.recordMasterKeyCheck(check) } -> std::same_as<std::string>;
};

enum class SecretAccess { Seal, Open };

// Throws VaultError, naming secrets.master_key and secrets.master_key_file, when `recorded` is set and is
// not the check value of the vault's master key.
void requireCheckValue(const KeyVault& vault, const std::optional<std::string>& recorded);

// The rule above. Throws VaultError on a different master key, and what the store throws.
template <MasterKeyCheckStore Store>
void requireMatchingMasterKey(const KeyVault& vault, Store& store, SecretAccess access) {
  if (access == SecretAccess::Seal)
    requireCheckValue(vault, store.recordMasterKeyCheck(vault.checkValue()));
  else
    requireCheckValue(vault, store.masterKeyCheck());
}

}  // namespace postern::vault
