// auth::PhcHash — an Argon2id password hash in the PHC string format
// ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>", salt and hash in unpadded base64, RFC 9106 §3 for the
// parameters).
//
// Owns: parsing and rendering of the string. Only Argon2id version 19 (0x13) is accepted: Postern never
// wrote anything else. Parameters beyond sane bounds (memory over 1 GiB, more than 100 passes) are
// refused so that a damaged row cannot make one login allocate unbounded memory.
// Must not know: the store, SASL. Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postern::auth {

struct Argon2Params {
  std::uint32_t timeCost = 2;       // t: passes over memory
  std::uint32_t memoryKiB = 19456;  // m: 19 MiB (OWASP's Argon2id baseline)
  std::uint32_t parallelism = 1;    // p: lanes
  friend bool operator==(const Argon2Params&, const Argon2Params&) = default;
};

struct PhcHash {
  Argon2Params params;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes

  static std::optional<PhcHash> parse(std::string_view phc);
  std::string str() const;
};

}  // namespace postern::auth
