#include "admin/admin_sessions.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "admin/secret_token.h"
#include "core/error.h"

namespace postern::admin {

namespace {
SessionView sessionView(const store::AdminSessionRecord& record) {
  SessionView view;
  view.login = record.login;
  view.role = record.role;
  view.createdAt = record.createdAt;
  view.lastSeen = record.lastSeen;
  view.clientAddress = record.clientAddress;
  return view;
}
}  // namespace

CreatedSession AdminSessions::create(std::string_view login, std::string_view clientAddress) {
  const std::string normal = AdminAccounts::requireLogin(login);
  purgeExpired();
  CreatedSession created;
  created.token = newSecretToken();
  created.csrfToken = csrfTokenFor(created.token);
  created.view = sessionView(sessions_.create(secretTokenHash(created.token), normal, clientAddress));
  return created;
}

std::optional<SessionView> AdminSessions::validate(std::string_view token) {
  if (token.empty()) return std::nullopt;
  auto record = sessions_.find(secretTokenHash(token));
  if (!record) return std::nullopt;
  const auto now = clock_.now();
  const bool idle = now - record->lastSeen > options_.idleTimeout;
  const bool tooOld = now - record->createdAt > options_.absoluteLifetime;
  if (idle || tooOld || !record->accountEnabled) {
    sessions_.remove(record->id);
    return std::nullopt;
  }
  if (now - record->lastSeen >= options_.touchInterval) {
    sessions_.touch(record->id);
    record->lastSeen = std::chrono::floor<std::chrono::seconds>(now);  // as the store keeps it
  }
  return sessionView(*record);
}

void AdminSessions::end(std::string_view token) {
  if (!token.empty()) sessions_.remove(secretTokenHash(token));
}

std::size_t AdminSessions::endAllOf(std::string_view login, std::optional<std::string_view> exceptToken) {
  const auto normal = store::AdminAccountRepository::normaliseLogin(login);
  if (!normal) return 0;
  std::optional<std::string> keep;
  if (exceptToken && !exceptToken->empty()) keep = secretTokenHash(*exceptToken);
  return sessions_.removeAllOf(*normal, keep);
}

std::size_t AdminSessions::purgeExpired() {
  const auto now = clock_.now();
  return sessions_.removeExpired(now - options_.idleTimeout, now - options_.absoluteLifetime);
}

std::string AdminSessions::csrfTokenFor(std::string_view token) {
  static constexpr std::string_view kPurpose = "csrf";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), token.data(), static_cast<int>(token.size()),
            reinterpret_cast<const unsigned char*>(kPurpose.data()), kPurpose.size(), mac, &length))
    throw core::Error::temporary("HMAC-SHA256 failed");
  return base64Url(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool AdminSessions::csrfMatches(std::string_view token, std::string_view presented) {
  if (token.empty() || presented.empty()) return false;
  const std::string expected = csrfTokenFor(token);
  // The length of a CSRF token is no secret (always 43); only the bytes are compared in constant time.
  if (presented.size() != expected.size()) return false;
  return CRYPTO_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

}  // namespace postern::admin
