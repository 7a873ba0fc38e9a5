#include "vault/master_key_check.h"

namespace postern::vault {

void requireCheckValue(const KeyVault& vault, const std::optional<std::string>& recorded) {
  if (recorded && !vault.matchesCheckValue(*recorded))
    throw VaultError(
        "the master key is not the one the stored secrets are sealed with (check secrets.master_key, "
        "POSTERN_SECRETS_MASTER_KEY and secrets.master_key_file)");
}

}  // namespace postern::vault
