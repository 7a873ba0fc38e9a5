#include "auth/password_hasher.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "core/text.h"

namespace postern::auth {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

[[noreturn]] void argon2Failed(int rc) {
  throw core::Error::temporary(std::string("argon2 failed: ") + argon2_error_message(rc));
}
}  // namespace

PasswordHasher::PasswordHasher(Argon2Params params, unsigned maxConcurrent) : params_(params) {
  if (params.timeCost < ARGON2_MIN_TIME || params.parallelism < ARGON2_MIN_LANES ||
      params.memoryKiB < 8 * params.parallelism)
    throw std::invalid_argument(
        "auth::PasswordHasher: Argon2 parameters below the minimum (t>=1, p>=1, m>=8p)");
  limit_ = std::make_unique<ConcurrencyLimit>(maxConcurrent);
}

std::string PasswordHasher::hash(std::string_view password) const {
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) throw core::Error::temporary("no random bytes for a password salt");
  std::vector<char> encoded(argon2_encodedlen(params_.timeCost, params_.memoryKiB, params_.parallelism,
                                              kSaltBytes, kHashBytes, Argon2_id));
  int rc;
  {
    const auto permit = limit_->acquire();
    rc =
        argon2id_hash_encoded(params_.timeCost, params_.memoryKiB, params_.parallelism, password.data(),
                              password.size(), salt, sizeof salt, kHashBytes, encoded.data(), encoded.size());
  }
  if (rc != ARGON2_OK) argon2Failed(rc);
  return std::string(encoded.data());
}

PasswordHasher::Verdict PasswordHasher::verify(std::string_view phc, std::string_view password) const {
  const auto stored = PhcHash::parse(phc);
  if (!stored) return Verdict::Malformed;
  auto computed = core::SecretString::withSize(stored->hash.size());  // wiped on every way out
  int rc;
  {
    const auto permit = limit_->acquire();
    rc = argon2id_hash_raw(stored->params.timeCost, stored->params.memoryKiB, stored->params.parallelism,
                           password.data(), password.size(), stored->salt.data(), stored->salt.size(),
                           computed.data(), computed.size());
  }
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) argon2Failed(rc);
  if (rc != ARGON2_OK) return Verdict::Malformed;  // parameters Argon2 refuses despite parsing
  return core::constantTimeEquals(computed.view(), stored->hash) ? Verdict::Match : Verdict::Mismatch;
}

bool PasswordHasher::needsRehash(std::string_view phc) const {
  const auto stored = PhcHash::parse(phc);
  if (!stored) return true;
  return stored->params.timeCost < params_.timeCost || stored->params.memoryKiB < params_.memoryKiB ||
         stored->salt.size() < kSaltBytes || stored->hash.size() < kHashBytes;
}

}  // namespace postern::auth
