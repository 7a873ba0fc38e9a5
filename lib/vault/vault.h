// vault — secrets encrypted at rest: DKIM private keys, smarthost passwords, OAuth client secrets and
// refresh tokens. AES-256-GCM under a 32-byte master key that lives outside the database, a fresh random
// 96-bit nonce for every encryption (NIST SP 800-38D §8.2.2), and the owner's identity (a DKIM key's
// "domain/selector/algorithm", a route's "route/<name>/<field>") as additional authenticated data, so a
// sealed value copied into another row or field does not open.
//
// Sealed form (text, stored as is): "v1:" + base64(nonce[12] || ciphertext || tag[16]).
// The master key: base64 of 32 bytes, either given directly (secrets.master_key /
// POSTERN_SECRETS_MASTER_KEY) or in a file (<data_dir>/master.key) created with mode 0600 on first use.
//
// Which master key a database's secrets are sealed under is checked in one place: vault/master_key_check.h.
//
// Owns: the cipher, the sealed format, the master key file. Must not know: SQLite, SMTP, configuration
// parsing, what a secret is for (its messages say "sealed secret"; callers name the secret). Secrets:
// neither the master key nor a plaintext secret ever appears in an exception message; plaintext passing
// through is held in core::SecretString.
// Thread-safety: a KeyVault is immutable after construction; seal()/open() may run on several threads.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace postern::vault {

// A sealed secret that does not open (wrong master key, or the row was altered or moved), a master key
// that is malformed or not the one the database's secrets are sealed with. Permanent.
class VaultError : public core::Error {
 public:
  explicit VaultError(const std::string& what) : core::Error(core::Severity::Permanent, what) {}
};

class MasterKey {
 public:
  static constexpr std::size_t kSize = 32;
  // From its base64 text (surrounding blanks and a final newline are ignored). Throws VaultError when it is
  // not exactly 32 bytes of strict base64; the message never repeats the text.
  static MasterKey fromBase64(std::string_view text);
  // 32 bytes from the OpenSSL CSPRNG.
  static MasterKey generate();
  // Reads the file; with createIfMissing, a missing file is created (mode 0600, written to a temporary
  // file, fsynced and linked into place, so two processes creating it at once agree on one key).
  // `created` tells whether this call created it. Throws VaultError (malformed) or core::Error (I/O).
  static MasterKey fromFile(const std::string& path, bool createIfMissing, bool* created = nullptr);

  MasterKey(const MasterKey& other) = default;
  MasterKey& operator=(const MasterKey& other) = default;
  ~MasterKey();

  std::string toBase64() const;  // secret: for writing the file, never for a log
  const unsigned char* data() const { return bytes_.data(); }

 private:
  MasterKey() = default;
  std::array<unsigned char, kSize> bytes_{};
};

class KeyVault {
 public:
  explicit KeyVault(MasterKey key) : key_(std::move(key)) {}

  // Encrypts the plaintext (a PKCS#8 PEM, a password, a token) for the owner named by `binding`.
  std::string seal(std::string_view plaintext, std::string_view binding) const;
  // Decrypts; throws VaultError when the tag does not verify (wrong master key, altered or moved row) or the
  // text is not a sealed secret. The result is the caller's to wipe: hand it to a core::SecretString.
  std::string open(std::string_view sealed, std::string_view binding) const;

  // A non-secret fingerprint of the master key (HMAC-SHA256 over a fixed label, base64): recorded in the
  // database (vault/master_key_check.h) so that a wrong master key is named as such instead of looking like
  // a damaged row.
  std::string checkValue() const;
  // Whether `stored` is this key's check value (constant-time comparison).
  bool matchesCheckValue(std::string_view stored) const;

 private:
  MasterKey key_;
};

}  // namespace postern::vault
