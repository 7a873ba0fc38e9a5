#include "store/connection.h"

#include "store/store_error.h"

namespace postern::store {

Connection::Connection(const std::string& path, std::chrono::milliseconds busyTimeout) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // SQLite allocates a handle even when opening fails; it carries the error message and must be closed.
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    if (!raw)
      throw DatabaseError(core::Severity::Temporary, rc, "cannot open database " + path + ": out of memory");
    throwSqliteError(raw, rc, "opening database " + path);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busyTimeout.count()));

  // journal_mode answers with the mode in effect; anything but "wal" (a read-only medium, an in-memory
  // database) would silently lose the concurrency the pool relies on.
  {
    Statement journal = prepare("PRAGMA journal_mode=WAL");
    const std::string mode = journal.step() ? journal.columnText(0) : std::string();
    if (mode != "wal")
      throw DatabaseError(core::Severity::Permanent, SQLITE_ERROR,
                          "database " + path + " cannot use WAL journal mode (got '" + mode + "')");
  }
  // Debian's default for WAL is already FULL (NOTES-platform §7); say so explicitly, durability depends on
  // it.
  exec("PRAGMA synchronous=FULL");
  exec("PRAGMA foreign_keys=ON");
}

void Connection::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  // The connection's own error message says the same; free the copy sqlite3_exec made.
  sqlite3_free(message);
  if (rc != SQLITE_OK) throwSqliteError(db_.get(), rc, "executing SQL");
}

}  // namespace postern::store
