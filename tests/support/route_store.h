// RouteStore — what the route suites (routing, admin) share: a migrated database with its route repository,
// and vaults under test master keys (32 bytes of one character), as RouteAdmin and admin::Routes open them.
// A test changes masterKey to see secrets sealed under the first key fail to open, and reads vaultsOpened
// to see whether a call needed the vault at all.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "core/text.h"
#include "store/route_repository.h"
#include "support/migrated_database.h"
#include "vault/vault.h"

namespace postern::test {

inline vault::KeyVault testVault(char fill) {
  return vault::KeyVault(vault::MasterKey::fromBase64(core::base64Encode(std::string(32, fill))));
}

struct RouteStore : MigratedDatabase {
  store::RouteRepository repository{db, clock};
  char masterKey = 'a';              // of the vaults opened from now on
  std::atomic<int> vaultsOpened{0};  // vaults may be opened from several threads

  std::function<vault::KeyVault()> vaultOpener() {
    return [this] {
      ++vaultsOpened;
      return testVault(masterKey);
    };
  }
};

}  // namespace postern::test
