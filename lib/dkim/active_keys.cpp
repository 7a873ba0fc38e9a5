#include "dkim/active_keys.h"

#include "core/secret.h"
#include "vault/master_key_check.h"

namespace postern::dkim {

std::optional<SigningSettings> parseCanonicalization(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto one = [](std::string_view word) -> std::optional<Canonicalization> {
    if (word == "relaxed") return Canonicalization::Relaxed;
    if (word == "simple") return Canonicalization::Simple;
    return std::nullopt;
  };
  const auto header = one(text.substr(0, slash));
  const auto body = one(text.substr(slash + 1));
  if (!header || !body) return std::nullopt;
  return SigningSettings{*header, *body};
}

ActiveKeys::ActiveKeys(store::DkimKeyRepository& keys, VaultOpener openVault, SigningSettings settings,
                       Note note, store::ChangeMonitor* changes)
    : keys_(keys),
      vaultMeta_(keys.database()),
      openVault_(std::move(openVault)),
      settings_(settings),
      note_(std::move(note)) {
  if (changes) generation_.emplace(*changes);
}

std::shared_ptr<const KeyRing> ActiveKeys::current() {
  // The counter is read without the lock: sessions only serialise when a reload is due.
  const std::int64_t generation =
      generation_ ? generation_->get("", [this] { return keys_.generation(); }) : keys_.generation();
  std::lock_guard lock(mutex_);
  if (loaded_ && *loaded_ == generation) return ring_;
  return reload(generation);
}

std::shared_ptr<const Signer> ActiveKeys::signerFor(const store::DkimKeyRecord& record) {
  if (auto it = cache_.find(record.id); it != cache_.end() && it->second.sealed == record.sealedPrivateKey)
    return it->second.signer;
  if (!vault_) {
    KeyVault opened = openVault_();
    vault::requireMatchingMasterKey(opened, vaultMeta_, vault::SecretAccess::Open);
    vault_.emplace(std::move(opened));
  }
  const core::SecretString pem(
      vault_->open(record.sealedPrivateKey, keyRowBinding(record.domain, record.selector, record.algorithm)));
  const PrivateKey key = privateKeyFromPem(pem.view());
  if (keyTypeName(algorithmOf(key.get())) != record.algorithm)
    throw VaultError("the DKIM key " + record.domain + "/" + record.selector +
                     " is not of its recorded algorithm");
  SignerOptions options;
  options.domain = record.domain;
  options.selector = record.selector;
  options.headerCanonicalization = settings_.header;
  options.bodyCanonicalization = settings_.body;
  auto signer = std::make_shared<const Signer>(key.get(), options);
  cache_[record.id] = Cached{record.sealedPrivateKey, signer};
  return signer;
}

std::shared_ptr<const KeyRing> ActiveKeys::reload(std::int64_t generation) {
  const auto records = keys_.activeKeys();
  auto ring = std::make_shared<KeyRing>();
  std::map<std::int64_t, Cached> kept;
  std::string errors;
  for (const auto& record : records) {
    try {
      auto signer = signerFor(record);
      kept[record.id] = cache_[record.id];
      ring->add(std::move(signer));
    } catch (const std::exception& e) {
      const std::string message =
          "DKIM key " + record.domain + "/" + record.selector + " cannot be used: " + e.what();
      ring->addBroken(record.domain, message);
      errors += message + "\n";
    }
  }
  cache_ = std::move(kept);  // keys no longer active are forgotten (their EVP_PKEYs freed with the last user)
  ring_ = ring;
  // While a key is broken, every message looks again (the master key file may have been put back).
  if (errors.empty())
    loaded_ = generation;
  else
    loaded_.reset();
  if (note_) {
    if (errors != lastErrors_ && !errors.empty()) {
      std::string_view rest(errors);
      while (!rest.empty()) {
        const auto nl = rest.find('\n');
        note_(true, std::string(rest.substr(0, nl)));
        rest.remove_prefix(nl + 1);
      }
    }
    if (errors.empty())
      note_(false, "DKIM: " + std::to_string(ring->signerCount()) + " active key" +
                       (ring->signerCount() == 1 ? "" : "s") + " for " + std::to_string(ring->domainCount()) +
                       " domain" + (ring->domainCount() == 1 ? "" : "s"));
  }
  lastErrors_ = errors;
  return ring_;
}

}  // namespace postern::dkim
