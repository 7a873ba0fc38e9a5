#include "auth/phc_hash.h"

#include <vector>

#include "core/text.h"

namespace postern::auth {

namespace {
constexpr std::uint32_t kVersion = 19;  // Argon2 1.3 (0x13)
constexpr std::uint32_t kMaxMemoryKiB = 1u << 20;
constexpr std::uint32_t kMaxTimeCost = 100;
constexpr std::uint32_t kMaxParallelism = 64;
constexpr std::size_t kMinSalt = 8, kMaxSalt = 64;  // RFC 9106 §3.1: salt at least 8 bytes
constexpr std::size_t kMinHash = 16, kMaxHash = 64;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// "name=digits" with no sign, no leading zero, no overflow.
std::optional<std::uint32_t> number(std::string_view field, std::string_view name) {
  if (field.size() <= name.size() + 1 || field.substr(0, name.size()) != name || field[name.size()] != '=')
    return std::nullopt;
  const std::string_view digits = field.substr(name.size() + 1);
  if (digits.size() > 10 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

// The PHC format drops base64 padding; core::base64Decode insists on it.
std::optional<std::string> unpaddedBase64Decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string padded(text);
  padded.append((4 - text.size() % 4) % 4, '=');
  return core::base64Decode(padded);
}

std::string unpaddedBase64Encode(std::string_view data) {
  std::string out = core::base64Encode(data);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}
}  // namespace

std::optional<PhcHash> PhcHash::parse(std::string_view phc) {
  // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
  const auto parts = split(phc, '$');
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id") return std::nullopt;
  const auto version = number(parts[2], "v");
  if (!version || *version != kVersion) return std::nullopt;
  const auto fields = split(parts[3], ',');
  if (fields.size() != 3) return std::nullopt;
  const auto m = number(fields[0], "m");
  const auto t = number(fields[1], "t");
  const auto p = number(fields[2], "p");
  if (!m || !t || !p) return std::nullopt;
  // Argon2's own lower bounds: t >= 1, p >= 1, m >= 8 KiB per lane.
  if (*t < 1 || *t > kMaxTimeCost || *p < 1 || *p > kMaxParallelism || *m < 8 * *p || *m > kMaxMemoryKiB)
    return std::nullopt;
  auto salt = unpaddedBase64Decode(parts[4]);
  auto hash = unpaddedBase64Decode(parts[5]);
  if (!salt || !hash || salt->size() < kMinSalt || salt->size() > kMaxSalt || hash->size() < kMinHash ||
      hash->size() > kMaxHash)
    return std::nullopt;
  PhcHash out;
  out.params = Argon2Params{*t, *m, *p};
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

std::string PhcHash::str() const {
  return "$argon2id$v=" + std::to_string(kVersion) + "$m=" + std::to_string(params.memoryKiB) +
         ",t=" + std::to_string(params.timeCost) + ",p=" + std::to_string(params.parallelism) + "$" +
         unpaddedBase64Encode(salt) + "$" + unpaddedBase64Encode(hash);
}

}  // namespace postern::auth
