#include "app/secrets.h"

namespace postern::app {

vault::KeyVault openVault(const config::Config& cfg, bool createIfMissing) {
  if (!cfg.secrets.masterKey.empty()) {
    try {
      return vault::KeyVault(vault::MasterKey::fromBase64(cfg.secrets.masterKey));
    } catch (const vault::VaultError&) {
      throw vault::VaultError(
          "secrets.master_key (POSTERN_SECRETS_MASTER_KEY) must be the base64 of exactly 32 bytes");
    }
  }
  return vault::KeyVault(vault::MasterKey::fromFile(cfg.masterKeyPath(), createIfMissing));
}

}  // namespace postern::app
