#include "vault/vault.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "core/c_handle.h"
#include "core/secret.h"
#include "core/text.h"
#include "fs/file_io.h"

namespace postern::vault {

namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr std::size_t kNonceSize = 12;  // SP 800-38D §8.2: 96-bit IVs
constexpr std::size_t kTagSize = 16;
// The label predates the routes' secrets; changing it would make every recorded check value a mismatch.
constexpr std::string_view kCheckLabel = "postern dkim master key check v1";
constexpr const char* kMalformedKey = "the master key must be the base64 of exactly 32 bytes";

using CipherCtx = core::CHandle<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

MasterKey::~MasterKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

MasterKey MasterKey::fromBase64(std::string_view text) {
  std::string_view trimmed = core::trim(text);
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.remove_suffix(1);
  trimmed = core::trim(trimmed);
  auto decoded = core::base64Decode(trimmed);
  if (!decoded) throw VaultError(kMalformedKey);
  const core::SecretString raw(std::move(*decoded));
  if (raw.size() != kSize) throw VaultError(kMalformedKey);
  MasterKey key;
  std::copy_n(raw.view().data(), kSize, key.bytes_.begin());
  return key;
}

MasterKey MasterKey::generate() {
  MasterKey key;
  if (RAND_bytes(key.bytes_.data(), static_cast<int>(key.bytes_.size())) != 1)
    throw core::Error::temporary("vault: the random generator failed");
  return key;
}

std::string MasterKey::toBase64() const {
  return core::base64Encode(std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()));
}

MasterKey MasterKey::fromFile(const std::string& path, bool createIfMissing, bool* created) {
  if (created) *created = false;
  auto read = [&](const core::SecretString& text) {
    try {
      return fromBase64(text.view());
    } catch (const VaultError&) {
      throw VaultError("the master key file " + path + " does not hold the base64 of 32 bytes");
    }
  };
  if (auto existing = fs::readFileIfExists(path)) return read(core::SecretString(std::move(*existing)));
  if (!createIfMissing)
    throw VaultError("the master key file " + path +
                     " does not exist: the sealed secrets cannot be opened without it");

  // Written whole to a private temporary file, then linked into place: link() fails if another process got
  // there first, and then both use that process's key.
  const std::filesystem::path target(path);
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  std::string tmp = (directory / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) fs::throwSystemError(errno, "mkstemp", tmp);
  fs::FileDescriptor file(fd);
  const MasterKey key = generate();
  bool linked = false;
  try {
    // Two writes rather than one appended string: appending could reallocate and free the key's text unwiped.
    const core::SecretString text(key.toBase64());
    fs::writeAll(file, text.view(), tmp);
    fs::writeAll(file, "\n", tmp);
    fs::fsyncFile(file, tmp);
    if (::link(tmp.c_str(), path.c_str()) == 0)
      linked = true;
    else if (errno != EEXIST)
      fs::throwSystemError(errno, "link", path);
  } catch (...) {
    fs::removeFile(tmp);
    throw;
  }
  fs::removeFile(tmp);
  fs::syncDirectory(directory);
  if (!linked) return read(core::SecretString(fs::readFile(path)));
  if (created) *created = true;
  return key;
}

std::string KeyVault::seal(std::string_view plaintext, std::string_view binding) const {
  unsigned char nonce[kNonceSize];
  // A fresh random nonce per encryption: with 2^32 keys sealed under one master key the chance of a repeat
  // stays negligible (SP 800-38D §8.3), and an administrator seals a handful.
  if (RAND_bytes(nonce, sizeof nonce) != 1)
    throw core::Error::temporary("vault: the random generator failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) != 1)
    throw core::Error::temporary("vault: AES-256-GCM initialisation failed");
  int length = 0;
  if (EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(binding), static_cast<int>(binding.size())) != 1)
    throw core::Error::temporary("vault: AES-256-GCM failed (AAD)");
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::copy(nonce, nonce + kNonceSize, o);
  int written = 0;
  if (EVP_EncryptUpdate(ctx.get(), o + kNonceSize, &written, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1)
    throw core::Error::temporary("vault: AES-256-GCM failed");
  int final = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), o + kNonceSize + written, &final) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, o + kNonceSize + written + final) != 1)
    throw core::Error::temporary("vault: AES-256-GCM failed (tag)");
  out.resize(kNonceSize + static_cast<std::size_t>(written + final) + kTagSize);
  return std::string(kPrefix) + core::base64Encode(out);
}

std::string KeyVault::open(std::string_view sealed, std::string_view binding) const {
  if (!sealed.starts_with(kPrefix)) throw VaultError("not a sealed secret (unknown format)");
  const auto raw = core::base64Decode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonceSize + kTagSize) throw VaultError("not a sealed secret (malformed)");
  const auto* in = bytes(*raw);
  const std::size_t cipherSize = raw->size() - kNonceSize - kTagSize;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), in) != 1)
    throw core::Error::temporary("vault: AES-256-GCM initialisation failed");
  int length = 0;
  if (EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(binding), static_cast<int>(binding.size())) != 1)
    throw core::Error::temporary("vault: AES-256-GCM failed (AAD)");
  auto plain = core::SecretString::withSize(cipherSize);  // decrypted in place, never reallocated
  int written = 0;
  if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &written, in + kNonceSize,
                        static_cast<int>(cipherSize)) != 1)
    throw core::Error::temporary("vault: AES-256-GCM failed");
  unsigned char tag[kTagSize];
  std::copy(in + kNonceSize + cipherSize, in + raw->size(), tag);
  int final = 0;
  // The tag comparison inside EVP_DecryptFinal_ex is constant-time (CRYPTO_memcmp).
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + written, &final) != 1)
    throw VaultError("the sealed secret for " + std::string(binding) +
                     " does not open: wrong master key, or its database row was altered or moved");
  return std::string(plain.view().substr(0, static_cast<std::size_t>(written + final)));
}

std::string KeyVault::checkValue() const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), MasterKey::kSize, bytes(kCheckLabel), kCheckLabel.size(), mac,
            &length))
    throw core::Error::temporary("vault: HMAC-SHA256 failed");
  return "hmac-sha256:" + core::base64Encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool KeyVault::matchesCheckValue(std::string_view stored) const {
  return core::constantTimeEquals(checkValue(), stored);
}

}  // namespace postern::vault
