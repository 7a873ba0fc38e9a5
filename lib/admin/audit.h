// admin::Audit — the audit log of the web admin and the CLI: who did what to which object, from where, and
// how it ended; read back newest first, filtered by actor or action, a page at a time.
//
// Who records: the caller that knows the actor — the web API's handlers (the signed-in login and the
// client's address), the `postern` commands (the operating-system user, no address) — after the action,
// with its outcome. The services do not record, so nothing is recorded twice.
// Never a secret in an entry: no passwords, tokens, keys or hashes, not even in an outcome's reason. This
// type cannot tell a secret from other text; every caller must keep them out.
// The shape is checked: action is 1-64 characters of [a-z0-9._-] ("user.add", "admin.login"), outcome is
// "ok", "denied" or "failed: <reason>" (core::InvalidValue with field "action" or "outcome"). Actor, client
// address, object and reason are cut to kMaxText bytes each, so a hostile value cannot bloat the table;
// they are stored as given otherwise, and whoever prints them escapes them (core::printable).
// Bounded: at most maxEntries entries are kept; each new one pushes out the oldest.
// Must not know: HTTP, printing. Thread-safety: thread-safe (the store is).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/audit_log_repository.h"

namespace postern::admin {

struct AuditEntry {
  std::chrono::system_clock::time_point time;  // record(): the epoch means "now"
  std::string actor;                           // admin login; "" for the system; the user name for the CLI
  std::string clientAddress;                   // "" for the CLI
  std::string action;                          // "user.add", "admin.login", ...
  std::string object;                          // e.g. the user's login; "" when none
  std::string outcome;                         // "ok" | "denied" | "failed: <reason>"
  std::int64_t id = 0;                         // set by list(): ascending in recording order
};

struct AuditQuery {
  std::optional<std::string> actor;   // exact
  std::optional<std::string> action;  // exact
  std::size_t offset = 0;
  std::size_t limit = 50;  // at most Audit::kMaxLimit
};

struct AuditOptions {
  std::size_t maxEntries = 100000;
};

class Audit {
 public:
  static constexpr std::size_t kMaxText = 512;
  static constexpr std::size_t kMaxLimit = 1000;
  static constexpr std::string_view kOk = "ok";
  static constexpr std::string_view kDenied = "denied";

  // Throws core::InvalidValue("maxEntries", …) for 0.
  Audit(store::AuditLogRepository& log, const core::Clock& clock, AuditOptions options = {});

  // "failed: " + reason.
  static std::string failed(std::string_view reason);

  void record(AuditEntry entry);
  std::vector<AuditEntry> list(const AuditQuery& query);
  // How many entries match the query's actor and action, whatever its offset and limit: a page's total.
  std::size_t count(const AuditQuery& query);

 private:
  store::AuditLogRepository& log_;
  const core::Clock& clock_;
  const AuditOptions options_;
};

}  // namespace postern::admin
