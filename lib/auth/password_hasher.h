// auth::PasswordHasher — Argon2id password hashes (RFC 9106) in PHC string form: hashing new passwords,
// verifying a password against a stored hash, and telling when a stored hash is weaker than the current
// parameters.
//
// Owns: the Argon2 parameters, salt generation (16 bytes from OpenSSL's RAND_bytes), and a limit on
// concurrent Argon2 runs (each allocates m KiB; see auth::ConcurrencyLimit). Callers beyond the limit
// block until a run finishes.
// Must not know: the store, SASL, where passwords come from. Never logs.
// Thread-safety: thread-safe (const methods; the limit is internally synchronised).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/concurrency_limit.h"
#include "auth/phc_hash.h"

namespace postern::auth {

class PasswordHasher {
 public:
  enum class Verdict { Match, Mismatch, Malformed };

  // Throws std::invalid_argument for parameters Argon2 refuses (t, p < 1, m < 8p) or maxConcurrent 0.
  explicit PasswordHasher(Argon2Params params = {}, unsigned maxConcurrent = 2);

  // A fresh PHC string with a random salt and a 32-byte hash. Throws core::Error (temporary) when the
  // random generator or Argon2 fails (out of memory).
  std::string hash(std::string_view password) const;

  // Recomputes the hash with the stored salt and parameters and compares in constant time. Malformed for
  // anything PhcHash::parse refuses. Throws core::Error (temporary) when Argon2 cannot run.
  Verdict verify(std::string_view phc, std::string_view password) const;

  // true when phc is malformed or uses less time or memory, a shorter salt or a shorter hash than hash()
  // would produce now; the caller may then store a fresh hash of the (just verified) password.
  bool needsRehash(std::string_view phc) const;

  const Argon2Params& params() const { return params_; }
  unsigned maxConcurrent() const { return limit_->limit(); }

 private:
  Argon2Params params_;
  // Behind a pointer so that const methods can take permits and the hasher stays movable.
  std::unique_ptr<ConcurrencyLimit> limit_;
};

}  // namespace postern::auth
