#include "store/statement.h"

#include <stdexcept>

#include "store/store_error.h"

namespace postern::store {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) throwSqliteError(db, rc, "preparing a statement");
  if (!stmt_) throw std::logic_error("store::Statement: empty SQL");
  // A second statement after the first would be silently ignored by SQLite; refuse it instead.
  for (const char* p = tail; p && p < sql.data() + sql.size(); ++p)
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';')
      throw std::logic_error("store::Statement: more than one statement in one prepare");
}

void Statement::check(int rc, std::string_view context) const {
  if (rc != SQLITE_OK) throwSqliteError(db_, rc, context);
}

Statement& Statement::bindInt64(int index, std::int64_t value) {
  check(sqlite3_bind_int64(stmt_.get(), index, value), "binding a parameter");
  return *this;
}

Statement& Statement::bindText(int index, std::string_view value) {
  // SQLite binds NULL for a null pointer, which a default-constructed string_view holds: text stays text
  // (bindNull is for NULL), so that a NOT NULL column takes an empty value.
  const char* text = value.data() != nullptr ? value.data() : "";
  check(sqlite3_bind_text64(stmt_.get(), index, text, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        "binding a parameter");
  return *this;
}

Statement& Statement::bindNull(int index) {
  check(sqlite3_bind_null(stmt_.get(), index), "binding a parameter");
  return *this;
}

Statement& Statement::bindInt64(std::string_view name, std::int64_t value) {
  return bindInt64(indexOf(name), value);
}
Statement& Statement::bindText(std::string_view name, std::string_view value) {
  return bindText(indexOf(name), value);
}
Statement& Statement::bindNull(std::string_view name) { return bindNull(indexOf(name)); }

int Statement::indexOf(std::string_view name) const {
  const int index = sqlite3_bind_parameter_index(stmt_.get(), std::string(name).c_str());
  if (index == 0) throw std::logic_error("store::Statement: no parameter named " + std::string(name));
  return index;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The statement must be reset before it can run again; the error code stays with the connection.
  throwSqliteError(db_, rc, "running a statement");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has already reported.
  sqlite3_reset(stmt_.get());
}

std::int64_t Statement::columnInt64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Statement::columnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

bool Statement::columnIsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

}  // namespace postern::store
