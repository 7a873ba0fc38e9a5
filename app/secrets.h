// The master key opener that the server and every CLI command share: secrets.master_key (base64) when
// set, else the file at Config::masterKeyPath(), created (0600) when createIfMissing.
#pragma once

#include "config/config.h"
#include "vault/vault.h"

namespace postern::app {

// Throws vault::VaultError with a message naming the setting or the file (never the key).
vault::KeyVault openVault(const config::Config& cfg, bool createIfMissing);

}  // namespace postern::app
