// store::AuditLogRepository — the audit log (db/006_admin.sql audit_log): what administrators did, kept up
// to a bound, read newest first with optional filters.
//
// Owns: the SQL for audit_log, and how the bound is kept: each append deletes, in its own transaction, the
// rows that fall more than keepAtMost behind the new one. Rowids only grow here (a new row gets the largest
// rowid plus one, and rows are only ever removed from the old end), so that is one indexed range delete,
// never a count of the table.
// Must not know: what the actions mean, HTTP. The text is stored as given: whoever prints it escapes it.
// Errors: store::DatabaseError (busy: temporary), core::InvalidValue (a value the schema refuses).
// Thread-safety: thread-safe; every call takes its own lease from the Database.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace postern::store {

struct AuditRecord {
  std::int64_t id = 0;  // assigned by append; ascending in insertion order
  std::chrono::system_clock::time_point at;
  std::string actor;
  std::string clientAddress;
  std::string action;
  std::string object;
  std::string outcome;
};

struct AuditFilter {
  std::optional<std::string> actor;   // exact match
  std::optional<std::string> action;  // exact match
  std::size_t offset = 0;
  std::size_t limit = 100;
};

class AuditLogRepository {
 public:
  explicit AuditLogRepository(Database& database) : database_(database) {}

  // Returns the new row's id. keepAtMost must be at least 1.
  std::int64_t append(const AuditRecord& record, std::size_t keepAtMost);
  // Newest first (by id: two entries of the same second keep their order).
  std::vector<AuditRecord> list(const AuditFilter& filter);
  // The rows matching the filter's actor and action (its offset and limit do not apply): a page's total.
  std::size_t count(const AuditFilter& filter = {});

 private:
  Database& database_;
};

}  // namespace postern::store
