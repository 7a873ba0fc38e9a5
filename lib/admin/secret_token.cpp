#include "admin/secret_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/error.h"
#include "core/text.h"

namespace postern::admin {

std::string newSecretToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw core::Error::temporary("no random bytes for a token");
  return base64Url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string secretTokenHash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw core::Error::temporary("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

std::string base64Url(std::string_view bytes) {
  std::string text = core::base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

}  // namespace postern::admin
