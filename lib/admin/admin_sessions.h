// admin::AdminSessions — sign-in sessions of the web admin: created after a successful sign-in, checked on
// every request, ended by signing out, by a password change, or by disabling or deleting the account.
//
// The cookie value is a random token (admin/secret_token.h); only its SHA-256 is stored. The CSRF token is
// derived from it, not stored: base64url(HMAC-SHA256(key = the session token, "csrf")), so the server
// recomputes it per request and a page can carry it without the session token itself being readable from
// script (OWASP's "HMAC-based token" pattern, keyed by the session secret).
// A session ends when idle longer than idleTimeout, when older than absoluteLifetime, or when its account
// is disabled or deleted; validate() then answers nullopt and removes the row. Last-seen is written at most
// once per touchInterval, to spare writes; idle time is measured from that record, so a session may end up
// to touchInterval early, never late. create() also removes every other expired row, which bounds the table.
// Must not know: HTTP (cookies, headers), the audit log. Never logs; tokens appear in no message.
// Errors: core::NotFound (create: no enabled account with the login), core::InvalidValue (create: no
// login at all), core::Error (temporary) when the store or the random generator fails.
// Thread-safety: thread-safe (the store is; the rest is const).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "admin/admin_accounts.h"
#include "core/clock.h"
#include "store/admin_session_repository.h"

namespace postern::admin {

struct AdminSessionOptions {
  std::chrono::seconds idleTimeout{30 * 60};
  std::chrono::seconds absoluteLifetime{12 * 60 * 60};
  std::chrono::seconds touchInterval{60};
};

struct SessionView {
  std::string login;
  AdminRole role = AdminRole::Viewer;  // as the account has it now, not as it was at sign-in
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point lastSeen;
  std::string clientAddress;  // where the session was created from
};

struct CreatedSession {
  std::string token;      // the cookie value: the only copy, never stored
  std::string csrfToken;  // csrfTokenFor(token)
  SessionView view;
};

class AdminSessions {
 public:
  AdminSessions(store::AdminSessionRepository& sessions, const core::Clock& clock,
                AdminSessionOptions options = {})
      : sessions_(sessions), clock_(clock), options_(options) {}

  // For the enabled account with this login (any case). Throws NotFound when there is none,
  // InvalidValue("login") for text that cannot be a login.
  CreatedSession create(std::string_view login, std::string_view clientAddress);
  std::optional<SessionView> validate(std::string_view token);
  void end(std::string_view token);  // unknown tokens are no error: signing out twice is fine
  // Every session of the account but exceptToken's; returns how many ended.
  std::size_t endAllOf(std::string_view login, std::optional<std::string_view> exceptToken = std::nullopt);
  // Removes every expired session; returns how many.
  std::size_t purgeExpired();

  static std::string csrfTokenFor(std::string_view token);
  // Compares in constant time (CRYPTO_memcmp); false for an empty token or presented value.
  static bool csrfMatches(std::string_view token, std::string_view presented);

  const AdminSessionOptions& options() const { return options_; }

 private:
  store::AdminSessionRepository& sessions_;
  const core::Clock& clock_;
  const AdminSessionOptions options_;
};

}  // namespace postern::admin
