#include "tls/ticket_key_ring.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "core/error.h"

namespace postern::tls {

struct TicketKeyRing::Key {
  KeyName name{};
  unsigned char aes[32]{};
  unsigned char hmac[32]{};
  core::Clock::TimePoint created;

  Key() = default;
  Key(const Key& other) = delete;
  Key& operator=(const Key&) = delete;
  Key(Key&& other) noexcept : name(other.name), created(other.created) {
    std::memcpy(aes, other.aes, sizeof aes);
    std::memcpy(hmac, other.hmac, sizeof hmac);
    other.erase();
  }
  Key& operator=(Key&& other) noexcept {
    name = other.name;
    created = other.created;
    std::memcpy(aes, other.aes, sizeof aes);
    std::memcpy(hmac, other.hmac, sizeof hmac);
    other.erase();
    return *this;
  }
  ~Key() { erase(); }
  void erase() {
    OPENSSL_cleanse(aes, sizeof aes);
    OPENSSL_cleanse(hmac, sizeof hmac);
  }
};

namespace {

bool initMac(EVP_MAC_CTX* mac, const unsigned char* key) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key), 32),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

}  // namespace

TicketKeyRing::TicketKeyRing(const core::Clock& clock, std::chrono::seconds rotation)
    : clock_(clock), rotation_(rotation) {
  if (rotation_.count() <= 0) throw core::Error::permanent("ticket key rotation must be positive");
}

TicketKeyRing::~TicketKeyRing() = default;  // each Key cleanses itself

void TicketKeyRing::dropExpiredLocked(core::Clock::TimePoint now) {
  // A key opens tickets until two periods after it was made: one as the current key, one as the previous.
  while (!keys_.empty() && now >= keys_.back().created + 2 * rotation_) keys_.pop_back();
  // Never more than the current and the previous key, even if the clock jumped back.
  while (keys_.size() > 2) keys_.pop_back();
}

TicketKeyRing::Key& TicketKeyRing::currentLocked(core::Clock::TimePoint now) {
  dropExpiredLocked(now);
  if (keys_.empty() || now >= keys_.front().created + rotation_ || now < keys_.front().created) {
    Key key;
    key.created = now;
    if (RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) != 1 ||
        RAND_bytes(key.aes, sizeof key.aes) != 1 || RAND_bytes(key.hmac, sizeof key.hmac) != 1)
      throw core::Error::temporary("RAND_bytes failed for a session ticket key");
    keys_.push_front(std::move(key));
    dropExpiredLocked(now);
  }
  return keys_.front();
}

TicketKeyRing::KeyName TicketKeyRing::currentName() {
  std::lock_guard lock(mutex_);
  return currentLocked(clock_.now()).name;
}

TicketKeyRing::Standing TicketKeyRing::standing(const KeyName& name) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  dropExpiredLocked(now);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (CRYPTO_memcmp(keys_[i].name.data(), name.data(), name.size()) != 0) continue;
    // The newest key is current only while its period lasts; after that it too is merely previous.
    const bool current = i == 0 && now < keys_[i].created + rotation_;
    return current ? Standing::Current : Standing::Previous;
  }
  return Standing::Unknown;
}

std::size_t TicketKeyRing::size() {
  std::lock_guard lock(mutex_);
  dropExpiredLocked(clock_.now());
  return keys_.size();
}

int TicketKeyRing::seal(unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) {
  std::lock_guard lock(mutex_);
  try {
    // A failure here costs the client its ticket, not its connection: 0 (OpenSSL issues no ticket).
    const Key& key = currentLocked(clock_.now());
    if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return 0;
    std::memcpy(name, key.name.data(), key.name.size());
    if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes, iv) != 1) return 0;
    return initMac(mac, key.hmac) ? 1 : 0;
  } catch (const core::Error&) {
    return 0;
  }
}

int TicketKeyRing::open(const unsigned char name[16], const unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* mac) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  dropExpiredLocked(now);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Key& key = keys_[i];
    if (CRYPTO_memcmp(key.name.data(), name, key.name.size()) != 0) continue;
    if (!initMac(mac, key.hmac) || EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes, iv) != 1)
      return -1;
    const bool current = i == 0 && now < key.created + rotation_;
    return current ? 1 : 2;  // 2: sealed by a retired key, so the client gets a fresh ticket
  }
  return 0;  // unknown or erased key: a full handshake
}

namespace {

void freeRing(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
              void* /*argp*/) {
  delete static_cast<std::shared_ptr<TicketKeyRing>*>(ptr);
}

int ringIndex() {
  static const int index =
      CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 0, nullptr, nullptr, nullptr, freeRing);
  return index;
}

int ticketCallback(SSL* ssl, unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cipher,
                   EVP_MAC_CTX* mac, int encrypt) {
  // The SSL's context may have been swapped for a newer one; every context holds the same ring.
  auto* ring =
      static_cast<std::shared_ptr<TicketKeyRing>*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ringIndex()));
  if (!ring || !*ring) return 0;  // no ticket issued, none opened: full handshakes
  return encrypt ? (*ring)->seal(name, iv, cipher, mac) : (*ring)->open(name, iv, cipher, mac);
}

}  // namespace

void installTicketKeys(SSL_CTX* context, std::shared_ptr<TicketKeyRing> ring) {
  const auto lifetime = std::min<long>(2 * ring->rotation().count(), 7L * 24 * 3600);
  auto* held = new std::shared_ptr<TicketKeyRing>(std::move(ring));
  if (SSL_CTX_set_ex_data(context, ringIndex(), held) != 1) {
    delete held;
    throw core::Error::permanent("cannot attach the session ticket keys to the TLS context");
  }
  if (SSL_CTX_set_tlsext_ticket_key_evp_cb(context, ticketCallback) != 1)
    throw core::Error::permanent("cannot install the session ticket callback");
  SSL_CTX_clear_options(context, SSL_OP_NO_TICKET);
  // A session (and the ticket's lifetime hint) lasts no longer than its key can open it.
  SSL_CTX_set_timeout(context, lifetime);
}

}  // namespace postern::tls
