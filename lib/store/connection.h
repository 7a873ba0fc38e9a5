// store::Connection — one open SQLite database connection with Postern's per-connection settings:
// WAL journal, synchronous=FULL (a commit is durable when it returns: DESIGN.md "Durability"),
// foreign keys enforced, and a busy timeout.
//
// Owns: the sqlite3 handle (core::CHandle, closed on destruction). Must not know: SMTP, HTTP.
// Thread-safety: none. The handle is opened with SQLITE_OPEN_NOMUTEX; it is used by one thread at a time,
// which store::Database's lease guarantees.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/c_handle.h"
#include "store/statement.h"

namespace postern::store {

class Connection {
 public:
  // Opens (creating if needed) the database file; its directory must exist. Throws store::DatabaseError.
  Connection(const std::string& path, std::chrono::milliseconds busyTimeout);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Statement prepare(std::string_view sql) { return Statement(db_.get(), sql); }
  // Runs one or more statements that return no rows (migration scripts, PRAGMA, BEGIN/COMMIT).
  void exec(const std::string& sql);

  std::int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }
  bool inTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  sqlite3* handle() const { return db_.get(); }

 private:
  core::CHandle<sqlite3, sqlite3_close_v2> db_;
};

}  // namespace postern::store
