#include "store/store_error.h"

namespace postern::store {

namespace {
ConstraintViolation::Kind constraintKind(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ConstraintViolation::Kind::Unique;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ConstraintViolation::Kind::ForeignKey;
    case SQLITE_CONSTRAINT_CHECK:
      return ConstraintViolation::Kind::Check;
    case SQLITE_CONSTRAINT_NOTNULL:
      return ConstraintViolation::Kind::NotNull;
    default:
      return ConstraintViolation::Kind::Other;
  }
}
}  // namespace

void throwSqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string what = std::string(context) + ": ";
  what += (db && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      throw ConstraintViolation(constraintKind(rc), rc, what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw DatabaseError(core::Severity::Temporary, rc, what + " (the database is busy; try again)");
    default:
      // DESIGN.md "Errors": a failure we cannot classify (I/O error, full disk, corruption) is temporary.
      throw DatabaseError(core::Severity::Temporary, rc, what);
  }
}

}  // namespace postern::store
