// store::Statement — one prepared SQLite statement: bind parameters by index or name, step through rows,
// read columns.
//
// Owns: the sqlite3_stmt (core::CHandle, finalized on destruction). Must not know: SMTP, HTTP.
// Thread-safety: none; a statement belongs to the connection it was prepared on and is used by the thread
// holding that connection's lease (store/database.h). Destroy it before the lease ends.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/c_handle.h"

namespace postern::store {

class Statement {
 public:
  // Prepares exactly one SQL statement; throws store::DatabaseError when SQLite refuses it.
  Statement(sqlite3* db, std::string_view sql);

  // Parameters count from 1 (SQLite's convention); names include their prefix (":login"). The names are
  // explicit per type because bind(1, 0) would be ambiguous between an integer and NULL.
  Statement& bindInt64(int index, std::int64_t value);
  Statement& bindText(int index, std::string_view value);
  Statement& bindNull(int index);
  Statement& bindInt64(std::string_view name, std::int64_t value);
  Statement& bindText(std::string_view name, std::string_view value);
  Statement& bindNull(std::string_view name);

  // true when a row is available, false when the statement has finished. Throws store::DatabaseError.
  bool step();
  // Steps to completion, discarding any rows (INSERT, UPDATE, DELETE, DDL).
  void run();
  // Makes the statement runnable again; bindings are kept.
  void reset();

  // Columns count from 0. A NULL reads as 0 or "".
  std::int64_t columnInt64(int column) const;
  std::string columnText(int column) const;
  bool columnIsNull(int column) const;

 private:
  int indexOf(std::string_view name) const;
  void check(int rc, std::string_view context) const;

  sqlite3* db_;
  core::CHandle<sqlite3_stmt, sqlite3_finalize> stmt_;
};

}  // namespace postern::store
