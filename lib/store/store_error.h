// store errors — how the store reports failures: database trouble classified temporary or permanent
// (DESIGN.md "Errors": unknown is temporary), constraint violations kept distinct so a caller can say
// "user exists", and the domain errors of the repositories worded for a CLI user.
//
// Owns: the mapping of SQLite result codes to core::Error. Must not know: SMTP, HTTP.
// Thread-safety: plain value types; throwSqliteError reads the connection's error message, so call it on
// the thread that owns the connection, right after the failing call.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/error.h"

namespace postern::store {

// A failure reported by SQLite. code() is the extended result code (SQLITE_BUSY_SNAPSHOT, ...).
class DatabaseError : public core::Error {
 public:
  DatabaseError(core::Severity severity, int code, const std::string& what)
      : core::Error(severity, what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// A UNIQUE, FOREIGN KEY, CHECK or NOT NULL constraint refused a write. Permanent: retrying the same
// write cannot succeed.
class ConstraintViolation : public DatabaseError {
 public:
  enum class Kind { Unique, ForeignKey, Check, NotNull, Other };
  ConstraintViolation(Kind kind, int code, const std::string& what)
      : DatabaseError(core::Severity::Permanent, code, what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The repositories report their domain errors with core's types (core/error.h), so that no caller needs
// SQLite's header to tell "not found" from "invalid".
using core::AlreadyExists;
using core::InvalidValue;
using core::NotFound;

// Throws the DatabaseError (or ConstraintViolation) for rc, which a call on db returned. SQLITE_BUSY and
// SQLITE_LOCKED are temporary: another writer held the database longer than the busy timeout.
[[noreturn]] void throwSqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace postern::store
