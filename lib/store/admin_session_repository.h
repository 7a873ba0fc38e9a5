// store::AdminSessionRepository — the web admin's sign-in sessions (db/006_admin.sql admin_sessions), each
// found by the hash of its cookie token and read together with its account's login, role and enabled flag.
//
// Owns: the SQL for admin_sessions. Must not know: how tokens are made or hashed (opaque strings here), the
// timeouts (admin::AdminSessions decides what has expired and passes the cutoffs), HTTP.
// Errors: core::NotFound (no enabled account for a new session), store::DatabaseError (busy: temporary).
// Messages never contain a token or its hash.
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "store/admin_account_repository.h"
#include "store/database.h"

namespace postern::store {

struct AdminSessionRecord {
  std::int64_t id = 0;
  std::string login;  // of the account, as stored now
  AdminRole role = AdminRole::Viewer;
  bool accountEnabled = false;
  std::string clientAddress;  // where it was created from
  std::chrono::system_clock::time_point createdAt;
  std::chrono::system_clock::time_point lastSeen;
};

class AdminSessionRepository {
 public:
  explicit AdminSessionRepository(Database& database,
                                  const core::Clock& clock = core::SystemClock::instance());

  // A session for the enabled account with this (canonical) login, created and last seen now. Throws
  // NotFound when no enabled account has the login.
  AdminSessionRecord create(std::string_view tokenHash, std::string_view login,
                            std::string_view clientAddress);
  std::optional<AdminSessionRecord> find(std::string_view tokenHash);
  void touch(std::int64_t id);  // last seen = now
  bool remove(std::string_view tokenHash);
  void remove(std::int64_t id);
  // The sessions of one account, but the one with keepTokenHash; returns how many went.
  std::size_t removeAllOf(std::string_view login, std::optional<std::string_view> keepTokenHash);
  // Sessions last seen before idleCutoff or created before absoluteCutoff; returns how many went.
  std::size_t removeExpired(std::chrono::system_clock::time_point idleCutoff,
                            std::chrono::system_clock::time_point absoluteCutoff);
  std::size_t count();

 private:
  std::int64_t now() const;

  Database& database_;
  const core::Clock& clock_;
};

}  // namespace postern::store
