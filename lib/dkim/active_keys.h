// dkim::ActiveKeys — the server's view of the active DKIM keys: a KeyRing of ready Signers (EVP_PKEYs
// decrypted and parsed once, not per message), rebuilt when the key store's change counter moves, so
// `postern dkim activate/retire/...` takes effect at the next message without a restart.
//
// A key that cannot be opened (no master key, wrong master key, altered row, malformed PEM) is entered as
// broken for its domain: mail from that domain is then refused with a temporary error rather than sent
// unsigned, and the reason is reported through the note callback (never key material).
//
// Before the first key is opened, the master key is checked against the database's record
// (vault::requireMatchingMasterKey, kept by store::VaultMetaRepository in the keys' database), so a wrong
// master key is reported as such rather than as a damaged row.
//
// Owns: the cache of parsed keys. Must not know: SMTP, where the master key comes from (the opener).
// Thread-safety: current() may be called from every session thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/key_binding.h"
#include "dkim/message_signing.h"
#include "store/change_monitor.h"
#include "store/dkim_key_repository.h"
#include "store/vault_meta_repository.h"

namespace postern::dkim {

struct SigningSettings {
  Canonicalization header = Canonicalization::Relaxed;
  Canonicalization body = Canonicalization::Relaxed;
};

// "relaxed/relaxed" and the like (the dkim.canonicalization setting); nullopt when malformed.
std::optional<SigningSettings> parseCanonicalization(std::string_view text);

class ActiveKeys {
 public:
  // error=false: a summary after a reload; error=true: a key that cannot be used.
  using Note = std::function<void(bool error, const std::string& message)>;
  using VaultOpener = std::function<KeyVault()>;

  // changes (optional; the server passes one): the key generation is read again only after something in
  // the store changed.
  ActiveKeys(store::DkimKeyRepository& keys, VaultOpener openVault, SigningSettings settings, Note note = {},
             store::ChangeMonitor* changes = nullptr);

  // The ring for the keys as they are now. Costs one small query when nothing changed (none with a
  // ChangeMonitor that saw no commit). Throws core::Error when the database cannot be read.
  std::shared_ptr<const KeyRing> current();

  const SigningSettings& settings() const { return settings_; }

 private:
  std::shared_ptr<const KeyRing> reload(std::int64_t generation);
  std::shared_ptr<const Signer> signerFor(const store::DkimKeyRecord& record);

  store::DkimKeyRepository& keys_;
  store::VaultMetaRepository vaultMeta_;
  VaultOpener openVault_;
  const SigningSettings settings_;
  Note note_;
  std::optional<store::StampedCache<std::int64_t>> generation_;

  std::mutex mutex_;
  std::optional<std::int64_t> loaded_;  // the generation ring_ reflects; unset while a key is broken
  std::shared_ptr<const KeyRing> ring_ = std::make_shared<KeyRing>();
  struct Cached {
    std::string sealed;
    std::shared_ptr<const Signer> signer;
  };
  std::map<std::int64_t, Cached> cache_;  // by row id
  std::optional<KeyVault> vault_;
  std::string lastErrors_;  // the errors noted last, so a persistent problem is noted once per change
};

}  // namespace postern::dkim
