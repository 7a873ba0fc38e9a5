// store::VaultMetaRepository — the vault's one row (db/005_vault.sql): the check value of the master key
// that every sealed secret in this database is sealed under (DKIM private keys, route passwords, OAuth
// client secrets and refresh tokens). vault::requireMatchingMasterKey reads and records it through the two
// methods below (the vault::MasterKeyCheckStore requirement; neither module links the other).
//
// Owns: the SQL for vault_meta. Must not know: cryptography (the check value is an opaque string here),
// what the secrets are.
// Errors: store::DatabaseError (busy: temporary). Thread-safety: thread-safe; every call takes its own lease
// from the Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/database.h"

namespace postern::store {

class VaultMetaRepository {
 public:
  explicit VaultMetaRepository(Database& database) : database_(database) {}

  // The recorded check value; nullopt until the first secret is sealed.
  std::optional<std::string> masterKeyCheck();
  // Records `check` unless one is recorded already, in one transaction (two processes sealing their first
  // secret at once agree on one value); returns the recorded one.
  std::string recordMasterKeyCheck(std::string_view check);

 private:
  Database& database_;
};

}  // namespace postern::store
