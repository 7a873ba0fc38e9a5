// dkim key binding — how DKIM private keys use the vault (lib/vault): each sealed key is bound to its row,
// "domain/selector/algorithm", so a sealed key copied into another row does not open. The vault's types
// are used under their dkim names too.
#pragma once

#include <string>
#include <string_view>

#include "vault/vault.h"

namespace postern::dkim {

using vault::KeyVault;
using vault::MasterKey;
using vault::VaultError;

inline std::string keyRowBinding(std::string_view domain, std::string_view selector,
                                 std::string_view algorithm) {
  return std::string(domain) + "/" + std::string(selector) + "/" + std::string(algorithm);
}

}  // namespace postern::dkim
