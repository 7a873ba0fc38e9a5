#include "auth/credential_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"

namespace postern::auth {

CredentialCache::CredentialCache(const core::Clock& clock, CredentialCacheOptions options)
    : clock_(clock), options_(options) {
  if (options_.maxEntries == 0)
    throw std::invalid_argument("auth::CredentialCache: maxEntries must be at least 1");
  if (RAND_bytes(key_, sizeof key_) != 1)
    throw core::Error::temporary("no random bytes for the credential cache key");
}

CredentialCache::~CredentialCache() { OPENSSL_cleanse(key_, sizeof key_); }

std::string CredentialCache::mac(std::string_view login, std::string_view storedHash,
                                 std::string_view password) const {
  std::string text;
  text.reserve(login.size() + storedHash.size() + password.size() + 2);  // never reallocated
  text.append(login).append(1, '\0').append(storedHash).append(1, '\0').append(password);
  const core::SecretString message(std::move(text));
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int outLength = 0;
  if (HMAC(EVP_sha256(), key_, sizeof key_, reinterpret_cast<const unsigned char*>(message.view().data()),
           message.size(), out, &outLength) == nullptr)
    throw core::Error::temporary("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(out), outLength);
}

bool CredentialCache::contains(std::string_view login, std::string_view storedHash,
                               std::string_view password) {
  const std::string probe = mac(login, storedHash, password);
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(std::string(login));
  if (it == entries_.end()) return false;
  Entry& entry = it->second;
  // A clock that went backwards must not stretch an entry's life either.
  if (now < entry.verifiedAt || now - entry.verifiedAt >= options_.ttl) {
    recency_.erase(entry.recency);
    entries_.erase(it);
    return false;
  }
  if (!core::constantTimeEquals(entry.mac, probe)) return false;
  recency_.splice(recency_.begin(), recency_, entry.recency);
  return true;
}

void CredentialCache::remember(std::string_view login, std::string_view storedHash,
                               std::string_view password) {
  std::string value = mac(login, storedHash, password);
  const auto now = clock_.now();
  std::lock_guard lock(mutex_);
  std::string key(login);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    it->second.mac = std::move(value);
    it->second.verifiedAt = now;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return;
  }
  if (entries_.size() >= options_.maxEntries) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  entries_.emplace(std::move(key), Entry{std::move(value), now, recency_.begin()});
}

void CredentialCache::forget(std::string_view login) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(std::string(login));
  if (it == entries_.end()) return;
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

void CredentialCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  recency_.clear();
}

std::size_t CredentialCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace postern::auth
